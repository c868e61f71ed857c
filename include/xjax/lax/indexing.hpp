#pragma once
// xjax::lax indexing functions: gather, scatter, scatter_add, as jax.lax's, with
// XLA's dimension numbers. Defined in primitives/indexing.hpp.
//
// Take rows 0 and 2 of a (3, 4) matrix (indices hold one index vector per row, in
// their last dimension):
//
//   namespace lax = xjax::lax;
//   auto x = xjax::array::from_vector<float>({...}, {3, 4});
//   auto idx = xjax::array::from_vector<std::int32_t>({0, 2}, {2, 1});
//   lax::gather_dimension_numbers dn{.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
//   auto rows = lax::gather(x, idx, dn, {1, 4});                       // (2, 4)
//   auto y = lax::scatter_add(x, idx, rows,
//                             {.update_window_dims = {1}, .inserted_window_dims = {0},
//                              .scatter_dims_to_operand_dims = {0}});  // x with rows 0, 2 doubled

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

/// How gather and scatter treat out-of-bounds indices (jax.lax.GatherScatterMode):
/// - clip: indices are clamped so that the whole window is in bounds;
/// - fill_or_drop: a gathered window that is partly out of bounds is filled with
///   the fill value; a scattered one is dropped;
/// - promise_in_bounds: the caller promises in-bounds indices; on the CPU, gather
///   clamps (as clip) and scatter drops (as fill_or_drop).
enum class gather_scatter_mode { clip, fill_or_drop, promise_in_bounds };

/// jax.lax.GatherDimensionNumbers. The index vector dimension is always the last
/// dimension of the indices (add a trailing dimension of size 1 for scalar indices).
/// - offset_dims: the output dimensions that index into a slice (sorted);
/// - collapsed_slice_dims: operand dimensions of slice size 1 left out of the output (sorted);
/// - start_index_map: the operand dimension each index vector component starts;
/// - operand_batching_dims / start_indices_batching_dims: paired batch dimensions of
///   the operand (sorted, slice size 0 or 1) and of the indices.
struct gather_dimension_numbers {
  shape_t offset_dims = {};
  shape_t collapsed_slice_dims = {};
  shape_t start_index_map = {};
  shape_t operand_batching_dims = {};
  shape_t start_indices_batching_dims = {};
  bool operator==(const gather_dimension_numbers&) const = default;
};

/// jax.lax.ScatterDimensionNumbers, the mirror image of gather's:
/// - update_window_dims: the dimensions of the updates that index into a window (sorted);
/// - inserted_window_dims: operand dimensions of window size 1 absent from the updates (sorted);
/// - scatter_dims_to_operand_dims: the operand dimension each index vector component starts;
/// - operand_batching_dims / scatter_indices_batching_dims: paired batch dimensions.
struct scatter_dimension_numbers {
  shape_t update_window_dims = {};
  shape_t inserted_window_dims = {};
  shape_t scatter_dims_to_operand_dims = {};
  shape_t operand_batching_dims = {};
  shape_t scatter_indices_batching_dims = {};
  bool operator==(const scatter_dimension_numbers&) const = default;
};

/// A static scalar parameter (gather's fill_value). It keeps the kind of C++ value it
/// was given, so that it prints as JAX prints the Python scalar: `3`, `3.0`, `True`.
struct static_scalar {
  std::variant<bool, std::int64_t, std::uint64_t, double> value;

  template <class T>
    requires std::is_arithmetic_v<T>
  static_scalar(T v) {  // NOLINT: implicit, so that `.fill_value = -1` reads well
    if constexpr (std::is_same_v<T, bool>) value = v;
    else if constexpr (std::is_floating_point_v<T>) value = static_cast<double>(v);
    else if constexpr (std::is_signed_v<T>) value = static_cast<std::int64_t>(v);
    else value = static_cast<std::uint64_t>(v);
  }
  bool operator==(const static_scalar&) const = default;
};

/// Options of lax::gather (jax.lax.gather's keyword arguments).
struct gather_options {
  bool indices_are_sorted = false;  ///< a promise that may speed up some backends
  bool unique_indices = false;      ///< a promise that may speed up some backends
  /// Out-of-bounds behaviour; JAX's default for gather is promise_in_bounds.
  std::optional<gather_scatter_mode> mode = {};
  /// The value of out-of-bounds windows under fill_or_drop (ignored otherwise).
  /// Defaults to NaN for floats, the lowest value for signed integers, the largest
  /// for unsigned integers, and true for bool.
  std::optional<static_scalar> fill_value = {};
};

/// Options of lax::scatter and lax::scatter_add.
struct scatter_options {
  bool indices_are_sorted = false;
  bool unique_indices = false;
  /// Out-of-bounds behaviour; JAX's default for scatter is fill_or_drop (dropped).
  std::optional<gather_scatter_mode> mode = {};
};

/// Slices of `operand` at the start positions given by `start_indices` (XLA's Gather).
/// `slice_sizes` has one size per operand dimension.
XJAX_API array gather(const array& operand, const array& start_indices, const gather_dimension_numbers& dimension_numbers,
                      const shape_t& slice_sizes, const gather_options& options = {});

/// `operand` with windows replaced by `updates` at `scatter_indices` (XLA's Scatter).
/// Where windows overlap, the later index vector wins, as on JAX's CPU backend.
XJAX_API array scatter(const array& operand, const array& scatter_indices, const array& updates,
                       const scatter_dimension_numbers& dimension_numbers, const scatter_options& options = {});

/// `operand` with `updates` added into windows at `scatter_indices`.
XJAX_API array scatter_add(const array& operand, const array& scatter_indices, const array& updates,
                           const scatter_dimension_numbers& dimension_numbers, const scatter_options& options = {});

// How JAX prints these values in a jaxpr, e.g. `GatherScatterMode.CLIP`.
XJAX_API std::string jax_repr(gather_scatter_mode m);
XJAX_API std::string jax_repr(const gather_dimension_numbers& d);
XJAX_API std::string jax_repr(const scatter_dimension_numbers& d);
XJAX_API std::string jax_repr(const static_scalar& s);

}  // namespace xjax::lax
