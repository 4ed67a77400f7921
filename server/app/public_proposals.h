// PublicProposals: what a resident without an account may do on a platform: read its name,
// send a proposal (verbetervoorstel) through the public form, and follow that proposal
// through its private status link (docs/api.md, "Residents' proposals").
//
// A public form is abused as a matter of course, so a sending is counted against two
// windows (WindowLimiter: per client address and per platform), refused outright when the
// form's hidden field is filled (a bot filling every field), and bounded in size by the
// domain's text limits. A refused sending changes nothing.
//
// The status link's key is derived from a server secret and the proposal (keyed BLAKE2b):
// nothing is stored for it, it cannot be listed, and a wrong key is answered as an unknown
// proposal.
//
// Every method may block (a platform's lock): call them on a worker.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "command_runner.h"
#include "command_service.h"
#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_log.h"
#include "usage_limits.h"
#include "window_limiter.h"

namespace rotonde::app {

// A founded platform, as the public form names it.
struct PublicPlatform {
  std::string platform;
  std::string name;
  std::string neighbourhood;
  uint64_t position = 0;
};

// What the public form sends.
struct PublicProposal {
  std::string request_id;  // optional; the same one again is answered as the first time
  std::string name;
  std::string contact;  // an e-mail address or a phone number
  std::string title;
  std::string description;
  std::string honeypot;  // the form's hidden "website" field: people leave it empty
};

struct ProposalReceipt {
  std::string proposal_id;
  std::string key;  // the private status link's key
  uint64_t position = 0;
};

// A proposal as its sender sees it through the status link: no notes, no contact.
struct ProposalStatusPage {
  std::string platform;
  std::string platform_name;
  uint64_t position = 0;
  std::string id;
  std::string title;
  std::string description;
  std::string submitter_name;
  // Whom the sender's data is about ("resident-<id>"), and whether a member sent it (then
  // the member's own account erases and shows it, not the link).
  std::string submitter_id;
  bool by_member = false;
  std::string status;  // open | discussed | adopted | declined
  int64_t submitted_at = 0;
  int32_t discussions = 0;
  std::string decline_reason;
  // When adopted: the initiative it became (if it still exists in the state).
  std::string initiative_id;
  std::string initiative_title;
  std::string initiative_status;
  std::string initiative_start_date;
  std::string initiative_place;
};

class PublicProposals {
 public:
  // `link_secret`: at least 32 bytes (SigningKey::DeriveSecret); empty disables sending
  // and status links (unavailable), as for a tool that hands out no links.
  PublicProposals(eventstore::EventLog& store, CommandService& commands, CommandRunner& runner,
                  std::string link_secret, PublicLimits limits = {});

  // The platform, if it is founded; else platform_not_found.
  Result<PublicPlatform> Platform(const std::string& platform);

  using Done = std::function<void(Result<ProposalReceipt>)>;
  // Sends `proposal` from `address` at `now` (seconds): platform_not_found, spam_suspected
  // (the hidden field), missing_field or invalid_contact (name, contact, title), invalid_id
  // (request id), rate_limited (with retryAfterSeconds), the domain's text limits
  // (too_long), unavailable. Answered through `done` once durable or refused, as
  // CommandRunner::RunAsync.
  void Submit(const std::string& platform, PublicProposal proposal, std::string_view address,
              int64_t now, Done done);

  // The proposal's status page for the holder of its key; not_found for an unknown proposal
  // or a wrong key (the same answer), platform_not_found.
  Result<ProposalStatusPage> StatusPage(const std::string& platform, const std::string& proposal_id,
                                        std::string_view key);

  // The status key of a proposal (32 lowercase hex digits).
  std::string KeyFor(std::string_view platform, std::string_view proposal_id) const;

 private:
  eventstore::EventLog& store_;
  CommandService& commands_;
  CommandRunner& runner_;
  const std::string link_secret_;
  auth::WindowLimiter by_address_;
  auth::WindowLimiter by_platform_;
};

// Whether `contact` looks like an e-mail address (something@domain.tld) or a phone number
// (at least 6 digits, and otherwise only spaces and + - ( ) .).
bool PlausibleContact(std::string_view contact);

}  // namespace rotonde::app
