// docs/privacy.md against the schema: every field of every event (and of the types the events
// use), of every view and of the event envelope is classified there as `personal` or `not
// personal`, under a `### Message` heading of a "## Classification" section; and for events
// the class is the schema's own mark: a field is personal in the doc if and only if it carries
// `(rotonde.v1.personal)`, so that nothing personal reaches the log in plain text unnoticed.
// The checks are functions of the doc's text, so the tests at the end show that they fail.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/projections/personal_data.h"
#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"
#include "rotonde/v1/privacy.pb.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr std::string_view kPackage = "rotonde.v1";
constexpr std::string_view kPersonal = "personal";
constexpr std::string_view kNotPersonal = "not personal";

// ---- The doc --------------------------------------------------------------------------------

// The tables of the doc: message (its full name without "rotonde.v1.", as in the heading) ->
// field -> class, with what could not be read.
struct Classification {
  std::map<std::string, std::map<std::string, std::string>> messages;
  std::vector<std::string> problems;
};

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string StripBackticks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '`') out += c;
  }
  return out;
}

// Reads the "## Classification..." sections: each `### Message` heading, then its table
// `| field | class | why |`. Other sections are prose and not read.
Classification Parse(const std::string& doc) {
  Classification out;
  std::istringstream lines(doc);
  std::string line;
  bool in_tables = false;
  std::string current;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::string_view text = Trim(line);
    if (text.starts_with("## ")) {
      in_tables = text.starts_with("## Classification");
      current.clear();
      continue;
    }
    if (!in_tables) continue;
    if (text.starts_with("### ")) {
      current = std::string(Trim(text.substr(4)));
      if (out.messages.contains(current)) {
        out.problems.push_back("line " + std::to_string(number) + ": ### " + current +
                               " has a second table");
      }
      out.messages[current];
      continue;
    }
    if (text.starts_with("#")) {
      current.clear();
      continue;
    }
    if (!text.starts_with("|")) continue;
    std::vector<std::string_view> cells;
    std::string_view rest = text.substr(1);
    while (!rest.empty()) {
      const size_t bar = rest.find('|');
      cells.push_back(Trim(rest.substr(0, bar)));
      if (bar == std::string_view::npos) break;
      rest = rest.substr(bar + 1);
    }
    if (cells.empty() || cells[0] == "field" || cells[0].starts_with("-") ||
        cells[0].starts_with(":")) {
      continue;  // the header row, the separator row
    }
    if (current.empty()) {
      out.problems.push_back("line " + std::to_string(number) + ": a row under no ### heading");
      continue;
    }
    if (cells.size() < 3) {
      out.problems.push_back("line " + std::to_string(number) + ": " + current +
                             ": a row without `| field | class | why |`");
      continue;
    }
    const std::string field = StripBackticks(cells[0]);
    auto& fields = out.messages[current];
    if (fields.contains(field)) {
      out.problems.push_back(current + "." + field + " is listed twice");
    }
    fields[field] = std::string(cells[1]);
  }
  return out;
}

std::string ReadDoc() {
  std::ifstream in(ROTONDE_PRIVACY_DOCS);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- The schema -----------------------------------------------------------------------------

// The heading of a message: "MemberJoined", "TaskSummary.LearningPair".
std::string Key(const Descriptor* message) {
  return message->full_name().substr(kPackage.size() + 1);
}

bool InPackage(const Descriptor* message) { return message->file()->package() == kPackage; }

// Adds `message` and, recursively, the messages of this package its fields use.
void AddWithUsed(const Descriptor* message, std::vector<const Descriptor*>* out) {
  if (!InPackage(message)) return;
  for (const Descriptor* known : *out) {
    if (known == message) return;
  }
  out->push_back(message);
  for (int i = 0; i < message->field_count(); ++i) {
    if (const Descriptor* used = message->field(i)->message_type()) AddWithUsed(used, out);
  }
}

void AddNested(const Descriptor* message, std::vector<const Descriptor*>* out) {
  AddWithUsed(message, out);
  for (int i = 0; i < message->nested_type_count(); ++i) AddNested(message->nested_type(i), out);
}

// The cases of DomainEvent.
std::vector<const Descriptor*> CaseMessages() {
  std::vector<const Descriptor*> out;
  const auto* oneof = v1::DomainEvent::descriptor()->FindOneofByName("event");
  for (int i = 0; i < oneof->field_count(); ++i) out.push_back(oneof->field(i)->message_type());
  return out;
}

// The event messages: the cases and the types they use (When, Place).
std::vector<const Descriptor*> EventMessages() {
  std::vector<const Descriptor*> out;
  for (const Descriptor* message : CaseMessages()) AddWithUsed(message, &out);
  return out;
}

// Every message the doc classifies: the event messages; the rest of DomainEvent (Sealed);
// every message of views.proto with its nested ones; EventRecord.
std::vector<const Descriptor*> ClassifiedMessages() {
  std::vector<const Descriptor*> out = EventMessages();
  const Descriptor* domain = v1::DomainEvent::descriptor();
  for (int i = 0; i < domain->field_count(); ++i) {
    const FieldDescriptor* field = domain->field(i);
    if (field->containing_oneof() == nullptr && field->message_type() != nullptr) {
      AddWithUsed(field->message_type(), &out);
    }
  }
  const auto* views = v1::BoardView::descriptor()->file();
  for (int i = 0; i < views->message_type_count(); ++i) AddNested(views->message_type(i), &out);
  AddWithUsed(v1::EventRecord::descriptor(), &out);
  return out;
}

bool MarkedPersonal(const FieldDescriptor* field) {
  return field->options().HasExtension(v1::personal);
}

bool MarkedSubject(const FieldDescriptor* field) {
  return field->options().GetExtension(v1::data_subject);
}

// ---- The checks: each returns what is wrong, one sentence each, naming the field --------------

// Every field of every message in `messages` is in the doc with a known class, and the doc
// lists no field and no message that is not there.
std::vector<std::string> Completeness(const Classification& doc,
                                      const std::vector<const Descriptor*>& messages) {
  std::vector<std::string> problems = doc.problems;
  std::set<std::string> keys;
  for (const Descriptor* message : messages) {
    const std::string key = Key(message);
    keys.insert(key);
    const auto table = doc.messages.find(key);
    if (table == doc.messages.end()) {
      problems.push_back(key + " has no table in docs/privacy.md (### " + key + ")");
      continue;
    }
    for (int i = 0; i < message->field_count(); ++i) {
      const std::string name = message->field(i)->name();
      const auto row = table->second.find(name);
      if (row == table->second.end()) {
        problems.push_back(key + "." + name + " is not classified in docs/privacy.md");
      } else if (row->second != kPersonal && row->second != kNotPersonal) {
        problems.push_back(key + "." + name + " has the class '" + row->second +
                           "': it is `personal` or `not personal`");
      }
    }
    for (const auto& [name, cls] : table->second) {
      if (message->FindFieldByName(name) == nullptr) {
        problems.push_back(key + "." + name + " is listed in docs/privacy.md but " +
                           message->full_name() + " has no such field");
      }
    }
  }
  for (const auto& [key, fields] : doc.messages) {
    if (!keys.contains(key)) {
      problems.push_back("### " + key + " in docs/privacy.md is no message it classifies");
    }
  }
  return problems;
}

// For event messages: `personal` in the doc if and only if marked (rotonde.v1.personal).
std::vector<std::string> AgreesWithMarks(const Classification& doc,
                                         const std::vector<const Descriptor*>& messages) {
  std::vector<std::string> problems;
  for (const Descriptor* message : messages) {
    const auto table = doc.messages.find(Key(message));
    if (table == doc.messages.end()) continue;  // Completeness says so
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      const auto row = table->second.find(field->name());
      if (row == table->second.end()) continue;
      const bool doc_personal = row->second == kPersonal;
      if (doc_personal && !MarkedPersonal(field)) {
        problems.push_back(Key(message) + "." + field->name() +
                           " is personal in docs/privacy.md but not marked "
                           "[(personal) = ...] in the schema: it would be stored in plain text");
      } else if (!doc_personal && MarkedPersonal(field)) {
        problems.push_back(Key(message) + "." + field->name() +
                           " is marked [(personal) = ...] in the schema but not personal in "
                           "docs/privacy.md");
      }
    }
  }
  return problems;
}

// The rules of the marks (privacy.proto): only the fields of an event case itself are marked
// (the sealing reads no others); personal and subject fields are singular strings; a case with
// personal fields has exactly one subject, and a subject goes with personal fields; a name's
// erased form is "verwijderd lid".
std::vector<std::string> MarkRules(const std::vector<const Descriptor*>& cases,
                                   const std::vector<const Descriptor*>& all) {
  std::vector<std::string> problems;
  for (const Descriptor* message : cases) {
    int personal = 0;
    int subjects = 0;
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      const std::string name = Key(message) + "." + field->name();
      if (!MarkedPersonal(field) && !MarkedSubject(field)) continue;
      personal += MarkedPersonal(field) ? 1 : 0;
      subjects += MarkedSubject(field) ? 1 : 0;
      if (field->type() != FieldDescriptor::TYPE_STRING || field->is_repeated()) {
        problems.push_back(name + " is marked personal or subject but is no singular string");
      }
      if (MarkedPersonal(field) && MarkedSubject(field)) {
        problems.push_back(name + " is marked both personal and subject");
      }
      if (MarkedPersonal(field) && field->name().ends_with("name") &&
          field->options().GetExtension(v1::personal).erased_as() != projections::kErasedName) {
        problems.push_back(name + " is a name: its erased_as is \"" +
                           std::string(projections::kErasedName) + "\"");
      }
    }
    if (personal > 0 && subjects != 1) {
      problems.push_back(Key(message) + " has personal fields and " + std::to_string(subjects) +
                         " fields marked (data_subject): it needs exactly one");
    }
    if (personal == 0 && subjects > 0) {
      problems.push_back(Key(message) + " has a (data_subject) field but no personal field");
    }
  }
  for (const Descriptor* message : all) {
    bool is_case = false;
    for (const Descriptor* c : cases) is_case = is_case || c == message;
    if (is_case) continue;
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      if (MarkedPersonal(field) || MarkedSubject(field)) {
        problems.push_back(Key(message) + "." + field->name() +
                           " is marked personal or subject, but only an event case's own "
                           "fields are sealed: it would stay in plain text");
      }
    }
  }
  return problems;
}

std::string Join(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& problem : problems) out += "\n  " + problem;
  return out;
}

// ---- The doc and the schema agree -------------------------------------------------------------

TEST(Classification, TheDocIsThere) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "cannot read " << ROTONDE_PRIVACY_DOCS;
  EXPECT_GE(Parse(doc).messages.size(), ClassifiedMessages().size());
}

TEST(Classification, EveryFieldOfEveryEventViewAndTheEnvelopeIsClassified) {
  const std::vector<std::string> problems = Completeness(Parse(ReadDoc()), ClassifiedMessages());
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST(Classification, AnEventFieldIsPersonalInTheDocExactlyWhenTheSchemaMarksIt) {
  const std::vector<std::string> problems = AgreesWithMarks(Parse(ReadDoc()), EventMessages());
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST(Classification, TheSchemaMarksFollowTheRules) {
  const std::vector<std::string> problems = MarkRules(CaseMessages(), ClassifiedMessages());
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

// The names a table may hold: the cases, When and Place, Sealed, every view and EventRecord.
TEST(Classification, TheClassifiedMessagesAreTheExpectedOnes) {
  std::set<std::string> keys;
  for (const Descriptor* message : ClassifiedMessages()) keys.insert(Key(message));
  for (const char* expected :
       {"MemberLeft", "PersonErased", "InitiativesMerged", "When", "Place", "Sealed", "BoardView",
        "TaskSummary.LearningPair", "MeetingSummary.Item", "InboxView", "EventRecord"}) {
    EXPECT_TRUE(keys.contains(expected)) << expected;
  }
  EXPECT_EQ(
      CaseMessages().size(),
      static_cast<size_t>(v1::DomainEvent::descriptor()->FindOneofByName("event")->field_count()));
  EXPECT_FALSE(keys.contains("DomainEvent"));
  EXPECT_FALSE(keys.contains("google.protobuf.Timestamp"));
}

// ---- The checks fail when they should ---------------------------------------------------------

// A table of When (six fields) with the rows `rows`.
std::string WhenTable(const std::string& rows) {
  return "# Title\n\n## Classification: shared types\n\n### When\n\n"
         "| field | class | why |\n|---|---|---|\n" +
         rows + "\n## After\n\n| `ghost` | personal | prose tables are not read |\n";
}

constexpr char kWhenRows[] =
    "| `start_date` | not personal | a date |\n"
    "| `end_date` | not personal | a date |\n"
    "| `start_time` | not personal | a time |\n"
    "| `end_time` | not personal | a time |\n"
    "| `time_zone` | not personal | a zone |\n";

TEST(ClassificationChecks, AFullTablePasses) {
  const std::string doc =
      WhenTable(std::string(kWhenRows) + "| `ongoing` | not personal | a flag |\n");
  EXPECT_TRUE(Completeness(Parse(doc), {v1::When::descriptor()}).empty());
}

TEST(ClassificationChecks, AnUnlistedFieldFailsNamingIt) {
  const std::vector<std::string> problems =
      Completeness(Parse(WhenTable(kWhenRows)), {v1::When::descriptor()});
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_NE(problems[0].find("When.ongoing is not classified"), std::string::npos) << problems[0];
}

TEST(ClassificationChecks, AListedFieldThatDoesNotExistFails) {
  const std::string doc = WhenTable(std::string(kWhenRows) +
                                    "| `ongoing` | not personal | a flag |\n"
                                    "| `weekday` | not personal | no such field |\n");
  const std::vector<std::string> problems = Completeness(Parse(doc), {v1::When::descriptor()});
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_NE(problems[0].find("When.weekday is listed"), std::string::npos) << problems[0];
}

TEST(ClassificationChecks, AnUnknownClassFails) {
  const std::string doc =
      WhenTable(std::string(kWhenRows) + "| `ongoing` | Personal | the wrong case |\n");
  const std::vector<std::string> problems = Completeness(Parse(doc), {v1::When::descriptor()});
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_NE(problems[0].find("When.ongoing has the class 'Personal'"), std::string::npos)
      << problems[0];
}

TEST(ClassificationChecks, AMissingTableAndAnUnknownTableFail) {
  const std::string doc = "## Classification\n\n### Whenn\n\n| `start_date` | not personal | x |\n";
  const std::vector<std::string> problems = Completeness(Parse(doc), {v1::When::descriptor()});
  ASSERT_EQ(problems.size(), 2u) << Join(problems);
  EXPECT_NE(problems[0].find("When has no table"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("### Whenn"), std::string::npos) << problems[1];
}

TEST(ClassificationChecks, ATableTwiceOrARowTwiceFails) {
  const std::string doc = WhenTable(std::string(kWhenRows) +
                                    "| `ongoing` | not personal | a flag |\n"
                                    "| `ongoing` | not personal | again |\n") +
                          "## Classification again\n\n### When\n";
  const std::vector<std::string> problems = Parse(doc).problems;
  ASSERT_EQ(problems.size(), 2u) << Join(problems);
  EXPECT_NE(problems[0].find("When.ongoing is listed twice"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("### When has a second table"), std::string::npos) << problems[1];
}

TEST(ClassificationChecks, AClassAgainstTheSchemaMarkFails) {
  const std::string doc =
      "## Classification: events\n\n### MemberLeft\n\n| field | class | why |\n|---|---|---|\n"
      "| `member_id` | personal | marked subject, not personal |\n"
      "| `reason` | not personal | marked personal |\n";
  const Classification parsed = Parse(doc);
  EXPECT_TRUE(Completeness(parsed, {v1::MemberLeft::descriptor()}).empty());
  const std::vector<std::string> problems = AgreesWithMarks(parsed, {v1::MemberLeft::descriptor()});
  ASSERT_EQ(problems.size(), 2u) << Join(problems);
  EXPECT_NE(problems[0].find("MemberLeft.member_id is personal in docs/privacy.md but not "
                             "marked"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("MemberLeft.reason is marked"), std::string::npos) << problems[1];
}

TEST(ClassificationChecks, TheMarkRulesSeeAMarkOutsideACase) {
  // Sealed.subject is not marked; checking it as a case finds nothing, and MemberLeft checked
  // as if it were not a case shows that a mark outside a case is found.
  EXPECT_TRUE(MarkRules({v1::Sealed::descriptor()}, {v1::Sealed::descriptor()}).empty());
  const std::vector<std::string> problems = MarkRules({}, {v1::MemberLeft::descriptor()});
  ASSERT_EQ(problems.size(), 2u) << Join(problems);
  EXPECT_NE(problems[0].find("MemberLeft.member_id is marked personal or subject, but only"),
            std::string::npos)
      << problems[0];
}

}  // namespace
}  // namespace rotonde
