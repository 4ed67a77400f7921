// JSON Patch: exact patches for the cases the contract names, Apply's refusals, the round-trip
// property on random values, and patches between real views of the demo.
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include <boost/json.hpp>

#include "demo_log.h"
#include "json_patch.h"
#include "proto_json.h"
#include "view_catalog.h"

namespace rotonde::wire {
namespace {

namespace json = boost::json;

json::value J(std::string_view text) { return json::parse(text); }
json::array Patch(std::string_view text) { return json::parse(text).as_array(); }

TEST(JsonPatch, EqualValuesGiveAnEmptyPatch) {
  const json::value v = J(R"({"a":[1,2,{"b":null}],"c":"x","d":1.5,"e":true})");
  EXPECT_TRUE(Diff(v, v).empty());
  EXPECT_TRUE(Diff(J("null"), J("null")).empty());
  EXPECT_TRUE(Diff(J("[]"), J("[]")).empty());
}

TEST(JsonPatch, ObjectsKeyByKey) {
  EXPECT_EQ(Diff(J(R"({"a":1,"b":2,"c":{"d":3}})"), J(R"({"a":1,"c":{"d":4},"e":[5]})")),
            Patch(R"([{"op":"remove","path":"/b"},
                      {"op":"replace","path":"/c/d","value":4},
                      {"op":"add","path":"/e","value":[5]}])"));
}

TEST(JsonPatch, PathsEscapeTildeAndSlash) {
  EXPECT_EQ(Diff(J(R"({"a/b~c":1,"~1":{"/":true}})"), J(R"({"a/b~c":2,"~1":{"/":false}})")),
            Patch(R"([{"op":"replace","path":"/a~1b~0c","value":2},
                      {"op":"replace","path":"/~01/~1","value":false}])"));
  EXPECT_EQ(Diff(J(R"({"":1})"), J(R"({"":2})")),
            Patch(R"([{"op":"replace","path":"/","value":2}])"));
  json::value v = J(R"({"a/b~c":1,"~1":{"/":true}})");
  ASSERT_TRUE(Apply(v, Patch(R"([{"op":"replace","path":"/~01/~1","value":7}])")));
  EXPECT_EQ(v, J(R"({"a/b~c":1,"~1":{"/":7}})"));
}

TEST(JsonPatch, ArraysKeepTheirCommonEnds) {
  // One element inserted in the middle: one add.
  EXPECT_EQ(Diff(J("[1,2,3,4]"), J("[1,2,9,3,4]")),
            Patch(R"([{"op":"add","path":"/2","value":9}])"));
  // Two removed: from the end of the middle backwards.
  EXPECT_EQ(Diff(J("[1,2,3,4]"), J("[1,4]")),
            Patch(R"([{"op":"remove","path":"/2"},{"op":"remove","path":"/1"}])"));
  // Equal middles are diffed element by element, into the element.
  EXPECT_EQ(Diff(J(R"([0,{"id":"a","n":1},{"id":"b","n":1},9])"),
                 J(R"([0,{"id":"a","n":2},{"id":"b","n":3},9])")),
            Patch(R"([{"op":"replace","path":"/1/n","value":2},
                      {"op":"replace","path":"/2/n","value":3}])"));
  // A middle of another length: the old one out, the new one in.
  EXPECT_EQ(Diff(J("[1,2,3,4]"), J("[1,7,8,9,4]")),
            Patch(R"([{"op":"remove","path":"/2"},{"op":"remove","path":"/1"},
                      {"op":"add","path":"/1","value":7},{"op":"add","path":"/2","value":8},
                      {"op":"add","path":"/3","value":9}])"));
  EXPECT_EQ(Diff(J("[]"), J("[1,2]")), Patch(R"([{"op":"add","path":"/0","value":1},
                                                   {"op":"add","path":"/1","value":2}])"));
}

TEST(JsonPatch, DifferentKindsAreReplacedWhole) {
  EXPECT_EQ(Diff(J("1"), J(R"("x")")), Patch(R"([{"op":"replace","path":"","value":"x"}])"));
  EXPECT_EQ(Diff(J(R"({"a":[1]})"), J(R"({"a":{"0":1}})")),
            Patch(R"([{"op":"replace","path":"/a","value":{"0":1}}])"));
  EXPECT_EQ(Diff(J("[1]"), J("{}")), Patch(R"([{"op":"replace","path":"","value":{}}])"));
}

TEST(JsonPatch, ApplyFollowsRfc6902) {
  json::value v = J(R"({"list":[1,2],"o":{}})");
  ASSERT_TRUE(Apply(v, Patch(R"([{"op":"add","path":"/list/-","value":3},
                                 {"op":"add","path":"/list/0","value":0},
                                 {"op":"add","path":"/list/4","value":4},
                                 {"op":"add","path":"/o/k","value":"v"},
                                 {"op":"add","path":"/o/k","value":"w"},
                                 {"op":"remove","path":"/list/1"},
                                 {"op":"replace","path":"/list/0","value":[]}])")));
  EXPECT_EQ(v, J(R"({"list":[[],2,3,4],"o":{"k":"w"}})"));
  ASSERT_TRUE(Apply(v, Patch(R"([{"op":"replace","path":"","value":[true]}])")));
  EXPECT_EQ(v, J("[true]"));
  ASSERT_TRUE(Apply(v, Patch("[]")));
  EXPECT_EQ(v, J("[true]"));
}

TEST(JsonPatch, ApplyRefusesWhatDoesNotApplyAndChangesNothing) {
  const json::value original = J(R"({"a":[10,20],"b":{"c":1},"s":"x"})");
  for (const char* bad : {
           R"([{"op":"remove","path":"/nope"}])",
           R"([{"op":"replace","path":"/nope","value":1}])",
           R"([{"op":"remove","path":"/a/2"}])",
           R"([{"op":"add","path":"/a/3","value":1}])",
           R"([{"op":"add","path":"/a/01","value":1}])",
           R"([{"op":"add","path":"/a/-1","value":1}])",
           R"([{"op":"replace","path":"/a/-","value":1}])",
           R"([{"op":"add","path":"/nope/x","value":1}])",
           R"([{"op":"add","path":"/s/x","value":1}])",
           R"([{"op":"add","path":"a","value":1}])",
           R"([{"op":"add","path":"/b/~2","value":1}])",
           R"([{"op":"add","path":"/b/~","value":1}])",
           R"([{"op":"add","path":"/b/c"}])",
           R"([{"op":"move","from":"/a","path":"/z"}])",
           R"([{"op":"test","path":"/s","value":"x"}])",
           R"([{"path":"/s","value":"y"}])",
           R"([{"op":"remove","path":""}])",
           R"([{"op":"replace","path":3,"value":1}])",
           R"(["remove /s"])",
           // The first operation applies, the second does not: neither is kept.
           R"([{"op":"replace","path":"/s","value":"y"},{"op":"remove","path":"/q"}])",
       }) {
    json::value v = original;
    EXPECT_FALSE(Apply(v, Patch(bad))) << bad;
    EXPECT_EQ(v, original) << bad;
  }
}

// Random JSON values: scalars of every kind, nested arrays and objects, keys that need escaping.
class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rng_(seed) {}

  json::value Value(int depth) {
    const int kind = Uniform(0, depth > 0 ? 8 : 5);
    switch (kind) {
      case 0:
        return nullptr;
      case 1:
        return Uniform(0, 1) == 1;
      case 2:
        return static_cast<int64_t>(Uniform(-1000, 1000));
      case 3:
        return Uniform(0, 3) == 0 ? json::value(uint64_t{18'000'000'000'000'000'000u})
                                  : json::value(static_cast<double>(Uniform(-500, 500)) / 8);
      case 4:
      case 5:
        return json::value(String());
      case 6:
      case 7: {
        json::array a;
        const int n = Uniform(0, 6);
        for (int i = 0; i < n; ++i) a.push_back(Value(depth - 1));
        return a;
      }
      default: {
        json::object o;
        const int n = Uniform(0, 5);
        for (int i = 0; i < n; ++i) o[Key()] = Value(depth - 1);
        return o;
      }
    }
  }

  // `v` changed a little: elements inserted, removed or changed, keys added or dropped,
  // values replaced; sometimes nothing.
  json::value Mutate(const json::value& v, int depth) {
    if (Uniform(0, 9) == 0) return Value(depth);  // replaced whole, often by another kind
    if (v.is_array()) {
      json::array a = v.get_array();
      const int changes = Uniform(0, 3);
      for (int c = 0; c < changes; ++c) {
        const int what = Uniform(0, 2);
        if (what == 0 || a.empty()) {
          a.insert(a.begin() + Uniform(0, static_cast<int>(a.size())), Value(depth - 1));
        } else if (what == 1) {
          a.erase(a.begin() + Uniform(0, static_cast<int>(a.size()) - 1));
        } else {
          const auto i = static_cast<size_t>(Uniform(0, static_cast<int>(a.size()) - 1));
          a[i] = Mutate(a[i], depth - 1);
        }
      }
      return a;
    }
    if (v.is_object()) {
      json::object o = v.get_object();
      const int changes = Uniform(0, 3);
      for (int c = 0; c < changes; ++c) {
        const int what = Uniform(0, 2);
        if (what == 0 || o.empty()) {
          o[Key()] = Value(depth - 1);
        } else {
          auto it = o.begin() + Uniform(0, static_cast<int>(o.size()) - 1);
          if (what == 1) {
            o.erase(it);
          } else {
            it->value() = Mutate(it->value(), depth - 1);
          }
        }
      }
      return o;
    }
    return Uniform(0, 1) == 0 ? v : Value(0);
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string Key() {
    static const char* const kKeys[] = {"a", "b",  "id",    "title", "",  "a/b",
                                        "~", "~1", "x~0/y", "één",   "0", "-"};
    return kKeys[Uniform(0, std::size(kKeys) - 1)];
  }
  std::string String() {
    static const char* const kStrings[] = {"",      "braderie", "Rommelmarkt", "é",
                                           "\"q\"", "a\\b",     "line\nbreak", "2026-06-13"};
    return kStrings[Uniform(0, std::size(kStrings) - 1)];
  }
  std::mt19937 rng_;
};

TEST(JsonPatch, ApplyingTheDiffGivesTheTargetForRandomValues) {
  int nonempty = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    RandomJson random(seed);
    for (int round = 0; round < 500; ++round) {
      const json::value from = random.Value(4);
      const json::value to = round % 5 == 0 ? random.Value(4) : random.Mutate(from, 4);
      const json::array patch = Diff(from, to);
      EXPECT_EQ(patch.empty(), from == to);
      nonempty += !patch.empty();
      // The patch survives the wire: serialized and parsed back.
      const json::array sent = json::parse(json::serialize(patch)).as_array();
      json::value applied = from;
      ASSERT_TRUE(Apply(applied, sent)) << "seed " << seed << " round " << round << "\nfrom "
                                        << from << "\nto " << to << "\npatch " << patch;
      ASSERT_EQ(applied, to) << "seed " << seed << " round " << round << "\nfrom " << from
                             << "\nto " << to << "\npatch " << patch;
      // Only the three operations, every path a JSON Pointer.
      for (const auto& op : patch) {
        const auto& name = op.at("op").as_string();
        EXPECT_TRUE(name == "add" || name == "remove" || name == "replace") << name;
        const auto& path = op.at("path").as_string();
        EXPECT_TRUE(path.empty() || path[0] == '/') << path;
      }
    }
  }
  EXPECT_GT(nonempty, 5000);  // the generator does produce changes
}

json::value ViewOf(const test_support::DemoLog& demo, std::string_view name,
                   const projections::PlatformModel& model) {
  app::ViewParams params;
  params.from = "2026-01-01";
  params.to = "2026-12-31";
  const auto view = app::BuildView(name, params, model, demo.EventAt());
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  return view.ok() ? json::parse(MessageJson(**view)) : json::value();
}

TEST(JsonPatch, PatchesBetweenRealViewsAreSmall) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const uint64_t head = demo.head();
  ASSERT_GT(head, 40u);
  // A few steps back. (Over many steps, changes at both ends of the board's list fall into one
  // array middle of another length, which the patch re-sends whole.)
  for (const uint64_t from : {head - 1, head - 5, head - 10}) {
    SCOPED_TRACE(from);
    const json::value before = ViewOf(demo, "board", demo.ModelAt(from));
    const json::value after = ViewOf(demo, "board", demo.Model());
    const json::array patch = Diff(before, after);
    ASSERT_FALSE(patch.empty());  // at least the position moved
    json::value applied = before;
    ASSERT_TRUE(Apply(applied, patch));
    EXPECT_EQ(applied, after);
    const size_t patch_bytes = json::serialize(patch).size();
    const size_t view_bytes = json::serialize(after).size();
    EXPECT_LT(patch_bytes * 10, view_bytes) << patch_bytes << " vs " << view_bytes << "\n" << patch;
  }
}

TEST(JsonPatch, EveryStepOfTheDemoPatchesEveryView) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  for (const std::string name :
       {"board", "clashes", "tasks", "meetings", "budget", "members", "figures", "calendar"}) {
    SCOPED_TRACE(name);
    projections::PlatformModel model;
    json::value previous = ViewOf(demo, name, model);
    size_t patch_bytes = 0, view_bytes = 0;
    for (const auto& record : demo.events()) {
      model.Apply(record);
      const json::value next = ViewOf(demo, name, model);
      const json::array patch = Diff(previous, next);
      ASSERT_TRUE(Apply(previous, patch)) << record.position();
      ASSERT_EQ(previous, next) << record.position();
      patch_bytes += json::serialize(patch).size();
      view_bytes += json::serialize(next).size();
    }
    // Over a whole history, watching a view costs a fraction of re-sending it. (The figures are
    // a handful of counters: there the position alone is a fifth of the view.)
    if (name != "figures") {
      EXPECT_LT(patch_bytes * 4, view_bytes) << patch_bytes << " vs " << view_bytes;
    }
    std::cout << name << ": " << patch_bytes << " bytes of patches, " << view_bytes
              << " of views\n";
  }
}

}  // namespace
}  // namespace rotonde::wire
