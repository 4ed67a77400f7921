#include "invites.h"

#include "decide_support.h"
#include "rotonde/base/hex.h"
#include "rotonde/projections/platform_model.h"
#include "secrets.h"

namespace rotonde::app {
namespace {

// A command id for a command the server composes itself (an invite): never repeated.
std::string RandomCommandId(std::string_view prefix) {
  return std::string(prefix) + "-" + HexOf(auth::RandomBytes(12));
}

}  // namespace

Invites::Invites(auth::AuthStore& auth, CommandService& commands, CommandRunner& runner,
                 Accounts& accounts, const Limits& limits)
    : auth_(auth),
      commands_(commands),
      runner_(runner),
      accounts_(accounts),
      access_(commands),
      limits_(limits) {}

Result<int64_t> Invites::Hours(std::optional<int64_t> given) const {
  if (!given) return limits_.invite_default_hours;
  if (*given < 1 || *given > limits_.invite_max_hours) {
    return Status(codes::kInvalidArgument, "expiresInHours must be a whole number from 1 to " +
                                               std::to_string(limits_.invite_max_hours));
  }
  return *given;
}

Result<InvitePreview> Invites::Peek(std::string_view token) {
  auto grant = auth_.PeekInvite(token, NowSeconds());
  if (!grant.ok()) return grant.status();
  InvitePreview preview;
  preview.platform = grant->platform;
  preview.platform_name = grant->platform_name;
  if (!grant->founding && commands_.Knows(grant->platform)) {
    (void)commands_.Read(grant->platform, [&](const projections::PlatformModel& model) {
      preview.platform_name = model.state().name();
      preview.position = model.position();
    });
  }
  preview.role = grant->role;
  preview.note = grant->note;
  preview.expires_at = grant->expires_at;
  preview.founding = grant->founding;
  return preview;
}

void Invites::Accept(std::string_view token, const Acceptance& acceptance, const Caller* caller,
                     std::function<void(Result<Session>)> done) {
  if (caller != nullptr && caller->kind == auth::TokenKind::kFeed) caller = nullptr;
  const bool new_account = caller == nullptr || !acceptance.login.empty();
  if (new_account && (acceptance.login.empty() || acceptance.password.empty())) {
    return done(Status(codes::kMissingField, "choose a login and a password"));
  }
  if (acceptance.display_name.empty()) {
    return done(Status(codes::kMissingField, "tell the others your name"));
  }

  // Claim first, so two people opening the same link cannot both join with it.
  auto grant = auth_.ClaimInvite(token, NowSeconds());
  if (!grant.ok()) return done(grant.status());
  auto release = [this, token = std::string(token)](Status refusal) {
    auth_.ReleaseInvite(token);
    return refusal;
  };

  auth::Account account;
  if (new_account) {
    auto created = auth_.CreateAccount(acceptance.login, acceptance.password,
                                       acceptance.display_name, NowSeconds());
    if (!created.ok()) return done(release(created.status()));
    account = created.value();
  } else {
    auto existing = auth_.GetAccount(caller->account_id);
    if (!existing) {
      return done(release(Status(codes::kUnauthenticated, "this account no longer exists")));
    }
    account = *existing;
  }

  v1::Command command;
  if (grant->founding) {
    command.set_command_id("found-" + grant->platform);
    auto& found = *command.mutable_found_platform();
    found.set_platform_id(grant->platform);
    found.set_name(grant->platform_name);
    found.set_neighbourhood(grant->neighbourhood);
    found.set_founder_name(acceptance.display_name);
  } else {
    command.set_command_id("join-" + grant->invite_id);
    auto& join = *command.mutable_join_platform();
    join.set_invite_id(grant->invite_id);
    join.set_display_name(acceptance.display_name);
  }
  runner_.RunComposedAsync(
      grant->platform, account.id, std::move(command), /*with_events=*/false,
      [this, release, account, done = std::move(done)](Result<CommandResult> handled) {
        if (!handled.ok()) return done(release(handled.status()));
        done(accounts_.OpenSession(account));
      });
}

void Invites::Create(const Caller& caller, const std::string& platform,
                     const InviteRequest& request,
                     std::function<void(Result<CreatedInvite>)> done) {
  if (Status writer = access_.RequireWriter(caller, platform); !writer.ok()) return done(writer);
  auto hours = Hours(request.expires_in_hours);
  if (!hours.ok()) return done(hours.status());

  v1::Command command;
  command.set_command_id(RandomCommandId("invite"));
  auto& invite = *command.mutable_invite_member();
  invite.set_role(request.role);
  invite.set_note(request.note);
  runner_.RunAsync(
      caller, platform, std::move(command), /*with_events=*/true,
      [this, platform, request, hours = hours.value(),
       done = std::move(done)](Result<CommandResult> handled) {
        if (!handled.ok()) return done(handled.status());
        // The invite's id is in the event the command wrote.
        if (handled->events.empty()) {
          return done(Unavailable(Status::NotFound("the invite's event could not be read back")));
        }
        v1::DomainEvent event;
        if (!event.ParseFromString(handled->events.front().payload()) ||
            !event.has_member_invited()) {
          return done(Unavailable(Status::Corruption("the invite's event does not parse")));
        }
        auth::InviteGrant grant;
        grant.platform = platform;
        grant.invite_id = event.member_invited().invite_id();
        grant.role = request.role;
        grant.note = request.note;
        grant.expires_at = NowSeconds() + hours * 3600;
        auto token = auth_.CreateInvite(grant);
        if (!token.ok()) return done(token.status());
        done(CreatedInvite{grant.invite_id, std::move(token.value()), request.role,
                           grant.expires_at, handled->last_position});
      });
}

Result<CreatedInvite> Invites::CreateFounding(const PlatformRequest& request) {
  // The same checks FoundPlatform will make, so a bad name fails now and not at accept time.
  if (auto r = commands::CheckId("platform", request.platform)) return r->status();
  if (auto r = commands::CheckText("name", request.name, commands::kMaxNameBytes, true)) {
    return r->status();
  }
  if (auto r = commands::CheckText("neighbourhood", request.neighbourhood, commands::kMaxNameBytes,
                                   true)) {
    return r->status();
  }
  auto hours = Hours(request.expires_in_hours);
  if (!hours.ok()) return hours.status();
  if (commands_.Knows(request.platform)) {
    bool founded = false;
    (void)commands_.Read(request.platform, [&](const projections::PlatformModel& model) {
      founded = model.state().founded();
    });
    if (founded) {
      return Status(codes::kPlatformExists, "platform '" + request.platform + "' exists already");
    }
  }
  auth::InviteGrant grant;
  grant.platform = request.platform;
  grant.role = v1::ROLE_ADMIN;
  grant.founding = true;
  grant.platform_name = request.name;
  grant.neighbourhood = request.neighbourhood;
  grant.note = "founding admin";
  grant.expires_at = NowSeconds() + hours.value() * 3600;
  auto token = auth_.CreateInvite(grant);
  if (!token.ok()) return token.status();
  return CreatedInvite{"", std::move(token.value()), v1::ROLE_ADMIN, grant.expires_at, 0};
}

}  // namespace rotonde::app
