// The vmap driver (transforms/vmap.hpp): in_axes and out_axes as JAX's (ints, none,
// per-argument prefixes of pytrees, negative axes), axis_size, the errors, and vmap
// composed with grad and with itself. The batching rules of each primitive family are
// tested in their own files.
#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/errors.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;

namespace {

array f32(std::vector<float> v, xjax::shape_t s) { return array::from_vector(v, s); }

void check_equal(const array& got, const array& want) {
  REQUIRE(got.shape() == want.shape());
  CHECK(got.dtype() == want.dtype());
  CHECK(got.to_vector<double>() == want.to_vector<double>());
}

using xjax::testing::error_of;

struct pair_tree {
  array a, b;
};
XJAX_PYTREE(pair_tree, a, b)

}  // namespace

TEST_CASE("vmap moves mapped axes: in_axes, negative axes, out_axes, none") {
  array x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  auto id = [](const array& v) { return v; };
  check_equal(xjax::vmap(id)(x), x);
  check_equal(xjax::vmap(id, 1)(x), f32({1, 4, 2, 5, 3, 6}, {3, 2}));
  check_equal(xjax::vmap(id, -1)(x), f32({1, 4, 2, 5, 3, 6}, {3, 2}));
  check_equal(xjax::vmap(id, 0, 1)(x), f32({1, 4, 2, 5, 3, 6}, {3, 2}));
  check_equal(xjax::vmap(id, 1, -1)(x), x);
  // An unmapped input returned as a mapped output is broadcast along the out axis.
  auto first = [](const array& v, const array& w) { return std::pair{v, w}; };
  auto [p, q] = xjax::vmap(first, {0, xjax::none})(x, f32({7, 8}, {2}));
  check_equal(p, x);
  check_equal(q, f32({7, 8, 7, 8}, {2, 2}));
  // out_axes none for an output that does not depend on the mapped inputs.
  auto [p2, q2] = xjax::vmap(first, {0, xjax::none}, {0, xjax::none})(x, f32({7, 8}, {2}));
  check_equal(q2, f32({7, 8}, {2}));
  // axis_size with nothing mapped.
  check_equal(xjax::vmap(id, xjax::none, 0, "", 3)(f32({1, 2}, {2})), f32({1, 2, 1, 2, 1, 2}, {3, 2}));
}

TEST_CASE("vmap in_axes as a prefix of pytree arguments") {
  array x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  array y = f32({1, 2, 3}, {3});
  auto f = [](const pair_tree& t) { return t; };
  pair_tree out = xjax::vmap(f, {{0, xjax::none}})(pair_tree{x, y});
  check_equal(out.a, x);
  check_equal(out.b, f32({1, 2, 3, 1, 2, 3}, {2, 3}));
  auto g = [](const std::vector<array>& v, const array& w) { return std::pair{v[1], w}; };
  auto [a, b] = xjax::vmap(g, {{xjax::none, 1}, 0})(std::vector<array>{y, x}, f32({5, 6, 7}, {3}));
  check_equal(a, f32({1, 4, 2, 5, 3, 6}, {3, 2}));
  check_equal(b, f32({5, 6, 7}, {3}));
}

TEST_CASE("vmap errors: sizes, ranks, structures, out_axes none, nothing mapped") {
  array x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  array y = f32({1, 2, 3}, {3});
  auto f = [](const array& a, const array& b) { return std::pair{a, b}; };
  auto msg = error_of<xjax::value_error>([&] { xjax::vmap(f)(x, y); });
  CHECK(msg.find("[vmap] inconsistent sizes") != std::string::npos);
  CHECK(msg.find("argument 0 has size 2") != std::string::npos);
  CHECK(msg.find("argument 1 has size 3") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, {0, 1})(x, y); });
  CHECK(msg.find("axis 1") != std::string::npos);
  CHECK(msg.find("f32[3]") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, {0, 0, 0})(x, x); });
  CHECK(msg.find("3 entries for 2 arguments") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, {0, {0, 0}})(x, x); });
  CHECK(msg.find("does not match the structure") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, 0, {0, xjax::none})(x, x); });
  CHECK(msg.find("out_axes entry is xjax::none") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, xjax::none)(x, x); });
  CHECK(msg.find("at least one mapped argument") != std::string::npos);
  msg = error_of<xjax::value_error>([&] { xjax::vmap(f, 0, 3)(x, x); });
  CHECK(msg.find("out of range") != std::string::npos);
}

TEST_CASE("vmap of custom_jvp, custom_vjp and checkpoint functions, and their derivatives") {
  auto log1pexp = xjax::custom_jvp(
      [](const array& x) { return lax::log1p(lax::exp(x)); },
      [](const std::tuple<array>& primals, const std::tuple<array>& tangents) {
        auto [x] = primals;
        auto [t] = tangents;
        return std::pair{lax::log1p(lax::exp(x)), lax::mul(t, lax::logistic(x))};
      },
      "log1pexp");
  auto square = xjax::custom_vjp(
      [](const array& x) { return lax::mul(x, x); }, [](const array& x) { return std::pair{lax::mul(x, x), x}; },
      [](const array& r, const array& ct) { return std::tuple{lax::mul(lax::mul(r, 3.0f), ct)}; },  // 3x on purpose
      "square");
  auto block = xjax::checkpoint([](const array& x) { return lax::sin(lax::sin(x)); });
  array xs = f32({0.5f, -1.0f, 100.0f}, {3});
  // Values: the function itself, mapped.
  check_equal(xjax::vmap(log1pexp)(xs), lax::log1p(lax::exp(xs)));
  check_equal(xjax::vmap(square)(xs), lax::mul(xs, xs));
  check_equal(xjax::vmap(block)(xs), lax::sin(lax::sin(xs)));
  // Derivatives use the rules, mapped: per-example grads, and grad through vmap.
  array want_lpe = lax::logistic(xs);
  check_equal(xjax::vmap(xjax::grad(log1pexp))(xs), want_lpe);
  auto sum_of = [](auto f) { return [f](const array& v) { return lax::reduce_sum(xjax::vmap(f)(v), {0}); }; };
  check_equal(xjax::grad(sum_of(log1pexp))(xs), want_lpe);
  array want_sq = lax::mul(xs, 3.0f);  // the custom bwd, not 2x
  check_equal(xjax::vmap(xjax::grad(square))(xs), want_sq);
  check_equal(xjax::grad(sum_of(square))(xs), want_sq);
  array want_block = lax::mul(lax::cos(lax::sin(xs)), lax::cos(xs));
  check_equal(xjax::vmap(xjax::grad(block))(xs), want_block);
  check_equal(xjax::grad(sum_of(block))(xs), want_block);
  // The batched equations are the custom calls themselves, batched.
  auto j = xjax::make_jaxpr(xjax::vmap(log1pexp))(xs);
  REQUIRE(j.jaxpr->eqns.size() == 1);
  CHECK(j.jaxpr->eqns[0].prim->name() == "custom_jvp_call");
  // A closure over a mapped value is an error naming the function.
  auto msg = error_of<xjax::value_error>([&] {
    xjax::vmap([&](const array& v) {
      auto scaled = xjax::custom_jvp([&](const array& w) { return lax::mul(w, v); },
                                     [&](const std::tuple<array>& p, const std::tuple<array>& t) {
                                       return std::pair{lax::mul(std::get<0>(p), v), std::get<0>(t)};
                                     },
                                     "scaled");
      return scaled(array(2.0f, xjax::float32));
    })(xs);
  });
  CHECK(msg.find("scaled") != std::string::npos);
}
