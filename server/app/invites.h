// Invites: how people come in. A member invites someone to their platform (an invite link);
// whoever opens the link joins, with a new account or the one they are signed in with; the
// operator creates a founding link for a new platform, whose opener founds it as its first
// admin. The links' tokens live in the auth store, hashed; the log records the invitation and
// the joining, by the people's account ids.
//
// Every method may block: call them on a worker.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "access.h"
#include "accounts.h"
#include "auth_store.h"
#include "command_runner.h"
#include "usage_limits.h"

namespace rotonde::app {

// What an invite link offers, before it is accepted.
struct InvitePreview {
  std::string platform;
  std::string platform_name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string note;
  int64_t expires_at = 0;
  bool founding = false;
  uint64_t position = 0;  // the platform's last position (0 before it is founded)
};

// A person accepting a link: a new account (login and password) unless they are signed in.
struct Acceptance {
  std::string display_name;
  std::string login;
  std::string password;
};

// An invitation to write to a platform.
struct InviteRequest {
  v1::Role role = v1::ROLE_MEMBER;
  std::string note;
  std::optional<int64_t> expires_in_hours;  // the default when absent
};

struct CreatedInvite {
  std::string invite_id;  // the domain's (MemberInvited); empty for a founding invite
  std::string token;      // the link's secret, shown once
  v1::Role role = v1::ROLE_UNSPECIFIED;
  int64_t expires_at = 0;
  uint64_t position = 0;  // of the MemberInvited event; 0 for a founding invite
};

// A new platform, as the operator names it.
struct PlatformRequest {
  std::string platform;  // its id, e.g. "noord"
  std::string name;
  std::string neighbourhood;
  std::optional<int64_t> expires_in_hours;
};

class Invites {
 public:
  Invites(auth::AuthStore& auth, CommandService& commands, CommandRunner& runner,
          Accounts& accounts, const Limits& limits);

  // invite_not_found, invite_expired, invite_used.
  Result<InvitePreview> Peek(std::string_view token);
  // Claims the link and joins (or founds) its platform, then opens a session, answered
  // through `done` (from this thread, or from the one that finishes the command's batch,
  // once the joining is durable). `caller` may be null: a newcomer creates an account with
  // the link. missing_field; the link's refusals; the account's (login_taken,
  // weak_password, ...); the domain's. A link whose joining failed is released, so it can
  // be used again.
  void Accept(std::string_view token, const Acceptance& acceptance, const Caller* caller,
              std::function<void(Result<Session>)> done);
  // An invite link to `platform` (any writer may invite; the domain decides the role they
  // may grant), answered as Accept's. invalid_argument for hours outside 1..the maximum.
  void Create(const Caller& caller, const std::string& platform, const InviteRequest& request,
              std::function<void(Result<CreatedInvite>)> done);
  // A founding link for a new platform (`rotonde admin create-platform`, the operator's
  // endpoint): the platform's id and names are checked as FoundPlatform will check them, and
  // platform_exists if it is founded already.
  Result<CreatedInvite> CreateFounding(const PlatformRequest& request);

 private:
  // The link's lifetime in hours: the default if not given, else 1 to the maximum.
  Result<int64_t> Hours(std::optional<int64_t> given) const;

  auth::AuthStore& auth_;
  CommandService& commands_;
  CommandRunner& runner_;
  Accounts& accounts_;
  Access access_;
  const Limits& limits_;
};

}  // namespace rotonde::app
