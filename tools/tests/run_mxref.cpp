#include "tools/tests/run_mxref.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mxref::tools::cli_tests {

namespace {

namespace fs = std::filesystem;

// Single quotes keep every argument literal for /bin/sh.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.append("'\\''");
    else out += c;
  }
  out += '\'';
  return out;
}

fs::path scratch(const std::string& what) {
  static int counter = 0;
  return fs::temp_directory_path() /
         ("mxref_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + what);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Outcome run_mxref(const std::vector<std::string>& arguments, const std::string& input) {
  const fs::path in = scratch("in"), err = scratch("err");
  std::ofstream(in, std::ios::binary) << input;
  std::string command = quoted(MXREF_BINARY);
  // Appended piece by piece: `"literal" + std::string` trips GCC 12's bogus -Wrestrict.
  for (const std::string& a : arguments) command.append(" ").append(quoted(a));
  command.append(" <").append(quoted(in.string())).append(" 2>").append(quoted(err.string()));
  Outcome run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, got);
  const int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;  // -1: killed by a signal (a crash)
  run.err = slurp(err);
  fs::remove(in);
  fs::remove(err);
  return run;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace mxref::tools::cli_tests
