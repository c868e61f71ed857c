#pragma once
// Indexing primitives: gather, scatter and scatter-add (XLA's Gather and Scatter).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).
//
// Both ops pair the elements of a "side" array (gather's output, scatter's updates)
// with elements of the operand:
//
//     side[b..., w...]  <->  operand[start(b) + w]
//
// for each index vector b (the indices' dimensions but the last, which holds the
// vector) and each position w of a window whose size is given per operand dimension
// (gather's slice_sizes; for scatter, the updates' window dimensions). The side's
// window dimensions (offset_dims / update_window_dims) index the window's operand
// dimensions that are neither collapsed (collapsed_slice_dims / inserted_window_dims)
// nor batching dimensions; its other dimensions are those of the index vectors.
// start(b) takes index vector component k along operand dimension start_index_map[k],
// and along each operand batching dimension the position of b along the paired
// indices batching dimension.
//
// Out-of-bounds start indices, as JAX on the CPU: gather clamps them so that the
// window is in bounds (CLIP, PROMISE_IN_BOUNDS) or fills the window (FILL_OR_DROP,
// after wrapping the indices to int32 as JAX's lowering does); scatter clamps (CLIP)
// or drops the whole window (FILL_OR_DROP, PROMISE_IN_BOUNDS). Scatter applies the
// index vectors in order, so a later one wins where windows overlap.
//
// The kernels move bytes and do not depend on the dtype, except scatter-add's sum,
// computed in the reference compute types and rounded to the dtype at each step.
//
// Differentiation, as jax/_src/lax/slicing.py 0.10.2 (indices are never
// differentiable):
//   gather       linear in the operand: JVP gathers the tangent (fill value 0 under
//                FILL_OR_DROP); transpose scatter-adds the cotangent into zeros with
//                the mirrored dimension numbers, so repeated indices accumulate.
//   scatter-add  linear in (operand, updates) jointly: the operand's cotangent is the
//                cotangent, the updates' is its gather at the indices.
//   scatter      where unique_indices promises no overlap: linear as scatter-add, the
//                operand's cotangent being the cotangent with the written windows
//                zeroed. Otherwise JAX's _scatter_jvp: each update gets an id, the ids
//                are scattered and gathered back to find which update won each
//                element, the losers (and the overwritten operand elements) are masked
//                to zero, and primal and tangent are scatter-adds of what is left, so
//                no transpose of a non-unique scatter is ever needed (it is an error,
//                as in JAX).
//
// Batching, as slicing.py 0.10.2's _gather_batching_rule and _scatter_batching_rule,
// with the dimension numbers' operand / indices batching dims (which xjax's
// gather_dimension_numbers and scatter_dimension_numbers model, as JAX's do), so
// there is no iota concatenated into the indices. Batch dims go to the front; the
// result's batch dim is 0.
//   gather   operand batched only: the batch dim becomes a leading offset dim of
//            slice size B (the whole batch dim is read). Indices batched only: a
//            leading batch dim of the index vectors, so a leading output dim; the
//            sortedness and uniqueness promises are dropped (different examples may
//            read the same element). Both: a new pair of operand / indices batching
//            dims (slice size 1, or 0 for B = 0).
//   scatter, scatter-add
//            the operand and the updates are batched at the front (unbatched ones
//            broadcast). Indices unbatched: the batch dim is a leading update window
//            dim. Indices batched: a new pair of operand / indices batching dims.
// dynamic_slice and dynamic_update_slice (primitives/structure.hpp) are batched here
// as JAX batches them: their start indices become one index array, of shape (n,)
// when no start index is batched and (B, n) otherwise (batched at 0, the unbatched
// starts broadcast), and the op a CLIP-mode gather / scatter with unique, sorted
// indices, batched by the rules above. CLIP clamps a window into bounds exactly as
// the dynamic ops clamp their starts.

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>
#include <span>
#include <variant>

#include <fmt/format.h>

#include "xjax/backend/reference/compute.hpp"
#include "xjax/ir/printer.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/indexing.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/primitives/structure.hpp"  // structure_ad: zeros, full

namespace xjax::prim {

/// Calls f(coords) for each position of `shape` in row-major order (also used by linalg.hpp).
template <class F> void for_each_index(const shape_t& shape, F&& f) {
  if (shape_size(shape) == 0) return;
  shape_t c(shape.size(), 0);
  for (;;) {
    f(c);
    std::size_t i = shape.size();
    for (; i > 0; --i) {
      if (++c[i - 1] < shape[i - 1]) break;
      c[i - 1] = 0;
    }
    if (i == 0) return;
  }
}

// ---------------------------------------------------------------------------
// Validation of dimension numbers: the rules of XLA's shape inference, as JAX
// checks them (jax/_src/lax/slicing.py), with xjax's messages.

namespace indexing_detail {

inline void check_sorted(std::string_view op, std::string_view name, const shape_t& dims) {
  if (!std::is_sorted(dims.begin(), dims.end())) {
    detail::raise<value_error>(op, "{} must be sorted in increasing order, got {}", name, shape_str(dims));
  }
}

inline void check_unique(std::string_view op, std::string_view name, const shape_t& dims) {
  if (std::set<std::int64_t>(dims.begin(), dims.end()).size() != dims.size()) {
    detail::raise<value_error>(op, "{} must not repeat a dimension, got {}", name, shape_str(dims));
  }
}

/// Every dim in [0, rank) of `what` ("the operand", "the indices"...).
inline void check_in_range(std::string_view op, std::string_view name, const shape_t& dims, std::int64_t rank,
                           std::string_view what) {
  for (auto d : dims) {
    if (d < 0 || d >= rank) {
      detail::raise<value_error>(op, "{} {} holds dimension {}, out of range for {} of rank {} (valid: [0, {}))",
                                 name, shape_str(dims), d, what, rank, rank);
    }
  }
}

inline void check_dims(std::string_view op, std::string_view name, const shape_t& dims, std::int64_t rank,
                       std::string_view what, bool sorted) {
  if (sorted) check_sorted(op, name, dims);
  check_unique(op, name, dims);
  check_in_range(op, name, dims, rank, what);
}

inline bool contains(const shape_t& dims, std::int64_t d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); }

inline void check_disjoint(std::string_view op, std::string_view name1, const shape_t& dims1, std::string_view name2,
                           const shape_t& dims2) {
  for (auto d : dims1) {
    if (contains(dims2, d)) {
      detail::raise<value_error>(op, "{} {} and {} {} must be disjoint; both hold dimension {}", name1,
                                 shape_str(dims1), name2, shape_str(dims2), d);
    }
  }
}

inline shape_t gather_dims(const shape_t& shape, const shape_t& dims) {
  shape_t out;
  for (auto d : dims) out.push_back(shape[static_cast<std::size_t>(d)]);
  return out;
}

inline void check_index_dtype(std::string_view op, dtype d) {
  if (!d.is_integer()) {
    detail::raise<type_error>(op, "indices must have an integer dtype, got {}", d.name());
  }
}

/// Indices have at least one dimension: the last holds the index vectors.
inline void check_index_rank(std::string_view op, const aval& indices) {
  if (indices.ndim() == 0) {
    detail::raise<shape_error>(op,
                               "indices must have at least one dimension (the last holds the index vectors; "
                               "add a trailing dimension of size 1 for scalar indices), got shape ()");
  }
}

/// The checks gather and scatter share: the index map and the batching dimensions.
/// `map_name` is start_index_map / scatter_dims_to_operand_dims, `collapsed` the
/// collapsed_slice_dims / inserted_window_dims, `ib` the indices' batching dims.
inline void check_index_map_and_batching(std::string_view op, const aval& operand, const aval& indices,
                                         std::string_view map_name, const shape_t& map, std::string_view collapsed_name,
                                         const shape_t& collapsed, const shape_t& operand_batching,
                                         std::string_view ib_name, const shape_t& ib) {
  const std::int64_t index_vector_dim = indices.ndim() - 1;
  const auto vector_size = indices.shape.back();
  if (static_cast<std::int64_t>(map.size()) != vector_size) {
    detail::raise<shape_error>(op,
                               "{} {} has {} entries but the index vectors (the last dimension of indices of shape "
                               "{}) have {} components; these must be equal",
                               map_name, shape_str(map), map.size(), shape_str(indices.shape), vector_size);
  }
  check_dims(op, map_name, map, operand.ndim(), "the operand", /*sorted=*/false);
  check_dims(op, collapsed_name, collapsed, operand.ndim(), "the operand", /*sorted=*/true);
  check_dims(op, "operand_batching_dims", operand_batching, operand.ndim(), "the operand", /*sorted=*/true);
  check_disjoint(op, collapsed_name, collapsed, "operand_batching_dims", operand_batching);
  check_disjoint(op, map_name, map, "operand_batching_dims", operand_batching);
  check_unique(op, ib_name, ib);
  check_in_range(op, ib_name, ib, indices.ndim(), "the indices");
  if (contains(ib, index_vector_dim)) {
    detail::raise<value_error>(op,
                               "{} {} holds the index vector dimension {} (the last dimension of indices), which "
                               "cannot be a batching dimension",
                               ib_name, shape_str(ib), index_vector_dim);
  }
  if (operand_batching.size() != ib.size()) {
    detail::raise<value_error>(op, "operand_batching_dims {} and {} {} must have the same length",
                               shape_str(operand_batching), ib_name, shape_str(ib));
  }
  auto ob_shape = gather_dims(operand.shape, operand_batching), ib_shape = gather_dims(indices.shape, ib);
  if (ob_shape != ib_shape) {
    detail::raise<shape_error>(op,
                               "the operand's batching dimensions {} have sizes {} but the indices' batching "
                               "dimensions {} have sizes {}; these must be equal (operand shape {}, indices shape {})",
                               shape_str(operand_batching), shape_str(ob_shape), shape_str(ib), shape_str(ib_shape),
                               shape_str(operand.shape), shape_str(indices.shape));
  }
}

// ---------------------------------------------------------------------------
// The window map shared by the kernels (see the file comment).

/// What happens to an out-of-bounds start index.
enum class out_of_bounds {
  clamp,             // clamp so that the window is in bounds
  fill_after_wrap,   // gather FILL_OR_DROP: wrap to JAX's index dtype, then mark out-of-bounds windows
  drop,              // scatter FILL_OR_DROP / PROMISE_IN_BOUNDS: mark out-of-bounds windows
};

struct window_map {
  std::vector<std::int64_t> side_base;       // per index vector: its offset in the side array
  std::vector<std::int64_t> operand_base;    // per index vector: the window's operand offset, -1 if out of bounds
  std::vector<std::int64_t> side_offset;     // per window position: offset in the side array
  std::vector<std::int64_t> operand_offset;  // per window position: offset in the operand
};

struct window_spec {
  const shape_t& operand_shape;
  const shape_t& side_shape;
  const shape_t& window;            // window size per operand dimension
  const shape_t& side_window_dims;  // offset_dims / update_window_dims
  const shape_t& collapsed_dims;    // collapsed_slice_dims / inserted_window_dims
  const shape_t& index_map;         // start_index_map / scatter_dims_to_operand_dims
  const shape_t& operand_batching_dims;
  const shape_t& indices_batching_dims;
};

inline window_map make_window_map(const window_spec& s, const array& indices, out_of_bounds oob) {
  const auto rank = static_cast<std::int64_t>(s.operand_shape.size());
  const shape_t op_strides = row_major_strides(s.operand_shape), side_strides = row_major_strides(s.side_shape);
  window_map m;

  // Window offsets: the window's operand dims that are neither collapsed nor batching
  // map, in order, to the side's window dims.
  shape_t side_stride_of(static_cast<std::size_t>(rank), 0);
  for (std::int64_t d = 0, k = 0; d < rank; ++d) {
    if (contains(s.collapsed_dims, d) || contains(s.operand_batching_dims, d)) continue;
    side_stride_of[d] = side_strides[s.side_window_dims[k++]];
  }
  for_each_index(s.window, [&](const shape_t& w) {
    std::int64_t so = 0, oo = 0;
    for (std::int64_t d = 0; d < rank; ++d) {
      so += w[d] * side_stride_of[d];
      oo += w[d] * op_strides[d];
    }
    m.side_offset.push_back(so);
    m.operand_offset.push_back(oo);
  });

  // Index vectors: the indices' dims but the last map, in order, to the side's other dims.
  shape_t batch_shape(indices.shape().begin(), indices.shape().end() - 1);
  shape_t side_batch_strides;
  for (std::int64_t d = 0; d < static_cast<std::int64_t>(s.side_shape.size()); ++d)
    if (!contains(s.side_window_dims, d)) side_batch_strides.push_back(side_strides[d]);

  // Index values as 64-bit patterns (sign-extended for signed dtypes).
  const std::vector<std::uint64_t> bits = reference::load<std::uint64_t>(indices);
  const bool is_signed = indices.dtype().is_signed_integer();
  const auto n = static_cast<std::size_t>(s.index_map.size());
  // JAX's FILL_OR_DROP lowering converts indices to int32 unless a dim needs int64.
  const bool wrap32 = std::all_of(s.operand_shape.begin(), s.operand_shape.end(),
                                  [](std::int64_t d) { return d <= std::numeric_limits<std::int32_t>::max(); });
  std::size_t b = 0;
  for_each_index(batch_shape, [&](const shape_t& c) {
    std::int64_t sb = 0;
    for (std::size_t j = 0; j < c.size(); ++j) sb += c[j] * side_batch_strides[j];
    std::int64_t ob = 0;
    bool in_bounds = true;
    for (std::size_t k = 0; k < n; ++k) {
      const auto d = static_cast<std::size_t>(s.index_map[k]);
      const std::uint64_t raw = bits[b * n + k];
      const std::int64_t hi = s.operand_shape[d] - s.window[d];  // >= 0, checked by the shape rules
      std::int64_t start = 0;
      bool ok = true;
      if (oob == out_of_bounds::fill_after_wrap) {
        start = wrap32 ? std::int64_t{static_cast<std::int32_t>(raw)} : static_cast<std::int64_t>(raw);
        ok = start >= 0 && start <= hi;
      } else {
        // Compare the true value (signed or unsigned) with [0, hi].
        const bool below = is_signed && static_cast<std::int64_t>(raw) < 0;
        const bool above = !below && raw > static_cast<std::uint64_t>(hi);
        start = below ? 0 : above ? hi : static_cast<std::int64_t>(raw);
        ok = oob == out_of_bounds::clamp || (!below && !above);
      }
      in_bounds = in_bounds && ok;
      if (ok) ob += start * op_strides[d];
    }
    for (std::size_t i = 0; i < s.operand_batching_dims.size(); ++i)
      ob += c[static_cast<std::size_t>(s.indices_batching_dims[i])] * op_strides[s.operand_batching_dims[i]];
    m.side_base.push_back(sb);
    m.operand_base.push_back(in_bounds ? ob : -1);
    ++b;
  });
  return m;
}

/// Copies one element of `size` bytes (a constant size lets the compiler inline it).
inline void copy_element(std::byte* dst, const std::byte* src, std::int64_t size) {
  switch (size) {
    case 1: std::memcpy(dst, src, 1); break;
    case 2: std::memcpy(dst, src, 2); break;
    case 4: std::memcpy(dst, src, 4); break;
    default: std::memcpy(dst, src, 8); break;
  }
}

/// Rounds a double to the precision of float dtype `d` (scatter-add rounds each step, as XLA).
inline double round_to(dtype d, double x) {
  if (d == float32) return static_cast<float>(x);
  if (d == float16) return static_cast<float>(half_t(static_cast<float>(x)));
  if (d == bfloat16) return static_cast<float>(bfloat16_t(static_cast<float>(x)));
  return x;
}

/// JAX's default fill value: NaN, the lowest signed or the largest unsigned integer, true.
inline lax::static_scalar default_fill_value(dtype d) {
  if (d.is_floating()) return std::numeric_limits<double>::quiet_NaN();
  if (d.is_bool()) return true;
  const int bits = d.itemsize() * 8;
  const std::uint64_t ones = ~std::uint64_t{0};
  if (d.is_signed_integer()) return static_cast<std::int64_t>(ones << (bits - 1));  // -2^(bits-1)
  return ones >> (64 - bits);                                                       // 2^bits - 1
}

}  // namespace indexing_detail

// ---------------------------------------------------------------------------
// Helpers of the differentiation rules: the gather that reads back the windows a
// scatter writes, and the scatter that writes back the windows a gather reads.
namespace indexing_ad {

inline lax::gather_dimension_numbers gather_dnums_of(const lax::scatter_dimension_numbers& d) {
  return {.offset_dims = d.update_window_dims,
          .collapsed_slice_dims = d.inserted_window_dims,
          .start_index_map = d.scatter_dims_to_operand_dims,
          .operand_batching_dims = d.operand_batching_dims,
          .start_indices_batching_dims = d.scatter_indices_batching_dims};
}

inline lax::scatter_dimension_numbers scatter_dnums_of(const lax::gather_dimension_numbers& d) {
  return {.update_window_dims = d.offset_dims,
          .inserted_window_dims = d.collapsed_slice_dims,
          .scatter_dims_to_operand_dims = d.start_index_map,
          .operand_batching_dims = d.operand_batching_dims,
          .scatter_indices_batching_dims = d.start_indices_batching_dims};
}

/// The windows of a scatter into an operand of rank `rank` as gather slice sizes:
/// 1 along inserted and batching dims, else the updates' window sizes in order.
inline shape_t window_slice_sizes(std::size_t rank, const lax::scatter_dimension_numbers& d, const shape_t& updates) {
  using indexing_detail::contains;
  shape_t sizes;
  std::size_t pos = 0;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(rank); ++i) {
    if (contains(d.inserted_window_dims, i) || contains(d.operand_batching_dims, i)) sizes.push_back(1);
    else sizes.push_back(updates[static_cast<std::size_t>(d.update_window_dims[pos++])]);
  }
  return sizes;
}

/// The cotangent of a scatter's updates: the windows of `t` the scatter wrote, as
/// JAX gathers them (the scatter's mode, fill value 0, no sortedness promises).
inline array gather_windows(const array& t, const array& indices, const lax::scatter_dimension_numbers& d,
                            lax::gather_scatter_mode mode, const shape_t& updates_shape) {
  return lax::gather(t, indices, gather_dnums_of(d), window_slice_sizes(t.shape().size(), d, updates_shape),
                     {.mode = mode, .fill_value = 0});
}

}  // namespace indexing_ad

// ---------------------------------------------------------------------------
// gather

struct gather_params {
  lax::gather_dimension_numbers dimension_numbers;
  shape_t slice_sizes;
  bool indices_are_sorted = false;
  bool unique_indices = false;
  lax::gather_scatter_mode mode = lax::gather_scatter_mode::promise_in_bounds;
  std::optional<lax::static_scalar> fill_value;  // set (only) for fill_or_drop
  bool operator==(const gather_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("dimension_numbers", dimension_numbers);
    f("fill_value", fill_value);
    f("indices_are_sorted", indices_are_sorted);
    f("mode", mode);
    f("slice_sizes", slice_sizes);
    f("unique_indices", unique_indices);
  }
};

class gather_primitive final : public primitive_of<gather_params> {
 public:
  constexpr gather_primitive() : primitive_of<gather_params>("gather") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const gather_params& p) const override {
    using namespace indexing_detail;
    constexpr std::string_view op = "gather";
    check_arity(op, in.size(), 2);
    const aval &operand = in[0], &indices = in[1];
    const auto& dn = p.dimension_numbers;
    check_index_dtype(op, indices.dtype);
    check_index_rank(op, indices);
    const std::int64_t out_rank = static_cast<std::int64_t>(dn.offset_dims.size()) + indices.ndim() - 1;
    check_dims(op, "offset_dims", dn.offset_dims, out_rank, "the output", /*sorted=*/true);
    check_index_map_and_batching(op, operand, indices, "start_index_map", dn.start_index_map, "collapsed_slice_dims",
                                 dn.collapsed_slice_dims, dn.operand_batching_dims, "start_indices_batching_dims",
                                 dn.start_indices_batching_dims);
    const auto& sizes = p.slice_sizes;
    if (static_cast<std::int64_t>(sizes.size()) != operand.ndim()) {
      detail::raise<shape_error>(op, "slice_sizes {} must have one size per dimension of the operand of shape {}",
                                 shape_str(sizes), shape_str(operand.shape));
    }
    if (sizes.size() != dn.offset_dims.size() + dn.collapsed_slice_dims.size() + dn.operand_batching_dims.size()) {
      detail::raise<shape_error>(op,
                                 "each operand dimension must be an offset dimension or a collapsed or batching "
                                 "one: the operand has rank {} but offset_dims {}, collapsed_slice_dims {} and "
                                 "operand_batching_dims {} account for {}",
                                 operand.ndim(), shape_str(dn.offset_dims), shape_str(dn.collapsed_slice_dims),
                                 shape_str(dn.operand_batching_dims),
                                 dn.offset_dims.size() + dn.collapsed_slice_dims.size() +
                                     dn.operand_batching_dims.size());
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] < 0) {
        detail::raise<value_error>(op, "slice_sizes {} holds the negative size {} at index {}", shape_str(sizes),
                                   sizes[i], i);
      }
    }
    shape_t out = output_shape(indices.shape, dn, sizes);
    // JAX skips the bound check when there is nothing to gather (no index vectors).
    const bool nothing_gathered = shape_size(indices.shape) == 0 && shape_size(out) == 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] > operand.shape[i] && !nothing_gathered) {
        detail::raise<value_error>(op,
                                   "slice size {} at index {} of slice_sizes {} exceeds the operand's dimension "
                                   "{} of size {} (operand shape {})",
                                   sizes[i], i, shape_str(sizes), i, operand.shape[i], shape_str(operand.shape));
      }
    }
    for (auto d : dn.collapsed_slice_dims) {
      if (sizes[d] != 1) {
        detail::raise<value_error>(op, "collapsed_slice_dims {} holds dimension {}, whose slice size is {}; it must be 1",
                                   shape_str(dn.collapsed_slice_dims), d, sizes[d]);
      }
    }
    for (auto d : dn.operand_batching_dims) {
      if (sizes[d] > 1) {
        detail::raise<value_error>(op,
                                   "operand_batching_dims {} holds dimension {}, whose slice size is {}; it must be "
                                   "0 or 1",
                                   shape_str(dn.operand_batching_dims), d, sizes[d]);
      }
    }
    return {aval{std::move(out), operand.dtype, operand.weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const gather_params& p) const override {
    using namespace indexing_detail;
    const array &operand = in[0], &indices = in[1];
    const auto& dn = p.dimension_numbers;
    shape_t out_shape = output_shape(indices.shape(), dn, p.slice_sizes);
    array out = array::empty(out_shape, operand.dtype(), operand.weak_type());
    if (out.size() == 0) return {out};
    auto* dst = static_cast<std::byte*>(out.mutable_raw_data());
    if (shape_size(p.slice_sizes) == 0) {  // a batching dim of slice size 0: JAX gives zeros
      std::memset(dst, 0, static_cast<std::size_t>(out.nbytes()));
      return {out};
    }
    const bool fill = p.mode == lax::gather_scatter_mode::fill_or_drop;
    window_map m = make_window_map({operand.shape(), out_shape, p.slice_sizes, dn.offset_dims, dn.collapsed_slice_dims,
                                    dn.start_index_map, dn.operand_batching_dims, dn.start_indices_batching_dims},
                                   indices, fill ? out_of_bounds::fill_after_wrap : out_of_bounds::clamp);
    const auto* src = static_cast<const std::byte*>(operand.raw_data());
    const std::int64_t is = operand.itemsize();
    array fill_value;
    if (fill) {
      fill_value = std::visit([&](auto v) { return array(v, operand.dtype()); }, p.fill_value.value().value);
    }
    for (std::size_t b = 0; b < m.side_base.size(); ++b) {
      const std::int64_t ob = m.operand_base[b];
      const auto* fv = ob < 0 ? static_cast<const std::byte*>(fill_value.raw_data()) : nullptr;
      for (std::size_t w = 0; w < m.side_offset.size(); ++w) {
        copy_element(dst + (m.side_base[b] + m.side_offset[w]) * is, fv ? fv : src + (ob + m.operand_offset[w]) * is, is);
      }
    }
    return {out};
  }

  // JAX's _gather_jvp_rule: the tangent gathered the same way (fill value 0).
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const gather_params& p) const override {
    array y = bind1({x[0], x[1]}, p);
    if (ad::is_zero(t[0]) || !ad::differentiable(y.dtype())) return {{y}, {array()}};
    gather_params tp = p;
    if (tp.mode == lax::gather_scatter_mode::fill_or_drop) tp.fill_value = lax::static_scalar(0);
    return {{y}, {bind1({t[0], x[1]}, std::move(tp))}};
  }

  // JAX's _gather_transpose_rule: scatter-add the cotangent into zeros.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const gather_params& p) const override {
    ad::check_linear_args(name(), args, {true, false});
    const array& t = cts[0];
    if (!args[0].is_linear() || ad::is_zero(t)) return {array(), array()};
    array zeros = structure_ad::zeros(args[0].aval.shape, t.dtype());
    return {lax::scatter_add(zeros, args[1].value, t, indexing_ad::scatter_dnums_of(p.dimension_numbers),
                             {.indices_are_sorted = p.indices_are_sorted, .unique_indices = p.unique_indices,
                              .mode = p.mode}),
            array()};
  }

  // JAX's _gather_batching_rule (see the file comment).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const gather_params& p,
                          const batch_axis& axis) const override {
    using structure_batch::at_front, structure_batch::bump, structure_batch::inserted;
    const auto& dn = p.dimension_numbers;
    gather_params q = p;
    auto& qn = q.dimension_numbers;
    const array operand = d[0] == not_mapped ? x[0] : at_front(x[0], d[0], axis.size);
    const array indices = d[1] == not_mapped ? x[1] : at_front(x[1], d[1], axis.size);
    if (d[1] == not_mapped) {
      q.slice_sizes = inserted(p.slice_sizes, 0, axis.size);
      qn.offset_dims = inserted(bump(dn.offset_dims), 0, std::int64_t{0});
      qn.collapsed_slice_dims = bump(dn.collapsed_slice_dims);
      qn.operand_batching_dims = bump(dn.operand_batching_dims);
      qn.start_index_map = bump(dn.start_index_map);
    } else if (d[0] == not_mapped) {
      qn.offset_dims = bump(dn.offset_dims);
      qn.start_indices_batching_dims = bump(dn.start_indices_batching_dims);
      q.unique_indices = q.indices_are_sorted = false;
    } else {
      q.slice_sizes = inserted(p.slice_sizes, 0, std::int64_t{axis.size == 0 ? 0 : 1});
      qn.offset_dims = bump(dn.offset_dims);
      qn.collapsed_slice_dims = bump(dn.collapsed_slice_dims);
      qn.start_index_map = bump(dn.start_index_map);
      qn.operand_batching_dims = inserted(bump(dn.operand_batching_dims), 0, std::int64_t{0});
      qn.start_indices_batching_dims = inserted(bump(dn.start_indices_batching_dims), 0, std::int64_t{0});
    }
    return structure_batch::single(bind1({operand, indices}, std::move(q)), 0);
  }

  /// Batch dims (the indices' but the last) interleaved with the offset dims' slice sizes.
  static shape_t output_shape(const shape_t& indices, const lax::gather_dimension_numbers& dn, const shape_t& sizes) {
    using indexing_detail::contains;
    shape_t offset_sizes;
    for (std::int64_t d = 0; d < static_cast<std::int64_t>(sizes.size()); ++d)
      if (!contains(dn.collapsed_slice_dims, d) && !contains(dn.operand_batching_dims, d)) offset_sizes.push_back(sizes[d]);
    const std::int64_t rank = static_cast<std::int64_t>(dn.offset_dims.size() + indices.size()) - 1;
    shape_t out;
    std::size_t bi = 0, oi = 0;
    for (std::int64_t i = 0; i < rank; ++i) out.push_back(contains(dn.offset_dims, i) ? offset_sizes[oi++] : indices[bi++]);
    return out;
  }
};
inline const gather_primitive& gather_p() { static const gather_primitive p; return p; }

// ---------------------------------------------------------------------------
// scatter, scatter-add


struct scatter_params {
  lax::scatter_dimension_numbers dimension_numbers;
  bool indices_are_sorted = false;
  bool unique_indices = false;
  lax::gather_scatter_mode mode = lax::gather_scatter_mode::fill_or_drop;
  jaxpr_param update_jaxpr;  // scatter-add: the scalar `add` of the dtype, one shared per dtype; scatter: None
  bool operator==(const scatter_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("dimension_numbers", dimension_numbers);
    f("indices_are_sorted", indices_are_sorted);
    f("mode", mode);
    f("unique_indices", unique_indices);
    f("update_consts", shape_t{});  // prints as the empty tuple `()`
    f("update_jaxpr", update_jaxpr);
  }
};

/// The jaxpr `{ lambda ; a:T[] b:T[]. let c:T[] = add a b in (c,) }`, traced once per dtype.
inline std::shared_ptr<const jaxpr> scalar_add_jaxpr(dtype d) {
  static std::array<std::shared_ptr<const jaxpr>, num_dtypes> cache;
  static std::array<std::once_flag, num_dtypes> once;
  std::call_once(once[static_cast<std::size_t>(d.index())], [&] {
    trace_scope scope;
    array x = scope.frame().new_arg(aval{{}, d, false});
    array y = scope.frame().new_arg(aval{{}, d, false});
    array z = lax::add(x, y);
    cache[static_cast<std::size_t>(d.index())] = scope.frame().finish(std::span<const array>(&z, 1), "scatter-add").jaxpr;
  });
  return cache[static_cast<std::size_t>(d.index())];
}

/// scatter (the updates replace the operand's elements) and scatter-add (they add to them).
class scatter_primitive final : public primitive_of<scatter_params> {
 public:
  enum class combine { replace, add };
  constexpr scatter_primitive(std::string_view name, combine c) : primitive_of<scatter_params>(name), m_combine(c) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const scatter_params& p) const override {
    using namespace indexing_detail;
    const std::string_view op = name();
    check_arity(op, in.size(), 3);
    const aval &operand = in[0], &indices = in[1], &updates = in[2];
    const auto& dn = p.dimension_numbers;
    check_index_dtype(op, indices.dtype);
    if (operand.dtype != updates.dtype) {
      detail::raise<type_error>(op, "requires the operand and the updates to have the same dtype, got {} and {}",
                                operand.dtype.name(), updates.dtype.name());
    }
    if (m_combine == combine::add) check_dtype(op, operand.dtype, numeric_types);
    check_index_rank(op, indices);
    const std::int64_t index_vector_dim = indices.ndim() - 1;
    const std::int64_t updates_rank = index_vector_dim + static_cast<std::int64_t>(dn.update_window_dims.size());
    if (updates.ndim() != updates_rank) {
      detail::raise<shape_error>(op,
                                 "updates must have rank {} (the {} index vector dimensions of indices of shape {} "
                                 "and the {} update_window_dims {}), got shape {}",
                                 updates_rank, index_vector_dim, shape_str(indices.shape), dn.update_window_dims.size(),
                                 shape_str(dn.update_window_dims), shape_str(updates.shape));
    }
    check_dims(op, "update_window_dims", dn.update_window_dims, updates.ndim(), "the updates", /*sorted=*/true);
    check_index_map_and_batching(op, operand, indices, "scatter_dims_to_operand_dims", dn.scatter_dims_to_operand_dims,
                                 "inserted_window_dims", dn.inserted_window_dims, dn.operand_batching_dims,
                                 "scatter_indices_batching_dims", dn.scatter_indices_batching_dims);
    // The updates' non-window dims are the index vectors' dims, in order.
    shape_t update_scatter_dims;
    for (std::int64_t d = 0; d < updates.ndim(); ++d)
      if (!contains(dn.update_window_dims, d)) update_scatter_dims.push_back(d);
    shape_t ub_dims;
    for (auto d : dn.scatter_indices_batching_dims) ub_dims.push_back(update_scatter_dims[d]);
    auto ob_shape = gather_dims(operand.shape, dn.operand_batching_dims), ub_shape = gather_dims(updates.shape, ub_dims);
    if (ob_shape != ub_shape) {
      detail::raise<shape_error>(op,
                                 "the operand's batching dimensions {} have sizes {} but the matching dimensions {} "
                                 "of the updates have sizes {} (operand shape {}, updates shape {})",
                                 shape_str(dn.operand_batching_dims), shape_str(ob_shape), shape_str(ub_dims),
                                 shape_str(ub_shape), shape_str(operand.shape), shape_str(updates.shape));
    }
    const std::size_t window_rank =
        dn.update_window_dims.size() + dn.inserted_window_dims.size() + dn.operand_batching_dims.size();
    if (static_cast<std::int64_t>(window_rank) != operand.ndim()) {
      detail::raise<shape_error>(op,
                                 "each operand dimension must be an update window dimension or an inserted or "
                                 "batching one: the operand has rank {} but update_window_dims {}, "
                                 "inserted_window_dims {} and operand_batching_dims {} account for {}",
                                 operand.ndim(), shape_str(dn.update_window_dims), shape_str(dn.inserted_window_dims),
                                 shape_str(dn.operand_batching_dims), window_rank);
    }
    shape_t window = window_sizes(operand.shape, updates.shape, dn);
    for (std::int64_t d = 0, k = 0; d < operand.ndim(); ++d) {
      if (contains(dn.inserted_window_dims, d) || contains(dn.operand_batching_dims, d)) continue;
      const auto ud = dn.update_window_dims[static_cast<std::size_t>(k++)];
      if (window[d] > operand.shape[d]) {
        detail::raise<shape_error>(op,
                                   "the update window dimension {} of the updates (shape {}) has size {}, larger "
                                   "than the operand's dimension {} of size {} (operand shape {})",
                                   ud, shape_str(updates.shape), window[d], d, operand.shape[d], shape_str(operand.shape));
      }
    }
    for (std::size_t j = 0; j < update_scatter_dims.size(); ++j) {
      const auto ud = update_scatter_dims[j];
      if (updates.shape[ud] != indices.shape[j]) {
        detail::raise<shape_error>(op,
                                   "dimension {} of the updates (shape {}) has size {} but the matching dimension {} "
                                   "of the indices (shape {}) has size {}; these must be equal",
                                   ud, shape_str(updates.shape), updates.shape[ud], j, shape_str(indices.shape),
                                   indices.shape[j]);
      }
    }
    return {aval{operand.shape, operand.dtype, operand.weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const scatter_params& p) const override {
    using namespace indexing_detail;
    const array &operand = in[0], &indices = in[1], &updates = in[2];
    const auto& dn = p.dimension_numbers;
    array out = array::empty(operand.shape(), operand.dtype(), operand.weak_type());
    if (out.size() == 0) return {out};
    std::memcpy(out.mutable_raw_data(), operand.raw_data(), static_cast<std::size_t>(out.nbytes()));
    if (updates.size() == 0) return {out};
    const shape_t window = window_sizes(operand.shape(), updates.shape(), dn);
    window_map m = make_window_map({operand.shape(), updates.shape(), window, dn.update_window_dims,
                                    dn.inserted_window_dims, dn.scatter_dims_to_operand_dims, dn.operand_batching_dims,
                                    dn.scatter_indices_batching_dims},
                                   indices,
                                   p.mode == lax::gather_scatter_mode::clip ? out_of_bounds::clamp : out_of_bounds::drop);
    // Calls f(operand index, updates index) in XLA's order: index vectors, then windows.
    auto for_each_pair = [&](auto&& f) {
      for (std::size_t b = 0; b < m.side_base.size(); ++b) {
        if (m.operand_base[b] < 0) continue;
        for (std::size_t w = 0; w < m.side_offset.size(); ++w)
          f(m.operand_base[b] + m.operand_offset[w], m.side_base[b] + m.side_offset[w]);
      }
    };
    if (m_combine == combine::replace) {
      auto* dst = static_cast<std::byte*>(out.mutable_raw_data());
      const auto* src = static_cast<const std::byte*>(updates.raw_data());
      const std::int64_t is = out.itemsize();
      for_each_pair([&](std::int64_t o, std::int64_t u) { copy_element(dst + o * is, src + u * is, is); });
      return {out};
    }
    const dtype d = operand.dtype();
    reference::visit_compute<numeric_types>(d, [&](auto tag) {
      using C = decltype(tag);
      std::vector<C> acc = reference::load<C>(out), upd = reference::load<C>(updates);
      for_each_pair([&](std::int64_t o, std::int64_t u) {
        if constexpr (std::is_integral_v<C>) {  // wraps, without signed-overflow UB
          acc[o] = static_cast<C>(static_cast<std::uint64_t>(acc[o]) + static_cast<std::uint64_t>(upd[u]));
        } else {
          acc[o] = indexing_detail::round_to(d, acc[o] + upd[u]);
        }
      });
      out = reference::store(acc, operand.shape(), d, operand.weak_type());
    });
    return {out};
  }

  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const scatter_params& p) const override {
    const bool zero = ad::is_zero(t[0]) && ad::is_zero(t[2]);
    if (zero || !ad::differentiable(x[0].dtype())) return ad::zero_jvp(*this, x, p);
    const array g_operand = ad::instantiate(t[0], x[0].aval()), g_updates = ad::instantiate(t[2], x[2].aval());
    // scatter-add (JAX's _scatter_addsub_jvp), and scatter with unique indices: linear.
    if (m_combine == combine::add || p.unique_indices) {
      array y = bind1({x[0], x[1], x[2]}, p);
      return {{y}, {bind1({g_operand, x[1], g_updates}, p)}};
    }
    return scatter_jvp_masked(x[0], x[1], x[2], g_operand, g_updates, p);
  }

  // JAX's _scatter_addsub_transpose_rule and _scatter_transpose_rule.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const scatter_params& p) const override {
    ad::check_linear_args(name(), args, {true, false, true});
    if (m_combine == combine::replace && !p.unique_indices) {
      detail::raise<not_implemented_error>(name(),
                                           "scatter is transposed only where unique_indices=True, as in JAX (its "
                                           "JVP uses scatter-add where indices may repeat; a linear function that "
                                           "scatters a linear value over repeated indices has no transpose here)");
    }
    std::vector<array> out(3);
    const array& t = cts[0];
    if (ad::is_zero(t)) return out;
    const array& indices = args[1].value;
    const auto& dn = p.dimension_numbers;
    const shape_t& updates_shape = args[2].aval.shape;
    if (args[0].is_linear()) {
      // scatter-add passes the cotangent through; scatter zeroes what it overwrote.
      out[0] = m_combine == combine::add
                   ? t
                   : lax::scatter(t, indices, structure_ad::zeros(updates_shape, t.dtype()), dn,
                                  {.indices_are_sorted = p.indices_are_sorted, .unique_indices = true, .mode = p.mode});
    }
    if (args[2].is_linear()) out[2] = indexing_ad::gather_windows(t, indices, dn, p.mode, updates_shape);
    return out;
  }

  // JAX's _scatter_batching_rule (see the file comment).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const scatter_params& p,
                          const batch_axis& axis) const override {
    using structure_batch::at_front, structure_batch::bump, structure_batch::inserted;
    const auto& dn = p.dimension_numbers;
    scatter_params q = p;
    auto& qn = q.dimension_numbers;
    const array operand = at_front(x[0], d[0], axis.size), updates = at_front(x[2], d[2], axis.size);
    array indices = x[1];
    qn.inserted_window_dims = bump(dn.inserted_window_dims);
    qn.scatter_dims_to_operand_dims = bump(dn.scatter_dims_to_operand_dims);
    if (d[1] == not_mapped) {
      qn.update_window_dims = inserted(bump(dn.update_window_dims), 0, std::int64_t{0});
      qn.operand_batching_dims = bump(dn.operand_batching_dims);
    } else {
      indices = at_front(indices, d[1], axis.size);
      qn.update_window_dims = bump(dn.update_window_dims);
      qn.operand_batching_dims = inserted(bump(dn.operand_batching_dims), 0, std::int64_t{0});
      qn.scatter_indices_batching_dims = inserted(bump(dn.scatter_indices_batching_dims), 0, std::int64_t{0});
    }
    return structure_batch::single(bind1({operand, indices, updates}, std::move(q)), 0);
  }

 private:
  /// JAX's _scatter_jvp where indices may repeat (see the file comment): which update
  /// wins an element is found by scattering ids 1..n (0 marks an element no update
  /// wrote), then the primal and the tangent are scatter-adds of the winners only.
  jvp_result scatter_jvp_masked(const array& operand, const array& indices, const array& updates,
                                const array& g_operand, const array& g_updates, const scatter_params& p) const {
    const auto& dn = p.dimension_numbers;
    const lax::scatter_options opts{.indices_are_sorted = p.indices_are_sorted, .unique_indices = p.unique_indices,
                                    .mode = p.mode};
    shape_t ids_shape = updates.shape();
    for (auto d : dn.update_window_dims) ids_shape[static_cast<std::size_t>(d)] = 1;
    const std::int64_t num_ids = shape_size(ids_shape);
    const dtype id_dtype = num_ids > std::numeric_limits<std::uint32_t>::max() ? uint64 : uint32;
    const array ids = lax::reshape(lax::iota(id_dtype, num_ids), ids_shape);
    const array update_ids = lax::add(ids, structure_ad::full(updates.shape(), 1, id_dtype));
    const array scattered_ids =
        lax::scatter(structure_ad::zeros(operand.shape(), id_dtype), indices, update_ids, dn, opts);
    const array gathered_ids =
        lax::gather(scattered_ids, indices, indexing_ad::gather_dnums_of(dn),
                    indexing_ad::window_slice_sizes(operand.shape().size(), dn, updates.shape()));
    // JAX builds each mask twice (once for the primal, once for the tangent); once will do.
    const array operand_kept = lax::eq(scattered_ids, structure_ad::zeros(operand.shape(), id_dtype));
    const array update_kept = lax::eq(update_ids, gathered_ids);
    auto mask = [](const array& kept, const array& x) { return lax::select(kept, x, ad::zeros(x.aval())); };
    const array masked_operand = mask(operand_kept, operand), masked_updates = mask(update_kept, updates);
    const array masked_g_operand = mask(operand_kept, g_operand), masked_g_updates = mask(update_kept, g_updates);
    array y = lax::scatter_add(masked_operand, indices, masked_updates, dn, opts);
    array ty = lax::scatter_add(masked_g_operand, indices, masked_g_updates, dn, opts);
    return {{y}, {ty}};
  }

  /// The window size along each operand dim: 1 for inserted and batching dims, else
  /// the size of the matching update window dim.
  static shape_t window_sizes(const shape_t& operand, const shape_t& updates, const lax::scatter_dimension_numbers& dn) {
    using indexing_detail::contains;
    shape_t w;
    std::size_t k = 0;
    for (std::int64_t d = 0; d < static_cast<std::int64_t>(operand.size()); ++d) {
      const bool inserted = contains(dn.inserted_window_dims, d) || contains(dn.operand_batching_dims, d);
      w.push_back(inserted ? 1 : updates[dn.update_window_dims[k++]]);
    }
    return w;
  }

  combine m_combine;
};
inline const scatter_primitive& scatter_p() {
  static const scatter_primitive p("scatter", scatter_primitive::combine::replace);
  return p;
}
inline const scatter_primitive& scatter_add_p() {
  static const scatter_primitive p("scatter-add", scatter_primitive::combine::add);
  return p;
}

// ---------------------------------------------------------------------------
// The batching rules of dynamic_slice and dynamic_update_slice (declared in
// structure.hpp; see the file comment).
namespace indexing_batch {

/// JAX's _batch_dynamic_slice_indices: the 0-d start indices (batched ones, of shape
/// (B,), at dim 0) as one index array and its batch dim: (n,) and not_mapped when
/// none is batched (an empty int32 array for a 0-d operand), else (B, n) and 0.
inline std::pair<array, std::int64_t> start_index_array(std::span<const array> idx, std::span<const std::int64_t> dims,
                                                        std::int64_t size) {
  if (idx.empty()) return {array::from_vector(std::vector<std::int32_t>{}, {0}), not_mapped};
  const bool any = std::any_of(dims.begin(), dims.end(), [](std::int64_t d) { return d != not_mapped; });
  std::vector<array> columns;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (!any) columns.push_back(lax::broadcast_in_dim(idx[k], {1}, {}));
    else columns.push_back(lax::broadcast_in_dim(idx[k], {size, 1}, dims[k] == not_mapped ? shape_t{} : shape_t{0}));
  }
  return {lax::concatenate(columns, any ? 1 : 0), any ? 0 : not_mapped};
}

}  // namespace indexing_batch

// JAX's _dynamic_slice_batching_rule: a gather of the whole slice at the start
// indices (offset dims: all; CLIP), batched by the gather rule.
inline batch_result dynamic_slice_primitive::batch_rule(std::span<const array> x, std::span<const std::int64_t> d,
                                                        const dynamic_slice_params& p, const batch_axis& axis) const {
  const shape_t all = structure_ad::iota_dims(p.slice_sizes.size());
  auto [index, index_dim] = indexing_batch::start_index_array(x.subspan(1), d.subspan(1), axis.size);
  const gather_params g{.dimension_numbers = {.offset_dims = all, .start_index_map = all},
                        .slice_sizes = p.slice_sizes,
                        .indices_are_sorted = true,
                        .unique_indices = true,
                        .mode = lax::gather_scatter_mode::clip,
                        .fill_value = std::nullopt};
  const array args[] = {x[0], index};
  const std::int64_t dims[] = {d[0], index_dim};
  return gather_p().batch_rule(args, dims, g, axis);
}

// JAX's _dynamic_update_slice_batching_rule: a scatter of the whole update at the
// start indices (window dims: all; CLIP), batched by the scatter rule.
inline batch_result dynamic_update_slice_primitive::batch_rule(std::span<const array> x,
                                                               std::span<const std::int64_t> d, const no_params&,
                                                               const batch_axis& axis) const {
  const shape_t all = structure_ad::iota_dims(static_cast<std::size_t>(x[1].ndim() - (d[1] == not_mapped ? 0 : 1)));
  auto [index, index_dim] = indexing_batch::start_index_array(x.subspan(2), d.subspan(2), axis.size);
  const scatter_params s{.dimension_numbers = {.update_window_dims = all, .scatter_dims_to_operand_dims = all},
                         .indices_are_sorted = true,
                         .unique_indices = true,
                         .mode = lax::gather_scatter_mode::clip,
                         .update_jaxpr = {}};
  const array args[] = {x[0], index, x[1]};
  const std::int64_t dims[] = {d[0], index_dim, d[1]};
  return scatter_p().batch_rule(args, dims, s, axis);
}

}  // namespace xjax::prim

// ---------------------------------------------------------------------------
// The lax functions (declared in lax/indexing.hpp).
namespace xjax::lax {

XJAX_IMPL std::string jax_repr(gather_scatter_mode m) {
  switch (m) {
    case gather_scatter_mode::clip: return "GatherScatterMode.CLIP";
    case gather_scatter_mode::fill_or_drop: return "GatherScatterMode.FILL_OR_DROP";
    case gather_scatter_mode::promise_in_bounds: return "GatherScatterMode.PROMISE_IN_BOUNDS";
  }
  return "GatherScatterMode.?";
}

XJAX_IMPL std::string jax_repr(const gather_dimension_numbers& d) {
  return fmt::format(
      "GatherDimensionNumbers(offset_dims={}, collapsed_slice_dims={}, start_index_map={}, operand_batching_dims={}, "
      "start_indices_batching_dims={})",
      shape_str(d.offset_dims), shape_str(d.collapsed_slice_dims), shape_str(d.start_index_map),
      shape_str(d.operand_batching_dims), shape_str(d.start_indices_batching_dims));
}

XJAX_IMPL std::string jax_repr(const scatter_dimension_numbers& d) {
  return fmt::format(
      "ScatterDimensionNumbers(update_window_dims={}, inserted_window_dims={}, scatter_dims_to_operand_dims={}, "
      "operand_batching_dims={}, scatter_indices_batching_dims={})",
      shape_str(d.update_window_dims), shape_str(d.inserted_window_dims), shape_str(d.scatter_dims_to_operand_dims),
      shape_str(d.operand_batching_dims), shape_str(d.scatter_indices_batching_dims));
}

XJAX_IMPL std::string jax_repr(const static_scalar& s) {
  struct repr {
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(std::uint64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return xjax::detail::python_float_repr(v); }  // ir/printer.hpp
  };
  return std::visit(repr{}, s.value);
}

XJAX_IMPL array gather(const array& operand, const array& start_indices, const gather_dimension_numbers& dimension_numbers,
                       const shape_t& slice_sizes, const gather_options& options) {
  prim::gather_params p{dimension_numbers, slice_sizes, options.indices_are_sorted, options.unique_indices,
                        options.mode.value_or(gather_scatter_mode::promise_in_bounds), std::nullopt};
  if (p.mode == gather_scatter_mode::fill_or_drop) p.fill_value = options.fill_value.value_or(prim::indexing_detail::default_fill_value(operand.dtype()));
  return prim::gather_p().bind1({operand, start_indices}, std::move(p));
}

XJAX_IMPL array scatter(const array& operand, const array& scatter_indices, const array& updates,
                        const scatter_dimension_numbers& dimension_numbers, const scatter_options& options) {
  prim::scatter_params p{dimension_numbers, options.indices_are_sorted, options.unique_indices,
                         options.mode.value_or(gather_scatter_mode::fill_or_drop), {}};
  return prim::scatter_p().bind1({operand, scatter_indices, updates}, std::move(p));
}

XJAX_IMPL array scatter_add(const array& operand, const array& scatter_indices, const array& updates,
                            const scatter_dimension_numbers& dimension_numbers, const scatter_options& options) {
  // The update_jaxpr is traced only for dtypes add accepts; others fail in the shape rule.
  const dtype d = operand.dtype();
  prim::scatter_params p{dimension_numbers, options.indices_are_sorted, options.unique_indices,
                         options.mode.value_or(gather_scatter_mode::fill_or_drop),
                         {numeric_types.contains(d) ? prim::scalar_add_jaxpr(d) : nullptr}};
  return prim::scatter_add_p().bind1({operand, scatter_indices, updates}, std::move(p));
}

}  // namespace xjax::lax
