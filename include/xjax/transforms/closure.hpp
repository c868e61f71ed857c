#pragma once
// Helpers for primitives whose params hold a jaxpr (remat2, custom_jvp_call, ...):
// tracing a flat function into a jaxpr whose constants became leading inputs (JAX's
// closure conversion), and calling such a primitive.

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/ir/eval.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::ad {

/// A jaxpr without constvars, and the values that its first `consts.size()` invars take.
struct converted_jaxpr {
  std::shared_ptr<const xjax::jaxpr> jaxpr;
  std::vector<array> consts;
};

/// `cj` with its constvars turned into leading invars.
XJAX_API converted_jaxpr convert_constvars(const closed_jaxpr& cj);

/// Traces `f` on arguments of the given avals (a fresh trace), closure-converted.
XJAX_API converted_jaxpr trace_to_jaxpr(const std::function<std::vector<array>(std::span<const array>)>& f,
                                        std::span<const aval> in_avals, std::string_view op);

/// The output avals of `j`, after checking that `in` fits its invars (an error names `op`).
XJAX_API std::vector<aval> check_call_avals(std::string_view op, const jaxpr& j, std::span<const aval> in);

/// A primitive that calls the jaxpr held in its params (`Params::*Body`, closure-
/// converted): its shape rule checks the operands against the jaxpr's inputs, and it
/// evaluates the jaxpr. remat2 and the custom-derivative calls derive from it.
template <class Params, jaxpr_param Params::*Body> class jaxpr_call_primitive : public primitive_of<Params> {
 public:
  using primitive_of<Params>::primitive_of;
  std::vector<aval> shape_rule(std::span<const aval> in, const Params& p) const override {
    return check_call_avals(this->name(), *(p.*Body).value, in);
  }
  std::vector<array> eval(std::span<const array> in, const Params& p) const override {
    return eval_jaxpr(*(p.*Body).value, {}, in);
  }
};

#if XJAX_HAS_IMPL
XJAX_IMPL converted_jaxpr convert_constvars(const closed_jaxpr& cj) {
  if (cj.jaxpr->constvars.empty()) return {cj.jaxpr, {}};
  auto j = std::make_shared<xjax::jaxpr>(*cj.jaxpr);
  j->invars.insert(j->invars.begin(), j->constvars.begin(), j->constvars.end());
  j->constvars.clear();
  return {std::move(j), cj.consts};
}

XJAX_IMPL converted_jaxpr trace_to_jaxpr(const std::function<std::vector<array>(std::span<const array>)>& f,
                                         std::span<const aval> in_avals, std::string_view op) {
  trace_scope scope;
  std::vector<array> args;
  for (auto& av : in_avals) args.push_back(scope.frame().new_arg(av));
  std::vector<array> outs = f(args);
  return convert_constvars(scope.frame().finish(outs, op));
}

XJAX_IMPL std::vector<aval> check_call_avals(std::string_view op, const jaxpr& j, std::span<const aval> in) {
  if (in.size() != j.invars.size()) {
    xjax::detail::raise<value_error>(op, "expected {} operands, got {}", j.invars.size(), in.size());
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    const aval& want = j.invars[i].aval;
    if (in[i].shape != want.shape || in[i].dtype != want.dtype) {
      xjax::detail::raise<type_error>(op, "operand {} has type {} but the jaxpr expects {}", i, in[i].str(),
                                      want.str());
    }
  }
  std::vector<aval> out;
  for (auto& a : j.outvars) out.push_back(atom_aval(a));
  return out;
}
#endif  // XJAX_HAS_IMPL

}  // namespace xjax::ad
