#pragma once
// Array manipulation: reshape, ravel, transpose, swapaxes, moveaxis, squeeze, expand_dims, concatenate, stack, split, tile, repeat, flip, roll, rot90, pad, take, take_along_axis, atleast_*d, astype.
//
//   namespace jnp = xjax::numpy;
//   jnp::reshape(x, {3, -1});                    // one -1 is inferred (C order)
//   jnp::transpose(x);                           // reversed axes
//   jnp::concatenate({a, b}, 1);                 // dtypes promoted as JAX
//   jnp::split(x, 3, -1);  jnp::split(x, shape_t{2, 5});
//   jnp::pad(x, {{1, 2}, {0, 1}}, "reflect");    // pad_width in NumPy's forms
//   jnp::take(x, idx, 0, "clip");                // default "fill": NaN / lowest int out of bounds
//
// Axes may be negative (counting from the end), as in NumPy. broadcast_to and
// broadcast_arrays are in broadcast.hpp.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/lax/indexing.hpp"

namespace xjax::numpy {

/// jnp.reshape: `shape` may hold one -1, inferred from x's size (C order).
XJAX_API array reshape(const array& x, const shape_t& shape);
/// jnp.ravel: x as 1-d (C order).
XJAX_API array ravel(const array& x);
/// jnp.transpose: axes reversed, or permuted by `axes` (negative allowed).
XJAX_API array transpose(const array& x, const std::optional<shape_t>& axes = std::nullopt);
/// jnp.swapaxes.
XJAX_API array swapaxes(const array& x, std::int64_t axis1, std::int64_t axis2);
/// jnp.moveaxis: the axes `source` moved to positions `destination`.
XJAX_API array moveaxis(const array& x, const shape_t& source, const shape_t& destination);
XJAX_API array moveaxis(const array& x, std::int64_t source, std::int64_t destination);
/// jnp.squeeze: removes all size-1 axes, or the given ones (which must have size 1).
XJAX_API array squeeze(const array& x, const std::optional<shape_t>& axis = std::nullopt);
XJAX_API array squeeze(const array& x, std::int64_t axis);
/// jnp.expand_dims: size-1 axes inserted at the given positions of the result.
XJAX_API array expand_dims(const array& x, const shape_t& axis);
XJAX_API array expand_dims(const array& x, std::int64_t axis);

/// jnp.concatenate along `axis` (nullopt: the arrays flattened); dtypes promoted.
XJAX_API array concatenate(const std::vector<array>& arrays, std::optional<std::int64_t> axis = 0);
/// jnp.stack: arrays of one shape joined along a new axis.
XJAX_API array stack(const std::vector<array>& arrays, std::int64_t axis = 0);
/// jnp.hstack / vstack / dstack.
XJAX_API array hstack(const std::vector<array>& arrays);
XJAX_API array vstack(const std::vector<array>& arrays);
XJAX_API array dstack(const std::vector<array>& arrays);

/// jnp.split into `sections` equal parts (value_error when they cannot be equal),
/// or at the given indices.
XJAX_API std::vector<array> split(const array& x, std::int64_t sections, std::int64_t axis = 0);
XJAX_API std::vector<array> split(const array& x, const shape_t& indices, std::int64_t axis = 0);
/// jnp.array_split: as split, the first size % sections parts one longer.
XJAX_API std::vector<array> array_split(const array& x, std::int64_t sections, std::int64_t axis = 0);
XJAX_API std::vector<array> array_split(const array& x, const shape_t& indices, std::int64_t axis = 0);

/// jnp.tile.
XJAX_API array tile(const array& x, const shape_t& reps);
XJAX_API array tile(const array& x, std::int64_t reps);
/// jnp.repeat with one count for every element (axis nullopt: x flattened).
XJAX_API array repeat(const array& x, std::int64_t repeats, std::optional<std::int64_t> axis = std::nullopt,
                      std::optional<std::int64_t> total_repeat_length = std::nullopt);
/// jnp.repeat with per-element counts: `repeats` must be concrete (1-d of the axis'
/// length, or of size 1). With total_repeat_length, the result is cut to it, or
/// padded with the last element repeated, as JAX.
XJAX_API array repeat(const array& x, const array& repeats, std::optional<std::int64_t> axis = std::nullopt,
                      std::optional<std::int64_t> total_repeat_length = std::nullopt);

/// jnp.flip along all axes or the given ones; fliplr (axis 1), flipud (axis 0).
XJAX_API array flip(const array& x, const std::optional<shape_t>& axis = std::nullopt);
XJAX_API array flip(const array& x, std::int64_t axis);
XJAX_API array fliplr(const array& x);
XJAX_API array flipud(const array& x);
/// jnp.roll: elements shifted along axes (nullopt: x flattened); shift and axis are
/// broadcast against each other.
XJAX_API array roll(const array& x, const shape_t& shift, const std::optional<shape_t>& axis = std::nullopt);
XJAX_API array roll(const array& x, std::int64_t shift, std::optional<std::int64_t> axis = std::nullopt);
/// jnp.rot90: k quarter turns from the first axis of `axes` toward the second.
XJAX_API array rot90(const array& x, std::int64_t k = 1, const shape_t& axes = {0, 1});

/// NumPy's pad_width: `n` (every side), `{before, after}` (every axis), or
/// `{{before, after}, ...}` (one pair per axis, or one pair for all).
struct pad_width {
  std::vector<std::pair<std::int64_t, std::int64_t>> widths;
  pad_width(std::int64_t n) : widths{{n, n}} {}  // NOLINT: implicit, as NumPy's int
  pad_width(std::initializer_list<std::int64_t> v) {
    if (v.size() == 1) widths = {{*v.begin(), *v.begin()}};
    else if (v.size() == 2) widths = {{*v.begin(), *(v.begin() + 1)}};
    else xjax::detail::raise<value_error>("pad", "pad_width {{before, after}} must have 1 or 2 elements, got {}", v.size());
  }
  pad_width(std::initializer_list<std::pair<std::int64_t, std::int64_t>> v) : widths(v) {}
  pad_width(std::vector<std::pair<std::int64_t, std::int64_t>> v) : widths(std::move(v)) {}
};
/// jnp.pad. mode: "constant" (constant_values: 0-d, one (before, after) pair, or one
/// pair per axis, as NumPy), "edge", "reflect", "symmetric", "wrap".
XJAX_API array pad(const array& x, const pad_width& width, std::string_view mode = "constant",
                   const array& constant_values = 0);

/// jnp.take along `axis` (nullopt: x flattened). mode "fill" (default: out-of-bounds
/// indices give NaN for floats, the lowest value for signed integers, the largest for
/// unsigned ones, true for bool; negative indices count from the end), "clip" or "wrap".
/// `fill_value` replaces that default under "fill".
XJAX_API array take(const array& x, const array& indices, std::optional<std::int64_t> axis = std::nullopt,
                    std::string_view mode = "fill", std::optional<lax::static_scalar> fill_value = std::nullopt);
/// jnp.take_along_axis: the elements of x at `indices` (of x's rank) along `axis`
/// (nullopt: both flattened); mode "fill" or "clip" (negative indices count from the end).
XJAX_API array take_along_axis(const array& x, const array& indices, std::optional<std::int64_t> axis = -1,
                               std::string_view mode = "fill");

/// jnp.atleast_1d / 2d / 3d.
XJAX_API array atleast_1d(const array& x);
XJAX_API array atleast_2d(const array& x);
XJAX_API array atleast_3d(const array& x);
/// The same for several arrays (jnp.atleast_1d(*arys)).
XJAX_API std::vector<array> atleast_1d(const std::vector<array>& xs);
XJAX_API std::vector<array> atleast_2d(const std::vector<array>& xs);
XJAX_API std::vector<array> atleast_3d(const std::vector<array>& xs);

/// jnp.astype: x converted to `d` (strongly typed).
XJAX_API array astype(const array& x, dtype d);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/indexing.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/creation.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy {
namespace detail_manip {

inline std::int64_t axis_of(std::string_view op, std::int64_t axis, std::int64_t ndim) {
  return normalize_axis(op, axis, ndim);
}

/// Normalized, distinct axes.
inline shape_t axes_of(std::string_view op, const shape_t& axes, std::int64_t ndim) {
  shape_t out;
  for (auto a : axes) {
    auto n = normalize_axis(op, a, ndim);
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      xjax::detail::raise<value_error>(op, "repeated axis {} in {}", a, shape_str(axes));
    }
    out.push_back(n);
  }
  return out;
}

/// A 0-d weakly typed constant of dtype `d` (a literal in a jaxpr), as lax._const.
inline array lit(std::int64_t v, dtype d) {
  eager_scope now;
  return lax::convert_element_type(array(v), d, true);
}

/// x[start:limit] along `axis`.
inline array slice_axis(const array& x, std::int64_t axis, std::int64_t start, std::int64_t limit) {
  shape_t lo(x.ndim(), 0), hi = x.shape();
  lo[axis] = start;
  hi[axis] = limit;
  return lax::slice(x, lo, hi);
}

/// The elements of x at the static positions `idx` along `axis`, by slices of runs of
/// consecutive, reversed or repeated positions, concatenated.
inline array static_take(const array& x, std::int64_t axis, const std::vector<std::int64_t>& idx) {
  std::vector<array> pieces;
  std::size_t i = 0;
  while (i < idx.size()) {
    std::size_t j = i + 1;
    std::int64_t step = j < idx.size() ? idx[j] - idx[i] : 1;
    if (step < -1 || step > 1) step = 1;
    while (j < idx.size() && idx[j] - idx[j - 1] == step) ++j;
    if (j == i + 1) step = 1;
    const std::int64_t len = static_cast<std::int64_t>(j - i);
    if (step == 1) {
      pieces.push_back(slice_axis(x, axis, idx[i], idx[i] + len));
    } else if (step == -1) {
      pieces.push_back(lax::rev(slice_axis(x, axis, idx[j - 1], idx[i] + 1), {axis}));
    } else {
      shape_t s = x.shape();
      s[axis] = len;
      shape_t dims(x.ndim());
      std::iota(dims.begin(), dims.end(), 0);
      pieces.push_back(lax::broadcast_in_dim(slice_axis(x, axis, idx[i], idx[i] + 1), s, dims));
    }
    i = j;
  }
  if (pieces.empty()) return slice_axis(x, axis, 0, 0);
  if (pieces.size() == 1) return pieces[0];
  return lax::concatenate(pieces, axis);
}

inline std::int64_t floor_mod(std::int64_t a, std::int64_t n) {
  std::int64_t r = a % n;
  return r < 0 ? r + n : r;
}

/// jnp.mod of integer indices by a positive constant (the sign of the divisor).
inline array index_mod(const array& i, std::int64_t n) {
  array nn = lit(n, i.dtype());
  array r = lax::rem(i, nn);
  if (i.dtype().is_unsigned_integer()) return r;
  array fix = lax::ne(lax::lt(r, lit(0, i.dtype())), lax::lt(nn, lit(0, i.dtype())));
  fix = lax::bitwise_and(fix, lax::ne(r, lit(0, i.dtype())));
  return lax::select_n(fix, r, lax::add(r, nn));
}

/// Indices as take's mode wants them, and the gather mode.
inline std::pair<array, lax::gather_scatter_mode> take_indices(std::string_view op, array idx, std::int64_t n,
                                                               std::string_view mode) {
  if (!idx.dtype().is_integer()) {
    xjax::detail::raise<type_error>(op, "indices must be integers, got {}", idx.dtype().name());
  }
  if (mode == "fill") {
    if (!idx.dtype().is_unsigned_integer()) {
      idx = lax::select_n(lax::lt(idx, lit(0, idx.dtype())), idx, lax::add(idx, lit(n, idx.dtype())));
    }
    return {idx, lax::gather_scatter_mode::fill_or_drop};
  }
  if (mode == "wrap") return {index_mod(idx, n), lax::gather_scatter_mode::promise_in_bounds};
  if (mode == "clip") return {idx, lax::gather_scatter_mode::clip};
  if (mode == "raise") {
    xjax::detail::raise<not_implemented_error>(op, "mode 'raise' is not supported (as in JAX); use 'fill', 'clip' or 'wrap'");
  }
  xjax::detail::raise<value_error>(op, "invalid mode '{}'; use 'fill', 'clip' or 'wrap'", mode);
}

}  // namespace detail_manip

// ---------------------------------------------------------------------------
// Shapes and axes

XJAX_IMPL array reshape(const array& x, const shape_t& shape) {
  shape_t s = shape;
  std::int64_t known = 1, infer = -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (infer >= 0) xjax::detail::raise<value_error>("reshape", "can only specify one unknown dimension (-1), got {}", shape_str(shape));
      infer = static_cast<std::int64_t>(i);
    } else if (s[i] < 0) {
      xjax::detail::raise<value_error>("reshape", "negative dimension in {}", shape_str(shape));
    } else {
      known *= s[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.size() % known != 0) {
      xjax::detail::raise<shape_error>("reshape", "cannot reshape an array of shape {} (size {}) into shape {}",
                                       shape_str(x.shape()), x.size(), shape_str(shape));
    }
    s[infer] = x.size() / known;
  }
  if (shape_size(s) != x.size()) {
    xjax::detail::raise<shape_error>("reshape", "cannot reshape an array of shape {} (size {}) into shape {}",
                                     shape_str(x.shape()), x.size(), shape_str(shape));
  }
  if (s == x.shape()) return x;
  return lax::reshape(x, s);
}

XJAX_IMPL array ravel(const array& x) { return reshape(x, {x.size()}); }

XJAX_IMPL array transpose(const array& x, const std::optional<shape_t>& axes) {
  shape_t perm;
  if (!axes) {
    for (std::int64_t i = x.ndim() - 1; i >= 0; --i) perm.push_back(i);
  } else {
    if (static_cast<std::int64_t>(axes->size()) != x.ndim()) {
      xjax::detail::raise<value_error>("transpose", "axes {} do not match an array of shape {}", shape_str(*axes),
                                       shape_str(x.shape()));
    }
    perm = detail_manip::axes_of("transpose", *axes, x.ndim());
  }
  return lax::transpose(x, perm);
}

XJAX_IMPL array swapaxes(const array& x, std::int64_t axis1, std::int64_t axis2) {
  shape_t perm(x.ndim());
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[normalize_axis("swapaxes", axis1, x.ndim())], perm[normalize_axis("swapaxes", axis2, x.ndim())]);
  return lax::transpose(x, perm);
}

XJAX_IMPL array moveaxis(const array& x, const shape_t& source, const shape_t& destination) {
  if (source.size() != destination.size()) {
    xjax::detail::raise<value_error>("moveaxis", "source {} and destination {} must have the same number of elements",
                                     shape_str(source), shape_str(destination));
  }
  shape_t src = detail_manip::axes_of("moveaxis", source, x.ndim());
  shape_t dst = detail_manip::axes_of("moveaxis", destination, x.ndim());
  shape_t perm;
  for (std::int64_t i = 0; i < x.ndim(); ++i)
    if (std::find(src.begin(), src.end(), i) == src.end()) perm.push_back(i);
  std::vector<std::pair<std::int64_t, std::int64_t>> moves;
  for (std::size_t i = 0; i < src.size(); ++i) moves.emplace_back(dst[i], src[i]);
  std::sort(moves.begin(), moves.end());
  for (auto [d, s] : moves) perm.insert(perm.begin() + d, s);
  return lax::transpose(x, perm);
}

XJAX_IMPL array moveaxis(const array& x, std::int64_t source, std::int64_t destination) {
  return moveaxis(x, shape_t{source}, shape_t{destination});
}

XJAX_IMPL array squeeze(const array& x, const std::optional<shape_t>& axis) {
  shape_t dims;
  if (!axis) {
    for (std::int64_t i = 0; i < x.ndim(); ++i)
      if (x.shape()[i] == 1) dims.push_back(i);
  } else {
    dims = detail_manip::axes_of("squeeze", *axis, x.ndim());
    for (auto d : dims) {
      if (x.shape()[d] != 1) {
        xjax::detail::raise<value_error>("squeeze", "cannot select axis {} to squeeze out: it has size {}, not one (shape {})",
                                         d, x.shape()[d], shape_str(x.shape()));
      }
    }
  }
  if (dims.empty()) return x;
  std::sort(dims.begin(), dims.end());
  return lax::squeeze(x, dims);
}

XJAX_IMPL array squeeze(const array& x, std::int64_t axis) { return squeeze(x, shape_t{axis}); }

XJAX_IMPL array expand_dims(const array& x, const shape_t& axis) {
  const auto rank = x.ndim() + static_cast<std::int64_t>(axis.size());
  shape_t dims = detail_manip::axes_of("expand_dims", axis, rank);
  std::sort(dims.begin(), dims.end());
  return lax::expand_dims(x, dims);
}

XJAX_IMPL array expand_dims(const array& x, std::int64_t axis) { return expand_dims(x, shape_t{axis}); }

// ---------------------------------------------------------------------------
// Joining and splitting

XJAX_IMPL array concatenate(const std::vector<array>& arrays, std::optional<std::int64_t> axis) {
  if (arrays.empty()) xjax::detail::raise<value_error>("concatenate", "need at least one array to concatenate");
  std::vector<array> xs = arrays;
  if (!axis) {
    for (auto& x : xs) x = ravel(x);
    axis = 0;
  }
  for (auto& x : xs) {
    if (x.ndim() == 0) xjax::detail::raise<value_error>("concatenate", "zero-dimensional arrays cannot be concatenated");
  }
  const std::int64_t ax = normalize_axis("concatenate", *axis, xs[0].ndim());
  for (auto& x : xs) {
    bool ok = x.ndim() == xs[0].ndim();
    for (std::int64_t d = 0; ok && d < x.ndim(); ++d) ok = d == ax || x.shape()[d] == xs[0].shape()[d];
    if (!ok) {
      std::vector<std::string> shapes;
      for (auto& y : xs) shapes.push_back(shape_str(y.shape()));
      xjax::detail::raise<shape_error>("concatenate",
                                       "all input array dimensions except for the concatenation axis {} must match, got shapes {}",
                                       ax, fmt::join(shapes, ", "));
    }
  }
  xs = promote_dtypes(std::move(xs));
  if (xs.size() == 1) return xs[0];
  return lax::concatenate(xs, ax);
}

XJAX_IMPL array stack(const std::vector<array>& arrays, std::int64_t axis) {
  if (arrays.empty()) xjax::detail::raise<value_error>("stack", "need at least one array to stack");
  for (auto& x : arrays) {
    if (x.shape() != arrays[0].shape()) {
      std::vector<std::string> shapes;
      for (auto& y : arrays) shapes.push_back(shape_str(y.shape()));
      xjax::detail::raise<shape_error>("stack", "all input arrays must have the same shape, got {}", fmt::join(shapes, ", "));
    }
  }
  const std::int64_t ax = normalize_axis("stack", axis, arrays[0].ndim() + 1);
  std::vector<array> xs;
  for (auto& x : arrays) xs.push_back(lax::expand_dims(x, {ax}));
  return concatenate(xs, ax);
}

XJAX_IMPL array hstack(const std::vector<array>& arrays) {
  std::vector<array> xs;
  bool all1 = true;
  for (auto& x : arrays) {
    xs.push_back(atleast_1d(x));
    all1 = all1 && xs.back().ndim() == 1;
  }
  return concatenate(xs, all1 ? 0 : 1);
}

XJAX_IMPL array vstack(const std::vector<array>& arrays) {
  std::vector<array> xs;
  for (auto& x : arrays) xs.push_back(atleast_2d(x));
  return concatenate(xs, 0);
}

XJAX_IMPL array dstack(const std::vector<array>& arrays) {
  std::vector<array> xs;
  for (auto& x : arrays) xs.push_back(atleast_3d(x));
  return concatenate(xs, 2);
}

namespace detail_manip {
inline std::vector<array> split_at(const array& x, const shape_t& bounds, std::int64_t ax, std::string_view op) {
  const std::int64_t n = x.shape()[ax];
  std::vector<array> out;
  std::int64_t prev = 0;
  for (auto b : bounds) {
    // As JAX (unlike NumPy): the indices must be non-decreasing within [0, n].
    if (b < prev || b > n) {
      xjax::detail::raise<value_error>(op, "split indices {} must be non-decreasing within [0, {}] (axis {} of shape {})",
                                       shape_str(bounds), n, ax, shape_str(x.shape()));
    }
    out.push_back(slice_axis(x, ax, prev, b));
    prev = b;
  }
  out.push_back(slice_axis(x, ax, prev, n));
  return out;
}

inline std::vector<array> split_sections(const array& x, std::int64_t sections, std::int64_t axis, bool equal,
                                         std::string_view op) {
  if (x.ndim() == 0) xjax::detail::raise<value_error>(op, "cannot split a 0-d array");
  const std::int64_t ax = normalize_axis(op, axis, x.ndim());
  const std::int64_t n = x.shape()[ax];
  if (sections <= 0) xjax::detail::raise<value_error>(op, "the number of sections must be larger than 0, got {}", sections);
  if (equal && n % sections != 0) {
    xjax::detail::raise<value_error>(op, "array split does not result in an equal division: an axis of size {} into {} sections",
                                     n, sections);
  }
  shape_t bounds;
  const std::int64_t q = n / sections, r = n % sections;
  std::int64_t at = 0;
  for (std::int64_t i = 0; i + 1 < sections; ++i) {
    at += q + (i < r ? 1 : 0);
    bounds.push_back(at);
  }
  return split_at(x, bounds, ax, op);
}
}  // namespace detail_manip

XJAX_IMPL std::vector<array> split(const array& x, std::int64_t sections, std::int64_t axis) {
  return detail_manip::split_sections(x, sections, axis, true, "split");
}
XJAX_IMPL std::vector<array> split(const array& x, const shape_t& indices, std::int64_t axis) {
  if (x.ndim() == 0) xjax::detail::raise<value_error>("split", "cannot split a 0-d array");
  return detail_manip::split_at(x, indices, normalize_axis("split", axis, x.ndim()), "split");
}
XJAX_IMPL std::vector<array> array_split(const array& x, std::int64_t sections, std::int64_t axis) {
  return detail_manip::split_sections(x, sections, axis, false, "array_split");
}
XJAX_IMPL std::vector<array> array_split(const array& x, const shape_t& indices, std::int64_t axis) {
  if (x.ndim() == 0) xjax::detail::raise<value_error>("array_split", "cannot split a 0-d array");
  return detail_manip::split_at(x, indices, normalize_axis("array_split", axis, x.ndim()), "array_split");
}

// ---------------------------------------------------------------------------
// tile, repeat

XJAX_IMPL array tile(const array& x, const shape_t& reps) {
  for (auto r : reps) {
    if (r < 0) xjax::detail::raise<value_error>("tile", "negative repetitions are not allowed, got {}", shape_str(reps));
  }
  const std::size_t nd = std::max(reps.size(), static_cast<std::size_t>(x.ndim()));
  shape_t xs(nd - x.ndim(), 1), rs(nd - reps.size(), 1);
  xs.insert(xs.end(), x.shape().begin(), x.shape().end());
  rs.insert(rs.end(), reps.begin(), reps.end());
  shape_t inter, big, final_shape;
  for (std::size_t i = 0; i < nd; ++i) {
    inter.push_back(1);
    inter.push_back(xs[i]);
    big.push_back(rs[i]);
    big.push_back(xs[i]);
    final_shape.push_back(rs[i] * xs[i]);
  }
  return reshape(broadcast_to(reshape(x, inter), big), final_shape);
}

XJAX_IMPL array tile(const array& x, std::int64_t reps) { return tile(x, shape_t{reps}); }

XJAX_IMPL array repeat(const array& x, std::int64_t repeats, std::optional<std::int64_t> axis,
                       std::optional<std::int64_t> total_repeat_length) {
  if (repeats < 0) xjax::detail::raise<value_error>("repeat", "repeats may not contain negative values, got {}", repeats);
  array a = axis ? x : ravel(x);
  const std::int64_t ax = normalize_axis("repeat", axis ? *axis : 0, a.ndim());
  if (total_repeat_length && *total_repeat_length != a.shape()[ax] * repeats) {
    std::vector<std::int64_t> r(static_cast<std::size_t>(a.shape()[ax]), repeats);
    return repeat(a, array(r, std::nullopt, int32), ax, total_repeat_length);
  }
  shape_t inter = a.shape(), out = a.shape();
  inter.insert(inter.begin() + ax + 1, repeats);
  out[ax] *= repeats;
  shape_t dims;
  for (std::int64_t i = 0; i <= a.ndim(); ++i)
    if (i != ax + 1) dims.push_back(i);
  return reshape(lax::broadcast_in_dim(a, inter, dims), out);
}

XJAX_IMPL array repeat(const array& x, const array& repeats, std::optional<std::int64_t> axis,
                       std::optional<std::int64_t> total_repeat_length) {
  if (!repeats.is_concrete()) {
    xjax::detail::raise<concretization_error>("repeat", "per-element repeats must be concrete (give total_repeat_length "
                                                        "for traced repeats is not supported), got a tracer");
  }
  if (!repeats.dtype().is_integer()) {
    xjax::detail::raise<type_error>("repeat", "repeats must be integers, got {}", repeats.dtype().name());
  }
  if (repeats.ndim() > 1) xjax::detail::raise<value_error>("repeat", "repeats must be 0-d or 1-d, got shape {}", shape_str(repeats.shape()));
  if (repeats.size() == 1 && !total_repeat_length) return repeat(x, repeats.item<std::int64_t>(), axis, total_repeat_length);
  array a = axis ? x : ravel(x);
  const std::int64_t ax = normalize_axis("repeat", axis ? *axis : 0, a.ndim());
  const std::int64_t n = a.shape()[ax];
  std::vector<std::int64_t> r = repeats.to_vector<std::int64_t>();
  if (r.size() == 1) r.assign(static_cast<std::size_t>(n), r[0]);
  if (static_cast<std::int64_t>(r.size()) != n) {
    xjax::detail::raise<value_error>("repeat", "{} repeats for an axis of length {} (shape {}, axis {})", r.size(), n,
                                     shape_str(a.shape()), ax);
  }
  std::vector<std::int64_t> idx;
  for (std::int64_t i = 0; i < n; ++i) {
    if (r[i] < 0) xjax::detail::raise<value_error>("repeat", "repeats may not contain negative values, got {}", r[i]);
    for (std::int64_t j = 0; j < r[i]; ++j) idx.push_back(i);
  }
  if (total_repeat_length) {
    const auto len = static_cast<std::size_t>(*total_repeat_length);
    if (*total_repeat_length < 0) xjax::detail::raise<value_error>("repeat", "total_repeat_length must be non-negative, got {}", *total_repeat_length);
    if (idx.size() > len) idx.resize(len);
    if (idx.size() < len) {
      if (idx.empty() && len > 0) idx.push_back(n - 1);  // JAX pads with the last element
      idx.resize(len, idx.back());
    }
  }
  if (n == 0) return detail_manip::slice_axis(a, ax, 0, 0);
  return detail_manip::static_take(a, ax, idx);
}

// ---------------------------------------------------------------------------
// flip, roll, rot90

XJAX_IMPL array flip(const array& x, const std::optional<shape_t>& axis) {
  shape_t dims;
  if (!axis) {
    dims.resize(x.ndim());
    std::iota(dims.begin(), dims.end(), 0);
  } else {
    dims = detail_manip::axes_of("flip", *axis, x.ndim());
  }
  return lax::rev(x, dims);
}

XJAX_IMPL array flip(const array& x, std::int64_t axis) { return flip(x, shape_t{axis}); }

XJAX_IMPL array fliplr(const array& x) {
  if (x.ndim() < 2) xjax::detail::raise<value_error>("fliplr", "the input must be at least 2-d, got shape {}", shape_str(x.shape()));
  return lax::rev(x, {1});
}

XJAX_IMPL array flipud(const array& x) {
  if (x.ndim() < 1) xjax::detail::raise<value_error>("flipud", "the input must be at least 1-d, got a 0-d array");
  return lax::rev(x, {0});
}

XJAX_IMPL array roll(const array& x, const shape_t& shift, const std::optional<shape_t>& axis) {
  if (!axis) return reshape(roll(ravel(x), shift, shape_t{0}), x.shape());
  const std::size_t n = std::max(shift.size(), axis->size());
  if ((shift.size() != n && shift.size() != 1) || (axis->size() != n && axis->size() != 1)) {
    xjax::detail::raise<value_error>("roll", "shift {} and axis {} cannot be broadcast together", shape_str(shift),
                                     shape_str(*axis));
  }
  array a = x;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t ax = normalize_axis("roll", (*axis)[axis->size() == 1 ? 0 : i], a.ndim());
    const std::int64_t s = shift[shift.size() == 1 ? 0 : i];
    const std::int64_t len = a.shape()[ax];
    if (len == 0) continue;
    const std::int64_t k = detail_manip::floor_mod(-s, len);
    a = lax::concatenate({detail_manip::slice_axis(a, ax, k, len), detail_manip::slice_axis(a, ax, 0, k)}, ax);
  }
  return a;
}

XJAX_IMPL array roll(const array& x, std::int64_t shift, std::optional<std::int64_t> axis) {
  if (!axis) return roll(x, shape_t{shift}, std::nullopt);
  return roll(x, shape_t{shift}, shape_t{*axis});
}

XJAX_IMPL array rot90(const array& x, std::int64_t k, const shape_t& axes) {
  if (axes.size() != 2) xjax::detail::raise<value_error>("rot90", "axes must have 2 elements, got {}", shape_str(axes));
  if (x.ndim() < 2) xjax::detail::raise<value_error>("rot90", "the input must be at least 2-d, got shape {}", shape_str(x.shape()));
  shape_t ax = detail_manip::axes_of("rot90", axes, x.ndim());
  k = detail_manip::floor_mod(k, 4);
  if (k == 0) return x;
  if (k == 2) return flip(flip(x, ax[0]), ax[1]);
  shape_t perm(x.ndim());
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[ax[0]], perm[ax[1]]);
  if (k == 1) return lax::transpose(flip(x, ax[1]), perm);
  return flip(lax::transpose(x, perm), ax[1]);
}

// ---------------------------------------------------------------------------
// pad

XJAX_IMPL array pad(const array& x, const pad_width& width, std::string_view mode, const array& constant_values) {
  auto w = width.widths;
  const auto nd = static_cast<std::size_t>(x.ndim());
  if (w.size() == 1 && nd != 1) w.assign(nd, w[0]);
  if (w.size() != nd) {
    xjax::detail::raise<value_error>("pad", "pad_width has {} (before, after) pairs for an array of shape {}", w.size(),
                                     shape_str(x.shape()));
  }
  for (auto [b, a] : w) {
    if (b < 0 || a < 0) xjax::detail::raise<value_error>("pad", "pad widths must be non-negative, got ({}, {})", b, a);
  }
  if (mode == "constant") {
    if (nd == 0) return x;
    std::vector<pad_dim> cfg;
    for (auto [b, a] : w) cfg.push_back(pad_dim{b, a, 0});
    auto to_x = [&](const array& v) {
      if (v.is_concrete()) {
        eager_scope now;
        return lax::convert_element_type(v, x.dtype(), false);
      }
      return lax::convert_element_type(v, x.dtype(), false);
    };
    if (constant_values.ndim() == 0) return lax::pad(x, to_x(constant_values), cfg);
    // NumPy's forms ((before, after) per axis, one pair, ...): one lax.pad per side, as JAX.
    const shape_t cshape{static_cast<std::int64_t>(nd), 2};
    array cv;
    {
      std::optional<eager_scope> now;
      if (constant_values.is_concrete()) now.emplace();
      cv = to_x(constant_values);
      if (cv.ndim() > 2 || !(cv.ndim() == 1 ? cv.shape()[0] == 1 || cv.shape()[0] == 2
                                           : (cv.shape()[0] == 1 || cv.shape()[0] == cshape[0]) &&
                                                 (cv.shape()[1] == 1 || cv.shape()[1] == 2))) {
        xjax::detail::raise<value_error>("pad", "constant_values of shape {} do not fit an array of shape {} (want {} or less)",
                                         shape_str(constant_values.shape()), shape_str(x.shape()), shape_str(cshape));
      }
      cv = broadcast_to(cv, cshape);
    }
    array out = x;
    for (std::size_t i = 0; i < nd; ++i) {
      for (int side = 0; side < 2; ++side) {
        const auto ii = static_cast<std::int64_t>(i);
        array v;
        {
          std::optional<eager_scope> now;
          if (cv.is_concrete()) now.emplace();
          v = lax::reshape(lax::slice(cv, {ii, side}, {ii + 1, side + 1}), {});
        }
        std::vector<pad_dim> one(nd);
        if (side == 0) one[i].low = w[i].first;
        else one[i].high = w[i].second;
        out = lax::pad(out, v, one);
      }
    }
    return out;
  }
  if (mode != "edge" && mode != "reflect" && mode != "symmetric" && mode != "wrap") {
    xjax::detail::raise<value_error>("pad", "unsupported mode '{}'; use 'constant', 'edge', 'reflect', 'symmetric' or 'wrap'", mode);
  }
  array out = x;
  for (std::size_t d = 0; d < nd; ++d) {
    auto [b, a] = w[d];
    if (b == 0 && a == 0) continue;
    const std::int64_t n = x.shape()[d];
    if (n == 0) {
      xjax::detail::raise<value_error>("pad", "cannot pad an empty axis {} (shape {}) in mode '{}'", d, shape_str(x.shape()), mode);
    }
    std::vector<std::int64_t> idx;
    for (std::int64_t p = -b; p < n + a; ++p) {
      std::int64_t j;
      if (mode == "edge") {
        j = std::clamp<std::int64_t>(p, 0, n - 1);
      } else if (mode == "wrap") {
        j = detail_manip::floor_mod(p, n);
      } else if (mode == "reflect") {
        if (n == 1) {
          j = 0;
        } else {
          j = detail_manip::floor_mod(p, 2 * (n - 1));
          if (j >= n) j = 2 * (n - 1) - j;
        }
      } else {  // symmetric
        j = detail_manip::floor_mod(p, 2 * n);
        if (j >= n) j = 2 * n - 1 - j;
      }
      idx.push_back(j);
    }
    out = detail_manip::static_take(out, static_cast<std::int64_t>(d), idx);
  }
  return out;
}

// ---------------------------------------------------------------------------
// take, take_along_axis

XJAX_IMPL array take(const array& x, const array& indices, std::optional<std::int64_t> axis, std::string_view mode,
                     std::optional<lax::static_scalar> fill_value) {
  array a = axis ? x : ravel(x);
  const std::int64_t ax = normalize_axis("take", axis ? *axis : 0, a.ndim());
  auto [idx, gmode] = detail_manip::take_indices("take", indices, a.shape()[ax], mode);
  shape_t slice_sizes = a.shape();
  if (slice_sizes[ax] == 0) {
    if (indices.size() != 0) {
      xjax::detail::raise<value_error>("take", "cannot take {} elements from an empty axis {} (shape {})", indices.size(), ax,
                                       shape_str(a.shape()));
    }
    return a;
  }
  const std::int64_t ind = idx.ndim();
  if (idx.size() == 0) {
    shape_t out(a.shape().begin(), a.shape().begin() + ax);
    out.insert(out.end(), idx.shape().begin(), idx.shape().end());
    out.insert(out.end(), a.shape().begin() + ax + 1, a.shape().end());
    return zeros_like(a, std::nullopt, out);
  }
  slice_sizes[ax] = 1;
  lax::gather_dimension_numbers dn;
  for (std::int64_t i = 0; i < ax; ++i) dn.offset_dims.push_back(i);
  for (std::int64_t i = ax + ind; i < a.ndim() + ind - 1; ++i) dn.offset_dims.push_back(i);
  dn.collapsed_slice_dims = {ax};
  dn.start_index_map = {ax};
  shape_t ishape = idx.shape();
  ishape.push_back(1);
  return lax::gather(a, lax::reshape(idx, ishape), dn, slice_sizes, {.mode = gmode, .fill_value = fill_value});
}

XJAX_IMPL array take_along_axis(const array& x, const array& indices, std::optional<std::int64_t> axis, std::string_view mode) {
  if (!axis) return take_along_axis(ravel(x), ravel(indices), 0, mode);
  if (indices.ndim() != x.ndim()) {
    xjax::detail::raise<value_error>("take_along_axis", "indices and array must have the same number of dimensions; got {} and {}",
                                     shape_str(indices.shape()), shape_str(x.shape()));
  }
  const std::int64_t ax = normalize_axis("take_along_axis", *axis, x.ndim());
  if (mode != "fill" && mode != "clip") {
    xjax::detail::raise<value_error>("take_along_axis", "invalid mode '{}'; use 'fill' or 'clip' (as JAX)", mode);
  }
  // Negative indices count from the end in both modes (JAX's wrap_negative_indices).
  auto [idx, gmode] = detail_manip::take_indices("take_along_axis", indices, x.shape()[ax], "fill");
  if (mode == "clip") gmode = lax::gather_scatter_mode::clip;
  // Broadcast the dimensions other than `axis` against each other.
  shape_t xs = x.shape(), is = idx.shape();
  for (std::int64_t d = 0; d < x.ndim(); ++d) {
    if (d == ax) continue;
    if (xs[d] != is[d] && xs[d] != 1 && is[d] != 1) {
      xjax::detail::raise<shape_error>("take_along_axis", "indices of shape {} do not broadcast against an array of shape {} (axis {})",
                                       shape_str(indices.shape()), shape_str(x.shape()), ax);
    }
    const std::int64_t m = xs[d] == 1 ? is[d] : xs[d];
    xs[d] = is[d] = m;
  }
  shape_t all(x.ndim());
  std::iota(all.begin(), all.end(), 0);
  array a = x.shape() == xs ? x : lax::broadcast_in_dim(x, xs, all);
  idx = idx.shape() == is ? idx : lax::broadcast_in_dim(idx, is, all);
  if (x.shape()[ax] == 0) {
    if (idx.size() != 0) {
      xjax::detail::raise<value_error>("take_along_axis", "cannot take elements from an empty axis {} (shape {})", ax,
                                       shape_str(x.shape()));
    }
    return zeros_like(a, std::nullopt, is);
  }
  if (idx.size() == 0) return zeros_like(a, std::nullopt, is);
  lax::gather_dimension_numbers dn;
  dn.collapsed_slice_dims = {ax};
  dn.start_index_map = {ax};
  for (std::int64_t d = 0; d < x.ndim(); ++d) {
    if (d == ax) continue;
    dn.operand_batching_dims.push_back(d);
    dn.start_indices_batching_dims.push_back(d);
  }
  shape_t ishape = idx.shape();
  ishape.push_back(1);
  shape_t slice_sizes(x.ndim(), 1);
  for (std::int64_t d = 0; d < x.ndim(); ++d)
    if (d != ax) slice_sizes[d] = 0 + 1;
  return lax::gather(a, lax::reshape(idx, ishape), dn, slice_sizes, {.mode = gmode});
}

// ---------------------------------------------------------------------------
// atleast_*d, astype

XJAX_IMPL array atleast_1d(const array& x) { return x.ndim() >= 1 ? x : lax::reshape(x, {1}); }

XJAX_IMPL array atleast_2d(const array& x) {
  if (x.ndim() >= 2) return x;
  if (x.ndim() == 0) return lax::reshape(x, {1, 1});
  return lax::expand_dims(x, {0});
}

XJAX_IMPL array atleast_3d(const array& x) {
  if (x.ndim() >= 3) return x;
  if (x.ndim() == 0) return lax::reshape(x, {1, 1, 1});
  if (x.ndim() == 1) return lax::expand_dims(x, {0, 2});
  return lax::expand_dims(x, {2});
}

XJAX_IMPL std::vector<array> atleast_1d(const std::vector<array>& xs) {
  std::vector<array> out;
  for (auto& x : xs) out.push_back(atleast_1d(x));
  return out;
}
XJAX_IMPL std::vector<array> atleast_2d(const std::vector<array>& xs) {
  std::vector<array> out;
  for (auto& x : xs) out.push_back(atleast_2d(x));
  return out;
}
XJAX_IMPL std::vector<array> atleast_3d(const std::vector<array>& xs) {
  std::vector<array> out;
  for (auto& x : xs) out.push_back(atleast_3d(x));
  return out;
}

XJAX_IMPL array astype(const array& x, dtype d) { return lax::convert_element_type(x, d, false); }

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
