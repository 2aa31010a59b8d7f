/* A plug-in that misbehaves on purpose (tools/tests/hostile_input_test.py): MXREF_HOSTILE_PLUGIN
 * picks how. "overflow": claims more outputs than it was given room for; "wide": returns a code wider
 * than the target format (0x1ff for an 8-bit code), which must fail, not be cut to 0xff; "refuse":
 * returns -1; "abi": reports a foreign ABI version. */
#include <stdlib.h>
#include <string.h>

#include "mxref_plugin.h"

static const char* mode(void) {
  const char* m = getenv("MXREF_HOSTILE_PLUGIN");
  return m ? m : "";
}

int mxref_plugin_abi_version(void) { return strcmp(mode(), "abi") == 0 ? 99 : MXREF_PLUGIN_ABI_VERSION; }

int mxref_plugin_run(const char* suite_json, const uint64_t* inputs, size_t input_count, uint64_t* outputs,
                     size_t output_capacity) {
  (void)suite_json;
  (void)inputs;
  (void)input_count;
  if (strcmp(mode(), "overflow") == 0) return (int)output_capacity + 1000;
  if (strcmp(mode(), "refuse") == 0) return -1;
  if (output_capacity < 1) return -1;
  outputs[0] = strcmp(mode(), "wide") == 0 ? 0x1FF : 0;
  return 1;
}
