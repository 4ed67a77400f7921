#include "rotonde/projections/clash_detector.h"

#include <algorithm>

#include "rotonde/projections/dates.h"

namespace rotonde::projections {
namespace {

// Lower is stronger.
int Strength(v1::ClashRule rule) {
  switch (rule) {
    case v1::CLASH_RULE_SAME_PLACE_SAME_DAY:
      return 0;
    case v1::CLASH_RULE_SAME_DAY:
      return 1;
    case v1::CLASH_RULE_DUPLICATE_CHANNEL:
      return 2;
    case v1::CLASH_RULE_SAME_WEEK_SIMILAR:
      return 3;
    default:
      return 4;
  }
}

bool Meaningful(v1::InitiativeKind kind) {
  return kind != v1::INITIATIVE_KIND_UNSPECIFIED && kind != v1::INITIATIVE_KIND_OTHER;
}

ClashFinding Finding(const InitiativeState& subject, const InitiativeState& other,
                     v1::ClashRule rule, double similarity, int32_t day) {
  ClashFinding f;
  f.other_id = other.id;
  f.rule = rule;
  f.similarity = similarity;
  f.day = day;
  switch (rule) {
    case v1::CLASH_RULE_SAME_PLACE_SAME_DAY:
      f.score = 1.0;
      break;
    case v1::CLASH_RULE_SAME_DAY:
      f.score = 0.5 + 0.5 * similarity;
      break;
    case v1::CLASH_RULE_DUPLICATE_CHANNEL:
      f.score = 0.7 + 0.3 * similarity;
      break;
    default:
      f.score = subject.kind == other.kind && Meaningful(subject.kind) ? std::max(0.5, similarity)
                                                                       : similarity;
  }
  return f;
}

std::vector<ClashFinding> Sorted(std::vector<ClashFinding> findings) {
  std::sort(findings.begin(), findings.end(), [](const ClashFinding& a, const ClashFinding& b) {
    if (Strength(a.rule) != Strength(b.rule)) return Strength(a.rule) < Strength(b.rule);
    if (a.score != b.score) return a.score > b.score;
    return a.other_id < b.other_id;
  });
  return findings;
}

}  // namespace

bool SamePlace(const v1::Place& a, const v1::Place& b) {
  if (!a.location_id().empty() && a.location_id() == b.location_id()) return true;
  if (a.text().empty() || b.text().empty()) return false;
  const std::string na = NormalizeText(a.text());
  return !na.empty() && na == NormalizeText(b.text());
}

std::vector<ClashFinding> FindClashes(const PlatformState& state, const InitiativeState& subject) {
  std::vector<ClashFinding> findings;
  if (!subject.active() || !subject.days.valid) return findings;
  // The platform's own vocabulary and decisions (platform_state.h: similarity_context).
  const SimilarityContext context = state.similarity_context();
  // The indexes hold active initiatives only.
  auto other_of = [&](const InitiativeState* other) -> const InitiativeState* {
    return other->id == subject.id ? nullptr : other;
  };

  if (subject.days.ongoing) {
    // Channels: a second newsletter always; other ongoing kinds when their texts are alike.
    if (const auto* ongoing = state.OngoingOfKind(subject.kind)) {
      for (const InitiativeState* candidate : *ongoing) {
        const InitiativeState* other = other_of(candidate);
        if (other == nullptr) continue;
        const double similarity = Similarity(subject.fingerprint(), other->fingerprint(), context);
        if (subject.kind == v1::INITIATIVE_KIND_NEWSLETTER || similarity >= kSimilarThreshold) {
          findings.push_back(Finding(subject, *other, v1::CLASH_RULE_DUPLICATE_CHANNEL, similarity,
                                     other->days.first));
        }
      }
    }
    return Sorted(std::move(findings));
  }

  // The subject's place, normalised once for all candidates.
  const std::string subject_place = NormalizeText(subject.place.text());
  auto same_place = [&](const InitiativeState& other) {
    if (!subject.place.location_id().empty() &&
        subject.place.location_id() == other.place.location_id()) {
      return true;
    }
    return !subject_place.empty() && !other.place.text().empty() &&
           NormalizeText(other.place.text()) == subject_place;
  };

  // Dated: every initiative on a day of the weeks the subject touches (and, for a residents'
  // meeting, in the window around it), each once, with the first of its days seen.
  const int32_t last = std::min(subject.days.last, subject.days.first + kMaxInitiativeDays - 1);
  const int32_t week_first = IsoWeekMonday(subject.days.first);
  const int32_t week_last = IsoWeekMonday(last) + 6;
  const bool meeting = subject.kind == v1::INITIATIVE_KIND_RESIDENTS_MEETING;
  const int32_t from =
      meeting ? std::min(week_first, subject.days.first - kMeetingChannelDays) : week_first;
  const int32_t to = meeting ? std::max(week_last, last + kMeetingChannelDays) : week_last;
  std::vector<std::pair<const InitiativeState*, int32_t>> candidates;
  for (int32_t day = from; day <= to; ++day) {
    if (const auto* on_day = state.ActiveOn(day)) {
      for (const InitiativeState* candidate : *on_day) {
        if (const InitiativeState* other = other_of(candidate)) candidates.emplace_back(other, day);
      }
    }
  }
  // Days ascend, so after a stable sort by initiative the first entry has its first day.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   candidates.end());

  for (const auto& [other, first_day] : candidates) {
    const bool same_week = other->days.first <= week_last && week_first <= other->days.last;
    const bool same_kind = subject.kind == other->kind && Meaningful(subject.kind);
    const bool overlap = subject.days.Overlaps(other->days);
    const bool channel = meeting && other->kind == v1::INITIATIVE_KIND_RESIDENTS_MEETING;
    // Text similarity is the costly part: only where a rule can use it.
    if (!overlap && !channel && !same_week) continue;
    const double similarity = Similarity(subject.fingerprint(), other->fingerprint(), context);
    if (overlap) {
      const int32_t shared = std::max(subject.days.first, other->days.first);
      findings.push_back(
          Finding(subject, *other,
                  same_place(*other) ? v1::CLASH_RULE_SAME_PLACE_SAME_DAY : v1::CLASH_RULE_SAME_DAY,
                  similarity, shared));
      continue;
    }
    if (channel) {
      const int32_t gap =
          std::max(other->days.first - subject.days.last, subject.days.first - other->days.last);
      if (gap <= kMeetingChannelDays) {
        findings.push_back(Finding(subject, *other, v1::CLASH_RULE_DUPLICATE_CHANNEL, similarity,
                                   other->days.first));
        continue;
      }
    }
    if (same_week && (same_kind || similarity >= kSimilarThreshold)) {
      findings.push_back(Finding(subject, *other, v1::CLASH_RULE_SAME_WEEK_SIMILAR, similarity,
                                 IsoWeekMonday(std::max(first_day, week_first))));
    }
  }
  return Sorted(std::move(findings));
}

}  // namespace rotonde::projections
