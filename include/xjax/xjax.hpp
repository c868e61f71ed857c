#pragma once
// The one header users include.
//
//   #include <xjax/xjax.hpp>
//   namespace lax = xjax::lax;
//   auto f = [](const xjax::array& x) { return lax::exp(lax::mul(x, 2.0)); };
//   std::cout << xjax::make_jaxpr(f)(x);
//
// See config.hpp for header-only versus separate compilation.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/core/dtype.hpp"
#include "xjax/core/errors.hpp"
#include "xjax/core/print.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/ir/eval.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/printer.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/lax.hpp"
#include "xjax/nn/functions.hpp"
#include "xjax/numpy/numpy.hpp"
#include "xjax/test/check_grads.hpp"
#include "xjax/transforms/ad.hpp"
#include "xjax/transforms/checkpoint.hpp"
#include "xjax/transforms/custom_derivatives.hpp"
#include "xjax/transforms/grad.hpp"
#include "xjax/transforms/make_jaxpr.hpp"
#include "xjax/transforms/vmap.hpp"

#if XJAX_HAS_IMPL && !defined(XJAX_IMPL_CORE_ONLY)
// Implementation headers: the primitives with their rules and kernels.
// (XJAX_IMPL_CORE_ONLY leaves them out, for a scratch build of one family.)
#include "xjax/primitives/all.hpp"
#endif
