// The differentiation API (transforms/grad.hpp): jvp, vjp, linearize, linear_transpose,
// grad, value_and_grad, jacfwd/jacrev/hessian over pytrees, their composition, custom
// rules, checkpoint, check_grads itself, and the errors a user can meet.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/errors.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;

namespace {

array f32(std::vector<float> v, xjax::shape_t s) { return array::from_vector(v, s); }
array f64(std::vector<double> v, xjax::shape_t s) { return array::from_vector(v, s); }

/// Checks that `got` has `want`'s shape and values within a tolerance.
void check_near(const array& got, const array& want, double tol = 1e-5) {
  REQUIRE(got.shape() == want.shape());
  auto a = got.to_vector<double>(), b = want.to_vector<double>();
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("index " << i << ": " << a[i] << " vs " << b[i]);
    CHECK(std::abs(a[i] - b[i]) <= tol * (1 + std::abs(b[i])));
  }
}

using xjax::testing::error_of;

/// The number of equations of a jaxpr whose primitive is `name`.
std::size_t count_eqns(const xjax::closed_jaxpr& j, std::string_view name) {
  std::size_t n = 0;
  for (auto& e : j.jaxpr->eqns) n += e.prim->name() == name;
  return n;
}

struct params {
  array w, b;
};
XJAX_PYTREE(params, w, b)


}  // namespace

TEST_CASE("jvp over pytrees, with symbolic zero output tangents instantiated") {
  auto f = [](const array& x, const array& y) { return std::pair{lax::mul(lax::sin(x), y), lax::mul(y, 3.0f)}; };
  array x = f32({0.5f, 1.0f}, {2}), y = f32({2.0f, -1.0f}, {2});
  array tx = f32({1.0f, 0.0f}, {2}), ty = f32({0.0f, 0.0f}, {2});
  auto [out, tout] = xjax::jvp(f, std::tuple{x, y}, std::tuple{tx, ty});
  check_near(out.first, f32({std::sin(0.5f) * 2, std::sin(1.0f) * -1}, {2}));
  check_near(tout.first, f32({std::cos(0.5f) * 2, 0}, {2}));
  check_near(tout.second, f32({0, 0}, {2}));
  // An output that does not depend on the inputs gets zero tangents.
  auto g = [](const array& x) { return std::pair{x, jnp::ones({3})}; };
  auto [o2, t2] = xjax::jvp(g, std::tuple{x}, std::tuple{tx});
  check_near(t2.second, f32({0, 0, 0}, {3}));
}

TEST_CASE("jvp and vjp with has_aux pass the auxiliary data through") {
  auto f = [](const array& x) { return std::pair{lax::sin(x), std::vector<array>{lax::mul(x, 2.0f)}}; };
  array x = f32({0.5f, 1.0f}, {2}), t = f32({1.0f, 2.0f}, {2});
  auto [out, tout, aux] = xjax::jvp(f, std::tuple{x}, std::tuple{t}, xjax::has_aux);
  check_near(out, f32({std::sin(0.5f), std::sin(1.0f)}, {2}));
  check_near(tout, f32({std::cos(0.5f), 2 * std::cos(1.0f)}, {2}));
  check_near(aux[0], f32({1, 2}, {2}));
  auto [out2, pullback, aux2] = xjax::vjp(f, xjax::has_aux, x);
  check_near(out2, out);
  check_near(aux2[0], f32({1, 2}, {2}));
  auto [ct] = pullback(t);
  check_near(ct, f32({std::cos(0.5f), 2 * std::cos(1.0f)}, {2}));
}

TEST_CASE("jvp checks the tangents against the primals") {
  auto f = [](const array& x) { return lax::sin(x); };
  array x = f32({1, 2}, {2});
  auto msg = error_of<xjax::shape_error>([&] { xjax::jvp(f, std::tuple{x}, std::tuple{f32({1, 2, 3}, {3})}); });
  CHECK(msg.find("[jvp]") != std::string::npos);
  CHECK(msg.find("(3,)") != std::string::npos);
  msg = error_of<xjax::type_error>([&] { xjax::jvp(f, std::tuple{x}, std::tuple{f64({1, 2}, {2})}); });
  CHECK(msg.find("float64") != std::string::npos);
}

TEST_CASE("vjp returns the outputs and a pullback giving one cotangent per argument") {
  auto f = [](const array& x, const array& y) { return lax::mul(x, y); };
  array x = f32({1, 2, 3}, {3}), y = f32({4, 5, 6}, {3});
  auto [out, pullback] = xjax::vjp(f, x, y);
  check_near(out, f32({4, 10, 18}, {3}));
  auto [cx, cy] = pullback(f32({1, 1, 2}, {3}));
  check_near(cx, f32({4, 5, 12}, {3}));
  check_near(cy, f32({1, 2, 6}, {3}));
  auto msg = error_of<xjax::shape_error>([&] { pullback(f32({1, 1}, {2})); });
  CHECK(msg.find("[vjp]") != std::string::npos);
}

TEST_CASE("grad: argnums, value_and_grad, has_aux, pytree arguments keep their type") {
  auto loss = [](const array& w, const array& x) { return lax::reduce_sum(lax::mul(lax::mul(w, x), w), {0}); };
  array w = f32({1, 2}, {2}), x = f32({3, 4}, {2});
  check_near(xjax::grad(loss)(w, x), f32({6, 16}, {2}));
  check_near(xjax::grad(loss, xjax::argnums<1>)(w, x), f32({1, 4}, {2}));
  auto [gw, gx] = xjax::grad(loss, xjax::argnums<0, 1>)(w, x);
  check_near(gw, f32({6, 16}, {2}));
  check_near(gx, f32({1, 4}, {2}));
  auto [value, g] = xjax::value_and_grad(loss)(w, x);
  CHECK(value.item<float>() == doctest::Approx(19.0));
  check_near(g, f32({6, 16}, {2}));

  auto with_aux = [&](const array& w, const array& x) { return std::pair{loss(w, x), lax::mul(w, 10.0f)}; };
  auto [g2, aux] = xjax::grad(with_aux, xjax::has_aux)(w, x);
  check_near(g2, f32({6, 16}, {2}));
  check_near(aux, f32({10, 20}, {2}));
  auto [va, g3] = xjax::value_and_grad(with_aux, xjax::argnums<0>, xjax::has_aux)(w, x);
  CHECK(va.first.item<float>() == doctest::Approx(19.0));
  check_near(va.second, f32({10, 20}, {2}));
  check_near(g3, f32({6, 16}, {2}));

  auto model = [](const params& p, const array& x) {
    return lax::reduce_sum(lax::tanh(lax::add(lax::mul(p.w, x), p.b)), {0});
  };
  params p{f32({0.5f, -0.5f}, {2}), f32({0.1f, 0.2f}, {2})};
  params gp = xjax::grad(model)(p, x);
  for (int i = 0; i < 2; ++i) {
    const double z = p.w.to_vector<double>()[i] * x.to_vector<double>()[i] + p.b.to_vector<double>()[i];
    const double d = 1 - std::tanh(z) * std::tanh(z);
    CHECK(gp.b.to_vector<double>()[i] == doctest::Approx(d).epsilon(1e-5));
    CHECK(gp.w.to_vector<double>()[i] == doctest::Approx(d * x.to_vector<double>()[i]).epsilon(1e-5));
  }
  std::map<std::string, array> dict{{"a", w}, {"b", x}};
  auto gd = xjax::grad([](const std::map<std::string, array>& d) {
    return lax::reduce_sum(lax::mul(d.at("a"), d.at("b")), {0});
  })(dict);
  check_near(gd.at("a"), x);
  check_near(gd.at("b"), w);
}

TEST_CASE("grad errors: non-scalar output, integer output or input, C++ scalar leaves, has_aux misuse") {
  array x = f32({1, 2}, {2});
  auto msg = error_of<xjax::type_error>([&] { xjax::grad([](const array& v) { return lax::sin(v); })(x); });
  CHECK(msg.find("[grad]") != std::string::npos);
  CHECK(msg.find("scalar-output") != std::string::npos);
  CHECK(msg.find("(2,)") != std::string::npos);
  msg = error_of<xjax::type_error>(
      [&] { xjax::grad([](const array& v) { return lax::convert_element_type(lax::reduce_sum(v, {0}), xjax::int32); })(x); });
  CHECK(msg.find("int32") != std::string::npos);
  array i = array::from_vector<std::int32_t>({1, 2});
  msg = error_of<xjax::type_error>([&] {
    xjax::grad([](const array& v) { return lax::reduce_sum(lax::convert_element_type(v, xjax::float32), {0}); })(i);
  });
  CHECK(msg.find("real-valued inputs") != std::string::npos);
  CHECK(msg.find("int32") != std::string::npos);
  // The integer argument may be present when it is not differentiated.
  auto mixed = [](const array& v, const array& n) {
    return lax::reduce_sum(lax::mul(v, lax::convert_element_type(n, xjax::float32)), {0});
  };
  check_near(xjax::grad(mixed)(x, i), f32({1, 2}, {2}));
  // C++ scalar leaves of a differentiated pytree are static.
  msg = error_of<xjax::type_error>([&] {
    xjax::grad([](const std::vector<double>& v) { return array(v[0]); })(std::vector<double>{1.0});
  });
  CHECK(msg.find("C++ scalar") != std::string::npos);
  // has_aux with a loss that is not one array.
  msg = error_of<xjax::type_error>([&] {
    xjax::grad([](const array& v) { return std::pair{std::vector<array>{v, v}, v}; }, xjax::has_aux)(x);
  });
  CHECK(msg.find("has_aux") != std::string::npos);
}

TEST_CASE("higher order: grad(grad(f)), third derivative, jacfwd(jacrev(f)) == hessian(f)") {
  auto f = [](const array& x) { return lax::mul(lax::sin(x), lax::exp(x)); };  // scalar -> scalar
  array x(0.7f, xjax::float32);
  auto d1 = xjax::grad(f);
  auto d2 = xjax::grad(d1);
  auto d3 = xjax::grad(d2);
  const double v = 0.7, e = std::exp(v), s = std::sin(v), c = std::cos(v);
  CHECK(d1(x).item<double>() == doctest::Approx(e * (s + c)).epsilon(1e-5));
  CHECK(d2(x).item<double>() == doctest::Approx(2 * e * c).epsilon(1e-5));
  CHECK(d3(x).item<double>() == doctest::Approx(2 * e * (c - s)).epsilon(1e-5));

  auto g = [](const array& v) { return lax::reduce_sum(lax::mul(lax::sin(v), lax::mul(v, v)), {0}); };
  array y = f32({0.3f, -1.2f, 2.0f}, {3});
  array h = xjax::hessian(g)(y);
  array h2 = xjax::jacrev(xjax::jacfwd(g))(y);
  array h3 = xjax::jacfwd(xjax::jacrev(g))(y);
  REQUIRE(h.shape() == xjax::shape_t{3, 3});
  check_near(h, h2);
  check_near(h, h3);
  auto hv = h.to_vector<double>();
  auto yv = y.to_vector<double>();
  for (int i = 0; i < 3; ++i) {
    const double t = yv[i];
    const double want = -std::sin(t) * t * t + 4 * t * std::cos(t) + 2 * std::sin(t);
    CHECK(hv[i * 3 + i] == doctest::Approx(want).epsilon(1e-4));
    for (int j = 0; j < 3; ++j) {
      if (j != i) CHECK(hv[i * 3 + j] == 0.0);
    }
  }
}

TEST_CASE("jacfwd and jacrev of a vector function, and of pytree arguments") {
  auto f = [](const array& x) { return lax::mul(lax::sin(x), lax::reduce_sum(x, {0})); };
  array x = f32({0.1f, 0.2f, 0.3f}, {3});
  array jf = xjax::jacfwd(f)(x), jr = xjax::jacrev(f)(x);
  REQUIRE(jf.shape() == xjax::shape_t{3, 3});
  check_near(jf, jr);
  auto xv = x.to_vector<double>();
  const double s = xv[0] + xv[1] + xv[2];
  auto jv = jf.to_vector<double>();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double want = (i == j ? std::cos(xv[i]) * s : 0) + std::sin(xv[i]);
      CHECK(jv[i * 3 + j] == doctest::Approx(want).epsilon(1e-5));
    }
  }
  auto model = [](const params& p) { return lax::add(lax::mul(p.w, 2.0f), p.b); };
  params p{f32({1, 2}, {2}), f32({3, 4}, {2})};
  params jp = xjax::jacrev(model)(p);
  REQUIRE(jp.w.shape() == xjax::shape_t{2, 2});
  check_near(jp.w, f32({2, 0, 0, 2}, {2, 2}));
  check_near(jp.b, f32({1, 0, 0, 1}, {2, 2}));
}

TEST_CASE("grad under a closure over another grad's tracer (no perturbation confusion)") {
  // d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x: the inner grad must not differentiate x.
  auto outer = [](const array& x) {
    auto inner = [&](const array& y) { return lax::mul(x, y); };
    return lax::mul(x, xjax::grad(inner)(x));
  };
  array x(3.0f, xjax::float32);
  CHECK(xjax::grad(outer)(x).item<float>() == doctest::Approx(6.0));
}

TEST_CASE("make_jaxpr of grad is flat and free of needless equations") {
  auto f = [](const array& x) { return lax::reduce_sum(lax::mul(lax::sin(x), 2.0), {0}); };
  auto j = xjax::make_jaxpr(xjax::grad(f))(f32({1, 2, 3}, {3}));
  // sin, cos, mul, reduce_sum (the primal), broadcast_in_dim (of the 1.0 seed), mul, mul: JAX's 7.
  CHECK(j.jaxpr->eqns.size() == 7);
  CHECK(count_eqns(j, "add_any") == 0);
  // A function of one input used twice accumulates its cotangents with add_any.
  auto twice = [](const array& x) { return lax::reduce_sum(lax::add(lax::sin(x), lax::cos(x)), {0}); };
  auto j2 = xjax::make_jaxpr(xjax::grad(twice))(f32({1, 2}, {2}));
  CHECK(count_eqns(j2, "add_any") == 1);
}

TEST_CASE("linearize evaluates the linear part only; linear_transpose transposes a linear function") {
  auto f = [](const array& x) { return lax::mul(lax::exp(x), 2.0f); };
  array x = f32({0.0f, 1.0f}, {2});
  auto [y, f_jvp] = xjax::linearize(f, x);
  check_near(y, f32({2.0f, 2 * std::exp(1.0f)}, {2}));
  check_near(f_jvp(f32({1, 1}, {2})), f32({2.0f, 2 * std::exp(1.0f)}, {2}));
  check_near(f_jvp(f32({2, 0}, {2})), f32({4.0f, 0}, {2}));

  auto lin = [](const array& v) { return lax::reduce_sum(lax::mul(v, 3.0f), {0}); };
  auto lt = xjax::linear_transpose(lin, f32({0, 0, 0}, {3}));
  auto [ct] = lt(array(2.0f, xjax::float32));
  check_near(ct, f32({6, 6, 6}, {3}));
  auto msg = error_of<xjax::not_implemented_error>([&] {
    auto nonlin = [](const array& v) { return lax::sin(v); };
    xjax::linear_transpose(nonlin, f32({0}, {1}))(f32({1}, {1}));
  });
  CHECK(msg.find("sin") != std::string::npos);
}

TEST_CASE("stop_gradient blocks differentiation") {
  auto f = [](const array& x) { return lax::mul(x, xjax::stop_gradient(x)); };
  array x(3.0f, xjax::float32);
  CHECK(xjax::grad(f)(x).item<float>() == doctest::Approx(3.0));
}

TEST_CASE("custom_jvp: the rule is used by jvp and grad, composes to higher order, and is checked") {
  auto log1pexp = xjax::custom_jvp(
      [](const array& x) { return lax::log1p(lax::exp(x)); },
      [](const std::tuple<array>& primals, const std::tuple<array>& tangents) {
        auto [x] = primals;
        auto [t] = tangents;
        array y = lax::log1p(lax::exp(x));
        return std::pair{y, lax::mul(t, lax::logistic(x))};
      },
      "log1pexp");
  array big(100.0f, xjax::float32);
  // The naive derivative exp(x) / (1 + exp(x)) is inf / inf = NaN at 100 in float32.
  CHECK(log1pexp(big).item<float>() == std::numeric_limits<float>::infinity());
  CHECK(xjax::grad(log1pexp)(big).item<float>() == doctest::Approx(1.0));
  array x(0.5f, xjax::float32);
  const double s = 1 / (1 + std::exp(-0.5));
  CHECK(xjax::grad(log1pexp)(x).item<double>() == doctest::Approx(s).epsilon(1e-6));
  CHECK(xjax::grad(xjax::grad(log1pexp))(x).item<double>() == doctest::Approx(s * (1 - s)).epsilon(1e-5));
  auto j = xjax::make_jaxpr(log1pexp)(x);
  CHECK(count_eqns(j, "custom_jvp_call") == 1);
  // Inside grad inside grad through a closure.
  auto outer = [&](const array& a) { return xjax::grad([&](const array& b) { return lax::mul(log1pexp(b), a); })(a); };
  CHECK(xjax::grad(outer)(x).item<double>() == doctest::Approx(s + 0.5 * s * (1 - s)).epsilon(1e-5));

  auto bad_shape = xjax::custom_jvp(
      [](const array& x) { return lax::sin(x); },
      [](const std::tuple<array>& p, const std::tuple<array>&) {
        return std::pair{lax::sin(std::get<0>(p)), jnp::zeros({3})};
      },
      "bad_shape");
  auto msg = error_of<xjax::type_error>([&] { xjax::grad(bad_shape)(x); });
  CHECK(msg.find("[custom_jvp]") != std::string::npos);
  CHECK(msg.find("bad_shape") != std::string::npos);
  CHECK(msg.find("f32[3]") != std::string::npos);
  auto bad_tree = xjax::custom_jvp(
      [](const array& x) { return std::vector<array>{x}; },
      [](const std::tuple<array>& p, const std::tuple<array>& t) {
        return std::pair{std::vector<array>{std::get<0>(p), std::get<0>(p)}, std::vector<array>{std::get<0>(t)}};
      },
      "bad_tree");
  msg = error_of<xjax::pytree_error>(
      [&] { xjax::grad([&](const array& v) { return bad_tree(v)[0]; })(x); });
  CHECK(msg.find("bad_tree") != std::string::npos);
}

TEST_CASE("custom_vjp: a straight-through estimator; inside grad inside grad; errors") {
  auto ste_round = xjax::custom_vjp(
      [](const array& x) { return lax::round(x); },
      [](const array& x) { return std::pair{lax::round(x), x}; },
      [](const array& /*x*/, const array& ct) { return std::tuple{ct}; }, "ste_round");
  array x = f32({0.4f, 1.6f}, {2});
  check_near(ste_round(x), f32({0, 2}, {2}));
  auto loss = [&](const array& v) { return lax::reduce_sum(lax::mul(ste_round(v), v), {0}); };
  // d/dv [round(v) * v] with round' := 1: v + round(v).
  check_near(xjax::grad(loss)(x), f32({0.4f, 3.6f}, {2}));

  // bwd uses the residual: f(x) = x^2 with bwd 2 x ct, differentiated twice.
  auto square = xjax::custom_vjp(
      [](const array& x) { return lax::mul(x, x); }, [](const array& x) { return std::pair{lax::mul(x, x), x}; },
      [](const array& r, const array& ct) { return std::tuple{lax::mul(lax::mul(r, 2.0f), ct)}; }, "square");
  array y(3.0f, xjax::float32);
  CHECK(xjax::grad(square)(y).item<float>() == doctest::Approx(6.0));
  CHECK(xjax::grad(xjax::grad(square))(y).item<float>() == doctest::Approx(2.0));
  auto cube = [&](const array& v) { return lax::mul(square(v), v); };
  CHECK(xjax::grad(xjax::grad(cube))(y).item<float>() == doctest::Approx(18.0));

  auto msg = error_of<xjax::not_implemented_error>([&] { xjax::jvp(square, std::tuple{y}, std::tuple{y}); });
  CHECK(msg.find("forward-mode") != std::string::npos);
  CHECK(msg.find("square") != std::string::npos);
  auto bad = xjax::custom_vjp(
      [](const array& x) { return lax::sin(x); }, [](const array& x) { return std::pair{lax::sin(x), x}; },
      [](const array&, const array&) { return std::tuple{jnp::zeros({5})}; }, "bad_bwd");
  msg = error_of<xjax::type_error>([&] { xjax::grad([&](const array& v) { return lax::reduce_sum(bad(v), {0}); })(x); });
  CHECK(msg.find("bad_bwd") != std::string::npos);
  CHECK(msg.find("f32[5]") != std::string::npos);
}

TEST_CASE("checkpoint: same values and gradients; the backward pass recomputes instead of saving") {
  auto block = [](const array& x) { return lax::sin(lax::sin(x)); };
  auto remat = xjax::checkpoint(block);
  array x = f32({0.3f, 0.9f}, {2});
  check_near(remat(x), block(x));
  auto loss = [](auto g) { return [g](const array& v) { return lax::reduce_sum(g(v), {0}); }; };
  check_near(xjax::grad(loss(remat))(x), xjax::grad(loss(block))(x));
  check_near(xjax::grad(xjax::grad(remat))(array(0.3f, xjax::float32)),
             xjax::grad(xjax::grad(block))(array(0.3f, xjax::float32)));
  auto j = xjax::make_jaxpr(xjax::grad(loss(remat)))(x);
  REQUIRE(count_eqns(j, "remat2") == 1);
  // The forward pass is inlined; the backward remat2 recomputes sin(x) rather than saving it.
  std::string text = xjax::to_string(j);
  CHECK(text.find("differentiated=True") != std::string::npos);
  const xjax::equation* re = nullptr;
  for (auto& e : j.jaxpr->eqns) {
    if (e.prim->name() == "remat2") re = &e;
  }
  std::size_t inner_sin = 0;
  for (auto& item : re->params->items()) {
    if (item.sub_jaxpr) {
      for (auto& e : item.sub_jaxpr->eqns) inner_sin += e.prim->name() == "sin";
    }
  }
  CHECK(inner_sin >= 1);
  // With everything saveable nothing is recomputed.
  auto saved = xjax::checkpoint(block, xjax::checkpoint_policies::everything_saveable());
  auto j2 = xjax::make_jaxpr(xjax::grad(loss(saved)))(x);
  check_near(xjax::grad(loss(saved))(x), xjax::grad(loss(block))(x));
  std::size_t sin2 = 0;
  for (auto& e : j2.jaxpr->eqns) {
    for (auto& item : e.params->items()) {
      if (item.sub_jaxpr) {
        for (auto& q : item.sub_jaxpr->eqns) sin2 += q.prim->name() == "sin";
      }
    }
  }
  CHECK(sin2 == 0);
  // The policy prints as JAX prints it.
  auto dots = xjax::checkpoint(block, xjax::checkpoint_policies::dots_saveable());
  CHECK(xjax::to_string(xjax::make_jaxpr(dots)(x)).find("policy=DotsSaveable(only_if_no_batch_dims=False)") !=
        std::string::npos);
}

TEST_CASE("check_grads passes for correct rules and catches a wrong one") {
  auto f = [](const array& x, const array& y) { return lax::mul(lax::sin(x), lax::exp(y)); };
  xjax::test::check_grads(f, std::tuple{f32({0.3f, -0.7f}, {2}), f32({0.1f, 0.2f}, {2})}, 2);
  auto wrong = xjax::custom_jvp(
      [](const array& x) { return lax::sin(x); },
      [](const std::tuple<array>& p, const std::tuple<array>& t) {
        return std::pair{lax::sin(std::get<0>(p)), lax::mul(std::get<0>(t), array(1.01, std::get<0>(t).dtype()))};  // should be cos(x)
      },
      "wrong");
  auto msg = error_of<xjax::error>([&] { xjax::test::check_grads(wrong, std::tuple{f32({0.3f}, {1})}, 1, {"fwd"}); });
  INFO(msg);
  CHECK(msg.find("JVP") != std::string::npos);
  msg = error_of<xjax::error>([&] { xjax::test::check_grads(wrong, std::tuple{f32({0.3f}, {1})}, 1, {"rev"}); });
  CHECK(msg.find("VJP") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::test::check_grads(f, std::tuple{f32({1}, {1}), f32({1}, {1})}, 1, {"sideways"}); });
  CHECK(msg.find("sideways") != std::string::npos);
}

namespace {
/// A primitive with a shape rule and an evaluation but no differentiation rules.
class doubling_primitive final : public xjax::primitive_of<xjax::no_params> {
 public:
  doubling_primitive() : primitive_of("test_doubling") {}
  std::vector<xjax::aval> shape_rule(std::span<const xjax::aval> in, const xjax::no_params&) const override {
    return {in[0]};
  }
  std::vector<array> eval(std::span<const array> in, const xjax::no_params&) const override {
    return {lax::add(in[0], in[0])};
  }
};
}  // namespace

TEST_CASE("a primitive without a rule: the error names the primitive and the rule") {
  static const doubling_primitive p;
  auto f = [](const array& x) { return lax::reduce_sum(p.bind1({x}), {0}); };
  array x = f32({1, 2}, {2});
  CHECK(f(x).item<float>() == 6.0f);
  auto msg = error_of<xjax::not_implemented_error>([&] { xjax::grad(f)(x); });
  CHECK(msg.find("test_doubling") != std::string::npos);
  CHECK(msg.find("jvp") != std::string::npos);
  msg = error_of<xjax::not_implemented_error>([&] {
    xjax::linear_transpose([](const array& v) { return p.bind1({v}); }, x)(x);
  });
  CHECK(msg.find("transpose") != std::string::npos);
}

TEST_CASE("jacfwd and jacrev apply the linearization once, batched over a basis (no loop)") {
  auto f = [](const array& x) { return lax::mul(lax::sin(x), lax::reduce_sum(x, {0})); };
  auto count = [&](auto jac, std::int64_t n) {
    std::vector<float> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = 0.1f * static_cast<float>(i + 1);
    return xjax::make_jaxpr(jac)(f32(v, {n})).jaxpr->eqns.size();
  };
  CHECK(count(xjax::jacfwd(f), 3) == count(xjax::jacfwd(f), 9));
  CHECK(count(xjax::jacrev(f), 3) == count(xjax::jacrev(f), 9));
  CHECK(count(xjax::hessian([](const array& x) { return lax::reduce_sum(lax::mul(lax::sin(x), x), {0}); }), 2) ==
        count(xjax::hessian([](const array& x) { return lax::reduce_sum(lax::mul(lax::sin(x), x), {0}); }), 6));
}
