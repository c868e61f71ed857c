// xjax::numpy creation functions against jax.numpy 0.10.2 (tests/golden/gen_np_creation.py):
// each golden case runs eagerly, through make_jaxpr (only lax primitives; JAX's text
// where JAX stages no jit) and through eval_jaxpr; then the error tests.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"
#include "support/np_golden.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

using namespace xjax::testing::np_golden;

}  // namespace

namespace {

array full_value(const case_name& c) { return c.scalar("fill"); }

const std::map<std::string, op_fn>& creation_ops() {
  using C = const case_name&;
  using X = const std::vector<array>&;
  static const std::map<std::string, op_fn> table = {
      {"zeros", one([](C c, X) { return jnp::zeros(c.ints("shape"), c.dtype().value_or(xjax::float32)); })},
      {"ones", one([](C c, X) { return jnp::ones(c.ints("shape"), c.dtype().value_or(xjax::float32)); })},
      {"empty", one([](C c, X) { return jnp::empty(c.ints("shape"), c.dtype().value_or(xjax::float32)); })},
      {"full", one([](C c, X) { return jnp::full(c.ints("shape"), full_value(c), c.dtype()); })},
      {"full_arr", one([](C c, X xs) { return jnp::full(c.ints("shape"), xs[0], c.dtype()); })},
      {"zeros_like", one([](C c, X xs) { return jnp::zeros_like(xs[0], c.dtype(), c.opt_ints("shape")); })},
      {"ones_like", one([](C c, X xs) { return jnp::ones_like(xs[0], c.dtype(), c.opt_ints("shape")); })},
      {"empty_like", one([](C c, X xs) { return jnp::empty_like(xs[0], c.dtype(), c.opt_ints("shape")); })},
      {"full_like", one([](C c, X xs) { return jnp::full_like(xs[0], full_value(c), c.dtype(), c.opt_ints("shape")); })},
      {"arange", one([](C c, X) {
         if (!c.params.count("stop")) return jnp::arange(c.scalar("start"), c.dtype());
         if (!c.params.count("step")) return jnp::arange(c.scalar("start"), c.scalar("stop"), c.dtype());
         return jnp::arange(c.scalar("start"), c.scalar("stop"), c.scalar("step"), c.dtype());
       })},
      {"linspace", one([](C c, X) {
         return jnp::linspace(c.scalar("start"), c.scalar("stop"), c.integer("num"),
                              {.endpoint = c.flag("endpoint"), .dtype = c.dtype(), .axis = c.integer("axis")});
       })},
      {"linspace_retstep",
       [](C c, X) {
         auto [v, step] = jnp::linspace_retstep(c.scalar("start"), c.scalar("stop"), c.integer("num"),
                                                {.endpoint = c.flag("endpoint"), .dtype = c.dtype(), .axis = c.integer("axis")});
         return std::vector<array>{v, step};
       }},
      {"linspace_arr", one([](C c, X xs) {
         return jnp::linspace(xs[0], xs[1], c.integer("num"),
                              {.endpoint = c.flag("endpoint"), .dtype = c.dtype(), .axis = c.integer("axis")});
       })},
      {"logspace", one([](C c, X) {
         return jnp::logspace(c.scalar("start"), c.scalar("stop"), c.integer("num"),
                              {.endpoint = c.flag("endpoint"), .dtype = c.dtype()}, c.scalar("base"));
       })},
      {"eye", one([](C c, X) {
         return jnp::eye(c.integer("N"), c.opt_int("M"), c.integer("k"), c.dtype().value_or(xjax::float32));
       })},
      {"tri", one([](C c, X) {
         return jnp::tri(c.integer("N"), c.opt_int("M"), c.integer("k"), c.dtype().value_or(xjax::float32));
       })},
      {"identity", one([](C c, X) { return jnp::identity(c.integer("n"), c.dtype().value_or(xjax::float32)); })},
      {"tril", one([](C c, X xs) { return jnp::tril(xs[0], c.integer("k")); })},
      {"triu", one([](C c, X xs) { return jnp::triu(xs[0], c.integer("k")); })},
      {"meshgrid", [](C c, X xs) { return jnp::meshgrid(xs, c.str("indexing"), c.flag("sparse")); }},
      {"diag", one([](C c, X xs) { return jnp::diag(xs[0], c.integer("k")); })},
      {"diagflat", one([](C c, X xs) { return jnp::diagflat(xs[0], c.integer("k")); })},
  };
  return table;
}

/// Functions whose float values may differ from XLA's by rounding.
bool rounds(const std::string& op) { return op.rfind("linspace", 0) == 0 || op == "logspace" || op == "arange"; }

void run(const std::string& op, bool exact_text = true) {
  run_golden("np_creation", creation_ops(), op, rounds(op), exact_text, nullptr, /*skip_64bit_text=*/true);
}

}  // namespace

TEST_CASE("golden: zeros, ones, empty") {
  run("zeros");
  run("ones");
  run("empty");
}
TEST_CASE("golden: full") {
  run("full");
  run("full_arr");
}
TEST_CASE("golden: zeros_like, ones_like, empty_like, full_like") {
  run("zeros_like");
  run("ones_like");
  run("empty_like");
  run("full_like");
}
TEST_CASE("golden: arange") { run("arange"); }
TEST_CASE("golden: linspace") {
  run("linspace");
  run("linspace_retstep");
  run("linspace_arr");
}
TEST_CASE("golden: logspace") { run("logspace"); }
TEST_CASE("golden: eye, identity, tri") {
  run("eye");
  run("identity");
  run("tri");
}
TEST_CASE("golden: tril, triu") {
  run("tril");
  run("triu");
}
TEST_CASE("golden: meshgrid") { run("meshgrid"); }
TEST_CASE("golden: diag, diagflat") {
  run("diag");
  run("diagflat", false);  // JAX scatters into zeros; xjax pads and selects as jnp.diag
}

TEST_CASE("golden: array and asarray") {
  const auto& file = xjax::testing::golden_file::load("np_creation");
  auto check = [&](const std::string& name, auto f) {
    INFO("case " << name);
    const auto& g = file.get(name);
    array got = f(g.inputs);
    CHECK(xjax::testing::compare(got, g.outputs[0], 0, 0).empty());
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return f(xs); })(g.inputs);
    auto staged = xjax::eval_jaxpr(j, g.inputs);
    CHECK(xjax::testing::compare(staged[0], g.outputs[0], 0, 0).empty());
  };
  using X = const std::vector<array>&;
  check("array;list2d_float", [](X) { return jnp::array({{1.0, 2.0}, {3.0, 4.0}}); });
  check("array;list1d_int", [](X) { return jnp::array({1, 2, 3}); });
  check("array;list3d_int", [](X) { return jnp::array({{{1, 2, 3}}, {{4, 5, 6}}}); });
  check("array;list1d_bool", [](X) { return jnp::array({true, false, true}); });
  check("array;list1d_float_int8", [](X) { return jnp::array({1.7, -2.2, 3.9}, xjax::int8); });
  check("array;list2d_int_float16", [](X) { return jnp::array({{1, 2}, {3, 4}}, xjax::float16); });
  check("array;list1d_int_int64", [](X) { return jnp::array({1, 2, 3}, xjax::int64); });
  check("array;list4d_float", [](X) { return jnp::array({{{{1.5}}, {{2.5}}}}); });
  check("array;vector_float_shape", [](X) { return jnp::array(std::vector<float>{0, 1, 2, 3, 4, 5}, shape_t{2, 3}); });
  check("array;vector_double", [](X) { return jnp::array(std::vector<double>{0, 1, 2, 3}); });
  check("array;vector_int_to_float32",
        [](X) { return jnp::asarray(std::vector<std::int32_t>{0, 1, 2, 3}, std::nullopt, xjax::float32); });
  check("array;vector_bool", [](X) { return jnp::array(std::vector<bool>{true, false}); });
  check("array;vector_empty", [](X) { return jnp::asarray(std::vector<float>{}, shape_t{0, 3}); });
  check("asarray;array", [](X xs) { return jnp::asarray(xs[0]); });
  check("asarray;array_int8", [](X xs) { return jnp::asarray(xs[0], xjax::int8); });
  check("asarray;array_same", [](X xs) { return jnp::asarray(xs[0], xjax::int32); });
  check("asarray;scalar0d", [](X xs) { return jnp::asarray(xs[0], xjax::float32); });
}

TEST_CASE("every golden case of np_creation.txt has a C++ replay") {
  for (const auto& g : xjax::testing::golden_file::load("np_creation").cases()) {
    case_name c(g.name);
    CHECK_MESSAGE((creation_ops().count(c.op) == 1 || c.op == "array" || c.op == "asarray"), "unknown op in case " << g.name);
  }
}

TEST_CASE("array literals: strongly typed float32 / int32 / bool, an explicit dtype, no copy for asarray") {
  auto a = jnp::array({{1.0, 2.0}, {3.0, 4.0}});
  CHECK(a.shape() == shape_t{2, 2});
  CHECK(a.dtype() == xjax::float32);
  CHECK_FALSE(a.weak_type());
  CHECK(jnp::array({1, 2}).dtype() == xjax::int32);
  CHECK(jnp::array({1.0f}).dtype() == xjax::float32);
  CHECK(jnp::array({true}).dtype() == xjax::bool_);
  CHECK(jnp::array({{1, 2}}, xjax::uint8).dtype() == xjax::uint8);
  CHECK(jnp::array({{{{{{1}}}}}}).shape() == shape_t{1, 1, 1, 1, 1, 1});
  CHECK(jnp::array(std::vector<std::int64_t>{1, 2}).dtype() == xjax::int64);  // a vector keeps its C++ type
  array x = jnp::array({1.0, 2.0});
  CHECK(jnp::asarray(x).is_same(x));
  CHECK(jnp::asarray(x, xjax::float32).is_same(x));
  // A C++ scalar stays weak through asarray without a dtype, strong with one.
  CHECK(jnp::asarray(2.0).weak_type());
  CHECK_FALSE(jnp::asarray(2.0, xjax::float32).weak_type());
  // full keeps a C++ scalar's weak type, as lax.full; with a dtype it is strong.
  CHECK(jnp::full({2}, 2.5).weak_type());
  CHECK_FALSE(jnp::full({2}, 2.5, xjax::float32).weak_type());
  CHECK_FALSE(jnp::zeros({2}).weak_type());
}

TEST_CASE("creation jaxprs are JAX's for the functions JAX does not jit") {
  // zeros is broadcast_in_dim of a literal; eye / tri are built of iotas, as JAX.
  CHECK(xjax::to_string(xjax::make_jaxpr([] { return jnp::zeros({2, 3}); })()) ==
        "{ lambda ; . let a:f32[2,3] = broadcast_in_dim 0.0:f32[] in (a,) }");
  CHECK(xjax::to_string(xjax::make_jaxpr([] { return jnp::full({2}, 3.5); })()) ==
        "{ lambda ; . let a:f32[2] = broadcast_in_dim 3.5:f32[] in (a,) }");
  CHECK(xjax::to_string(xjax::make_jaxpr([] { return jnp::ones({3}, xjax::int8); })()) ==
        "{ lambda ; . let a:i8[3] = broadcast_in_dim 1:i8[] in (a,) }");
}

TEST_CASE("creation errors name the function and the offending values") {
  check_error<xjax::value_error>([] { jnp::eye(-1); }, {"[eye]", "negative", "-1"});
  check_error<xjax::value_error>([] { jnp::zeros({2, -1}); }, {"[zeros]", "(2, -1)"});
  check_error<xjax::value_error>([] { jnp::full({-3}, 1.0); }, {"[full]", "(-3,)"});
  check_error<xjax::value_error>([] { jnp::meshgrid({jnp::ones({2})}, "xx"); }, {"[meshgrid]", "'xx'"});
  check_error<xjax::value_error>([] { jnp::meshgrid({jnp::ones({2, 2})}); }, {"[meshgrid]", "(2, 2)"});
  check_error<xjax::value_error>([] { jnp::tril(jnp::ones({3})); }, {"[tril]", "(3,)"});
  check_error<xjax::value_error>([] { jnp::triu(jnp::ones({})); }, {"[triu]", "()"});
  check_error<xjax::value_error>([] { jnp::diag(jnp::ones({2, 2, 2})); }, {"[diag]", "(2, 2, 2)"});
  check_error<xjax::value_error>([] { jnp::linspace(0, 1, -1); }, {"[linspace]", "-1"});
  check_error<xjax::value_error>([] { jnp::arange(jnp::ones({2})); }, {"[arange]", "(2,)"});
  check_error<xjax::value_error>([] { jnp::arange(0, 4, 0); }, {"[arange]", "zero"});
  check_error<xjax::concretization_error>(
      [] { xjax::make_jaxpr([](const array& n) { return jnp::arange(n); })(array(3)); }, {"[arange]", "stop"});
  check_error<xjax::shape_error>([] { jnp::full({2, 3}, jnp::ones({4})); }, {"[broadcast_to]", "(4,)", "(2, 3)"});
  check_error<xjax::shape_error>([] { jnp::array(std::vector<float>{1, 2, 3}, shape_t{2, 2}); }, {"[array]", "(2, 2)"});
}
