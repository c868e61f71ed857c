#pragma once
// xjax::scipy::special: logsumexp, erf, erfc, expit, logit, gammaln, digamma, xlogy, xlog1py, softmax, log_softmax.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::scipy::special {}  // namespace xjax::scipy::special

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#endif  // XJAX_HAS_IMPL
