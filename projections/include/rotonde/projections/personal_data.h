// Personal data in events, as the schema marks it (proto/rotonde/v1/privacy.proto): which
// fields of an event hold data about a person, whom they are about, and how a reader opens
// an event whose personal fields were sealed under that person's key.
//
// Events are stored with their personal fields moved into DomainEvent.sealed, encrypted
// (server/privacy/sealed_events.h does that, with the keys). Every reader of the log parses
// events through an EventOpener: with the person's key the fields come back as they were;
// without it (the person was erased, or the reader holds no keys) each reads as its erased
// form, "verwijderd lid" for a name. So a fold of the log, live or as of any position, shows
// exactly what the keys still allow, and stays a pure function of the log and the keys.
#pragma once

#include <string>
#include <string_view>

#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::projections {

// The erased form of a person's name (Personal.erased_as of every name field).
inline constexpr std::string_view kErasedName = "verwijderd lid";

// The id of the person the event's personal fields are about (its case's field marked
// `data_subject`); empty when the case has no such field or it is empty.
std::string_view SubjectOf(const v1::DomainEvent& event);

// Moves the personal fields of the event's case that are set into `personal` (which gets
// the same case with only those fields); false, and nothing moved, when none is set.
bool SplitPersonal(v1::DomainEvent* event, v1::DomainEvent* personal);

// Writes every personal field of the event's case as its erased form, and drops the sealed
// part: what a reader sees of a person whose key is gone.
void MarkErased(v1::DomainEvent* event);

// Parses events of the log for a reader. This class itself holds no keys: sealed fields
// read as erased (MarkErased). A server's opener holds the keys (SealedEvents).
// Thread safety: Open may be called from many threads at once.
class EventOpener {
 public:
  virtual ~EventOpener() = default;
  // Parses the record's payload into *event and opens its sealed part, if any, into the
  // case's fields (clearing `sealed`); false if the payload is not a domain event.
  bool Open(const v1::EventRecord& record, v1::DomainEvent* event) const;

 protected:
  // Opens event->sealed() into the case's fields and clears it; by default, with no keys,
  // MarkErased.
  virtual void OpenSealed(const v1::EventRecord& record, v1::DomainEvent* event) const;
};

// An opener with no keys, for readers that hold none (tests, tools without a data dir).
const EventOpener& KeylessOpener();

}  // namespace rotonde::projections
