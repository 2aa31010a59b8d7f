/* The C ABI of an implementation under test loaded by `mxref conform --plugin lib.so`.
 *
 * The shared library exports two functions. For every vector of the suite, the runner calls
 * mxref_plugin_run with the suite's definition (its JSON text, as in vectors.json's "suite") and the
 * vector's input codes (codes of the suite's "from" format, one per value: one for a cast, a whole
 * block for a block suite; for a dot suite, "kind": "dot", the codes of one dot product in the order
 * `mxref dot` reads them: A's scale and elements per block, B's, then C). The plugin writes its output
 * codes — the target code for a cast; the scale code then the element codes for a block; the result
 * code for a dot product — and returns how many it wrote, or a negative number to report that it
 * cannot handle the suite (the runner then stops with an error).
 */
#ifndef MXREF_PLUGIN_H
#define MXREF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define MXREF_PLUGIN_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

int mxref_plugin_abi_version(void); /* returns MXREF_PLUGIN_ABI_VERSION */

int mxref_plugin_run(const char* suite_json, const uint64_t* inputs, size_t input_count, uint64_t* outputs,
                     size_t output_capacity);

#ifdef __cplusplus
}
#endif

#endif
