#pragma once
// Elementwise primitives (an implementation header: <xjax/xjax.hpp> includes it
// only where definitions are compiled, see config.hpp). Each op is one small struct (its name, the dtypes it
// accepts, its scalar function); unary_primitive / binary_primitive turn it into a
// primitive with its shape rule and reference evaluation. Later rules (JVP,
// batching, CPU/CUDA snippets) are added to the same structs.
//
// Shapes follow jax.lax: operands have equal shapes, except that 0-d operands
// broadcast against the others; dtypes must be equal (jax.numpy promotes, lax does not).

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <span>
#include <type_traits>
#include <vector>

#include "xjax/backend/reference/compute.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {

/// Shape of an elementwise op's result: all non-0-d operands share one shape.
inline shape_t elementwise_shape(std::string_view op, std::span<const aval> in) {
  const shape_t* out = nullptr;
  for (auto& a : in) {
    if (a.shape.empty()) continue;
    if (out == nullptr) {
      out = &a.shape;
    } else if (a.shape.size() != out->size()) {
      std::vector<std::int64_t> ranks;
      for (auto& b : in) ranks.push_back(b.ndim());
      detail::raise<shape_error>(op, "arrays must have the same number of dimensions, got ranks {}",
                                 fmt::join(ranks, ", "));
    } else if (a.shape != *out) {
      std::vector<std::string> shapes;
      for (auto& b : in) shapes.push_back(shape_str(b.shape));
      detail::raise<shape_error>(op, "got incompatible shapes for broadcasting: {}", fmt::join(shapes, ", "));
    }
  }
  return out ? *out : shape_t{};
}

/// All operands must have the same dtype (lax does not promote).
inline dtype common_dtype(std::string_view op, std::span<const aval> in) {
  for (auto& a : in) {
    if (a.dtype != in[0].dtype) {
      std::vector<std::string_view> names;
      for (auto& b : in) names.push_back(b.dtype.name());
      detail::raise<type_error>(op,
                                "requires arguments to have the same dtypes, got {} (jax::numpy functions promote "
                                "dtypes; lax functions do not)",
                                fmt::join(names, ", "));
    }
  }
  return in[0].dtype;
}

inline bool all_weak(std::span<const aval> in) {
  for (auto& a : in)
    if (!a.weak_type) return false;
  return true;
}

/// Calls Op::apply with the operand dtype when the op asks for it (shifts and
/// population_count need the bit width of the original dtype).
template <class Op, class P, class... C> auto apply_op(const P& p, dtype d, C... xs) {
  if constexpr (requires { Op::apply(xs..., p, d); }) return Op::apply(xs..., p, d);
  else return Op::apply(xs..., p);
}

/// A unary elementwise primitive from an op struct with `name`, `domain` (a
/// dtype_set), `params`, and `template <class C> static C apply(C x, const params&)`
/// where C is a compute type (see backend/reference/compute.hpp); optionally
/// `static dtype result_dtype(dtype)` when the result dtype differs (is_finite).
template <class Op> class unary_primitive final : public primitive_of<typename Op::params> {
 public:
  using params = typename Op::params;
  constexpr unary_primitive() : primitive_of<params>(Op::name) {}

  static dtype result_dtype(dtype in) {
    if constexpr (requires { Op::result_dtype(in); }) return Op::result_dtype(in);
    else return in;
  }

  std::vector<aval> shape_rule(std::span<const aval> in, const params&) const override {
    check_arity(Op::name, in.size(), 1);
    check_dtype(Op::name, in[0].dtype, Op::domain);
    return {aval{in[0].shape, result_dtype(in[0].dtype), in[0].weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    const array& x = in[0];
    std::vector<array> out;
    reference::visit_compute<Op::domain>(x.dtype(), [&](auto tag) {
      using C = decltype(tag);
      std::vector<C> xs = reference::load<C>(x);
      using R = decltype(apply_op<Op>(p, x.dtype(), C{}));
      std::vector<R> rs(xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) rs[i] = apply_op<Op>(p, x.dtype(), xs[i]);
      out.push_back(reference::store(rs, x.shape(), result_dtype(x.dtype()), x.weak_type()));
    });
    return out;
  }
};

/// A binary elementwise primitive from an op struct with `name`, `domain`, `params`,
/// `template <class C> static R apply(C x, C y, const params&)`, R being C for
/// arithmetic and bool for comparisons (which also give `result_dtype`).
template <class Op> class binary_primitive final : public primitive_of<typename Op::params> {
 public:
  using params = typename Op::params;
  constexpr binary_primitive() : primitive_of<params>(Op::name) {}

  static dtype result_dtype(dtype in) {
    if constexpr (requires { Op::result_dtype(in); }) return Op::result_dtype(in);
    else return in;
  }

  std::vector<aval> shape_rule(std::span<const aval> in, const params&) const override {
    check_arity(Op::name, in.size(), 2);
    dtype d = common_dtype(Op::name, in);
    check_dtype(Op::name, d, Op::domain);
    return {aval{elementwise_shape(Op::name, in), result_dtype(d), all_weak(in)}};
  }

  std::vector<array> eval(std::span<const array> in, const params& p) const override {
    const array &x = in[0], &y = in[1];
    std::vector<aval> avs = avals_of(in);
    shape_t shape = elementwise_shape(Op::name, avs);
    std::int64_t n = shape_size(shape);
    std::vector<array> out;
    reference::visit_compute<Op::domain>(x.dtype(), [&](auto tag) {
      using C = decltype(tag);
      std::vector<C> xs = reference::load<C>(x), ys = reference::load<C>(y);
      // A 0-d operand broadcasts: stride 0.
      const std::size_t sx = x.ndim() == 0 ? 0 : 1, sy = y.ndim() == 0 ? 0 : 1;
      using R = decltype(apply_op<Op>(p, x.dtype(), C{}, C{}));
      std::vector<R> rs(static_cast<std::size_t>(n));
      for (std::size_t i = 0; i < rs.size(); ++i) rs[i] = apply_op<Op>(p, x.dtype(), xs[i * sx], ys[i * sy]);
      out.push_back(reference::store(rs, shape, result_dtype(x.dtype()), all_weak(avs)));
    });
    return out;
  }
};

// ---------------------------------------------------------------------------
// The ops. One struct each; the primitive instance follows it.

struct neg_op {
  static constexpr std::string_view name = "neg";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, const params&) {
    if constexpr (std::is_integral_v<C>) return static_cast<C>(std::uint64_t(0) - static_cast<std::uint64_t>(x));  // wraps
    else return -x;
  }
};
inline const unary_primitive<neg_op>& neg_p() { static const unary_primitive<neg_op> p; return p; }

struct exp_op {
  static constexpr std::string_view name = "exp";
  static constexpr dtype_set domain = float_types;
  using params = no_params;
  template <class C> static C apply(C x, const params&) { return std::exp(x); }
};
inline const unary_primitive<exp_op>& exp_p() { static const unary_primitive<exp_op> p; return p; }

struct add_op {
  static constexpr std::string_view name = "add";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_integral_v<C>) {  // wrap around without signed-overflow UB
      return static_cast<C>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
    } else {
      return x + y;
    }
  }
};
inline const binary_primitive<add_op>& add_p() { static const binary_primitive<add_op> p; return p; }

struct mul_op {
  static constexpr std::string_view name = "mul";
  static constexpr dtype_set domain = numeric_types;
  using params = no_params;
  template <class C> static C apply(C x, C y, const params&) {
    if constexpr (std::is_integral_v<C>) {
      return static_cast<C>(static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(y));
    } else {
      return x * y;
    }
  }
};
inline const binary_primitive<mul_op>& mul_p() { static const binary_primitive<mul_op> p; return p; }

struct lt_op {
  static constexpr std::string_view name = "lt";
  static constexpr dtype_set domain = all_types;
  using params = no_params;
  static dtype result_dtype(dtype) { return bool_; }
  template <class C> static bool apply(C x, C y, const params&) { return x < y; }
};
inline const binary_primitive<lt_op>& lt_p() { static const binary_primitive<lt_op> p; return p; }

}  // namespace xjax::prim

// The lax functions (declared in lax/lax.hpp) bind the primitives above.
namespace xjax::lax {
XJAX_IMPL array neg(const array& x) { return prim::neg_p().bind1({x}); }
XJAX_IMPL array exp(const array& x) { return prim::exp_p().bind1({x}); }
XJAX_IMPL array add(const array& x, const array& y) { return prim::add_p().bind1({x, y}); }
XJAX_IMPL array mul(const array& x, const array& y) { return prim::mul_p().bind1({x, y}); }
XJAX_IMPL array lt(const array& x, const array& y) { return prim::lt_p().bind1({x, y}); }
}  // namespace xjax::lax
