#pragma once
// xjax::nn: the activation functions and helpers of jax.nn 0.10.2 (relu, relu6, sigmoid,
// softplus, silu/swish, gelu, elu, leaky_relu, log_sigmoid, softmax, log_softmax,
// logsumexp, one_hot, standardize), with JAX's values and JAX's derivatives.
//
//   namespace nn = xjax::nn;
//   auto h = nn::relu(jnp::matmul(x, w1) + b1);
//   auto logp = nn::log_softmax(logits);            // over the last axis, max-shifted
//   auto y = nn::one_hot(labels, 10);               // f32[batch, 10]
//
// Derivatives at the points where JAX picked a convention: relu'(0) = 0 and
// relu6'(0) = relu6'(6) = 0 (custom_jvp functions with JAX's rules: the tangent passes
// only where 0 < x (< 6)); leaky_relu'(0) = 1 and elu'(0) = alpha (JAX's `where`
// branches); softmax and log_softmax subtract the stop_gradient'ed maximum (JAX's
// default, jax_softmax_custom_jvp off).
//
// Axes (`axis`) as jax.numpy: an int, a tuple ({0, 1}) or std::nullopt (all axes);
// negative axes count from the end. jax.nn's `where` arguments are not supported.

#include <cstdint>
#include <optional>
#include <string_view>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/core/dtype.hpp"
#include "xjax/numpy/reductions.hpp"

namespace xjax::nn {

using axes_arg = numpy::reduction_axes;

XJAX_API array relu(const array& x);   ///< max(x, 0); derivative 0 at 0 (JAX's convention)
XJAX_API array relu6(const array& x);  ///< min(max(x, 0), 6); derivative 0 at 0 and at 6
XJAX_API array sigmoid(const array& x);  ///< lax.logistic: 1 / (1 + exp(-x)) (float inputs)
XJAX_API array softplus(const array& x);  ///< log(1 + exp(x)) as jnp.logaddexp(x, 0), stable
XJAX_API array silu(const array& x);      ///< x * sigmoid(x)
inline array swish(const array& x) { return silu(x); }  ///< silu
/// x * Phi(x): with `approximate`, JAX's tanh formula 0.5 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)));
/// else 0.5 x erfc(-x / sqrt(2)). Integer inputs are promoted to float32.
XJAX_API array gelu(const array& x, bool approximate = true);
/// x where x > 0, alpha (exp(x) - 1) elsewhere (expm1 of a where-trick'ed argument).
/// A C++ number `alpha` is a Python float: exact next to float64 x.
XJAX_API array elu(const array& x, const array& alpha);
XJAX_API array elu(const array& x, double alpha = 1.0);
/// x where x >= 0, negative_slope * x elsewhere (a C++ number as a Python float).
XJAX_API array leaky_relu(const array& x, const array& negative_slope);
XJAX_API array leaky_relu(const array& x, double negative_slope = 1e-2);
XJAX_API array log_sigmoid(const array& x);  ///< log(sigmoid(x)) = -softplus(-x), stable
/// exp(x) / sum(exp(x)) over `axis` (default: the last), shifted by the stop_gradient'ed max.
XJAX_API array softmax(const array& x, const axes_arg& axis = -1);
/// x - logsumexp(x) over `axis` (default: the last), shifted by the stop_gradient'ed max.
XJAX_API array log_softmax(const array& x, const axes_arg& axis = -1);
/// log(sum(b * exp(a))) over `axis` (default: all axes): jax.nn.logsumexp, which is
/// jax.scipy.special.logsumexp (see xjax::scipy::special::logsumexp).
XJAX_API array logsumexp(const array& a, const axes_arg& axis = std::nullopt,
                         const std::optional<array>& b = std::nullopt, bool keepdims = false);
/// x's integers as one-hot vectors of length num_classes along `axis` of the result
/// (default: a new last axis); indices outside [0, num_classes) give all zeros.
XJAX_API array one_hot(const array& x, std::int64_t num_classes, dtype d = float32, std::int64_t axis = -1);
/// (x - mean) / sqrt(variance + epsilon) over `axis` (default: the last); mean and
/// variance are computed when not given, by `algorithm` "fast" (mean(x^2) - mean(x)^2,
/// clipped at 0, JAX's default) or "stable" (mean((x - mean)^2)). A C++ number
/// `epsilon` is a Python float (exact next to float64 x).
XJAX_API array standardize(const array& x, const axes_arg& axis, const std::optional<array>& mean,
                           const std::optional<array>& variance, const array& epsilon,
                           std::string_view algorithm = "fast");
XJAX_API array standardize(const array& x, const axes_arg& axis = -1, const std::optional<array>& mean = std::nullopt,
                           const std::optional<array>& variance = std::nullopt, double epsilon = 1e-5,
                           std::string_view algorithm = "fast");

}  // namespace xjax::nn

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <cmath>
#include <numbers>
#include <tuple>
#include <utility>

#include "xjax/core/errors.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/creation.hpp"
#include "xjax/numpy/operators.hpp"
#include "xjax/numpy/promotion.hpp"
#include "xjax/numpy/ufuncs.hpp"
#include "xjax/scipy/special.hpp"
#include "xjax/transforms/custom_derivatives.hpp"

namespace xjax::nn {
namespace nn_detail {

/// lax.full_like(t, v): v in t's dtype (weak when t is), broadcast to t's shape.
inline array full_like(const array& t, double v) {
  array c(v, t.dtype());
  if (t.weak_type()) {
    eager_scope now;
    c = lax::convert_element_type(c, t.dtype(), true);
  }
  return t.ndim() == 0 ? c : lax::broadcast_in_dim(c, t.shape(), {});
}

/// A function of one array `f` as a custom_jvp whose tangent is t where `passes(x)`
/// and 0 elsewhere: JAX's `f.defjvps(lambda g, ans, x: lax.select(passes(x), g,
/// lax.full_like(g, 0)))` of relu and relu6.
template <class F, class P> auto gated_tangent(F f, P passes, const char* name) {
  return xjax::custom_jvp(
      f,
      [f, passes](const std::tuple<array>& primals, const std::tuple<array>& tangents) {
        const array& x = std::get<0>(primals);
        const array& t = std::get<0>(tangents);
        return std::pair{f(x), lax::select(passes(x), t, full_like(t, 0))};
      },
      name);
}

/// A strongly typed 0-d constant of x's dtype (a NumPy scalar `np.float32(v)` in JAX).
inline array strong_constant(const array& x, double v) { return array(v, x.dtype()); }

/// A Python float argument next to x, as JAX converts it: next to floating x, a weakly
/// typed constant of x's dtype rounded once from the double (exact in float64); else a
/// C++ scalar (weak float32).
inline array python_float(const array& x, double v) {
  if (!x.dtype().is_floating()) return array(v);
  eager_scope now;
  return lax::convert_element_type(array(v, x.dtype()), x.dtype(), true);
}

}  // namespace nn_detail

namespace nd = nn_detail;

XJAX_IMPL array relu(const array& x) {
  static const auto f = nd::gated_tangent([](const array& a) { return numpy::maximum(a, 0); },
                                          [](const array& a) { return numpy::greater(a, 0); }, "relu");
  return f(x);
}

XJAX_IMPL array relu6(const array& x) {
  static const auto f = nd::gated_tangent(
      [](const array& a) { return numpy::minimum(numpy::maximum(a, 0), 6.0); },
      [](const array& a) { return numpy::bitwise_and(numpy::greater(a, 0), numpy::less(a, 6.0)); }, "relu6");
  return f(x);
}

XJAX_IMPL array sigmoid(const array& x) { return lax::logistic(x); }

XJAX_IMPL array softplus(const array& x) { return numpy::logaddexp(x, 0); }

XJAX_IMPL array silu(const array& x) { return numpy::multiply(x, sigmoid(x)); }

XJAX_IMPL array gelu(const array& x, bool approximate) {
  array a = numpy::promote_args_inexact("gelu", {x})[0];
  auto c = [&](double v) { return nd::python_float(a, v); };
  if (approximate) {
    array sqrt_2_over_pi = nd::strong_constant(a, std::sqrt(2 / std::numbers::pi));
    array cube = numpy::multiply(c(0.044715), numpy::power(a, 3));
    array inner = numpy::multiply(sqrt_2_over_pi, numpy::add(a, cube));
    array cdf = numpy::multiply(c(0.5), numpy::add(c(1.0), numpy::tanh(inner)));
    return numpy::multiply(a, cdf);
  }
  array sqrt_half = nd::strong_constant(a, std::sqrt(0.5));
  array erfc = lax::erfc(numpy::multiply(numpy::negative(a), sqrt_half));
  return lax::copy(numpy::multiply(numpy::multiply(c(0.5), a), erfc));
}

XJAX_IMPL array elu(const array& x, const array& alpha) {
  array positive = numpy::greater(x, 0);
  array safe = numpy::where(numpy::greater(x, 0), 0.0, x);  // expm1 never sees the positive side
  return numpy::where(positive, x, numpy::multiply(alpha, numpy::expm1(safe)));
}

XJAX_IMPL array elu(const array& x, double alpha) { return elu(x, nd::python_float(x, alpha)); }

XJAX_IMPL array leaky_relu(const array& x, const array& negative_slope) {
  return numpy::where(numpy::greater_equal(x, 0), x, numpy::multiply(negative_slope, x));
}

XJAX_IMPL array leaky_relu(const array& x, double negative_slope) {
  return leaky_relu(x, nd::python_float(x, negative_slope));
}

XJAX_IMPL array log_sigmoid(const array& x) { return numpy::negative(softplus(numpy::negative(x))); }

XJAX_IMPL array softmax(const array& x, const axes_arg& axis) { return scipy::special::softmax(x, axis.axes); }

XJAX_IMPL array log_softmax(const array& x, const axes_arg& axis) {
  return scipy::special::log_softmax(x, axis.axes);
}

XJAX_IMPL array logsumexp(const array& a, const axes_arg& axis, const std::optional<array>& b, bool keepdims) {
  return scipy::special::logsumexp(a, axis.axes, b, keepdims);
}

XJAX_IMPL array one_hot(const array& x, std::int64_t num_classes, dtype d, std::int64_t axis) {
  const std::int64_t nd_out = x.ndim() + 1;
  if (axis < -nd_out || axis >= nd_out) {
    xjax::detail::raise<value_error>("one_hot", "axis {} is out of bounds for the result of dimension {}", axis, nd_out);
  }
  if (num_classes < 0) xjax::detail::raise<value_error>("one_hot", "num_classes must be >= 0, got {}", num_classes);
  const std::int64_t pos = axis < 0 ? axis + nd_out : axis;
  array lhs = lax::expand_dims(x, {pos});
  shape_t rhs_shape(static_cast<std::size_t>(x.ndim()), 1);
  rhs_shape.insert(rhs_shape.begin() + pos, num_classes);
  array rhs = lax::broadcasted_iota(x.dtype(), rhs_shape, pos);
  return numpy::asarray(lax::eq(lhs, rhs), d);
}

XJAX_IMPL array standardize(const array& x, const axes_arg& axis, const std::optional<array>& mean,
                            const std::optional<array>& variance, const array& epsilon, std::string_view algorithm) {
  if (algorithm != "fast" && algorithm != "stable") {
    xjax::detail::raise<value_error>("standardize", "unknown algorithm '{}', expected 'fast' or 'stable'", algorithm);
  }
  array m = mean ? *mean : numpy::mean(x, axis, std::nullopt, true);
  array v;
  if (variance) {
    v = *variance;
  } else if (algorithm == "stable") {
    v = numpy::mean(numpy::square(numpy::subtract(x, m)), axis, std::nullopt, true);
  } else {
    // mean(x^2) - mean(x)^2 can come out negative: clipped at 0, as JAX.
    v = numpy::mean(numpy::square(x), axis, std::nullopt, true);
    v = numpy::clip(numpy::subtract(v, numpy::square(m)), array(0));
  }
  return numpy::multiply(numpy::subtract(x, m), lax::rsqrt(numpy::add(v, epsilon)));
}

XJAX_IMPL array standardize(const array& x, const axes_arg& axis, const std::optional<array>& mean,
                            const std::optional<array>& variance, double epsilon, std::string_view algorithm) {
  return standardize(x, axis, mean, variance, nd::python_float(x, epsilon), algorithm);
}

}  // namespace xjax::nn
#endif  // XJAX_HAS_IMPL
