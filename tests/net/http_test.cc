// The HTTP API against a real server on a loopback port: sessions, invites, reads, and the
// bad-input table — every bad request gets its documented code and leaves the log as it was.
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "api_error.h"
#include "rotonde/base/base64.h"
#include "rotonde/base/hex.h"
#include "rotonde/base/utf8.h"
#include "server_fixture.h"

namespace rotonde::test_support {
namespace {

namespace json = boost::json;

class HttpApiTest : public ServerFixture {};

constexpr char kCommands[] = "/api/v1/platforms/kolenkit/commands";

std::string Propose(const std::string& id, const std::string& title, const std::string& date) {
  json::object command{
      {"commandId", id},
      {"proposeInitiative", json::object{{"kind", "INITIATIVE_KIND_STREET_MARKET"},
                                         {"title", title},
                                         {"when", json::object{{"startDate", date}}},
                                         {"place", json::object{{"text", "Bos en Lommerplein"}}}}}};
  return json::serialize(command);
}

TEST_F(HttpApiTest, SignInSetsAnHttpOnlyStrictCookieAndListsTheCallersPlatforms) {
  HttpReply reply =
      Http(port_, "POST", "/api/v1/session", R"({"login":"Anna","password":"rotonde-demo"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const std::string cookie = reply.headers["set-cookie"];
  EXPECT_NE(cookie.find("rotonde_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  auto body = reply.Json().as_object();
  ASSERT_EQ(body.at("platforms").as_array().size(), 1u);  // kolenkit, not noord
  EXPECT_EQ(body.at("platforms").as_array()[0].at("id"), "kolenkit");
  EXPECT_EQ(body.at("platforms").as_array()[0].at("role"), "ROLE_ADMIN");
  // Positions are each platform's own: the session names each platform's head, not one of
  // its own.
  EXPECT_EQ(body.at("platforms").as_array()[0].at("position").to_number<uint64_t>(), Head());
  EXPECT_FALSE(body.contains("position"));

  // The cookie works as well as the Bearer token.
  const std::string token(body.at("token").as_string());
  HttpReply me = Http(port_, "GET", "/api/v1/session", {},
                      {{"Cookie", "theme=dark; rotonde_session=" + token}});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json().at("account").at("login"), "anna");
}

TEST_F(HttpApiTest, WrongPasswordsAreRateLimitedPerLogin) {
  for (int i = 0; i < 5; ++i) {
    HttpReply reply =
        Http(port_, "POST", "/api/v1/session", R"({"login":"bram","password":"wrong-password"})");
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(reply.Code(), "bad_credentials");
  }
  HttpReply limited =
      Http(port_, "POST", "/api/v1/session", R"({"login":"bram","password":"rotonde-demo"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Code(), "rate_limited");
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  // Another account is not affected.
  EXPECT_FALSE(SignIn("dewi").empty());
}

// The propose and edit forms ask what a draft would clash with: the deciders' own rules on the
// platform as it is, then what only looks like it; a read that changes nothing.
TEST_F(HttpApiTest, TheClashPreviewNamesWhatADraftWouldClashWithByTheDecidersRules) {
  const std::string dewi = SignIn("dewi");
  const std::string target = "/api/v1/platforms/kolenkit/clash-preview";
  const uint64_t head = Head();
  HttpReply same_place = Post(target, R"({"kind":"INITIATIVE_KIND_STREET_MARKET",
      "title":"Zomermarkt met kraampjes","when":{"startDate":"2026-06-13"},
      "place":{"text":"op het Kolenkitplein","locationId":"kolenkitplein"}})",
                              dewi);
  ASSERT_EQ(same_place.status, 200) << same_place.body;
  const json::value preview = same_place.Json();
  EXPECT_EQ(preview.at("position").to_number<uint64_t>(), head);
  const auto& clashes = preview.at("clashes").as_array();
  ASSERT_FALSE(clashes.empty());
  EXPECT_EQ(clashes[0].at("initiativeId"), "i-braderie-kolenkitplein");
  EXPECT_EQ(clashes[0].at("rule"), "CLASH_RULE_SAME_PLACE_SAME_DAY");
  EXPECT_EQ(clashes[0].at("day"), "2026-06-13");
  EXPECT_NE(std::string(clashes[0].at("title").as_string()).find("Braderie"), std::string::npos);

  // Before a date is chosen: what only looks like it, with the words both use.
  HttpReply undated = Post(target, R"({"title":"Braderie Kolenkitplein"})", dewi);
  ASSERT_EQ(undated.status, 200) << undated.body;
  const json::value alike = undated.Json();
  ASSERT_FALSE(alike.at("clashes").as_array().empty()) << undated.body;
  const auto& first = alike.at("clashes").as_array()[0];
  EXPECT_EQ(first.at("rule"), "similar");
  EXPECT_EQ(first.at("initiativeId"), "i-braderie-kolenkitplein");
  EXPECT_FALSE(first.at("sharedTerms").as_array().empty());
  // Editing an initiative: it does not clash with itself.
  HttpReply itself = Post(target, R"({"initiativeId":"i-braderie-kolenkitplein",
      "kind":"INITIATIVE_KIND_STREET_MARKET","title":"Braderie op het Kolenkitplein",
      "when":{"startDate":"2026-06-13"},"place":{"text":"Kolenkitplein","locationId":"kolenkitplein"}})",
                          dewi);
  ASSERT_EQ(itself.status, 200) << itself.body;
  const json::value edited = itself.Json();
  for (const auto& c : edited.at("clashes").as_array()) {
    EXPECT_NE(c.at("initiativeId"), "i-braderie-kolenkitplein");
  }

  EXPECT_EQ(Post(target, R"({"title":"x","unknown":1})", dewi).Code(), "bad_request");
  EXPECT_EQ(Post(target, R"({"title":"x"})", SignIn("olaf")).status, 200) << "auditors read";
  EXPECT_EQ(Post("/api/v1/platforms/noord/clash-preview", R"({"title":"x"})", dewi).Code(),
            "platform_not_found");
  EXPECT_EQ(Head(), head) << "a preview records nothing";
}

TEST_F(HttpApiTest, SignOutEndsTheSession) {
  const std::string token = SignIn("dewi");
  EXPECT_EQ(Get("/api/v1/platforms", token).status, 200);
  std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(Http(port_, "DELETE", "/api/v1/session", {}, auth).status, 200);
  HttpReply after = Get("/api/v1/platforms", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.Code(), "unauthenticated");
}

TEST_F(HttpApiTest, AnInviteLinkMakesANewMemberOnceAndOnlyOnce) {
  const std::string carla = SignIn("carla");
  HttpReply invite = Post("/api/v1/platforms/kolenkit/invites",
                          R"({"role":"ROLE_MEMBER","note":"voor de flyergroep"})", carla);
  ASSERT_EQ(invite.status, 200) << invite.body;
  const std::string token(invite.Json().at("token").as_string());
  EXPECT_NE(std::string(invite.Json().at("link").as_string()).find("/#/invite/" + token),
            std::string::npos);

  HttpReply peek = Get("/api/v1/invites/" + token, "");
  ASSERT_EQ(peek.status, 200) << peek.body;
  EXPECT_EQ(peek.Json().at("platformName"), "Buurtplatform Kolenkitbuurt");
  EXPECT_EQ(peek.Json().at("role"), "ROLE_MEMBER");

  HttpReply accepted =
      Post("/api/v1/invites/" + token + "/accept",
           R"({"displayName":"Lotte","login":"lotte","password":"een-lang-wachtwoord"})", "");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const std::string lotte(accepted.Json().at("token").as_string());
  HttpReply members = Get("/api/v1/platforms/kolenkit/views/members", lotte);
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_NE(members.body.find("Lotte"), std::string::npos);

  const uint64_t head = Head();
  HttpReply again =
      Post("/api/v1/invites/" + token + "/accept",
           R"({"displayName":"Mallory","login":"mallory","password":"een-lang-wachtwoord"})", "");
  EXPECT_EQ(again.status, 410);
  EXPECT_EQ(again.Code(), "invite_used");
  EXPECT_EQ(Head(), head);
  // The refused accept left no account behind either.
  EXPECT_EQ(Http(port_, "POST", "/api/v1/session",
                 R"({"login":"mallory","password":"een-lang-wachtwoord"})")
                .Code(),
            "bad_credentials");
}

TEST_F(HttpApiTest, AnExpiredInviteIsRefused) {
  auth::InviteGrant grant;
  grant.platform = "kolenkit";
  grant.invite_id = "inv-flyergroep";
  grant.role = v1::ROLE_MEMBER;
  grant.expires_at = static_cast<int64_t>(std::time(nullptr)) - 60;
  auto token = auth_->CreateInvite(grant);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(Get("/api/v1/invites/" + token.value(), "").Code(), "invite_expired");
  const uint64_t head = Head();
  HttpReply accepted =
      Post("/api/v1/invites/" + token.value() + "/accept",
           R"({"displayName":"Late","login":"late","password":"een-lang-wachtwoord"})", "");
  EXPECT_EQ(accepted.status, 410);
  EXPECT_EQ(accepted.Code(), "invite_expired");
  EXPECT_EQ(Head(), head);
}

TEST_F(HttpApiTest, ACommandIsDurableWhenAnsweredAndItsIdMakesRetriesSafe) {
  const std::string bram = SignIn("bram");
  const uint64_t head = Head();
  HttpReply first =
      Post(kCommands, Propose("c-retry-1", "Braderie Erasmuspark", "2026-09-12"), bram);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("repeated"), false);
  EXPECT_EQ(first.Json().at("events").as_array()[0].at("type"), "InitiativeProposed");
  EXPECT_GT(Head(), head);

  const uint64_t after_first = Head();
  HttpReply retry =
      Post(kCommands, Propose("c-retry-1", "Braderie Erasmuspark", "2026-09-12"), bram);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Json().at("repeated"), true);
  EXPECT_EQ(retry.Json().at("firstPosition"), first.Json().at("firstPosition"));
  EXPECT_EQ(Head(), after_first);
}

// The command example in docs/api.md, the document a third party writes a client from, is
// one the server takes as it stands.
TEST_F(HttpApiTest, TheApiDocsCommandExampleIsTakenAsWritten) {
  std::ifstream docs_file(ROTONDE_API_DOCS);
  ASSERT_TRUE(docs_file) << ROTONDE_API_DOCS;
  std::stringstream docs;
  docs << docs_file.rdbuf();
  const std::string text = docs.str();
  const size_t section = text.find("### `POST /api/v1/platforms/{p}/commands`");
  ASSERT_NE(section, std::string::npos);
  const size_t open = text.find("```json\n", section);
  ASSERT_NE(open, std::string::npos);
  const size_t body_start = open + 8;
  const size_t close = text.find("```", body_start);
  ASSERT_NE(close, std::string::npos);
  const std::string example = text.substr(body_start, close - body_start);

  const uint64_t head = Head();
  HttpReply reply = Post(kCommands, example, SignIn("anna"));
  ASSERT_EQ(reply.status, 200) << example << "\n" << reply.body;
  EXPECT_EQ(reply.Json().at("repeated"), false);
  EXPECT_GT(Head(), head);
}

// docs/domain.md gives each refusal code its HTTP status; the server answers with that one.
TEST(ApiDocsTest, EveryDomainCodeIsAnsweredWithTheStatusTheDocsGiveIt) {
  std::ifstream docs_file(ROTONDE_DOMAIN_DOCS);
  ASSERT_TRUE(docs_file) << ROTONDE_DOMAIN_DOCS;
  std::stringstream docs;
  docs << docs_file.rdbuf();
  const std::string text = docs.str();
  const size_t table = text.find("| code | HTTP | meaning |");
  ASSERT_NE(table, std::string::npos);
  std::istringstream lines(text.substr(table));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);  // | --- | --- | --- |
  size_t codes_checked = 0;
  while (std::getline(lines, line) && line.rfind("| ", 0) == 0) {
    SCOPED_TRACE(line);
    const size_t first_bar = line.find(" | ");
    const size_t second_bar = line.find(" | ", first_bar + 3);
    ASSERT_NE(second_bar, std::string::npos);
    const std::string code_cell = line.substr(2, first_bar - 2);
    const std::string http_cell = line.substr(first_bar + 3, second_bar - first_bar - 3);
    std::vector<std::string> codes;
    for (size_t at = code_cell.find('`'); at != std::string::npos;) {
      const size_t close = code_cell.find('`', at + 1);
      codes.push_back(code_cell.substr(at + 1, close - at - 1));
      at = code_cell.find('`', close + 1);
    }
    std::vector<int> statuses;
    for (size_t at = 0; at < http_cell.size();) {
      statuses.push_back(std::stoi(http_cell.substr(at)));
      at = http_cell.find_first_of(",/", at);
      if (at == std::string::npos) break;
      at = http_cell.find_first_of("0123456789", at);
    }
    ASSERT_TRUE(statuses.size() == 1 || statuses.size() == codes.size());
    for (size_t i = 0; i < codes.size(); ++i) {
      EXPECT_EQ(net::HttpStatusOf(codes[i]), statuses.size() == 1 ? statuses[0] : statuses[i])
          << codes[i];
      ++codes_checked;
    }
  }
  EXPECT_GT(codes_checked, 40u);
}

struct BadInput {
  std::string name;
  std::string login;  // "" for no session
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
  int status;
  std::string code;
};

TEST_F(HttpApiTest, EveryBadRequestGetsItsCodeAndChangesNothing) {
  const std::string long_title(300 * 1024, 'a');
  const std::string huge_title(2 * 1024 * 1024, 'a');
  auto propose_with = [](const std::string& fields) {
    return R"({"commandId":"c-bad","proposeInitiative":{"kind":"INITIATIVE_KIND_STREET_MARKET",)" +
           fields + "}}";
  };
  const std::vector<BadInput> table = {
      {"malformed JSON", "bram", kCommands, R"({"commandId":)", {}, 400, "bad_request"},
      {"not an object", "bram", kCommands, "[1,2]", {}, 400, "bad_request"},
      {"unknown command", "bram", kCommands, R"({"commandId":"c-u"})", {}, 400, "unknown_command"},
      {"single quotes and unquoted keys (not RFC 8259)",
       "bram",
       kCommands,
       R"({'commandId':'c-q',proposeInitiative:{'kind':'INITIATIVE_KIND_STREET_MARKET','title':'Markt','when':{'startDate':'2026-09-12'}}})",
       {},
       400,
       "bad_request"},
      {"a trailing comma",
       "bram",
       kCommands,
       propose_with(R"("title":"Markt","when":{"startDate":"2026-09-12"},)"),
       {},
       400,
       "bad_request"},
      {"a command as text/plain",
       "bram",
       kCommands,
       Propose("c-t", "Markt", "2026-09-12"),
       {{"Content-Type", "text/plain"}},
       415,
       "unsupported_media_type"},
      {"a command as a form",
       "bram",
       kCommands,
       "commandId=c-f&title=Markt",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       415,
       "unsupported_media_type"},
      {"an invite with an unknown field",
       "anna",
       "/api/v1/platforms/kolenkit/invites",
       R"({"role":"ROLE_MEMBER","admin":true})",
       {},
       400,
       "bad_request"},
      {"sign-in with an unknown field",
       "",
       "/api/v1/session",
       R"({"login":"anna","password":"rotonde-demo","remember":true})",
       {},
       400,
       "bad_request"},
      {"unknown field",
       "bram",
       kCommands,
       R"({"commandId":"c-u","launchRocket":{}})",
       {},
       400,
       "bad_request"},
      {"missing title",
       "bram",
       kCommands,
       propose_with(R"("when":{"startDate":"2026-09-12"})"),
       {},
       400,
       "missing_field"},
      {"invalid UTF-8",
       "bram",
       kCommands,
       propose_with("\"title\":\"Markt \xff\xfe\",\"when\":{\"startDate\":\"2026-09-12\"}"),
       {},
       400,
       "invalid_utf8"},
      {"oversize body",
       "bram",
       kCommands,
       propose_with("\"title\":\"" + huge_title + "\",\"when\":{\"startDate\":\"2026-09-12\"}"),
       {},
       413,
       "too_large"},
      {"300 KB title",
       "bram",
       kCommands,
       propose_with("\"title\":\"" + long_title + "\",\"when\":{\"startDate\":\"2026-09-12\"}"),
       {},
       400,
       "text_too_long"},
      {"control characters",
       "bram",
       kCommands,
       propose_with(R"("title":"Markt\u0007\u001b[31m","when":{"startDate":"2026-09-12"})"),
       {},
       400,
       "invalid_text"},
      {"non-existent date",
       "bram",
       kCommands,
       propose_with(R"("title":"Markt","when":{"startDate":"2026-02-30"})"),
       {},
       400,
       "invalid_date"},
      {"wrong expected version",
       "anna",
       kCommands,
       R"({"commandId":"c-v","expectedVersion":"999","updateInitiative":{"initiativeId":"i-buitenspeelmiddag","title":"Nieuw"}})",
       {},
       409,
       "wrong_expected_version"},
      {"an expected version that is no version",
       "anna",
       kCommands,
       R"({"commandId":"c-v2","expectedVersion":"abc","updateInitiative":{"initiativeId":"i-buitenspeelmiddag","title":"Nieuw"}})",
       {},
       400,
       "invalid_argument"},
      {"negative amount",
       "anna",
       kCommands,
       R"({"commandId":"c-a","allocateBudget":{"source":"stadsdeel","amountCents":"-500","period":"2026"}})",
       {},
       400,
       "invalid_amount"},
      {"absurd amount",
       "anna",
       kCommands,
       R"({"commandId":"c-a","allocateBudget":{"source":"stadsdeel","amountCents":"900000000000000","period":"2026"}})",
       {},
       400,
       "invalid_amount"},
      {"no session",
       "",
       kCommands,
       Propose("c-n", "Markt", "2026-09-12"),
       {},
       401,
       "unauthenticated"},
      {"another platform's data",
       "anna",
       "/api/v1/platforms/noord/commands",
       Propose("c-o", "Markt", "2026-09-12"),
       {},
       404,
       "platform_not_found"},
      {"auditor writes",
       "olaf",
       kCommands,
       Propose("c-w", "Markt", "2026-09-12"),
       {},
       403,
       "read_only"},
      {"another site",
       "bram",
       kCommands,
       Propose("c-s", "Markt", "2026-09-12"),
       {{"Origin", "https://evil.example"}},
       403,
       "bad_origin"},
      {"founding by command",
       "anna",
       kCommands,
       R"({"commandId":"c-f","foundPlatform":{"platformId":"kolenkit","name":"x","neighbourhood":"y","founderName":"z"}})",
       {},
       403,
       "forbidden"},
  };
  for (const BadInput& row : table) {
    SCOPED_TRACE(row.name);
    std::map<std::string, std::string> headers = row.headers;
    if (!row.login.empty()) headers["Authorization"] = "Bearer " + SignIn(row.login);
    const uint64_t head = Head();
    HttpReply reply = Http(port_, "POST", row.target, row.body, headers);
    EXPECT_EQ(reply.status, row.status) << reply.body.substr(0, 300);
    EXPECT_EQ(reply.Code(), row.code) << reply.body.substr(0, 300);
    auto body = reply.Json();
    ASSERT_TRUE(body.is_object());
    EXPECT_TRUE(body.as_object().contains("message"));
    EXPECT_TRUE(body.as_object().contains("details"));
    EXPECT_EQ(Head(), head);
  }
}

// docs/api.md's bad-input table, row by row against the server: each example as the table
// writes it (`METHOD /target body`, or a WebSocket message), or, where the table describes it
// in words, as built here under the row's name. Every row gets the answer the table gives,
// and no platform's log moves.
struct DocRow {
  std::string name;
  std::string example;  // the cell
  std::string answer;   // "400 bad_request", "error bad_request", "close 1007"
};

std::vector<DocRow> BadInputRows() {
  std::ifstream docs_file(ROTONDE_API_DOCS);
  std::stringstream docs;
  docs << docs_file.rdbuf();
  const std::string text = docs.str();
  std::vector<DocRow> rows;
  const size_t table = text.find("| bad input | example | answer |");
  if (table == std::string::npos) return rows;
  std::istringstream lines(text.substr(table));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);  // | --- | --- | --- |
  while (std::getline(lines, line) && line.rfind("| ", 0) == 0) {
    const size_t first = line.find(" | ");
    const size_t last = line.rfind(" | ");
    DocRow row{line.substr(2, first - 2), line.substr(first + 3, last - first - 3),
               line.substr(last + 3, line.size() - last - 5)};  // without " |"
    // The answer is one code span.
    row.answer = row.answer.substr(1, row.answer.size() - 2);
    rows.push_back(std::move(row));
  }
  return rows;
}

// The example itself when the cell is one code span and nothing else; nullopt otherwise.
std::optional<std::string> LiteralExample(const std::string& cell) {
  if (cell.size() < 2 || cell.front() != '`' || cell.back() != '`' ||
      cell.find('`', 1) != cell.size() - 1) {
    return std::nullopt;
  }
  return cell.substr(1, cell.size() - 2);
}

struct BadHttp {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // Content-Type defaults to application/json
};

struct BadWs {
  std::string bytes;
  bool binary = false;
};

TEST_F(HttpApiTest, EveryClassOfBadInputInTheDocsTableGetsItsAnswerAndChangesNothing) {
  const std::vector<DocRow> rows = BadInputRows();
  ASSERT_GE(rows.size(), 30u) << "no bad-input table in " << ROTONDE_API_DOCS;
  const std::string token = SignIn("anna");
  constexpr char kJson[] = "application/json";
  auto command_titled = [](const std::string& title) {
    return R"({"commandId":"c-bad","proposeInitiative":{"kind":"INITIATIVE_KIND_STREET_MARKET","title":")" +
           title + R"(","when":{"startDate":"2026-09-12"}}})";
  };
  // The rows the table describes in words.
  const std::map<std::string, BadHttp> http_cases = {
      {"a body not sent as `application/json`",
       {"POST", kCommands, R"({"commandId":"c-1"})", {{"Content-Type", "text/plain"}}}},
      {"a body without a `Content-Type`",
       {"POST", kCommands, R"({"commandId":"c-1"})", {{"Content-Type", ""}}}},
      {"a body that is not UTF-8", {"POST", kCommands, command_titled("Markt \xff"), {}}},
      {"a body over 1 MiB", {"POST", kCommands, command_titled(std::string(2 << 20, 'a')), {}}},
      {"a public proposal over 16 KiB",
       {"POST",
        "/api/v1/public/platforms/kolenkit/proposals",
        R"({"name":"Fatima","contact":"fatima@example.nl","title":"Bankjes","description":")" +
            std::string(20 << 10, 'a') + R"("})",
        {}}},
      {"a text over its limit",
       {"POST", kCommands, command_titled(std::string(300 << 10, 'a')), {}}},
      {"control characters in a text", {"POST", kCommands, command_titled(R"(Markt\u0007)"), {}}},
      {"a change from another site",
       {"POST", kCommands, R"({"commandId":"c-1"})", {{"Origin", "https://evil.example"}}}},
      {"headers over 16 KiB",
       {"GET", "/api/v1/platforms", "", {{"X-Padding", std::string(20 << 10, 'a')}}}},
  };
  const std::map<std::string, BadWs> ws_cases = {
      {"WebSocket: a binary frame", {R"({"type":"ping"})", true}},
      {"WebSocket: a text frame that is not UTF-8", {"{\"type\":\"ping\",\"id\":\"\xff\"}", false}},
      {"WebSocket: a message over 1 MiB", {std::string(2 << 20, ' '), false}},
  };

  size_t checked = 0;
  for (const DocRow& row : rows) {
    SCOPED_TRACE(row.name + ": " + row.example.substr(0, 200));
    const uint64_t kolenkit = Head("kolenkit");
    const uint64_t noord = Head("noord");
    const std::optional<std::string> literal = LiteralExample(row.example);
    if (row.name.rfind("WebSocket: ", 0) == 0) {
      BadWs message;
      if (literal) {
        message.bytes = *literal;
      } else {
        auto it = ws_cases.find(row.name);
        ASSERT_NE(it, ws_cases.end()) << "no case for this row";
        message = it->second;
      }
      WsClient client;
      ASSERT_TRUE(client.Connect(port_, token));
      const bool sent =
          message.binary ? client.SendBinary(message.bytes) : client.SendText(message.bytes);
      if (row.answer.rfind("close ", 0) == 0) {
        const int code = std::stoi(row.answer.substr(6));
        EXPECT_FALSE(client.Read(std::chrono::seconds(10)));
        EXPECT_TRUE(client.closed());
        // A client still sending a message over the limit may see TCP reset the connection
        // instead of the close frame (the table's close codes section says so).
        const bool cut = !sent || client.close_error().find("reset") != std::string::npos;
        EXPECT_TRUE(client.close_code() == code || (code == 1009 && cut))
            << "closed with " << client.close_code() << ": " << client.close_error();
      } else {
        ASSERT_EQ(row.answer.rfind("error ", 0), 0u) << row.answer;
        ASSERT_TRUE(sent) << client.send_error();
        auto error = client.ReadUntil("error", std::chrono::seconds(10));
        ASSERT_TRUE(error) << "no error message";
        const std::string code = row.answer.substr(6);
        EXPECT_EQ(error->at("code"), code.c_str()) << json::serialize(*error);
        // The connection stays open.
        ASSERT_TRUE(client.Send({{"type", "ping"}, {"id", "after"}}));
        EXPECT_TRUE(client.ReadUntil("pong", std::chrono::seconds(10)));
      }
    } else {
      BadHttp request;
      if (literal) {
        const size_t space = literal->find(' ');
        const size_t body = literal->find(' ', space + 1);
        request.method = literal->substr(0, space);
        request.target = literal->substr(
            space + 1, body == std::string::npos ? std::string::npos : body - space - 1);
        if (body != std::string::npos) request.body = literal->substr(body + 1);
      } else {
        auto it = http_cases.find(row.name);
        ASSERT_NE(it, http_cases.end()) << "no case for this row";
        request = it->second;
      }
      std::map<std::string, std::string> headers = request.headers;
      headers["Authorization"] = "Bearer " + token;
      if (!request.body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = kJson;
      const size_t space = row.answer.find(' ');
      const int status = std::stoi(row.answer.substr(0, space));
      const std::string code = row.answer.substr(space + 1);
      HttpReply reply = Http(port_, request.method, request.target, request.body, headers);
      EXPECT_EQ(reply.status, status) << reply.body.substr(0, 300);
      EXPECT_EQ(reply.Code(), code) << reply.body.substr(0, 300);
      EXPECT_TRUE(utf8::IsValid(reply.body));
    }
    EXPECT_EQ(Head("kolenkit"), kolenkit);
    EXPECT_EQ(Head("noord"), noord);
    ++checked;
  }
  EXPECT_EQ(checked, rows.size());
}

TEST_F(HttpApiTest, RequestTargetsArePercentDecodedAsUrlsNotAsForms) {
  const std::string token = SignIn("anna");
  // Decoded bytes that are not UTF-8, in a path or a query, are refused, never echoed.
  for (const char* target :
       {"/api/v1/platforms/%ff/views/board", "/api/v1/platforms/kolenkit/views/history?entity=%ff",
        "/p/%c3%28/voorstel"}) {
    HttpReply bad = Get(target, token);
    EXPECT_EQ(bad.status, 400) << target << " " << bad.body;
    EXPECT_EQ(bad.Code(), "invalid_utf8") << target;
    EXPECT_TRUE(utf8::IsValid(bad.body)) << target;
  }
  // A report's period is a year, or nothing.
  for (const char* target : {"/api/v1/platforms/kolenkit/views/report?period=abc",
                             "/api/v1/platforms/kolenkit/report.csv?period=20261"}) {
    HttpReply bad = Get(target, token);
    EXPECT_EQ(bad.status, 400) << target << " " << bad.body;
    EXPECT_EQ(bad.Code(), "invalid_argument") << target;
  }
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/views/report?period=2026", token).status, 200);
  // In a path, '+' is a plus (only a form's query writes a space as '+'): the view's name is
  // echoed as it was sent.
  HttpReply plus = Get("/api/v1/platforms/kolenkit/views/no+such", token);
  EXPECT_EQ(plus.status, 404) << plus.body;
  EXPECT_NE(plus.Json().at("message").as_string().find("'no+such'"), std::string::npos)
      << plus.body;
  // Percent escapes are decoded in segments as in queries.
  HttpReply escaped = Get("/api/v1/platforms/kolenkit/views/b%6Fard", token);
  EXPECT_EQ(escaped.status, 200) << escaped.body;
  // In a query, '+' is a space, as browsers' forms write it (and a stream's name has none).
  HttpReply history = Get(
      "/api/v1/platforms/kolenkit/views/history?entity=kolenkit/initiative/no+such+thing", token);
  EXPECT_EQ(history.status, 400) << history.body;
  EXPECT_EQ(history.Code(), "invalid_argument");
  EXPECT_NE(history.Json().at("message").as_string().find("'kolenkit/initiative/no such thing'"),
            std::string::npos)
      << history.body;
  HttpReply unknown = Get(
      "/api/v1/platforms/kolenkit/views/history?entity=kolenkit/initiative/i-no-such-thing", token);
  EXPECT_EQ(unknown.status, 200) << unknown.body;
  // A target that is not a URL path, or whose escapes are broken, is refused.
  for (const std::string bad : {"/api/v1/platforms/kolenkit/views/%zz", "/api/v1/%",
                                "/api/v1/platforms/kolenkit/views/board?from=%4"}) {
    HttpReply refused = Get(bad, token);
    EXPECT_EQ(refused.status, 400) << bad << ": " << refused.body;
    EXPECT_EQ(refused.Code(), "bad_request") << bad;
  }
}

TEST_F(HttpApiTest, AnExpiredSessionIsToldSo) {
  const int64_t long_ago = static_cast<int64_t>(std::time(nullptr)) - 3600;
  auto token = auth_->CreateToken("m-bram", auth::TokenKind::kSession, "", long_ago, 60);
  ASSERT_TRUE(token.ok());
  const uint64_t head = Head();
  HttpReply reply = Post(kCommands, Propose("c-e", "Markt", "2026-09-12"), token.value());
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.Code(), "session_expired");
  EXPECT_EQ(Head(), head);
}

TEST_F(HttpApiTest, HostileTextIsStoredAsTextAndServedAsJsonData) {
  const std::string bram = SignIn("bram");
  const std::string title = "<img src=x onerror=alert(1)><script>alert(2)</script>";
  HttpReply reply = Post(kCommands, Propose("c-x", title, "2026-10-03"), bram);
  ASSERT_EQ(reply.status, 200) << reply.body;
  HttpReply board = Get("/api/v1/platforms/kolenkit/views/board", bram);
  ASSERT_EQ(board.status, 200);
  EXPECT_EQ(board.headers["content-type"], "application/json");
  EXPECT_NE(board.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  bool found = false;
  const json::value view = board.Json();
  for (const auto& i : view.at("view").at("initiatives").as_array()) {
    found |= i.at("title").as_string() == title;
  }
  EXPECT_TRUE(found);
}

TEST_F(HttpApiTest, ViewsAsOfAnEarlierPositionAreTheAuditorsReplay) {
  const std::string olaf = SignIn("olaf");
  const std::string bram = SignIn("bram");
  const uint64_t before = Head();
  ASSERT_EQ(Post(kCommands, Propose("c-r", "Rommelmarkt", "2026-10-10"), bram).status, 200);
  HttpReply now = Get("/api/v1/platforms/kolenkit/views/board", olaf);
  HttpReply then = Get("/api/v1/platforms/kolenkit/views/board?at=" + std::to_string(before), olaf);
  ASSERT_EQ(now.status, 200);
  ASSERT_EQ(then.status, 200);
  // The view as of `before` reflects the platform's last event at or before it.
  EXPECT_LE(then.Json().at("position").to_number<uint64_t>(), before);
  EXPECT_LT(then.Json().at("position").to_number<uint64_t>(),
            now.Json().at("position").to_number<uint64_t>());
  EXPECT_EQ(now.Json().at("view").at("initiatives").as_array().size(),
            then.Json().at("view").at("initiatives").as_array().size() + 1);
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/views/nonsense", olaf).Code(), "not_found");
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/views/board?at=x", olaf).Code(), "bad_request");
}

TEST_F(HttpApiTest, APositionThePlatformsLogNeverHadIsSaidToBeBeyondItsHead) {
  // Such a position comes from another log of the platform (a migrated store, another
  // server): answered plainly, so the client starts again instead of waiting for it.
  const std::string olaf = SignIn("olaf");
  const uint64_t head = Head();
  for (const std::string target :
       {"/api/v1/platforms/kolenkit/views/board?at=", "/api/v1/platforms/kolenkit/events?from="}) {
    HttpReply at_head = Get(target + std::to_string(head), olaf);
    EXPECT_EQ(at_head.status, 200) << target << at_head.body;
    HttpReply beyond = Get(target + std::to_string(head + 1), olaf);
    EXPECT_EQ(beyond.status, 409) << target;
    EXPECT_EQ(beyond.Code(), "position_beyond_head") << target;
    EXPECT_EQ(beyond.Json().at("details").at("head").to_number<uint64_t>(), head) << target;
  }
}

TEST_F(HttpApiTest, TheEventFeedPagesExactlyThroughThePlatformsEvents) {
  const std::string olaf = SignIn("olaf");
  uint64_t from = 0, seen = 0, last = 0;
  for (int page = 0; page < 100; ++page) {
    HttpReply reply =
        Get("/api/v1/platforms/kolenkit/events?limit=50&from=" + std::to_string(from), olaf);
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.headers["content-type"], "application/x-ndjson");
    std::vector<json::value> lines;
    for (size_t at = 0; at < reply.body.size();) {
      const size_t end = reply.body.find('\n', at);
      lines.push_back(json::parse(reply.body.substr(at, end - at)));
      at = end + 1;
    }
    ASSERT_FALSE(lines.empty());
    const auto& tail = lines.back().as_object();
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
      const uint64_t position = lines[i].at("position").to_number<uint64_t>();
      EXPECT_GT(position, last);
      EXPECT_EQ(std::string(lines[i].at("stream").as_string()).rfind("kolenkit/", 0), 0u);
      EXPECT_EQ(lines[i].at("platform"), "kolenkit");
      // The body is what the hash covers: a client verifies the chain from the feed alone.
      eventstore::EventRecord record;
      const auto body = BytesOfBase64(lines[i].at("body").as_string());
      ASSERT_TRUE(body && record.ParseFromString(*body));
      EXPECT_EQ(record.position(), position);
      const auto prev_hash = BytesOfLowerHex(lines[i].at("prevHash").as_string(), 32);
      ASSERT_TRUE(prev_hash);
      record.set_prev_hash(*prev_hash);
      EXPECT_EQ(HexOf(eventstore::ComputeEventHash(record)), lines[i].at("hash").as_string());
      last = position;
      ++seen;
    }
    const uint64_t next = tail.at("next").to_number<uint64_t>();
    if (lines.size() == 1) break;
    from = next;
  }
  uint64_t kolenkit_events = 0;
  std::vector<eventstore::EventRecord> all;
  ASSERT_TRUE(store_->Read("kolenkit", 0, 100000, &all).ok());
  kolenkit_events = all.size();
  EXPECT_EQ(seen, kolenkit_events);
}

TEST_F(HttpApiTest, CalendarFeedReportAndVerify) {
  const std::string anna = SignIn("anna");
  HttpReply key = Post("/api/v1/platforms/kolenkit/feed-key", "{}", anna);
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string k(key.Json().at("key").as_string());
  HttpReply ics = Http(port_, "GET", "/api/v1/platforms/kolenkit/calendar.ics?key=" + k);
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics.body.find("BEGIN:VEVENT"), std::string::npos);
  // The feed key reads this feed and nothing else.
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/views/board", k).Code(), "platform_not_found");
  EXPECT_EQ(Http(port_, "GET", "/api/v1/platforms/noord/calendar.ics?key=" + k).Code(),
            "platform_not_found");

  HttpReply csv = Get("/api/v1/platforms/kolenkit/report.csv?period=2026", anna);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.headers["content-type"].find("text/csv"), std::string::npos);
  EXPECT_NE(csv.body.find(';'), std::string::npos);

  HttpReply verify = Get("/api/v1/platforms/kolenkit/verify", SignIn("olaf"));
  ASSERT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(verify.Json().at("ok"), true);
  EXPECT_EQ(verify.Json().at("head").at("position").to_number<uint64_t>(), Head());
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/verify", SignIn("bram")).Code(), "forbidden");
}

TEST_F(HttpApiTest, TheCheckpointIsTheAuditorsSignedNoteOfTheHeadAndEarlierOnesStayAsSigned) {
  const std::string olaf = SignIn("olaf");
  HttpReply head = Get("/api/v1/platforms/kolenkit/checkpoint", olaf);
  ASSERT_EQ(head.status, 200) << head.body;
  const boost::json::value head_json = head.Json();
  const boost::json::object& first = head_json.as_object();
  const uint64_t size = Head();
  EXPECT_EQ(first.at("platform"), "kolenkit");
  EXPECT_EQ(first.at("origin"), "rotonde.test/kolenkit");
  EXPECT_EQ(first.at("size").to_number<uint64_t>(), size);
  HttpReply verify = Get("/api/v1/platforms/kolenkit/verify", olaf);
  EXPECT_EQ(first.at("hash"), verify.Json().at("head").at("hash"));
  const std::string note(first.at("note").as_string());
  const std::string hash = *BytesOfLowerHex(std::string(first.at("hash").as_string()), 32);
  EXPECT_TRUE(note.starts_with("rotonde.test/kolenkit\n" + std::to_string(size) + "\n" +
                               Base64Of(hash) + "\n\n\xe2\x80\x94 rotonde.test "))
      << note;
  EXPECT_TRUE(std::string(first.at("publicKey").as_string()).starts_with("rotonde.test+"));

  // An admin may ask too; a member, a coordinator or a stranger may not.
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/checkpoint", SignIn("anna")).status, 200);
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/checkpoint", SignIn("bram")).Code(), "forbidden");
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/checkpoint", SignIn("carla")).Code(), "forbidden");
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/checkpoint", SignIn("noor")).Code(),
            "platform_not_found");

  // The log grows: a new note for the new head; the first is still handed out as signed.
  Command("m-bram", R"({"commandId":"cp-1","submitProposal":{"title":"Bankje bij de speeltuin",)"
                    R"("description":"Een bankje voor ouders","submitterName":"Bram"}})");
  HttpReply later = Get("/api/v1/platforms/kolenkit/checkpoint", olaf);
  ASSERT_EQ(later.status, 200);
  EXPECT_GT(later.Json().at("size").to_number<uint64_t>(), size);
  HttpReply earlier =
      Get("/api/v1/platforms/kolenkit/checkpoint?size=" + std::to_string(size), olaf);
  ASSERT_EQ(earlier.status, 200) << earlier.body;
  EXPECT_EQ(earlier.Json().at("note"), first.at("note"));

  HttpReply never = Get("/api/v1/platforms/kolenkit/checkpoint?size=3", olaf);
  EXPECT_EQ(never.status, 404);
  EXPECT_EQ(never.Code(), "checkpoint_not_found");
  HttpReply beyond =
      Get("/api/v1/platforms/kolenkit/checkpoint?size=" + std::to_string(Head() + 1), olaf);
  EXPECT_EQ(beyond.status, 409);
  EXPECT_EQ(beyond.Code(), "position_beyond_head");
  EXPECT_EQ(Get("/api/v1/platforms/kolenkit/checkpoint?size=x", olaf).Code(), "bad_request");
}

TEST_F(HttpApiTest, MetricsAreTheOperatorsAndHealthIsEveryones) {
  // /metrics tells how many sessions are live, the load and the memory: not for the public.
  HttpReply open = Http(port_, "GET", "/metrics");
  EXPECT_EQ(open.status, 401) << open.body.substr(0, 200);
  EXPECT_EQ(open.Code(), "unauthenticated");
  EXPECT_EQ(open.body.find("rotonde_sessions"), std::string::npos);
  EXPECT_EQ(
      Http(port_, "GET", "/metrics", {}, {{"Authorization", "Bearer " + SignIn("anna")}}).status,
      401);  // a member's session is not the operator's token
  EXPECT_EQ(Http(port_, "GET", "/metrics", {}, OperatorHeaders()).status, 200);
  EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(Http(port_, "GET", "/readyz").status, 200);
}

// Prometheus scrapes a listener of its own, without a token; that listener serves nothing
// but the operations endpoints.
class MonitoringListenerTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.metrics_listen = true;
    Start(options);
  }
};

TEST_F(MonitoringListenerTest, ServesMetricsWithoutATokenAndNothingElse) {
  const uint16_t metrics_port = server_->metrics_port();
  ASSERT_NE(metrics_port, 0);
  ASSERT_NE(metrics_port, port_);
  HttpReply metrics = Http(metrics_port, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("rotonde_platform_head_position{platform=\"kolenkit\"} " +
                              std::to_string(Head())),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("rotonde_platforms 2\n"), std::string::npos);
  EXPECT_EQ(Http(metrics_port, "GET", "/healthz").status, 200);
  EXPECT_EQ(Http(metrics_port, "GET", "/readyz").status, 200);
  EXPECT_EQ(Http(metrics_port, "GET", "/api/v1/session").status, 404);
  EXPECT_EQ(Http(metrics_port, "GET", "/").status, 404);  // not the web client either
  EXPECT_EQ(
      Http(metrics_port, "POST", "/api/v1/session", R"({"login":"anna","password":"rotonde-demo"})")
          .status,
      404);
  // The public listener still wants the operator's token.
  EXPECT_EQ(Http(port_, "GET", "/metrics").status, 401);
}

// A command's batch holds its platform until its events are durable, and is then finished
// off the worker pool: readers of that platform filling every worker meanwhile do not stop
// it (they waited for themselves once: the server stopped answering anything).
class StalledDiskTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.worker_threads = 2;
    options.disk_faults = &faults_;
    Start(options);
  }
  DiskFaults faults_;
};

TEST_F(StalledDiskTest, ReadersFillingThePoolWhileACommandIsOnItsWayToDiskAreAllAnswered) {
  const std::string bram = SignIn("bram");
  const uint64_t head = Head();
  faults_.HoldSyncs();
  auto command = std::async(std::launch::async, [&] {
    return Post(kCommands, Propose("c-stall", "Braderie", "2026-09-12"), bram);
  });
  // The command is decided and on its way to the disk before the readers come.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<std::future<HttpReply>> reads;
  for (int i = 0; i < 4; ++i) {
    reads.push_back(std::async(
        std::launch::async, [&] { return Get("/api/v1/platforms/kolenkit/views/board", bram); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the readers are waiting
  faults_.ReleaseSyncs();
  bool answered = command.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  for (auto& read : reads) {
    answered = answered && read.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  }
  if (!answered) {
    // The workers would wait forever, and the server never stop: end here, loudly.
    ADD_FAILURE() << "the server stopped answering";
    std::_Exit(1);
  }
  EXPECT_EQ(command.get().status, 200);
  for (auto& read : reads) {
    HttpReply reply = read.get();
    EXPECT_EQ(reply.status, 200) << reply.body;
    // Each read waited for the command's events to be durable, and saw them.
    EXPECT_NE(reply.body.find("Braderie"), std::string::npos);
  }
  EXPECT_EQ(Head(), head + 1);
}

// Inviting and joining wait for the disk as commands do: by a callback, with no worker
// parked. While the disk stalls under them, another neighbourhood is still served.
TEST_F(StalledDiskTest, NoWorkerWaitsForTheDiskWhileInvitesAndJoiningsAreOnTheirWay) {
  const std::string carla = SignIn("carla");
  const std::string noor = SignIn("noor");
  const std::string invite_body = R"({"role":"ROLE_MEMBER"})";
  std::vector<std::string> tokens;
  for (int i = 0; i < 2; ++i) {
    HttpReply invite = Post("/api/v1/platforms/kolenkit/invites", invite_body, carla);
    ASSERT_EQ(invite.status, 200) << invite.body;
    tokens.emplace_back(invite.Json().at("token").as_string());
  }
  faults_.HoldSyncs();
  std::vector<std::future<HttpReply>> pending;
  pending.push_back(std::async(std::launch::async, [&] {
    return Post("/api/v1/platforms/kolenkit/invites", invite_body, carla);
  }));
  for (int i = 0; i < 2; ++i) {
    pending.push_back(std::async(std::launch::async, [&, i] {
      const std::string login = "nieuw" + std::to_string(i);
      return Post(
          "/api/v1/invites/" + tokens[i] + "/accept",
          R"({"displayName":"Nieuw","login":")" + login + R"(","password":"een-lang-wachtwoord"})",
          "");
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all three are on their way
  // Two workers, three requests waiting for the disk: noord is answered all the same.
  auto other = std::async(std::launch::async,
                          [&] { return Get("/api/v1/platforms/noord/views/board", noor); });
  const bool served = other.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  for (auto& request : pending) {
    EXPECT_NE(request.wait_for(std::chrono::milliseconds(0)), std::future_status::ready)
        << "answered before its events were durable";
  }
  faults_.ReleaseSyncs();
  EXPECT_TRUE(served) << "a worker waited for the disk";
  EXPECT_EQ(other.get().status, 200);
  for (auto& request : pending) {
    HttpReply reply = request.get();
    EXPECT_EQ(reply.status, 200) << reply.body;
  }
}

TEST_F(HttpApiTest, OperationsEndpoints) {
  EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(Http(port_, "GET", "/readyz").status, 200);
  ASSERT_EQ(Post(kCommands, Propose("c-m", "Markt", "2026-09-19"), SignIn("bram")).status, 200);
  HttpReply metrics = Http(port_, "GET", "/metrics", {}, OperatorHeaders());
  ASSERT_EQ(metrics.status, 200);
  for (const char* name :
       {"rotonde_events_written_total", "rotonde_group_commits_total", "rotonde_fsyncs_total",
        "rotonde_fsync_seconds_total", "rotonde_commands_total{outcome=\"ok\"} 1",
        "rotonde_ws_connections", "rotonde_push_lag_seconds_bucket", "rotonde_worker_queue"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
  }
  // What the server holds in memory, for sizing its machine.
  EXPECT_GT(CounterValue("rotonde_store_memtable_bytes"), 0u);
  EXPECT_GE(CounterValue("rotonde_store_recent_events"), 1u);
  EXPECT_LE(CounterValue("rotonde_store_recent_events"), Head("kolenkit") + Head("noord"));
  EXPECT_LE(CounterValue("rotonde_store_block_cache_bytes"), uint64_t{64} << 20);
  EXPECT_GT(CounterValue("process_resident_memory_bytes"), uint64_t{1} << 20);
  EXPECT_EQ(Get("/api/v1/nothing-here", SignIn("bram")).Code(), "not_found");
  // Without a session, an unknown route does not even say it is unknown.
  EXPECT_EQ(Http(port_, "GET", "/api/v1/nothing-here").Code(), "unauthenticated");
  EXPECT_EQ(Http(port_, "PUT", "/api/v1/session").Code(), "method_not_allowed");
}

}  // namespace
}  // namespace rotonde::test_support
