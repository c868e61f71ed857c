#pragma once
// Array creation: array/asarray, zeros, ones, full, empty, *_like, arange, linspace, logspace, eye, identity, tri, tril, triu, meshgrid, diag, diagflat.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
