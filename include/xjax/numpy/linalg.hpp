#pragma once
// Linear algebra of xjax::numpy: matmul, dot, vdot, inner, outer, tensordot, einsum,
// trace, kron, cross and linalg::norm, as jax.numpy 0.10.2 builds them on
// lax::dot_general (with JAX's dimension numbers and preferred_element_type, the
// operands keeping their own dtypes), transposes, reshapes and reductions.
//
//   namespace jnp = xjax::numpy;
//   jnp::matmul(a /* f32[5,2,3] */, b /* i32[3,4] */);       // f32[5,2,4]
//   jnp::dot(v, m);  jnp::vdot(a, b);  jnp::inner(a, b);  jnp::outer(a, b);
//   jnp::tensordot(a, b, 1);  jnp::tensordot(a, b, {1, 2}, {0, 1});
//   jnp::einsum("bij,bjk->bik", x, y);   jnp::einsum("ii", m);   jnp::einsum("...ij,...j", m, v);
//   jnp::trace(m, /*offset=*/1);  jnp::kron(a, b);  jnp::cross(u, v);
//   jnp::linalg::norm(x);  jnp::linalg::norm(x, 1, xjax::shape_t{0, 1});  jnp::linalg::norm(x, "fro");
//
// Dtypes: the result has jnp.result_type of the operands (C++ scalars are weak), or
// preferred_element_type when given. float16/bfloat16 sums (trace, norm) accumulate in
// float32, as jnp.sum does.
//
// einsum's contraction order: one or two operands are contracted at once; three or more
// follow opt_einsum's "greedy" path (jax.numpy's default is opt_einsum's "auto", which is
// "optimal" up to four operands: the order, hence rounding and the jaxpr, may differ there;
// the values agree). The greedy path first contracts operands with equal index sets, then
// repeatedly the pair sharing an index whose result minimizes
// size(result) - size(lhs) - size(rhs) (ties: the pair of oldest operands), then joins
// what is left by outer products, smallest first. einsum_path returns that path.

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/lax/linalg.hpp"

namespace xjax::numpy {

using dot_precision_opt = std::optional<lax::dot_precision>;

/// jnp.matmul: matrix product with NumPy's rules (a 1-d operand is a vector whose dimension
/// is removed from the result; batch dimensions broadcast). Operands must not be 0-d.
XJAX_API array matmul(const array& a, const array& b, dot_precision_opt precision = std::nullopt,
                      std::optional<dtype> preferred_element_type = std::nullopt);

/// jnp.dot: 0-d operands multiply; otherwise the last axis of `a` contracts with the only
/// axis of a 1-d `b` or the second-to-last axis of `b`.
XJAX_API array dot(const array& a, const array& b, dot_precision_opt precision = std::nullopt,
                   std::optional<dtype> preferred_element_type = std::nullopt);

/// jnp.vdot: the dot product of the flattened operands (equal sizes).
XJAX_API array vdot(const array& a, const array& b, dot_precision_opt precision = std::nullopt,
                    std::optional<dtype> preferred_element_type = std::nullopt);

/// jnp.inner: contracts the last axes; with a 0-d operand, the elementwise product.
XJAX_API array inner(const array& a, const array& b, dot_precision_opt precision = std::nullopt,
                     std::optional<dtype> preferred_element_type = std::nullopt);

/// jnp.outer: the outer product of the flattened operands, shape (a.size, b.size).
XJAX_API array outer(const array& a, const array& b);

/// jnp.tensordot with an int: the last `axes` axes of `a` contract with the first `axes`
/// of `b` (axes <= min(a.ndim, b.ndim); 0 or negative: the outer product, as NumPy).
XJAX_API array tensordot(const array& a, const array& b, std::int64_t axes = 2,
                         dot_precision_opt precision = std::nullopt,
                         std::optional<dtype> preferred_element_type = std::nullopt);
/// jnp.tensordot with two lists: axes_a[i] of `a` contracts with axes_b[i] of `b`
/// (negative axes count from the end).
XJAX_API array tensordot(const array& a, const array& b, const shape_t& axes_a, const shape_t& axes_b,
                         dot_precision_opt precision = std::nullopt,
                         std::optional<dtype> preferred_element_type = std::nullopt);

/// jnp.einsum with a spec ("ij,jk->ik", implicit "ij,jk", "...ii->...i") and one operand
/// per term; see the top of this header for the contraction order. Indices are letters
/// (a-z, A-Z), as NumPy requires (opt_einsum, hence jax.numpy, takes any character);
/// spaces are ignored. Index sizes must agree, or be 1 (broadcast). Not supported: the
/// interleaved (operand, indices, ...) form and the `optimize` argument.
XJAX_API array einsum(std::string_view subscripts, const std::vector<array>& operands,
                      dot_precision_opt precision = std::nullopt,
                      std::optional<dtype> preferred_element_type = std::nullopt);
/// einsum("ij,jk", a, b): the operands as arguments.
template <class... A>
  requires(sizeof...(A) > 0 && (std::is_convertible_v<const A&, array> && ...))
array einsum(std::string_view subscripts, const A&... operands) {
  return einsum(subscripts, std::vector<array>{array(operands)...});
}
/// The contraction order einsum uses for operands of these shapes, as opt_einsum's
/// linear path: each step lists the positions (in the current operand list, where each
/// result is appended at the end) of the operands it contracts.
XJAX_API std::vector<std::vector<std::int64_t>> einsum_path(std::string_view subscripts,
                                                            const std::vector<shape_t>& shapes);

/// jnp.trace: the sum of the diagonal `offset` of the axes axis1, axis2 (which it
/// removes). Without `dtype`, bool and narrow integers sum as int32 / uint32.
XJAX_API array trace(const array& a, std::int64_t offset = 0, std::int64_t axis1 = 0, std::int64_t axis2 = 1,
                     std::optional<dtype> dtype = std::nullopt);

/// jnp.kron: the Kronecker product (the operand of lower rank gets leading 1s).
XJAX_API array kron(const array& a, const array& b);

/// jnp.cross: cross products of 3-vectors (or 2-vectors, the missing component 0) along
/// axisa of `a` and axisb of `b`, the vectors of the result along axisc; two 2-vectors
/// give the scalar z component. `axis`, when given, sets all three.
XJAX_API array cross(const array& a, const array& b, std::int64_t axisa = -1, std::int64_t axisb = -1,
                     std::int64_t axisc = -1, std::optional<std::int64_t> axis = std::nullopt);

namespace linalg {

/// The `ord` of jnp.linalg.norm: None (default), a number (inf and -inf included; 0, 1, 2,
/// any p for vectors) or a string ("fro" / "f"; "nuc" is not supported: it needs an SVD).
struct norm_ord {
  std::optional<double> value;
  std::string name;
  norm_ord() = default;
  norm_ord(std::nullopt_t) {}  // NOLINT: implicit, as None
  template <class T>
    requires std::is_arithmetic_v<T>
  norm_ord(T v) : value(static_cast<double>(v)) {}  // NOLINT: implicit, as a Python number
  norm_ord(const char* s) : name(s) {}              // NOLINT
  norm_ord(std::string_view s) : name(s) {}         // NOLINT
  norm_ord(const std::string& s) : name(s) {}       // NOLINT
  bool is_none() const { return !value && name.empty(); }
};

/// jnp.linalg.norm: with `axis` None and `ord` None, the 2-norm of all elements; one axis
/// (or a 1-d operand) gives vector norms, two axes (or a 2-d operand) matrix norms
/// ("fro", 1, -1, inf, -inf). Integer operands are promoted to float32.
XJAX_API array norm(const array& x, const norm_ord& ord = {}, const std::optional<shape_t>& axis = std::nullopt,
                    bool keepdims = false);
/// jnp.linalg.norm along one axis (a vector norm).
XJAX_API array norm(const array& x, const norm_ord& ord, std::int64_t axis, bool keepdims = false);

}  // namespace linalg
}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy {
namespace linalg_detail {

inline std::int64_t axis_of(std::string_view op, std::int64_t axis, std::int64_t ndim) {
  return normalize_axis(op, axis, ndim);
}

/// lax.convert_element_type as jax.numpy calls it: nothing when `x` already has dtype
/// `d` and is strongly typed; a C++ scalar is converted at once.
inline array convert(const array& x, dtype d, bool weak = false) { return convert_to(x, promoted_type{d, weak}); }

/// A 0-d constant of dtype `d` (a literal in a jaxpr, as JAX's numpy scalars).
inline array constant(double v, dtype d) {
  if (d.is_floating()) return array(v, d);
  if (d == bool_) return array(v != 0, d);
  return array(static_cast<std::int64_t>(v), d);
}

/// lax.full(shape, v, d): a broadcast 0-d constant.
inline array full(const shape_t& shape, double v, dtype d) { return lax::broadcast_in_dim(constant(v, d), shape, {}); }

/// jnp.moveaxis(x, src, dst).
inline array moveaxis(std::string_view op, const array& x, const shape_t& src, const shape_t& dst) {
  const std::int64_t nd = x.ndim();
  std::vector<std::pair<std::int64_t, std::int64_t>> moves;
  shape_t s;
  for (std::size_t i = 0; i < src.size(); ++i) {
    s.push_back(axis_of(op, src[i], nd));
    moves.emplace_back(axis_of(op, dst[i], nd), s.back());
  }
  shape_t perm;
  for (std::int64_t i = 0; i < nd; ++i)
    if (std::find(s.begin(), s.end(), i) == s.end()) perm.push_back(i);
  std::sort(moves.begin(), moves.end());
  for (auto [d, from] : moves) perm.insert(perm.begin() + d, from);
  return lax::transpose(x, perm);
}

/// x[..., i] for a static i (slice then squeeze, as JAX's indexing).
inline array take_last(const array& x, std::int64_t i) {
  shape_t start(static_cast<std::size_t>(x.ndim()), 0), limit = x.shape();
  start.back() = i;
  limit.back() = i + 1;
  return lax::squeeze(lax::slice(x, start, limit), {x.ndim() - 1});
}

/// jnp.multiply / jnp.subtract (promote_args then the lax op).
inline array mul(const array& a, const array& b, std::string_view op) {
  auto p = promote_args(op, {a, b});
  return p[0].dtype() == bool_ ? lax::bitwise_and(p[0], p[1]) : lax::mul(p[0], p[1]);
}
inline array sub(const array& a, const array& b, std::string_view op) {
  auto p = promote_args(op, {a, b});
  return lax::sub(p[0], p[1]);
}

/// jnp.sum(x, axis=axes, dtype=dt, keepdims=keepdims) for canonical axes.
inline array sum(const array& x0, const shape_t& axes, bool keepdims, std::optional<dtype> dt = std::nullopt) {
  array x = x0;
  if (x.dtype() == bool_) x = convert(x, int32);  // _cast_to_numeric: bool -> default int
  dtype result = x.dtype();
  if (dt) {
    result = *dt;
  } else if (result.is_integer() && result.itemsize() < 4) {
    result = result.is_unsigned_integer() ? uint32 : int32;  // _promote_integer_dtype
  }
  // jnp.sum accumulates float16 / bfloat16 in float32 unless a dtype is given.
  dtype computation = !dt && (result == float16 || result == bfloat16) ? float32 : result;
  x = convert(x, computation);
  array r = computation == bool_ ? lax::reduce_or(x, axes) : lax::reduce_sum(x, axes);
  if (keepdims) r = lax::expand_dims(r, axes);
  return convert(r, result);
}

/// jnp.max / jnp.min(x, axis=axes, keepdims, initial) for canonical axes.
inline array extremum(bool is_max, const array& x, const shape_t& axes, bool keepdims, std::optional<double> initial,
                      std::string_view op) {
  if (!initial) {
    for (auto a : axes)
      if (x.shape()[static_cast<std::size_t>(a)] == 0)
        xjax::detail::raise<value_error>(op, "zero-size array to reduction operation {} which has no identity (shape {})",
                                         is_max ? "max" : "min", shape_str(x.shape()));
  }
  array r = is_max ? lax::reduce_max(x, axes) : lax::reduce_min(x, axes);
  if (initial) {
    array c = constant(*initial, x.dtype());
    r = is_max ? lax::max(c, r) : lax::min(c, r);
  }
  if (keepdims) r = lax::expand_dims(r, axes);
  return r;
}

inline promoted_type result_of(const std::vector<array>& xs) {
  std::vector<aval> avals;
  for (auto& x : xs) avals.push_back(x.aval());
  return result_type(avals);
}

/// The dtype and weak type of a dot-like result: result_type or preferred_element_type.
inline promoted_type dot_type(const std::vector<array>& xs, std::optional<dtype> pet) {
  if (pet) return {*pet, false};
  return result_of(xs);
}

inline void check_contracting(std::string_view op, const array& a, const array& b, const shape_t& ca, const shape_t& cb) {
  for (std::size_t i = 0; i < ca.size(); ++i) {
    auto da = a.shape()[static_cast<std::size_t>(ca[i])], db = b.shape()[static_cast<std::size_t>(cb[i])];
    if (da != db)
      xjax::detail::raise<shape_error>(
          op, "shapes {} and {} are not aligned: dimension {} of the first operand ({}) != dimension {} of the second ({})",
          shape_str(a.shape()), shape_str(b.shape()), ca[i], da, cb[i], db);
  }
}

inline array ravel(const array& x) { return lax::reshape(x, {x.size()}); }

}  // namespace linalg_detail

// ---------------------------------------------------------------------------
// matmul, dot, vdot, inner, outer, tensordot

XJAX_IMPL array matmul(const array& a0, const array& b0, dot_precision_opt precision,
                       std::optional<dtype> preferred_element_type) {
  constexpr std::string_view op = "matmul";
  const array* ops[] = {&a0, &b0};
  for (int i = 0; i < 2; ++i)
    if (ops[i]->ndim() < 1)
      xjax::detail::raise<value_error>(op, "matmul input operand {} must have ndim at least 1, but it has ndim {}", i,
                                       ops[i]->ndim());
  auto t = linalg_detail::dot_type({a0, b0}, preferred_element_type);
  const bool a_is_mat = a0.ndim() > 1, b_is_mat = b0.ndim() > 1;
  // Contracting dimensions: a's last, b's only or second-to-last.
  const std::int64_t ka = a0.shape().back(), kb = b0.shape()[static_cast<std::size_t>(b0.ndim() - 1 - b_is_mat)];
  if (ka != kb)
    xjax::detail::raise<shape_error>(
        op, "Incompatible shapes for matmul arguments: {} and {}: the contracting dimensions differ ({} and {})",
        a0.aval().str(), b0.aval().str(), ka, kb);
  shape_t a_batch_dims = a_is_mat ? shape_t(a0.shape().begin(), a0.shape().end() - 2) : shape_t{};
  shape_t b_batch_dims = b_is_mat ? shape_t(b0.shape().begin(), b0.shape().end() - 2) : shape_t{};
  const std::size_t nb = std::max(a_batch_dims.size(), b_batch_dims.size());
  a_batch_dims.insert(a_batch_dims.begin(), nb - a_batch_dims.size(), -1);  // -1: None
  b_batch_dims.insert(b_batch_dims.begin(), nb - b_batch_dims.size(), -1);
  shape_t a_squeeze, b_squeeze, both_squeeze, a_batch, b_batch, idx_batch, idx_a_other, idx_b_other;
  auto n = [](const shape_t& v) { return static_cast<std::int64_t>(v.size()); };
  for (std::size_t i = 0; i < nb; ++i) {
    const std::int64_t ba = a_batch_dims[i], bb = b_batch_dims[i], ii = static_cast<std::int64_t>(i);
    if (ba == -1) {
      idx_b_other.push_back(ii);
    } else if (bb == -1) {
      idx_a_other.push_back(ii);
    } else if (ba == 1 && bb == 1) {
      a_squeeze.push_back(n(idx_batch) + n(idx_a_other) + n(a_squeeze));
      b_squeeze.push_back(n(idx_batch) + n(idx_b_other) + n(b_squeeze));
      both_squeeze.push_back(ii);
    } else if (ba == 1) {
      idx_b_other.push_back(ii);
      a_squeeze.push_back(n(idx_batch) + n(idx_a_other) + n(a_squeeze));
    } else if (bb == 1) {
      idx_a_other.push_back(ii);
      b_squeeze.push_back(n(idx_batch) + n(idx_b_other) + n(b_squeeze));
    } else if (ba == bb) {
      a_batch.push_back(n(idx_batch) + n(idx_a_other));
      b_batch.push_back(n(idx_batch) + n(idx_b_other));
      idx_batch.push_back(ii);
    } else {
      const std::size_t ia = i - (nb - (a_is_mat ? a0.shape().size() - 2 : 0));
      const std::size_t ib = i - (nb - (b_is_mat ? b0.shape().size() - 2 : 0));
      xjax::detail::raise<shape_error>(
          op, "Incompatible types for matmul arguments: {} and {} (batch dimension {} of the first is {}, dimension {} of "
              "the second is {}: they must be equal or 1)",
          a0.aval().str(), b0.aval().str(), ia, ba, ib, bb);
    }
  }
  if (a_is_mat) idx_a_other.push_back(static_cast<std::int64_t>(nb));
  if (b_is_mat) idx_b_other.push_back(static_cast<std::int64_t>(nb) + a_is_mat);
  shape_t order = idx_batch;
  order.insert(order.end(), idx_a_other.begin(), idx_a_other.end());
  order.insert(order.end(), idx_b_other.begin(), idx_b_other.end());
  shape_t perm(order.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(), [&](std::int64_t x, std::int64_t y) { return order[x] < order[y]; });
  array a = lax::squeeze(a0, a_squeeze), b = lax::squeeze(b0, b_squeeze);
  array out = lax::dot_general(a, b,
                               {.lhs_contracting = {a.ndim() - 1},
                                .rhs_contracting = {b.ndim() - 1 - b_is_mat},
                                .lhs_batch = a_batch,
                                .rhs_batch = b_batch},
                               precision, t.dtype);
  array result = lax::transpose(out, perm);
  if (!both_squeeze.empty()) result = lax::expand_dims(result, both_squeeze);
  return linalg_detail::convert(result, t.dtype, t.weak_type);
}

XJAX_IMPL array dot(const array& a, const array& b, dot_precision_opt precision, std::optional<dtype> preferred_element_type) {
  auto t = linalg_detail::dot_type({a, b}, preferred_element_type);
  lax::dot_dimension_numbers dn;
  if (a.ndim() > 0 && b.ndim() > 0) {
    dn.lhs_contracting = {a.ndim() - 1};
    dn.rhs_contracting = {b.ndim() == 1 ? 0 : b.ndim() - 2};
    linalg_detail::check_contracting("dot", a, b, dn.lhs_contracting, dn.rhs_contracting);
  }
  array r = lax::dot_general(a, b, dn, precision, t.dtype);
  return linalg_detail::convert(r, t.dtype, t.weak_type);
}

XJAX_IMPL array vdot(const array& a, const array& b, dot_precision_opt precision, std::optional<dtype> preferred_element_type) {
  if (a.size() != b.size())
    xjax::detail::raise<shape_error>("vdot", "operands of shapes {} and {} have different sizes ({} and {})",
                                     shape_str(a.shape()), shape_str(b.shape()), a.size(), b.size());
  array fa = linalg_detail::ravel(a);  // in this order: C++ leaves argument evaluation order open
  array fb = linalg_detail::ravel(b);
  return xjax::numpy::dot(fa, fb, precision, preferred_element_type);
}

XJAX_IMPL array inner(const array& a0, const array& b0, dot_precision_opt precision,
                      std::optional<dtype> preferred_element_type) {
  if (a0.ndim() == 0 || b0.ndim() == 0) {
    array a = a0, b = b0;
    if (preferred_element_type) {
      a = linalg_detail::convert(a, *preferred_element_type);
      b = linalg_detail::convert(b, *preferred_element_type);
    }
    return linalg_detail::mul(a, b, "inner");
  }
  if (a0.shape().back() != b0.shape().back())
    xjax::detail::raise<shape_error>("inner", "shapes {} and {} are not aligned: last dimensions {} and {} differ",
                                     shape_str(a0.shape()), shape_str(b0.shape()), a0.shape().back(), b0.shape().back());
  return xjax::numpy::tensordot(a0, b0, shape_t{-1}, shape_t{-1}, precision, preferred_element_type);
}

XJAX_IMPL array outer(const array& a0, const array& b0) {
  auto p = promote_dtypes({a0, b0});
  array a = lax::expand_dims(linalg_detail::ravel(p[0]), {1});
  array b = lax::expand_dims(linalg_detail::ravel(p[1]), {0});
  return a.dtype() == bool_ ? lax::bitwise_and(a, b) : lax::mul(a, b);  // jnp.multiply: `and` for bools
}

XJAX_IMPL array tensordot(const array& a, const array& b, std::int64_t axes, dot_precision_opt precision,
                          std::optional<dtype> preferred_element_type) {
  // A negative int contracts nothing (an outer product), as in JAX and NumPy.
  if (axes > std::min(a.ndim(), b.ndim()))
    xjax::detail::raise<type_error>("tensordot", "Number of tensordot axes (axes {}) exceeds input ranks ({} and {})", axes,
                                    shape_str(a.shape()), shape_str(b.shape()));
  shape_t ca, cb;
  for (std::int64_t i = 0; i < axes; ++i) {
    ca.push_back(a.ndim() - axes + i);
    cb.push_back(i);
  }
  return xjax::numpy::tensordot(a, b, ca, cb, precision, preferred_element_type);
}

XJAX_IMPL array tensordot(const array& a, const array& b, const shape_t& axes_a, const shape_t& axes_b,
                          dot_precision_opt precision, std::optional<dtype> preferred_element_type) {
  constexpr std::string_view op = "tensordot";
  if (axes_a.size() != axes_b.size())
    xjax::detail::raise<type_error>(op, "tensordot requires axes lists to have equal length, got {} and {}.",
                                    shape_str(axes_a), shape_str(axes_b));
  auto t = linalg_detail::dot_type({a, b}, preferred_element_type);
  shape_t ca, cb;
  for (auto x : axes_a) ca.push_back(linalg_detail::axis_of(op, x, a.ndim()));
  for (auto x : axes_b) cb.push_back(linalg_detail::axis_of(op, x, b.ndim()));
  linalg_detail::check_contracting(op, a, b, ca, cb);
  array r = lax::dot_general(a, b, {.lhs_contracting = ca, .rhs_contracting = cb}, precision, t.dtype);
  return linalg_detail::convert(r, t.dtype, t.weak_type);
}

// ---------------------------------------------------------------------------
// trace, kron, cross

XJAX_IMPL array trace(const array& a0, std::int64_t offset, std::int64_t axis1, std::int64_t axis2, std::optional<dtype> dt) {
  constexpr std::string_view op = "trace";
  if (a0.ndim() < 2)
    xjax::detail::raise<value_error>(op, "trace requires an array of at least two dimensions, got shape {}",
                                     shape_str(a0.shape()));
  const std::int64_t ax1 = linalg_detail::axis_of(op, axis1, a0.ndim()), ax2 = linalg_detail::axis_of(op, axis2, a0.ndim());
  if (ax1 == ax2)
    xjax::detail::raise<value_error>(op, "axis1 and axis2 can not be same. axis1={} and axis2={}", axis1, axis2);
  const std::int64_t n = a0.shape()[static_cast<std::size_t>(ax1)], m = a0.shape()[static_cast<std::size_t>(ax2)];
  array a = linalg_detail::moveaxis(op, a0, {ax1, ax2}, {-2, -1});
  // eye(n, m, k=offset, dtype=bool)
  array rows = lax::broadcasted_iota(int32, {n, m}, 0), cols = lax::broadcasted_iota(int32, {n, m}, 1);
  array eye = lax::eq(lax::add(rows, array(static_cast<int>(offset))), cols);
  // where(eye, a, zeros_like(a))
  array zeros = linalg_detail::full(a.shape(), 0, a.dtype());
  eye = broadcast_to(eye, a.shape());
  if (a.size() > 0) a = lax::select_n(eye, {zeros, a});  // jnp.where of empty arrays: x, no select
  const std::int64_t nd = a.ndim();
  return linalg_detail::sum(a, {nd - 2, nd - 1}, false, dt);
}

XJAX_IMPL array kron(const array& a0, const array& b0) {
  auto p = promote_dtypes({a0, b0});
  array a = p[0], b = p[1];
  auto lead = [](const array& x, std::int64_t k) {
    if (k <= 0) return x;
    shape_t d(static_cast<std::size_t>(k));
    std::iota(d.begin(), d.end(), 0);
    return lax::expand_dims(x, d);
  };
  a = lead(a, b.ndim() - a.ndim());
  b = lead(b, a.ndim() - b.ndim());
  const std::int64_t nd = a.ndim();
  shape_t da, db, out_shape;
  for (std::int64_t i = 0; i < nd; ++i) {
    da.push_back(2 * i + 1);
    db.push_back(2 * i);
    out_shape.push_back(a.shape()[static_cast<std::size_t>(i)] * b.shape()[static_cast<std::size_t>(i)]);
  }
  array ar = da.empty() ? a : lax::expand_dims(a, da);
  array br = db.empty() ? b : lax::expand_dims(b, db);
  return lax::reshape(lax::mul(ar, br), out_shape);
}

XJAX_IMPL array cross(const array& a0, const array& b0, std::int64_t axisa, std::int64_t axisb, std::int64_t axisc,
                      std::optional<std::int64_t> axis) {
  constexpr std::string_view op = "cross";
  if (axis) axisa = axisb = axisc = *axis;
  if (a0.ndim() < 1 || b0.ndim() < 1)
    xjax::detail::raise<value_error>(op, "operands must have at least one dimension, got shapes {} and {}",
                                     shape_str(a0.shape()), shape_str(b0.shape()));
  array a = linalg_detail::moveaxis(op, a0, {axisa}, {-1});
  array b = linalg_detail::moveaxis(op, b0, {axisb}, {-1});
  const std::int64_t na = a.shape().back(), nb = b.shape().back();
  if ((na != 2 && na != 3) || (nb != 2 && nb != 3))
    xjax::detail::raise<value_error>(
        op, "Dimension must be either 2 or 3 for cross product: got {} (axisa={} of {}) and {} (axisb={} of {})", na, axisa,
        shape_str(a0.shape()), nb, axisb, shape_str(b0.shape()));
  using linalg_detail::take_last;
  auto mul = [&](const array& x, const array& y) { return linalg_detail::mul(x, y, op); };
  auto sub = [&](const array& x, const array& y) { return linalg_detail::sub(x, y, op); };
  if (na == 2 && nb == 2) {
    array x0 = take_last(a, 0), y1 = take_last(b, 1);
    array t1 = mul(x0, y1);
    array x1 = take_last(a, 1), y0 = take_last(b, 0);
    array t2 = mul(x1, y0);
    return sub(t1, t2);
  }
  array a0_ = take_last(a, 0), a1 = take_last(a, 1);
  array a2 = na == 3 ? take_last(a, 2) : linalg_detail::full(a0_.shape(), 0, a0_.dtype());
  array b0_ = take_last(b, 0), b1 = take_last(b, 1);
  array b2 = nb == 3 ? take_last(b, 2) : linalg_detail::full(b0_.shape(), 0, b0_.dtype());
  // Named temporaries: the equations in Python's evaluation order (left to right).
  array p1 = mul(a1, b2), p2 = mul(a2, b1);
  array c0 = sub(p1, p2);
  array p3 = mul(a2, b0_), p4 = mul(a0_, b2);
  array c1 = sub(p3, p4);
  array p5 = mul(a0_, b1), p6 = mul(a1, b0_);
  array c2 = sub(p5, p6);
  std::vector<array> parts;
  for (auto& c : {c0, c1, c2}) parts.push_back(lax::expand_dims(c, {0}));
  array c = lax::concatenate(parts, 0);
  return linalg_detail::moveaxis(op, c, {0}, {axisc});
}

// ---------------------------------------------------------------------------
// einsum

namespace einsum_detail {

constexpr std::string_view symbols = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
using key_t = std::uint64_t;  // a set of index letters, bit k for symbols[k]

inline int bit_of(char c) { return static_cast<int>(symbols.find(c)); }
inline key_t key_of(std::string_view s) {
  key_t k = 0;
  for (char c : s) k |= key_t{1} << bit_of(c);
  return k;
}
inline std::string letters_of(key_t k) {  // sorted as Python sorts characters
  std::string s;
  for (int i = 0; i < 52; ++i)
    if (k & (key_t{1} << i)) s += symbols[static_cast<std::size_t>(i)];
  std::sort(s.begin(), s.end());
  return s;
}

struct parsed {
  std::vector<std::string> inputs;
  std::string output;
  std::map<char, std::int64_t> sizes;
};

/// opt_einsum's parse_einsum_input and contract_path checks: terms with the ellipsis
/// replaced by unused letters, the output (explicit or implicit) and the size of each index.
inline parsed parse(std::string_view spec0, const std::vector<shape_t>& shapes) {
  constexpr std::string_view op = "einsum";
  std::string spec;
  for (char c : spec0)
    if (c != ' ') spec += c;
  for (char c : spec) {
    if (bit_of(c) < 0 && c != ',' && c != '-' && c != '>' && c != '.')
      xjax::detail::raise<value_error>(op, "invalid character '{}' in subscripts '{}': indices must be letters a-z, A-Z",
                                       c, spec0);
  }
  const auto arrow = spec.find("->");
  if (spec.find_first_of("->") != std::string::npos) {
    if (arrow == std::string::npos || std::count(spec.begin(), spec.end(), '-') > 1 ||
        std::count(spec.begin(), spec.end(), '>') > 1)
      xjax::detail::raise<value_error>(op, "subscripts '{}' can only contain one '->'", spec0);
  }
  std::string in_str = arrow == std::string::npos ? spec : spec.substr(0, arrow);
  std::optional<std::string> out_str;
  if (arrow != std::string::npos) out_str = spec.substr(arrow + 2);
  parsed p;
  for (std::size_t start = 0;;) {
    auto comma = in_str.find(',', start);
    p.inputs.push_back(in_str.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (p.inputs.size() != shapes.size())
    xjax::detail::raise<value_error>(op, "subscripts '{}' have {} terms but {} operands were given", spec0,
                                     p.inputs.size(), shapes.size());
  auto find_output = [](const std::vector<std::string>& terms) {
    std::string all;
    for (auto& t : terms) all += t;
    std::string out;
    for (char c : letters_of(key_of(all)))
      if (std::count(all.begin(), all.end(), c) == 1) out += c;
    return out;
  };
  if (spec.find('.') != std::string::npos) {
    std::string used;
    for (char c : spec)
      if (bit_of(c) >= 0) used += c;
    std::size_t longest_ndim = 0;
    for (auto& s : shapes) longest_ndim = std::max(longest_ndim, s.size());
    std::string ellipse_inds;
    for (char c : symbols)
      if (ellipse_inds.size() < longest_ndim && used.find(c) == std::string::npos) ellipse_inds += c;
    if (ellipse_inds.size() < longest_ndim)
      xjax::detail::raise<value_error>(op, "subscripts '{}' leave too few unused letters for the ellipsis", spec0);
    std::size_t longest = 0;
    for (std::size_t num = 0; num < p.inputs.size(); ++num) {
      auto& sub = p.inputs[num];
      if (sub.find('.') == std::string::npos) continue;
      const auto pos = sub.find("...");
      if (std::count(sub.begin(), sub.end(), '.') != 3 || pos == std::string::npos)
        xjax::detail::raise<value_error>(op, "invalid ellipsis in term '{}' of '{}'", sub, spec0);
      const std::int64_t named = static_cast<std::int64_t>(sub.size()) - 3;
      const std::int64_t count =
          shapes[num].empty() ? 0 : std::max<std::int64_t>(static_cast<std::int64_t>(shapes[num].size()), 1) - named;
      if (count < 0)
        xjax::detail::raise<value_error>(op, "term '{}' names {} indices but operand {} has shape {}", sub, named, num,
                                         shape_str(shapes[num]));
      longest = std::max(longest, static_cast<std::size_t>(count));
      sub.replace(pos, 3, ellipse_inds.substr(ellipse_inds.size() - static_cast<std::size_t>(count)));
    }
    const std::string out_ellipse = ellipse_inds.substr(ellipse_inds.size() - longest);
    if (out_str) {
      auto pos = out_str->find("...");
      if (pos != std::string::npos) out_str->replace(pos, 3, out_ellipse);
    } else {
      std::string normal;
      for (char c : find_output(p.inputs))
        if (out_ellipse.find(c) == std::string::npos) normal += c;
      out_str = out_ellipse + normal;
    }
  }
  if (!out_str) out_str = find_output(p.inputs);
  p.output = *out_str;
  std::string all_in;
  for (auto& t : p.inputs) all_in += t;
  for (char c : p.output) {
    if (c == '.')
      xjax::detail::raise<value_error>(op, "invalid ellipsis in the output of '{}'", spec0);
    if (std::count(p.output.begin(), p.output.end(), c) != 1)
      xjax::detail::raise<value_error>(op, "output index '{}' appears more than once in the output of '{}'", c, spec0);
    if (all_in.find(c) == std::string::npos)
      xjax::detail::raise<value_error>(op, "output index '{}' of '{}' does not appear in the inputs", c, spec0);
  }
  for (std::size_t t = 0; t < p.inputs.size(); ++t) {
    const auto& term = p.inputs[t];
    if (term.find('.') != std::string::npos)
      xjax::detail::raise<value_error>(op, "invalid ellipsis in term '{}' of '{}'", term, spec0);
    if (term.size() != shapes[t].size())
      xjax::detail::raise<value_error>(op, "term '{}' of '{}' has {} indices but operand {} has shape {}", term, spec0,
                                       term.size(), t, shape_str(shapes[t]));
    for (std::size_t i = 0; i < term.size(); ++i) {
      const char c = term[i];
      const std::int64_t d = shapes[t][i];
      auto it = p.sizes.find(c);
      if (it == p.sizes.end()) {
        p.sizes[c] = d;
      } else if (it->second == 1) {
        it->second = d;
      } else if (d != 1 && d != it->second) {
        xjax::detail::raise<shape_error>(op, "size of index '{}' differs: {} in operand {} (shape {}) but {} in an earlier operand",
                                         c, d, t, shape_str(shapes[t]), it->second);
      }
    }
  }
  return p;
}

/// opt_einsum's ssa_greedy_optimize (choose_fn None, cost "memory-removed") then
/// ssa_to_linear.
inline std::vector<std::vector<std::int64_t>> greedy_path(const std::vector<key_t>& inputs, key_t output0,
                                                          const std::map<char, std::int64_t>& sizes_by_char) {
  if (inputs.size() == 1) return {{0}};
  std::int64_t sizes[52];
  for (int i = 0; i < 52; ++i) {
    auto it = sizes_by_char.find(symbols[static_cast<std::size_t>(i)]);
    sizes[i] = it == sizes_by_char.end() ? 1 : it->second;
  }
  auto size_of = [&](key_t k) {
    std::int64_t s = 1;
    for (int i = 0; i < 52; ++i)
      if (k & (key_t{1} << i)) s *= sizes[i];
    return s;
  };
  key_t common = ~key_t{0};
  for (auto k : inputs) common &= k;
  const key_t output = output0 | common;

  std::vector<std::pair<key_t, std::int64_t>> remaining;  // insertion-ordered dict key -> ssa id
  auto find = [&](key_t k) {
    return std::find_if(remaining.begin(), remaining.end(), [&](auto& e) { return e.first == k; });
  };
  std::int64_t next_ssa = static_cast<std::int64_t>(inputs.size());
  std::vector<std::pair<std::int64_t, std::int64_t>> ssa_path;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto it = find(inputs[i]);
    if (it != remaining.end()) {
      ssa_path.emplace_back(it->second, static_cast<std::int64_t>(i));
      it->second = next_ssa++;
    } else {
      remaining.emplace_back(inputs[i], static_cast<std::int64_t>(i));
    }
  }
  // dim -> keys (as a set: no duplicates)
  std::vector<std::vector<key_t>> dim_to_keys(52);
  auto add_key = [&](int d, key_t k) {
    auto& v = dim_to_keys[static_cast<std::size_t>(d)];
    if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(k);
  };
  auto remove_key = [&](int d, key_t k) {
    auto& v = dim_to_keys[static_cast<std::size_t>(d)];
    v.erase(std::remove(v.begin(), v.end(), k), v.end());
  };
  for (auto& [k, id] : remaining)
    for (int d = 0; d < 52; ++d)
      if ((k & ~output) & (key_t{1} << d)) add_key(d, k);
  key_t ref2 = 0, ref3 = 0;
  for (int d = 0; d < 52; ++d) {
    const auto c = dim_to_keys[static_cast<std::size_t>(d)].size();
    if (c >= 2) ref2 |= key_t{1} << d;
    if (c >= 3) ref3 |= key_t{1} << d;
  }
  ref2 &= ~output;
  ref3 &= ~output;

  struct candidate {
    std::int64_t cost, id2, id1;
    key_t k1, k2, k12;
    bool operator>(const candidate& o) const {
      return std::tie(cost, id2, id1) > std::tie(o.cost, o.id2, o.id1);
    }
  };
  std::priority_queue<candidate, std::vector<candidate>, std::greater<candidate>> queue;
  auto ssa_of = [&](key_t k) { return find(k)->second; };
  auto get_candidate = [&](key_t k1, key_t k2) {
    const key_t either = k1 | k2, two = k1 & k2, one = either & ~two;
    const key_t k12 = (either & output) | (two & ref3) | (one & ref2);
    const std::int64_t cost = size_of(k12) - size_of(k1) - size_of(k2);
    std::int64_t id1 = ssa_of(k1), id2 = ssa_of(k2);
    if (id1 > id2) {
      std::swap(k1, k2);
      std::swap(id1, id2);
    }
    return candidate{cost, id2, id1, k1, k2, k12};
  };
  auto push_candidate = [&](key_t k1, const std::vector<key_t>& k2s) {
    std::optional<candidate> best;
    for (auto k2 : k2s) {
      auto c = get_candidate(k1, k2);
      if (!best || *best > c) best = c;
    }
    queue.push(*best);
  };
  for (int d = 0; d < 52; ++d) {
    auto keys = dim_to_keys[static_cast<std::size_t>(d)];
    std::sort(keys.begin(), keys.end(), [&](key_t x, key_t y) { return ssa_of(x) < ssa_of(y); });
    for (std::size_t i = 0; i + 1 < keys.size(); ++i)
      push_candidate(keys[i], std::vector<key_t>(keys.begin() + static_cast<std::ptrdiff_t>(i) + 1, keys.end()));
  }
  while (!queue.empty()) {
    candidate con = queue.top();
    queue.pop();
    auto i1 = find(con.k1);
    if (i1 == remaining.end() || find(con.k2) == remaining.end()) continue;  // obsolete
    const std::int64_t ssa1 = i1->second;
    remaining.erase(i1);
    auto i2 = find(con.k2);
    const std::int64_t ssa2 = i2->second;
    remaining.erase(i2);
    for (int d = 0; d < 52; ++d) {
      if ((con.k1 & ~output) & (key_t{1} << d)) remove_key(d, con.k1);
      if ((con.k2 & ~output) & (key_t{1} << d)) remove_key(d, con.k2);
    }
    ssa_path.emplace_back(ssa1, ssa2);
    auto i12 = find(con.k12);
    if (i12 != remaining.end()) {
      ssa_path.emplace_back(i12->second, next_ssa++);
      i12->second = next_ssa++;
    } else {
      for (int d = 0; d < 52; ++d)
        if ((con.k12 & ~output) & (key_t{1} << d)) add_key(d, con.k12);
      remaining.emplace_back(con.k12, next_ssa++);
    }
    const key_t upd = con.k1 | (con.k2 & ~output);
    for (int d = 0; d < 52; ++d) {
      if (!(upd & (key_t{1} << d))) continue;
      const auto c = dim_to_keys[static_cast<std::size_t>(d)].size();
      const key_t b = key_t{1} << d;
      if (c <= 1) {
        ref2 &= ~b;
        ref3 &= ~b;
      } else if (c == 2) {
        ref2 |= b;
        ref3 &= ~b;
      } else {
        ref2 |= b;
        ref3 |= b;
      }
    }
    std::vector<key_t> k2s;
    for (int d = 0; d < 52; ++d)
      if (con.k12 & (key_t{1} << d))
        for (auto k : dim_to_keys[static_cast<std::size_t>(d)])
          if (k != con.k12 && std::find(k2s.begin(), k2s.end(), k) == k2s.end()) k2s.push_back(k);
    if (!k2s.empty()) push_candidate(con.k12, k2s);
  }
  // Outer products of what is left, smallest first.
  using entry = std::tuple<std::int64_t, std::int64_t, key_t>;
  std::priority_queue<entry, std::vector<entry>, std::greater<entry>> final_queue;
  for (auto& [k, id] : remaining) final_queue.emplace(size_of(k & output), id, k);
  auto [s1, id1, k1] = final_queue.top();
  final_queue.pop();
  while (!final_queue.empty()) {
    auto [s2, id2, k2] = final_queue.top();
    final_queue.pop();
    ssa_path.emplace_back(std::min(id1, id2), std::max(id1, id2));
    const key_t k12 = (k1 | k2) & output;
    final_queue.emplace(size_of(k12), next_ssa++, k12);
    std::tie(s1, id1, k1) = final_queue.top();
    final_queue.pop();
  }
  // ssa_to_linear
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(inputs.size()); ++i) ids.push_back(i);
  std::int64_t ssa = static_cast<std::int64_t>(inputs.size());
  std::vector<std::vector<std::int64_t>> path;
  for (auto [x, y] : ssa_path) {
    std::vector<std::int64_t> con;
    for (auto s : {x, y})
      con.push_back(std::lower_bound(ids.begin(), ids.end(), s) - ids.begin());
    std::sort(con.begin(), con.end());
    for (auto it = con.rbegin(); it != con.rend(); ++it) ids.erase(ids.begin() + *it);
    ids.push_back(ssa++);
    path.push_back(con);
  }
  return path;
}

inline std::vector<std::vector<std::int64_t>> path_of(const parsed& p) {
  const std::size_t n = p.inputs.size();
  if (n <= 2) {
    std::vector<std::int64_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    return {all};
  }
  std::vector<key_t> keys;
  for (auto& t : p.inputs) keys.push_back(key_of(t));
  return greedy_path(keys, key_of(p.output), p.sizes);
}

inline std::string remove_chars(std::string s, std::string_view chars) {
  s.erase(std::remove_if(s.begin(), s.end(), [&](char c) { return chars.find(c) != std::string_view::npos; }), s.end());
  return s;
}

/// Counts of each name, in order of first appearance (Python's Counter).
inline std::vector<std::pair<char, int>> counter(const std::string& names) {
  std::vector<std::pair<char, int>> out;
  for (char c : names) {
    auto it = std::find_if(out.begin(), out.end(), [&](auto& e) { return e.first == c; });
    if (it == out.end()) out.emplace_back(c, 1);
    else ++it->second;
  }
  return out;
}
inline int count_in(const std::vector<std::pair<char, int>>& counts, char c) {
  for (auto& [k, v] : counts)
    if (k == c) return v;
  return 0;
}

/// JAX's _einsum `sum`: reduce (or for bool) over axes, in the preferred type when wider.
inline array sum_axes(array x, const shape_t& axes, dtype pet) {
  if (promote_types(x.dtype(), pet) != x.dtype()) x = linalg_detail::convert(x, pet);
  return x.dtype() == bool_ ? lax::reduce_or(x, axes) : lax::reduce_sum(x, axes);
}

inline void sum_uniques(array& operand, std::string& names, const std::string& uniques, dtype pet) {
  if (uniques.empty()) return;
  shape_t axes;
  for (char c : uniques) axes.push_back(static_cast<std::int64_t>(names.find(c)));
  operand = sum_axes(operand, axes, pet);
  names = remove_chars(names, uniques);
}

inline void sum_repeats(array& operand, std::string& names, const std::vector<std::pair<char, int>>& counts,
                        const std::string& keep_names, dtype pet) {
  for (auto [name, count] : counts) {
    if (count <= 1) continue;
    shape_t axes, base;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) {
        axes.push_back(static_cast<std::int64_t>(i));
        base.push_back(operand.shape()[i]);
      }
    // lax._delta(bool, shape, axes)
    std::vector<array> iotas;
    for (std::size_t i = 0; i < base.size(); ++i)
      iotas.push_back(lax::broadcasted_iota(uint32, base, static_cast<std::int64_t>(i)));
    array eye;
    for (std::size_t i = 0; i + 1 < iotas.size(); ++i) {
      array e = lax::eq(iotas[i], iotas[i + 1]);
      eye = i == 0 ? e : lax::bitwise_and(eye, e);
    }
    eye = lax::broadcast_in_dim(eye, operand.shape(), axes);
    operand = lax::select_n(eye, {linalg_detail::full(operand.shape(), 0, operand.dtype()), operand});
    if (keep_names.find(name) == std::string::npos) {
      operand = sum_axes(operand, axes, pet);
      names = remove_chars(names, std::string(1, name));
    } else {
      axes.pop_back();
      operand = sum_axes(operand, axes, pet);
      for (int k = 0; k < count - 1; ++k) names.erase(names.find(name), 1);
    }
  }
}

inline void filter_singleton_dims(array& operand, std::string& names, const shape_t& other_shape,
                                  const std::string& other_names) {
  shape_t squeeze;
  std::string kept;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto j = other_names.find(names[i]);
    const bool keep = operand.shape()[i] != 1 || j == std::string::npos || other_shape[j] == 1;
    if (keep) kept += names[i];
    else squeeze.push_back(static_cast<std::int64_t>(i));
  }
  operand = lax::squeeze(operand, squeeze);
  names = kept;
}

}  // namespace einsum_detail

XJAX_IMPL std::vector<std::vector<std::int64_t>> einsum_path(std::string_view subscripts, const std::vector<shape_t>& shapes) {
  return einsum_detail::path_of(einsum_detail::parse(subscripts, shapes));
}

XJAX_IMPL array einsum(std::string_view subscripts, const std::vector<array>& operands_in, dot_precision_opt precision,
                       std::optional<dtype> preferred_element_type) {
  namespace ed = einsum_detail;
  if (operands_in.empty()) xjax::detail::raise<value_error>("einsum", "no operands for subscripts '{}'", subscripts);
  std::vector<shape_t> shapes;
  for (auto& x : operands_in) shapes.push_back(x.shape());
  const ed::parsed p = ed::parse(subscripts, shapes);
  const auto path = ed::path_of(p);
  auto t = linalg_detail::dot_type(operands_in, preferred_element_type);
  const dtype pet = t.dtype;

  // contract_path: the contractions (operand positions, removed indices, terms -> result).
  std::vector<std::string> input_list = p.inputs;
  std::vector<array> operands = operands_in;
  const ed::key_t output_set = ed::key_of(p.output);
  for (std::size_t cnum = 0; cnum < path.size(); ++cnum) {
    std::vector<std::int64_t> inds = path[cnum];
    std::sort(inds.rbegin(), inds.rend());
    // find_contraction
    ed::key_t idx_contract = 0, idx_remain = output_set;
    for (std::size_t i = 0; i < input_list.size(); ++i) {
      const bool in = std::find(inds.begin(), inds.end(), static_cast<std::int64_t>(i)) != inds.end();
      (in ? idx_contract : idx_remain) |= ed::key_of(input_list[i]);
    }
    const ed::key_t new_result = idx_remain & idx_contract;
    const ed::key_t idx_removed = idx_contract & ~new_result;
    std::vector<std::string> tmp_inputs;
    std::vector<array> ops;
    for (auto i : inds) {
      tmp_inputs.push_back(input_list[static_cast<std::size_t>(i)]);
      input_list.erase(input_list.begin() + i);
      ops.push_back(operands[static_cast<std::size_t>(i)]);
      operands.erase(operands.begin() + i);
    }
    std::string result_names;
    if (cnum + 1 == path.size()) {
      result_names = p.output;
    } else {
      std::string all;
      for (auto& s : tmp_inputs) all += s;
      for (char c : ed::letters_of(new_result)) result_names += c;
      std::stable_sort(result_names.begin(), result_names.end(), [&](char x, char y) { return all.find(x) < all.find(y); });
    }
    input_list.push_back(result_names);
    const std::string contracted_all = ed::letters_of(idx_removed);  // sorted

    array operand;
    std::string names;
    if (ops.size() == 1) {
      operand = ops[0];
      names = tmp_inputs[0];
      auto counts = ed::counter(names);
      std::string uniques;
      for (char c : contracted_all)
        if (ed::count_in(counts, c) == 1) uniques += c;
      ed::sum_uniques(operand, names, uniques, pet);
      ed::sum_repeats(operand, names, counts, result_names, pet);
    } else {
      array lhs = ops[0], rhs = ops[1];
      std::string lhs_names = tmp_inputs[0], rhs_names = tmp_inputs[1];
      ed::filter_singleton_dims(lhs, lhs_names, rhs.shape(), rhs_names);
      ed::filter_singleton_dims(rhs, rhs_names, lhs.shape(), lhs_names);
      auto lhs_counts = ed::counter(lhs_names), rhs_counts = ed::counter(rhs_names);
      std::string lhs_uniques, rhs_uniques;
      for (char c : contracted_all) {
        if (ed::count_in(lhs_counts, c) == 1 && ed::count_in(rhs_counts, c) == 0) lhs_uniques += c;
        if (ed::count_in(rhs_counts, c) == 1 && ed::count_in(lhs_counts, c) == 0) rhs_uniques += c;
      }
      ed::sum_uniques(lhs, lhs_names, lhs_uniques, pet);
      ed::sum_uniques(rhs, rhs_names, rhs_uniques, pet);
      ed::sum_repeats(lhs, lhs_names, lhs_counts, result_names + rhs_names, pet);
      ed::sum_repeats(rhs, rhs_names, rhs_counts, result_names + lhs_names, pet);
      std::string contracted, batch;
      for (char c : contracted_all)
        if (lhs_names.find(c) != std::string::npos || rhs_names.find(c) != std::string::npos) contracted += c;
      for (char c : result_names)
        if (lhs_names.find(c) != std::string::npos && rhs_names.find(c) != std::string::npos) batch += c;
      shape_t lhs_batch, rhs_batch, lhs_cont, rhs_cont;
      for (char c : batch) {
        lhs_batch.push_back(static_cast<std::int64_t>(lhs_names.find(c)));
        rhs_batch.push_back(static_cast<std::int64_t>(rhs_names.find(c)));
      }
      for (char c : contracted) {
        lhs_cont.push_back(static_cast<std::int64_t>(lhs_names.find(c)));
        rhs_cont.push_back(static_cast<std::int64_t>(rhs_names.find(c)));
      }
      const std::string deleted = batch + contracted;
      const std::string rem_lhs = ed::remove_chars(lhs_names, deleted), rem_rhs = ed::remove_chars(rhs_names, deleted);
      names = batch + rem_rhs + rem_lhs;
      if (names == result_names) {
        operand = lax::dot_general(
            rhs, lhs, {.lhs_contracting = rhs_cont, .rhs_contracting = lhs_cont, .lhs_batch = rhs_batch, .rhs_batch = lhs_batch},
            precision, pet);
      } else {
        names = batch + rem_lhs + rem_rhs;
        operand = lax::dot_general(
            lhs, rhs, {.lhs_contracting = lhs_cont, .rhs_contracting = rhs_cont, .lhs_batch = lhs_batch, .rhs_batch = rhs_batch},
            precision, pet);
      }
    }
    if (names != result_names) {
      shape_t perm;
      for (char c : result_names) perm.push_back(static_cast<std::int64_t>(names.find(c)));
      operand = lax::transpose(operand, perm);
    }
    operands.push_back(operand);
  }
  return linalg_detail::convert(operands[0], pet, t.weak_type);
}

// ---------------------------------------------------------------------------
// linalg::norm

namespace linalg {

XJAX_IMPL array norm(const array& x0, const norm_ord& ord, const std::optional<shape_t>& axis0, bool keepdims) {
  constexpr std::string_view op = "norm";
  const array x = promote_dtypes_inexact({x0})[0];
  const std::int64_t nd = x.ndim();
  const double inf = std::numeric_limits<double>::infinity();
  if (!ord.name.empty() && ord.name != "fro" && ord.name != "f" && ord.name != "nuc")
    xjax::detail::raise<value_error>(op, "Invalid norm order '{}': expected None, a number, 'fro' or 'nuc'", ord.name);
  auto all_axes = [&] {
    shape_t a(static_cast<std::size_t>(nd));
    std::iota(a.begin(), a.end(), 0);
    return a;
  };
  auto sqrt_sum_sq = [&](const shape_t& axes) { return lax::sqrt(linalg_detail::sum(lax::mul(x, x), axes, keepdims)); };
  shape_t axes;
  if (!axis0) {
    if (ord.is_none()) return sqrt_sum_sq(all_axes());
    axes = all_axes();
  } else {
    for (auto a : *axis0) axes.push_back(linalg_detail::axis_of(op, a, nd));
    for (std::size_t i = 0; i < axes.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (axes[i] == axes[j]) xjax::detail::raise<value_error>(op, "duplicate axes {} for norm", shape_str(*axis0));
  }
  if (axes.size() == 1) {
    if (!ord.name.empty())
      xjax::detail::raise<value_error>(op, "Invalid order '{}' for vector norm.", ord.name);
    const double p = ord.value.value_or(2.0);
    if (p == 2) return sqrt_sum_sq(axes);
    if (p == inf) return linalg_detail::extremum(true, lax::abs(x), axes, keepdims, 0.0, op);
    if (p == -inf) return linalg_detail::extremum(false, lax::abs(x), axes, keepdims, std::nullopt, op);
    if (p == 0) return linalg_detail::sum(lax::ne(x, linalg_detail::constant(0, x.dtype())), axes, keepdims, x.dtype());
    if (p == 1) return linalg_detail::sum(lax::abs(x), axes, keepdims);
    array abs_x = lax::abs(x);
    // lax._const(abs_x, ord) and lax._const(abs_x, 1. / ord_arr): both in x's dtype.
    const array ord_arr = linalg_detail::constant(p, x.dtype());
    const double ord_value = ord_arr.item<double>();
    const array ord_inv = linalg_detail::constant(1.0 / ord_value, x.dtype());
    array out = linalg_detail::sum(lax::pow(abs_x, ord_arr), axes, keepdims);
    return lax::pow(out, ord_inv);
  }
  if (axes.size() == 2) {
    std::int64_t row = axes[0], col = axes[1];
    if (ord.is_none() || ord.name == "fro" || ord.name == "f") return sqrt_sum_sq(axes);
    if (ord.name == "nuc" || (ord.value && std::abs(*ord.value) == 2))
      xjax::detail::raise<not_implemented_error>(op, "matrix norm ord={} needs a singular value decomposition, which "
                                                     "xjax does not provide yet", ord.name.empty() ? fmt::format("{}", *ord.value) : ord.name);
    const double p = *ord.value;
    if (p == 1 || p == -1) {
      if (!keepdims && col > row) --col;
      array s = linalg_detail::sum(lax::abs(x), {row}, keepdims);
      return linalg_detail::extremum(p == 1, s, {col}, keepdims, p == 1 ? std::optional<double>(0.0) : std::nullopt, op);
    }
    if (p == inf || p == -inf) {
      if (!keepdims && row > col) --row;
      array s = linalg_detail::sum(lax::abs(x), {col}, keepdims);
      return linalg_detail::extremum(p == inf, s, {row}, keepdims, p == inf ? std::optional<double>(0.0) : std::nullopt, op);
    }
    xjax::detail::raise<value_error>(op, "Invalid order '{}' for matrix norm.", p);
  }
  xjax::detail::raise<value_error>(op,
                                   "Improper number of axes for norm: axis={} (operand of shape {}). Pass one axis to "
                                   "compute a vector-norm, or two axes to compute a matrix-norm.",
                                   shape_str(axes), shape_str(x.shape()));
}

XJAX_IMPL array norm(const array& x, const norm_ord& ord, std::int64_t axis, bool keepdims) {
  return norm(x, ord, shape_t{axis}, keepdims);
}

}  // namespace linalg
}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
