#pragma once
// Operators on xjax::array with jax.numpy semantics: + - * / % unary - and +,
// comparisons, & | ^ ~, compound assignment.
//
//   xjax::array y = 2.0 * x + 1;   // jnp.add(jnp.multiply(2.0, x), 1): x's dtype kept
//   xjax::array m = x < 0.5;       // a bool array (jnp.less), not a C++ bool
//   x += y;                        // rebinds x to a new array (arrays are immutable)
//
// They are declared in namespace xjax, so argument-dependent lookup finds them for
// xjax::array (xjax::numpy is not needed in scope). C++ arithmetic scalars on either
// side are weakly typed, as Python scalars in JAX: `i8 + 1` is int8, `i8 + 2.5` is
// float32, `f16 * 2.0` is float16.
//
// Note that == and != compare elementwise and return arrays, as in NumPy; use
// `a.is_same(b)` for identity. `bool(a == b)` is NumPy's truth value of a size-1
// array (an error for a tracer); `jnp::all` or `lax` control flow for the rest.
//
// % is NumPy's remainder (the sign of the divisor), / is true division (integers give
// float32), >> and << are not defined (use jnp::right_shift / jnp::left_shift: << on
// arrays would read as printing).

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax {

XJAX_API array operator+(const array& x, const array& y);   ///< jnp.add
XJAX_API array operator-(const array& x, const array& y);   ///< jnp.subtract
XJAX_API array operator*(const array& x, const array& y);   ///< jnp.multiply
XJAX_API array operator/(const array& x, const array& y);   ///< jnp.true_divide
XJAX_API array operator%(const array& x, const array& y);   ///< jnp.remainder
XJAX_API array operator-(const array& x);                   ///< jnp.negative
XJAX_API array operator+(const array& x);                   ///< jnp.positive
XJAX_API array operator==(const array& x, const array& y);  ///< jnp.equal (elementwise)
XJAX_API array operator!=(const array& x, const array& y);  ///< jnp.not_equal (elementwise)
XJAX_API array operator<(const array& x, const array& y);   ///< jnp.less
XJAX_API array operator<=(const array& x, const array& y);  ///< jnp.less_equal
XJAX_API array operator>(const array& x, const array& y);   ///< jnp.greater
XJAX_API array operator>=(const array& x, const array& y);  ///< jnp.greater_equal
XJAX_API array operator&(const array& x, const array& y);   ///< jnp.bitwise_and
XJAX_API array operator|(const array& x, const array& y);   ///< jnp.bitwise_or
XJAX_API array operator^(const array& x, const array& y);   ///< jnp.bitwise_xor
XJAX_API array operator~(const array& x);                   ///< jnp.invert

// Compound assignment rebinds the left operand to the result (as Python's x += y for
// JAX arrays): other handles to the old array are unchanged.
XJAX_API array& operator+=(array& x, const array& y);
XJAX_API array& operator-=(array& x, const array& y);
XJAX_API array& operator*=(array& x, const array& y);
XJAX_API array& operator/=(array& x, const array& y);
XJAX_API array& operator%=(array& x, const array& y);
XJAX_API array& operator&=(array& x, const array& y);
XJAX_API array& operator|=(array& x, const array& y);
XJAX_API array& operator^=(array& x, const array& y);

}  // namespace xjax

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include "xjax/numpy/ufuncs.hpp"

namespace xjax {

XJAX_IMPL array operator+(const array& x, const array& y) { return numpy::add(x, y); }
XJAX_IMPL array operator-(const array& x, const array& y) { return numpy::subtract(x, y); }
XJAX_IMPL array operator*(const array& x, const array& y) { return numpy::multiply(x, y); }
XJAX_IMPL array operator/(const array& x, const array& y) { return numpy::true_divide(x, y); }
XJAX_IMPL array operator%(const array& x, const array& y) { return numpy::remainder(x, y); }
XJAX_IMPL array operator-(const array& x) { return numpy::negative(x); }
XJAX_IMPL array operator+(const array& x) { return numpy::positive(x); }
namespace operators_detail {
/// A C++ scalar on the left of a comparison: Python reflects `2 < x` to `x > 2`, so
/// JAX's jaxpr has the array first; so does ours (the values are the same either way).
inline bool reflect(const array& x, const array& y) {
  auto is_scalar = [](const array& a) { return a.is_concrete() && a.ndim() == 0 && a.weak_type(); };
  return is_scalar(x) && !is_scalar(y);
}
}  // namespace operators_detail

XJAX_IMPL array operator==(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::equal(y, x) : numpy::equal(x, y);
}
XJAX_IMPL array operator!=(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::not_equal(y, x) : numpy::not_equal(x, y);
}
XJAX_IMPL array operator<(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::greater(y, x) : numpy::less(x, y);
}
XJAX_IMPL array operator<=(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::greater_equal(y, x) : numpy::less_equal(x, y);
}
XJAX_IMPL array operator>(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::less(y, x) : numpy::greater(x, y);
}
XJAX_IMPL array operator>=(const array& x, const array& y) {
  return operators_detail::reflect(x, y) ? numpy::less_equal(y, x) : numpy::greater_equal(x, y);
}
XJAX_IMPL array operator&(const array& x, const array& y) { return numpy::bitwise_and(x, y); }
XJAX_IMPL array operator|(const array& x, const array& y) { return numpy::bitwise_or(x, y); }
XJAX_IMPL array operator^(const array& x, const array& y) { return numpy::bitwise_xor(x, y); }
XJAX_IMPL array operator~(const array& x) { return numpy::invert(x); }

XJAX_IMPL array& operator+=(array& x, const array& y) { return x = numpy::add(x, y); }
XJAX_IMPL array& operator-=(array& x, const array& y) { return x = numpy::subtract(x, y); }
XJAX_IMPL array& operator*=(array& x, const array& y) { return x = numpy::multiply(x, y); }
XJAX_IMPL array& operator/=(array& x, const array& y) { return x = numpy::true_divide(x, y); }
XJAX_IMPL array& operator%=(array& x, const array& y) { return x = numpy::remainder(x, y); }
XJAX_IMPL array& operator&=(array& x, const array& y) { return x = numpy::bitwise_and(x, y); }
XJAX_IMPL array& operator|=(array& x, const array& y) { return x = numpy::bitwise_or(x, y); }
XJAX_IMPL array& operator^=(array& x, const array& y) { return x = numpy::bitwise_xor(x, y); }

}  // namespace xjax
#endif  // XJAX_HAS_IMPL
