// mxref: the command-line face of the reference. Every failure is one line on stderr and status 2,
// so scripts can tell "bad input" from "a crash" (any other status).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "tools/block_command.hpp"
#include "tools/cast_command.hpp"
#include "tools/dot_command.hpp"
#include "tools/gemm_command.hpp"
#include "tools/stats_command.hpp"
#include "tools/spec_command.hpp"
#include "tools/vectors_command.hpp"

namespace {

constexpr int usage_error_status = 2;

int fail(const std::string& message) {
  // A message must stay one line even when a library's text spans several, and printable wherever it
  // quotes the input: control characters and bytes outside ASCII (a non-UTF-8 file, say) are
  // written as \xHH.
  std::string line;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      line += ' ';
    } else if (byte < 0x20 || byte >= 0x7F) {
      constexpr char digits[] = "0123456789abcdef";
      line += {'\\', 'x', digits[byte >> 4], digits[byte & 0xF]};
    } else {
      line += c;
    }
  }
  std::fprintf(stderr, "mxref: %s\n", line.c_str());
  return usage_error_status;
}

bool is_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("mxref: bit-exact reference for OCP Microscaling and other low-precision formats", "mxref");
  app.set_version_flag("--version", MXREF_VERSION);
  app.require_subcommand(1);
  mxref::tools::add_spec_command(app);
  mxref::tools::add_cast_command(app);
  mxref::tools::add_block_commands(app);
  mxref::tools::add_dot_command(app);
  mxref::tools::add_gemm_command(app);
  mxref::tools::add_vectors_commands(app);
  mxref::tools::add_stats_commands(app);
  try {
    // CLI11 would report a misspelt subcommand as "A subcommand is required"; name it instead.
    if (argc >= 2 && argv[1][0] != '-' && !is_subcommand(app, argv[1]))
      return fail(
          "unknown subcommand '" + std::string(argv[1]) +
          "' (spec, cast, quantize, dequantize, fakequant, dot, gemm, gen, conform, stats or compare; see --help)");
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand's verdict (conform: 1 for mismatches), already reported
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with status 0; CLI11's own statuses (105, 106, ...) are
    // folded into 2.
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unexpected internal error");
  }
  return 0;
}
