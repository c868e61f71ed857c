// Operators on xjax::array (xjax/numpy/operators.hpp) against JAX's operators on
// jax.Array (tests/golden/gen_np_ufuncs.py, cases op_*): eager, traced (JAX's jaxpr
// text where it is flat) and through eval_jaxpr; then weak types with C++ scalars on
// either side, compound assignment as rebinding, overload resolution, and errors.
#include <doctest/doctest.h>

#include <concepts>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace jnp = xjax::numpy;
using xjax::array;

namespace {

/// A golden case name "op_<name>;args=<tokens>;<tag>", split (see gen_np_ufuncs.py).
struct op_case {
  std::string op;
  std::vector<std::string> tokens;

  explicit op_case(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    op = parts.front();
    std::string args = parts.at(1).substr(std::string("args=").size());
    std::stringstream ts(args);
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
};

using fn_t = std::function<array(const std::vector<array>&)>;

const std::map<std::string, fn_t>& ops() {
  using X = const std::vector<array>&;
  static const std::map<std::string, fn_t> table = {
      {"op_add", [](X a) { return a[0] + a[1]; }},  {"op_sub", [](X a) { return a[0] - a[1]; }},
      {"op_mul", [](X a) { return a[0] * a[1]; }},  {"op_div", [](X a) { return a[0] / a[1]; }},
      {"op_mod", [](X a) { return a[0] % a[1]; }},  {"op_eq", [](X a) { return a[0] == a[1]; }},
      {"op_ne", [](X a) { return a[0] != a[1]; }},  {"op_lt", [](X a) { return a[0] < a[1]; }},
      {"op_le", [](X a) { return a[0] <= a[1]; }},  {"op_gt", [](X a) { return a[0] > a[1]; }},
      {"op_ge", [](X a) { return a[0] >= a[1]; }},  {"op_and", [](X a) { return a[0] & a[1]; }},
      {"op_or", [](X a) { return a[0] | a[1]; }},   {"op_xor", [](X a) { return a[0] ^ a[1]; }},
      {"op_neg", [](X a) { return -a[0]; }},        {"op_pos", [](X a) { return +a[0]; }},
      {"op_invert", [](X a) { return ~a[0]; }},
  };
  return table;
}

/// The compound assignment of each binary operator, for the same cases.
const std::map<std::string, fn_t>& compound() {
  using X = const std::vector<array>&;
  static const std::map<std::string, fn_t> table = {
      {"op_add", [](X a) { array x = a[0]; return x += a[1]; }},
      {"op_sub", [](X a) { array x = a[0]; return x -= a[1]; }},
      {"op_mul", [](X a) { array x = a[0]; return x *= a[1]; }},
      {"op_div", [](X a) { array x = a[0]; return x /= a[1]; }},
      {"op_mod", [](X a) { array x = a[0]; return x %= a[1]; }},
      {"op_and", [](X a) { array x = a[0]; return x &= a[1]; }},
      {"op_or", [](X a) { array x = a[0]; return x |= a[1]; }},
      {"op_xor", [](X a) { array x = a[0]; return x ^= a[1]; }},
  };
  return table;
}

bool flat(const std::string& jaxpr) {
  return jaxpr.find("jit[") == std::string::npos && jaxpr.find("custom_jvp_call") == std::string::npos;
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

template <class T> array vec(std::vector<T> v) { return array::from_vector<T>(v); }

}  // namespace

TEST_CASE("golden: operators as JAX's operators on arrays, eager, traced and through eval_jaxpr") {
  const auto& file = xjax::testing::golden_file::load("np_ufuncs");
  int n = 0, texts = 0;
  for (const auto& g : file.cases()) {
    op_case c(g.name);
    if (c.op.rfind("op_", 0) != 0) continue;
    INFO("case " << g.name);
    REQUIRE(ops().count(c.op) == 1);
    ++n;
    const fn_t& fn = ops().at(c.op);
    array got = fn(c.args(g.inputs));
    std::string err = xjax::testing::compare(got, g.outputs.at(0));
    CHECK_MESSAGE(err.empty(), "eager: " << err);
    if (compound().count(c.op)) {
      err = xjax::testing::compare(compound().at(c.op)(c.args(g.inputs)), g.outputs.at(0));
      CHECK_MESSAGE(err.empty(), "compound assignment: " << err);
    }
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return std::vector<array>{fn(c.args(xs))}; })(g.inputs);
    if (flat(g.jaxpr)) {
      CHECK(xjax::to_string(j) == g.jaxpr);
      ++texts;
    }
    auto staged = xjax::eval_jaxpr(j, g.inputs);
    err = xjax::testing::compare(staged.at(0), g.outputs.at(0));
    CHECK_MESSAGE(err.empty(), "eval_jaxpr: " << err);
  }
  CHECK(n > 300);
  CHECK(texts > n / 2);
}

TEST_CASE("C++ scalars are weak on either side: the array's dtype is kept, as JAX") {
  array f16 = vec<xjax::half_t>({xjax::half_t(1.5f), xjax::half_t(-2.0f)});
  array bf16 = vec<xjax::bfloat16_t>({xjax::bfloat16_t(1.5f), xjax::bfloat16_t(-2.0f)});
  array f32 = vec<float>({1.5f, -2.0f});
  array i8 = vec<std::int8_t>({1, -2});
  array u8 = vec<std::uint8_t>({1, 2});
  array i64 = vec<std::int64_t>({1, 2});
  array b = vec<bool>({true, false});
  for (const array& x : {f16, bf16, f32}) {
    CHECK((x * 2.0).dtype() == x.dtype());
    CHECK((2.0 * x).dtype() == x.dtype());
    CHECK((x - 1).dtype() == x.dtype());
    CHECK((1 - x).dtype() == x.dtype());
    CHECK((x / 2).dtype() == x.dtype());
    CHECK_FALSE((x * 2.0).weak_type());
  }
  CHECK((i8 + 1).dtype() == xjax::int8);
  CHECK((1 + i8).dtype() == xjax::int8);
  CHECK((i8 + 2.5).dtype() == xjax::float32);
  CHECK((2.5 + i8).dtype() == xjax::float32);
  CHECK((i8 + 2.5).weak_type());  // JAX: int8 + a Python float is a weakly typed float32
  CHECK((i8 / 2).dtype() == xjax::float32);
  CHECK((u8 * 3).dtype() == xjax::uint8);
  CHECK((i64 * 2.5).dtype() == xjax::float64);
  CHECK((i64 + 1).dtype() == xjax::int64);
  CHECK((b + 1).dtype() == xjax::int32);
  CHECK((b + 1).weak_type());
  CHECK((b & true).dtype() == xjax::bool_);
  CHECK((i8 & 3).dtype() == xjax::int8);
  CHECK((i8 % 3).dtype() == xjax::int8);
  CHECK((i8 < 0.5).dtype() == xjax::bool_);
  CHECK((i8 + u8).dtype() == xjax::int16);
  CHECK((f16 + bf16).dtype() == xjax::float32);
  CHECK((f16 + i8).dtype() == xjax::float16);
  CHECK((-u8).dtype() == xjax::uint8);
  // Values.
  CHECK((2.0 * f32 + 1).to_vector<float>() == std::vector<float>{4.0f, -3.0f});
  CHECK((i8 - 1).to_vector<int>() == std::vector<int>{0, -3});
  CHECK((vec<int>({7, -7}) % 3).to_vector<int>() == std::vector<int>{1, 2});   // sign of the divisor
  CHECK((vec<int>({7, -7}) % -3).to_vector<int>() == std::vector<int>{-2, -1});
  CHECK((vec<int>({5, 6}) / 2).to_vector<float>() == std::vector<float>{2.5f, 3.0f});
}

TEST_CASE("comparisons are elementwise and return bool arrays; is_same is identity") {
  array x = vec<float>({1, 2, 3});
  array y = vec<float>({1, 5, 3});
  array eq = x == y;
  CHECK(eq.dtype() == xjax::bool_);
  CHECK(eq.to_vector<bool>() == std::vector<bool>{true, false, true});
  CHECK((x != y).to_vector<bool>() == std::vector<bool>{false, true, false});
  CHECK((x < 2).to_vector<bool>() == std::vector<bool>{true, false, false});
  CHECK((2 <= x).to_vector<bool>() == std::vector<bool>{false, true, true});
  CHECK((x > 2.5).to_vector<bool>() == std::vector<bool>{false, false, true});
  CHECK((x >= y).to_vector<bool>() == std::vector<bool>{true, false, true});
  CHECK(x.is_same(x));
  CHECK_FALSE(x.is_same(y));
  // A size-1 comparison converts to a C++ bool explicitly, as NumPy's bool(a == b).
  CHECK(static_cast<bool>(array(2.0) == 2));
  if (array(1) < 2) CHECK(true);
  else FAIL("1 < 2 is false");
  static_assert(std::is_same_v<decltype(x == y), array>);
  static_assert(std::is_same_v<decltype(x == 1), array>);
  static_assert(std::is_same_v<decltype(1.0 == x), array>);
  static_assert(std::is_same_v<decltype(x + 1), array>);
  static_assert(std::is_same_v<decltype(2.0 * x), array>);
  static_assert(!std::is_convertible_v<array, bool>);  // operator bool stays explicit: no `x + 1` via bool
  // Scalars alone still use the built-in operators.
  static_assert(std::is_same_v<decltype(1 + 2.0), double>);
}

TEST_CASE("compound assignment rebinds: other handles keep the old array") {
  array x = vec<float>({1, 2});
  array alias = x;
  x += 1;
  CHECK(x.to_vector<float>() == std::vector<float>{2, 3});
  CHECK(alias.to_vector<float>() == std::vector<float>{1, 2});
  CHECK_FALSE(x.is_same(alias));
  x *= 2.0;
  x -= alias;
  x /= 2;
  CHECK(x.to_vector<float>() == std::vector<float>{1.5f, 2.0f});
  array i = vec<std::int8_t>({7, -7});
  i %= 3;
  CHECK(i.dtype() == xjax::int8);
  CHECK(i.to_vector<int>() == std::vector<int>{1, 2});
  i &= 1;
  i |= 4;
  i ^= 2;
  CHECK(i.to_vector<int>() == std::vector<int>{7, 6});
  // += with a wider operand rebinds to the promoted dtype (Python semantics, not NumPy's in-place).
  array h = vec<xjax::half_t>({xjax::half_t(1.0f)});
  h += vec<float>({1.0f});
  CHECK(h.dtype() == xjax::float32);
}

TEST_CASE("operators under make_jaxpr: C++ scalars are literals of the array's dtype") {
  array x = vec<xjax::half_t>({xjax::half_t(1.0f), xjax::half_t(2.0f)});
  auto j = xjax::make_jaxpr([](const array& t) { return 2.0 * t + 1; })(x);
  CHECK(xjax::to_string(j) ==
        "{ lambda ; a:f16[2]. let\n    b:f16[2] = mul 2.0:f16[] a\n    c:f16[2] = add b 1.0:f16[]\n  in (c,) }");
  auto k = xjax::make_jaxpr([](const array& t) { return -t < 0; })(x);
  CHECK(xjax::to_string(k) == "{ lambda ; a:f16[2]. let b:f16[2] = neg a; c:bool[2] = lt b 0.0:f16[] in (c,) }");
  // A C++ scalar on the left of a comparison is reflected, as Python does: `0 > t` is `t < 0`.
  auto m = xjax::make_jaxpr([](const array& t) { return 0 > t; })(x);
  CHECK(xjax::to_string(m) == "{ lambda ; a:f16[2]. let b:bool[2] = lt a 0.0:f16[] in (b,) }");
}

TEST_CASE("operator errors name the numpy function and the shapes or dtypes") {
  array f3 = vec<float>({1, 2, 3});
  array f4 = vec<float>({1, 2, 3, 4});
  array b3 = vec<bool>({true, false, true});
  check_error<xjax::shape_error>([&] { (void)(f3 + f4); }, {"[add]", "(3,)", "(4,)"});
  check_error<xjax::shape_error>([&] { (void)(f3 == f4); }, {"[equal]", "(3,)", "(4,)"});
  check_error<xjax::shape_error>([&] { (void)(f3 % f4); }, {"[remainder]", "(3,)", "(4,)"});
  check_error<xjax::type_error>([&] { (void)(f3 ^ f3); }, {"[bitwise_xor]", "float32"});
  check_error<xjax::type_error>([&] { (void)(f3 & 1); }, {"[bitwise_and]", "float32"});
  check_error<xjax::type_error>([&] { (void)~f3; }, {"[bitwise_not]", "f32[3]"});
  check_error<xjax::type_error>([&] { (void)(b3 - b3); }, {"[subtract]", "bool"});
  check_error<xjax::type_error>([&] { (void)(-b3); }, {"[negative]", "bool"});
  check_error<xjax::shape_error>([&] {
    array x = f3;
    x += f4;
  }, {"[add]", "(3,)", "(4,)"});
  check_error<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& t) { return static_cast<bool>(t == 1) ? t : -t; })(vec<float>({1})); },
      {});
}
