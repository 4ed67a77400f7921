#include "audit.h"

#include <vector>

namespace rotonde::app {

Audit::Audit(eventstore::EventStore& store, CommandService& commands)
    : store_(store), access_(commands) {}

Result<eventstore::VerifyReport> Audit::Verify(const Caller& caller, const std::string& platform) {
  if (Status auditor = access_.RequireAuditor(caller, platform); !auditor.ok()) return auditor;
  std::lock_guard lock(verify_mu_);
  eventstore::VerifyReport report = store_.Verify(platform);
  if (!report.status.ok()) return Unavailable(report.status);
  return report;
}

Result<projections::PlatformModel> Audit::ModelAsOf(const std::string& platform, uint64_t at) {
  constexpr size_t kPage = 4096;
  projections::PlatformModel model;
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
