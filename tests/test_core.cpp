// Core: dtypes, tracing, make_jaxpr, eval_jaxpr, pytrees, and the tracer errors.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/errors.hpp"

namespace lax = xjax::lax;
using xjax::array;

namespace {

array f32(std::vector<float> v, xjax::shape_t s) { return array::from_vector(v, s); }

using xjax::testing::error_of;

struct mlp_params {
  array w1, b1, w2;
  int hidden = 0;  // not a field of the pytree: static data
};
XJAX_PYTREE(mlp_params, w1, b1, w2)

}  // namespace

namespace user_ns {
struct pair_of_arrays {
  array first, second;
};
XJAX_PYTREE(pair_of_arrays, first, second)
}  // namespace user_ns

TEST_CASE("dtypes have JAX's names, short names and sizes") {
  CHECK(xjax::float32.name() == "float32");
  CHECK(xjax::bfloat16.short_name() == "bf16");
  CHECK(xjax::bool_.short_name() == "bool");
  CHECK(xjax::uint64.itemsize() == 8);
  CHECK(xjax::f16 == xjax::float16);
  CHECK(xjax::dtype::from_name("i32") == xjax::int32);
  CHECK(xjax::dtype::from_name("uint16") == xjax::uint16);
  CHECK(xjax::dtype_of<long long>() == xjax::int64);
  CHECK(xjax::dtype_of<xjax::bfloat16_t>() == xjax::bfloat16);
  auto msg = error_of<xjax::value_error>([] { xjax::dtype::from_name("float128"); });
  CHECK(msg.find("[dtype]") == 0);
  CHECK(msg.find("float128") != std::string::npos);
}

TEST_CASE("16-bit floats round to nearest even") {
  CHECK(xjax::half_t(1.0f).bits == 0x3c00);
  CHECK(xjax::half_t(65504.0f).bits == 0x7bff);
  CHECK(xjax::half_t(65520.0f).bits == 0x7c00);                 // rounds up to inf
  CHECK(xjax::half_t(5.9604644775390625e-8f).bits == 0x0001);   // smallest subnormal
  CHECK(static_cast<float>(xjax::half_t(0.1f)) == doctest::Approx(0.0999755859375f));
  CHECK(xjax::bfloat16_t(1.0f).bits == 0x3f80);
  CHECK(xjax::bfloat16_t(1.00390625f).bits == 0x3f80);  // halfway, ties to even
  CHECK(xjax::bfloat16_t(1.01171875f).bits == 0x3f82);  // halfway, ties to even (up)
}

TEST_CASE("a traced function prints its jaxpr and evaluates") {
  auto x = f32({1, 2, 3, 4}, {2, 2});
  auto f = [](const array& x) { return lax::exp(lax::mul(x, 2.0)); };
  auto j = xjax::make_jaxpr(f)(x);
  CHECK(xjax::to_string(j) ==
        "{ lambda ; a:f32[2,2]. let\n    b:f32[2,2] = mul a 2.0:f32[]\n    c:f32[2,2] = exp b\n  in (c,) }");
  auto out = xjax::eval_jaxpr(j, std::vector<array>{x});
  CHECK(out[0].to_vector<float>() == f(x).to_vector<float>());
}

TEST_CASE("concrete arrays a traced function closes over become constants") {
  auto x = f32({1, 2, 3}, {3});
  auto c = f32({10, 20, 30}, {3});
  auto j = xjax::make_jaxpr([&](const array& t) { return lax::add(lax::add(t, c), c); })(x);
  CHECK(j.jaxpr->constvars.size() == 1);  // captured once, however often used
  CHECK(j.consts.size() == 1);
  CHECK(j.consts[0].is_same(c));
  CHECK(xjax::eval_jaxpr(j, std::vector<array>{x})[0].to_vector<float>() == std::vector<float>{21, 42, 63});
}

TEST_CASE("eval_jaxpr re-stages into an enclosing trace") {
  auto x = f32({1, 2}, {2});
  auto inner = xjax::make_jaxpr([](const array& t) { return lax::neg(lax::exp(t)); })(x);
  auto outer = xjax::make_jaxpr([&](const array& t) { return xjax::eval_jaxpr(inner, std::vector<array>{t})[0]; })(x);
  CHECK(outer.jaxpr->eqns.size() == 2);
  CHECK(xjax::to_string(outer) == xjax::to_string(inner));
}

TEST_CASE("an inner trace can close over a tracer of an outer trace") {
  auto x = f32({1, 2}, {2});
  auto outer = xjax::make_jaxpr([&](const array& t) {
    array e = lax::exp(t);
    auto inner = xjax::make_jaxpr([&](const array& u) { return lax::mul(u, e); })(x);
    CHECK(inner.consts.size() == 1);
    CHECK(inner.consts[0].is_tracer());  // the outer tracer, captured as a constant
    return xjax::eval_jaxpr(inner, std::vector<array>{t})[0];
  })(x);
  CHECK(outer.jaxpr->eqns.size() == 2);  // exp and mul, both in the outer jaxpr
  auto v = xjax::eval_jaxpr(outer, std::vector<array>{x})[0].to_vector<float>();
  CHECK(v[1] == doctest::Approx(2 * std::exp(2.0f)));
}

TEST_CASE("make_jaxpr takes and returns pytrees") {
  auto w = f32({1, 2, 3, 4}, {2, 2});
  auto b = f32({1, 1}, {2});
  mlp_params p{w, b, w, 7};
  auto j = xjax::make_jaxpr([](const mlp_params& p, const std::map<std::string, array>& extra) {
    CHECK(p.hidden == 7);  // static fields pass through untouched
    return std::make_tuple(lax::add(p.w1, p.w2), std::vector<array>{p.b1, extra.at("z")});
  })(p, std::map<std::string, array>{{"z", b}});
  CHECK(j.jaxpr->invars.size() == 4);
  CHECK(j.jaxpr->outvars.size() == 3);
  CHECK(xjax::to_string(j) == "{ lambda ; a:f32[2,2] b:f32[2] c:f32[2,2] d:f32[2]. let\n"
                               "    e:f32[2,2] = add a c\n  in (e, b, d) }");
}

TEST_CASE("scalar leaves: static in arguments, literals in results") {
  auto x = f32({1, 2}, {2});
  auto j = xjax::make_jaxpr([](const array& t, double s) { return std::make_pair(lax::mul(t, s), 3); })(x, 2.5);
  CHECK(xjax::to_string(j) == "{ lambda ; a:f32[2]. let b:f32[2] = mul a 2.5:f32[] in (b, 3:i32[]) }");
}

TEST_CASE("pytree flatten, structure, unflatten and map") {
  auto a = f32({1}, {1});
  auto b = f32({2, 3}, {2});
  std::tuple<array, std::vector<array>, std::map<std::string, array>> t{a, {a, b}, {{"k", b}, {"a", a}}};
  auto leaves = xjax::tree_leaves(t);
  REQUIRE(leaves.size() == 5);
  CHECK(leaves[3].is_same(a));  // maps iterate in key order: "a" before "k"
  auto def = xjax::tree_structure(t);
  CHECK(def.str() == "PyTreeDef((*, [*, *], {'a': *, 'k': *}))");
  auto back = xjax::tree_unflatten<decltype(t)>(def, leaves);
  CHECK(std::get<1>(back)[1].is_same(b));
  auto doubled = xjax::tree_map([](const array& x) { return lax::add(x, x); }, t);
  CHECK(std::get<2>(doubled).at("k").to_vector<float>() == std::vector<float>{4, 6});
  auto summed = xjax::tree_map([](const array& x, const array& y) { return lax::add(x, y); }, t, doubled);
  CHECK(std::get<0>(summed).item<float>() == 3);

  user_ns::pair_of_arrays pr{a, b};
  CHECK(xjax::tree_structure(pr).str() == "PyTreeDef(CustomNode(pair_of_arrays[('first', 'second')], [*, *]))");
  std::array<std::pair<array, double>, 2> arr{{{a, 1.5}, {b, 2.0}}};
  auto arr_leaves = xjax::tree_leaves(arr);
  CHECK(arr_leaves.size() == 4);
  CHECK(arr_leaves[1].weak_type());
  CHECK(arr_leaves[1].item<double>() == 1.5);
}

TEST_CASE("pytree structure mismatches are errors") {
  auto a = f32({1}, {1});
  std::vector<array> two{a, a}, three{a, a, a};
  auto msg = error_of<xjax::pytree_error>(
      [&] { xjax::tree_map([](const array& x, const array& y) { return lax::add(x, y); }, two, three); });
  CHECK(msg.find("[tree_map]") == 0);
  CHECK(msg.find("[*, *]") != std::string::npos);
  CHECK(msg.find("[*, *, *]") != std::string::npos);

  auto def = xjax::tree_structure(two);
  msg = error_of<xjax::pytree_error>([&] { xjax::tree_unflatten<std::vector<array>>(def, three); });
  CHECK(msg.find("[tree_unflatten]") == 0);
  CHECK(msg.find("2 leaves but 3") != std::string::npos);

  auto tdef = xjax::tree_structure(std::make_tuple(a, a));
  msg = error_of<xjax::pytree_error>([&] { xjax::tree_unflatten<std::vector<array>>(tdef, two); });
  CHECK(msg.find("(*, *)") != std::string::npos);
}

TEST_CASE("a tracer that escaped its trace is an error") {
  auto x = f32({1, 2}, {2});
  array leaked;
  xjax::make_jaxpr([&](const array& t) {
    leaked = t;
    return t;
  })(x);
  auto msg = error_of<xjax::escaped_tracer_error>([&] { lax::neg(leaked); });
  CHECK(msg.find("[neg]") == 0);
  CHECK(msg.find("f32[2]") != std::string::npos);
  // ... also when used inside a later, unrelated trace.
  msg = error_of<xjax::escaped_tracer_error>(
      [&] { xjax::make_jaxpr([&](const array& t) { return lax::add(t, leaked); })(x); });
  CHECK(msg.find("[add]") == 0);
  // ... and when returned from a later trace.
  error_of<xjax::escaped_tracer_error>([&] { xjax::make_jaxpr([&](const array&) { return leaked; })(x); });
}

TEST_CASE("converting a tracer to a C++ value is a concretization error") {
  auto x = f32({1, 2}, {2});
  auto s = f32({1}, {});
  auto msg = error_of<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& t) { return t.item<float>(); })(s); });
  CHECK(msg.find("[item]") == 0);
  CHECK(msg.find("f32[]") != std::string::npos);
  error_of<xjax::concretization_error>([&] {
    xjax::make_jaxpr([](const array& t) {
      if (t) return t;  // C++ control flow on a traced value
      return lax::neg(t);
    })(s);
  });
  error_of<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& t) { return static_cast<double>(t.to_vector<float>()[0]); })(x); });
  error_of<xjax::concretization_error>([&] {
    xjax::make_jaxpr([](const array& t) {
      (void)t.device();
      return t;
    })(x);
  });
}

TEST_CASE("tracers of a trace on another thread are unrelated") {
  auto x = f32({1, 2}, {2});
  std::string msg;
  xjax::make_jaxpr([&](const array& t) {
    std::thread other([&] { msg = error_of<xjax::unrelated_tracer_error>([&] { lax::neg(t); }); });
    other.join();
    return t;
  })(x);
  CHECK(msg.find("[neg]") == 0);
  CHECK(msg.find("f32[2]") != std::string::npos);
}

TEST_CASE("array handles: empty arrays, item on big arrays, bad from_vector") {
  array empty;
  CHECK(!empty.valid());
  auto msg = error_of<xjax::value_error>([&] { (void)empty.shape(); });
  CHECK(msg.find("[array]") == 0);
  msg = error_of<xjax::value_error>([] { f32({1, 2}, {2}).item<float>(); });
  CHECK(msg.find("[item]") == 0);
  CHECK(msg.find("(2,)") != std::string::npos);
  msg = error_of<xjax::shape_error>([] { f32({1, 2, 3}, {2, 2}); });
  CHECK(msg.find("[array]") == 0);
  CHECK(msg.find("(2, 2)") != std::string::npos);
  msg = error_of<xjax::type_error>([] { (void)f32({1}, {1}).data<double>(); });
  CHECK(msg.find("float64") != std::string::npos);
}

TEST_CASE("eval_jaxpr checks its arguments") {
  auto x = f32({1, 2}, {2});
  auto j = xjax::make_jaxpr([](const array& t) { return lax::neg(t); })(x);
  auto msg = error_of<xjax::value_error>([&] { xjax::eval_jaxpr(j, std::vector<array>{x, x}); });
  CHECK(msg.find("[eval_jaxpr]") == 0);
  msg = error_of<xjax::type_error>([&] { xjax::eval_jaxpr(j, std::vector<array>{f32({1, 2, 3}, {3})}); });
  CHECK(msg.find("f32[2]") != std::string::npos);
  CHECK(msg.find("f32[3]") != std::string::npos);
}

TEST_CASE("C++ scalars are weakly typed like Python scalars") {
  array a = 2.0, b = 3, c = true, d(2.0, xjax::float64);
  CHECK(a.dtype() == xjax::float32);
  CHECK(a.weak_type());
  CHECK(b.dtype() == xjax::int32);
  CHECK(b.weak_type());
  CHECK(c.dtype() == xjax::bool_);
  CHECK(!c.weak_type());
  CHECK(d.dtype() == xjax::float64);
  CHECK(!d.weak_type());
  // weak op weak stays weak; weak op strong is strong
  CHECK(lax::add(a, a).weak_type());
  CHECK(!lax::add(a, array(1.0f, xjax::float32)).weak_type());
}
