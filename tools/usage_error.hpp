// Bad input or options: main() prints the message on one line and exits with status 2.
#pragma once

#include <stdexcept>

namespace mxref::tools {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace mxref::tools
