// xjax::nn against jax.nn 0.10.2 (tests/golden/gen_nn.py): values and gradients (VJPs
// with a random cotangent, edge points included), each case eagerly and through
// make_jaxpr + eval_jaxpr; check_grads at order 2; errors.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"
#include "support/np_golden.hpp"

namespace nn = xjax::nn;
namespace jnp = xjax::numpy;
using xjax::array;
using xjax::shape_t;
using xjax::testing::np_golden::case_name;

namespace {

bool has(const case_name& c, const std::string& key) { return c.params.count(key) > 0; }

nn::axes_arg axis_of(const case_name& c) {
  const std::string& a = c.str("axis");
  if (a == "none") return std::nullopt;
  shape_t axes = c.ints("axis");
  if (axes.size() == 1) return axes[0];
  return axes;
}

/// jax.nn.<op>(...) as the case gives it; xs: the case's array inputs, in order.
array apply(const std::string& op, const case_name& c, std::vector<array> xs) {
  std::size_t next = 0;
  auto take = [&]() -> array {
    if (next >= xs.size()) throw std::runtime_error("golden case " + op + ": too few inputs");
    return xs[next++];
  };
  array x = has(c, "scalar") ? array(std::stod(c.str("scalar"))) : take();
  array out;
  if (op == "relu") out = nn::relu(x);
  else if (op == "relu6") out = nn::relu6(x);
  else if (op == "sigmoid") out = nn::sigmoid(x);
  else if (op == "softplus") out = nn::softplus(x);
  else if (op == "silu") out = nn::silu(x);
  else if (op == "swish") out = nn::swish(x);
  else if (op == "log_sigmoid") out = nn::log_sigmoid(x);
  else if (op == "gelu") out = nn::gelu(x, c.flag("approximate"));
  else if (op == "elu" || op == "leaky_relu") {
    std::optional<array> p;
    if (has(c, "alpha")) p = c.str("alpha") == "in" ? take() : c.scalar("alpha");
    if (op == "elu") out = p ? nn::elu(x, *p) : nn::elu(x);
    else out = p ? nn::leaky_relu(x, *p) : nn::leaky_relu(x);
  } else if (op == "softmax") out = nn::softmax(x, axis_of(c));
  else if (op == "log_softmax") out = nn::log_softmax(x, axis_of(c));
  else if (op == "logsumexp") {
    std::optional<array> b;
    if (has(c, "b")) b = take();
    out = nn::logsumexp(x, axis_of(c), b, has(c, "keepdims") && c.flag("keepdims"));
  } else if (op == "one_hot") {
    auto d = has(c, "dtype") ? *c.dtype() : xjax::float32;
    out = nn::one_hot(x, c.integer("num_classes"), d, c.integer("oaxis"));
  } else if (op == "standardize") {
    std::optional<array> mean, variance;
    if (has(c, "mean")) mean = take();
    if (has(c, "variance")) variance = take();
    array eps = has(c, "epsilon") ? c.scalar("epsilon") : array(1e-5);
    out = nn::standardize(x, axis_of(c), mean, variance, eps, c.str("algorithm"));
  } else {
    throw std::runtime_error("no such nn function in the test: " + op);
  }
  if (next != xs.size()) throw std::runtime_error("golden case " + op + ": unused inputs");
  return out;
}

/// A golden case's computation: the function's value, or (grad_<op>) the gradient of
/// sum(f(x) * ct) with respect to x, the other inputs held.
std::vector<array> run_case(const case_name& c, const std::vector<array>& xs) {
  const std::string prefix = "grad_";
  if (c.op.rfind(prefix, 0) != 0) return {apply(c.op, c, xs)};
  const std::string op = c.op.substr(prefix.size());
  std::vector<array> others(xs.begin() + 1, xs.end() - 1);
  auto loss = [&](const array& x, const array& ct) {
    std::vector<array> args{x};
    args.insert(args.end(), others.begin(), others.end());
    return jnp::sum(jnp::multiply(apply(op, c, args), ct));
  };
  return {xjax::grad(loss)(xs.front(), xs.back())};
}

/// Tolerance: a few ulps of the dtype, more for sums of exponentials and their
/// gradients (XLA reassociates) and for erfc (gelu exact); absolute near zero.
std::string compare(const array& got, const array& want) {
  double rtol = xjax::testing::default_rtol(want.dtype()) * 8;
  return xjax::testing::compare(got, want, rtol, -1);
}

/// Gradients at 0 that come from the custom JVP of jnp.logaddexp (softplus'(0) = 1/2),
/// also checked on their own below.
const std::set<std::string> logaddexp_at_zero = {"grad_softplus;edges", "grad_softplus;edges64",
                                                 "grad_log_sigmoid;edges", "grad_log_sigmoid;edges64"};

/// Replays every golden case whose op is in `ops` (and, if given, whose name is in
/// `only`; else not in logaddexp_at_zero): eagerly, and through make_jaxpr and
/// eval_jaxpr. Returns the number of cases.
int run_golden(const std::set<std::string>& ops, const std::set<std::string>& only = {}) {
  const auto& file = xjax::testing::golden_file::load("nn");
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (!ops.count(c.op)) continue;
    if (!only.empty() && only.count(g.name) == 0) continue;
    ++n;
    INFO("case " << g.name);
    std::vector<array> got = run_case(c, g.inputs);
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      std::string err = compare(got[i], g.outputs[i]);
      CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    }
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return run_case(c, xs); })(g.inputs);
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == g.outputs.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      std::string err = compare(staged[i], g.outputs[i]);
      CHECK_MESSAGE(err.empty(), "eval_jaxpr output " << i << ": " << err << "\n" << j);
    }
  }
  return n;
}

std::set<std::string> with_grads(std::initializer_list<std::string> ops) {
  std::set<std::string> out;
  for (auto& op : ops) {
    out.insert(op);
    out.insert("grad_" + op);
  }
  return out;
}

array f64(std::vector<double> v, shape_t shape) { return array::from_vector<double>(v, shape); }

}  // namespace

TEST_CASE("nn golden: relu, relu6 (values; gradient 0 at the kinks, as JAX's custom JVPs)") {
  CHECK(run_golden(with_grads({"relu", "relu6"})) == 34);
}

TEST_CASE("nn golden: sigmoid, log_sigmoid, softplus, silu, swish") {
  CHECK(run_golden(with_grads({"sigmoid", "log_sigmoid", "softplus", "silu", "swish"})) == 82);
}

// JAX's softplus is jnp.logaddexp(x, 0), a custom_jvp whose derivative at x = 0 is
// exp(0 - log 2) = 1/2 (the plain composition would give 0 there, with abs'(0) = 1).
TEST_CASE("nn golden: softplus'(0) and log_sigmoid'(0) as JAX") {
  CHECK(run_golden(with_grads({"softplus", "log_sigmoid"}), logaddexp_at_zero) == 4);
}

TEST_CASE("nn golden: gelu (approximate and exact)") { CHECK(run_golden(with_grads({"gelu"})) == 34); }

TEST_CASE("nn golden: elu, leaky_relu") { CHECK(run_golden(with_grads({"elu", "leaky_relu"})) == 42); }

TEST_CASE("nn golden: softmax, log_softmax, logsumexp") {
  CHECK(run_golden(with_grads({"softmax", "log_softmax", "logsumexp"})) == 48);
}

TEST_CASE("nn golden: one_hot, standardize") { CHECK(run_golden(with_grads({"one_hot", "standardize"})) == 33); }

TEST_CASE("nn golden: every case is replayed by one of the test cases above") {
  // 34 + 78 + 4 + 34 + 42 + 48 + 33: a case added to gen_nn.py must be counted above.
  CHECK(xjax::testing::golden_file::load("nn").cases().size() == 273);
}

TEST_CASE("nn: relu and relu6 derivatives at their kinks are 0, also at second order") {
  array x = f64({-1.0, 0.0, 0.5, 6.0, 7.0}, {5});
  auto d1 = [](auto f) {
    return xjax::grad([f](const array& x) { return jnp::sum(f(x)); });
  };
  array g = d1(nn::relu)(x);
  CHECK(g.to_vector<double>() == std::vector<double>{0, 0, 1, 1, 1});
  array g6 = d1(nn::relu6)(x);
  CHECK(g6.to_vector<double>() == std::vector<double>{0, 0, 1, 0, 0});
  // Second derivative: 0 everywhere (JAX's select(x > 0, g, 0) is piecewise constant).
  auto relu_prime_sum = [&](const array& x) { return jnp::sum(d1(nn::relu)(x)); };
  CHECK(xjax::grad(relu_prime_sum)(x).to_vector<double>() == std::vector<double>(5, 0.0));
  // NaN propagates in the value, the gradient there is 0 (JAX: select(NaN > 0, g, 0)).
  array nan = f64({NAN}, {1});
  CHECK(std::isnan(nn::relu(nan).to_vector<double>()[0]));
  CHECK(d1(nn::relu)(nan).to_vector<double>()[0] == 0.0);
}

TEST_CASE("nn: check_grads at order 2 in both modes, away from kinks") {
  array x = f64({-2.5, -0.7, 0.3, 1.9, 4.2, -3.1}, {2, 3});
  array v = f64({0.4, -1.3, 2.2}, {3});
  auto one = [](auto f) { return [f](const array& a) { return f(a); }; };
  SUBCASE("elementwise") {
    for (const array& a : {x, v, f64({0.8}, {})}) {
      xjax::test::check_grads(one(nn::relu), std::tuple{a}, 2);
      xjax::test::check_grads(one(nn::sigmoid), std::tuple{a}, 2);
      xjax::test::check_grads(one(nn::softplus), std::tuple{a}, 2);
      xjax::test::check_grads(one(nn::silu), std::tuple{a}, 2);
      xjax::test::check_grads(one(nn::log_sigmoid), std::tuple{a}, 2);
      xjax::test::check_grads([](const array& a) { return nn::gelu(a, true); }, std::tuple{a}, 2);
      xjax::test::check_grads([](const array& a) { return nn::gelu(a, false); }, std::tuple{a}, 2);
      xjax::test::check_grads([](const array& a) { return nn::elu(a); }, std::tuple{a}, 2);
      xjax::test::check_grads([](const array& a) { return nn::leaky_relu(a); }, std::tuple{a}, 2);
      xjax::test::check_grads(one(nn::relu6), std::tuple{jnp::multiply(a, 0.5)}, 2);  // inside (0, 6) or < 0
    }
  }
  SUBCASE("reductions over axes") {
    xjax::test::check_grads([](const array& a) { return nn::softmax(a); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::softmax(a, 0); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::log_softmax(a); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::log_softmax(a, std::nullopt); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::logsumexp(a, 1); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::standardize(a); }, std::tuple{x}, 2);
    xjax::test::check_grads([](const array& a) { return nn::standardize(a, 0, std::nullopt, std::nullopt, 1e-5, "stable"); },
                            std::tuple{x}, 2);
  }
}

TEST_CASE("nn: one_hot has no gradient path (integer input) and gives zeros out of range") {
  array idx = array::from_vector<std::int32_t>({0, 3, -1}, {3});
  array y = nn::one_hot(idx, 3);
  CHECK(y.shape() == shape_t{3, 3});
  CHECK(y.to_vector<float>() == std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("nn: errors") {
  using xjax::testing::np_golden::check_error;
  array x34 = jnp::ones({3, 4});
  check_error<xjax::error>([&] { nn::softmax(x34, 2); }, {"softmax", "axis"});
  check_error<xjax::error>([&] { nn::log_softmax(x34, -3); }, {"log_softmax", "axis"});
  check_error<xjax::error>([&] { nn::one_hot(array::from_vector<std::int32_t>({0, 1}, {1, 2}), 3, xjax::float32, 3); },
                           {"one_hot", "axis"});
  check_error<xjax::error>([&] { nn::standardize(x34, -1, std::nullopt, std::nullopt, 1e-5, "exact"); },
                           {"standardize", "exact"});
  check_error<xjax::error>([&] { nn::sigmoid(array::from_vector<std::int32_t>({1, 2}, {2})); }, {"logistic", "int32"});
  check_error<xjax::error>([&] { nn::silu(array::from_vector<std::int32_t>({1, 2}, {2})); }, {"int32"});
  check_error<xjax::error>([&] { nn::elu(x34, jnp::ones({3})); }, {"(3, 4)", "(3,)"});
}
