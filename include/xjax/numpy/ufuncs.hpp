#pragma once
// Elementwise functions under NumPy names, with promotion and broadcasting.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
