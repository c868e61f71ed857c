// xjax::numpy type promotion against JAX's lattice (tests/golden/gen_promotion.py).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/numpy/promotion.hpp>
#include <xjax/xjax.hpp>

namespace jnp = xjax::numpy;
using xjax::array;

namespace {
xjax::aval parse_operand(const std::string& tok) {
  bool weak = tok[0] == '~';
  return xjax::aval{{}, xjax::dtype::from_name(weak ? tok.substr(1) : tok), weak};
}
}  // namespace

TEST_CASE("result_type follows JAX's promotion lattice") {
  std::ifstream in(std::string(XJAX_GOLDEN_DIR) + "/promotion.txt");
  REQUIRE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::vector<xjax::aval> ops;
    std::string tok;
    while (ls >> tok && tok != "->") ops.push_back(parse_operand(tok));
    ls >> tok;
    xjax::aval want = parse_operand(tok);
    auto got = jnp::result_type(ops);
    INFO(line);
    CHECK(got.dtype == want.dtype);
    CHECK(got.weak_type == want.weak_type);
    if (ops.size() == 2 && !ops[0].weak_type && !ops[1].weak_type) {
      CHECK(jnp::promote_types(ops[0].dtype, ops[1].dtype) == want.dtype);
    }
    ++cases;
  }
  CHECK(cases > 600);
}

TEST_CASE("promote_dtypes converts operands; C++ scalars are converted at once, even when tracing") {
  auto h = array::from_vector<xjax::half_t>({xjax::half_t(1.0f), xjax::half_t(2.0f)});
  auto i = array::from_vector<std::int8_t>({1, 2});
  auto out = jnp::promote_dtypes({h, i});
  CHECK(out[0].dtype() == xjax::float16);
  CHECK(out[1].dtype() == xjax::float16);
  CHECK(out[0].is_same(h));  // already of the common type: untouched

  auto j = xjax::make_jaxpr([](const array& x) {
    auto p = jnp::promote_dtypes({x, 0.1});
    return xjax::lax::mul(p[0], p[1]);
  })(h);
  // As JAX: `mul a 0.0999755859375:f16[]`, a literal of the promoted dtype, no convert.
  CHECK(xjax::to_string(j) == "{ lambda ; a:f16[2]. let b:f16[2] = mul a 0.0999755859375:f16[] in (b,) }");

  auto k = xjax::make_jaxpr([](const array& x) { return jnp::promote_dtypes_inexact({x})[0]; })(i);
  CHECK(xjax::to_string(k) ==
        "{ lambda ; a:i8[2]. let\n    b:f32[2] = convert_element_type[new_dtype=float32 weak_type=False] a\n  in (b,) }");
}
