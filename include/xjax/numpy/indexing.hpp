#pragma once
// Indexing: x(i, j) with integers, slices, newaxis, ellipsis, integer arrays and boolean masks; x.at(index).set/add/multiply/min/max/get.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
