#pragma once
// Sorting and searching: sort, argsort, searchsorted, unique, nonzero/argwhere (static size), top_k.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
