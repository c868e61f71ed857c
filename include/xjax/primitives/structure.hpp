#pragma once
// Structure primitives: broadcast_in_dim, reshape, transpose, squeeze, rev,
// concatenate, pad, slice, dynamic_slice, dynamic_update_slice, copy, stop_gradient
// (and lax::expand_dims, which binds broadcast_in_dim as JAX does).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).
//
// They move elements without looking at them, so their reference kernels are not
// instantiated per dtype: every one describes where its elements come from and go to
// as strided layouts (reference::strided_layout) and calls reference::strided_copy,
// which copies `itemsize` bytes per element.
//
// Shape rules follow jax.lax 0.10.2 and check everything JAX checks (a few checks JAX
// leaves to XLA, such as reshape's element count, are made here too). Params print as
// JAX prints them; broadcast_in_dim prints only broadcast_dimensions, as JAX's custom
// printing rule does.
//
// Differentiation, as jax/_src/lax/lax.py and slicing.py 0.10.2: every op but
// stop_gradient is linear in its array operands (start indices are not
// differentiable), so its JVP binds it again on the tangents (symbolic zeros
// instantiated where JAX's linear_jvp instantiates them) and its transpose maps a
// cotangent back to the operands' shapes:
//   broadcast_in_dim  reduce_sum over the broadcast dims and the expanded size-1 dims,
//                     then expand_dims back to the size-1 dims
//   reshape           reshape back (and transpose back with `dimensions`)
//   transpose, rev    the inverse permutation; rev again
//   squeeze           expand_dims
//   concatenate       split (one equation, as JAX; split's transpose is concatenate)
//   pad               operand: pad with the negated low/high padding, then a strided
//                     slice that drops the interior padding; padding_value:
//                     sum(ct) - sum(operand's ct)
//   slice             pad with zeros (interior padding strides - 1)
//   dynamic_slice     dynamic_update_slice of the cotangent into zeros
//   dynamic_update_slice  operand: the cotangent with the update's window zeroed;
//                     update: dynamic_slice of the cotangent
//   copy              copy
//   stop_gradient     a zero tangent (no transpose is ever needed)
// Where JAX's rule fails, xjax's gives the derivative: broadcast_in_dim with
// non-increasing broadcast_dimensions (a transpose restores the operand's order) and
// pad differentiated in padding_value alone (JAX's rule needs the operand's
// cotangent to be asked for too).
//
// Batching (vmap), as jax/_src/lax/lax.py and slicing.py 0.10.2 (see
// transforms/vmap.hpp; `bdim` is an operand's batch dimension, B the batch size):
//   broadcast_in_dim, reshape, squeeze
//                     bdim moved to the front, params extended by a leading dim
//                     (reshape's `dimensions` too); result bdim 0
//   transpose         the permutation extended by bdim in front; result bdim 0
//   rev, slice, split the op with its dims shifted past bdim (slice keeps the whole
//                     batch dim); the result keeps bdim
//   concatenate       batched operands' bdims moved to the front, unbatched operands
//                     broadcast there; concatenate along dimension + 1; result bdim 0
//   pad               an unbatched operand is broadcast to the front; a batched
//                     padding value pads with zeros and selects it back in through
//                     the mask of padded positions (JAX's _pad_batch_rule)
//   dynamic_slice, dynamic_update_slice
//                     JAX's rules: the start indices become one (B, n) or (n,) index
//                     array and the op a gather / scatter in CLIP mode, batched by the
//                     gather and scatter rules of primitives/indexing.hpp (where these
//                     two rules are defined: this header includes it at its end)
//   copy, stop_gradient  elementwise: the result keeps bdim

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/transforms/vmap.hpp"

// ---------------------------------------------------------------------------
// The one strided copy of the reference backend.
namespace xjax::reference {

/// Where the elements of an n-d array live in a flat buffer: element (i0, ..., ik) is
/// element `offset + i0 * strides[0] + ... + ik * strides[k]` (in elements, not bytes).
/// A stride of 0 repeats an element (broadcasting); a negative one walks backwards (rev).
struct strided_layout {
  std::int64_t offset = 0;
  shape_t strides;

  /// The layout of a contiguous row-major array of `shape`.
  static strided_layout row_major(const shape_t& shape) { return {0, row_major_strides(shape)}; }
};

namespace detail {
/// Copies n elements of N bytes with element strides ss (source) and ds (destination).
template <int N>
void copy_row(const std::byte* src, std::int64_t ss, std::byte* dst, std::int64_t ds, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds * N, src + i * ss * N, N);
}
}  // namespace detail

/// Copies the elements of an array of `shape` from `src`, laid out as `s`, to `dst`,
/// laid out as `d`; each element is `itemsize` bytes. Adjacent dimensions that are
/// contiguous in both layouts are merged first, so a plain copy is one memcpy.
inline void strided_copy(const void* src, const strided_layout& s, void* dst, const strided_layout& d,
                         const shape_t& shape, int itemsize) {
  if (shape_size(shape) == 0) return;
  // Merge dimensions (dropping those of size 1), innermost last.
  shape_t n, ss, ds;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 1) continue;
    if (!n.empty() && ss.back() == s.strides[k] * shape[k] && ds.back() == d.strides[k] * shape[k]) {
      n.back() *= shape[k];
      ss.back() = s.strides[k];
      ds.back() = d.strides[k];
    } else {
      n.push_back(shape[k]);
      ss.push_back(s.strides[k]);
      ds.push_back(d.strides[k]);
    }
  }
  if (n.empty()) n = {1}, ss = {0}, ds = {0};  // one element
  const auto* sb = static_cast<const std::byte*>(src);
  auto* db = static_cast<std::byte*>(dst);
  const std::size_t rank = n.size();
  const std::int64_t inner = n.back(), inner_ss = ss.back(), inner_ds = ds.back(), sz = itemsize;
  shape_t idx(rank, 0);
  std::int64_t so = s.offset, dof = d.offset;
  for (std::int64_t rows = shape_size(n) / inner; rows > 0; --rows) {
    const std::byte* from = sb + so * sz;
    std::byte* to = db + dof * sz;
    if (inner_ss == 1 && inner_ds == 1) {
      std::memcpy(to, from, static_cast<std::size_t>(inner * sz));
    } else {
      switch (itemsize) {
        case 1: detail::copy_row<1>(from, inner_ss, to, inner_ds, inner); break;
        case 2: detail::copy_row<2>(from, inner_ss, to, inner_ds, inner); break;
        case 4: detail::copy_row<4>(from, inner_ss, to, inner_ds, inner); break;
        default: detail::copy_row<8>(from, inner_ss, to, inner_ds, inner); break;
      }
    }
    // Next row: an odometer over the outer dimensions.
    for (std::size_t k = rank - 1; k-- > 0;) {
      so += ss[k];
      dof += ds[k];
      if (++idx[k] < n[k]) break;
      so -= ss[k] * n[k];
      dof -= ds[k] * n[k];
      idx[k] = 0;
    }
  }
}

/// A new array of `shape` holding the elements of `x` read through layout `s`
/// (indexed by the result's shape).
inline array gather_strided(const array& x, const strided_layout& s, const shape_t& shape, bool weak_type) {
  array out = array::empty(shape, x.dtype(), weak_type);
  strided_copy(x.raw_data(), s, out.mutable_raw_data(), strided_layout::row_major(shape), shape, x.itemsize());
  return out;
}

/// The same elements under another shape (and weak type): shares the buffer, as
/// arrays are immutable.
inline array alias(const array& x, const shape_t& shape, bool weak_type) {
  return array::from_buffer(x.buffer_ptr(), shape, x.dtype(), weak_type);
}

}  // namespace xjax::reference

namespace xjax {

/// "((1, 2, 0), (0, 0, 1))", as JAX prints a padding_config.
inline std::string jax_repr(const std::vector<pad_dim>& config) {
  std::vector<std::string> items;
  for (auto& p : config) items.push_back(fmt::format("({}, {}, {})", p.low, p.high, p.interior));
  if (items.size() == 1) return "(" + items[0] + ",)";
  return fmt::format("({})", fmt::join(items, ", "));
}

}  // namespace xjax

namespace xjax::prim {

// ---------------------------------------------------------------------------
// Checks shared by the shape rules.

/// Throws value_error unless every entry of `values` is >= `lower`.
inline void check_at_least(std::string_view op, std::string_view what, const shape_t& values, std::int64_t lower) {
  for (auto v : values) {
    if (v < lower) {
      detail::raise<value_error>(op, "{} must be {}, got {}", what, lower == 0 ? "nonnegative" : "positive",
                                 shape_str(values));
    }
  }
}

/// Throws unless `dims` are distinct dimensions of an array of rank `ndim` (no
/// negative axes: jax.lax takes them as they are).
inline void check_dimensions(std::string_view op, std::string_view what, const shape_t& dims, std::int64_t ndim) {
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0 || dims[i] >= ndim) {
      detail::raise<value_error>(op, "{} {} include {}, which is not a dimension of an array of rank {} (valid: 0 to {})",
                                 what, shape_str(dims), dims[i], ndim, ndim - 1);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (dims[j] == dims[i]) detail::raise<value_error>(op, "{} must be unique, got {}", what, shape_str(dims));
    }
  }
}

/// Throws unless `perm` is a permutation of 0..ndim-1.
inline void check_permutation(std::string_view op, std::string_view what, const shape_t& perm, const shape_t& shape) {
  shape_t sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] != static_cast<std::int64_t>(i)) sorted.clear();
  }
  if (sorted.size() != shape.size()) {
    detail::raise<value_error>(op, "{} {} is not a permutation of the dimensions of an operand of shape {}", what,
                               shape_str(perm), shape_str(shape));
  }
}

/// Throws unless `got` (the length of param `what`) is the rank of `shape`.
inline void check_rank(std::string_view op, std::string_view what, std::size_t got, const shape_t& shape) {
  if (got != shape.size()) {
    detail::raise<shape_error>(op, "{} must have {} entries, one per dimension of the operand of shape {}, got {}",
                               what, shape.size(), shape_str(shape), got);
  }
}

/// Throws unless the start-index operands are 0-d integer arrays of one dtype, one
/// per dimension of an operand of `shape`.
inline void check_start_indices(std::string_view op, std::span<const aval> idx, const shape_t& shape) {
  if (idx.size() != shape.size()) {
    detail::raise<shape_error>(op, "expected {} start indices (one per dimension of the operand of shape {}), got {}",
                               shape.size(), shape_str(shape), idx.size());
  }
  std::vector<std::string> types;
  bool scalars = true, same_int = true;
  for (auto& a : idx) {
    types.push_back(a.str());
    scalars = scalars && a.ndim() == 0;
    same_int = same_int && a.dtype.is_integer() && a.dtype == idx[0].dtype;
  }
  if (!scalars) {
    detail::raise<shape_error>(op, "start indices must be 0-d (scalar) arrays, got {}", fmt::join(types, ", "));
  }
  if (!same_int) {
    detail::raise<type_error>(op, "start indices must be integers of one dtype, got {}", fmt::join(types, ", "));
  }
}

/// Start indices of a dynamic slice of `sizes` in an array of `shape`, each
/// clamped into [0, shape - size] as XLA does.
inline shape_t clamped_starts(std::span<const array> idx, const shape_t& shape, const shape_t& sizes) {
  shape_t starts(shape.size());
  for (std::size_t k = 0; k < shape.size(); ++k) {
    std::int64_t v;
    if (idx[k].dtype().is_unsigned_integer()) {
      auto u = idx[k].item<std::uint64_t>();
      v = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
              ? std::numeric_limits<std::int64_t>::max()
              : static_cast<std::int64_t>(u);
    } else {
      v = idx[k].item<std::int64_t>();
    }
    starts[k] = std::clamp<std::int64_t>(v, 0, shape[k] - sizes[k]);
  }
  return starts;
}

/// The layout of the block of `x`'s elements (row-major, of `shape`) that starts at
/// `starts` and steps by `steps` (nullopt: 1).
inline reference::strided_layout block_layout(const shape_t& shape, const shape_t& starts,
                                              const std::optional<shape_t>& steps = std::nullopt) {
  reference::strided_layout l = reference::strided_layout::row_major(shape);
  for (std::size_t k = 0; k < shape.size(); ++k) {
    l.offset += starts[k] * l.strides[k];
    if (steps) l.strides[k] *= (*steps)[k];
  }
  return l;
}

/// The elements of `x` transposed by the permutation `perm` (reshape and transpose).
inline array transpose_elements(const array& x, const shape_t& perm) {
  shape_t xst = row_major_strides(x.shape()), shape(perm.size());
  reference::strided_layout src{0, shape_t(perm.size())};
  for (std::size_t i = 0; i < perm.size(); ++i) {
    shape[i] = x.shape()[static_cast<std::size_t>(perm[i])];
    src.strides[i] = xst[static_cast<std::size_t>(perm[i])];
  }
  return reference::gather_strided(x, src, shape, x.weak_type());
}

// ---------------------------------------------------------------------------
// Helpers of the transpose rules.
namespace structure_ad {

/// The transpose of an op linear in its first operand only (the others, if any, are
/// start indices): `f(ct)`, or a zero cotangent when the cotangent is zero or the
/// operand is not linear (JAX: a transpose with respect to a literal).
template <class F>
std::vector<array> transpose_first(std::string_view op, std::span<const array> cts, std::span<const lin_arg> args,
                                   F&& f) {
  std::vector<bool> allowed(args.size(), false);
  allowed[0] = true;
  ad::check_linear_args(op, args, std::move(allowed));
  std::vector<array> out(args.size());
  if (args[0].is_linear() && !ad::is_zero(cts[0])) out[0] = f(cts[0], args[0].aval);
  return out;
}

/// Zeros of `shape` and `dtype` as lax.full(shape, 0, dtype) makes them (a 0 literal,
/// broadcast unless 0-d; not weakly typed).
inline array zeros(const shape_t& shape, dtype d) { return ad::zeros(aval{shape, d, false}); }

/// lax.full(shape, value, dtype): a literal broadcast to `shape` (itself when 0-d).
inline array full(const shape_t& shape, double value, dtype d) {
  return lax::broadcast_in_dim(array(value, d), shape, {});
}

/// np.argsort of a permutation: its inverse.
inline shape_t inverse_permutation(const shape_t& perm) {
  shape_t inv(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) inv[static_cast<std::size_t>(perm[i])] = static_cast<std::int64_t>(i);
  return inv;
}

/// 0, 1, ..., n - 1.
inline shape_t iota_dims(std::size_t n) {
  shape_t out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int64_t>(i);
  return out;
}

}  // namespace structure_ad

// ---------------------------------------------------------------------------
// Helpers of the batching rules (also used by indexing.hpp and linalg.hpp).
namespace structure_batch {

/// `x` with its batch dimension `bdim` moved to the front, or, when unbatched
/// (not_mapped), broadcast to a new leading dimension of `size` (JAX's bdim_at_front).
inline array at_front(const array& x, std::int64_t bdim, std::int64_t size) {
  return batching::move_batch_dim(x, bdim, 0, size);
}

/// Dimensions of an operand into which a dimension was inserted at `at`: each
/// d >= at becomes d + 1 (JAX's bump_dims; `at` 0 shifts them all).
inline shape_t bump(const shape_t& dims, std::int64_t at = 0) {
  shape_t out;
  out.reserve(dims.size());
  for (auto d : dims) out.push_back(d >= at ? d + 1 : d);
  return out;
}

/// `v` with `value` inserted at position `pos`.
template <class T> std::vector<T> inserted(std::vector<T> v, std::int64_t pos, T value) {
  v.insert(v.begin() + pos, std::move(value));
  return v;
}

/// A single output with its batch dimension.
inline batch_result single(array out, std::int64_t bdim) { return {{std::move(out)}, {bdim}}; }

/// A 0-d zero of dtype `d` (JAX's _zero(x): weakly typed when `x` is).
inline array zero_scalar(dtype d, bool weak_type) {
  array z = array::empty({}, d, weak_type);
  std::memset(z.mutable_raw_data(), 0, static_cast<std::size_t>(d.itemsize()));
  return z;
}

}  // namespace structure_batch

// ---------------------------------------------------------------------------
// broadcast_in_dim

struct broadcast_in_dim_params {
  shape_t shape;
  shape_t broadcast_dimensions;
  none_t sharding;
  bool operator==(const broadcast_in_dim_params&) const = default;
  // JAX's printing rule omits shape and sharding (implied by the output type) and
  // broadcast_dimensions when empty.
  template <class F> void fields(F&& f) const {
    if (!broadcast_dimensions.empty()) f("broadcast_dimensions", broadcast_dimensions);
  }
};

class broadcast_in_dim_primitive final : public primitive_of<broadcast_in_dim_params> {
 public:
  broadcast_in_dim_primitive() : primitive_of("broadcast_in_dim") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const broadcast_in_dim_params& p) const override {
    constexpr std::string_view op = "broadcast_in_dim";
    check_arity(op, in.size(), 1);
    const shape_t& xs = in[0].shape;
    check_at_least(op, "shape", p.shape, 0);
    if (p.broadcast_dimensions.size() != xs.size()) {
      detail::raise<shape_error>(op, "broadcast_dimensions must have one entry per operand dimension; got "
                                 "broadcast_dimensions {} for an operand of shape {}",
                                 shape_str(p.broadcast_dimensions), shape_str(xs));
    }
    if (p.shape.size() < xs.size()) {
      detail::raise<shape_error>(op, "the target shape {} has lower rank than the operand of shape {}",
                                 shape_str(p.shape), shape_str(xs));
    }
    check_dimensions(op, "broadcast_dimensions", p.broadcast_dimensions, static_cast<std::int64_t>(p.shape.size()));
    for (std::size_t i = 0; i < xs.size(); ++i) {
      std::int64_t target = p.shape[static_cast<std::size_t>(p.broadcast_dimensions[i])];
      if (xs[i] != 1 && xs[i] != target) {
        detail::raise<shape_error>(op, "operand dimension sizes must be 1 or equal to their dimension of the target "
                                   "shape; got an operand of shape {}, target shape {}, broadcast_dimensions {} "
                                   "(operand dimension {} of size {} maps to size {})",
                                   shape_str(xs), shape_str(p.shape), shape_str(p.broadcast_dimensions), i, xs[i],
                                   target);
      }
    }
    return {aval{p.shape, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const broadcast_in_dim_params& p) const override {
    const array& x = in[0];
    shape_t xst = row_major_strides(x.shape());
    reference::strided_layout src{0, shape_t(p.shape.size(), 0)};
    for (std::size_t i = 0; i < xst.size(); ++i) {
      if (x.shape()[i] != 1) src.strides[static_cast<std::size_t>(p.broadcast_dimensions[i])] = xst[i];
    }
    return {reference::gather_strided(x, src, p.shape, x.weak_type())};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t,
                      const broadcast_in_dim_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  // JAX's _broadcast_in_dim_transpose_rule: sum over the dims that are not the image
  // of a non-unit operand dim, then put back the operand's size-1 dims.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const broadcast_in_dim_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval& x) {
      shape_t unit_dims, bdims, axes;
      for (std::size_t i = 0; i < x.shape.size(); ++i) {
        if (x.shape[i] == 1) unit_dims.push_back(static_cast<std::int64_t>(i));
        else bdims.push_back(p.broadcast_dimensions[i]);
      }
      for (std::int64_t d = 0; d < static_cast<std::int64_t>(p.shape.size()); ++d)
        if (std::find(bdims.begin(), bdims.end(), d) == bdims.end()) axes.push_back(d);
      array summed = axes.empty() ? ct : lax::reduce_sum(ct, axes);
      // The kept dims are in the target's order; non-increasing broadcast_dimensions
      // (which JAX's rule does not handle) need them put back in the operand's.
      if (!std::is_sorted(bdims.begin(), bdims.end())) {
        shape_t sorted = bdims, perm;
        std::sort(sorted.begin(), sorted.end());
        for (auto d : bdims) perm.push_back(std::find(sorted.begin(), sorted.end(), d) - sorted.begin());
        summed = lax::transpose(summed, perm);
      }
      return lax::expand_dims(summed, unit_dims);
    });
  }

  // JAX's _broadcast_in_dim_batch_rule: the batch dim leads the operand and the target.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d,
                          const broadcast_in_dim_params& p, const batch_axis& axis) const override {
    using structure_batch::inserted;
    const array operand = structure_batch::at_front(x[0], d[0], axis.size);
    const shape_t bdims = inserted(structure_batch::bump(p.broadcast_dimensions), 0, std::int64_t{0});
    return structure_batch::single(lax::broadcast_in_dim(operand, inserted(p.shape, 0, axis.size), bdims), 0);
  }
};
inline const broadcast_in_dim_primitive& broadcast_in_dim_p() { static const broadcast_in_dim_primitive p; return p; }

// ---------------------------------------------------------------------------
// reshape

struct reshape_params {
  shape_t new_sizes;
  std::optional<shape_t> dimensions;  // a permutation applied before reshaping
  none_t sharding;
  bool operator==(const reshape_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("new_sizes", new_sizes);
    f("dimensions", dimensions);
    f("sharding", sharding);
  }
};

class reshape_primitive final : public primitive_of<reshape_params> {
 public:
  reshape_primitive() : primitive_of("reshape") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const reshape_params& p) const override {
    constexpr std::string_view op = "reshape";
    check_arity(op, in.size(), 1);
    check_at_least(op, "new_sizes", p.new_sizes, 0);
    if (p.dimensions) check_permutation(op, "dimensions", *p.dimensions, in[0].shape);
    if (shape_size(p.new_sizes) != in[0].size()) {
      detail::raise<shape_error>(op, "cannot reshape an array of shape {} ({} elements) into shape {} ({} elements)",
                                 shape_str(in[0].shape), in[0].size(), shape_str(p.new_sizes),
                                 shape_size(p.new_sizes));
    }
    return {aval{p.new_sizes, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const reshape_params& p) const override {
    const array& x = in[0];
    if (!p.dimensions) return {reference::alias(x, p.new_sizes, x.weak_type())};
    array t = transpose_elements(x, *p.dimensions);
    return {reference::alias(t, p.new_sizes, x.weak_type())};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const reshape_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const reshape_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval& x) {
      if (!p.dimensions) return lax::reshape(ct, x.shape);
      shape_t permuted;
      for (auto d : *p.dimensions) permuted.push_back(x.shape[static_cast<std::size_t>(d)]);
      return lax::transpose(lax::reshape(ct, permuted), structure_ad::inverse_permutation(*p.dimensions));
    });
  }

  // JAX's _reshape_batch_rule: the batch dim leads, `dimensions` (if any) keeps it first.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const reshape_params& p,
                          const batch_axis& axis) const override {
    const array operand = structure_batch::at_front(x[0], d[0], axis.size);
    std::optional<shape_t> dims;
    if (p.dimensions) dims = structure_batch::inserted(structure_batch::bump(*p.dimensions), 0, std::int64_t{0});
    return structure_batch::single(lax::reshape(operand, structure_batch::inserted(p.new_sizes, 0, axis.size), dims), 0);
  }
};
inline const reshape_primitive& reshape_p() { static const reshape_primitive p; return p; }

// ---------------------------------------------------------------------------
// transpose

struct transpose_params {
  shape_t permutation;
  bool operator==(const transpose_params&) const = default;
  template <class F> void fields(F&& f) const { f("permutation", permutation); }
};

class transpose_primitive final : public primitive_of<transpose_params> {
 public:
  transpose_primitive() : primitive_of("transpose") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const transpose_params& p) const override {
    check_arity("transpose", in.size(), 1);
    check_permutation("transpose", "permutation", p.permutation, in[0].shape);
    shape_t out;
    for (auto d : p.permutation) out.push_back(in[0].shape[static_cast<std::size_t>(d)]);
    return {aval{out, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const transpose_params& p) const override {
    return {transpose_elements(in[0], p.permutation)};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const transpose_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const transpose_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval&) {
      return lax::transpose(ct, structure_ad::inverse_permutation(p.permutation));
    });
  }

  // JAX's _transpose_batch_rule: bdim first, then the permutation of the other dims.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const transpose_params& p,
                          const batch_axis&) const override {
    const shape_t perm = structure_batch::inserted(structure_batch::bump(p.permutation, d[0]), 0, d[0]);
    return structure_batch::single(lax::transpose(x[0], perm), 0);
  }
};
inline const transpose_primitive& transpose_p() { static const transpose_primitive p; return p; }

// ---------------------------------------------------------------------------
// squeeze

struct squeeze_params {
  shape_t dimensions;
  bool operator==(const squeeze_params&) const = default;
  template <class F> void fields(F&& f) const { f("dimensions", dimensions); }
};

class squeeze_primitive final : public primitive_of<squeeze_params> {
 public:
  squeeze_primitive() : primitive_of("squeeze") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const squeeze_params& p) const override {
    constexpr std::string_view op = "squeeze";
    check_arity(op, in.size(), 1);
    const shape_t& xs = in[0].shape;
    check_dimensions(op, "dimensions", p.dimensions, in[0].ndim());
    for (auto d : p.dimensions) {
      if (xs[static_cast<std::size_t>(d)] != 1) {
        detail::raise<shape_error>(op, "cannot squeeze dimension {} of size {} (only dimensions of size 1 can be "
                                   "squeezed), got shape {} and dimensions {}",
                                   d, xs[static_cast<std::size_t>(d)], shape_str(xs), shape_str(p.dimensions));
      }
    }
    shape_t out;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      if (std::find(p.dimensions.begin(), p.dimensions.end(), static_cast<std::int64_t>(k)) == p.dimensions.end()) {
        out.push_back(xs[k]);
      }
    }
    return {aval{out, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const squeeze_params& p) const override {
    return {reference::alias(in[0], shape_rule(avals_of(in), p)[0].shape, in[0].weak_type())};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const squeeze_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const squeeze_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args,
                                         [&](const array& ct, const aval&) { return lax::expand_dims(ct, p.dimensions); });
  }

  // JAX's _squeeze_batch_rule.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const squeeze_params& p,
                          const batch_axis& axis) const override {
    const array operand = structure_batch::at_front(x[0], d[0], axis.size);
    return structure_batch::single(lax::squeeze(operand, structure_batch::bump(p.dimensions)), 0);
  }
};
inline const squeeze_primitive& squeeze_p() { static const squeeze_primitive p; return p; }

// ---------------------------------------------------------------------------
// rev

struct rev_params {
  shape_t dimensions;
  bool operator==(const rev_params&) const = default;
  template <class F> void fields(F&& f) const { f("dimensions", dimensions); }
};

class rev_primitive final : public primitive_of<rev_params> {
 public:
  rev_primitive() : primitive_of("rev") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const rev_params& p) const override {
    check_arity("rev", in.size(), 1);
    check_dimensions("rev", "dimensions", p.dimensions, in[0].ndim());
    return {in[0]};
  }

  std::vector<array> eval(std::span<const array> in, const rev_params& p) const override {
    const array& x = in[0];
    auto src = reference::strided_layout::row_major(x.shape());
    for (auto d : p.dimensions) {
      auto k = static_cast<std::size_t>(d);
      src.offset += (x.shape()[k] - 1) * src.strides[k];
      src.strides[k] = -src.strides[k];
    }
    return {reference::gather_strided(x, src, x.shape(), x.weak_type())};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const rev_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const rev_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args,
                                         [&](const array& ct, const aval&) { return lax::rev(ct, p.dimensions); });
  }

  // JAX's _rev_batch_rule.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const rev_params& p,
                          const batch_axis&) const override {
    return structure_batch::single(lax::rev(x[0], structure_batch::bump(p.dimensions, d[0])), d[0]);
  }
};
inline const rev_primitive& rev_p() { static const rev_primitive p; return p; }

// ---------------------------------------------------------------------------
// concatenate

struct concatenate_params {
  std::int64_t dimension = 0;
  bool operator==(const concatenate_params&) const = default;
  template <class F> void fields(F&& f) const { f("dimension", dimension); }
};

class concatenate_primitive final : public primitive_of<concatenate_params> {
 public:
  concatenate_primitive() : primitive_of("concatenate") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const concatenate_params& p) const override {
    constexpr std::string_view op = "concatenate";
    if (in.empty()) detail::raise<value_error>(op, "requires at least one operand, got none");
    std::vector<std::string> shapes, dtypes;
    bool same_rank = true, same_dtype = true;
    for (auto& a : in) {
      shapes.push_back(shape_str(a.shape));
      dtypes.push_back(std::string(a.dtype.name()));
      same_rank = same_rank && a.ndim() == in[0].ndim();
      same_dtype = same_dtype && a.dtype == in[0].dtype;
    }
    if (!same_rank) {
      detail::raise<shape_error>(op, "cannot concatenate arrays of different ranks: got shapes {}",
                                 fmt::join(shapes, ", "));
    }
    if (in[0].ndim() == 0) {
      detail::raise<value_error>(op, "cannot concatenate 0-d arrays (shapes {}): they have no dimension to "
                                 "concatenate along",
                                 fmt::join(shapes, ", "));
    }
    if (p.dimension < 0 || p.dimension >= in[0].ndim()) {
      detail::raise<value_error>(op, "dimension {} is out of bounds for arrays of shapes {} (valid: 0 to {})",
                                 p.dimension, fmt::join(shapes, ", "), in[0].ndim() - 1);
    }
    shape_t out = in[0].shape;
    auto dim = static_cast<std::size_t>(p.dimension);
    out[dim] = 0;
    for (auto& a : in) {
      for (std::size_t k = 0; k < out.size(); ++k) {
        if (k != dim && a.shape[k] != out[k]) {
          detail::raise<shape_error>(op, "arrays must have equal shapes except in the dimension being concatenated; "
                                     "concatenating along dimension {} got shapes {}",
                                     p.dimension, fmt::join(shapes, ", "));
        }
      }
      out[dim] += a.shape[dim];
    }
    if (!same_dtype) {
      detail::raise<type_error>(op, "requires arguments to have the same dtypes, got {} (jax::numpy functions promote "
                                "dtypes; lax functions do not)",
                                fmt::join(dtypes, ", "));
    }
    bool weak = std::all_of(in.begin(), in.end(), [](const aval& a) { return a.weak_type; });
    return {aval{out, in[0].dtype, weak}};
  }

  std::vector<array> eval(std::span<const array> in, const concatenate_params& p) const override {
    aval out_aval = shape_rule(avals_of(in), p)[0];
    array out = array::empty(out_aval.shape, out_aval.dtype, out_aval.weak_type);
    auto dst = reference::strided_layout::row_major(out_aval.shape);
    for (auto& x : in) {
      reference::strided_copy(x.raw_data(), reference::strided_layout::row_major(x.shape()), out.mutable_raw_data(),
                              dst, x.shape(), x.itemsize());
      dst.offset += x.shape()[static_cast<std::size_t>(p.dimension)] * dst.strides[static_cast<std::size_t>(p.dimension)];
    }
    return {out};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const concatenate_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  // JAX's _concatenate_transpose_rule: one split of the cotangent, whose pieces go to
  // the linear operands.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const concatenate_params& p) const override {
    ad::check_linear_args(name(), args, std::vector<bool>(args.size(), true));
    std::vector<array> out(args.size());
    if (ad::is_zero(cts[0])) return out;
    shape_t sizes;
    for (auto& a : args) sizes.push_back(a.aval.shape[static_cast<std::size_t>(p.dimension)]);
    std::vector<array> pieces = lax::split(cts[0], sizes, p.dimension);
    for (std::size_t i = 0; i < args.size(); ++i)
      if (args[i].is_linear()) out[i] = pieces[i];
    return out;
  }

  // JAX's _concatenate_batch_rule: every operand batched at the front (unbatched ones
  // broadcast), concatenated along dimension + 1.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const concatenate_params& p,
                          const batch_axis& axis) const override {
    std::vector<array> operands;
    for (std::size_t i = 0; i < x.size(); ++i) operands.push_back(structure_batch::at_front(x[i], d[i], axis.size));
    return structure_batch::single(lax::concatenate(operands, p.dimension + 1), 0);
  }
};
inline const concatenate_primitive& concatenate_p() { static const concatenate_primitive p; return p; }

// ---------------------------------------------------------------------------
// split: the pieces of `sizes` along `axis` (jax.lax.split; multiple results). JAX's
// transpose of concatenate, and concatenate is its transpose.

struct split_params {
  shape_t sizes;
  std::int64_t axis = 0;
  bool operator==(const split_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis", axis);
    f("sizes", sizes);
  }
};

class split_primitive final : public primitive_of<split_params> {
 public:
  split_primitive() : primitive_of("split") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const split_params& p) const override {
    constexpr std::string_view op = "split";
    check_arity(op, in.size(), 1);
    const aval& x = in[0];
    if (p.axis < 0 || p.axis >= x.ndim()) {
      detail::raise<value_error>(op, "axis {} is out of bounds for an operand of shape {}{}", p.axis, shape_str(x.shape),
                                 x.ndim() == 0 ? " (a 0-d array cannot be split)" : "");
    }
    check_at_least(op, "sizes", p.sizes, 0);
    std::int64_t total = 0;
    for (auto n : p.sizes) total += n;
    const auto axis = static_cast<std::size_t>(p.axis);
    if (total != x.shape[axis]) {
      detail::raise<value_error>(op, "sizes {} add up to {}, but dimension {} of the operand of shape {} has size {}",
                                 shape_str(p.sizes), total, p.axis, shape_str(x.shape), x.shape[axis]);
    }
    std::vector<aval> out;
    for (auto n : p.sizes) {
      shape_t s = x.shape;
      s[axis] = n;
      out.push_back(aval{std::move(s), x.dtype, x.weak_type});
    }
    return out;
  }

  std::vector<array> eval(std::span<const array> in, const split_params& p) const override {
    const array& x = in[0];
    std::vector<array> out;
    shape_t starts(x.shape().size(), 0);
    for (const aval& a : shape_rule(avals_of(in), p)) {
      out.push_back(reference::gather_strided(x, block_layout(x.shape(), starts), a.shape, x.weak_type()));
      starts[static_cast<std::size_t>(p.axis)] += a.shape[static_cast<std::size_t>(p.axis)];
    }
    return out;
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const split_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  // JAX's _split_transpose_rule: concatenate the cotangents, zeros instantiated.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const split_params& p) const override {
    ad::check_linear_args(name(), args, {true});
    if (!args[0].is_linear() || std::all_of(cts.begin(), cts.end(), ad::is_zero)) return {array()};
    const aval in[] = {args[0].aval};
    std::vector<aval> outs = shape_rule(in, p);
    std::vector<array> pieces;
    for (std::size_t i = 0; i < cts.size(); ++i) pieces.push_back(ad::instantiate(cts[i], outs[i]));
    return {lax::concatenate(pieces, p.axis)};
  }

  // JAX's _split_batch_rule: every piece keeps the operand's bdim.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const split_params& p,
                          const batch_axis&) const override {
    std::vector<array> outs = lax::split(x[0], p.sizes, p.axis >= d[0] ? p.axis + 1 : p.axis);
    std::vector<std::int64_t> dims(outs.size(), d[0]);
    return {std::move(outs), std::move(dims)};
  }
};
inline const split_primitive& split_p() { static const split_primitive p; return p; }

// ---------------------------------------------------------------------------
// pad

struct pad_params {
  std::vector<pad_dim> padding_config;
  bool operator==(const pad_params&) const = default;
  template <class F> void fields(F&& f) const { f("padding_config", padding_config); }
};

class pad_primitive final : public primitive_of<pad_params> {
 public:
  pad_primitive() : primitive_of("pad") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const pad_params& p) const override {
    constexpr std::string_view op = "pad";
    check_arity(op, in.size(), 2);
    const aval &x = in[0], &v = in[1];
    if (v.ndim() != 0) detail::raise<shape_error>(op, "padding_value must be a 0-d array, got shape {}", shape_str(v.shape));
    if (x.dtype != v.dtype) {
      detail::raise<type_error>(op, "operand and padding_value must have the same dtype, got {} and {}", x.dtype.name(),
                                v.dtype.name());
    }
    if (p.padding_config.size() != x.shape.size()) {
      detail::raise<shape_error>(op, "padding_config must have one (low, high, interior) entry per dimension, got "
                                 "padding_config {} for an operand of shape {}",
                                 jax_repr(p.padding_config), shape_str(x.shape));
    }
    shape_t out;
    for (std::size_t k = 0; k < x.shape.size(); ++k) {
      const pad_dim& c = p.padding_config[k];
      if (c.interior < 0) {
        detail::raise<value_error>(op, "interior padding must be nonnegative, got padding_config {}",
                                   jax_repr(p.padding_config));
      }
      std::int64_t d = x.shape[k];
      out.push_back(c.low + c.high + (d == 0 ? 0 : (d - 1) * (c.interior + 1) + 1));
      if (out.back() < 0) {
        detail::raise<value_error>(op, "padding_config {} gives dimension {} of the operand of shape {} the negative "
                                   "size {}",
                                   jax_repr(p.padding_config), k, shape_str(x.shape), out.back());
      }
    }
    return {aval{out, x.dtype, x.weak_type && v.weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const pad_params& p) const override {
    const array &x = in[0], &v = in[1];
    aval out_aval = shape_rule(avals_of(in), p)[0];
    const shape_t& os = out_aval.shape;
    array out = array::empty(os, out_aval.dtype, out_aval.weak_type);
    auto dst = reference::strided_layout::row_major(os);
    // Fill with the padding value (a stride-0 read), then write the operand's
    // elements that survive negative padding, `interior + 1` apart.
    reference::strided_copy(v.raw_data(), {0, shape_t(os.size(), 0)}, out.mutable_raw_data(), dst, os, x.itemsize());
    shape_t first(os.size()), count(os.size());
    for (std::size_t k = 0; k < os.size(); ++k) {
      const pad_dim& c = p.padding_config[k];
      std::int64_t step = c.interior + 1;
      // Operand index j lands at c.low + j * step, kept when inside [0, os[k]).
      std::int64_t lo = c.low >= 0 ? 0 : (-c.low + step - 1) / step;
      std::int64_t hi = os[k] - c.low <= 0 ? 0 : std::min(x.shape()[k], (os[k] - c.low + step - 1) / step);
      first[k] = lo;
      count[k] = std::max<std::int64_t>(0, hi - lo);
      dst.offset += (c.low + lo * step) * dst.strides[k];
      dst.strides[k] *= step;
    }
    if (shape_size(count) > 0) {
      reference::strided_copy(x.raw_data(), block_layout(x.shape(), first), out.mutable_raw_data(), dst, count,
                              x.itemsize());
    }
    return {out};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const pad_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  // JAX's _pad_transpose. The operand's cotangent undoes the low/high padding with a
  // pad by their negatives (which also restores elements negative padding removed,
  // as zeros) and drops the interior padding with a strided slice; the padding
  // value's is the sum of the cotangent's other elements.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const pad_params& p) const override {
    ad::check_linear_args(name(), args, {true, true});
    std::vector<array> out(2);
    const array& t = cts[0];
    if (ad::is_zero(t)) return out;
    std::vector<pad_dim> unpad;
    shape_t strides;
    for (auto& c : p.padding_config) {
      unpad.push_back({-c.low, -c.high, 0});
      strides.push_back(c.interior + 1);
    }
    array unpadded = lax::pad(t, array(0.0, t.dtype()), unpad);
    array t_operand = lax::slice(unpadded, shape_t(strides.size(), 0), unpadded.shape(), strides);
    if (args[0].is_linear()) out[0] = t_operand;
    if (args[1].is_linear()) {
      const shape_t all = structure_ad::iota_dims(static_cast<std::size_t>(t.ndim()));
      const array total = lax::reduce_sum(t, all), kept = lax::reduce_sum(t_operand, all);
      out[1] = lax::sub(total, kept);
    }
    return out;
  }

  // JAX's _pad_batch_rule. The operand is padded along its bdim by nothing (an
  // unbatched operand is first broadcast to the front). A batched padding value
  // (0-d per example, so bdim 0) cannot be a pad operand: the operand is padded with
  // zeros, and a mask (true where the operand's elements land, padded the same way)
  // selects between it and the padding values broadcast along the batch dim.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const pad_params& p,
                          const batch_axis& axis) const override {
    array operand = x[0];
    std::int64_t bdim = d[0];
    if (bdim == not_mapped) {
      operand = structure_batch::at_front(operand, not_mapped, axis.size);
      bdim = 0;
    }
    const std::vector<pad_dim> config = structure_batch::inserted(p.padding_config, bdim, pad_dim{0, 0, 0});
    if (d[1] == not_mapped) return structure_batch::single(lax::pad(operand, x[1], config), bdim);
    const array padded = lax::pad(operand, structure_batch::zero_scalar(operand.dtype(), operand.weak_type()), config);
    const array mask = lax::pad(structure_ad::full(operand.shape(), 1, bool_), array(false), config);
    const array values = lax::broadcast_in_dim(x[1], padded.shape(), {bdim});
    return structure_batch::single(lax::select(mask, padded, values), bdim);
  }
};
inline const pad_primitive& pad_p() { static const pad_primitive p; return p; }

// ---------------------------------------------------------------------------
// slice

struct slice_params {
  shape_t start_indices;
  shape_t limit_indices;
  std::optional<shape_t> strides;
  bool operator==(const slice_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("start_indices", start_indices);
    f("limit_indices", limit_indices);
    f("strides", strides);
  }
};

class slice_primitive final : public primitive_of<slice_params> {
 public:
  slice_primitive() : primitive_of("slice") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const slice_params& p) const override {
    constexpr std::string_view op = "slice";
    check_arity(op, in.size(), 1);
    const shape_t& xs = in[0].shape;
    check_rank(op, "start_indices", p.start_indices.size(), xs);
    check_rank(op, "limit_indices", p.limit_indices.size(), xs);
    if (p.strides) {
      check_rank(op, "strides", p.strides->size(), xs);
      check_at_least(op, "strides", *p.strides, 1);
    }
    shape_t out;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      std::int64_t s = p.start_indices[k], l = p.limit_indices[k];
      if (s < 0 || l > xs[k] || s > l) {
        detail::raise<value_error>(op, "start_indices {} and limit_indices {} must satisfy 0 <= start <= limit <= "
                                   "size in each dimension of the operand of shape {} (dimension {}: start {}, "
                                   "limit {}, size {})",
                                   shape_str(p.start_indices), shape_str(p.limit_indices), shape_str(xs), k, s, l,
                                   xs[k]);
      }
      std::int64_t step = p.strides ? (*p.strides)[k] : 1;
      out.push_back(l == s ? 0 : (l - s - 1) / step + 1);
    }
    return {aval{out, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const slice_params& p) const override {
    const array& x = in[0];
    shape_t out = shape_rule(avals_of(in), p)[0].shape;
    return {reference::gather_strided(x, block_layout(x.shape(), p.start_indices, p.strides), out, x.weak_type())};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const slice_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }

  // JAX's _slice_transpose: pad the cotangent with zeros back to the operand's shape,
  // strides - 1 zeros between its elements.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const slice_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval& x) {
      const bool unit = !p.strides || std::all_of(p.strides->begin(), p.strides->end(), [](auto s) { return s == 1; });
      std::vector<pad_dim> pads;
      for (std::size_t k = 0; k < x.shape.size(); ++k) {
        const std::int64_t start = p.start_indices[k], n = ct.shape()[k];
        if (unit) {
          pads.push_back({start, x.shape[k] - p.limit_indices[k], 0});
        } else {
          const std::int64_t step = (*p.strides)[k];
          const std::int64_t real_limit = start + (n == 0 ? 0 : 1 + (n - 1) * step);
          pads.push_back({start, x.shape[k] - real_limit, step - 1});
        }
      }
      return lax::pad(ct, array(0.0, ct.dtype()), pads);
    });
  }

  // JAX's _slice_batching_rule: the whole batch dim is kept (start 0, stride 1).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const slice_params& p,
                          const batch_axis& axis) const override {
    using structure_batch::inserted;
    std::optional<shape_t> strides;
    if (p.strides) strides = inserted(*p.strides, d[0], std::int64_t{1});
    return structure_batch::single(lax::slice(x[0], inserted(p.start_indices, d[0], std::int64_t{0}),
                                              inserted(p.limit_indices, d[0], axis.size), strides),
                                   d[0]);
  }
};
inline const slice_primitive& slice_p() { static const slice_primitive p; return p; }

// ---------------------------------------------------------------------------
// dynamic_slice: operands (x, *start_indices)

struct dynamic_slice_params {
  shape_t slice_sizes;
  bool operator==(const dynamic_slice_params&) const = default;
  template <class F> void fields(F&& f) const { f("slice_sizes", slice_sizes); }
};

class dynamic_slice_primitive final : public primitive_of<dynamic_slice_params> {
 public:
  dynamic_slice_primitive() : primitive_of("dynamic_slice") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const dynamic_slice_params& p) const override {
    constexpr std::string_view op = "dynamic_slice";
    if (in.empty()) detail::raise<value_error>(op, "expected an operand and its start indices, got no operands");
    const shape_t& xs = in[0].shape;
    check_start_indices(op, in.subspan(1), xs);
    check_rank(op, "slice_sizes", p.slice_sizes.size(), xs);
    for (std::size_t k = 0; k < xs.size(); ++k) {
      if (p.slice_sizes[k] < 0 || p.slice_sizes[k] > xs[k]) {
        detail::raise<value_error>(op, "slice_sizes {} must be between 0 and the operand's shape {} (dimension {})",
                                   shape_str(p.slice_sizes), shape_str(xs), k);
      }
    }
    return {aval{p.slice_sizes, in[0].dtype, in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const dynamic_slice_params& p) const override {
    const array& x = in[0];
    shape_t starts = clamped_starts(in.subspan(1), x.shape(), p.slice_sizes);
    return {reference::gather_strided(x, block_layout(x.shape(), starts), p.slice_sizes, x.weak_type())};
  }

  // JAX's _dynamic_slice_jvp: the same slice of the tangent (the start indices are
  // not differentiable).
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t,
                      const dynamic_slice_params& p) const override {
    std::vector<array> ins(x.begin(), x.end());
    array y = bind1(ins, p);
    if (ad::is_zero(t[0]) || !ad::differentiable(y.dtype())) return {{y}, {array()}};
    ins[0] = t[0];
    return {{y}, {bind1(std::move(ins), p)}};
  }

  // Defined after dynamic_update_slice, which it binds.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const dynamic_slice_params&) const override;

  // A gather: defined in indexing.hpp (see the file comment).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const dynamic_slice_params& p,
                          const batch_axis& axis) const override;
};
inline const dynamic_slice_primitive& dynamic_slice_p() { static const dynamic_slice_primitive p; return p; }

// ---------------------------------------------------------------------------
// dynamic_update_slice: operands (x, update, *start_indices)

class dynamic_update_slice_primitive final : public primitive_of<no_params> {
 public:
  dynamic_update_slice_primitive() : primitive_of("dynamic_update_slice") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    constexpr std::string_view op = "dynamic_update_slice";
    if (in.size() < 2) {
      detail::raise<value_error>(op, "expected an operand, an update and start indices, got {} operands", in.size());
    }
    const aval &x = in[0], &u = in[1];
    if (u.ndim() != x.ndim()) {
      detail::raise<shape_error>(op, "update must have the rank of the operand, got update shape {} for operand "
                                 "shape {}",
                                 shape_str(u.shape), shape_str(x.shape));
    }
    check_start_indices(op, in.subspan(2), x.shape);
    for (std::size_t k = 0; k < x.shape.size(); ++k) {
      if (u.shape[k] > x.shape[k]) {
        detail::raise<shape_error>(op, "update shape {} must not be larger than the operand shape {} (dimension {})",
                                   shape_str(u.shape), shape_str(x.shape), k);
      }
    }
    if (u.dtype != x.dtype) {
      detail::raise<type_error>(op, "operand and update must have the same dtype, got {} and {}", x.dtype.name(),
                                u.dtype.name());
    }
    bool weak = std::all_of(in.begin(), in.end(), [](const aval& a) { return a.weak_type; });
    return {aval{x.shape, x.dtype, weak}};
  }

  std::vector<array> eval(std::span<const array> in, const no_params& p) const override {
    const array &x = in[0], &u = in[1];
    array out = array::empty(x.shape(), x.dtype(), shape_rule(avals_of(in), p)[0].weak_type);
    if (x.nbytes() > 0) std::memcpy(out.mutable_raw_data(), x.raw_data(), static_cast<std::size_t>(x.nbytes()));
    shape_t starts = clamped_starts(in.subspan(2), x.shape(), u.shape());
    reference::strided_copy(u.raw_data(), reference::strided_layout::row_major(u.shape()), out.mutable_raw_data(),
                            block_layout(x.shape(), starts), u.shape(), x.itemsize());
    return {out};
  }

  // JAX's _dynamic_update_slice_jvp: linear in (operand, update) jointly.
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const no_params& p) const override {
    std::vector<array> ins(x.begin(), x.end());
    array y = bind1(ins, p);
    if ((ad::is_zero(t[0]) && ad::is_zero(t[1])) || !ad::differentiable(y.dtype())) return {{y}, {array()}};
    ins[0] = ad::instantiate(t[0], x[0].aval());
    ins[1] = ad::instantiate(t[1], x[1].aval());
    return {{y}, {bind1(std::move(ins), p)}};
  }

  // JAX's _dynamic_update_slice_transpose_rule: the operand gets the cotangent with
  // the update's window zeroed, the update gets that window.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const no_params& p) const override {
    std::vector<bool> allowed(args.size(), false);
    allowed[0] = allowed[1] = true;
    ad::check_linear_args(name(), args, std::move(allowed));
    std::vector<array> out(args.size());
    const array& t = cts[0];
    if (ad::is_zero(t)) return out;
    std::vector<array> idx;
    for (std::size_t k = 2; k < args.size(); ++k) idx.push_back(args[k].value);
    const shape_t& update_shape = args[1].aval.shape;
    if (args[0].is_linear()) {
      std::vector<array> ins{t, structure_ad::zeros(update_shape, t.dtype())};
      ins.insert(ins.end(), idx.begin(), idx.end());
      out[0] = bind1(std::move(ins), p);
    }
    if (args[1].is_linear()) {
      std::vector<array> ins{t};
      ins.insert(ins.end(), idx.begin(), idx.end());
      out[1] = dynamic_slice_p().bind1(std::move(ins), {update_shape});
    }
    return out;
  }

  // A scatter: defined in indexing.hpp (see the file comment).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const no_params& p,
                          const batch_axis& axis) const override;
};
inline const dynamic_update_slice_primitive& dynamic_update_slice_p() {
  static const dynamic_update_slice_primitive p;
  return p;
}

// JAX's _dynamic_slice_transpose: the cotangent written into zeros at the same
// (clamped) start.
inline std::vector<array> dynamic_slice_primitive::transpose_rule(std::span<const array> cts,
                                                                  std::span<const lin_arg> args,
                                                                  const dynamic_slice_params&) const {
  return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval& x) {
    std::vector<array> ins{structure_ad::zeros(x.shape, x.dtype), ct};
    for (std::size_t k = 1; k < args.size(); ++k) ins.push_back(args[k].value);
    return dynamic_update_slice_p().bind1(std::move(ins));
  });
}

// ---------------------------------------------------------------------------
// copy and stop_gradient: identities on values (copy makes a new buffer; JAX's
// stop_gradient_p only matters to differentiation).

class copy_primitive final : public primitive_of<no_params> {
 public:
  copy_primitive() : primitive_of("copy") {}
  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    check_arity("copy", in.size(), 1);
    return {in[0]};
  }
  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    const array& x = in[0];
    return {reference::gather_strided(x, reference::strided_layout::row_major(x.shape()), x.shape(), x.weak_type())};
  }
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const no_params& p) const override {
    return ad::linear_jvp(*this, x, t, p);
  }
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const no_params& p) const override {
    return structure_ad::transpose_first(name(), cts, args, [&](const array& ct, const aval&) { return bind1({ct}, p); });
  }
  // Elementwise (JAX's defvectorized): the result keeps the operand's bdim.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const no_params& p,
                          const batch_axis&) const override {
    return structure_batch::single(bind1({x[0]}, p), d[0]);
  }
};
inline const copy_primitive& copy_p() { static const copy_primitive p; return p; }

class stop_gradient_primitive final : public primitive_of<no_params> {
 public:
  stop_gradient_primitive() : primitive_of("stop_gradient") {}
  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    check_arity("stop_gradient", in.size(), 1);
    return {in[0]};
  }
  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    return {reference::alias(in[0], in[0].shape(), in[0].weak_type())};
  }
  // JAX's _stop_gradient_jvp_rule: the value again (so that an outer differentiation
  // stops too) and a zero tangent. Having no linear input, it is never transposed.
  jvp_result jvp_rule(std::span<const array> x, std::span<const array>, const no_params& p) const override {
    return ad::zero_jvp(*this, x, p);
  }
  // JAX's _stop_gradient_batch_rule: the result keeps the operand's bdim.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const no_params& p,
                          const batch_axis&) const override {
    return structure_batch::single(bind1({x[0]}, p), d[0]);
  }
};
inline const stop_gradient_primitive& stop_gradient_p() { static const stop_gradient_primitive p; return p; }

// ---------------------------------------------------------------------------
// jax.lax's index normalization for dynamic_slice / dynamic_update_slice.

/// Start index `i` of a dimension of size `size`, negative values counting from the
/// end, as jax.lax._dynamic_slice_indices: a concrete signed index is normalized here
/// (into a new 0-d array of its dtype, a literal when traced, as JAX's); a traced one
/// gets `select_n(i < 0, i, i + size)`; unsigned ones (and anything the shape rule
/// will reject) are left alone.
inline array normalize_start_index(const array& i, std::int64_t size) {
  if (!i.dtype().is_signed_integer() || i.ndim() != 0) return i;
  dtype d = i.dtype();
  if (i.is_concrete()) {
    std::int64_t v = i.item<std::int64_t>();
    return array(v < 0 ? v + size : v, d);  // wraps to d, as JAX's convert_element_type
  }
  array negative = lax::lt(i, array(0, d));
  array wrapped = lax::add(i, array(size, d));
  return lax::select_n(negative, {i, wrapped});
}

inline std::vector<array> normalize_start_indices(const array& x, const std::vector<array>& idx) {
  if (idx.size() != x.shape().size()) return idx;  // the shape rule reports it
  std::vector<array> out;
  for (std::size_t k = 0; k < idx.size(); ++k) out.push_back(normalize_start_index(idx[k], x.shape()[k]));
  return out;
}

}  // namespace xjax::prim

// ---------------------------------------------------------------------------
// The lax functions (declared in lax/structure.hpp). Where jax.lax returns its
// operand unchanged instead of binding (an identity reshape, transpose, squeeze...),
// so do these.
namespace xjax::lax {

XJAX_IMPL array broadcast_in_dim(const array& x, const shape_t& shape, const shape_t& broadcast_dimensions) {
  prim::broadcast_in_dim_params p{shape, broadcast_dimensions, none};
  // JAX forwards the operand when the shape does not change (its forwarding rule
  // drops the equation, and eager calls go through it too), after checking the params.
  if (x.shape() == shape) {
    const aval in[] = {x.aval()};
    prim::broadcast_in_dim_p().shape_rule(in, p);
    return x;
  }
  return prim::broadcast_in_dim_p().bind1({x}, std::move(p));
}

XJAX_IMPL array reshape(const array& x, const shape_t& new_sizes, const std::optional<shape_t>& dimensions) {
  shape_t identity(static_cast<std::size_t>(x.ndim()));
  for (std::size_t k = 0; k < identity.size(); ++k) identity[k] = static_cast<std::int64_t>(k);
  bool same_dims = !dimensions || *dimensions == identity;
  if (x.ndim() > 0 && x.shape() == new_sizes && same_dims) return x;
  return prim::reshape_p().bind1({x}, {new_sizes, same_dims ? std::nullopt : dimensions, none});
}

XJAX_IMPL array transpose(const array& x, const shape_t& permutation) {
  bool identity = permutation.size() == static_cast<std::size_t>(x.ndim());
  for (std::size_t k = 0; identity && k < permutation.size(); ++k) identity = permutation[k] == static_cast<std::int64_t>(k);
  if (identity) return x;
  return prim::transpose_p().bind1({x}, {permutation});
}

XJAX_IMPL array squeeze(const array& x, const shape_t& dimensions) {
  shape_t dims;
  for (auto d : dimensions) dims.push_back(normalize_axis("squeeze", d, x.ndim()));
  std::sort(dims.begin(), dims.end());
  if (dims.empty()) return x;
  return prim::squeeze_p().bind1({x}, {dims});
}

XJAX_IMPL array expand_dims(const array& x, const shape_t& dimensions) {
  constexpr std::string_view op = "expand_dims";
  auto check_unique = [&](const shape_t& dims) {
    for (std::size_t i = 0; i < dims.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (dims[i] == dims[j]) detail::raise<value_error>(op, "repeated axis in dimensions {}", shape_str(dims));
  };
  check_unique(dimensions);
  std::int64_t ndim_out = x.ndim() + static_cast<std::int64_t>(dimensions.size());
  shape_t dims;
  for (auto d : dimensions) dims.push_back(normalize_axis(op, d, ndim_out));
  check_unique(dims);
  shape_t shape, bdims;
  for (std::int64_t k = 0, next = 0; k < ndim_out; ++k) {
    if (std::find(dims.begin(), dims.end(), k) != dims.end()) {
      shape.push_back(1);
    } else {
      shape.push_back(x.shape()[static_cast<std::size_t>(next++)]);
      bdims.push_back(k);
    }
  }
  return broadcast_in_dim(x, shape, bdims);
}

XJAX_IMPL array rev(const array& x, const shape_t& dimensions) { return prim::rev_p().bind1({x}, {dimensions}); }

XJAX_IMPL array concatenate(const std::vector<array>& operands, std::int64_t dimension) {
  if (operands.size() == 1) return operands[0];
  return prim::concatenate_p().bind1(operands, {dimension});
}

XJAX_IMPL std::vector<array> split(const array& x, const shape_t& sizes, std::int64_t axis) {
  return prim::split_p().bind({x}, {sizes, normalize_axis("split", axis, x.ndim())});
}

XJAX_IMPL array pad(const array& x, const array& padding_value, const std::vector<pad_dim>& padding_config) {
  return prim::pad_p().bind1({x, padding_value}, {padding_config});
}

XJAX_IMPL array slice(const array& x, const shape_t& start_indices, const shape_t& limit_indices,
                      const std::optional<shape_t>& strides) {
  return prim::slice_p().bind1({x}, {start_indices, limit_indices, strides});
}

XJAX_IMPL array dynamic_slice(const array& x, const std::vector<array>& start_indices, const shape_t& slice_sizes) {
  std::vector<array> ins{x};
  for (auto& i : prim::normalize_start_indices(x, start_indices)) ins.push_back(i);
  return prim::dynamic_slice_p().bind1(std::move(ins), {slice_sizes});
}

XJAX_IMPL array dynamic_update_slice(const array& x, const array& update, const std::vector<array>& start_indices) {
  std::vector<array> ins{x, update};
  for (auto& i : prim::normalize_start_indices(x, start_indices)) ins.push_back(i);
  return prim::dynamic_update_slice_p().bind1(std::move(ins));
}

XJAX_IMPL array copy(const array& x) { return prim::copy_p().bind1({x}); }

XJAX_IMPL array stop_gradient(const array& x) { return prim::stop_gradient_p().bind1({x}); }

}  // namespace xjax::lax

// The batching rules of dynamic_slice and dynamic_update_slice are gathers and
// scatters, defined with them.
#include "xjax/primitives/indexing.hpp"
