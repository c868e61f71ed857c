#pragma once
// eval_jaxpr: runs a jaxpr by binding each equation's primitive in turn. With no
// trace active that evaluates it; inside a trace it re-stages it, which is how
// transforms compose (each one only ever sees primitives).

#include <span>
#include <unordered_map>
#include <vector>

#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/trace.hpp"

namespace xjax {

/// Evaluates `j` with its constvars bound to `consts` and invars to `args`.
XJAX_API std::vector<array> eval_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> args);

/// Evaluates a closed jaxpr on `args`.
inline std::vector<array> eval_jaxpr(const closed_jaxpr& cj, std::span<const array> args) {
  return eval_jaxpr(*cj.jaxpr, cj.consts, args);
}

#if XJAX_HAS_IMPL
XJAX_IMPL std::vector<array> eval_jaxpr(const jaxpr& j, std::span<const array> consts, std::span<const array> args) {
  auto check = [](std::string_view what, const std::vector<var>& vars, std::span<const array> vals) {
    if (vars.size() != vals.size()) {
      detail::raise<value_error>("eval_jaxpr", "the jaxpr has {} {} but {} values were given", vars.size(), what,
                                 vals.size());
    }
    for (std::size_t i = 0; i < vars.size(); ++i) {
      const aval& want = vars[i].aval;
      const aval& got = vals[i].aval();
      if (want.shape != got.shape || want.dtype != got.dtype) {
        detail::raise<type_error>("eval_jaxpr", "{} {} has type {} but the value given has type {}", what, i,
                                  want.str(), got.str());
      }
    }
  };
  check("constvars", j.constvars, consts);
  check("invars", j.invars, args);

  std::unordered_map<std::int64_t, array> env;
  env.reserve(j.constvars.size() + j.invars.size() + j.eqns.size());
  for (std::size_t i = 0; i < consts.size(); ++i) env.emplace(j.constvars[i].id, consts[i]);
  for (std::size_t i = 0; i < args.size(); ++i) env.emplace(j.invars[i].id, args[i]);
  auto read = [&](const atom& a) -> const array& {
    if (auto* v = std::get_if<var>(&a)) return env.at(v->id);
    return std::get<literal>(a).value;
  };
  std::vector<array> ins;
  for (const equation& e : j.eqns) {
    ins.clear();
    for (auto& a : e.inputs) ins.push_back(read(a));
    std::vector<array> outs = xjax::bind(*e.prim, ins, e.params);
    for (std::size_t i = 0; i < outs.size(); ++i) env.insert_or_assign(e.outputs[i].id, std::move(outs[i]));
  }
  std::vector<array> result;
  result.reserve(j.outvars.size());
  for (auto& a : j.outvars) result.push_back(read(a));
  return result;
}

#endif  // XJAX_HAS_IMPL

}  // namespace xjax
