#include "inbox.h"

#include <sodium.h>

#include <algorithm>

#include "accounts.h"
#include "rotonde/base/hex.h"

namespace rotonde::app {
namespace {

Status NoStore() {
  return Status(codes::kUnavailable, "this server keeps no notification settings");
}

// something@domain.tld, at most 254 bytes, nothing a mail header could be bent with.
bool PlausibleMailAddress(std::string_view address) {
  if (address.size() < 5 || address.size() > 254) return false;
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || address.find('@', at + 1) != address.npos) {
    return false;
  }
  const std::string_view domain = address.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == domain.size()) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' || u == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
           c == '\\';
  });
}

projections::InboxReadMarks ToMarks(const v1::InboxRead& read) {
  projections::InboxReadMarks marks;
  marks.through = read.through();
  marks.positions.insert(read.positions().begin(), read.positions().end());
  return marks;
}

}  // namespace

Inbox::Inbox(Access& access, mail::NotificationStore* store, std::string link_secret,
             bool server_sends_mail)
    : access_(access),
      store_(store),
      link_secret_(std::move(link_secret)),
      server_sends_mail_(server_sends_mail) {}

Result<projections::InboxReadMarks> Inbox::Marks(std::string_view account_id,
                                                 std::string_view platform) const {
  if (store_ == nullptr) return projections::InboxReadMarks();
  auto read = store_->ReadMarks(account_id, platform);
  if (!read.ok()) return read.status();
  return ToMarks(read.value());
}

Result<projections::InboxReadMarks> Inbox::MarkRead(const Caller& caller,
                                                    const std::string& platform, uint64_t through,
                                                    const std::vector<uint64_t>& positions) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  if (store_ == nullptr) return NoStore();
  if (Status s = store_->MarkRead(caller.account_id, platform, through, positions); !s.ok()) {
    return s;
  }
  return Marks(caller.account_id, platform);
}

Result<MailChoice> Inbox::MailSettings(const Caller& caller) const {
  if (store_ == nullptr) return NoStore();
  auto settings = store_->Settings(caller.account_id);
  if (!settings.ok()) return settings.status();
  return MailChoice{std::move(settings.value()), server_sends_mail_};
}

Result<MailChoice> Inbox::SetMailSettings(const Caller& caller, v1::MailSettings settings) {
  if (store_ == nullptr) return NoStore();
  if (!settings.address().empty() && !PlausibleMailAddress(settings.address())) {
    return Status("invalid_contact", "that does not look like an e-mail address");
  }
  if (settings.language().empty()) settings.set_language("nl");
  if (settings.language() != "nl" && settings.language() != "en") {
    return Status(rotonde::codes::kInvalidArgument, "language is nl or en");
  }
  settings.set_updated_at(NowSeconds());
  if (Status s = store_->SetSettings(caller.account_id, settings); !s.ok()) return s;
  return MailChoice{std::move(settings), server_sends_mail_};
}

std::string Inbox::MacOf(std::string_view account_id) const {
  unsigned char mac[16];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(account_id.data()),
                     account_id.size(), reinterpret_cast<const unsigned char*>(link_secret_.data()),
                     std::min<size_t>(link_secret_.size(), crypto_generichash_KEYBYTES_MAX));
  return HexOf(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::string Inbox::UnsubscribeToken(std::string_view account_id) const {
  return std::string(account_id) + "." + MacOf(account_id);
}

Status Inbox::Unsubscribe(std::string_view token) {
  const size_t dot = token.rfind('.');
  const Status invalid(codes::kInvalidLink, "this unsubscribe link is not valid");
  if (dot == std::string_view::npos || dot == 0 || link_secret_.empty()) return invalid;
  const std::string_view account = token.substr(0, dot);
  const std::string expected = MacOf(account);
  const std::string_view given = token.substr(dot + 1);
  if (given.size() != expected.size() ||
      sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return invalid;
  }
  if (store_ == nullptr) return NoStore();
  auto settings = store_->Settings(account);
  if (!settings.ok()) return settings.status();
  settings->set_mode(v1::MAIL_MODE_OFF);
  settings->set_updated_at(NowSeconds());
  return store_->SetSettings(account, settings.value());
}

}  // namespace rotonde::app
