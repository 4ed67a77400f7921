// What a notification says in a mail, in Dutch or English, and the mail itself: a subject,
// a plain-text body and a simple HTML one, put together as an RFC 5322 / MIME message.
// Pure: no clock (the date is passed in), no network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/v1/mail.pb.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::mail {

// "nl" or "en"; anything else is taken as "nl".
std::string_view LanguageOf(std::string_view language);

// One notification in words: a subject line and one sentence, from a notification whose
// names and titles are filled in (projections/inbox.h FillNotification), e.g.
// "Mogelijke dubbeling: ‘Rommelmarkt’ en ‘Buurtbraderie’".
struct Described {
  std::string subject;
  std::string sentence;
};
Described Describe(const v1::Notification& n, std::string_view language);

// Where a notification is seen in the web client, from the server's base URL
// ("https://buurt.example.nl"): "<base>/#/p/<platform>/initiatives/<id>" and the like.
std::string LinkOf(const v1::Notification& n, std::string_view base_url, std::string_view platform);

// The links every mail carries: the member's mail settings, the unsubscribe page a person
// opens from the footer, and the one-click unsubscribe URL of the List-Unsubscribe header
// (RFC 8058), which a mail client posts to.
struct MailLinks {
  std::string settings;
  std::string unsubscribe_page;
  std::string unsubscribe_url;
};

// The mail for one notification at once.
v1::OutgoingMail InstantMail(const v1::Notification& n, std::string_view language,
                             std::string_view platform_name, std::string_view link,
                             const MailLinks& links);

// One digest of `lines` (several platforms may be among them).
v1::OutgoingMail DigestMail(const std::vector<v1::DigestLine>& lines, std::string_view language,
                            const MailLinks& links);

// The whole message to hand to SMTP: headers (From, To, Subject as an RFC 2047 word when it
// is not ASCII, Date from `now_seconds`, Message-ID, List-Unsubscribe with One-Click,
// Auto-Submitted) and a multipart/alternative body of the text and HTML parts in base64.
// Lines end in CRLF.
std::string MimeMessage(const v1::OutgoingMail& mail, std::string_view from, int64_t now_seconds);

// Text made safe inside HTML: & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace rotonde::mail
