// Linear algebra primitives: dot_general against JAX, its errors, and its speed.
//
// The golden cases (tests/golden/gen_linalg.py) each apply one dot_general. The test
// reads its params back from JAX's jaxpr text, calls lax::dot_general with them, and
// compares the values and the printed jaxpr with JAX's.
#include <doctest/doctest.h>

#include <functional>
#include <regex>
#include <string>

#include <support/golden.hpp>
#include <xjax/xjax.hpp>

namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

/// The value of param `name` in JAX's text of one dot_general equation ("" if absent).
std::string param(const std::string& jaxpr, const std::string& name) {
  static const std::regex value_end("[\\s\\]]");
  auto pos = jaxpr.find(name + "=");
  if (pos == std::string::npos) return "";
  pos += name.size() + 1;
  if (jaxpr[pos] != '(') {
    std::smatch m;
    std::string rest = jaxpr.substr(pos);
    return std::regex_search(rest, m, value_end) ? rest.substr(0, static_cast<std::size_t>(m.position())) : rest;
  }
  int depth = 0;
  std::size_t i = pos;
  do {
    depth += jaxpr[i] == '(' ? 1 : jaxpr[i] == ')' ? -1 : 0;
  } while (++i < jaxpr.size() && depth > 0);
  return jaxpr.substr(pos, i - pos);
}

lax::precision precision_of(const std::string& s) {
  if (s == "Precision.HIGHEST") return lax::precision::highest;
  if (s == "Precision.HIGH") return lax::precision::high;
  REQUIRE(s == "Precision.DEFAULT");
  return lax::precision::default_;
}

using op_fn = std::function<array(const std::vector<array>&)>;

/// The lax::dot_general call of a golden case's jaxpr.
op_fn op_of(const std::string& jaxpr) {
  // (([lhs_contracting], [rhs_contracting]), ([lhs_batch], [rhs_batch]))
  const std::string dn = param(jaxpr, "dimension_numbers");
  static const std::regex list("\\[([^\\]]*)\\]"), number("-?[0-9]+");
  std::vector<shape_t> lists;
  for (std::sregex_iterator it(dn.begin(), dn.end(), list), end; it != end; ++it) {
    std::string body = (*it)[1].str();
    shape_t dims;
    for (std::sregex_iterator n(body.begin(), body.end(), number); n != end; ++n) dims.push_back(std::stoll(n->str()));
    lists.push_back(dims);
  }
  REQUIRE(lists.size() == 4);
  lax::dot_dimension_numbers d{lists[0], lists[1], lists[2], lists[3]};
  std::optional<lax::dot_precision> precision;
  if (auto p = param(jaxpr, "precision"); !p.empty()) {
    static const std::regex pair("\\((\\S+), (\\S+)\\)");
    std::smatch m;
    REQUIRE(std::regex_match(p, m, pair));
    precision = lax::dot_precision(precision_of(m[1]), precision_of(m[2]));
  }
  std::optional<xjax::dtype> preferred;
  if (auto p = param(jaxpr, "preferred_element_type"); !p.empty()) preferred = xjax::dtype::from_name(p);
  return [=](const std::vector<array>& in) { return lax::dot_general(in[0], in[1], d, precision, preferred); };
}

/// Expects f() to throw E with a message containing each of `parts`.
template <class E, class F> void check_error(F&& f, std::initializer_list<std::string> parts) {
  std::string message;
  bool thrown = false;
  try {
    f();
  } catch (const E& e) {
    thrown = true;
    message = e.what();
  }
  REQUIRE_MESSAGE(thrown, "no error of the expected type");
  for (const auto& p : parts) CHECK_MESSAGE(message.find(p) != std::string::npos, message << "\n  lacks: " << p);
}

/// Small values (i % 7 - 3) of element type T in `shape`.
template <class T = float> array iota(const shape_t& shape) {
  std::vector<T> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(static_cast<int>(i % 7) - 3);
  return array::from_vector(v, shape);
}

}  // namespace

TEST_CASE("dot_general matches JAX") {
  for (const auto& c : xjax::testing::golden_file::load("linalg").cases()) {
    INFO("case " << c.name);
    op_fn f = op_of(c.jaxpr);
    std::string diff = xjax::testing::compare(f(c.inputs), c.outputs.at(0));
    CHECK_MESSAGE(diff.empty(), diff);
    auto traced = xjax::make_jaxpr(f)(c.inputs);
    diff = xjax::testing::compare(xjax::eval_jaxpr(traced, c.inputs).at(0), c.outputs.at(0));
    CHECK_MESSAGE(diff.empty(), "eval_jaxpr: " << diff);
    CHECK(xjax::to_string(traced) == c.jaxpr);
  }
}

TEST_CASE("dot: vector and matrix products without dimension numbers") {
  auto m = iota({3, 4}), v = iota({4});
  CHECK(lax::dot(m, v).shape() == shape_t{3});
  CHECK(lax::dot(v, v).shape() == shape_t{});
  CHECK(lax::dot(m, iota({4, 2})).to_vector<float>() ==
        lax::dot_general(m, iota({4, 2}), {.lhs_contracting = {1}, .rhs_contracting = {0}}).to_vector<float>());
  check_error<xjax::shape_error>([&] { lax::dot(iota({2, 3, 4}), m); }, {"[dot]", "(2, 3, 4)", "(3, 4)"});
  check_error<xjax::shape_error>([&] { lax::dot(m, m); }, {"[dot]", "(3, 4)"});
}

TEST_CASE("dot_general of C++ scalars is weakly typed") {
  auto s = lax::dot_general(2.0, 3.0, {});
  CHECK(s.weak_type());
  CHECK(s.dtype() == xjax::float32);
  CHECK(s.item<float>() == 6.0f);
  CHECK_FALSE(lax::dot_general(2.0, array(3.0f, xjax::float32), {}).weak_type());
}

TEST_CASE("dot_general errors") {
  auto a = iota({3, 4}), b = iota({4, 5});
  check_error<xjax::shape_error>([&] { lax::dot_general(a, b, {.lhs_contracting = {0}, .rhs_contracting = {0}}); },
                                 {"[dot_general]", "contracting", "(3,)", "(4,)", "(3, 4)", "(4, 5)"});
  check_error<xjax::shape_error>([&] { lax::dot_general(a, b, {.lhs_contracting = {1}}); },
                                 {"[dot_general]", "contracting", "(4,)", "()"});
  check_error<xjax::value_error>([&] { lax::dot_general(a, b, {.lhs_contracting = {2}, .rhs_contracting = {0}}); },
                                 {"[dot_general]", "lhs_contracting (2,)", "(3, 4)", "got 2"});
  check_error<xjax::value_error>([&] { lax::dot_general(a, b, {.lhs_contracting = {1}, .rhs_contracting = {-1}}); },
                                 {"[dot_general]", "rhs_contracting (-1,)", "(4, 5)", "got -1"});
  check_error<xjax::value_error>(
      [&] { lax::dot_general(a, b, {.lhs_contracting = {1}, .rhs_contracting = {0}, .lhs_batch = {0}}); },
      {"[dot_general]", "lhs_batch (0,)", "rhs_batch ()", "same length"});
  check_error<xjax::shape_error>(
      [&] {
        lax::dot_general(a, b, {.lhs_contracting = {1}, .rhs_contracting = {0}, .lhs_batch = {0}, .rhs_batch = {1}});
      },
      {"[dot_general]", "batch", "sizes (3,)", "sizes (5,)"});
  check_error<xjax::value_error>(
      [&] { lax::dot_general(a, b, {.lhs_contracting = {1, 1}, .rhs_contracting = {0, 0}}); },
      {"[dot_general]", "lhs_contracting", "distinct", "(1, 1)"});
  auto c = iota({3, 3});
  check_error<xjax::value_error>([&] { lax::dot_general(c, c, {.lhs_batch = {0, 0}, .rhs_batch = {1, 1}}); },
                                 {"[dot_general]", "lhs_batch", "distinct", "(0, 0)"});
  check_error<xjax::value_error>(
      [&] {
        lax::dot_general(a, b, {.lhs_contracting = {1}, .rhs_contracting = {0}, .lhs_batch = {1}, .rhs_batch = {0}});
      },
      {"[dot_general]", "lhs_batch (1,)", "lhs_contracting (1,)", "disjoint"});
  auto i = iota<std::int32_t>({3, 4}), j = iota<std::int32_t>({4, 5});
  check_error<xjax::type_error>(
      [&] { lax::dot_general(i, j, {.lhs_contracting = {1}, .rhs_contracting = {0}}, std::nullopt, xjax::int16); },
      {"[dot_general]", "preferred_element_type int16", "int32"});
  auto k = iota<std::int8_t>({3, 4});
  check_error<xjax::type_error>(
      [&] { lax::dot_general(k, k, {.lhs_contracting = {1}, .rhs_contracting = {1}}, std::nullopt, xjax::bool_); },
      {"[dot_general]", "preferred_element_type bool", "int8"});
  // The shape rule also runs when tracing.
  check_error<xjax::shape_error>(
      [&] {
        xjax::make_jaxpr([&](const array& x) {
          return lax::dot_general(x, b, {.lhs_contracting = {0}, .rhs_contracting = {0}});
        })(a);
      },
      {"[dot_general]", "contracting"});
}

// Tests never assert timings: this one checks a larger product's values only.
TEST_CASE("dot_general: a 256x256x256 product") {
  auto a = iota({256, 256}), b = iota({256, 256});
  auto c = lax::dot_general(a, b, {.lhs_contracting = {1}, .rhs_contracting = {0}});
  // Spot-check one element against a direct sum.
  auto av = a.to_vector<double>(), bv = b.to_vector<double>();
  double want = 0;
  for (int k = 0; k < 256; ++k) want += av[5 * 256 + k] * bv[k * 256 + 7];
  CHECK(c.to_vector<double>()[5 * 256 + 7] == want);
}
