#pragma once
// Differentiation over pytrees: jvp, linearize, vjp, linear_transpose, grad,
// value_and_grad, jacfwd, jacrev, jacobian, hessian, stop_gradient. As in JAX, each
// transformed function traces its argument function into a jaxpr and rewrites it
// (transforms/ad.hpp); the rewritten program's operations land in whatever trace is
// active, so these compose with each other and with make_jaxpr to any depth.
//
//   namespace jnp = xjax::numpy;
//   auto loss = [](const xjax::array& w, const xjax::array& x, const xjax::array& y) {
//     return jnp::mean(jnp::square(jnp::matmul(x, w) - y));
//   };
//   xjax::array g = xjax::grad(loss)(w, x, y);                         // d loss / d w
//   auto [gw, gx] = xjax::grad(loss, xjax::argnums<0, 1>)(w, x, y);    // a std::tuple
//   auto [value, g2] = xjax::value_and_grad(loss)(w, x, y);
//   auto [y, pullback] = xjax::vjp(f, x);   auto [ct_x] = pullback(ct_y);
//   auto [y2, t_y] = xjax::jvp(f, std::tuple{x}, std::tuple{t_x});
//   xjax::array h = xjax::hessian(scalar_fn)(x);                       // shape x.shape + x.shape
//
// Arguments are pytrees (arrays, std::vector, std::tuple, std::map<std::string, T>,
// XJAX_PYTREE structs); gradients come back in the argument's own type. C++ scalar
// leaves of arguments are static (not traced, as in make_jaxpr) and so cannot be
// differentiated: grad with respect to one is an error; wrap it as xjax::array(x).
//
// Departures from JAX: value-dependent C++ control flow (`if (x.item<float>() > 0)`)
// inside a differentiated function is a concretization_error, since the function is
// traced (use lax::select_n / jnp::where); integer inputs get integer zero tangents and
// cotangents where JAX uses float0.

#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/transforms/ad.hpp"

namespace xjax {

/// The arguments to differentiate with respect to: `xjax::argnums<1>` gives that
/// argument's gradient, `xjax::argnums<0, 2>` a std::tuple of both.
template <std::size_t... I> struct argnums_t {};
template <std::size_t... I> inline constexpr argnums_t<I...> argnums{};

/// The function returns std::pair{loss, aux}: aux is passed through, not differentiated.
struct has_aux_t {};
inline constexpr has_aux_t has_aux{};

namespace detail {

template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};

/// The array leaves of a pytree (C++ scalar leaves are static and skipped); counts
/// the scalar leaves in `scalars` when given.
template <class T> void collect_arrays(const T& tree, std::vector<array>& out, std::size_t* scalars = nullptr) {
  treedef d;
  tree_walk(tree, d, [&](const auto& leaf) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(leaf)>, array>) out.push_back(leaf);
    else if (scalars) ++*scalars;
  });
}

/// A copy of `tree` whose array leaves are leaves[k], leaves[k+1], ... (advancing k);
/// scalar leaves are zeroed when `zero_scalars` (a cotangent of a static value).
template <class T> T replace_arrays(const T& tree, std::span<const array> leaves, std::size_t& k, bool zero_scalars) {
  T out = tree;
  treedef d;
  tree_walk(out, d, [&](auto& leaf) {
    using L = std::remove_cvref_t<decltype(leaf)>;
    if constexpr (std::is_same_v<L, array>) leaf = leaves[k++];
    else if (zero_scalars) leaf = L{};
  });
  return out;
}

/// A function traced on the array leaves of its arguments.
struct traced_fn {
  closed_jaxpr jaxpr;
  treedef out_def;
  std::vector<array> args;              // the array leaves of all arguments
  std::vector<std::size_t> arg_begin;   // where each argument's leaves start (+ the end)
};

template <class F, class... Args> traced_fn trace_fn(const F& f, std::string_view op, const Args&... args) {
  traced_fn t;
  (
      [&](const auto& a) {
        t.arg_begin.push_back(t.args.size());
        collect_arrays(a, t.args);
      }(args),
      ...);
  t.arg_begin.push_back(t.args.size());
  trace_scope scope;
  trace_frame& frame = scope.frame();
  std::tuple<Args...> traced{tree_map_arrays([&](const array& a) { return frame.new_arg(a.aval()); }, args)...};
  auto out = std::apply(f, traced);
  t.out_def = tree_structure(out);
  t.jaxpr = frame.finish(tree_leaves(out), op);
  return t;
}

/// Marks the leaves of the arguments in `which` and checks that they can be
/// differentiated (floating arrays, no C++ scalars), with JAX's messages.
XJAX_API std::vector<char> wrt_flags(std::string_view op, const traced_fn& t, std::span<const std::size_t> which,
                                     std::span<const std::size_t> scalar_leaves, bool allow_int);

/// Checks that a cotangent/tangent list matches the avals it stands for.
XJAX_API void check_same_avals(std::string_view op, std::string_view what, std::span<const array> got,
                               std::span<const aval> want);

/// Checks grad's output: a real scalar. Returns its aval.
XJAX_API void check_grad_output(std::string_view op, const aval& out);

template <class... Args> std::vector<std::size_t> scalar_leaf_counts(const Args&... args) {
  std::vector<std::size_t> counts;
  (
      [&](const auto& a) {
        std::vector<array> ignore;
        std::size_t n = 0;
        collect_arrays(a, ignore, &n);
        counts.push_back(n);
      }(args),
      ...);
  return counts;
}

using ad::as_bools;

/// The gradient (cotangent) results for arguments I..., from the flat cotangents of
/// every argument leaf: Arg_I, or a std::tuple of them.
template <std::size_t... I, class... Args>
auto rebuild_args(argnums_t<I...>, const traced_fn& t, std::span<const array> cts, const std::tuple<const Args&...>& args) {
  auto one = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    std::size_t k = t.arg_begin[N];
    return replace_arrays(std::get<N>(args), cts, k, true);
  };
  if constexpr (sizeof...(I) == 1) return one(std::integral_constant<std::size_t, I...>{});
  else return std::tuple{one(std::integral_constant<std::size_t, I>{})...};
}

/// value_and_grad's work: the value (R) and the cotangents of every argument leaf.
template <bool Aux, std::size_t... I, class F, class... Args>
auto value_and_grad_flat(std::string_view op, const F& f, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  static_assert(((I < sizeof...(Args)) && ...),
                "xjax::grad: an index in argnums is out of range (it must be smaller than the number of arguments "
                "the function is called with)");
  static_assert(!Aux || is_pair<R>::value,
                "xjax::grad with xjax::has_aux: the function must return std::pair{loss, aux}, where loss is a "
                "scalar xjax::array and aux any pytree");
  static_assert(((!std::is_arithmetic_v<std::tuple_element_t<I, std::tuple<Args...>>>) && ...),
                "xjax::grad: cannot differentiate with respect to a C++ scalar argument (it is static, as in "
                "make_jaxpr); pass it as an xjax::array, e.g. xjax::array(2.0)");
  traced_fn t = trace_fn(f, op, args...);
  const std::size_t which[] = {I...};
  std::vector<std::size_t> scalars = scalar_leaf_counts(args...);
  std::vector<char> wrt = wrt_flags(op, t, which, scalars, false);
  const std::size_t n_out = t.jaxpr.jaxpr->outvars.size();
  if (n_out == 0 || (!Aux && n_out != 1)) {
    xjax::detail::raise<type_error>(op, "gradient only defined for scalar-output functions; the output is a pytree "
                                        "with {} leaves", n_out);
  }
  if constexpr (Aux) {
    if (t.out_def.children.empty() || t.out_def.children[0].num_leaves() != 1) {
      xjax::detail::raise<type_error>(op, "with has_aux the function must return std::pair{{loss, aux}} with a scalar "
                                          "array loss; the loss is a pytree with {} leaves",
                                      t.out_def.children.empty() ? 0 : t.out_def.children[0].num_leaves());
    }
  }
  check_grad_output(op, atom_aval(t.jaxpr.jaxpr->outvars[0]));
  std::vector<char> out_wrt(n_out, 0);
  out_wrt[0] = 1;
  ad::linearized lz = ad::linearize(t.jaxpr, t.args, as_bools(wrt), as_bools(out_wrt));
  const array seed(1.0, lz.lin.out_avals[0].dtype);
  std::vector<array> in_cts = lz.lin.transpose(std::span<const array>(&seed, 1));
  std::vector<array> cts(t.args.size());
  for (std::size_t i = 0, k = 0; i < t.args.size(); ++i) {
    if (wrt[i]) cts[i] = in_cts[k++];
  }
  R value = tree_unflatten<R>(t.out_def, lz.outputs);
  return std::tuple{std::move(value), std::move(t), std::move(cts)};
}

}  // namespace detail

/// value_and_grad(f)(args...) = std::pair{f(args...), grad(f)(args...)}; with has_aux,
/// std::pair{std::pair{loss, aux}, grad}, as JAX's ((value, aux), grad).
template <class F, std::size_t... I>
auto value_and_grad(F f, argnums_t<I...> = {}) {
  if constexpr (sizeof...(I) == 0) {
    return value_and_grad(std::move(f), argnums<0>);
  } else {
    return [f = std::move(f)]<pytree... Args>(const Args&... args) {
      auto [value, t, cts] = detail::value_and_grad_flat<false, I...>("value_and_grad", f, args...);
      return std::pair{std::move(value), detail::rebuild_args(argnums<I...>, t, cts, std::tuple<const Args&...>(args...))};
    };
  }
}
template <class F, std::size_t... I>
auto value_and_grad(F f, argnums_t<I...>, has_aux_t) {
  return [f = std::move(f)]<pytree... Args>(const Args&... args) {
    auto [value, t, cts] = detail::value_and_grad_flat<true, I...>("value_and_grad", f, args...);
    return std::pair{std::move(value), detail::rebuild_args(argnums<I...>, t, cts, std::tuple<const Args&...>(args...))};
  };
}
template <class F> auto value_and_grad(F f, has_aux_t) { return value_and_grad(std::move(f), argnums<0>, has_aux); }

/// The gradient of a scalar function with respect to argument 0 (or `argnums`), in
/// the argument's own type; with has_aux, std::pair{gradient, aux}.
template <class F, std::size_t... I>
auto grad(F f, argnums_t<I...> = {}) {
  if constexpr (sizeof...(I) == 0) {
    return grad(std::move(f), argnums<0>);
  } else {
    return [f = std::move(f)]<pytree... Args>(const Args&... args) {
      auto [value, t, cts] = detail::value_and_grad_flat<false, I...>("grad", f, args...);
      return detail::rebuild_args(argnums<I...>, t, cts, std::tuple<const Args&...>(args...));
    };
  }
}
template <class F, std::size_t... I>
auto grad(F f, argnums_t<I...>, has_aux_t) {
  return [f = std::move(f)]<pytree... Args>(const Args&... args) {
    auto [value, t, cts] = detail::value_and_grad_flat<true, I...>("grad", f, args...);
    return std::pair{detail::rebuild_args(argnums<I...>, t, cts, std::tuple<const Args&...>(args...)),
                     std::move(value.second)};
  };
}
template <class F> auto grad(F f, has_aux_t) { return grad(std::move(f), argnums<0>, has_aux); }

/// jvp(f, primals, tangents): f's outputs and their tangents (directional derivative)
/// at `primals` along `tangents`, two tuples of f's argument types.
template <class F, class... Args>
auto jvp(const F& f, const std::tuple<Args...>& primals, const std::tuple<Args...>& tangents) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  detail::traced_fn t = std::apply([&](const auto&... a) { return detail::trace_fn(f, "jvp", a...); }, primals);
  std::vector<array> ts;
  std::apply([&](const auto&... a) { (detail::collect_arrays(a, ts), ...); }, tangents);
  std::size_t i = 0;
  std::apply(
      [&](const auto&... p) {
        std::apply(
            [&](const auto&... q) {
              (
                  [&](const auto& pi, const auto& qi) {
                    if (!(tree_structure(pi) == tree_structure(qi))) {
                      xjax::detail::raise<pytree_error>(
                          "jvp", "primal and tangent arguments must have the same tree structure; argument {} has "
                                 "structures {} and {}",
                          i, tree_structure(pi).str(), tree_structure(qi).str());
                    }
                    ++i;
                  }(p, q),
                  ...);
            },
            tangents);
      },
      primals);
  std::vector<aval> want;
  for (auto& a : t.args) want.push_back(a.aval());
  detail::check_same_avals("jvp", "tangent", ts, want);
  jvp_result r = ad::jvp_jaxpr(*t.jaxpr.jaxpr, t.jaxpr.consts, t.args, ts);
  for (std::size_t k = 0; k < r.tangents.size(); ++k) r.tangents[k] = ad::instantiate(r.tangents[k], r.primals[k].aval());
  return std::pair{tree_unflatten<R>(t.out_def, r.primals), tree_unflatten<R>(t.out_def, r.tangents)};
}

/// jvp with has_aux: f returns std::pair{out, aux}; the result is std::tuple{out,
/// out_tangent, aux}.
template <class F, class... Args>
auto jvp(const F& f, const std::tuple<Args...>& primals, const std::tuple<Args...>& tangents, has_aux_t) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  static_assert(detail::is_pair<R>::value, "xjax::jvp with xjax::has_aux: the function must return std::pair{out, aux}");
  auto [out, tout] = jvp(f, primals, tangents);
  return std::tuple{std::move(out.first), std::move(tout.first), std::move(out.second)};
}

/// The pullback vjp returns: cotangents of the outputs -> cotangents of the arguments.
template <class R, class... Args> class vjp_function {
 public:
  vjp_function(ad::linear_fn lin, treedef out_def, std::tuple<Args...> primals)
      : m_lin(std::move(lin)), m_out_def(std::move(out_def)), m_primals(std::move(primals)) {}

  std::tuple<Args...> operator()(const R& ct) const {
    auto [leaves, def] = tree_flatten(ct);
    if (!(def == m_out_def)) {
      xjax::detail::raise<pytree_error>("vjp", "the cotangent has tree structure {} but the function's output has {}",
                                        def.str(), m_out_def.str());
    }
    detail::check_same_avals("vjp", "cotangent", leaves, m_lin.out_avals);
    std::vector<array> cts = m_lin.transpose(leaves);
    std::size_t k = 0;
    return std::apply(
        [&](const auto&... p) { return std::tuple<Args...>{detail::replace_arrays(p, cts, k, true)...}; }, m_primals);
  }

 private:
  ad::linear_fn m_lin;
  treedef m_out_def;
  std::tuple<Args...> m_primals;
};

/// vjp(f, args...) = std::pair{f(args...), pullback}, pullback(ct) giving a
/// std::tuple of the arguments' cotangents.
template <class F, pytree... Args> auto vjp(const F& f, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  detail::traced_fn t = detail::trace_fn(f, "vjp", args...);
  ad::linearized lz = ad::linearize(t.jaxpr, t.args);
  R out = tree_unflatten<R>(t.out_def, lz.outputs);
  return std::pair{std::move(out), vjp_function<R, Args...>(std::move(lz.lin), t.out_def, std::tuple<Args...>(args...))};
}

/// vjp with has_aux: f returns std::pair{out, aux}; the result is std::tuple{out,
/// pullback, aux}, aux not differentiated.
template <class F, pytree... Args> auto vjp(const F& f, has_aux_t, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  static_assert(detail::is_pair<R>::value, "xjax::vjp with xjax::has_aux: the function must return std::pair{out, aux}");
  using Out = typename R::first_type;
  using Aux = typename R::second_type;
  detail::traced_fn t = detail::trace_fn(f, "vjp", args...);
  const treedef& out_def = t.out_def.children[0];
  const std::size_t n_out = out_def.num_leaves();
  std::vector<char> out_wrt(t.out_def.num_leaves(), 0);
  for (std::size_t i = 0; i < n_out; ++i) out_wrt[i] = 1;
  ad::linearized lz = ad::linearize(t.jaxpr, t.args, {}, detail::as_bools(out_wrt));
  std::span<const array> outs(lz.outputs);
  Out out = tree_unflatten<Out>(out_def, outs.subspan(0, n_out));
  Aux aux = tree_unflatten<Aux>(t.out_def.children[1], outs.subspan(n_out));
  return std::tuple{std::move(out), vjp_function<Out, Args...>(std::move(lz.lin), out_def, std::tuple<Args...>(args...)),
                    std::move(aux)};
}

/// linearize(f, args...) = std::pair{f(args...), f_jvp}, f_jvp(tangents...) giving the
/// output tangents (evaluating only the linear part; the primal work is done once).
template <class F, pytree... Args> auto linearize(const F& f, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  detail::traced_fn t = detail::trace_fn(f, "linearize", args...);
  ad::linearized lz = ad::linearize(t.jaxpr, t.args);
  R out = tree_unflatten<R>(t.out_def, lz.outputs);
  auto f_jvp = [lin = std::move(lz.lin), def = t.out_def](const Args&... tangents) {
    std::vector<array> ts;
    (detail::collect_arrays(tangents, ts), ...);
    detail::check_same_avals("linearize", "tangent", ts, lin.in_avals);
    return tree_unflatten<R>(def, lin.apply(ts));
  };
  return std::pair{std::move(out), std::move(f_jvp)};
}

/// The transpose of a linear function `f`, at arguments shaped like `args` (their values
/// are not used): ct -> std::tuple of the arguments' cotangents.
template <class F, pytree... Args> auto linear_transpose(const F& f, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  detail::traced_fn t = detail::trace_fn(f, "linear_transpose", args...);
  return [t = std::move(t), primals = std::tuple<Args...>(args...)](const R& ct) {
    auto [leaves, def] = tree_flatten(ct);
    if (!(def == t.out_def)) {
      xjax::detail::raise<pytree_error>("linear_transpose", "the cotangent has tree structure {} but the function's "
                                        "output has {}", def.str(), t.out_def.str());
    }
    detail::check_same_avals("linear_transpose", "cotangent", leaves, t.jaxpr.out_avals());
    std::vector<lin_arg> la;
    for (auto& a : t.args) la.push_back(lin_arg{array(), a.aval()});
    std::vector<array> cts = ad::backward_pass(*t.jaxpr.jaxpr, t.jaxpr.consts, la, leaves);
    for (std::size_t i = 0; i < cts.size(); ++i) cts[i] = ad::instantiate(cts[i], t.args[i].aval());
    std::size_t k = 0;
    return std::apply(
        [&](const auto&... p) { return std::tuple<Args...>{detail::replace_arrays(p, cts, k, true)...}; }, primals);
  };
}

/// stop_gradient over a pytree: the same values, treated as constants by differentiation.
template <pytree T> T stop_gradient(const T& x) {
  return tree_map_arrays([](const array& a) { return lax::stop_gradient(a); }, x);
}

// ---------------------------------------------------------------------------
// Jacobians

namespace detail {

/// jac[o][k]: the Jacobian block of output leaf o with respect to input leaf k, of
/// shape out_shape + in_shape, by forward (columns) or reverse (rows) mode. Input
/// leaves not in `wrt` get invalid blocks.
XJAX_API std::vector<std::vector<array>> jacobian_blocks(const closed_jaxpr& j, std::span<const array> args,
                                                         std::span<const bool> wrt, bool forward);

template <bool Forward, std::size_t... I, class F, class... Args>
auto jacobian_impl(std::string_view op, const F& f, const Args&... args) {
  using R = std::decay_t<std::invoke_result_t<const F&, const Args&...>>;
  static_assert(((I < sizeof...(Args)) && ...), "xjax::jacfwd/jacrev: an index in argnums is out of range");
  traced_fn t = trace_fn(f, op, args...);
  const std::size_t which[] = {I...};
  std::vector<std::size_t> scalars = scalar_leaf_counts(args...);
  std::vector<char> wrt = wrt_flags(op, t, which, scalars, false);
  auto blocks = jacobian_blocks(t.jaxpr, t.args, as_bools(wrt), Forward);
  std::tuple<const Args&...> argt(args...);
  auto one = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    using A = std::tuple_element_t<N, std::tuple<Args...>>;
    if constexpr (std::is_same_v<R, array>) {
      std::size_t k = t.arg_begin[N];
      return replace_arrays(std::get<N>(argt), blocks[0], k, true);  // the argument's type, leaves d out / d leaf
    } else {
      static_assert(std::is_same_v<A, array>,
                    "xjax::jacfwd/jacrev: when the function returns a pytree, the arguments differentiated must be "
                    "arrays (the result has the output's type, each leaf d leaf / d argument)");
      std::vector<array> col;
      for (auto& row : blocks) col.push_back(row[t.arg_begin[N]]);
      return tree_unflatten<R>(t.out_def, col);
    }
  };
  if constexpr (sizeof...(I) == 1) return one(std::integral_constant<std::size_t, I...>{});
  else return std::tuple{one(std::integral_constant<std::size_t, I>{})...};
}

}  // namespace detail

/// The Jacobian by forward mode (one JVP per input element): for f: array -> array, an
/// array of shape out.shape + in.shape; for pytree arguments, the argument's type with
/// each leaf d out / d leaf; for pytree outputs, the output's type.
template <class F, std::size_t... I> auto jacfwd(F f, argnums_t<I...> = {}) {
  if constexpr (sizeof...(I) == 0) {
    return jacfwd(std::move(f), argnums<0>);
  } else {
    return [f = std::move(f)]<pytree... Args>(const Args&... args) {
      return detail::jacobian_impl<true, I...>("jacfwd", f, args...);
    };
  }
}

/// The Jacobian by reverse mode (one VJP per output element); as jacfwd otherwise.
template <class F, std::size_t... I> auto jacrev(F f, argnums_t<I...> = {}) {
  if constexpr (sizeof...(I) == 0) {
    return jacrev(std::move(f), argnums<0>);
  } else {
    return [f = std::move(f)]<pytree... Args>(const Args&... args) {
      return detail::jacobian_impl<false, I...>("jacrev", f, args...);
    };
  }
}

/// jax.jacobian: jacrev.
template <class F, std::size_t... I> auto jacobian(F f, argnums_t<I...> a = {}) { return jacrev(std::move(f), a); }

/// The Hessian of a scalar function of one array argument: jacfwd(jacrev(f)), of shape
/// x.shape + x.shape.
template <class F, std::size_t I = 0> auto hessian(F f, argnums_t<I> = {}) {
  return jacfwd(jacrev(std::move(f), argnums<I>), argnums<I>);
}

}  // namespace xjax

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include "xjax/lax/structure.hpp"
#include "xjax/transforms/vmap.hpp"

namespace xjax::detail {

XJAX_IMPL std::vector<char> wrt_flags(std::string_view op, const traced_fn& t, std::span<const std::size_t> which,
                                      std::span<const std::size_t> scalar_leaves, bool allow_int) {
  std::vector<char> wrt(t.args.size(), 0);
  for (std::size_t n : which) {
    if (scalar_leaves[n] > 0) {
      raise<type_error>(op,
                        "argument {} has {} C++ scalar leaves, which are static (not traced) and cannot be "
                        "differentiated; make them xjax::array leaves",
                        n, scalar_leaves[n]);
    }
    for (std::size_t i = t.arg_begin[n]; i < t.arg_begin[n + 1]; ++i) {
      const dtype d = t.args[i].dtype();
      if (!allow_int && !d.is_floating()) {
        raise<type_error>(op,
                          "{} requires real-valued inputs (a floating dtype), but argument {} has a leaf of dtype "
                          "{}. To differentiate with integer or boolean inputs present, use vjp, or leave that "
                          "argument out of argnums",
                          op, n, d.name());
      }
      wrt[i] = 1;
    }
  }
  return wrt;
}

XJAX_IMPL void check_same_avals(std::string_view op, std::string_view what, std::span<const array> got,
                                std::span<const aval> want) {
  if (got.size() != want.size()) {
    raise<pytree_error>(op, "expected {} {} leaves, got {}", want.size(), what, got.size());
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].shape() != want[i].shape) {
      raise<shape_error>(op, "{} leaf {} has shape {} but its primal has shape {}", what, i, shape_str(got[i].shape()),
                         shape_str(want[i].shape));
    }
    if (got[i].dtype() != want[i].dtype && want[i].dtype.is_floating()) {
      raise<type_error>(op, "{} leaf {} has dtype {} but its primal has dtype {}; they must be equal", what, i,
                        got[i].dtype().name(), want[i].dtype.name());
    }
  }
}

XJAX_IMPL void check_grad_output(std::string_view op, const aval& out) {
  if (!out.dtype.is_floating()) {
    raise<type_error>(op, "{} requires real-valued outputs (a floating dtype), but the output has dtype {}", op,
                      out.dtype.name());
  }
  if (!out.shape.empty()) {
    raise<type_error>(op, "gradient only defined for scalar-output functions; the output had shape {}",
                      shape_str(out.shape));
  }
}

XJAX_IMPL std::vector<std::vector<array>> jacobian_blocks(const closed_jaxpr& j, std::span<const array> args,
                                                          std::span<const bool> wrt, bool forward) {
  // One linearization, then one batched application of its linear part per input
  // (forward: the tangents are a basis of the input) or per output (reverse: the
  // cotangents are a basis of the output), with vmap's batching rules: no loop over
  // basis vectors.
  ad::linearized lz = ad::linearize(j, args, wrt);
  const ad::linear_fn& lin = lz.lin;
  const std::size_t n_out = lin.out_avals.size();
  std::vector<std::size_t> in_index;  // wrt leaf number -> argument leaf index
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (wrt[i]) in_index.push_back(i);
  }
  const std::size_t n_in = in_index.size();
  // The identity basis of `av`'s elements, as an array of shape (n, *av.shape).
  auto basis = [](const aval& av) {
    const std::int64_t n = shape_size(av.shape);
    shape_t shape = av.shape;
    shape.insert(shape.begin(), n);
    array e = array::empty(shape, av.dtype);
    std::memset(e.mutable_raw_data(), 0, static_cast<std::size_t>(e.nbytes()));
    array one(1, av.dtype);
    for (std::int64_t p = 0; p < n; ++p) {
      std::memcpy(static_cast<char*>(e.mutable_raw_data()) + (p * n + p) * e.itemsize(), one.raw_data(),
                  static_cast<std::size_t>(e.itemsize()));
    }
    return e;
  };
  auto block_shape = [&](std::size_t o, std::size_t k) {
    shape_t s = lin.out_avals[o].shape;
    s.insert(s.end(), lin.in_avals[k].shape.begin(), lin.in_avals[k].shape.end());
    return s;
  };
  std::vector<std::vector<array>> blocks(n_out, std::vector<array>(args.size()));
  if (forward) {
    const jaxpr& lj = *lin.jaxpr.jaxpr;
    for (std::size_t k = 0; k < n_in; ++k) {
      const aval& in_av = lin.in_avals[k];
      const std::int64_t n = shape_size(in_av.shape);
      std::vector<array> results(n_out);  // (n, *out) batched results, or invalid for zero
      std::vector<std::int64_t> result_dims(n_out, not_mapped);
      if (lin.in_slot[k] >= 0 && n > 0) {
        std::vector<array> ins;
        std::vector<std::int64_t> dims;
        for (std::size_t q = 0; q < n_in; ++q) {
          if (lin.in_slot[q] < 0) continue;
          if (q == k) {
            ins.push_back(basis(in_av));
            dims.push_back(0);
          } else {
            ins.push_back(ad::zeros(lin.in_avals[q]));
            dims.push_back(not_mapped);
          }
        }
        batch_result r = batching::batch_jaxpr(lj, lin.jaxpr.consts, ins, dims, batch_axis{n, {}});
        for (std::size_t o = 0; o < n_out; ++o) {
          if (lin.out_slot[o] < 0) continue;
          results[o] = r.outs[static_cast<std::size_t>(lin.out_slot[o])];
          result_dims[o] = r.dims[static_cast<std::size_t>(lin.out_slot[o])];
        }
      }
      for (std::size_t o = 0; o < n_out; ++o) {
        const shape_t s = block_shape(o, k);
        if (!results[o].valid()) {
          blocks[o][in_index[k]] = ad::zeros(aval{s, lin.out_avals[o].dtype});
          continue;
        }
        // The batch dimension (the input element) goes last, then splits into in's shape.
        const std::int64_t last = static_cast<std::int64_t>(lin.out_avals[o].shape.size());
        blocks[o][in_index[k]] = lax::reshape(batching::move_batch_dim(results[o], result_dims[o], last, n), s);
      }
    }
  } else {
    for (std::size_t o = 0; o < n_out; ++o) {
      const aval& out_av = lin.out_avals[o];
      const std::int64_t m = shape_size(out_av.shape);
      std::vector<array> rows(n_in);
      std::vector<std::int64_t> row_dims(n_in, not_mapped);
      if (lin.out_slot[o] >= 0 && m > 0) {
        // The transpose as a function of this output's cotangent, batched over a basis.
        auto pullback = [&](std::span<const array> ct) {
          std::vector<array> cts(n_out);
          cts[o] = ct[0];
          return lin.transpose(cts);
        };
        const aval av[] = {out_av};
        ad::converted_jaxpr t = ad::trace_to_jaxpr(pullback, av, "jacrev");
        std::vector<array> ins = t.consts;
        std::vector<std::int64_t> dims(t.consts.size(), not_mapped);
        ins.push_back(basis(out_av));
        dims.push_back(0);
        batch_result r = batching::batch_jaxpr(*t.jaxpr, {}, ins, dims, batch_axis{m, {}});
        rows = r.outs;
        row_dims = r.dims;
      }
      for (std::size_t k = 0; k < n_in; ++k) {
        const shape_t s = block_shape(o, k);
        if (!rows[k].valid()) {
          blocks[o][in_index[k]] = ad::zeros(aval{s, out_av.dtype});
          continue;
        }
        // The batch dimension (the output element) goes first, then splits into out's shape.
        blocks[o][in_index[k]] = lax::reshape(batching::move_batch_dim(rows[k], row_dims[k], 0, m), s);
      }
    }
  }
  return blocks;
}

}  // namespace xjax::detail

#endif  // XJAX_HAS_IMPL
