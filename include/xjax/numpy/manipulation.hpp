#pragma once
// Array manipulation: reshape, ravel, transpose, swapaxes, moveaxis, squeeze, expand_dims, concatenate, stack, split, tile, repeat, flip, roll, rot90, pad, take, take_along_axis, atleast_*d, astype.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
