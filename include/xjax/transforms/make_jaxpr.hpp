#pragma once
// make_jaxpr: traces a function into a closed jaxpr.
//
//   auto f = [](const xjax::array& x) { return xjax::lax::exp(xjax::lax::mul(x, 2.0)); };
//   xjax::closed_jaxpr j = xjax::make_jaxpr(f)(xjax::array::from_vector<float>({1, 2, 3}));
//   std::cout << j;   // { lambda ; a:f32[3]. let b:f32[3] = mul a 2.0:f32[]; c:f32[3] = exp b in (c,) }
//
// Arguments and results are pytrees. Array leaves of the arguments become the
// jaxpr's inputs; C++ scalar leaves of the arguments are static (baked into the
// trace, like static_argnums in JAX). Scalar leaves of the result become literals.

#include <tuple>
#include <utility>

#include "xjax/core/pytree.hpp"
#include "xjax/ir/eval.hpp"
#include "xjax/ir/trace.hpp"

namespace xjax {

template <class F> auto make_jaxpr(F f) {
  return [f = std::move(f)]<pytree... Args>(const Args&... args) -> closed_jaxpr {
    trace_scope scope;
    trace_frame& frame = scope.frame();
    // Braced initialization evaluates left to right, so invars follow argument order.
    std::tuple<Args...> traced{tree_map_arrays([&](const array& a) { return frame.new_arg(a.aval()); }, args)...};
    auto out = std::apply(f, traced);
    return frame.finish(tree_leaves(out), "make_jaxpr");
  };
}

}  // namespace xjax
