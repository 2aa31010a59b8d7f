// What `mxref cast` was asked to do, parsed and checked once, and one code cast under it: the CLI's loop over
// stdin lines (cast_command.cpp) and the Python module's loop over an array (python/) both run cast_one.
#pragma once

#include <cstdint>
#include <string>

#include "ref/cast.hpp"
#include "ref/cast_options.hpp"
#include "ref/cast_profile.hpp"
#include "ref/format.hpp"

namespace mxref::tools {

struct CastArguments {
  std::string to;
  std::string from = "f32";
  std::string rounding = "rne";
  std::string overflow = "natural";
  std::string nan = "error";
  bool ftz = false;
  bool daz = false;
  std::string seed = "0";
  int random_bits = 0;
  std::string model = "integer";
  bool flags = false;
  std::string profile = "spec";
  bool rounding_given = false;
  bool policy_given = false;  // --overflow, --nan, --ftz or --daz
};

struct CastJob {
  Format from;
  Format to;
  CastOptions options;
  Model model = Model::integer;
  std::uint64_t seed = 0;
  bool flags = false;
  CastProfile profile = CastProfile::spec;
};

// Throws UsageError for anything impossible, before any input is read.
CastJob job_of(const CastArguments& arguments);

// Code `code` of job.from cast to job.to; `index` is the input's position (stochastic rounding draws its bits
// from the seed and the index). Throws as ref's cast does (bits above the source width, a refused NaN).
CastResult cast_one(const CastJob& job, std::uint64_t code, std::uint64_t index);

}  // namespace mxref::tools
