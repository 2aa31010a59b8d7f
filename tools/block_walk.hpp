// The blocks of a tensor one at a time, in the order their scales are stored (row-major over the scale
// shape), each as the ascending row-major indices of its values: the grouping quantize_tensor makes
// (ref/block/tensor.cpp), computed per block on demand, so that a large tensor never needs a list of
// every block's members (or a tensor of exact Values) at once.
#pragma once

#include <cstddef>
#include <vector>

#include "ref/block/tensor.hpp"

namespace mxref::tools {

class BlockWalk {
 public:
  // Throws std::invalid_argument for the layouts quantize_tensor refuses: no axes, an axis out of
  // range, tiles on fewer than two axes; also for a block size of 0.
  BlockWalk(const BlockLayout& layout, std::size_t block_size);

  const std::vector<std::size_t>& scale_shape() const { return scale_shape_; }
  std::size_t blocks() const { return blocks_; }
  std::size_t values() const { return outer_ * rows_ * columns_; }
  // The most values a block holds: block_size, or tile_rows x block_size for 2-D tiles.
  std::size_t block_capacity() const { return tile_height_ * tile_width_; }

  // Block `block`'s members (fewer than block_capacity() for a ragged edge), replacing `out`'s contents.
  void members(std::size_t block, std::vector<std::size_t>& out) const;

  // Whether every block's members are consecutive flat indices (1-D blocks along the last axis); then block
  // `block` holds the `count` values from `first` on.
  bool consecutive() const { return columns_ == 1 && tile_width_ == 1; }
  void span(std::size_t block, std::size_t& first, std::size_t& count) const {
    const std::size_t row_tile = block % row_tiles_, o = block / row_tiles_;
    const std::size_t first_row = row_tile * tile_height_;
    first = o * rows_ + first_row;
    count = (rows_ - first_row < tile_height_ ? rows_ - first_row : tile_height_);
  }

 private:
  // Both layouts are one shape: the tensor viewed as [outer, rows, columns] cut into tiles of
  // tile_height x tile_width. 1-D blocks along axis k: rows = shape[k], columns = the product of the
  // axes after k, tiles block_size x 1. 2-D tiles: rows and columns are the last two axes.
  std::size_t outer_ = 1, rows_ = 1, columns_ = 1;
  std::size_t tile_height_ = 1, tile_width_ = 1;
  std::size_t row_tiles_ = 0, column_tiles_ = 0;
  std::size_t blocks_ = 0;
  std::vector<std::size_t> scale_shape_;
};

}  // namespace mxref::tools
