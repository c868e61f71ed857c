// Reductions family: reduce_*, argmax/argmin, cumulative ops, sort, iota.
// Golden cases (tests/golden/gen_reductions.py) run eagerly, through make_jaxpr (whose
// printed text must be JAX's) and through eval_jaxpr; then weak types, literals and
// the errors a user can meet.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

/// A golden case name "<op>;<key>=<value>;...;<tag>", split.
struct case_name {
  std::string op;
  std::map<std::string, std::string> params;

  explicit case_name(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    op = parts.front();
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      params[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
    }
  }
  const std::string& str(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) throw std::runtime_error("golden case " + op + " lacks param " + key);
    return it->second;
  }
  std::int64_t integer(const std::string& key) const { return std::stoll(str(key)); }
  bool flag(const std::string& key) const { return integer(key) != 0; }
  xjax::dtype dtype(const std::string& key) const { return xjax::dtype::from_name(str(key)); }
  shape_t ints(const std::string& key) const {
    shape_t out;
    std::stringstream ss(str(key));
    for (std::string t; std::getline(ss, t, ',');) out.push_back(std::stoll(t));
    return out;
  }
};

using op_fn = std::function<std::vector<array>(const case_name&, const std::vector<array>&)>;

template <class F> op_fn one(F f) {
  return [f](const case_name& c, const std::vector<array>& xs) { return std::vector<array>{f(c, xs)}; };
}

/// How each op of the golden file is replayed, as gen_reductions.py calls jax.lax.
const std::map<std::string, op_fn>& ops() {
  using C = const case_name&;
  using X = const std::vector<array>&;
  static const std::map<std::string, op_fn> table = {
      {"reduce_sum", one([](C c, X xs) { return lax::reduce_sum(xs[0], c.ints("axes")); })},
      {"reduce_prod", one([](C c, X xs) { return lax::reduce_prod(xs[0], c.ints("axes")); })},
      {"reduce_max", one([](C c, X xs) { return lax::reduce_max(xs[0], c.ints("axes")); })},
      {"reduce_min", one([](C c, X xs) { return lax::reduce_min(xs[0], c.ints("axes")); })},
      {"reduce_and", one([](C c, X xs) { return lax::reduce_and(xs[0], c.ints("axes")); })},
      {"reduce_or", one([](C c, X xs) { return lax::reduce_or(xs[0], c.ints("axes")); })},
      {"reduce_xor", one([](C c, X xs) { return lax::reduce_xor(xs[0], c.ints("axes")); })},
      {"argmax", one([](C c, X xs) { return lax::argmax(xs[0], c.integer("axis"), c.dtype("index_dtype")); })},
      {"argmin", one([](C c, X xs) { return lax::argmin(xs[0], c.integer("axis"), c.dtype("index_dtype")); })},
      {"cumsum", one([](C c, X xs) { return lax::cumsum(xs[0], c.integer("axis"), c.flag("reverse")); })},
      {"cumprod", one([](C c, X xs) { return lax::cumprod(xs[0], c.integer("axis"), c.flag("reverse")); })},
      {"cummax", one([](C c, X xs) { return lax::cummax(xs[0], c.integer("axis"), c.flag("reverse")); })},
      {"cummin", one([](C c, X xs) { return lax::cummin(xs[0], c.integer("axis"), c.flag("reverse")); })},
      {"sort",
       [](C c, X xs) {
         auto dim = c.integer("dimension");
         bool stable = c.flag("is_stable");
         if (xs.size() == 1) return std::vector<array>{lax::sort(xs[0], dim, stable)};
         return lax::sort(xs, dim, stable, c.integer("num_keys"));
       }},
      {"sort_key_val",
       [](C c, X xs) {
         auto [k, v] = lax::sort_key_val(xs[0], xs[1], c.integer("dimension"));
         return std::vector<array>{k, v};
       }},
      {"argsort", one([](C c, X xs) {
         auto dim = c.integer("dimension");
         auto axis = dim < 0 ? dim + xs[0].ndim() : dim;
         return lax::sort({xs[0], lax::broadcasted_iota(c.dtype("index_dtype"), xs[0].shape(), axis)}, dim)[1];
       })},
      {"iota", one([](C c, X) { return lax::iota(c.dtype("dtype"), c.integer("size")); })},
      {"broadcasted_iota",
       one([](C c, X) { return lax::broadcasted_iota(c.dtype("dtype"), c.ints("shape"), c.integer("dimension")); })},
  };
  return table;
}

/// Ops whose float results may differ from XLA's by rounding (XLA reassociates sums).
bool rounds(const std::string& op) { return op == "reduce_sum" || op == "reduce_prod" || op == "cumsum" || op == "cumprod"; }

/// Empty when `got` matches JAX's `want`: within tolerance for rounding ops, exactly
/// (NaN as NaN) otherwise, and with the sign of every zero.
std::string compare_exact(const array& got, const array& want, bool tolerant) {
  std::string err = xjax::testing::compare(got, want, tolerant ? -1 : 0, tolerant ? -1 : 0);
  if (!err.empty() || !want.dtype().is_floating()) return err;
  auto g = got.to_vector<double>(), w = want.to_vector<double>();
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == 0 && g[i] == 0 && std::signbit(w[i]) != std::signbit(g[i])) {
      return "element " + std::to_string(i) + ": got " + (std::signbit(g[i]) ? "-0.0" : "0.0") + ", want " +
             (std::signbit(w[i]) ? "-0.0" : "0.0");
    }
  }
  return "";
}

/// Replays every golden case of `op`: eagerly, traced (jaxpr text) and through eval_jaxpr.
void run_golden(const std::string& op) {
  const auto& file = xjax::testing::golden_file::load("reductions");
  const op_fn& fn = ops().at(op);
  const bool tolerant = rounds(op);
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (c.op != op) continue;
    ++n;
    INFO("case " << g.name);
    std::vector<array> got = fn(c, g.inputs);
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      std::string err = compare_exact(got[i], g.outputs[i], tolerant);
      CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    }
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return fn(c, xs); })(g.inputs);
    CHECK(xjax::to_string(j) == g.jaxpr);
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == g.outputs.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      std::string err = compare_exact(staged[i], g.outputs[i], tolerant);
      CHECK_MESSAGE(err.empty(), "eval_jaxpr output " << i << ": " << err);
    }
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << op);
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

array f32_2x3() { return array::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3}); }

}  // namespace

TEST_CASE("golden: reduce_sum") { run_golden("reduce_sum"); }
TEST_CASE("golden: reduce_prod") { run_golden("reduce_prod"); }
TEST_CASE("golden: reduce_max") { run_golden("reduce_max"); }
TEST_CASE("golden: reduce_min") { run_golden("reduce_min"); }
TEST_CASE("golden: reduce_and") { run_golden("reduce_and"); }
TEST_CASE("golden: reduce_or") { run_golden("reduce_or"); }
TEST_CASE("golden: reduce_xor") { run_golden("reduce_xor"); }
TEST_CASE("golden: argmax") { run_golden("argmax"); }
TEST_CASE("golden: argmin") { run_golden("argmin"); }
TEST_CASE("golden: cumsum") { run_golden("cumsum"); }
TEST_CASE("golden: cumprod") { run_golden("cumprod"); }
TEST_CASE("golden: cummax") { run_golden("cummax"); }
TEST_CASE("golden: cummin") { run_golden("cummin"); }
TEST_CASE("golden: sort") { run_golden("sort"); }
TEST_CASE("golden: sort_key_val") { run_golden("sort_key_val"); }
TEST_CASE("golden: argsort (sort of keys and an iota)") { run_golden("argsort"); }
TEST_CASE("golden: iota") { run_golden("iota"); }
TEST_CASE("golden: broadcasted_iota") { run_golden("broadcasted_iota"); }

TEST_CASE("every golden case of reductions.txt has a C++ replay") {
  for (const auto& g : xjax::testing::golden_file::load("reductions").cases()) {
    case_name c(g.name);
    CHECK_MESSAGE((ops().count(c.op) == 1 || c.op == "literal"), "unknown op in case " << g.name);
  }
}

TEST_CASE("reductions of C++ scalars stage them as literals, as JAX does with Python scalars") {
  const auto& file = xjax::testing::golden_file::load("reductions");
  auto check = [&](const std::string& name, auto f) {
    INFO("case " << name);
    const auto& g = file.get(name);
    CHECK(xjax::to_string(xjax::make_jaxpr(f)()) == g.jaxpr);
    CHECK(xjax::testing::compare(f(), g.outputs[0]).empty());
  };
  check("literal;op=reduce_max;float", [] { return lax::reduce_max(2.0, {}); });
  check("literal;op=reduce_sum;float", [] { return lax::reduce_sum(2.5, {}); });
  check("literal;op=reduce_prod;int", [] { return lax::reduce_prod(3, {}); });
  check("literal;op=reduce_or;int", [] { return lax::reduce_or(3, {}); });
}

TEST_CASE("weak types: kept by reduce_sum/prod/max/min, cumulative ops and sort; dropped by the rest") {
  // As jax 0.10.2: lax.reduce_max(2.0, ()).weak_type is True, lax.reduce_xor of a weak
  // int is not; cumsum and sort of a weak f32[3] are weak, argmax of it is not.
  CHECK(lax::reduce_sum(2.0, {}).weak_type());
  CHECK(lax::reduce_prod(2, {}).weak_type());
  CHECK(lax::reduce_max(2.0, {}).weak_type());
  CHECK(lax::reduce_min(2, {}).weak_type());
  CHECK_FALSE(lax::reduce_and(3, {}).weak_type());
  CHECK_FALSE(lax::reduce_or(3, {}).weak_type());
  CHECK_FALSE(lax::reduce_xor(3, {}).weak_type());
  CHECK_FALSE(lax::reduce_sum(array(2.0f, xjax::float32), {}).weak_type());

  xjax::trace_scope scope;
  array w = scope.frame().new_arg(xjax::aval{{3}, xjax::float32, true});
  CHECK(lax::reduce_sum(w, {0}).weak_type());
  CHECK(lax::cumsum(w).weak_type());
  CHECK(lax::cummax(w, 0, true).weak_type());
  CHECK(lax::sort(w).weak_type());
  CHECK_FALSE(lax::argmax(w, 0, xjax::int32).weak_type());
  CHECK_FALSE(lax::broadcasted_iota(xjax::float32, {3}, 0).weak_type());
}

TEST_CASE("reductions accumulate in the operand's dtype and keep the sign of zero as XLA") {
  auto h = [](std::vector<float> v) {
    std::vector<xjax::half_t> out(v.begin(), v.end());
    return array::from_vector(out);
  };
  // float16: 2048 + 1 rounds back to 2048; 60000 + 60000 overflows to inf.
  CHECK(lax::reduce_sum(h({2048, 1, 1, 1, 1}), {0}).item<float>() == 2048);
  CHECK(std::isinf(lax::reduce_sum(h({60000, 60000, -60000}), {0}).item<float>()));
  CHECK(lax::cumsum(h({2048, 1, 1})).to_vector<float>() == std::vector<float>{2048, 2048, 2048});
  // A reduction of one element is a copy; of several, it starts from +0.0.
  auto z1 = array::from_vector<float>({-0.0f});
  auto z2 = array::from_vector<float>({-0.0f, -0.0f});
  CHECK(std::signbit(lax::reduce_sum(z1, {0}).item<float>()));
  CHECK_FALSE(std::signbit(lax::reduce_sum(z2, {0}).item<float>()));
  CHECK(std::signbit(lax::cumsum(z1).to_vector<float>()[0]));
  CHECK_FALSE(std::signbit(lax::cumsum(z2).to_vector<float>()[0]));
  // max orders -0.0 below 0.0 whatever the order; min the other way round.
  CHECK_FALSE(std::signbit(lax::reduce_max(array::from_vector<float>({0.0f, -0.0f}), {0}).item<float>()));
  CHECK(std::signbit(lax::reduce_min(array::from_vector<float>({0.0f, -0.0f}), {0}).item<float>()));
}

TEST_CASE("argsort with sort_key_val, stable on ties") {
  auto x = array::from_vector<float>({3, 1, 2, 1, NAN, -0.0f, 0.0f}, {7});
  auto [k, idx] = lax::sort_key_val(x, lax::iota(xjax::int32, 7));
  CHECK(idx.to_vector<int>() == std::vector<int>{5, 6, 1, 3, 2, 0, 4});  // -0.0 == 0.0, NaN last
  CHECK(std::isnan(k.to_vector<float>()[6]));
}

TEST_CASE("reduction errors name the op, the operand and the offending axes or dtype") {
  array x = f32_2x3();
  array b = lax::lt(x, 3.0f);
  check_error<xjax::value_error>([&] { lax::reduce_sum(x, {-1}); }, {"[reduce_sum]", "(-1,)", "f32[2,3]", "0 <= axis < 2"});
  check_error<xjax::value_error>([&] { lax::reduce_max(x, {2}); }, {"[reduce_max]", "(2,)", "out-of-bounds"});
  check_error<xjax::value_error>([&] { lax::reduce_sum(x, {1, 1}); }, {"[reduce_sum]", "duplicate", "(1, 1)"});
  check_error<xjax::value_error>([&] { lax::reduce_and(b, {0, 0}); }, {"[reduce_and]", "duplicate", "(0, 0)"});
  check_error<xjax::value_error>([&] { lax::reduce_or(b, {2}); }, {"[reduce_or]", "(2,)"});
  check_error<xjax::type_error>([&] { lax::reduce_sum(b, {0}); }, {"[reduce_sum]", "bool", "float32"});
  check_error<xjax::type_error>([&] { lax::reduce_prod(b, {0}); }, {"[reduce_prod]", "bool"});
  check_error<xjax::type_error>([&] { lax::reduce_and(x, {0}); }, {"[reduce_and]", "float32", "bool, int8"});
  check_error<xjax::type_error>([&] { lax::reduce_xor(x, {0}); }, {"[reduce_xor]", "float32"});
  // The shape rule runs when tracing too.
  check_error<xjax::value_error>([&] { xjax::make_jaxpr([](const array& t) { return lax::reduce_min(t, {0, 5}); })(x); },
                                 {"[reduce_min]", "(0, 5)"});
}

TEST_CASE("argmax/argmin errors") {
  array x = f32_2x3();
  check_error<xjax::value_error>([&] { lax::argmax(x, -1, xjax::int32); }, {"[argmax]", "axis -1", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::argmax(x, 2, xjax::int32); }, {"[argmax]", "axis 2", "0 <= axis < 2"});
  check_error<xjax::value_error>([&] { lax::argmin(array::from_vector<float>({}, {0, 3}), 0, xjax::int32); },
                                 {"[argmin]", "non-empty", "(0, 3)", "axis 0"});
  check_error<xjax::value_error>([&] { lax::argmax(array(1.0f, xjax::float32), 0, xjax::int32); }, {"[argmax]", "axis 0", "()"});
  check_error<xjax::type_error>([&] { lax::argmax(x, 1, xjax::float32); }, {"[argmax]", "index_dtype", "float32"});
  check_error<xjax::type_error>([&] { lax::argmin(x, 1, xjax::bool_); }, {"[argmin]", "index_dtype", "bool"});
}

TEST_CASE("cumulative op errors") {
  array x = f32_2x3();
  check_error<xjax::value_error>([&] { lax::cumsum(x, -1); }, {"[cumsum]", "axis -1", "negative"});
  check_error<xjax::value_error>([&] { lax::cummax(x, 2); }, {"[cummax]", "axis 2", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::cumprod(array(1.0f, xjax::float32)); }, {"[cumprod]", "axis 0", "()"});
  check_error<xjax::type_error>([&] { lax::cumsum(lax::lt(x, 3.0f)); }, {"[cumsum]", "bool"});
  check_error<xjax::type_error>([&] { lax::cummin(lax::lt(x, 3.0f), 1); }, {"[cummin]", "bool"});
}

TEST_CASE("sort errors") {
  array x = f32_2x3();
  array y = array::from_vector<float>({1, 2, 3}, {1, 3});
  check_error<xjax::shape_error>([&] { lax::sort({x, y}); }, {"[sort]", "equal shapes", "(2, 3), (1, 3)"});
  check_error<xjax::value_error>([&] { lax::sort({x, x}, -1, true, 0); }, {"[sort]", "num_keys=0", "(2)"});
  check_error<xjax::value_error>([&] { lax::sort({x, x}, -1, true, 3); }, {"[sort]", "num_keys=3"});
  check_error<xjax::value_error>([&] { lax::sort(x, -1, true, 2); }, {"[sort]", "num_keys=2", "single operand"});
  check_error<xjax::value_error>([&] { lax::sort(x, 2); }, {"[sort]", "dimension 2", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::sort(x, -3); }, {"[sort]", "dimension -3", "-2 <= dimension < 2"});
  check_error<xjax::value_error>([&] { lax::sort(array(1.0f, xjax::float32)); }, {"[sort]", "0-d"});
  check_error<xjax::value_error>([&] { lax::sort(std::vector<array>{}); }, {"[sort]", "at least one operand"});
  check_error<xjax::shape_error>([&] { lax::sort_key_val(x, y); }, {"[sort]", "equal shapes"});
}

TEST_CASE("iota errors") {
  check_error<xjax::type_error>([] { lax::iota(xjax::bool_, 3); }, {"[iota]", "bool", "int8"});
  check_error<xjax::value_error>([] { lax::iota(xjax::int32, -1); }, {"[iota]", "(-1,)", "negative"});
  check_error<xjax::value_error>([] { lax::broadcasted_iota(xjax::int32, {2, 3}, 2); }, {"[iota]", "dimension 2", "(2, 3)"});
  check_error<xjax::value_error>([] { lax::broadcasted_iota(xjax::int32, {2, 3}, -1); }, {"[iota]", "dimension -1"});
  check_error<xjax::value_error>([] { lax::broadcasted_iota(xjax::int32, {}, 0); }, {"[iota]", "dimension 0", "()"});
}
