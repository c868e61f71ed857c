#pragma once
// xjax::lax elementwise functions; defined in primitives/elementwise.hpp.
//
// As in jax.lax: operands of an n-ary op have one dtype (lax does not promote; use
// xjax::numpy for promotion) and shapes that are equal, 0-d (broadcast to the others),
// or of equal rank with 1 where they broadcast (f32[3,1] + f32[1,4] -> f32[3,4]).
// C++ scalars are weakly typed 0-d arrays (f32 for floats, i32 for integers); the
// result is weakly typed when every operand is.
//
//   namespace lax = xjax::lax;
//   auto y = lax::mul(lax::sin(x), 2.0);           // f32 x -> f32 y
//   auto m = lax::select_n(lax::lt(x, 0.0), x, y);  // m = x < 0 ? y : x
//   auto i = lax::convert_element_type(x, xjax::int32);
//
// Integer semantics are XLA's on CPU: arithmetic wraps; x / 0 is -1 (signed) or the
// all-ones value (unsigned) and x % 0 is x; INT_MIN / -1 is INT_MIN and INT_MIN % -1
// is 0; shifts by an amount outside [0, bit width) give 0 (shift_right_arithmetic: the
// sign fill). Float to integer conversion saturates and maps NaN to 0.

#include <concepts>
#include <cstdint>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

// ---------------------------------------------------------------------------
// Unary arithmetic and rounding

XJAX_API array neg(const array& x);    ///< -x (integers wrap: -INT_MIN == INT_MIN; unsigned: 0 - x)
XJAX_API array sign(const array& x);   ///< -1, 0 or 1 (floats: ±0 and NaN pass through)
XJAX_API array abs(const array& x);    ///< |x|; signed integers and floats (abs(INT_MIN) == INT_MIN)
XJAX_API array square(const array& x); ///< x * x
XJAX_API array floor(const array& x);
XJAX_API array ceil(const array& x);
XJAX_API array is_finite(const array& x);  ///< bool: neither inf nor NaN (floats only)

/// How lax::round breaks ties; prints as JAX's RoundingMethod (0 and 1).
enum class rounding_method : int {
  away_from_zero = 0,   ///< 2.5 -> 3, -0.5 -> -1 (JAX's default)
  to_nearest_even = 1,  ///< 2.5 -> 2, 3.5 -> 4 (banker's rounding)
};
/// Rounds to an integral value: `lax::round(x, lax::rounding_method::to_nearest_even)`.
XJAX_API array round(const array& x, rounding_method method = rounding_method::away_from_zero);

/// x raised to the constant integer power y, by repeated squaring in x's dtype (as XLA);
/// integer x requires y >= 0. `lax::integer_pow(x, 3)`.
XJAX_API array integer_pow(const array& x, std::int64_t y);

// ---------------------------------------------------------------------------
// Transcendental functions (float dtypes only)

XJAX_API array exp(const array& x);
XJAX_API array exp2(const array& x);
XJAX_API array expm1(const array& x);
XJAX_API array log(const array& x);
XJAX_API array log1p(const array& x);
XJAX_API array sqrt(const array& x);
XJAX_API array rsqrt(const array& x);  ///< 1 / sqrt(x)
XJAX_API array cbrt(const array& x);
XJAX_API array sin(const array& x);
XJAX_API array cos(const array& x);
XJAX_API array tan(const array& x);
XJAX_API array asin(const array& x);
XJAX_API array acos(const array& x);
XJAX_API array atan(const array& x);
XJAX_API array sinh(const array& x);
XJAX_API array cosh(const array& x);
XJAX_API array tanh(const array& x);
XJAX_API array asinh(const array& x);
XJAX_API array acosh(const array& x);
XJAX_API array atanh(const array& x);
XJAX_API array logistic(const array& x);  ///< 1 / (1 + exp(-x))
XJAX_API array erf(const array& x);
XJAX_API array erfc(const array& x);     ///< 1 - erf(x), accurate in the right tail
XJAX_API array erf_inv(const array& x);  ///< inverse of erf: ±1 -> ±inf, |x| > 1 -> NaN
XJAX_API array lgamma(const array& x);   ///< log |Gamma(x)|; +inf at the poles
XJAX_API array digamma(const array& x);  ///< Gamma'(x) / Gamma(x); NaN at the poles (0, -1, ...)
/// psi^(m)(x), the m-th derivative of digamma (m and x of one float dtype; NaN unless m
/// is a natural number). Differentiable in x.
XJAX_API array polygamma(const array& m, const array& x);

// ---------------------------------------------------------------------------
// Binary arithmetic

XJAX_API array add(const array& x, const array& y);
XJAX_API array sub(const array& x, const array& y);
XJAX_API array mul(const array& x, const array& y);
XJAX_API array div(const array& x, const array& y);  ///< integers round toward zero
XJAX_API array rem(const array& x, const array& y);  ///< C fmod / %: the sign of x
XJAX_API array max(const array& x, const array& y);  ///< NaN propagates; max(-0.0, 0.0) is 0.0
XJAX_API array min(const array& x, const array& y);  ///< NaN propagates; min(-0.0, 0.0) is -0.0
XJAX_API array pow(const array& x, const array& y);  ///< float x; y of x's dtype or any integer dtype
XJAX_API array atan2(const array& x, const array& y);
XJAX_API array nextafter(const array& x, const array& y);  ///< next value of x's dtype from x toward y

// ---------------------------------------------------------------------------
// Bitwise and logical (bool and integers), shifts and population count (integers)

XJAX_API array bitwise_and(const array& x, const array& y);  ///< primitive `and`
XJAX_API array bitwise_or(const array& x, const array& y);   ///< primitive `or`
XJAX_API array bitwise_xor(const array& x, const array& y);  ///< primitive `xor`
XJAX_API array bitwise_not(const array& x);                  ///< primitive `not`
XJAX_API array shift_left(const array& x, const array& y);
XJAX_API array shift_right_logical(const array& x, const array& y);
XJAX_API array shift_right_arithmetic(const array& x, const array& y);
XJAX_API array population_count(const array& x);  ///< number of set bits in x's width

// ---------------------------------------------------------------------------
// Comparisons (bool results; floats compare as IEEE: NaN != NaN, -0.0 == 0.0)

XJAX_API array eq(const array& x, const array& y);
XJAX_API array ne(const array& x, const array& y);
XJAX_API array lt(const array& x, const array& y);
XJAX_API array le(const array& x, const array& y);
XJAX_API array gt(const array& x, const array& y);
XJAX_API array ge(const array& x, const array& y);

// ---------------------------------------------------------------------------
// Selection

/// Picks cases[which] elementwise. `which` is bool (at most 2 cases: false picks
/// cases[0]) or any integer dtype (out of range values clamp to the first or last
/// case, as XLA); 0-d or of the cases' shape. The cases share one shape and dtype.
///   lax::select_n(i, {a, b, c});   lax::select_n(pred, on_false, on_true);
XJAX_API array select_n(const array& which, const std::vector<array>& cases);
template <class... Cases>
  requires(sizeof...(Cases) > 0 && (std::convertible_to<const Cases&, array> && ...))
array select_n(const array& which, const Cases&... cases) {
  return select_n(which, std::vector<array>{array(cases)...});
}

/// pred ? on_true : on_false, elementwise (jax.lax.select: select_n(pred, on_false, on_true)).
XJAX_API array select(const array& pred, const array& on_true, const array& on_false);

/// min(max(x, lo), hi) elementwise; lo and hi are 0-d or of x's shape (NaN propagates).
XJAX_API array clamp(const array& lo, const array& x, const array& hi);

// ---------------------------------------------------------------------------
// Conversions

/// Converts values to `new_dtype` (the operand itself when it already has it): floats
/// to integers round toward zero and saturate, NaN -> 0; integers wrap; to bool is x != 0.
XJAX_API array convert_element_type(const array& x, dtype new_dtype);
/// The same, choosing the result's weak_type (JAX's private _convert_element_type).
XJAX_API array convert_element_type(const array& x, dtype new_dtype, bool weak_type);

/// Reinterprets the bytes of x as `new_dtype`. A narrower dtype adds a trailing
/// dimension (f32[3] -> u8[3,4]); a wider one removes it, which must have size
/// new itemsize / old itemsize (u8[3,4] -> f32[3]). bool only to and from bool.
XJAX_API array bitcast_convert_type(const array& x, dtype new_dtype);

}  // namespace xjax::lax
