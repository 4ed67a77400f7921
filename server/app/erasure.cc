#include "erasure.h"

#include <set>
#include <utility>

#include "rotonde/projections/personal_data.h"

namespace rotonde::app {
namespace {

constexpr size_t kPage = 4096;

// The command that erases `person_id`: its id is the erasure's, so a retry after a lost
// answer is the same command (answered with the first outcome).
v1::Command EraseCommand(const std::string& person_id) {
  v1::Command command;
  command.set_command_id("erase-" + person_id);
  command.mutable_erase_person()->set_person_id(person_id);
  return command;
}

// Whether the event names `id` in a string field of its case (a member id in
// organizer_ids, claimed_by, ...), is about them, or was caused by them.
bool Concerns(const v1::EventRecord& record, const v1::DomainEvent& event, const std::string& id) {
  if (record.actor() == id || projections::SubjectOf(event) == id) return true;
  if (event.event_case() == v1::DomainEvent::EVENT_NOT_SET) return false;
  const auto* case_field = v1::DomainEvent::descriptor()->FindFieldByNumber(event.event_case());
  const google::protobuf::Message& message = event.GetReflection()->GetMessage(event, case_field);
  const auto* reflection = message.GetReflection();
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    if (field->is_repeated()) {
      for (int n = 0; n < reflection->FieldSize(message, field); ++n) {
        if (reflection->GetRepeatedString(message, field, n) == id) return true;
      }
    } else if (reflection->GetString(message, field) == id) {
      return true;
    }
  }
  return false;
}

}  // namespace

Erasure::Erasure(eventstore::EventLog& store, CommandService& commands, auth::AuthStore& auth,
                 mail::NotificationStore* notifications)
    : store_(store),
      commands_(commands),
      auth_(auth),
      notifications_(notifications),
      access_(commands) {}

Result<ErasureResult> Erasure::Erase(const Caller& caller, const std::string& platform,
                                     const std::string& person_id) {
  if (auto role = access_.RoleOn(caller, platform); !role.ok()) return role.status();
  if (caller.kind != auth::TokenKind::kSession) {
    return Status("read_only", "a feed key only reads the calendar");
  }
  return EraseAs(platform, caller.account_id, person_id.empty() ? caller.account_id : person_id);
}

Result<ErasureResult> Erasure::EraseResident(const std::string& platform,
                                             const std::string& resident_id) {
  return EraseAs(platform, resident_id, resident_id);
}

Result<ErasureResult> Erasure::EraseAs(const std::string& platform, const std::string& actor,
                                       const std::string& person_id) {
  const privacy::SealedEvents* sealed = commands_.privacy();
  if (sealed == nullptr) return Status("unavailable", "this server keeps no keys to erase");
  // The name as the platform knows it, for the mail that may name them (step 4).
  std::string name;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    if (const auto* member = model.state().Member(person_id)) {
      name = member->name;
      return;
    }
    for (const auto& [id, proposal] : model.state().proposals()) {
      if (proposal.submitter_id == person_id) name = proposal.submitter_name;
    }
  });
  if (!read.ok()) return Unavailable(read);
  const privacy::PersonRef ref{platform, person_id};
  // An erasure whose last steps failed keeps its mark, with the name the model no longer
  // shows: asked again, its command is answered as the first time (the same command id)
  // and its steps run again, so it is finished now rather than at the next start.
  auto marks = sealed->keys().Erasures();
  if (!marks.ok()) return Unavailable(marks.status());
  bool unfinished = false;
  for (const privacy::ErasureMark& mark : marks.value()) {
    if (mark.person != ref) continue;
    unfinished = true;
    name = mark.name;
  }
  if (!unfinished) {
    if (Status s = sealed->keys().BeginErasure(ref, name); !s.ok()) return Unavailable(s);
  }
  probe_("begun");
  CommandOutcome outcome = commands_.Handle(platform, actor, EraseCommand(person_id));
  if (!outcome.ok()) {
    // Refused, or not written: the person is fully there.
    static_cast<void>(sealed->keys().EndErasure(ref));
    return outcome.status;
  }
  probe_("appended");
  if (Status s = Finish(platform, person_id, name); !s.ok()) return Unavailable(s);
  ErasureResult result;
  result.person_id = person_id;
  result.position = outcome.last_position;
  result.account_deleted = !auth_.GetAccount(person_id).has_value();
  return result;
}

Status Erasure::Finish(const std::string& platform, const std::string& person_id,
                       const std::string& name) {
  const privacy::SealedEvents& sealed = *commands_.privacy();
  const privacy::PersonRef ref{platform, person_id};
  if (Status s = sealed.keys().Destroy(ref); !s.ok()) return s;
  probe_("key_destroyed");
  if (Status s = commands_.RewriteCheckpoint(platform); !s.ok()) return s;
  probe_("checkpoint_rewritten");
  // The invite links they made on this platform.
  std::set<std::string> invites;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    for (const auto& [id, invite] : model.state().invites()) {
      if (invite.invited_by == person_id) invites.insert(id);
    }
  });
  if (!read.ok()) return read;
  if (!invites.empty()) {
    if (Status s = auth_.DeleteInvites(platform, invites); !s.ok()) return s;
  }
  // Their account goes once no platform has them as a member any more.
  bool member_elsewhere = false;
  for (const std::string& other : commands_.Platforms()) {
    auto role = commands_.RoleOf(other, person_id);
    member_elsewhere = member_elsewhere || (role.ok() && role.value() != v1::ROLE_UNSPECIFIED);
  }
  const bool delete_account = !member_elsewhere && auth_.GetAccount(person_id).has_value();
  if (delete_account) {
    if (Status s = auth_.DeleteAccount(person_id); !s.ok()) return s;
  }
  if (delete_account || !invites.empty()) {
    if (Status s = auth_.ForgetDeleted(); !s.ok()) return s;
  }
  if (notifications_ != nullptr) {
    if (Status s = notifications_->Forget(delete_account ? person_id : "", name); !s.ok()) {
      return s;
    }
  }
  probe_("accounts_forgotten");
  return sealed.keys().EndErasure(ref);
}

Status Erasure::Recover() {
  const privacy::SealedEvents* sealed = commands_.privacy();
  if (sealed == nullptr) return Status::Ok();
  auto marks = sealed->keys().Erasures();
  if (!marks.ok()) return marks.status();
  for (const privacy::ErasureMark& mark : marks.value()) {
    bool erased = false;
    Status read = commands_.Read(mark.person.platform, [&](const projections::PlatformModel& m) {
      if (const auto* member = m.state().Member(mark.person.person)) erased = member->erased;
      for (const auto& [id, proposal] : m.state().proposals()) {
        if (proposal.submitter_id == mark.person.person) {
          erased = erased || proposal.submitter_erased;
        }
      }
    });
    if (!read.ok()) return read;
    Status s = erased ? Finish(mark.person.platform, mark.person.person, mark.name)
                      : sealed->keys().EndErasure(mark.person);
    if (!s.ok()) return s;
  }
  for (const std::string& platform : commands_.Platforms()) {
    std::vector<std::string> erased;
    Status read = commands_.Read(platform, [&](const projections::PlatformModel& m) {
      for (const auto& [id, member] : m.state().members()) {
        if (member.erased) erased.push_back(id);
      }
      for (const auto& [id, proposal] : m.state().proposals()) {
        if (proposal.submitter_erased) erased.push_back(proposal.submitter_id);
      }
    });
    if (!read.ok()) return read;
    for (const std::string& person : erased) {
      if (!sealed->keys().Find({platform, person})) continue;
      if (Status s = sealed->keys().Destroy({platform, person}); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Result<PersonalData> Erasure::Inzage(const Caller& caller, const std::string& platform) {
  if (auto role = access_.RoleOn(caller, platform); !role.ok()) return role.status();
  return Gather(platform, caller.account_id, "");
}

Result<PersonalData> Erasure::ResidentInzage(const std::string& platform,
                                             const std::string& resident_id,
                                             const std::string& proposal_stream) {
  return Gather(platform, resident_id, proposal_stream);
}

Result<PersonalData> Erasure::Gather(const std::string& platform, const std::string& person_id,
                                     const std::string& extra_stream) {
  PersonalData out;
  out.platform = platform;
  out.person_id = person_id;
  out.account = auth_.GetAccount(person_id);
  if (out.account && notifications_ != nullptr) {
    auto settings = notifications_->Settings(person_id);
    if (settings.ok() && !settings->address().empty()) out.mail_settings = settings.value();
  }
  const projections::EventOpener& opener = commands_.opener();
  std::vector<eventstore::EventRecord> page;
  v1::DomainEvent event;
  for (uint64_t after = 0;;) {
    if (Status s = store_.Read(platform, after, kPage, &page); !s.ok()) {
      return Unavailable(s);
    }
    for (auto& record : page) {
      after = record.position();
      event.Clear();
      if (!opener.Open(record, &event)) continue;
      if (!Concerns(record, event, person_id) && record.stream() != extra_stream) continue;
      auto role_change = [&](v1::Role role) {
        out.roles.push_back(RoleChange{record.position(), record.recorded_at().seconds(), role});
      };
      switch (event.event_case()) {
        case v1::DomainEvent::kPlatformFounded:
          if (event.platform_founded().founder_id() == person_id) role_change(v1::ROLE_ADMIN);
          break;
        case v1::DomainEvent::kMemberJoined:
          if (event.member_joined().member_id() == person_id) {
            role_change(event.member_joined().role());
          }
          break;
        case v1::DomainEvent::kRoleGranted:
          if (event.role_granted().member_id() == person_id) {
            role_change(event.role_granted().role());
          }
          break;
        case v1::DomainEvent::kMemberLeft:
          if (event.member_left().member_id() == person_id) role_change(v1::ROLE_UNSPECIFIED);
          break;
        default:
          break;
      }
      out.events.push_back(std::move(record));
    }
    if (page.size() < kPage) break;
  }
  return out;
}

}  // namespace rotonde::app
