// How fast/ recognises a profile it runs: by what the profile computes, never by its name, so a new
// profile row (ref/block/profiles.cpp) runs fast exactly when its arithmetic is a kernel's.
#pragma once

#include "ref/block/profile.hpp"

namespace mxref::fast {

// Whether `profile` is what a kernel computes once its rule has chosen the scale: the kernel's element
// scaling, RNE element casts that saturate and send NaN to 0 (no FTZ/DAZ), and none of the
// per-implementation element quirks (every flag at its default). Name, summary and note are labels.
inline bool kernel_computes(const Profile& profile, ElementScaling kernel_scaling) {
  const Profile kernel{
      .name = profile.name,
      .rule = profile.rule,
      .scaling = kernel_scaling,
      .element = {.rounding = Rounding::rne, .overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero},
      .summary = profile.summary,
      .note = profile.note,
  };
  return profile == kernel;
}

}  // namespace mxref::fast
