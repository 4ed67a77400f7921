#include "erasure_data_dir.h"

#include "demo_data.h"

namespace rotonde::app {

std::unique_ptr<ErasureDataDir> ErasureDataDir::Open(const std::string& dir, std::string* error) {
  auto d = std::make_unique<ErasureDataDir>();
  d->dir = dir;
  auto fail = [&](const std::string& what, const Status& s) {
    *error = what + ": " + s.ToString();
    return nullptr;
  };
  auto store = eventstore::EventStore::Open(dir, {});
  if (!store.ok()) return fail("store", store.status());
  d->store = std::move(store.value());
  auth::AuthOptions cheap;
  cheap.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auto auth = auth::AuthStore::Open(dir + "/auth", cheap);
  if (!auth.ok()) return fail("auth", auth.status());
  d->auth = std::move(auth.value());
  auto checkpoints = CheckpointStore::Open(dir + "/checkpoints");
  if (!checkpoints.ok()) return fail("checkpoints", checkpoints.status());
  d->checkpoints = std::move(checkpoints.value());
  auto notifications = mail::NotificationStore::Open(dir + "/notifications");
  if (!notifications.ok()) return fail("notifications", notifications.status());
  d->notifications = std::move(notifications.value());
  auto keys = privacy::PersonKeys::Open(dir + "/keys");
  if (!keys.ok()) return fail("keys", keys.status());
  d->keys = std::move(keys.value());
  d->sealed = std::make_unique<privacy::SealedEvents>(*d->keys);
  d->service = std::make_unique<CommandService>(*d->store, d->checkpoints.get());
  d->service->SetPrivacy(d->sealed.get());

  const bool fresh = d->store->Platforms().empty();
  if (fresh) {
    demo::DemoSummary summary;
    if (Status s = demo::WriteDemo(*d->service, &summary); !s.ok()) return fail("demo", s);
  }
  if (auto loaded = d->service->LoadAll(); !loaded.ok()) return fail("load", loaded.status());
  d->app = std::make_unique<Application>(*d->store, *d->service, *d->auth, nullptr, Limits{},
                                         d->notifications.get());
  if (fresh) {
    for (const char* id : {"m-anna", "m-bram"}) {
      auto created = d->auth->CreateAccount(id + 2, "rotonde-demo", *d->NameOf(id), 0, id);
      if (!created.ok()) return fail("account", Status(created.error()));
    }
    v1::MailSettings settings;
    settings.set_address(kBramAddress);
    settings.set_mode(v1::MAIL_MODE_DIGEST);
    if (Status s = d->notifications->SetSettings("m-bram", settings); !s.ok()) {
      return fail("settings", s);
    }
    // A mail to Anna that names Bram, still in the outbox.
    v1::OutgoingMail mail;
    mail.set_account_id("m-anna");
    mail.set_subject(std::string(kBramName) + " heeft een taak opgepakt");
    mail.set_text(std::string(kBramName) + " pakt de flyer op.");
    if (Status s = d->notifications->Queue(demo::kDemoPlatform, 1, {mail}, {}); !s.ok()) {
      return fail("mail", s);
    }
    if (Status s = d->service->SaveCheckpoints(); !s.ok()) return fail("checkpoint", s);
  }
  return d;
}

std::optional<std::string> ErasureDataDir::NameOf(const std::string& member_id) {
  std::optional<std::string> name;
  static_cast<void>(service->Read(demo::kDemoPlatform, [&](const projections::PlatformModel& m) {
    if (const auto* member = m.state().Member(member_id)) name = member->name;
  }));
  return name;
}

}  // namespace rotonde::app
