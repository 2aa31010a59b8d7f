#include "tools/block_walk.hpp"

#include <algorithm>
#include <stdexcept>

namespace mxref::tools {

namespace {

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

std::size_t product(const std::vector<std::size_t>& shape, std::size_t first, std::size_t last) {
  std::size_t p = 1;
  for (std::size_t d = first; d < last; ++d) p *= shape[d];
  return p;
}

}  // namespace

BlockWalk::BlockWalk(const BlockLayout& layout, std::size_t block_size) : scale_shape_(layout.shape) {
  const std::vector<std::size_t>& shape = layout.shape;
  const std::size_t rank = shape.size();
  if (rank == 0) throw std::invalid_argument("a tensor needs at least one axis");
  if (block_size == 0) throw std::invalid_argument("the block size must be positive");
  if (layout.tile_rows == 0) {
    if (layout.axis >= rank) throw std::invalid_argument("the block axis is out of range");
    outer_ = product(shape, 0, layout.axis);
    rows_ = shape[layout.axis];
    columns_ = product(shape, layout.axis + 1, rank);
    tile_height_ = block_size;
    scale_shape_[layout.axis] = ceil_div(rows_, block_size);
  } else {
    if (rank < 2) throw std::invalid_argument("2-D tiles need at least two axes");
    outer_ = product(shape, 0, rank - 2);
    rows_ = shape[rank - 2];
    columns_ = shape[rank - 1];
    tile_height_ = layout.tile_rows;
    tile_width_ = block_size;
    scale_shape_[rank - 2] = ceil_div(rows_, tile_height_);
    scale_shape_[rank - 1] = ceil_div(columns_, tile_width_);
  }
  row_tiles_ = ceil_div(rows_, tile_height_);
  column_tiles_ = ceil_div(columns_, tile_width_);
  blocks_ = outer_ * row_tiles_ * column_tiles_;
}

void BlockWalk::members(std::size_t block, std::vector<std::size_t>& out) const {
  out.clear();
  // Scale order is (outer, row tile, column tile), row-major; inside a tile, rows then columns, which
  // is ascending flat order.
  const std::size_t column_tile = block % column_tiles_;
  const std::size_t row_tile = block / column_tiles_ % row_tiles_;
  const std::size_t o = block / column_tiles_ / row_tiles_;
  const std::size_t first_row = row_tile * tile_height_, last_row = std::min(rows_, first_row + tile_height_);
  const std::size_t first_column = column_tile * tile_width_;
  const std::size_t last_column = std::min(columns_, first_column + tile_width_);
  for (std::size_t r = first_row; r < last_row; ++r)
    for (std::size_t c = first_column; c < last_column; ++c) out.push_back((o * rows_ + r) * columns_ + c);
}

}  // namespace mxref::tools
