#pragma once
// xjax::lax reductions functions (reduce_*, argmax, argmin, cumulative ops, sort, iota);
// defined in primitives/reductions.hpp. Names, arguments and semantics are jax.lax's:
//
//   namespace lax = xjax::lax;
//   auto x = xjax::array::from_vector<float>({3, 1, 2, 5, 4, 0}, {2, 3});
//   lax::reduce_sum(x, {1});                  // f32[2]: 6 9
//   lax::argmax(x, 1, xjax::int32);           // i32[2]: 0 0
//   lax::cumsum(x, 1);                        // f32[2,3]: 3 4 6 / 5 9 9
//   lax::sort(x);                             // sorts along the last axis
//   auto [k, v] = lax::sort_key_val(x, lax::broadcasted_iota(xjax::int32, {2, 3}, 1));  // argsort in v
//
// As in jax.lax (and unlike jax.numpy), reductions, argmax/argmin and the cumulative
// ops take non-negative axes only; sort and sort_key_val accept a negative dimension.

#include <cstdint>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

// --- Reductions over `axes` (distinct, each 0 <= axis < ndim); the result drops them.
// Reducing no element gives the identity: 0, 1, the lowest / highest value (-inf /
// +inf for floats), all ones (True) for and, 0 (False) for or and xor.

/// Sum (numbers). Float sums accumulate in the operand's dtype, as XLA does (no upcast).
XJAX_API array reduce_sum(const array& x, const shape_t& axes);
/// Product (numbers); integers wrap around.
XJAX_API array reduce_prod(const array& x, const shape_t& axes);
/// Maximum (every dtype); NaN propagates.
XJAX_API array reduce_max(const array& x, const shape_t& axes);
/// Minimum (every dtype); NaN propagates.
XJAX_API array reduce_min(const array& x, const shape_t& axes);
/// Logical / bitwise and (bool and integers).
XJAX_API array reduce_and(const array& x, const shape_t& axes);
/// Logical / bitwise or (bool and integers).
XJAX_API array reduce_or(const array& x, const shape_t& axes);
/// Logical / bitwise xor (bool and integers).
XJAX_API array reduce_xor(const array& x, const shape_t& axes);

// --- Index of the maximum / minimum along `axis` (0 <= axis < ndim, a non-empty
// dimension), as an integer array of `index_dtype`. Ties give the first occurrence;
// a NaN counts as the extreme value (the first NaN wins). Prints as axes=(axis,).

XJAX_API array argmax(const array& x, std::int64_t axis, dtype index_dtype);
XJAX_API array argmin(const array& x, std::int64_t axis, dtype index_dtype);

// --- Cumulative ops along `axis` (0 <= axis < ndim), from the end with `reverse`.
// Numbers only; the result has the operand's shape and dtype.

XJAX_API array cumsum(const array& x, std::int64_t axis = 0, bool reverse = false);
XJAX_API array cumprod(const array& x, std::int64_t axis = 0, bool reverse = false);
XJAX_API array cummax(const array& x, std::int64_t axis = 0, bool reverse = false);
XJAX_API array cummin(const array& x, std::int64_t axis = 0, bool reverse = false);

// --- Sorting along `dimension` (negative counts from the end). Floats sort in JAX's
// total order: -inf < ... < -0.0 == 0.0 < ... < inf < NaN (every NaN equal, last).
// The sort is stable (is_stable=false allows, but does not get, another order of ties).

/// Sorts one array. num_keys must be 1.
XJAX_API array sort(const array& x, std::int64_t dimension = -1, bool is_stable = true, std::int64_t num_keys = 1);
/// Sorts several arrays of one shape (any dtypes) together, lexicographically by the
/// first `num_keys` of them; the others follow the same permutation.
///   auto sorted = lax::sort({keys, values}, 0);   // sorted[1]: values in key order
XJAX_API std::vector<array> sort(const std::vector<array>& operands, std::int64_t dimension = -1,
                                 bool is_stable = true, std::int64_t num_keys = 1);
/// Sorts `keys` and applies the same permutation to `values`: {sorted keys, values}.
XJAX_API std::pair<array, array> sort_key_val(const array& keys, const array& values, std::int64_t dimension = -1,
                                              bool is_stable = true);

// --- top_k (jax.lax.top_k): the k largest elements along `axis` (negative counts
// from the end; default the last), in descending order, and their int32 indices.
// Floats in the IEEE total order (NaN largest, a NaN with the sign bit smallest,
// -0.0 < 0.0); ties give the lower index first (XLA's TopK).
//   auto [v, i] = lax::top_k(x /* [3, 1, 2] */, 2);   // v: 3 2, i: 0 2
XJAX_API std::pair<array, array> top_k(const array& operand, std::int64_t k, std::int64_t axis = -1);

// --- iota: 0, 1, 2, ... in a numeric dtype.

/// [0, 1, ..., size - 1] of dtype `d` (integers wrap, floats round, as XLA).
XJAX_API array iota(dtype d, std::int64_t size);
/// An array of `shape` whose elements are their index along `dimension` (0 <= dimension < rank).
///   lax::broadcasted_iota(xjax::int32, {2, 3}, 1);   // 0 1 2 / 0 1 2
XJAX_API array broadcasted_iota(dtype d, const shape_t& shape, std::int64_t dimension);

}  // namespace xjax::lax
