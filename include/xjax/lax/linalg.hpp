#pragma once
// xjax::lax linear algebra: dot_general (and dot), as jax.lax's. Defined in
// primitives/linalg.hpp.
//
//   namespace lax = xjax::lax;
//   // (b, m, k) x (b, k, n) -> (b, m, n)
//   auto c = lax::dot_general(a, b, {.lhs_contracting = {2}, .rhs_contracting = {1},
//                                    .lhs_batch = {0}, .rhs_batch = {0}});
//   // int8 x int8 accumulated and returned as int32
//   auto d = lax::dot_general(p, q, {.lhs_contracting = {1}, .rhs_contracting = {0}},
//                             std::nullopt, xjax::int32);

#include <optional>
#include <string>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

/// jax.lax.Precision. It changes nothing on the CPU; it is kept and printed.
enum class precision { default_, high, highest };

/// The precision of each operand, as JAX's canonical (Precision, Precision) pair.
struct dot_precision {
  precision lhs = precision::default_;
  precision rhs = precision::default_;
  constexpr dot_precision(precision both) : lhs(both), rhs(both) {}  // NOLINT: implicit, as JAX accepts one value
  constexpr dot_precision(precision l, precision r) : lhs(l), rhs(r) {}
  bool operator==(const dot_precision&) const = default;
};

/// jax.lax.dot_general's ((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch)).
/// Contracting and batch dimensions pair up in order. The result's dimensions are the
/// batch dimensions, then the lhs's free dimensions, then the rhs's, each in order.
struct dot_dimension_numbers {
  shape_t lhs_contracting = {};
  shape_t rhs_contracting = {};
  shape_t lhs_batch = {};
  shape_t rhs_batch = {};
  bool operator==(const dot_dimension_numbers&) const = default;
};

/// General contraction (XLA's DotGeneral). Operands may have different dtypes, as in
/// JAX: the result has the more precise one (floats over integers over bool), or
/// `preferred_element_type` when given (which must not be narrower for integers).
XJAX_API array dot_general(const array& lhs, const array& rhs, const dot_dimension_numbers& dimension_numbers,
                           std::optional<dot_precision> precision = std::nullopt,
                           std::optional<dtype> preferred_element_type = std::nullopt);

/// jax.lax.dot without dimension numbers: vector-vector, matrix-vector, vector-matrix or
/// matrix-matrix product, contracting the last dimension of `lhs` with the first of `rhs`.
XJAX_API array dot(const array& lhs, const array& rhs, std::optional<dot_precision> precision = std::nullopt,
                   std::optional<dtype> preferred_element_type = std::nullopt);

// How JAX prints these values in a jaxpr: `(([1], [0]), ([], []))`, `Precision.HIGHEST`.
XJAX_API std::string jax_repr(const dot_dimension_numbers& d);
XJAX_API std::string jax_repr(const dot_precision& p);

}  // namespace xjax::lax
