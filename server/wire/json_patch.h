// JSON Patch (RFC 6902) between two JSON values: what a `watch`ed view sends after a change
// instead of the whole view (docs/api.md, WebSocket `patch`).
//
// Only the operations add, remove and replace are produced or applied. Paths are JSON
// Pointers (RFC 6901): "/a/0/b", with "~" written "~0" and "/" written "~1"; "" is the whole
// document.
#pragma once

#include <boost/json.hpp>

namespace rotonde::wire {

// A patch that turns `from` into `to`; empty when they are equal. Objects are compared key by
// key (removed keys, then changed keys recursively, then added keys, each in the key order of
// the object they come from). Arrays: the common prefix and suffix (deep-equal elements) are
// kept; of the middle, if both sides have the same length each element is diffed recursively,
// else the old middle is removed from its end backwards and the new middle added in order.
// Values of different kinds, and differing scalars, are replaced whole.
boost::json::array Diff(const boost::json::value& from, const boost::json::value& to);

// Applies `patch` to `target` (for tests and for the load tool). All or nothing: on a patch
// that does not apply (an unknown op, a path that does not exist, an index out of range, a
// malformed operation) returns false and leaves `target` unchanged.
bool Apply(boost::json::value& target, const boost::json::array& patch);

}  // namespace rotonde::wire
