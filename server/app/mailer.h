// Mailer: takes members' notifications to their mail, in the background.
//
// The dispatcher follows every platform's log through the notification store's cursor: the
// notifications of positions after it (read from the platform's model, projections/inbox.h)
// become, per member's settings, a mail at once, a line of the day's digest, or nothing, and
// are queued together with the cursor's move (NotificationStore::Queue), so each is queued
// exactly once across kill -9. A platform the store has no cursor for starts at its head: a
// new server does not mail the past.
//
// The sender hands each queued mail to SMTP and removes it once the server took it. A mail
// that fails for now is tried again later (5 s, then doubling, at most an hour apart, for
// two days); one refused for good is dropped and logged. A kill -9 after the SMTP server took
// a mail and before its removal was written sends it again, under the same Message-ID, which
// mail clients show once; that window is the write of one key.
//
// Digests: once a day at 06:00 UTC (07:00 or 08:00 in Amsterdam), or every
// MailerOptions::digest_every when that is shorter, each member's waiting lines become one
// mail.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "command_service.h"
#include "inbox.h"
#include "mail_text.h"
#include "notification_store.h"
#include "rotonde/eventstore/event_log.h"
#include "smtp_client.h"

namespace rotonde::app {

struct MailerOptions {
  mail::SmtpConfig smtp;
  // The server's base URL, for the links in mail ("https://buurt.example.nl").
  std::string base_url;
  std::chrono::seconds digest_every{std::chrono::hours(24)};
  // How often the dispatcher looks for new events and the sender for due mail.
  std::chrono::milliseconds poll{500};
};

struct MailerStats {
  uint64_t queued = 0;   // mails and digest lines queued
  uint64_t sent = 0;     // mails the SMTP server took
  uint64_t retried = 0;  // attempts that failed for now
  uint64_t dropped = 0;  // mails refused for good, or given up on
};

class Mailer {
 public:
  Mailer(eventstore::EventLog& log, CommandService& commands, mail::NotificationStore& store,
         Inbox& inbox, MailerOptions options);
  ~Mailer();  // stops
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  // Starts the background thread; Stop() ends it after the mail in hand.
  void Start();
  void Stop();

  // One round, as the thread runs it at `now` (seconds since the Unix epoch): queue what the
  // logs have new, compose the digests that are due, send the mail that is due.
  void RunOnce(int64_t now);

  MailerStats stats() const;

 private:
  void QueueNew(const std::string& platform, int64_t now);
  void ComposeDigests(int64_t now);
  void SendDue(int64_t now);
  // The last digest moment at or before `now`.
  int64_t LastDigestMoment(int64_t now) const;
  mail::MailLinks LinksFor(const std::string& account_id) const;

  eventstore::EventLog& log_;
  CommandService& commands_;
  mail::NotificationStore& store_;
  Inbox& inbox_;
  const MailerOptions options_;
  std::string host_;  // of base_url, for Message-IDs

  std::atomic<uint64_t> queued_{0}, sent_{0}, retried_{0}, dropped_{0};
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace rotonde::app
