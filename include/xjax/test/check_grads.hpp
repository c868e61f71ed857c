#pragma once
// xjax::test::check_grads, as jax.test_util.check_grads: checks a function's JVPs and
// VJPs against central finite differences, up to a given order, in float64.
//
//   auto f = [](const xjax::array& x, const xjax::array& y) { return jnp::sin(x) * y; };
//   xjax::test::check_grads(f, std::tuple{x, y}, 2);              // both modes, order 2
//   xjax::test::check_grads(f, std::tuple{x, y}, 1, {"rev"}, {.eps = 1e-3, .atol = 1e-4, .rtol = 1e-4});
//
// Floating array leaves of the arguments are converted to float64 and differentiated;
// other leaves are held fixed. Forward mode compares jvp(f) along a random direction
// with (f(x + eps t) - f(x - eps t)) / 2 eps; reverse mode compares <vjp(ct), t> with
// <ct, that difference> for a random ct. Order n > 1 checks the JVP and VJP functions
// themselves at order n - 1, as JAX does. A mismatch throws xjax::error naming the mode,
// the output and the values.

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/pytree.hpp"
#include "xjax/transforms/grad.hpp"

namespace xjax::test {

struct grad_check_options {
  double eps = 1e-4;   ///< finite-difference step
  double atol = 1e-5;  ///< absolute tolerance
  double rtol = 1e-5;  ///< relative tolerance
  unsigned seed = 0;   ///< of the random directions
};

/// A function over a flat list of arrays.
using flat_function = std::function<std::vector<array>(std::span<const array>)>;

/// check_grads on a flat function (the typed overload below flattens to this).
XJAX_API void check_grads_flat(const flat_function& f, std::span<const array> args, int order, bool fwd, bool rev,
                               const grad_check_options& opts);

/// Checks f's derivatives at `args` (a std::tuple of f's arguments) up to `order`, in
/// the modes listed ("fwd", "rev"). Throws xjax::error on a mismatch.
template <class F, class... Args>
void check_grads(const F& f, const std::tuple<Args...>& args, int order,
                 std::initializer_list<std::string_view> modes = {"fwd", "rev"}, const grad_check_options& opts = {}) {
  bool fwd = false, rev = false;
  for (auto m : modes) {
    if (m == "fwd") fwd = true;
    else if (m == "rev") rev = true;
    else xjax::detail::raise<value_error>("check_grads", "unknown mode '{}': use \"fwd\" and/or \"rev\"", m);
  }
  std::vector<array> leaves;
  std::apply([&](const auto&... a) { (xjax::detail::collect_arrays(a, leaves), ...); }, args);
  std::vector<std::size_t> diff;  // leaves that are differentiated
  std::vector<array> xs;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].dtype().is_floating()) {
      diff.push_back(i);
      xs.push_back(lax::convert_element_type(leaves[i], float64));
    }
  }
  flat_function flat = [&f, &args, leaves, diff](std::span<const array> ys) {
    std::vector<array> all = leaves;
    for (std::size_t k = 0; k < diff.size(); ++k) all[diff[k]] = ys[k];
    std::size_t k = 0;
    auto rebuilt = std::apply(
        [&](const auto&... a) { return std::tuple<Args...>{xjax::detail::replace_arrays(a, all, k, false)...}; }, args);
    std::vector<array> outs;
    for (auto& o : tree_leaves(std::apply(f, rebuilt))) {
      if (o.dtype().is_floating()) outs.push_back(o);
    }
    return outs;
  };
  check_grads_flat(flat, xs, order, fwd, rev, opts);
}

}  // namespace xjax::test

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"

namespace xjax::test {
namespace detail {

inline closed_jaxpr trace_flat(const flat_function& f, std::span<const array> args) {
  trace_scope scope;
  std::vector<array> xs;
  for (auto& a : args) xs.push_back(scope.frame().new_arg(a.aval()));
  return scope.frame().finish(f(xs), "check_grads");
}

inline std::vector<array> random_like(std::span<const array> xs, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<array> out;
  for (auto& x : xs) {
    std::vector<double> v(static_cast<std::size_t>(x.size()));
    for (auto& e : v) e = normal(rng);
    out.push_back(lax::convert_element_type(array::from_vector(v, x.shape()), x.dtype()));
  }
  return out;
}

/// x + s * t, elementwise, for lists.
inline std::vector<array> axpy(std::span<const array> x, double s, std::span<const array> t) {
  std::vector<array> out;
  for (std::size_t i = 0; i < x.size(); ++i) {
    out.push_back(lax::add(x[i], lax::mul(lax::convert_element_type(array(s), x[i].dtype()), t[i])));
  }
  return out;
}

inline std::vector<array> numerical_jvp(const flat_function& f, std::span<const array> x, std::span<const array> t,
                                        double eps) {
  std::vector<array> hi = f(axpy(x, eps, t)), lo = f(axpy(x, -eps, t));
  std::vector<array> out;
  for (std::size_t i = 0; i < hi.size(); ++i) {
    std::vector<double> a = hi[i].to_vector<double>(), b = lo[i].to_vector<double>();
    for (std::size_t k = 0; k < a.size(); ++k) a[k] = (a[k] - b[k]) / (2 * eps);
    out.push_back(array::from_vector(a, hi[i].shape()));
  }
  return out;
}

inline double inner(std::span<const array> a, std::span<const array> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::vector<double> x = a[i].to_vector<double>(), y = b[i].to_vector<double>();
    for (std::size_t k = 0; k < x.size(); ++k) s += x[k] * y[k];
  }
  return s;
}

inline void check_close(std::string_view what, std::span<const array> got, std::span<const array> want,
                        const grad_check_options& o) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::vector<double> a = got[i].to_vector<double>(), b = want[i].to_vector<double>();
    for (std::size_t k = 0; k < a.size(); ++k) {
      const bool both_nan = std::isnan(a[k]) && std::isnan(b[k]);
      if (both_nan || std::abs(a[k] - b[k]) <= o.atol + o.rtol * std::abs(b[k])) continue;
      xjax::detail::raise<error>("check_grads",
                                 "{}: output {} (shape {}) differs from finite differences at flat index {}: {} "
                                 "(autodiff) vs {} (numerical), atol {} rtol {}",
                                 what, i, shape_str(got[i].shape()), k, a[k], b[k], o.atol, o.rtol);
    }
  }
}

inline void check_jvp(const flat_function& f, std::span<const array> x, std::mt19937_64& rng,
                      const grad_check_options& o, const std::string& what) {
  std::vector<array> t = random_like(x, rng);
  closed_jaxpr j = trace_flat(f, x);
  jvp_result r = ad::jvp_jaxpr(*j.jaxpr, j.consts, x, t);
  for (std::size_t i = 0; i < r.tangents.size(); ++i) r.tangents[i] = ad::instantiate(r.tangents[i], r.primals[i].aval());
  check_close(what, r.tangents, numerical_jvp(f, x, t, o.eps), o);
}

inline void check_vjp(const flat_function& f, std::span<const array> x, std::mt19937_64& rng,
                      const grad_check_options& o, const std::string& what) {
  std::vector<array> t = random_like(x, rng);
  closed_jaxpr j = trace_flat(f, x);
  ad::linearized lz = ad::linearize(j, x);
  std::vector<array> ct = random_like(lz.outputs, rng);
  std::vector<array> ct_in = lz.lin.transpose(ct);
  const double ip = inner(t, ct_in);
  const double expected = inner(numerical_jvp(f, x, t, o.eps), ct);
  if (!(std::abs(ip - expected) <= o.atol + o.rtol * std::abs(expected))) {
    xjax::detail::raise<error>("check_grads",
                               "{}: <t, vjp(ct)> = {} but <jvp_numerical(t), ct> = {} (atol {} rtol {})", what, ip,
                               expected, o.atol, o.rtol);
  }
}

inline void check_grads_rec(const flat_function& f, std::span<const array> x, int order, bool fwd, bool rev,
                            const grad_check_options& o, std::mt19937_64& rng, const std::string& prefix) {
  if (fwd) {
    const std::string what = prefix.empty() ? "JVP" : "JVP of " + prefix;
    check_jvp(f, x, rng, o, what);
    if (order > 1) {
      // The JVP as a function of (primals, tangents), checked at (x, x), as JAX.
      const std::size_t n = x.size();
      flat_function f_jvp = [f, n](std::span<const array> xt) {
        closed_jaxpr j = trace_flat(f, xt.subspan(0, n));
        jvp_result r = ad::jvp_jaxpr(*j.jaxpr, j.consts, xt.subspan(0, n), xt.subspan(n));
        std::vector<array> outs = r.primals;
        for (std::size_t i = 0; i < r.tangents.size(); ++i) outs.push_back(ad::instantiate(r.tangents[i], r.primals[i].aval()));
        return outs;
      };
      std::vector<array> xx(x.begin(), x.end());
      xx.insert(xx.end(), x.begin(), x.end());
      check_grads_rec(f_jvp, xx, order - 1, fwd, rev, o, rng, what);
    }
  }
  if (rev) {
    const std::string what = prefix.empty() ? "VJP" : "VJP of " + prefix;
    check_vjp(f, x, rng, o, what);
    if (order > 1) {
      // The pullback applied to the primal output, as a function of the primals.
      flat_function f_vjp = [f](std::span<const array> xs) {
        closed_jaxpr j = trace_flat(f, xs);
        ad::linearized lz = ad::linearize(j, xs);
        return lz.lin.transpose(lz.outputs);
      };
      check_grads_rec(f_vjp, x, order - 1, fwd, rev, o, rng, what);
    }
  }
}

}  // namespace detail

XJAX_IMPL void check_grads_flat(const flat_function& f, std::span<const array> args, int order, bool fwd, bool rev,
                                const grad_check_options& opts) {
  if (order < 1) xjax::detail::raise<value_error>("check_grads", "order must be at least 1, got {}", order);
  std::mt19937_64 rng(opts.seed);
  detail::check_grads_rec(f, args, order, fwd, rev, opts, rng, "");
}

}  // namespace xjax::test

#endif  // XJAX_HAS_IMPL
