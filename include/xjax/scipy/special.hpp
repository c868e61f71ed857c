#pragma once
// xjax::scipy::special: logsumexp, erf, erfc, expit, logit, gammaln, digamma, xlogy,
// xlog1py, softmax, log_softmax, as jax.scipy.special.
//
//   namespace sp = xjax::scipy::special;
//   auto l = sp::logsumexp(x, 1);                  // over axis 1, max-shifted (stable)
//   auto w = sp::logsumexp(x, std::nullopt, b);    // log(sum(b * exp(x))), NaN where < 0
//   auto p = sp::softmax(x, -1);                   // axis default: all axes, as scipy
//
// Integer and bool arguments are promoted to float32 (promote_args_inexact); axes may
// be negative; results keep the float dtype of the argument.

#include <cstdint>
#include <optional>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::scipy::special {

/// log(sum(b * exp(a))) over `axis` (all axes when none), computed max-shifted as JAX:
/// rows of -inf give -inf, rows holding +inf give +inf, NaN propagates; with `b`, terms
/// where b == 0 are left out and a negative sum gives NaN.
XJAX_API array logsumexp(const array& a, std::optional<shape_t> axis = std::nullopt,
                         const std::optional<array>& b = std::nullopt, bool keepdims = false);
inline array logsumexp(const array& a, std::int64_t axis, const std::optional<array>& b = std::nullopt,
                       bool keepdims = false) {
  return logsumexp(a, shape_t{axis}, b, keepdims);
}

XJAX_API array erf(const array& x);
XJAX_API array erfc(const array& x);     ///< 1 - erf(x), accurate for large x
XJAX_API array expit(const array& x);    ///< the logistic sigmoid 1 / (1 + exp(-x))
XJAX_API array logit(const array& x);    ///< log(x / (1 - x))
XJAX_API array gammaln(const array& x);  ///< log |Gamma(x)|
XJAX_API array digamma(const array& x);  ///< Gamma'(x) / Gamma(x)
XJAX_API array xlogy(const array& x, const array& y);    ///< x * log(y), 0 where x == 0 (unless y is NaN)
XJAX_API array xlog1py(const array& x, const array& y);  ///< x * log1p(y), 0 where x == 0 (unless y is NaN)

/// exp(x) / sum(exp(x)) over `axis` (all axes when none, as jax.scipy.special), shifted
/// by the maximum.
XJAX_API array softmax(const array& x, std::optional<shape_t> axis = std::nullopt);
inline array softmax(const array& x, std::int64_t axis) { return softmax(x, shape_t{axis}); }

/// x - logsumexp(x) over `axis` (all axes when none), shifted by the maximum.
XJAX_API array log_softmax(const array& x, std::optional<shape_t> axis = std::nullopt);
inline array log_softmax(const array& x, std::int64_t axis) { return log_softmax(x, shape_t{axis}); }

}  // namespace xjax::scipy::special

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/ufuncs.hpp"

namespace xjax::scipy::special {
namespace special_detail {

/// The axes to reduce, non-negative and checked (JAX's _reduction_dims).
inline shape_t reduction_axes(std::string_view op, const array& x, const std::optional<shape_t>& axis) {
  const std::int64_t nd = x.ndim();
  shape_t out;
  if (!axis) {
    for (std::int64_t i = 0; i < nd; ++i) out.push_back(i);
    return out;
  }
  for (std::int64_t a : *axis) {
    if (a < -nd || a >= nd) {
      xjax::detail::raise<value_error>(op, "axis {} is out of bounds for an array of dimension {} (shape {})", a, nd,
                                       shape_str(x.shape()));
    }
    const std::int64_t c = a < 0 ? a + nd : a;
    for (std::int64_t o : out) {
      if (o == c) xjax::detail::raise<value_error>(op, "repeated axis {} in axes ({})", c, fmt::join(*axis, ", "));
    }
    out.push_back(c);
  }
  return out;
}

/// x's shape with the reduced axes kept as 1 (keepdims).
inline array keep_dims(const array& reduced, const array& x, const shape_t& axes) {
  shape_t shape = x.shape(), dims;
  for (auto a : axes) shape[static_cast<std::size_t>(a)] = 1;
  for (std::int64_t i = 0; i < x.ndim(); ++i) {
    bool r = false;
    for (auto a : axes) r = r || a == i;
    if (!r) dims.push_back(i);
  }
  return lax::broadcast_in_dim(reduced, shape, dims);
}

/// jnp.max(x, axes, initial=-inf, keepdims): reduce_max, then max with -inf, as JAX.
inline array max_initial(const array& x, const shape_t& axes, bool keepdims) {
  array m = lax::reduce_max(x, axes);
  m = lax::max(array(-INFINITY, x.dtype()), m);
  return keepdims ? keep_dims(m, x, axes) : m;
}

/// jnp.sum(x, axes, keepdims): float16 and bfloat16 accumulate in float32, as JAX.
inline array sum(const array& x, const shape_t& axes, bool keepdims) {
  const bool upcast = x.dtype() == float16 || x.dtype() == bfloat16;
  array s = lax::reduce_sum(upcast ? lax::convert_element_type(x, float32) : x, axes);
  if (keepdims) s = keep_dims(s, x, axes);
  return upcast ? lax::convert_element_type(s, x.dtype()) : s;
}

inline array one_inexact(std::string_view op, const array& x) { return numpy::promote_args_inexact(op, {x})[0]; }

}  // namespace special_detail

namespace sd = special_detail;

XJAX_IMPL array logsumexp(const array& a, std::optional<shape_t> axis, const std::optional<array>& b, bool keepdims) {
  array a_arr, b_arr;
  if (b) {
    auto p = numpy::promote_args_inexact("logsumexp", {a, *b});
    b_arr = p[1];
    array b_nonzero = numpy::not_equal(b_arr, 0);
    a_arr = numpy::where(b_nonzero, p[0], -INFINITY);
  } else {
    a_arr = sd::one_inexact("logsumexp", a);
  }
  const shape_t axes = sd::reduction_axes("logsumexp", a_arr, axis);
  array amax = sd::max_initial(a_arr, axes, keepdims);
  array finite = numpy::isfinite(amax);
  array zeros = numpy::ufunc_detail::full_like(amax, 0);
  amax = lax::stop_gradient(lax::select(finite, amax, zeros));
  array amax_with_dims = keepdims ? amax : lax::expand_dims(amax, axes);
  array exp_a = lax::exp(lax::sub(a_arr, amax_with_dims));
  if (b) exp_a = lax::mul(exp_a, b_arr);
  array sumexp = sd::sum(exp_a, axes, keepdims);
  array sign = lax::sign(sumexp);
  sumexp = numpy::abs(sumexp);
  array out = lax::add(lax::log(sumexp), amax);
  if (b) {
    array negative = numpy::less(sign, 0);
    out = numpy::where(negative, array(NAN, out.dtype()), out);
  }
  return out;
}

XJAX_IMPL array erf(const array& x) { return lax::erf(sd::one_inexact("erf", x)); }
XJAX_IMPL array erfc(const array& x) { return lax::erfc(sd::one_inexact("erfc", x)); }
XJAX_IMPL array expit(const array& x) { return lax::logistic(sd::one_inexact("expit", x)); }
XJAX_IMPL array gammaln(const array& x) { return lax::lgamma(sd::one_inexact("gammaln", x)); }
XJAX_IMPL array digamma(const array& x) { return lax::digamma(sd::one_inexact("digamma", x)); }

XJAX_IMPL array logit(const array& x) {
  array a = sd::one_inexact("logit", x);
  array one_minus = lax::sub(numpy::ufunc_detail::konst(a, 1), a);
  return lax::log(lax::div(a, one_minus));
}

namespace special_detail {
template <class F> array xlog_impl(std::string_view op, const array& x, const array& y, F logf) {
  auto p = numpy::promote_args_inexact(op, {x, y});
  array x_ok = numpy::not_equal(p[0], 0.0);
  array y_nan = numpy::isnan(p[1]);
  array ok = numpy::bitwise_or(x_ok, y_nan);
  array prod = lax::mul(p[0], logf(p[1]));
  array zeros = numpy::ufunc_detail::full_like(p[0], 0);
  return numpy::where(ok, prod, zeros);
}
}  // namespace special_detail

XJAX_IMPL array xlogy(const array& x, const array& y) {
  return sd::xlog_impl("xlogy", x, y, [](const array& v) { return lax::log(v); });
}
XJAX_IMPL array xlog1py(const array& x, const array& y) {
  return sd::xlog_impl("xlog1py", x, y, [](const array& v) { return lax::log1p(v); });
}

XJAX_IMPL array softmax(const array& x, std::optional<shape_t> axis) {
  const shape_t axes = sd::reduction_axes("softmax", x, axis);
  array x_max = lax::stop_gradient(sd::max_initial(x, axes, true));
  array unnormalized = numpy::exp(numpy::subtract(x, x_max));
  array total = sd::sum(unnormalized, axes, true);
  return numpy::true_divide(unnormalized, total);
}

XJAX_IMPL array log_softmax(const array& x, std::optional<shape_t> axis) {
  const shape_t axes = sd::reduction_axes("log_softmax", x, axis);
  array x_max = sd::max_initial(x, axes, true);
  array shifted = numpy::subtract(x, lax::stop_gradient(x_max));
  array shifted_logsumexp = numpy::log(sd::sum(numpy::exp(shifted), axes, true));
  return numpy::subtract(shifted, shifted_logsumexp);
}

}  // namespace xjax::scipy::special
#endif  // XJAX_HAS_IMPL
