#include "http_api.h"

#include <algorithm>
#include <boost/range/iterator_range.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <sodium.h>

#include "api_error.h"
#include "api_json.h"
#include "ical.h"
#include "report_csv.h"
#include "request_target.h"

namespace rotonde::net {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

HttpResponse Respond(const HttpRequest& request, http::status status, std::string content_type,
                     std::string body) {
  HttpResponse response{status, request.version()};
  response.set(http::field::server, "rotonde");
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  SetSecurityHeaders(response);
  return response;
}

HttpResponse JsonResponse(const HttpRequest& request, const json::object& body) {
  auto response = Respond(request, http::status::ok, "application/json", json::serialize(body));
  response.set(http::field::cache_control, "no-store");
  return response;
}

// The inzage as a download: JSON, saved as rotonde-<platform>-<person>.json.
HttpResponse PersonalDataResponse(const HttpRequest& request, const app::PersonalData& data,
                                  const projections::EventOpener& opener) {
  auto response =
      Respond(request, http::status::ok, "application/json", PersonalDataJson(data, opener));
  response.set(http::field::cache_control, "no-store");
  response.set(http::field::content_disposition, "attachment; filename=\"rotonde-" + data.platform +
                                                     "-" + data.person_id + ".json\"");
  return response;
}

// Where links in answers point: --public-url, else the Host the client asked for, over
// https:// when it came through a trusted proxy that says so.
std::string BaseUrl(const ServerConfig& config, const HttpRequest& request,
                    const RequestSource& source) {
  if (!config.public_url.empty()) return config.public_url;
  return (source.https ? "https://" : "http://") + std::string(request[http::field::host]);
}

// The session cookie is Secure (sent back over TLS only) when the server is reached over
// https://: its --public-url says so, or the request came through a trusted proxy that
// terminated TLS.
std::string SessionCookie(const ServerConfig& config, const RequestSource& source,
                          const std::string& token, int64_t max_age) {
  std::string cookie = "rotonde_session=" + token +
                       "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
  if (source.https || config.public_url.rfind("https://", 0) == 0) cookie += "; Secure";
  return cookie;
}

std::string_view MimeOf(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) return type;
  }
  return "application/octet-stream";
}

HttpResponse StaticFile(ServerShared& shared, const HttpRequest& request, const Target& target) {
  const ServerConfig& config = shared.config;
  if (config.web_dir.empty()) return ErrorResponse(request, Err("not_found", "no such page"));
  std::string relative;
  for (const std::string& segment : target.segments) {
    // No way out of the web directory: no dot-segments, no hidden files, no separators.
    if (segment.empty() || segment[0] == '.' || segment.find('\\') != std::string::npos ||
        segment.find('/') != std::string::npos || segment.find('\0') != std::string::npos) {
      return ErrorResponse(request, Err("not_found", "no such page"));
    }
    relative += "/" + segment;
  }
  if (relative.empty()) relative = "/index.html";
  std::filesystem::path path = config.web_dir + relative;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) path /= "index.html";
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrorResponse(request, Err("not_found", "no such page"));
  // A validator from size and modification time: a phone revalidates with one small request.
  const auto size = std::filesystem::file_size(path, ec);
  const auto modified = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
  const std::string etag = "\"" + std::to_string(size) + "-" + std::to_string(modified) + "\"";
  if (request[http::field::if_none_match] == etag) {
    auto not_modified =
        Respond(request, http::status::not_modified, std::string(MimeOf(path.string())), "");
    not_modified.set(http::field::etag, etag);
    return not_modified;
  }
  std::ostringstream body;
  body << in.rdbuf();
  auto response =
      Respond(request, http::status::ok, std::string(MimeOf(path.string())), body.str());
  response.set(http::field::etag, etag);
  if (request.method() == http::verb::head) {
    // HEAD: the headers a GET would have, without the body.
    const auto length = response.body().size();
    response.body().clear();
    response.content_length(length);
  }
  // Revalidated on every load: a volunteer always gets the client matching the server.
  response.set(http::field::cache_control, "no-cache");
  return response;
}

// "application/json", in any case, with or without parameters ("; charset=utf-8").
bool JsonContentType(std::string_view value) {
  const std::string_view media = value.substr(0, value.find(';'));
  std::string lower;
  for (char c : media) {
    if (c != ' ' && c != '\t')
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lower == "application/json";
}

// A public proposal is a few texts: anything larger is not one.
constexpr size_t kMaxPublicBodyBytes = 16 * 1024;

// A path segment that may be put back into a URL as it is: 1-64 of A-Z a-z 0-9 . _ ~ -.
bool SafeSegment(std::string_view segment) {
  return !segment.empty() && segment.size() <= 64 &&
         std::all_of(segment.begin(), segment.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '~' ||
                  c == '-';
         });
}

}  // namespace

void SetSecurityHeaders(HttpResponse& response) {
  response.set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
               "form-action 'self'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
}

HttpResponse ErrorResponse(const HttpRequest& request, const Error& error) {
  const int status = HttpStatusOf(error.code);
  auto response = Respond(request, static_cast<http::status>(status), "application/json",
                          json::serialize(ErrorJson(error)));
  response.set(http::field::cache_control, "no-store");
  // A refusal that passes says when to ask again (a platform served elsewhere or moving).
  if (error.code == "rate_limited" || error.code == "unavailable") {
    if (const ErrorDetail* wait = error.Detail("retryAfterSeconds")) {
      response.set(http::field::retry_after, std::to_string(std::get<int64_t>(wait->value)));
    }
  }
  return response;
}

bool OriginAllowed(const ServerConfig& config, const HttpRequest& request) {
  const auto origin = request[http::field::origin];
  if (origin.empty()) return true;  // not a browser's cross-origin request
  const std::string own = "http://" + std::string(request[http::field::host]);
  const std::string own_tls = "https://" + std::string(request[http::field::host]);
  if (origin == own || origin == own_tls) return true;
  if (!config.public_url.empty() && origin == config.public_url) return true;
  for (const auto& allowed : config.allowed_origins) {
    if (origin == allowed) return true;
  }
  return false;
}

// The token a request carries: "Authorization: Bearer <token>", else the session cookie.
std::string TokenOf(const HttpRequest& request) {
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view authorization = request[http::field::authorization];
  if (authorization.substr(0, kBearer.size()) == kBearer) {
    return std::string(authorization.substr(kBearer.size()));
  }
  // Cookie: a; rotonde_session=<token>; b
  constexpr std::string_view kName = "rotonde_session=";
  const std::string_view cookies = request[http::field::cookie];
  std::string token;
  for (size_t at = 0; at < cookies.size();) {
    size_t end = cookies.find(';', at);
    if (end == std::string_view::npos) end = cookies.size();
    std::string_view part = cookies.substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, kName.size()) == kName) token = std::string(part.substr(kName.size()));
    at = end + 1;
  }
  return token;
}

// Whether the request carries the operator's token (compared in constant time).
bool FromOperator(const ServerConfig& config, const HttpRequest& request) {
  const std::string expected = "Bearer " + config.operator_token;
  const auto given = request[http::field::authorization];
  return !config.operator_token.empty() && given.size() == expected.size() &&
         sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

RequestSource SourceOfRequest(const ServerConfig& config, const boost::asio::ip::address& peer,
                              const HttpRequest& request) {
  if (config.trusted_proxies.empty()) return SourceOf(config.trusted_proxies, peer, {}, {});
  std::string forwarded_for;
  for (const auto& field : boost::make_iterator_range(request.equal_range("X-Forwarded-For"))) {
    if (!forwarded_for.empty()) forwarded_for += ',';
    forwarded_for += field.value();
  }
  std::string_view forwarded_proto;
  for (const auto& field : boost::make_iterator_range(request.equal_range("X-Forwarded-Proto"))) {
    forwarded_proto = field.value();  // the last line: the nearest proxy's
  }
  return SourceOf(config.trusted_proxies, peer, forwarded_for, forwarded_proto);
}

std::optional<HttpResponse> HandleHttp(ServerShared& shared, const HttpRequest& request,
                                       const RequestSource& source, Audience audience,
                                       const ReplyLater& reply_later) {
  app::Application& app = shared.app;
  const auto parsed = ParseTarget(request.target());
  if (!parsed.ok()) return ErrorResponse(request, parsed.error());
  const Target& target = parsed.value();
  const auto& seg = target.segments;
  const http::verb method = request.method();
  auto error = [&](const Status& e) { return ErrorResponse(request, e.error()); };
  auto json_ok = [&](const json::object& body) { return JsonResponse(request, body); };
  auto wrong_method = [&] {
    return ErrorResponse(request, Err("method_not_allowed", "not with this method"));
  };
  auto signed_in = [&shared, source](const HttpRequest& answering,
                                     const Result<app::Session>& session) {
    if (!session.ok()) return ErrorResponse(answering, session.error());
    auto response = JsonResponse(answering, SessionJson(session.value()));
    response.set(http::field::set_cookie,
                 SessionCookie(shared.config, source, session->token, session->max_age_seconds));
    return response;
  };
  // For a request answered once its command is durable: a callback that answers it with
  // respond(request's head, result). Until then no thread waits for it, and it counts as
  // in flight, so a draining server answers it before it stops.
  auto answer_later = [&](auto respond) {
    HttpRequest head{request.method(), request.target(), request.version()};
    head.keep_alive(request.keep_alive());
    shared.metrics.requests_in_flight++;
    return [&shared, head = std::move(head), reply_later, respond](auto result) {
      reply_later(respond(head, std::move(result)));
      shared.metrics.requests_in_flight--;
    };
  };

  // Operations.
  if (seg.size() == 1 && seg[0] == "healthz") {
    return Respond(request, http::status::ok, "text/plain", "ok\n");
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    if (shared.ready && !shared.draining) {
      return Respond(request, http::status::ok, "text/plain", "ready\n");
    }
    return ErrorResponse(request,
                         Err("not_ready", shared.draining ? "the server is shutting down"
                                                          : "the server is still loading"));
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    // What the server counts (sessions, load, memory) is the operator's: on the public
    // listener only with their token.
    if (audience == Audience::kPublic && !FromOperator(shared.config, request)) {
      return ErrorResponse(request, Err("unauthenticated", "the operator's token is needed"));
    }
    auto response =
        Respond(request, http::status::ok, "text/plain; version=0.0.4",
                shared.metrics.Render(app.counters(), app.StoreStats(), app.Heads(),
                                      app.accounts().SessionCount(), shared.hub.GetStats()));
    response.set(http::field::cache_control, "no-store");
    return response;
  }
  if (audience == Audience::kMonitoring) {
    return ErrorResponse(request,
                         Err("not_found", "this address serves /metrics, /healthz and /readyz"));
  }

  const bool is_api = seg.size() >= 2 && seg[0] == "api" && seg[1] == "v1";
  if (!is_api) {
    if (method != http::verb::get && method != http::verb::head) return wrong_method();
    // /p/{platform}/voorstel: the public proposal form's short address (for flyers and
    // posters), which the web client serves under its hash route.
    if (seg.size() == 3 && seg[0] == "p" && seg[2] == "voorstel" && SafeSegment(seg[1])) {
      auto response = Respond(request, http::status::found, "text/plain", "");
      response.set(http::field::location, "/#/p/" + seg[1] + "/voorstel");
      return response;
    }
    return StaticFile(shared, request, target);
  }
  const bool changes_state = method == http::verb::post || method == http::verb::delete_;
  // /api/v1/mail/unsubscribe?t=TOKEN: a mail's unsubscribe link, one click (RFC 8058) from a
  // mail client that posts a form without an Origin, or from the web client's page. The
  // token is keyed to its account, so no session and no body are needed.
  if (seg.size() == 4 && seg[2] == "mail" && seg[3] == "unsubscribe") {
    if (method != http::verb::post) return wrong_method();
    if (Status s = app.inbox().Unsubscribe(QueryOr(target, "t")); !s.ok()) return error(s);
    return json_ok(json::object{{"unsubscribed", true}});
  }
  if (changes_state && !OriginAllowed(shared.config, request)) {
    return ErrorResponse(request, Err("bad_origin", "this request comes from another site"));
  }
  // A body is JSON, said so: a form or text/plain post from another site is refused before
  // it is read (and a client that mislabels its body learns it at once).
  if (changes_state && !request.body().empty() &&
      !JsonContentType(request[http::field::content_type])) {
    return ErrorResponse(
        request, Err("unsupported_media_type", "send the body as Content-Type: application/json"));
  }
  if (changes_state && shared.draining) {
    return ErrorResponse(request,
                         Err("unavailable", "the server is shutting down; try again in a moment"));
  }
  // The operator's endpoint: only with the token the server wrote into its data directory.
  if (seg.size() == 4 && seg[2] == "admin" && seg[3] == "platforms") {
    if (!FromOperator(shared.config, request)) {
      return ErrorResponse(request, Err("unauthenticated", "the operator's token is needed"));
    }
    if (method != http::verb::post) return wrong_method();
    auto platform = ParsePlatformRequest(request.body());
    if (!platform.ok()) return error(platform.status());
    auto founding = app.invites().CreateFounding(platform.value());
    if (!founding.ok()) return error(founding.status());
    return json_ok(FoundingInviteJson(platform->platform, founding.value(),
                                      BaseUrl(shared.config, request, source)));
  }
  // A backup of the data directory while serving (`rotonde backup`): the operator's too.
  if (seg.size() == 4 && seg[2] == "admin" && seg[3] == "backup") {
    if (!FromOperator(shared.config, request)) {
      return ErrorResponse(request, Err("unauthenticated", "the operator's token is needed"));
    }
    if (method != http::verb::post) return wrong_method();
    if (!shared.config.backup) {
      return ErrorResponse(request, Err("not_found", "this server takes no backups"));
    }
    auto to = ParseBackupRequest(request.body());
    if (!to.ok()) return error(to.status());
    auto manifest = shared.config.backup(to.value());
    if (!manifest.ok()) {
      return ErrorResponse(request, Err("backup_failed", manifest.status().ToString()));
    }
    auto response = Respond(request, http::status::ok, "application/json", manifest.value());
    response.set(http::field::cache_control, "no-store");
    return response;
  }
  const std::vector<std::string> rest(seg.begin() + 2, seg.end());

  // /api/v1/public/platforms/{p}[/proposals[/{id}]]: residents without an account.
  if (rest.size() >= 3 && rest[0] == "public" && rest[1] == "platforms") {
    const std::string& platform = rest[2];
    if (rest.size() == 3) {
      if (method != http::verb::get) return wrong_method();
      auto found = app.public_proposals().Platform(platform);
      if (!found.ok()) return error(found.status());
      return json_ok(PublicPlatformJson(found.value()));
    }
    if (rest.size() == 4 && rest[3] == "proposals") {
      if (method != http::verb::post) return wrong_method();
      if (request.body().size() > kMaxPublicBodyBytes) {
        return ErrorResponse(request, Err("too_large", "a proposal is at most 16 KiB"));
      }
      auto proposal = ParsePublicProposal(request.body());
      if (!proposal.ok()) return error(proposal.status());
      app.public_proposals().Submit(
          platform, std::move(proposal.value()), source.address, app::NowSeconds(),
          answer_later([platform, base = BaseUrl(shared.config, request, source)](
                           const HttpRequest& head, const Result<app::ProposalReceipt>& receipt) {
            if (!receipt.ok()) return ErrorResponse(head, receipt.error());
            auto response =
                JsonResponse(head, ProposalReceiptJson(platform, receipt.value(), base));
            response.result(http::status::created);
            return response;
          }));
      return std::nullopt;
    }
    if (rest.size() == 5 && rest[3] == "proposals") {
      if (method != http::verb::get) return wrong_method();
      auto page = app.public_proposals().StatusPage(platform, rest[4], QueryOr(target, "key"));
      if (!page.ok()) return error(page.status());
      return json_ok(ProposalStatusJson(page.value()));
    }
    // .../proposals/{id}/data and .../erase: the sender's inzage and erasure, by the link.
    if (rest.size() == 6 && rest[3] == "proposals" && (rest[5] == "data" || rest[5] == "erase")) {
      const bool erase = rest[5] == "erase";
      if (method != (erase ? http::verb::post : http::verb::get)) return wrong_method();
      auto page = app.public_proposals().StatusPage(platform, rest[4], QueryOr(target, "key"));
      if (!page.ok()) return error(page.status());
      if (page->by_member) {
        return ErrorResponse(
            request, Err("forbidden", "a member's data is shown and erased through their account"));
      }
      if (erase) {
        auto erased = app.erasure().EraseResident(platform, page->submitter_id);
        if (!erased.ok()) return error(erased.status());
        return json_ok(ErasureJson(erased.value()));
      }
      auto data = app.erasure().ResidentInzage(
          platform, page->submitter_id, projections::EntityStream(platform, "proposal", rest[4]));
      if (!data.ok()) return error(data.status());
      return PersonalDataResponse(request, data.value(), app.command_service().opener());
    }
    return ErrorResponse(request,
                         Err("not_found", "no such route: " + std::string(request.target())));
  }

  auto caller = app.accounts().Resolve(TokenOf(request));

  // /api/v1/session
  if (rest.size() == 1 && rest[0] == "session") {
    if (method == http::verb::post) {
      auto credentials = ParseSignIn(request.body());
      if (!credentials.ok()) return error(credentials.status());
      return signed_in(request, app.accounts().SignIn(credentials->login, credentials->password,
                                                      source.address));
    }
    if (method != http::verb::get && method != http::verb::delete_) return wrong_method();
    if (!caller.ok()) return error(caller.status());
    if (method == http::verb::get) {
      auto me = app.accounts().WhoAmI(caller.value());
      if (!me.ok()) return error(me.status());
      return json_ok(MeJson(me.value()));
    }
    app.accounts().SignOut(caller.value());
    auto response = JsonResponse(request, json::object{{"signedOut", true}});
    response.set(http::field::set_cookie, SessionCookie(shared.config, source, "", 0));
    return response;
  }
  // /api/v1/invites/{token}[/accept]
  if (rest.size() >= 2 && rest[0] == "invites") {
    if (rest.size() == 2) {
      if (method != http::verb::get) return wrong_method();
      auto preview = app.invites().Peek(rest[1]);
      if (!preview.ok()) return error(preview.status());
      return json_ok(InvitePreviewJson(preview.value()));
    }
    if (rest.size() == 3 && rest[2] == "accept") {
      if (method != http::verb::post) return wrong_method();
      auto acceptance = ParseAcceptance(request.body());
      if (!acceptance.ok()) return error(acceptance.status());
      app.invites().Accept(rest[1], acceptance.value(), caller.ok() ? &caller.value() : nullptr,
                           answer_later(signed_in));
      return std::nullopt;
    }
  }
  // /api/v1/platforms/{p}/calendar.ics?key=K: a phone calendar, with no cookie.
  if (rest.size() == 3 && rest[0] == "platforms" && rest[2] == "calendar.ics") {
    if (method != http::verb::get) return wrong_method();
    std::string key = QueryOr(target, "key");
    if (key.empty() && caller.ok()) key = caller->token;
    const std::string host(request[http::field::host]);
    auto ics = app.reads().Calendar(
        rest[1], key,
        [&](const projections::PlatformModel& model, const app::EventReader& at,
            const std::string& reader) { return wire::CalendarFeed(model, host, at, reader); });
    if (!ics.ok()) return error(ics.status());
    auto response = Respond(request, http::status::ok, "text/calendar; charset=utf-8", ics.value());
    response.set(http::field::cache_control, "no-cache");
    return response;
  }

  if (!caller.ok()) return error(caller.status());
  // /api/v1/mail/settings: how the caller hears of notifications by mail.
  if (rest.size() == 2 && rest[0] == "mail" && rest[1] == "settings") {
    if (method == http::verb::get) {
      auto choice = app.inbox().MailSettings(caller.value());
      if (!choice.ok()) return error(choice.status());
      return json_ok(MailChoiceJson(choice.value()));
    }
    if (method != http::verb::post) return wrong_method();
    auto settings = ParseMailSettings(request.body());
    if (!settings.ok()) return error(settings.status());
    auto choice = app.inbox().SetMailSettings(caller.value(), std::move(settings.value()));
    if (!choice.ok()) return error(choice.status());
    return json_ok(MailChoiceJson(choice.value()));
  }
  if (rest.size() == 1 && rest[0] == "platforms") {
    if (method != http::verb::get) return wrong_method();
    auto platforms = app.accounts().MyPlatforms(caller.value());
    if (!platforms.ok()) return error(platforms.status());
    return json_ok(json::object{{"platforms", PlatformsJson(platforms.value())}});
  }
  if (rest.size() >= 3 && rest[0] == "platforms") {
    const std::string& platform = rest[1];
    const std::string& what = rest[2];
    if (what == "commands" && rest.size() == 3) {
      if (method != http::verb::post) return wrong_method();
      auto command = ParseCommand(request.body());
      if (!command.ok()) return error(command.status());
      app.commands().RunAsync(
          caller.value(), platform, std::move(command.value()), true,
          answer_later([opener = &app.command_service().opener()](
                           const HttpRequest& head, const Result<app::CommandResult>& result) {
            return result.ok()
                       ? JsonResponse(head, CommandResultJson(result.value(), true, *opener))
                       : ErrorResponse(head, result.error());
          }));
      return std::nullopt;
    }
    if (what == "clash-preview" && rest.size() == 3) {
      if (method != http::verb::post) return wrong_method();
      auto draft = ParseDraftInitiative(request.body());
      if (!draft.ok()) return error(draft.status());
      auto preview = app.reads().PreviewClashes(caller.value(), platform, draft.value());
      if (!preview.ok()) return error(preview.status());
      return json_ok(ClashPreviewJson(preview.value()));
    }
    if (what == "invites" && rest.size() == 3) {
      if (method != http::verb::post) return wrong_method();
      auto invite = ParseInviteRequest(request.body());
      if (!invite.ok()) return error(invite.status());
      app.invites().Create(
          caller.value(), platform, invite.value(),
          answer_later([base = BaseUrl(shared.config, request, source)](
                           const HttpRequest& head, const Result<app::CreatedInvite>& created) {
            return created.ok() ? JsonResponse(head, CreatedInviteJson(created.value(), base))
                                : ErrorResponse(head, created.error());
          }));
      return std::nullopt;
    }
    if (what == "feed-key" && rest.size() == 3) {
      if (method != http::verb::post) return wrong_method();
      auto key = app.accounts().CreateFeedKey(caller.value(), platform);
      if (!key.ok()) return error(key.status());
      return json_ok(FeedKeyJson(key.value(), platform, BaseUrl(shared.config, request, source),
                                 app.Head(platform)));
    }
    // /api/v1/platforms/{p}/people/{id}/erase and /people/me/data (docs/privacy.md).
    if (what == "people" && rest.size() == 5 && rest[4] == "erase") {
      if (method != http::verb::post) return wrong_method();
      auto erased = app.erasure().Erase(caller.value(), platform, rest[3] == "me" ? "" : rest[3]);
      if (!erased.ok()) return error(erased.status());
      return json_ok(ErasureJson(erased.value()));
    }
    if (what == "people" && rest.size() == 5 && rest[4] == "data") {
      if (method != http::verb::get) return wrong_method();
      if (rest[3] != "me" && rest[3] != caller->account_id) {
        return ErrorResponse(request, Err("forbidden", "only your own data: /people/me/data"));
      }
      auto data = app.erasure().Inzage(caller.value(), platform);
      if (!data.ok()) return error(data.status());
      return PersonalDataResponse(request, data.value(), app.command_service().opener());
    }
    if (what == "inbox" && rest.size() == 4 && rest[3] == "read") {
      if (method != http::verb::post) return wrong_method();
      auto read = ParseReadRequest(request.body());
      if (!read.ok()) return error(read.status());
      auto marks = app.inbox().MarkRead(caller.value(), platform, read->through, read->positions);
      if (!marks.ok()) return error(marks.status());
      // The member's inbox on their other screens and devices shows it read too.
      shared.watches->Refresh(platform, "inbox");
      json::object body = ReadMarksJson(marks.value());
      body["position"] = app.Head(platform);
      return json_ok(std::move(body));
    }
    if (method != http::verb::get) return wrong_method();
    if (what == "views" && rest.size() == 4) {
      auto at = QueryNumber(target, "at");
      if (!at.ok()) return error(at.status());
      app::ViewParams params;
      params.from = QueryOr(target, "from");
      params.to = QueryOr(target, "to");
      params.period = QueryOr(target, "period");
      params.entity = QueryOr(target, "entity");
      params.today = QueryOr(target, "today");
      auto view = app.reads().View(caller.value(), platform, rest[3], params, at.value());
      if (!view.ok()) return error(view.status());
      auto response =
          Respond(request, http::status::ok, "application/json", ViewAtJson(view.value()));
      response.set(http::field::cache_control, "no-store");
      return response;
    }
    if (what == "events" && rest.size() == 3) {
      auto from = QueryNumber(target, "from");
      auto limit = QueryNumber(target, "limit");
      if (!from.ok()) return error(from.status());
      if (!limit.ok()) return error(limit.status());
      auto page = app.reads().Events(caller.value(), platform, from.value().value_or(0),
                                     static_cast<size_t>(limit.value().value_or(0)));
      if (!page.ok()) return error(page.status());
      auto response = Respond(request, http::status::ok, "application/x-ndjson",
                              EventsNdjson(page.value(), app.command_service().opener()));
      response.set(http::field::cache_control, "no-store");
      return response;
    }
    if (what == "report.csv" && rest.size() == 3) {
      auto report = app.reads().Report(caller.value(), platform, QueryOr(target, "period"));
      if (!report.ok()) return error(report.status());
      auto response = Respond(request, http::status::ok, "text/csv; charset=utf-8",
                              wire::AccountabilityCsv(report.value()));
      response.set(http::field::content_disposition,
                   "attachment; filename=\"verantwoording-" + platform + ".csv\"");
      response.set(http::field::cache_control, "no-store");
      return response;
    }
    if (what == "checkpoint" && rest.size() == 3) {
      auto size = QueryNumber(target, "size");
      if (!size.ok()) return error(size.status());
      auto note = app.audit().Checkpoint(caller.value(), platform, size.value());
      if (!note.ok()) return error(note.status());
      auto response = Respond(request, http::status::ok, "application/json",
                              boost::json::serialize(CheckpointJson(platform, note.value(),
                                                                    app.audit().VerifierKey())));
      response.set(http::field::cache_control, "no-store");
      return response;
    }
    if (what == "verify" && rest.size() == 3) {
      auto report = app.audit().Verify(caller.value(), platform);
      if (!report.ok()) return error(report.status());
      return json_ok(VerifyJson(report.value()));
    }
  }
  return ErrorResponse(request,
                       Err("not_found", "no such route: " + std::string(request.target())));
}

}  // namespace rotonde::net
