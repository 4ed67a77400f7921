#include "rotonde/projections/personal_data.h"

#include <google/protobuf/descriptor.h>

#include <utility>
#include <vector>

#include "rotonde/v1/privacy.pb.h"

namespace rotonde::projections {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A case's subject field and its personal fields with their erased forms.
struct CaseFields {
  const FieldDescriptor* subject = nullptr;
  std::vector<std::pair<const FieldDescriptor*, std::string>> personal;
};

// The marks of every case of DomainEvent, read from the schema once, by the case's field
// number. The schema allows personal and subject marks on string fields only
// (tests/privacy/classification_test.cc).
const CaseFields* FieldsOf(int case_number) {
  static const auto* const table = [] {
    auto* by_case = new std::vector<CaseFields>();
    const Descriptor* domain = v1::DomainEvent::descriptor();
    for (int i = 0; i < domain->oneof_decl(0)->field_count(); ++i) {
      const FieldDescriptor* case_field = domain->oneof_decl(0)->field(i);
      if (by_case->size() <= static_cast<size_t>(case_field->number())) {
        by_case->resize(case_field->number() + 1);
      }
      CaseFields& fields = (*by_case)[case_field->number()];
      const Descriptor* message = case_field->message_type();
      for (int f = 0; f < message->field_count(); ++f) {
        const FieldDescriptor* field = message->field(f);
        if (field->type() != FieldDescriptor::TYPE_STRING || field->is_repeated()) continue;
        if (field->options().GetExtension(v1::data_subject)) fields.subject = field;
        if (field->options().HasExtension(v1::personal)) {
          fields.personal.emplace_back(field,
                                       field->options().GetExtension(v1::personal).erased_as());
        }
      }
    }
    return by_case;
  }();
  const int n = case_number;
  return n > 0 && static_cast<size_t>(n) < table->size() ? &(*table)[n] : nullptr;
}

// The case message of `event` and its marks; null when the event has no case.
const CaseFields* CaseOf(const v1::DomainEvent& event, const FieldDescriptor** case_field) {
  if (event.event_case() == v1::DomainEvent::EVENT_NOT_SET) return nullptr;
  *case_field = v1::DomainEvent::descriptor()->FindFieldByNumber(event.event_case());
  return *case_field == nullptr ? nullptr : FieldsOf(event.event_case());
}

}  // namespace

std::string_view SubjectOf(const v1::DomainEvent& event) {
  const FieldDescriptor* case_field = nullptr;
  const CaseFields* fields = CaseOf(event, &case_field);
  if (fields == nullptr || fields->subject == nullptr) return {};
  const Message& message = event.GetReflection()->GetMessage(event, case_field);
  std::string scratch;
  const std::string& value =
      message.GetReflection()->GetStringReference(message, fields->subject, &scratch);
  // Strings of a generated message are stored in it, so the reference outlives `scratch`.
  return &value == &scratch ? std::string_view() : std::string_view(value);
}

bool SplitPersonal(v1::DomainEvent* event, v1::DomainEvent* personal) {
  const FieldDescriptor* case_field = nullptr;
  const CaseFields* fields = CaseOf(*event, &case_field);
  if (fields == nullptr || fields->personal.empty()) return false;
  Message* message = event->GetReflection()->MutableMessage(event, case_field);
  const Reflection* reflection = message->GetReflection();
  Message* into = nullptr;
  for (const auto& [field, erased_as] : fields->personal) {
    std::string value = reflection->GetString(*message, field);
    if (value.empty()) continue;
    if (into == nullptr) into = personal->GetReflection()->MutableMessage(personal, case_field);
    into->GetReflection()->SetString(into, field, std::move(value));
    reflection->ClearField(message, field);
  }
  return into != nullptr;
}

void MarkErased(v1::DomainEvent* event) {
  event->clear_sealed();
  const FieldDescriptor* case_field = nullptr;
  const CaseFields* fields = CaseOf(*event, &case_field);
  if (fields == nullptr) return;
  Message* message = event->GetReflection()->MutableMessage(event, case_field);
  for (const auto& [field, erased_as] : fields->personal) {
    message->GetReflection()->SetString(message, field, erased_as);
  }
}

bool EventOpener::Open(const v1::EventRecord& record, v1::DomainEvent* event) const {
  if (!event->ParseFromString(record.payload())) return false;
  if (event->has_sealed()) OpenSealed(record, event);
  return true;
}

void EventOpener::OpenSealed(const v1::EventRecord&, v1::DomainEvent* event) const {
  MarkErased(event);
}

const EventOpener& KeylessOpener() {
  static const EventOpener opener;
  return opener;
}

}  // namespace rotonde::projections
