// Golden vectors from a suite: inputs, the reference's expected outputs, and tags saying what each covers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vectors/suite.hpp"

namespace mxref::vectors {

struct Vector {
  std::size_t id = 0;                   // its place in the whole suite (shards keep it)
  std::vector<std::uint64_t> inputs;    // codes of suite.from: one (cast) or one block
  std::uint64_t scale = 0;              // blocks only
  std::vector<std::uint64_t> expected;  // the target code (cast) or the element codes (block)
  std::vector<std::string> tags;        // the class that made it, then what the reference saw
};

// Deterministic: the same suite gives the same vectors, in the same order, everywhere.
std::vector<Vector> generate(const Suite& suite);

// The files of a generated suite, by name (docs in vectors/README.md): vectors.json, stdin.txt,
// expected.txt, inputs.memh, expected.memh, scales.memh (blocks), tags.tsv, and manifest.json with the
// SHA-256 of every other file.
// Which files to write: all, or one family (json: vectors.json; memh: *.memh and tags.tsv; text:
// stdin.txt and expected.txt; bin: little-endian *.bin). The manifest is always written.
enum class Output : unsigned { json = 1, memh = 2, text = 4, bin = 8, all = 15 };
std::map<std::string, std::string> suite_files(const Suite& suite, const std::vector<Vector>& vectors,
                                               const std::string& version, Output output = Output::all);

// Shard `index` of `count`: a contiguous share of the vectors, ids kept. Throws std::invalid_argument.
std::vector<Vector> shard(std::vector<Vector> vectors, std::size_t index, std::size_t count);

}  // namespace mxref::vectors
