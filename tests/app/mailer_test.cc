// The mailer on a real store, a real notification store and a real SMTP server on loopback:
// at once, as a daily digest, or not at all; a server that refuses for now gets the mail
// later, once; a new mailer does not mail the past.
#include "mailer.h"

#include <gtest/gtest.h>

#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"
#include "smtp_sink.h"
#include "temp_dir.h"

namespace rotonde::app {
namespace {

using std::chrono::milliseconds;
using test_support::HeaderOf;
using test_support::MimePartText;

constexpr int64_t kNow = 1'780'000'000;  // a Tuesday in May 2026, 20:26 UTC

class MailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = eventstore::EventStore::Open(dir_.Sub("log"), {});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    service_ = std::make_unique<CommandService>(*store_);
    demo::DemoSummary summary;
    ASSERT_TRUE(demo::WriteDemo(*service_, &summary).ok());
    auto notifications = mail::NotificationStore::Open(dir_.Sub("notifications"));
    ASSERT_TRUE(notifications.ok()) << notifications.status().ToString();
    notifications_ = std::move(notifications).value();
    access_ = std::make_unique<Access>(*service_);
    inbox_ = std::make_unique<Inbox>(*access_, notifications_.get(), "secret", true);
    MailerOptions options;
    options.smtp = {sink_.url(), "buurt@rotonde.test", 10};
    options.base_url = "https://buurt.example.nl";
    mailer_ = std::make_unique<Mailer>(*store_, *service_, *notifications_, *inbox_, options);
  }

  void Choose(const std::string& member, v1::MailMode mode, const std::string& language) {
    v1::MailSettings s;
    s.set_address(member.substr(2) + "@example.org");
    s.set_mode(mode);
    s.set_language(language);
    ASSERT_TRUE(notifications_->SetSettings(member, s).ok());
  }
  // Bram and Dewi propose street markets on one day: the platform finds a clash between them.
  void Clash(const std::string& tag) {
    for (const char* member : {"m-bram", "m-dewi"}) {
      v1::Command c;
      c.set_command_id(tag + member);
      auto& p = *c.mutable_propose_initiative();
      p.set_kind(v1::INITIATIVE_KIND_STREET_MARKET);
      p.set_title(
          std::string(member == std::string("m-bram") ? "Voorjaarsbraderie" : "Rommelmarkt") + " " +
          tag);
      p.mutable_when()->set_start_date("2027-03-13");
      ASSERT_TRUE(service_->Handle("kolenkit", member, c).ok());
    }
  }
  size_t OutboxSize() { return notifications_->Outbox().value().size(); }

  test_support::TempDir dir_;
  test_support::SmtpSink sink_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<CommandService> service_;
  std::unique_ptr<mail::NotificationStore> notifications_;
  std::unique_ptr<Access> access_;
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<Mailer> mailer_;
};

TEST_F(MailerTest, ANotificationGoesOutAtOnceOnceWithALinkAndAnUnsubscribeHeader) {
  Choose("m-bram", v1::MAIL_MODE_INSTANT, "en");
  mailer_->RunOnce(kNow);  // the demo's past is not mailed
  Clash("a");
  mailer_->RunOnce(kNow);
  auto messages = sink_.WaitFor(1, milliseconds(2000));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].recipients, std::vector<std::string>{"bram@example.org"});
  EXPECT_EQ(messages[0].from, "buurt@rotonde.test");
  const std::string& data = messages[0].data;
  EXPECT_EQ(HeaderOf(data, "Subject"),
            "Possible duplicate: ‘Voorjaarsbraderie a’ and ‘Rommelmarkt a’");
  EXPECT_EQ(HeaderOf(data, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(HeaderOf(data, "List-Unsubscribe"),
            "<https://buurt.example.nl/api/v1/mail/unsubscribe?t=" +
                inbox_->UnsubscribeToken("m-bram") + ">");
  const std::string text = MimePartText(data, "text/plain");
  EXPECT_NE(text.find("‘Voorjaarsbraderie a’ may clash with ‘Rommelmarkt a’"), std::string::npos)
      << text;
  EXPECT_NE(text.find("https://buurt.example.nl/#/p/kolenkit/initiatives/"), std::string::npos);
  const std::string html = MimePartText(data, "text/html");
  EXPECT_NE(html.find("<a href=\"https://buurt.example.nl/#/p/kolenkit/initiatives/"),
            std::string::npos);
  // Dewi chose nothing: her clash waits for a digest she has no address for: no mail.
  mailer_->RunOnce(kNow + 1);
  EXPECT_EQ(sink_.WaitFor(2, milliseconds(300)).size(), 1u);
  EXPECT_EQ(OutboxSize(), 0u);
  EXPECT_EQ(mailer_->stats().sent, 1u);
}

TEST_F(MailerTest, ADigestGathersTheDaysNotificationsIntoOneMailAtItsHour) {
  Choose("m-dewi", v1::MAIL_MODE_DIGEST, "nl");
  Choose("m-bram", v1::MAIL_MODE_OFF, "nl");
  mailer_->RunOnce(kNow);
  Clash("a");
  Clash("b");
  mailer_->RunOnce(kNow);
  EXPECT_TRUE(sink_.WaitFor(1, milliseconds(300)).empty()) << "a digest waits for its hour";
  // The next morning at 06:00 UTC.
  const int64_t morning = (kNow / 86400 + 1) * 86400 + 6 * 3600;
  mailer_->RunOnce(morning - 1);
  EXPECT_TRUE(sink_.WaitFor(1, milliseconds(300)).empty());
  mailer_->RunOnce(morning);
  auto messages = sink_.WaitFor(1, milliseconds(2000));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].recipients, std::vector<std::string>{"dewi@example.org"});
  const std::string subject = HeaderOf(messages[0].data, "Subject");
  EXPECT_TRUE(subject.ends_with(" nieuwe meldingen")) << subject;
  const std::string text = MimePartText(messages[0].data, "text/plain");
  EXPECT_NE(text.find("Buurtplatform Kolenkitbuurt"), std::string::npos) << text;
  EXPECT_NE(text.find("‘Rommelmarkt b’ lijkt te botsen met ‘Voorjaarsbraderie b’"),
            std::string::npos)
      << text;
  mailer_->RunOnce(morning + 60);
  EXPECT_EQ(sink_.WaitFor(2, milliseconds(300)).size(), 1u) << "one digest, once";
}

TEST_F(MailerTest, MailRefusedForNowIsSentLaterOnce) {
  Choose("m-bram", v1::MAIL_MODE_INSTANT, "nl");
  mailer_->RunOnce(kNow);
  sink_.SetRefusing(true);
  Clash("a");
  mailer_->RunOnce(kNow);
  EXPECT_EQ(OutboxSize(), 1u);
  EXPECT_EQ(mailer_->stats().retried, 1u);
  sink_.SetRefusing(false);
  mailer_->RunOnce(kNow + 1);  // not yet: the next try is 5 s later
  EXPECT_TRUE(sink_.WaitFor(1, milliseconds(300)).empty());
  mailer_->RunOnce(kNow + 5);
  EXPECT_EQ(sink_.WaitFor(1, milliseconds(2000)).size(), 1u);
  EXPECT_EQ(OutboxSize(), 0u);
  mailer_->RunOnce(kNow + 60);
  EXPECT_EQ(sink_.WaitFor(2, milliseconds(300)).size(), 1u);
}

TEST_F(MailerTest, MailOffOrNoAddressSendsNothing) {
  Choose("m-bram", v1::MAIL_MODE_OFF, "nl");
  mailer_->RunOnce(kNow);
  Clash("a");
  mailer_->RunOnce(kNow);
  mailer_->RunOnce(kNow + 2 * 86400);
  EXPECT_TRUE(sink_.WaitFor(1, milliseconds(300)).empty());
  EXPECT_EQ(mailer_->stats().queued, 0u);
  EXPECT_TRUE(notifications_->DigestLines().value().empty());
}

}  // namespace
}  // namespace rotonde::app
