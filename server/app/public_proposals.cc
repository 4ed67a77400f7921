#include "public_proposals.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <tuple>
#include <utility>

#include "access.h"
#include "decide_support.h"
#include "rotonde/base/hex.h"
#include "secrets.h"

namespace rotonde::app {
namespace {

constexpr int64_t kHour = 3600;
constexpr size_t kMaxRequestIdBytes = 64;
constexpr size_t kMaxContactBytes = 200;
constexpr std::string_view kSpamSuspected = "spam_suspected";
constexpr std::string_view kInvalidContact = "invalid_contact";

std::string Trimmed(std::string_view text) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

Status RateLimited(int64_t wait) {
  Status limited(codes::kRateLimited,
                 "too many proposals were sent just now; try again in a while");
  limited.WithDetail("retryAfterSeconds", wait);
  return limited;
}

// The proposal's own fields, before the domain checks their lengths.
Status CheckFields(const PublicProposal& p) {
  if (!p.honeypot.empty()) {
    return Status(kSpamSuspected, "leave the field 'website' empty: it is there to catch robots");
  }
  if (p.request_id.size() > kMaxRequestIdBytes) {
    return Status(codes::kInvalidArgument, "requestId is at most 64 bytes");
  }
  if (Trimmed(p.name).empty()) {
    return Status(codes::kMissingField, "tell us your name").WithDetail("field", "name");
  }
  if (Trimmed(p.contact).empty()) {
    return Status(codes::kMissingField, "tell us how to reach you: an e-mail address or phone")
        .WithDetail("field", "contact");
  }
  if (p.contact.size() > kMaxContactBytes || !PlausibleContact(Trimmed(p.contact))) {
    return Status(kInvalidContact, "give an e-mail address or a phone number")
        .WithDetail("field", "contact");
  }
  if (Trimmed(p.title).empty()) {
    return Status(codes::kMissingField, "give your proposal a title").WithDetail("field", "title");
  }
  // The domain's limits, which its decider checks too, here named by the form's fields.
  for (const auto& [field, text, limit] :
       {std::tuple{"name", &p.name, commands::kMaxNameBytes},
        std::tuple{"title", &p.title, commands::kMaxTitleBytes},
        std::tuple{"description", &p.description, commands::kMaxTextBytes}}) {
    if (text->size() > limit) {
      return Status("text_too_long",
                    std::string(field) + " is longer than " + std::to_string(limit) + " bytes")
          .WithDetail("field", field);
    }
  }
  return Status::Ok();
}

}  // namespace

bool PlausibleContact(std::string_view contact) {
  const size_t at = contact.find('@');
  if (at != std::string_view::npos) {
    const std::string_view local = contact.substr(0, at);
    const std::string_view domain = contact.substr(at + 1);
    const size_t dot = domain.rfind('.');
    const bool spaced = contact.find_first_of(" \t\r\n") != std::string_view::npos;
    return !local.empty() && !spaced && domain.find('@') == std::string_view::npos &&
           dot != std::string_view::npos && dot > 0 && dot + 3 <= domain.size();
  }
  size_t digits = 0;
  for (char c : contact) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (std::string_view(" +-().").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digits >= 6 && digits <= 20;
}

PublicProposals::PublicProposals(eventstore::EventLog& store, CommandService& commands,
                                 CommandRunner& runner, std::string link_secret,
                                 PublicLimits limits)
    : store_(store),
      commands_(commands),
      runner_(runner),
      link_secret_(std::move(link_secret)),
      by_address_(limits.per_address_per_hour, kHour),
      by_platform_(limits.per_platform_per_hour, kHour) {}

std::string PublicProposals::KeyFor(std::string_view platform, std::string_view proposal_id) const {
  std::string message(platform);
  message.push_back('\0');
  message += proposal_id;
  unsigned char mac[16];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), reinterpret_cast<const unsigned char*>(link_secret_.data()),
                     std::min<size_t>(link_secret_.size(), crypto_generichash_KEYBYTES_MAX));
  return HexOf(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

Result<PublicPlatform> PublicProposals::Platform(const std::string& platform) {
  // The log's head first: a name nobody founded must not make the server fold a model.
  if (platform.empty() || store_.Head(platform).position == 0) return PlatformNotFound(platform);
  Result<PublicPlatform> out = PlatformNotFound(platform);
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    const auto& state = model.state();
    if (!state.founded()) return;
    out = PublicPlatform{platform, state.name(), state.neighbourhood(), model.position()};
  });
  if (!read.ok()) return Unavailable(read);
  return out;
}

void PublicProposals::Submit(const std::string& platform, PublicProposal proposal,
                             std::string_view address, int64_t now, Done done) {
  if (link_secret_.size() < 32) {
    return done(Status(codes::kUnavailable, "this server hands out no status links"));
  }
  if (Status fields = CheckFields(proposal); !fields.ok()) return done(fields);
  auto found = Platform(platform);
  if (!found.ok()) return done(found.status());

  const std::string address_key = auth::ClientAddressKey(address);
  if (const int64_t wait = by_address_.Take(address_key, now); wait > 0) {
    return done(RateLimited(wait));
  }
  if (const int64_t wait = by_platform_.Take(platform, now); wait > 0) {
    by_address_.GiveBack(address_key, now);
    return done(RateLimited(wait));
  }

  v1::Command command;
  // The command id is derived from the request id, so that a retry is answered as the
  // first sending; it cannot collide with a member's ids, which never start "public-".
  command.set_command_id(
      "public-" +
      HexOf(auth::Sha256(proposal.request_id.empty() ? auth::RandomBytes(16)
                                                     : platform + "\n" + proposal.request_id))
          .substr(0, 32));
  auto& c = *command.mutable_submit_proposal();
  c.set_title(Trimmed(proposal.title));
  c.set_description(Trimmed(proposal.description));
  c.set_submitter_name(Trimmed(proposal.name));
  c.set_submitter_contact(Trimmed(proposal.contact));
  // No actor: a resident without an account.
  runner_.RunComposedAsync(
      platform, "", std::move(command), true,
      [this, platform, address_key, now, done = std::move(done)](Result<CommandResult> result) {
        // A refusal or a repeat is no new proposal: it does not count.
        if (!result.ok() || result->repeated) {
          by_address_.GiveBack(address_key, now);
          by_platform_.GiveBack(platform, now);
        }
        if (!result.ok()) return done(result.status());
        for (const auto& record : result->events) {
          v1::DomainEvent event;
          if (event.ParseFromString(record.payload()) && event.has_proposal_submitted()) {
            const std::string& id = event.proposal_submitted().proposal_id();
            return done(ProposalReceipt{id, KeyFor(platform, id), result->last_position});
          }
        }
        done(Status(codes::kUnavailable, "the proposal was recorded but cannot be read back"));
      });
}

Result<ProposalStatusPage> PublicProposals::StatusPage(const std::string& platform,
                                                       const std::string& proposal_id,
                                                       std::string_view key) {
  if (link_secret_.size() < 32) {
    return Status(codes::kUnavailable, "this server hands out no status links");
  }
  const Status unknown(rotonde::codes::kNotFound, "no such proposal, or the link is not right");
  const std::string expected = KeyFor(platform, proposal_id);
  if (key.size() != expected.size() ||
      sodium_memcmp(key.data(), expected.data(), expected.size()) != 0) {
    return unknown;
  }
  auto found = Platform(platform);
  if (!found.ok()) return found.status();
  Result<ProposalStatusPage> out = unknown;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    const auto& state = model.state();
    const projections::ProposalState* p = state.Proposal(proposal_id);
    if (p == nullptr) return;
    ProposalStatusPage page;
    page.platform = platform;
    page.platform_name = state.name();
    page.position = model.position();
    page.id = p->id;
    page.title = p->title;
    page.description = p->description;
    page.submitter_name = p->submitter_name;
    page.submitter_id = p->submitter_id;
    page.by_member = !p->submitted_by.empty();
    page.status = projections::ProposalStatusName(p->status);
    page.submitted_at = p->submitted_at;
    page.discussions = static_cast<int32_t>(p->notes.size());
    page.decline_reason = p->decline_reason;
    if (const projections::InitiativeState* i = state.Initiative(p->initiative_id)) {
      page.initiative_id = i->id;
      page.initiative_title = i->title;
      page.initiative_status = projections::InitiativeStatusName(i->status);
      page.initiative_start_date = i->when.start_date();
      page.initiative_place = i->place.text();
    }
    out = std::move(page);
  });
  if (!read.ok()) return Unavailable(read);
  return out;
}

}  // namespace rotonde::app
