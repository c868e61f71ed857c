// xjax::numpy sorting and searching: sort, argsort, searchsorted, unique, nonzero,
// flatnonzero, argwhere and lax::top_k. Golden cases (tests/golden/gen_np_sorting.py)
// run eagerly, through make_jaxpr (only lax primitives) and through eval_jaxpr; then
// the errors a user can meet.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
using xjax::array;

namespace {

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
  bool has(const std::string& k) const { return params.count(k) > 0; }
  const std::string& str(const std::string& k) const { return params.at(k); }
  std::int64_t integer(const std::string& k) const { return std::stoll(str(k)); }
  std::optional<std::int64_t> opt(const std::string& k) const {
    if (!has(k) || str(k) == "none") return std::nullopt;
    return integer(k);
  }
};

using op_fn = std::function<std::vector<array>(const case_name&, const std::vector<array>&)>;

const std::map<std::string, op_fn>& ops() {
  using C = const case_name&;
  using X = const std::vector<array>&;
  static const std::map<std::string, op_fn> table = {
      {"sort", [](C c, X xs) { return std::vector<array>{jnp::sort(xs[0], c.opt("axis"), true, c.integer("desc") != 0)}; }},
      {"argsort",
       [](C c, X xs) { return std::vector<array>{jnp::argsort(xs[0], c.opt("axis"), true, c.integer("desc") != 0)}; }},
      {"searchsorted", [](C c, X xs) { return std::vector<array>{jnp::searchsorted(xs[0], xs[1], c.str("side"))}; }},
      {"unique",
       [](C c, X xs) {
         std::optional<array> fill;
         if (c.has("fill")) fill = array(static_cast<int>(c.integer("fill")));
         return std::vector<array>{jnp::unique(xs[0], c.opt("size"), fill)};
       }},
      {"unique_all",
       [](C c, X xs) {
         std::optional<array> fill;
         if (c.has("fill")) fill = array(static_cast<int>(c.integer("fill")));
         auto u = jnp::unique_all(xs[0], {.size = c.opt("size"), .fill_value = fill});
         return std::vector<array>{u.values, u.indices, u.inverse, u.counts};
       }},
      {"nonzero", [](C c, X xs) { return jnp::nonzero(xs[0], c.opt("size"), c.opt("fill")); }},
      {"flatnonzero",
       [](C c, X xs) { return std::vector<array>{jnp::flatnonzero(xs[0], c.opt("size"), c.opt("fill"))}; }},
      {"argwhere", [](C c, X xs) { return std::vector<array>{jnp::argwhere(xs[0], c.opt("size"), c.opt("fill"))}; }},
      {"top_k",
       [](C c, X xs) {
         auto [v, i] = lax::top_k(xs[0], c.integer("k"), c.integer("axis"));
         return std::vector<array>{v, i};
       }},
  };
  return table;
}

void run_golden(const std::string& op) {
  const auto& file = xjax::testing::golden_file::load("np_sorting");
  const op_fn& fn = ops().at(op);
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (c.op != op) continue;
    ++n;
    INFO("case " << g.name);
    std::vector<array> got = fn(c, g.inputs);
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      std::string err = xjax::testing::compare(got[i], g.outputs[i], 0, 0);
      CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    }
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return fn(c, xs); })(g.inputs);
    std::string text = xjax::to_string(j);
    CHECK_MESSAGE(text.find("jit[") == std::string::npos, text);
    if (op == "top_k") CHECK(text == g.jaxpr);  // jnp functions are jit-wrapped in JAX, lax.top_k is not
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == g.outputs.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      std::string err = xjax::testing::compare(staged[i], g.outputs[i], 0, 0);
      CHECK_MESSAGE(err.empty(), "eval_jaxpr output " << i << ": " << err);
    }
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << op);
}

template <class E, class F> void check_error(F&& f, std::initializer_list<std::string_view> needles) {
  try {
    f();
    FAIL("no error was thrown");
  } catch (const E& e) {
    std::string what = e.what();
    for (auto nd : needles) CHECK_MESSAGE(what.find(nd) != std::string::npos, "'" << nd << "' not in: " << what);
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
  }
}

array i32_3x4() { return array::from_vector<std::int32_t>({5, 1, 3, 1, 2, 2, 9, -4, 0, 7, 1, 1}, {3, 4}); }

}  // namespace

TEST_CASE("np golden: sort") { run_golden("sort"); }
TEST_CASE("np golden: argsort") { run_golden("argsort"); }
TEST_CASE("np golden: searchsorted") { run_golden("searchsorted"); }
TEST_CASE("np golden: unique") { run_golden("unique"); }
TEST_CASE("np golden: unique_all") { run_golden("unique_all"); }
TEST_CASE("np golden: nonzero") { run_golden("nonzero"); }
TEST_CASE("np golden: flatnonzero") { run_golden("flatnonzero"); }
TEST_CASE("np golden: argwhere") { run_golden("argwhere"); }
TEST_CASE("np golden: lax::top_k") { run_golden("top_k"); }

TEST_CASE("every golden case of np_sorting.txt has a C++ replay") {
  for (const auto& g : xjax::testing::golden_file::load("np_sorting").cases()) {
    CHECK_MESSAGE(ops().count(case_name(g.name).op) == 1, "unknown op in case " << g.name);
  }
}

TEST_CASE("sorting: unique / nonzero without size work eagerly") {
  auto u = jnp::unique(i32_3x4());
  CHECK(u.to_vector<int>() == std::vector<int>{-4, 0, 1, 2, 3, 5, 7, 9});
  auto nz = jnp::nonzero(array::from_vector<float>({0, 1, 0, 2}));
  REQUIRE(nz.size() == 1);
  CHECK(nz[0].to_vector<int>() == std::vector<int>{1, 3});
  CHECK(jnp::argwhere(i32_3x4()).shape() == xjax::shape_t{11, 2});
}

TEST_CASE("sorting errors") {
  auto x = i32_3x4();
  check_error<xjax::value_error>([&] { jnp::sort(x, 2); }, {"[sort]", "axis 2", "rank 2"});
  check_error<xjax::value_error>([&] { jnp::argsort(x, -3); }, {"[argsort]", "axis -3"});
  check_error<xjax::value_error>([&] { jnp::searchsorted(x, x); }, {"[searchsorted]", "1-dimensional", "(3, 4)"});
  check_error<xjax::value_error>([&] { jnp::searchsorted(jnp::sort(x, std::nullopt), 1, "middle"); },
                                 {"[searchsorted]", "middle"});
  check_error<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& a) { return jnp::unique(a); })(x); }, {"[unique]", "size", "i32[3,4]"});
  check_error<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& a) { return jnp::nonzero(a)[0]; })(x); }, {"[nonzero]", "size"});
  check_error<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& a) { return jnp::argwhere(a); })(x); }, {"[nonzero]", "size"});
  check_error<xjax::value_error>([&] { jnp::nonzero(array(1.0f)); }, {"[nonzero]", "0-d"});
  check_error<xjax::value_error>([&] { lax::top_k(x, 5); }, {"[top_k]", "k=5", "(3, 4)"});
  check_error<xjax::value_error>([&] { lax::top_k(x, 4, 0); }, {"[top_k]", "k=4", "axis 0", "(3, 4)"});
  check_error<xjax::value_error>([&] { lax::top_k(x, -1); }, {"[top_k]", "k=-1"});
  check_error<xjax::value_error>([&] { lax::top_k(array(1.0f), 1); }, {"[top_k]", "()"});
  check_error<xjax::value_error>([&] { lax::top_k(x, 1, 2); }, {"[top_k]", "axis 2", "(3, 4)"});
  check_error<xjax::value_error>([&] { jnp::unique(array::from_vector<float>({}), 2); },
                                 {"[unique]", "fill_value", "(0,)"});
  check_error<xjax::value_error>([&] { jnp::nonzero(x, -1); }, {"[nonzero]", "size", "-1"});
}
