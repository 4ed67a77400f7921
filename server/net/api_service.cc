#include "api_service.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <ctime>

#include "decide_support.h"
#include "event_json.h"
#include "ical.h"
#include "proto_json.h"
#include "report_csv.h"
#include "rotonde/base/utf8.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/projections/views.h"
#include "secrets.h"

namespace rotonde::net {

namespace {

namespace json = boost::json;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

ApiError FromAuth(const auth::AuthError& error) { return Err(error.code, error.message); }

ApiError FromDomain(const commands::CommandError& error) { return Err(error.code, error.message); }

ApiError NotFound(const std::string& platform) {
  return Err("platform_not_found", "no platform '" + platform + "' that you can see");
}

ApiError Unavailable(const Status& status) {
  return Err("unavailable", "the store cannot answer now: " + status.message());
}

// A JSON object from a request body: invalid_utf8, bad_request.
Answer<json::object> ParseObject(std::string_view body) {
  if (!utf8::IsValid(body)) return Err("invalid_utf8", "the request is not UTF-8");
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return Err("bad_request", "the body is not JSON: " + ec.message());
  if (!value.is_object()) return Err("bad_request", "the body must be a JSON object");
  return std::move(value.as_object());
}

// A string member: "" if absent; bad_request if it is there but not a string.
Answer<std::string> StringField(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return Err("bad_request", "'" + std::string(key) + "' must be a string");
  }
  return std::string(value->as_string());
}

// An invite's "expiresInHours": the default if absent, else 1 to the maximum.
Answer<int64_t> ExpiresInHours(const json::object& body, const ApiLimits& limits) {
  const json::value* given = body.if_contains("expiresInHours");
  if (given == nullptr) return limits.invite_default_hours;
  if (!given->is_int64() || given->as_int64() < 1 || given->as_int64() > limits.invite_max_hours) {
    return Err("invalid_argument", "expiresInHours must be a whole number from 1 to " +
                                       std::to_string(limits.invite_max_hours));
  }
  return given->as_int64();
}

// A command id for a command the server composes itself (an invite): never repeated.
std::string RandomCommandId(std::string_view prefix) {
  return std::string(prefix) + "-" + auth::LowerHex(auth::RandomBytes(12));
}

}  // namespace

ApiService::ApiService(eventstore::EventStore& store, commands::CommandService& commands,
                       auth::AuthStore& auth, Metrics& metrics, ApiLimits limits)
    : store_(store), commands_(commands), auth_(auth), metrics_(metrics), limits_(limits) {}

Answer<Caller> ApiService::Authenticate(std::string_view cookie_header,
                                        std::string_view authorization_header) const {
  std::string token;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization_header.substr(0, kBearer.size()) == kBearer) {
    token = std::string(authorization_header.substr(kBearer.size()));
  } else {
    // Cookie: a; rotonde_session=<token>; b
    constexpr std::string_view kName = "rotonde_session=";
    for (size_t at = 0; at < cookie_header.size();) {
      size_t end = cookie_header.find(';', at);
      if (end == std::string_view::npos) end = cookie_header.size();
      std::string_view part = cookie_header.substr(at, end - at);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.substr(0, kName.size()) == kName) token = std::string(part.substr(kName.size()));
      at = end + 1;
    }
  }
  if (token.empty()) return Err("unauthenticated", "sign in first");
  auto info = auth_.ResolveToken(token, Now());
  if (!info.ok()) return FromAuth(info.error());
  Caller caller;
  caller.account_id = info->account_id;
  caller.kind = info->kind;
  caller.feed_platform = info->platform;
  caller.token = std::move(token);
  return caller;
}

Answer<v1::Role> ApiService::RoleOn(const Caller& caller, const std::string& platform) {
  if (caller.kind == auth::TokenKind::kFeed || !commands_.Knows(platform)) {
    return NotFound(platform);
  }
  auto role = commands_.RoleOf(platform, caller.account_id);
  if (!role.ok()) return Unavailable(role.status());
  if (role.value() == v1::ROLE_UNSPECIFIED) return NotFound(platform);
  return role.value();
}

std::optional<ApiError> ApiService::RequireWriter(const Caller& caller,
                                                  const std::string& platform) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  if (role.value() == v1::ROLE_AUDITOR) {
    return Err("read_only", "auditors read everything and change nothing");
  }
  return std::nullopt;
}

json::array ApiService::PlatformsOf(const std::string& account_id) {
  json::array out;
  for (const std::string& platform : commands_.Platforms()) {
    json::object entry;
    Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
      const auto& state = model.state();
      const v1::Role role = state.RoleOf(account_id);
      if (!state.founded() || role == v1::ROLE_UNSPECIFIED) return;
      entry["id"] = state.platform_id();
      entry["name"] = state.name();
      entry["neighbourhood"] = state.neighbourhood();
      entry["role"] = v1::Role_Name(role);
      const auto* member = state.Member(account_id);
      entry["displayName"] = member ? member->name : "";
    });
    if (read.ok() && !entry.empty()) out.push_back(std::move(entry));
  }
  return out;
}

Answer<SignedIn> ApiService::OpenSession(const auth::Account& account) {
  auto token = auth_.CreateToken(account.id, auth::TokenKind::kSession, "", Now(),
                                 limits_.session_ttl_seconds);
  if (!token.ok()) return FromAuth(token.error());
  SignedIn out;
  out.token = token.value();
  out.max_age_seconds = limits_.session_ttl_seconds;
  out.body["account"] = json::object{
      {"id", account.id}, {"login", account.login}, {"displayName", account.display_name}};
  out.body["token"] = out.token;
  out.body["expiresAt"] = IsoTime(Now() + limits_.session_ttl_seconds);
  out.body["platforms"] = PlatformsOf(account.id);
  out.body["position"] = Head();
  return out;
}

Answer<SignedIn> ApiService::SignIn(std::string_view body, const std::string& address) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.error();
  auto login = StringField(object.value(), "login");
  if (!login.ok()) return login.error();
  auto password = StringField(object.value(), "password");
  if (!password.ok()) return password.error();
  if (login->empty() || password->empty()) {
    return Err("missing_field", "give a login and a password");
  }
  const int64_t now = Now();
  if (const int64_t wait = limiter_.RetryAfter(login.value(), address, now); wait > 0) {
    metrics_.logins_limited++;
    ApiError error = Err("rate_limited", "too many attempts; wait a while and try again");
    error.details["retryAfterSeconds"] = wait;
    return error;
  }
  auto account = auth_.CheckPassword(login.value(), password.value());
  if (!account.ok()) {
    limiter_.RecordFailure(login.value(), address, now);
    metrics_.logins_failed++;
    return FromAuth(account.error());
  }
  limiter_.RecordSuccess(login.value(), address);
  metrics_.logins_ok++;
  return OpenSession(account.value());
}

Answer<json::object> ApiService::WhoAmI(const Caller& caller) {
  if (caller.kind == auth::TokenKind::kFeed) return Err("unauthenticated", "sign in first");
  auto account = auth_.GetAccount(caller.account_id);
  if (!account) return Err("unauthenticated", "this account no longer exists");
  json::object out;
  out["account"] = json::object{
      {"id", account->id}, {"login", account->login}, {"displayName", account->display_name}};
  out["platforms"] = PlatformsOf(account->id);
  out["position"] = Head();
  return out;
}

void ApiService::SignOut(const Caller& caller) { auth_.RevokeToken(caller.token); }

Answer<json::object> ApiService::PeekInvite(std::string_view token) {
  auto grant = auth_.PeekInvite(token, Now());
  if (!grant.ok()) return FromAuth(grant.error());
  json::object out;
  out["platform"] = grant->platform;
  std::string name = grant->platform_name;
  if (!grant->founding && commands_.Knows(grant->platform)) {
    (void)commands_.Read(grant->platform, [&](const projections::PlatformModel& model) {
      name = model.state().name();
    });
  }
  out["platformName"] = name;
  out["role"] = v1::Role_Name(grant->role);
  out["note"] = grant->note;
  out["expiresAt"] = IsoTime(grant->expires_at);
  out["founding"] = grant->founding;
  out["position"] = Head();
  return out;
}

Answer<commands::CommandOutcome> ApiService::Counted(
    commands::CommandOutcome outcome, std::chrono::steady_clock::time_point started) {
  metrics_.command_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!outcome.ok()) {
    (outcome.error->code == "unavailable" ? metrics_.commands_failed : metrics_.commands_refused)++;
    return FromDomain(*outcome.error);
  }
  (outcome.repeated ? metrics_.commands_repeated : metrics_.commands_ok)++;
  return outcome;
}

Answer<commands::CommandOutcome> ApiService::Handle(const std::string& platform,
                                                    const std::string& actor,
                                                    const v1::Command& command) {
  const auto started = std::chrono::steady_clock::now();
  return Counted(commands_.Handle(platform, actor, command), started);
}

Answer<SignedIn> ApiService::AcceptInvite(std::string_view token, std::string_view body,
                                          const Caller* caller) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.error();
  auto display_name = StringField(object.value(), "displayName");
  auto login = StringField(object.value(), "login");
  auto password = StringField(object.value(), "password");
  for (auto* field : {&display_name, &login, &password}) {
    if (!field->ok()) return field->error();
  }
  if (caller != nullptr && caller->kind == auth::TokenKind::kFeed) caller = nullptr;
  const bool new_account = caller == nullptr || !login->empty();
  if (new_account && (login->empty() || password->empty())) {
    return Err("missing_field", "choose a login and a password");
  }
  if (display_name->empty()) return Err("missing_field", "tell the others your name");

  // Claim first, so two people opening the same link cannot both join with it.
  auto grant = auth_.ClaimInvite(token, Now());
  if (!grant.ok()) return FromAuth(grant.error());
  auto release = [&](ApiError error) {
    auth_.ReleaseInvite(token);
    return error;
  };

  auth::Account account;
  if (new_account) {
    auto created =
        auth_.CreateAccount(login.value(), password.value(), display_name.value(), Now());
    if (!created.ok()) return release(FromAuth(created.error()));
    account = created.value();
  } else {
    auto existing = auth_.GetAccount(caller->account_id);
    if (!existing) return release(Err("unauthenticated", "this account no longer exists"));
    account = *existing;
  }

  v1::Command command;
  if (grant->founding) {
    command.set_command_id("found-" + grant->platform);
    auto& found = *command.mutable_found_platform();
    found.set_platform_id(grant->platform);
    found.set_name(grant->platform_name);
    found.set_neighbourhood(grant->neighbourhood);
    found.set_founder_name(display_name.value());
  } else {
    command.set_command_id("join-" + grant->invite_id);
    auto& join = *command.mutable_join_platform();
    join.set_invite_id(grant->invite_id);
    join.set_display_name(display_name.value());
  }
  auto handled = Handle(grant->platform, account.id, command);
  if (!handled.ok()) return release(handled.error());
  return OpenSession(account);
}

Answer<json::object> ApiService::CreateInvite(const Caller& caller, const std::string& platform,
                                              std::string_view body, const std::string& base_url) {
  if (auto refused = RequireWriter(caller, platform)) return *refused;
  auto object = ParseObject(body);
  if (!object.ok()) return object.error();
  auto role_name = StringField(object.value(), "role");
  if (!role_name.ok()) return role_name.error();
  auto note = StringField(object.value(), "note");
  if (!note.ok()) return note.error();
  v1::Role role = v1::ROLE_MEMBER;
  if (!role_name->empty() && !v1::Role_Parse(role_name.value(), &role)) {
    return Err("invalid_role",
               "role must be ROLE_MEMBER, ROLE_COORDINATOR, ROLE_AUDITOR or ROLE_ADMIN");
  }
  auto hours = ExpiresInHours(object.value(), limits_);
  if (!hours.ok()) return hours.error();

  v1::Command command;
  command.set_command_id(RandomCommandId("invite"));
  auto& invite = *command.mutable_invite_member();
  invite.set_role(role);
  invite.set_note(note.value());
  auto handled = Handle(platform, caller.account_id, command);
  if (!handled.ok()) return handled.error();

  // The invite's id is in the event the command wrote.
  std::vector<eventstore::EventRecord> written;
  if (Status s = store_.ReadAll(handled->first_position - 1, 1, &written);
      !s.ok() || written.empty()) {
    return Unavailable(s);
  }
  v1::DomainEvent event;
  event.ParseFromString(written[0].payload());
  auth::InviteGrant grant;
  grant.platform = platform;
  grant.invite_id = event.member_invited().invite_id();
  grant.role = role;
  grant.note = note.value();
  grant.expires_at = Now() + hours.value() * 3600;
  auto token = auth_.CreateInvite(grant);
  if (!token.ok()) return FromAuth(token.error());
  json::object out;
  out["inviteId"] = grant.invite_id;
  out["token"] = token.value();
  out["link"] = base_url + "/#/invite/" + token.value();
  out["role"] = v1::Role_Name(role);
  out["expiresAt"] = IsoTime(grant.expires_at);
  out["position"] = handled->last_position;
  return out;
}

Answer<std::string> ApiService::CreateFoundingInvite(const std::string& platform,
                                                     const std::string& name,
                                                     const std::string& neighbourhood,
                                                     int64_t hours) {
  // The same checks FoundPlatform will make, so a bad name fails now and not at accept time.
  if (auto r = commands::CheckId("platform", platform)) return FromDomain(*r->error);
  if (auto r = commands::CheckText("name", name, commands::kMaxNameBytes, true)) {
    return FromDomain(*r->error);
  }
  if (auto r = commands::CheckText("neighbourhood", neighbourhood, commands::kMaxNameBytes, true)) {
    return FromDomain(*r->error);
  }
  if (commands_.Knows(platform)) {
    bool founded = false;
    (void)commands_.Read(platform, [&](const projections::PlatformModel& model) {
      founded = model.state().founded();
    });
    if (founded) return Err("platform_exists", "platform '" + platform + "' exists already");
  }
  auth::InviteGrant grant;
  grant.platform = platform;
  grant.role = v1::ROLE_ADMIN;
  grant.founding = true;
  grant.platform_name = name;
  grant.neighbourhood = neighbourhood;
  grant.note = "founding admin";
  grant.expires_at = Now() + hours * 3600;
  auto token = auth_.CreateInvite(grant);
  if (!token.ok()) return FromAuth(token.error());
  return token.value();
}

Answer<json::object> ApiService::CreatePlatform(std::string_view body,
                                                const std::string& base_url) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.error();
  auto platform = StringField(object.value(), "platform");
  auto name = StringField(object.value(), "name");
  auto neighbourhood = StringField(object.value(), "neighbourhood");
  for (auto* field : {&platform, &name, &neighbourhood}) {
    if (!field->ok()) return field->error();
  }
  auto hours = ExpiresInHours(object.value(), limits_);
  if (!hours.ok()) return hours.error();
  auto token =
      CreateFoundingInvite(platform.value(), name.value(), neighbourhood.value(), hours.value());
  if (!token.ok()) return token.error();
  json::object out;
  out["platform"] = platform.value();
  out["token"] = token.value();
  out["link"] = base_url + "/#/invite/" + token.value();
  out["expiresAt"] = IsoTime(Now() + hours.value() * 3600);
  out["position"] = Head();
  return out;
}

void ApiService::Housekeep() { auth_.PurgeExpired(Now()); }

Answer<json::object> ApiService::CreateFeedKey(const Caller& caller, const std::string& platform,
                                               const std::string& base_url) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  // Phone calendars poll without cookies: a read-only key for this one feed, which lives
  // until its owner signs out everywhere.
  auto key = auth_.CreateToken(caller.account_id, auth::TokenKind::kFeed, platform, Now(),
                               10LL * 365 * 24 * 3600);
  if (!key.ok()) return FromAuth(key.error());
  json::object out;
  out["key"] = key.value();
  out["url"] = base_url + "/api/v1/platforms/" + platform + "/calendar.ics?key=" + key.value();
  out["position"] = Head();
  return out;
}

Answer<json::object> ApiService::MyPlatforms(const Caller& caller) {
  if (caller.kind == auth::TokenKind::kFeed) return Err("unauthenticated", "sign in first");
  json::object out;
  out["platforms"] = PlatformsOf(caller.account_id);
  out["position"] = Head();
  return out;
}

Answer<v1::Command> ApiService::ParseCommand(const Caller& caller, const std::string& platform,
                                             std::string_view command_json) {
  if (!utf8::IsValid(command_json)) return Err("invalid_utf8", "the command is not UTF-8");
  v1::Command command;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto parsed =
          google::protobuf::util::JsonStringToMessage(std::string(command_json), &command, options);
      !parsed.ok()) {
    return Err("bad_request", "not a command: " + std::string(parsed.message()));
  }
  if (caller.kind == auth::TokenKind::kFeed) {
    return Err("read_only", "a calendar feed key reads and nothing else");
  }
  if (auto refused = RequireWriter(caller, platform)) return *refused;
  if (command.has_found_platform() || command.has_join_platform()) {
    return Err("forbidden", "platforms are founded and joined through invite links");
  }
  return command;
}

namespace {

json::object ResultJson(const commands::CommandOutcome& handled) {
  json::object out;
  out["position"] = handled.last_position;
  out["firstPosition"] = handled.first_position;
  out["lastPosition"] = handled.last_position;
  out["repeated"] = handled.repeated;
  return out;
}

}  // namespace

Answer<json::object> ApiService::RunCommand(const Caller& caller, const std::string& platform,
                                            std::string_view command_json, bool with_events) {
  auto command = ParseCommand(caller, platform, command_json);
  if (!command.ok()) return command.error();
  auto handled = Handle(platform, caller.account_id, command.value());
  if (!handled.ok()) return handled.error();
  json::object out = ResultJson(handled.value());
  if (!with_events) return out;
  json::array events;
  std::vector<eventstore::EventRecord> written;
  const uint64_t count = handled->last_position - handled->first_position + 1;
  if (store_.ReadAll(handled->first_position - 1, count, &written).ok()) {
    for (const auto& record : written) {
      // A multi-platform log interleaves: keep only this command's events.
      if (record.correlation_id() == command->command_id() &&
          eventstore::PartitionOf(record.stream()) == platform) {
        events.push_back(json::parse(wire::EventJson(record)));
      }
    }
  }
  out["events"] = std::move(events);
  return out;
}

void ApiService::RunCommandAsync(const Caller& caller, const std::string& platform,
                                 std::string_view command_json,
                                 std::function<void(Answer<json::object>)> done) {
  auto command = ParseCommand(caller, platform, command_json);
  if (!command.ok()) return done(command.error());
  const auto started = std::chrono::steady_clock::now();
  commands_.Submit(platform, caller.account_id, std::move(command.value()),
                   [this, started, done = std::move(done)](commands::CommandOutcome outcome) {
                     auto handled = Counted(std::move(outcome), started);
                     if (!handled.ok()) return done(handled.error());
                     done(ResultJson(handled.value()));
                   });
}

bool ApiService::EventAt(uint64_t position, v1::EventRecord* record) const {
  std::vector<eventstore::EventRecord> one;
  if (position == 0 || !store_.ReadAll(position - 1, 1, &one).ok() || one.empty()) return false;
  *record = std::move(one[0]);
  return true;
}

Answer<std::string> ApiService::ViewJson(const std::string& platform, const std::string& name,
                                         const wire::ViewParams& params, uint64_t* position) {
  std::string text;
  wire::ViewError error;
  auto event_at = [this](uint64_t at, v1::EventRecord* record) { return EventAt(at, record); };
  bool built = false;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    auto view = wire::BuildView(name, params, model, event_at, &error);
    if (!view) return;
    text = wire::MessageJson(*view);
    *position = model.position();
    built = true;
  });
  if (!read.ok()) return Unavailable(read);
  if (!built) return Err(error.code, error.message);
  return text;
}

Answer<std::string> ApiService::View(const Caller& caller, const std::string& platform,
                                     const std::string& name, const wire::ViewParams& params,
                                     std::optional<uint64_t> at) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  uint64_t position = 0;
  std::string view;
  if (!at) {
    auto built = ViewJson(platform, name, params, &position);
    if (!built.ok()) return built.error();
    view = std::move(built.value());
  } else {
    // The auditor's replay: the same fold, on the log's prefix up to `at`.
    projections::PlatformModel model;
    std::vector<eventstore::EventRecord> page;
    for (uint64_t after = 0;;) {
      if (Status s = store_.ReadPartition(platform, after, 4096, &page); !s.ok()) {
        return Unavailable(s);
      }
      for (const auto& record : page) {
        if (record.position() <= *at) model.Apply(record);
      }
      if (page.size() < 4096 || page.back().position() >= *at) break;
      after = page.back().position();
    }
    auto event_at = [&](uint64_t p, v1::EventRecord* record) {
      return p <= *at && EventAt(p, record);
    };
    wire::ViewError error;
    auto message = wire::BuildView(name, params, model, event_at, &error);
    if (!message) return Err(error.code, error.message);
    view = wire::MessageJson(*message);
    position = model.position();
  }
  return "{\"position\":" + std::to_string(position) + ",\"view\":" + view + "}";
}

Status ApiService::ReadEventsJson(const std::string& platform, uint64_t after, size_t limit,
                                  std::vector<std::pair<uint64_t, std::string>>* out) {
  std::vector<eventstore::EventRecord> page;
  if (Status s = store_.ReadPartition(platform, after, limit, &page); !s.ok()) return s;
  out->clear();
  out->reserve(page.size());
  for (const auto& record : page) out->emplace_back(record.position(), wire::EventJson(record));
  return Status::Ok();
}

Answer<std::string> ApiService::Events(const Caller& caller, const std::string& platform,
                                       uint64_t from, size_t limit) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  if (limit == 0) limit = limits_.events_page_default;
  limit = std::min(limit, limits_.events_page_max);
  const uint64_t head = Head();
  std::vector<std::pair<uint64_t, std::string>> events;
  if (Status s = ReadEventsJson(platform, from, limit, &events); !s.ok()) return Unavailable(s);
  std::string out;
  uint64_t next = from;
  for (auto& [position, text] : events) {
    out += text;
    out += '\n';
    next = position;
  }
  // Fewer than asked: everything up to the head was read, so resuming from the head is exact.
  if (events.size() < limit) next = std::max(next, head);
  out += "{\"position\":" + std::to_string(head) + ",\"next\":" + std::to_string(next) + "}\n";
  return out;
}

Answer<std::string> ApiService::ReportCsv(const Caller& caller, const std::string& platform,
                                          const std::string& period) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  std::string csv;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    csv = wire::AccountabilityCsv(projections::BuildAccountabilityReport(model, period));
  });
  if (!read.ok()) return Unavailable(read);
  return csv;
}

Answer<std::string> ApiService::CalendarIcs(const std::string& platform, std::string_view key,
                                            const std::string& host) {
  auto info = auth_.ResolveToken(key, Now());
  if (!info.ok()) return FromAuth(info.error());
  Caller caller;
  caller.account_id = info->account_id;
  // A feed key reads its own platform; a session may read any of its platforms' feeds.
  if (info->kind == auth::TokenKind::kFeed && info->platform != platform) return NotFound(platform);
  if (!commands_.Knows(platform)) return NotFound(platform);
  std::string ics;
  bool member = false;
  Status read = commands_.Read(platform, [&](const projections::PlatformModel& model) {
    member = model.state().RoleOf(caller.account_id) != v1::ROLE_UNSPECIFIED;
    if (member) {
      ics = wire::CalendarFeed(model, host, [this](uint64_t at, v1::EventRecord* record) {
        return EventAt(at, record);
      });
    }
  });
  if (!read.ok()) return Unavailable(read);
  if (!member) return NotFound(platform);
  return ics;
}

Answer<json::object> ApiService::Verify(const Caller& caller, const std::string& platform) {
  auto role = RoleOn(caller, platform);
  if (!role.ok()) return role.error();
  if (role.value() != v1::ROLE_AUDITOR && role.value() != v1::ROLE_ADMIN) {
    return Err("forbidden", "auditors and admins verify the log");
  }
  std::lock_guard lock(verify_mu_);
  const eventstore::VerifyReport report = store_.Verify();
  if (!report.status.ok()) return Unavailable(report.status);
  json::object out;
  out["ok"] = report.ok();
  out["events"] = report.events;
  out["head"] = json::object{{"position", report.head.position},
                             {"hash", eventstore::HexOf(report.head.hash)}};
  if (report.first_bad_position) {
    out["firstBadPosition"] = *report.first_bad_position;
    out["message"] = report.problem;
  }
  out["position"] = report.head.position;
  return out;
}

}  // namespace rotonde::net
