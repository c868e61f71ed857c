#pragma once
// The jaxpr IR, as JAX's: constvars and invars, equations (a primitive, input atoms
// that are variables or typed literals, output variables, params), outvars.
// A closed_jaxpr pairs a jaxpr with the values of its constvars.

#include <atomic>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "xjax/core/array.hpp"
#include "xjax/ir/params.hpp"

namespace xjax {

class primitive;  // primitives/primitive.hpp

/// A variable. Ids are unique across all jaxprs of a process, so rewrites can mix
/// variables of several jaxprs without renaming.
struct var {
  std::int64_t id = -1;
  xjax::aval aval;

  static std::int64_t fresh_id() {
    static std::atomic<std::int64_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
  }
  static var fresh(xjax::aval av) { return var{fresh_id(), std::move(av)}; }
  friend bool operator==(const var& a, const var& b) { return a.id == b.id; }
};

/// A scalar constant written inline in an equation, printed as `2.0:f32[]`.
struct literal {
  array value;  // concrete, 0-d
  const xjax::aval& aval() const { return value.aval(); }
};

/// An equation input or a jaxpr output: a variable or a literal.
using atom = std::variant<var, literal>;

inline const aval& atom_aval(const atom& a) {
  return std::holds_alternative<var>(a) ? std::get<var>(a).aval : std::get<literal>(a).aval();
}

struct equation {
  const primitive* prim = nullptr;
  std::vector<atom> inputs;
  std::vector<var> outputs;
  params_ptr params;
};

struct jaxpr {
  std::vector<var> constvars;
  std::vector<var> invars;
  std::vector<equation> eqns;
  std::vector<atom> outvars;
};

/// A jaxpr with the values of its constvars, as make_jaxpr returns it.
struct closed_jaxpr {
  std::shared_ptr<const xjax::jaxpr> jaxpr;
  std::vector<array> consts;

  std::vector<aval> in_avals() const {
    std::vector<aval> out;
    for (auto& v : jaxpr->invars) out.push_back(v.aval);
    return out;
  }
  std::vector<aval> out_avals() const {
    std::vector<aval> out;
    for (auto& a : jaxpr->outvars) out.push_back(atom_aval(a));
    return out;
  }
};

}  // namespace xjax
