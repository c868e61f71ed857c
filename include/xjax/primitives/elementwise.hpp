#pragma once
// Elementwise primitives (an implementation header: <xjax/xjax.hpp> includes it only
// where definitions are compiled, see config.hpp).
//
// Most ops are one small struct: its name, the dtypes it accepts (`domain`), its params
// and its scalar function `apply` in the reference backend's compute types (bool,
// int64, uint64, double: see backend/reference/compute.hpp). unary_primitive and
// binary_primitive turn such a struct into a primitive with the shape/dtype rule and
// the reference evaluation. Ops with their own rules (pow, select_n, clamp,
// convert_element_type, bitcast_convert_type) are primitive classes of their own.
//
// Rules, as jax.lax 0.10.2 (see lax/elementwise.hpp for the user-facing summary):
//   shapes  operands broadcast when 0-d, or of equal rank with 1 where they broadcast;
//   dtypes  operands share one dtype, which must be in the op's domain;
//   weak    the result is weakly typed when every operand is (comparisons included);
//   values  computed in the compute type and narrowed once to the result dtype (floats
//           rounded, integers wrapped). Ops that depend on the bit width of the dtype
//           (shifts, population_count) or on its float format (nextafter; exp2 and
//           integer_pow, whose intermediate results JAX's lowering rounds to the
//           dtype) receive the dtype.
//
// Differentiation (see "Differentiation" below): each op struct declares its JVP rule
// next to its evaluation (zero tangents for piecewise constant and integer ops), and
// the ops linear in some operands (neg, add, sub, mul, div, convert_element_type,
// select_n) their transpose rule, all as jax.lax 0.10.2 defines them. nextafter has no
// rule, as in JAX. polygamma exists for digamma's derivative (jax.lax.polygamma).
//
// Batching (see "Batching" below): one rule, JAX's broadcast_batcher, serves every op
// struct (unary_primitive and binary_primitive), pow, convert_element_type and
// integer_pow; select_n, clamp and bitcast_convert_type have JAX's rules of their own.
// Unbatched operands stay unbatched, and where the batched operands agree no equation
// is added: vmap of an elementwise chain has the chain's equations.
//
// Known difference from XLA on CPU: XLA flushes float32/float64/bfloat16 subnormal
// inputs and results of arithmetic to zero (FTZ/DAZ); the reference backend keeps IEEE
// gradual underflow.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <span>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/backend/reference/compute.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::prim {

// ===========================================================================
// Shape and dtype rules shared by the family

/// "(3, 4), (4,)": the shapes of `in`, for error messages.
inline std::string shapes_str(std::span<const aval> in) {
  std::vector<std::string> shapes;
  for (auto& a : in) shapes.push_back(shape_str(a.shape));
  return fmt::format("{}", fmt::join(shapes, ", "));
}

/// "float32, int32": the dtypes of `in`, for error messages.
inline std::string dtypes_str(std::span<const aval> in) {
  std::vector<std::string_view> names;
  for (auto& a : in) names.push_back(a.dtype.name());
  return fmt::format("{}", fmt::join(names, ", "));
}

/// The result shape of an n-ary elementwise op (JAX's broadcasting_shape_rule): 0-d
/// operands broadcast; the others have one rank and, in each dimension, one size or 1.
inline shape_t elementwise_shape(std::string_view op, std::span<const aval> in) {
  auto first = std::find_if(in.begin(), in.end(), [](const aval& a) { return !a.shape.empty(); });
  if (first == in.end()) return {};
  shape_t out = first->shape;
  for (auto it = first + 1; it != in.end(); ++it) {
    const shape_t& s = it->shape;
    if (s.empty() || s == out) continue;
    if (s.size() != out.size()) {
      detail::raise<shape_error>(op, "arrays must have the same number of dimensions (or be 0-d), got shapes {}",
                                 shapes_str(in));
    }
    for (std::size_t d = 0; d < out.size(); ++d) {
      if (s[d] == out[d] || s[d] == 1) continue;
      if (out[d] != 1) detail::raise<shape_error>(op, "got incompatible shapes for broadcasting: {}", shapes_str(in));
      out[d] = s[d];
    }
  }
  return out;
}

/// The one dtype of the operands (lax does not promote).
inline dtype common_dtype(std::string_view op, std::span<const aval> in) {
  for (auto& a : in) {
    if (a.dtype != in[0].dtype) {
      detail::raise<type_error>(op,
                                "requires arguments to have the same dtypes, got {} (xjax::numpy functions promote "
                                "dtypes; lax functions do not)",
                                dtypes_str(in));
    }
  }
  return in[0].dtype;
}

inline bool all_weak(std::span<const aval> in) {
  return std::all_of(in.begin(), in.end(), [](const aval& a) { return a.weak_type; });
}

// ===========================================================================
// Reference evaluation helpers

namespace ew {

/// For each element of `out` (row-major), the index of the element of an operand of
/// shape `in` that broadcasts to it (`in` is 0-d or of out's rank with 1s).
inline std::vector<std::int64_t> broadcast_sources(const shape_t& in, const shape_t& out) {
  std::vector<std::int64_t> idx(static_cast<std::size_t>(shape_size(out)), 0);
  if (in.empty() || idx.empty()) return idx;
  shape_t strides = row_major_strides(in);
  for (std::size_t d = 0; d < in.size(); ++d)
    if (in[d] == 1) strides[d] = 0;
  shape_t pos(out.size(), 0);
  std::int64_t off = 0;
  for (auto& i : idx) {
    i = off;
    for (std::size_t d = out.size(); d-- > 0;) {  // odometer increment
      off += strides[d];
      if (++pos[d] < out[d]) break;
      off -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return idx;
}

/// The elements of `a` in compute type C, broadcast to `shape`.
template <class C> std::vector<C> load(const array& a, const shape_t& shape) {
  std::vector<C> v = reference::load<C>(a);
  if (a.shape() == shape) return v;
  std::vector<std::int64_t> src = broadcast_sources(a.shape(), shape);
  std::vector<C> out(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) out[i] = v[static_cast<std::size_t>(src[i])];
  return out;
}

/// out[i] = f(vs[i]...).
template <class F, class... V> auto map(std::size_t n, F&& f, const V&... vs) {
  using R = decltype(f(vs[0]...));
  std::vector<R> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = f(vs[i]...);
  return out;
}

/// v rounded to the precision and range of float dtype d (double rounding through
/// float32 for the 16-bit types, as XLA's CPU backend computes them in float32).
inline double round_to(double v, dtype d) {
  switch (d.id()) {
    case dtype_id::float32: return static_cast<float>(v);
    case dtype_id::float16: return static_cast<float>(half_t(static_cast<float>(v)));
    case dtype_id::bfloat16: return static_cast<float>(bfloat16_t(static_cast<float>(v)));
    default: return v;
  }
}

/// Integer arithmetic that wraps, without signed-overflow UB (C is int64 or uint64).
template <class C> C wrap_add(C x, C y) {
  return static_cast<C>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
}
template <class C> C wrap_sub(C x, C y) {
  return static_cast<C>(static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y));
}
template <class C> C wrap_mul(C x, C y) {
  return static_cast<C>(static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(y));
}

/// The low `bits` bits of x's two's complement representation.
inline std::uint64_t low_bits(std::uint64_t x, int bits) {
  return bits >= 64 ? x : x & ((std::uint64_t{1} << bits) - 1);
}

/// The next value of float dtype d after x in the direction of y (x and y are values of d).
inline double next_after(double x, double y, dtype d) {
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (d == float64) return std::nextafter(x, y);
  if (d == float32) return std::nextafter(static_cast<float>(x), static_cast<float>(y));
  if (x == y) return y;
  auto step = [&](auto v) {  // half_t or bfloat16_t: step the bits
    using T = decltype(v);
    std::uint16_t b = v.bits;
    if (x == 0) b = static_cast<std::uint16_t>((y > 0 ? 0u : 0x8000u) | 1u);  // smallest subnormal toward y
    else if ((x < y) == (x > 0)) ++b;  // away from zero
    else --b;
    return static_cast<double>(static_cast<float>(T::from_bits(b)));
  };
  return d == float16 ? step(half_t(static_cast<float>(x))) : step(bfloat16_t(static_cast<float>(x)));
}

/// Rounds half to even, exactly (independent of the floating-point environment).
inline double round_half_even(double x) {
  double r = std::floor(x);
  double frac = x - r;  // exact
  if (frac > 0.5 || (frac == 0.5 && std::fmod(r, 2.0) != 0)) r += 1;
  return std::copysign(r, x);  // -0.4 -> -0.0, as XLA
}

/// Inverse error function: an initial guess from Giles' single-precision approximation
/// (XLA's ErfInv32), refined to double precision by Newton's method on erf (|y| <= 0.5)
/// or on log(erfc) in the tails (where 1 - |y| is exact).
inline double erf_inv(double y) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(y) || y < -1 || y > 1) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1 || y == -1) return std::copysign(inf, y);
  if (y == 0) return y;
  const double a = std::abs(y);
  double w = -std::log((1 - a) * (1 + a)), p;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                     0.246640727, 1.50140941})
      p = c + p * w;
  } else {
    w = std::sqrt(w) - 3;
    p = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                     1.00167406, 2.83297682})
      p = c + p * w;
  }
  double x = p * a;
  const double two_over_sqrt_pi = 2 / std::sqrt(std::numbers::pi);
  for (int i = 0; i < 8; ++i) {
    const double slope = two_over_sqrt_pi * std::exp(-x * x);  // erf'(x)
    double step;
    if (a <= 0.5) {
      step = (std::erf(x) - a) / slope;
    } else {  // the tail: solve log(erfc(x)) = log(1 - a), nearly linear there
      const double c = std::erfc(x);
      step = (std::log(c) - std::log1p(-a)) / (-slope / c);
    }
    x -= step;
    if (std::abs(step) <= 1e-16 * std::abs(x)) break;
  }
  return std::copysign(x, y);
}

/// The digamma function: NaN at the poles (0, -1, ...) and at -inf, as XLA; the
/// reflection formula for negative x, the recurrence up to x >= 10, then the
/// asymptotic series (truncation error below 1e-16).
inline double digamma(double x) {
  constexpr double pi = std::numbers::pi;
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  double result = 0;
  if (x <= 0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
    result = -pi / std::tan(pi * (x - std::floor(x)));  // psi(x) = psi(1 - x) - pi / tan(pi x)
    x = 1 - x;
  }
  for (; x < 10; x += 1) result -= 1 / x;
  const double f = 1 / (x * x);
  double series = -1.0 / 12;  // Bernoulli terms B_2k / (2k x^2k), innermost first
  for (double c : {691.0 / 32760, -1.0 / 132, 1.0 / 240, -1.0 / 252, 1.0 / 120, -1.0 / 12}) series = c + f * series;
  return result + std::log(x) - 0.5 / x + f * series;
}

/// The Hurwitz zeta function sum_k (q + k)^-s with XLA's domain (chlo.zeta): +inf at
/// s == 1, NaN for s < 1; for q <= 0, NaN unless s is an integer, and at the poles
/// (q a non-positive integer) +inf for even s, NaN for odd s. Otherwise terms are
/// summed directly until q + k >= s + 20, and the rest by Euler-Maclaurin (Bernoulli
/// terms up to B_20; truncation error below 1e-17 relative).
inline double hurwitz_zeta(double s, double q) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (std::isnan(s) || std::isnan(q)) return nan;
  if (s == 1) return inf;
  if (s < 1) return nan;
  if (q <= 0) {
    if (q == std::floor(q)) return s == std::floor(s) && std::fmod(s, 2) == 0 ? inf : nan;
    if (s != std::floor(s)) return nan;
  }
  if (q == inf) return 0;
  double sum = 0, a = q;
  for (; a < s + 20; a += 1) sum += std::pow(a, -s);
  // Tail: a^(1-s)/(s-1) + a^-s/2 + sum_j B_2j/(2j)! s(s+1)...(s+2j-2) a^(-s-2j+1).
  static constexpr double b2j[] = {1.0 / 6,       -1.0 / 30,  1.0 / 42,           -1.0 / 30, 5.0 / 66,
                                   -691.0 / 2730, 7.0 / 6,    -3617.0 / 510,      43867.0 / 798,
                                   -174611.0 / 330};
  const double a_s = std::pow(a, -s);
  double tail = a * a_s / (s - 1) + a_s / 2;
  double rising = s, fact = 2, power = a_s / a;  // s..(s+2j-2), (2j)!, a^(-s-2j+1)
  for (std::size_t j = 1; j <= std::size(b2j); ++j) {
    tail += b2j[j - 1] / fact * rising * power;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    fact *= (2 * j + 1) * (2 * j + 2);
    power /= a * a;
  }
  return sum + tail;
}

/// The polygamma function psi^(m)(x), the m-th derivative of digamma, as XLA's
/// chlo.polygamma: NaN unless m is a natural number; digamma for m == 0; otherwise
/// (-1)^(m+1) m! zeta(m + 1, x).
inline double polygamma(double m, double x) {
  if (std::isnan(m) || std::isnan(x) || m < 0 || m != std::floor(m)) return std::numeric_limits<double>::quiet_NaN();
  if (m == 0) return digamma(x);
  const double sign = std::fmod(m, 2) == 1 ? 1 : -1;
  return sign * std::exp(std::lgamma(m + 1)) * hurwitz_zeta(m + 1, x);
}

}  // namespace ew

/// Calls Op::apply with the operand dtype when the op asks for it.
template <class Op, class P, class... C> auto apply_op(const P& p, dtype d, C... xs) {
  if constexpr (requires { Op::apply(xs..., p, d); }) return Op::apply(xs..., p, d);
  else return Op::apply(xs..., p);
}

/// Op::result_dtype(d) when the op has one (comparisons, is_finite: bool), else d.
template <class Op> dtype op_result_dtype(dtype d) {
  if constexpr (requires { Op::result_dtype(d); }) return Op::result_dtype(d);
  else return d;
}

/// The fast path of the unary and binary kernels, for the default dtypes: calls
/// f(T{}) when `d` is float32 (T = float) or int32 (T = std::int32_t), in Op's domain,
/// and Op's result has dtype `d`; returns whether it did. The kernel then computes
/// element by element, with no intermediate vectors, exactly what the general path
/// computes: operands widened to the compute type, Op::apply, narrowed once.
template <class Op, class F> bool visit_fast_dtype(dtype d, F&& f) {
  if constexpr (!requires { Op::result_dtype(d); }) {
    if constexpr (Op::domain.contains(float32)) {
      if (d == float32) {
        f(float{});
        return true;
      }
    }
    if constexpr (Op::domain.contains(int32)) {
      if (d == int32) {
        f(std::int32_t{});
        return true;
      }
    }
  }
  return false;
}

// ===========================================================================
// Differentiation: helpers shared by the rules of this family (and usable by others)
//
// The rules are jax.lax's (jax/_src/lax/lax.py and special.py, 0.10.2), written with
// xjax::lax ops so that derivatives are differentiable again. Where a rule builds
// several arrays, they are made in the order JAX's Python makes them (C++ leaves the
// order of function arguments unspecified), so the equations come out in JAX's order.

/// The cotangent `ct` of an elementwise op's output summed back to the shape of an
/// operand that was broadcast to it (JAX's _unbroadcast): over every axis for a 0-d
/// operand, else over the axes where the operand has size 1, then reshaped to it.
inline array unbroadcast(const array& ct, const aval& operand) {
  if (ct.shape() == operand.shape) return ct;
  if (operand.shape.empty()) {
    shape_t all(static_cast<std::size_t>(ct.ndim()));
    for (std::size_t d = 0; d < all.size(); ++d) all[d] = static_cast<std::int64_t>(d);
    return lax::reduce_sum(ct, all);
  }
  shape_t dims;
  for (std::size_t d = 0; d < operand.shape.size(); ++d)
    if (operand.shape[d] != ct.shape()[d]) dims.push_back(static_cast<std::int64_t>(d));
  return lax::reshape(lax::reduce_sum(ct, dims), operand.shape);
}

/// `x` broadcast to `shape` as an elementwise op broadcasts it (JAX's _maybe_broadcast):
/// itself when it has the shape; a 0-d x by broadcast_in_dim; otherwise its size-1
/// axes dropped by reshape, then broadcast_in_dim.
inline array maybe_broadcast(const array& x, const shape_t& shape) {
  if (x.shape() == shape) return x;
  if (x.ndim() == 0) return lax::broadcast_in_dim(x, shape, {});
  shape_t dims, kept;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (x.shape()[d] == shape[d]) {
      dims.push_back(static_cast<std::int64_t>(d));
      kept.push_back(shape[d]);
    }
  }
  return lax::broadcast_in_dim(lax::reshape(x, kept), shape, dims);
}

namespace dr {  // the small constants and functions of jax.lax's rules

/// A strongly typed 0-d constant of x's dtype: a literal in a jaxpr (JAX's _const(x, v)).
inline array konst(const array& x, double v) { return array(v, x.dtype()); }

/// A 0-d constant of x's dtype and weak type (JAX's _zero(x), _one(x)).
inline array scalar_like(const array& x, double v) {
  array c(v, x.dtype());
  return x.weak_type() ? array::from_buffer(c.buffer_ptr(), {}, x.dtype(), true) : c;
}

/// v broadcast to x's shape, dtype and weak type (JAX's full_like: _zeros, _ones, _twos).
inline array full_like(const array& x, double v) {
  array c = scalar_like(x, v);
  return x.ndim() == 0 ? c : lax::broadcast_in_dim(c, x.shape(), {});
}

/// x with its zeros replaced by ones (JAX's _replace_zero).
inline array replace_zero(const array& x) {
  array is_zero = lax::eq(x, konst(x, 0));
  array ones = full_like(x, 1);
  return lax::select(is_zero, ones, x);
}

/// Where x == z: 1, or 1/2 where y == z too; elsewhere 0 (JAX's _balanced_eq). max and
/// min give each operand this share of the tangent, so ties split it evenly.
inline array balanced_eq(const array& x, const array& z, const array& y) {
  array x_eq = lax::eq(x, z);
  array ones = full_like(z, 1);
  array num = lax::select(x_eq, ones, full_like(z, 0));
  array y_eq = lax::eq(y, z);
  array twos = full_like(z, 2);
  array den = lax::select(y_eq, twos, full_like(z, 1));
  return lax::div(num, den);
}

/// lax::convert_element_type(x, d), done now when x is a 0-d constant (JAX folds the
/// conversion of a literal instead of staging it).
inline array convert(const array& x, dtype d) {
  if (x.is_concrete() && x.ndim() == 0) {
    eager_scope now;
    return lax::convert_element_type(x, d);
  }
  return lax::convert_element_type(x, d);
}

/// The shape two elementwise operands broadcast to.
inline shape_t broadcast_shape(std::string_view op, const array& x, const array& y) {
  const aval in[] = {x.aval(), y.aval()};
  return elementwise_shape(op, in);
}

}  // namespace dr

/// The JVP rule of an elementwise op struct, which declares its derivative with the
/// first of these it has:
///   `static constexpr bool piecewise_constant = true`  zero tangents (ad::zero_jvp);
///   `static constexpr bool linear = true`              ad::linear_jvp (and a transpose);
///   `jvp(primals, tangents, params)`                   the whole rule (add, sub);
///   `jvp(g, y, x, params)`                             unary: the output's tangent, given
///                                                      the operand's tangent g, the output y
///                                                      and the operand x (JAX's defjvp2);
///   `jvp_lhs(g, z, x, y, params)`, `jvp_rhs(...)`      binary: each operand's contribution
///                                                      (z the output), summed as JAX's
///                                                      standard_jvp2 sums them (add_any).
/// An op with none has no JVP rule (nextafter, as in JAX).
template <class Op, class Prim>
jvp_result elementwise_jvp(const Prim& self, std::span<const array> x, std::span<const array> t,
                           const typename Op::params& p) {
  if constexpr (requires { requires Op::piecewise_constant; }) {
    return ad::zero_jvp(self, x, p);
  } else if constexpr (requires { requires Op::linear; }) {
    return ad::linear_jvp(self, x, t, p);
  } else if constexpr (requires { Op::jvp(x, t, p); }) {
    return Op::jvp(x, t, p);
  } else if constexpr (requires { Op::jvp(x[0], x[0], x[0], p); }) {
    array y = self.bind1({x[0]}, p);
    return {{y}, {Op::jvp(t[0], y, x[0], p)}};
  } else if constexpr (requires { Op::jvp_lhs(x[0], x[0], x[0], x[0], p); }) {
    array z = self.bind1({x[0], x[1]}, p);
    array out;
    if (!ad::is_zero(t[0])) out = Op::jvp_lhs(t[0], z, x[0], x[1], p);
    if (!ad::is_zero(t[1])) out = ad::add_tangents(out, Op::jvp_rhs(t[1], z, x[0], x[1], p));
    return {{z}, {out}};
  } else {
    self.missing_rule("differentiation (jvp)");
  }
}

/// The transpose rule of an elementwise op struct with `transpose(ct, args, params)`
/// (ct: the output's cotangent, never a symbolic zero there).
template <class Op, class Prim>
std::vector<array> elementwise_transpose(const Prim& self, std::span<const array> cts, std::span<const lin_arg> args,
                                         const typename Op::params& p) {
  if constexpr (requires { Op::transpose(cts[0], args, p); }) {
    if (ad::is_zero(cts[0])) return std::vector<array>(args.size());
    return Op::transpose(cts[0], args, p);
  } else {
    self.missing_rule("transpose");
  }
}

/// Raises the error of a transpose rule called with an operand linear that the op is
/// not linear in (mul with both operands linear, div with a linear divisor, ...).
[[noreturn]] inline void nonlinear_transpose(std::string_view op, std::string_view what) {
  detail::raise<value_error>(op, "cannot transpose: the operation is not linear in {}", what);
}

// ===========================================================================
// Batching (vmap): the rules of jax.interpreters.batching and jax.lax (0.10.2) for
// this family, written with lax ops so that they compose with grad and nested vmaps.
//
// Every unary and binary op struct, pow, convert_element_type and integer_pow batch
// with broadcast_batch (JAX's broadcast_batcher; with one operand it is JAX's
// vectorized_batcher): when the batched operands agree, the op is bound on them as
// they are and the output keeps their batch dimension, so vmap of an elementwise chain
// has the chain's equations and no others. select_n, clamp and bitcast_convert_type
// have rules of their own, as JAX's, except where JAX's fail (clamp with only hi
// batched over a 0-d operand; a widening bitcast of an operand batched along its last
// axis): their comments say what they do there.

/// `x` with its batch dimension `d` moved to the front, or, when `x` is unbatched
/// (d == not_mapped), broadcast along a new leading axis of `size` (JAX's bdim_at_front:
/// transpose or broadcast_in_dim; nothing when d is already 0).
inline array bdim_at_front(const array& x, std::int64_t d, std::int64_t size) {
  return batching::move_batch_dim(x, d, 0, size);
}

/// Checks what a batching rule of this family receives: one batch dimension per
/// operand, each in range or not_mapped, and at least one operand batched.
inline void check_batch_dims(std::string_view op, std::span<const array> args, std::span<const std::int64_t> dims) {
  if (dims.size() != args.size()) {
    detail::raise<value_error>(op, "batching rule: got {} batch dimensions for {} operands", dims.size(), args.size());
  }
  bool any = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (dims[i] == not_mapped) continue;
    any = true;
    if (dims[i] < 0 || dims[i] >= args[i].ndim()) {
      detail::raise<value_error>(op, "batching rule: batch dimension {} of operand {} is out of range for its shape {}",
                                 dims[i], i, shape_str(args[i].shape()));
    }
  }
  if (!any) detail::raise<value_error>(op, "batching rule: called with no batched operand");
}

/// The operands of an n-ary elementwise op prepared as JAX's broadcast_batcher does,
/// returning the output's batch dimension:
///   - when every operand that is not 0-d is batched, with the first batched operand's
///     shape and batch dimension, they stay as they are and the output has that batch
///     dimension (0-d operands, unbatched by necessity, broadcast as usual);
///   - otherwise every operand that is not 0-d gets its batch dimension at the front:
///     batched ones are transposed there, unbatched ones get a size-1 leading axis
///     (broadcast_in_dim), which the op broadcasts; a batched operand of lower rank (a
///     0-d value per example) gets size-1 trailing axes (expand_dims); 0-d operands stay
///     0-d (literals stay literals). The output is batched along 0.
inline std::int64_t broadcast_batch_operands(std::string_view op, std::span<const array> args,
                                             std::span<const std::int64_t> dims, std::vector<array>& out) {
  check_batch_dims(op, args, dims);
  std::size_t first = 0;
  while (dims[first] == not_mapped) ++first;
  const shape_t& shape = args[first].shape();
  const std::int64_t dim = dims[first];
  out.assign(args.begin(), args.end());
  bool agree = true;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i].ndim() != 0 && (dims[i] != dim || args[i].shape() != shape)) agree = false;
  if (agree) return dim;
  std::int64_t ndim = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].ndim() != 0) out[i] = bdim_at_front(args[i], dims[i], 1);
    ndim = std::max(ndim, out[i].ndim());
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (dims[i] == not_mapped || out[i].ndim() == ndim) continue;
    shape_t trailing;
    for (std::int64_t d = out[i].ndim(); d < ndim; ++d) trailing.push_back(d);
    out[i] = lax::expand_dims(out[i], trailing);
  }
  return 0;
}

/// JAX's broadcast_batcher for a primitive of this family (see broadcast_batch_operands).
template <class Params>
batch_result broadcast_batch(const primitive_of<Params>& self, std::span<const array> args,
                             std::span<const std::int64_t> dims, const Params& p) {
  std::vector<array> xs;
  const std::int64_t dim = broadcast_batch_operands(self.name(), args, dims, xs);
  return {self.bind(std::move(xs), p), {dim}};
}

// ===========================================================================
// Unary and binary primitives from op structs

/// A unary elementwise primitive from an op struct with `name`, `domain` (a dtype_set),
/// `params`, and `apply(C x, const params&[, dtype])` for the compute types C of its
/// domain; optionally `result_dtype(dtype)` and `check(const aval&, const params&)`
/// (extra validation, e.g. integer_pow's exponent).
template <class Op> class unary_primitive final : public primitive_of<typename Op::params> {
 public:
  using params = typename Op::params;
  constexpr unary_primitive() : primitive_of<params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const params& p) const override {
    check_arity(Op::name, in.size(), 1);
    check_dtype(Op::name, in[0].dtype, Op::domain);
    if constexpr (requires { Op::check(in[0], p); }) Op::check(in[0], p);
    return {aval{in[0].shape, op_result_dtype<Op>(in[0].dtype), in[0].weak_type}};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const params& p) const override {
    return elementwise_jvp<Op>(*this, x, t, p);
  }
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const params& p) const override {
    return elementwise_transpose<Op>(*this, cts, args, p);
  }
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const params& p,
                          const batch_axis&) const override {
    return broadcast_batch(*this, args, dims, p);
  }

  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    const array& x = in[0];
    const dtype d = x.dtype();
    std::vector<array> out;
    const bool fast = visit_fast_dtype<Op>(d, [&](auto tag) {
      using T = decltype(tag);
      using C = reference::compute_of_t<T>;
      array r = array::empty(x.shape(), d, x.weak_type());
      const T* xs = static_cast<const T*>(x.raw_data());
      T* rs = static_cast<T*>(r.mutable_raw_data());
      for (std::int64_t i = 0, n = x.size(); i < n; ++i)
        rs[i] = reference::narrow<T>(apply_op<Op>(p, d, detail::convert_scalar<C>(xs[i])));
      out.push_back(std::move(r));
    });
    if (fast) return out;
    reference::visit_compute<Op::domain>(d, [&](auto tag) {
      using C = decltype(tag);
      auto rs = ew::map(static_cast<std::size_t>(x.size()), [&](C v) { return apply_op<Op>(p, d, v); },
                        reference::load<C>(x));
      out.push_back(reference::store(rs, x.shape(), op_result_dtype<Op>(d), x.weak_type()));
    });
    return out;
  }
};

/// A binary elementwise primitive from an op struct with `name`, `domain`, `params`,
/// `apply(C x, C y, const params&[, dtype])` returning C (arithmetic) or bool
/// (comparisons, which also give `result_dtype`).
template <class Op> class binary_primitive final : public primitive_of<typename Op::params> {
 public:
  using params = typename Op::params;
  constexpr binary_primitive() : primitive_of<params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const params&) const override {
    check_arity(Op::name, in.size(), 2);
    for (auto& a : in) check_dtype(Op::name, a.dtype, Op::domain);
    dtype d = common_dtype(Op::name, in);
    return {aval{elementwise_shape(Op::name, in), op_result_dtype<Op>(d), all_weak(in)}};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const params& p) const override {
    return elementwise_jvp<Op>(*this, x, t, p);
  }
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const params& p) const override {
    return elementwise_transpose<Op>(*this, cts, args, p);
  }
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const params& p,
                          const batch_axis&) const override {
    return broadcast_batch(*this, args, dims, p);
  }

  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    std::vector<array> out;
    if (in[0].shape() == in[1].shape() && in[0].dtype() == in[1].dtype()) {  // no broadcasting: may be fast
      const array &x = in[0], &y = in[1];
      const dtype d = x.dtype();
      const bool fast = visit_fast_dtype<Op>(d, [&](auto tag) {
        using T = decltype(tag);
        using C = reference::compute_of_t<T>;
        array r = array::empty(x.shape(), d, x.weak_type() && y.weak_type());
        const T* xs = static_cast<const T*>(x.raw_data());
        const T* ys = static_cast<const T*>(y.raw_data());
        T* rs = static_cast<T*>(r.mutable_raw_data());
        for (std::int64_t i = 0, n = x.size(); i < n; ++i)
          rs[i] = reference::narrow<T>(
              apply_op<Op>(p, d, detail::convert_scalar<C>(xs[i]), detail::convert_scalar<C>(ys[i])));
        out.push_back(std::move(r));
      });
      if (fast) return out;
    }
    std::vector<aval> avs = avals_of(in);
    const shape_t shape = elementwise_shape(Op::name, avs);
    const dtype d = in[0].dtype();
    reference::visit_compute<Op::domain>(d, [&](auto tag) {
      using C = decltype(tag);
      auto rs = ew::map(static_cast<std::size_t>(shape_size(shape)), [&](C x, C y) { return apply_op<Op>(p, d, x, y); },
                        ew::load<C>(in[0], shape), ew::load<C>(in[1], shape));
      out.push_back(reference::store(rs, shape, op_result_dtype<Op>(d), all_weak(avs)));
    });
    return out;
  }
};

/// The one instance of a primitive class (see the accessors below).
template <class P> const P& instance() {
  static const P p;
  return p;
}

// ===========================================================================
// Unary ops

/// Base of the float-only ops without params.
struct float_op {
  static constexpr dtype_set domain = float_types;
  using params = no_params;
};

struct neg_op {
  static constexpr std::string_view name = "neg";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_integral_v<C>) return ew::wrap_sub(C{0}, x);
    else return -x;
  }
  static constexpr bool linear = true;
  static std::vector<array> transpose(const array& ct, std::span<const lin_arg>, const params&) {
    return {lax::neg(ct)};
  }
};
inline const unary_primitive<neg_op>& neg_p() { return instance<unary_primitive<neg_op>>(); }

struct sign_op {
  static constexpr std::string_view name = "sign";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_floating_point_v<C>) return std::isnan(x) || x == 0 ? x : std::copysign(1.0, x);
    else return static_cast<C>((x > 0) - (x < 0));
  }
};
inline const unary_primitive<sign_op>& sign_p() { return instance<unary_primitive<sign_op>>(); }

struct abs_op {
  static constexpr std::string_view name = "abs";
  static constexpr dtype_set domain = signed_types;
  using params = no_params;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_integral_v<C>) return x < 0 ? ew::wrap_sub(C{0}, x) : x;  // abs(INT_MIN) wraps
    else return std::abs(x);
  }
  /// select(x >= 0, g, -g): at 0 the derivative is +1 (JAX's convention; sign(0) is 0).
  static array jvp(const array& g, const array&, const array& x, const params&) {
    array nonneg = lax::ge(x, dr::scalar_like(x, 0));
    array neg_g = lax::neg(g);
    return lax::select(nonneg, g, neg_g);
  }
};
inline const unary_primitive<abs_op>& abs_p() { return instance<unary_primitive<abs_op>>(); }

struct square_op {
  static constexpr std::string_view name = "square";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_integral_v<C>) return ew::wrap_mul(x, x);
    else return x * x;
  }
  static array jvp(const array& g, const array&, const array& x, const params&) {
    return lax::mul(g, lax::mul(dr::konst(x, 2), x));
  }
};
inline const unary_primitive<square_op>& square_p() { return instance<unary_primitive<square_op>>(); }

struct floor_op : float_op {
  static constexpr std::string_view name = "floor";
  static constexpr bool piecewise_constant = true;
  static double apply(double x, const params&) { return std::floor(x); }
};
inline const unary_primitive<floor_op>& floor_p() { return instance<unary_primitive<floor_op>>(); }

struct ceil_op : float_op {
  static constexpr std::string_view name = "ceil";
  static constexpr bool piecewise_constant = true;
  static double apply(double x, const params&) { return std::ceil(x); }
};
inline const unary_primitive<ceil_op>& ceil_p() { return instance<unary_primitive<ceil_op>>(); }

struct is_finite_op : float_op {
  static constexpr std::string_view name = "is_finite";
  static constexpr bool piecewise_constant = true;
  static dtype result_dtype(dtype) { return bool_; }
  static bool apply(double x, const params&) { return std::isfinite(x); }
};
inline const unary_primitive<is_finite_op>& is_finite_p() { return instance<unary_primitive<is_finite_op>>(); }

/// round's param: prints as JAX's RoundingMethod enum, i.e. as 0 or 1.
struct round_params {
  lax::rounding_method rounding_method = lax::rounding_method::away_from_zero;
  bool operator==(const round_params&) const = default;
  template <class F> void fields(F&& f) const { f("rounding_method", static_cast<int>(rounding_method)); }
};
struct round_op {
  static constexpr std::string_view name = "round";
  static constexpr dtype_set domain = float_types;
  using params = round_params;
  static constexpr bool piecewise_constant = true;
  static double apply(double x, const params& p) {
    return p.rounding_method == lax::rounding_method::to_nearest_even ? ew::round_half_even(x) : std::round(x);
  }
};
inline const unary_primitive<round_op>& round_p() { return instance<unary_primitive<round_op>>(); }

struct integer_pow_params {
  std::int64_t y = 0;
  bool operator==(const integer_pow_params&) const = default;
  template <class F> void fields(F&& f) const { f("y", y); }
};
/// x^y by repeated squaring, as XLA: for floats every product is rounded to x's dtype,
/// and a negative y takes the reciprocal of x^|y| (so x^-2 is 0 where x*x overflows).
struct integer_pow_op {
  static constexpr std::string_view name = "integer_pow";
  static constexpr dtype_set domain = numeric_types;
  using params = integer_pow_params;
  static void check(const aval& x, const params& p) {
    if (p.y < 0 && x.dtype.is_integer()) {
      detail::raise<type_error>(name, "integers cannot be raised to negative powers, got integer_pow({}, {})", x.str(),
                                p.y);
    }
  }
  template <class C> static C apply(C x, const params& p, dtype d) {
    auto mul = [&](C a, C b) -> C {
      if constexpr (std::is_integral_v<C>) return ew::wrap_mul(a, b);
      else return ew::round_to(a * b, d);
    };
    if (p.y == 0) return C{1};
    std::uint64_t n = p.y < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(p.y) : static_cast<std::uint64_t>(p.y);
    C acc{};
    bool have = false;
    while (n > 0) {
      if (n & 1) {
        acc = have ? mul(acc, x) : x;
        have = true;
      }
      n >>= 1;
      if (n > 0) x = mul(x, x);
    }
    if constexpr (std::is_floating_point_v<C>) {
      if (p.y < 0) acc = ew::round_to(1 / acc, d);
    }
    return acc;
  }
  /// y x^(y-1) g, with integer_pow again (y == 2: 2 x g; y == 1: g). For y == 0 the
  /// tangent is a symbolic zero where JAX materializes zeros.
  static array jvp(const array& g, const array&, const array& x, const params& p) {
    if (p.y == 0) return array();
    if (p.y == 1) return g;
    array power = p.y == 2 ? x : lax::integer_pow(x, p.y - 1);
    return lax::mul(g, lax::mul(dr::konst(x, static_cast<double>(p.y)), power));
  }
};
inline const unary_primitive<integer_pow_op>& integer_pow_p() { return instance<unary_primitive<integer_pow_op>>(); }

/// 2^x as JAX lowers it: exp(log(2) * x), the constant and the product rounded to x's dtype.
struct exp2_op : float_op {
  static constexpr std::string_view name = "exp2";
  static double apply(double x, const params&, dtype d) {
    return std::exp(ew::round_to(ew::round_to(std::numbers::ln2, d) * x, d));
  }
  /// log(2) y g, with log(2) staged as JAX stages it.
  static array jvp(const array& g, const array& y, const array& x, const params&) {
    array ln2 = lax::log(dr::konst(x, 2));
    return lax::mul(ln2, lax::mul(g, y));
  }
};
inline const unary_primitive<exp2_op>& exp2_p() { return instance<unary_primitive<exp2_op>>(); }

// Transcendental functions: one libm call (or a helper of ew::) each, and the body of
// the JVP rule: given the operand's tangent g, the output y and the operand x, the
// output's tangent, as jax.lax defines it.
#define XJAX_FLOAT_UNARY_OP(NAME, EXPR, ...)                                                            \
  struct NAME##_op : float_op {                                                                          \
    static constexpr std::string_view name = #NAME;                                                      \
    static double apply(double x, const params&) { return EXPR; }                                        \
    static array jvp([[maybe_unused]] const array& g, [[maybe_unused]] const array& y,                   \
                     [[maybe_unused]] const array& x, const params&) {                                   \
      __VA_ARGS__                                                                                        \
    }                                                                                                    \
  };                                                                                                     \
  inline const unary_primitive<NAME##_op>& NAME##_p() { return instance<unary_primitive<NAME##_op>>(); }

XJAX_FLOAT_UNARY_OP(exp, std::exp(x), return lax::mul(g, y);)
XJAX_FLOAT_UNARY_OP(expm1, std::expm1(x), return lax::mul(g, lax::add(y, dr::scalar_like(y, 1)));)
XJAX_FLOAT_UNARY_OP(log, std::log(x), return lax::div(g, x);)
XJAX_FLOAT_UNARY_OP(log1p, std::log1p(x), return lax::div(g, lax::add(x, dr::scalar_like(x, 1)));)
// 0.5 / y: +inf at 0, as JAX.
XJAX_FLOAT_UNARY_OP(sqrt, std::sqrt(x), return lax::mul(g, lax::div(dr::konst(x, 0.5), y));)
XJAX_FLOAT_UNARY_OP(rsqrt, 1 / std::sqrt(x), return lax::mul(g, lax::mul(dr::konst(x, -0.5), lax::div(y, x)));)
XJAX_FLOAT_UNARY_OP(cbrt, std::cbrt(x),
                    return lax::mul(g, lax::mul(dr::konst(x, 1.0 / 3), lax::integer_pow(y, -2)));)
XJAX_FLOAT_UNARY_OP(sin, std::sin(x), return lax::mul(g, lax::cos(x));)
XJAX_FLOAT_UNARY_OP(cos, std::cos(x), return lax::neg(lax::mul(g, lax::sin(x)));)
XJAX_FLOAT_UNARY_OP(tan, std::tan(x), return lax::mul(g, lax::add(dr::konst(x, 1), lax::square(y)));)
XJAX_FLOAT_UNARY_OP(asin, std::asin(x),
                    return lax::mul(g, lax::rsqrt(lax::sub(dr::konst(x, 1), lax::square(x))));)
XJAX_FLOAT_UNARY_OP(acos, std::acos(x),
                    return lax::mul(g, lax::neg(lax::rsqrt(lax::sub(dr::konst(x, 1), lax::square(x)))));)
XJAX_FLOAT_UNARY_OP(atan, std::atan(x), return lax::div(g, lax::add(dr::konst(x, 1), lax::square(x)));)
XJAX_FLOAT_UNARY_OP(sinh, std::sinh(x), return lax::mul(g, lax::cosh(x));)
XJAX_FLOAT_UNARY_OP(cosh, std::cosh(x), return lax::mul(g, lax::sinh(x));)
// (g + g y) (1 - y), i.e. g (1 - y^2).
XJAX_FLOAT_UNARY_OP(tanh, std::tanh(x), array a = lax::add(g, lax::mul(g, y));
                    return lax::mul(a, lax::sub(dr::scalar_like(x, 1), y));)
XJAX_FLOAT_UNARY_OP(asinh, std::asinh(x),
                    return lax::mul(g, lax::rsqrt(lax::add(lax::square(x), dr::scalar_like(x, 1))));)
// x^2 - 1 rather than (x + 1)(x - 1), as JAX (the domain is x >= 1).
XJAX_FLOAT_UNARY_OP(acosh, std::acosh(x),
                    return lax::mul(g, lax::rsqrt(lax::sub(lax::square(x), dr::scalar_like(x, 1))));)
// 1 / (1 + x) * (g / (1 - x)); lax.reciprocal is integer_pow(-1).
XJAX_FLOAT_UNARY_OP(atanh, std::atanh(x),
                    array r = lax::integer_pow(lax::add(dr::scalar_like(x, 1), x), -1);
                    return lax::mul(r, lax::div(g, lax::sub(dr::scalar_like(x, 1), x)));)
XJAX_FLOAT_UNARY_OP(logistic, x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)),
                    return lax::mul(g, lax::mul(y, lax::sub(dr::scalar_like(y, 1), y)));)
XJAX_FLOAT_UNARY_OP(erf, std::erf(x),
                    return lax::mul(dr::konst(x, 2 / std::sqrt(std::numbers::pi)),
                                    lax::mul(g, lax::exp(lax::neg(lax::square(x)))));)
XJAX_FLOAT_UNARY_OP(erfc, std::erfc(x),
                    return lax::mul(dr::konst(x, -2 / std::sqrt(std::numbers::pi)),
                                    lax::mul(g, lax::exp(lax::neg(lax::square(x)))));)
XJAX_FLOAT_UNARY_OP(erf_inv, ew::erf_inv(x),
                    return lax::mul(dr::konst(x, std::sqrt(std::numbers::pi) / 2),
                                    lax::mul(g, lax::exp(lax::square(y))));)
XJAX_FLOAT_UNARY_OP(lgamma, std::lgamma(x), return lax::mul(g, lax::digamma(x));)
XJAX_FLOAT_UNARY_OP(digamma, ew::digamma(x), return lax::mul(g, lax::polygamma(dr::konst(x, 1), x));)
#undef XJAX_FLOAT_UNARY_OP

struct not_op {
  static constexpr std::string_view name = "not";
  static constexpr dtype_set domain = int_or_bool_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_same_v<C, bool>) return !x;
    else return static_cast<C>(~x);  // narrowing to the dtype keeps its bits
  }
};
inline const unary_primitive<not_op>& not_p() { return instance<unary_primitive<not_op>>(); }

struct population_count_op {
  static constexpr std::string_view name = "population_count";
  static constexpr dtype_set domain = int_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, const params&, dtype d) {
    return static_cast<C>(std::popcount(ew::low_bits(static_cast<std::uint64_t>(x), reference::bit_width(d))));
  }
};
inline const unary_primitive<population_count_op>& population_count_p() {
  return instance<unary_primitive<population_count_op>>();
}

// ===========================================================================
// Binary ops

/// The JVP of add and sub (JAX's _add_jvp, _sub_jvp): the op of the tangents, or the
/// one non-zero tangent (negated for sub's y) broadcast to the output's shape.
template <class Op> jvp_result add_sub_jvp(std::span<const array> x, std::span<const array> t) {
  array z = Op::bind(x[0], x[1]);
  if (ad::is_zero(t[0])) return {{z}, {maybe_broadcast(Op::negates_y ? lax::neg(t[1]) : t[1], z.shape())}};
  if (ad::is_zero(t[1])) return {{z}, {maybe_broadcast(t[0], z.shape())}};
  return {{z}, {Op::bind(t[0], t[1])}};
}

/// The transpose of add and sub (JAX's _add_transpose, _sub_transpose): the cotangent
/// (negated for sub's y) summed back to each linear operand's shape.
template <class Op> std::vector<array> add_sub_transpose(const array& ct, std::span<const lin_arg> args) {
  std::vector<array> out(2);
  if (args[0].is_linear()) out[0] = unbroadcast(ct, args[0].aval);
  if (args[1].is_linear()) out[1] = unbroadcast(Op::negates_y ? lax::neg(ct) : ct, args[1].aval);
  return out;
}

struct add_op {
  static constexpr std::string_view name = "add";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_integral_v<C>) return ew::wrap_add(x, y);
    else return x + y;
  }
  static constexpr bool negates_y = false;
  static array bind(const array& x, const array& y) { return lax::add(x, y); }
  static jvp_result jvp(std::span<const array> x, std::span<const array> t, const params&) {
    return add_sub_jvp<add_op>(x, t);
  }
  static std::vector<array> transpose(const array& ct, std::span<const lin_arg> args, const params&) {
    return add_sub_transpose<add_op>(ct, args);
  }
};
inline const binary_primitive<add_op>& add_p() { return instance<binary_primitive<add_op>>(); }

struct sub_op {
  static constexpr std::string_view name = "sub";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_integral_v<C>) return ew::wrap_sub(x, y);
    else return x - y;
  }
  static constexpr bool negates_y = true;
  static array bind(const array& x, const array& y) { return lax::sub(x, y); }
  static jvp_result jvp(std::span<const array> x, std::span<const array> t, const params&) {
    return add_sub_jvp<sub_op>(x, t);
  }
  static std::vector<array> transpose(const array& ct, std::span<const lin_arg> args, const params&) {
    return add_sub_transpose<sub_op>(ct, args);
  }
};
inline const binary_primitive<sub_op>& sub_p() { return instance<binary_primitive<sub_op>>(); }

struct mul_op {
  static constexpr std::string_view name = "mul";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_integral_v<C>) return ew::wrap_mul(x, y);
    else return x * y;
  }
  static array jvp_lhs(const array& g, const array&, const array&, const array& y, const params&) {
    return lax::mul(g, y);
  }
  static array jvp_rhs(const array& g, const array&, const array& x, const array&, const params&) {
    return lax::mul(x, g);
  }
  /// Bilinear: transposable in one operand, the other being a constant.
  static std::vector<array> transpose(const array& ct, std::span<const lin_arg> args, const params&) {
    if (args[0].is_linear() && args[1].is_linear()) nonlinear_transpose("mul", "both operands together");
    if (args[0].is_linear()) return {unbroadcast(lax::mul(ct, args[1].value), args[0].aval), array()};
    return {array(), unbroadcast(lax::mul(args[0].value, ct), args[1].aval)};
  }
};
inline const binary_primitive<mul_op>& mul_p() { return instance<binary_primitive<mul_op>>(); }

/// Integer division rounds toward zero; x / 0 is -1 (signed) or all ones (unsigned),
/// INT_MIN / -1 is INT_MIN (XLA's CPU semantics).
struct div_op {
  static constexpr std::string_view name = "div";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_floating_point_v<C>) {
      return x / y;
    } else {
      if (y == 0) return static_cast<C>(~C{0});  // -1, or the all-ones value narrowed to the dtype
      if constexpr (std::is_signed_v<C>) {
        if (y == -1) return ew::wrap_sub(C{0}, x);  // INT_MIN / -1 wraps to INT_MIN (in every width)
      }
      return x / y;
    }
  }
  static array jvp_lhs(const array& g, const array&, const array&, const array& y, const params&) {
    return lax::div(g, y);
  }
  /// -g x / y^2.
  static array jvp_rhs(const array& g, const array&, const array& x, const array& y, const params&) {
    array a = lax::mul(lax::neg(g), x);
    return lax::mul(a, lax::integer_pow(y, -2));
  }
  /// Linear in the numerator only.
  static std::vector<array> transpose(const array& ct, std::span<const lin_arg> args, const params&) {
    if (args[1].is_linear()) nonlinear_transpose("div", "the divisor");
    return {unbroadcast(lax::div(ct, args[1].value), args[0].aval), array()};
  }
};
inline const binary_primitive<div_op>& div_p() { return instance<binary_primitive<div_op>>(); }

/// The remainder of div: the sign of x (C's fmod and %); x % 0 is x, INT_MIN % -1 is 0.
struct rem_op {
  static constexpr std::string_view name = "rem";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_floating_point_v<C>) {
      return std::fmod(x, y);
    } else {
      if (y == 0) return x;
      if constexpr (std::is_signed_v<C>) {
        if (y == -1) return 0;
      }
      return x % y;
    }
  }
  /// rem(x, y) = x - y trunc(x / y): g for x (broadcast to the output's shape), and
  /// -g sign(x / y) floor(|x / y|) for y (JAX computes x / y twice; once here).
  static array jvp_lhs(const array& g, const array& z, const array&, const array&, const params&) {
    return maybe_broadcast(g, z.shape());
  }
  static array jvp_rhs(const array& g, const array&, const array& x, const array& y, const params&) {
    array neg_g = lax::neg(g);
    array q = lax::div(x, y);
    array s = lax::sign(q);
    return lax::mul(neg_g, lax::mul(s, lax::floor(lax::abs(q))));
  }
};
inline const binary_primitive<rem_op>& rem_p() { return instance<binary_primitive<rem_op>>(); }

/// max and min propagate NaN; between -0.0 and 0.0, max picks 0.0 and min -0.0.
struct max_op {
  static constexpr std::string_view name = "max";
  static constexpr dtype_set domain = all_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
      if (x == y) return std::signbit(x) ? y : x;
    }
    return x < y ? y : x;
  }
  static array jvp_lhs(const array& g, const array& z, const array& x, const array& y, const params&) {
    return lax::mul(g, dr::balanced_eq(x, z, y));
  }
  static array jvp_rhs(const array& g, const array& z, const array& x, const array& y, const params&) {
    return lax::mul(g, dr::balanced_eq(y, z, x));
  }
};
inline const binary_primitive<max_op>& max_p() { return instance<binary_primitive<max_op>>(); }

struct min_op {
  static constexpr std::string_view name = "min";
  static constexpr dtype_set domain = all_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
      if (x == y) return std::signbit(x) ? x : y;
    }
    return y < x ? y : x;
  }
  static array jvp_lhs(const array& g, const array& z, const array& x, const array& y, const params& p) {
    return max_op::jvp_lhs(g, z, x, y, p);
  }
  static array jvp_rhs(const array& g, const array& z, const array& x, const array& y, const params& p) {
    return max_op::jvp_rhs(g, z, x, y, p);
  }
};
inline const binary_primitive<min_op>& min_p() { return instance<binary_primitive<min_op>>(); }

/// atan2(x, y): d/dx = y / (x^2 + y^2), d/dy = -x / (x^2 + y^2).
struct atan2_op : float_op {
  static constexpr std::string_view name = "atan2";
  static double apply(double x, double y, const params&) { return std::atan2(x, y); }
  static array sum_of_squares(const array& x, const array& y) {
    array xx = lax::square(x);
    return lax::add(xx, lax::square(y));
  }
  static array jvp_lhs(const array& g, const array&, const array& x, const array& y, const params&) {
    return lax::mul(g, lax::div(y, sum_of_squares(x, y)));
  }
  static array jvp_rhs(const array& g, const array&, const array& x, const array& y, const params&) {
    array neg_x = lax::neg(x);
    return lax::mul(g, lax::div(neg_x, sum_of_squares(x, y)));
  }
};
inline const binary_primitive<atan2_op>& atan2_p() { return instance<binary_primitive<atan2_op>>(); }

/// polygamma(m, x) = psi^(m)(x) (jax.lax.polygamma), the derivative of digamma's rule.
/// Differentiable in x only: d/dx = polygamma(m + 1, x); JAX raises for m.
struct polygamma_op : float_op {
  static constexpr std::string_view name = "polygamma";
  static double apply(double m, double x, const params&) { return ew::polygamma(m, x); }
  static array jvp_lhs(const array&, const array&, const array&, const array&, const params&) {
    detail::raise<value_error>(name, "the gradient with respect to m is not supported (as in JAX)");
  }
  static array jvp_rhs(const array& g, const array&, const array& m, const array& x, const params&) {
    return lax::mul(g, lax::polygamma(lax::add(m, dr::konst(m, 1)), x));
  }
};
inline const binary_primitive<polygamma_op>& polygamma_p() { return instance<binary_primitive<polygamma_op>>(); }

/// No JVP rule, as in JAX ("Differentiation rule for 'nextafter' not implemented").
struct nextafter_op : float_op {
  static constexpr std::string_view name = "nextafter";
  static double apply(double x, double y, const params&, dtype d) { return ew::next_after(x, y, d); }
};
inline const binary_primitive<nextafter_op>& nextafter_p() { return instance<binary_primitive<nextafter_op>>(); }

// Bitwise ops: logical on bool.
struct and_op {
  static constexpr std::string_view name = "and";
  static constexpr dtype_set domain = int_or_bool_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, C y, const params&) { return static_cast<C>(x & y); }
};
inline const binary_primitive<and_op>& and_p() { return instance<binary_primitive<and_op>>(); }

struct or_op {
  static constexpr std::string_view name = "or";
  static constexpr dtype_set domain = int_or_bool_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, C y, const params&) { return static_cast<C>(x | y); }
};
inline const binary_primitive<or_op>& or_p() { return instance<binary_primitive<or_op>>(); }

struct xor_op {
  static constexpr std::string_view name = "xor";
  static constexpr dtype_set domain = int_or_bool_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  template <class C> static C apply(C x, C y, const params&) { return static_cast<C>(x ^ y); }
};
inline const binary_primitive<xor_op>& xor_p() { return instance<binary_primitive<xor_op>>(); }

/// Shifts act on the bits of the dtype's width; the amount is read as unsigned, and
/// amounts >= the width give 0 (shift_right_arithmetic: the sign bit repeated).
struct shift_base {
  static constexpr dtype_set domain = int_types;
  using params = no_params;
  static constexpr bool piecewise_constant = true;
  /// The shift amount, or -1 when it is out of range for dtype d.
  template <class C> static int amount(C s, dtype d) {
    std::uint64_t u = ew::low_bits(static_cast<std::uint64_t>(s), reference::bit_width(d));
    return u < static_cast<std::uint64_t>(reference::bit_width(d)) ? static_cast<int>(u) : -1;
  }
};
struct shift_left_op : shift_base {
  static constexpr std::string_view name = "shift_left";
  template <class C> static C apply(C x, C s, const params&, dtype d) {
    int n = amount(s, d);
    return n < 0 ? C{0} : static_cast<C>(static_cast<std::uint64_t>(x) << n);
  }
};
inline const binary_primitive<shift_left_op>& shift_left_p() { return instance<binary_primitive<shift_left_op>>(); }

struct shift_right_logical_op : shift_base {
  static constexpr std::string_view name = "shift_right_logical";
  template <class C> static C apply(C x, C s, const params&, dtype d) {
    int n = amount(s, d);
    return n < 0 ? C{0} : static_cast<C>(ew::low_bits(static_cast<std::uint64_t>(x), reference::bit_width(d)) >> n);
  }
};
inline const binary_primitive<shift_right_logical_op>& shift_right_logical_p() {
  return instance<binary_primitive<shift_right_logical_op>>();
}

struct shift_right_arithmetic_op : shift_base {
  static constexpr std::string_view name = "shift_right_arithmetic";
  template <class C> static C apply(C x, C s, const params&, dtype d) {
    const int bits = reference::bit_width(d);
    int n = amount(s, d);
    if (n < 0) n = bits - 1;
    // Sign-extend the dtype's bits to 64 (unsigned dtypes too: their top bit is the sign here).
    std::int64_t v = static_cast<std::int64_t>(static_cast<std::uint64_t>(x) << (64 - bits)) >> (64 - bits);
    return static_cast<C>(v >> n);
  }
};
inline const binary_primitive<shift_right_arithmetic_op>& shift_right_arithmetic_p() {
  return instance<binary_primitive<shift_right_arithmetic_op>>();
}

// Comparisons: bool results.
#define XJAX_COMPARISON_OP(NAME, OPERATOR)                                                                 \
  struct NAME##_op {                                                                                       \
    static constexpr std::string_view name = #NAME;                                                        \
    static constexpr dtype_set domain = all_types;                                                         \
    using params = no_params;                                                                              \
    static constexpr bool piecewise_constant = true;                                                       \
    static dtype result_dtype(dtype) { return bool_; }                                                     \
    template <class C> static bool apply(C x, C y, const params&) { return x OPERATOR y; }                 \
  };                                                                                                       \
  inline const binary_primitive<NAME##_op>& NAME##_p() { return instance<binary_primitive<NAME##_op>>(); }

XJAX_COMPARISON_OP(eq, ==)
XJAX_COMPARISON_OP(ne, !=)
XJAX_COMPARISON_OP(lt, <)
XJAX_COMPARISON_OP(le, <=)
XJAX_COMPARISON_OP(gt, >)
XJAX_COMPARISON_OP(ge, >=)
#undef XJAX_COMPARISON_OP

// ===========================================================================
// pow: float base, exponent of the base's dtype or of any integer dtype (converted
// to the base's dtype first, as XLA lowers it).

class pow_primitive final : public primitive_of<no_params> {
 public:
  constexpr pow_primitive() : primitive_of<no_params>("pow") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    check_arity("pow", in.size(), 2);
    const dtype x = in[0].dtype, y = in[1].dtype;
    if (!x.is_floating()) {
      detail::raise<type_error>("pow", "does not accept {} as the base (first operand); it accepts {}", x.name(),
                                float_types.describe());
    }
    if (!(y.is_integer() || y == x)) {
      detail::raise<type_error>("pow",
                                "the exponent (second operand) must have the base's dtype or an integer dtype, got "
                                "{} and {}",
                                x.name(), y.name());
    }
    return {aval{elementwise_shape("pow", in), x, all_weak(in)}};
  }

  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    std::vector<aval> avs = avals_of(in);
    const shape_t shape = elementwise_shape("pow", avs);
    const dtype d = in[0].dtype();
    auto rs = ew::map(
        static_cast<std::size_t>(shape_size(shape)),
        [&](double x, double y) { return std::pow(x, ew::round_to(y, d)); }, ew::load<double>(in[0], shape),
        ew::load<double>(in[1], shape));
    return {reference::store(rs, shape, d, all_weak(avs))};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const no_params& p) const override {
    return elementwise_jvp<rules>(*this, x, t, p);
  }
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const no_params& p,
                          const batch_axis&) const override {
    return broadcast_batch(*this, args, dims, p);
  }

 private:
  /// JAX's _pow_jvp_lhs and _pow_jvp_rhs.
  struct rules {
    using params = no_params;
    /// d/dx = y x^(y-1). An integer exponent is converted to x's dtype first, and the
    /// derivative is 0 where y == 0 (so d/dx x^0 is 0 even at x = 0, not 0 * inf).
    static array jvp_lhs(const array& g, const array&, const array& x, const array& y, const params&) {
      array xc = dr::convert(x, x.dtype());
      array yc = dr::convert(y, x.dtype());
      array jac;
      if (y.dtype().is_integer()) {
        if (xc.shape() != yc.shape()) {
          const shape_t shape = dr::broadcast_shape("pow", xc, yc);
          xc = maybe_broadcast(xc, shape);
          yc = maybe_broadcast(yc, shape);
        }
        array y_is_zero = lax::eq(yc, dr::konst(yc, 0));
        array zeros = dr::full_like(yc, 0);
        array y_safe = dr::replace_zero(yc);
        array y_minus_one = lax::sub(yc, dr::full_like(yc, 1));
        jac = lax::select(y_is_zero, zeros, lax::mul(y_safe, lax::pow(xc, y_minus_one)));
      } else {
        array y_minus_one = lax::sub(yc, dr::full_like(yc, 1));
        jac = lax::mul(yc, lax::pow(xc, y_minus_one));
      }
      return lax::mul(g, jac);
    }
    /// d/dy = log(x) x^y, with log(1) in place of log(0): d/dy 0^y is 0, not NaN.
    static array jvp_rhs(const array& g, const array& z, const array& x, const array& y, const params&) {
      array log_x = lax::log(dr::replace_zero(x));
      return lax::convert_element_type(lax::mul(g, lax::mul(log_x, z)), y.dtype());
    }
  };
};
inline const pow_primitive& pow_p() { return instance<pow_primitive>(); }

// ===========================================================================
// select_n: cases[which], moving bytes (not instantiated per dtype).

class select_n_primitive final : public primitive_of<no_params> {
 public:
  constexpr select_n_primitive() : primitive_of<no_params>("select_n") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    if (in.size() < 2) {
      detail::raise<value_error>("select_n", "requires `which` and at least one case, got {} operands", in.size());
    }
    const aval& which = in[0];
    std::span<const aval> cases = in.subspan(1);
    if (!(which.dtype.is_bool() || which.dtype.is_integer())) {
      detail::raise<type_error>("select_n", "`which` must be bool or an integer dtype, got {}", which.dtype.name());
    }
    if (which.dtype.is_bool() && cases.size() > 2) {
      detail::raise<value_error>("select_n", "a bool `which` selects between at most 2 cases, got {} cases",
                                 cases.size());
    }
    dtype d = common_dtype("select_n", cases);
    for (auto& c : cases) {
      if (c.shape != cases[0].shape) {
        detail::raise<shape_error>("select_n", "cases must have the same shapes, got {}", shapes_str(cases));
      }
    }
    if (!which.shape.empty() && which.shape != cases[0].shape) {
      detail::raise<shape_error>("select_n",
                                 "`which` must be 0-d or have the cases' shape, got `which` shape {} and case shape {}",
                                 shape_str(which.shape), shape_str(cases[0].shape));
    }
    return {aval{cases[0].shape, d, all_weak(cases)}};
  }

  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    const array& which = in[0];
    std::span<const array> cases = in.subspan(1);
    const shape_t& shape = cases[0].shape();
    const auto n = static_cast<std::size_t>(shape_size(shape));
    // The case of each element: which, clamped to [0, number of cases - 1] as XLA's
    // lowering (a binary search of `which < k` comparisons) gives.
    std::vector<std::size_t> pick(n);
    const auto last = cases.size() - 1;
    reference::visit_compute<int_or_bool_types>(which.dtype(), [&](auto tag) {
      using C = decltype(tag);
      std::vector<C> w = ew::load<C>(which, shape);
      for (std::size_t i = 0; i < n; ++i) {
        const C v = w[i];
        if (v <= C{0}) pick[i] = 0;
        else pick[i] = static_cast<std::uint64_t>(v) >= last ? last : static_cast<std::size_t>(v);
      }
    });
    array out = array::empty(shape, cases[0].dtype(), all_weak(avals_of(cases)));
    const auto item = static_cast<std::size_t>(out.itemsize());
    auto* dst = static_cast<std::byte*>(out.mutable_raw_data());
    std::vector<const std::byte*> src;
    for (auto& c : cases) src.push_back(static_cast<const std::byte*>(c.raw_data()));
    for (std::size_t i = 0; i < n; ++i) std::memcpy(dst + i * item, src[pick[i]] + i * item, item);
    return {out};
  }

  /// select_n of the cases' tangents, zeros standing for symbolic zeros; `which` is
  /// not differentiable (JAX's _select_jvp).
  jvp_result jvp_rule(std::span<const array> in, std::span<const array> t, const no_params&) const override {
    array out = bind1(std::vector<array>(in.begin(), in.end()));
    auto nonzero = std::find_if(t.begin() + 1, t.end(), [](const array& a) { return !ad::is_zero(a); });
    if (nonzero == t.end()) return {{out}, {array()}};
    std::vector<array> cases{in[0]};
    array zeros;
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (ad::is_zero(t[i]) && !zeros.valid()) zeros = dr::full_like(*nonzero, 0);
      cases.push_back(ad::is_zero(t[i]) ? zeros : t[i]);
    }
    return {{out}, {bind1(std::move(cases))}};
  }

  /// Linear in the cases (`which` is a constant): each linear case gets the cotangent
  /// where it was selected and 0 elsewhere (JAX's _select_transpose_rule). One
  /// departure: an integer `which` out of range selects the first or last case (as the
  /// evaluation documents, XLA's behaviour), so those cases take the cotangent where
  /// which <= 0 and which >= n - 1; JAX tests which == i, losing it there.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const no_params&) const override {
    if (args[0].is_linear()) nonlinear_transpose("select_n", "`which`");
    std::vector<array> out(args.size());
    const array& ct = cts[0];
    if (ad::is_zero(ct)) return out;
    if (args.size() == 2) {  // one case: always selected
      if (args[1].is_linear()) out[1] = ct;
      return out;
    }
    const array& which = args[0].value;
    array zeros = dr::full_like(ct, 0);
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (!args[i].is_linear()) continue;
      if (which.dtype().is_bool()) {
        out[i] = i == 1 ? lax::select(which, zeros, ct) : lax::select(which, ct, zeros);
      } else {
        const std::size_t k = i - 1, last = args.size() - 2;
        array index = dr::konst(which, static_cast<double>(k));
        array picked = k == 0 ? lax::le(which, index) : k == last ? lax::ge(which, index) : lax::eq(which, index);
        out[i] = lax::select(picked, ct, zeros);
      }
    }
    return out;
  }

  /// JAX's _select_batch_rule. Special cases that keep the batch dimension: `which` and
  /// the cases batched alike (a 0-d `which` per example is broadcast_in_dim'ed along
  /// it), or a 0-d unbatched `which` with batched cases (moved to the first case's batch
  /// dimension if they differ). Otherwise everything moves to the front: a `which` that
  /// is not 0-d is transposed or broadcast there (to the batch size), and so are all
  /// the cases unless they are all 0-d; then a lower-rank `which` is broadcast_in_dim'ed
  /// to the cases' shape, or 0-d cases to `which`'s.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const no_params&,
                          const batch_axis& axis) const override {
    check_batch_dims("select_n", args, dims);
    array which = args[0];
    const std::int64_t which_dim = dims[0];
    std::vector<array> cases(args.begin() + 1, args.end());
    std::span<const std::int64_t> case_dims = dims.subspan(1);
    auto select = [&](std::int64_t out_dim) {
      std::vector<array> in{which};
      in.insert(in.end(), cases.begin(), cases.end());
      return batch_result{{bind1(std::move(in))}, {out_dim}};
    };
    const auto all_cases = [&](auto&& pred) { return std::all_of(case_dims.begin(), case_dims.end(), pred); };
    if (all_cases([&](std::int64_t d) { return d == which_dim; })) {
      if (which.shape() != cases[0].shape()) {  // a 0-d `which` per example
        which = lax::broadcast_in_dim(which, cases[0].shape(), {which_dim});
      }
      return select(which_dim);
    }
    if (which.ndim() == 0 && all_cases([](std::int64_t d) { return d != not_mapped; })) {
      const std::int64_t d0 = case_dims[0];
      if (all_cases([&](std::int64_t d) { return d == d0; })) return select(d0);
      if (std::all_of(cases.begin(), cases.end(), [&](const array& c) { return c.shape() == cases[0].shape(); })) {
        for (std::size_t i = 1; i < cases.size(); ++i) cases[i] = batching::move_batch_dim(cases[i], case_dims[i], d0, 0);
        return select(d0);
      }
    }
    if (which.ndim() != 0) which = bdim_at_front(which, which_dim, axis.size);
    if (std::any_of(cases.begin(), cases.end(), [](const array& c) { return c.ndim() != 0; })) {
      for (std::size_t i = 0; i < cases.size(); ++i) cases[i] = bdim_at_front(cases[i], case_dims[i], axis.size);
    }
    if (which.ndim() != 0 && which.ndim() < cases[0].ndim()) {
      which = lax::broadcast_in_dim(which, cases[0].shape(), {0});
    }
    if (which.ndim() > cases[0].ndim()) {
      for (auto& c : cases) c = lax::broadcast_in_dim(c, which.shape(), {});
    }
    return select(0);
  }
};
inline const select_n_primitive& select_n_p() { return instance<select_n_primitive>(); }

// ===========================================================================
// clamp(lo, x, hi) = min(max(x, lo), hi); lo and hi are 0-d or of x's shape.

class clamp_primitive final : public primitive_of<no_params> {
 public:
  constexpr clamp_primitive() : primitive_of<no_params>("clamp") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    check_arity("clamp", in.size(), 3);
    const dtype d = common_dtype("clamp", in);
    check_dtype("clamp", d, all_types);
    const shape_t& x = in[1].shape;
    for (int i : {0, 2}) {
      if (!in[i].shape.empty() && in[i].shape != x) {
        const char* what = i == 0 ? "min" : "max";
        detail::raise<shape_error>("clamp",
                                   "requires {0}.shape == operand.shape or {0}.shape == (), got {0}.shape={1}, "
                                   "operand.shape={2}",
                                   what, shape_str(in[i].shape), shape_str(x));
      }
    }
    return {aval{x, d, all_weak(in)}};
  }

  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    const shape_t& shape = in[1].shape();
    const dtype d = in[1].dtype();
    std::vector<array> out;
    reference::visit_compute<all_types>(d, [&](auto tag) {
      using C = decltype(tag);
      auto rs = ew::map(
          static_cast<std::size_t>(shape_size(shape)),
          [](C lo, C x, C hi) { return min_op::apply(max_op::apply(x, lo, {}), hi, {}); }, ew::load<C>(in[0], shape),
          ew::load<C>(in[1], shape), ew::load<C>(in[2], shape));
      out.push_back(reference::store(rs, shape, d, all_weak(avals_of(in))));
    });
    return out;
  }

  /// JAX's rule: the tangent of lo where lo > x and lo < hi, of x where lo < x < hi,
  /// of hi where hi < x (so at x == lo or x == hi no operand gets it). A 0-d lo's or
  /// hi's tangent is broadcast to x's shape first (JAX's rule fails there, selecting
  /// between a 0-d tangent and zeros of x's shape).
  jvp_result jvp_rule(std::span<const array> in, std::span<const array> t, const no_params&) const override {
    const array &lo = in[0], &x = in[1], &hi = in[2];
    array out = bind1({lo, x, hi});
    auto where = [&](const array& pred, const array& g) {
      array zeros = dr::full_like(x, 0);
      return lax::select(pred, maybe_broadcast(g, x.shape()), zeros);
    };
    array tout;
    if (!ad::is_zero(t[0])) {
      array above_x = lax::gt(lo, x);
      tout = where(lax::bitwise_and(above_x, lax::lt(lo, hi)), t[0]);
    }
    if (!ad::is_zero(t[1])) {
      array above_lo = lax::gt(x, lo);
      tout = ad::add_tangents(tout, where(lax::bitwise_and(above_lo, lax::lt(x, hi)), t[1]));
    }
    if (!ad::is_zero(t[2])) tout = ad::add_tangents(tout, where(lax::lt(hi, x), t[2]));
    return {{out}, {tout}};
  }

  /// JAX's _clamp_batch_rule. Special cases that keep x's batch dimension: lo, x and hi
  /// batched alike with equal shapes, or with 0-d bounds per example (broadcast_in_dim'ed
  /// along it); or 0-d unbatched bounds. Otherwise every operand that is not 0-d moves
  /// to the front (transposed, or broadcast to the batch size), then 0-d bounds are
  /// broadcast to x's shape, bounds that were 0-d per example are broadcast_in_dim'ed
  /// along axis 0, and a 0-d x is broadcast to the bounds' shape. One departure: JAX
  /// broadcasts a 0-d x to lo's shape only, and fails when hi alone is batched over a
  /// 0-d x and lo (clamp's shape error); here x takes hi's shape then.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const no_params&,
                          const batch_axis& axis) const override {
    check_batch_dims("clamp", args, dims);
    array lo = args[0], x = args[1], hi = args[2];
    const std::int64_t lo_dim = dims[0], x_dim = dims[1], hi_dim = dims[2];
    auto clamp = [&](std::int64_t out_dim) { return batch_result{{bind1({lo, x, hi})}, {out_dim}}; };
    if (lo_dim == x_dim && x_dim == hi_dim) {
      if (lo.shape() == x.shape() && hi.shape() == x.shape()) return clamp(x_dim);
      if (lo.ndim() == 0 && hi.ndim() == 0) return clamp(x_dim);
      if (lo.ndim() == 1 && hi.ndim() == 1) {
        lo = lax::broadcast_in_dim(lo, x.shape(), {lo_dim});
        hi = lax::broadcast_in_dim(hi, x.shape(), {hi_dim});
        return clamp(x_dim);
      }
    } else if (lo.ndim() == 0 && hi.ndim() == 0 && x_dim != not_mapped) {
      return clamp(x_dim);
    }
    if (lo.ndim() != 0) lo = bdim_at_front(lo, lo_dim, axis.size);
    if (hi.ndim() != 0) hi = bdim_at_front(hi, hi_dim, axis.size);
    if (x.ndim() != 0) x = bdim_at_front(x, x_dim, axis.size);
    if (lo.ndim() == 0 && x.ndim() > 0) lo = lax::broadcast_in_dim(lo, x.shape(), {});
    if (hi.ndim() == 0 && x.ndim() > 0) hi = lax::broadcast_in_dim(hi, x.shape(), {});
    if (lo.ndim() > 0 && lo.ndim() < x.ndim()) lo = lax::broadcast_in_dim(lo, x.shape(), {0});
    if (hi.ndim() > 0 && hi.ndim() < x.ndim()) hi = lax::broadcast_in_dim(hi, x.shape(), {0});
    if (lo.ndim() > x.ndim()) x = lax::broadcast_in_dim(x, lo.shape(), {});
    if (hi.ndim() > x.ndim()) x = lax::broadcast_in_dim(x, hi.shape(), {});
    return clamp(0);
  }
};
inline const clamp_primitive& clamp_p() { return instance<clamp_primitive>(); }

// ===========================================================================
// convert_element_type: JAX also has a `sharding` param (None here, as we do not
// model shardings), which its printer never shows.

struct convert_element_type_params {
  dtype new_dtype = float32;
  bool weak_type = false;
  bool operator==(const convert_element_type_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("new_dtype", new_dtype);
    f("weak_type", weak_type);
  }
};

class convert_element_type_primitive final : public primitive_of<convert_element_type_params> {
 public:
  constexpr convert_element_type_primitive() : primitive_of<convert_element_type_params>("convert_element_type") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const convert_element_type_params& p) const override {
    check_arity("convert_element_type", in.size(), 1);
    return {aval{in[0].shape, p.new_dtype, p.weak_type}};
  }

  /// Widens to the operand's compute type and narrows to the new dtype with XLA's
  /// conversions (detail::convert_scalar): float -> int saturates, NaN -> 0; 64-bit
  /// values reach 16-bit floats through float32, as XLA's CPU backend converts.
  std::vector<array> eval(std::span<const array> in, const convert_element_type_params& p) const override {
    const array& x = in[0];
    std::vector<array> out;
    reference::visit_compute<all_types>(x.dtype(), [&](auto tag) {
      using C = decltype(tag);
      out.push_back(reference::store(reference::load<C>(x), x.shape(), p.new_dtype, p.weak_type));
    });
    return out;
  }

  /// The tangent converted alike; zero when the new dtype is not a float.
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t,
                      const convert_element_type_params& p) const override {
    array out = bind1({x[0]}, p);
    if (ad::is_zero(t[0]) || !ad::differentiable(p.new_dtype)) return {{out}, {array()}};
    return {{out}, {bind1({t[0]}, p)}};
  }

  /// The cotangent converted back to the operand's dtype and weak type; zero for a
  /// non-float operand.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const convert_element_type_params&) const override {
    const aval& operand = args[0].aval;
    if (ad::is_zero(cts[0]) || !ad::differentiable(operand.dtype)) return {array()};
    return {lax::convert_element_type(cts[0], operand.dtype, operand.weak_type)};
  }

  /// Elementwise: converts the batched operand, whose batch dimension stays.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims,
                          const convert_element_type_params& p, const batch_axis&) const override {
    return broadcast_batch(*this, args, dims, p);
  }
};
inline const convert_element_type_primitive& convert_element_type_p() {
  return instance<convert_element_type_primitive>();
}

// ===========================================================================
// bitcast_convert_type: the same bytes, another dtype (zero-copy).

struct bitcast_convert_type_params {
  dtype new_dtype = float32;
  bool operator==(const bitcast_convert_type_params&) const = default;
  template <class F> void fields(F&& f) const { f("new_dtype", new_dtype); }
};

class bitcast_convert_type_primitive final : public primitive_of<bitcast_convert_type_params> {
 public:
  constexpr bitcast_convert_type_primitive() : primitive_of<bitcast_convert_type_params>("bitcast_convert_type") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const bitcast_convert_type_params& p) const override {
    static constexpr std::string_view op = "bitcast_convert_type";
    check_arity(op, in.size(), 1);
    const aval& x = in[0];
    const dtype d = p.new_dtype;
    if ((x.dtype.is_bool() || d.is_bool()) && x.dtype != d) {
      detail::raise<type_error>(op, "cannot convert {} to {}: bool converts only to bool (use convert_element_type)",
                                x.dtype.name(), d.name());
    }
    const int from = x.dtype.itemsize(), to = d.itemsize();
    shape_t shape = x.shape;
    if (to < from) {
      shape.push_back(from / to);
    } else if (to > from) {
      if (shape.empty() || shape.back() * from != to) {
        detail::raise<shape_error>(op,
                                   "converting {} to the wider {} requires a last dimension of size {} / {} = {}, got "
                                   "shape {}",
                                   x.dtype.name(), d.name(), to, from, to / from, shape_str(x.shape));
      }
      shape.pop_back();
    }
    return {aval{shape, d, false}};
  }

  std::vector<array> eval(std::span<const array> in, const bitcast_convert_type_params& p) const override {
    aval out = shape_rule(avals_of(in), p)[0];
    return {array::from_buffer(in[0].buffer_ptr(), out.shape, out.dtype)};  // buffers are immutable: share it
  }

  /// Not differentiable (JAX: zero tangents).
  jvp_result jvp_rule(std::span<const array> x, std::span<const array>,
                      const bitcast_convert_type_params& p) const override {
    return ad::zero_jvp(*this, x, p);
  }

  /// Elementwise on all but the last axis, which a bitcast to a narrower dtype appends
  /// and one to a wider dtype removes: the batch dimension stays where it is (JAX's
  /// defvectorized), except for a wider dtype when it is the operand's last axis, which
  /// the bitcast consumes; it then moves to the front first. (JAX 0.10.2 does not move
  /// it and fails there, with an IndexError or, where sizes happen to fit, a bitcast
  /// across examples.)
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims,
                          const bitcast_convert_type_params& p, const batch_axis&) const override {
    check_batch_dims("bitcast_convert_type", args, dims);
    const array& x = args[0];
    if (p.new_dtype.itemsize() > x.dtype().itemsize() && dims[0] == x.ndim() - 1) {
      return {{bind1({bdim_at_front(x, dims[0], 0)}, p)}, {0}};
    }
    return broadcast_batch(*this, args, dims, p);
  }
};
inline const bitcast_convert_type_primitive& bitcast_convert_type_p() {
  return instance<bitcast_convert_type_primitive>();
}

/// bind1 for the ops without params, with the operands in place rather than in a vector.
template <class Prim, std::size_t N> array bind_no_params(const Prim& p, const array (&operands)[N]) {
  static_assert(std::is_same_v<typename Prim::params_type, no_params>);
  return std::move(xjax::bind(p, operands, make_params(no_params{}))[0]);
}

}  // namespace xjax::prim

// ===========================================================================
// The lax functions (declared in lax/elementwise.hpp) bind the primitives above.
namespace xjax::lax {

#define XJAX_LAX_UNARY(NAME, PRIM) \
  XJAX_IMPL array NAME(const array& x) { return prim::bind_no_params(prim::PRIM(), {x}); }
#define XJAX_LAX_BINARY(NAME, PRIM) \
  XJAX_IMPL array NAME(const array& x, const array& y) { return prim::bind_no_params(prim::PRIM(), {x, y}); }

XJAX_LAX_UNARY(neg, neg_p)
XJAX_LAX_UNARY(sign, sign_p)
XJAX_LAX_UNARY(abs, abs_p)
XJAX_LAX_UNARY(square, square_p)
XJAX_LAX_UNARY(floor, floor_p)
XJAX_LAX_UNARY(ceil, ceil_p)
XJAX_LAX_UNARY(is_finite, is_finite_p)
XJAX_LAX_UNARY(exp, exp_p)
XJAX_LAX_UNARY(exp2, exp2_p)
XJAX_LAX_UNARY(expm1, expm1_p)
XJAX_LAX_UNARY(log, log_p)
XJAX_LAX_UNARY(log1p, log1p_p)
XJAX_LAX_UNARY(sqrt, sqrt_p)
XJAX_LAX_UNARY(rsqrt, rsqrt_p)
XJAX_LAX_UNARY(cbrt, cbrt_p)
XJAX_LAX_UNARY(sin, sin_p)
XJAX_LAX_UNARY(cos, cos_p)
XJAX_LAX_UNARY(tan, tan_p)
XJAX_LAX_UNARY(asin, asin_p)
XJAX_LAX_UNARY(acos, acos_p)
XJAX_LAX_UNARY(atan, atan_p)
XJAX_LAX_UNARY(sinh, sinh_p)
XJAX_LAX_UNARY(cosh, cosh_p)
XJAX_LAX_UNARY(tanh, tanh_p)
XJAX_LAX_UNARY(asinh, asinh_p)
XJAX_LAX_UNARY(acosh, acosh_p)
XJAX_LAX_UNARY(atanh, atanh_p)
XJAX_LAX_UNARY(logistic, logistic_p)
XJAX_LAX_UNARY(erf, erf_p)
XJAX_LAX_UNARY(erfc, erfc_p)
XJAX_LAX_UNARY(erf_inv, erf_inv_p)
XJAX_LAX_UNARY(lgamma, lgamma_p)
XJAX_LAX_UNARY(digamma, digamma_p)
XJAX_LAX_UNARY(bitwise_not, not_p)
XJAX_LAX_UNARY(population_count, population_count_p)

XJAX_LAX_BINARY(add, add_p)
XJAX_LAX_BINARY(sub, sub_p)
XJAX_LAX_BINARY(mul, mul_p)
XJAX_LAX_BINARY(div, div_p)
XJAX_LAX_BINARY(rem, rem_p)
XJAX_LAX_BINARY(max, max_p)
XJAX_LAX_BINARY(min, min_p)
XJAX_LAX_BINARY(pow, pow_p)
XJAX_LAX_BINARY(atan2, atan2_p)
XJAX_LAX_BINARY(polygamma, polygamma_p)
XJAX_LAX_BINARY(nextafter, nextafter_p)
XJAX_LAX_BINARY(bitwise_and, and_p)
XJAX_LAX_BINARY(bitwise_or, or_p)
XJAX_LAX_BINARY(bitwise_xor, xor_p)
XJAX_LAX_BINARY(shift_left, shift_left_p)
XJAX_LAX_BINARY(shift_right_logical, shift_right_logical_p)
XJAX_LAX_BINARY(shift_right_arithmetic, shift_right_arithmetic_p)
XJAX_LAX_BINARY(eq, eq_p)
XJAX_LAX_BINARY(ne, ne_p)
XJAX_LAX_BINARY(lt, lt_p)
XJAX_LAX_BINARY(le, le_p)
XJAX_LAX_BINARY(gt, gt_p)
XJAX_LAX_BINARY(ge, ge_p)

#undef XJAX_LAX_UNARY
#undef XJAX_LAX_BINARY

XJAX_IMPL array round(const array& x, rounding_method method) { return prim::round_p().bind1({x}, {method}); }

XJAX_IMPL array integer_pow(const array& x, std::int64_t y) { return prim::integer_pow_p().bind1({x}, {y}); }

XJAX_IMPL array select_n(const array& which, const std::vector<array>& cases) {
  std::vector<array> in{which};
  in.insert(in.end(), cases.begin(), cases.end());
  return prim::select_n_p().bind1(std::move(in));
}

XJAX_IMPL array select(const array& pred, const array& on_true, const array& on_false) {
  return prim::select_n_p().bind1({pred, on_false, on_true});
}

XJAX_IMPL array clamp(const array& lo, const array& x, const array& hi) { return prim::clamp_p().bind1({lo, x, hi}); }

XJAX_IMPL array convert_element_type(const array& x, dtype new_dtype, bool weak_type) {
  if (x.dtype() == new_dtype && x.weak_type() == weak_type) return x;  // as JAX: no equation
  return prim::convert_element_type_p().bind1({x}, {new_dtype, weak_type});
}

XJAX_IMPL array convert_element_type(const array& x, dtype new_dtype) {
  return convert_element_type(x, new_dtype, false);
}

XJAX_IMPL array bitcast_convert_type(const array& x, dtype new_dtype) {
  return prim::bitcast_convert_type_p().bind1({x}, {new_dtype});
}

}  // namespace xjax::lax
