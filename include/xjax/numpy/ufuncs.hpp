#pragma once
// Elementwise functions under NumPy names, with promotion and broadcasting, as jax.numpy.
//
//   namespace jnp = xjax::numpy;
//   auto y = jnp::add(x, 2.0);                 // x's dtype (a C++ scalar is weakly typed)
//   auto z = jnp::where(jnp::less(x, 0), 0, x);
//   auto r = jnp::remainder(i, 3);             // sign of the divisor, as NumPy
//
// Each function promotes its operands as jax.numpy does (promote_args, or
// promote_args_inexact for functions whose result is a float: exp, divide, arctan2...;
// integer-valued ones such as remainder and power promote bool to int32), broadcasts
// them with NumPy's rules and binds only lax primitives, so it runs eagerly and under
// make_jaxpr. Integer semantics follow XLA on CPU (see lax/elementwise.hpp): integer
// arithmetic wraps, x // 0 and x % 0 are what JAX gives.

#include <cstdint>
#include <optional>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {

// ---------------------------------------------------------------------------
// Unary arithmetic and rounding

XJAX_API array negative(const array& x);
XJAX_API array positive(const array& x);
XJAX_API array absolute(const array& x);  ///< bool and unsigned integers: x itself
XJAX_API array abs(const array& x);       ///< absolute
XJAX_API array fabs(const array& x);      ///< |x| as a float
XJAX_API array sign(const array& x);
XJAX_API array floor(const array& x);  ///< integers and bools: x itself
XJAX_API array ceil(const array& x);   ///< integers and bools: x itself
XJAX_API array trunc(const array& x);  ///< integers and bools: x itself
XJAX_API array rint(const array& x);   ///< to nearest even; integers and bools become float32 (64-bit: float64)
XJAX_API array square(const array& x);
XJAX_API array reciprocal(const array& x);  ///< 1 / x as a float (integer_pow(x, -1))

/// Rounds to `decimals` decimal places, ties to even (jnp.round); integers are returned
/// as they are (decimals < 0 on integers is a value_error, as JAX's NotImplementedError).
XJAX_API array round(const array& x, std::int64_t decimals = 0);
XJAX_API array around(const array& x, std::int64_t decimals = 0);

// ---------------------------------------------------------------------------
// Exponentials, logarithms, powers and roots (results are floats)

XJAX_API array exp(const array& x);
XJAX_API array exp2(const array& x);
XJAX_API array expm1(const array& x);
XJAX_API array log(const array& x);
XJAX_API array log1p(const array& x);
XJAX_API array log2(const array& x);
XJAX_API array log10(const array& x);
XJAX_API array sqrt(const array& x);
XJAX_API array cbrt(const array& x);
XJAX_API array logaddexp(const array& x, const array& y);   ///< log(exp(x) + exp(y)), stable
XJAX_API array logaddexp2(const array& x, const array& y);  ///< log2(2^x + 2^y), stable

/// x ** y as jax.numpy: a concrete 0-d integer y (a C++ int, say) is lax.integer_pow
/// (exact repeated squaring, x's dtype kept; a negative y on integers is an error);
/// integer ** integer is computed by squaring in the promoted integer dtype (y < 0
/// gives JAX's values); float ** integer array uses lax.pow with the integer exponent.
XJAX_API array power(const array& x, const array& y);
XJAX_API array pow(const array& x, const array& y);          ///< power
XJAX_API array float_power(const array& x, const array& y);  ///< power in floats

// ---------------------------------------------------------------------------
// Trigonometric and hyperbolic functions (results are floats)

XJAX_API array sin(const array& x);
XJAX_API array cos(const array& x);
XJAX_API array tan(const array& x);
XJAX_API array arcsin(const array& x);
XJAX_API array arccos(const array& x);
XJAX_API array arctan(const array& x);
XJAX_API array sinh(const array& x);
XJAX_API array cosh(const array& x);
XJAX_API array tanh(const array& x);
XJAX_API array arcsinh(const array& x);
XJAX_API array arccosh(const array& x);
XJAX_API array arctanh(const array& x);
XJAX_API array arctan2(const array& y, const array& x);
XJAX_API array hypot(const array& x, const array& y);  ///< sqrt(x^2 + y^2) without overflow
XJAX_API array deg2rad(const array& x);
XJAX_API array rad2deg(const array& x);
XJAX_API array degrees(const array& x);  ///< rad2deg
XJAX_API array radians(const array& x);  ///< deg2rad
XJAX_API array sinc(const array& x);     ///< sin(pi x) / (pi x), 1 at 0

// ---------------------------------------------------------------------------
// Binary arithmetic

XJAX_API array add(const array& x, const array& y);  ///< bools: logical or
XJAX_API array subtract(const array& x, const array& y);
XJAX_API array multiply(const array& x, const array& y);  ///< bools: logical and
XJAX_API array divide(const array& x, const array& y);       ///< true division (floats)
XJAX_API array true_divide(const array& x, const array& y);  ///< divide
XJAX_API array floor_divide(const array& x, const array& y);  ///< rounds toward -inf
XJAX_API array remainder(const array& x, const array& y);  ///< sign of the divisor (Python's %)
XJAX_API array mod(const array& x, const array& y);        ///< remainder
XJAX_API array fmod(const array& x, const array& y);       ///< C's fmod: sign of the dividend
XJAX_API array maximum(const array& x, const array& y);    ///< NaN propagates
XJAX_API array minimum(const array& x, const array& y);    ///< NaN propagates
XJAX_API array fmax(const array& x, const array& y);       ///< NaN ignored where the other is not NaN
XJAX_API array fmin(const array& x, const array& y);       ///< NaN ignored where the other is not NaN
XJAX_API array heaviside(const array& x, const array& h0);  ///< 0, h0 or 1 for x <, ==, > 0
XJAX_API array copysign(const array& x, const array& y);   ///< |x| with y's sign (floats)
XJAX_API array nextafter(const array& x, const array& y);  ///< next float after x toward y

// ---------------------------------------------------------------------------
// Floating-point classification

XJAX_API array isnan(const array& x);
XJAX_API array isinf(const array& x);
XJAX_API array isposinf(const array& x);
XJAX_API array isneginf(const array& x);
XJAX_API array isfinite(const array& x);
XJAX_API array signbit(const array& x);  ///< the sign bit (-0.0 and -nan included)

/// NaN -> nan, +inf -> posinf (default: the dtype's largest value), -inf -> neginf
/// (default: its lowest); integers and bools are returned as they are.
XJAX_API array nan_to_num(const array& x, double nan = 0.0, std::optional<double> posinf = std::nullopt,
                          std::optional<double> neginf = std::nullopt);

// ---------------------------------------------------------------------------
// Selection

/// condition ? x : y elementwise, the three broadcast together; x and y promoted.
XJAX_API array where(const array& condition, const array& x, const array& y);

/// Limits x to [a_min, a_max] (each optional; maximum(a_min, x) then minimum(a_max, .)).
XJAX_API array clip(const array& x, const std::optional<array>& a_min = std::nullopt,
                    const std::optional<array>& a_max = std::nullopt);

// ---------------------------------------------------------------------------
// Logical and bitwise (bools and integers)

XJAX_API array logical_and(const array& x, const array& y);
XJAX_API array logical_or(const array& x, const array& y);
XJAX_API array logical_xor(const array& x, const array& y);
XJAX_API array logical_not(const array& x);
XJAX_API array bitwise_and(const array& x, const array& y);
XJAX_API array bitwise_or(const array& x, const array& y);
XJAX_API array bitwise_xor(const array& x, const array& y);
XJAX_API array bitwise_not(const array& x);
XJAX_API array invert(const array& x);          ///< bitwise_not
XJAX_API array bitwise_invert(const array& x);  ///< bitwise_not
XJAX_API array left_shift(const array& x, const array& y);   ///< integers (bools promote to int32)
XJAX_API array right_shift(const array& x, const array& y);  ///< arithmetic for signed, logical for unsigned

// ---------------------------------------------------------------------------
// Comparisons (bool results)

XJAX_API array equal(const array& x, const array& y);
XJAX_API array not_equal(const array& x, const array& y);
XJAX_API array less(const array& x, const array& y);
XJAX_API array less_equal(const array& x, const array& y);
XJAX_API array greater(const array& x, const array& y);
XJAX_API array greater_equal(const array& x, const array& y);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <cmath>
#include <limits>
#include <numbers>
#include <string_view>
#include <vector>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/promotion.hpp"
#include "xjax/transforms/custom_derivatives.hpp"

namespace xjax::numpy {
namespace ufunc_detail {

/// A strongly typed 0-d constant of x's dtype (JAX's _constant_like: jnp.array(v, dtype)).
inline array strong_const(const array& like, double v) { return array(v, like.dtype()); }

/// JAX's lax._const(x, v): a constant of x's dtype, strongly typed, except that next to
/// a weakly typed 0-d x of the default dtype it is a C++ scalar (a Python scalar in
/// JAX), which prints as the unrounded value in a jaxpr.
inline array konst(const array& like, double v) {
  if (like.weak_type() && like.ndim() == 0) {
    if (like.dtype() == float32) return array(v);
    if (like.dtype() == int32) return array(static_cast<int>(v));
  }
  return array(v, like.dtype());
}

/// A 0-d concrete constant of dtype d, weakly typed when asked (a C++ scalar's twin).
inline array scalar(dtype d, double v, bool weak) {
  array s(v, d);
  if (!weak) return s;
  eager_scope now;
  return lax::convert_element_type(s, d, true);
}

/// lax.full_like(x, v, dtype): the constant broadcast to x's shape (weak when x is and
/// no dtype is given).
inline array full_like(const array& x, double v, std::optional<dtype> d = std::nullopt) {
  array s = scalar(d.value_or(x.dtype()), v, !d && x.weak_type());
  if (x.ndim() == 0) return s;
  return lax::broadcast_in_dim(s, x.shape(), {});
}

/// jax.numpy's promote_dtypes_numeric: promote_dtypes, then bool -> int32.
inline std::vector<array> promote_dtypes_numeric(std::vector<array> xs) {
  std::vector<aval> avals;
  for (auto& x : xs) avals.push_back(x.aval());
  promoted_type t = result_type(avals);
  if (t.dtype == bool_) t.dtype = int32;
  for (auto& x : xs) x = convert_to(x, t);
  return xs;
}

inline std::vector<array> promote_args_numeric(std::string_view op, std::vector<array> xs) {
  return promote_shapes(op, promote_dtypes_numeric(std::move(xs)));
}

inline array one_inexact(std::string_view op, const array& x) { return promote_args_inexact(op, {x})[0]; }

/// JAX's _broadcast_arrays: the operands at their common shape (none moved when equal).
inline std::vector<array> broadcast_all(std::string_view op, std::vector<array> xs) {
  bool same = true;
  for (auto& x : xs) same = same && x.shape() == xs[0].shape();
  if (same) return xs;
  std::vector<shape_t> shapes;
  for (auto& x : xs) shapes.push_back(x.shape());
  shape_t out = broadcast_shapes(shapes, op);
  for (auto& x : xs) x = broadcast_to(x, out);
  return xs;
}

/// JAX's util._where: the condition made bool, x and y promoted, the three broadcast.
inline array where_impl(std::string_view op, array c, const array& x, const array& y) {
  if (c.dtype() != bool_) c = lax::ne(c, scalar(c.dtype(), 0, c.weak_type()));
  auto xy = promote_dtypes({x, y});
  if (c.ndim() == 0) {
    xy = broadcast_all(op, std::move(xy));
  } else {
    auto all = broadcast_all(op, {c, xy[0], xy[1]});
    c = all[0];
    xy = {all[1], all[2]};
  }
  if (xy[0].size() == 0) return xy[0];
  return lax::select(c, xy[0], xy[1]);
}

inline void require_int_or_bool(std::string_view op, const array& x, const array& y) {
  for (const array* a : {&x, &y}) {
    if (a->dtype().is_floating()) {
      xjax::detail::raise<type_error>(op, "requires integer or boolean arguments, got {} and {}", x.dtype().name(),
                                      y.dtype().name());
    }
  }
}

inline void require_integer_shift(std::string_view op, const array& x, const array& y) {
  for (const array* a : {&x, &y}) {
    if (a->dtype().is_floating()) {
      xjax::detail::raise<type_error>(op, "shifts require integer (or bool) arguments, got {} and {}",
                                      x.dtype().name(), y.dtype().name());
    }
  }
}

/// JAX's _to_bool: x != 0 unless already bool.
inline array to_bool(const array& x) { return x.dtype() == bool_ ? x : lax::ne(x, konst(x, 0)); }

/// (floor(x1 / x2), x1 mod x2) for floats, as JAX's _float_divmod.
inline std::pair<array, array> float_divmod(const array& x1, const array& x2) {
  array mod = lax::rem(x1, x2);
  array x2_zero = equal(x2, 0);
  array diff = lax::sub(x1, mod);
  array x1_corrected = where_impl("floor_divide", x2_zero, x1, diff);
  array div = lax::div(x1_corrected, x2);
  array mod_nonzero = not_equal(mod, 0);
  array s2 = lax::sign(x2);
  array sm = lax::sign(mod);
  array signs_differ = not_equal(s2, sm);
  array ind = lax::bitwise_and(mod_nonzero, signs_differ);
  array mod_plus = add(mod, x2);
  mod = lax::select(ind, mod_plus, mod);
  array div_minus = subtract(div, 1.0);
  div = lax::select(ind, div_minus, div);
  return {lax::round(div), mod};
}

/// JAX's _pow_int_int: x1 ** x2 by six rounds of squaring (exponents < 64).
inline array pow_int_int(array x1, array x2) {
  array zero = strong_const(x2, 0), one = strong_const(x2, 1);
  array x1_zero = lax::eq(x1, zero);
  array x2_nonzero = lax::ne(x2, zero);
  array acc = where_impl("power", lax::bitwise_and(x1_zero, x2_nonzero), zero, one);
  for (int i = 0; i < 6; ++i) {
    array bit = lax::bitwise_and(x2, one);
    array prod = lax::mul(acc, x1);
    acc = where_impl("power", bit, prod, acc);
    x1 = lax::mul(x1, x1);
    x2 = lax::shift_right_logical(x2, one);
  }
  return acc;
}

/// finfo(d).max
inline double float_max(dtype d) {
  if (d == float16) return 65504.0;
  if (d == bfloat16) return 3.3895313892515355e38;
  if (d == float32) return static_cast<double>(std::numeric_limits<float>::max());
  return std::numeric_limits<double>::max();
}

}  // namespace ufunc_detail

namespace ud = ufunc_detail;

// ---------------------------------------------------------------------------
// Unary arithmetic and rounding

XJAX_IMPL array negative(const array& x) {
  array a = promote_args("negative", {x})[0];
  if (a.dtype() == bool_) {
    xjax::detail::raise<type_error>("negative", "is not defined for bool arguments (use logical_not), got {}",
                                    a.aval().str());
  }
  return lax::neg(a);
}

XJAX_IMPL array positive(const array& x) { return promote_args("positive", {x})[0]; }

XJAX_IMPL array absolute(const array& x) {
  if (x.dtype() == bool_ || x.dtype().is_unsigned_integer()) return x;
  return lax::abs(x);
}
XJAX_IMPL array abs(const array& x) { return absolute(x); }
XJAX_IMPL array fabs(const array& x) { return lax::abs(ud::one_inexact("fabs", x)); }

XJAX_IMPL array sign(const array& x) {
  array a = promote_args("sign", {x})[0];
  if (a.dtype() == bool_) xjax::detail::raise<type_error>("sign", "is not defined for bool arguments, got {}", a.aval().str());
  return lax::sign(a);
}

XJAX_IMPL array floor(const array& x) {
  if (!x.dtype().is_floating()) return x;
  return lax::floor(ud::one_inexact("floor", x));
}

XJAX_IMPL array ceil(const array& x) {
  if (!x.dtype().is_floating()) return x;
  return lax::ceil(ud::one_inexact("ceil", x));
}

XJAX_IMPL array trunc(const array& x) {
  if (!x.dtype().is_floating()) return x;
  array neg = lax::lt(x, ud::konst(x, 0));
  array c = ceil(x);
  array f = floor(x);
  return ud::where_impl("trunc", neg, c, f);
}

XJAX_IMPL array rint(const array& x) {
  if (!x.dtype().is_floating()) {
    // JAX's default float: float32, or float64 for 64-bit integers (which need x64).
    return lax::convert_element_type(x, x.dtype() == int64 || x.dtype() == uint64 ? float64 : float32);
  }
  return lax::round(x, lax::rounding_method::to_nearest_even);
}

XJAX_IMPL array square(const array& x) { return lax::square(ud::promote_dtypes_numeric({x})[0]); }

XJAX_IMPL array reciprocal(const array& x) { return lax::integer_pow(promote_dtypes_inexact({x})[0], -1); }

XJAX_IMPL array round(const array& x, std::int64_t decimals) {
  const dtype d = x.dtype();
  if (d.is_integer()) {
    if (decimals < 0) {
      xjax::detail::raise<value_error>("round", "integer rounding is not implemented for decimals < 0, got decimals={} for {}",
                                       decimals, x.aval().str());
    }
    return x;
  }
  if (d == bool_) xjax::detail::raise<type_error>("round", "is not defined for bool arguments, got {}", x.aval().str());
  if (static_cast<double>(decimals) > std::log10(ud::float_max(d))) return x;
  if (decimals == 0) return lax::round(x, lax::rounding_method::to_nearest_even);
  array a = d == float16 ? lax::convert_element_type(x, float32) : x;
  array factor = ud::konst(a, std::pow(10.0, static_cast<double>(decimals)));
  array scaled = lax::mul(a, factor);
  array r = lax::round(scaled, lax::rounding_method::to_nearest_even);
  array out = lax::div(r, factor);
  return d == float16 ? lax::convert_element_type(out, float16) : out;
}
XJAX_IMPL array around(const array& x, std::int64_t decimals) { return round(x, decimals); }

// ---------------------------------------------------------------------------
// Exponentials, logarithms, powers

XJAX_IMPL array exp(const array& x) { return lax::exp(ud::one_inexact("exp", x)); }
XJAX_IMPL array exp2(const array& x) { return lax::exp2(ud::one_inexact("exp2", x)); }
XJAX_IMPL array expm1(const array& x) { return lax::expm1(ud::one_inexact("expm1", x)); }
XJAX_IMPL array log(const array& x) { return lax::log(ud::one_inexact("log", x)); }
XJAX_IMPL array log1p(const array& x) { return lax::log1p(ud::one_inexact("log1p", x)); }
XJAX_IMPL array log2(const array& x) {
  array a = ud::one_inexact("log2", x);
  array l = lax::log(a);
  array ln2 = lax::log(ud::strong_const(a, 2));
  return lax::div(l, ln2);
}
XJAX_IMPL array log10(const array& x) {
  array a = ud::one_inexact("log10", x);
  array l = lax::log(a);
  return lax::mul(l, ud::strong_const(a, 0.4342944819032518));
}
XJAX_IMPL array sqrt(const array& x) { return lax::sqrt(ud::one_inexact("sqrt", x)); }
XJAX_IMPL array cbrt(const array& x) { return lax::cbrt(ud::one_inexact("cbrt", x)); }

namespace ufunc_detail {
/// jax.lax's logaddexp body (base e, or base 2 for logaddexp2) on operands of one dtype.
inline array logaddexp_body(const array& a, const array& b, bool base2) {
  array amax = lax::max(a, b);
  array invln2 = base2 ? konst(amax, 1 / std::numbers::ln2) : array();
  array delta = lax::sub(a, b);
  array isnan_delta = lax::ne(delta, delta);
  array sum = lax::add(a, b);
  array e = base2 ? lax::exp2(lax::neg(lax::abs(delta))) : lax::exp(lax::neg(lax::abs(delta)));
  array t = lax::log1p(e);
  if (base2) t = lax::mul(invln2, t);
  return lax::select(isnan_delta, sum, lax::add(amax, t));
}

/// x with +inf replaced by 0 (JAX's _replace_inf).
inline array replace_inf(const array& x) {
  array is_inf = lax::eq(x, strong_const(x, std::numeric_limits<double>::infinity()));
  array zero = array(0, x.dtype());
  array zeros = x.ndim() == 0 ? zero : lax::broadcast_in_dim(zero, x.shape(), {});
  return lax::select(is_inf, zeros, x);
}

/// logaddexp(2) as JAX defines it: a custom_jvp function whose derivative
/// t1 * exp(x1 - out) + t2 * exp(x2 - out) is exact at ties and finite at infinities.
inline array logaddexp_custom(const array& a, const array& b, bool base2) {
  auto rule = [base2](const std::tuple<array, array>& primals, const std::tuple<array, array>& tangents) {
    const auto& [x1, x2] = primals;
    const auto& [t1, t2] = tangents;
    array out = logaddexp_custom(x1, x2, base2);
    auto term = [&](const array& x, const array& t) {
      array rx = replace_inf(x);
      array rout = replace_inf(out);
      array d = lax::sub(rx, rout);
      return lax::mul(t, base2 ? lax::exp2(d) : lax::exp(d));
    };
    array first = term(x1, t1);
    array second = term(x2, t2);
    return std::pair{out, lax::add(first, second)};
  };
  const char* name = base2 ? "logaddexp2" : "logaddexp";
  auto f = custom_jvp([base2](const array& p, const array& q) { return logaddexp_body(p, q, base2); }, rule, name,
                      base2 ? "_logaddexp2_jvp" : "_logaddexp_jvp");
  return f(a, b);
}
}  // namespace ufunc_detail

XJAX_IMPL array logaddexp(const array& x, const array& y) {
  auto p = promote_args_inexact("logaddexp", {x, y});
  return ud::logaddexp_custom(p[0], p[1], false);
}

XJAX_IMPL array logaddexp2(const array& x, const array& y) {
  auto p = promote_args_inexact("logaddexp2", {x, y});
  return ud::logaddexp_custom(p[0], p[1], true);
}

XJAX_IMPL array power(const array& x, const array& y) {
  if (y.is_concrete() && y.ndim() == 0 && y.dtype().is_integer()) {
    array a = ud::promote_dtypes_numeric({x})[0];
    return lax::integer_pow(a, y.item<std::int64_t>());
  }
  auto shaped = promote_shapes("power", {x, y});
  auto p = ud::promote_args_numeric("power", shaped);
  if (p[0].dtype().is_integer()) return ud::pow_int_int(p[0], p[1]);
  if (shaped[0].dtype().is_floating() && shaped[1].dtype().is_integer()) return lax::pow(shaped[0], shaped[1]);
  return lax::pow(p[0], p[1]);
}
XJAX_IMPL array pow(const array& x, const array& y) { return power(x, y); }

XJAX_IMPL array float_power(const array& x, const array& y) {
  auto p = promote_args_inexact("float_power", {x, y});
  return lax::pow(p[0], p[1]);
}

// ---------------------------------------------------------------------------
// Trigonometric

XJAX_IMPL array sin(const array& x) { return lax::sin(ud::one_inexact("sin", x)); }
XJAX_IMPL array cos(const array& x) { return lax::cos(ud::one_inexact("cos", x)); }
XJAX_IMPL array tan(const array& x) { return lax::tan(ud::one_inexact("tan", x)); }
XJAX_IMPL array arcsin(const array& x) { return lax::asin(ud::one_inexact("arcsin", x)); }
XJAX_IMPL array arccos(const array& x) { return lax::acos(ud::one_inexact("arccos", x)); }
XJAX_IMPL array arctan(const array& x) { return lax::atan(ud::one_inexact("arctan", x)); }
XJAX_IMPL array sinh(const array& x) { return lax::sinh(ud::one_inexact("sinh", x)); }
XJAX_IMPL array cosh(const array& x) { return lax::cosh(ud::one_inexact("cosh", x)); }
XJAX_IMPL array tanh(const array& x) { return lax::tanh(ud::one_inexact("tanh", x)); }
XJAX_IMPL array arcsinh(const array& x) { return lax::asinh(ud::one_inexact("arcsinh", x)); }
XJAX_IMPL array arccosh(const array& x) { return lax::acosh(ud::one_inexact("arccosh", x)); }
XJAX_IMPL array arctanh(const array& x) { return lax::atanh(ud::one_inexact("arctanh", x)); }

XJAX_IMPL array arctan2(const array& y, const array& x) {
  auto p = promote_args_inexact("arctan2", {y, x});
  return lax::atan2(p[0], p[1]);
}

XJAX_IMPL array hypot(const array& x, const array& y) {
  auto p = promote_args_inexact("hypot", {x, y});
  array a1 = lax::abs(p[0]);
  array a2 = lax::abs(p[1]);
  array inf1 = isposinf(a1);
  array inf2 = isposinf(a2);
  array idx_inf = lax::bitwise_or(inf1, inf2);
  array hi = maximum(a1, a2);
  array lo = minimum(a1, a2);
  array hi_zero = equal(hi, 0);
  array hi_zero2 = equal(hi, 0);
  array safe = ud::where_impl("hypot", hi_zero2, ud::full_like(hi, 1), hi);
  array q = lax::square(lax::div(lo, safe));
  array r = multiply(hi, lax::sqrt(add(1, q)));
  array h = ud::where_impl("hypot", hi_zero, hi, r);
  return ud::where_impl("hypot", idx_inf, ud::konst(h, INFINITY), h);
}

XJAX_IMPL array deg2rad(const array& x) {
  array a = ud::one_inexact("deg2rad", x);
  return lax::mul(a, ud::konst(a, std::numbers::pi / 180));
}
XJAX_IMPL array rad2deg(const array& x) {
  array a = ud::one_inexact("rad2deg", x);
  return lax::mul(a, ud::konst(a, 180 / std::numbers::pi));
}
XJAX_IMPL array degrees(const array& x) { return rad2deg(x); }
XJAX_IMPL array radians(const array& x) { return deg2rad(x); }

XJAX_IMPL array sinc(const array& x) {
  array a = promote_dtypes_inexact({x})[0];
  array eq_zero = lax::eq(a, ud::konst(a, 0));
  array pi_x = lax::mul(ud::konst(a, std::numbers::pi), a);
  array safe_pi_x = ud::where_impl("sinc", eq_zero, ud::konst(a, 1), pi_x);
  array at_zero = add(multiply(pi_x, 0), ud::konst(pi_x, 1.0));  // JAX's _sinc_maclaurin(0, pi_x)
  array ratio = lax::div(lax::sin(safe_pi_x), safe_pi_x);
  return ud::where_impl("sinc", eq_zero, at_zero, ratio);
}

// ---------------------------------------------------------------------------
// Binary arithmetic

XJAX_IMPL array add(const array& x, const array& y) {
  auto p = promote_args("add", {x, y});
  if (p[0].dtype() == bool_) return lax::bitwise_or(p[0], p[1]);
  return lax::add(p[0], p[1]);
}

XJAX_IMPL array subtract(const array& x, const array& y) {
  auto p = promote_args("subtract", {x, y});
  if (p[0].dtype() == bool_) {
    xjax::detail::raise<type_error>("subtract", "is not defined for bool arguments (use logical_xor), got {} and {}",
                                    x.aval().str(), y.aval().str());
  }
  return lax::sub(p[0], p[1]);
}

XJAX_IMPL array multiply(const array& x, const array& y) {
  auto p = promote_args("multiply", {x, y});
  if (p[0].dtype() == bool_) return lax::bitwise_and(p[0], p[1]);
  return lax::mul(p[0], p[1]);
}

XJAX_IMPL array true_divide(const array& x, const array& y) {
  auto p = promote_args_inexact("true_divide", {x, y});
  return lax::div(p[0], p[1]);
}
XJAX_IMPL array divide(const array& x, const array& y) { return true_divide(x, y); }

XJAX_IMPL array floor_divide(const array& x, const array& y) {
  auto p = ud::promote_args_numeric("floor_divide", {x, y});
  const dtype d = p[0].dtype();
  if (d.is_unsigned_integer()) return lax::div(p[0], p[1]);
  if (d.is_signed_integer()) {
    array quotient = lax::div(p[0], p[1]);
    array s1 = lax::sign(p[0]);
    array s2 = lax::sign(p[1]);
    array signs_differ = not_equal(s1, s2);
    array r = lax::rem(p[0], p[1]);
    array inexact = not_equal(r, 0);
    array select = logical_and(signs_differ, inexact);
    array qm1 = subtract(quotient, 1);
    return ud::where_impl("floor_divide", select, qm1, quotient);
  }
  return ud::float_divmod(p[0], p[1]).first;
}

XJAX_IMPL array remainder(const array& x, const array& y) {
  auto p = ud::promote_args_numeric("remainder", {x, y});
  array x1 = p[0], x2 = p[1];
  array zero = ud::strong_const(x1, 0);
  if (x2.dtype().is_integer()) {
    array x2_zero = equal(x2, 0);
    x2 = ud::where_impl("remainder", x2_zero, ud::full_like(x2, 1), x2);
  }
  array trunc_mod = lax::rem(x1, x2);
  array trunc_mod_not_zero = lax::ne(trunc_mod, zero);
  array a = lax::lt(trunc_mod, zero);
  array b = lax::lt(x2, zero);
  array do_plus = lax::bitwise_and(lax::ne(a, b), trunc_mod_not_zero);
  array plus = lax::add(trunc_mod, x2);
  return lax::select(do_plus, plus, trunc_mod);
}
XJAX_IMPL array mod(const array& x, const array& y) { return remainder(x, y); }

XJAX_IMPL array fmod(const array& x, const array& y) {
  array x2 = y;
  const aval avs[2] = {x.aval(), y.aval()};
  if (result_type(avs).dtype.is_integer()) {
    array x2_zero = equal(x2, 0);
    x2 = ud::where_impl("fmod", x2_zero, ud::full_like(x2, 1), x2);
  }
  auto p = ud::promote_args_numeric("fmod", {x, x2});
  return lax::rem(p[0], p[1]);
}

XJAX_IMPL array maximum(const array& x, const array& y) {
  auto p = promote_args("maximum", {x, y});
  return lax::max(p[0], p[1]);
}
XJAX_IMPL array minimum(const array& x, const array& y) {
  auto p = promote_args("minimum", {x, y});
  return lax::min(p[0], p[1]);
}

XJAX_IMPL array fmax(const array& x, const array& y) {
  array gt = greater(x, y);
  array nan2 = isnan(y);
  array mask = bitwise_or(gt, nan2);
  return ud::where_impl("fmax", mask, x, y);
}
XJAX_IMPL array fmin(const array& x, const array& y) {
  array lt = less(x, y);
  array nan2 = isnan(y);
  array mask = bitwise_or(lt, nan2);
  return ud::where_impl("fmin", mask, x, y);
}

XJAX_IMPL array heaviside(const array& x, const array& h0) {
  auto p = promote_dtypes_inexact({x, h0});
  array zero = ud::konst(p[0], 0);
  array neg = lax::lt(p[0], zero);
  array pos = lax::gt(p[0], zero);
  array one = ud::konst(p[0], 1);
  array nan = lax::ne(p[0], p[0]);
  array inner = ud::where_impl("heaviside", nan, p[0], p[1]);
  array middle = ud::where_impl("heaviside", pos, one, inner);
  return ud::where_impl("heaviside", neg, zero, middle);
}

XJAX_IMPL array copysign(const array& x, const array& y) {
  auto p = promote_args_inexact("copysign", {x, y});
  array s = signbit(p[1]);
  array neg_abs = negative(lax::abs(p[0]));
  array pos_abs = lax::abs(p[0]);
  return ud::where_impl("copysign", s, neg_abs, pos_abs);
}

XJAX_IMPL array nextafter(const array& x, const array& y) {
  auto p = promote_args_inexact("nextafter", {x, y});
  return lax::nextafter(p[0], p[1]);
}

// ---------------------------------------------------------------------------
// Classification

XJAX_IMPL array isnan(const array& x) { return lax::ne(x, x); }

XJAX_IMPL array isinf(const array& x) {
  if (!x.dtype().is_floating()) return ud::full_like(x, 0, bool_);
  return lax::eq(lax::abs(x), ud::strong_const(x, INFINITY));
}
XJAX_IMPL array isposinf(const array& x) {
  if (!x.dtype().is_floating()) return ud::full_like(x, 0, bool_);
  return lax::eq(x, ud::strong_const(x, INFINITY));
}
XJAX_IMPL array isneginf(const array& x) {
  if (!x.dtype().is_floating()) return ud::full_like(x, 0, bool_);
  return lax::eq(x, ud::strong_const(x, -INFINITY));
}
XJAX_IMPL array isfinite(const array& x) {
  if (!x.dtype().is_floating()) return ud::full_like(x, 1, bool_);
  return lax::is_finite(x);
}

XJAX_IMPL array signbit(const array& x) {
  array a = promote_args("signbit", {x})[0];
  const dtype d = a.dtype();
  if (d.is_integer()) return lax::lt(a, ud::strong_const(a, 0));
  if (d == bool_) return ud::full_like(a, 0, bool_);
  const dtype int_type = d.itemsize() == 2 ? int16 : d.itemsize() == 4 ? int32 : int64;
  array bits = lax::bitcast_convert_type(a, int_type);
  array shifted = right_shift(bits, static_cast<int>(d.itemsize() * 8 - 1));
  return lax::convert_element_type(shifted, bool_);
}

XJAX_IMPL array nan_to_num(const array& x, double nan, std::optional<double> posinf, std::optional<double> neginf) {
  const dtype d = x.dtype();
  if (!d.is_floating()) return x;
  const double pinf = posinf.value_or(ud::float_max(d));
  const double ninf = neginf.value_or(-ud::float_max(d));
  array out = ud::where_impl("nan_to_num", isnan(x), array(nan, d), x);
  out = ud::where_impl("nan_to_num", isposinf(out), array(pinf, d), out);
  out = ud::where_impl("nan_to_num", isneginf(out), array(ninf, d), out);
  return out;
}

// ---------------------------------------------------------------------------
// Selection

XJAX_IMPL array where(const array& condition, const array& x, const array& y) {
  return ud::where_impl("where", condition, x, y);
}

XJAX_IMPL array clip(const array& x, const std::optional<array>& a_min, const std::optional<array>& a_max) {
  array out = x;
  if (a_min) out = maximum(*a_min, out);
  if (a_max) out = minimum(*a_max, out);
  return out;
}

// ---------------------------------------------------------------------------
// Logical and bitwise

XJAX_IMPL array logical_and(const array& x, const array& y) {
  auto p = promote_args("logical_and", {x, y});
  array a = ud::to_bool(p[0]);
  array b = ud::to_bool(p[1]);
  return lax::bitwise_and(a, b);
}
XJAX_IMPL array logical_or(const array& x, const array& y) {
  auto p = promote_args("logical_or", {x, y});
  array a = ud::to_bool(p[0]);
  array b = ud::to_bool(p[1]);
  return lax::bitwise_or(a, b);
}
XJAX_IMPL array logical_xor(const array& x, const array& y) {
  auto p = promote_args("logical_xor", {x, y});
  array a = ud::to_bool(p[0]);
  array b = ud::to_bool(p[1]);
  return lax::bitwise_xor(a, b);
}
XJAX_IMPL array logical_not(const array& x) { return lax::bitwise_not(ud::to_bool(promote_args("logical_not", {x})[0])); }

XJAX_IMPL array bitwise_and(const array& x, const array& y) {
  ud::require_int_or_bool("bitwise_and", x, y);
  auto p = promote_args("bitwise_and", {x, y});
  return lax::bitwise_and(p[0], p[1]);
}
XJAX_IMPL array bitwise_or(const array& x, const array& y) {
  ud::require_int_or_bool("bitwise_or", x, y);
  auto p = promote_args("bitwise_or", {x, y});
  return lax::bitwise_or(p[0], p[1]);
}
XJAX_IMPL array bitwise_xor(const array& x, const array& y) {
  ud::require_int_or_bool("bitwise_xor", x, y);
  auto p = promote_args("bitwise_xor", {x, y});
  return lax::bitwise_xor(p[0], p[1]);
}
XJAX_IMPL array bitwise_not(const array& x) {
  if (x.dtype().is_floating()) {
    xjax::detail::raise<type_error>("bitwise_not", "requires an integer or boolean argument, got {}", x.aval().str());
  }
  return lax::bitwise_not(promote_args("bitwise_not", {x})[0]);
}
XJAX_IMPL array invert(const array& x) { return bitwise_not(x); }
XJAX_IMPL array bitwise_invert(const array& x) { return bitwise_not(x); }

XJAX_IMPL array left_shift(const array& x, const array& y) {
  ud::require_integer_shift("left_shift", x, y);
  auto p = ud::promote_args_numeric("left_shift", {x, y});
  return lax::shift_left(p[0], p[1]);
}
XJAX_IMPL array right_shift(const array& x, const array& y) {
  ud::require_integer_shift("right_shift", x, y);
  auto p = ud::promote_args_numeric("right_shift", {x, y});
  if (p[0].dtype().is_unsigned_integer()) return lax::shift_right_logical(p[0], p[1]);
  return lax::shift_right_arithmetic(p[0], p[1]);
}

// ---------------------------------------------------------------------------
// Comparisons

#define XJAX_NP_COMPARE(NAME, LAXOP)                      \
  XJAX_IMPL array NAME(const array& x, const array& y) { \
    auto p = promote_args(#NAME, {x, y});                 \
    return lax::LAXOP(p[0], p[1]);                        \
  }
XJAX_NP_COMPARE(equal, eq)
XJAX_NP_COMPARE(not_equal, ne)
XJAX_NP_COMPARE(less, lt)
XJAX_NP_COMPARE(less_equal, le)
XJAX_NP_COMPARE(greater, gt)
XJAX_NP_COMPARE(greater_equal, ge)
#undef XJAX_NP_COMPARE

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
