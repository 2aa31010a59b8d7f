#!/usr/bin/env bash
# Formats the tracked C, C++ and CUDA sources with clang-format and the repository's .clang-format.
#   tools/format.sh           format every such file in place
#   tools/format.sh --check   change nothing; name the files that are not formatted and exit 1 if any
# Left out: the fuzzers' seed corpora (fuzz/corpus/: inputs, not code).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: tools/format.sh [--check]" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "format: $clang_format not found (Debian: apt-get install clang-format)" >&2
  exit 2
fi

# A broken .clang-format would otherwise read as "every file unformatted".
"$clang_format" --style=file --dump-config --assume-filename=tools/format.cpp >/dev/null

mapfile -t files < <(git ls-files -- '*.c' '*.h' '*.cpp' '*.hpp' '*.cu' '*.cuh' ':!:fuzz/corpus/**')
if ((${#files[@]} == 0)); then exit 0; fi

if ((check == 0)); then
  printf '%s\0' "${files[@]}" | xargs -0 -n 32 "$clang_format" -i --style=file
  exit 0
fi

unformatted=()
for file in "${files[@]}"; do
  "$clang_format" --dry-run -Werror --style=file "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if ((${#unformatted[@]})); then
  printf '%s\n' "${unformatted[@]}"
  echo "format: ${#unformatted[@]} file(s) not formatted as .clang-format says; run: bash tools/format.sh" >&2
  exit 1
fi
