// The JVP and transpose rules of the elementwise primitives (primitives/elementwise.hpp):
//  - check_grads at order 2, forward and reverse, for every differentiable primitive on
//    several shapes (0-d, vectors, matrices, broadcast operands), float32 and float64;
//  - golden values from jax 0.10.2 (tests/golden/gen_ad_elementwise.py) at the edge
//    points where JAX's rules define a convention, in both modes and at second order;
//  - equation counts of make_jaxpr(grad(f)) no larger than JAX's;
//  - zero tangents of the non-differentiable primitives, and the errors of the rules.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>
// The primitives themselves, to call their rules directly (an implementation header:
// in a separately compiled build its definitions are weak duplicates of the library's).
#include <xjax/primitives/elementwise.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
namespace prim = xjax::prim;
using xjax::array;
using xjax::aval;
using xjax::dtype;
using xjax::lin_arg;
using xjax::shape_t;

namespace {

using fn_t = std::function<array(const std::vector<array>&)>;

array ones_like(const array& x) { return jnp::ones_like(x); }

// ---------------------------------------------------------------------------
// The functions of the golden cases, by name (gen_ad_elementwise.py's FUNCTIONS).

template <array (*F)(const array&)> fn_t unary() {
  return [](const std::vector<array>& x) { return F(x.at(0)); };
}
template <array (*F)(const array&, const array&)> fn_t binary() {
  return [](const std::vector<array>& x) { return F(x.at(0), x.at(1)); };
}

const std::map<std::string, fn_t>& functions() {
  static const std::map<std::string, fn_t> table = [] {
    std::map<std::string, fn_t> t{
        {"neg", unary<lax::neg>()},       {"sign", unary<lax::sign>()},     {"abs", unary<lax::abs>()},
        {"square", unary<lax::square>()}, {"floor", unary<lax::floor>()},   {"ceil", unary<lax::ceil>()},
        {"exp", unary<lax::exp>()},       {"exp2", unary<lax::exp2>()},     {"expm1", unary<lax::expm1>()},
        {"log", unary<lax::log>()},       {"log1p", unary<lax::log1p>()},   {"sqrt", unary<lax::sqrt>()},
        {"rsqrt", unary<lax::rsqrt>()},   {"cbrt", unary<lax::cbrt>()},     {"sin", unary<lax::sin>()},
        {"cos", unary<lax::cos>()},       {"tan", unary<lax::tan>()},       {"asin", unary<lax::asin>()},
        {"acos", unary<lax::acos>()},     {"atan", unary<lax::atan>()},     {"sinh", unary<lax::sinh>()},
        {"cosh", unary<lax::cosh>()},     {"tanh", unary<lax::tanh>()},     {"asinh", unary<lax::asinh>()},
        {"acosh", unary<lax::acosh>()},   {"atanh", unary<lax::atanh>()},   {"logistic", unary<lax::logistic>()},
        {"erf", unary<lax::erf>()},       {"erfc", unary<lax::erfc>()},     {"erf_inv", unary<lax::erf_inv>()},
        {"lgamma", unary<lax::lgamma>()}, {"digamma", unary<lax::digamma>()},
        {"add", binary<lax::add>()},      {"sub", binary<lax::sub>()},      {"mul", binary<lax::mul>()},
        {"div", binary<lax::div>()},      {"rem", binary<lax::rem>()},      {"max", binary<lax::max>()},
        {"min", binary<lax::min>()},      {"pow", binary<lax::pow>()},      {"atan2", binary<lax::atan2>()},
    };
    t["round"] = [](const std::vector<array>& x) { return lax::round(x.at(0)); };
    for (int y : {-3, -2, -1, 0, 1, 2, 3, 5})
      t["integer_pow" + std::to_string(y)] = [y](const std::vector<array>& x) { return lax::integer_pow(x.at(0), y); };
    auto pow_int = [](array y) { return [y](const std::vector<array>& x) { return lax::pow(x.at(0), y); }; };
    t["pow_i0"] = pow_int(array(0, xjax::int32));
    t["pow_i3"] = pow_int(array(3, xjax::int32));
    t["pow_im2"] = pow_int(array(-2, xjax::int32));
    t["pow_ivec"] = pow_int(array::from_vector<std::int32_t>({0, 1, -1, 3, 2}));
    t["polygamma1"] = [](const std::vector<array>& x) { return lax::polygamma(array(1.0f, xjax::float32), x.at(0)); };
    t["polygamma2"] = [](const std::vector<array>& x) { return lax::polygamma(array(2.0f, xjax::float32), x.at(0)); };
    t["clamp"] = [](const std::vector<array>& x) { return lax::clamp(x.at(0), x.at(1), x.at(2)); };
    t["clamp_scalar_bounds"] = [](const std::vector<array>& x) {
      return lax::clamp(array(1.0f, xjax::float32), x.at(0), array(2.0f, xjax::float32));
    };
    t["select_bool"] = [](const std::vector<array>& x) {
      return lax::select_n(array::from_vector<bool>({true, false, true}), x.at(0), x.at(1));
    };
    t["select_int"] = [](const std::vector<array>& x) {
      return lax::select_n(array::from_vector<std::int32_t>({2, 0, 1, 1}), x.at(0), x.at(1), x.at(2));
    };
    t["where_naive"] = [](const std::vector<array>& x) {
      return jnp::where(x.at(0) > 0, jnp::sqrt(x.at(0)), 0.0);
    };
    t["where_safe"] = [](const std::vector<array>& x) {
      array pos = x.at(0) > 0;
      return jnp::where(pos, jnp::sqrt(jnp::where(pos, x.at(0), 1.0)), 0.0);
    };
    t["convert_int"] = [](const std::vector<array>& x) {
      return x.at(0) * lax::convert_element_type(lax::convert_element_type(x.at(0), xjax::int32), xjax::float32);
    };
    t["convert_f64"] = [](const std::vector<array>& x) {
      return lax::convert_element_type(x.at(0), xjax::float64) * 3.0;
    };
    return t;
  }();
  return table;
}

const fn_t& function(const std::string& name) {
  auto it = functions().find(name);
  if (it == functions().end()) throw std::runtime_error("no function named " + name + " in the test's table");
  return it->second;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

/// Tolerance of the golden comparison: the reference kernels compute in double and
/// round once, XLA's float32 kernels are a few ulps off, and derivatives compound it.
double rtol_for(const std::string& fn, dtype d) {
  if (d == xjax::float64) {
    if (fn == "lgamma" || fn == "digamma" || fn == "erf_inv" || fn.rfind("polygamma", 0) == 0) return 1e-9;
    return 1e-12;
  }
  if (fn == "lgamma" || fn == "digamma" || fn == "erf_inv" || fn.rfind("polygamma", 0) == 0 || fn == "tan" ||
      fn == "acosh" || fn == "asinh")
    return 2e-4;
  return 2e-5;
}

/// Absolute tolerance of the golden comparison: XLA flushes subnormal results to zero
/// (the reference backend keeps them), and XLA's float32 lgamma is 5e-7 off at 1 and 2.
double atol_for(const std::string& fn, dtype d) {
  if (d == xjax::float64) return std::numeric_limits<double>::min();
  if (fn == "lgamma") return 1e-6;
  return std::numeric_limits<float>::min();
}

void check_close(const array& got, const array& want, const std::string& what, double rtol, double atol) {
  std::string err = xjax::testing::compare(got, want, rtol, atol);
  INFO(what);
  INFO("got " << got << " want " << want);
  CHECK_MESSAGE(err.empty(), err);
}

/// The jvp of a flat function along all-ones tangents: {outputs, tangents}.
std::pair<array, array> jvp_ones(const fn_t& f, const std::vector<array>& xs) {
  std::vector<array> ts;
  for (auto& x : xs) ts.push_back(ones_like(x));
  return xjax::jvp(f, std::tuple{xs}, std::tuple{ts});
}

/// The vjp of a flat function for an all-ones cotangent: {output, input cotangents}.
std::pair<array, std::vector<array>> vjp_ones(const fn_t& f, const std::vector<array>& xs) {
  auto [y, pullback] = xjax::vjp(f, xs);
  auto [cts] = pullback(ones_like(y));
  return {y, cts};
}

// ---------------------------------------------------------------------------
// Deterministic sample points.

/// `n` values in [lo, hi) from a fixed sequence (seeded by `seed`).
std::vector<double> uniform(std::size_t n, double lo, double hi, unsigned seed) {
  std::vector<double> out(n);
  std::uint64_t s = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (auto& v : out) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v = lo + (hi - lo) * static_cast<double>(s >> 11) / static_cast<double>(1ull << 53);
  }
  return out;
}

array sample(const shape_t& shape, double lo, double hi, dtype d, unsigned seed) {
  std::vector<double> v = uniform(static_cast<std::size_t>(xjax::shape_size(shape)), lo, hi, seed);
  return array(v, shape, d);
}

const std::vector<shape_t>& unary_shapes() {
  static const std::vector<shape_t> s{{}, {5}, {2, 3}};
  return s;
}

/// Operand shape pairs of binary ops: equal shapes, and broadcasting (size-1 dims, 0-d).
const std::vector<std::pair<shape_t, shape_t>>& binary_shapes() {
  static const std::vector<std::pair<shape_t, shape_t>> s{
      {{}, {}}, {{5}, {5}}, {{2, 3}, {2, 3}}, {{1, 3}, {2, 3}}, {{2, 3}, {}}, {{}, {2, 3}}, {{2, 1}, {1, 3}}};
  return s;
}

const dtype float_dtypes[] = {xjax::float32, xjax::float64};

std::string describe(const std::vector<array>& xs) {
  std::string s;
  for (auto& x : xs) s += x.aval().str() + " ";
  return s;
}

void check_grads_2(const fn_t& f, const std::vector<array>& xs, xjax::test::grad_check_options opts = {}) {
  INFO("operands " << describe(xs));
  CHECK_NOTHROW(xjax::test::check_grads(f, std::tuple{xs}, 2, {"fwd", "rev"}, opts));
}

struct unary_case {
  const char* name;
  double lo, hi;
};

}  // namespace

// ---------------------------------------------------------------------------
// check_grads at order 2, both modes

TEST_CASE("ad elementwise: check_grads of every differentiable unary primitive") {
  // Domains away from kinks, poles and branch cuts.
  const unary_case cases[] = {
      {"neg", -3, 3},      {"abs", 0.5, 3},     {"abs", -3, -0.5},   {"square", -3, 3},     {"exp", -2, 2},
      {"exp2", -2, 2},     {"expm1", -2, 2},    {"log", 0.5, 3},     {"log1p", -0.5, 2},    {"sqrt", 0.5, 3},
      {"rsqrt", 0.5, 3},   {"cbrt", 0.5, 3},    {"cbrt", -3, -0.5},  {"sin", -3, 3},        {"cos", -3, 3},
      {"tan", -1, 1},      {"asin", -0.8, 0.8}, {"acos", -0.8, 0.8}, {"atan", -3, 3},       {"sinh", -2, 2},
      {"cosh", -2, 2},     {"tanh", -2, 2},     {"asinh", -3, 3},    {"acosh", 1.5, 3},     {"atanh", -0.8, 0.8},
      {"logistic", -3, 3}, {"erf", -2, 2},      {"erfc", -2, 2},     {"erf_inv", -0.8, 0.8}, {"lgamma", 0.5, 4},
      {"lgamma", -0.8, -0.2}, {"digamma", 0.5, 4}, {"digamma", -2.8, -2.2},
      {"integer_pow-3", 0.5, 2}, {"integer_pow-2", -2, -0.5}, {"integer_pow-1", 0.5, 2}, {"integer_pow0", -2, 2},
      {"integer_pow1", -2, 2}, {"integer_pow2", -2, 2}, {"integer_pow3", -2, 2}, {"integer_pow5", -1.5, 1.5},
      // Piecewise constant: zero derivatives, consistent with finite differences away from the jumps.
      {"sign", 0.5, 3},    {"floor", 0.2, 0.8}, {"ceil", 1.2, 1.8},  {"round", 2.1, 2.4},
  };
  unsigned seed = 0;
  for (const auto& c : cases) {
    for (dtype d : float_dtypes) {
      for (const auto& shape : unary_shapes()) {
        INFO(c.name << " on " << d.name() << xjax::shape_str(shape));
        check_grads_2(function(c.name), {sample(shape, c.lo, c.hi, d, ++seed)});
      }
    }
  }
}

TEST_CASE("ad elementwise: check_grads of polygamma in x") {
  unsigned seed = 100;
  for (double m : {0.0, 1.0, 2.0, 3.0}) {
    for (dtype d : float_dtypes) {
      for (const auto& shape : unary_shapes()) {
        INFO("m = " << m << " on " << d.name() << xjax::shape_str(shape));
        fn_t f = [m](const std::vector<array>& x) { return lax::polygamma(array(m, x[0].dtype()), x[0]); };
        check_grads_2(f, {sample(shape, 0.5, 4, d, ++seed)});
        // Between the poles at -2 and -1, where the derivatives are steep: a smaller step.
        check_grads_2(f, {sample(shape, -1.7, -1.3, d, ++seed)}, {.eps = 1e-5, .atol = 1e-4, .rtol = 1e-4});
      }
    }
  }
}

TEST_CASE("ad elementwise: check_grads of every differentiable binary primitive, broadcasting") {
  struct binary_case {
    const char* name;
    double xlo, xhi, ylo, yhi;
  };
  const binary_case cases[] = {
      {"add", -3, 3, -3, 3},     {"sub", -3, 3, -3, 3},     {"mul", -3, 3, -3, 3},  {"div", -3, 3, 0.5, 3},
      {"div", -3, 3, -3, -0.5},  {"rem", 0.2, 0.8, 1.5, 2.5}, {"rem", -5, -3.2, 1.1, 1.5},
      {"max", -2, 2, -2, 2},     {"min", -2, 2, -2, 2},     {"pow", 0.5, 2, -2, 2}, {"atan2", -2, 2, 0.5, 2},
      {"atan2", 0.5, 2, -2, -0.5},
  };
  unsigned seed = 1000;
  for (const auto& c : cases) {
    for (dtype d : float_dtypes) {
      for (const auto& [sx, sy] : binary_shapes()) {
        INFO(c.name << " on " << d.name() << xjax::shape_str(sx) << " and " << xjax::shape_str(sy));
        array x = sample(sx, c.xlo, c.xhi, d, ++seed);
        array y = sample(sy, c.ylo, c.yhi, d, ++seed);
        check_grads_2(function(c.name), {x, y});
      }
    }
  }
}

TEST_CASE("ad elementwise: check_grads of pow with an integer exponent") {
  unsigned seed = 2000;
  for (dtype d : float_dtypes) {
    for (const auto& [sx, sy] : binary_shapes()) {
      INFO(d.name() << xjax::shape_str(sx) << " ^ int32" << xjax::shape_str(sy));
      array x = sample(sx, 0.5, 2, d, ++seed);
      std::vector<double> e = uniform(static_cast<std::size_t>(xjax::shape_size(sy)), -3, 4, ++seed);
      std::vector<std::int32_t> ei;
      for (double v : e) ei.push_back(static_cast<std::int32_t>(std::floor(v)));
      array y = array(ei, sy);
      fn_t f = [y](const std::vector<array>& xs) { return lax::pow(xs[0], y); };
      check_grads_2(f, {x});
      // The exponent is an integer leaf: held fixed by check_grads.
      check_grads_2(binary<lax::pow>(), {x, y});
    }
  }
}

TEST_CASE("ad elementwise: check_grads of select_n, clamp and the conversions") {
  unsigned seed = 3000;
  for (dtype d : float_dtypes) {
    for (const auto& shape : unary_shapes()) {
      INFO(d.name() << xjax::shape_str(shape));
      const auto n = static_cast<std::size_t>(xjax::shape_size(shape));
      std::vector<bool> pred;
      std::vector<std::int32_t> which;
      for (double v : uniform(n, 0, 3, ++seed)) {
        pred.push_back(v < 1.5);
        which.push_back(static_cast<std::int32_t>(v) - (v < 0.3 ? 1 : 0));  // -1 clamps to case 0
      }
      array p = array(pred, shape), w = array(which, shape);
      array a = sample(shape, -2, 2, d, ++seed), b = sample(shape, -2, 2, d, ++seed), c = sample(shape, -2, 2, d, ++seed);
      check_grads_2([p](const std::vector<array>& x) { return lax::select_n(p, x[0], x[1]); }, {a, b});
      check_grads_2([w](const std::vector<array>& x) { return lax::select_n(w, x[0], x[1], x[2]); }, {a, b, c});
      // A 0-d `which`, and one case only.
      check_grads_2([](const std::vector<array>& x) { return lax::select_n(array(true), x[0], x[1]); }, {a, b});
      check_grads_2([](const std::vector<array>& x) { return lax::select_n(array(false), x[0]); }, {a});
      // clamp: bounds of x's shape or 0-d (their tangents broadcast), x away from them.
      array x = sample(shape, -2, 2, d, ++seed);
      array lo = sample(shape, -1.5, -0.5, d, ++seed), hi = sample(shape, 0.5, 1.5, d, ++seed);
      check_grads_2(function("clamp"), {lo, x, hi});
      check_grads_2(function("clamp"), {array(-1.3, d), x, array(1.3, d)});
      // (With lo > hi clamp gives hi everywhere, but JAX's rule, followed here, gives hi's
      // tangent only where hi < x: the rule assumes lo <= hi.)
      // convert_element_type between floats (through float32: finite differences need a wider step).
      check_grads_2([](const std::vector<array>& x) { return lax::convert_element_type(x[0], xjax::float32); }, {a},
                    {.eps = 1e-2, .atol = 1e-3, .rtol = 1e-3});
      check_grads_2(
          [](const std::vector<array>& x) {
            return lax::mul(lax::convert_element_type(lax::convert_element_type(x[0], xjax::float32), xjax::float64),
                            x[1]);
          },
          {a, b}, {.eps = 1e-2, .atol = 1e-3, .rtol = 1e-3});
      check_grads_2([](const std::vector<array>& x) { return lax::convert_element_type(x[0], xjax::float64, true); },
                    {a});
    }
  }
}

// ---------------------------------------------------------------------------
// Golden values from JAX

TEST_CASE("ad elementwise: derivatives at JAX's edge points (golden)") {
  const auto& g = xjax::testing::golden_file::load("ad_elementwise");
  int checked = 0;
  for (const auto& c : g.cases()) {
    std::vector<std::string> parts = split(c.name, ';');
    REQUIRE(parts.size() == 3);
    const std::string &name = parts[0], &mode = parts[1];
    if (mode == "eqns") continue;
    const fn_t& f = function(name);
    INFO("case " << c.name);
    const double rtol = rtol_for(name, c.outputs[0].dtype()), atol = atol_for(name, c.outputs[0].dtype());
    if (mode == "jvp") {
      auto [y, t] = jvp_ones(f, c.inputs);
      check_close(y, c.outputs.at(0), "output", rtol, atol);
      check_close(t, c.outputs.at(1), "tangent", rtol, atol);
    } else if (mode == "vjp") {
      auto [y, cts] = vjp_ones(f, c.inputs);
      check_close(y, c.outputs.at(0), "output", rtol, atol);
      REQUIRE(cts.size() + 1 == c.outputs.size());
      for (std::size_t i = 0; i < cts.size(); ++i) check_close(cts[i], c.outputs[i + 1], "cotangent", rtol, atol);
    } else if (mode == "d2f") {
      auto d1 = [&f](const array& x) { return jvp_ones(f, {x}).second; };
      auto [d1x, d2] = xjax::jvp(d1, std::tuple{c.inputs[0]}, std::tuple{ones_like(c.inputs[0])});
      check_close(d2, c.outputs.at(0), "second derivative (forward over forward)", 10 * rtol, atol);
    } else if (mode == "d2r") {
      auto d1 = [&f](const array& x) { return vjp_ones(f, {x}).second.at(0); };
      auto [d1x, pullback] = xjax::vjp(d1, c.inputs[0]);
      auto [d2] = pullback(ones_like(d1x));
      check_close(d2, c.outputs.at(0), "second derivative (reverse over reverse)", 10 * rtol, atol);
    } else {
      FAIL("unknown mode " << mode);
    }
    ++checked;
  }
  CHECK(checked > 300);
}

TEST_CASE("ad elementwise: grad jaxprs have no more equations than JAX's") {
  const auto& g = xjax::testing::golden_file::load("ad_elementwise");
  int checked = 0;
  for (const auto& c : g.cases()) {
    std::vector<std::string> parts = split(c.name, ';');
    if (parts.at(1) != "eqns") continue;
    const fn_t& f = function(parts[0]);
    auto loss = [&f](const std::vector<array>& xs) { return jnp::sum(f(xs)); };
    xjax::closed_jaxpr j = xjax::make_jaxpr(xjax::grad(loss))(c.inputs);
    const auto jax_count = c.outputs.at(0).item<std::int32_t>();
    INFO("case " << c.name << ": xjax's jaxpr\n" << j);
    CHECK(static_cast<std::int64_t>(j.jaxpr->eqns.size()) <= jax_count);
    ++checked;
  }
  CHECK(checked >= 30);
}

TEST_CASE("ad elementwise: the jaxpr of a JVP is JAX's") {
  // jax.make_jaxpr(lambda x, t: jax.jvp(lax.sqrt, (x,), (t,)))(x, t): sqrt's tangent is
  // t * (0.5 / sqrt(x)), reusing the primal output.
  auto jvp_sqrt = [](const array& p, const array& t) {
    auto [y, ty] = xjax::jvp(lax::sqrt, std::tuple{p}, std::tuple{t});
    return std::vector<array>{y, ty};
  };
  array x = array(0.7f, xjax::float32);
  std::ostringstream s;
  s << xjax::make_jaxpr(jvp_sqrt)(x, x);
  CHECK(s.str() ==
        "{ lambda ; a:f32[] b:f32[]. let\n"
        "    c:f32[] = sqrt a\n"
        "    d:f32[] = div 0.5:f32[] c\n"
        "    e:f32[] = mul b d\n"
        "  in (c, e) }");
}

// ---------------------------------------------------------------------------
// Non-differentiable primitives, and the rules' errors

TEST_CASE("ad elementwise: piecewise constant and integer primitives have zero tangents") {
  array x = array::from_vector<float>({-1.5f, 0.0f, 0.5f, 2.5f});
  array t = ones_like(x);
  using F = std::function<array(const array&)>;
  const std::pair<const char*, F> float_in[] = {
      {"sign", lax::sign},
      {"floor", lax::floor},
      {"ceil", lax::ceil},
      {"round", [](const array& a) { return lax::round(a); }},
      {"is_finite", lax::is_finite},
      {"eq", [](const array& a) { return lax::eq(a, array(0.5f, xjax::float32)); }},
      {"lt", [](const array& a) { return lax::lt(a, array(0.5f, xjax::float32)); }},
      {"ge", [](const array& a) { return lax::ge(a, lax::neg(a)); }},
      {"convert to int32", [](const array& a) { return lax::convert_element_type(a, xjax::int32); }},
      {"convert to bool", [](const array& a) { return lax::convert_element_type(a, xjax::bool_); }},
      {"bitcast to int32", [](const array& a) { return lax::bitcast_convert_type(a, xjax::int32); }},
  };
  for (const auto& [name, f] : float_in) {
    INFO(name);
    auto [y, ty] = xjax::jvp(f, std::tuple{x}, std::tuple{t});
    CHECK(ty.aval() == y.aval());
    for (double v : lax::convert_element_type(ty, xjax::float64).to_vector<double>()) CHECK(v == 0);
    // Reverse mode: a zero cotangent for x (floating outputs only can carry one).
    if (y.dtype().is_floating()) {
      auto [y2, pullback] = xjax::vjp(f, x);
      auto [ct] = pullback(ones_like(y2));
      for (double v : ct.to_vector<double>()) CHECK(v == 0);
    }
  }
  // The rules themselves return symbolic zeros (no tangent computation staged).
  std::vector<array> primals{x}, tangents{t};
  CHECK(!prim::sign_p().jvp(primals, tangents, *xjax::make_params(xjax::no_params{})).tangents[0].valid());
  CHECK(!prim::floor_p().jvp(primals, tangents, *xjax::make_params(xjax::no_params{})).tangents[0].valid());
  CHECK(!prim::convert_element_type_p()
             .jvp(primals, tangents, *xjax::make_params(prim::convert_element_type_params{xjax::int32, false}))
             .tangents[0]
             .valid());
  // Integer and bool operands: every tangent is zero, so the rule is never needed;
  // called anyway, it gives zeros.
  array i = array::from_vector<std::int32_t>({1, 2, 7});
  std::vector<array> ip{i, i}, it{i, i};
  auto np = xjax::make_params(xjax::no_params{});
  for (const xjax::primitive* p :
       std::initializer_list<const xjax::primitive*>{&prim::and_p(), &prim::or_p(), &prim::xor_p(),
                                                      &prim::shift_left_p(), &prim::shift_right_logical_p(),
                                                      &prim::shift_right_arithmetic_p(), &prim::ne_p(), &prim::gt_p()}) {
    INFO(p->name());
    CHECK(!p->jvp(ip, it, *np).tangents[0].valid());
  }
  std::vector<array> i1{i};
  CHECK(!prim::not_p().jvp(i1, i1, *np).tangents[0].valid());
  CHECK(!prim::population_count_p().jvp(i1, i1, *np).tangents[0].valid());
  // Through the API: integer functions of integer inputs get zero (integer) tangents.
  auto [yi, ti] = xjax::jvp([](const array& a) { return lax::population_count(a); }, std::tuple{i}, std::tuple{i});
  for (auto v : ti.to_vector<std::int32_t>()) CHECK(v == 0);
}

TEST_CASE("ad elementwise: transpose rules sum broadcast cotangents back (unbroadcast)") {
  auto np = xjax::make_params(xjax::no_params{});
  array ct = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  aval row{{1, 3}, xjax::float32, false}, col{{2, 1}, xjax::float32, false}, scalar{{}, xjax::float32, false};
  array y = array::from_vector<float>({1, 2, 3}, {1, 3});
  {  // add: x of shape (1, 3) linear, y a constant
    std::vector<lin_arg> args{{array(), row}, {y, y.aval()}};
    auto out = prim::add_p().transpose(std::vector{ct}, args, *np);
    REQUIRE(out[0].valid());
    CHECK(out[0].shape() == shape_t{1, 3});
    CHECK(out[0].to_vector<float>() == std::vector<float>{5, 7, 9});
    CHECK(!out[1].valid());
  }
  {  // sub: both linear, x of shape (2, 1), y 0-d
    std::vector<lin_arg> args{{array(), col}, {array(), scalar}};
    auto out = prim::sub_p().transpose(std::vector{ct}, args, *np);
    CHECK(out[0].to_vector<float>() == std::vector<float>{6, 15});
    CHECK(out[0].shape() == shape_t{2, 1});
    CHECK(out[1].shape() == shape_t{});
    CHECK(out[1].item<float>() == -21);
  }
  {  // mul by a constant of shape (1, 3), the linear operand (2, 3)
    std::vector<lin_arg> args{{y, y.aval()}, {array(), ct.aval()}};
    auto out = prim::mul_p().transpose(std::vector{ct}, args, *np);
    CHECK(!out[0].valid());
    CHECK(out[1].to_vector<float>() == std::vector<float>{1, 4, 9, 4, 10, 18});
  }
  {  // div: linear 0-d numerator
    std::vector<lin_arg> args{{array(), scalar}, {y, y.aval()}};
    array ct13 = array::from_vector<float>({2, 4, 6}, {1, 3});
    auto out = prim::div_p().transpose(std::vector{ct13}, args, *np);
    CHECK(out[0].item<float>() == 6);
  }
  {  // neg; and a symbolic zero cotangent gives symbolic zeros
    std::vector<lin_arg> args{{array(), ct.aval()}};
    CHECK(prim::neg_p().transpose(std::vector{ct}, args, *np)[0].to_vector<float>() ==
          std::vector<float>{-1, -2, -3, -4, -5, -6});
    CHECK(!prim::neg_p().transpose(std::vector{array()}, args, *np)[0].valid());
  }
  {  // select_n: bool and integer `which`
    array p = array::from_vector<bool>({true, false, true, false, false, true}, {2, 3});
    std::vector<lin_arg> args{{p, p.aval()}, {array(), ct.aval()}, {array(), ct.aval()}};
    auto out = prim::select_n_p().transpose(std::vector{ct}, args, *np);
    CHECK(out[1].to_vector<float>() == std::vector<float>{0, 2, 0, 4, 5, 0});
    CHECK(out[2].to_vector<float>() == std::vector<float>{1, 0, 3, 0, 0, 6});
    array w = array::from_vector<std::int32_t>({0, 1, 2, 2, 1, 0}, {2, 3});
    std::vector<lin_arg> args3{{w, w.aval()}, {array(), ct.aval()}, {array(), ct.aval()}, {array(), ct.aval()}};
    auto out3 = prim::select_n_p().transpose(std::vector{ct}, args3, *np);
    CHECK(!out3[0].valid());
    CHECK(out3[3].to_vector<float>() == std::vector<float>{0, 0, 3, 4, 0, 0});
  }
  {  // convert_element_type: back to the operand's dtype and weak type
    aval weak{{}, xjax::float32, true};
    std::vector<lin_arg> args{{array(), weak}};
    auto p = xjax::make_params(prim::convert_element_type_params{xjax::float64, false});
    auto out = prim::convert_element_type_p().transpose(std::vector{array(2.0, xjax::float64)}, args, *p);
    CHECK(out[0].aval() == weak);
  }
}

TEST_CASE("ad elementwise: errors of the rules") {
  auto np = xjax::make_params(xjax::no_params{});
  array x = array::from_vector<float>({1, 2});
  // nextafter has no JVP rule, as in JAX.
  CHECK_THROWS_AS(xjax::jvp(binary<lax::nextafter>(), std::tuple{std::vector{x, x}}, std::tuple{std::vector{x, x}}),
                  xjax::not_implemented_error);
  // polygamma is not differentiable in m (JAX raises too).
  CHECK_THROWS_WITH_AS(
      xjax::jvp([](const array& m, const array& v) { return lax::polygamma(m, v); }, std::tuple{x, x}, std::tuple{x, x}),
      doctest::Contains("polygamma"), xjax::value_error);
  // Transposes of non-linear uses.
  std::vector<lin_arg> both{{array(), x.aval()}, {array(), x.aval()}};
  CHECK_THROWS_WITH_AS(prim::mul_p().transpose(std::vector{x}, both, *np), doctest::Contains("[mul]"),
                       xjax::value_error);
  CHECK_THROWS_WITH_AS(prim::div_p().transpose(std::vector{x}, both, *np), doctest::Contains("divisor"),
                       xjax::value_error);
  array p = array::from_vector<bool>({true, false});
  std::vector<lin_arg> sel{{array(), p.aval()}, {x, x.aval()}, {array(), x.aval()}};
  CHECK_THROWS_WITH_AS(prim::select_n_p().transpose(std::vector{x}, sel, *np), doctest::Contains("[select_n]"),
                       xjax::value_error);
}

TEST_CASE("ad elementwise: polygamma values (JAX's lax.polygamma)") {
  // Through the golden d2f/d2r cases of digamma and the polygamma cases; here the
  // domain conventions: NaN unless m is a natural number, poles at non-positive integers.
  auto pg = [](double m, double v) {
    return lax::polygamma(array(m, xjax::float64), array(v, xjax::float64)).item<double>();
  };
  CHECK(std::isnan(pg(0.5, 2)));
  CHECK(std::isnan(pg(-1, 2)));
  CHECK(pg(1, 0) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(pg(2, -2)));
  CHECK(pg(1, 1) == doctest::Approx(std::numbers::pi * std::numbers::pi / 6).epsilon(1e-14));
  CHECK(pg(2, 1) == doctest::Approx(-2.4041138063191885).epsilon(1e-14));
  CHECK(pg(3, 0.5) == doctest::Approx(97.40909103400244).epsilon(1e-13));
  CHECK(pg(1, -0.5) == doctest::Approx(std::numbers::pi * std::numbers::pi / 2 + 4).epsilon(1e-13));
  CHECK(pg(0, 3) == doctest::Approx(0.9227843350984671).epsilon(1e-14));
}
