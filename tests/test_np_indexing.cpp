// xjax::numpy indexing: x(i, j, ...) with integers, slices, newaxis, ellipsis, integer
// arrays, concrete boolean masks and traced scalars; x.at(...).set/add/multiply/min/max/get.
// Golden cases (tests/golden/gen_np_indexing.py) run eagerly, through make_jaxpr (only
// lax primitives) and through eval_jaxpr; then the errors a user can meet.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  for (std::string p; std::getline(ss, p, sep);) parts.push_back(p);
  return parts;
}

/// A golden case: "<op>;idx=<spec>[;mode=..][;fill=..];<tag>" (see gen_np_indexing.py).
struct index_case {
  std::string op, spec, mode, fill;
  std::set<std::size_t> consts;  // inputs closed over (M<k>)

  explicit index_case(const std::string& name) {
    auto parts = split(name, ';');
    op = parts[0];
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      auto k = parts[i].substr(0, eq), v = parts[i].substr(eq + 1);
      if (k == "idx") spec = v;
      if (k == "mode") mode = v;
      if (k == "fill") fill = v;
    }
    for (auto& t : split(spec, '|'))
      if (t[0] == 'M') consts.insert(std::stoul(t.substr(1)));
  }

  std::vector<xjax::index> indices(const std::vector<array>& in) const {
    std::vector<xjax::index> out;
    for (auto& t : split(spec, '|')) {
      if (t == "N") {
        out.emplace_back(xjax::newaxis);
      } else if (t == "E") {
        out.emplace_back(xjax::ellipsis);
      } else if (t[0] == 's') {
        auto p = split(t.substr(1) + ":", ':');
        p.resize(3);
        auto f = [](const std::string& v) -> std::optional<std::int64_t> {
          if (v.empty()) return std::nullopt;
          return std::stoll(v);
        };
        out.emplace_back(xjax::slice(f(p[0]), f(p[1]), f(p[2])));
      } else if (t[0] == 'A' || t[0] == 'M') {
        out.emplace_back(in.at(std::stoul(t.substr(1))));
      } else {
        out.emplace_back(std::stoll(t));
      }
    }
    return out;
  }

  std::optional<lax::gather_scatter_mode> gmode() const {
    if (mode == "clip") return lax::gather_scatter_mode::clip;
    if (mode == "fill") return lax::gather_scatter_mode::fill_or_drop;
    return std::nullopt;
  }

  array run(const std::vector<array>& in) const {
    auto idx = indices(in);
    const array& x = in[0];
    if (op == "get") return x.getitem(idx);
    auto ref = x.at(idx);
    if (op == "getmode") {
      std::optional<lax::static_scalar> fv;
      if (!fill.empty()) {
        if (fill.find('.') != std::string::npos) fv = lax::static_scalar(std::stod(fill));
        else fv = lax::static_scalar(std::stoll(fill));
      }
      return ref.get(gmode(), fv);
    }
    const array& u = in.back();
    if (op == "set") return ref.set(u, gmode());
    if (op == "add") return ref.add(u, gmode());
    if (op == "multiply") return ref.multiply(u, gmode());
    if (op == "min") return ref.min(u, gmode());
    if (op == "max") return ref.max(u, gmode());
    throw std::runtime_error("unknown op " + op);
  }
};

/// The cases whose jaxpr xjax prints exactly as JAX: static indexing (slice, rev,
/// squeeze, broadcast_in_dim) and gathers of one index array. The others give JAX's
/// values with other lax programs (dynamic_slice's own index normalization, slicing
/// before gathering, updates through the flattened array; see indexing.hpp).
const std::set<std::string>& same_jaxpr_as_jax() {
  static const std::set<std::string> names = {
      "get;idx=-1;f32_3x4",
      "get;idx=-1|-4;f32_3x4",
      "get;idx=-1|s1:3:;f32_3x4",
      "get;idx=0|2;f32_3x4",
      "get;idx=0|E;f32_3x4",
      "get;idx=0|N|s::-1|E;f32_2x3x4x5",
      "get;idx=1;f32_3x4",
      "get;idx=1|2|3|4;f32_2x3x4x5",
      "get;idx=1|E|2;f32_2x3x4x5",
      "get;idx=1|N;f32_3x4",
      "get;idx=1|s1:3:;f32_3x4",
      "get;idx=A1;bool",
      "get;idx=A1;f32_3x4_2x2",
      "get;idx=A1;f32_3x4_3",
      "get;idx=A1;f32_3x4_4",
      "get;idx=A1;f64_i64idx",
      "get;idx=A1;i32_2x3x4_i64idx",
      "get;idx=A1;u8_u8idx",
      "get;idx=A1|A2;f32_3x4",
      "get;idx=A1|A2;f32_3x4_3_3",
      "get;idx=A1|E;f32_3x4_3",
      "get;idx=A1|E|A2;f32_2x3x4x5_2_2",
      "get;idx=A1|N;f32_3x4_3",
      "get;idx=A1|s::|A2;f32_2x3x4x5_2_2",
      "get;idx=E;f32_0d",
      "get;idx=E;f32_3x4",
      "get;idx=E|0;f32_3x4",
      "get;idx=E|A1;f32_3x4_3",
      "get;idx=E|N;f32_0d_b",
      "get;idx=E|N;f32_3x4",
      "get;idx=E|s1:3:|0;f32_2x3x4x5",
      "get;idx=N;f32_0d",
      "get;idx=N;f32_3x4",
      "get;idx=N|1;f32_3x4",
      "get;idx=N|1|N|E|N|-1;f32_2x3x4x5",
      "get;idx=N|A1;f32_3x4_3",
      "get;idx=N|E|N;f32_3x4",
      "get;idx=s-100:100:;f32_3x4",
      "get;idx=s-2::;f32_3x4",
      "get;idx=s10:20:;f32_3x4",
      "get;idx=s1:1:;f32_3x4_empty",
      "get;idx=s1:3:;f32_3x4",
      "get;idx=s1::-2;f32_3x4",
      "get;idx=s3:1:;f32_3x4",
      "get;idx=s5:1:-1;f32_3x4",
      "get;idx=s:-1:;f32_3x4",
      "get;idx=s::-1;f32_3x4",
      "get;idx=s::-1|N|E;f32_3x4",
      "get;idx=s::2;f32_3x4",
      "get;idx=s::;f32_0x3",
      "get;idx=s::|1;f32_0x3",
      "get;idx=s::|1;f32_3x4",
      "get;idx=s::|A1;f32_3x4_3",
      "get;idx=s::|A1|N|A2;f32_2x3x4x5_2_2",
      "get;idx=s::|s::|s::|s::;f32_2x3x4x5",
      "getmode;idx=A1;mode=clip;f32_clip",
      "getmode;idx=A1;mode=fill;f32_fill_nan",
      "getmode;idx=A1;mode=fill;fill=-1.0;f32_fill_m1",
      "getmode;idx=A1;mode=fill;fill=7;i32_fill_7",
      "getmode;idx=A1;mode=fill;i32_fill",
      "getmode;idx=s::|A1;mode=fill;f32_fill_cols",
  };
  return names;
}

void run_golden(const std::string& op) {
  const auto& file = xjax::testing::golden_file::load("np_indexing");
  int n = 0, n_text = 0;
  for (const auto& g : file.cases()) {
    index_case c(g.name);
    if (c.op != op) continue;
    ++n;
    INFO("case " << g.name);
    REQUIRE(g.outputs.size() == 1);
    array got = c.run(g.inputs);
    std::string err = xjax::testing::compare(got, g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eager: " << err);
    // Traced: the M inputs are closed over (concrete), the others are arguments.
    std::vector<array> traced;
    for (std::size_t i = 0; i < g.inputs.size(); ++i)
      if (!c.consts.count(i)) traced.push_back(g.inputs[i]);
    auto full = [&](const std::vector<array>& xs) {
      std::vector<array> in;
      std::size_t k = 0;
      for (std::size_t i = 0; i < g.inputs.size(); ++i) in.push_back(c.consts.count(i) ? g.inputs[i] : xs[k++]);
      return in;
    };
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return c.run(full(xs)); })(traced);
    if (same_jaxpr_as_jax().count(g.name)) {
      ++n_text;
      CHECK(xjax::to_string(j) == g.jaxpr);
    }
    std::vector<array> staged = xjax::eval_jaxpr(j, traced);
    REQUIRE(staged.size() == 1);
    err = xjax::testing::compare(staged[0], g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eval_jaxpr: " << err << "\n" << xjax::to_string(j));
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << op);
  MESSAGE(op << ": " << n << " cases, " << n_text << " with JAX's jaxpr text");
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

array f32_3x4() {
  return array::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
}

}  // namespace

TEST_CASE("np golden: x(...) (getitem)") { run_golden("get"); }
TEST_CASE("np golden: x.at(...).get(mode, fill_value)") { run_golden("getmode"); }
TEST_CASE("np golden: x.at(...).set") { run_golden("set"); }
TEST_CASE("np golden: x.at(...).add") { run_golden("add"); }
TEST_CASE("np golden: x.at(...).multiply") { run_golden("multiply"); }
TEST_CASE("np golden: x.at(...).min") { run_golden("min"); }
TEST_CASE("np golden: x.at(...).max") { run_golden("max"); }

TEST_CASE("every golden case of np_indexing.txt has a C++ replay") {
  std::set<std::string> known{"get", "getmode", "set", "add", "multiply", "min", "max"};
  for (const auto& g : xjax::testing::golden_file::load("np_indexing").cases()) {
    CHECK_MESSAGE(known.count(index_case(g.name).op) == 1, "unknown op in case " << g.name);
  }
}

TEST_CASE("indexing: the operator() API") {
  auto x = f32_3x4();
  CHECK(x(1).to_vector<float>() == std::vector<float>{4, 5, 6, 7});
  CHECK(x(-1, xjax::slice(1, 3)).to_vector<float>() == std::vector<float>{9, 10});
  CHECK(x(xjax::slice(std::nullopt, std::nullopt, -1), xjax::newaxis).shape() == shape_t{3, 1, 4});
  CHECK(x(xjax::ellipsis, 0).to_vector<float>() == std::vector<float>{0, 4, 8});
  auto rows = array::from_vector<std::int32_t>({2, 0});
  CHECK(x(rows, rows).to_vector<float>() == std::vector<float>{10, 0});
  CHECK(x(xjax::slice(), rows).shape() == shape_t{3, 2});
  CHECK(x.at(0, 0).set(7.0).to_vector<float>()[0] == 7.0f);
  CHECK(x.at(rows).add(1).shape() == shape_t{3, 4});
  CHECK(x(1, 2, xjax::newaxis).shape() == shape_t{1});
  CHECK(x(array(2)).to_vector<float>() == std::vector<float>{8, 9, 10, 11});
  CHECK(x(true).shape() == shape_t{1, 3, 4});
  CHECK(x(false, 1).shape() == shape_t{0, 4});
}

TEST_CASE("indexing errors") {
  auto x = f32_3x4();
  check_error<xjax::shape_error>([&] { x(0, 0, 0); }, {"[getitem]", "too many indices", "(3, 4)", "3 were indexed"});
  check_error<xjax::shape_error>([&] { x(xjax::newaxis, 0, 0, 0); }, {"[getitem]", "too many indices"});
  check_error<xjax::value_error>([&] { x(xjax::ellipsis, 0, xjax::ellipsis); }, {"[getitem]", "single ellipsis"});
  check_error<xjax::type_error>([&] { x(array::from_vector<float>({1.0f})); }, {"[getitem]", "float32", "(1,)"});
  check_error<xjax::type_error>([&] { x(1.5); }, {"[getitem]", "float32"});
  check_error<xjax::value_error>([&] { x(xjax::slice(0, 3, 0)); }, {"[getitem]", "step", "zero"});
  check_error<xjax::concretization_error>(
      [&] {
        xjax::make_jaxpr([](const array& a) { return a(lax::gt(a, 3.0f)); })(x);
      },
      {"[getitem]", "boolean", "bool[3,4]", "concrete"});
  check_error<xjax::shape_error>([&] { x(array::from_vector<bool>({true, false})); },
                                 {"[getitem]", "boolean index did not match", "(2,)", "(3, 4)"});
  check_error<xjax::concretization_error>(
      [&] { xjax::make_jaxpr([](const array& a) { return a(lax::gt(a(0, 0), 3.0f)); })(x); },
      {"[getitem]", "boolean", "bool[]"});
  check_error<xjax::shape_error>([&] { array::from_vector<float>({}, {0, 3})(0); },
                                 {"[getitem]", "out of bounds", "size 0", "(0, 3)"});
  check_error<xjax::shape_error>([&] { x.at(0).set(array::from_vector<float>({1, 2, 3})); },
                                 {"[at.set]", "(3,)", "(4,)"});
  check_error<xjax::value_error>([&] { x.at(xjax::slice(0, 2, 0)).add(1); }, {"[at.add]", "step"});
  check_error<xjax::shape_error>([&] { x.at(0, 1, 2).multiply(2); }, {"[at.multiply]", "too many indices"});
  check_error<xjax::shape_error>(
      [&] { x(array::from_vector<std::int32_t>({0, 1}), array::from_vector<std::int32_t>({0, 1, 2})); },
      {"[getitem]", "broadcast", "(2,)", "(3,)"});
  check_error<xjax::type_error>([&] { x.at(array::from_vector<float>({0.0f})).get(); }, {"[at.get]", "float32"});
}
