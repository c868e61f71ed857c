#pragma once
// JAX's type promotion, for xjax::numpy.
//
//   jnp::promote_types(xjax::int8, xjax::uint8);        // int16
//   jnp::promote_types(xjax::bfloat16, xjax::float16);  // float32
//   jnp::result_type({x.aval(), xjax::array(2.0).aval()});  // x's dtype if it is a float
//
// The lattice is JAX's (jax._src.dtypes, "standard" promotion) with 64-bit types
// available, as JAX with jax_enable_x64: explicit int64/float64/uint64 arrays keep
// their width and promote as in JAX. Defaults are JAX's without x64: a bound that is
// a weak type (a C++ scalar meeting a bool or an integer array) is int32 or float32,
// or int64 / float64 when a strongly typed operand is 64-bit, as JAX with x64 gives
// then (u64 + i64 -> f64, i64 * 2.5 -> f64, i8 * 2.5 -> f32). C++ scalars are weakly
// typed: `x * 2.0` keeps x's dtype.

#include <span>
#include <string_view>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {

/// A dtype with its weak-type flag: what promotion computes.
struct promoted_type {
  xjax::dtype dtype;
  bool weak_type = false;
};

/// The dtype two strongly typed dtypes promote to (jnp.promote_types).
XJAX_API dtype promote_types(dtype a, dtype b);

/// The dtype and weak type the operands of a numpy function promote to
/// (jax.numpy.result_type with JAX's weak-type rules).
XJAX_API promoted_type result_type(std::span<const aval> operands);

/// The operands converted to their common type (jax.numpy's promote_dtypes). Concrete
/// 0-d weakly typed operands (C++ scalars) are converted at once, never staged, as
/// JAX converts Python scalars; the others through lax::convert_element_type.
XJAX_API std::vector<array> promote_dtypes(std::vector<array> operands);

/// As promote_dtypes, then integers and bools go to the default float (float32, or
/// float64 for int64 / uint64 as JAX's to_inexact_dtype; weak stays weak): for
/// functions whose result is a float (true_divide, exp, mean...).
XJAX_API std::vector<array> promote_dtypes_inexact(std::vector<array> operands);

/// `x` converted to `t` (no equation when it already has that dtype and weak type).
XJAX_API array convert_to(const array& x, promoted_type t);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <array>
#include <cstdint>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"

namespace xjax::numpy {
namespace lattice {

// Lattice nodes: the 13 dtypes (by dtype index), then the weak int and weak float.
inline constexpr int weak_int_node = num_dtypes, weak_float_node = num_dtypes + 1, num_nodes = num_dtypes + 2;
using node_set = std::uint32_t;

constexpr node_set bit(dtype d) { return node_set{1} << d.index(); }
constexpr node_set bit(int node) { return node_set{1} << node; }

/// Each node's immediate successors (JAX's _type_promotion_lattice, standard, x64).
constexpr std::array<node_set, num_nodes> lattice_edges() {
  std::array<node_set, num_nodes> e{};
  e[bool_.index()] = bit(weak_int_node);
  e[weak_int_node] = bit(uint8) | bit(int8);
  e[uint8.index()] = bit(int16) | bit(uint16);
  e[uint16.index()] = bit(int32) | bit(uint32);
  e[uint32.index()] = bit(int64) | bit(uint64);
  e[uint64.index()] = bit(weak_float_node);
  e[int8.index()] = bit(int16);
  e[int16.index()] = bit(int32);
  e[int32.index()] = bit(int64);
  e[int64.index()] = bit(weak_float_node);
  e[weak_float_node] = bit(bfloat16) | bit(float16);
  e[bfloat16.index()] = bit(float32);
  e[float16.index()] = bit(float32);
  e[float32.index()] = bit(float64);
  return e;
}

/// Upper bounds of each node: itself and everything reachable from it.
constexpr std::array<node_set, num_nodes> upper_bounds() {
  auto edges = lattice_edges();
  std::array<node_set, num_nodes> ub{};
  for (int n = 0; n < num_nodes; ++n) {
    node_set s = bit(n);
    for (;;) {
      node_set next = s;
      for (int m = 0; m < num_nodes; ++m)
        if (s & bit(m)) next |= edges[m];
      if (next == s) break;
      s = next;
    }
    ub[n] = s;
  }
  return ub;
}
inline constexpr std::array<node_set, num_nodes> lattice_ubs = upper_bounds();

/// The least upper bound of a set of nodes (JAX's _least_upper_bound). Every set has
/// one in this lattice (it has no complex or 8-bit float types).
inline int least_upper_bound(node_set nodes) {
  node_set cub = ~node_set{0};
  for (int n = 0; n < num_nodes; ++n)
    if (nodes & bit(n)) cub &= lattice_ubs[n];
  if (node_set both = cub & nodes) {
    for (int n = 0; n < num_nodes; ++n)
      if (both & bit(n)) return n;
  }
  for (int c = 0; c < num_nodes; ++c)
    if ((cub & bit(c)) && (cub & lattice_ubs[c]) == cub) return c;
  return float64.index();  // unreachable: the lattice is complete over our dtypes
}

/// JAX's _jax_type: a weakly typed int or float is its weak node; bool stays bool.
inline int node_of(dtype d, bool weak) {
  if (weak && d.is_integer()) return weak_int_node;
  if (weak && d.is_floating()) return weak_float_node;
  return d.index();
}

/// The dtype of a bound: a weak node takes the default dtype, 64-bit when `wide`.
inline promoted_type from_node(int n, bool weak, bool wide = false) {
  if (n == weak_int_node) return {wide ? int64 : int32, true};
  if (n == weak_float_node) return {wide ? float64 : float32, true};
  return {dtype(static_cast<dtype_id>(n)), weak && n != bool_.index()};
}

}  // namespace lattice

XJAX_IMPL dtype promote_types(dtype a, dtype b) {
  const bool wide = a.itemsize() == 8 || b.itemsize() == 8;
  return lattice::from_node(lattice::least_upper_bound(lattice::bit(a) | lattice::bit(b)), false, wide).dtype;
}

XJAX_IMPL promoted_type result_type(std::span<const aval> operands) {
  if (operands.empty()) return {float32, false};
  if (operands.size() == 1) return {operands[0].dtype, operands[0].weak_type};
  bool all_weak = true, all_same = true;
  for (auto& a : operands) {
    all_weak = all_weak && a.weak_type;
    all_same = all_same && a.dtype == operands[0].dtype;
  }
  if (all_same && !all_weak) return {operands[0].dtype, false};
  lattice::node_set nodes = 0;
  if (all_weak) {
    // JAX bounds the strong counterparts and makes the result weak (no weak int16).
    bool wide = false;
    for (auto& a : operands) {
      nodes |= lattice::bit(a.dtype);
      wide = wide || a.dtype.itemsize() == 8;
    }
    return lattice::from_node(lattice::least_upper_bound(nodes), true, wide);
  }
  bool wide = false;
  for (auto& a : operands) {
    nodes |= lattice::bit(lattice::node_of(a.dtype, a.weak_type));
    wide = wide || (!a.weak_type && a.dtype.itemsize() == 8);
  }
  int n = lattice::least_upper_bound(nodes);
  return lattice::from_node(n, n == lattice::weak_int_node || n == lattice::weak_float_node, wide);
}

XJAX_IMPL array convert_to(const array& x, promoted_type t) {
  if (x.dtype() == t.dtype && x.weak_type() == t.weak_type) return x;
  if (x.is_concrete() && x.ndim() == 0 && x.weak_type()) {
    // A C++ floating scalar becomes a float directly from its double value (rounded
    // once, as JAX converts a Python float), not from its float32 rounding.
    if (const auto& src = x.node().scalar_source; src && t.dtype.is_floating()) {
      array c(*src, t.dtype);
      return t.weak_type ? array::from_buffer(c.buffer_ptr(), {}, t.dtype, true) : c;
    }
    eager_scope now;  // a C++ scalar: converted now, as JAX converts a Python scalar
    return lax::convert_element_type(x, t.dtype, t.weak_type);
  }
  return lax::convert_element_type(x, t.dtype, t.weak_type);
}

XJAX_IMPL std::vector<array> promote_dtypes(std::vector<array> operands) {
  if (operands.size() < 2) return operands;
  std::vector<aval> avals;
  avals.reserve(operands.size());
  for (auto& x : operands) avals.push_back(x.aval());
  promoted_type t = result_type(avals);
  for (auto& x : operands) x = convert_to(x, t);
  return operands;
}

XJAX_IMPL std::vector<array> promote_dtypes_inexact(std::vector<array> operands) {
  std::vector<aval> avals;
  avals.reserve(operands.size());
  for (auto& x : operands) avals.push_back(x.aval());
  promoted_type t = result_type(avals);
  // As JAX's to_inexact_dtype: 64-bit integers (explicit, hence x64) go to float64.
  if (!t.dtype.is_floating()) t.dtype = t.dtype == int64 || t.dtype == uint64 ? float64 : float32;
  for (auto& x : operands) x = convert_to(x, t);
  return operands;
}

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
