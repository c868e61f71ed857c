// Differentiation rules of the reductions family (primitives/reductions.hpp): reduce_*,
// argmax/argmin, the cumulative ops, sort, top_k, iota.
//  - golden JVPs, VJPs and Hessians from JAX (tests/golden/gen_ad_reductions.py) at the
//    points where the rules choose: tied maxima, products with zeros, equal sort keys,
//    cummax ties; and the equation counts of JAX's JVP and gradient jaxprs;
//  - check_grads at order 2 in both modes for every differentiable primitive, on 0-d,
//    vector, odd-sized matrix and 3-d operands, several axes, float32 and float64;
//  - zero tangents of the integer/bool outputs; the rules' own contracts (symbolic
//    zeros, the primal recomputed by the primitive, errors of a misuse).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>
// The primitives themselves, to test their rules directly (an implementation header:
// its definitions are weak duplicates of the library's).
#include <xjax/primitives/reductions.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
namespace prim = xjax::prim;
using xjax::array;
using xjax::shape_t;

namespace {

using arrays = std::vector<array>;
using fn = std::function<arrays(const arrays&)>;

/// A golden case name "<mode>;<op>;<key>=<value>;...;<tag>", split.
struct case_name {
  std::string mode, op;
  std::map<std::string, std::string> params;

  explicit case_name(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    mode = parts.at(0);
    op = parts.at(1);
    for (std::size_t i = 2; i + 1 < parts.size(); ++i) {
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
  shape_t ints(const std::string& key) const {
    shape_t out;
    std::stringstream ss(str(key));
    for (std::string t; std::getline(ss, t, ',');) out.push_back(std::stoll(t));
    return out;
  }
};

/// The function of a golden case, as gen_ad_reductions.py's fn(op, p): its float outputs.
fn function_of(const case_name& c) {
  const std::string& op = c.op;
  if (op == "reduce_sum" || op == "reduce_prod" || op == "reduce_max" || op == "reduce_min") {
    static const std::map<std::string, array (*)(const array&, const shape_t&)> reducers = {
        {"reduce_sum", lax::reduce_sum},
        {"reduce_prod", lax::reduce_prod},
        {"reduce_max", lax::reduce_max},
        {"reduce_min", lax::reduce_min}};
    auto f = reducers.at(op);
    shape_t axes = c.ints("axes");
    return [f, axes](const arrays& xs) { return arrays{f(xs[0], axes)}; };
  }
  if (op == "cumsum" || op == "cumprod" || op == "cummax" || op == "cummin") {
    static const std::map<std::string, array (*)(const array&, std::int64_t, bool)> scans = {
        {"cumsum", lax::cumsum}, {"cumprod", lax::cumprod}, {"cummax", lax::cummax}, {"cummin", lax::cummin}};
    auto f = scans.at(op);
    std::int64_t axis = c.integer("axis");
    bool reverse = c.integer("reverse") != 0;
    return [f, axis, reverse](const arrays& xs) { return arrays{f(xs[0], axis, reverse)}; };
  }
  if (op == "sort") {
    std::int64_t dim = c.integer("dimension"), keys = c.integer("num_keys");
    return [dim, keys](const arrays& xs) { return lax::sort(xs, dim, true, keys); };
  }
  if (op == "top_k") {
    std::int64_t k = c.integer("k");
    return [k](const arrays& xs) { return arrays{lax::top_k(xs[0], k).first}; };
  }
  throw std::runtime_error("unknown op in golden case: " + op);
}

/// The number of operands of a golden case's function.
std::size_t operand_count(const case_name& c) {
  return c.params.count("n") ? static_cast<std::size_t>(c.integer("n")) : 1;
}

/// Tolerances: the rules compute what JAX's compute, in the same order, except XLA's
/// association of sums; a wrong tie split or a lost zero is off by far more.
std::string close(const array& got, const array& want) {
  const double rtol = want.dtype() == xjax::float64 ? 1e-12 : 2e-6;
  return xjax::testing::compare(got, want, rtol, -1);
}

void check_all(const std::string& what, const arrays& got, std::span<const array> want) {
  REQUIRE_MESSAGE(got.size() == want.size(), what);
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::string err = close(got[i], want[i]);
    CHECK_MESSAGE(err.empty(), what << " [" << i << "]: " << err);
  }
}

arrays slice_of(const std::vector<array>& v, std::size_t begin, std::size_t end) {
  return arrays(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end));
}

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("ad_reductions"); }

std::size_t count_cases(const std::string& mode) {
  std::size_t n = 0;
  for (auto& gc : golden().cases()) n += case_name(gc.name).mode == mode;
  return n;
}

}  // namespace

TEST_CASE("ad reductions: golden JVPs from JAX (ties, zeros, equal keys)") {
  REQUIRE(count_cases("jvp") > 100);
  for (const auto& gc : golden().cases()) {
    const case_name c(gc.name);
    if (c.mode != "jvp") continue;
    CAPTURE(gc.name);
    const std::size_t n = operand_count(c);
    const fn f = function_of(c);
    auto [ys, ts] = xjax::jvp(f, std::tuple{slice_of(gc.inputs, 0, n)}, std::tuple{slice_of(gc.inputs, n, 2 * n)});
    const std::size_t m = gc.outputs.size() / 2;
    check_all(gc.name + " primal", ys, std::span(gc.outputs).first(m));
    check_all(gc.name + " tangent", ts, std::span(gc.outputs).subspan(m));
  }
}

TEST_CASE("ad reductions: golden VJPs from JAX (ties, zeros, equal keys)") {
  REQUIRE(count_cases("vjp") > 100);
  for (const auto& gc : golden().cases()) {
    const case_name c(gc.name);
    if (c.mode != "vjp") continue;
    CAPTURE(gc.name);
    const std::size_t n = operand_count(c);
    const fn f = function_of(c);
    auto [ys, pullback] = xjax::vjp(f, slice_of(gc.inputs, 0, n));
    auto [cts] = pullback(slice_of(gc.inputs, n, gc.inputs.size()));
    const std::size_t m = gc.outputs.size() - n;
    check_all(gc.name + " primal", ys, std::span(gc.outputs).first(m));
    check_all(gc.name + " cotangent", cts, std::span(gc.outputs).subspan(m));
  }
}

TEST_CASE("ad reductions: golden Hessians from JAX (products with zeros, tied maxima)") {
  REQUIRE(count_cases("hessian") >= 5);
  for (const auto& gc : golden().cases()) {
    const case_name c(gc.name);
    if (c.mode != "hessian") continue;
    CAPTURE(gc.name);
    const fn f = function_of(c);
    array h = xjax::hessian([&](const array& x) { return f({x})[0]; })(gc.inputs[0]);
    std::string err = close(h, gc.outputs[0]);
    CHECK_MESSAGE(err.empty(), err);
  }
}

namespace {

/// JAX's jaxpr text without the np.int64(...) that it prints around integer params
/// computed with numpy (xjax's params are plain integers): `(np.int64(1),)` -> `(1,)`.
std::string without_numpy_ints(std::string text) {
  const std::string tag = "np.int64(";
  for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at)) {
    const auto close = text.find(')', at);
    text = text.substr(0, at) + text.substr(at + tag.size(), close - at - tag.size()) + text.substr(close + 1);
  }
  return text;
}

}  // namespace

TEST_CASE("ad reductions: JVP jaxprs are JAX's, equation for equation") {
  REQUIRE(count_cases("jvpjaxpr") >= 10);
  for (const auto& gc : golden().cases()) {
    const case_name c(gc.name);
    if (c.mode != "jvpjaxpr") continue;
    CAPTURE(gc.name);
    const fn f = function_of(c);
    auto run = [&](const array& x, const array& t) {
      auto [ys, ts] = xjax::jvp(f, std::tuple{arrays{x}}, std::tuple{arrays{t}});
      ys.insert(ys.end(), ts.begin(), ts.end());
      return ys;
    };
    check_all(gc.name, run(gc.inputs[0], gc.inputs[1]), gc.outputs);
    std::ostringstream text;
    text << xjax::make_jaxpr(run)(gc.inputs[0], gc.inputs[1]);
    CHECK(text.str() == without_numpy_ints(gc.jaxpr));
  }
}

TEST_CASE("ad reductions: JVP and gradient jaxprs have no more equations than JAX's") {
  REQUIRE(count_cases("eqns") >= 20);
  for (const auto& gc : golden().cases()) {
    const case_name c(gc.name);
    if (c.mode != "eqns") continue;
    CAPTURE(gc.name);
    const fn f = function_of(c);
    auto f1 = [&](const array& x) { return f({x})[0]; };
    xjax::closed_jaxpr j;
    if (c.str("of") == "jvp") {
      j = xjax::make_jaxpr([&](const array& x, const array& t) {
        auto [y, ty] = xjax::jvp(f1, std::tuple{x}, std::tuple{t});
        return arrays{y, ty};
      })(gc.inputs[0], gc.inputs[0]);
    } else {
      j = xjax::make_jaxpr(xjax::grad(f1))(gc.inputs[0]);
    }
    const auto jax_count = gc.outputs[0].item<std::int32_t>();
    CHECK_MESSAGE(static_cast<std::int64_t>(j.jaxpr->eqns.size()) <= jax_count, "xjax: " << j.jaxpr->eqns.size()
                                                                                          << " equations, JAX: " << jax_count
                                                                                          << "\n"
                                                                                          << j);
  }
}

namespace {

/// Distinct values, well apart (no kink of max/sort within a finite-difference step),
/// away from zero, shuffled: 0.35, -0.6, 0.85, ... in `shape`, of dtype `d`.
array spread(const shape_t& shape, xjax::dtype d, int seed = 0) {
  const auto n = static_cast<std::size_t>(xjax::shape_size(shape));
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double mag = 0.6 + 0.25 * static_cast<double>(i) / static_cast<double>(std::max<std::size_t>(n, 1));
    v[i] = (i % 2 ? -mag : mag) * (1.0 + 0.05 * static_cast<double>(i));
  }
  // A fixed shuffle: a stride coprime with n.
  std::vector<double> out(n);
  std::size_t stride = 7 + static_cast<std::size_t>(seed);
  while (n > 0 && std::gcd(stride, n) != 1) ++stride;
  for (std::size_t i = 0; i < n; ++i) out[i] = v[(i * stride) % n];
  return lax::convert_element_type(array::from_vector<double>(out, shape), d);
}

/// check_grads at order 2, both modes, with a message naming the case on failure.
template <class F> void check2(const std::string& what, F f, const arrays& xs) {
  CAPTURE(what);
  CHECK_NOTHROW(xjax::test::check_grads(f, std::tuple{xs}, 2));
}

const xjax::dtype float_types[] = {xjax::float32, xjax::float64};

}  // namespace

TEST_CASE("ad reductions: check_grads order 2 of reduce_sum/prod/max/min") {
  struct shape_axes {
    shape_t shape, axes;
  };
  const std::vector<shape_axes> cases = {
      {{}, {}},           {{5}, {0}},          {{3, 5}, {1}},       {{3, 5}, {0}},    {{3, 5}, {0, 1}},
      {{3, 5}, {1, 0}},   {{3, 5}, {}},        {{2, 3, 4}, {0, 2}}, {{2, 3, 4}, {1}}, {{2, 3, 4}, {2, 0, 1}},
      {{1, 3, 1}, {0, 2}}, {{1, 3, 1}, {1}},   {{7}, {0}}};
  using reducer = array (*)(const array&, const shape_t&);
  const std::pair<const char*, reducer> ops[] = {{"reduce_sum", lax::reduce_sum},
                                                 {"reduce_prod", lax::reduce_prod},
                                                 {"reduce_max", lax::reduce_max},
                                                 {"reduce_min", lax::reduce_min}};
  for (auto [name, op] : ops) {
    for (auto& sa : cases) {
      for (auto d : float_types) {
        std::ostringstream what;
        what << name << " " << xjax::shape_str(sa.shape) << " axes " << xjax::shape_str(sa.axes) << " " << d.name();
        check2(what.str(), [op, axes = sa.axes](const arrays& xs) { return op(xs[0], axes); }, {spread(sa.shape, d)});
      }
    }
  }
}

TEST_CASE("ad reductions: check_grads order 2 of cumsum/cumprod/cummax/cummin") {
  struct shape_axis {
    shape_t shape;
    std::int64_t axis;
  };
  const std::vector<shape_axis> cases = {{{1}, 0},    {{2}, 0},    {{5}, 0},       {{8}, 0},
                                         {{3, 5}, 1}, {{3, 5}, 0}, {{2, 3, 4}, 1}, {{1, 3, 1}, 1}};
  using scan = array (*)(const array&, std::int64_t, bool);
  const std::pair<const char*, scan> ops[] = {
      {"cumsum", lax::cumsum}, {"cumprod", lax::cumprod}, {"cummax", lax::cummax}, {"cummin", lax::cummin}};
  for (auto [name, op] : ops) {
    for (auto& sa : cases) {
      for (bool reverse : {false, true}) {
        for (auto d : float_types) {
          std::ostringstream what;
          what << name << " " << xjax::shape_str(sa.shape) << " axis " << sa.axis << " reverse " << reverse << " "
               << d.name();
          check2(what.str(), [op, axis = sa.axis, reverse](const arrays& xs) { return op(xs[0], axis, reverse); },
                 {spread(sa.shape, d)});
        }
      }
    }
  }
}

TEST_CASE("ad reductions: check_grads order 2 of sort and top_k") {
  for (auto d : float_types) {
    CAPTURE(d.name());
    for (auto [shape, dim] : std::vector<std::pair<shape_t, std::int64_t>>{
             {{1}, 0}, {{6}, 0}, {{3, 5}, 1}, {{3, 5}, 0}, {{2, 3, 4}, 1}, {{3, 1}, 1}}) {
      std::ostringstream what;
      what << "sort " << xjax::shape_str(shape) << " dimension " << dim;
      check2(what.str(), [dim](const arrays& xs) { return lax::sort(xs, dim); }, {spread(shape, d)});
      // Several operands: the values follow the keys' permutation; two keys.
      check2(what.str() + " key+value", [dim](const arrays& xs) { return lax::sort(xs, dim, true, 1); },
             {spread(shape, d), spread(shape, d, 3)});
      check2(what.str() + " two keys", [dim](const arrays& xs) { return lax::sort(xs, dim, true, 2); },
             {spread(shape, d), spread(shape, d, 5)});
    }
    // Integer keys (not differentiated) carrying float values.
    const array ikeys = array::from_vector<std::int32_t>({3, 1, 2, 1, 0}, {5});
    check2("sort int keys", [ikeys](const arrays& xs) { return lax::sort({ikeys, xs[0]}, 0, true, 1); },
           {spread({5}, d)});
    for (auto [shape, k] : std::vector<std::pair<shape_t, std::int64_t>>{{{1}, 1}, {{6}, 3}, {{3, 5}, 2}, {{2, 3, 4}, 4}}) {
      std::ostringstream what;
      what << "top_k " << xjax::shape_str(shape) << " k " << k;
      check2(what.str(), [k](const arrays& xs) { return arrays{lax::top_k(xs[0], k).first}; }, {spread(shape, d)});
    }
  }
}

TEST_CASE("ad reductions: integer and bool outputs have zero tangents") {
  const array x = spread({3, 4}, xjax::float32);
  const array t = spread({3, 4}, xjax::float32, 2);
  // Through the JVP driver: integer zeros (float0 in JAX).
  auto [i, ti] = xjax::jvp([](const array& a) { return lax::argmax(a, 1, xjax::int32); }, std::tuple{x}, std::tuple{t});
  CHECK(ti.dtype() == xjax::int32);
  CHECK(ti.to_vector<std::int32_t>() == std::vector<std::int32_t>(3, 0));
  CHECK(i.to_vector<std::int32_t>() == lax::argmax(x, 1, xjax::int32).to_vector<std::int32_t>());
  auto [_, tk] = xjax::jvp([](const array& a) { return lax::top_k(a, 2).second; }, std::tuple{x}, std::tuple{t});
  CHECK(tk.to_vector<std::int32_t>() == std::vector<std::int32_t>(6, 0));

  // The rules themselves return symbolic zeros (no zeros materialized).
  const array xs[] = {x}, ts[] = {t};
  auto expect_zero = [&](const xjax::primitive& p, const xjax::params_ptr& params, std::span<const array> in,
                         std::span<const array> tin, std::size_t which) {
    CAPTURE(p.name());
    xjax::jvp_result r = p.jvp(in, tin, *params);
    REQUIRE(r.tangents.size() == r.primals.size());
    CHECK(xjax::ad::is_zero(r.tangents[which]));
  };
  const auto am = xjax::make_params(prim::argminmax_params{{1}, xjax::int32});
  expect_zero(prim::argmax_p(), am, xs, ts, 0);
  expect_zero(prim::argmin_p(), am, xs, ts, 0);
  expect_zero(prim::top_k_p(), xjax::make_params(prim::top_k_params{2, 1}), xs, ts, 1);

  const array ints = array::from_vector<std::int32_t>({5, -3, 12, 7, 0, 9}, {2, 3});
  const array int_t = array::from_vector<std::int32_t>({1, 1, 1, 1, 1, 1}, {2, 3});
  const array bools = lax::gt(ints, array(4));
  const array bool_t = lax::gt(int_t, array(0));
  const array is[] = {ints}, its[] = {int_t}, bs[] = {bools}, bts[] = {bool_t};
  const auto axes1 = xjax::make_params(prim::reduce_params{{1}});
  for (const xjax::primitive* p : std::initializer_list<const xjax::primitive*>{
           &prim::reduce_and_p(), &prim::reduce_or_p(), &prim::reduce_xor_p()}) {
    expect_zero(*p, axes1, is, its, 0);
    expect_zero(*p, axes1, bs, bts, 0);
  }
  // Differentiable primitives on integer operands: zero tangents too.
  expect_zero(prim::reduce_max_p(), axes1, is, its, 0);
  expect_zero(prim::reduce_prod_p(), axes1, is, its, 0);
  expect_zero(prim::cumprod_p(), xjax::make_params(prim::cumulative_params{1, false}), is, its, 0);
  expect_zero(prim::cummax_p(), xjax::make_params(prim::cumulative_params{1, true}), is, its, 0);
  expect_zero(prim::cumsum_p(), xjax::make_params(prim::cumulative_params{1, false}), is, its, 0);
  expect_zero(prim::sort_p(), xjax::make_params(prim::sort_params{1, true, 1}), is, its, 0);
  expect_zero(prim::top_k_p(), xjax::make_params(prim::top_k_params{2, 1}), is, its, 0);
  // iota has no operand: a constant.
  const prim::iota_params ip{xjax::float32, {2, 3}, 1};
  xjax::jvp_result r = prim::iota_p().jvp_rule({}, {}, ip);
  CHECK(xjax::ad::is_zero(r.tangents[0]));
  CHECK(r.primals[0].to_vector<float>() == std::vector<float>{0, 1, 2, 0, 1, 2});

  // A gradient through argmax-selected values: only the selected element moves.
  array g = xjax::grad([](const array& a) {
    array idx = lax::argmax(a, 0, xjax::int32);
    return lax::reduce_sum(lax::mul(a, lax::convert_element_type(lax::eq(lax::iota(xjax::int32, 4), idx), xjax::float32)),
                           {0});
  })(array::from_vector<float>({0.5f, 2.0f, -1.0f, 1.5f}));
  CHECK(g.to_vector<float>() == std::vector<float>{0, 1, 0, 0});
}

TEST_CASE("ad reductions: the rules' contracts") {
  const array x = spread({3, 4}, xjax::float32);
  const array t = spread({3, 4}, xjax::float32, 2);
  const array xs[] = {x}, ts[] = {t};

  SUBCASE("reduce_max's JVP recomputes the primal with the primitive, ties averaged") {
    const array tied = array::from_vector<float>({1, 3, 3, 2}, {4});
    const array ones = array::from_vector<float>({1, 10, 100, 1000}, {4});
    const array in[] = {tied}, tin[] = {ones};
    xjax::jvp_result r = prim::reduce_max_p().jvp_rule(in, tin, prim::reduce_params{{0}});
    CHECK(r.primals[0].item<float>() == 3.0f);
    CHECK(r.tangents[0].item<float>() == 55.0f);  // (10 + 100) / 2
    auto j = xjax::make_jaxpr([](const array& a, const array& b) {
      const array in2[] = {a}, tin2[] = {b};
      return prim::reduce_max_p().jvp_rule(in2, tin2, prim::reduce_params{{0}}).tangents[0];
    })(tied, ones);
    CHECK(j.jaxpr->eqns.front().prim == &prim::reduce_max_p());
  }

  SUBCASE("reduce_prod with one and two zeros: exact, no division") {
    auto grad_prod = [](std::vector<float> v) {
      const auto n = static_cast<std::int64_t>(v.size());
      return xjax::grad([](const array& a) { return lax::reduce_prod(a, {0}); })(array::from_vector<float>(v, {n}))
          .to_vector<float>();
    };
    CHECK(grad_prod({2, 0, 3}) == std::vector<float>{0, 6, 0});
    CHECK(grad_prod({2, 0, 3, 0, 5}) == std::vector<float>{0, 0, 0, 0, 0});
    CHECK(grad_prod({2, 4, 0.5f}) == std::vector<float>{2, 1, 8});
  }

  SUBCASE("a zero tangent gives a symbolic zero and binds only the primitive") {
    const array zero[] = {array()};
    for (const xjax::primitive_of<prim::reduce_params>* p : std::initializer_list<const xjax::primitive_of<prim::reduce_params>*>{
             &prim::reduce_prod_p(), &prim::reduce_max_p(), &prim::reduce_min_p()}) {
      xjax::jvp_result r = p->jvp_rule(xs, zero, prim::reduce_params{{1}});
      CHECK(xjax::ad::is_zero(r.tangents[0]));
    }
    xjax::jvp_result r = prim::cummax_p().jvp_rule(xs, zero, prim::cumulative_params{1, false});
    CHECK(xjax::ad::is_zero(r.tangents[0]));
    const array two[] = {x, t}, half_zero[] = {array(), t};
    xjax::jvp_result s = prim::sort_p().jvp_rule(two, half_zero, prim::sort_params{1, true, 1});
    REQUIRE(s.primals.size() == 2);
    CHECK(xjax::ad::is_zero(s.tangents[0]));
    CHECK_FALSE(xjax::ad::is_zero(s.tangents[1]));
  }

  SUBCASE("transposes: reduce_sum broadcasts back, cumsum reverses") {
    const array ct = array::from_vector<float>({1, 2, 3}, {3});
    const xjax::lin_arg args[] = {{array(), x.aval()}};
    const array cts[] = {ct};
    auto out = prim::reduce_sum_p().transpose_rule(cts, args, prim::reduce_sum_params{{1}});
    REQUIRE(out.size() == 1);
    CHECK(out[0].shape() == shape_t{3, 4});
    CHECK(out[0].to_vector<float>() == std::vector<float>{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
    const array v = array::from_vector<float>({1, 2, 3, 4}, {4});
    const xjax::lin_arg vargs[] = {{array(), v.aval()}};
    const array vcts[] = {v};
    CHECK(prim::cumsum_p().transpose_rule(vcts, vargs, prim::cumulative_params{0, false})[0].to_vector<float>() ==
          std::vector<float>{10, 9, 7, 4});
    CHECK(prim::cumsum_p().transpose_rule(vcts, vargs, prim::cumulative_params{0, true})[0].to_vector<float>() ==
          std::vector<float>{1, 3, 6, 10});
    // linear_transpose of a function of both.
    auto [tx] = xjax::linear_transpose([](const array& a) { return lax::cumsum(lax::reduce_sum(a, {1}), 0, true); },
                                       x)(ct);
    CHECK(tx.to_vector<float>() == std::vector<float>{1, 1, 1, 1, 3, 3, 3, 3, 6, 6, 6, 6});
  }

  SUBCASE("misuse is a clear error") {
    const array cts[] = {array::from_vector<float>({1, 2, 3}, {3})};
    // The operand of reduce_sum given a value: not a linear input.
    const xjax::lin_arg not_linear[] = {{x, x.aval()}};
    CHECK_THROWS_WITH_AS(prim::reduce_sum_p().transpose_rule(cts, not_linear, prim::reduce_sum_params{{1}}),
                         doctest::Contains("[reduce_sum] cannot transpose"), xjax::value_error);
    CHECK_THROWS_WITH_AS(prim::cumsum_p().transpose_rule(std::span(cts).first(0), not_linear, prim::cumulative_params{}),
                         doctest::Contains("[cumsum] transpose expects 1 operand and 1 cotangent"), xjax::value_error);
    // Non-linear primitives have no transpose rule.
    const xjax::lin_arg linear[] = {{array(), x.aval()}};
    const array cts2[] = {x};
    CHECK_THROWS_WITH_AS(prim::cumprod_p().transpose_rule(cts2, linear, prim::cumulative_params{1, false}),
                         doctest::Contains("cumprod"), xjax::not_implemented_error);
    CHECK_THROWS_WITH_AS(prim::reduce_max_p().transpose_rule(cts, linear, prim::reduce_params{{1}}),
                         doctest::Contains("reduce_max"), xjax::not_implemented_error);
    // grad of a non-scalar reduction.
    CHECK_THROWS_AS(xjax::grad([](const array& a) { return lax::reduce_max(a, {1}); })(x), xjax::error);
  }
}
