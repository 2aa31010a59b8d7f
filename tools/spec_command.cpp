#include "tools/spec_command.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ref/format_name.hpp"
#include "tools/cli_choices.hpp"
#include "tools/output_buffer.hpp"
#include "tools/spec_facts.hpp"
#include "tools/spec_writers.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

bool table_wanted(const Format& f, bool requested) {
  if (requested && width(f) > max_table_bits)
    throw UsageError("--table is limited to formats of at most 24 bits (" + format_name(f) + " has " +
                     std::to_string(width(f)) + ")");
  return requested || width(f) <= default_table_bits;
}

namespace {

struct SpecArguments {
  std::string format;
  bool all = false;
  bool json = false;
  bool decimal = false;
  bool table = false;
};

void run_spec(const SpecArguments& a) {
  if (a.all == !a.format.empty()) throw UsageError("spec needs exactly one of FORMAT or --all");
  if (a.decimal && !a.json) throw UsageError("--decimal applies to --json (the text output always has decimals)");
  if (a.all && a.table && !a.json)
    throw UsageError("--table applies to a single format (--all prints tables up to 16 bits)");
  std::vector<Format> formats;
  if (a.all) {
    for (const NamedFormat& n : builtin_formats()) formats.push_back(n.format);
  } else {
    formats.push_back(format_argument(a.format));
  }
  const bool table = a.all ? false : table_wanted(formats.front(), a.table);
  OutputBuffer out(stdout);
  if (a.json && a.all) {
    out.append("{\n  \"formats\": [\n    ");
    for (std::size_t i = 0; i < formats.size(); ++i) {
      if (i > 0) out.append(",\n    ");
      // Compact by default: tables of the formats of at most 8 bits; --table adds the 16-bit ones.
      write_spec_json(out, formats[i], width(formats[i]) <= (a.table ? default_table_bits : all_json_table_bits), 4,
                      a.decimal);
    }
    out.append("\n  ]\n}\n");
  } else if (a.json) {
    write_spec_json(out, formats.front(), table, 0, a.decimal);
    out.append("\n");
  } else {
    for (std::size_t i = 0; i < formats.size(); ++i) {
      if (i > 0) out.append("\n");
      write_spec_text(out, formats[i], a.all ? table_wanted(formats[i], false) : table);
    }
  }
  out.flush();
}

}  // namespace

void add_spec_command(CLI::App& app) {
  auto arguments = std::make_shared<SpecArguments>();
  CLI::App* cmd = app.add_subcommand("spec", "Print a format's properties and the value of every code");
  cmd->add_option("FORMAT", arguments->format, "Format name: built-in (e4m3, fp16, ...) or custom (e5m3fn, int6)");
  cmd->add_flag("--all", arguments->all, "Every built-in format");
  cmd->add_flag("--json", arguments->json,
                "JSON instead of text: codes as numbers, values as exact hex-float strings and nearest doubles");
  cmd->add_flag("--decimal", arguments->decimal, "With --json: each value's exact decimal expansion too");
  cmd->add_flag("--table", arguments->table, "Include the code table for formats of 17..24 bits");
  cmd->callback([arguments] { run_spec(*arguments); });
}

}  // namespace mxref::tools
