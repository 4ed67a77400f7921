#include "sealed_events.h"

#include <sodium.h>

#include <string>

namespace rotonde::privacy {
namespace {

// "rotonde-sealed-v1" 0x00 platform 0x00 stream 0x00 event id (privacy.proto).
std::string AssociatedData(std::string_view platform, std::string_view stream,
                           std::string_view event_id) {
  std::string ad = "rotonde-sealed-v1";
  for (std::string_view part : {platform, stream, event_id}) {
    ad.push_back('\0');
    ad += part;
  }
  return ad;
}

// The platform of a stream "<platform>/<kind>/<id>".
std::string_view PlatformOf(std::string_view stream) { return stream.substr(0, stream.find('/')); }

}  // namespace

Status SealedEvents::Seal(std::string_view platform, std::string_view stream,
                          std::string_view event_id, v1::DomainEvent* event) const {
  v1::DomainEvent personal;
  if (!projections::SplitPersonal(event, &personal)) return Status::Ok();
  const std::string subject(projections::SubjectOf(*event));
  auto key = subject.empty() ? Result<PersonKey>(Status::InvalidArgument(
                                   "an event with personal data names no person"))
                             : keys_.Ensure(PersonRef{std::string(platform), subject});
  if (!key.ok()) {
    event->MergeFrom(personal);  // as it was
    return key.status();
  }
  const std::string plaintext = personal.SerializeAsString();
  const std::string ad = AssociatedData(platform, stream, event_id);
  std::string nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string ciphertext(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(ciphertext.data()), &written,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()), key.value().data());
  ciphertext.resize(written);
  v1::Sealed& sealed = *event->mutable_sealed();
  sealed.set_subject(subject);
  sealed.set_nonce(std::move(nonce));
  sealed.set_ciphertext(std::move(ciphertext));
  return Status::Ok();
}

void SealedEvents::OpenSealed(const v1::EventRecord& record, v1::DomainEvent* event) const {
  const v1::Sealed& sealed = event->sealed();
  const std::string_view platform = PlatformOf(record.stream());
  const auto key = keys_.Find(PersonRef{std::string(platform), sealed.subject()});
  if (!key || sealed.nonce().size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      sealed.ciphertext().size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    projections::MarkErased(event);
    return;
  }
  const std::string ad = AssociatedData(platform, record.stream(), record.id());
  std::string plaintext(sealed.ciphertext().size() - crypto_aead_xchacha20poly1305_ietf_ABYTES,
                        '\0');
  unsigned long long length = 0;
  const bool authentic =
      crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &length, nullptr,
          reinterpret_cast<const unsigned char*>(sealed.ciphertext().data()),
          sealed.ciphertext().size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          reinterpret_cast<const unsigned char*>(sealed.nonce().data()), key->data()) == 0;
  v1::DomainEvent personal;
  plaintext.resize(length);
  // The personal part must be of the event's own case: a part of another case would set a
  // second case of the oneof and replace the event.
  if (!authentic || !personal.ParseFromString(plaintext) ||
      personal.event_case() != event->event_case()) {
    sodium_memzero(plaintext.data(), plaintext.size());
    projections::MarkErased(event);
    return;
  }
  sodium_memzero(plaintext.data(), plaintext.size());
  event->clear_sealed();
  event->MergeFrom(personal);
}

}  // namespace rotonde::privacy
