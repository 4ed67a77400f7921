// Inbox: a member's notifications (projections/inbox.h) beyond the log: what they have read,
// how they hear of new ones by mail, and the unsubscribe links in those mails. The inbox
// itself is the view "inbox" (Reads); this keeps what is personal and not history, in the
// notification store (server/mail/notification_store.h).
//
// Every method may block (the disk): call them on a worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "access.h"
#include "notification_store.h"
#include "rotonde/base/status.h"
#include "rotonde/projections/inbox.h"
#include "rotonde/v1/mail.pb.h"

namespace rotonde::app {

namespace codes {
// The unsubscribe link is not one this server made (or was cut short).
inline constexpr std::string_view kInvalidLink = "invalid_link";
}  // namespace codes

// A member's mail settings as the API shows them, with whether this server sends mail.
struct MailChoice {
  v1::MailSettings settings;
  bool server_sends_mail = false;
};

class Inbox {
 public:
  // `store` may be null (tools that serve no one): reads give no marks, writes unavailable.
  // `link_secret` keys the unsubscribe links (SigningKey::DeriveSecret("mail-unsubscribe")).
  Inbox(Access& access, mail::NotificationStore* store, std::string link_secret,
        bool server_sends_mail);

  // What `account_id` has read of their inbox on `platform`; no marks when there is no store.
  Result<projections::InboxReadMarks> Marks(std::string_view account_id,
                                            std::string_view platform) const;
  // Marks the caller's notifications on `platform` read: all up to `through`, and
  // `positions`. platform_not_found / forbidden as any read; unavailable.
  Result<projections::InboxReadMarks> MarkRead(const Caller& caller, const std::string& platform,
                                               uint64_t through,
                                               const std::vector<uint64_t>& positions);

  Result<MailChoice> MailSettings(const Caller& caller) const;
  // Sets the caller's mail settings: `address` empty or a plausible address (invalid_contact),
  // `language` "nl" or "en" (invalid_argument). The mode is whatever the caller chose.
  Result<MailChoice> SetMailSettings(const Caller& caller, v1::MailSettings settings);

  // The unsubscribe token of an account: the account id and a keyed hash of it, so nothing
  // is stored and a link works as long as the server's signing key does.
  std::string UnsubscribeToken(std::string_view account_id) const;
  // Turns mail off for the token's account. invalid_link for a token this server did not make.
  Status Unsubscribe(std::string_view token);

 private:
  std::string MacOf(std::string_view account_id) const;

  Access& access_;
  mail::NotificationStore* store_;
  const std::string link_secret_;
  const bool server_sends_mail_;
};

}  // namespace rotonde::app
