#include "api_json.h"

#include <algorithm>
#include <ctime>
#include <vector>

#include "event_json.h"
#include "proto_json.h"
#include "rotonde/base/hex.h"
#include "rotonde/base/utf8.h"

namespace rotonde::net {

namespace json = boost::json;

namespace {

Status BadRequest(std::string message) { return Status("bad_request", std::move(message)); }

// A JSON object from a request body: invalid_utf8, bad_request.
Result<json::object> ParseObject(std::string_view body) {
  if (!utf8::IsValid(body)) return Status("invalid_utf8", "the request is not UTF-8");
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return BadRequest("the body is not JSON: " + ec.message());
  if (!value.is_object()) return BadRequest("the body must be a JSON object");
  return std::move(value.as_object());
}

// Reads members of a request object, remembering the first problem.
class Fields {
 public:
  explicit Fields(const json::object& object) : object_(object) {}

  // A string member: "" if absent or null.
  std::string String(std::string_view key) {
    asked_.emplace_back(key);
    const json::value* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) return {};
    if (!value->is_string()) {
      Fail(BadRequest("'" + std::string(key) + "' must be a string"));
      return {};
    }
    return std::string(value->as_string());
  }
  // A whole-number member: nullopt if absent.
  std::optional<int64_t> Integer(std::string_view key) {
    asked_.emplace_back(key);
    const json::value* value = object_.if_contains(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_int64()) {
      Fail(BadRequest("'" + std::string(key) + "' must be a whole number"));
      return std::nullopt;
    }
    return value->as_int64();
  }
  // A list of whole numbers at least 0: empty if absent.
  std::vector<uint64_t> Positions(std::string_view key) {
    asked_.emplace_back(key);
    std::vector<uint64_t> out;
    const json::value* value = object_.if_contains(key);
    if (value == nullptr) return out;
    const json::array* list = value->if_array();
    if (list == nullptr || list->size() > 1000) {
      Fail(Status("invalid_argument", "'" + std::string(key) + "' must be a list of positions"));
      return out;
    }
    for (const json::value& item : *list) {
      if (!item.is_int64() || item.as_int64() < 0) {
        Fail(Status("invalid_argument", "'" + std::string(key) + "' must be a list of positions"));
        return {};
      }
      out.push_back(static_cast<uint64_t>(item.as_int64()));
    }
    return out;
  }
  void Fail(Status problem) {
    if (status_.ok()) status_ = std::move(problem);
  }
  // The first problem: one met while reading, or a member nobody asked for (a misspelt
  // field must not be ignored silently, as the API documents).
  Status status() const {
    if (!status_.ok()) return status_;
    for (const auto& member : object_) {
      if (std::find(asked_.begin(), asked_.end(), member.key()) == asked_.end()) {
        return BadRequest("unknown field '" + std::string(member.key()) + "'");
      }
    }
    return Status::Ok();
  }

 private:
  const json::object& object_;
  std::vector<std::string_view> asked_;
  Status status_;
};

json::object AccountJson(const auth::Account& account) {
  return json::object{
      {"id", account.id}, {"login", account.login}, {"displayName", account.display_name}};
}

std::string InviteLink(const std::string& base_url, const std::string& token) {
  return base_url + "/#/invite/" + token;
}

}  // namespace

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

namespace {

// A request object read by `read` (from its Fields): the first problem, else the request.
template <typename Request, typename Read>
Result<Request> ParseRequest(std::string_view body, Read read) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  Fields fields(object.value());
  Request request = read(fields);
  if (!fields.status().ok()) return fields.status();
  return request;
}

}  // namespace

Result<SignInRequest> ParseSignIn(std::string_view body) {
  return ParseRequest<SignInRequest>(body, [](Fields& fields) {
    return SignInRequest{fields.String("login"), fields.String("password")};
  });
}

Result<app::Acceptance> ParseAcceptance(std::string_view body) {
  return ParseRequest<app::Acceptance>(body, [](Fields& fields) {
    return app::Acceptance{fields.String("displayName"), fields.String("login"),
                           fields.String("password")};
  });
}

Result<app::InviteRequest> ParseInviteRequest(std::string_view body) {
  std::string role;
  auto request = ParseRequest<app::InviteRequest>(body, [&](Fields& fields) {
    app::InviteRequest read;
    role = fields.String("role");
    read.note = fields.String("note");
    read.expires_in_hours = fields.Integer("expiresInHours");
    return read;
  });
  if (request.ok() && !role.empty() && !v1::Role_Parse(role, &request->role)) {
    return Status("invalid_role",
                  "role must be ROLE_MEMBER, ROLE_COORDINATOR, ROLE_AUDITOR or ROLE_ADMIN");
  }
  return request;
}

Result<ReadRequest> ParseReadRequest(std::string_view body) {
  return ParseRequest<ReadRequest>(body, [](Fields& fields) {
    ReadRequest read;
    const auto through = fields.Integer("through");
    if (through && *through < 0) {
      fields.Fail(Status("invalid_argument", "'through' must be a position, 0 or more"));
    }
    read.through = through && *through > 0 ? static_cast<uint64_t>(*through) : 0;
    read.positions = fields.Positions("positions");
    return read;
  });
}

namespace {

constexpr std::pair<v1::MailMode, std::string_view> kMailModes[] = {
    {v1::MAIL_MODE_UNSPECIFIED, "digest"},  // never chosen: the daily digest
    {v1::MAIL_MODE_OFF, "off"},
    {v1::MAIL_MODE_INSTANT, "instant"},
    {v1::MAIL_MODE_DIGEST, "digest"},
};

}  // namespace

Result<v1::MailSettings> ParseMailSettings(std::string_view body) {
  return ParseRequest<v1::MailSettings>(body, [](Fields& fields) {
    v1::MailSettings settings;
    settings.set_address(fields.String("address"));
    settings.set_language(fields.String("language"));
    const std::string mode = fields.String("mode");
    bool known = false;
    for (const auto& [value, name] : kMailModes) {
      if (name == mode && value != v1::MAIL_MODE_UNSPECIFIED) {
        settings.set_mode(value);
        known = true;
      }
    }
    if (!known) {
      fields.Fail(Status("invalid_argument", "mode is instant, digest or off"));
    }
    return settings;
  });
}

json::object MailChoiceJson(const app::MailChoice& choice) {
  std::string_view mode = "digest";
  for (const auto& [value, name] : kMailModes) {
    if (value == choice.settings.mode()) mode = name;
  }
  return json::object{{"address", choice.settings.address()},
                      {"mode", mode},
                      {"language", choice.settings.language()},
                      {"serverSendsMail", choice.server_sends_mail}};
}

json::object ReadMarksJson(const projections::InboxReadMarks& marks) {
  json::array positions;
  for (uint64_t p : marks.positions) positions.push_back(p);
  return json::object{{"through", marks.through}, {"positions", std::move(positions)}};
}

Result<app::PlatformRequest> ParsePlatformRequest(std::string_view body) {
  return ParseRequest<app::PlatformRequest>(body, [](Fields& fields) {
    return app::PlatformRequest{fields.String("platform"), fields.String("name"),
                                fields.String("neighbourhood"), fields.Integer("expiresInHours")};
  });
}

Result<std::string> ParseBackupRequest(std::string_view body) {
  auto to = ParseRequest<std::string>(body, [](Fields& fields) { return fields.String("to"); });
  if (to.ok() && (to->empty() || to->front() != '/')) {
    return Status("invalid_argument", "'to' must be the backup directory's absolute path");
  }
  return to;
}

namespace {

// A protobuf message in its JSON mapping, strictly (wire::ParseProtoJson); `what` names it
// in errors ("a command").
template <typename Message>
Result<Message> ParseProtoJson(std::string_view body, std::string_view what) {
  Message message;
  if (Status parsed = wire::ParseProtoJson(body, &message, what); !parsed.ok()) return parsed;
  return message;
}

}  // namespace

Result<v1::Command> ParseCommand(std::string_view body) {
  return ParseProtoJson<v1::Command>(body, "a command");
}

Result<v1::ProposeInitiative> ParseDraftInitiative(std::string_view body) {
  return ParseProtoJson<v1::ProposeInitiative>(body, "a draft initiative");
}

json::object ClashPreviewJson(const app::ClashPreview& preview) {
  json::array clashes;
  for (const app::PreviewedClash& c : preview.clashes) {
    json::object x;
    x["initiativeId"] = c.initiative_id;
    x["title"] = c.title;
    x["when"] = json::parse(wire::MessageJson(c.when));
    x["place"] = c.place;
    x["rule"] = c.rule == v1::CLASH_RULE_UNSPECIFIED ? "similar" : v1::ClashRule_Name(c.rule);
    x["score"] = c.score;
    x["similarity"] = c.similarity;
    if (!c.day.empty()) x["day"] = c.day;
    json::array shared;
    for (const std::string& term : c.shared_terms) shared.push_back(json::string(term));
    x["sharedTerms"] = std::move(shared);
    clashes.push_back(std::move(x));
  }
  return json::object{{"position", preview.position}, {"clashes", std::move(clashes)}};
}

json::array PlatformsJson(const std::vector<app::Membership>& platforms) {
  json::array out;
  for (const app::Membership& m : platforms) {
    out.push_back(json::object{{"id", m.platform},
                               {"name", m.name},
                               {"neighbourhood", m.neighbourhood},
                               {"role", v1::Role_Name(m.role)},
                               {"displayName", m.display_name},
                               {"position", m.position}});
  }
  return out;
}

json::object MeJson(const app::Me& me) {
  json::object out;
  out["account"] = AccountJson(me.account);
  out["platforms"] = PlatformsJson(me.platforms);
  return out;
}

json::object SessionJson(const app::Session& session) {
  json::object out = MeJson(app::Me{session.account, session.platforms});
  out["token"] = session.token;
  out["expiresAt"] = IsoTime(session.expires_at);
  return out;
}

json::object InvitePreviewJson(const app::InvitePreview& preview) {
  json::object out;
  out["platform"] = preview.platform;
  out["platformName"] = preview.platform_name;
  out["role"] = v1::Role_Name(preview.role);
  out["note"] = preview.note;
  out["expiresAt"] = IsoTime(preview.expires_at);
  out["founding"] = preview.founding;
  out["position"] = preview.position;
  return out;
}

Result<app::PublicProposal> ParsePublicProposal(std::string_view body) {
  return ParseRequest<app::PublicProposal>(body, [](Fields& fields) {
    app::PublicProposal read;
    read.request_id = fields.String("requestId");
    read.name = fields.String("name");
    read.contact = fields.String("contact");
    read.title = fields.String("title");
    read.description = fields.String("description");
    read.honeypot = fields.String("website");
    return read;
  });
}

json::object PublicPlatformJson(const app::PublicPlatform& platform) {
  json::object out;
  out["platform"] = platform.platform;
  out["name"] = platform.name;
  out["neighbourhood"] = platform.neighbourhood;
  out["position"] = platform.position;
  return out;
}

json::object ProposalReceiptJson(const std::string& platform, const app::ProposalReceipt& receipt,
                                 const std::string& base_url) {
  json::object out;
  out["proposalId"] = receipt.proposal_id;
  out["key"] = receipt.key;
  out["statusUrl"] =
      base_url + "/#/p/" + platform + "/voorstel/" + receipt.proposal_id + "?k=" + receipt.key;
  out["position"] = receipt.position;
  return out;
}

json::object ProposalStatusJson(const app::ProposalStatusPage& page) {
  json::object proposal;
  proposal["id"] = page.id;
  proposal["title"] = page.title;
  proposal["description"] = page.description;
  proposal["submitterName"] = page.submitter_name;
  proposal["status"] = page.status;
  if (page.submitted_at != 0) proposal["submittedAt"] = IsoTime(page.submitted_at);
  proposal["discussions"] = page.discussions;
  proposal["declineReason"] = page.decline_reason;
  if (!page.initiative_id.empty()) {
    json::object initiative;
    initiative["id"] = page.initiative_id;
    initiative["title"] = page.initiative_title;
    initiative["status"] = page.initiative_status;
    initiative["startDate"] = page.initiative_start_date;
    initiative["place"] = page.initiative_place;
    proposal["initiative"] = std::move(initiative);
  }
  json::object out;
  out["platform"] = page.platform;
  out["platformName"] = page.platform_name;
  out["position"] = page.position;
  out["proposal"] = std::move(proposal);
  return out;
}

json::object CreatedInviteJson(const app::CreatedInvite& invite, const std::string& base_url) {
  json::object out;
  out["inviteId"] = invite.invite_id;
  out["token"] = invite.token;
  out["link"] = InviteLink(base_url, invite.token);
  out["role"] = v1::Role_Name(invite.role);
  out["expiresAt"] = IsoTime(invite.expires_at);
  out["position"] = invite.position;
  return out;
}

json::object FoundingInviteJson(const std::string& platform, const app::CreatedInvite& invite,
                                const std::string& base_url) {
  json::object out;
  out["platform"] = platform;
  out["token"] = invite.token;
  out["link"] = InviteLink(base_url, invite.token);
  out["expiresAt"] = IsoTime(invite.expires_at);
  return out;
}

json::object FeedKeyJson(const std::string& key, const std::string& platform,
                         const std::string& base_url, uint64_t position) {
  json::object out;
  out["key"] = key;
  out["url"] = base_url + "/api/v1/platforms/" + platform + "/calendar.ics?key=" + key;
  out["position"] = position;
  return out;
}

json::object CommandResultJson(const app::CommandResult& result, bool with_events,
                               const projections::EventOpener& opener) {
  json::object out;
  out["position"] = result.last_position;
  out["firstPosition"] = result.first_position;
  out["lastPosition"] = result.last_position;
  out["repeated"] = result.repeated;
  if (with_events) {
    json::array events;
    for (const auto& record : result.events)
      events.push_back(json::parse(wire::EventJson(record, opener)));
    out["events"] = std::move(events);
  }
  return out;
}

json::object VerifyJson(const eventstore::VerifyReport& report) {
  json::object out;
  out["ok"] = report.ok();
  out["events"] = report.events;
  out["head"] = json::object{{"position", report.head.position}, {"hash", HexOf(report.head.hash)}};
  if (report.first_bad_position) {
    out["firstBadPosition"] = *report.first_bad_position;
    out["message"] = report.problem;
  }
  out["position"] = report.head.position;
  return out;
}

json::object CheckpointJson(const std::string& platform, const app::SignedCheckpoint& note,
                            const std::string& verifier_key) {
  return json::object{{"platform", platform}, {"origin", note.origin},
                      {"size", note.size},    {"hash", HexOf(note.hash)},
                      {"note", note.note},    {"publicKey", verifier_key}};
}

std::string ViewAtJson(const app::ViewAt& view) {
  return "{\"position\":" + std::to_string(view.position) +
         ",\"view\":" + wire::MessageJson(*view.view) + "}";
}

std::string EventsNdjson(const app::EventsPage& page, const projections::EventOpener& opener) {
  std::string out;
  for (const auto& record : page.events) {
    out += wire::EventJson(record, opener, eventstore::EventBody(record));
    out += '\n';
  }
  out += "{\"position\":" + std::to_string(page.head) + ",\"next\":" + std::to_string(page.next) +
         "}\n";
  return out;
}

json::object ErasureJson(const app::ErasureResult& result) {
  return json::object{{"personId", result.person_id},
                      {"position", result.position},
                      {"accountDeleted", result.account_deleted}};
}

std::string PersonalDataJson(const app::PersonalData& data,
                             const projections::EventOpener& opener) {
  json::object out{
      {"format", "rotonde-inzage-1"}, {"platform", data.platform}, {"personId", data.person_id}};
  if (data.account) {
    out["account"] = json::object{{"id", data.account->id},
                                  {"login", data.account->login},
                                  {"displayName", data.account->display_name},
                                  {"createdAt", IsoTime(data.account->created_at)}};
  } else {
    out["account"] = nullptr;
  }
  if (data.mail_settings) {
    out["mailSettings"] = json::object{{"address", data.mail_settings->address()},
                                       {"mode", v1::MailMode_Name(data.mail_settings->mode())},
                                       {"language", data.mail_settings->language()}};
  } else {
    out["mailSettings"] = nullptr;
  }
  json::array roles;
  for (const app::RoleChange& change : data.roles) {
    roles.push_back(json::object{{"position", change.position},
                                 {"recordedAt", IsoTime(change.recorded_at)},
                                 {"role", v1::Role_Name(change.role)}});
  }
  out["roleHistory"] = std::move(roles);
  json::array events;
  for (const auto& record : data.events)
    events.push_back(json::parse(wire::EventJson(record, opener)));
  out["events"] = std::move(events);
  return json::serialize(out);
}

}  // namespace rotonde::net
