// The HTTP routes of docs/api.md, and the web client's static files. HandleHttp may block
// on reads (sessions call it on the worker pool), never on the disk's fsync: a command is
// answered later, through `reply_later`, once it is durable.
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server.h"

namespace rotonde::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Who a listener serves: everyone (the API, the web client, the operations endpoints), or
// the operator's monitoring (/metrics, /healthz, /readyz and nothing else, without a token).
enum class Audience { kPublic, kMonitoring };

// Where an answer goes that is not ready when HandleHttp returns. Called once, from any
// thread; it counts as a request in flight until then.
using ReplyLater = std::function<void(HttpResponse)>;

// The response to `request` from `source` (its client's address and scheme, forwarded.h),
// or nullopt when it goes to `reply_later`.
std::optional<HttpResponse> HandleHttp(ServerShared& shared, const HttpRequest& request,
                                       const RequestSource& source, Audience audience,
                                       const ReplyLater& reply_later);

// Where `peer` sent `request` from: the TCP peer, or the client a trusted proxy names in
// its X-Forwarded-For (every line of it) and X-Forwarded-Proto.
RequestSource SourceOfRequest(const ServerConfig& config, const boost::asio::ip::address& peer,
                              const HttpRequest& request);

// The token a request carries: "Authorization: Bearer <token>", else the rotonde_session
// cookie; "" if neither.
std::string TokenOf(const HttpRequest& request);

// An error response with its JSON body (also used by sessions for requests they refuse
// before routing: too large, bad upgrade).
HttpResponse ErrorResponse(const HttpRequest& request, const Error& error);

// Whether a request's Origin (if any) is the server's own or an allowed one.
bool OriginAllowed(const ServerConfig& config, const HttpRequest& request);

// Headers every response carries: the Content-Security-Policy (no inline script), no
// sniffing, no framing, no referrer.
void SetSecurityHeaders(HttpResponse& response);

}  // namespace rotonde::net
