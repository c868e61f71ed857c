#pragma once
// xjax::lax structure functions (broadcast_in_dim, reshape, transpose, squeeze, expand_dims, rev, concatenate, split, pad, slice, dynamic_slice, dynamic_update_slice, copy, stop_gradient); defined in primitives/structure.hpp.
//
// They take the arguments jax.lax takes, and, like jax.lax, they do not canonicalize
// negative axes except where jax.lax does (squeeze, expand_dims), nor promote dtypes.
// Each checks its arguments in the primitive's shape rule and throws an xjax::error
// naming the operation, the shapes and the offending parameter.
//
//   namespace lax = xjax::lax;
//   auto x = xjax::array::from_vector<float>({0, 1, 2, 3, 4, 5}, {2, 3});
//   lax::broadcast_in_dim(x, {4, 2, 3}, {1, 2});      // f32[4,2,3]
//   lax::reshape(x, {3, 2});                          // f32[3,2]
//   lax::reshape(x, {6}, xjax::shape_t{1, 0});        // [0, 3, 1, 4, 2, 5]: transposes first
//   lax::pad(x, 0.0f, {{1, 0, 0}, {-1, 2, 1}});        // low, high, interior per dimension
//   lax::dynamic_slice(x, {1, 1}, {1, 2});             // [[4, 5]]; start indices are clamped

#include <cstdint>
#include <optional>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax {

/// Padding of one dimension for lax::pad: `low` and `high` elements at each end
/// (negative values remove elements) and `interior` elements between each pair.
struct pad_dim {
  std::int64_t low = 0, high = 0, interior = 0;
  bool operator==(const pad_dim&) const = default;
};

}  // namespace xjax

namespace xjax::lax {

/// Broadcasts `x` to `shape`: dimension i of `x` becomes dimension
/// `broadcast_dimensions[i]` of the result and must be 1 or equal to it.
///   lax::broadcast_in_dim(v /* f32[3] */, {2, 3}, {1});   // f32[2,3], rows equal to v
XJAX_API array broadcast_in_dim(const array& x, const shape_t& shape, const shape_t& broadcast_dimensions);

/// The elements of `x` (row-major) in an array of shape `new_sizes`; with
/// `dimensions`, `x` is first transposed by that permutation (as jax.lax.reshape).
XJAX_API array reshape(const array& x, const shape_t& new_sizes,
                       const std::optional<shape_t>& dimensions = std::nullopt);

/// Permutes the dimensions of `x`: dimension i of the result is dimension
/// `permutation[i]` of `x`.
XJAX_API array transpose(const array& x, const shape_t& permutation);

/// Removes the listed dimensions of size 1 (negative axes count from the end).
XJAX_API array squeeze(const array& x, const shape_t& dimensions);

/// Inserts dimensions of size 1 at the listed positions of the result (negative
/// positions count from the end). Not a primitive: it binds broadcast_in_dim, as JAX.
///   lax::expand_dims(x /* f32[2,3] */, {0, -1});   // f32[1,2,3,1]
XJAX_API array expand_dims(const array& x, const shape_t& dimensions);

/// Reverses the order of elements along the listed dimensions.
XJAX_API array rev(const array& x, const shape_t& dimensions);

/// Joins arrays of the same dtype and rank along `dimension`; the other dimensions
/// must be equal.
XJAX_API array concatenate(const std::vector<array>& operands, std::int64_t dimension);

/// Splits `x` along `axis` (negative counts from the end) into pieces of `sizes`,
/// which add up to that dimension (jax.lax.split; one `split` equation).
///   lax::split(v /* f32[5] */, {2, 3});   // {f32[2], f32[3]}
XJAX_API std::vector<array> split(const array& x, const shape_t& sizes, std::int64_t axis = 0);

/// Pads `x` with the 0-d `padding_value` (of x's dtype), one pad_dim per dimension.
///   lax::pad(v /* [1, 2, 3] */, 0.0f, {{1, 2, 1}});   // [0, 1, 0, 2, 0, 3, 0, 0]
XJAX_API array pad(const array& x, const array& padding_value, const std::vector<pad_dim>& padding_config);

/// The elements of `x` from `start_indices` (inclusive) to `limit_indices`
/// (exclusive), every `strides`-th one.
XJAX_API array slice(const array& x, const shape_t& start_indices, const shape_t& limit_indices,
                     const std::optional<shape_t>& strides = std::nullopt);

/// A slice of shape `slice_sizes` starting at run-time indices (0-d integer arrays
/// of one dtype, or C++ integers). Negative indices count from the end; indices are
/// then clamped so that the slice fits, as XLA does.
XJAX_API array dynamic_slice(const array& x, const std::vector<array>& start_indices, const shape_t& slice_sizes);

/// `x` with `update` written at run-time start indices (normalized and clamped as
/// in dynamic_slice).
XJAX_API array dynamic_update_slice(const array& x, const array& update, const std::vector<array>& start_indices);

/// A copy of `x` in a new buffer (JAX's copy_p, bound as jax.lax.copy_p.bind(x)).
XJAX_API array copy(const array& x);

/// The identity, which differentiation treats as a constant.
XJAX_API array stop_gradient(const array& x);

}  // namespace xjax::lax
