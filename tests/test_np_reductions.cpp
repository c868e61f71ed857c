// xjax::numpy reductions. Golden cases (tests/golden/gen_np_reductions.py) run eagerly,
// through make_jaxpr (only lax primitives; the text must be JAX's where JAX's jaxpr has
// no nested jit) and through eval_jaxpr; then the errors a user can meet.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace jnp = xjax::numpy;
using xjax::array;
using xjax::shape_t;

namespace {

/// A golden case name "<fn>;<key>=<value>;...;<tag>[;err=1][;nojx=1]", split.
struct case_name {
  std::string fn;
  std::map<std::string, std::string> params;

  explicit case_name(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    fn = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      if (eq != std::string::npos) params[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
    }
  }
  bool has(const std::string& k) const { return params.count(k) != 0; }
  const std::string& str(const std::string& k) const {
    auto it = params.find(k);
    if (it == params.end()) throw std::runtime_error("golden case " + fn + " lacks param " + k);
    return it->second;
  }
  bool flag(const std::string& k) const { return has(k) && str(k) == "1"; }
  std::optional<xjax::dtype> dtype() const {
    if (!has("dtype")) return std::nullopt;
    return xjax::dtype::from_name(str("dtype"));
  }
  jnp::reduction_axes axis() const {
    if (!has("axis")) return std::nullopt;
    const std::string& a = str("axis");
    if (a == "N") return std::nullopt;
    if (a.rfind("i:", 0) == 0) return std::int64_t{std::stoll(a.substr(2))};
    shape_t t;
    std::stringstream ss(a.substr(2));
    for (std::string v; std::getline(ss, v, ',');) t.push_back(std::stoll(v));
    return t;
  }
  std::optional<std::int64_t> single_axis() const {
    if (!has("axis")) return std::nullopt;
    const std::string& a = str("axis");
    if (a == "N") return std::nullopt;
    return std::stoll(a.substr(2));
  }
  bool keepdims() const { return flag("keepdims"); }
  double num(const std::string& k, double dflt) const { return has(k) ? std::stod(str(k)) : dflt; }
  std::optional<array> initial() const {
    if (!has("initial")) return std::nullopt;
    return array(std::stod(str("initial")));
  }
};

using fn_t = std::function<std::vector<array>(const case_name&, const std::vector<array>&)>;

template <class F> fn_t one(F f) {
  return [f](const case_name& c, const std::vector<array>& xs) { return std::vector<array>{f(c, xs[0])}; };
}

/// How each function of the golden file is called, as gen_np_reductions.py calls jax.numpy.
const std::map<std::string, fn_t>& fns() {
  using C = const case_name&;
  using X = const array&;
  static const std::map<std::string, fn_t> table = {
      {"sum", one([](C c, X x) { return jnp::sum(x, c.axis(), c.dtype(), c.keepdims(), c.initial()); })},
      {"prod", one([](C c, X x) { return jnp::prod(x, c.axis(), c.dtype(), c.keepdims(), c.initial()); })},
      {"max", one([](C c, X x) { return jnp::max(x, c.axis(), c.keepdims(), c.initial()); })},
      {"min", one([](C c, X x) { return jnp::min(x, c.axis(), c.keepdims(), c.initial()); })},
      {"amax", one([](C c, X x) { return jnp::amax(x, c.axis(), c.keepdims()); })},
      {"amin", one([](C c, X x) { return jnp::amin(x, c.axis(), c.keepdims()); })},
      {"ptp", one([](C c, X x) { return jnp::ptp(x, c.axis(), c.keepdims()); })},
      {"all", one([](C c, X x) { return jnp::all(x, c.axis(), c.keepdims()); })},
      {"any", one([](C c, X x) { return jnp::any(x, c.axis(), c.keepdims()); })},
      {"count_nonzero", one([](C c, X x) { return jnp::count_nonzero(x, c.axis(), c.keepdims()); })},
      {"mean", one([](C c, X x) { return jnp::mean(x, c.axis(), c.dtype(), c.keepdims()); })},
      {"var", one([](C c, X x) {
         std::optional<double> corr;
         if (c.has("correction")) corr = c.num("correction", 0);
         return jnp::var(x, c.axis(), c.dtype(), c.num("ddof", 0), c.keepdims(), corr);
       })},
      {"std", one([](C c, X x) {
         std::optional<double> corr;
         if (c.has("correction")) corr = c.num("correction", 0);
         return jnp::std(x, c.axis(), c.dtype(), c.num("ddof", 0), c.keepdims(), corr);
       })},
      {"median", one([](C c, X x) { return jnp::median(x, c.axis(), c.keepdims()); })},
      {"nansum", one([](C c, X x) { return jnp::nansum(x, c.axis(), c.dtype(), c.keepdims()); })},
      {"nanmean", one([](C c, X x) { return jnp::nanmean(x, c.axis(), c.dtype(), c.keepdims()); })},
      {"nanmax", one([](C c, X x) { return jnp::nanmax(x, c.axis(), c.keepdims()); })},
      {"nanmin", one([](C c, X x) { return jnp::nanmin(x, c.axis(), c.keepdims()); })},
      {"argmax", one([](C c, X x) { return jnp::argmax(x, c.single_axis(), c.keepdims()); })},
      {"argmin", one([](C c, X x) { return jnp::argmin(x, c.single_axis(), c.keepdims()); })},
      {"cumsum", one([](C c, X x) { return jnp::cumsum(x, c.single_axis(), c.dtype()); })},
      {"cumprod", one([](C c, X x) { return jnp::cumprod(x, c.single_axis(), c.dtype()); })},
      {"average",
       [](C c, const std::vector<array>& xs) {
         std::optional<array> w;
         if (c.flag("weights")) w = xs[1];
         if (c.flag("returned")) {
           auto [avg, ws] = jnp::average_returned(xs[0], c.axis(), w, c.keepdims());
           return std::vector<array>{avg, ws};
         }
         return std::vector<array>{jnp::average(xs[0], c.axis(), w, c.keepdims())};
       }},
  };
  return table;
}

/// The C++ scalar argument of a scalar=... case.
array scalar_arg(const std::string& code) {
  if (code == "f") return array(2.5);
  if (code == "i") return array(3);
  return array(true);
}

/// The eager call, the traced call and eval_jaxpr of one case; JAX's text when it has no jit.
void run_case(const xjax::testing::golden_case& g) {
  case_name c(g.name);
  const fn_t& fn = fns().at(c.fn);
  INFO("case " << g.name);
  std::vector<array> inputs = g.inputs;
  if (c.has("scalar")) {
    array s = scalar_arg(c.str("scalar"));
    auto call = [&](const std::vector<array>&) { return fn(c, {s}); };
    std::vector<array> got = call({});
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK_MESSAGE(xjax::testing::compare(got[i], g.outputs[i]).empty(), xjax::testing::compare(got[i], g.outputs[i]));
      CHECK(got[i].weak_type() == c.flag("weak"));
    }
    // Traced: the scalar is a constant of the trace (a literal).
    auto j = xjax::make_jaxpr(call)(std::vector<array>{});
    auto staged = xjax::eval_jaxpr(j, std::vector<array>{});
    REQUIRE(staged.size() == g.outputs.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      CHECK(xjax::testing::compare(staged[i], g.outputs[i]).empty());
      CHECK(staged[i].weak_type() == c.flag("weak"));
    }
    return;
  }
  if (c.flag("err")) {
    CHECK_THROWS_AS(fn(c, inputs), xjax::error);
    CHECK_THROWS_AS(xjax::make_jaxpr([&](const std::vector<array>& xs) { return fn(c, xs); })(inputs), xjax::error);
    return;
  }
  std::vector<array> got = fn(c, inputs);
  REQUIRE(got.size() == g.outputs.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::string err = xjax::testing::compare(got[i], g.outputs[i]);
    CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    CHECK(got[i].weak_type() == c.flag("weak"));
  }
  auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return fn(c, xs); })(inputs);
  std::string text = xjax::to_string(j);
  if (!c.flag("nojx") && g.jaxpr.find("jit[") == std::string::npos) CHECK(text == g.jaxpr);
  std::vector<array> staged = xjax::eval_jaxpr(j, inputs);
  REQUIRE(staged.size() == g.outputs.size());
  for (std::size_t i = 0; i < staged.size(); ++i) {
    std::string err = xjax::testing::compare(staged[i], g.outputs[i]);
    CHECK_MESSAGE(err.empty(), "eval_jaxpr output " << i << ": " << err);
    CHECK(staged[i].weak_type() == c.flag("weak"));
  }
}

int run_golden(const std::set<std::string>& names) {
  const auto& file = xjax::testing::golden_file::load("np_reductions");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (!names.count(case_name(g.name).fn)) continue;
    ++n;
    run_case(g);
  }
  return n;
}

/// The message of the xjax::error that `f` throws (empty if none).
template <class E, class F> std::string message_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("np reductions: sum, prod") { CHECK(run_golden({"sum", "prod"}) > 100); }
TEST_CASE("np reductions: max, min, amax, amin, ptp") { CHECK(run_golden({"max", "min", "amax", "amin", "ptp"}) > 100); }
TEST_CASE("np reductions: argmax, argmin") { CHECK(run_golden({"argmax", "argmin"}) > 50); }
TEST_CASE("np reductions: all, any, count_nonzero") { CHECK(run_golden({"all", "any", "count_nonzero"}) > 100); }
TEST_CASE("np reductions: mean, var, std") { CHECK(run_golden({"mean", "var", "std"}) > 100); }
TEST_CASE("np reductions: median, average") { CHECK(run_golden({"median", "average"}) > 100); }
TEST_CASE("np reductions: nansum, nanmean, nanmax, nanmin") {
  CHECK(run_golden({"nansum", "nanmean", "nanmax", "nanmin"}) > 100);
}
TEST_CASE("np reductions: cumsum, cumprod") { CHECK(run_golden({"cumsum", "cumprod"}) > 50); }

TEST_CASE("np reductions: only lax primitives in jaxprs") {
  auto x = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto j = xjax::make_jaxpr([](const array& a) {
    return std::vector<array>{jnp::median(a, 1), jnp::var(a, {0, -1}), jnp::average(a, 1, jnp::sum(a, 0)),
                              jnp::nanmax(a), jnp::cumprod(a)};
  })(x);
  std::string text = xjax::to_string(j);
  CHECK(text.find("jit") == std::string::npos);
  CHECK(text.find("sort[") != std::string::npos);
}

TEST_CASE("np reductions: errors") {
  auto x = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto empty = array::from_vector<float>({}, {0});
  using xjax::value_error;

  std::string m = message_of<value_error>([&] { jnp::sum(x, 2); });
  CHECK(m.find("[sum]") != std::string::npos);
  CHECK(m.find("axis 2") != std::string::npos);
  m = message_of<value_error>([&] { jnp::prod(x, -3); });
  CHECK(m.find("[prod]") != std::string::npos);
  CHECK(m.find("-3") != std::string::npos);
  m = message_of<value_error>([&] { jnp::mean(x, {1, -1}); });
  CHECK(m.find("[mean] duplicate value in 'axis': (1, -1)") != std::string::npos);
  m = message_of<value_error>([&] { jnp::max(empty); });
  CHECK(m.find("[max] zero-size array") != std::string::npos);
  CHECK(m.find("(0,)") != std::string::npos);
  m = message_of<value_error>([&] { jnp::amin(array::from_vector<float>({}, {2, 0}), 1); });
  CHECK(m.find("[min]") != std::string::npos);
  CHECK(jnp::max(empty, std::nullopt, false, array(1.5)).item<float>() == 1.5f);  // initial allows it
  m = message_of<value_error>([&] { jnp::argmax(empty); });
  CHECK(m.find("[argmax] attempt to get argmax of an empty sequence") != std::string::npos);
  m = message_of<value_error>([&] { jnp::argmin(x, 2); });
  CHECK(m.find("[argmin]") != std::string::npos);
  m = message_of<value_error>([&] { jnp::std(x, std::nullopt, xjax::int32); });
  CHECK(m.find("[std] dtype argument to jnp.std must be inexact; got int32") != std::string::npos);
  m = message_of<value_error>([&] { jnp::var(x, std::nullopt, std::nullopt, 1, false, 1.0); });
  CHECK(m.find("[var] ddof") != std::string::npos);
  m = message_of<value_error>([&] { jnp::average(x, 1, array::from_vector<float>({1, 2}, {2})); });
  CHECK(m.find("[average] shape of weights (2,)") != std::string::npos);
  CHECK(m.find("(2, 3)") != std::string::npos);
  m = message_of<value_error>([&] { jnp::average(x, std::nullopt, array::from_vector<float>({1, 2, 3}, {3})); });
  CHECK(m.find("[average] axis must be specified") != std::string::npos);
  m = message_of<xjax::type_error>([&] { jnp::ptp(array::from_vector<bool>({true, false}, {2})); });
  CHECK(m.find("[ptp]") != std::string::npos);
  m = message_of<value_error>([&] { jnp::cumsum(x, 2); });
  CHECK(m.find("[cumsum]") != std::string::npos);
  m = message_of<value_error>([&] { jnp::sum(x, std::nullopt, std::nullopt, false, x); });
  CHECK(m.find("[sum] initial value must be a scalar") != std::string::npos);
  m = message_of<xjax::shape_error>([&] { jnp::median(empty); });
  CHECK(m.find("[median]") != std::string::npos);
  m = message_of<value_error>([&] { jnp::nanmax(empty); });
  CHECK(m.find("zero-size array") != std::string::npos);
  // Under make_jaxpr the same errors.
  CHECK_THROWS_AS(xjax::make_jaxpr([](const array& a) { return jnp::sum(a, 5); })(x), value_error);
  CHECK_THROWS_AS(xjax::make_jaxpr([](const array& a) { return jnp::max(a); })(empty), value_error);
}
