#pragma once
// Linear algebra: matmul, dot, vdot, inner, outer, tensordot, einsum, trace, kron, cross, linalg::norm.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
