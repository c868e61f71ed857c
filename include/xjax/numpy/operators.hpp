#pragma once
// Operators on xjax::array with NumPy semantics: + - * / % unary -, comparisons, & | ^ ~, compound assignment.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
