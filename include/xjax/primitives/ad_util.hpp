#pragma once
// Helpers for writing JVP and transpose rules (see primitives/primitive.hpp), shared by
// every primitive family and by the transforms of transforms/ad.hpp.
//
// A tangent or cotangent that is an invalid (default-constructed) array is a symbolic
// zero: rules propagate it without materializing zeros, and instantiate it only where
// an op needs an array.
//
//   jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const no_params&) const override {
//     array y = lax::sin(x[0]);
//     return {{y}, {lax::mul(t[0], lax::cos(x[0]))}};
//   }

#include <span>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::ad {

/// True for a symbolic zero tangent or cotangent.
inline bool is_zero(const array& t) { return !t.valid(); }

/// Zeros of `av` as JAX's zeros_like_aval makes them: a 0 literal broadcast to the
/// shape (the literal itself when 0-d). Integer avals get integer zeros (JAX uses
/// float0 for integer tangents; xjax has no float0 dtype).
XJAX_API array zeros(const aval& av);

/// `t`, or zeros of `av` when `t` is a symbolic zero.
inline array instantiate(const array& t, const aval& av) { return is_zero(t) ? zeros(av) : t; }

/// The sum of two tangents or cotangents of one aval (JAX's add_any), skipping
/// symbolic zeros: zero + b is b, with no equation.
XJAX_API array add_tangents(const array& a, const array& b);

/// True when tangents of this dtype can be non-zero (floating dtypes); integer and
/// boolean values are not differentiable and always have zero tangents.
inline bool differentiable(dtype d) { return d.is_floating(); }

/// The JVP of a primitive that is linear in all of its inputs together (neg, reshape,
/// concatenate, ...): the primitive bound on the primals, and again on the tangents
/// with symbolic zeros instantiated. Integer outputs get zero tangents.
template <class Params>
jvp_result linear_jvp(const primitive_of<Params>& p, std::span<const array> primals, std::span<const array> tangents,
                      const Params& params) {
  std::vector<array> ts;
  ts.reserve(tangents.size());
  for (std::size_t i = 0; i < tangents.size(); ++i) ts.push_back(instantiate(tangents[i], primals[i].aval()));
  std::vector<array> outs = p.bind(std::vector<array>(primals.begin(), primals.end()), params);
  std::vector<array> touts = p.bind(std::move(ts), params);
  for (std::size_t i = 0; i < outs.size(); ++i) {
    if (!differentiable(outs[i].dtype())) touts[i] = array();
  }
  return {std::move(outs), std::move(touts)};
}

/// The primitive bound on `primals` with no tangent computation: the JVP of an op whose
/// outputs are piecewise constant (floor, sign, comparisons, argmax...).
template <class Params>
jvp_result zero_jvp(const primitive_of<Params>& p, std::span<const array> primals, const Params& params) {
  std::vector<array> outs = p.bind(std::vector<array>(primals.begin(), primals.end()), params);
  return {outs, std::vector<array>(outs.size())};
}

/// Checks that exactly the inputs in `linear` are linear in a transpose rule's args:
/// a rule that meets another pattern (e.g. mul with both operands linear) raises a
/// clear error instead of computing something wrong.
XJAX_API void check_linear_args(std::string_view op, std::span<const lin_arg> args, std::vector<bool> allowed);

}  // namespace xjax::ad
