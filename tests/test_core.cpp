// Core: arrays, tracing, make_jaxpr, eval_jaxpr, tracer errors.
#include <doctest/doctest.h>

#include <xjax/xjax.hpp>

namespace lax = xjax::lax;

TEST_CASE("a traced function prints its jaxpr and evaluates") {
  auto x = xjax::array::from_vector<float>({1, 2, 3, 4}, {2, 2});
  auto f = [](const xjax::array& x) { return lax::exp(lax::mul(x, 2.0)); };
  auto j = xjax::make_jaxpr(f)(x);
  CHECK(xjax::to_string(j) ==
        "{ lambda ; a:f32[2,2]. let\n    b:f32[2,2] = mul a 2.0:f32[]\n    c:f32[2,2] = exp b\n  in (c,) }");
  auto out = xjax::eval_jaxpr(j, std::vector<xjax::array>{x});
  CHECK(out[0].to_vector<float>() == f(x).to_vector<float>());
}

TEST_CASE("a tracer that escaped its trace is an error") {
  auto x = xjax::array::from_vector<float>({1, 2});
  xjax::array leaked;
  xjax::make_jaxpr([&](const xjax::array& t) {
    leaked = t;
    return t;
  })(x);
  CHECK_THROWS_AS(lax::neg(leaked), xjax::escaped_tracer_error);
}
