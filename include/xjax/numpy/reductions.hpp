#pragma once
// Reductions: sum, prod, mean, var, std, max, min, argmax, argmin, all, any, cumsum, cumprod, nan*, median, average, ptp, count_nonzero.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
