#pragma once
// xjax::checkpoint (jax.checkpoint / jax.remat): rematerialization. The function's
// forward pass runs as usual, but reverse-mode differentiation saves only its inputs
// (and what the policy allows) and recomputes the rest during the backward pass:
// less memory for more compute.
//
//   auto block = xjax::checkpoint([](const xjax::array& x) { return jnp::sin(jnp::sin(x)); });
//   auto g = xjax::grad([&](const xjax::array& x) { return jnp::sum(block(x)); })(x);
//   // make_jaxpr(grad(...)): sin, sin, then remat2[differentiated=True] recomputing sin
//
//   xjax::checkpoint(f, xjax::checkpoint_policies::dots_saveable());   // keep matmul results
//
// It binds the remat2 primitive, whose params hold the function's jaxpr, as JAX does.

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/transforms/closure.hpp"

namespace xjax {

namespace ad {
struct partial_eval_result;
}

/// What checkpoint may save for the backward pass: a named predicate on equations.
struct checkpoint_policy {
  std::string name;  // printed as the remat2 param (JAX's repr)
  std::function<bool(const equation&)> saveable;
};

namespace checkpoint_policies {
/// Saves nothing but the inputs (the default; JAX's policy=None).
XJAX_API std::shared_ptr<const checkpoint_policy> nothing_saveable();
/// Saves every intermediate: no recomputation.
XJAX_API std::shared_ptr<const checkpoint_policy> everything_saveable();
/// Saves the results of dot_general, recomputes the rest.
XJAX_API std::shared_ptr<const checkpoint_policy> dots_saveable();
/// Saves the results of dot_general without batch dimensions.
XJAX_API std::shared_ptr<const checkpoint_policy> dots_with_no_batch_dims_saveable();
}  // namespace checkpoint_policies

namespace ad {
/// Params of remat2, as JAX prints them.
struct remat_params {
  jaxpr_param jaxpr;
  bool prevent_cse = true;
  bool differentiated = false;
  std::shared_ptr<const checkpoint_policy> policy;
  bool operator==(const remat_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("differentiated", differentiated);
    f("jaxpr", jaxpr);
    f("policy", policy && policy->name != "None" ? policy->name : std::string("None"));
    f("prevent_cse", prevent_cse);
  }
};

/// Binds remat2 on `args` (the body's consts first, see closure.hpp).
XJAX_API std::vector<array> bind_remat(std::span<const array> args, remat_params p);
}  // namespace ad

/// Wraps `f` so that differentiating it recomputes its intermediates (see the file comment).
template <class F>
auto checkpoint(F f, std::shared_ptr<const checkpoint_policy> policy = checkpoint_policies::nothing_saveable(),
                bool prevent_cse = true) {
  return [f = std::move(f), policy = std::move(policy), prevent_cse]<pytree... Args>(const Args&... args) {
    using Out = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
    if (!tracing()) return f(args...);  // eagerly it is just the function
    treedef out_def;
    auto flat = [&](std::span<const array> xs) {
      std::size_t k = 0;
      std::tuple<Args...> rebuilt{tree_map_arrays([&](const array&) { return xs[k++]; }, args)...};
      Out out = std::apply(f, rebuilt);
      out_def = tree_structure(out);
      return tree_leaves(out);
    };
    std::vector<aval> avs;
    std::vector<array> arr_leaves;
    (
        [&](const auto& a) {
          treedef d;
          xjax::detail::tree_walk(a, d, [&](const auto& leaf) {
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(leaf)>, array>) {
              avs.push_back(leaf.aval());
              arr_leaves.push_back(leaf);
            }
          });
        }(args),
        ...);
    ad::converted_jaxpr j = ad::trace_to_jaxpr(flat, avs, "checkpoint");
    std::vector<array> ins = j.consts;
    ins.insert(ins.end(), arr_leaves.begin(), arr_leaves.end());
    std::vector<array> outs = ad::bind_remat(ins, {jaxpr_param{j.jaxpr}, prevent_cse, false, policy});
    return tree_unflatten<Out>(out_def, outs);
  };
}

}  // namespace xjax

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include "xjax/transforms/ad.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax {

namespace checkpoint_policies {
XJAX_IMPL std::shared_ptr<const checkpoint_policy> nothing_saveable() {
  static const auto p = std::make_shared<const checkpoint_policy>(
      checkpoint_policy{"None", [](const equation&) { return false; }});
  return p;
}
XJAX_IMPL std::shared_ptr<const checkpoint_policy> everything_saveable() {
  static const auto p = std::make_shared<const checkpoint_policy>(
      checkpoint_policy{"everything_saveable", [](const equation&) { return true; }});
  return p;
}
XJAX_IMPL std::shared_ptr<const checkpoint_policy> dots_saveable() {
  static const auto p = std::make_shared<const checkpoint_policy>(checkpoint_policy{
      "DotsSaveable(only_if_no_batch_dims=False)", [](const equation& e) { return e.prim->name() == "dot_general"; }});
  return p;
}
XJAX_IMPL std::shared_ptr<const checkpoint_policy> dots_with_no_batch_dims_saveable() {
  static const auto p = std::make_shared<const checkpoint_policy>(
      checkpoint_policy{"DotsSaveable(only_if_no_batch_dims=True)", [](const equation& e) {
                          if (e.prim->name() != "dot_general") return false;
                          // The batch dimensions print as the last pair of dimension_numbers: "(((..), (..)), ((), ()))".
                          for (auto& item : e.params->items()) {
                            if (item.name == "dimension_numbers") return item.text.ends_with("((), ()))");
                          }
                          return false;
                        }});
  return p;
}
}  // namespace checkpoint_policies

namespace ad {
namespace detail {

/// remat2's partial evaluation: the known part of its jaxpr inlined into the forward
/// pass, the unknown part a remat2 equation that recomputes what the policy did not save.
inline partial_eval_split split_remat(const equation& e, const std::vector<bool>& unknown_inputs);

class remat_primitive final : public jaxpr_call_primitive<remat_params, &remat_params::jaxpr> {
 public:
  remat_primitive() : jaxpr_call_primitive("remat2") {}

  std::optional<partial_eval_split> partial_eval(const equation& e,
                                                 const std::vector<bool>& unknown_inputs) const override {
    return split_remat(e, unknown_inputs);
  }

  // The JVP of the body, traced into a new remat2 equation (differentiated=True).
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const remat_params& p) const override {
    const jaxpr& body = *p.jaxpr.value;
    std::vector<std::size_t> nz;  // inputs with non-zero tangents
    std::vector<aval> avs;
    for (auto& v : body.invars) avs.push_back(v.aval);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (!is_zero(t[i])) {
        nz.push_back(i);
        avs.push_back(body.invars[i].aval);
      }
    }
    std::vector<char> out_nz;
    auto f = [&](std::span<const array> xs) {
      std::vector<array> primals(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(body.invars.size()));
      std::vector<array> tangents(primals.size());
      for (std::size_t k = 0; k < nz.size(); ++k) tangents[nz[k]] = xs[body.invars.size() + k];
      jvp_result r = jvp_jaxpr(body, {}, primals, tangents);
      std::vector<array> outs = r.primals;
      out_nz.clear();
      for (auto& tt : r.tangents) {
        out_nz.push_back(!is_zero(tt));
        if (!is_zero(tt)) outs.push_back(tt);
      }
      return outs;
    };
    converted_jaxpr j = trace_to_jaxpr(f, avs, "remat2");
    std::vector<array> ins = j.consts;
    ins.insert(ins.end(), x.begin(), x.end());
    for (std::size_t i : nz) ins.push_back(t[i]);
    remat_params q = p;
    q.jaxpr = jaxpr_param{j.jaxpr};
    q.differentiated = true;
    std::vector<array> outs = bind(std::move(ins), q);
    jvp_result r;
    const std::size_t n = body.outvars.size();
    r.primals.assign(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(n));
    std::size_t k = n;
    for (std::size_t i = 0; i < n; ++i) r.tangents.push_back(out_nz[i] ? outs[k++] : array());
    return r;
  }

  // The transpose of the body, traced into a remat2 equation: the backward pass
  // recomputes what the forward pass did not save.
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const remat_params& p) const override {
    const jaxpr& body = *p.jaxpr.value;
    std::vector<aval> avs;
    std::vector<array> ins;
    for (auto& a : args) {
      if (!a.is_linear()) {
        avs.push_back(a.aval);
        ins.push_back(a.value);
      }
    }
    for (auto& c : cts) {
      avs.push_back(c.aval());
      ins.push_back(c);
    }
    auto f = [&](std::span<const array> xs) {
      std::vector<lin_arg> la;
      std::size_t k = 0;
      for (auto& a : args) la.push_back(a.is_linear() ? lin_arg{array(), a.aval} : lin_arg{xs[k++], a.aval});
      std::vector<array> c(xs.begin() + static_cast<std::ptrdiff_t>(k), xs.end());
      std::vector<array> in_cts = backward_pass(body, {}, la, c);
      std::vector<array> outs;
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].is_linear()) outs.push_back(instantiate(in_cts[i], args[i].aval));
      }
      return outs;
    };
    converted_jaxpr j = trace_to_jaxpr(f, avs, "remat2");
    ins.insert(ins.begin(), j.consts.begin(), j.consts.end());
    remat_params q = p;
    q.jaxpr = jaxpr_param{j.jaxpr};
    q.differentiated = true;
    std::vector<array> outs = bind(std::move(ins), q);
    std::vector<array> r;
    std::size_t k = 0;
    for (auto& a : args) r.push_back(a.is_linear() ? outs[k++] : array());
    return r;
  }

  // A remat2 of the batched body, outputs batched along dimension 0.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const remat_params& p,
                          const batch_axis& axis) const override {
    converted_jaxpr j = batching::batch_subjaxpr(*p.jaxpr.value, avals_of(x), d, axis);
    std::vector<array> ins = j.consts;
    ins.insert(ins.end(), x.begin(), x.end());
    remat_params q = p;
    q.jaxpr = jaxpr_param{j.jaxpr};
    std::vector<array> outs = bind(std::move(ins), q);
    return {outs, std::vector<std::int64_t>(outs.size(), 0)};
  }
};

inline const remat_primitive& remat_p() {
  static const remat_primitive p;
  return p;
}

/// The equations of `body` renamed into a caller: invars become `inputs`, outputs
/// listed in `out_vars` (by outvar position) take those variables, the rest fresh ones.
inline std::vector<equation> inline_jaxpr(const jaxpr& body, std::span<const atom> inputs,
                                          const std::vector<std::pair<std::size_t, var>>& out_vars,
                                          std::vector<atom>& outs) {
  std::unordered_map<std::int64_t, atom> rename;
  for (std::size_t i = 0; i < body.invars.size(); ++i) rename.emplace(body.invars[i].id, inputs[i]);
  std::unordered_map<std::int64_t, var> wanted;
  for (auto& [pos, v] : out_vars) {
    if (auto* bv = std::get_if<var>(&body.outvars[pos]); bv && !rename.count(bv->id)) wanted.emplace(bv->id, v);
  }
  auto map_atom = [&](const atom& a) -> atom {
    if (auto* v = std::get_if<var>(&a)) return rename.at(v->id);
    return a;
  };
  std::vector<equation> eqns;
  for (const equation& e : body.eqns) {
    equation c{e.prim, {}, {}, e.params};
    for (auto& a : e.inputs) c.inputs.push_back(map_atom(a));
    for (auto& o : e.outputs) {
      auto w = wanted.find(o.id);
      var nv = w != wanted.end() ? w->second : var::fresh(o.aval);
      rename.emplace(o.id, nv);
      c.outputs.push_back(nv);
    }
    eqns.push_back(std::move(c));
  }
  outs.clear();
  for (auto& a : body.outvars) outs.push_back(map_atom(a));
  return eqns;
}

}  // namespace detail

XJAX_IMPL std::vector<array> bind_remat(std::span<const array> args, remat_params p) {
  return detail::remat_p().bind(std::vector<array>(args.begin(), args.end()), std::move(p));
}

inline partial_eval_split detail::split_remat(const equation& e, const std::vector<bool>& unknown_inputs) {
  partial_eval_split split;
  std::vector<equation>& known_eqns = split.known;
  equation& unknown = split.unknown;
  std::vector<bool>& out_unknown = split.out_unknown;
  const auto& p = params_cast<remat_params>(*e.params);
  const jaxpr& body = *p.jaxpr.value;
  // Which outputs depend on unknown inputs.
  std::unordered_set<std::int64_t> unk;
  for (std::size_t i = 0; i < body.invars.size(); ++i) {
    if (unknown_inputs[i]) unk.insert(body.invars[i].id);
  }
  for (auto& q : body.eqns) {
    bool any = std::any_of(q.inputs.begin(), q.inputs.end(), [&](const atom& a) {
      auto* v = std::get_if<var>(&a);
      return v && unk.count(v->id);
    });
    if (any) {
      for (auto& o : q.outputs) unk.insert(o.id);
    }
  }
  std::vector<char> in_unk(unknown_inputs.begin(), unknown_inputs.end()), out_unk;
  out_unknown.clear();
  for (auto& a : body.outvars) {
    auto* v = std::get_if<var>(&a);
    out_unk.push_back(v && unk.count(v->id));
    out_unknown.push_back(out_unk.back());
  }
  const auto policy = p.policy ? p.policy : checkpoint_policies::nothing_saveable();
  partial_eval_result pe = partial_eval(body, as_bools(in_unk), as_bools(out_unk), policy->saveable);

  // Known side, inlined: its outputs are the equation's known outputs, then residuals.
  std::vector<atom> known_inputs;
  for (std::size_t i = 0; i < e.inputs.size(); ++i) {
    if (!unknown_inputs[i]) known_inputs.push_back(e.inputs[i]);
  }
  std::vector<std::pair<std::size_t, var>> out_vars;
  std::size_t k = 0;
  for (std::size_t i = 0; i < e.outputs.size(); ++i) {
    if (!out_unk[i]) out_vars.push_back({k++, e.outputs[i]});
  }
  std::vector<atom> known_outs;
  std::vector<equation> eqns = detail::inline_jaxpr(*pe.known, known_inputs, out_vars, known_outs);
  known_eqns.insert(known_eqns.end(), eqns.begin(), eqns.end());
  // Known outputs that are inputs or literals of the body, or repeated: an equation of
  // the enclosing jaxpr must still define them, so forward them with a copy-free select.
  for (auto& [pos, v] : out_vars) {
    if (auto* kv = std::get_if<var>(&known_outs[pos]); kv && kv->id == v.id) continue;
    // Rare (an output that is an input): route it through a remat2 of the identity.
    auto id = std::make_shared<jaxpr>();
    var x = var::fresh(v.aval);
    id->invars = {x};
    id->outvars = {x};
    remat_params q = p;
    q.jaxpr = jaxpr_param{id};
    known_eqns.push_back(equation{&detail::remat_p(), {known_outs[pos]}, {v}, make_params(q)});
  }
  // Residuals: atoms of the enclosing jaxpr (fresh variables or literals).
  std::vector<atom> res_atoms;
  for (std::size_t r = 0; r < pe.num_residuals; ++r) {
    const atom& a = known_outs[known_outs.size() - pe.num_residuals + r];
    res_atoms.push_back(a);
  }
  // Unknown side: a remat2 of the unknown body.
  remat_params q = p;
  q.jaxpr = jaxpr_param{pe.unknown};
  q.differentiated = true;
  unknown = equation{&detail::remat_p(), {}, {}, make_params(q)};
  unknown.inputs = res_atoms;
  for (std::size_t i = 0; i < e.inputs.size(); ++i) {
    if (unknown_inputs[i]) unknown.inputs.push_back(e.inputs[i]);
  }
  for (std::size_t i = 0; i < e.outputs.size(); ++i) {
    if (out_unk[i]) unknown.outputs.push_back(e.outputs[i]);
  }
  return split;
}

}  // namespace ad
}  // namespace xjax

#endif  // XJAX_HAS_IMPL
