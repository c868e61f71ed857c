// Elementwise primitives: every op against JAX's golden data (values and printed
// jaxprs), the semantics JAX defines at the edges, and the errors of bad input.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
using xjax::array;
using xjax::testing::compare;

namespace {

using args_t = std::vector<array>;
/// Replays one op from a golden case: (inputs, the case's param field) -> result.
using replay_fn = std::function<array(const args_t&, const std::string&)>;

template <array (*F)(const array&)> replay_fn unary() {
  return [](const args_t& a, const std::string&) { return F(a.at(0)); };
}
template <array (*F)(const array&, const array&)> replay_fn binary() {
  return [](const args_t& a, const std::string&) { return F(a.at(0), a.at(1)); };
}

/// Every op of the family, under its jax.lax name (the first field of a case name).
const std::map<std::string, replay_fn>& ops() {
  static const std::map<std::string, replay_fn> table = {
      {"neg", unary<lax::neg>()},
      {"sign", unary<lax::sign>()},
      {"abs", unary<lax::abs>()},
      {"square", unary<lax::square>()},
      {"floor", unary<lax::floor>()},
      {"ceil", unary<lax::ceil>()},
      {"is_finite", unary<lax::is_finite>()},
      {"exp", unary<lax::exp>()},
      {"exp2", unary<lax::exp2>()},
      {"expm1", unary<lax::expm1>()},
      {"log", unary<lax::log>()},
      {"log1p", unary<lax::log1p>()},
      {"sqrt", unary<lax::sqrt>()},
      {"rsqrt", unary<lax::rsqrt>()},
      {"cbrt", unary<lax::cbrt>()},
      {"sin", unary<lax::sin>()},
      {"cos", unary<lax::cos>()},
      {"tan", unary<lax::tan>()},
      {"asin", unary<lax::asin>()},
      {"acos", unary<lax::acos>()},
      {"atan", unary<lax::atan>()},
      {"sinh", unary<lax::sinh>()},
      {"cosh", unary<lax::cosh>()},
      {"tanh", unary<lax::tanh>()},
      {"asinh", unary<lax::asinh>()},
      {"acosh", unary<lax::acosh>()},
      {"atanh", unary<lax::atanh>()},
      {"logistic", unary<lax::logistic>()},
      {"erf", unary<lax::erf>()},
      {"erf_inv", unary<lax::erf_inv>()},
      {"lgamma", unary<lax::lgamma>()},
      {"digamma", unary<lax::digamma>()},
      {"bitwise_not", unary<lax::bitwise_not>()},
      {"population_count", unary<lax::population_count>()},
      {"add", binary<lax::add>()},
      {"sub", binary<lax::sub>()},
      {"mul", binary<lax::mul>()},
      {"div", binary<lax::div>()},
      {"rem", binary<lax::rem>()},
      {"max", binary<lax::max>()},
      {"min", binary<lax::min>()},
      {"pow", binary<lax::pow>()},
      {"atan2", binary<lax::atan2>()},
      {"nextafter", binary<lax::nextafter>()},
      {"bitwise_and", binary<lax::bitwise_and>()},
      {"bitwise_or", binary<lax::bitwise_or>()},
      {"bitwise_xor", binary<lax::bitwise_xor>()},
      {"shift_left", binary<lax::shift_left>()},
      {"shift_right_logical", binary<lax::shift_right_logical>()},
      {"shift_right_arithmetic", binary<lax::shift_right_arithmetic>()},
      {"eq", binary<lax::eq>()},
      {"ne", binary<lax::ne>()},
      {"lt", binary<lax::lt>()},
      {"le", binary<lax::le>()},
      {"gt", binary<lax::gt>()},
      {"ge", binary<lax::ge>()},
      {"round",
       [](const args_t& a, const std::string& p) {
         using lax::rounding_method;
         return lax::round(a.at(0), p == "1" ? rounding_method::to_nearest_even : rounding_method::away_from_zero);
       }},
      {"integer_pow", [](const args_t& a, const std::string& p) { return lax::integer_pow(a.at(0), std::stoll(p)); }},
      {"select_n",
       [](const args_t& a, const std::string&) { return lax::select_n(a.at(0), args_t(a.begin() + 1, a.end())); }},
      {"select", [](const args_t& a, const std::string&) { return lax::select(a.at(0), a.at(1), a.at(2)); }},
      {"clamp", [](const args_t& a, const std::string&) { return lax::clamp(a.at(0), a.at(1), a.at(2)); }},
      {"convert_element_type",
       [](const args_t& a, const std::string& p) {
         return lax::convert_element_type(a.at(0), xjax::dtype::from_name(p));
       }},
      {"bitcast_convert_type",
       [](const args_t& a, const std::string& p) {
         return lax::bitcast_convert_type(a.at(0), xjax::dtype::from_name(p));
       }},
  };
  return table;
}

struct case_name {
  std::string op, param, tag;
};

case_name parse(const std::string& name) {
  case_name c;
  std::istringstream s(name);
  std::getline(s, c.op, ';');
  std::getline(s, c.param, ';');
  std::getline(s, c.tag);
  return c;
}

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("elementwise"); }

}  // namespace

TEST_CASE("elementwise: every golden case matches JAX's values and jaxpr") {
  std::set<std::string> seen;
  int jaxpr_mismatches = 0;
  for (const auto& c : golden().cases()) {
    const case_name n = parse(c.name);
    INFO("case " << c.name);
    auto it = ops().find(n.op);
    REQUIRE_MESSAGE(it != ops().end(), "no replay for op " << n.op);
    seen.insert(n.op);
    const replay_fn& f = it->second;

    array got = f(c.inputs, n.param);
    REQUIRE(c.outputs.size() == 1);
    const array& want = c.outputs[0];
    // Floats within a few ulps of the dtype (golden.hpp's defaults): the results are
    // correctly rounded or within an ulp or two of XLA's, except where XLA's own result
    // is off (lgamma(1) = 4.8e-7 in float32) or underflows early (float16 logistic),
    // which the default absolute tolerance (relative to the largest value) covers.
    std::string diff = compare(got, want);
    CHECK_MESSAGE(diff.empty(), diff);

    auto j = xjax::make_jaxpr([&](const args_t& xs) { return f(xs, n.param); })(c.inputs);
    std::string text = xjax::to_string(j);
    CHECK(text == c.jaxpr);
    if (text != c.jaxpr) ++jaxpr_mismatches;
  }
  CHECK(jaxpr_mismatches == 0);
  // Every op of the table has golden cases.
  for (auto& entry : ops()) CHECK_MESSAGE(seen.count(entry.first) == 1, "no golden case for " << entry.first);
}

// ---------------------------------------------------------------------------
// Semantics at the edges (also in the golden data; spelled out here to document them)

TEST_CASE("elementwise: integer division and remainder by zero and INT_MIN / -1, as XLA") {
  auto x = array::from_vector<std::int32_t>({7, -7, 5, INT32_MIN, INT32_MIN, 0});
  auto y = array::from_vector<std::int32_t>({2, 2, 0, -1, 0, 0});
  CHECK(lax::div(x, y).to_vector<std::int32_t>() == std::vector<std::int32_t>{3, -3, -1, INT32_MIN, -1, -1});
  CHECK(lax::rem(x, y).to_vector<std::int32_t>() == std::vector<std::int32_t>{1, -1, 5, 0, INT32_MIN, 0});
  auto u = array::from_vector<std::uint8_t>({7, 5});
  auto z = array::from_vector<std::uint8_t>({0, 0});
  CHECK(lax::div(u, z).to_vector<int>() == std::vector<int>{255, 255});
  CHECK(lax::rem(u, z).to_vector<int>() == std::vector<int>{7, 5});
  auto big = array::from_vector<std::int64_t>({INT64_MIN});
  CHECK(lax::div(big, array::from_vector<std::int64_t>({-1})).item<std::int64_t>() == INT64_MIN);
  CHECK(lax::rem(big, array::from_vector<std::int64_t>({-1})).item<std::int64_t>() == 0);
}

TEST_CASE("elementwise: shifts by negative amounts or past the width") {
  auto x = array::from_vector<std::int8_t>({-8, -8, -8, 5});
  auto s = array::from_vector<std::int8_t>({1, 8, -1, 9});
  CHECK(lax::shift_left(x, s).to_vector<int>() == std::vector<int>{-16, 0, 0, 0});
  CHECK(lax::shift_right_logical(x, s).to_vector<int>() == std::vector<int>{124, 0, 0, 0});
  CHECK(lax::shift_right_arithmetic(x, s).to_vector<int>() == std::vector<int>{-4, -1, -1, 0});
  // Unsigned operands shift arithmetically on their bits: the top bit is the sign.
  auto u = array::from_vector<std::uint8_t>({200, 200});
  auto us = array::from_vector<std::uint8_t>({1, 8});
  CHECK(lax::shift_right_arithmetic(u, us).to_vector<int>() == std::vector<int>{228, 255});
  CHECK(lax::population_count(array::from_vector<std::int8_t>({-8})).item<int>() == 5);
}

TEST_CASE("elementwise: NaN and signed zeros in max, min, sign, round") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto x = array::from_vector<double>({nan, 1, 0.0, -0.0});
  auto y = array::from_vector<double>({1, nan, -0.0, 0.0});
  auto mx = lax::max(x, y).to_vector<double>(), mn = lax::min(x, y).to_vector<double>();
  CHECK(std::isnan(mx[0]));
  CHECK(std::isnan(mn[1]));
  CHECK((mx[2] == 0 && !std::signbit(mx[2]) && !std::signbit(mx[3])));
  CHECK((std::signbit(mn[2]) && std::signbit(mn[3])));
  auto sg = lax::sign(array::from_vector<float>({-0.0f, 3, -2})).to_vector<float>();
  CHECK((std::signbit(sg[0]) && sg[0] == 0 && sg[1] == 1 && sg[2] == -1));
  auto h = array::from_vector<float>({0.5f, 1.5f, 2.5f, -0.5f, -2.5f});
  CHECK(lax::round(h).to_vector<float>() == std::vector<float>{1, 2, 3, -1, -3});
  auto even = lax::round(h, lax::rounding_method::to_nearest_even).to_vector<float>();
  CHECK(even == std::vector<float>{0, 2, 2, -0.0f, -2});
}

TEST_CASE("elementwise: float to integer conversion saturates, NaN gives 0") {
  const float inf = std::numeric_limits<float>::infinity();
  auto x = array::from_vector<float>({std::nanf(""), inf, -inf, 300.5f, -2.7f});
  CHECK(lax::convert_element_type(x, xjax::int8).to_vector<int>() == std::vector<int>{0, 127, -128, 127, -2});
  CHECK(lax::convert_element_type(x, xjax::uint8).to_vector<int>() == std::vector<int>{0, 255, 0, 255, 0});
}

TEST_CASE("elementwise: weak types follow JAX") {
  auto f = array::from_vector<float>({1, 2});
  CHECK_FALSE(lax::add(f, 1.0).weak_type());
  CHECK(lax::add(array(1.0), 2.0).weak_type());
  CHECK(lax::lt(array(1.0), 2.0).weak_type());  // bool results stay weak when every operand is
  CHECK(lax::lt(array(1.0), 2.0).dtype() == xjax::bool_);
  CHECK(lax::exp(array(1.0)).weak_type());
  CHECK(lax::select_n(true, array(1.0), array(2.0)).weak_type());  // the predicate does not count
  CHECK_FALSE(lax::select_n(true, array(1.0), array(2.0f, xjax::float32)).weak_type());
  CHECK_FALSE(lax::clamp(0.0, f, 1.0).weak_type());
  CHECK_FALSE(lax::convert_element_type(array(1.0), xjax::float32).weak_type());
  CHECK(lax::convert_element_type(f, xjax::float32, true).weak_type());
  CHECK_FALSE(lax::bitcast_convert_type(array(1), xjax::float32).weak_type());
}

TEST_CASE("elementwise: API conveniences") {
  auto x = array::from_vector<float>({1, -2, 3});
  SUBCASE("convert_element_type to the operand's dtype is the operand, with no equation") {
    CHECK(lax::convert_element_type(x, xjax::float32).is_same(x));
    auto j = xjax::make_jaxpr([](const array& t) { return lax::convert_element_type(t, xjax::float32); })(x);
    CHECK(xjax::to_string(j) == "{ lambda ; a:f32[3]. let  in (a,) }");
  }
  SUBCASE("select_n takes its cases variadically or as a vector; select(pred, t, f)") {
    auto p = lax::lt(x, 0.0);
    auto a = lax::select_n(p, x, lax::neg(x)), b = lax::select_n(p, {x, lax::neg(x)});
    CHECK(a.to_vector<float>() == std::vector<float>{1, 2, 3});
    CHECK(b.to_vector<float>() == a.to_vector<float>());
    CHECK(lax::select(p, lax::neg(x), x).to_vector<float>() == std::vector<float>{1, 2, 3});
  }
  SUBCASE("C++ scalars broadcast and print as literals") {
    auto j = xjax::make_jaxpr([](const array& t) { return lax::clamp(0.0, t, 1.0); })(x);
    CHECK(xjax::to_string(j) == "{ lambda ; a:f32[3]. let b:f32[3] = clamp 0.0:f32[] a 1.0:f32[] in (b,) }");
  }
  SUBCASE("bitcast_convert_type shares the operand's bytes") {
    auto b = lax::bitcast_convert_type(x, xjax::uint8);
    CHECK(b.shape() == xjax::shape_t{3, 4});
    CHECK(b.raw_data() == x.raw_data());
    CHECK(lax::bitcast_convert_type(b, xjax::float32).to_vector<float>() == x.to_vector<float>());
  }
}

// ---------------------------------------------------------------------------
// Errors: each is one JAX rejects too (tests/golden/gen_elementwise.py error_cases).

namespace {
/// Runs f, which must throw E; returns the message.
template <class E, class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
    return "";
  }
  FAIL("no exception");
  return "";
}

/// The message starts with "[op]" and mentions every one of `parts`.
void check_message(const std::string& msg, const std::string& op, std::initializer_list<std::string> parts) {
  INFO("message: " << msg);
  CHECK(msg.rfind("[" + op + "]", 0) == 0);
  for (auto& p : parts) CHECK_MESSAGE(msg.find(p) != std::string::npos, "missing '" << p << "'");
}

array zeros(xjax::shape_t shape, xjax::dtype d) {
  std::vector<float> zero(static_cast<std::size_t>(xjax::shape_size(shape)));
  return lax::convert_element_type(array::from_vector<float>(zero, shape), d);
}
}  // namespace

TEST_CASE("elementwise errors: dtypes an op does not accept") {
  using xjax::type_error;
  auto i32 = zeros({3}, xjax::i32), f32 = zeros({3}, xjax::f32), b = zeros({3}, xjax::bool_);
  check_message(error_of<type_error>([&] { lax::exp(i32); }), "exp", {"int32", "float32"});
  check_message(error_of<type_error>([&] { lax::abs(zeros({3}, xjax::u8)); }), "abs", {"uint8"});
  check_message(error_of<type_error>([&] { lax::add(b, b); }), "add", {"bool"});
  check_message(error_of<type_error>([&] { lax::bitwise_and(f32, f32); }), "and", {"float32"});
  check_message(error_of<type_error>([&] { lax::shift_left(b, b); }), "shift_left", {"bool"});
  check_message(error_of<type_error>([&] { lax::population_count(b); }), "population_count", {"bool"});
  check_message(error_of<type_error>([&] { lax::round(i32); }), "round", {"int32"});
  check_message(error_of<type_error>([&] { lax::nextafter(i32, i32); }), "nextafter", {"int32"});
  check_message(error_of<type_error>([&] { lax::integer_pow(b, 2); }), "integer_pow", {"bool"});
  check_message(error_of<type_error>([&] { lax::integer_pow(i32, -2); }), "integer_pow", {"negative", "i32[3]", "-2"});
  check_message(error_of<type_error>([&] { lax::pow(i32, i32); }), "pow", {"int32"});
  check_message(error_of<type_error>([&] { lax::pow(zeros({3}, xjax::f16), f32); }), "pow", {"float16", "float32"});
}

TEST_CASE("elementwise errors: mismatched dtypes, shapes and ranks") {
  auto f32 = zeros({3}, xjax::f32);
  check_message(error_of<xjax::type_error>([&] { lax::add(f32, zeros({3}, xjax::i32)); }), "add", {"float32", "int32"});
  check_message(error_of<xjax::type_error>([&] { lax::lt(f32, zeros({3}, xjax::f64)); }), "lt", {"float32", "float64"});
  check_message(error_of<xjax::type_error>([&] { lax::add(f32, 1); }), "add", {"float32", "int32"});  // no promotion
  check_message(error_of<xjax::shape_error>([&] { lax::add(zeros({3, 4}, xjax::f32), f32); }), "add",
                {"number of dimensions", "(3, 4)", "(3,)"});
  check_message(error_of<xjax::shape_error>([&] { lax::mul(zeros({3, 4}, xjax::f32), zeros({3, 5}, xjax::f32)); }),
                "mul", {"(3, 4)", "(3, 5)"});
  check_message(error_of<xjax::shape_error>([&] { lax::pow(zeros({2, 1}, xjax::f32), zeros({3, 1}, xjax::i32)); }),
                "pow", {"(2, 1)", "(3, 1)"});
}

TEST_CASE("elementwise errors: select_n") {
  auto f32 = zeros({3}, xjax::f32);
  check_message(error_of<xjax::type_error>([&] { lax::select_n(f32, f32, f32); }), "select_n", {"which", "float32"});
  check_message(error_of<xjax::value_error>([&] { lax::select_n(zeros({3}, xjax::bool_), f32, f32, f32); }), "select_n",
                {"bool", "3 cases"});
  auto b = zeros({3}, xjax::bool_);
  check_message(error_of<xjax::shape_error>([&] { lax::select_n(b, f32, zeros({4}, xjax::f32)); }),
                "select_n", {"(3,)", "(4,)"});
  check_message(error_of<xjax::shape_error>([&] { lax::select_n(zeros({2}, xjax::bool_), f32, f32); }), "select_n",
                {"(2,)", "(3,)"});
  check_message(error_of<xjax::type_error>([&] { lax::select_n(zeros({3}, xjax::bool_), f32, zeros({3}, xjax::i32)); }),
                "select_n", {"float32", "int32"});
  check_message(error_of<xjax::value_error>([&] { lax::select_n(zeros({3}, xjax::bool_), args_t{}); }), "select_n",
                {"at least one case"});
}

TEST_CASE("elementwise errors: clamp shape and dtype rules") {
  auto f32 = zeros({3}, xjax::f32);
  check_message(error_of<xjax::shape_error>([&] { lax::clamp(zeros({2}, xjax::f32), f32, f32); }), "clamp",
                {"min.shape", "(2,)", "(3,)"});
  check_message(error_of<xjax::shape_error>([&] { lax::clamp(array(0.0f, xjax::f32), f32, zeros({4}, xjax::f32)); }),
                "clamp", {"max.shape", "(4,)"});
  // The operand does not broadcast to the bounds.
  check_message(error_of<xjax::shape_error>([&] { lax::clamp(f32, array(1.0f, xjax::f32), f32); }), "clamp",
                {"operand.shape=()"});
  check_message(error_of<xjax::type_error>([&] { lax::clamp(array(0, xjax::i32), f32, array(1.0f, xjax::f32)); }),
                "clamp", {"int32", "float32"});
}

TEST_CASE("elementwise errors: bitcast_convert_type") {
  check_message(error_of<xjax::type_error>([&] { lax::bitcast_convert_type(zeros({3}, xjax::u8), xjax::bool_); }),
                "bitcast_convert_type", {"uint8", "bool"});
  check_message(error_of<xjax::type_error>([&] { lax::bitcast_convert_type(zeros({3}, xjax::bool_), xjax::u8); }),
                "bitcast_convert_type", {"bool", "uint8"});
  check_message(error_of<xjax::shape_error>([&] { lax::bitcast_convert_type(zeros({2, 3}, xjax::u8), xjax::f32); }),
                "bitcast_convert_type", {"(2, 3)", "4"});
  check_message(error_of<xjax::shape_error>([&] { lax::bitcast_convert_type(array(1, xjax::u8), xjax::f32); }),
                "bitcast_convert_type", {"()"});
}

TEST_CASE("elementwise errors: raised while tracing too") {
  auto x = zeros({3}, xjax::f32);
  auto f = [](const array& t) { return lax::add(t, lax::convert_element_type(t, xjax::i32)); };
  auto trace = [&] { xjax::make_jaxpr(f)(x); };
  check_message(error_of<xjax::type_error>(trace), "add", {"float32", "int32"});
}

TEST_CASE("elementwise errors: every error case of the golden script is rejected by xjax too") {
  // gen_elementwise.py checks that JAX rejects these; the names match its error_cases().
  auto f32 = zeros({3}, xjax::f32), i32 = zeros({3}, xjax::i32), b = zeros({3}, xjax::bool_);
  std::vector<std::pair<const char*, std::function<void()>>> cases = {
      {"exp_int", [&] { lax::exp(i32); }},
      {"abs_uint", [&] { lax::abs(zeros({3}, xjax::u8)); }},
      {"add_bool", [&] { lax::add(b, b); }},
      {"add_dtypes", [&] { lax::add(f32, i32); }},
      {"add_ranks", [&] { lax::add(zeros({3, 4}, xjax::f32), f32); }},
      {"add_shapes", [&] { lax::add(zeros({3, 4}, xjax::f32), zeros({3, 5}, xjax::f32)); }},
      {"and_float", [&] { lax::bitwise_and(f32, f32); }},
      {"shift_bool", [&] { lax::shift_left(b, b); }},
      {"popcount_bool", [&] { lax::population_count(b); }},
      {"integer_pow_neg_int", [&] { lax::integer_pow(i32, -2); }},
      {"integer_pow_bool", [&] { lax::integer_pow(b, 2); }},
      {"pow_int_base", [&] { lax::pow(i32, i32); }},
      {"pow_mixed_floats", [&] { lax::pow(zeros({3}, xjax::f16), f32); }},
      {"nextafter_int", [&] { lax::nextafter(i32, i32); }},
      {"round_int", [&] { lax::round(i32); }},
      {"select_n_float_which", [&] { lax::select_n(f32, f32, f32); }},
      {"select_n_bool_3", [&] { lax::select_n(b, f32, f32, f32); }},
      {"select_n_case_shapes", [&] { lax::select_n(b, f32, zeros({4}, xjax::f32)); }},
      {"select_n_which_shape", [&] { lax::select_n(zeros({2}, xjax::bool_), f32, f32); }},
      {"select_n_case_dtypes", [&] { lax::select_n(b, f32, i32); }},
      {"select_n_no_case", [&] { lax::select_n(b, args_t{}); }},
      {"clamp_min_shape", [&] { lax::clamp(zeros({2}, xjax::f32), f32, f32); }},
      {"clamp_max_shape", [&] { lax::clamp(array(0.0f, xjax::f32), f32, zeros({4}, xjax::f32)); }},
      {"clamp_operand_0d", [&] { lax::clamp(f32, array(1.0f, xjax::f32), f32); }},
      {"clamp_dtypes", [&] { lax::clamp(array(0, xjax::i32), f32, array(1.0f, xjax::f32)); }},
      {"bitcast_to_bool", [&] { lax::bitcast_convert_type(zeros({3}, xjax::u8), xjax::bool_); }},
      {"bitcast_from_bool", [&] { lax::bitcast_convert_type(b, xjax::u8); }},
      {"bitcast_wider_bad_last", [&] { lax::bitcast_convert_type(zeros({2, 3}, xjax::u8), xjax::f32); }},
      {"bitcast_wider_0d", [&] { lax::bitcast_convert_type(array(1, xjax::u8), xjax::f32); }},
      {"comparison_dtypes", [&] { lax::lt(f32, zeros({3}, xjax::f64)); }},
  };
  for (auto& c : cases) {
    INFO(c.first);
    CHECK_THROWS_AS(c.second(), xjax::error);
  }
}
