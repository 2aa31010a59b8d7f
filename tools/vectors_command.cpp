#include "tools/vectors_command.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include <dlfcn.h>

#include "conformance/compare.hpp"
#include "conformance/include/mxref_plugin.h"
#include "conformance/infer.hpp"
#include "tools/file_bytes.hpp"
#include "tools/hex_lines.hpp"
#include "tools/usage_error.hpp"
#include "vectors/generate.hpp"
#include "vectors/sha256.hpp"
#include "vectors/suite.hpp"

namespace mxref::tools {

namespace {

struct GenArguments {
  std::string suite, out, format = "all", shard;
  bool force = false;
};

struct ConformArguments {
  std::string suite, results, command, plugin, report = "text", out;
  std::size_t keep = 20;
  bool infer = false;
  bool no_verify = false;
};

void write_text(const std::string& path, const std::string& text) {
  write_file_atomically(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// The files of a non-empty output folder that gen may replace: those of an earlier run of the same suite
// (its manifest names it), or anything with --force. Otherwise the folder is refused.
std::vector<std::string> files_to_replace(const GenArguments& a, const std::string& suite_name) {
  std::error_code error;
  if (!std::filesystem::is_directory(a.out, error)) return {};
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(a.out, error))
    names.push_back(entry.path().filename().string());
  if (names.empty() || a.force) return names;
  std::string holds = "other files";
  try {
    const std::vector<std::uint8_t> bytes = read_file_bytes(a.out + "/manifest.json");
    const nlohmann::json manifest = nlohmann::json::parse(bytes.begin(), bytes.end());
    if (manifest.value("suite", "") == suite_name) return names;
    holds = "suite '" + manifest.value("suite", "?") + "'";
  } catch (const std::exception&) {
  }
  throw UsageError("'" + a.out + "' is not empty and holds " + holds + ", not suite '" + suite_name +
                   "': --force replaces what is there");
}

// A suite whose files do not match its manifest was changed after mxref gen: refused, unless --no-verify.
void verify_manifest(const ConformArguments& a) {
  const std::string path = a.suite + "/manifest.json";
  if (!std::filesystem::exists(path))
    throw UsageError(path + " is missing: is --suite a folder written by mxref gen? (--no-verify compares anyway)");
  nlohmann::json manifest;
  try {
    const std::vector<std::uint8_t> bytes = read_file_bytes(path);
    manifest = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(path + ": not valid JSON: " + e.what());
  }
  if (!manifest.contains("sha256") || !manifest["sha256"].is_object())
    throw UsageError(path + ": no \"sha256\" table (--no-verify compares anyway)");
  for (const auto& [name, hash] : manifest["sha256"].items()) {
    const std::string file = a.suite + "/" + name;
    if (name.find('/') != std::string::npos || !std::filesystem::exists(file)) continue;  // a family not written
    const std::vector<std::uint8_t> bytes = read_file_bytes(file);
    if (!hash.is_string() || vectors::sha256_hex(bytes) != hash.get<std::string>())
      throw UsageError(file + " does not match " + path +
                       " (SHA-256): the suite changed after mxref gen "
                       "(regenerate it, or --no-verify to compare anyway)");
  }
}

void run_gen(const GenArguments& a) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(a.suite);
  nlohmann::json definition;
  try {
    definition = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(a.suite + ": not valid JSON: " + e.what());
  }
  vectors::Suite suite;
  std::vector<vectors::Vector> generated;
  try {
    suite = vectors::parse_suite(definition, a.suite);
    generated = vectors::generate(suite);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  vectors::Output output = vectors::Output::all;
  if (a.format == "json") output = vectors::Output::json;
  else if (a.format == "memh") output = vectors::Output::memh;
  else if (a.format == "text") output = vectors::Output::text;
  else if (a.format == "bin") output = vectors::Output::bin;
  else if (a.format != "all") throw UsageError("--format must be all, json, memh, text or bin");
  if (!a.shard.empty()) {
    std::size_t index = 0, count = 0;
    char slash = 0;
    std::istringstream in(a.shard);
    if (!(in >> index >> slash >> count) || slash != '/' || !in.eof()) throw UsageError("--shard takes i/n, e.g. 0/4");
    try {
      generated = vectors::shard(std::move(generated), index, count);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  const std::vector<std::string> stale = files_to_replace(a, suite.name);
  std::error_code error;
  std::filesystem::create_directories(a.out, error);
  if (error) throw UsageError("cannot create '" + a.out + "': " + error.message());
  const std::map<std::string, std::string> files = vectors::suite_files(suite, generated, MXREF_VERSION, output);
  for (const auto& [name, content] : files) write_text(a.out + "/" + name, content);
  // What an earlier suite left there and this one did not write would be tested as if it were current.
  for (const std::string& name : stale)
    if (!files.contains(name)) std::filesystem::remove(a.out + "/" + name, error);
  std::printf("%s: %zu vectors in %s\n", suite.name.c_str(), generated.size(), a.out.c_str());
}

// A shared library implementing conformance/include/mxref_plugin.h, called once per vector; its outputs
// are written out as the lines of expected.txt would be.
std::string plugin_results(const ConformArguments& a) {
  std::unique_ptr<void, int (*)(void*)> library(::dlopen(a.plugin.c_str(), RTLD_NOW | RTLD_LOCAL), ::dlclose);
  if (!library) throw UsageError("cannot load --plugin: " + std::string(::dlerror()));
  const auto version = reinterpret_cast<int (*)()>(::dlsym(library.get(), "mxref_plugin_abi_version"));
  const auto run =
      reinterpret_cast<int (*)(const char*, const std::uint64_t*, std::size_t, std::uint64_t*, std::size_t)>(
          ::dlsym(library.get(), "mxref_plugin_run"));
  if (!version || !run) throw UsageError(a.plugin + " does not export mxref_plugin_abi_version and mxref_plugin_run");
  if (version() != MXREF_PLUGIN_ABI_VERSION)
    throw UsageError(a.plugin + " speaks plugin ABI " + std::to_string(version()) + ", mxref " +
                     std::to_string(MXREF_PLUGIN_ABI_VERSION));
  const std::vector<std::uint8_t> bytes = read_file_bytes(a.suite + "/vectors.json");
  const nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end());
  const vectors::Suite suite = vectors::parse_suite(doc.at("suite"), a.suite);
  const std::string definition = doc.at("suite").dump();
  const bool block = suite.kind == vectors::Suite::Kind::block;
  const int out_bits = width(block ? suite.block.element : suite.to);
  std::string text;
  std::vector<std::uint64_t> inputs, outputs;
  std::size_t index = 0;
  for (const auto& v : doc.at("vectors")) {
    inputs.clear();
    for (const auto& h : v.at("inputs")) inputs.push_back(std::stoull(h.get<std::string>(), nullptr, 16));
    outputs.assign(inputs.size() + 1, 0);
    const int n = run(definition.c_str(), inputs.data(), inputs.size(), outputs.data(), outputs.size());
    if (n < 0) throw UsageError(a.plugin + " refused suite " + suite.name);
    if (static_cast<std::size_t>(n) > outputs.size())
      throw UsageError(a.plugin + " reported " + std::to_string(n) + " outputs for vector " + std::to_string(index) +
                       ", more than the " + std::to_string(outputs.size()) + " it was given room for");
    for (int k = 0; k < n; ++k) {
      if (k) text += ' ';
      // A code wider than its format is written whole, so that it fails the comparison rather than
      // being cut down to a valid code.
      const std::uint64_t code = outputs[static_cast<std::size_t>(k)];
      const int bits = block && k == 0 ? width(suite.block.scale) : out_bits;
      text += to_hex(code, std::max(hex_digits(bits), hex_digits(static_cast<int>(std::bit_width(code)))));
    }
    text += '\n';
    ++index;
  }
  return text;
}

// A results file that cannot be this suite's results is refused before any comparison: empty, binary, or
// with another number of lines than the suite has vectors (another suite's results, or a cut-off run).
void check_results_file(const ConformArguments& a, const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) throw UsageError(a.results + ": empty (no results to compare)");
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] == 0 || (bytes[i] < 0x20 && bytes[i] != '\n' && bytes[i] != '\r' && bytes[i] != '\t'))
      throw UsageError(a.results + ": not text (byte 0x" + to_hex(bytes[i], 2) + " at offset " + std::to_string(i) +
                       "); results are lines of hex codes");
  std::size_t lines = 0;
  for (const std::uint8_t b : bytes) lines += b == '\n';
  if (bytes.back() != '\n') ++lines;
  std::size_t vectors = 0;
  {
    const std::vector<std::uint8_t> expected = read_file_bytes(a.suite + "/expected.txt");
    for (const std::uint8_t b : expected) vectors += b == '\n';
  }
  if (lines != vectors)
    throw UsageError(a.results + ": " + std::to_string(lines) + " lines, but suite " + a.suite + " has " +
                     std::to_string(vectors) + " vectors (another suite's results, or a run cut short?)");
}

// The implementation's output for the suite's stdin.txt, from a file, a command or a plugin.
std::string results_of(const ConformArguments& a) {
  if (!a.plugin.empty()) return plugin_results(a);
  if (!a.results.empty()) {
    const std::vector<std::uint8_t> bytes = read_file_bytes(a.results);
    check_results_file(a, bytes);
    return {bytes.begin(), bytes.end()};
  }
  const std::string input = a.suite + "/stdin.txt";
  if (!std::filesystem::exists(input)) throw UsageError("'" + input + "' is missing: is --suite a generated suite?");
  std::string quoted = "'";
  for (const char c : input) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string shell = "(" + a.command + ") < " + quoted;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> pipe(::popen(shell.c_str(), "r"), ::pclose);
  if (!pipe) throw UsageError("cannot run --cmd");
  std::string out;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe.release());
  if (status != 0) throw UsageError("--cmd exited with status " + std::to_string(WEXITSTATUS(status)));
  return out;
}

int run_conform(const ConformArguments& a) {
  if ((a.results.empty() ? 0 : 1) + (a.command.empty() ? 0 : 1) + (a.plugin.empty() ? 0 : 1) != 1)
    throw UsageError("give exactly one of --results FILE, --cmd COMMAND and --plugin LIBRARY");
  if (!a.no_verify) verify_manifest(a);
  conformance::Report report;
  std::string output;
  try {
    output = results_of(a);
    report = conformance::compare(a.suite, output, a.keep);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(a.suite + "/vectors.json: " + e.what());
  }
  std::string text;
  std::vector<conformance::Candidate> candidates;
  if (a.infer) {
    try {
      candidates = conformance::infer_profiles(a.suite, output);
    } catch (const std::exception& e) {
      throw UsageError(std::string("profile inference: ") + e.what());
    }
  }
  if (a.report == "text")
    text = conformance::text_report(report) + (a.infer ? conformance::text_inference(candidates) : "");
  else if (a.report == "json") {
    text = conformance::json_report(report);
    if (a.infer) {
      nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
      j["inference"] = conformance::json_inference(candidates);
      text = j.dump(1) + "\n";
    }
  } else if (a.report == "junit") {
    text = conformance::junit_report(report);
    if (a.infer) text.insert(text.rfind("</testsuite>"), conformance::junit_inference(candidates, report.suite));
  } else throw UsageError("--report must be text, json or junit");
  if (a.out.empty()) std::fputs(text.c_str(), stdout);
  else write_text(a.out, text);
  return report.ok() ? 0 : 1;
}

}  // namespace

void add_vectors_commands(CLI::App& app) {
  auto gen = std::make_shared<GenArguments>();
  CLI::App* g = app.add_subcommand("gen", "Generate a suite's golden vectors (JSON, $readmemh, text) with a manifest");
  g->add_option("--suite", gen->suite, "Suite definition (vectors/suites/*.json)")->required();
  g->add_option("--out", gen->out, "Output folder")->required();
  g->add_option("--format", gen->format, "all, json, memh ($readmemh), text (for conform --cmd) or bin")
      ->capture_default_str();
  g->add_option("--shard", gen->shard, "Write only shard i of n (i/n): a contiguous share, vector ids kept");
  g->add_flag("--force", gen->force, "Replace a non-empty --out that holds another suite or other files");
  g->callback([gen] { run_gen(*gen); });

  auto conform = std::make_shared<ConformArguments>();
  CLI::App* c = app.add_subcommand("conform", "Check an implementation's outputs against a generated suite");
  c->add_option("--suite", conform->suite, "A folder written by mxref gen")->required();
  c->add_option("--results", conform->results, "The implementation's output for the suite's stdin.txt");
  c->add_option("--cmd", conform->command, "A command that reads stdin.txt on stdin and writes its output");
  c->add_option("--plugin", conform->plugin, "A shared library with the C ABI of conformance/include/mxref_plugin.h");
  c->add_option("--report", conform->report, "text, json or junit")->capture_default_str();
  c->add_option("--out", conform->out, "Write the report here instead of stdout");
  c->add_option("--max-mismatches", conform->keep, "Mismatches listed in the report")->capture_default_str();
  c->add_flag("--no-verify", conform->no_verify, "Compare even if the suite's files do not match its manifest");
  c->add_flag("--infer", conform->infer,
              "Also report which mxref profiles (or accumulation models) the outputs are consistent with");
  c->callback([conform] {
    const int status = run_conform(*conform);
    if (status != 0) throw CLI::RuntimeError(status);  // mismatches: exit 1, not the usage status 2
  });
}

}  // namespace mxref::tools
