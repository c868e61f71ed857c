// xjax::numpy linear algebra: matmul, dot, vdot, inner, outer, tensordot, einsum (and
// einsum_path), trace, kron, cross, linalg::norm. Golden cases
// (tests/golden/gen_np_linalg.py) run eagerly, through make_jaxpr (only lax primitives;
// the text must be JAX's where JAX's is recorded) and through eval_jaxpr; then C++
// scalars, the API forms and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

/// A golden case name "<fn>;<key>=<value>;...;<tag>", split.
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
  bool has(const std::string& key) const { return params.count(key) == 1; }
  const std::string& str(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) throw std::runtime_error("golden case " + op + " lacks param " + key);
    return it->second;
  }
  std::int64_t integer(const std::string& key, std::int64_t dflt) const { return has(key) ? std::stoll(str(key)) : dflt; }
  std::optional<xjax::dtype> dtype(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return xjax::dtype::from_name(str(key));
  }
  shape_t ints(const std::string& key) const {
    shape_t out;
    std::stringstream ss(str(key));
    for (std::string t; std::getline(ss, t, ',');) out.push_back(std::stoll(t));
    return out;
  }
};

using op_fn = std::function<array(const case_name&, const std::vector<array>&)>;

jnp::dot_precision_opt precision_of(const case_name& c) {
  if (!c.has("precision")) return std::nullopt;
  return c.str("precision") == "highest" ? lax::precision::highest : lax::precision::high;
}

jnp::linalg::norm_ord parse_ord(const std::string& s) {
  if (s == "none") return {};
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  if (s == "fro" || s == "nuc" || s == "f") return jnp::linalg::norm_ord(s.c_str());
  return std::stod(s);
}

/// The second operand: the input, or the C++ double of param "sb" (a weak f32 scalar).
array second(const case_name& c, const std::vector<array>& xs) {
  if (c.has("sb")) return std::stod(c.str("sb"));
  return xs[1];
}

/// How each function of the golden file is replayed, as gen_np_linalg.py calls jax.numpy.
const std::map<std::string, op_fn>& ops() {
  using C = const case_name&;
  using X = const std::vector<array>&;
  static const std::map<std::string, op_fn> table = {
      {"matmul", [](C c, X xs) { return jnp::matmul(xs[0], xs[1], precision_of(c), c.dtype("pet")); }},
      {"dot",
       [](C c, X xs) {
         if (c.has("sb")) return jnp::dot(xs[0], std::stod(c.str("sb")));
         return jnp::dot(xs[0], xs[1], precision_of(c), c.dtype("pet"));
       }},
      {"vdot",
       [](C c, X xs) {
         if (c.has("sb")) return jnp::vdot(lax::slice(xs[0], {0, 0}, {1, 1}), second(c, xs));
         return jnp::vdot(xs[0], xs[1], precision_of(c), c.dtype("pet"));
       }},
      {"inner", [](C c, X xs) { return jnp::inner(xs[0], second(c, xs), precision_of(c), c.dtype("pet")); }},
      {"outer", [](C c, X xs) { return jnp::outer(xs[0], second(c, xs)); }},
      {"tensordot",
       [](C c, X xs) {
         if (c.has("axes"))
           return jnp::tensordot(xs[0], second(c, xs), c.integer("axes", 2), precision_of(c), c.dtype("pet"));
         return jnp::tensordot(xs[0], xs[1], c.ints("axes_a"), c.ints("axes_b"), precision_of(c), c.dtype("pet"));
       }},
      {"einsum",
       [](C c, X xs) {
         std::string spec = c.str("spec");
         for (auto& ch : spec)
           if (ch == '_') ch = ' ';
         std::vector<array> ops = xs;
         if (c.has("sb")) ops.push_back(std::stod(c.str("sb")));  // a C++ double: weak f32
         return jnp::einsum(spec, ops, precision_of(c), c.dtype("pet"));
       }},
      {"trace",
       [](C c, X xs) {
         return jnp::trace(xs[0], c.integer("offset", 0), c.integer("axis1", 0), c.integer("axis2", 1), c.dtype("dtype"));
       }},
      {"kron", [](C c, X xs) { return jnp::kron(xs[0], second(c, xs)); }},
      {"cross",
       [](C c, X xs) {
         std::optional<std::int64_t> axis;
         if (c.has("axis")) axis = c.integer("axis", 0);
         return jnp::cross(xs[0], xs[1], c.integer("axisa", -1), c.integer("axisb", -1), c.integer("axisc", -1), axis);
       }},
      {"norm",
       [](C c, X xs) {
         std::optional<shape_t> axis;
         if (c.str("axis") != "none") axis = c.ints("axis");
         return jnp::linalg::norm(xs[0], parse_ord(c.str("ord")), axis, c.integer("keepdims", 0) != 0);
       }},
  };
  return table;
}

/// Every equation of `j` (and of the jaxprs in its params) is a lax primitive: xjax's
/// numpy functions bind nothing else. Checked on the printed text: the primitive names.
void check_only_lax(const std::string& text) {
  static const std::set<std::string> lax_prims = {
      "dot_general", "transpose", "reshape", "squeeze", "broadcast_in_dim", "convert_element_type", "reduce_sum",
      "reduce_max", "reduce_min", "reduce_or", "mul", "sub", "add", "abs", "sqrt", "pow", "max", "min", "ne", "eq",
      "iota", "select_n", "and", "slice", "concatenate"};
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    std::string rest = line.substr(eq + 3);
    std::string prim = rest.substr(0, rest.find_first_of(" [\n"));
    CHECK_MESSAGE(lax_prims.count(prim) == 1, "unexpected primitive " << prim << " in\n" << text);
  }
}

/// Replays every golden case of `fn`: eagerly, traced (jaxpr text) and through eval_jaxpr.
void run_golden(const std::string& fn) {
  const auto& file = xjax::testing::golden_file::load("np_linalg");
  const op_fn& f = ops().at(fn);
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (c.op != fn) continue;
    ++n;
    INFO("case " << g.name);
    REQUIRE(g.outputs.size() == 1);
    array got = f(c, g.inputs);
    std::string err = xjax::testing::compare(got, g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eager: " << err);
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return f(c, xs); })(g.inputs);
    std::string text = xjax::to_string(j);
    check_only_lax(text);
    if (!g.jaxpr.empty()) CHECK(text == g.jaxpr);
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == 1);
    err = xjax::testing::compare(staged[0], g.outputs[0]);
    CHECK_MESSAGE(err.empty(), "eval_jaxpr: " << err);
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << fn);
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

array f32(const shape_t& shape) {
  std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 7) - 3.0f;
  return array::from_vector(v, shape);
}

}  // namespace

TEST_CASE("golden: matmul") { run_golden("matmul"); }
TEST_CASE("golden: dot") { run_golden("dot"); }
TEST_CASE("golden: vdot") { run_golden("vdot"); }
TEST_CASE("golden: inner") { run_golden("inner"); }
TEST_CASE("golden: outer") { run_golden("outer"); }
TEST_CASE("golden: tensordot") { run_golden("tensordot"); }
TEST_CASE("golden: einsum") { run_golden("einsum"); }
TEST_CASE("golden: trace") { run_golden("trace"); }
TEST_CASE("golden: kron") { run_golden("kron"); }
TEST_CASE("golden: cross") { run_golden("cross"); }
TEST_CASE("golden: linalg::norm") { run_golden("norm"); }

TEST_CASE("golden: einsum_path is opt_einsum's greedy path") {
  const auto& file = xjax::testing::golden_file::load("np_linalg");
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (c.op != "einsum_path") continue;
    ++n;
    INFO("case " << g.name);
    std::vector<shape_t> shapes;
    for (auto& x : g.inputs) shapes.push_back(x.shape());
    std::vector<std::int64_t> flat;
    for (auto& step : jnp::einsum_path(c.str("spec"), shapes))
      for (auto i : step) flat.push_back(i);
    CHECK(flat == g.outputs[0].to_vector<std::int64_t>());
  }
  CHECK(n >= 10);
}

TEST_CASE("every golden case of np_linalg.txt has a C++ replay") {
  for (const auto& g : xjax::testing::golden_file::load("np_linalg").cases()) {
    case_name c(g.name);
    CHECK_MESSAGE((ops().count(c.op) == 1 || c.op == "einsum_path"), "unknown function in case " << g.name);
  }
}

TEST_CASE("einsum: operands as arguments, C++ scalars, spaces") {
  array a = f32({2, 3}), b = f32({3, 4});
  auto r1 = jnp::einsum("ij,jk->ik", a, b);
  auto r2 = jnp::einsum("ij,jk", {a, b});
  auto r3 = jnp::matmul(a, b);
  CHECK(xjax::testing::compare(r1, r3).empty());
  CHECK(xjax::testing::compare(r2, r3).empty());
  CHECK(xjax::testing::compare(jnp::einsum(" i j -> j i ", a), lax::transpose(a, {1, 0})).empty());
  // A C++ scalar is a weak 0-d operand: the result keeps a's dtype.
  auto s = jnp::einsum("ij,->ij", a, 2.0);
  CHECK(s.dtype() == xjax::float32);
  CHECK(xjax::testing::compare(s, lax::mul(a, 2.0f)).empty());
  auto h = lax::convert_element_type(a, xjax::float16);
  CHECK(jnp::einsum("ij,->ij", h, 2.0).dtype() == xjax::float16);
  // Two weak scalars give a weak result.
  CHECK(jnp::dot(2.0, 3.0).weak_type());
  CHECK(jnp::dot(2.0, 3.0).item<float>() == 6.0f);
}

TEST_CASE("matmul/dot/tensordot/einsum keep JAX's result dtypes with C++ scalars and preferred_element_type") {
  array i8 = lax::convert_element_type(f32({2, 3}), xjax::int8);
  // As JAX: jnp.dot(int8_array, 2) asks dot_general for int8 from int8 x int32 and fails.
  check_error<xjax::type_error>([&] { jnp::dot(i8, 2); }, {"[dot_general]", "preferred_element_type", "int8"});
  CHECK(jnp::dot(i8, 2.5).dtype() == xjax::float32);
  CHECK(jnp::inner(i8, 2).dtype() == xjax::int8);
  CHECK(jnp::matmul(i8, lax::transpose(i8, {1, 0}), std::nullopt, xjax::int32).dtype() == xjax::int32);
  CHECK(jnp::einsum("ij,kj->ik", {i8, i8}, std::nullopt, xjax::float32).dtype() == xjax::float32);
  CHECK(jnp::trace(lax::convert_element_type(f32({3, 3}), xjax::uint8)).dtype() == xjax::uint32);
  CHECK(jnp::linalg::norm(i8).dtype() == xjax::float32);
  CHECK(jnp::linalg::norm(f32({2, 3}), 1, 1, true).shape() == shape_t{2, 1});
  const std::string fro = "fro";
  CHECK(xjax::testing::compare(jnp::linalg::norm(f32({2, 3}), fro), jnp::linalg::norm(f32({2, 3}))).empty());
  CHECK(xjax::testing::compare(jnp::linalg::norm(f32({2, 3}), std::nullopt, shape_t{0, 1}),
                               jnp::linalg::norm(f32({2, 3}), "f"))
            .empty());
}

TEST_CASE("matmul errors name both shapes and the mismatched dimensions") {
  check_error<xjax::value_error>([] { jnp::matmul(array(1.0f, xjax::float32), f32({3})); },
                                 {"[matmul]", "operand 0", "ndim at least 1"});
  check_error<xjax::shape_error>([] { jnp::matmul(f32({2, 3}), f32({4, 5})); },
                                 {"[matmul]", "f32[2,3]", "f32[4,5]", "3 and 4"});
  check_error<xjax::shape_error>([] { jnp::matmul(f32({2, 3, 4}), f32({5, 4, 2})); },
                                 {"[matmul]", "f32[2,3,4]", "f32[5,4,2]", "is 2", "is 5"});
  // Under make_jaxpr too.
  check_error<xjax::shape_error>(
      [] { xjax::make_jaxpr([](const array& a, const array& b) { return jnp::matmul(a, b); })(f32({3}), f32({4, 2})); },
      {"[matmul]", "f32[3]", "f32[4,2]"});
}

TEST_CASE("dot, vdot, inner, tensordot errors") {
  check_error<xjax::shape_error>([] { jnp::dot(f32({2, 3}), f32({4, 5})); }, {"[dot]", "(2, 3)", "(4, 5)", "not aligned"});
  check_error<xjax::shape_error>([] { jnp::dot(f32({3}), f32({4})); }, {"[dot]", "(3,)", "(4,)"});
  check_error<xjax::shape_error>([] { jnp::vdot(f32({2, 3}), f32({5})); }, {"[vdot]", "(2, 3)", "(5,)", "6 and 5"});
  check_error<xjax::shape_error>([] { jnp::inner(f32({2, 3}), f32({2, 4})); }, {"[inner]", "(2, 3)", "(2, 4)"});
  check_error<xjax::type_error>([] { jnp::tensordot(f32({2, 3}), f32({3, 4}), 3); },
                                {"[tensordot]", "axes 3", "(2, 3)", "(3, 4)"});
  check_error<xjax::type_error>([] { jnp::tensordot(f32({2, 3}), f32({2, 3}), {0, 1}, {0}); },
                                {"[tensordot]", "equal length", "(0, 1)", "(0,)"});
  check_error<xjax::shape_error>([] { jnp::tensordot(f32({2, 3}), f32({3, 3}), {0}, {0}); },
                                 {"[tensordot]", "(2, 3)", "(3, 3)", "not aligned"});
  check_error<xjax::value_error>([] { jnp::tensordot(f32({2, 3}), f32({3, 3}), {2}, {0}); }, {"[tensordot]", "axis 2"});
}

TEST_CASE("einsum errors for malformed specs") {
  array a = f32({2, 3}), b = f32({4, 5}), sq = f32({2, 2});
  check_error<xjax::value_error>([&] { jnp::einsum("i$->i", sq); }, {"[einsum]", "invalid character '$'", "i$->i"});
  check_error<xjax::value_error>([&] { jnp::einsum("i1,1j", sq, sq); }, {"[einsum]", "invalid character '1'"});
  check_error<xjax::value_error>([&] { jnp::einsum("ij,jk->ik", a); }, {"[einsum]", "2 terms", "1 operands"});
  check_error<xjax::value_error>([&] { jnp::einsum("ij->ij", a, a); }, {"[einsum]", "1 terms", "2 operands"});
  check_error<xjax::shape_error>([&] { jnp::einsum("ij,jk->ik", a, b); },
                                 {"[einsum]", "index 'j'", "4 in operand 1", "(4, 5)", "but 3"});
  check_error<xjax::value_error>([&] { jnp::einsum("ij->k", a); }, {"[einsum]", "output index 'k'", "does not appear"});
  check_error<xjax::value_error>([&] { jnp::einsum("ij->ii", sq); }, {"[einsum]", "'i'", "more than once"});
  check_error<xjax::value_error>([&] { jnp::einsum("ijk->i", a); }, {"[einsum]", "'ijk'", "3 indices", "(2, 3)"});
  check_error<xjax::value_error>([&] { jnp::einsum("i->->i", f32({2})); }, {"[einsum]", "only contain one '->'"});
  check_error<xjax::value_error>([&] { jnp::einsum("i..j->i", a); }, {"[einsum]", "ellipsis"});
  check_error<xjax::value_error>([&] { jnp::einsum("ijk...->i", a); }, {"[einsum]", "'ijk...'", "(2, 3)"});
  check_error<xjax::value_error>([&] { jnp::einsum("ij", std::vector<array>{}); }, {"[einsum]", "no operands"});
}

TEST_CASE("trace, kron, cross and norm errors") {
  check_error<xjax::value_error>([] { jnp::trace(f32({2, 2}), 0, 1, -1); }, {"[trace]", "axis1=1", "axis2=-1"});
  check_error<xjax::value_error>([] { jnp::trace(f32({3})); }, {"[trace]", "two dimensions", "(3,)"});
  check_error<xjax::value_error>([] { jnp::trace(f32({3, 3}), 0, 0, 2); }, {"[trace]", "axis 2", "rank 2"});
  check_error<xjax::type_error>([] { jnp::kron(lax::lt(f32({2}), 0.0f), lax::lt(f32({2}), 0.0f)); }, {"[mul]", "bool"});
  check_error<xjax::value_error>([] { jnp::cross(f32({4}), f32({4})); }, {"[cross]", "2 or 3", "(4,)"});
  check_error<xjax::type_error>([] { jnp::cross(lax::lt(f32({3}), 0.0f), lax::lt(f32({3}), 0.0f)); }, {"[sub]", "bool"});
  check_error<xjax::value_error>([] { jnp::cross(f32({3, 4}), f32({3}), 2); }, {"[cross]", "axis 2"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3, 4}), 1, shape_t{0, 1, 2}); },
                                 {"[norm]", "Improper number of axes", "(0, 1, 2)", "(2, 3, 4)"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3, 4}), 1); }, {"[norm]", "Improper number of axes"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3}), "fro", 0); }, {"[norm]", "'fro'", "vector norm"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3}), 3); }, {"[norm]", "'3'", "matrix norm"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3}), "bad"); }, {"[norm]", "'bad'"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({0}), -std::numeric_limits<double>::infinity()); },
                                 {"[norm]", "zero-size", "min", "(0,)"});
  check_error<xjax::not_implemented_error>([] { jnp::linalg::norm(f32({2, 3}), "nuc"); }, {"[norm]", "nuc"});
  check_error<xjax::not_implemented_error>([] { jnp::linalg::norm(f32({2, 3}), 2); }, {"[norm]", "2"});
  check_error<xjax::value_error>([] { jnp::linalg::norm(f32({2, 3}), {}, shape_t{1, -1}); }, {"[norm]", "duplicate"});
}
