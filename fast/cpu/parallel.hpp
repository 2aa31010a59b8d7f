// The fast CPU paths' work spread over threads: a job of `units` independent units, cut into equal
// runs, each run on its own thread with IEEE subnormals (the kernels round through FP32 subnormals: a
// caller's flush-to-zero or denormals-are-zero mode, set by -ffast-math code say, is off while they run).
#pragma once

#include <cstddef>
#include <functional>

namespace mxref::fast {

// run(first, last) over [0, units) split across `threads` threads (0: one per 2^18 of `values`, up to
// every hardware thread: below that a second thread costs more than it saves).
void parallel_units(std::size_t units, std::size_t values, unsigned threads,
                    const std::function<void(std::size_t, std::size_t)>& run);

}  // namespace mxref::fast
