// The JSON bodies of docs/api.md: requests read strictly into the application's inputs, and
// the application's results written as the answers the API documents. An answer about one
// platform carries `position`, the position of the platform's log it reflects.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "application.h"
#include "rotonde/base/status.h"
#include "rotonde/v1/commands.pb.h"

namespace rotonde::net {

// Requests. Each fails with invalid_utf8 or bad_request (not JSON, not an object, a member of
// the wrong type), or with the code named.
struct SignInRequest {
  std::string login;
  std::string password;
};
Result<SignInRequest> ParseSignIn(std::string_view body);
Result<app::Acceptance> ParseAcceptance(std::string_view body);
// invalid_role for a role that is not ROLE_MEMBER, ROLE_COORDINATOR, ROLE_AUDITOR or
// ROLE_ADMIN; invalid_argument for expiresInHours that is not a whole number.
Result<app::InviteRequest> ParseInviteRequest(std::string_view body);
Result<app::PlatformRequest> ParsePlatformRequest(std::string_view body);
// POST .../inbox/read: {"through": N, "positions": [...]}, both optional.
struct ReadRequest {
  uint64_t through = 0;
  std::vector<uint64_t> positions;
};
Result<ReadRequest> ParseReadRequest(std::string_view body);
// POST /api/v1/mail/settings: {"address", "mode": instant|digest|off, "language": nl|en}.
Result<v1::MailSettings> ParseMailSettings(std::string_view body);
boost::json::object MailChoiceJson(const app::MailChoice& choice);
boost::json::object ReadMarksJson(const projections::InboxReadMarks& marks);
// POST /api/v1/admin/backup: {"to": DIR}, the backup directory (an absolute path).
Result<std::string> ParseBackupRequest(std::string_view body);
// The public proposal form: requestId, name, contact, title, description, website.
Result<app::PublicProposal> ParsePublicProposal(std::string_view body);
// A command in protobuf's JSON mapping of v1::Command.
Result<v1::Command> ParseCommand(std::string_view body);
// A draft initiative for the clash preview: a v1::ProposeInitiative in the JSON mapping.
Result<v1::ProposeInitiative> ParseDraftInitiative(std::string_view body);

// "YYYY-MM-DDTHH:MM:SSZ" of seconds since the epoch.
std::string IsoTime(int64_t seconds);

// Answers.
boost::json::object SessionJson(const app::Session& session);
boost::json::object MeJson(const app::Me& me);
boost::json::array PlatformsJson(const std::vector<app::Membership>& platforms);
boost::json::object InvitePreviewJson(const app::InvitePreview& preview);
// `base_url` the links' base, e.g. "https://rotonde.example".
boost::json::object CreatedInviteJson(const app::CreatedInvite& invite,
                                      const std::string& base_url);
boost::json::object FoundingInviteJson(const std::string& platform,
                                       const app::CreatedInvite& invite,
                                       const std::string& base_url);
boost::json::object FeedKeyJson(const std::string& key, const std::string& platform,
                                const std::string& base_url, uint64_t position);
// With the command's events when it carries them (HTTP answers).
boost::json::object PublicPlatformJson(const app::PublicPlatform& platform);
// `base_url` makes the status link: <base>/#/p/<platform>/voorstel/<id>?k=<key>.
boost::json::object ProposalReceiptJson(const std::string& platform,
                                        const app::ProposalReceipt& receipt,
                                        const std::string& base_url);
boost::json::object ProposalStatusJson(const app::ProposalStatusPage& page);
boost::json::object ClashPreviewJson(const app::ClashPreview& preview);
boost::json::object CommandResultJson(const app::CommandResult& result, bool with_events,
                                      const projections::EventOpener& opener);
boost::json::object VerifyJson(const eventstore::VerifyReport& report);
// {"platform","origin","size","hash" (hex),"note","publicKey" (the verifier key)}.
boost::json::object CheckpointJson(const std::string& platform, const app::SignedCheckpoint& note,
                                   const std::string& verifier_key);
// {"position":P,"view":{...}}.
std::string ViewAtJson(const app::ViewAt& view);
// One event per line, then {"position":head,"next":N}.
std::string EventsNdjson(const app::EventsPage& page, const projections::EventOpener& opener);

// POST .../people/{id}/erase: {"personId", "position", "accountDeleted"}.
boost::json::object ErasureJson(const app::ErasureResult& result);
// GET .../people/me/data, the inzage (docs/privacy.md): {"format": "rotonde-inzage-1",
// "platform", "personId", "account": {id, login, displayName, createdAt} | null,
// "mailSettings": {address, mode, language} | null, "roleHistory": [{position, recordedAt,
// role}], "events": [events as in the feed, their personal fields opened]}.
std::string PersonalDataJson(const app::PersonalData& data, const projections::EventOpener& opener);

}  // namespace rotonde::net
