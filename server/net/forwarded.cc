#include "forwarded.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace rotonde::net {

namespace ip = boost::asio::ip;

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// An IPv4-mapped IPv6 address as the IPv4 address it is; any other as it is.
ip::address Unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

// The address as 16 bytes, IPv4 as IPv4-mapped IPv6.
std::array<uint8_t, 16> Bytes(const ip::address& address) {
  const ip::address plain = Unmapped(address);
  if (plain.is_v4()) return ip::make_address_v6(ip::v4_mapped, plain.to_v4()).to_bytes();
  return plain.to_v6().to_bytes();
}

std::optional<ip::address> ParseAddress(std::string_view text) {
  boost::system::error_code ec;
  const ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  // A scoped IPv6 address ("fe80::1%eth0") names an interface of the sender's, not a client.
  if (address.is_v6() && address.to_v6().scope_id() != 0) return std::nullopt;
  return address;
}

// One X-Forwarded-For entry: an address, IPv6 possibly in brackets, either possibly with a
// port ("192.0.2.7:51234", "[2001:db8::7]:51234"), as some proxies write them.
std::optional<ip::address> ParseHop(std::string_view entry) {
  entry = Trim(entry);
  if (!entry.empty() && entry.front() == '[') {
    const size_t close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    auto address = ParseAddress(entry.substr(1, close - 1));
    if (!address || !address->is_v6()) return std::nullopt;
    return address;
  }
  if (std::count(entry.begin(), entry.end(), ':') == 1) entry = entry.substr(0, entry.find(':'));
  return ParseAddress(entry);
}

bool InNetwork(const std::array<uint8_t, 16>& address, const std::array<uint8_t, 16>& network,
               int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address[static_cast<size_t>(i)] & mask) != (network[static_cast<size_t>(i)] & mask)) {
      return false;
    }
  }
  return true;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  if (Trim(list).empty()) return proxies;
  size_t at = 0;
  for (;;) {
    const size_t comma = list.find(',', at);
    const std::string_view entry = Trim(
        list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    auto refuse = [&] {
      return Status::InvalidArgument("not an IP address or ADDR/BITS network: \"" +
                                     std::string(entry) + "\"");
    };
    const size_t slash = entry.find('/');
    const auto address = ParseAddress(entry.substr(0, slash));
    if (!address) return refuse();
    const ip::address plain = Unmapped(*address);
    Network network{Bytes(plain), 128, plain.is_v4()};
    if (slash != std::string_view::npos) {
      const std::string_view digits = entry.substr(slash + 1);
      int bits = -1;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
      const int most = network.v4 ? 32 : 128;
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
          bits > most) {
        return refuse();
      }
      network.bits = network.v4 ? 96 + bits : bits;
    }
    proxies.networks_.push_back(network);
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return proxies;
}

bool TrustedProxies::Contains(const ip::address& address) const {
  const auto bytes = Bytes(address);
  return std::any_of(networks_.begin(), networks_.end(), [&](const Network& network) {
    return InNetwork(bytes, network.bytes, network.bits);
  });
}

std::string TrustedProxies::ToString() const {
  std::string text;
  for (const Network& network : networks_) {
    if (!text.empty()) text += ",";
    const ip::address_v6 v6(network.bytes);
    if (network.v4) {
      text += ip::make_address_v4(ip::v4_mapped, v6).to_string();
      if (network.bits != 128) text += "/" + std::to_string(network.bits - 96);
    } else {
      text += v6.to_string();
      if (network.bits != 128) text += "/" + std::to_string(network.bits);
    }
  }
  return text;
}

RequestSource SourceOf(const TrustedProxies& proxies, const ip::address& peer,
                       std::string_view forwarded_for, std::string_view forwarded_proto) {
  const ip::address direct = Unmapped(peer);
  RequestSource source{direct.to_string(), false};
  if (!proxies.Contains(direct)) return source;

  // Right to left: the hops the trusted proxies saw, until the first that is not one of them.
  ip::address client = direct;
  size_t end = forwarded_for.size();
  while (Trim(forwarded_for.substr(0, end)).size() > 0) {
    const size_t comma = forwarded_for.rfind(',', end == 0 ? 0 : end - 1);
    const size_t begin = comma == std::string_view::npos ? 0 : comma + 1;
    const std::string_view entry = Trim(forwarded_for.substr(begin, end - begin));
    if (!entry.empty()) {
      const auto hop = ParseHop(entry);
      if (!hop) break;
      client = Unmapped(*hop);
      if (!proxies.Contains(client)) break;
    }
    if (comma == std::string_view::npos) break;
    end = comma;
  }
  source.address = client.to_string();

  std::string_view proto = forwarded_proto;
  if (const size_t comma = proto.rfind(','); comma != std::string_view::npos) {
    proto = proto.substr(comma + 1);
  }
  source.https = EqualsIgnoringCase(Trim(proto), "https");
  return source;
}

}  // namespace rotonde::net
