#pragma once
// Reductions primitives (reduce_*, argmax, argmin, cumulative ops, sort, iota).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).
//
// Each primitive's rules, as jax.lax 0.10.2 has them (differentiation and batching
// rules: see the sections "Differentiation" and "Batching" below):
//
//   primitive            params                                    dtypes            weak_type
//   reduce_sum           axes, out_sharding=None                   numbers           kept
//   reduce_prod          axes                                      numbers           kept
//   reduce_max/min       axes                                      all               kept
//   reduce_and/or/xor    axes                                      bool, integers    dropped
//   argmax/argmin        axes=(axis,), index_dtype (an integer)    all               dropped
//   cumsum/prod/max/min  axis, reverse                             numbers           kept
//   sort                 dimension, is_stable, num_keys            all               kept
//   iota                 dimension, dtype, shape, sharding=None    numbers           no
//
// Axes are never negative at the primitive level (the lax functions of JAX do not
// normalize them either, except sort's dimension). Reductions of no element give
// the identity of the operation.
//
// Numerics. Kernels compute in the reference compute types (double, int64, uint64,
// bool; see backend/reference/compute.hpp). Integer sums and products wrap, as XLA.
// Float sums and products round to the operand's dtype after every step, in row-major
// order: lax does not upcast accumulations (a float16 sum overflows to inf, 2048 + 1
// is 2048 in float16). On the golden inputs this reproduces XLA's CPU results bit for
// bit, except where XLA associates differently: reductions over several non-adjacent
// axes, long reductions (XLA vectorizes them), and reverse cumulative ops (XLA sums
// each output's window from its first element; we scan from the end). There results
// differ by rounding. max/min propagate NaN and order -0.0 below +0.0, as XLA's do.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/backend/reference/compute.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/indexing.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/elementwise.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::prim {

// ---------------------------------------------------------------------------
// Params, printed as JAX prints them.

/// reduce_prod, reduce_max, reduce_min, reduce_and, reduce_or, reduce_xor.
struct reduce_params {
  shape_t axes;
  bool operator==(const reduce_params&) const = default;
  template <class F> void fields(F&& f) const { f("axes", axes); }
};

/// reduce_sum (JAX gives it an out_sharding, which we print and do not model).
struct reduce_sum_params {
  shape_t axes;
  bool operator==(const reduce_sum_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axes", axes);
    f("out_sharding", none);
  }
};

/// argmax, argmin: one axis, held as a 1-tuple as JAX does.
struct argminmax_params {
  shape_t axes;
  dtype index_dtype = int32;
  bool operator==(const argminmax_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axes", axes);
    f("index_dtype", index_dtype);
  }
};

/// cumsum, cumprod, cummax, cummin.
struct cumulative_params {
  std::int64_t axis = 0;
  bool reverse = false;
  bool operator==(const cumulative_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis", axis);
    f("reverse", reverse);
  }
};

struct sort_params {
  std::int64_t dimension = 0;
  bool is_stable = true;
  std::int64_t num_keys = 1;
  bool operator==(const sort_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("dimension", dimension);
    f("is_stable", is_stable);
    f("num_keys", num_keys);
  }
};

/// top_k: the k largest elements along `axis` (JAX prints axis and k).
struct top_k_params {
  std::int64_t k = 0;
  std::int64_t axis = 0;
  bool operator==(const top_k_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis", axis);
    f("k", k);
  }
};

struct iota_params {
  xjax::dtype dtype = int32;
  shape_t shape;
  std::int64_t dimension = 0;
  bool operator==(const iota_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("dimension", dimension);
    f("dtype", dtype);
    f("shape", shape);
    f("sharding", none);
  }
};

// ---------------------------------------------------------------------------
// Shared shape rules and index helpers (dtype-independent).

/// The shape left after reducing `axes` of `x`: axes must be distinct and in [0, ndim).
inline shape_t reduced_shape(std::string_view op, const aval& x, const shape_t& axes) {
  std::vector<bool> reduced(x.shape.size(), false);
  for (auto a : axes) {
    if (a < 0 || a >= x.ndim()) {
      detail::raise<value_error>(op,
                                 "reduction axes {} contain out-of-bounds indices for an operand of type {} "
                                 "(shape {}): each axis must satisfy 0 <= axis < {} (lax reductions do not "
                                 "accept negative axes)",
                                 shape_str(axes), x.str(), shape_str(x.shape), x.ndim());
    }
    if (reduced[static_cast<std::size_t>(a)]) {
      detail::raise<value_error>(op, "duplicate value in reduction axes {} (operand shape {})", shape_str(axes),
                                 shape_str(x.shape));
    }
    reduced[static_cast<std::size_t>(a)] = true;
  }
  shape_t out;
  for (std::size_t d = 0; d < x.shape.size(); ++d)
    if (!reduced[d]) out.push_back(x.shape[d]);
  return out;
}

/// Checks one axis for the ops that take an axis and no negative one (argmax, cum*).
inline void check_axis(std::string_view op, std::int64_t axis, const aval& x, std::string_view hint) {
  if (axis < 0 || axis >= x.ndim()) {
    detail::raise<value_error>(op, "axis {} is out of bounds for an operand of type {} (shape {}): it must satisfy "
                               "0 <= axis < {}{}",
                               axis, x.str(), shape_str(x.shape), x.ndim(), hint);
  }
}

/// An array viewed as [outer, n, inner] around one axis: the lines along that axis.
struct line_layout {
  std::int64_t outer = 1, n = 1, inner = 1;

  line_layout(const shape_t& s, std::int64_t axis) {
    for (std::int64_t d = 0; d < static_cast<std::int64_t>(s.size()); ++d) {
      if (d < axis) outer *= s[d];
      else if (d == axis) n = s[d];
      else inner *= s[d];
    }
  }
  /// Calls f(first element offset) for every line; its k-th element is at base + k * inner.
  template <class F> void for_each_line(F&& f) const {
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t i = 0; i < inner; ++i) f(o * n * inner + i);
  }
};

/// Walks an operand in row-major order and tracks the row-major offset, in the
/// reduction's output, of the element the current operand element reduces into.
class reduction_walk {
 public:
  reduction_walk(const shape_t& shape, const shape_t& axes)
      : m_shape(shape), m_index(shape.size(), 0), m_stride(shape.size(), 0) {
    std::vector<bool> reduced(shape.size(), false);
    for (auto a : axes) reduced[static_cast<std::size_t>(a)] = true;
    std::int64_t acc = 1;
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (!reduced[d]) {
        m_stride[d] = acc;
        acc *= shape[d];
      }
    }
  }
  std::size_t offset() const { return static_cast<std::size_t>(m_offset); }
  void next() {
    for (std::size_t d = m_shape.size(); d-- > 0;) {
      m_offset += m_stride[d];
      if (++m_index[d] < m_shape[d]) return;
      m_offset -= m_stride[d] * m_shape[d];
      m_index[d] = 0;
    }
  }

 private:
  shape_t m_shape, m_index, m_stride;
  std::int64_t m_offset = 0;
};

/// Rounds a double to float dtype `d`'s precision and range, as one arithmetic op in
/// `d` does on XLA's CPU backend (float16 and bfloat16 through float32).
inline double round_to_dtype(double v, dtype d) {
  switch (d.id()) {
    case dtype_id::float32: return static_cast<float>(v);
    case dtype_id::float16: return static_cast<float>(half_t(static_cast<float>(v)));
    case dtype_id::bfloat16: return static_cast<float>(bfloat16_t(static_cast<float>(v)));
    default: return v;
  }
}

/// The largest value of an integer dtype, widened to its compute type.
inline std::uint64_t int_max_bits(dtype d) {
  int bits = reference::bit_width(d) - (d.is_signed_integer() ? 1 : 0);
  return bits >= 64 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << bits) - 1;
}

/// Row-major offset `i` of an index_dtype iota, as that dtype holds it (iota wraps).
inline std::int64_t wrapped_index(std::int64_t i, dtype d) {
  const int shift = 64 - reference::bit_width(d);
  const auto u = static_cast<std::uint64_t>(i) << shift;
  return d.is_signed_integer() ? static_cast<std::int64_t>(u) >> shift : static_cast<std::int64_t>(u >> shift);
}

// ---------------------------------------------------------------------------
// Monoids: the binary operation of a reduction or cumulative op, and its identity,
// in a compute type C (see the file comment for the numerics).

struct sum_monoid {
  static constexpr bool rounds = true;
  template <class C> static C identity(dtype) { return C(0); }
  template <class C> static C combine(C a, C b) {
    if constexpr (std::is_integral_v<C>) return static_cast<C>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
    else return a + b;
  }
};

struct prod_monoid {
  static constexpr bool rounds = true;
  template <class C> static C identity(dtype) { return C(1); }
  template <class C> static C combine(C a, C b) {
    if constexpr (std::is_integral_v<C>) return static_cast<C>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
    else return a * b;
  }
};

struct max_monoid {
  static constexpr bool rounds = false;
  template <class C> static C identity(dtype d) {
    if constexpr (std::is_floating_point_v<C>) return -std::numeric_limits<C>::infinity();
    else if constexpr (std::is_same_v<C, std::int64_t>) return static_cast<C>(~int_max_bits(d));  // the dtype's min
    else return C(0);  // unsigned, bool
  }
  template <class C> static C combine(C a, C b) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(a)) return a;
      if (std::isnan(b)) return b;
      if (a == b) return std::signbit(a) ? b : a;  // max(-0.0, 0.0) is 0.0
    }
    return a < b ? b : a;
  }
};

struct min_monoid {
  static constexpr bool rounds = false;
  template <class C> static C identity(dtype d) {
    if constexpr (std::is_floating_point_v<C>) return std::numeric_limits<C>::infinity();
    else if constexpr (std::is_same_v<C, bool>) return true;
    else return static_cast<C>(int_max_bits(d));
  }
  template <class C> static C combine(C a, C b) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(a)) return a;
      if (std::isnan(b)) return b;
      if (a == b) return std::signbit(a) ? a : b;  // min(0.0, -0.0) is -0.0
    }
    return b < a ? b : a;
  }
};

struct and_monoid {
  static constexpr bool rounds = false;
  template <class C> static C identity(dtype) {
    if constexpr (std::is_same_v<C, bool>) return true;
    else return static_cast<C>(~std::uint64_t{0});  // all ones, in every width
  }
  template <class C> static C combine(C a, C b) { return static_cast<C>(a & b); }
};

struct or_monoid {
  static constexpr bool rounds = false;
  template <class C> static C identity(dtype) { return C(0); }
  template <class C> static C combine(C a, C b) { return static_cast<C>(a | b); }
};

struct xor_monoid {
  static constexpr bool rounds = false;
  template <class C> static C identity(dtype) { return C(0); }
  template <class C> static C combine(C a, C b) { return static_cast<C>(a ^ b); }
};

/// acc (op) x, rounded to the operand dtype where the monoid asks for it.
template <class M, class C> C accumulate_step(C acc, C x, dtype d) {
  C r = M::combine(acc, x);
  if constexpr (std::is_floating_point_v<C> && M::rounds) r = round_to_dtype(r, d);
  return r;
}

// ---------------------------------------------------------------------------
// Differentiation: JAX's rules (jax/_src/lax/lax.py and lax/control_flow/loops.py,
// 0.10.2), written with lax ops so that derivatives differentiate again.
//
//   reduce_sum, cumsum        linear. Transposes: the cotangent broadcast back over the
//                             reduced axes (broadcast_in_dim); cumsum in the other direction.
//   reduce_prod               the JVP of a tree of pairwise products (_reduce_jvp): the
//                             reduced axes are moved to the front and flattened, then
//                             halved until one row is left (an odd half padded with 1).
//                             Exact with zeros in the operand, where prod/x is not; its
//                             primal output is the tree's product, as JAX's.
//   reduce_max, reduce_min    the tangent averaged over the positions equal to the result
//                             (_reduce_chooser_jvp_rule): tied maxima share it evenly.
//   cumprod, cummax, cummin   the JVP of JAX's associative_scan with mul / max / min (JAX
//                             differentiates the parallel prefix scan, not reduce_window);
//                             the combining op's own JVP rule is used, so max/min ties
//                             split 0.5/0.5 at each step of the scan as in JAX.
//   sort                      the tangents follow the permutation, which an iota sorted
//                             along with the operands gives; a gather applies it (_sort_jvp).
//   top_k                     the tangent gathered at the top-k indices.
//   argmax, argmin, reduce_and/or/xor, iota: integer or bool outputs, zero tangents.
// Integer and bool operands get zero tangents everywhere (a float0 tangent in JAX).

namespace reductions_ad {

/// A primal and its tangent (invalid: a symbolic zero), as a JVP tracer of JAX carries
/// them through the ops of a rule that JAX writes as jax.jvp of a function.
struct dual {
  array primal, tangent;
};

/// A linear op applied to the primal and to the tangent (a zero tangent stays zero).
template <class F> dual linear(const dual& x, F&& f) {
  array p = f(x.primal);
  return {std::move(p), ad::is_zero(x.tangent) ? array() : f(x.tangent)};
}

/// The JVP of a binary elementwise primitive, by its own rule.
template <class Params> dual apply(const primitive_of<Params>& op, const dual& a, const dual& b) {
  if (ad::is_zero(a.tangent) && ad::is_zero(b.tangent)) return {op.bind1({a.primal, b.primal}), array()};
  const array primals[] = {a.primal, b.primal}, tangents[] = {a.tangent, b.tangent};
  jvp_result r = op.jvp_rule(primals, tangents, Params{});
  return {std::move(r.primals[0]), std::move(r.tangents[0])};
}

/// a + b (JAX's add JVP: the tangents added, or the one that is not zero).
inline dual add(const dual& a, const dual& b) {
  array p = lax::add(a.primal, b.primal);
  if (ad::is_zero(a.tangent)) return {std::move(p), b.tangent};
  if (ad::is_zero(b.tangent)) return {std::move(p), a.tangent};
  return {std::move(p), lax::add(a.tangent, b.tangent)};
}

/// lax.slice_in_dim: elements [start, limit) of `axis`, every `stride`-th.
inline array slice_in_dim(const array& x, std::int64_t start, std::int64_t limit, std::int64_t stride,
                          std::int64_t axis) {
  shape_t starts(x.shape().size(), 0), limits = x.shape(), strides(x.shape().size(), 1);
  const auto a = static_cast<std::size_t>(axis);
  starts[a] = start;
  limits[a] = limit;
  strides[a] = stride;
  return lax::slice(x, starts, limits, strides);
}
inline dual slice_in_dim(const dual& x, std::int64_t start, std::int64_t limit, std::int64_t stride, std::int64_t axis) {
  return linear(x, [&](const array& v) { return slice_in_dim(v, start, limit, stride, axis); });
}

/// Pads `axis` of x's primal with `value` (of its dtype, lax._const) and its tangent with
/// 0 (the tangent of a constant padding value).
inline dual pad_in_dim(const dual& x, double value, pad_dim padding, std::int64_t axis) {
  std::vector<pad_dim> config(x.primal.shape().size());
  config[static_cast<std::size_t>(axis)] = padding;
  const dtype d = x.primal.dtype();
  array p = lax::pad(x.primal, array(value, d), config);
  return {std::move(p), ad::is_zero(x.tangent) ? array() : lax::pad(x.tangent, array(0.0, d), config)};
}

/// lax.concatenate of two duals along `axis` (linear in both: a zero tangent is
/// instantiated when the other is not zero).
inline dual concatenate(const dual& a, const dual& b, std::int64_t axis) {
  array p = lax::concatenate({a.primal, b.primal}, axis);
  if (ad::is_zero(a.tangent) && ad::is_zero(b.tangent)) return {std::move(p), array()};
  return {std::move(p), lax::concatenate({ad::instantiate(a.tangent, a.primal.aval()),
                                          ad::instantiate(b.tangent, b.primal.aval())},
                                         axis)};
}

/// The JVP of JAX's associative_scan(op, x, reverse, axis) for one array
/// (lax/control_flow/loops.py): combine adjacent pairs, scan them recursively (the
/// odd results), combine those with the remaining elements (the even results),
/// interleave. Emits the equations JAX's jax.jvp of it emits, in the same order.
template <class Params> class prefix_scan {
 public:
  prefix_scan(const primitive_of<Params>& op, std::int64_t axis) : m_op(op), m_axis(axis) {}

  dual operator()(const dual& x, bool reverse) const {
    auto flip = [&](const dual& v) { return linear(v, [&](const array& a) { return lax::rev(a, {m_axis}); }); };
    return reverse ? flip(scan(flip(x))) : scan(x);
  }

 private:
  std::int64_t size(const dual& x) const { return x.primal.shape()[static_cast<std::size_t>(m_axis)]; }

  dual scan(const dual& elems) const {
    const std::int64_t n = size(elems);
    if (n < 2) return elems;
    // (Each slice is its own statement: equations are emitted in JAX's order, which
    // the unspecified order of evaluation of function arguments would not keep.)
    const dual pair_first = slice_in_dim(elems, 0, n - 1, 2, m_axis);
    const dual pair_second = slice_in_dim(elems, 1, n, 2, m_axis);
    const dual odd = scan(apply(m_op, pair_first, pair_second));
    const dual odd_prefix = n % 2 == 0 ? slice_in_dim(odd, 0, size(odd) - 1, 1, m_axis) : odd;
    const dual rest = slice_in_dim(elems, 2, n, 2, m_axis);
    const dual even = apply(m_op, odd_prefix, rest);
    const dual first = slice_in_dim(elems, 0, 1, 1, m_axis);
    return interleave(concatenate(first, even, m_axis), odd);
  }

  /// a[0], b[0], a[1], b[1], ... (a one longer than b, or as long): JAX's _interleave,
  /// two interior-padded copies added.
  dual interleave(const dual& a, const dual& b) const {
    const bool same = size(a) == size(b);
    const dual pa = pad_in_dim(a, 0, {0, same ? 1 : 0, 1}, m_axis);
    const dual pb = pad_in_dim(b, 0, {1, same ? 0 : 1, 1}, m_axis);
    return add(pa, pb);
  }

  const primitive_of<Params>& m_op;
  std::int64_t m_axis;
};

/// The dimensions 0 .. rank-1 not in `excluded`, in order (np.delete(np.arange(rank), excluded)).
inline shape_t dims_except(std::int64_t rank, const shape_t& excluded) {
  shape_t out;
  for (std::int64_t d = 0; d < rank; ++d)
    if (std::find(excluded.begin(), excluded.end(), d) == excluded.end()) out.push_back(d);
  return out;
}

/// t's elements at `indices` along `axis` (indices: the shape of the result plus a
/// trailing 1), the other dimensions paired as batch dimensions: the gather of JAX's
/// sort and top_k JVPs (a take_along_axis).
inline array take_along_axis(const array& t, const array& indices, std::int64_t axis) {
  const std::int64_t rank = t.ndim();
  const shape_t batch = dims_except(rank, {axis});
  lax::gather_dimension_numbers dn{.offset_dims = {},
                                   .collapsed_slice_dims = {axis},
                                   .start_index_map = {axis},
                                   .operand_batching_dims = batch,
                                   .start_indices_batching_dims = batch};
  return lax::gather(t, indices, dn, shape_t(static_cast<std::size_t>(rank), 1),
                     {.mode = lax::gather_scatter_mode::promise_in_bounds});
}

/// reduce_prod's JVP (JAX's _reduce_prod_jvp_rule / _reduce_jvp with mul).
inline jvp_result reduce_prod_jvp(const primitive_of<reduce_params>& self, std::span<const array> primals,
                                  std::span<const array> tangents, const reduce_params& p) {
  const array& x = primals[0];
  const shape_t& shape = x.shape();
  std::int64_t n = 1;
  for (auto a : p.axes) n *= shape[static_cast<std::size_t>(a)];
  // A product of no element is the constant 1 (JAX returns full(..., 1) and zeros).
  if (!ad::differentiable(x.dtype()) || ad::is_zero(tangents[0]) || n == 0) return ad::zero_jvp(self, primals, p);

  // The reduced axes first (in the order given), flattened into one of size n.
  shape_t permutation = p.axes, rows{n};
  for (auto d : dims_except(x.ndim(), p.axes)) {
    permutation.push_back(d);
    rows.push_back(shape[static_cast<std::size_t>(d)]);
  }
  dual v = linear({x, tangents[0]}, [&](const array& a) { return lax::reshape(a, rows, permutation); });
  for (std::int64_t m = n; m > 1; m = v.primal.shape()[0]) {
    const std::int64_t half = (m + 1) / 2;
    const dual lo = slice_in_dim(v, 0, half, 1, 0);
    dual hi = slice_in_dim(v, half, m, 1, 0);
    if (m - half != half) hi = pad_in_dim(hi, 1, {0, 1, 0}, 0);
    v = apply(mul_p(), lo, hi);
  }
  v = linear(v, [](const array& a) { return lax::squeeze(a, {0}); });
  return {{v.primal}, {v.tangent}};
}

/// reduce_max's and reduce_min's JVP (JAX's _reduce_chooser_jvp_rule): the tangent at
/// the positions equal to the result, averaged.
inline jvp_result reduce_chooser_jvp(const primitive_of<reduce_params>& self, std::span<const array> primals,
                                     std::span<const array> tangents, const reduce_params& p) {
  const array& x = primals[0];
  const array& t = tangents[0];
  array ans = self.bind1({x}, p);
  if (!ad::differentiable(x.dtype()) || ad::is_zero(t)) return {{ans}, {array()}};
  shape_t kept = x.shape();
  for (auto a : p.axes) kept[static_cast<std::size_t>(a)] = 1;
  const array location = lax::convert_element_type(lax::eq(x, lax::reshape(ans, kept)), t.dtype());
  const array counts = lax::reduce_sum(location, p.axes);
  return {{ans}, {lax::div(lax::reduce_sum(lax::mul(t, location), p.axes), counts)}};
}

/// Checks that the transpose of a unary linear primitive gets one operand, and a linear
/// one (JAX asserts is_undefined_primal): anything else is a misuse by the caller.
inline void check_linear_operand(std::string_view op, std::span<const array> cts, std::span<const lin_arg> args) {
  if (args.size() != 1 || cts.size() != 1) {
    detail::raise<value_error>(op, "transpose expects 1 operand and 1 cotangent, got {} and {}", args.size(), cts.size());
  }
  if (!args[0].is_linear()) {
    detail::raise<value_error>(op, "cannot transpose with respect to an operand that is not linear (operand of type {} "
                               "has a value); {} is linear in its only operand",
                               args[0].aval.str(), op);
  }
}

/// reduce_sum's transpose (JAX's _reduce_sum_transpose_rule): the cotangent broadcast
/// over the reduced axes.
inline std::vector<array> reduce_sum_transpose(std::span<const array> cts, std::span<const lin_arg> args,
                                               const reduce_sum_params& p) {
  check_linear_operand("reduce_sum", cts, args);
  if (ad::is_zero(cts[0])) return {array()};
  const shape_t& shape = args[0].aval.shape;
  return {lax::broadcast_in_dim(cts[0], shape, dims_except(static_cast<std::int64_t>(shape.size()), p.axes))};
}

}  // namespace reductions_ad

// ---------------------------------------------------------------------------
// Batching (vmap): JAX's rules (0.10.2: interpreters/batching.py's reducer_batcher,
// lax.py's _sort_batch_rule and _top_k_batch_rule, control_flow/loops.py's
// _cumred_batch_rule). An operand's batch dimension `bdim` stays where it is: the
// example's axes are shifted past it (axis a becomes a + 1 when a >= bdim), so a
// batched op is one equation, with no transpose:
//   reduce_*, argmax, argmin   axes shifted, in the order given; the result's batch
//                              dimension is bdim's position among the kept dimensions
//                              (bdim minus the reduced axes before it)
//   cumsum/prod/max/min        axis shifted, reverse kept; the result keeps bdim
//   top_k                      axis shifted; both results keep bdim (JAX 0.10.2's top_k
//                              takes any axis: no transpose to keep it last)
//   sort                       the batch dimension of the first batched operand is that of
//                              every operand: other batched operands are moved there (a
//                              transpose), unbatched ones broadcast there (sort needs
//                              operands of one shape); dimension shifted; all results
//                              batched there
//   iota                       no operand: vmap never batches it (bound as it is)

namespace reductions_batch {

/// The position, in an operand with batch dimension `bdim`, of the example's `axis`.
inline std::int64_t past_batch(std::int64_t axis, std::int64_t bdim) { return axis < bdim ? axis : axis + 1; }

/// Checks what a batching rule receives (one dimension per operand, each not_mapped or
/// a dimension of its operand); anything else is a misuse by the caller.
inline void check_dims(std::string_view op, std::span<const array> args, std::span<const std::int64_t> dims) {
  if (dims.size() != args.size()) {
    detail::raise<value_error>(op, "the batching rule got {} batch dimensions for {} operands", dims.size(),
                               args.size());
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (dims[i] != not_mapped && (dims[i] < 0 || dims[i] >= args[i].ndim())) {
      detail::raise<value_error>(op, "batch dimension {} of operand {} is out of range for its type {}", dims[i], i,
                                 args[i].aval().str());
    }
  }
}

/// JAX's reducer_batcher for a one-operand reduction whose params hold `axes`
/// (reduce_*, argmax, argmin).
template <class Params>
batch_result reducer(const primitive_of<Params>& self, std::span<const array> args, std::span<const std::int64_t> dims,
                     Params p) {
  check_arity(self.name(), args.size(), 1);
  check_dims(self.name(), args, dims);
  const std::int64_t bdim = dims[0];
  if (bdim == not_mapped) return {{self.bind1({args[0]}, std::move(p))}, {not_mapped}};
  std::int64_t out_bdim = bdim;
  for (auto& a : p.axes) {
    a = past_batch(a, bdim);
    if (a < bdim) --out_bdim;
  }
  return {{self.bind1({args[0]}, std::move(p))}, {out_bdim}};
}

/// The rule of a one-operand op along one axis that keeps the batch dimension in
/// place in every result (cumulative ops, top_k): `axis` of the params shifted.
template <class Params>
batch_result along_axis(const primitive_of<Params>& self, std::span<const array> args,
                        std::span<const std::int64_t> dims, Params p) {
  check_arity(self.name(), args.size(), 1);
  check_dims(self.name(), args, dims);
  const std::int64_t bdim = dims[0];
  if (bdim != not_mapped) p.axis = past_batch(p.axis, bdim);
  std::vector<array> outs = self.bind({args[0]}, std::move(p));
  return {outs, std::vector<std::int64_t>(outs.size(), bdim)};
}

}  // namespace reductions_batch

/// How a reduction differentiates (see "Differentiation" above).
enum class reduce_ad { linear, product, chooser, none };

// ---------------------------------------------------------------------------
// Reductions: reduce_sum, reduce_prod, reduce_max, reduce_min, reduce_and, reduce_or, reduce_xor.

/// A reduction primitive from an op struct with `name`, `domain`, `params`, `monoid`
/// and `keeps_weak_type`.
template <class Op> class reduce_primitive final : public primitive_of<typename Op::params> {
 public:
  using params = typename Op::params;
  constexpr reduce_primitive() : primitive_of<params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const params& p) const override {
    check_arity(Op::name, in.size(), 1);
    check_dtype(Op::name, in[0].dtype, Op::domain);
    return {aval{reduced_shape(Op::name, in[0], p.axes), in[0].dtype, Op::keeps_weak_type && in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    using M = typename Op::monoid;
    const array& x = in[0];
    const dtype d = x.dtype();
    const shape_t out_shape = reduced_shape(Op::name, x.aval(), p.axes);
    std::int64_t count = 1;  // operand elements per output element
    for (auto a : p.axes) count *= x.shape()[static_cast<std::size_t>(a)];
    std::vector<array> out;
    reference::visit_compute<Op::domain>(d, [&](auto tag) {
      using C = decltype(tag);
      const std::vector<C> xs = reference::load<C>(x);
      std::vector<C> acc(static_cast<std::size_t>(shape_size(out_shape)), M::template identity<C>(d));
      reduction_walk w(x.shape(), p.axes);
      for (std::size_t i = 0; i < xs.size(); ++i, w.next()) {
        // Reducing one element is a copy (XLA: the sum of {-0.0} is -0.0, not 0.0 + -0.0).
        acc[w.offset()] = count == 1 ? xs[i] : accumulate_step<M>(C(acc[w.offset()]), C(xs[i]), d);
      }
      out.push_back(reference::store(acc, out_shape, d, Op::keeps_weak_type && x.weak_type()));
    });
    return out;
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents, const params& p) const override {
    if constexpr (Op::differentiation == reduce_ad::linear) return ad::linear_jvp(*this, primals, tangents, p);
    else if constexpr (Op::differentiation == reduce_ad::product) return reductions_ad::reduce_prod_jvp(*this, primals, tangents, p);
    else if constexpr (Op::differentiation == reduce_ad::chooser) return reductions_ad::reduce_chooser_jvp(*this, primals, tangents, p);
    else return ad::zero_jvp(*this, primals, p);
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const params& p) const override {
    if constexpr (Op::differentiation == reduce_ad::linear) return reductions_ad::reduce_sum_transpose(cts, args, p);
    else this->missing_rule("transpose");
  }

  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const params& p,
                          const batch_axis&) const override {
    return reductions_batch::reducer(*this, args, dims, p);
  }
};

struct reduce_sum_op {
  static constexpr std::string_view name = "reduce_sum";
  static constexpr reduce_ad differentiation = reduce_ad::linear;
  static constexpr dtype_set domain = numeric_types;
  static constexpr bool keeps_weak_type = true;
  using params = reduce_sum_params;
  using monoid = sum_monoid;
};
inline const reduce_primitive<reduce_sum_op>& reduce_sum_p() { static const reduce_primitive<reduce_sum_op> p; return p; }

struct reduce_prod_op {
  static constexpr std::string_view name = "reduce_prod";
  static constexpr reduce_ad differentiation = reduce_ad::product;
  static constexpr dtype_set domain = numeric_types;
  static constexpr bool keeps_weak_type = true;
  using params = reduce_params;
  using monoid = prod_monoid;
};
inline const reduce_primitive<reduce_prod_op>& reduce_prod_p() { static const reduce_primitive<reduce_prod_op> p; return p; }

struct reduce_max_op {
  static constexpr std::string_view name = "reduce_max";
  static constexpr reduce_ad differentiation = reduce_ad::chooser;
  static constexpr dtype_set domain = all_types;
  static constexpr bool keeps_weak_type = true;
  using params = reduce_params;
  using monoid = max_monoid;
};
inline const reduce_primitive<reduce_max_op>& reduce_max_p() { static const reduce_primitive<reduce_max_op> p; return p; }

struct reduce_min_op {
  static constexpr std::string_view name = "reduce_min";
  static constexpr reduce_ad differentiation = reduce_ad::chooser;
  static constexpr dtype_set domain = all_types;
  static constexpr bool keeps_weak_type = true;
  using params = reduce_params;
  using monoid = min_monoid;
};
inline const reduce_primitive<reduce_min_op>& reduce_min_p() { static const reduce_primitive<reduce_min_op> p; return p; }

struct reduce_and_op {
  static constexpr std::string_view name = "reduce_and";
  static constexpr reduce_ad differentiation = reduce_ad::none;
  static constexpr dtype_set domain = int_or_bool_types;
  static constexpr bool keeps_weak_type = false;
  using params = reduce_params;
  using monoid = and_monoid;
};
inline const reduce_primitive<reduce_and_op>& reduce_and_p() { static const reduce_primitive<reduce_and_op> p; return p; }

struct reduce_or_op {
  static constexpr std::string_view name = "reduce_or";
  static constexpr reduce_ad differentiation = reduce_ad::none;
  static constexpr dtype_set domain = int_or_bool_types;
  static constexpr bool keeps_weak_type = false;
  using params = reduce_params;
  using monoid = or_monoid;
};
inline const reduce_primitive<reduce_or_op>& reduce_or_p() { static const reduce_primitive<reduce_or_op> p; return p; }

struct reduce_xor_op {
  static constexpr std::string_view name = "reduce_xor";
  static constexpr reduce_ad differentiation = reduce_ad::none;
  static constexpr dtype_set domain = int_or_bool_types;
  static constexpr bool keeps_weak_type = false;
  using params = reduce_params;
  using monoid = xor_monoid;
};
inline const reduce_primitive<reduce_xor_op>& reduce_xor_p() { static const reduce_primitive<reduce_xor_op> p; return p; }

// ---------------------------------------------------------------------------
// argmax, argmin.

/// argmax/argmin from an op struct with `name` and `better(a, b)` (a strictly beats b).
/// As JAX's reducer: the first NaN wins; among equal values the smaller index wins,
/// comparing indices as index_dtype holds them (so an int8 index wraps past 127).
template <class Op> class argminmax_primitive final : public primitive_of<argminmax_params> {
 public:
  constexpr argminmax_primitive() : primitive_of<argminmax_params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const argminmax_params& p) const override {
    check_arity(Op::name, in.size(), 1);
    if (p.axes.size() != 1) {
      detail::raise<value_error>(Op::name, "takes exactly one axis, got axes {}", shape_str(p.axes));
    }
    const std::int64_t axis = p.axes[0];
    check_axis(Op::name, axis, in[0], "");
    if (in[0].shape[static_cast<std::size_t>(axis)] < 1) {
      detail::raise<value_error>(Op::name, "requires a non-empty reduced dimension, got operand shape {} and axis {}",
                                 shape_str(in[0].shape), axis);
    }
    if (!p.index_dtype.is_integer()) {
      detail::raise<type_error>(Op::name, "index_dtype must be an integer type, got {}", p.index_dtype.name());
    }
    return {aval{reduced_shape(Op::name, in[0], p.axes), p.index_dtype, false}};
  }

  std::vector<array> eval(std::span<const array> in, const argminmax_params& p) const override {
    const array& x = in[0];
    const dtype index_dtype = p.index_dtype;
    const line_layout lines(x.shape(), p.axes[0]);
    std::vector<std::int64_t> result;
    result.reserve(static_cast<std::size_t>(lines.outer * lines.inner));
    reference::visit_compute<all_types>(x.dtype(), [&](auto tag) {
      using C = decltype(tag);
      const std::vector<C> xs = reference::load<C>(x);
      lines.for_each_line([&](std::int64_t base) {
        C best = xs[static_cast<std::size_t>(base)];
        std::int64_t bi = 0;
        for (std::int64_t k = 1; k < lines.n; ++k) {
          const C v = xs[static_cast<std::size_t>(base + k * lines.inner)];
          if constexpr (std::is_floating_point_v<C>) {
            if (std::isnan(best)) break;  // the first NaN wins
            if (std::isnan(v)) {
              bi = k;
              break;
            }
          }
          if (Op::better(v, best)) {
            best = v;
            bi = k;
          } else if (v == best && !(wrapped_index(bi, index_dtype) < wrapped_index(k, index_dtype))) {
            bi = k;
          }
        }
        result.push_back(bi);
      });
    });
    return {reference::store(result, reduced_shape(Op::name, x.aval(), p.axes), index_dtype)};
  }

  /// An integer output: its tangent is zero.
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array>, const argminmax_params& p) const override {
    return ad::zero_jvp(*this, primals, p);
  }

  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const argminmax_params& p,
                          const batch_axis&) const override {
    return reductions_batch::reducer(*this, args, dims, p);
  }
};

struct argmax_op {
  static constexpr std::string_view name = "argmax";
  template <class C> static bool better(C a, C b) { return a > b; }
};
inline const argminmax_primitive<argmax_op>& argmax_p() { static const argminmax_primitive<argmax_op> p; return p; }

struct argmin_op {
  static constexpr std::string_view name = "argmin";
  template <class C> static bool better(C a, C b) { return a < b; }
};
inline const argminmax_primitive<argmin_op>& argmin_p() { static const argminmax_primitive<argmin_op> p; return p; }

// ---------------------------------------------------------------------------
// Cumulative ops: cumsum, cumprod, cummax, cummin.

/// A cumulative primitive from an op struct with `name` and `monoid`; numbers only.
template <class Op> class cumulative_primitive final : public primitive_of<cumulative_params> {
 public:
  static constexpr dtype_set domain = numeric_types;
  constexpr cumulative_primitive() : primitive_of<cumulative_params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const cumulative_params& p) const override {
    check_arity(Op::name, in.size(), 1);
    check_dtype(Op::name, in[0].dtype, domain);
    check_axis(Op::name, p.axis, in[0], " (XLA operations do not allow negative axes)");
    return {in[0]};
  }

  std::vector<array> eval(std::span<const array> in, const cumulative_params& p) const override {
    using M = typename Op::monoid;
    const array& x = in[0];
    const dtype d = x.dtype();
    const line_layout lines(x.shape(), p.axis);
    std::vector<array> out;
    reference::visit_compute<domain>(d, [&](auto tag) {
      using C = decltype(tag);
      const std::vector<C> xs = reference::load<C>(x);
      std::vector<C> ys(xs.size());
      // A line of one element is a copy (XLA: the cumsum of {-0.0} is -0.0), except in
      // bfloat16, which XLA's CPU backend computes as 0.0 + -0.0.
      const bool copy = lines.n == 1 && d != bfloat16;
      lines.for_each_line([&](std::int64_t base) {
        C acc = M::template identity<C>(d);
        for (std::int64_t j = 0; j < lines.n; ++j) {
          const auto at = static_cast<std::size_t>(base + (p.reverse ? lines.n - 1 - j : j) * lines.inner);
          acc = copy ? xs[at] : accumulate_step<M>(acc, xs[at], d);
          ys[at] = acc;
        }
      });
      out.push_back(reference::store(ys, x.shape(), d, x.weak_type()));
    });
    return out;
  }

  /// cumsum is linear; the others differentiate as JAX's associative_scan of their
  /// combining op (the primal output is the scan's, as JAX's).
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const cumulative_params& p) const override {
    if constexpr (!requires { Op::combine_p(); }) {
      return ad::linear_jvp(*this, primals, tangents, p);
    } else {
      if (!ad::differentiable(primals[0].dtype()) || ad::is_zero(tangents[0])) return ad::zero_jvp(*this, primals, p);
      const reductions_ad::prefix_scan scan(Op::combine_p(), p.axis);
      reductions_ad::dual y = scan({primals[0], tangents[0]}, p.reverse);
      return {{y.primal}, {y.tangent}};
    }
  }

  /// cumsum's transpose: the cotangent summed in the other direction.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const cumulative_params& p) const override {
    if constexpr (!requires { Op::combine_p(); }) {
      reductions_ad::check_linear_operand(Op::name, cts, args);
      if (ad::is_zero(cts[0])) return {array()};
      return {lax::cumsum(cts[0], p.axis, !p.reverse)};
    } else {
      this->missing_rule("transpose");
    }
  }

  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims,
                          const cumulative_params& p, const batch_axis&) const override {
    return reductions_batch::along_axis(*this, args, dims, p);
  }
};

struct cumsum_op {
  static constexpr std::string_view name = "cumsum";
  using monoid = sum_monoid;
};
inline const cumulative_primitive<cumsum_op>& cumsum_p() { static const cumulative_primitive<cumsum_op> p; return p; }

struct cumprod_op {
  static constexpr std::string_view name = "cumprod";
  static const auto& combine_p() { return mul_p(); }
  using monoid = prod_monoid;
};
inline const cumulative_primitive<cumprod_op>& cumprod_p() { static const cumulative_primitive<cumprod_op> p; return p; }

struct cummax_op {
  static constexpr std::string_view name = "cummax";
  static const auto& combine_p() { return max_p(); }
  using monoid = max_monoid;
};
inline const cumulative_primitive<cummax_op>& cummax_p() { static const cumulative_primitive<cummax_op> p; return p; }

struct cummin_op {
  static constexpr std::string_view name = "cummin";
  static const auto& combine_p() { return min_p(); }
  using monoid = min_monoid;
};
inline const cumulative_primitive<cummin_op>& cummin_p() { static const cumulative_primitive<cummin_op> p; return p; }

// ---------------------------------------------------------------------------
// sort: several operands of one shape, sorted together along `dimension`,
// lexicographically by the first num_keys of them; stable.

/// The keys of `x` as unsigned integers ordered as JAX's sort orders `x`: floats
/// -inf < ... < -0.0 == 0.0 < ... < inf < NaN (all NaNs equal), signed and unsigned
/// integers and bools by value.
inline std::vector<std::uint64_t> sort_keys(const array& x) {
  std::vector<std::uint64_t> keys(static_cast<std::size_t>(x.size()));
  reference::visit_compute<all_types>(x.dtype(), [&](auto tag) {
    using C = decltype(tag);
    const std::vector<C> xs = reference::load<C>(x);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const C v = xs[i];
      if constexpr (std::is_floating_point_v<C>) {
        if (std::isnan(v)) {
          keys[i] = std::numeric_limits<std::uint64_t>::max();
        } else {
          const auto bits = std::bit_cast<std::uint64_t>(v == 0 ? 0.0 : static_cast<double>(v));
          keys[i] = bits >> 63 ? ~bits : bits | (std::uint64_t{1} << 63);
        }
      } else if constexpr (std::is_same_v<C, std::int64_t>) {
        keys[i] = static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63);
      } else {
        keys[i] = static_cast<std::uint64_t>(v);
      }
    }
  });
  return keys;
}

class sort_primitive final : public primitive_of<sort_params> {
 public:
  constexpr sort_primitive() : primitive_of<sort_params>("sort") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const sort_params& p) const override {
    if (in.empty()) detail::raise<value_error>("sort", "requires at least one operand");
    for (auto& a : in) {
      if (a.shape != in[0].shape) {
        std::vector<std::string> shapes;
        for (auto& b : in) shapes.push_back(shape_str(b.shape));
        detail::raise<shape_error>("sort", "operands must have equal shapes, got {}", fmt::join(shapes, ", "));
      }
    }
    check_dimension(p.dimension, in[0].shape);
    check_num_keys(p.num_keys, in.size());
    return {in.begin(), in.end()};
  }

  std::vector<array> eval(std::span<const array> in, const sort_params& p) const override {
    const line_layout lines(in[0].shape(), p.dimension);
    std::vector<std::vector<std::uint64_t>> keys;
    for (std::int64_t k = 0; k < p.num_keys; ++k) keys.push_back(sort_keys(in[static_cast<std::size_t>(k)]));

    // The permutation of every line, as operand offsets: perm[base + j*inner] is the
    // offset of the element that lands at base + j*inner.
    std::vector<std::int64_t> perm(static_cast<std::size_t>(in[0].size()));
    std::vector<std::int64_t> order(static_cast<std::size_t>(lines.n));
    lines.for_each_line([&](std::int64_t base) {
      for (std::int64_t j = 0; j < lines.n; ++j) order[static_cast<std::size_t>(j)] = base + j * lines.inner;
      std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
        for (auto& k : keys) {
          if (k[static_cast<std::size_t>(a)] != k[static_cast<std::size_t>(b)])
            return k[static_cast<std::size_t>(a)] < k[static_cast<std::size_t>(b)];
        }
        return false;
      });
      for (std::int64_t j = 0; j < lines.n; ++j)
        perm[static_cast<std::size_t>(base + j * lines.inner)] = order[static_cast<std::size_t>(j)];
    });

    // Every operand follows the permutation: a byte copy, whatever its dtype.
    std::vector<array> out;
    for (const array& x : in) {
      array y = array::empty(x.shape(), x.dtype(), x.weak_type());
      const auto size = static_cast<std::size_t>(x.itemsize());
      const auto* src = static_cast<const unsigned char*>(x.raw_data());
      auto* dst = static_cast<unsigned char*>(y.mutable_raw_data());
      for (std::size_t i = 0; i < perm.size(); ++i)
        std::memcpy(dst + i * size, src + static_cast<std::size_t>(perm[i]) * size, size);
      out.push_back(std::move(y));
    }
    return out;
  }

  /// JAX's _sort_jvp: an iota sorted along with the operands gives the permutation,
  /// which a gather applies to every tangent that is not zero.
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const sort_params& p) const override {
    auto moves = [&](std::size_t i) { return !ad::is_zero(tangents[i]) && ad::differentiable(primals[i].dtype()); };
    bool any = false;
    for (std::size_t i = 0; i < primals.size(); ++i) any = any || moves(i);
    if (!any) return ad::zero_jvp(*this, primals, p);
    const shape_t& shape = primals[0].shape();
    dtype index_dtype = uint32;  // lax_utils.int_dtype_for_shape(shape, signed=False)
    for (auto d : shape)
      if (d > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max())) index_dtype = uint64;
    std::vector<array> operands(primals.begin(), primals.end());
    operands.push_back(lax::broadcasted_iota(index_dtype, shape, p.dimension));
    std::vector<array> outs = bind(std::move(operands), p);
    const array indices = lax::expand_dims(outs.back(), {static_cast<std::int64_t>(shape.size())});
    outs.pop_back();
    std::vector<array> touts(outs.size());
    for (std::size_t i = 0; i < outs.size(); ++i)
      if (moves(i)) touts[i] = reductions_ad::take_along_axis(tangents[i], indices, p.dimension);
    return {std::move(outs), std::move(touts)};
  }

  /// JAX's _sort_batch_rule: every operand batched along the first batched operand's
  /// batch dimension (moved there, or broadcast there when unbatched), dimension shifted.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const sort_params& p,
                          const batch_axis& axis) const override {
    reductions_batch::check_dims("sort", args, dims);
    const auto first = std::find_if(dims.begin(), dims.end(), [](std::int64_t d) { return d != not_mapped; });
    if (first == dims.end()) {
      return {bind(std::vector<array>(args.begin(), args.end()), p), std::vector<std::int64_t>(args.size(), not_mapped)};
    }
    const std::int64_t bdim = *first;
    std::vector<array> operands;
    operands.reserve(args.size());
    for (std::size_t i = 0; i < args.size(); ++i)
      operands.push_back(batching::move_batch_dim(args[i], dims[i], bdim, axis.size));
    sort_params q = p;
    q.dimension = reductions_batch::past_batch(p.dimension, bdim);
    return {bind(std::move(operands), q), std::vector<std::int64_t>(args.size(), bdim)};
  }

  /// The primitive's dimension must be in [0, rank).
  static void check_dimension(std::int64_t dimension, const shape_t& shape) {
    const auto rank = static_cast<std::int64_t>(shape.size());
    if (dimension < 0 || dimension >= rank) {
      detail::raise<value_error>("sort", "dimension {} is out of bounds for operands of shape {}: it must satisfy 0 <= "
                                 "dimension < {}{}",
                                 dimension, shape_str(shape), rank, rank == 0 ? " (a 0-d array cannot be sorted)" : "");
    }
  }
  /// The lax functions' dimension: in [-rank, rank), a negative one counting from the end.
  static std::int64_t normalize_dimension(std::int64_t dimension, const shape_t& shape) {
    const auto rank = static_cast<std::int64_t>(shape.size());
    if (dimension < -rank || dimension >= rank) {
      detail::raise<value_error>("sort", "dimension {} is out of bounds for operands of shape {}: it must satisfy {} "
                                 "<= dimension < {}{}",
                                 dimension, shape_str(shape), -rank, rank, rank == 0 ? " (a 0-d array cannot be sorted)" : "");
    }
    return dimension < 0 ? dimension + rank : dimension;
  }
  static void check_num_keys(std::int64_t num_keys, std::size_t num_operands) {
    if (num_keys < 1 || num_keys > static_cast<std::int64_t>(num_operands)) {
      detail::raise<value_error>("sort", "num_keys={} must be between 1 and the number of operands ({})", num_keys,
                                 num_operands);
    }
  }
};
inline const sort_primitive& sort_p() { static const sort_primitive p; return p; }

// ---------------------------------------------------------------------------
// top_k: the k largest elements along `axis`, descending, and their int32 indices.
// Order as XLA's TopK on the CPU: the IEEE total order (NaN largest, -NaN smallest,
// -0.0 < 0.0); ties: the lower index first.

class top_k_primitive final : public primitive_of<top_k_params> {
 public:
  constexpr top_k_primitive() : primitive_of<top_k_params>("top_k") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const top_k_params& p) const override {
    check_arity("top_k", in.size(), 1);
    const auto rank = static_cast<std::int64_t>(in[0].shape.size());
    if (p.axis < 0 || p.axis >= rank) {
      detail::raise<value_error>("top_k", "axis {} is out of bounds for an operand of shape {}", p.axis,
                                 shape_str(in[0].shape));
    }
    const std::int64_t n = in[0].shape[static_cast<std::size_t>(p.axis)];
    if (p.k < 0 || p.k > n) {
      detail::raise<value_error>("top_k", "k={} must be in [0, {}] (the size of axis {} of the operand of shape {})",
                                 p.k, n, p.axis, shape_str(in[0].shape));
    }
    shape_t out = in[0].shape;
    out[static_cast<std::size_t>(p.axis)] = p.k;
    return {aval{out, in[0].dtype, in[0].weak_type}, aval{out, int32, false}};
  }

  std::vector<array> eval(std::span<const array> in, const top_k_params& p) const override {
    const array& x = in[0];
    // Keys ordered as XLA's TopK comparator: floats by the IEEE total order of their bits
    // (-NaN < -inf < ... < -0.0 < 0.0 < ... < inf < NaN).
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(x.size()));
    reference::visit_compute<all_types>(x.dtype(), [&](auto tag) {
      using C = decltype(tag);
      const std::vector<C> xs = reference::load<C>(x);
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const C v = xs[i];
        if constexpr (std::is_floating_point_v<C>) {
          // Widening to double keeps the sign and NaN-ness, and the order of the values.
          const auto bits = std::bit_cast<std::uint64_t>(static_cast<double>(v));
          keys[i] = bits >> 63 ? ~bits : bits | (std::uint64_t{1} << 63);
        } else if constexpr (std::is_same_v<C, std::int64_t>) {
          keys[i] = static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63);
        } else {
          keys[i] = static_cast<std::uint64_t>(v);
        }
      }
    });
    const line_layout lines(x.shape(), p.axis);
    shape_t out_shape = x.shape();
    out_shape[static_cast<std::size_t>(p.axis)] = p.k;
    array values = array::empty(out_shape, x.dtype(), x.weak_type());
    array indices = array::empty(out_shape, int32);
    const auto size = static_cast<std::size_t>(x.itemsize());
    const auto* src = static_cast<const unsigned char*>(x.raw_data());
    auto* dst = static_cast<unsigned char*>(values.mutable_raw_data());
    auto* idx = static_cast<std::int32_t*>(indices.mutable_raw_data());
    std::vector<std::int64_t> order(static_cast<std::size_t>(lines.n));
    std::int64_t line = 0;
    lines.for_each_line([&](std::int64_t base) {
      for (std::int64_t j = 0; j < lines.n; ++j) order[static_cast<std::size_t>(j)] = j;
      std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
        return keys[static_cast<std::size_t>(base + a * lines.inner)] > keys[static_cast<std::size_t>(base + b * lines.inner)];
      });
      // The output line of this operand line: same outer and inner position, k long.
      const std::int64_t o = line / lines.inner, i = line % lines.inner;
      const std::int64_t out_base = o * p.k * lines.inner + i;
      for (std::int64_t j = 0; j < p.k; ++j) {
        const std::int64_t from = base + order[static_cast<std::size_t>(j)] * lines.inner;
        const std::int64_t to = out_base + j * lines.inner;
        std::memcpy(dst + static_cast<std::size_t>(to) * size, src + static_cast<std::size_t>(from) * size, size);
        idx[to] = static_cast<std::int32_t>(order[static_cast<std::size_t>(j)]);
      }
      ++line;
    });
    return {values, indices};
  }

  /// JAX's _top_k_jvp: the tangent gathered at the indices; the indices' tangent is zero.
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const top_k_params& p) const override {
    std::vector<array> outs = bind({primals[0]}, p);
    if (ad::is_zero(tangents[0]) || !ad::differentiable(primals[0].dtype())) return {outs, {array(), array()}};
    shape_t index_shape = outs[1].shape();
    index_shape.push_back(1);
    array t = reductions_ad::take_along_axis(tangents[0], lax::reshape(outs[1], index_shape), p.axis);
    return {outs, {std::move(t), array()}};
  }

  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const top_k_params& p,
                          const batch_axis&) const override {
    return reductions_batch::along_axis(*this, args, dims, p);
  }
};
inline const top_k_primitive& top_k_p() { static const top_k_primitive p; return p; }

// ---------------------------------------------------------------------------
// iota: no operand; each element is its index along `dimension`.

class iota_primitive final : public primitive_of<iota_params> {
 public:
  static constexpr dtype_set domain = numeric_types;
  constexpr iota_primitive() : primitive_of<iota_params>("iota") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const iota_params& p) const override {
    check_arity("iota", in.size(), 0);
    check_dtype("iota", p.dtype, domain);
    for (auto s : p.shape) {
      if (s < 0) detail::raise<value_error>("iota", "shape {} has a negative dimension", shape_str(p.shape));
    }
    const auto rank = static_cast<std::int64_t>(p.shape.size());
    if (p.dimension < 0 || p.dimension >= rank) {
      detail::raise<value_error>("iota", "dimension {} is out of range for shape {}: it must satisfy 0 <= dimension < {}",
                                 p.dimension, shape_str(p.shape), rank);
    }
    return {aval{p.shape, p.dtype, false}};
  }

  std::vector<array> eval(std::span<const array>, const iota_params& p) const override {
    const line_layout lines(p.shape, p.dimension);
    std::vector<std::int64_t> values(static_cast<std::size_t>(shape_size(p.shape)));
    lines.for_each_line([&](std::int64_t base) {
      for (std::int64_t j = 0; j < lines.n; ++j) values[static_cast<std::size_t>(base + j * lines.inner)] = j;
    });
    return {reference::store(values, p.shape, p.dtype)};  // integers wrap, floats round, as XLA
  }

  /// No operand, nothing to differentiate: a constant.
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array>, const iota_params& p) const override {
    return ad::zero_jvp(*this, primals, p);
  }

  /// No operand, so never batched (vmap binds it as it is); the same for every element.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const iota_params& p,
                          const batch_axis&) const override {
    check_arity("iota", args.size(), 0);
    reductions_batch::check_dims("iota", args, dims);
    return {{bind1({}, p)}, {not_mapped}};
  }
};
inline const iota_primitive& iota_p() { static const iota_primitive p; return p; }

}  // namespace xjax::prim

// ---------------------------------------------------------------------------
// The lax functions (declared in lax/reductions.hpp) bind the primitives above.
namespace xjax::lax {

XJAX_IMPL array reduce_sum(const array& x, const shape_t& axes) { return prim::reduce_sum_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_prod(const array& x, const shape_t& axes) { return prim::reduce_prod_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_max(const array& x, const shape_t& axes) { return prim::reduce_max_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_min(const array& x, const shape_t& axes) { return prim::reduce_min_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_and(const array& x, const shape_t& axes) { return prim::reduce_and_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_or(const array& x, const shape_t& axes) { return prim::reduce_or_p().bind1({x}, {axes}); }
XJAX_IMPL array reduce_xor(const array& x, const shape_t& axes) { return prim::reduce_xor_p().bind1({x}, {axes}); }

XJAX_IMPL array argmax(const array& x, std::int64_t axis, dtype index_dtype) {
  return prim::argmax_p().bind1({x}, {{axis}, index_dtype});
}
XJAX_IMPL array argmin(const array& x, std::int64_t axis, dtype index_dtype) {
  return prim::argmin_p().bind1({x}, {{axis}, index_dtype});
}

XJAX_IMPL array cumsum(const array& x, std::int64_t axis, bool reverse) { return prim::cumsum_p().bind1({x}, {axis, reverse}); }
XJAX_IMPL array cumprod(const array& x, std::int64_t axis, bool reverse) { return prim::cumprod_p().bind1({x}, {axis, reverse}); }
XJAX_IMPL array cummax(const array& x, std::int64_t axis, bool reverse) { return prim::cummax_p().bind1({x}, {axis, reverse}); }
XJAX_IMPL array cummin(const array& x, std::int64_t axis, bool reverse) { return prim::cummin_p().bind1({x}, {axis, reverse}); }

XJAX_IMPL std::vector<array> sort(const std::vector<array>& operands, std::int64_t dimension, bool is_stable,
                                  std::int64_t num_keys) {
  if (operands.empty()) xjax::detail::raise<value_error>("sort", "requires at least one operand");
  prim::sort_primitive::check_num_keys(num_keys, operands.size());
  dimension = prim::sort_primitive::normalize_dimension(dimension, operands[0].shape());
  return prim::sort_p().bind(operands, {dimension, is_stable, num_keys});
}

XJAX_IMPL array sort(const array& x, std::int64_t dimension, bool is_stable, std::int64_t num_keys) {
  if (num_keys != 1) {
    xjax::detail::raise<value_error>("sort", "num_keys={} must equal 1 for a single operand", num_keys);
  }
  return sort(std::vector<array>{x}, dimension, is_stable, 1)[0];
}

XJAX_IMPL std::pair<array, array> sort_key_val(const array& keys, const array& values, std::int64_t dimension,
                                               bool is_stable) {
  auto out = sort(std::vector<array>{keys, values}, dimension, is_stable, 1);
  return {out[0], out[1]};
}

XJAX_IMPL std::pair<array, array> top_k(const array& operand, std::int64_t k, std::int64_t axis) {
  const auto rank = operand.ndim();
  if (axis < -rank || axis >= rank) {
    xjax::detail::raise<value_error>("top_k", "axis {} is out of bounds for an operand of shape {}", axis,
                                     shape_str(operand.shape()));
  }
  auto out = prim::top_k_p().bind({operand}, {k, axis < 0 ? axis + rank : axis});
  return {out[0], out[1]};
}

XJAX_IMPL array iota(dtype d, std::int64_t size) { return broadcasted_iota(d, {size}, 0); }
XJAX_IMPL array broadcasted_iota(dtype d, const shape_t& shape, std::int64_t dimension) {
  return prim::iota_p().bind1({}, {d, shape, dimension});
}

}  // namespace xjax::lax
