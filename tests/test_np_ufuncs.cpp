// xjax::numpy elementwise functions against jax.numpy (tests/golden/gen_np_ufuncs.py):
// every case runs eagerly, through make_jaxpr (only lax primitives; the text must be
// JAX's where JAX's jaxpr is flat, i.e. has no inner jit or custom_jvp_call) and
// through eval_jaxpr. Then promotion with C++ scalars and the errors.
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

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
using xjax::array;

namespace {

using args_t = std::vector<std::optional<array>>;

/// A golden case name "<op>;args=<tokens>;<key>=<value>...;<tag>", split.
struct np_case {
  std::string op;
  std::vector<std::string> tokens;
  std::map<std::string, std::string> params;

  explicit np_case(const std::string& name) {
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

  /// The arguments: input arrays for A, weak C++ scalars for F/I, nullopt for N.
  args_t args(const std::vector<array>& inputs) const {
    args_t out;
    std::size_t next = 0;
    for (auto& t : tokens) {
      if (t == "A") out.emplace_back(inputs.at(next++));
      else if (t == "N") out.emplace_back(std::nullopt);
      else if (t[0] == 'F') out.emplace_back(array(std::strtod(t.c_str() + 1, nullptr)));
      else out.emplace_back(array(std::stoi(t.substr(1))));
    }
    return out;
  }
  std::optional<double> opt_double(const std::string& key) const {
    auto& v = params.at(key);
    if (v == "None") return std::nullopt;
    return std::strtod(v.c_str(), nullptr);
  }
};

using op_fn = std::function<array(const np_case&, const args_t&)>;

op_fn U(array (*f)(const array&)) {
  return [f](const np_case&, const args_t& a) { return f(*a[0]); };
}
op_fn B(array (*f)(const array&, const array&)) {
  return [f](const np_case&, const args_t& a) { return f(*a[0], *a[1]); };
}

const std::map<std::string, op_fn>& ops() {
  static const std::map<std::string, op_fn> table = {
      {"negative", U(jnp::negative)}, {"positive", U(jnp::positive)}, {"absolute", U(jnp::absolute)},
      {"abs", U(jnp::abs)}, {"fabs", U(jnp::fabs)}, {"sign", U(jnp::sign)}, {"floor", U(jnp::floor)},
      {"ceil", U(jnp::ceil)}, {"trunc", U(jnp::trunc)}, {"rint", U(jnp::rint)}, {"square", U(jnp::square)},
      {"reciprocal", U(jnp::reciprocal)}, {"exp", U(jnp::exp)}, {"exp2", U(jnp::exp2)}, {"expm1", U(jnp::expm1)},
      {"log", U(jnp::log)}, {"log1p", U(jnp::log1p)}, {"log2", U(jnp::log2)}, {"log10", U(jnp::log10)},
      {"sqrt", U(jnp::sqrt)}, {"cbrt", U(jnp::cbrt)}, {"sin", U(jnp::sin)}, {"cos", U(jnp::cos)},
      {"tan", U(jnp::tan)}, {"arcsin", U(jnp::arcsin)}, {"arccos", U(jnp::arccos)}, {"arctan", U(jnp::arctan)},
      {"sinh", U(jnp::sinh)}, {"cosh", U(jnp::cosh)}, {"tanh", U(jnp::tanh)}, {"arcsinh", U(jnp::arcsinh)},
      {"arccosh", U(jnp::arccosh)}, {"arctanh", U(jnp::arctanh)}, {"deg2rad", U(jnp::deg2rad)},
      {"rad2deg", U(jnp::rad2deg)}, {"degrees", U(jnp::degrees)}, {"radians", U(jnp::radians)},
      {"sinc", U(jnp::sinc)}, {"isnan", U(jnp::isnan)}, {"isinf", U(jnp::isinf)}, {"isfinite", U(jnp::isfinite)},
      {"isposinf", U(jnp::isposinf)}, {"isneginf", U(jnp::isneginf)}, {"signbit", U(jnp::signbit)},
      {"logical_not", U(jnp::logical_not)}, {"bitwise_not", U(jnp::bitwise_not)}, {"invert", U(jnp::invert)},
      {"bitwise_invert", U(jnp::bitwise_invert)},
      {"add", B(jnp::add)}, {"subtract", B(jnp::subtract)}, {"multiply", B(jnp::multiply)},
      {"divide", B(jnp::divide)}, {"true_divide", B(jnp::true_divide)}, {"floor_divide", B(jnp::floor_divide)},
      {"remainder", B(jnp::remainder)}, {"mod", B(jnp::mod)}, {"fmod", B(jnp::fmod)}, {"power", B(jnp::power)},
      {"pow", B(jnp::pow)}, {"float_power", B(jnp::float_power)}, {"arctan2", B(jnp::arctan2)},
      {"hypot", B(jnp::hypot)}, {"logaddexp", B(jnp::logaddexp)}, {"logaddexp2", B(jnp::logaddexp2)},
      {"maximum", B(jnp::maximum)}, {"minimum", B(jnp::minimum)}, {"fmax", B(jnp::fmax)}, {"fmin", B(jnp::fmin)},
      {"heaviside", B(jnp::heaviside)}, {"copysign", B(jnp::copysign)}, {"nextafter", B(jnp::nextafter)},
      {"logical_and", B(jnp::logical_and)}, {"logical_or", B(jnp::logical_or)},
      {"logical_xor", B(jnp::logical_xor)}, {"bitwise_and", B(jnp::bitwise_and)},
      {"bitwise_or", B(jnp::bitwise_or)}, {"bitwise_xor", B(jnp::bitwise_xor)}, {"left_shift", B(jnp::left_shift)},
      {"right_shift", B(jnp::right_shift)}, {"equal", B(jnp::equal)}, {"not_equal", B(jnp::not_equal)},
      {"less", B(jnp::less)}, {"less_equal", B(jnp::less_equal)}, {"greater", B(jnp::greater)},
      {"greater_equal", B(jnp::greater_equal)},
      {"where", [](const np_case&, const args_t& a) { return jnp::where(*a[0], *a[1], *a[2]); }},
      {"clip", [](const np_case&, const args_t& a) { return jnp::clip(*a[0], a[1], a[2]); }},
      {"round", [](const np_case& c, const args_t& a) { return jnp::round(*a[0], std::stoll(c.params.at("decimals"))); }},
      {"around", [](const np_case&, const args_t& a) { return jnp::around(*a[0]); }},
      {"nan_to_num",
       [](const np_case& c, const args_t& a) {
         return jnp::nan_to_num(*a[0], *c.opt_double("nan"), c.opt_double("posinf"), c.opt_double("neginf"));
       }},
  };
  return table;
}

/// Whether our jaxpr can print as JAX's: JAX's has no inner jit (ours inlines those),
/// and it has a custom_jvp_call exactly when ours has one (logaddexp is a custom_jvp
/// function in both; others JAX wraps in custom_jvp, xjax inlines).
bool comparable(const std::string& jax_text, const std::string& ours) {
  auto has = [](const std::string& t, const char* p) { return t.find(p) != std::string::npos; };
  return !has(jax_text, "jit[") && !has(jax_text, "custom_vjp_call") &&
         has(jax_text, "custom_jvp_call") == has(ours, "custom_jvp_call");
}

/// Exact for integers and bools; floats within a few ulps (XLA's and libm's
/// transcendental functions differ in the last bits), NaN as NaN, infinities exactly.
std::string compare(const array& got, const array& want) { return xjax::testing::compare(got, want); }

struct counts {
  int cases = 0, texts = 0;
};

/// Replays the golden cases of `op`.
counts run_golden(const std::string& op) {
  const auto& file = xjax::testing::golden_file::load("np_ufuncs");
  const op_fn& fn = ops().at(op);
  counts n;
  for (const auto& g : file.cases()) {
    np_case c(g.name);
    if (c.op != op) continue;
    ++n.cases;
    INFO("case " << g.name);
    REQUIRE(g.outputs.size() == 1);
    array got = fn(c, c.args(g.inputs));
    std::string err = compare(got, g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eager: " << err);
    auto traced = [&](const std::vector<array>& xs) { return std::vector<array>{fn(c, c.args(xs))}; };
    auto j = xjax::make_jaxpr(traced)(g.inputs);
    std::string text = xjax::to_string(j);
    if (comparable(g.jaxpr, text)) {
      CHECK(text == g.jaxpr);
      ++n.texts;
    }
    for (const char* p : {"jit[", "pjit"}) CHECK(text.find(p) == std::string::npos);
    if (g.jaxpr.find("custom_jvp_call") == std::string::npos) CHECK(text.find("custom_jvp_call") == std::string::npos);
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == 1);
    err = compare(staged[0], g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eval_jaxpr: " << err);
  }
  CHECK_MESSAGE(n.cases > 0, "no golden case for " << op);
  return n;
}

/// Runs f, which must throw E whose message contains every one of `needles`.
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

TEST_CASE("golden: every jax.numpy elementwise function, eager, traced and through eval_jaxpr") {
  std::set<std::string> names;
  for (const auto& g : xjax::testing::golden_file::load("np_ufuncs").cases()) {
    np_case c(g.name);
    if (c.op.rfind("op_", 0) == 0) continue;  // the operators: test_np_operators.cpp
    CHECK_MESSAGE(ops().count(c.op) == 1, "no C++ replay for " << g.name);
    names.insert(c.op);
  }
  for (const auto& op : names) {
    SUBCASE(op.c_str()) { run_golden(op); }
  }
  CHECK(names.size() >= 90);
}

TEST_CASE("golden: the jaxpr text is JAX's for most cases") {
  int cases = 0, texts = 0;
  for (const auto& g : xjax::testing::golden_file::load("np_ufuncs").cases()) {
    ++cases;
    texts += g.jaxpr.find("jit[") == std::string::npos && g.jaxpr.find("custom_") == std::string::npos;
  }
  CHECK(cases > 1000);
  CHECK(texts * 2 > cases);  // JAX's jaxpr is flat for most; those are compared as text
}

TEST_CASE("add and multiply promote like JAX between every pair of dtypes and with C++ scalars") {
  // The golden cases check values and dtypes; here the weak types, which the golden
  // format does not record.
  array i8 = array::from_vector<std::int8_t>({1, 2});
  array f16 = array::from_vector<xjax::half_t>({xjax::half_t(1.0f), xjax::half_t(2.0f)});
  CHECK(jnp::add(i8, 1).dtype() == xjax::int8);
  CHECK_FALSE(jnp::add(i8, 1).weak_type());
  CHECK(jnp::add(i8, 2.5).dtype() == xjax::float32);
  CHECK(jnp::multiply(f16, 2.0).dtype() == xjax::float16);
  CHECK(jnp::multiply(2, 3.0).weak_type());
  CHECK(jnp::multiply(2, 3.0).dtype() == xjax::float32);
  CHECK(jnp::add(2, 3).weak_type());
  CHECK(jnp::add(2, 3).dtype() == xjax::int32);
  CHECK(jnp::exp(1).weak_type());
  CHECK(jnp::exp(1).dtype() == xjax::float32);
  CHECK(jnp::add(true, true).dtype() == xjax::bool_);
  CHECK(jnp::remainder(true, true).dtype() == xjax::int32);
  auto i64 = array::from_vector<std::int64_t>({1, 2});
  CHECK(jnp::exp(i64).dtype() == xjax::float64);
  CHECK(jnp::add(i64, 2.5).dtype() == xjax::float64);
}

TEST_CASE("power: a C++ integer exponent is lax.integer_pow, as JAX's concrete int exponent") {
  array x = array::from_vector<float>({1.5f, -2.0f});
  auto j = xjax::make_jaxpr([](const array& t) { return jnp::power(t, 3); })(x);
  CHECK(xjax::to_string(j) == "{ lambda ; a:f32[2]. let b:f32[2] = integer_pow[y=3] a in (b,) }");
  CHECK(jnp::power(x, 2).to_vector<float>() == std::vector<float>{2.25f, 4.0f});
  array i = array::from_vector<std::int32_t>({2, 3});
  CHECK(jnp::power(i, 3).to_vector<int>() == std::vector<int>{8, 27});
  CHECK(jnp::power(i, i).to_vector<int>() == std::vector<int>{4, 27});
}

TEST_CASE("where, clip and nan_to_num with scalars and defaults") {
  array x = array::from_vector<float>({-2.0f, 0.5f, 3.0f});
  CHECK(jnp::clip(x, -1.0, 1.0).to_vector<float>() == std::vector<float>{-1.0f, 0.5f, 1.0f});
  CHECK(jnp::clip(x, std::nullopt, 0.0).to_vector<float>() == std::vector<float>{-2.0f, 0.0f, 0.0f});
  CHECK(jnp::clip(x).is_same(x));
  CHECK(jnp::where(jnp::less(x, 0), 0.0, x).to_vector<float>() == std::vector<float>{0.0f, 0.5f, 3.0f});
  array y = array::from_vector<float>({NAN, INFINITY, -INFINITY});
  auto z = jnp::nan_to_num(y).to_vector<float>();
  CHECK(z[0] == 0.0f);
  CHECK(z[1] == std::numeric_limits<float>::max());
  CHECK(z[2] == std::numeric_limits<float>::lowest());
}

TEST_CASE("errors name the function and the shapes or dtypes") {
  array f3 = array::from_vector<float>({1, 2, 3});
  array f4 = array::from_vector<float>({1, 2, 3, 4});
  array i3 = array::from_vector<std::int32_t>({1, 2, 3});
  array b3 = array::from_vector<bool>({true, false, true});
  array f23 = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  array f32x = array::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  check_error<xjax::shape_error>([&] { jnp::add(f3, f4); }, {"[add]", "(3,)", "(4,)"});
  check_error<xjax::shape_error>([&] { jnp::multiply(f23, f32x); }, {"[multiply]", "(2, 3)", "(3, 2)"});
  check_error<xjax::shape_error>([&] { jnp::where(b3, f3, f4); }, {"[where]", "(3,)", "(4,)"});
  check_error<xjax::shape_error>([&] { jnp::clip(f3, f4); }, {"(3,)", "(4,)"});
  check_error<xjax::shape_error>([&] { jnp::arctan2(f23, f4); }, {"[arctan2]", "(2, 3)", "(4,)"});
  check_error<xjax::type_error>([&] { jnp::bitwise_and(f3, f3); }, {"[bitwise_and]", "float32"});
  check_error<xjax::type_error>([&] { jnp::bitwise_or(i3, f3); }, {"[bitwise_or]", "int32", "float32"});
  check_error<xjax::type_error>([&] { jnp::bitwise_not(f3); }, {"[bitwise_not]", "f32[3]"});
  check_error<xjax::type_error>([&] { jnp::left_shift(f3, i3); }, {"[left_shift]", "float32", "int32"});
  check_error<xjax::type_error>([&] { jnp::right_shift(i3, f3); }, {"[right_shift]", "int32", "float32"});
  check_error<xjax::type_error>([&] { jnp::power(i3, -1); }, {"[integer_pow]", "negative"});
  check_error<xjax::type_error>([&] { jnp::subtract(b3, b3); }, {"[subtract]", "bool"});
  check_error<xjax::type_error>([&] { jnp::negative(b3); }, {"[negative]", "bool"});
  check_error<xjax::value_error>([&] { jnp::round(i3, -1); }, {"[round]", "decimals=-1"});
  // Under make_jaxpr too.
  check_error<xjax::shape_error>([&] { xjax::make_jaxpr([&](const array& t) { return jnp::add(t, f4); })(f3); },
                                 {"[add]", "(3,)", "(4,)"});
}
