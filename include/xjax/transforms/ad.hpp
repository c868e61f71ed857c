#pragma once
// Automatic differentiation as jaxpr rewrites (DESIGN.md invariant 3), on flat lists of
// arrays; transforms/grad.hpp builds the pytree API (jvp, vjp, grad, ...) on top.
//
//   forward mode  jvp_jaxpr interprets a jaxpr equation by equation, calling each
//                 primitive's JVP rule on (primals, tangents). Its binds land in whatever
//                 trace is active, so the result is a value, or equations of an outer trace.
//   reverse mode  linearize traces that interpretation into a jaxpr (primal and tangent
//                 inputs), splits it with partial_eval into a forward jaxpr (the equations
//                 that depend on primals only: primal outputs and residuals) and a linear
//                 jaxpr (the tangent equations, reading the residuals), runs the forward
//                 one, and keeps the linear one with its residuals: a linear_fn.
//                 backward_pass transposes a linear jaxpr, last equation first, calling
//                 each linear primitive's transpose rule.
//
// Tangents and cotangents that are invalid arrays are symbolic zeros: they are never
// materialized unless an op needs them (see primitives/ad_util.hpp).

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/ir/eval.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/ad_util.hpp"

namespace xjax::ad {

/// A list of flags as the span<const bool> the functions below take (std::vector<bool>
/// is packed and has no such view, so flags are kept as chars).
using flags = std::vector<char>;
inline std::span<const bool> as_bools(const flags& v) {
  return {reinterpret_cast<const bool*>(v.data()), v.size()};
}

/// JVP of `j` at `primals` along `tangents` (one per invar; invalid = zero).
XJAX_API jvp_result jvp_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> primals,
                              std::span<const array> tangents);

/// Which equations' outputs the forward pass of a partial evaluation may save for the
/// backward pass; the others are recomputed there (checkpoint's policies).
using save_policy = std::function<bool(const equation&)>;

/// Every value may be saved (plain reverse mode).
inline bool everything_saveable(const equation&) { return true; }

/// The split of a jaxpr by partial_eval. Variables keep their ids across the two.
struct partial_eval_result {
  /// constvars: the input jaxpr's; invars: its known invars; outvars: the outputs
  /// assigned to the known side, then the residuals.
  std::shared_ptr<jaxpr> known;
  /// invars: the residuals, then the unknown invars; outvars: the outputs assigned to
  /// the unknown side.
  std::shared_ptr<jaxpr> unknown;
  std::size_t num_residuals = 0;
};

/// Splits `j` into what can be computed from its known inputs (constvars are known)
/// and the rest. `out_unknown[i]` says on which side output i is wanted; a known
/// output wanted on the unknown side is passed as a residual. Known values used by
/// the unknown side are residuals when `policy` allows saving them, else their
/// equations are recomputed on the unknown side.
XJAX_API partial_eval_result partial_eval(const jaxpr& j, std::span<const bool> unknown_inputs,
                                          std::span<const bool> out_unknown,
                                          const save_policy& policy = everything_saveable);

/// `j` without the equations that do not contribute to the outputs kept in `used_outputs`
/// (which also drops the outputs not kept). `used_inputs`, when given, receives which
/// invars are still read.
XJAX_API std::shared_ptr<jaxpr> dce(const jaxpr& j, std::span<const bool> used_outputs,
                                    std::vector<bool>* used_inputs = nullptr);

/// Transposes `j`, linear in the invars marked in `args` (lin_arg without value), given
/// cotangents of its outputs (invalid = zero). Equations that read no linear value are
/// evaluated forward first. Returns a cotangent per invar (invalid for the non-linear
/// ones and for zero cotangents).
XJAX_API std::vector<array> backward_pass(const jaxpr& j, std::span<const array> consts,
                                          std::span<const lin_arg> args, std::span<const array> cts);

/// A linear map from tangents of some inputs to tangents of some outputs, as linearize
/// and vjp keep it: a jaxpr whose consts are the residuals.
struct linear_fn {
  closed_jaxpr jaxpr;            // invars: the tangents of the inputs that can have one
  std::vector<aval> in_avals;    // every differentiated input
  std::vector<int> in_slot;      // per input: its invar index, or -1 (always a zero tangent)
  std::vector<aval> out_avals;   // every differentiated output
  std::vector<int> out_slot;     // per output: its outvar index, or -1 (a zero tangent)

  /// The output tangents for input tangents (one per input; invalid = zero).
  /// `instantiate` replaces zero results by zeros.
  XJAX_API std::vector<array> apply(std::span<const array> tangents, bool instantiate = true) const;
  /// The input cotangents for output cotangents (the transpose).
  XJAX_API std::vector<array> transpose(std::span<const array> cts, bool instantiate = true) const;
};

/// The outputs of `f` at `args`, and its linearization with respect to the inputs marked
/// in `wrt`, for the outputs marked in `out_wrt` (empty spans: all).
struct linearized {
  std::vector<array> outputs;
  linear_fn lin;
};
XJAX_API linearized linearize(const closed_jaxpr& f, std::span<const array> args, std::span<const bool> wrt = {},
                              std::span<const bool> out_wrt = {});

/// The add_any primitive (JAX's add_jaxvals): the sum of two tangents or cotangents.
XJAX_API const primitive& add_any_primitive();

}  // namespace xjax::ad

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include <unordered_map>
#include <unordered_set>

#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/transforms/checkpoint.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::ad {

namespace detail {

class add_any_primitive final : public primitive_of<no_params> {
 public:
  add_any_primitive() : primitive_of("add_any") {}
  std::vector<aval> shape_rule(std::span<const aval> in, const no_params&) const override {
    check_arity("add_any", in.size(), 2);
    if (in[0].shape != in[1].shape || in[0].dtype != in[1].dtype) {
      xjax::detail::raise<type_error>("add_any", "operands must have one type, got {} and {}", in[0].str(),
                                      in[1].str());
    }
    return {aval{in[0].shape, in[0].dtype, in[0].weak_type && in[1].weak_type}};
  }
  std::vector<array> eval(std::span<const array> in, const no_params&) const override {
    return {lax::add(in[0], in[1])};  // only ever called eagerly
  }
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const no_params& p) const override {
    return {{bind1({x[0], x[1]}, p)}, {add_tangents(t[0], t[1])}};
  }
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const no_params&) const override {
    return {args[0].is_linear() ? cts[0] : array(), args[1].is_linear() ? cts[0] : array()};
  }
  // Both operands to the batched one's batch dimension.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const no_params& p,
                          const batch_axis& axis) const override {
    const std::int64_t to = d[0] != not_mapped ? d[0] : d[1];
    array a = batching::move_batch_dim(x[0], d[0], to, axis.size);
    array b = batching::move_batch_dim(x[1], d[1], to, axis.size);
    return {{bind1({a, b}, p)}, {to}};
  }
};

/// `s` as flags of length n (`fill` when s is empty).
inline flags to_flags(std::span<const bool> s, std::size_t n, bool fill) {
  flags f(n, fill);
  for (std::size_t i = 0; i < s.size() && i < n; ++i) f[i] = s[i];
  return f;
}

}  // namespace detail

XJAX_IMPL const primitive& add_any_primitive() {
  static const detail::add_any_primitive p;
  return p;
}

XJAX_IMPL array zeros(const aval& av) {
  array z(0, av.dtype);
  if (av.shape.empty()) return z;
  return lax::broadcast_in_dim(z, av.shape, {});
}

XJAX_IMPL array add_tangents(const array& a, const array& b) {
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;
  const array ins[] = {a, b};
  return xjax::bind(add_any_primitive(), ins, make_params(no_params{}))[0];
}

XJAX_IMPL void check_linear_args(std::string_view op, std::span<const lin_arg> args, std::vector<bool> allowed) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].is_linear() && (i >= allowed.size() || !allowed[i])) {
      xjax::detail::raise<value_error>(op,
                                       "cannot transpose: operand {} ({}) is linear, but {} is linear only in "
                                       "other operands (the function being transposed is not linear)",
                                       i, args[i].aval.str(), op);
    }
  }
}

// ---------------------------------------------------------------------------
// JVP

XJAX_IMPL jvp_result jvp_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> primals,
                               std::span<const array> tangents) {
  std::unordered_map<std::int64_t, std::pair<array, array>> env;  // var id -> (primal, tangent)
  env.reserve(j.constvars.size() + j.invars.size() + j.eqns.size());
  for (std::size_t i = 0; i < j.constvars.size(); ++i) env[j.constvars[i].id] = {consts[i], array()};
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    const array& t = i < tangents.size() ? tangents[i] : array();
    env[j.invars[i].id] = {primals[i], differentiable(primals[i].dtype()) ? t : array()};
  }
  auto read = [&](const atom& a) -> std::pair<array, array> {
    if (auto* v = std::get_if<var>(&a)) return env.at(v->id);
    return {std::get<literal>(a).value, array()};
  };
  std::vector<array> xs, ts;
  for (const equation& e : j.eqns) {
    xs.clear();
    ts.clear();
    bool any = false;
    for (auto& a : e.inputs) {
      auto [x, t] = read(a);
      any = any || !is_zero(t);
      xs.push_back(std::move(x));
      ts.push_back(std::move(t));
    }
    jvp_result r;
    if (!any) {
      r.primals = xjax::bind(*e.prim, xs, e.params);
      r.tangents.resize(r.primals.size());
    } else {
      r = e.prim->jvp(xs, ts, *e.params);
      if (r.primals.size() != e.outputs.size() || r.tangents.size() != e.outputs.size()) {
        xjax::detail::raise<error>(e.prim->name(), "internal: the JVP rule returned {} primals and {} tangents for {} outputs",
                                   r.primals.size(), r.tangents.size(), e.outputs.size());
      }
    }
    for (std::size_t i = 0; i < e.outputs.size(); ++i) {
      array t = differentiable(r.primals[i].dtype()) ? std::move(r.tangents[i]) : array();
      env.insert_or_assign(e.outputs[i].id, std::pair<array, array>{std::move(r.primals[i]), std::move(t)});
    }
  }
  jvp_result out;
  for (auto& a : j.outvars) {
    auto [x, t] = read(a);
    out.primals.push_back(std::move(x));
    out.tangents.push_back(std::move(t));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Dead-code elimination

XJAX_IMPL std::shared_ptr<jaxpr> dce(const jaxpr& j, std::span<const bool> used_outputs,
                                     std::vector<bool>* used_inputs) {
  auto out = std::make_shared<jaxpr>();
  out->constvars = j.constvars;
  out->invars = j.invars;
  std::unordered_set<std::int64_t> live;
  for (std::size_t i = 0; i < j.outvars.size(); ++i) {
    if (!used_outputs.empty() && !used_outputs[i]) continue;
    out->outvars.push_back(j.outvars[i]);
    if (auto* v = std::get_if<var>(&j.outvars[i])) live.insert(v->id);
  }
  std::vector<const equation*> kept;
  for (auto it = j.eqns.rbegin(); it != j.eqns.rend(); ++it) {
    bool needed = it->prim->has_side_effects();
    for (auto& o : it->outputs) needed = needed || live.count(o.id);
    if (!needed) continue;
    kept.push_back(&*it);
    for (auto& a : it->inputs) {
      if (auto* v = std::get_if<var>(&a)) live.insert(v->id);
    }
  }
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) out->eqns.push_back(**it);
  if (used_inputs) {
    used_inputs->clear();
    for (auto& v : j.invars) used_inputs->push_back(live.count(v.id) > 0);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Partial evaluation


XJAX_IMPL partial_eval_result partial_eval(const jaxpr& j, std::span<const bool> unknown_inputs,
                                           std::span<const bool> out_unknown, const save_policy& policy) {
  std::unordered_set<std::int64_t> unknown_vars;
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    if (i < unknown_inputs.size() && unknown_inputs[i]) unknown_vars.insert(j.invars[i].id);
  }
  auto is_unknown = [&](const atom& a) {
    auto* v = std::get_if<var>(&a);
    return v && unknown_vars.count(v->id);
  };

  // Classify the equations. A checkpoint with mixed inputs splits in two.
  std::vector<equation> known_eqns, unknown_eqns;   // in order
  std::vector<char> known_saveable;                  // per known equation
  std::unordered_map<std::int64_t, std::size_t> producer;  // known var -> index in known_eqns
  struct slot { bool is_known; std::size_t index; };
  std::vector<slot> order;                           // original order of both sides
  for (const equation& e : j.eqns) {
    std::vector<bool> in_unknown;
    bool any = false;
    for (auto& a : e.inputs) {
      bool u = is_unknown(a);
      in_unknown.push_back(u);
      any = any || u;
    }
    if (!any) {
      for (auto& o : e.outputs) producer[o.id] = known_eqns.size();
      order.push_back({true, known_eqns.size()});
      known_eqns.push_back(e);
      known_saveable.push_back(policy(e));
      continue;
    }
    if (std::optional<partial_eval_split> split = e.prim->partial_eval(e, in_unknown)) {
      for (auto& k : split->known) {
        for (auto& o : k.outputs) producer[o.id] = known_eqns.size();
        order.push_back({true, known_eqns.size()});
        known_saveable.push_back(policy(k));
        known_eqns.push_back(std::move(k));
      }
      for (std::size_t i = 0; i < e.outputs.size(); ++i) {
        if (split->out_unknown[i]) unknown_vars.insert(e.outputs[i].id);
      }
      order.push_back({false, unknown_eqns.size()});
      unknown_eqns.push_back(std::move(split->unknown));
      continue;
    }
    for (auto& o : e.outputs) unknown_vars.insert(o.id);
    order.push_back({false, unknown_eqns.size()});
    unknown_eqns.push_back(e);
  }

  // Known values the unknown side reads: residuals, or recomputed there.
  std::unordered_set<std::int64_t> input_ids;
  for (auto& v : j.invars) input_ids.insert(v.id);
  for (auto& v : j.constvars) input_ids.insert(v.id);
  std::vector<var> residuals;
  std::unordered_set<std::int64_t> residual_ids;
  std::vector<char> recompute(known_eqns.size(), 0);
  std::vector<var> work;
  auto need = [&](const atom& a) {
    if (auto* v = std::get_if<var>(&a); v && !unknown_vars.count(v->id)) work.push_back(*v);
  };
  for (auto& e : unknown_eqns) {
    for (auto& a : e.inputs) need(a);
  }
  for (std::size_t i = 0; i < j.outvars.size(); ++i) {
    if (i < out_unknown.size() && out_unknown[i]) need(j.outvars[i]);
  }
  std::unordered_set<std::int64_t> seen;
  while (!work.empty()) {
    var v = work.back();
    work.pop_back();
    if (!seen.insert(v.id).second) continue;
    auto p = producer.find(v.id);
    if (p == producer.end() || known_saveable[p->second]) {
      if (residual_ids.insert(v.id).second) residuals.push_back(v);
      continue;
    }
    if (!recompute[p->second]) {
      recompute[p->second] = 1;
      for (auto& a : known_eqns[p->second].inputs) need(a);
    }
  }
  // Residuals in the order their values are made (inputs first), for readable jaxprs.
  std::unordered_map<std::int64_t, std::size_t> rank;
  for (auto& v : j.constvars) rank.emplace(v.id, rank.size());
  for (auto& v : j.invars) rank.emplace(v.id, rank.size());
  for (auto& e : known_eqns) {
    for (auto& o : e.outputs) rank.emplace(o.id, rank.size());
  }
  std::stable_sort(residuals.begin(), residuals.end(),
                   [&](const var& a, const var& b) { return rank.at(a.id) < rank.at(b.id); });

  partial_eval_result r;
  r.num_residuals = residuals.size();
  r.known = std::make_shared<jaxpr>();
  r.unknown = std::make_shared<jaxpr>();
  r.known->constvars = j.constvars;
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    if (i < unknown_inputs.size() && unknown_inputs[i]) continue;
    r.known->invars.push_back(j.invars[i]);
  }
  r.known->eqns = known_eqns;
  r.unknown->invars = residuals;
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    if (i < unknown_inputs.size() && unknown_inputs[i]) r.unknown->invars.push_back(j.invars[i]);
  }
  for (const slot& s : order) {
    if (s.is_known) {
      if (recompute[s.index]) r.unknown->eqns.push_back(known_eqns[s.index]);
    } else {
      r.unknown->eqns.push_back(unknown_eqns[s.index]);
    }
  }
  for (std::size_t i = 0; i < j.outvars.size(); ++i) {
    const bool want_unknown = i < out_unknown.size() && out_unknown[i];
    if (want_unknown) {
      r.unknown->outvars.push_back(j.outvars[i]);
    } else {
      if (is_unknown(j.outvars[i])) {
        xjax::detail::raise<error>("partial_eval", "internal: output {} depends on unknown inputs", i);
      }
      r.known->outvars.push_back(j.outvars[i]);
    }
  }
  for (auto& v : residuals) r.known->outvars.push_back(v);
  return r;
}

// ---------------------------------------------------------------------------
// Transposition

XJAX_IMPL std::vector<array> backward_pass(const jaxpr& j, std::span<const array> consts,
                                           std::span<const lin_arg> args, std::span<const array> cts) {
  std::unordered_map<std::int64_t, array> env;      // values of non-linear vars
  std::unordered_set<std::int64_t> linear;           // linear vars
  std::unordered_map<std::int64_t, array> ct_env;   // accumulated cotangents
  for (std::size_t i = 0; i < j.constvars.size(); ++i) env.emplace(j.constvars[i].id, consts[i]);
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    if (args[i].is_linear()) linear.insert(j.invars[i].id);
    else env.emplace(j.invars[i].id, args[i].value);
  }
  auto is_linear = [&](const atom& a) {
    auto* v = std::get_if<var>(&a);
    return v && linear.count(v->id);
  };
  auto value = [&](const atom& a) -> const array& {
    if (auto* v = std::get_if<var>(&a)) return env.at(v->id);
    return std::get<literal>(a).value;
  };
  // Forward: evaluate the non-linear equations (recomputation in checkpoints).
  std::vector<const equation*> linear_eqns;
  std::vector<array> ins;
  for (const equation& e : j.eqns) {
    bool lin = std::any_of(e.inputs.begin(), e.inputs.end(), is_linear);
    if (lin) {
      for (auto& o : e.outputs) linear.insert(o.id);
      linear_eqns.push_back(&e);
      continue;
    }
    ins.clear();
    for (auto& a : e.inputs) ins.push_back(value(a));
    std::vector<array> outs = xjax::bind(*e.prim, ins, e.params);
    for (std::size_t i = 0; i < outs.size(); ++i) env.insert_or_assign(e.outputs[i].id, std::move(outs[i]));
  }
  auto add_ct = [&](const var& v, const array& ct) {
    if (is_zero(ct)) return;
    auto it = ct_env.find(v.id);
    if (it == ct_env.end()) ct_env.emplace(v.id, ct);
    else it->second = add_tangents(it->second, ct);
  };
  for (std::size_t i = 0; i < j.outvars.size(); ++i) {
    if (auto* v = std::get_if<var>(&j.outvars[i]); v && linear.count(v->id) && i < cts.size()) add_ct(*v, cts[i]);
  }
  // Backward over the linear equations.
  std::vector<array> eqn_cts;
  std::vector<lin_arg> eqn_args;
  for (auto it = linear_eqns.rbegin(); it != linear_eqns.rend(); ++it) {
    const equation& e = **it;
    eqn_cts.clear();
    bool any = false;
    for (auto& o : e.outputs) {
      auto c = ct_env.find(o.id);
      if (c == ct_env.end()) {
        eqn_cts.push_back(array());
      } else {
        eqn_cts.push_back(std::move(c->second));
        ct_env.erase(c);
        any = true;
      }
    }
    if (!any) continue;
    for (std::size_t i = 0; i < eqn_cts.size(); ++i) {
      if (is_zero(eqn_cts[i])) eqn_cts[i] = zeros(e.outputs[i].aval);
    }
    eqn_args.clear();
    for (auto& a : e.inputs) {
      if (is_linear(a)) eqn_args.push_back(lin_arg{array(), atom_aval(a)});
      else eqn_args.push_back(lin_arg{value(a), atom_aval(a)});
    }
    std::vector<array> in_cts = e.prim->transpose(eqn_cts, eqn_args, *e.params);
    if (in_cts.size() != e.inputs.size()) {
      xjax::detail::raise<error>(e.prim->name(), "internal: the transpose rule returned {} cotangents for {} operands",
                                 in_cts.size(), e.inputs.size());
    }
    for (std::size_t i = 0; i < in_cts.size(); ++i) {
      if (!eqn_args[i].is_linear() || is_zero(in_cts[i])) continue;
      const aval& want = eqn_args[i].aval;
      if (in_cts[i].shape() != want.shape || in_cts[i].dtype() != want.dtype) {
        xjax::detail::raise<error>(e.prim->name(),
                                   "internal: the transpose rule returned a cotangent of type {} for operand {} of "
                                   "type {}",
                                   in_cts[i].aval().str(), i, want.str());
      }
      add_ct(std::get<var>(e.inputs[i]), in_cts[i]);
    }
  }
  std::vector<array> out;
  for (std::size_t i = 0; i < j.invars.size(); ++i) {
    auto c = ct_env.find(j.invars[i].id);
    out.push_back(args[i].is_linear() && c != ct_env.end() ? c->second : array());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Linearization

XJAX_IMPL std::vector<array> linear_fn::apply(std::span<const array> tangents, bool inst) const {
  std::vector<array> ins;
  for (std::size_t i = 0; i < in_slot.size(); ++i) {
    if (in_slot[i] >= 0) ins.push_back(instantiate(tangents[i], in_avals[i]));
  }
  std::vector<array> outs = eval_jaxpr(jaxpr, ins);
  std::vector<array> result;
  for (std::size_t i = 0; i < out_slot.size(); ++i) {
    array t = out_slot[i] >= 0 ? outs[static_cast<std::size_t>(out_slot[i])] : array();
    result.push_back(inst ? instantiate(t, out_avals[i]) : t);
  }
  return result;
}

XJAX_IMPL std::vector<array> linear_fn::transpose(std::span<const array> cts, bool inst) const {
  std::vector<array> jcts(jaxpr.jaxpr->outvars.size());
  for (std::size_t i = 0; i < out_slot.size(); ++i) {
    if (out_slot[i] >= 0) jcts[static_cast<std::size_t>(out_slot[i])] = cts[i];
  }
  std::vector<lin_arg> args;
  for (auto& v : jaxpr.jaxpr->invars) args.push_back(lin_arg{array(), v.aval});
  std::vector<array> in_cts = backward_pass(*jaxpr.jaxpr, jaxpr.consts, args, jcts);
  std::vector<array> result;
  for (std::size_t i = 0; i < in_slot.size(); ++i) {
    array c = in_slot[i] >= 0 ? in_cts[static_cast<std::size_t>(in_slot[i])] : array();
    result.push_back(inst ? instantiate(c, in_avals[i]) : c);
  }
  return result;
}

XJAX_IMPL linearized linearize(const closed_jaxpr& f, std::span<const array> args, std::span<const bool> wrt,
                               std::span<const bool> out_wrt) {
  const jaxpr& j = *f.jaxpr;
  const std::size_t n_in = j.invars.size(), n_out = j.outvars.size();
  auto in_wrt = detail::to_flags(wrt, n_in, wrt.empty());
  auto out_sel = detail::to_flags(out_wrt, n_out, out_wrt.empty());

  linearized r;
  linear_fn& lin = r.lin;
  // 1. The JVP, traced: invars are the primals, then the tangents that can be non-zero.
  closed_jaxpr jvp;
  std::size_t n_tangents = 0;
  {
    trace_scope scope;
    trace_frame& frame = scope.frame();
    std::vector<array> primals, tangents(n_in);
    for (std::size_t i = 0; i < n_in; ++i) primals.push_back(frame.new_arg(j.invars[i].aval));
    for (std::size_t i = 0; i < n_in; ++i) {
      if (!in_wrt[i]) continue;
      lin.in_avals.push_back(j.invars[i].aval);
      if (differentiable(j.invars[i].aval.dtype)) {
        lin.in_slot.push_back(static_cast<int>(n_tangents++));
        tangents[i] = frame.new_arg(j.invars[i].aval);
      } else {
        lin.in_slot.push_back(-1);
      }
    }
    jvp_result res = jvp_jaxpr(j, f.consts, primals, tangents);
    std::vector<array> outs = std::move(res.primals);
    int n_tan_out = 0;
    for (std::size_t i = 0; i < n_out; ++i) {
      if (!out_sel[i]) continue;
      lin.out_avals.push_back(atom_aval(j.outvars[i]));
      if (is_zero(res.tangents[i])) {
        lin.out_slot.push_back(-1);
      } else {
        lin.out_slot.push_back(n_tan_out++);
        outs.push_back(res.tangents[i]);
      }
    }
    jvp = frame.finish(outs, "linearize");
  }
  // 2. Split it: primals known, tangents unknown.
  const jaxpr& jj = *jvp.jaxpr;
  std::vector<char> unknown_in(jj.invars.size(), 0), unknown_out(jj.outvars.size(), 0);
  for (std::size_t i = n_in; i < unknown_in.size(); ++i) unknown_in[i] = 1;
  for (std::size_t i = n_out; i < unknown_out.size(); ++i) unknown_out[i] = 1;
  partial_eval_result pe = partial_eval(jj, as_bools(unknown_in), as_bools(unknown_out));
  // 3. Drop residuals the linear part does not read, and dead code on both sides.
  std::vector<bool> used_in;
  std::shared_ptr<jaxpr> unknown = dce(*pe.unknown, {}, &used_in);
  std::vector<char> keep_known(pe.known->outvars.size(), 1);
  std::vector<var> res_vars;
  for (std::size_t k = 0; k < pe.num_residuals; ++k) {
    keep_known[n_out + k] = used_in[k];
    if (used_in[k]) res_vars.push_back(pe.unknown->invars[k]);
  }
  std::shared_ptr<jaxpr> known = dce(*pe.known, as_bools(keep_known));
  // 4. Run the forward part now (values, or equations of the enclosing trace).
  std::vector<array> fwd = eval_jaxpr(*known, jvp.consts, args);
  r.outputs.assign(fwd.begin(), fwd.begin() + static_cast<std::ptrdiff_t>(n_out));
  // 5. The linear part, closed over the residual values.
  auto linj = std::make_shared<jaxpr>();
  linj->constvars = res_vars;
  for (std::size_t k = pe.num_residuals; k < unknown->invars.size(); ++k) linj->invars.push_back(unknown->invars[k]);
  linj->eqns = std::move(unknown->eqns);
  linj->outvars = std::move(unknown->outvars);
  lin.jaxpr = closed_jaxpr{std::move(linj), std::vector<array>(fwd.begin() + static_cast<std::ptrdiff_t>(n_out), fwd.end())};
  return r;
}

}  // namespace xjax::ad

#endif  // XJAX_HAS_IMPL
