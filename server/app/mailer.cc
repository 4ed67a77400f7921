#include "mailer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "accounts.h"
namespace rotonde::app {
namespace {

// Mail that fails for now is tried again after 5 s, doubling up to an hour, for two days.
constexpr int64_t kFirstRetrySeconds = 5;
constexpr int64_t kMaxRetrySeconds = 3600;
constexpr int64_t kGiveUpAfterSeconds = 2 * 24 * 3600;
// Daily digests go at 06:00 UTC.
constexpr int64_t kDigestOffsetSeconds = 6 * 3600;
// Mails handed to SMTP in one round, so Stop() is never kept waiting long.
constexpr size_t kMailsPerRound = 50;

// "https://buurt.example.nl:8443/x" -> "buurt.example.nl".
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const size_t end = url.find_first_of(":/", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return host.empty() ? "rotonde.invalid" : host;
}

bool WantsMail(const v1::MailSettings& s) {
  return !s.address().empty() && s.mode() != v1::MAIL_MODE_OFF;
}

}  // namespace

Mailer::Mailer(eventstore::EventLog& log, CommandService& commands, mail::NotificationStore& store,
               Inbox& inbox, MailerOptions options)
    : log_(log),
      commands_(commands),
      store_(store),
      inbox_(inbox),
      options_(std::move(options)),
      host_(HostOf(options_.base_url)) {}

Mailer::~Mailer() { Stop(); }

void Mailer::Start() {
  // Platforms never seen start at their head now, before any request can add an event:
  // what happens from here on is mailed, nothing before.
  for (const std::string& platform : log_.Platforms()) {
    auto cursor = store_.Cursor(platform);
    if (cursor.ok() && !cursor.value()) {
      (void)store_.Queue(platform, log_.Head(platform).position, {}, {});
    }
  }
  thread_ = std::jthread([this](std::stop_token stop) {
    std::unique_lock lock(mu_);
    while (!stop.stop_requested()) {
      lock.unlock();
      RunOnce(NowSeconds());
      lock.lock();
      wake_.wait_for(lock, stop, options_.poll, [] { return false; });
    }
  });
}

void Mailer::Stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

MailerStats Mailer::stats() const {
  return MailerStats{queued_.load(), sent_.load(), retried_.load(), dropped_.load()};
}

void Mailer::RunOnce(int64_t now) {
  for (const std::string& platform : log_.Platforms()) QueueNew(platform, now);
  ComposeDigests(now);
  SendDue(now);
}

mail::MailLinks Mailer::LinksFor(const std::string& account_id) const {
  const std::string token = inbox_.UnsubscribeToken(account_id);
  return {options_.base_url + "/#/meldingen", options_.base_url + "/#/afmelden/" + token,
          options_.base_url + "/api/v1/mail/unsubscribe?t=" + token};
}

void Mailer::QueueNew(const std::string& platform, int64_t now) {
  auto cursor = store_.Cursor(platform);
  if (!cursor.ok()) return;
  const uint64_t head = log_.Head(platform).position;
  if (!cursor.value()) {
    // A platform this mailer has not seen: from its head on.
    (void)store_.Queue(platform, head, {}, {});
    return;
  }
  const uint64_t from = *cursor.value();
  if (head <= from) return;
  // What happened after the cursor, named as the model names it now; read under the
  // platform's lock, composed and written outside it.
  std::vector<std::pair<std::string, v1::Notification>> news;
  std::string platform_name;
  uint64_t upto = from;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    upto = model.position();
    platform_name = model.state().name();
    for (const auto& [member, inbox] : model.inboxes()) {
      // Newest last: walk back from the end while the positions are new.
      for (auto it = inbox.rbegin(); it != inbox.rend() && it->position() > from; ++it) {
        v1::Notification n = *it;
        projections::FillNotification(model.state(), &n);
        news.emplace_back(member, std::move(n));
      }
    }
  });
  if (!read.ok() || upto <= from) return;
  std::sort(news.begin(), news.end(),
            [](const auto& a, const auto& b) { return a.second.position() < b.second.position(); });
  std::vector<v1::OutgoingMail> mails;
  std::vector<std::pair<std::string, v1::DigestLine>> lines;
  std::map<std::string, v1::MailSettings> settings_of;
  for (const auto& [member, n] : news) {
    auto found = settings_of.find(member);
    if (found == settings_of.end()) {
      auto settings = store_.Settings(member);
      if (!settings.ok()) return;  // tried again next round, from the same cursor
      found = settings_of.emplace(member, std::move(settings.value())).first;
    }
    const v1::MailSettings& s = found->second;
    if (!WantsMail(s)) continue;
    const std::string link = mail::LinkOf(n, options_.base_url, platform);
    if (s.mode() == v1::MAIL_MODE_INSTANT) {
      v1::OutgoingMail m =
          mail::InstantMail(n, s.language(), platform_name, link, LinksFor(member));
      m.set_message_id("n." + platform + "." + std::to_string(n.position()) + "." + member + "@" +
                       host_);
      m.set_account_id(member);
      m.set_to(s.address());
      m.set_queued_at(now);
      m.set_platform(platform);
      m.set_position(n.position());
      mails.push_back(std::move(m));
    } else {
      v1::DigestLine line;
      line.set_platform(platform);
      line.set_platform_name(platform_name);
      line.set_position(n.position());
      line.set_text(mail::Describe(n, s.language()).sentence);
      line.set_link(link);
      line.set_queued_at(now);
      lines.emplace_back(member, std::move(line));
    }
  }
  if (Status s = store_.Queue(platform, upto, mails, lines); !s.ok()) {
    spdlog::warn("mail: cannot queue {}'s notifications: {}", platform, s.ToString());
    return;
  }
  queued_ += mails.size() + lines.size();
}

int64_t Mailer::LastDigestMoment(int64_t now) const {
  const int64_t every = std::max<int64_t>(1, options_.digest_every.count());
  const int64_t offset = kDigestOffsetSeconds % every;
  return (now - offset) / every * every + offset;
}

void Mailer::ComposeDigests(int64_t now) {
  auto lines = store_.DigestLines();
  if (!lines.ok() || lines->empty()) return;
  const int64_t moment = LastDigestMoment(now);
  // By account, in key order (platform, then position).
  std::map<std::string, std::vector<const mail::QueuedLine*>> by_account;
  for (const mail::QueuedLine& line : lines.value()) by_account[line.account_id].push_back(&line);
  for (const auto& [account, queued] : by_account) {
    const bool due = std::any_of(queued.begin(), queued.end(), [&](const mail::QueuedLine* l) {
      return l->line.queued_at() < moment;
    });
    if (!due) continue;
    auto settings = store_.Settings(account);
    if (!settings.ok()) continue;
    std::vector<std::string> keys;
    std::vector<v1::DigestLine> content;
    for (const mail::QueuedLine* l : queued) {
      keys.push_back(l->key);
      content.push_back(l->line);
    }
    if (!WantsMail(settings.value())) {
      // Mail was turned off since: the lines go, with no mail.
      for (const std::string& key : keys) (void)store_.Remove(key);
      continue;
    }
    v1::OutgoingMail m = mail::DigestMail(content, settings->language(), LinksFor(account));
    m.set_message_id("d." + account + "." + std::to_string(moment) + "@" + host_);
    m.set_account_id(account);
    m.set_to(settings->address());
    m.set_queued_at(now);
    m.set_position(content.back().position());
    m.set_platform(content.back().platform());
    if (Status s = store_.ComposeDigest(keys, m); !s.ok()) {
      spdlog::warn("mail: cannot compose a digest: {}", s.ToString());
    }
  }
}

void Mailer::SendDue(int64_t now) {
  auto due = store_.DueMails(now, kMailsPerRound);
  if (!due.ok()) return;
  for (mail::QueuedMail& queued : due.value()) {
    if (thread_.get_stop_token().stop_requested()) return;
    const std::string message = mail::MimeMessage(queued.mail, options_.smtp.from, now);
    Status sent = mail::SendMail(options_.smtp, queued.mail.to(), message);
    if (sent.ok()) {
      (void)store_.Remove(queued.key);
      ++sent_;
      continue;
    }
    const bool permanent = sent.code() == mail::codes::kSmtpPermanent;
    if (permanent || now - queued.mail.queued_at() > kGiveUpAfterSeconds) {
      spdlog::warn("mail: gave up on {} to account {}: {}", queued.mail.message_id(),
                   queued.mail.account_id(), sent.ToString());
      (void)store_.Remove(queued.key);
      ++dropped_;
      continue;
    }
    v1::OutgoingMail retry = queued.mail;
    retry.set_attempts(retry.attempts() + 1);
    const int64_t wait =
        std::min(kMaxRetrySeconds, kFirstRetrySeconds << std::min(retry.attempts() - 1, 20));
    retry.set_next_attempt_at(now + wait);
    (void)store_.Reschedule(queued.key, retry);
    ++retried_;
    if (retry.attempts() == 1) {
      spdlog::warn("mail: could not send {} ({}); trying again", queued.mail.message_id(),
                   sent.ToString());
    }
    return;  // the server is away for now: the rest waits for the next round
  }
}

}  // namespace rotonde::app
