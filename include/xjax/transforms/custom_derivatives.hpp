#pragma once
// Functions with their own derivative rules: xjax::custom_jvp and xjax::custom_vjp, as
// jax.custom_jvp and jax.custom_vjp. Called eagerly they are just the function; traced,
// they bind custom_jvp_call / custom_vjp_call, whose params hold the function's jaxpr and
// the rules, so differentiation uses the rule while other transforms see the function.
//
//   // log(1 + exp(x)) with a gradient that stays finite for large x
//   auto log1pexp = xjax::custom_jvp(
//       [](const xjax::array& x) { return jnp::log1p(jnp::exp(x)); },
//       [](const std::tuple<xjax::array>& primals, const std::tuple<xjax::array>& tangents) {
//         auto [x] = primals;
//         auto [t] = tangents;
//         return std::pair{jnp::log1p(jnp::exp(x)), t * (1.0 - 1.0 / (1.0 + jnp::exp(x)))};
//       },
//       "log1pexp");
//
//   // a straight-through estimator: round forward, identity backward
//   auto ste_round = xjax::custom_vjp(
//       [](const xjax::array& x) { return jnp::round(x); },
//       [](const xjax::array& x) { return std::pair{jnp::round(x), xjax::array(0.0)}; },  // (output, residuals)
//       [](const xjax::array& /*residuals*/, const xjax::array& ct) { return std::tuple{ct}; },
//       "ste_round");
//
// The JVP rule gets two tuples of the arguments (primals, tangents; symbolic zero
// tangents are passed as zeros) and returns std::pair{output, output tangent}. The
// custom_vjp `fwd` returns std::pair{output, residuals} (residuals: any pytree), `bwd`
// gets (residuals, output cotangent) and returns a std::tuple with one cotangent per
// argument. A rule that returns the wrong structure, shapes or dtypes raises an error
// naming the function. As in JAX, forward-mode differentiation (jvp, jacfwd) of a
// custom_vjp function is an error, and values the function closes over must not depend
// on the inputs being differentiated (pass them as arguments).

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/transforms/closure.hpp"
#include "xjax/transforms/grad.hpp"

namespace xjax {

namespace ad {

/// A flat JVP rule: (argument primals, argument tangents) -> outputs and their tangents.
using flat_jvp_rule = std::function<jvp_result(std::span<const array>, std::span<const array>)>;

/// custom_vjp's fwd, flattened: arguments -> outputs, residual leaves and structure.
struct fwd_result {
  std::vector<array> outputs, residuals;
  treedef residual_def;
};
using flat_fwd = std::function<fwd_result(std::span<const array>)>;
/// custom_vjp's bwd, flattened: (residual structure, residual leaves, output
/// cotangents) -> one cotangent per argument leaf.
using flat_bwd = std::function<std::vector<array>(const treedef&, std::span<const array>, std::span<const array>)>;

/// A function param: compared by identity, printed by a description.
template <class Fn> struct function_param {
  std::shared_ptr<const Fn> fn;
  std::string text;
  bool operator==(const function_param& o) const { return fn == o.fn; }
};

struct custom_jvp_params {
  std::string name;
  jaxpr_param call_jaxpr;
  function_param<flat_jvp_rule> jvp;
  std::int64_t num_consts = 0;
  bool symbolic_zeros = false;
  bool operator==(const custom_jvp_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("name", name);
    f("call_jaxpr", call_jaxpr);
    f("jvp", jvp.text);
    f("symbolic_zeros", symbolic_zeros);
  }
};

struct custom_vjp_params {
  std::string name;
  jaxpr_param call_jaxpr;
  function_param<flat_fwd> fwd;
  function_param<flat_bwd> bwd;
  std::int64_t num_consts = 0;
  bool symbolic_zeros = false;
  bool operator==(const custom_vjp_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("name", name);
    f("bwd", bwd.text);
    f("call_jaxpr", call_jaxpr);
    f("fwd", fwd.text);
    f("symbolic_zeros", symbolic_zeros);
  }
};

XJAX_API std::vector<array> bind_custom_jvp(std::span<const array> ins, custom_jvp_params p);
XJAX_API std::vector<array> bind_custom_vjp(std::span<const array> ins, custom_vjp_params p);

/// Checks a rule's flat results against the avals they stand for; errors name the
/// custom function, the rule and what it returned.
XJAX_API void check_rule_result(std::string_view op, std::string_view name, std::string_view what,
                                const treedef& got_def, const treedef& want_def, std::span<const array> got,
                                std::span<const aval> want);

}  // namespace ad

namespace detail {

/// The arguments rebuilt from flat leaves (array leaves replaced in order).
template <class... Args>
std::tuple<Args...> rebuild_tuple(const std::tuple<Args...>& like, std::span<const array> leaves) {
  std::size_t k = 0;
  return std::apply([&](const auto&... a) { return std::tuple<Args...>{replace_arrays(a, leaves, k, false)...}; },
                    like);
}

template <class T> struct is_tuple : std::false_type {};
template <class... Ts> struct is_tuple<std::tuple<Ts...>> : std::true_type {};

}  // namespace detail

/// A function with a custom JVP rule (see the file comment).
template <class F, class Rule> class custom_jvp_function {
 public:
  custom_jvp_function(F f, Rule rule, std::string name, std::string rule_name)
      : m_f(std::move(f)),
        m_rule(std::make_shared<Rule>(std::move(rule))),
        m_name(std::move(name)),
        m_rule_name(rule_name.empty() ? "<" + m_name + " jvp>" : std::move(rule_name)) {}

  template <pytree... Args> auto operator()(const Args&... args) const {
    using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
    if (!tracing()) return m_f(args...);
    detail::traced_fn t = detail::trace_fn(m_f, m_name, args...);
    ad::converted_jaxpr cj = ad::convert_constvars(t.jaxpr);
    std::vector<aval> out_avals = t.jaxpr.out_avals();
    auto rule = std::make_shared<const ad::flat_jvp_rule>(
        [rule = m_rule, like = std::tuple<Args...>(args...), def = t.out_def, out_avals, name = m_name](
            std::span<const array> ps, std::span<const array> ts) {
          auto [out, tout] = (*rule)(detail::rebuild_tuple(like, ps), detail::rebuild_tuple(like, ts));
          auto [outs, out_def] = tree_flatten(R(out));
          auto [touts, tout_def] = tree_flatten(R(tout));
          ad::check_rule_result("custom_jvp", name, "primal output", out_def, def, outs, out_avals);
          ad::check_rule_result("custom_jvp", name, "tangent output", tout_def, def, touts, out_avals);
          return jvp_result{std::move(outs), std::move(touts)};
        });
    std::vector<array> ins = cj.consts;
    ins.insert(ins.end(), t.args.begin(), t.args.end());
    std::vector<array> outs = ad::bind_custom_jvp(
        ins, {m_name, jaxpr_param{cj.jaxpr}, {rule, m_rule_name}, static_cast<std::int64_t>(cj.consts.size())});
    return tree_unflatten<R>(t.out_def, outs);
  }

 private:
  F m_f;
  std::shared_ptr<Rule> m_rule;
  std::string m_name;
  std::string m_rule_name;
};

/// `f` with the JVP rule `rule` (see the file comment). `name` names the function in
/// jaxprs and errors; `rule_name` is how the rule prints (default "<name jvp>").
template <class F, class Rule>
auto custom_jvp(F f, Rule rule, std::string name = "custom_jvp", std::string rule_name = {}) {
  return custom_jvp_function<F, Rule>(std::move(f), std::move(rule), std::move(name), std::move(rule_name));
}

/// A function with custom forward and backward passes for reverse mode.
template <class F, class Fwd, class Bwd> class custom_vjp_function {
 public:
  custom_vjp_function(F f, Fwd fwd, Bwd bwd, std::string name)
      : m_f(std::move(f)),
        m_fwd(std::make_shared<Fwd>(std::move(fwd))),
        m_bwd(std::make_shared<Bwd>(std::move(bwd))),
        m_name(std::move(name)) {}

  template <pytree... Args> auto operator()(const Args&... args) const {
    using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
    if (!tracing()) return m_f(args...);
    detail::traced_fn t = detail::trace_fn(m_f, m_name, args...);
    ad::converted_jaxpr cj = ad::convert_constvars(t.jaxpr);
    std::vector<aval> out_avals = t.jaxpr.out_avals();
    std::vector<aval> in_avals;
    for (auto& a : t.args) in_avals.push_back(a.aval());
    const std::tuple<Args...> like(args...);
    auto fwd = std::make_shared<const ad::flat_fwd>(
        [fwd = m_fwd, like, def = t.out_def, out_avals, name = m_name](std::span<const array> ps) {
          auto result = std::apply(*fwd, detail::rebuild_tuple(like, ps));
          static_assert(detail::is_pair<decltype(result)>::value,
                        "xjax::custom_vjp: fwd must return std::pair{output, residuals}");
          auto [outs, out_def] = tree_flatten(R(result.first));
          ad::check_rule_result("custom_vjp", name, "fwd output", out_def, def, outs, out_avals);
          auto [res, res_def] = tree_flatten(result.second);
          return ad::fwd_result{std::move(outs), std::move(res), std::move(res_def)};
        });
    using Res = std::decay_t<decltype(std::apply(*m_fwd, like).second)>;
    auto bwd = std::make_shared<const ad::flat_bwd>(
        [bwd = m_bwd, like, def = t.out_def, in_avals, name = m_name](
            const treedef& res_def, std::span<const array> res, std::span<const array> cts) {
          Res r = tree_unflatten<Res>(res_def, res);
          R ct = tree_unflatten<R>(def, cts);
          auto back = (*bwd)(r, ct);
          std::vector<array> leaves;
          treedef got_def, want_def;
          want_def.node_kind = got_def.node_kind = treedef::kind::tuple;
          std::apply([&](const auto&... a) { (want_def.children.push_back(tree_structure(a)), ...); }, like);
          if constexpr (detail::is_tuple<decltype(back)>::value) {
            std::apply(
                [&](const auto&... c) {
                  ((got_def.children.push_back(tree_structure(c)), detail::collect_arrays(c, leaves)), ...);
                },
                back);
          } else {
            got_def.children.push_back(tree_structure(back));
            detail::collect_arrays(back, leaves);
          }
          ad::check_rule_result("custom_vjp", name, "bwd result (one cotangent per argument)", got_def, want_def,
                                leaves, in_avals);
          return leaves;
        });
    std::vector<array> ins = cj.consts;
    ins.insert(ins.end(), t.args.begin(), t.args.end());
    std::vector<array> outs =
        ad::bind_custom_vjp(ins, {m_name, jaxpr_param{cj.jaxpr}, {fwd, "<" + m_name + " fwd>"},
                                  {bwd, "<" + m_name + " bwd>"}, static_cast<std::int64_t>(cj.consts.size())});
    return tree_unflatten<R>(t.out_def, outs);
  }

 private:
  F m_f;
  std::shared_ptr<Fwd> m_fwd;
  std::shared_ptr<Bwd> m_bwd;
  std::string m_name;
};

/// `f` with the reverse-mode rule (fwd, bwd) (see the file comment).
template <class F, class Fwd, class Bwd> auto custom_vjp(F f, Fwd fwd, Bwd bwd, std::string name = "custom_vjp") {
  return custom_vjp_function<F, Fwd, Bwd>(std::move(f), std::move(fwd), std::move(bwd), std::move(name));
}

}  // namespace xjax

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include "xjax/lax/reductions.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::ad {
namespace detail {

/// Raises the error for a batched closed-over value of a custom function under vmap.
inline void check_const_dims(std::string_view op, std::string_view name, std::span<const std::int64_t> dims,
                             std::int64_t num_consts) {
  for (std::int64_t i = 0; i < num_consts; ++i) {
    if (dims[static_cast<std::size_t>(i)] != not_mapped) {
      xjax::detail::raise<value_error>(op,
                                       "{} closes over a value that depends on the vmapped inputs; pass that value "
                                       "to it as an argument instead",
                                       name);
    }
  }
}

/// The per-example avals of batched arguments.
inline std::vector<aval> example_avals(std::span<const array> xs, std::span<const std::int64_t> dims) {
  std::vector<aval> out;
  for (std::size_t i = 0; i < xs.size(); ++i) out.push_back(batching::unbatched_aval(xs[i].aval(), dims[i]));
  return out;
}

/// Applies a flat per-example function to batched arguments by tracing it on one
/// example and batching the trace; every output comes back batched along dimension 0.
inline std::vector<array> apply_batched(const std::function<std::vector<array>(std::span<const array>)>& f,
                                        std::span<const array> xs, std::span<const std::int64_t> dims,
                                        const batch_axis& axis) {
  converted_jaxpr j = trace_to_jaxpr(f, example_avals(xs, dims), "vmap");
  std::vector<array> ins = j.consts;
  ins.insert(ins.end(), xs.begin(), xs.end());
  std::vector<std::int64_t> ds(j.consts.size(), not_mapped);
  ds.insert(ds.end(), dims.begin(), dims.end());
  return batching::all_at_front(batching::batch_jaxpr(*j.jaxpr, {}, ins, ds, axis), axis.size);
}

/// Raises the error for a tangent of a closed-over value of a custom function.
inline void check_const_tangents(std::string_view op, std::string_view name, std::span<const array> t,
                                 std::int64_t num_consts) {
  for (std::int64_t i = 0; i < num_consts; ++i) {
    if (!is_zero(t[static_cast<std::size_t>(i)])) {
      xjax::detail::raise<value_error>(op,
                                       "{} closes over a value that depends on the inputs being differentiated; "
                                       "pass that value to it as an argument instead",
                                       name);
    }
  }
}

class custom_jvp_call_primitive final
    : public jaxpr_call_primitive<custom_jvp_params, &custom_jvp_params::call_jaxpr> {
 public:
  custom_jvp_call_primitive() : jaxpr_call_primitive("custom_jvp_call") {}
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const custom_jvp_params& p) const override {
    check_const_tangents("custom_jvp", p.name, t, p.num_consts);
    const auto nc = static_cast<std::size_t>(p.num_consts);
    std::vector<array> ts;
    for (std::size_t i = nc; i < x.size(); ++i) ts.push_back(instantiate(t[i], x[i].aval()));
    return (*p.jvp.fn)(x.subspan(nc), ts);
  }

  // The batched function, with a rule that is the user's rule batched the same way.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const custom_jvp_params& p,
                          const batch_axis& axis) const override {
    check_const_dims("custom_jvp", p.name, d, p.num_consts);
    converted_jaxpr call = batching::batch_subjaxpr(*p.call_jaxpr.value, avals_of(x), d, axis);
    const auto nc = static_cast<std::size_t>(p.num_consts);
    std::vector<std::int64_t> arg_dims(d.begin() + static_cast<std::ptrdiff_t>(nc), d.end());
    auto rule = std::make_shared<const flat_jvp_rule>(
        [old = p.jvp.fn, arg_dims, axis](std::span<const array> ps, std::span<const array> ts) {
          const std::size_t n = ps.size();
          auto per_example = [&](std::span<const array> xs) {
            jvp_result r = (*old)(xs.subspan(0, n), xs.subspan(n));
            std::vector<array> outs = r.primals;
            for (std::size_t i = 0; i < r.tangents.size(); ++i) outs.push_back(instantiate(r.tangents[i], r.primals[i].aval()));
            return outs;
          };
          std::vector<array> xs(ps.begin(), ps.end());
          xs.insert(xs.end(), ts.begin(), ts.end());
          std::vector<std::int64_t> ds = arg_dims;
          ds.insert(ds.end(), arg_dims.begin(), arg_dims.end());
          std::vector<array> outs = apply_batched(per_example, xs, ds, axis);
          const std::size_t m = outs.size() / 2;
          return jvp_result{std::vector<array>(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(m)),
                            std::vector<array>(outs.begin() + static_cast<std::ptrdiff_t>(m), outs.end())};
        });
    custom_jvp_params q = p;
    q.call_jaxpr = jaxpr_param{call.jaxpr};
    q.jvp = {rule, p.jvp.text};
    q.num_consts = static_cast<std::int64_t>(call.consts.size()) + p.num_consts;
    std::vector<array> ins = call.consts;
    ins.insert(ins.end(), x.begin(), x.end());
    std::vector<array> outs = bind(std::move(ins), q);
    return {outs, std::vector<std::int64_t>(outs.size(), 0)};
  }
};

struct custom_lin_params {
  std::string name;
  std::int64_t num_res = 0;
  function_param<flat_bwd> bwd;
  std::shared_ptr<const treedef> res_def;
  std::vector<aval> out_avals;
  bool operator==(const custom_lin_params&) const = default;
  template <class F> void fields(F&& f) const {
    f("bwd", bwd.text);
    f("num_res", num_res);
    f("symbolic_zeros", false);
  }
};

/// The linear part of a custom_vjp function's JVP: its transpose is the user's bwd.
class custom_lin_primitive final : public primitive_of<custom_lin_params> {
 public:
  custom_lin_primitive() : primitive_of("custom_lin") {}
  std::vector<aval> shape_rule(std::span<const aval>, const custom_lin_params& p) const override {
    return p.out_avals;
  }
  std::vector<array> eval(std::span<const array>, const custom_lin_params& p) const override {
    xjax::detail::raise<not_implemented_error>(
        "custom_vjp",
        "cannot apply forward-mode differentiation (jvp, jacfwd, linearize then apply) to the custom_vjp function "
        "{}; use reverse mode (grad, vjp, jacrev), or give it a custom_jvp rule",
        p.name);
  }
  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const custom_lin_params& p) const override {
    const auto nr = static_cast<std::size_t>(p.num_res);
    std::vector<array> res;
    for (std::size_t i = 0; i < nr; ++i) res.push_back(args[i].value);
    std::vector<array> arg_cts = (*p.bwd.fn)(*p.res_def, res, cts);
    std::vector<array> out(nr);
    out.insert(out.end(), arg_cts.begin(), arg_cts.end());
    return out;
  }
};

inline const custom_lin_primitive& custom_lin_p() {
  static const custom_lin_primitive p;
  return p;
}

class custom_vjp_call_primitive final
    : public jaxpr_call_primitive<custom_vjp_params, &custom_vjp_params::call_jaxpr> {
 public:
  custom_vjp_call_primitive() : jaxpr_call_primitive("custom_vjp_call") {}
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const custom_vjp_params& p) const override {
    check_const_tangents("custom_vjp", p.name, t, p.num_consts);
    const auto nc = static_cast<std::size_t>(p.num_consts);
    fwd_result f = (*p.fwd.fn)(x.subspan(nc));
    std::vector<array> lin_in = f.residuals;
    for (std::size_t i = nc; i < x.size(); ++i) lin_in.push_back(instantiate(t[i], x[i].aval()));
    custom_lin_params q{p.name, static_cast<std::int64_t>(f.residuals.size()), p.bwd,
                        std::make_shared<const treedef>(f.residual_def), avals_of(f.outputs)};
    std::vector<array> touts = custom_lin_p().bind(std::move(lin_in), std::move(q));
    return {std::move(f.outputs), std::move(touts)};
  }

  // The batched function, with fwd and bwd batched the same way: fwd's outputs and
  // residuals batched along dimension 0; bwd's cotangents put back on each argument's
  // batch dimension, summed over the batch for an unbatched argument.
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const custom_vjp_params& p,
                          const batch_axis& axis) const override {
    check_const_dims("custom_vjp", p.name, d, p.num_consts);
    converted_jaxpr call = batching::batch_subjaxpr(*p.call_jaxpr.value, avals_of(x), d, axis);
    const auto nc = static_cast<std::size_t>(p.num_consts);
    std::vector<std::int64_t> arg_dims(d.begin() + static_cast<std::ptrdiff_t>(nc), d.end());
    auto res_def = std::make_shared<treedef>();
    auto fwd = std::make_shared<const flat_fwd>(
        [old = p.fwd.fn, arg_dims, axis, res_def](std::span<const array> ps) {
          std::size_t n_out = 0;
          auto per_example = [&](std::span<const array> xs) {
            fwd_result r = (*old)(xs);
            *res_def = r.residual_def;
            n_out = r.outputs.size();
            std::vector<array> outs = r.outputs;
            outs.insert(outs.end(), r.residuals.begin(), r.residuals.end());
            return outs;
          };
          std::vector<array> outs = apply_batched(per_example, ps, arg_dims, axis);
          fwd_result r;
          r.outputs.assign(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(n_out));
          r.residuals.assign(outs.begin() + static_cast<std::ptrdiff_t>(n_out), outs.end());
          // The batched residuals keep the per-example structure; bwd sees them batched.
          r.residual_def = *res_def;
          return r;
        });
    auto bwd = std::make_shared<const flat_bwd>(
        [old = p.bwd.fn, arg_dims, axis](const treedef& rdef, std::span<const array> res,
                                                    std::span<const array> cts) {
          auto per_example = [&](std::span<const array> xs) {
            return (*old)(rdef, xs.subspan(0, res.size()), xs.subspan(res.size()));
          };
          std::vector<array> xs(res.begin(), res.end());
          xs.insert(xs.end(), cts.begin(), cts.end());
          std::vector<std::int64_t> ds(xs.size(), 0);
          std::vector<array> arg_cts = apply_batched(per_example, xs, ds, axis);
          for (std::size_t i = 0; i < arg_cts.size(); ++i) {
            arg_cts[i] = arg_dims[i] == not_mapped ? lax::reduce_sum(arg_cts[i], {0})
                                                   : batching::move_batch_dim(arg_cts[i], 0, arg_dims[i], axis.size);
          }
          return arg_cts;
        });
    custom_vjp_params q = p;
    q.call_jaxpr = jaxpr_param{call.jaxpr};
    q.fwd = {fwd, p.fwd.text};
    q.bwd = {bwd, p.bwd.text};
    q.num_consts = static_cast<std::int64_t>(call.consts.size()) + p.num_consts;
    std::vector<array> ins = call.consts;
    ins.insert(ins.end(), x.begin(), x.end());
    std::vector<array> outs = bind(std::move(ins), q);
    return {outs, std::vector<std::int64_t>(outs.size(), 0)};
  }
};

}  // namespace detail

XJAX_IMPL std::vector<array> bind_custom_jvp(std::span<const array> ins, custom_jvp_params p) {
  static const detail::custom_jvp_call_primitive prim;
  return prim.bind(std::vector<array>(ins.begin(), ins.end()), std::move(p));
}

XJAX_IMPL std::vector<array> bind_custom_vjp(std::span<const array> ins, custom_vjp_params p) {
  static const detail::custom_vjp_call_primitive prim;
  return prim.bind(std::vector<array>(ins.begin(), ins.end()), std::move(p));
}

XJAX_IMPL void check_rule_result(std::string_view op, std::string_view name, std::string_view what,
                                 const treedef& got_def, const treedef& want_def, std::span<const array> got,
                                 std::span<const aval> want) {
  if (!(got_def == want_def)) {
    xjax::detail::raise<pytree_error>(op, "the rule of {} returned a {} with tree structure {}, but {} is expected",
                                      name, what, got_def.str(), want_def.str());
  }
  for (std::size_t i = 0; i < got.size() && i < want.size(); ++i) {
    if (got[i].shape() != want[i].shape || got[i].dtype() != want[i].dtype) {
      xjax::detail::raise<type_error>(op, "the rule of {} returned a {} whose leaf {} has type {}, but {} is expected",
                                      name, what, i, got[i].aval().str(), want[i].str());
    }
  }
}

}  // namespace xjax::ad

#endif  // XJAX_HAS_IMPL
