// A platform model with fuzzed domain text, for the harnesses of what is written from a model
// (iCalendar) and of clash detection: a PlatformFounded and a few initiatives proposed, held
// or cancelled, folded through PlatformModel::Apply as the server folds its log. Ids keep
// to what the deciders accept (1-64 visible ASCII characters, no '/'); texts are the input's
// bytes, made UTF-8 (a byte that is not is written as U+FFFD), as every text of an event is:
// protobuf parses no event whose strings are not UTF-8, control characters and all.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/util/time_util.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rotonde/base/utf8.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::fuzz {

class ModelBuilder {
 public:
  explicit ModelBuilder(FuzzedDataProvider& input) : input_(input) {}

  // "kolenkit", and a name from the input.
  void Found() {
    v1::DomainEvent e;
    auto* founded = e.mutable_platform_founded();
    founded->set_platform_id("kolenkit");
    founded->set_name(Text(200));
    founded->set_founder_id("m-anna");
    Add("kolenkit/platform", "PlatformFounded", e);
  }

  // Up to `most` initiatives; returns their ids.
  std::vector<std::string> Initiatives(int most) {
    std::vector<std::string> ids;
    const int count = input_.ConsumeIntegralInRange(0, most);
    for (int i = 0; i < count && input_.remaining_bytes() > 0; ++i) {
      v1::DomainEvent e;
      auto* p = e.mutable_initiative_proposed();
      p->set_initiative_id(Id());
      p->set_kind(static_cast<v1::InitiativeKind>(input_.ConsumeIntegralInRange(0, 8)));
      p->set_title(Text(120));
      p->set_description(Text(600));
      *p->mutable_when() = When();
      p->mutable_place()->set_text(Text(80));
      if (input_.ConsumeBool()) p->mutable_place()->set_location_id(Id());
      p->add_organizer_ids("m-anna");
      Add("kolenkit/initiative/" + p->initiative_id(), "InitiativeProposed", e);
      ids.push_back(p->initiative_id());
      switch (input_.ConsumeIntegralInRange(0, 3)) {
        case 1: {
          v1::DomainEvent held;
          held.mutable_initiative_held()->set_initiative_id(ids.back());
          Add("kolenkit/initiative/" + ids.back(), "InitiativeHeld", held);
          break;
        }
        case 2: {
          v1::DomainEvent cancelled;
          cancelled.mutable_initiative_cancelled()->set_initiative_id(ids.back());
          Add("kolenkit/initiative/" + ids.back(), "InitiativeCancelled", cancelled);
          break;
        }
        default:
          break;
      }
    }
    return ids;
  }

  // Up to `max_bytes` of the input, as UTF-8.
  std::string Text(size_t max_bytes) { return Utf8(input_.ConsumeRandomLengthString(max_bytes)); }

  // `bytes` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
  // Valid runs are copied whole: the bytes are read once, and the result grows a few times.
  static std::string Utf8(std::string_view bytes) {
    if (utf8::IsValid(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 16);
    size_t run = 0;  // the start of the valid bytes not yet copied
    for (size_t at = 0; at < bytes.size();) {
      const utf8::Sequence sequence = utf8::Decode(bytes, at);
      if (sequence.valid()) {
        at += sequence.length;
        continue;
      }
      out.append(bytes.substr(run, at - run)).append("\xEF\xBF\xBD");
      run = ++at;
    }
    out.append(bytes.substr(run));
    return out;
  }

  const projections::PlatformModel& model() const { return model_; }
  const std::vector<v1::EventRecord>& records() const { return records_; }

 private:
  std::string Id() {
    std::string id = input_.ConsumeRandomLengthString(64);
    for (char& c : id) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte <= 0x20 || byte >= 0x7f || c == '/') c = static_cast<char>('a' + byte % 26);
    }
    return id.empty() ? "i-" + std::to_string(records_.size()) : id;
  }

  static std::string Two(int n) { return std::to_string(100 + n).substr(1); }

  // Dates in 2026, times on the quarter hour (or, now and then, any text).
  v1::When When() {
    v1::When when;
    const int month = input_.ConsumeIntegralInRange(1, 12);
    const int day = input_.ConsumeIntegralInRange(1, 28);
    when.set_start_date("2026-" + Two(month) + "-" + Two(day));
    const int length = input_.ConsumeIntegralInRange(0, 3);
    if (length > 0) when.set_end_date("2026-" + Two(month) + "-" + Two(day + length - 1));
    if (input_.ConsumeBool()) {
      when.set_start_time(Two(input_.ConsumeIntegralInRange(0, 23)) + ":" +
                          Two(15 * input_.ConsumeIntegralInRange(0, 3)));
      if (input_.ConsumeBool()) {
        when.set_end_time(Two(input_.ConsumeIntegralInRange(0, 23)) + ":" +
                          Two(15 * input_.ConsumeIntegralInRange(0, 3)));
      }
      when.set_time_zone("Europe/Amsterdam");
    } else if (input_.ConsumeIntegralInRange(0, 15) == 0) {
      when.set_start_time(Text(8));
    }
    when.set_ongoing(input_.ConsumeIntegralInRange(0, 7) == 0);
    return when;
  }

  void Add(const std::string& stream, const std::string& type, const v1::DomainEvent& event) {
    v1::EventRecord r;
    r.set_id("e-" + std::to_string(records_.size() + 1));
    r.set_stream(stream);
    r.set_position(records_.size() + 1);
    r.set_type(type);
    *r.mutable_recorded_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        1'780'000'000 + static_cast<int64_t>(r.position()) * 60);
    r.set_actor("m-anna");
    r.set_payload(event.SerializeAsString());
    model_.Apply(r);
    records_.push_back(std::move(r));
  }

  FuzzedDataProvider& input_;
  projections::PlatformModel model_;
  std::vector<v1::EventRecord> records_;
};

}  // namespace rotonde::fuzz
