#pragma once
// The primitive interface (DESIGN.md invariant 4). A primitive is defined once,
// with everything the system needs of it side by side: its name, typed params,
// shape/dtype rule (which throws the error a user sees), reference evaluation, JVP rule
// and, for linear primitives, transpose rule, and batching rule. Later issues add the
// backend rules here. A rule a primitive lacks throws not_implemented_error naming both.
//
// Differentiation rules (see transforms/ad.hpp for how they are used):
//   jvp        given primals and tangents (an invalid, default-constructed array is a
//              symbolic zero; never all of them), returns the primal outputs and their
//              tangents (invalid again for symbolic zeros, e.g. integer outputs). Rules
//              are written with lax ops, so the derivative is itself differentiable.
//   transpose  for primitives linear in some inputs: given the cotangents of the
//              outputs (invalid = zero, never all) and the inputs (lin_arg: the linear
//              ones without a value), returns a cotangent per input (invalid for the
//              non-linear inputs and for zero cotangents).
//
// Batching rule (see transforms/vmap.hpp): given operands of which some carry a batch
// dimension (its position in `dims`, or not_mapped), returns the outputs of the op
// applied to each batch element, as arrays with a batch dimension (its position in the
// returned dims; not_mapped for an output that is the same for every element).
// Unbatched operands stay unbatched: no needless broadcasts.
//
// A primitive family derives from primitive_of<Params> and is instantiated once as
// an inline constant (`inline const exp_primitive exp_p;`). Ops reach it only
// through bind(), which stages it into the active trace or evaluates it eagerly.

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "xjax/core/array.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/ir/params.hpp"

namespace xjax {

/// The result of a JVP rule: primal outputs and their tangents (invalid = symbolic zero).
struct jvp_result {
  std::vector<array> primals;
  std::vector<array> tangents;
};

/// An input of an equation being transposed: a linear input carries only its aval
/// (JAX's UndefinedPrimal); the others carry their value.
struct lin_arg {
  array value;  // invalid for a linear input
  xjax::aval aval;
  bool is_linear() const { return !value.valid(); }
};

/// The batch dimension of a value that has none (JAX's not_mapped).
inline constexpr std::int64_t not_mapped = -1;

/// The vmap axis a batching rule works for: its size and, when named, its name.
struct batch_axis {
  std::int64_t size = 0;
  std::string_view name;  // empty when the vmap has no axis_name
};

/// The result of a batching rule: outputs and their batch dimensions.
struct batch_result {
  std::vector<array> outs;
  std::vector<std::int64_t> dims;
};

/// What a partial-evaluation rule makes of one equation (see primitive::partial_eval).
struct partial_eval_split {
  std::vector<equation> known;   // for the forward pass
  equation unknown;              // for the linear side
  std::vector<bool> out_unknown; // per output of the equation
};

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

  /// JVP rule (see the file comment).
  virtual jvp_result jvp(std::span<const array> primals, std::span<const array> tangents,
                         const params_base& p) const = 0;

  /// Transpose rule of a linear primitive (see the file comment).
  virtual std::vector<array> transpose(std::span<const array> cts, std::span<const lin_arg> args,
                                       const params_base& p) const = 0;

  /// Batching rule (see the file comment); `dims` has one entry per operand and not
  /// all of them are not_mapped.
  virtual batch_result batch(std::span<const array> args, std::span<const std::int64_t> dims,
                             const params_base& p, const batch_axis& axis) const = 0;

  /// Partial-evaluation rule (transforms/ad.hpp's partial_eval), for primitives whose
  /// equations must be split rather than sent whole to the unknown side (remat2 splits
  /// its jaxpr). `e` has some known and some unknown inputs. The default, nullopt,
  /// sends the equation whole.
  virtual std::optional<partial_eval_split> partial_eval(const equation& /*e*/,
                                                         const std::vector<bool>& /*unknown_inputs*/) const {
    return std::nullopt;
  }

  /// True for a collective (psum, all_gather, axis_index...) over the named axis
  /// `axis_name` with these params: vmap then calls its batching rule even when no
  /// operand is batched (psum of an unbatched value is value * axis size).
  virtual bool collective_over(const params_base& /*p*/, std::string_view /*axis_name*/) const { return false; }

  /// Whether an equation of this primitive must be kept even when its outputs are
  /// unused (dead-code elimination asks).
  virtual bool has_side_effects() const { return false; }

  /// Throws the not_implemented_error of a missing rule.
  [[noreturn]] void missing_rule(std::string_view rule) const {
    detail::raise<not_implemented_error>(m_name, "the {} rule of primitive '{}' is not implemented", rule, m_name);
  }

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

  /// Differentiation rules; the defaults throw not_implemented_error.
  virtual jvp_result jvp_rule(std::span<const array> /*primals*/, std::span<const array> /*tangents*/,
                              const Params& /*p*/) const {
    missing_rule("differentiation (jvp)");
  }
  virtual std::vector<array> transpose_rule(std::span<const array> /*cts*/, std::span<const lin_arg> /*args*/,
                                            const Params& /*p*/) const {
    missing_rule("transpose");
  }

  virtual batch_result batch_rule(std::span<const array> /*args*/, std::span<const std::int64_t> /*dims*/,
                                  const Params& /*p*/, const batch_axis& /*axis*/) const {
    missing_rule("batching (vmap)");
  }

  std::vector<aval> abstract_eval(std::span<const aval> in, const params_base& p) const final {
    return shape_rule(in, params_cast<Params>(p));
  }
  std::vector<array> eval_reference(std::span<const array> in, const params_base& p) const final {
    return eval(in, params_cast<Params>(p));
  }
  jvp_result jvp(std::span<const array> primals, std::span<const array> tangents,
                 const params_base& p) const final {
    return jvp_rule(primals, tangents, params_cast<Params>(p));
  }
  std::vector<array> transpose(std::span<const array> cts, std::span<const lin_arg> args,
                               const params_base& p) const final {
    return transpose_rule(cts, args, params_cast<Params>(p));
  }
  batch_result batch(std::span<const array> args, std::span<const std::int64_t> dims, const params_base& p,
                     const batch_axis& axis) const final {
    return batch_rule(args, dims, params_cast<Params>(p), axis);
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
