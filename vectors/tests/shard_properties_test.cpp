// Shards of a generated suite (mxref gen --shard i/n): together, in order, they are the whole suite —
// every vector once, ids kept — and no two differ in size by more than one vector.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "vectors/generate.hpp"
#include "vectors/suite.hpp"

namespace mxref::vectors {
namespace {

const std::vector<Vector>& whole(const std::string& name) {
  static std::map<std::string, std::vector<Vector>> generated;
  auto [it, fresh] = generated.try_emplace(name);
  if (fresh) {
    std::ifstream file(std::string(MXREF_SOURCE_DIR) + "/vectors/suites/" + name);
    it->second = generate(parse_suite(nlohmann::json::parse(file), name));
  }
  return it->second;
}

RC_GTEST_PROP(Shards, TogetherTheyAreTheWholeSuite, ()) {
  const std::string name = *rc::gen::elementOf(std::vector<std::string>{"e4m3-cast.json", "mxfp4-e2m1-ocp.json"});
  const std::vector<Vector>& all = whole(name);
  const std::size_t count = *rc::gen::inRange<std::size_t>(1, 40);
  std::vector<Vector> joined;
  std::size_t smallest = all.size(), largest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<Vector> part = shard(all, i, count);
    smallest = std::min(smallest, part.size());
    largest = std::max(largest, part.size());
    joined.insert(joined.end(), part.begin(), part.end());
  }
  RC_ASSERT(largest - smallest <= 1);
  RC_ASSERT(joined.size() == all.size());
  for (std::size_t k = 0; k < all.size(); ++k) {
    RC_ASSERT(joined[k].id == all[k].id);
    RC_ASSERT(joined[k].inputs == all[k].inputs);
    RC_ASSERT(joined[k].scale == all[k].scale);
    RC_ASSERT(joined[k].expected == all[k].expected);
    RC_ASSERT(joined[k].tags == all[k].tags);
  }
}

TEST(Shards, RefuseImpossibleShares) {
  const std::vector<Vector>& all = whole("e4m3-cast.json");
  EXPECT_THROW(shard(all, 0, 0), std::invalid_argument);
  EXPECT_THROW(shard(all, 3, 3), std::invalid_argument);
}

}  // namespace
}  // namespace mxref::vectors
