// xjax::numpy manipulation functions against jax.numpy 0.10.2 (tests/golden/gen_np_manipulation.py):
// each golden case runs eagerly, through make_jaxpr (only lax primitives; JAX's text
// where JAX stages no jit and xjax binds the same primitives) and through eval_jaxpr;
// then the error tests.
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
#include "support/np_golden.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

using namespace xjax::testing::np_golden;

}  // namespace

namespace {

std::vector<std::pair<std::int64_t, std::int64_t>> pairs_of(const shape_t& flat) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2) out.emplace_back(flat[i], flat[i + 1]);
  return out;
}

const std::map<std::string, op_fn>& manipulation_ops() {
  using C = const case_name&;
  using X = const std::vector<array>&;
  static const std::map<std::string, op_fn> table = {
      {"reshape", one([](C c, X xs) { return jnp::reshape(xs[0], c.ints("shape")); })},
      {"ravel", one([](C, X xs) { return jnp::ravel(xs[0]); })},
      {"transpose", one([](C c, X xs) { return jnp::transpose(xs[0], c.opt_ints("axes")); })},
      {"swapaxes", one([](C c, X xs) { return jnp::swapaxes(xs[0], c.integer("a1"), c.integer("a2")); })},
      {"moveaxis", one([](C c, X xs) { return jnp::moveaxis(xs[0], c.integer("src"), c.integer("dst")); })},
      {"moveaxis_t", one([](C c, X xs) { return jnp::moveaxis(xs[0], c.ints("src"), c.ints("dst")); })},
      {"squeeze", one([](C c, X xs) {
         if (c.none("axis")) return jnp::squeeze(xs[0]);
         return jnp::squeeze(xs[0], c.integer("axis"));
       })},
      {"squeeze_t", one([](C c, X xs) { return jnp::squeeze(xs[0], c.ints("axis")); })},
      {"expand_dims", one([](C c, X xs) { return jnp::expand_dims(xs[0], c.integer("axis")); })},
      {"expand_dims_t", one([](C c, X xs) { return jnp::expand_dims(xs[0], c.ints("axis")); })},
      {"concatenate", one([](C c, X xs) { return jnp::concatenate(xs, c.opt_int("axis")); })},
      {"stack", one([](C c, X xs) { return jnp::stack(xs, c.integer("axis")); })},
      {"hstack", one([](C, X xs) { return jnp::hstack(xs); })},
      {"vstack", one([](C, X xs) { return jnp::vstack(xs); })},
      {"dstack", one([](C, X xs) { return jnp::dstack(xs); })},
      {"split", [](C c, X xs) { return jnp::split(xs[0], c.integer("sections"), c.integer("axis")); }},
      {"split_t", [](C c, X xs) { return jnp::split(xs[0], c.ints("indices"), c.integer("axis")); }},
      {"array_split", [](C c, X xs) { return jnp::array_split(xs[0], c.integer("sections"), c.integer("axis")); }},
      {"array_split_t", [](C c, X xs) { return jnp::array_split(xs[0], c.ints("indices"), c.integer("axis")); }},
      {"tile", one([](C c, X xs) { return jnp::tile(xs[0], c.integer("reps")); })},
      {"tile_t", one([](C c, X xs) { return jnp::tile(xs[0], c.ints("reps")); })},
      {"repeat", one([](C c, X xs) { return jnp::repeat(xs[0], c.integer("repeats"), c.opt_int("axis")); })},
      {"repeat_arr", one([](C c, X xs) {
         std::vector<std::int32_t> r;
         for (auto v : c.ints("repeats")) r.push_back(static_cast<std::int32_t>(v));
         return jnp::repeat(xs[0], jnp::array(r), c.opt_int("axis"), c.opt_int("total"));
       })},
      {"flip", one([](C c, X xs) {
         if (c.none("axis")) return jnp::flip(xs[0]);
         return jnp::flip(xs[0], c.integer("axis"));
       })},
      {"flip_t", one([](C c, X xs) { return jnp::flip(xs[0], c.ints("axis")); })},
      {"fliplr", one([](C, X xs) { return jnp::fliplr(xs[0]); })},
      {"flipud", one([](C, X xs) { return jnp::flipud(xs[0]); })},
      {"roll", one([](C c, X xs) { return jnp::roll(xs[0], c.integer("shift"), c.opt_int("axis")); })},
      {"roll_t", one([](C c, X xs) { return jnp::roll(xs[0], c.ints("shift"), c.ints("axis")); })},
      {"rot90", one([](C c, X xs) { return jnp::rot90(xs[0], c.integer("k"), c.ints("axes")); })},
      {"pad", one([](C c, X xs) {
         auto w = pairs_of(c.ints("width"));
         const std::string& form = c.str("form");
         if (form == "int") return jnp::pad(xs[0], w.empty() ? 0 : w[0].first, c.str("mode"));
         if (form == "pair") return jnp::pad(xs[0], {w.empty() ? 0 : w[0].first, w.empty() ? 0 : w[0].second}, c.str("mode"));
         return jnp::pad(xs[0], jnp::pad_width(w), c.str("mode"));
       })},
      {"pad_cval", one([](C c, X xs) { return jnp::pad(xs[0], {{1, 2}, {0, 1}}, "constant", c.scalar("cval")); })},
      {"pad_cvals", one([](C, X xs) { return jnp::pad(xs[0], 1, "constant", xs[1]); })},
      {"take", one([](C c, X xs) { return jnp::take(xs[0], xs[1], c.opt_int("axis"), c.str("mode")); })},
      {"take_fill", one([](C c, X xs) {
         const std::string& f = c.str("fill");
         std::optional<lax::static_scalar> fv;
         if (f.find('.') != std::string::npos) fv = std::stod(f);
         else fv = std::stoll(f);
         return jnp::take(xs[0], xs[1], 0, "fill", fv);
       })},
      {"atleast_1d_n", [](C, X xs) { return jnp::atleast_1d(xs); }},
      {"atleast_2d_n", [](C, X xs) { return jnp::atleast_2d(xs); }},
      {"atleast_3d_n", [](C, X xs) { return jnp::atleast_3d(xs); }},
      {"take_along_axis", one([](C c, X xs) { return jnp::take_along_axis(xs[0], xs[1], c.opt_int("axis"), c.str("mode")); })},
      {"atleast_1d", one([](C, X xs) { return jnp::atleast_1d(xs[0]); })},
      {"atleast_2d", one([](C, X xs) { return jnp::atleast_2d(xs[0]); })},
      {"atleast_3d", one([](C, X xs) { return jnp::atleast_3d(xs[0]); })},
      {"astype", one([](C c, X xs) { return jnp::astype(xs[0], *c.dtype()); })},
  };
  return table;
}

/// Functions whose jaxpr is compared with JAX's text (where JAX stages no jit).
const std::set<std::string>& exact_text_ops() {
  static const std::set<std::string> s = {"reshape", "ravel", "transpose", "swapaxes", "moveaxis", "moveaxis_t",
                                          "squeeze", "squeeze_t", "expand_dims", "expand_dims_t", "flip", "flip_t",
                                          "fliplr", "flipud", "astype", "concatenate"};  // JAX 0.10.2 binds its own tile and stack primitives
  return s;
}

void run(const std::string& op) {
  run_golden("np_manipulation", manipulation_ops(), op, false, exact_text_ops().count(op) > 0);
}

}  // namespace

TEST_CASE("golden: reshape, ravel") {
  run("reshape");
  run("ravel");
}
TEST_CASE("golden: transpose, swapaxes, moveaxis") {
  run("transpose");
  run("swapaxes");
  run("moveaxis");
  run("moveaxis_t");
}
TEST_CASE("golden: squeeze, expand_dims") {
  run("squeeze");
  run("squeeze_t");
  run("expand_dims");
  run("expand_dims_t");
}
TEST_CASE("golden: concatenate, stack, hstack, vstack, dstack") {
  run("concatenate");
  run("stack");
  run("hstack");
  run("vstack");
  run("dstack");
}
TEST_CASE("golden: split, array_split") {
  run("split");
  run("split_t");
  run("array_split");
  run("array_split_t");
}
TEST_CASE("golden: tile, repeat") {
  run("tile");
  run("tile_t");
  run("repeat");
  run("repeat_arr");
}
TEST_CASE("golden: flip, fliplr, flipud, roll, rot90") {
  run("flip");
  run("flip_t");
  run("fliplr");
  run("flipud");
  run("roll");
  run("roll_t");
  run("rot90");
}
TEST_CASE("golden: pad") {
  run("pad");
  run("pad_cval");
  run("pad_cvals");
}
TEST_CASE("golden: take, take_along_axis") {
  run("take");
  run("take_along_axis");
  run("take_fill");
}
TEST_CASE("golden: atleast_1d/2d/3d, astype") {
  run("atleast_1d");
  run("atleast_2d");
  run("atleast_3d");
  run("atleast_1d_n");
  run("atleast_2d_n");
  run("atleast_3d_n");
  run("astype");
}

TEST_CASE("every golden case of np_manipulation.txt has a C++ replay") {
  for (const auto& g : xjax::testing::golden_file::load("np_manipulation").cases()) {
    case_name c(g.name);
    CHECK_MESSAGE(manipulation_ops().count(c.op) == 1, "unknown op in case " << g.name);
  }
}

TEST_CASE("reshape / squeeze / atleast return their operand when nothing changes") {
  array x = jnp::array({{1.0, 2.0}});
  CHECK(jnp::reshape(x, {1, -1}).is_same(x));
  CHECK(jnp::squeeze(x, shape_t{}).is_same(x));
  CHECK(jnp::atleast_2d(x).is_same(x));
  CHECK(jnp::astype(x, xjax::int8).dtype() == xjax::int8);
  CHECK(jnp::pad(x, 1).shape() == shape_t{3, 4});
  CHECK(jnp::pad(x, {1, 0}).shape() == shape_t{2, 3});
  CHECK(jnp::pad(x, {{0, 1}, {2, 0}}).shape() == shape_t{2, 4});
}

TEST_CASE("manipulation errors name the function and the offending shapes, axes and values") {
  array z = jnp::zeros({2, 3});
  using xjax::shape_error;
  using xjax::value_error;
  check_error<shape_error>([&] { jnp::reshape(z, {4, 2}); }, {"[reshape]", "(2, 3)", "(4, 2)"});
  check_error<shape_error>([&] { jnp::reshape(z, {4, -1}); }, {"[reshape]", "(2, 3)", "(4, -1)"});
  check_error<value_error>([&] { jnp::reshape(z, {-1, -1}); }, {"[reshape]", "one unknown dimension", "(-1, -1)"});
  check_error<value_error>([&] { jnp::transpose(z, shape_t{0, 0}); }, {"[transpose]", "repeated axis"});
  check_error<value_error>([&] { jnp::transpose(z, shape_t{0, 2}); }, {"[transpose]", "axis 2", "rank 2"});
  check_error<value_error>([&] { jnp::transpose(z, shape_t{0}); }, {"[transpose]", "(0,)", "(2, 3)"});
  check_error<value_error>([&] { jnp::swapaxes(z, 0, 3); }, {"[swapaxes]", "axis 3"});
  check_error<value_error>([&] { jnp::moveaxis(z, shape_t{0, 1}, shape_t{0}); }, {"[moveaxis]", "(0, 1)", "(0,)"});
  check_error<value_error>([&] { jnp::squeeze(z, 0); }, {"[squeeze]", "axis 0", "size 2", "(2, 3)"});
  check_error<value_error>([&] { jnp::expand_dims(z, 4); }, {"[expand_dims]", "axis 4", "rank 3"});
  check_error<shape_error>([&] { jnp::concatenate({z, jnp::zeros({2, 4})}, 0); }, {"[concatenate]", "(2, 3)", "(2, 4)"});
  check_error<value_error>([&] { jnp::concatenate({array(1.0f), array(2.0f)}); }, {"[concatenate]", "zero-dimensional"});
  check_error<value_error>([&] { jnp::concatenate({z, z}, 2); }, {"[concatenate]", "axis 2"});
  check_error<shape_error>([&] { jnp::stack({z, jnp::zeros({3, 2})}); }, {"[stack]", "(2, 3)", "(3, 2)"});
  check_error<value_error>([&] { jnp::split(jnp::zeros({7}), 3); }, {"[split]", "equal division", "7", "3"});
  check_error<value_error>([&] { jnp::split(jnp::zeros({5}), shape_t{3, 1}); }, {"[split]", "(3, 1)"});
  check_error<value_error>([&] { jnp::split(jnp::zeros({5}), shape_t{-2}); }, {"[split]", "(-2,)"});
  check_error<value_error>([&] { jnp::pad(z, -1); }, {"[pad]", "non-negative", "-1"});
  check_error<value_error>([&] { jnp::pad(z, {{1, 1}, {1, 1}, {1, 1}}); }, {"[pad]", "3", "(2, 3)"});
  check_error<value_error>([&] { jnp::pad(z, {1, 2, 3}); }, {"[pad]", "1 or 2 elements"});
  check_error<value_error>([&] { jnp::pad(jnp::zeros({0, 2}), 1, "wrap"); }, {"[pad]", "empty axis", "(0, 2)"});
  check_error<value_error>([&] { jnp::pad(z, 1, "constant", jnp::ones({3, 2})); }, {"[pad]", "(3, 2)", "(2, 3)"});
  check_error<value_error>([&] { jnp::pad(z, 1, "mean"); }, {"[pad]", "'mean'"});
  check_error<xjax::not_implemented_error>([&] { jnp::take(jnp::zeros({3}), jnp::array({5}), 0, "raise"); },
                                           {"[take]", "'raise'"});
  check_error<value_error>([&] { jnp::take(jnp::zeros({3}), jnp::array({1}), 0, "bogus"); }, {"[take]", "'bogus'"});
  check_error<value_error>([&] { jnp::take(jnp::zeros({3}), jnp::array({1}), 1); }, {"[take]", "axis 1"});
  check_error<xjax::type_error>([&] { jnp::take(jnp::zeros({3}), jnp::array({1.0})); }, {"[take]", "float32"});
  check_error<value_error>([&] { jnp::take_along_axis(z, jnp::zeros({3}, xjax::int32), 1); }, {"[take_along_axis]", "(3,)", "(2, 3)"});
  check_error<value_error>([&] { jnp::take_along_axis(z, jnp::zeros({2, 1}, xjax::int32), 1, "wrap"); },
                           {"[take_along_axis]", "'wrap'"});
  check_error<value_error>([&] { jnp::rot90(z, 1, {0, 0}); }, {"[rot90]", "repeated axis"});
  check_error<value_error>([&] { jnp::fliplr(jnp::zeros({3})); }, {"[fliplr]", "(3,)"});
  check_error<value_error>([&] { jnp::repeat(jnp::zeros({3}), jnp::array({1, 2})); }, {"[repeat]", "2 repeats", "length 3"});
  check_error<value_error>([&] { jnp::repeat(z, -1, 0); }, {"[repeat]", "negative", "-1"});
  check_error<value_error>([&] { jnp::tile(z, shape_t{-1}); }, {"[tile]", "negative"});
  check_error<value_error>([&] { jnp::roll(z, shape_t{1, 2, 3}, shape_t{0, 1}); }, {"[roll]", "(1, 2, 3)", "(0, 1)"});
}
