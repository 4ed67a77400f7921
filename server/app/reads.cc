#include "reads.h"

#include <algorithm>

#include "accounts.h"
#include "rotonde/projections/clash_detector.h"
#include "rotonde/projections/dates.h"
#include "rotonde/projections/text_similarity.h"
#include "rotonde/projections/views.h"

namespace rotonde::app {

Reads::Reads(eventstore::EventLog& store, CommandService& commands, auth::AuthStore& auth,
             Audit& audit, Inbox& inbox, const Limits& limits)
    : store_(store),
      commands_(commands),
      auth_(auth),
      audit_(audit),
      inbox_(inbox),
      access_(commands),
      limits_(limits) {}

bool Reads::EventAt(const std::string& platform, uint64_t position, v1::EventRecord* record) const {
  std::vector<eventstore::EventRecord> one;
  if (position == 0 || !store_.Read(platform, position - 1, 1, &one).ok() || one.empty()) {
    return false;
  }
  *record = std::move(one[0]);
  return true;
}

Result<ViewParams> Reads::Completed(const std::string& platform, const std::string& name,
                                    ViewParams params) const {
  if (params.today.empty()) {
    params.today = !limits_.fixed_today.empty()
                       ? limits_.fixed_today
                       : projections::FormatIsoDate(projections::AmsterdamDay(NowSeconds()));
  }
  if (name == "inbox" && !params.member.empty()) {
    auto marks = inbox_.Marks(params.member, platform);
    if (!marks.ok()) return marks.status();
    params.read = std::move(marks.value());
  }
  return params;
}

Result<ViewAt> Reads::CurrentView(const std::string& platform, const std::string& name,
                                  const ViewParams& given) {
  auto completed = Completed(platform, name, given);
  if (!completed.ok()) return completed.status();
  const ViewParams& params = completed.value();
  Result<ViewAt> out = Status(codes::kUnavailable, "the view was not built");
  auto event_at = [&](uint64_t at, v1::EventRecord* record) {
    return EventAt(platform, at, record);
  };
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    auto view = BuildView(name, params, model, event_at);
    if (!view.ok()) {
      out = view.status();
      return;
    }
    out = ViewAt{model.position(), std::move(view.value())};
  });
  if (!read.ok()) return Unavailable(read);
  return out;
}

Result<ViewAt> Reads::View(const Caller& caller, const std::string& platform,
                           const std::string& name, const ViewParams& given,
                           std::optional<uint64_t> at) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  ViewParams own = given;
  own.member = caller.account_id;  // the inbox is always the caller's own
  if (!at) return CurrentView(platform, name, own);
  auto completed = Completed(platform, name, std::move(own));
  if (!completed.ok()) return completed.status();
  const ViewParams& params = completed.value();
  if (const uint64_t head = store_.Head(platform).position; *at > head) {
    return PositionBeyondHead(platform, *at, head);
  }
  // The auditor's replay: the same fold, on the log's prefix up to `at`.
  auto model = audit_.ModelAsOf(platform, *at);
  if (!model.ok()) return model.status();
  auto event_at = [&](uint64_t p, v1::EventRecord* record) {
    return p <= *at && EventAt(platform, p, record);
  };
  auto view = BuildView(name, params, model.value(), event_at);
  if (!view.ok()) return view.status();
  return ViewAt{model->position(), std::move(view.value())};
}

Status Reads::LogPage(const std::string& platform, uint64_t after, size_t limit,
                      std::vector<eventstore::EventRecord>* out) {
  return store_.Read(platform, after, limit, out);
}

Result<EventsPage> Reads::Events(const Caller& caller, const std::string& platform, uint64_t from,
                                 size_t limit) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  if (limit == 0) limit = limits_.events_page_default;
  limit = std::min(limit, limits_.events_page_max);
  EventsPage page;
  page.head = store_.Head(platform).position;
  if (from > page.head) return PositionBeyondHead(platform, from, page.head);
  if (Status s = LogPage(platform, from, limit, &page.events); !s.ok()) return Unavailable(s);
  page.next = page.events.empty() ? from : page.events.back().position();
  // Fewer than asked: everything up to the head was read, so resuming from the head is exact.
  if (page.events.size() < limit) page.next = std::max(page.next, page.head);
  return page;
}

Result<v1::AccountabilityReport> Reads::Report(const Caller& caller, const std::string& platform,
                                               const std::string& period) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  if (Status checked = CheckPeriod(period); !checked.ok()) return checked;
  v1::AccountabilityReport report;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    report = projections::BuildAccountabilityReport(model, period);
  });
  if (!read.ok()) return Unavailable(read);
  return report;
}

Result<std::string> Reads::Calendar(const std::string& platform, std::string_view key,
                                    const CalendarRenderer& render) {
  if (key.empty()) return Status(codes::kUnauthenticated, "sign in first");
  auto info = auth_.ResolveToken(key, NowSeconds());
  if (!info.ok()) return info.status();
  // A feed key reads its own platform; a session may read any of its platforms' feeds.
  if (info->kind == auth::TokenKind::kFeed && info->platform != platform) {
    return PlatformNotFound(platform);
  }
  if (!commands_.Knows(platform)) return PlatformNotFound(platform);
  std::string ics;
  bool member = false;
  const EventReader event_at = [&](uint64_t at, v1::EventRecord* record) {
    return EventAt(platform, at, record);
  };
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    member = model.state().RoleOf(info->account_id) != v1::ROLE_UNSPECIFIED;
    if (member) ics = render(model, event_at, info->account_id);
  });
  if (!read.ok()) return Unavailable(read);
  if (!member) return PlatformNotFound(platform);
  return ics;
}

Result<ClashPreview> Reads::PreviewClashes(const Caller& caller, const std::string& platform,
                                           const v1::ProposeInitiative& draft) {
  auto role = access_.RoleOn(caller, platform);
  if (!role.ok()) return role.status();
  ClashPreview out;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    const projections::PlatformState& state = model.state();
    out.position = model.position();
    // The draft as the deciders would see it once proposed.
    projections::InitiativeState subject;
    subject.id = draft.initiative_id().empty() ? std::string("\x1f draft") : draft.initiative_id();
    subject.kind = draft.kind();
    subject.title = draft.title();
    subject.description = draft.description();
    subject.when = draft.when();
    subject.place = draft.place();
    subject.days = projections::DaysOf(draft.when());
    auto describe = [&](const projections::InitiativeState& other) {
      PreviewedClash x;
      x.initiative_id = other.id;
      x.title = other.title;
      x.when = other.when;
      x.place = other.place.text();
      x.shared_terms = projections::SharedTerms(subject.fingerprint(), other.fingerprint());
      return x;
    };
    for (const projections::ClashFinding& finding : projections::FindClashes(state, subject)) {
      const projections::InitiativeState* other = state.Initiative(finding.other_id);
      if (other == nullptr || out.clashes.size() == kMaxPreviewed) continue;
      PreviewedClash x = describe(*other);
      x.rule = finding.rule;
      x.score = finding.score;
      x.similarity = finding.similarity;
      if (finding.day != 0) x.day = projections::FormatIsoDate(finding.day);
      out.clashes.push_back(std::move(x));
    }
    // Then what only looks like it: a hint before a date is chosen, or on other days.
    std::vector<PreviewedClash> alike;
    for (const auto& [id, other] : state.initiatives()) {
      if (!other.active() || id == subject.id) continue;
      if (std::any_of(out.clashes.begin(), out.clashes.end(),
                      [&](const PreviewedClash& c) { return c.initiative_id == id; })) {
        continue;
      }
      const double similarity = projections::Similarity(subject.fingerprint(), other.fingerprint());
      if (similarity < projections::kSimilarThreshold) continue;
      PreviewedClash x = describe(other);
      x.similarity = similarity;
      x.score = similarity;
      alike.push_back(std::move(x));
    }
    std::sort(alike.begin(), alike.end(), [](const PreviewedClash& a, const PreviewedClash& b) {
      return a.similarity != b.similarity ? a.similarity > b.similarity
                                          : a.initiative_id < b.initiative_id;
    });
    for (auto& x : alike) {
      if (out.clashes.size() == kMaxPreviewed) break;
      out.clashes.push_back(std::move(x));
    }
  });
  if (!read.ok()) return Unavailable(read);
  return out;
}

}  // namespace rotonde::app
