// xjax::scipy::special against jax.scipy.special (tests/golden/gen_scipy_special.py):
// each case eagerly, through make_jaxpr (JAX's text where JAX's jaxpr is flat) and
// through eval_jaxpr; then stability checks and errors.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace sp = xjax::scipy::special;
using xjax::array;
using xjax::shape_t;

namespace {

struct sp_case {
  std::string op;
  std::vector<std::string> tokens;
  std::map<std::string, std::string> params;

  explicit sp_case(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    op = parts.front();
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      params[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
    }
    std::stringstream ts(params.at("args"));
    for (std::string t; std::getline(ts, t, ',');) tokens.push_back(t);
  }

  std::vector<array> args(const std::vector<array>& inputs) const {
    std::vector<array> out;
    std::size_t next = 0;
    for (auto& t : tokens) {
      if (t == "A") out.push_back(inputs.at(next++));
      else if (t[0] == 'F') out.push_back(array(std::strtod(t.c_str() + 1, nullptr)));
      else out.push_back(array(std::stoi(t.substr(1))));
    }
    return out;
  }

  bool keepdims() const { return params.count("keepdims") && params.at("keepdims") == "1"; }

  /// Calls f with the axis as the case gives it: none, one int, or a tuple.
  template <class F> array with_axis(F f) const {
    const std::string& a = params.at("axis");
    if (a == "None") return f(std::optional<shape_t>{});
    if (a.find('.') == std::string::npos) return f(std::stoll(a));
    shape_t axes;
    std::stringstream ss(a);
    for (std::string t; std::getline(ss, t, '.');)
      if (!t.empty()) axes.push_back(std::stoll(t));
    return f(std::optional<shape_t>(axes));
  }
};

using fn_t = std::function<array(const sp_case&, const std::vector<array>&)>;

fn_t U(array (*f)(const array&)) {
  return [f](const sp_case&, const std::vector<array>& a) { return f(a[0]); };
}

const std::map<std::string, fn_t>& ops() {
  using C = const sp_case&;
  using X = const std::vector<array>&;
  static const std::map<std::string, fn_t> table = {
      {"erf", U(sp::erf)},
      {"erfc", U(sp::erfc)},
      {"expit", U(sp::expit)},
      {"logit", U(sp::logit)},
      {"gammaln", U(sp::gammaln)},
      {"digamma", U(sp::digamma)},
      {"xlogy", [](C, X a) { return sp::xlogy(a[0], a[1]); }},
      {"xlog1py", [](C, X a) { return sp::xlog1py(a[0], a[1]); }},
      {"logsumexp",
       [](C c, X a) {
         std::optional<array> b;
         if (a.size() > 1) b = a[1];
         return c.with_axis([&](auto axis) { return sp::logsumexp(a[0], axis, b, c.keepdims()); });
       }},
      {"softmax", [](C c, X a) { return c.with_axis([&](auto axis) { return sp::softmax(a[0], axis); }); }},
      {"log_softmax", [](C c, X a) { return c.with_axis([&](auto axis) { return sp::log_softmax(a[0], axis); }); }},
  };
  return table;
}

bool flat(const std::string& jaxpr) {
  return jaxpr.find("jit[") == std::string::npos && jaxpr.find("custom_jvp_call") == std::string::npos;
}

/// Tolerance: a few ulps; sums of exponentials round differently (XLA reassociates),
/// and XLA's float32 gammaln / digamma are a little less accurate than libm's.
std::string compare(const std::string& op, const array& got, const array& want) {
  double rtol = xjax::testing::default_rtol(want.dtype()), atol = -1;
  if (op == "gammaln" || op == "digamma") {
    rtol *= 8;
    atol = 1e-6;  // XLA's float32 lgamma(1) is 4.8e-7, not 0
  }
  if (op == "logsumexp" || op == "softmax" || op == "log_softmax") rtol *= 4;
  return xjax::testing::compare(got, want, rtol, atol);
}

void run_golden(const std::string& op, int& texts) {
  const auto& file = xjax::testing::golden_file::load("scipy_special");
  const fn_t& fn = ops().at(op);
  int n = 0;
  for (const auto& g : file.cases()) {
    sp_case c(g.name);
    if (c.op != op) continue;
    ++n;
    INFO("case " << g.name);
    array got = fn(c, c.args(g.inputs));
    std::string err = compare(op, got, g.outputs.at(0));
    CHECK_MESSAGE(err.empty(), "eager: " << err);
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return std::vector<array>{fn(c, c.args(xs))}; })(
        g.inputs);
    std::string text = xjax::to_string(j);
    if (flat(g.jaxpr)) {
      CHECK(text == g.jaxpr);
      ++texts;
    }
    CHECK(text.find("jit[") == std::string::npos);
    auto staged = xjax::eval_jaxpr(j, g.inputs);
    err = compare(op, staged.at(0), g.outputs.at(0));
    CHECK_MESSAGE(err.empty(), "eval_jaxpr: " << err);
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << op);
}

template <class E, class F> void check_error(F&& f, std::initializer_list<std::string_view> needles) {
  try {
    f();
    FAIL("no error was thrown");
  } catch (const E& e) {
    std::string what = e.what();
    for (auto n : needles) CHECK_MESSAGE(what.find(n) != std::string::npos, "'" << n << "' not in: " << what);
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
  }
}

}  // namespace

TEST_CASE("golden: jax.scipy.special functions, eager, traced and through eval_jaxpr") {
  std::set<std::string> names;
  for (const auto& g : xjax::testing::golden_file::load("scipy_special").cases()) {
    sp_case c(g.name);
    CHECK_MESSAGE(ops().count(c.op) == 1, "no C++ replay for " << g.name);
    names.insert(c.op);
  }
  CHECK(names.size() == ops().size());
  int texts = 0;
  for (const auto& op : names) {
    SUBCASE(op.c_str()) { run_golden(op, texts); }
  }
}

TEST_CASE("logsumexp and softmax are stable: no overflow for large inputs") {
  array x = array::from_vector<float>({1000.0f, 1000.0f});
  CHECK(sp::logsumexp(x).item<float>() == doctest::Approx(1000.0 + std::log(2.0)));
  auto s = sp::softmax(x).to_vector<float>();
  CHECK(s[0] == doctest::Approx(0.5));
  auto l = sp::log_softmax(array::from_vector<float>({-1000.0f, 0.0f}), 0).to_vector<float>();
  CHECK(l[0] == doctest::Approx(-1000.0));
  CHECK(l[1] == doctest::Approx(0.0));
  // Rows of -inf give -inf; a row with +inf gives +inf.
  array m = array::from_vector<float>({-INFINITY, -INFINITY, INFINITY, 1.0f}, {2, 2});
  auto r = sp::logsumexp(m, 1).to_vector<float>();
  CHECK(r[0] == -INFINITY);
  CHECK(r[1] == INFINITY);
  // erfc keeps its accuracy in the tail, where 1 - erf(x) is 0.
  CHECK(sp::erfc(array(10.0f, xjax::float32)).item<double>() == doctest::Approx(2.088487583762545e-45).epsilon(1e-2));
  // xlogy(0, 0) is 0, not NaN.
  CHECK(sp::xlogy(0.0, 0.0).item<float>() == 0.0f);
  CHECK(std::isnan(sp::xlogy(0.0, NAN).item<float>()));
}

TEST_CASE("scipy.special errors name the function and the axis or shapes") {
  array x = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  array b4 = array::from_vector<float>({1, 2, 3, 4});
  check_error<xjax::value_error>([&] { sp::logsumexp(x, 2); }, {"[logsumexp]", "axis 2", "(2, 3)"});
  check_error<xjax::shape_error>([&] { sp::logsumexp(x, std::nullopt, b4); }, {"[logsumexp]", "(2, 3)", "(4,)"});
  check_error<xjax::value_error>([&] { sp::softmax(x, -3); }, {"[softmax]", "axis -3"});
  check_error<xjax::value_error>([&] { sp::log_softmax(x, shape_t{0, 0}); }, {"[log_softmax]", "repeated axis 0"});
  check_error<xjax::shape_error>([&] { sp::xlogy(array::from_vector<float>({1, 2, 3}), b4); },
                                 {"[xlogy]", "(3,)", "(4,)"});
}
