#pragma once
// The primitive interface (DESIGN.md invariant 4). A primitive is defined once,
// with everything the system needs of it side by side: its name, typed params,
// shape/dtype rule (which throws the error a user sees) and reference evaluation.
// Later issues add the JVP, transpose, batching and backend rules here, each with a
// default that throws not_implemented_error naming the primitive and the rule.
//
// A primitive family derives from primitive_of<Params> and is instantiated once as
// an inline constant (`inline const exp_primitive exp_p;`). Ops reach it only
// through bind(), which stages it into the active trace or evaluates it eagerly.

#include <span>
#include <string_view>
#include <vector>

#include "xjax/core/array.hpp"
#include "xjax/ir/params.hpp"

namespace xjax {

class primitive {
 public:
  explicit constexpr primitive(std::string_view name) : m_name(name) {}
  primitive(const primitive&) = delete;
  primitive& operator=(const primitive&) = delete;
  virtual ~primitive() = default;

  std::string_view name() const { return m_name; }

  /// Shape/dtype rule: the output avals for these input avals, or the user-facing error.
  virtual std::vector<aval> abstract_eval(std::span<const aval> in, const params_base& p) const = 0;

  /// Reference evaluation on concrete arrays (the oracle the fast backends are held to).
  virtual std::vector<array> eval_reference(std::span<const array> in, const params_base& p) const = 0;

 private:
  std::string_view m_name;
};

/// The typed half of a primitive: rules receive their own Params struct.
template <class Params> class primitive_of : public primitive {
 public:
  using params_type = Params;
  using primitive::primitive;

  virtual std::vector<aval> shape_rule(std::span<const aval> in, const Params& p) const = 0;
  virtual std::vector<array> eval(std::span<const array> in, const Params& p) const = 0;

  std::vector<aval> abstract_eval(std::span<const aval> in, const params_base& p) const final {
    return shape_rule(in, params_cast<Params>(p));
  }
  std::vector<array> eval_reference(std::span<const array> in, const params_base& p) const final {
    return eval(in, params_cast<Params>(p));
  }

  /// Binds this primitive to inputs (see bind in ir/trace.hpp).
  std::vector<array> bind(std::vector<array> inputs, Params p = {}) const;
  /// bind for single-output primitives.
  array bind1(std::vector<array> inputs, Params p = {}) const { return bind(std::move(inputs), std::move(p))[0]; }
};

/// Avals of a list of arrays.
inline std::vector<aval> avals_of(std::span<const array> xs) {
  std::vector<aval> out;
  out.reserve(xs.size());
  for (auto& x : xs) out.push_back(x.aval());
  return out;
}

/// Throws when a primitive gets the wrong number of operands.
inline void check_arity(std::string_view op, std::size_t got, std::size_t expected) {
  if (got != expected) detail::raise<value_error>(op, "expected {} operands, got {}", expected, got);
}

}  // namespace xjax
