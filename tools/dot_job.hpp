// What `mxref dot` was asked to do, parsed and checked once: the CLI (dot_command.cpp) and the Python module
// (python/) take the same arguments and refuse the same things.
#pragma once

#include <string>

#include "ref/cast_options.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/dyadic.hpp"

namespace mxref::tools {

struct DotArguments {
  std::string format;
  std::string format_b;
  int blocks = 1;
  std::string model = "exact";
  std::string out = "f32";
  std::string rounding = "rne";
  std::string overflow = "natural";
  std::string tensor_scale_a = "3f800000";
  std::string tensor_scale_b = "3f800000";
  bool list_models = false;
};

struct DotJob {
  DotShape shape;
  Dyadic tensor_scale_a = Dyadic(1, 0);
  Dyadic tensor_scale_b = Dyadic(1, 0);
  const AccumulationModel* model = nullptr;
  CastOptions options;
};

// Throws UsageError for anything impossible, before any input is read.
DotJob job_of(const DotArguments& arguments);

}  // namespace mxref::tools
