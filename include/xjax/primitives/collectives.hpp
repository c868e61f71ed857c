#pragma once
// Collective primitives over named axes (psum, pmax, pmin, all_gather, reduce_scatter,
// ppermute, all_to_all, axis_index), as jax/_src/lax/parallel.py 0.10.2 has them. An
// implementation header: <xjax/xjax.hpp> includes it only where definitions are compiled
// (see config.hpp). The user functions are declared in lax/collectives.hpp.
//
// Named axes. A collective names axes that an enclosing vmap binds (axis_name=...;
// batching::axis_env). Every shape rule looks its names up (batching::axis_size), so an
// unbound name is an error at trace time and eagerly. A collective has no evaluation of
// its own: the vmap that binds its axis computes it with the batching rule, which vmap
// calls even when the operand is not batched (collective_over); psum of an unbatched x
// is x times the axis size. Evaluating one eagerly is therefore the unbound-name error.
//
//   primitive        params (printed as JAX prints them)                          output
//   psum             axes, axis_index_groups=None                                 operand less the positional axes;
//   pmax, pmin       axes, axis_index_groups=None                                 weak_type dropped
//   all_gather       all_gather_dimension, axis_index_groups=None, axis_name,     a new dimension of axis_size at
//                    axis_size, tiled                                             all_gather_dimension (tiled: that
//                                                                                 dimension times axis_size)
//   reduce_scatter   axis_index_groups=None, axis_name, axis_size,                scatter_dimension removed (tiled:
//                    scatter_dimension, tiled                                     divided by axis_size)
//   ppermute         axis_name, perm                                              the operand's aval
//   all_to_all       axis_index_groups=None, axis_name, concat_axis, split_axis,  split_axis divided by, concat_axis
//                    tiled                                                        times the axis size; weak dropped
//   axis_index       axis_name                                                    i32[]
//
// axis_name is a tuple of names (('i',)), except all_to_all's, which keeps the name as
// given (i, or ('i', 'j')), and axis_index's (one name). axis_index_groups is not
// supported (always None). psum/pmax/pmin's axes mix names with positional axes of the
// operand: batching turns the vmapped name into one (vmap of psum(x, 'i') over 'i' is
// psum[axes=(0,)] of the batched x, as in JAX), and a psum with positional axes only is
// an ordinary reduction, evaluated as reduce_sum/max/min.
//
// Batching (JAX's rules). Over the vmapped name:
//   psum/pmax/pmin   the batch dimension moved to the front and reduced as positional
//                    axis 0 (other names stay), not mapped; an unbatched x: x * size
//                    for psum, x for pmax/pmin (_constant_reduction);
//   all_gather       the batch itself: the batch dimension moved to all_gather_dimension
//                    (folded into it when tiled), not mapped;
//   reduce_scatter   reduce_sum over the batch dimension; the result is batched along
//                    scatter_dimension (split when tiled);
//   ppermute         a gather along the batch dimension (zeros for destinations without
//                    a source);
//   all_to_all       reshapes and transposes between the batch dimension and
//                    split/concat axes, with the all_to_all over the other names of a
//                    tuple (major/minor) re-bound around them;
//   axis_index       iota over the batch, batched along 0.
// Over another name (nested vmaps), the collective is re-bound on the batched operand
// with its params shifted past the batch dimension, which it keeps.
// JAX has no batching rule for all_gather, reduce_scatter or ppermute over several names
// one of which is vmapped (it asserts); neither has xjax (not_implemented_error).
//
// Differentiation (JAX's parallel.py). psum, all_gather, reduce_scatter, ppermute and
// all_to_all are linear: their JVP binds them on the tangent. Transposes: psum -> the
// cotangent broadcast over the positional axes, then psum over the named ones (psum is
// treated as psum + pbroadcast, so the sum is taken again); all_gather <-> reduce_scatter
// (psum_scatter); ppermute -> ppermute with the inverse permutation; all_to_all ->
// all_to_all with split_axis and concat_axis swapped. pmax and pmin have no JVP rule in
// JAX: differentiating them is an error, here too. axis_index is integer: no tangent.
//
// Departures from JAX, where JAX 0.10.2 fails:
//   - all_to_all's transpose binds the primitive with split and concat swapped; JAX calls
//     the user-level all_to_all, which inserts and removes a dimension again and fails
//     ("Expected cotangent type ...") for an untiled all_to_all with split != concat;
//   - all_to_all of an unbatched operand over the vmapped name broadcasts it to the batch
//     ([size, ...]); JAX's broadcast gives [size, *shape, *shape] and a wrong result;
//   - ppermute with a partial permutation under vmap: JAX asserts "Permutation doesn't
//     match the axis size!"; xjax fills the destinations without a source with zeros, as
//     the collective does (shard_map, pmap);
//   - an untiled reduce_scatter over an outer name, batched after its scatter_dimension:
//     JAX gives the result batch dimension d + 1 (an IndexError or a wrong result); the
//     scatter dimension is removed, so it is d - 1.

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/collectives.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/indexing.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/operators.hpp"
#include "xjax/numpy/ufuncs.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/primitives/reductions.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::prim {

// ---------------------------------------------------------------------------
// Param values, printed as JAX prints the Python values it holds.

namespace collectives {

/// Python's repr of a str: 'i' (double quotes when the text has a ' and no ").
inline std::string python_str_repr(std::string_view s) {
  const char q = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\' || c == q) out += '\\';
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  out += q;
  return out;
}

/// Python's repr of a tuple of already printed items: (), (a,), (a, b).
inline std::string python_tuple(const std::vector<std::string>& items) {
  return fmt::format("({}{})", fmt::join(items, ", "), items.size() == 1 ? "," : "");
}

}  // namespace collectives

/// The axis names of a collective. Prints as a tuple, ('i',), or with `bare` as the one
/// name itself (all_to_all keeps the str it was given: axis_name=i).
struct axis_name_param {
  std::vector<std::string> names;
  bool bare = false;
  bool operator==(const axis_name_param&) const = default;
  bool contains(std::string_view name) const {
    return !name.empty() && std::find(names.begin(), names.end(), name) != names.end();
  }
};
inline std::string jax_repr(const axis_name_param& p) {
  if (p.bare && p.names.size() == 1) return p.names[0];
  std::vector<std::string> items;
  for (auto& n : p.names) items.push_back(collectives::python_str_repr(n));
  return collectives::python_tuple(items);
}

/// An entry of psum/pmax/pmin's axes: a named axis, or a positional axis of the operand.
using collective_axis = std::variant<std::string, std::int64_t>;

/// psum/pmax/pmin's axes: ('i',), (0,), ('i', 0).
struct collective_axes_param {
  std::vector<collective_axis> items;
  bool operator==(const collective_axes_param&) const = default;

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& a : items)
      if (auto* n = std::get_if<std::string>(&a)) out.push_back(*n);
    return out;
  }
  shape_t positional() const {
    shape_t out;
    for (auto& a : items)
      if (auto* i = std::get_if<std::int64_t>(&a)) out.push_back(*i);
    return out;
  }
  bool contains(std::string_view name) const {
    for (auto& a : items)
      if (auto* n = std::get_if<std::string>(&a); n && !name.empty() && *n == name) return true;
    return false;
  }
};
inline std::string jax_repr(const collective_axes_param& p) {
  std::vector<std::string> items;
  for (auto& a : p.items) {
    if (auto* n = std::get_if<std::string>(&a)) items.push_back(collectives::python_str_repr(*n));
    else items.push_back(std::to_string(std::get<std::int64_t>(a)));
  }
  return collectives::python_tuple(items);
}

/// ppermute's perm: ((0, 1), (1, 2)).
struct permutation_param {
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  bool operator==(const permutation_param&) const = default;
};
inline std::string jax_repr(const permutation_param& p) {
  std::vector<std::string> items;
  for (auto [s, d] : p.pairs) items.push_back(fmt::format("({}, {})", s, d));
  return collectives::python_tuple(items);
}

// ---------------------------------------------------------------------------
// Params.

/// psum, pmax, pmin.
struct reduce_collective_params {
  collective_axes_param axes;
  bool operator==(const reduce_collective_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axes", axes);
    f("axis_index_groups", none);
  }
};

struct all_gather_params {
  std::int64_t all_gather_dimension = 0;
  axis_name_param axis_name;
  std::int64_t axis_size = 0;
  bool tiled = false;
  bool operator==(const all_gather_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("all_gather_dimension", all_gather_dimension);
    f("axis_index_groups", none);
    f("axis_name", axis_name);
    f("axis_size", axis_size);
    f("tiled", tiled);
  }
};

struct reduce_scatter_params {
  axis_name_param axis_name;
  std::int64_t scatter_dimension = 0;
  std::int64_t axis_size = 0;
  bool tiled = false;
  bool operator==(const reduce_scatter_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis_index_groups", none);
    f("axis_name", axis_name);
    f("axis_size", axis_size);
    f("scatter_dimension", scatter_dimension);
    f("tiled", tiled);
  }
};

struct ppermute_params {
  axis_name_param axis_name;
  permutation_param perm;
  bool operator==(const ppermute_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis_name", axis_name);
    f("perm", perm);
  }
};

struct all_to_all_params {
  axis_name_param axis_name;
  std::int64_t split_axis = 0;
  std::int64_t concat_axis = 0;
  bool tiled = false;
  bool operator==(const all_to_all_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("axis_index_groups", none);
    f("axis_name", axis_name);
    f("concat_axis", concat_axis);
    f("split_axis", split_axis);
    f("tiled", tiled);
  }
};

struct axis_index_params {
  std::string axis_name;
  bool operator==(const axis_index_params&) const = default;
  template <class F> void fields(F&& f) const { f("axis_name", axis_name); }
};

// ---------------------------------------------------------------------------
// Shared helpers.

namespace collectives {

/// The product of the sizes of the named axes, each looked up in the axis environment:
/// an unbound name is batching::axis_size's error, naming `op`.
inline std::int64_t bound_size(std::string_view op, const std::vector<std::string>& names) {
  std::int64_t n = 1;
  for (auto& name : names) n *= batching::axis_size(op, name);
  return n;
}

/// A collective over named axes has no evaluation of its own (see the file comment):
/// the unbound-name error, or, should the names be bound, an error saying so.
[[noreturn]] inline void no_evaluation(std::string_view op, const std::vector<std::string>& names) {
  bound_size(op, names);
  detail::raise<value_error>(op, "a collective over the named axes ({}) is computed by the vmap that binds them, "
                                 "through its batching rule; it cannot be evaluated on its own",
                             fmt::join(names, ", "));
}

/// JAX's batching rules do not handle several names one of which is vmapped (they assert).
[[noreturn]] inline void several_names_unsupported(std::string_view op, const axis_name_param& names,
                                                   const batch_axis& axis) {
  detail::raise<not_implemented_error>(op, "vmap over axis '{}' of a {} over several axis names {} is not "
                                           "implemented (JAX's batching rule does not support it either); "
                                           "use one name",
                                       axis.name, op, jax_repr(names));
}

/// x with dimension `src` moved to `dst` (no equation when they are equal).
inline array moveaxis(const array& x, std::int64_t src, std::int64_t dst) {
  return batching::move_batch_dim(x, src, dst, 0);
}

/// x with dimensions a and b exchanged.
inline array swapaxes(const array& x, std::int64_t a, std::int64_t b) {
  if (a == b) return x;
  shape_t perm;
  for (std::int64_t i = 0; i < x.ndim(); ++i) perm.push_back(i);
  std::swap(perm[static_cast<std::size_t>(a)], perm[static_cast<std::size_t>(b)]);
  return lax::transpose(x, perm);
}

/// Dimension `axis` of x split into [factor, size / factor] (JAX's _splitaxis).
inline array splitaxis(const array& x, std::int64_t axis, std::int64_t factor) {
  shape_t shape = x.shape();
  const auto a = static_cast<std::size_t>(axis);
  const std::int64_t n = shape[a];
  shape[a] = n / factor;
  shape.insert(shape.begin() + axis, factor);
  return lax::reshape(x, shape);
}

/// Dimensions `axis` and `axis + 1` of x merged into one (JAX's _foldaxis).
inline array foldaxis(const array& x, std::int64_t axis) {
  shape_t shape = x.shape();
  const auto a = static_cast<std::size_t>(axis);
  shape[a] *= shape[a + 1];
  shape.erase(shape.begin() + axis + 1);
  return lax::reshape(x, shape);
}

/// Checks that dimension parameter `value` of `op` is in [0, limit).
inline void check_dim(std::string_view op, std::string_view what, std::int64_t value, std::int64_t limit,
                      const aval& x) {
  if (value < 0 || value >= limit) {
    detail::raise<value_error>(op, "{} {} is out of range for an operand of type {}: it must satisfy 0 <= {} < {}",
                               what, value, x.str(), what, limit);
  }
}

/// The one operand of a linear collective's transpose, checked to be linear.
inline void check_transpose_args(std::string_view op, std::span<const lin_arg> args) {
  ad::check_linear_args(op, args, {true});
}

}  // namespace collectives

// ---------------------------------------------------------------------------
// psum, pmax, pmin.

enum class collective_reduction { sum, max, min };

/// psum, pmax or pmin from an op struct with `name`, `kind` and `domain`.
template <class Op> class reduce_collective_primitive final : public primitive_of<reduce_collective_params> {
 public:
  using params = reduce_collective_params;
  constexpr reduce_collective_primitive() : primitive_of<params>(Op::name) {}

  std::vector<aval> shape_rule(std::span<const aval> in, const params& p) const override {
    check_arity(Op::name, in.size(), 1);
    check_dtype(Op::name, in[0].dtype, Op::domain);
    collectives::bound_size(Op::name, p.axes.names());
    return {aval{reduced_shape(Op::name, in[0], p.axes.positional()), in[0].dtype, false}};
  }

  /// Positional axes only: an ordinary reduction (JAX's _allreduce_impl).
  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    const std::vector<std::string> names = p.axes.names();
    if (!names.empty()) collectives::no_evaluation(Op::name, names);
    const shape_t axes = p.axes.positional();
    array r = Op::kind == collective_reduction::sum   ? lax::reduce_sum(in[0], axes)
              : Op::kind == collective_reduction::max ? lax::reduce_max(in[0], axes)
                                                      : lax::reduce_min(in[0], axes);
    if (r.weak_type()) r = lax::convert_element_type(r, r.dtype(), false);
    return {r};
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents, const params& p) const override {
    if constexpr (Op::kind == collective_reduction::sum) return ad::linear_jvp(*this, primals, tangents, p);
    else this->missing_rule("differentiation (jvp)");  // JAX has none for pmax / pmin
  }

  /// JAX's _psum_transpose_rule: the cotangent broadcast back over the positional axes
  /// (reduce_sum's transpose), then summed over the named axes again.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const params& p) const override {
    if constexpr (Op::kind != collective_reduction::sum) {
      this->missing_rule("transpose");
    } else {
      collectives::check_transpose_args(Op::name, args);
      if (ad::is_zero(cts[0])) return {array()};
      array ct = cts[0];
      const shape_t pos = p.axes.positional();
      if (!pos.empty()) {
        const shape_t& shape = args[0].aval.shape;
        shape_t kept;
        for (std::int64_t d = 0; d < static_cast<std::int64_t>(shape.size()); ++d)
          if (std::find(pos.begin(), pos.end(), d) == pos.end()) kept.push_back(d);
        ct = lax::broadcast_in_dim(ct, shape, kept);
      }
      params named;
      for (auto& n : p.axes.names()) named.axes.items.emplace_back(n);
      return {this->bind1({ct}, named)};
    }
  }

  /// JAX's _batched_reduction_collective.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const params& p,
                          const batch_axis& axis) const override {
    const array& v = args[0];
    const std::int64_t d = dims[0];
    const bool mine = p.axes.contains(axis.name);
    if (d == not_mapped) {
      if (!mine) return {{this->bind1({v}, p)}, {not_mapped}};
      // The same value in every element (_constant_reduction): the other axes reduced,
      // then times the size for a sum.
      params rest;
      for (auto& a : p.axes.items)
        if (!(std::holds_alternative<std::string>(a) && std::get<std::string>(a) == axis.name)) rest.axes.items.push_back(a);
      array r = rest.axes.items.empty() ? v : this->bind1({v}, rest);
      if constexpr (Op::kind == collective_reduction::sum) r = array(axis.size, r.dtype()) * r;
      return {{r}, {not_mapped}};
    }
    if (!mine && p.axes.positional().empty()) return {{this->bind1({v}, p)}, {d}};
    // The batch dimension to the front; positional axes shift past it, and the vmapped
    // name becomes positional axis 0 (_reduction_with_positional_batcher).
    params q;
    for (auto& a : p.axes.items) {
      if (auto* i = std::get_if<std::int64_t>(&a)) q.axes.items.emplace_back(*i + 1);
      else if (std::get<std::string>(a) == axis.name) q.axes.items.emplace_back(std::int64_t{0});
      else q.axes.items.push_back(a);
    }
    return {{this->bind1({collectives::moveaxis(v, d, 0)}, q)}, {mine ? not_mapped : 0}};
  }

  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return params_cast<params>(p).axes.contains(axis_name);
  }
};

struct psum_op {
  static constexpr std::string_view name = "psum";
  static constexpr collective_reduction kind = collective_reduction::sum;
  static constexpr dtype_set domain = numeric_types;  // lax::psum converts bools to int32 first
};
inline const reduce_collective_primitive<psum_op>& psum_p() { static const reduce_collective_primitive<psum_op> p; return p; }

struct pmax_op {
  static constexpr std::string_view name = "pmax";
  static constexpr collective_reduction kind = collective_reduction::max;
  static constexpr dtype_set domain = all_types;
};
inline const reduce_collective_primitive<pmax_op>& pmax_p() { static const reduce_collective_primitive<pmax_op> p; return p; }

struct pmin_op {
  static constexpr std::string_view name = "pmin";
  static constexpr collective_reduction kind = collective_reduction::min;
  static constexpr dtype_set domain = all_types;
};
inline const reduce_collective_primitive<pmin_op>& pmin_p() { static const reduce_collective_primitive<pmin_op> p; return p; }

// ---------------------------------------------------------------------------
// all_gather and reduce_scatter (psum_scatter), each the other's transpose.

/// The size check shared by all_gather and reduce_scatter: their axis_size param is the
/// product of the bound sizes of their names.
inline void check_axis_size(std::string_view op, const axis_name_param& names, std::int64_t axis_size) {
  const std::int64_t n = collectives::bound_size(op, names.names);
  if (n != axis_size) {
    detail::raise<value_error>(op, "axis_size {} does not match the size {} of the named axes {}", axis_size, n,
                               jax_repr(names));
  }
}

class all_gather_primitive final : public primitive_of<all_gather_params> {
 public:
  constexpr all_gather_primitive() : primitive_of<all_gather_params>("all_gather") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const all_gather_params& p) const override {
    check_arity("all_gather", in.size(), 1);
    check_axis_size("all_gather", p.axis_name, p.axis_size);
    shape_t shape = in[0].shape;
    const std::int64_t g = p.all_gather_dimension;
    collectives::check_dim("all_gather", "all_gather_dimension", g, in[0].ndim() + (p.tiled ? 0 : 1), in[0]);
    if (p.tiled) shape[static_cast<std::size_t>(g)] *= p.axis_size;
    else shape.insert(shape.begin() + g, p.axis_size);
    return {aval{shape, in[0].dtype, in[0].weak_type}};
  }
  std::vector<array> eval(std::span<const array>, const all_gather_params& p) const override {
    collectives::no_evaluation("all_gather", p.axis_name.names);
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const all_gather_params& p) const override {
    return ad::linear_jvp(*this, primals, tangents, p);
  }
  /// JAX's _all_gather_transpose_rule: psum_scatter of the cotangent.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const all_gather_params& p) const override {
    collectives::check_transpose_args("all_gather", args);
    if (ad::is_zero(cts[0])) return {array()};
    return {lax::psum_scatter(cts[0], p.axis_name.names, p.all_gather_dimension, p.tiled)};
  }

  /// JAX's _all_gather_batched_collective.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const all_gather_params& p,
                          const batch_axis& axis) const override {
    const array& x = args[0];
    std::int64_t d = dims[0];
    if (!p.axis_name.contains(axis.name)) {
      if (d == not_mapped) return {{bind1({x}, p)}, {not_mapped}};
      all_gather_params q = p;
      if (d <= q.all_gather_dimension) q.all_gather_dimension += 1;
      else if (!p.tiled) d += 1;  // a tiled all_gather keeps the rank
      return {{bind1({x}, q)}, {d}};
    }
    if (p.axis_name.names.size() > 1) collectives::several_names_unsupported("all_gather", p.axis_name, axis);
    const std::int64_t g = p.all_gather_dimension;
    array y;
    if (d == not_mapped) {
      shape_t shape = x.shape(), bdims;
      shape.insert(shape.begin() + g, axis.size);
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(shape.size()); ++i)
        if (i != g) bdims.push_back(i);
      y = lax::broadcast_in_dim(x, shape, bdims);
    } else {
      y = collectives::moveaxis(x, d, g);
    }
    if (p.tiled) y = collectives::foldaxis(y, g);
    return {{y}, {not_mapped}};
  }

  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return params_cast<all_gather_params>(p).axis_name.contains(axis_name);
  }
};
inline const all_gather_primitive& all_gather_p() { static const all_gather_primitive p; return p; }

class reduce_scatter_primitive final : public primitive_of<reduce_scatter_params> {
 public:
  constexpr reduce_scatter_primitive() : primitive_of<reduce_scatter_params>("reduce_scatter") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const reduce_scatter_params& p) const override {
    check_arity("reduce_scatter", in.size(), 1);
    check_dtype("reduce_scatter", in[0].dtype, numeric_types);
    check_axis_size("reduce_scatter", p.axis_name, p.axis_size);
    const std::int64_t s = p.scatter_dimension;
    collectives::check_dim("reduce_scatter", "scatter_dimension", s, in[0].ndim(), in[0]);
    shape_t shape = in[0].shape;
    const std::int64_t n = shape[static_cast<std::size_t>(s)];
    if (p.tiled) {
      if (n % p.axis_size != 0) {
        detail::raise<value_error>("reduce_scatter", "tiled reduce_scatter operand scatter dimension size {} must be "
                                                     "divisible by shard_count {} (operand {})",
                                   n, p.axis_size, in[0].str());
      }
      shape[static_cast<std::size_t>(s)] = n / p.axis_size;
    } else {
      if (n != p.axis_size) {
        detail::raise<value_error>("reduce_scatter", "reduce_scatter operand scatter dimension size {} must match "
                                                     "shard count {} (operand {})",
                                   n, p.axis_size, in[0].str());
      }
      shape.erase(shape.begin() + s);
    }
    return {aval{shape, in[0].dtype, in[0].weak_type}};
  }
  std::vector<array> eval(std::span<const array>, const reduce_scatter_params& p) const override {
    collectives::no_evaluation("reduce_scatter", p.axis_name.names);
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const reduce_scatter_params& p) const override {
    return ad::linear_jvp(*this, primals, tangents, p);
  }
  /// JAX's _reduce_scatter_transpose_rule: all_gather of the cotangent.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const reduce_scatter_params& p) const override {
    collectives::check_transpose_args("reduce_scatter", args);
    if (ad::is_zero(cts[0])) return {array()};
    return {lax::all_gather(cts[0], p.axis_name.names, p.scatter_dimension, p.tiled)};
  }

  /// JAX's _reduce_scatter_collective.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims,
                          const reduce_scatter_params& p, const batch_axis& axis) const override {
    const array& x = args[0];
    std::int64_t d = dims[0];
    if (!p.axis_name.contains(axis.name)) {
      if (d == not_mapped) return {{bind1({x}, p)}, {not_mapped}};
      // (JAX's _reduce_scatter_batcher moves d to d + 1 here, as all_gather's does; but
      // an untiled reduce_scatter removes scatter_dimension, before d: d - 1.)
      reduce_scatter_params q = p;
      if (d <= q.scatter_dimension) q.scatter_dimension += 1;
      else if (!p.tiled) d -= 1;  // a tiled reduce_scatter keeps the rank
      return {{bind1({x}, q)}, {d}};
    }
    if (p.axis_name.names.size() > 1) collectives::several_names_unsupported("reduce_scatter", p.axis_name, axis);
    // The sum over the batch; element k's share of it is index (or chunk) k of
    // scatter_dimension, which therefore is the batch dimension of the result.
    array y = d == not_mapped ? x * axis.size : lax::reduce_sum(x, {d});
    if (p.tiled) y = collectives::splitaxis(y, p.scatter_dimension, axis.size);
    return {{y}, {p.scatter_dimension}};
  }

  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return params_cast<reduce_scatter_params>(p).axis_name.contains(axis_name);
  }
};
inline const reduce_scatter_primitive& reduce_scatter_p() { static const reduce_scatter_primitive p; return p; }

// ---------------------------------------------------------------------------
// ppermute.

class ppermute_primitive final : public primitive_of<ppermute_params> {
 public:
  constexpr ppermute_primitive() : primitive_of<ppermute_params>("ppermute") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const ppermute_params& p) const override {
    check_arity("ppermute", in.size(), 1);
    const std::int64_t n = collectives::bound_size("ppermute", p.axis_name.names);
    std::vector<bool> src_seen(static_cast<std::size_t>(n)), dst_seen(static_cast<std::size_t>(n));
    for (auto [s, t] : p.perm.pairs) {
      if (s < 0 || s >= n || t < 0 || t >= n) {
        detail::raise<value_error>("ppermute", "the pair ({}, {}) of perm {} is out of range for the axes {} of size "
                                               "{}: indices must satisfy 0 <= index < {}",
                                   s, t, jax_repr(p.perm), jax_repr(p.axis_name), n, n);
      }
      if (src_seen[static_cast<std::size_t>(s)] || dst_seen[static_cast<std::size_t>(t)]) {
        detail::raise<value_error>("ppermute", "sources and destinations must be unique, got {}", jax_repr(p.perm));
      }
      src_seen[static_cast<std::size_t>(s)] = dst_seen[static_cast<std::size_t>(t)] = true;
    }
    return {in[0]};
  }
  std::vector<array> eval(std::span<const array>, const ppermute_params& p) const override {
    collectives::no_evaluation("ppermute", p.axis_name.names);
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const ppermute_params& p) const override {
    return ad::linear_jvp(*this, primals, tangents, p);
  }
  /// JAX's _ppermute_transpose_rule: the inverse permutation.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const ppermute_params& p) const override {
    collectives::check_transpose_args("ppermute", args);
    if (ad::is_zero(cts[0])) return {array()};
    ppermute_params q = p;
    for (auto& [s, t] : q.perm.pairs) std::swap(s, t);
    return {bind1({cts[0]}, q)};
  }

  /// JAX's _ppermute_batcher, with zeros for the destinations without a source.
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const ppermute_params& p,
                          const batch_axis& axis) const override {
    array v = args[0];
    std::int64_t d = dims[0];
    if (!p.axis_name.contains(axis.name)) return {{bind1({v}, p)}, {d}};
    if (p.axis_name.names.size() > 1) collectives::several_names_unsupported("ppermute", p.axis_name, axis);
    // The source of each destination; axis.size (out of bounds: gathers zeros) for none.
    std::vector<std::int32_t> source(static_cast<std::size_t>(axis.size), static_cast<std::int32_t>(axis.size));
    for (auto [s, t] : p.perm.pairs) source[static_cast<std::size_t>(t)] = static_cast<std::int32_t>(s);
    const bool complete = std::ranges::all_of(source, [&](std::int32_t s) { return s < axis.size; });
    if (d == not_mapped) {
      if (complete) return {{v}, {not_mapped}};  // every element receives the same value
      v = batching::move_batch_dim(v, not_mapped, 0, axis.size);
      d = 0;
    }
    // take(v, source, axis=d) with out-of-bounds indices filled with zeros.
    lax::gather_dimension_numbers dn;
    for (std::int64_t i = 0; i < v.ndim(); ++i)
      if (i != d) dn.offset_dims.push_back(i);
    dn.collapsed_slice_dims = {d};
    dn.start_index_map = {d};
    shape_t slice_sizes = v.shape();
    slice_sizes[static_cast<std::size_t>(d)] = 1;
    lax::gather_options options;
    options.mode = lax::gather_scatter_mode::fill_or_drop;
    if (v.dtype() == bool_) options.fill_value = false;
    else if (v.dtype().is_floating()) options.fill_value = 0.0;
    else options.fill_value = 0;
    array indices = array::from_vector<std::int32_t>(source, {axis.size, 1});
    return {{lax::gather(v, indices, dn, slice_sizes, options)}, {d}};
  }

  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return params_cast<ppermute_params>(p).axis_name.contains(axis_name);
  }
};
inline const ppermute_primitive& ppermute_p() { static const ppermute_primitive p; return p; }

// ---------------------------------------------------------------------------
// all_to_all.

class all_to_all_primitive final : public primitive_of<all_to_all_params> {
 public:
  constexpr all_to_all_primitive() : primitive_of<all_to_all_params>("all_to_all") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const all_to_all_params& p) const override {
    check_arity("all_to_all", in.size(), 1);
    const std::int64_t n = collectives::bound_size("all_to_all", p.axis_name.names);
    collectives::check_dim("all_to_all", "split_axis", p.split_axis, in[0].ndim(), in[0]);
    collectives::check_dim("all_to_all", "concat_axis", p.concat_axis, in[0].ndim(), in[0]);
    shape_t shape = in[0].shape;
    auto& split = shape[static_cast<std::size_t>(p.split_axis)];
    if (split % n != 0) {
      detail::raise<value_error>("all_to_all", "the size {} of split_axis {} of the operand {} must be divisible by "
                                               "the size {} of the named axes {}",
                                 split, p.split_axis, in[0].str(), n, jax_repr(p.axis_name));
    }
    split /= n;
    shape[static_cast<std::size_t>(p.concat_axis)] *= n;
    return {aval{shape, in[0].dtype, false}};
  }
  std::vector<array> eval(std::span<const array>, const all_to_all_params& p) const override {
    collectives::no_evaluation("all_to_all", p.axis_name.names);
  }

  jvp_result jvp_rule(std::span<const array> primals, std::span<const array> tangents,
                      const all_to_all_params& p) const override {
    return ad::linear_jvp(*this, primals, tangents, p);
  }
  /// all_to_all with split_axis and concat_axis swapped (the primitive itself: see the
  /// file comment for JAX's failing call of the user-level function).
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const all_to_all_params& p) const override {
    collectives::check_transpose_args("all_to_all", args);
    if (ad::is_zero(cts[0])) return {array()};
    all_to_all_params q = p;
    std::swap(q.split_axis, q.concat_axis);
    return {bind1({cts[0]}, q)};
  }

  /// JAX's _all_to_all_batched_collective (an unbatched operand broadcast correctly).
  batch_result batch_rule(std::span<const array> args, std::span<const std::int64_t> dims, const all_to_all_params& p,
                          const batch_axis& axis) const override {
    using namespace collectives;
    array x = args[0];
    std::int64_t d = dims[0];
    if (!p.axis_name.contains(axis.name)) {
      if (d == not_mapped) return {{bind1({x}, p)}, {not_mapped}};
      all_to_all_params q = p;
      q.split_axis += d <= p.split_axis ? 1 : 0;
      q.concat_axis += d <= p.concat_axis ? 1 : 0;
      return {{bind1({x}, q)}, {d}};
    }
    const std::int64_t n = axis.size;
    if (d == not_mapped) {
      x = batching::move_batch_dim(x, not_mapped, 0, n);
      d = 0;
    }
    // The names before (major) and after (minor) the vmapped one.
    const auto& names = p.axis_name.names;
    const auto pos = std::find(names.begin(), names.end(), axis.name);
    const axis_name_param major{{names.begin(), pos}, false}, minor{{pos + 1, names.end()}, false};
    std::int64_t split = p.split_axis, concat = p.concat_axis;
    if (major.names.empty() && minor.names.empty()) {
      if (split == concat) {
        // Split the axis into (chunk, rest), exchange the chunk index with the batch
        // dimension, and fold the received chunks back into the axis.
        const std::int64_t a = split + (d <= split ? 1 : 0);
        const std::int64_t d_pre_split = d;
        x = splitaxis(x, a, n);
        if (a <= d) d += 1;
        return {{foldaxis(swapaxes(x, d, a), a)}, {d_pre_split}};
      }
      // The batch concatenated into concat_axis, then split_axis split into the new batch.
      array x_concat = foldaxis(moveaxis(x, d, concat), concat);
      return {{splitaxis(x_concat, split, n)}, {split}};
    }
    // Chunks accumulate in three leading dimensions [major, current, minor, ...].
    x = lax::expand_dims(moveaxis(x, d, 0), {0, 2});
    split += 3;
    concat += 3;
    if (!major.names.empty()) x = bind1({x}, {major, split, 0, p.tiled});
    x = splitaxis(x, split, n);
    std::int64_t new_d = split;
    if (split <= concat) concat += 1;
    split += 1;
    if (!minor.names.empty()) x = bind1({x}, {minor, split, 2, p.tiled});
    x = foldaxis(foldaxis(x, 0), 0);
    split -= 2;
    concat -= 2;
    new_d -= 2;
    x = foldaxis(moveaxis(x, 0, concat - 1), concat - 1);
    new_d -= 1;
    return {{x}, {new_d}};
  }

  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return params_cast<all_to_all_params>(p).axis_name.contains(axis_name);
  }
};
inline const all_to_all_primitive& all_to_all_p() { static const all_to_all_primitive p; return p; }

// ---------------------------------------------------------------------------
// axis_index.

class axis_index_primitive final : public primitive_of<axis_index_params> {
 public:
  constexpr axis_index_primitive() : primitive_of<axis_index_params>("axis_index") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const axis_index_params& p) const override {
    check_arity("axis_index", in.size(), 0);
    batching::axis_size("axis_index", p.axis_name);
    return {aval{{}, int32, false}};
  }
  std::vector<array> eval(std::span<const array>, const axis_index_params& p) const override {
    collectives::no_evaluation("axis_index", {p.axis_name});
  }
  jvp_result jvp_rule(std::span<const array> primals, std::span<const array>, const axis_index_params& p) const override {
    return ad::zero_jvp(*this, primals, p);
  }
  /// JAX's _axis_index_batcher: the iota over the batch.
  batch_result batch_rule(std::span<const array>, std::span<const std::int64_t>, const axis_index_params& p,
                          const batch_axis& axis) const override {
    if (axis.name.empty() || p.axis_name != axis.name) return {{bind1({}, p)}, {not_mapped}};
    return {{lax::iota(int32, axis.size)}, {0}};
  }
  bool collective_over(const params_base& p, std::string_view axis_name) const override {
    return !axis_name.empty() && params_cast<axis_index_params>(p).axis_name == axis_name;
  }
};
inline const axis_index_primitive& axis_index_p() { static const axis_index_primitive p; return p; }

}  // namespace xjax::prim

// ---------------------------------------------------------------------------
// xjax::lax functions (declared in lax/collectives.hpp).

namespace xjax::lax {

namespace collectives_detail {
/// The names as a tuple param (('i',)), and psum/pmax/pmin's axes of the names.
inline prim::axis_name_param tuple_of(const axis_names& axes) { return {axes.names(), false}; }
inline prim::reduce_collective_params reduce_params_of(const axis_names& axes) {
  prim::reduce_collective_params p;
  for (auto& n : axes.names()) p.axes.items.emplace_back(n);
  return p;
}
}  // namespace collectives_detail

XJAX_IMPL std::int64_t axis_size(const axis_names& axes) {
  return prim::collectives::bound_size("axis_size", axes.names());
}

XJAX_IMPL array psum(const array& x, const axis_names& axes) {
  if (axes.names().empty()) return x;
  if (x.is_concrete()) {
    // JAX's constant case: the same value in every element, so no collective: the size
    // times x, weakly typed when x is (psum(1, "i") is a weak int, as a Python int in JAX).
    const std::int64_t n = prim::collectives::bound_size("psum", axes.names());
    eager_scope eager;
    const array v = x.dtype() == bool_ ? convert_element_type(x, int32) : x;
    return convert_element_type(array(n, v.dtype()), v.dtype(), v.weak_type()) * v;
  }
  const array v = x.dtype() == bool_ ? convert_element_type(x, int32) : x;
  return prim::psum_p().bind1({v}, collectives_detail::reduce_params_of(axes));
}

XJAX_IMPL array pmean(const array& x, const axis_names& axes) {
  const array s = psum(x, axes);
  const std::int64_t n = prim::collectives::bound_size("pmean", axes.names());
  if (s.is_concrete()) {
    eager_scope eager;
    return numpy::true_divide(s, n);
  }
  return numpy::true_divide(s, n);
}

XJAX_IMPL array pmax(const array& x, const axis_names& axes) {
  return prim::pmax_p().bind1({x}, collectives_detail::reduce_params_of(axes));
}
XJAX_IMPL array pmin(const array& x, const axis_names& axes) {
  return prim::pmin_p().bind1({x}, collectives_detail::reduce_params_of(axes));
}

XJAX_IMPL array all_gather(const array& x, const axis_names& axes, std::int64_t axis, bool tiled) {
  if (axes.names().empty()) return x;
  const std::int64_t n = prim::collectives::bound_size("all_gather", axes.names());
  const std::int64_t rank = x.ndim() + (tiled ? 0 : 1);
  if (axis < -rank || axis >= rank) {
    detail::raise<value_error>("all_gather", "axis {} is out of range for {} all_gather of an operand of type {} (the "
                                             "result has rank {})",
                               axis, tiled ? "a tiled" : "an", x.aval().str(), rank);
  }
  if (axis < 0) axis += rank;
  return prim::all_gather_p().bind1({x}, {axis, collectives_detail::tuple_of(axes), n, tiled});
}

XJAX_IMPL array psum_scatter(const array& x, const axis_names& axes, std::int64_t scatter_dimension, bool tiled) {
  if (axes.names().empty()) return x;
  const std::int64_t n = prim::collectives::bound_size("psum_scatter", axes.names());
  if (scatter_dimension < -x.ndim() || scatter_dimension >= x.ndim()) {
    detail::raise<value_error>("psum_scatter", "scatter_dimension {} is out of range for an operand of type {}",
                               scatter_dimension, x.aval().str());
  }
  if (scatter_dimension < 0) scatter_dimension += x.ndim();
  return prim::reduce_scatter_p().bind1({x}, {collectives_detail::tuple_of(axes), scatter_dimension, n, tiled});
}

XJAX_IMPL array axis_index(const axis_names& axes) {
  if (axes.single()) return prim::axis_index_p().bind1({}, {axes.names()[0]});
  // JAX's: the index into the product of the axes, the first name major.
  array index = 0;
  std::int64_t inner = 1;
  for (auto it = axes.names().rbegin(); it != axes.names().rend(); ++it) {
    index = index + axis_index(*it) * inner;
    inner *= batching::axis_size("axis_index", *it);
  }
  return index;
}

XJAX_IMPL array ppermute(const array& x, const axis_names& axes, const axis_permutation& perm) {
  if (axes.names().empty()) detail::raise<value_error>("ppermute", "needs at least one axis name");
  return prim::ppermute_p().bind1({x}, {collectives_detail::tuple_of(axes), {perm}});
}

XJAX_IMPL array all_to_all(const array& x_, const axis_names& axes, std::int64_t split_axis, std::int64_t concat_axis,
                           bool tiled) {
  constexpr std::string_view op = "all_to_all";
  if (axes.names().empty()) detail::raise<value_error>(op, "needs at least one axis name");
  const std::int64_t n = prim::collectives::bound_size(op, axes.names());
  prim::collectives::check_dim(op, "split_axis", split_axis, x_.ndim(), x_.aval());
  prim::collectives::check_dim(op, "concat_axis", concat_axis, x_.ndim(), x_.aval());
  const std::int64_t m = x_.shape()[static_cast<std::size_t>(split_axis)];
  array x = x_;
  if (tiled) {
    if (m % n != 0) {
      detail::raise<value_error>(op, "the size of all_to_all split_axis ({}) has to be divisible by the size of the "
                                     "named axis {} ({})",
                                 m, prim::jax_repr(prim::axis_name_param{axes.names(), axes.single()}), n);
    }
  } else {
    if (m != n) {
      detail::raise<value_error>(op, "all_to_all requires the size of the mapped axis axis_name to equal "
                                     "x.shape[split_axis], but they are {} and {} respectively",
                                 n, m);
    }
    // A new dimension of size 1 at concat_axis receives the chunks; the split one goes.
    if (split_axis < concat_axis) {
      concat_axis += 1;  // concat_axis is a position after split_axis is removed
      x = expand_dims(x, {concat_axis});
    } else if (concat_axis < split_axis) {
      x = expand_dims(x, {concat_axis});
      split_axis += 1;
    }
  }
  array r = prim::all_to_all_p().bind1({x}, {{axes.names(), axes.single()}, split_axis, concat_axis, tiled});
  if (!tiled && split_axis != concat_axis) r = squeeze(r, {split_axis});
  return r;
}

}  // namespace xjax::lax
