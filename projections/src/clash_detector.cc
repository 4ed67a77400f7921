#include "rotonde/projections/clash_detector.h"

#include <algorithm>
#include <map>

#include "rotonde/projections/dates.h"

namespace rotonde::projections {
namespace {

// Lower is stronger.
int Strength(v1::ClashRule rule) {
  switch (rule) {
    case v1::CLASH_RULE_SAME_PLACE_SAME_DAY: return 0;
    case v1::CLASH_RULE_SAME_DAY: return 1;
    case v1::CLASH_RULE_DUPLICATE_CHANNEL: return 2;
    case v1::CLASH_RULE_SAME_WEEK_SIMILAR: return 3;
    default: return 4;
  }
}

bool Meaningful(v1::InitiativeKind kind) {
  return kind != v1::INITIATIVE_KIND_UNSPECIFIED && kind != v1::INITIATIVE_KIND_OTHER;
}

// Keeps the strongest finding per other initiative.
class Findings {
 public:
  void Offer(ClashFinding finding) {
    auto [it, inserted] = by_other_.try_emplace(finding.other_id, finding);
    if (inserted) return;
    const bool stronger = Strength(finding.rule) < Strength(it->second.rule) ||
                          (finding.rule == it->second.rule && finding.score > it->second.score);
    if (stronger) it->second = std::move(finding);
  }
  std::vector<ClashFinding> Sorted() && {
    std::vector<ClashFinding> out;
    for (auto& [id, finding] : by_other_) out.push_back(std::move(finding));
    std::stable_sort(out.begin(), out.end(), [](const ClashFinding& a, const ClashFinding& b) {
      if (Strength(a.rule) != Strength(b.rule)) return Strength(a.rule) < Strength(b.rule);
      return a.score > b.score;
    });
    return out;
  }

 private:
  std::map<std::string, ClashFinding> by_other_;  // ordered: ties keep id order
};

ClashFinding Finding(const InitiativeState& subject, const InitiativeState& other,
                     v1::ClashRule rule, double similarity, int32_t day) {
  ClashFinding f;
  f.other_id = other.id;
  f.rule = rule;
  f.similarity = similarity;
  f.day = day;
  switch (rule) {
    case v1::CLASH_RULE_SAME_PLACE_SAME_DAY: f.score = 1.0; break;
    case v1::CLASH_RULE_SAME_DAY: f.score = 0.5 + 0.5 * similarity; break;
    case v1::CLASH_RULE_DUPLICATE_CHANNEL: f.score = 0.7 + 0.3 * similarity; break;
    default:
      f.score = subject.kind == other.kind && Meaningful(subject.kind) ? std::max(0.5, similarity)
                                                                       : similarity;
  }
  f.shared_terms = SharedTerms(subject.fingerprint, other.fingerprint);
  return f;
}

}  // namespace

bool SamePlace(const v1::Place& a, const v1::Place& b) {
  if (!a.location_id().empty() && a.location_id() == b.location_id()) return true;
  const std::string na = NormalizeText(a.text());
  return !na.empty() && na == NormalizeText(b.text());
}

std::vector<ClashFinding> FindClashes(const PlatformState& state, const InitiativeState& subject) {
  Findings findings;
  if (!subject.active() || !subject.days.valid) return {};
  auto other_of = [&](const std::string& id) -> const InitiativeState* {
    if (id == subject.id) return nullptr;
    const InitiativeState* other = state.Initiative(id);
    return other != nullptr && other->active() ? other : nullptr;
  };

  if (subject.days.ongoing) {
    // Channels: a second newsletter always; other ongoing kinds when their texts are alike.
    if (const auto* ongoing = state.OngoingOfKind(subject.kind)) {
      for (const std::string& id : *ongoing) {
        const InitiativeState* other = other_of(id);
        if (other == nullptr) continue;
        const double similarity = Similarity(subject.fingerprint, other->fingerprint);
        if (subject.kind == v1::INITIATIVE_KIND_NEWSLETTER || similarity >= kSimilarThreshold) {
          findings.Offer(Finding(subject, *other, v1::CLASH_RULE_DUPLICATE_CHANNEL, similarity,
                                 other->days.first));
        }
      }
    }
    return std::move(findings).Sorted();
  }

  // Dated: look at every day of the weeks the subject touches, and for a residents'
  // meeting at the window around it.
  int32_t from = IsoWeekMonday(subject.days.first);
  int32_t to = IsoWeekMonday(std::min(subject.days.last, subject.days.first + kMaxInitiativeDays - 1)) + 6;
  const bool meeting = subject.kind == v1::INITIATIVE_KIND_RESIDENTS_MEETING;
  if (meeting) {
    from = std::min(from, subject.days.first - kMeetingChannelDays);
    to = std::max(to, subject.days.last + kMeetingChannelDays);
  }
  const int32_t week_first = IsoWeekMonday(subject.days.first);
  const int32_t week_last = IsoWeekMonday(subject.days.last) + 6;
  std::map<std::string, int32_t> first_day_seen;  // candidate -> first of its days in range
  for (int32_t day = from; day <= to; ++day) {
    if (const auto* ids = state.ActiveOn(day)) {
      for (const std::string& id : *ids) first_day_seen.try_emplace(id, day);
    }
  }
  for (const auto& [id, first_day] : first_day_seen) {
    const InitiativeState* other = other_of(id);
    if (other == nullptr) continue;
    const double similarity = Similarity(subject.fingerprint, other->fingerprint);
    if (subject.days.Overlaps(other->days)) {
      const int32_t shared = std::max(subject.days.first, other->days.first);
      findings.Offer(Finding(subject, *other,
                             SamePlace(subject.place, other->place)
                                 ? v1::CLASH_RULE_SAME_PLACE_SAME_DAY
                                 : v1::CLASH_RULE_SAME_DAY,
                             similarity, shared));
      continue;
    }
    if (meeting && other->kind == v1::INITIATIVE_KIND_RESIDENTS_MEETING) {
      const int32_t gap = std::max(other->days.first - subject.days.last,
                                   subject.days.first - other->days.last);
      if (gap <= kMeetingChannelDays) {
        findings.Offer(Finding(subject, *other, v1::CLASH_RULE_DUPLICATE_CHANNEL, similarity,
                               other->days.first));
        continue;
      }
    }
    const bool same_week = other->days.first <= week_last && week_first <= other->days.last;
    const bool same_kind = subject.kind == other->kind && Meaningful(subject.kind);
    if (same_week && (same_kind || similarity >= kSimilarThreshold)) {
      findings.Offer(Finding(subject, *other, v1::CLASH_RULE_SAME_WEEK_SIMILAR, similarity,
                             IsoWeekMonday(std::max(first_day, week_first))));
    }
  }
  return std::move(findings).Sorted();
}

}  // namespace rotonde::projections
