#pragma once
// NumPy broadcasting for xjax::numpy.
//
//   jnp::broadcast_shapes({{3, 1}, {4}});        // {3, 4}
//   jnp::broadcast_to(x, {2, 3});                // lax.broadcast_in_dim, as JAX
//   auto [a, b] = jnp::promote_args("add", {x, 2.0});   // common dtype, broadcastable ranks
//
// As in JAX, numpy functions only add leading size-1 dimensions to operands of lower
// rank (promote_shapes); lax's elementwise ops then broadcast size-1 dimensions.

#include <span>
#include <string_view>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy {

/// The shape that `shapes` broadcast to (NumPy's rules); shape_error when they do not.
XJAX_API shape_t broadcast_shapes(std::span<const shape_t> shapes, std::string_view op = "broadcast_shapes");
inline shape_t broadcast_shapes(std::initializer_list<shape_t> shapes) {
  return broadcast_shapes(std::span<const shape_t>(shapes.begin(), shapes.size()));
}

/// `x` broadcast to `shape` (jnp.broadcast_to); shape_error when it cannot be.
XJAX_API array broadcast_to(const array& x, const shape_t& shape);

/// The operands broadcast to their common shape (jnp.broadcast_arrays).
XJAX_API std::vector<array> broadcast_arrays(const std::vector<array>& operands);

/// The operands with leading 1s added up to the broadcast rank (JAX's promote_shapes);
/// `op` names the numpy function in errors.
XJAX_API std::vector<array> promote_shapes(std::string_view op, std::vector<array> operands);

/// promote_dtypes then promote_shapes: operands ready for a lax elementwise op
/// (JAX's promote_args).
XJAX_API std::vector<array> promote_args(std::string_view op, std::vector<array> operands);

/// As promote_args, with integer and bool operands promoted to the default float
/// (JAX's promote_args_inexact).
XJAX_API std::vector<array> promote_args_inexact(std::string_view op, std::vector<array> operands);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/lax/structure.hpp"

namespace xjax::numpy {

XJAX_IMPL shape_t broadcast_shapes(std::span<const shape_t> shapes, std::string_view op) {
  std::size_t rank = 0;
  for (auto& s : shapes) rank = std::max(rank, s.size());
  shape_t out(rank, 1);
  for (auto& s : shapes) {
    const std::size_t lead = rank - s.size();
    for (std::size_t i = 0; i < s.size(); ++i) {
      std::int64_t& o = out[lead + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o == 1) {
        o = s[i];
        continue;
      }
      std::vector<std::string> strs;
      for (auto& t : shapes) strs.push_back(shape_str(t));
      detail::raise<shape_error>(op, "incompatible shapes for broadcasting: {}", fmt::join(strs, ", "));
    }
  }
  return out;
}

XJAX_IMPL array broadcast_to(const array& x, const shape_t& shape) {
  if (x.shape() == shape) return x;
  const std::int64_t nlead = static_cast<std::int64_t>(shape.size()) - x.ndim();
  bool compatible = nlead >= 0;
  for (std::int64_t i = 0; compatible && i < x.ndim(); ++i) {
    compatible = x.shape()[i] == 1 || x.shape()[i] == shape[nlead + i];
  }
  if (!compatible) {
    detail::raise<shape_error>("broadcast_to", "cannot broadcast an array of shape {} to the requested shape {}",
                               shape_str(x.shape()), shape_str(shape));
  }
  shape_t dims;
  for (std::int64_t i = nlead; i < static_cast<std::int64_t>(shape.size()); ++i) dims.push_back(i);
  return lax::broadcast_in_dim(x, shape, dims);
}

XJAX_IMPL std::vector<array> broadcast_arrays(const std::vector<array>& operands) {
  std::vector<shape_t> shapes;
  for (auto& x : operands) shapes.push_back(x.shape());
  shape_t out = broadcast_shapes(shapes, "broadcast_arrays");
  std::vector<array> result;
  for (auto& x : operands) result.push_back(broadcast_to(x, out));
  return result;
}

XJAX_IMPL std::vector<array> promote_shapes(std::string_view op, std::vector<array> operands) {
  if (operands.size() < 2) return operands;
  std::vector<shape_t> shapes;
  for (auto& x : operands) shapes.push_back(x.shape());
  // Validate even when no rank promotion is needed: the error names the numpy function.
  const std::size_t rank = broadcast_shapes(shapes, op).size();
  // Ranks of the non-0-d operands: with one rank, lax broadcasts the 0-d ones itself.
  std::size_t first_rank = 0;
  bool several_ranks = false;
  for (auto& s : shapes) {
    if (s.empty()) continue;
    if (first_rank == 0) first_rank = s.size();
    several_ranks = several_ranks || s.size() != first_rank;
  }
  if (!several_ranks) return operands;
  for (auto& x : operands) {
    const std::size_t nd = static_cast<std::size_t>(x.ndim());
    if (nd == rank) continue;
    shape_t target(rank - nd, 1);
    target.insert(target.end(), x.shape().begin(), x.shape().end());
    shape_t dims;
    for (std::size_t i = rank - nd; i < rank; ++i) dims.push_back(static_cast<std::int64_t>(i));
    x = lax::broadcast_in_dim(x, target, dims);
  }
  return operands;
}

XJAX_IMPL std::vector<array> promote_args(std::string_view op, std::vector<array> operands) {
  return promote_shapes(op, promote_dtypes(std::move(operands)));
}

XJAX_IMPL std::vector<array> promote_args_inexact(std::string_view op, std::vector<array> operands) {
  return promote_shapes(op, promote_dtypes_inexact(std::move(operands)));
}

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
