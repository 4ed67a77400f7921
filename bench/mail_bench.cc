// The mail sender's throughput: mails in the outbox handed to a real SMTP server on loopback
// (the tests' sink), each composed as MIME, sent over libcurl and removed from the outbox
// with a synced write, as the Mailer's background thread does.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "access.h"
#include "command_service.h"
#include "inbox.h"
#include "mailer.h"
#include "notification_store.h"
#include "rotonde/eventstore/event_store.h"
#include "smtp_sink.h"
#include "temp_dir.h"

namespace rotonde::bench {
namespace {

void BM_MailSend(benchmark::State& state) {
  const size_t mails = static_cast<size_t>(state.range(0));
  test_support::TempDir dir;
  test_support::SmtpSink sink;
  auto store = eventstore::EventStore::Open(dir.Sub("log"), {});
  auto notifications = mail::NotificationStore::Open(dir.Sub("notifications"));
  if (!store.ok() || !notifications.ok()) {
    state.SkipWithError("cannot open the stores");
    return;
  }
  app::CommandService service(**store);
  app::Access access(service);
  app::Inbox inbox(access, notifications->get(), "secret", true);
  app::MailerOptions options;
  options.smtp = {sink.url(), "buurt@rotonde.test", 10};
  options.base_url = "https://buurt.example.nl";
  app::Mailer mailer(**store, service, **notifications, inbox, options);
  v1::OutgoingMail mail;
  mail.set_to("bram@example.org");
  mail.set_subject("Mogelijke dubbeling: ‘Braderie’ en ‘Rommelmarkt’");
  mail.set_text(std::string(600, 'x'));
  mail.set_html(std::string(1200, 'y'));
  mail.set_unsubscribe_url("https://buurt.example.nl/api/v1/mail/unsubscribe?t=x");
  uint64_t position = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<v1::OutgoingMail> batch;
    for (size_t i = 0; i < mails; ++i) {
      mail.set_message_id("n.bench." + std::to_string(++position) + "@buurt.example.nl");
      batch.push_back(mail);
    }
    (void)(*notifications)->Queue("bench", position, batch, {});
    state.ResumeTiming();
    while (!(*notifications)->Outbox()->empty()) mailer.RunOnce(0);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * mails));
}
BENCHMARK(BM_MailSend)->Arg(200)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace rotonde::bench
