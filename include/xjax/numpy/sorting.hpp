#pragma once
// Sorting and searching: sort, argsort, searchsorted, unique, nonzero/argwhere (static size).
// (jax.lax.top_k is lax::top_k, a primitive: lax/reductions.hpp.)
//
//   namespace jnp = xjax::numpy;
//   auto x = xjax::array::from_vector<float>({3, 1, 2, 1});
//   jnp::sort(x);                             // 1 1 2 3 (stable; NaN last; axis=std::nullopt flattens)
//   jnp::argsort(x, -1, true, /*descending=*/true);   // int32: 0 2 1 3
//   jnp::searchsorted(jnp::sort(x), 2.0f);     // int32 0-d: 2 (side "left"; "right" gives 3)
//   jnp::unique(x, 4, -1);                    // 1 2 3 -1 (static size, as JAX requires under tracing)
//   auto u = jnp::unique_all(x, {.size = 3}); // u.values, u.indices, u.inverse, u.counts
//   jnp::nonzero(x, 2);                       // {int32[2]}: the first 2 indices of nonzero elements
//   jnp::argwhere(x, 4);                      // int32[4,1]
//
// Index results are int32 (JAX's default int without x64). `size` may be left out only
// on concrete arrays: under tracing the result's shape cannot depend on values, so a
// missing size is a concretization_error, as JAX's.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/lax/indexing.hpp"

namespace xjax::numpy {

/// Sorted copy along `axis` (std::nullopt: the flattened array); stable by default;
/// descending reverses the sorted order (as JAX: ties then come last-first).
XJAX_API array sort(const array& a, std::optional<std::int64_t> axis = -1, bool stable = true,
                    bool descending = false);

/// Indices that sort `a` along `axis` (int32). Descending and stable keeps ties in
/// their original order, as JAX.
XJAX_API array argsort(const array& a, std::optional<std::int64_t> axis = -1, bool stable = true,
                       bool descending = false);

/// Insertion indices of `v` into the sorted 1-d `a` (int32, v's shape); side is "left"
/// or "right". Floats compare in JAX's total order (NaN last, -0.0 == 0.0). JAX's
/// default method ("scan": a binary search), unrolled into ceil(log2(a.size + 1)) steps
/// of gather / compare / select_n, since xjax has no loop primitive (JAX's
/// "scan_unrolled").
XJAX_API array searchsorted(const array& a, const array& v, const std::string& side = "left");

/// Options of unique_all.
struct unique_options {
  std::optional<std::int64_t> size = {};  ///< static number of results (required under tracing)
  std::optional<array> fill_value = {};   ///< pads values beyond the number of uniques
  bool equal_nan = true;                  ///< all NaNs count as one value
};
/// jnp.unique(..., return_index, return_inverse, return_counts) of the flattened array.
struct unique_result {
  array values;   ///< sorted unique values (padded to size)
  array indices;  ///< first occurrence of each value in the flattened input
  array inverse;  ///< for each input element (input's shape), the index of its value
  array counts;   ///< occurrences of each value (0 for padding)
};

/// Sorted unique values of the flattened `a`. With `size`, the result has that length,
/// padded with `fill_value` (default: the smallest value) or truncated.
XJAX_API array unique(const array& a, std::optional<std::int64_t> size = {},
                      const std::optional<array>& fill_value = {});
XJAX_API unique_result unique_all(const array& a, const unique_options& options = {});

/// Indices of the nonzero elements, one int32 array per dimension (a must not be 0-d).
/// With `size`, each has that length, padded with `fill_value` (default 0).
XJAX_API std::vector<array> nonzero(const array& a, std::optional<std::int64_t> size = {},
                                    std::optional<std::int64_t> fill_value = {});
/// nonzero of the flattened array: int32[size].
XJAX_API array flatnonzero(const array& a, std::optional<std::int64_t> size = {},
                           std::optional<std::int64_t> fill_value = {});
/// Indices of the nonzero elements as rows: int32[size, ndim].
XJAX_API array argwhere(const array& a, std::optional<std::int64_t> size = {},
                        std::optional<std::int64_t> fill_value = {});

}  // namespace xjax::numpy


// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy::detail_sorting {

inline array konst(std::int64_t v, dtype d) {
  eager_scope now;
  return lax::convert_element_type(array(v), d, false);
}

inline array ravel(const array& a) { return a.ndim() == 1 ? a : lax::reshape(a, {a.size()}); }

/// a[:k] along `axis` of a 1-d-or-more array.
inline array take_prefix(const array& a, std::int64_t axis, std::int64_t k) {
  shape_t start(a.ndim(), 0), limit = a.shape();
  limit[axis] = k;
  if (limit == a.shape()) return a;
  return lax::slice(a, start, limit);
}

inline std::int64_t static_size(const array& a, std::optional<std::int64_t> size, std::string_view op,
                                std::int64_t concrete_count_if_known) {
  if (size) {
    if (*size < 0) xjax::detail::raise<value_error>(op, "size must be non-negative, got {}", *size);
    return *size;
  }
  (void)a;
  return concrete_count_if_known;
}

/// Positions of the true elements of the 1-d bool `mask`, padded with `fill` to `size`.
inline array nonzero_1d(const array& mask, std::int64_t size, const array& fill) {
  const std::int64_t n = mask.shape()[0];
  array positions;
  if (n == 0) {
    positions = lax::broadcast_in_dim(konst(0, int32), {size}, {});
  } else {
    array key = lax::convert_element_type(lax::bitwise_not(mask), int32);
    auto [k, idx] = lax::sort_key_val(key, lax::iota(int32, n), 0, true);
    (void)k;
    if (size <= n) {
      positions = take_prefix(idx, 0, size);
    } else {
      positions = lax::pad(idx, konst(0, int32), {{0, size - n, 0}});
    }
  }
  array count = lax::reduce_sum(lax::convert_element_type(mask, int32), {0});
  array valid = lax::lt(lax::iota(int32, size), lax::broadcast_in_dim(count, {size}, {}));
  return lax::select_n(valid, {lax::broadcast_in_dim(fill, {size}, {}), positions});
}

inline std::int64_t concrete_true_count(const array& mask, std::string_view op, const array& input) {
  if (!mask.is_concrete()) {
    xjax::detail::raise<concretization_error>(
        op, "the size of the result depends on the values of a traced {} array; pass a static size",
        input.aval().str());
  }
  std::int64_t c = 0;
  for (bool b : mask.to_vector<bool>()) c += b;
  return c;
}

inline array nan_mask(const array& x) { return lax::ne(x, x); }

/// a < b (or a <= b) in JAX's sort order: NaN last, -0.0 == 0.0.
inline array total_less(const array& a, const array& b, bool or_equal) {
  if (!a.dtype().is_floating()) return or_equal ? lax::le(a, b) : lax::lt(a, b);
  if (or_equal) return lax::bitwise_or(lax::le(a, b), nan_mask(b));
  return lax::bitwise_or(lax::lt(a, b), lax::bitwise_and(lax::bitwise_not(nan_mask(a)), nan_mask(b)));
}

}  // namespace xjax::numpy::detail_sorting

namespace xjax::numpy {

XJAX_IMPL array sort(const array& a, std::optional<std::int64_t> axis, bool stable, bool descending) {
  array x = a;
  std::int64_t dim;
  if (!axis) {
    x = detail_sorting::ravel(a);
    dim = 0;
  } else {
    dim = normalize_axis("sort", *axis, a.ndim());
  }
  array r = lax::sort(x, dim, stable);
  return descending ? lax::rev(r, {dim}) : r;
}

XJAX_IMPL array argsort(const array& a, std::optional<std::int64_t> axis, bool stable, bool descending) {
  array x = a;
  std::int64_t dim;
  if (!axis) {
    x = detail_sorting::ravel(a);
    dim = 0;
  } else {
    dim = normalize_axis("argsort", *axis, a.ndim());
  }
  array iota = lax::broadcasted_iota(int32, x.shape(), dim);
  if (descending && stable) {
    x = lax::rev(x, {dim});
    iota = lax::rev(iota, {dim});
  }
  auto [k, idx] = lax::sort_key_val(x, iota, dim, stable);
  (void)k;
  return descending ? lax::rev(idx, {dim}) : idx;
}

XJAX_IMPL array searchsorted(const array& a, const array& v, const std::string& side) {
  if (side != "left" && side != "right") {
    xjax::detail::raise<value_error>("searchsorted", "side must be 'left' or 'right', got '{}'", side);
  }
  if (a.ndim() != 1) {
    xjax::detail::raise<value_error>("searchsorted", "a should be 1-dimensional, got an array of shape {}",
                                     shape_str(a.shape()));
  }
  auto pv = promote_dtypes({a, v});
  const array& sa = pv[0];
  const array& q = pv[1];
  const std::int64_t n = sa.shape()[0];
  // JAX's binary search (method "scan"), unrolled: ceil(log2(n + 1)) halvings of [low, high).
  const dtype idt = n >= (std::int64_t{1} << 31) - 1 ? int64 : int32;
  const dtype udt = idt == int32 ? uint32 : uint64;
  array low = lax::broadcast_in_dim(detail_sorting::konst(0, idt), q.shape(), {});
  array high = lax::broadcast_in_dim(detail_sorting::konst(n, idt), q.shape(), {});
  const array two = lax::broadcast_in_dim(detail_sorting::konst(2, udt), q.shape(), {});
  shape_t ishape = q.shape();
  ishape.push_back(1);
  lax::gather_dimension_numbers gd{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
  lax::gather_options go;
  go.mode = lax::gather_scatter_mode::clip;
  int levels = 0;
  while ((std::int64_t{1} << levels) < n + 1) ++levels;
  for (int level = 0; level < levels; ++level) {
    array sum = lax::add(lax::convert_element_type(low, udt), lax::convert_element_type(high, udt));
    array mid = lax::convert_element_type(lax::div(sum, two), idt);
    array a_mid = lax::gather(sa, lax::reshape(mid, ishape), gd, {1}, go);
    // left: go left while q <= a[mid]; right: while q < a[mid] (JAX's total order).
    array go_left = detail_sorting::total_less(q, a_mid, side == "left");
    low = lax::select_n(go_left, {mid, low});
    high = lax::select_n(go_left, {high, mid});
  }
  return idt == int32 ? high : lax::convert_element_type(high, int32);
}

XJAX_IMPL unique_result unique_all(const array& a, const unique_options& options) {
  using namespace detail_sorting;
  array flat = lax::reshape(a, {a.size()});
  const std::int64_t n = a.size();
  if (n == 0) {
    if (options.size && *options.size > 0 && !options.fill_value) {
      xjax::detail::raise<value_error>("unique",
                                       "for a zero-sized input (shape {}) with nonzero size {}, fill_value must be "
                                       "specified",
                                       shape_str(a.shape()), *options.size);
    }
    const std::int64_t size = options.size.value_or(0);
    unique_result r;
    array fill = options.fill_value ? convert_to(*options.fill_value, {a.dtype(), false}) : konst(0, a.dtype());
    r.values = lax::broadcast_in_dim(fill, {size}, {});
    r.indices = lax::broadcast_in_dim(konst(0, int32), {0}, {});
    r.inverse = lax::broadcast_in_dim(konst(0, int32), a.shape(), {});
    r.counts = lax::broadcast_in_dim(konst(0, int32), {0}, {});
    return r;
  }
  auto [aux, perm] = lax::sort_key_val(flat, lax::iota(int32, n), 0, true);
  array neq;
  std::vector<array> parts{lax::broadcast_in_dim(array(true), {1}, {})};
  if (n > 1) {
    array hi = lax::slice(aux, {1}, {n}), lo = lax::slice(aux, {0}, {n - 1});
    neq = lax::ne(hi, lo);
    if (aux.dtype().is_floating() && options.equal_nan) {
      neq = lax::bitwise_and(neq, lax::bitwise_not(lax::bitwise_and(nan_mask(hi), nan_mask(lo))));
    }
    parts.push_back(neq);
  }
  array mask = parts.size() == 1 ? parts[0] : lax::concatenate(parts, 0);
  const std::int64_t size = options.size ? static_size(a, options.size, "unique", 0)
                                         : concrete_true_count(mask, "unique", a);
  array ind = nonzero_1d(mask, size, konst(0, int32));
  lax::gather_dimension_numbers gd{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
  lax::gather_options go;
  go.mode = lax::gather_scatter_mode::clip;
  array ind2 = lax::reshape(ind, {size, 1});
  unique_result r;
  r.values = lax::gather(aux, ind2, gd, {1}, go);
  array count = lax::reduce_sum(lax::convert_element_type(mask, int32), {0});
  if (options.fill_value) {
    array fill = convert_to(*options.fill_value, {a.dtype(), false});
    array valid = lax::lt(lax::iota(int32, size), lax::broadcast_in_dim(count, {size}, {}));
    r.values = lax::select_n(valid, {lax::broadcast_in_dim(fill, {size}, {}), r.values});
  }
  r.indices = lax::gather(perm, ind2, gd, {1}, go);
  // inverse: inv[perm] = cumsum(mask) - 1
  array imask = lax::sub(lax::cumsum(lax::convert_element_type(mask, int32), 0), konst(1, int32));
  lax::scatter_dimension_numbers sd{.update_window_dims = {}, .inserted_window_dims = {0},
                                    .scatter_dims_to_operand_dims = {0}};
  array inv = lax::scatter(lax::broadcast_in_dim(konst(0, int32), {n}, {}), lax::reshape(perm, {n, 1}), imask, sd);
  r.inverse = lax::reshape(inv, a.shape());
  // counts: differences of the starts of the runs (padding: the end).
  array idx = nonzero_1d(mask, size + 1, konst(0, int32));
  array tail = lax::slice(idx, {1}, {size + 1});
  array nb = lax::broadcast_in_dim(konst(n, int32), {size}, {});
  tail = lax::select_n(lax::ne(tail, lax::broadcast_in_dim(konst(0, int32), {size}, {})), {nb, tail});
  array starts = size == 0 ? tail : lax::concatenate({lax::slice(idx, {0}, {1}), lax::slice(tail, {0}, {size - 1})}, 0);
  r.counts = lax::sub(tail, starts);
  return r;
}

XJAX_IMPL array unique(const array& a, std::optional<std::int64_t> size, const std::optional<array>& fill_value) {
  return unique_all(a, {.size = size, .fill_value = fill_value}).values;
}

XJAX_IMPL std::vector<array> nonzero(const array& a, std::optional<std::int64_t> size,
                                     std::optional<std::int64_t> fill_value) {
  using namespace detail_sorting;
  if (a.ndim() == 0) {
    xjax::detail::raise<value_error>("nonzero",
                                     "calling nonzero on 0-d arrays is not allowed; use jnp::atleast_1d first");
  }
  array mask = a.dtype() == bool_ ? a : lax::ne(a, lax::convert_element_type(konst(0, a.dtype()), a.dtype(), false));
  array flat = lax::reshape(mask, {a.size()});
  const std::int64_t sz = size ? static_size(a, size, "nonzero", 0) : concrete_true_count(flat, "nonzero", a);
  // An empty input gives zeros, fill_value or not (as JAX).
  array fill = konst(a.size() == 0 ? 0 : fill_value.value_or(0), int32);
  array pos = nonzero_1d(flat, sz, konst(0, int32));
  array count = lax::reduce_sum(lax::convert_element_type(flat, int32), {0});
  array valid = lax::lt(lax::iota(int32, sz), lax::broadcast_in_dim(count, {sz}, {}));
  std::vector<array> out;
  std::int64_t stride = 1;
  std::vector<std::int64_t> strides(a.ndim());
  for (std::int64_t d = a.ndim() - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= a.shape()[d];
  }
  for (std::int64_t d = 0; d < a.ndim(); ++d) {
    array c = pos;
    if (strides[d] != 1) c = lax::div(c, lax::broadcast_in_dim(konst(strides[d], int32), {sz}, {}));
    if (d > 0) c = lax::rem(c, lax::broadcast_in_dim(konst(std::max<std::int64_t>(a.shape()[d], 1), int32), {sz}, {}));
    out.push_back(lax::select_n(valid, {lax::broadcast_in_dim(fill, {sz}, {}), c}));
  }
  return out;
}

XJAX_IMPL array flatnonzero(const array& a, std::optional<std::int64_t> size, std::optional<std::int64_t> fill_value) {
  return nonzero(lax::reshape(a, {a.size()}), size, fill_value)[0];
}

XJAX_IMPL array argwhere(const array& a, std::optional<std::int64_t> size, std::optional<std::int64_t> fill_value) {
  array x = a.ndim() == 0 ? lax::reshape(a, {1}) : a;
  auto cols = nonzero(x, size, fill_value);
  const std::int64_t sz = cols[0].shape()[0];
  if (a.ndim() == 0) return lax::broadcast_in_dim(detail_sorting::konst(0, int32), {sz, 0}, {});
  std::vector<array> parts;
  for (auto& c : cols) parts.push_back(lax::broadcast_in_dim(c, {sz, 1}, {0}));
  return parts.size() == 1 ? parts[0] : lax::concatenate(parts, 1);
}

}  // namespace xjax::numpy

#endif  // XJAX_HAS_IMPL
