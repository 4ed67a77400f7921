#include "audit.h"

#include <vector>

namespace rotonde::app {

Audit::Audit(eventstore::EventLog& store, CommandService& commands, SignedCheckpoints* notes)
    : store_(store), notes_(notes), commands_(commands), access_(commands) {}

Result<SignedCheckpoint> Audit::Checkpoint(const Caller& caller, const std::string& platform,
                                           std::optional<uint64_t> size) {
  if (Status auditor = access_.RequireAuditor(caller, platform); !auditor.ok()) return auditor;
  if (!notes_) return Unavailable(Status::NotFound("this server has no signing key"));
  if (!size) return notes_->SignHead(platform);
  if (const uint64_t head = store_.Head(platform).position; *size > head) {
    return PositionBeyondHead(platform, *size, head);
  }
  return notes_->SignedAt(platform, *size);
}

Result<eventstore::VerifyReport> Audit::Verify(const Caller& caller, const std::string& platform) {
  if (Status auditor = access_.RequireAuditor(caller, platform); !auditor.ok()) return auditor;
  std::lock_guard lock(verify_mu_);
  eventstore::VerifyReport report = store_.Verify(platform);
  if (!report.status.ok()) return Unavailable(report.status);
  return report;
}

Result<projections::PlatformModel> Audit::ModelAsOf(const std::string& platform, uint64_t at) {
  constexpr size_t kPage = 4096;
  projections::PlatformModel model(&commands_.opener());
  std::vector<eventstore::EventRecord> page;
  for (uint64_t after = 0;;) {
    if (Status s = store_.Read(platform, after, kPage, &page); !s.ok()) {
      return Unavailable(s);
    }
    for (const auto& record : page) {
      if (record.position() <= at) model.Apply(record);
    }
    if (page.size() < kPage || page.back().position() >= at) break;
    after = page.back().position();
  }
  return model;
}

}  // namespace rotonde::app
