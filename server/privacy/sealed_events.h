// SealedEvents: seals the personal fields of events before they are appended, and opens
// them again for every reader, with the keys of PersonKeys (proto/rotonde/v1/privacy.proto
// gives the format, docs/privacy.md the reasons).
//
// Sealing moves the personal fields of an event's case into DomainEvent.sealed, encrypted
// with XChaCha20-Poly1305 under the key of (platform, subject), with the platform, stream
// and event id bound as associated data. The event store then hashes the ciphertext: a
// person erased later (their key destroyed) leaves every hash of the chain as it was, and
// readers see the erased forms (projections::MarkErased).
#pragma once

#include <string_view>

#include "person_keys.h"
#include "rotonde/base/status.h"
#include "rotonde/projections/personal_data.h"

namespace rotonde::privacy {

class SealedEvents final : public projections::EventOpener {
 public:
  explicit SealedEvents(PersonKeys& keys) : keys_(keys) {}

  // Seals the event's personal fields, if it has any set, under its subject's key (made if
  // the subject has none), for the event `event_id` of `stream` on `platform`. Errors,
  // with the event unchanged: invalid_argument for personal fields without a subject,
  // "erased" when the subject was erased, io_error when the key store cannot write.
  Status Seal(std::string_view platform, std::string_view stream, std::string_view event_id,
              v1::DomainEvent* event) const;

  PersonKeys& keys() const { return keys_; }

 protected:
  // Opens with the subject's key; without it (destroyed, or the ciphertext does not
  // authenticate), the fields read as erased.
  void OpenSealed(const v1::EventRecord& record, v1::DomainEvent* event) const override;

 private:
  PersonKeys& keys_;
};

}  // namespace rotonde::privacy
