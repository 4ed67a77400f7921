// Who sent a request, as the server counts it. Without a reverse proxy that is the TCP peer.
// Behind one (nginx terminating TLS, docs/operations.md) every peer is the proxy, so the
// server takes the client from the headers the proxy sets, but only from a proxy it was told
// to trust (`rotonde serve --trusted-proxy`); from anyone else those headers are the
// client's own words and are ignored, or anyone could pick the address the rate limiters
// count them by, or claim HTTPS.
//
//  - X-Forwarded-For: read from the right, the nearest hop first. Each address that is a
//    trusted proxy is passed over; the first one that is not is the client. If every one is
//    trusted, the leftmost is. An entry that is not an IP address ends the walk (what lies to
//    the left of it was never checked by a trusted hop), and the last address passed over
//    counts. Several header lines are one list, in order.
//  - X-Forwarded-Proto: "https" (any case) in its rightmost value, the one the nearest proxy
//    set, means the client's connection was TLS: the session cookie is then `Secure` and
//    links point to https://.
//
// Addresses are compared and reported with IPv4-mapped IPv6 ones (::ffff:a.b.c.d, a
// dual-stack listener's view of an IPv4 peer) as the IPv4 address they are.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"

namespace rotonde::net {

// The proxies whose X-Forwarded-* headers the server believes: addresses and networks.
class TrustedProxies {
 public:
  TrustedProxies() = default;  // none: every X-Forwarded-* header is ignored

  // "ADDR[,ADDR...]": IPv4 or IPv6 addresses, or networks as ADDR/BITS ("10.0.0.0/8",
  // "fd00::/8"); spaces around the commas are allowed, an empty list is none.
  // invalid_argument naming the entry for anything else.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return networks_.empty(); }
  bool Contains(const boost::asio::ip::address& address) const;
  // The list as Parse reads it, each entry normalised ("127.0.0.1", "10.0.0.0/8"), for logs.
  std::string ToString() const;

 private:
  struct Network {
    std::array<uint8_t, 16> bytes;  // IPv4 as IPv4-mapped IPv6
    int bits;                       // of the 128
    bool v4;                        // written as IPv4 (for ToString)
  };
  std::vector<Network> networks_;
};

// Where a request came from, as the server counts it.
struct RequestSource {
  std::string address;  // what the rate limiters count and the log shows
  bool https = false;   // the client's connection was TLS, per a trusted proxy
};

// The source of a request that `peer` sent with these X-Forwarded-For (every header line,
// joined with ',') and X-Forwarded-Proto values (empty: none).
RequestSource SourceOf(const TrustedProxies& proxies, const boost::asio::ip::address& peer,
                       std::string_view forwarded_for, std::string_view forwarded_proto);

}  // namespace rotonde::net
