// Automatic differentiation against JAX 0.10.2 (tests/golden/gen_autodiff.py): the same
// functions written with xjax::numpy / lax / scipy::special / nn as in JAX, and what
// grad, value_and_grad (over pytrees too), jacfwd, jacrev, hessian, jvp and vjp give,
// eagerly and through make_jaxpr + eval_jaxpr; equation counts of make_jaxpr(grad(f))
// no larger than JAX's.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"
#include "support/reference_programs.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
namespace nn = xjax::nn;
namespace sp = xjax::scipy::special;
using xjax::array;
using xjax::slice;

namespace {

// ---------------------------------------------------------------------------
// The functions, as gen_autodiff.py writes them.

using reference::mlp_loss;
using reference::mlp_params;
using dict = reference::mlp_dict;

array linreg(const array& w, const array& x, const array& y) { return reference::linreg_loss(w, x, y); }

array mlp_loss_dict(const dict& p, const array& x, const array& labels) {
  return mlp_loss(reference::from_dict(p), x, labels);
}

array lse_all(const array& x) { return nn::logsumexp(x); }
array lse_rows(const array& x, const array& w) { return jnp::sum(sp::logsumexp(x, 1) * w); }

array xent(const array& logits, const array& labels) {
  return -jnp::mean(jnp::sum(nn::one_hot(labels, 4) * nn::log_softmax(logits), -1));
}

array fro(const array& x) { return jnp::linalg::norm(x); }
array row_norms(const array& x) { return jnp::sum(jnp::linalg::norm(x, std::nullopt, 1)); }
array l1(const array& x) { return jnp::linalg::norm(x, 1); }

array top3(const array& x, const array& w) { return jnp::sum(jnp::sort(x)(slice(-3)) * w); }

array gather(const array& x, const array& idx, const array& w) { return jnp::sum(x(idx) * w); }
array gather_rows(const array& x, const array& idx) {
  return jnp::sum(jnp::sin(x(idx, slice())) * jnp::transpose(x(slice(), idx)));
}
array scatter_add(const array& x, const array& u, const array& idx) { return jnp::sum(jnp::sin(x.at(idx).add(u))); }
array scatter_set(const array& x, const array& u, const array& idx) {
  return jnp::sum(jnp::cos(x.at(idx).set(u)) * x);
}
array dyn_slice(const array& x, const array& i) { return jnp::sum(jnp::power(lax::dynamic_slice(x, {i}, {3}), 2)); }

array cubic(const array& x) { return jnp::sin(x) * jnp::exp(x * 0.5) + jnp::power(x, 3); }

array poly(const array& x) {
  return jnp::sum(jnp::power(x, 2) * jnp::sin(x)) + x(0) * x(1) * x(2) + jnp::exp(x(3) * x(0));
}

array vec(const array& x) {
  return jnp::stack({jnp::sin(x(0) * x(1)), jnp::exp(x(2)) * x(0), jnp::power(x(1), 2) - x(2), jnp::sum(jnp::tanh(x))});
}
array softmax_vec(const array& x) { return nn::softmax(x); }
array mat_fn(const array& a) { return jnp::tanh(jnp::matmul(a, jnp::transpose(a))); }

std::pair<array, array> with_aux(const array& x, const array& y) {
  return {jnp::sum(x * jnp::power(y, 2)) + jnp::sum(jnp::sin(x)), x * 2.0};
}
array tanh_dot(const array& x) { return jnp::sum(jnp::tanh(x) * x); }

array sqrt_where_naive(const array& x) { return jnp::sum(jnp::where(x > 0, jnp::sqrt(x), 0.0)); }
array sqrt_where_safe(const array& x) {
  return jnp::sum(jnp::where(x > 0, jnp::sqrt(jnp::where(x > 0, x, 1.0)), 0.0));
}

array max_all(const array& x) { return jnp::max(x); }
array max_rows(const array& x) { return jnp::sum(jnp::max(x, 1) * jnp::arange(1.0, 4.0)); }
array min_all(const array& x) { return jnp::min(x); }
array maximum_min(const array& x, const array& y) { return jnp::sum(jnp::maximum(x, y) * 2.0 + jnp::minimum(x, y)); }
array abs_sum(const array& x) { return jnp::sum(jnp::abs(x) * jnp::arange(1.0, 7.0)); }
array clip_sum(const array& x) { return jnp::sum(jnp::clip(x, -1.0, 1.0)); }
array prod_all(const array& x) { return jnp::prod(x); }

array pow_fn(const array& x, const array& y) { return jnp::sum(jnp::power(x, y)); }
array pow_const(const array& x) {
  return jnp::sum(jnp::power(x, 2.5) + jnp::power(x, 3) - 2.0 * jnp::power(x, 2) + 1.0 / (1.0 + jnp::power(x, 2)));
}
array special(const array& x) {
  return jnp::sum(sp::erf(x) * jnp::log1p(jnp::power(x, 2)) + jnp::expm1(x * 0.5) * sp::gammaln(x + 3.0));
}
array structural(const array& x, const array& w) {
  std::vector<array> parts{jnp::reshape(jnp::transpose(x), {-1}), jnp::ravel(x(slice(1), slice(std::nullopt, std::nullopt, 2))),
                           jnp::ravel(jnp::flip(x, 0)), jnp::ravel(jnp::pad(x, {{1, 2}, {0, 1}}))};
  return jnp::sum(jnp::concatenate(parts) * w);
}
array batched_matmul(const array& a, const array& b) { return jnp::sum(jnp::power(jnp::matmul(a, b), 2)); }
array stats(const array& x) { return jnp::sum(jnp::std(x, 0)) + jnp::var(x) + jnp::mean(jnp::power(x, 2)); }
array cumulative(const array& x, const array& w) {
  return jnp::sum(jnp::cumprod(x) * w) + jnp::sum(jnp::power(jnp::cumsum(x), 2));
}
array argmax_take(const array& x) {
  return jnp::sum(jnp::take_along_axis(x, jnp::argmax(x, 1, true), 1) * jnp::arange(1.0, 4.0)(slice(), xjax::newaxis));
}
array two_arg(const array& x, const array& y) {
  return jnp::sum(jnp::arctan2(x, y) + jnp::hypot(x, y) + jnp::logaddexp(x, y));
}
array logaddexp_sum(const array& x, const array& y) { return jnp::sum(jnp::logaddexp(x, y)); }
array activations(const array& x) {
  return jnp::sum(nn::gelu(x) + nn::silu(x) * nn::softplus(x) + nn::elu(x) - nn::log_sigmoid(x) +
                  nn::standardize(x) * nn::sigmoid(x));
}

// Functions whose grad jaxprs are counted.
array sin_mul(const array& x) { return jnp::sum(jnp::sin(x) * x); }
array tanh_layer(const array& w, const array& x) { return jnp::sum(jnp::tanh(jnp::dot(x, w))); }
array exp_ratio(const array& x) { return jnp::sum(jnp::exp(x) / (1.0 + x * x)); }
array lse_lax(const array& x) {
  array m = lax::stop_gradient(lax::reduce_max(x, {0}));
  return lax::log(lax::reduce_sum(lax::exp(lax::sub(x, m)), {0})) + m;
}
array relu_sum(const array& x) { return jnp::sum(nn::relu(x)); }
array mse_lax(const array& w, const array& x, const array& y) {
  array d = lax::sub(lax::dot(x, w), y);
  return lax::reduce_sum(lax::mul(d, d), {0, 1});
}

// ---------------------------------------------------------------------------
// Transforms of those functions as golden cases: inputs -> outputs.

using arrays = std::vector<array>;
using case_fn = std::function<arrays(const arrays&)>;

template <std::size_t N, class F> auto call(const F& f, const arrays& xs) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return f(xs.at(I)...); }(std::make_index_sequence<N>{});
}

template <class T> arrays flat(const T& tree) { return xjax::tree_leaves(tree); }

/// f(*inputs)
template <std::size_t N, class F> case_fn value(F f) {
  return [f](const arrays& xs) { return arrays{call<N>(f, xs)}; };
}
/// grad(f)(*inputs)
template <std::size_t N, class F> case_fn grad(F f) {
  return [f](const arrays& xs) { return flat(call<N>(xjax::grad(f), xs)); };
}
/// grad(f, argnums=(0, 1))(*inputs)
template <std::size_t N, class F> case_fn grad01(F f) {
  return [f](const arrays& xs) { return flat(call<N>(xjax::grad(f, xjax::argnums<0, 1>), xs)); };
}
/// value_and_grad(f)(*inputs)
template <std::size_t N, class F> case_fn vg(F f) {
  return [f](const arrays& xs) { return flat(call<N>(xjax::value_and_grad(f), xs)); };
}
template <class T> case_fn unary(T transformed) {
  return [transformed](const arrays& xs) { return flat(transformed(xs.at(0))); };
}

/// Every golden case's computation, by case name (without the ";eqns" cases).
const std::map<std::string, case_fn>& golden_cases() {
  static const std::map<std::string, case_fn> table = [] {
    std::map<std::string, case_fn> t;
    auto values_and_grads = [&](const std::string& name, auto f, auto arity) {
      constexpr std::size_t N = decltype(arity)::value;
      t[name + ";value"] = value<N>(f);
      t[name + ";grad"] = grad<N>(f);
    };
    using one = std::integral_constant<std::size_t, 1>;
    using two = std::integral_constant<std::size_t, 2>;
    using three = std::integral_constant<std::size_t, 3>;

    // 1. Linear regression.
    values_and_grads("linreg", linreg, three{});
    t["linreg;vg"] = vg<3>(linreg);
    t["linreg;grad;w0"] = grad<3>(linreg);
    // 2. MLP: value_and_grad over a struct of parameters and over a dict; both give
    // every parameter's gradient, in the argument's own type.
    t["mlp;value"] = [](const arrays& xs) {
      return arrays{mlp_loss({xs[0], xs[1], xs[2], xs[3]}, xs[4], xs[5])};
    };
    t["mlp;vg_tree"] = [](const arrays& xs) {
      auto [v, gp] = xjax::value_and_grad(mlp_loss)(mlp_params{xs[0], xs[1], xs[2], xs[3]}, xs[4], xs[5]);
      static_assert(std::is_same_v<decltype(gp), mlp_params>);
      return arrays{v, gp.w1, gp.b1, gp.w2, gp.b2};
    };
    // 3.-5. logsumexp, cross-entropy, norms.
    values_and_grads("lse_all", lse_all, one{});
    values_and_grads("lse_rows", lse_rows, two{});
    t["lse_all;hessian"] = unary(xjax::hessian(lse_all));
    values_and_grads("xent", xent, two{});
    values_and_grads("norm_fro", fro, one{});
    values_and_grads("norm_rows", row_norms, one{});
    values_and_grads("norm_l1", l1, one{});
    t["norm_fro;hessian"] = unary(xjax::hessian(fro));
    // 6.-7. Sorting, gather / scatter.
    values_and_grads("top3", top3, two{});
    values_and_grads("gather", gather, three{});
    values_and_grads("gather_rows", gather_rows, two{});
    t["scatter_add;grad01"] = grad01<3>(scatter_add);
    t["scatter_set;grad01"] = grad01<3>(scatter_set);
    t["dyn_slice;grad"] = grad<2>(dyn_slice);
    t["dyn_slice;grad;clamped"] = grad<2>(dyn_slice);
    // 8. Higher order.
    for (std::string i : {"0", "1", "2"}) {
      t["cubic;grad3;" + i] = unary(xjax::grad(xjax::grad(xjax::grad(cubic))));
      t["cubic;grad2;" + i] = unary(xjax::grad(xjax::grad(cubic)));
    }
    t["cubic;grad3;f32"] = unary(xjax::grad(xjax::grad(xjax::grad(cubic))));
    t["poly;hessian"] = unary(xjax::hessian(poly));
    t["poly;hessian;f32"] = unary(xjax::hessian(poly));
    t["poly;jacfwd_jacrev"] = unary(xjax::jacfwd(xjax::jacrev(poly)));
    // 9. Jacobians, jvp, vjp.
    t["vec;jacfwd"] = unary(xjax::jacfwd(vec));
    t["vec;jacrev"] = unary(xjax::jacrev(vec));
    t["vec;jvp"] = [](const arrays& xs) {
      auto [y, ty] = xjax::jvp([](const array& x) { return vec(x); }, std::tuple{xs[0]}, std::tuple{xs[1]});
      return arrays{y, ty};
    };
    t["vec;vjp"] = [](const arrays& xs) {
      auto [y, pullback] = xjax::vjp(vec, xs[0]);
      return arrays{std::get<0>(pullback(xs[1]))};
    };
    t["softmax;jacfwd"] = unary(xjax::jacfwd(softmax_vec));
    t["softmax;jacrev"] = unary(xjax::jacrev(softmax_vec));
    t["mat_fn;jacfwd"] = unary(xjax::jacfwd(mat_fn));
    t["mat_fn;jacrev"] = unary(xjax::jacrev(mat_fn));
    // 10. argnums + has_aux, value_and_grad.
    t["with_aux;grad01_aux"] = [](const arrays& xs) {
      auto [grads, aux] = xjax::grad(with_aux, xjax::argnums<0, 1>, xjax::has_aux)(xs[0], xs[1]);
      return arrays{std::get<0>(grads), std::get<1>(grads), aux};
    };
    t["tanh_dot;vg"] = vg<1>(tanh_dot);
    // 11.-12. The where-trick; conventions at ties, zeros and bounds.
    values_and_grads("sqrt_where_naive", sqrt_where_naive, one{});
    values_and_grads("sqrt_where_safe", sqrt_where_safe, one{});
    values_and_grads("max_ties", max_all, one{});
    values_and_grads("min_ties", min_all, one{});
    values_and_grads("max_rows_ties", max_rows, one{});
    t["maximum_min_ties;grad01"] = grad01<2>(maximum_min);
    values_and_grads("abs_zero", abs_sum, one{});
    values_and_grads("clip_bounds", clip_sum, one{});
    values_and_grads("prod_one_zero", prod_all, one{});
    values_and_grads("prod_two_zeros", prod_all, one{});
    values_and_grads("prod_no_zero", prod_all, one{});
    // 13. Elementwise math, structure, reductions.
    t["pow;grad01"] = grad01<2>(pow_fn);
    values_and_grads("pow_const", pow_const, one{});
    values_and_grads("special", special, one{});
    t["special;hessian"] = unary(xjax::hessian(special));
    values_and_grads("structural", structural, two{});
    t["batched_matmul;grad01"] = grad01<2>(batched_matmul);
    values_and_grads("stats", stats, one{});
    values_and_grads("cumulative", cumulative, two{});
    values_and_grads("argmax_take", argmax_take, one{});
    t["two_arg;grad01"] = grad01<2>(two_arg);
    t["logaddexp_ties;grad01"] = grad01<2>(logaddexp_sum);
    values_and_grads("activations", activations, one{});
    // 14. The counted functions.
    values_and_grads("sin_mul", sin_mul, one{});
    values_and_grads("tanh_layer", tanh_layer, two{});
    values_and_grads("exp_ratio", exp_ratio, one{});
    values_and_grads("lse_lax", lse_lax, one{});
    values_and_grads("mse_lax", mse_lax, three{});
    values_and_grads("relu_sum", relu_sum, one{});
    return t;
  }();
  return table;
}

/// make_jaxpr(grad(f)) of the counted functions, by function name.
const std::map<std::string, std::function<xjax::closed_jaxpr(const arrays&)>>& grad_jaxprs() {
  using F = std::function<xjax::closed_jaxpr(const arrays&)>;
  static const std::map<std::string, F> table = {
      {"linreg", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(linreg))(xs[0], xs[1], xs[2]); }},
      {"sin_mul", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(sin_mul))(xs[0]); }},
      {"tanh_layer", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(tanh_layer))(xs[0], xs[1]); }},
      {"exp_ratio", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(exp_ratio))(xs[0]); }},
      {"lse_lax", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(lse_lax))(xs[0]); }},
      {"mse_lax", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(mse_lax))(xs[0], xs[1], xs[2]); }},
      {"relu_sum", [](const arrays& xs) { return xjax::make_jaxpr(xjax::grad(relu_sum))(xs[0]); }},
      {"mlp",
       [](const arrays& xs) {
         return xjax::make_jaxpr(xjax::grad(mlp_loss))(mlp_params{xs[0], xs[1], xs[2], xs[3]}, xs[4], xs[5]);
       }},
  };
  return table;
}

/// Equations of a jaxpr, those of call-like equations' sub-jaxprs counted instead of the
/// call (as gen_autodiff.py counts JAX's).
int count_eqns(const xjax::jaxpr& j) {
  static const std::set<std::string_view> calls = {"pjit", "jit", "closed_call", "core_call", "custom_jvp_call",
                                                   "custom_vjp_call", "custom_vjp_call_jaxpr", "remat", "checkpoint",
                                                   "custom_lin"};
  int n = 0;
  for (const auto& e : j.eqns) {
    if (!calls.count(e.prim->name())) {
      ++n;
      continue;
    }
    if (e.params)
      for (const auto& item : e.params->items())
        if (item.sub_jaxpr) n += count_eqns(*item.sub_jaxpr);
  }
  return n;
}

std::string function_of(const std::string& case_name) { return case_name.substr(0, case_name.find(';')); }

/// Tolerance: float32 results of sums and products of a few dozen terms, computed in
/// another order than XLA's; float64 ones (hessians, third derivatives) tighter.
std::string compare(const array& got, const array& want) {
  return xjax::testing::compare(got, want, xjax::testing::default_rtol(want.dtype()) * 16, -1);
}

/// Replays the golden cases of the given functions eagerly and through make_jaxpr +
/// eval_jaxpr; returns how many there were.
int run(const std::set<std::string>& functions) {
  const auto& file = xjax::testing::golden_file::load("autodiff");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (!functions.count(function_of(g.name)) || g.name.ends_with(";eqns")) continue;
    ++n;
    INFO("case " << g.name);
    auto it = golden_cases().find(g.name);
    REQUIRE_MESSAGE(it != golden_cases().end(), "no C++ function for the golden case");
    arrays got;
    try {
      got = it->second(g.inputs);
    } catch (const std::exception& e) {
      FAIL_CHECK("eager: " << e.what());
      continue;
    }
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      std::string err = compare(got[i], g.outputs[i]);
      CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    }
    try {
      auto j = xjax::make_jaxpr([&](const arrays& xs) { return it->second(xs); })(g.inputs);
      arrays staged = xjax::eval_jaxpr(j, g.inputs);
      REQUIRE(staged.size() == g.outputs.size());
      for (std::size_t i = 0; i < staged.size(); ++i) {
        std::string err = compare(staged[i], g.outputs[i]);
        CHECK_MESSAGE(err.empty(), "make_jaxpr + eval_jaxpr output " << i << ": " << err);
      }
    } catch (const std::exception& e) {
      FAIL_CHECK("make_jaxpr: " << e.what());
    }
  }
  return n;
}

}  // namespace

TEST_CASE("autodiff golden: the reference linear regression (grad, value_and_grad; float32)") {
  CHECK(run({"linreg"}) == 4);
}

TEST_CASE("autodiff golden: the reference MLP (loss and every parameter gradient, struct and dict pytrees)") {
  CHECK(run({"mlp"}) == 2);
}

TEST_CASE("autodiff golden: the reference MLP's gradient over a std::map dict is the struct's") {
  const auto& g = xjax::testing::golden_file::load("autodiff").get("mlp;vg_tree");
  const arrays& xs = g.inputs;
  dict p{{"w1", xs[0]}, {"b1", xs[1]}, {"w2", xs[2]}, {"b2", xs[3]}};
  auto [v, gp] = xjax::value_and_grad(mlp_loss_dict)(p, xs[4], xs[5]);
  static_assert(std::is_same_v<decltype(gp), dict>);
  REQUIRE(gp.size() == 4);
  CHECK(compare(v, g.outputs[0]).empty());
  int i = 1;
  for (const char* k : {"w1", "b1", "w2", "b2"}) {
    INFO("gradient of " << k);
    CHECK(compare(gp.at(k), g.outputs[i++]).empty());
  }
}

TEST_CASE("autodiff golden: logsumexp, softmax cross-entropy, norms") {
  CHECK(run({"lse_all", "lse_rows", "xent", "norm_fro", "norm_rows", "norm_l1"}) == 14);
}

TEST_CASE("autodiff golden: sort, gather / scatter with repeated indices, dynamic_slice") {
  CHECK(run({"top3", "gather", "gather_rows", "scatter_add", "scatter_set", "dyn_slice"}) == 10);
}

TEST_CASE("autodiff golden: third-order derivatives, hessians, jacfwd(jacrev)") {
  CHECK(run({"cubic", "poly"}) == 10);
}

TEST_CASE("autodiff golden: jacfwd, jacrev, jvp, vjp of vector functions") {
  CHECK(run({"vec", "softmax", "mat_fn"}) == 8);
}

TEST_CASE("autodiff golden: argnums with has_aux, value_and_grad") { CHECK(run({"with_aux", "tanh_dot"}) == 2); }

TEST_CASE("autodiff golden: the where-trick (naive: NaN as JAX; safe: finite)") {
  CHECK(run({"sqrt_where_naive", "sqrt_where_safe"}) == 4);
  const auto& file = xjax::testing::golden_file::load("autodiff");
  auto naive = golden_cases().at("sqrt_where_naive;grad")(file.get("sqrt_where_naive;grad").inputs)[0].to_vector<float>();
  auto safe = golden_cases().at("sqrt_where_safe;grad")(file.get("sqrt_where_safe;grad").inputs)[0].to_vector<float>();
  CHECK(std::isnan(naive[0]));
  CHECK(std::isnan(naive[1]));
  for (float v : safe) CHECK(std::isfinite(v));
}

TEST_CASE("autodiff golden: max/min ties, abs at 0, clip at its bounds, prod with zeros") {
  CHECK(run({"max_ties", "min_ties", "max_rows_ties", "maximum_min_ties", "abs_zero", "clip_bounds", "prod_one_zero",
             "prod_two_zeros", "prod_no_zero"}) == 17);
}

TEST_CASE("autodiff golden: pow, special functions, structure, batched matmul, statistics, cumulative ops") {
  CHECK(run({"pow", "pow_const", "special", "structural", "batched_matmul", "stats", "cumulative", "argmax_take",
             "two_arg", "activations"}) == 18);
}

// JAX's jnp.logaddexp is a custom_jvp (jax/_src/lax/other.py, _logaddexp_jvp): each
// side gets exp(x_i - out), 1/2 at a tie (the plain composition would give (0, 1) there,
// with abs'(0) = 1).
TEST_CASE("autodiff golden: logaddexp at ties (JAX's custom JVP)") {
  CHECK(run({"logaddexp_ties"}) == 1);
}

TEST_CASE("autodiff golden: lax-level and simple functions") {
  CHECK(run({"sin_mul", "tanh_layer", "exp_ratio", "lse_lax", "mse_lax", "relu_sum"}) == 12);
}

TEST_CASE("autodiff: make_jaxpr(grad(f)) has no more equations than JAX's") {
  const auto& file = xjax::testing::golden_file::load("autodiff");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (!g.name.ends_with(";eqns")) continue;
    ++n;
    const std::string name = function_of(g.name);
    INFO("function " << name);
    auto it = grad_jaxprs().find(name);
    REQUIRE(it != grad_jaxprs().end());
    xjax::closed_jaxpr j = it->second(g.inputs);
    const int ours = count_eqns(*j.jaxpr);
    const int jax = g.outputs.at(0).item<std::int32_t>();
    CHECK_MESSAGE(ours <= jax, "xjax: " << ours << " equations\n" << j << "\nJAX: " << jax << " equations\n" << g.jaxpr);
    MESSAGE(name << ": xjax " << ours << " equations, JAX " << jax);
  }
  CHECK(n == 8);
}

TEST_CASE("autodiff golden: every golden case has a C++ function, and every C++ function a golden case") {
  const auto& file = xjax::testing::golden_file::load("autodiff");
  std::set<std::string> names;
  for (const auto& g : file.cases()) {
    names.insert(g.name);
    if (g.name.ends_with(";eqns")) CHECK_MESSAGE(grad_jaxprs().count(function_of(g.name)), g.name);
    else CHECK_MESSAGE(golden_cases().count(g.name), g.name);
  }
  for (const auto& [name, fn] : golden_cases()) CHECK_MESSAGE(names.count(name), name);
  std::set<std::string> functions;
  for (const auto& name : names) functions.insert(function_of(name));
  CHECK(functions.size() >= 25);
}
