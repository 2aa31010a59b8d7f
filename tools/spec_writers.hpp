// `mxref spec` output for one format, as aligned text or as a JSON object. Both stream the code table
// row by row: a 24-bit table has 16 million rows.
#pragma once

#include "ref/format.hpp"
#include "tools/output_buffer.hpp"

namespace mxref::tools {

// Whether `spec` prints the code table: formats of up to 16 bits always, up to 24 where `requested` (--table);
// throws UsageError for a request beyond 24 bits.
bool table_wanted(const Format& f, bool requested);

void write_spec_text(OutputBuffer& out, const Format& f, bool with_table);
// One JSON object; `indent` spaces precede each of its lines but the first, for nesting in --all. Values
// carry exact decimal strings only when `decimals` asks for them (they run to hundreds of digits).
void write_spec_json(OutputBuffer& out, const Format& f, bool with_table, int indent, bool decimals);

}  // namespace mxref::tools
