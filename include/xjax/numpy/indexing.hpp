#pragma once
// Indexing: x(i, j) with integers, slices, newaxis, ellipsis, integer arrays and boolean masks; x.at(index).set/add/multiply/min/max/get.
//
// `x[i, j, ...]` in JAX is `x(i, j, ...)` in xjax (operator() takes up to six
// xjax::index; x.getitem({...}) takes any number). Each index is one of:
//   - a C++ integer: a static index (negative counts from the end) that removes the
//     dimension. Out of range, it is clamped, as JAX 0.10.2 does (its
//     jax_check_static_indices is off by default); on a dimension of size 0 it is an error;
//   - xjax::slice(start, stop, step): Python's `start:stop:step`; a bound left out is
//     std::nullopt (`xjax::slice()` is `:`, `xjax::slice(std::nullopt, std::nullopt, -1)`
//     is `::-1`, `xjax::slice(1)` is `1:`). Step 0 is a value_error;
//   - xjax::newaxis (Python's None) and xjax::ellipsis (`...`);
//   - an integer array: advanced indexing with NumPy's rules (index arrays and integers
//     broadcast together; their dimensions replace the indexed ones where the advanced
//     indices are adjacent, else they go first);
//   - a boolean array (a mask over the next mask.ndim() dimensions): only a concrete one,
//     since the result's shape depends on its values (a traced mask is a
//     concretization_error naming its shape, as JAX's NonConcreteBooleanIndexError);
//     a boolean scalar (C++ bool or 0-d array) is NumPy's: a new dimension indexed by the
//     advanced index [0] (true) or [] (false), e.g. x(true) is f32[1,3,4], x(false, 1) f32[0,4];
//   - a traced 0-d integer array: a run-time index (dynamic_slice; clamped as JAX).
//
//   auto x = xjax::array::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
//   x(1);                                        // f32[4]: row 1 (slice + squeeze)
//   x(-1, xjax::slice(1, 3));                    // f32[2]: 9 10
//   x(xjax::slice(std::nullopt, std::nullopt, -1), xjax::newaxis);   // f32[3,1,4]
//   x(xjax::ellipsis, 0);                        // f32[3]: column 0
//   auto rows = xjax::array::from_vector<std::int32_t>({2, 0});
//   x(rows);                                     // f32[2,4] (gather; out-of-bound indices clamp)
//   x(rows, rows);                               // f32[2]: x[2,2], x[0,0]
//   x(xjax::slice(), rows);                      // f32[3,2]
//
// Functional updates (JAX's `x.at[...]`): the result is a new array; the update is
// converted to x's dtype and broadcast to the indexed shape; out-of-bound updates are
// dropped (mode fill_or_drop, JAX's default), or clamped with mode clip:
//   x.at(0).set(1.0f);                 x.at(rows, 1).add(10);
//   x.at(rows).multiply(2);            x.at(xjax::slice(0, 2)).max(5);
//   x.at(rows).get(xjax::lax::gather_scatter_mode::fill_or_drop, -1.0);   // NaN / -1 fill
//
// Lowering (values are JAX's; jaxprs are JAX's for static indices and single gathers):
// - static integers / slices / newaxis / ellipsis: lax.slice, rev, squeeze,
//   broadcast_in_dim, as JAX. An out-of-range static integer is clamped statically
//   (JAX gets the same value through dynamic_slice);
// - traced 0-d integer indices: lax::dynamic_slice (which normalizes negative indices
//   and clamps, as jnp indexing does), after static slicing of the other dimensions;
// - index arrays: static slicing first, then one lax.gather (mode promise_in_bounds by
//   default: clamped on the CPU, as JAX);
// - updates: the positions of the indexed elements are x's flat iota indexed the same
//   way (out of bounds: -1, dropped), then scatter / scatter-add on the flattened x.
//   xjax has no scatter-mul/min/max primitive: multiply/min/max read, combine and write
//   for basic indices, and with index arrays sort the updates by position and combine
//   repeated positions by a segmented scan (O(m log m) for m updates) before writing.
// Note: `index` is also a POSIX function (<strings.h>) in the global namespace; write
// `xjax::index` rather than `using namespace xjax;` + `index`.

#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/lax/indexing.hpp"

namespace xjax {

/// Python's slice `start:stop:step`; std::nullopt for a bound left out.
struct slice {
  std::optional<std::int64_t> start, stop, step;
  slice(std::optional<std::int64_t> start_ = std::nullopt, std::optional<std::int64_t> stop_ = std::nullopt,
        std::optional<std::int64_t> step_ = std::nullopt)
      : start(start_), stop(stop_), step(step_) {}
};

/// Python's None in an index: a new dimension of size 1.
struct newaxis_t {};
inline constexpr newaxis_t newaxis{};
/// Python's `...` in an index: as many full slices as needed.
struct ellipsis_t {};
inline constexpr ellipsis_t ellipsis{};

/// One entry of an index tuple.
class index {
 public:
  using value_type = std::variant<std::int64_t, slice, newaxis_t, ellipsis_t, array>;
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  index(T i) : m_value(static_cast<std::int64_t>(i)) {}  // NOLINT: implicit on purpose
  /// A bool or floating-point scalar becomes a 0-d array (rejected when indexing, as JAX).
  template <class T>
    requires(std::is_floating_point_v<T> || std::is_same_v<T, bool>)
  index(T v) : m_value(array(v)) {}  // NOLINT
  index(const slice& s) : m_value(s) {}                                  // NOLINT
  index(newaxis_t n) : m_value(n) {}                                     // NOLINT
  index(ellipsis_t e) : m_value(e) {}                                    // NOLINT
  index(const array& a) : m_value(a) {}                                  // NOLINT
  const value_type& value() const { return m_value; }

 private:
  value_type m_value;
};

/// What x.at(...) returns: JAX's _IndexUpdateRef. Each method returns a new array.
class indexed_ref {
 public:
  using mode_t = std::optional<lax::gather_scatter_mode>;
  indexed_ref(array x, std::vector<index> indices) : m_x(std::move(x)), m_indices(std::move(indices)) {}
  /// x[idx] = v
  XJAX_API array set(const array& v, mode_t mode = {}) const;
  /// x[idx] += v (repeated indices accumulate)
  XJAX_API array add(const array& v, mode_t mode = {}) const;
  /// x[idx] *= v (repeated indices accumulate)
  XJAX_API array multiply(const array& v, mode_t mode = {}) const;
  /// x[idx] = minimum(x[idx], v)
  XJAX_API array min(const array& v, mode_t mode = {}) const;
  /// x[idx] = maximum(x[idx], v)
  XJAX_API array max(const array& v, mode_t mode = {}) const;
  /// x[idx] with an explicit gather mode and fill value (for fill_or_drop).
  XJAX_API array get(mode_t mode = {}, std::optional<lax::static_scalar> fill_value = {}) const;

 private:
  array m_x;
  std::vector<index> m_indices;
};

}  // namespace xjax

namespace xjax::numpy {
/// x[indices] (jax.numpy's __getitem__) with an explicit gather mode and fill value.
XJAX_API array getitem(const array& x, const std::vector<index>& indices,
                       std::optional<lax::gather_scatter_mode> mode = {},
                       std::optional<lax::static_scalar> fill_value = {});
}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <algorithm>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"

namespace xjax::numpy::detail_indexing {

enum class kind { integer, slice, newaxis, advanced, mask };

struct entry {
  entry(kind k_, std::int64_t raw_pos_, std::int64_t i_ = 0) : k(k_), raw_pos(raw_pos_), i(i_) {}
  kind k;
  std::int64_t raw_pos = 0;  // position in the index tuple (an ellipsis counts once)
  std::int64_t i = 0;        // integer
  xjax::slice s;             // slice
  array a;                   // advanced (integer array)
  bool inserted = false;     // a boolean scalar: an index array of shape (1,) or (0,) into a new dimension
};

struct canon_slice {
  std::int64_t start, step, size;
};

/// Python's slice.indices(n) and the number of elements.
inline canon_slice canonicalize(const xjax::slice& s, std::int64_t n) {
  std::int64_t step = s.step.value_or(1);
  if (step == 0) xjax::detail::raise<value_error>("getitem", "slice step cannot be zero");
  std::int64_t start, stop;
  if (step > 0) {
    start = s.start ? *s.start : 0;
    stop = s.stop ? *s.stop : n;
    if (start < 0) start = std::max<std::int64_t>(start + n, 0);
    if (stop < 0) stop = std::max<std::int64_t>(stop + n, 0);
    start = std::min(start, n);
    stop = std::min(stop, n);
  } else {
    start = s.start ? *s.start : n - 1;
    stop = s.stop ? *s.stop : -n - 1;
    if (start < 0) start = std::max<std::int64_t>(start + n, -1);
    if (stop < 0) stop = std::max<std::int64_t>(stop + n, -1);
    start = std::min(start, n - 1);
    stop = std::min(stop, n - 1);
  }
  std::int64_t size = 0;
  if (step > 0 && stop > start) size = (stop - start + step - 1) / step;
  if (step < 0 && start > stop) size = (start - stop + (-step) - 1) / (-step);
  return {start, step, size};
}

/// Positions of the true elements of a concrete boolean array, one int32 array per dimension.
inline std::vector<array> concrete_nonzero(const array& mask) {
  auto v = mask.to_vector<bool>();
  const auto& shape = mask.shape();
  std::vector<std::vector<std::int32_t>> coords(shape.size());
  for (std::size_t f = 0; f < v.size(); ++f) {
    if (!v[f]) continue;
    std::int64_t rem = static_cast<std::int64_t>(f);
    for (std::int64_t d = static_cast<std::int64_t>(shape.size()) - 1; d >= 0; --d) {
      coords[d].push_back(static_cast<std::int32_t>(rem % shape[d]));
      rem /= shape[d];
    }
  }
  std::vector<array> out;
  for (auto& c : coords) out.push_back(array::from_vector(c, {static_cast<std::int64_t>(c.size())}));
  return out;
}

/// Normalizes a (traced or concrete) integer index against dimension size n: i < 0 -> i + n,
/// then converts to int32 (JAX's gather index dtype).
inline array normalize_index(const array& i, std::int64_t n) {
  array r = i;
  if (i.dtype().is_signed_integer()) {
    array zero, nn;
    {
      eager_scope now;  // constants, staged as literals
      zero = lax::convert_element_type(array(0), i.dtype(), true);
      nn = lax::convert_element_type(array(n), i.dtype(), true);
    }
    array negative = lax::lt(i, zero);  // in JAX's order: lt, add, select_n
    array wrapped = lax::add(i, nn);
    r = lax::select_n(negative, {i, wrapped});
  }
  if (r.dtype() != int32 || r.weak_type()) r = lax::convert_element_type(r, int32, false);
  return r;
}

/// Parses the index tuple against x's shape: bool masks expanded, ellipsis expanded,
/// trailing full slices added. Errors as JAX's IndexError / TypeError.
inline std::vector<entry> parse(const shape_t& shape, const std::vector<index>& indices, std::string_view op) {
  std::vector<entry> raw;
  std::int64_t ellipsis_at = -1, consumed = 0;
  std::int64_t pos = 0;
  for (const auto& idx : indices) {
    const auto& v = idx.value();
    if (auto p = std::get_if<std::int64_t>(&v)) {
      raw.push_back({kind::integer, pos, *p});
      ++consumed;
    } else if (auto s = std::get_if<xjax::slice>(&v)) {
      if (s->step && *s->step == 0) xjax::detail::raise<value_error>(op, "slice step cannot be zero");
      entry e{kind::slice, pos};
      e.s = *s;
      raw.push_back(e);
      ++consumed;
    } else if (std::holds_alternative<newaxis_t>(v)) {
      raw.push_back({kind::newaxis, pos});
    } else if (std::holds_alternative<ellipsis_t>(v)) {
      if (ellipsis_at >= 0) xjax::detail::raise<value_error>(op, "an index can only have a single ellipsis");
      ellipsis_at = static_cast<std::int64_t>(raw.size());
      raw.push_back({kind::slice, pos});  // placeholder, expanded below
    } else {
      const array& a = std::get<array>(v);
      if (a.dtype() == bool_) {
        if (!a.is_concrete()) {
          xjax::detail::raise<concretization_error>(
              op,
              "array boolean indices must be concrete; got a traced {} mask (the result's shape would depend on "
              "its values); use jnp::where or a static size instead",
              a.aval().str());
        }
        if (a.ndim() == 0) {
          // As NumPy and JAX: a new dimension of size 1 indexed by the advanced index
          // [0] (True) or [] (False), which broadcasts with the other advanced indices.
          entry e{kind::advanced, pos++};
          e.inserted = true;
          e.a = a.item<bool>() ? array::from_vector<std::int32_t>({0}) : array::from_vector<std::int32_t>({});
          raw.push_back(e);
          continue;
        }
        entry e{kind::mask, pos};
        e.a = a;
        raw.push_back(e);
        consumed += a.ndim();
        ++pos;
        continue;
      }
      if (!a.dtype().is_integer()) {
        xjax::detail::raise<type_error>(op,
                                        "indexer must be an integer, slice, newaxis, ellipsis, or an integer or "
                                        "boolean array; got an array of dtype {} (shape {})",
                                        a.dtype().name(), shape_str(a.shape()));
      }
      entry e{kind::advanced, pos};
      e.a = a;
      raw.push_back(e);
      ++consumed;
    }
    ++pos;
  }
  const std::int64_t ndim = static_cast<std::int64_t>(shape.size());
  if (consumed > ndim) {
    xjax::detail::raise<shape_error>(op, "too many indices for array: array of shape {} is {}-dimensional, but {} were indexed",
                                     shape_str(shape), ndim, consumed);
  }
  // Expand the ellipsis and the masks (a mask of rank k becomes k index arrays at k
  // consecutive positions of the tuple, as JAX's expand_bool_indices).
  std::vector<entry> out;
  std::int64_t d = 0, p = 0;
  for (std::int64_t r = 0; r < static_cast<std::int64_t>(raw.size()); ++r) {
    if (r == ellipsis_at) {
      for (std::int64_t k = 0; k < ndim - consumed; ++k) out.push_back({kind::slice, p});
      d += ndim - consumed;
      ++p;
    } else if (raw[r].k == kind::mask) {
      const array& a = raw[r].a;
      bool ok = true;
      for (std::int64_t k = 0; ok && k < a.ndim(); ++k) ok = a.shape()[k] == shape[d + k];
      if (!ok) {
        xjax::detail::raise<shape_error>(op,
                                         "boolean index did not match shape of indexed array in index {}: got {}, "
                                         "expected {} at dimension {} of {}",
                                         raw[r].raw_pos, shape_str(a.shape()),
                                         shape_str(shape_t(shape.begin() + d, shape.begin() + d + a.ndim())), d,
                                         shape_str(shape));
      }
      for (auto& c : concrete_nonzero(a)) {
        entry e{kind::advanced, p++};
        e.a = c;
        out.push_back(e);
      }
      d += a.ndim();
    } else {
      entry e = raw[r];
      e.raw_pos = p++;
      out.push_back(e);
      if (e.k != kind::newaxis && !e.inserted) ++d;
    }
  }
  if (ellipsis_at < 0) {
    for (std::int64_t k = 0; k < ndim - consumed; ++k) out.push_back({kind::slice, p});
  }
  return out;
}

/// x[indices]. With `update` (for .at), static integers become advanced (dropped when out
/// of bounds rather than clamped) and the dynamic_slice path is not used.
inline array take(const array& x, const std::vector<index>& indices, std::optional<lax::gather_scatter_mode> mode,
                  std::optional<lax::static_scalar> fill_value, bool update, std::string_view op) {
  auto es = parse(x.shape(), indices, op);
  array x_in = x;
  {
    shape_t bool_dims;
    std::int64_t d = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) continue;
      if (e.inserted) bool_dims.push_back(d);
      ++d;
    }
    if (!bool_dims.empty()) x_in = lax::expand_dims(x, bool_dims);
  }
  const auto& xs = x_in.shape();
  bool any_array = false, nonscalar_array = false;
  for (auto& e : es) {
    if (e.k == kind::advanced) {
      any_array = true;
      nonscalar_array = nonscalar_array || e.a.ndim() > 0;
    }
  }
  const bool fill_mode = mode && *mode == lax::gather_scatter_mode::fill_or_drop;
  const bool gather_path = update || nonscalar_array || (any_array && fill_mode);
  // Integers: static (clamped) unless the gather path makes them advanced.
  {
    std::int64_t d = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) continue;
      if (e.k == kind::integer || e.k == kind::advanced) {
        if (xs[d] == 0 && (e.k == kind::integer || e.a.ndim() == 0)) {
          xjax::detail::raise<shape_error>(op, "index is out of bounds for axis {} with size 0 (array shape {})", d,
                                           shape_str(xs));
        }
      }
      if (e.k == kind::integer) {
        if (gather_path) {
          e.k = kind::advanced;
          e.a = array(static_cast<std::int32_t>(std::clamp<std::int64_t>(e.i, std::numeric_limits<std::int32_t>::min(),
                                                                          std::numeric_limits<std::int32_t>::max())),
                      int32);
        } else {
          std::int64_t i = e.i < 0 ? e.i + xs[d] : e.i;
          e.i = std::clamp<std::int64_t>(i, 0, xs[d] - 1);
        }
      }
      ++d;
    }
  }
  // Static slicing: slices (and static integers) through lax.slice, negative steps by rev.
  shape_t start(xs.size(), 0), limit = xs, strides(xs.size(), 1);
  bool need_slice = false, need_strides = false;
  shape_t rev_dims;
  {
    std::int64_t d = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) continue;
      if (e.k == kind::integer) {
        start[d] = e.i;
        limit[d] = e.i + 1;
        need_slice = true;
      } else if (e.k == kind::slice) {
        auto c = canonicalize(e.s, xs[d]);
        if (c.size == 0) {
          start[d] = limit[d] = std::clamp<std::int64_t>(c.start, 0, xs[d]);  // as JAX
        } else if (c.step > 0) {
          start[d] = c.start;
          limit[d] = c.start + (c.size - 1) * c.step + 1;
          strides[d] = c.step;
        } else {
          start[d] = c.start + (c.size - 1) * c.step;
          limit[d] = c.start + 1;
          strides[d] = -c.step;
          rev_dims.push_back(d);
        }
        if (strides[d] != 1) need_strides = true;
        if (start[d] != 0 || limit[d] != xs[d]) need_slice = true;
      }
      ++d;
    }
  }
  array y = x_in;
  if (need_slice || need_strides) {
    y = lax::slice(x_in, start, limit, need_strides ? std::optional<shape_t>(strides) : std::nullopt);
  }
  if (!rev_dims.empty()) y = lax::rev(y, rev_dims);
  const auto& ys = y.shape();

  // Final positions of newaxis dims are computed from the output layout.
  auto expand_newaxes = [&](array r, const shape_t& newaxis_dims) {
    return newaxis_dims.empty() ? r : lax::expand_dims(r, newaxis_dims);
  };

  if (!gather_path) {
    // Static slice or dynamic_slice, then squeeze and expand_dims, as JAX.
    shape_t squeeze_dims, newaxis_dims;
    std::vector<array> starts;
    shape_t sizes = ys;
    bool dynamic = false;
    std::int64_t d = 0, out = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) {
        newaxis_dims.push_back(out++);
        continue;
      }
      if (e.k == kind::integer) {
        squeeze_dims.push_back(d);
        starts.push_back(array(0));
      } else if (e.k == kind::advanced) {
        squeeze_dims.push_back(d);
        // lax::dynamic_slice normalizes negative indices and clamps, as JAX's indexing does.
        starts.push_back(e.a.dtype() == int32 && !e.a.weak_type() ? e.a : lax::convert_element_type(e.a, int32, false));
        sizes[d] = 1;
        dynamic = true;
      } else {
        starts.push_back(array(0));
        ++out;
      }
      ++d;
    }
    if (dynamic) {
      for (auto& s : starts) {
        if (s.weak_type()) s = lax::convert_element_type(s, int32, false);
      }
      y = lax::dynamic_slice(y, starts, sizes);
    }
    if (!squeeze_dims.empty()) y = lax::squeeze(y, squeeze_dims);
    return expand_newaxes(y, newaxis_dims);
  }

  // Gather: advanced indices broadcast together; their dimensions go where the first
  // advanced index is when the advanced indices are adjacent in the index tuple, else first.
  std::vector<std::int64_t> adv_raw;
  std::vector<array> adv;
  shape_t adv_dims;
  {
    std::int64_t d = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) continue;
      if (e.k == kind::advanced) {
        adv_raw.push_back(e.raw_pos);
        adv.push_back(normalize_index(e.a, ys[d]));
        adv_dims.push_back(d);
      }
      ++d;
    }
  }
  if (adv.empty()) {  // only slices and newaxis (an update of a basic index)
    shape_t newaxis_dims;
    std::int64_t out = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) newaxis_dims.push_back(out);
      ++out;
    }
    return expand_newaxes(y, newaxis_dims);
  }
  bool contiguous = true;
  for (std::size_t k = 1; k < adv_raw.size(); ++k) contiguous = contiguous && adv_raw[k] - adv_raw[k - 1] == 1;
  std::vector<shape_t> adv_shapes;
  for (auto& a : adv) adv_shapes.push_back(a.shape());
  shape_t bshape = broadcast_shapes(adv_shapes, op);
  const std::int64_t nb = static_cast<std::int64_t>(bshape.size());

  // Output layout (without newaxis dims) and newaxis positions in the final result.
  shape_t out_shape, offset_dims, newaxis_dims, slice_sizes = ys;
  std::int64_t final_pos = 0;  // position in the final result (with newaxis dims)
  bool placed = false;
  auto place_batch = [&]() {
    out_shape.insert(out_shape.end(), bshape.begin(), bshape.end());
    final_pos += nb;
    placed = true;
  };
  if (!contiguous) place_batch();
  {
    std::int64_t d = 0;
    for (auto& e : es) {
      if (e.k == kind::newaxis) {
        newaxis_dims.push_back(final_pos++);
        continue;
      }
      if (e.k == kind::advanced) {
        if (!placed) place_batch();
        slice_sizes[d] = 1;
      } else {
        offset_dims.push_back(static_cast<std::int64_t>(out_shape.size()));
        out_shape.push_back(ys[d]);
        ++final_pos;
      }
      ++d;
    }
  }
  array result;
  if (shape_size(out_shape) == 0) {
    result = lax::broadcast_in_dim(lax::convert_element_type(array(0), y.dtype(), false), out_shape, {});
  } else {
    for (std::size_t k = 0; k < adv_dims.size(); ++k) {
      if (ys[adv_dims[k]] == 0) {
        xjax::detail::raise<shape_error>(op, "index is out of bounds for axis {} with size 0 (array shape {})",
                                         adv_dims[k], shape_str(xs));
      }
    }
    shape_t ishape = bshape;
    ishape.push_back(1);
    shape_t bdims;
    for (std::int64_t k = 0; k < nb; ++k) bdims.push_back(k);
    std::vector<array> parts;
    for (auto& a : adv) {
      shape_t dims;
      const std::int64_t lead = nb - a.ndim();
      for (std::int64_t k = 0; k < a.ndim(); ++k) dims.push_back(lead + k);
      parts.push_back(lax::broadcast_in_dim(a, ishape, dims));
    }
    array gidx = parts.size() == 1 ? parts[0] : lax::concatenate(parts, nb);
    shape_t collapsed = adv_dims;
    std::sort(collapsed.begin(), collapsed.end());
    lax::gather_dimension_numbers dn{.offset_dims = offset_dims,
                                     .collapsed_slice_dims = collapsed,
                                     .start_index_map = adv_dims};
    lax::gather_options opts;
    opts.mode = mode ? *mode : lax::gather_scatter_mode::promise_in_bounds;
    opts.fill_value = fill_value;
    result = lax::gather(y, gidx, dn, slice_sizes, opts);
  }
  return expand_newaxes(result, newaxis_dims);
}

enum class update_op { set, add, mul, min, max };

inline array scatter_update(const array& x, const std::vector<index>& indices, const array& v, update_op uop,
                            std::optional<lax::gather_scatter_mode> mode, std::string_view op) {
  const std::int64_t n = x.size();
  // The flat positions of the indexed elements: x's iota indexed as x is (out of bounds: -1).
  const dtype pdt = n > std::numeric_limits<std::int32_t>::max() ? int64 : int32;
  array positions = lax::reshape(lax::iota(pdt, n), x.shape());
  const bool clip = mode && *mode == lax::gather_scatter_mode::clip;
  positions = take(positions, indices,
                   clip ? lax::gather_scatter_mode::clip : lax::gather_scatter_mode::fill_or_drop,
                   lax::static_scalar(-1), /*update=*/true, op);
  // The update: x's dtype, broadcast to the indexed shape.
  array u = v;
  if (u.dtype() != x.dtype() || u.weak_type() != x.weak_type()) u = convert_to(u, {x.dtype(), x.weak_type()});
  if (u.shape() != positions.shape()) {
    // JAX drops leading dimensions of size 1 that exceed the indexed rank.
    while (u.ndim() > positions.ndim() && u.shape()[0] == 1) u = lax::squeeze(u, {0});
    bool ok = u.ndim() <= positions.ndim();
    for (std::int64_t k = 0; ok && k < u.ndim(); ++k) {
      std::int64_t a = u.shape()[u.ndim() - 1 - k], b = positions.shape()[positions.ndim() - 1 - k];
      ok = a == 1 || a == b;
    }
    if (!ok) {
      xjax::detail::raise<shape_error>(op, "cannot broadcast an update of shape {} to the indexed shape {}",
                                       shape_str(v.shape()), shape_str(positions.shape()));
    }
    u = broadcast_to(u, positions.shape());
  }
  const std::int64_t m = positions.size();
  array flat = lax::reshape(x, {n});
  array pos = lax::reshape(positions, {m, 1});
  array upd = lax::reshape(u, {m});
  lax::scatter_dimension_numbers dn{.update_window_dims = {}, .inserted_window_dims = {0},
                                    .scatter_dims_to_operand_dims = {0}};
  lax::scatter_options so;
  so.mode = lax::gather_scatter_mode::fill_or_drop;
  array out;
  if (m == 0 || n == 0) return x;
  if (uop == update_op::set) {
    out = lax::scatter(flat, pos, upd, dn, so);
  } else if (uop == update_op::add) {
    out = lax::scatter_add(flat, pos, upd, dn, so);
  } else {
    bool unique = true;
    for (auto& idx : indices) {
      if (auto a = std::get_if<array>(&idx.value())) unique = unique && a->ndim() == 0;
    }
    auto combine = [&](const array& a, const array& b) {
      return uop == update_op::mul ? lax::mul(a, b) : uop == update_op::min ? lax::min(a, b) : lax::max(a, b);
    };
    if (unique) {
      // Distinct positions: read, combine, write.
      lax::gather_dimension_numbers gd{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
      lax::gather_options go;
      go.mode = lax::gather_scatter_mode::clip;
      array cur = lax::gather(flat, pos, gd, {1}, go);
      out = lax::scatter(flat, pos, combine(cur, upd), dn, so);
    } else {
      // Repeated positions combine: sort the updates by position, combine each run with a
      // segmented inclusive scan (Hillis-Steele: log2(m) shifted steps), then write the
      // last element of each run combined with x's value there (xjax has no scatter-mul,
      // scatter-min or scatter-max primitive).
      auto konst = [](std::int64_t v, dtype d) {
        eager_scope now;
        return lax::convert_element_type(array(v), d, false);
      };
      array p1 = lax::reshape(positions, {m});
      auto sorted = lax::sort({p1, upd}, 0, true, 1);
      array sp = sorted[0], su = sorted[1];
      const array pad_pos = konst(-2, pdt), pad_val = konst(0, upd.dtype());
      for (std::int64_t k = 1; k < m; k *= 2) {
        array prev_p = lax::pad(lax::slice(sp, {0}, {m - k}), pad_pos, {{k, 0, 0}});
        array prev_u = lax::pad(lax::slice(su, {0}, {m - k}), pad_val, {{k, 0, 0}});
        su = lax::select_n(lax::eq(sp, prev_p), {su, combine(prev_u, su)});
      }
      array next_p = lax::pad(lax::slice(sp, {1}, {m}), pad_pos, {{0, 1, 0}});
      array target = lax::select_n(lax::ne(sp, next_p), {lax::broadcast_in_dim(konst(-1, pdt), {m}, {}), sp});
      array tpos = lax::reshape(target, {m, 1});
      lax::gather_dimension_numbers gd{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
      lax::gather_options go;
      go.mode = lax::gather_scatter_mode::clip;
      array cur = lax::gather(flat, tpos, gd, {1}, go);
      out = lax::scatter(flat, tpos, combine(cur, su), dn, so);
    }
  }
  return lax::reshape(out, x.shape());
}

}  // namespace xjax::numpy::detail_indexing

namespace xjax::numpy {
XJAX_IMPL array getitem(const array& x, const std::vector<index>& indices,
                        std::optional<lax::gather_scatter_mode> mode, std::optional<lax::static_scalar> fill_value) {
  return detail_indexing::take(x, indices, mode, fill_value, false, "getitem");
}
}  // namespace xjax::numpy

namespace xjax {
XJAX_IMPL array array::getitem(const std::vector<index>& indices) const {
  return numpy::detail_indexing::take(*this, indices, std::nullopt, std::nullopt, false, "getitem");
}
XJAX_IMPL array array::operator()(const index& i0) const { return getitem({i0}); }
XJAX_IMPL array array::operator()(const index& i0, const index& i1) const { return getitem({i0, i1}); }
XJAX_IMPL array array::operator()(const index& i0, const index& i1, const index& i2) const {
  return getitem({i0, i1, i2});
}
XJAX_IMPL array array::operator()(const index& i0, const index& i1, const index& i2, const index& i3) const {
  return getitem({i0, i1, i2, i3});
}
XJAX_IMPL array array::operator()(const index& i0, const index& i1, const index& i2, const index& i3,
                                  const index& i4) const {
  return getitem({i0, i1, i2, i3, i4});
}
XJAX_IMPL array array::operator()(const index& i0, const index& i1, const index& i2, const index& i3, const index& i4,
                                  const index& i5) const {
  return getitem({i0, i1, i2, i3, i4, i5});
}
XJAX_IMPL indexed_ref array::at(const index& i0) const { return indexed_ref(*this, {i0}); }
XJAX_IMPL indexed_ref array::at(const index& i0, const index& i1) const { return indexed_ref(*this, {i0, i1}); }
XJAX_IMPL indexed_ref array::at(const index& i0, const index& i1, const index& i2) const {
  return indexed_ref(*this, {i0, i1, i2});
}
XJAX_IMPL indexed_ref array::at(const index& i0, const index& i1, const index& i2, const index& i3) const {
  return indexed_ref(*this, {i0, i1, i2, i3});
}
XJAX_IMPL indexed_ref array::at(const std::vector<index>& indices) const { return indexed_ref(*this, indices); }

XJAX_IMPL array indexed_ref::set(const array& v, mode_t mode) const {
  return numpy::detail_indexing::scatter_update(m_x, m_indices, v, numpy::detail_indexing::update_op::set, mode,
                                                "at.set");
}
XJAX_IMPL array indexed_ref::add(const array& v, mode_t mode) const {
  return numpy::detail_indexing::scatter_update(m_x, m_indices, v, numpy::detail_indexing::update_op::add, mode,
                                                "at.add");
}
XJAX_IMPL array indexed_ref::multiply(const array& v, mode_t mode) const {
  return numpy::detail_indexing::scatter_update(m_x, m_indices, v, numpy::detail_indexing::update_op::mul, mode,
                                                "at.multiply");
}
XJAX_IMPL array indexed_ref::min(const array& v, mode_t mode) const {
  return numpy::detail_indexing::scatter_update(m_x, m_indices, v, numpy::detail_indexing::update_op::min, mode,
                                                "at.min");
}
XJAX_IMPL array indexed_ref::max(const array& v, mode_t mode) const {
  return numpy::detail_indexing::scatter_update(m_x, m_indices, v, numpy::detail_indexing::update_op::max, mode,
                                                "at.max");
}
XJAX_IMPL array indexed_ref::get(mode_t mode, std::optional<lax::static_scalar> fill_value) const {
  return numpy::detail_indexing::take(m_x, m_indices, mode, fill_value, false, "at.get");
}
}  // namespace xjax
#endif  // XJAX_HAS_IMPL
