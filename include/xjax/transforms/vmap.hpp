#pragma once
// vmap: automatic batching, as jax.vmap. vmap(f) traces f on one example (the
// arguments without their batch axis) into a jaxpr, then evaluates that jaxpr with
// each primitive's batching rule, which applies the op to the whole batch at once
// (no per-example loop). Like the other transforms, the batched program's ops land in
// whatever trace is active, so vmap composes with grad, make_jaxpr and itself.
//
//   namespace jnp = xjax::numpy;
//   auto dot = [](const xjax::array& a, const xjax::array& b) { return jnp::dot(a, b); };
//   xjax::vmap(dot)(A, B);                       // row-wise dots: A, B f32[8,3] -> f32[8]
//   xjax::vmap(dot, {0, xjax::none})(A, v);      // v shared by every row
//   xjax::vmap(dot, 1, 0)(At, Bt);               // map over axis 1 of both
//   auto per_example = xjax::vmap(xjax::grad(loss), {xjax::none, 0, 0});
//   // collectives over a named axis:
//   xjax::vmap([](const xjax::array& x) { return x / xjax::lax::psum(x, "i"); }, 0, 0, "i")(xs);
//
// in_axes and out_axes are, as in JAX, an axis (negative counts from the end),
// xjax::none, or one entry per argument (a prefix of each argument's pytree: a single
// entry covers a whole argument, a braced list its children in order).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "xjax/config.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"
#include "xjax/transforms/closure.hpp"

namespace xjax {

/// An entry of vmap's in_axes or out_axes (see the file comment).
class axis_spec {
 public:
  axis_spec(int axis) : m_axis(axis) {}  // NOLINT: implicit, as JAX's int
  axis_spec(std::int64_t axis) : m_axis(axis) {}  // NOLINT
  axis_spec(none_t) {}  // NOLINT: xjax::none, JAX's None
  axis_spec(std::initializer_list<axis_spec> children) : m_children(children), m_is_list(true) {}

  bool is_list() const { return m_is_list; }
  const std::optional<std::int64_t>& axis() const { return m_axis; }
  const std::vector<axis_spec>& children() const { return m_children; }
  std::string str() const;

 private:
  std::optional<std::int64_t> m_axis;
  std::vector<axis_spec> m_children;
  bool m_is_list = false;
};

namespace batching {

/// The named axes bound by the vmaps (and later pmaps) being traced or evaluated on
/// this thread, innermost last: collectives look their axis names up here.
struct bound_axis {
  std::string name;
  std::int64_t size;
};
inline std::vector<bound_axis>& axis_env() {
  thread_local std::vector<bound_axis> env;
  return env;
}
/// Binds a named axis while it lives.
class axis_scope {
 public:
  axis_scope(std::string name, std::int64_t size) : m_active(!name.empty()) {
    if (m_active) axis_env().push_back({std::move(name), size});
  }
  ~axis_scope() {
    if (m_active) axis_env().pop_back();
  }
  axis_scope(const axis_scope&) = delete;
  axis_scope& operator=(const axis_scope&) = delete;

 private:
  bool m_active;
};
/// The size of the innermost axis named `name`, or an error naming `op`.
XJAX_API std::int64_t axis_size(std::string_view op, std::string_view name);

/// Evaluates `j` on batched arguments: each with its batch dimension or not_mapped.
XJAX_API batch_result batch_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> args,
                                  std::span<const std::int64_t> dims, const batch_axis& axis);

/// `x` (batch dimension `from`, or not_mapped) with its batch dimension at `to`,
/// broadcasting an unbatched `x` to `size`.
XJAX_API array move_batch_dim(const array& x, std::int64_t from, std::int64_t to, std::int64_t size);

/// The batched version of a jaxpr held by a primitive's params (remat2, custom_jvp_call):
/// a closure-converted jaxpr taking arguments of `in_avals` (batched along `dims`, or
/// not) whose outputs are all batched along dimension 0.
XJAX_API ad::converted_jaxpr batch_subjaxpr(const jaxpr& j, std::span<const aval> in_avals,
                                            std::span<const std::int64_t> dims, const batch_axis& axis);

/// `x`'s aval without its batch dimension `dim` (the same aval when not_mapped).
inline aval unbatched_aval(const aval& x, std::int64_t dim) {
  aval a = x;
  if (dim != not_mapped) a.shape.erase(a.shape.begin() + dim);
  return a;
}

/// The outputs of a batching rule all moved (or broadcast) to batch dimension 0.
XJAX_API std::vector<array> all_at_front(const batch_result& r, std::int64_t size);

/// The per-leaf axes of `spec` for a pytree of structure `def` (a prefix match), or
/// an error naming `what` (e.g. "in_axes", argument 2).
XJAX_API void expand_axes(std::string_view what, const axis_spec& spec, const treedef& def,
                          std::vector<std::optional<std::int64_t>>& out);

/// vmap's work on flat leaves: checks the axes and sizes, and returns the batch size.
XJAX_API std::int64_t batch_size(std::span<const array> leaves, std::span<const std::optional<std::int64_t>> axes,
                                 std::span<const std::size_t> arg_of_leaf, std::optional<std::int64_t> axis_size,
                                 std::vector<std::int64_t>& dims);

/// Moves each output's batch dimension to its out axis (broadcasting unbatched ones).
XJAX_API std::vector<array> place_outputs(const batch_result& r, std::span<const std::optional<std::int64_t>> out_axes,
                                          std::int64_t size);

}  // namespace batching

/// vmap(f, in_axes, out_axes, axis_name, axis_size): f mapped over an axis of its
/// arguments (see the file comment).
template <class F>
auto vmap(F f, axis_spec in_axes = 0, axis_spec out_axes = 0, std::string axis_name = {},
          std::optional<std::int64_t> axis_size = std::nullopt) {
  return [f = std::move(f), in_axes = std::move(in_axes), out_axes = std::move(out_axes),
          axis_name = std::move(axis_name), axis_size]<pytree... Args>(const Args&... args) {
    using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
    constexpr std::size_t n_args = sizeof...(Args);
    // The per-argument specs: one entry for all, or a list of one per argument.
    if (in_axes.is_list() && in_axes.children().size() != n_args) {
      xjax::detail::raise<value_error>("vmap",
                                       "in_axes must be an int, xjax::none, or a list with one entry per positional "
                                       "argument, but got {} entries for {} arguments",
                                       in_axes.children().size(), n_args);
    }
    std::vector<array> leaves;
    std::vector<std::optional<std::int64_t>> axes;
    std::vector<std::size_t> arg_of_leaf;
    std::size_t i = 0;
    (
        [&](const auto& a) {
          const axis_spec& spec = in_axes.is_list() ? in_axes.children()[i] : in_axes;
          // Structure of the argument's leaves (scalars included), then keep the arrays.
          treedef def = tree_structure(a);
          std::vector<std::optional<std::int64_t>> leaf_axes;
          batching::expand_axes(fmt::format("in_axes of argument {}", i), spec, def, leaf_axes);
          std::size_t k = 0;
          treedef ignore;
          xjax::detail::tree_walk(a, ignore, [&](const auto& leaf) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(leaf)>, array>) {
              leaves.push_back(leaf);
              axes.push_back(leaf_axes[k]);
              arg_of_leaf.push_back(i);
            } else if (leaf_axes[k]) {
              xjax::detail::raise<value_error>(
                  "vmap", "argument {} has a C++ scalar leaf, which is static and cannot be mapped; its in_axes entry "
                          "must be xjax::none",
                  i);
            }
            ++k;
          });
          ++i;
        }(args),
        ...);
    std::vector<std::int64_t> dims;
    const std::int64_t size = batching::batch_size(leaves, axes, arg_of_leaf, axis_size, dims);
    batching::axis_scope scope(axis_name, size);
    // Trace f on one example.
    closed_jaxpr j;
    treedef out_def;
    {
      trace_scope trace;
      trace_frame& frame = trace.frame();
      std::size_t k = 0;
      auto example = [&](const array& x) {
        aval av = x.aval();
        if (dims[k] != not_mapped) av.shape.erase(av.shape.begin() + dims[k]);
        ++k;
        return frame.new_arg(av);
      };
      std::tuple<Args...> traced{tree_map_arrays(example, args)...};
      R out = std::apply(f, traced);
      out_def = tree_structure(out);
      j = frame.finish(tree_leaves(out), "vmap");
    }
    batch_result r = batching::batch_jaxpr(*j.jaxpr, j.consts, leaves, dims, batch_axis{size, axis_name});
    std::vector<std::optional<std::int64_t>> out_leaf_axes;
    batching::expand_axes("out_axes", out_axes, out_def, out_leaf_axes);
    return tree_unflatten<R>(out_def, batching::place_outputs(r, out_leaf_axes, size));
  };
}

}  // namespace xjax

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/ir/eval.hpp"
#include "xjax/lax/structure.hpp"

namespace xjax {

XJAX_IMPL std::string axis_spec::str() const {
  if (m_is_list) {
    std::vector<std::string> cs;
    for (auto& c : m_children) cs.push_back(c.str());
    return fmt::format("({}{})", fmt::join(cs, ", "), cs.size() == 1 ? "," : "");
  }
  return m_axis ? std::to_string(*m_axis) : "None";
}

namespace batching {

XJAX_IMPL std::int64_t axis_size(std::string_view op, std::string_view name) {
  auto& env = axis_env();
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    if (it->name == name) return it->size;
  }
  std::vector<std::string> names;
  for (auto& a : env) names.push_back("'" + a.name + "'");
  xjax::detail::raise<value_error>(op,
                                   "unbound axis name: '{}'. Collectives need an enclosing vmap (or pmap) with "
                                   "axis_name='{}'; the axis names bound here are: {}",
                                   name, name, names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
}

XJAX_IMPL array move_batch_dim(const array& x, std::int64_t from, std::int64_t to, std::int64_t size) {
  if (from == not_mapped) {
    // Broadcast: a new dimension of `size` at `to`.
    shape_t shape = x.shape();
    shape.insert(shape.begin() + to, size);
    shape_t bdims;
    for (std::int64_t d = 0; d < x.ndim(); ++d) bdims.push_back(d < to ? d : d + 1);
    return lax::broadcast_in_dim(x, shape, bdims);
  }
  if (from == to) return x;
  shape_t perm;
  for (std::int64_t d = 0; d < x.ndim(); ++d) {
    if (d != from) perm.push_back(d);
  }
  perm.insert(perm.begin() + to, from);
  return lax::transpose(x, perm);
}

XJAX_IMPL void expand_axes(std::string_view what, const axis_spec& spec, const treedef& def,
                           std::vector<std::optional<std::int64_t>>& out) {
  if (!spec.is_list()) {
    for (std::size_t k = 0; k < def.num_leaves(); ++k) out.push_back(spec.axis());
    return;
  }
  if (def.node_kind == treedef::kind::leaf || def.children.size() != spec.children().size()) {
    xjax::detail::raise<value_error>("vmap", "{} {} does not match the structure of the value, {}: a list entry needs "
                                             "one entry per child",
                                     what, spec.str(), def.str());
  }
  for (std::size_t c = 0; c < def.children.size(); ++c) expand_axes(what, spec.children()[c], def.children[c], out);
}

XJAX_IMPL std::int64_t batch_size(std::span<const array> leaves, std::span<const std::optional<std::int64_t>> axes,
                                  std::span<const std::size_t> arg_of_leaf, std::optional<std::int64_t> axis_size,
                                  std::vector<std::int64_t>& dims) {
  std::optional<std::int64_t> size = axis_size;
  bool consistent = true;
  dims.clear();
  for (std::size_t k = 0; k < leaves.size(); ++k) {
    if (!axes[k]) {
      dims.push_back(not_mapped);
      continue;
    }
    const std::int64_t nd = leaves[k].ndim();
    std::int64_t a = *axes[k];
    if (a < -nd || a >= nd) {
      xjax::detail::raise<value_error>("vmap",
                                       "vmap was requested to map argument {} along axis {}, which implies that its "
                                       "rank should be at least {}, but it is only {} (its type is {})",
                                       arg_of_leaf[k], a, a < 0 ? -a : a + 1, nd, leaves[k].aval().str());
    }
    if (a < 0) a += nd;
    dims.push_back(a);
    const std::int64_t s = leaves[k].shape()[static_cast<std::size_t>(a)];
    if (!size) size = s;
    else if (*size != s) consistent = false;
  }
  if (!consistent) {
    std::string msg = axis_size ? fmt::format("axis_size is {}, but ", *axis_size) : std::string();
    std::vector<std::string> parts;
    for (std::size_t k = 0; k < leaves.size(); ++k) {
      if (dims[k] == not_mapped) continue;
      parts.push_back(fmt::format("argument {} has size {} along axis {} (type {})", arg_of_leaf[k],
                                  leaves[k].shape()[static_cast<std::size_t>(dims[k])], dims[k], leaves[k].aval().str()));
    }
    xjax::detail::raise<value_error>("vmap", "inconsistent sizes for array axes to be mapped: {}{}", msg,
                                     fmt::format("{}", fmt::join(parts, "; ")));
  }
  if (!size) {
    xjax::detail::raise<value_error>("vmap", "vmap needs at least one mapped argument (an in_axes entry that is not "
                                             "xjax::none), or an explicit axis_size");
  }
  return *size;
}

XJAX_IMPL std::vector<array> place_outputs(const batch_result& r, std::span<const std::optional<std::int64_t>> out_axes,
                                           std::int64_t size) {
  std::vector<array> outs;
  for (std::size_t k = 0; k < r.outs.size(); ++k) {
    const auto& want = out_axes[k];
    if (!want) {
      if (r.dims[k] != not_mapped) {
        xjax::detail::raise<value_error>("vmap", "output {} is mapped (it depends on the mapped inputs), but its "
                                                 "out_axes entry is xjax::none",
                                         k);
      }
      outs.push_back(r.outs[k]);
      continue;
    }
    const std::int64_t nd = r.outs[k].ndim() + (r.dims[k] == not_mapped ? 1 : 0);
    std::int64_t a = *want;
    if (a < -nd || a >= nd) {
      xjax::detail::raise<value_error>("vmap", "out_axes entry {} of output {} is out of range for a batched output "
                                               "of rank {}",
                                       a, k, nd);
    }
    if (a < 0) a += nd;
    outs.push_back(move_batch_dim(r.outs[k], r.dims[k], a, size));
  }
  return outs;
}

XJAX_IMPL std::vector<array> all_at_front(const batch_result& r, std::int64_t size) {
  std::vector<array> outs;
  for (std::size_t k = 0; k < r.outs.size(); ++k) outs.push_back(move_batch_dim(r.outs[k], r.dims[k], 0, size));
  return outs;
}

XJAX_IMPL ad::converted_jaxpr batch_subjaxpr(const jaxpr& j, std::span<const aval> in_avals,
                                             std::span<const std::int64_t> dims, const batch_axis& axis) {
  std::vector<std::int64_t> ds(dims.begin(), dims.end());
  auto f = [&](std::span<const array> xs) { return all_at_front(batch_jaxpr(j, {}, xs, ds, axis), axis.size); };
  return ad::trace_to_jaxpr(f, in_avals, "vmap");
}

XJAX_IMPL batch_result batch_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> args,
                                   std::span<const std::int64_t> dims, const batch_axis& axis) {
  std::unordered_map<std::int64_t, std::pair<array, std::int64_t>> env;
  env.reserve(j.constvars.size() + j.invars.size() + j.eqns.size());
  for (std::size_t i = 0; i < j.constvars.size(); ++i) env[j.constvars[i].id] = {consts[i], not_mapped};
  for (std::size_t i = 0; i < j.invars.size(); ++i) env[j.invars[i].id] = {args[i], dims[i]};
  auto read = [&](const atom& a) -> std::pair<array, std::int64_t> {
    if (auto* v = std::get_if<var>(&a)) return env.at(v->id);
    return {std::get<literal>(a).value, not_mapped};
  };
  std::vector<array> xs;
  std::vector<std::int64_t> ds;
  for (const equation& e : j.eqns) {
    xs.clear();
    ds.clear();
    bool any = false;
    for (auto& a : e.inputs) {
      auto [x, d] = read(a);
      any = any || d != not_mapped;
      xs.push_back(std::move(x));
      ds.push_back(d);
    }
    batch_result r;
    if (!any && (axis.name.empty() || !e.prim->collective_over(*e.params, axis.name))) {
      r.outs = xjax::bind(*e.prim, xs, e.params);
      r.dims.assign(r.outs.size(), not_mapped);
    } else {
      r = e.prim->batch(xs, ds, *e.params, axis);
      if (r.outs.size() != e.outputs.size() || r.dims.size() != e.outputs.size()) {
        xjax::detail::raise<error>(e.prim->name(), "internal: the batching rule returned {} outputs and {} dims for {} "
                                                   "outputs",
                                   r.outs.size(), r.dims.size(), e.outputs.size());
      }
    }
    for (std::size_t i = 0; i < e.outputs.size(); ++i) {
      env.insert_or_assign(e.outputs[i].id, std::pair<array, std::int64_t>{std::move(r.outs[i]), r.dims[i]});
    }
  }
  batch_result out;
  for (auto& a : j.outvars) {
    auto [x, d] = read(a);
    out.outs.push_back(std::move(x));
    out.dims.push_back(d);
  }
  return out;
}

}  // namespace batching
}  // namespace xjax

#endif  // XJAX_HAS_IMPL
