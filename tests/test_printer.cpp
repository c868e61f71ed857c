// The jaxpr printer: the programs of tests/golden/gen_printer.py, written here with
// xjax::lax, must print exactly the text jax.make_jaxpr prints for them, and compute
// what JAX computes.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

#ifdef XTENSOR_VERSION_MAJOR
#error "<xjax/xjax.hpp> must not bring xtensor's headers (include <xjax/core/xtensor_interop.hpp> for the interop)"
#endif

namespace {

using xjax::array;
using xjax::shape_t;
namespace lax = xjax::lax;

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("printer"); }
const xjax::testing::golden_case& program(const std::string& name) { return golden().get("jaxpr/" + name); }

/// The printed jaxpr is JAX's text for the program `name`.
void check_text(const std::string& name, const xjax::closed_jaxpr& j) {
  INFO("program ", name);
  CHECK(xjax::to_string(j) == program(name).jaxpr);
}

/// The leaves of an eager run, and of eval_jaxpr on the traced jaxpr, are JAX's results.
void check_values(const std::string& name, const std::vector<array>& eager, const xjax::closed_jaxpr& j,
                  const std::vector<array>& args) {
  INFO("program ", name);
  const auto& want = program(name).outputs;
  std::vector<array> staged = xjax::eval_jaxpr(j, args);
  REQUIRE(eager.size() == want.size());
  REQUIRE(staged.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("output ", i);
    CHECK(xjax::testing::compare(eager[i], want[i]) == "");
    CHECK(xjax::testing::compare(staged[i], want[i]) == "");
  }
}

/// Traces `f` on `args`, checks its text against JAX's and, unless `values` is false,
/// its results eagerly and through eval_jaxpr.
template <class F, class... Args> void check_program(const std::string& name, F f, const Args&... args) {
  auto j = xjax::make_jaxpr(f)(args...);
  check_text(name, j);
  std::vector<array> flat_args;
  (
      [&](const auto& a) {
        for (auto& l : xjax::tree_leaves(a)) flat_args.push_back(l);
      }(args),
      ...);
  check_values(name, xjax::tree_leaves(f(args...)), j, flat_args);
}

// ---------------------------------------------------------------------------
// A test-only primitive whose params print as given (gen_printer.py defines the same
// one in Python): it has the params layouts of JAX's long-param primitives (gather,
// dot_general...) checked without depending on those primitives.

struct test_params {
  std::vector<xjax::aval> outs;                               // the output types (not printed)
  std::vector<std::pair<std::string, std::string>> printed;   // name, text
  bool operator==(const test_params&) const = default;
  template <class F> void fields(F&& f) const {
    for (auto& [k, v] : printed) f(k, v);
  }
};

class test_primitive final : public xjax::primitive_of<test_params> {
 public:
  explicit test_primitive(std::string_view name) : primitive_of<test_params>(name) {}
  std::vector<xjax::aval> shape_rule(std::span<const xjax::aval>, const test_params& p) const override { return p.outs; }
  std::vector<array> eval(std::span<const array>, const test_params& p) const override {
    std::vector<array> out;
    for (auto& a : p.outs) out.push_back(array::empty(a.shape, a.dtype));
    return out;
  }
};

const test_primitive& test_p() {
  static const test_primitive p("test_params");
  return p;
}

/// Python's str() of a list of shape tuples: "[(2,), (3, 4)]".
std::string shapes_text(const std::vector<shape_t>& shapes) {
  std::string s = "[";
  for (std::size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + xjax::shape_str(shapes[i]);
  return s + "]";
}

/// gen_printer.py's tp(): f32 outputs of the given shapes, an `out_shapes` param and
/// the given ones.
std::vector<array> tp(std::vector<array> ins, const std::vector<shape_t>& out_shapes,
                      std::vector<std::pair<std::string, std::string>> params = {}) {
  test_params p;
  for (auto& s : out_shapes) p.outs.push_back(xjax::aval{s, xjax::float32});
  params.emplace_back("out_shapes", shapes_text(out_shapes));
  p.printed = std::move(params);
  return test_p().bind(std::move(ins), std::move(p));
}

const std::string gather_dnums =
    "GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), "
    "operand_batching_dims=(), start_indices_batching_dims=())";

/// The golden inputs of program `name`.
const std::vector<array>& ins(const std::string& name) { return program(name).inputs; }

array f32s(std::vector<float> v, shape_t s) { return array::from_vector<float>(v, s); }

array long_chain(const array& x, int n) {
  array v = x;
  for (int i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0: v = lax::neg(v); break;
      case 1: v = lax::exp(v); break;
      case 2: v = lax::add(v, x); break;
      default: v = lax::mul(v, 0.5); break;
    }
  }
  return v;
}

struct linear {
  array w, b;
};
XJAX_PYTREE(linear, w, b)

}  // namespace

TEST_CASE("printer: one line when the whole jaxpr fits, one equation per line otherwise") {
  auto& x = ins("one_eqn")[0];
  check_program("one_eqn", [](const array& x) { return lax::exp(x); }, x);
  check_program("two_eqns_one_line", [](const array& x) { return lax::exp(lax::neg(x)); },
                ins("two_eqns_one_line")[0]);
  check_program("chain_multiline", [](const array& x) { return lax::exp(lax::mul(lax::add(x, 2.0), x)); },
                ins("chain_multiline")[0]);
  check_program("identity", [](const array& x) { return x; }, x);
  check_program("unused_input", [](const array&, const array& y) { return lax::neg(y); }, ins("unused_input")[0],
                ins("unused_input")[1]);
}

TEST_CASE("printer: variable names past z and zz") {
  check_program("long_chain_past_z", [](const array& x) { return long_chain(x, 40); }, ins("long_chain_past_z")[0]);
  auto j = xjax::make_jaxpr([](const array& x) { return long_chain(x, 720); })(ins("long_chain_past_zz")[0]);
  check_text("long_chain_past_zz", j);
  CHECK(xjax::to_string(j).find("baa:f32[]") != std::string::npos);
}

TEST_CASE("printer: long lists of binders, inputs and outputs wrap as JAX's") {
  std::vector<array> xs = ins("many_inputs");
  auto sum = [](const std::vector<array>& v) {
    array acc = v[0];
    for (std::size_t i = 1; i < v.size(); ++i) acc = lax::add(acc, v[i]);
    return acc;
  };
  check_program("many_inputs", sum, xs);

  check_program(
      "many_outputs",
      [](const array& x) {
        std::vector<array> out;
        for (int i = 0; i < 36; ++i) out.push_back(i % 3 == 0 ? lax::neg(x) : i % 3 == 1 ? x : array(2.5));
        return out;
      },
      ins("many_outputs")[0]);

  auto& x = ins("many_literals_in_one_eqn")[0];
  check_text("many_literals_in_one_eqn", xjax::make_jaxpr([](const array& x) {
               std::vector<array> in{x};
               for (int i = 0; i < 20; ++i) in.push_back(1.5);
               in.push_back(x);
               return tp(in, {{3}})[0];
             })(x));
  check_text("many_outputs_of_one_eqn", xjax::make_jaxpr([](const array& x) {
               return tp({x}, std::vector<shape_t>(24, shape_t{3}));
             })(x));
  check_text("eqn_many_inputs", xjax::make_jaxpr([](const std::vector<array>& xs) { return tp(xs, {{2}})[0]; })(
                                    ins("eqn_many_inputs")));
}

TEST_CASE("printer: weakly typed literals print the C++ scalar as Python prints the float") {
  check_program(
      "weak_literals_f32",
      [](const array& x) {
        array v = lax::mul(x, 2.0);
        v = lax::add(v, 1e-07);
        v = lax::mul(v, 1.0 / 3);
        v = lax::add(v, 1e300);
        v = lax::mul(v, -0.0);
        v = lax::add(v, std::nan(""));
        v = lax::mul(v, -INFINITY);
        v = lax::add(v, 0.1);
        v = lax::mul(v, 1e16);
        v = lax::add(v, 123456789.0);
        return lax::lt(v, 1e-05);
      },
      ins("weak_literals_f32")[0]);
  check_program(
      "weak_literals_i32", [](const array& i) { return lax::lt(lax::mul(lax::add(i, 3), -7), 2147483647); },
      ins("weak_literals_i32")[0]);
}

TEST_CASE("printer: 0-d constants of every dtype are literals, printed as JAX prints them") {
  struct strong_case {
    const char* name;
    xjax::dtype d;
    std::vector<double> values;
  };
  // Integers beyond double's 53 bits are spelled separately below.
  const std::vector<strong_case> cases = {
      {"int8", xjax::int8, {-128, 7}},
      {"int16", xjax::int16, {-3}},
      {"int32", xjax::int32, {2147483647}},
      {"uint8", xjax::uint8, {255}},
      {"uint16", xjax::uint16, {65535}},
      {"uint32", xjax::uint32, {4294967295.0}},
      {"float16", xjax::float16, {0.1, 65504.0, -2.5, 6e-08, 1e-05}},
      {"bfloat16", xjax::bfloat16, {0.1, 3.0e38, 1.0 / 3}},
      {"float32", xjax::float32, {0.1, 1.0 / 3, 1e-07, 1e16, -0.0, 123456789.0}},
      {"float64", xjax::float64, {0.1, 1.0 / 3, 1e-07, 1e16, 5e-324, 1.7976931348623157e308}},
  };
  auto with_constants = [](std::vector<array> consts) {
    return [consts](const array& x) {
      array v = x;
      for (auto& c : consts) v = lax::add(v, c);
      return v;
    };
  };
  for (auto& c : cases) {
    std::vector<array> consts;
    for (double v : c.values) consts.push_back(array(v, c.d));
    std::string name = std::string("strong_literals_") + c.name;
    check_program(name, with_constants(consts), ins(name)[0]);
  }
  check_program("strong_literals_int64", with_constants({array(std::numeric_limits<std::int64_t>::min(), xjax::int64)}),
                ins("strong_literals_int64")[0]);
  check_program("strong_literals_uint64",
                with_constants({array(std::numeric_limits<std::uint64_t>::max(), xjax::uint64)}),
                ins("strong_literals_uint64")[0]);
  check_program(
      "strong_literals_bool", [](const array& b) { return lax::lt(lax::lt(b, array(true)), array(false)); },
      ins("strong_literals_bool")[0]);
  check_program(
      "strong_nonfinite_literals",
      [](const array& x) {
        // (C++ leaves the order of evaluation of arguments unspecified: name each step.)
        array a = lax::mul(x, array(std::nan(""), xjax::float32));
        array b = lax::mul(x, array(-INFINITY, xjax::float32));
        return lax::add(a, b);
      },
      ins("strong_nonfinite_literals")[0]);
  check_program(
      "literal_outputs_every_dtype",
      [](const array& x) {
        return std::make_tuple(x, array(true), array(-3, xjax::int8), array(300, xjax::int16), array(-7, xjax::int32),
                               array(std::int64_t{1} << 40, xjax::int64), array(200, xjax::uint8),
                               array(60000, xjax::uint16), array(4000000000u, xjax::uint32),
                               array((std::uint64_t{1} << 63) + 1, xjax::uint64), array(0.1, xjax::float16),
                               array(0.1, xjax::bfloat16), array(0.1, xjax::float32), array(0.1, xjax::float64));
      },
      ins("literal_outputs_every_dtype")[0]);
}

TEST_CASE("printer: closed-over arrays are constvars, before the `;`") {
  const array c3 = f32s({1, 2, 3}, {3});
  const array c22 = f32s({1, 2, 3, 4}, {2, 2});
  check_program(
      "closure_constvars",
      [&](const array& x) {
        array y = lax::add(lax::mul(x, c3), c3);
        return std::make_tuple(y, lax::neg(c22));
      },
      ins("closure_constvars")[0]);
  check_program("closure_only", [&]() { return lax::exp(c3); });
  check_program("no_inputs_literal_output", []() { return 2.0; });
}

TEST_CASE("printer: pytree arguments and results") {
  auto& a = ins("pytree_tuple_list");
  check_program(
      "pytree_tuple_list",
      [](const std::tuple<array, std::vector<array>>& t) {
        const array& x = std::get<0>(t);
        array sum = lax::add(x, std::get<1>(t)[0]);
        return std::make_tuple(sum, std::vector<array>{std::get<1>(t)[1], lax::neg(x)});
      },
      std::make_tuple(a[0], std::vector<array>{a[1], a[2]}));

  // Dicts flatten in key order, in JAX and for std::map: "a" before "b".
  auto& d = ins("pytree_dict");
  check_program(
      "pytree_dict",
      [](const std::map<std::string, array>& m) {
        return std::map<std::string, array>{{"sum", lax::add(m.at("b"), m.at("a"))}, {"x", m.at("b")}, {"lit", 1.5}};
      },
      std::map<std::string, array>{{"a", d[0]}, {"b", d[1]}});

  auto& s = ins("pytree_struct");
  check_program(
      "pytree_struct", [](const linear& p, const array& x) { return linear{lax::mul(p.w, 2.0), lax::add(p.b, x)}; },
      linear{s[0], s[1]}, s[2]);

  auto& n = ins("pytree_nested_mixed");
  check_program(
      "pytree_nested_mixed",
      [](const std::vector<linear>& ps, const std::map<std::string, array>& m) {
        std::vector<array> sums;
        for (auto& p : ps) sums.push_back(lax::add(p.w, p.w));
        array e = lax::exp(m.at("j"));
        return std::make_tuple(sums, std::make_tuple(m.at("k"), e));
      },
      std::vector<linear>{{n[0], n[1]}, {n[2], n[3]}}, std::map<std::string, array>{{"j", n[4]}, {"k", n[5]}});
}

TEST_CASE("printer: unused outputs print as _, outputs may be inputs or literals") {
  auto& x = ins("unused_outputs")[0];
  check_program("unused_outputs", [](const array& x) {
    lax::neg(x);
    return x;
  }, x);
  check_text("unused_some_outputs_of_one_eqn",
             xjax::make_jaxpr([](const array& x) { return tp({x}, {{3}, {2}, {1}})[1]; })(x));
  check_program(
      "outputs_inputs_and_literals",
      [](const array& x, const array& y) { return std::make_tuple(y, x, 2.0, x, 3); },
      ins("outputs_inputs_and_literals")[0], ins("outputs_inputs_and_literals")[1]);
}

TEST_CASE("printer: a weakly typed input prints like a strong one") {
  array w = 2.0;  // weakly typed f32[], as a Python float argument in JAX
  REQUIRE(w.weak_type());
  check_program("weak_input", [](const array& x) { return lax::mul(x, 3.0); }, w);
}

TEST_CASE("printer: params inline when they fit, one per line otherwise") {
  auto& x = ins("params_short")[0];
  check_text("params_short",
             xjax::make_jaxpr([](const array& x) { return tp({x}, {{2}}, {{"alpha", "1"}, {"beta", "(1, 2)"}})[0]; })(x));
  check_text("params_just_fit", xjax::make_jaxpr([](const array& x) {
               return tp({x}, {{2}}, {{"a", std::string(10, 'x')}, {"b", std::string(19, 'y')}})[0];
             })(x));
  check_text("params_just_too_long", xjax::make_jaxpr([](const array& x) {
               return tp({x}, {{2}}, {{"a", std::string(10, 'x')}, {"b", std::string(20, 'y')}})[0];
             })(x));
  check_text("params_multiline_value", xjax::make_jaxpr([](const array& x) {
               return tp({x}, {{2}}, {{"alpha", "line one\nline two, longer"}, {"beta", "(1, 2)"}})[0];
             })(x));
  auto& g = ins("params_long");
  check_text("params_long", xjax::make_jaxpr([](const array& x, const array& i) {
               return tp({x, i}, {{2, 3}},
                         {{"dimension_numbers", gather_dnums},
                          {"mode", "GatherScatterMode.PROMISE_IN_BOUNDS"},
                          {"slice_sizes", "(1, 3)"}})[0];
             })(g[0], g[1]));
}

TEST_CASE("printer: equations without inputs or outputs") {
  auto& x = ins("eqn_without_outputs")[0];
  check_text("eqn_without_outputs", xjax::make_jaxpr([](const array& x) {
               tp({x}, {}, {{"alpha", "1"}});
               return x;
             })(x));
  check_text("eqn_without_inputs", xjax::make_jaxpr([](const array& x) {
               return lax::add(x, tp({}, {{3}}, {{"alpha", "1"}})[0]);
             })(x));
}

TEST_CASE("printer: the layout of JAX's gather and dot_general params") {
  // Primitives named as JAX's, with JAX's params, give JAX's text for lax.gather and
  // lax.dot_general (whatever the state of xjax's own gather and dot_general).
  static const test_primitive gather_like("gather"), dot_like("dot_general");
  auto& g = ins("gather_params_layout");
  check_text("gather_params_layout", xjax::make_jaxpr([](const array& x, const array& i) {
               test_params p{{xjax::aval{{2, 3}, xjax::float32}},
                             {{"dimension_numbers", gather_dnums},
                              {"fill_value", "None"},
                              {"indices_are_sorted", "False"},
                              {"mode", "GatherScatterMode.PROMISE_IN_BOUNDS"},
                              {"slice_sizes", "(1, 3)"},
                              {"unique_indices", "False"}}};
               return gather_like.bind({x, i}, p)[0];
             })(g[0], g[1]));
  auto& d = ins("dot_general_params_layout");
  check_text("dot_general_params_layout", xjax::make_jaxpr([](const array& x, const array& y) {
               test_params p{{xjax::aval{{5, 5}, xjax::float32}}, {{"dimension_numbers", "(([1], [0]), ([], []))"}}};
               return dot_like.bind({x, y}, p)[0];
             })(d[0], d[1]));
}

TEST_CASE("printer: the document model lays out groups as JAX's pretty printer") {
  using namespace xjax::pp;
  doc d = group(nest(2, concat({text("f("), brk(""), text("x,"), brk(), text("y)")})));
  CHECK(format(d) == "f(x, y)");
  CHECK(format(d, 5) == "f(\n  x,\n  y)");
  // A group fits when its text, breaks as spaces, fits in what is left of the line.
  CHECK(format(group(text(std::string(78, 'a')) + brk() + text("b"))) == std::string(78, 'a') + " b");
  CHECK(format(group(text(std::string(79, 'a')) + brk() + text("b"))) == std::string(79, 'a') + "\nb");
  // Breaks outside every group are newlines; an inner group decides for itself.
  CHECK(format(text("a") + brk() + group(text("b") + brk() + text("c"))) == "a\nb c");
  CHECK(format(join(text(", "), {text("1"), text("2"), text("3")})) == "1, 2, 3");
  CHECK(format(doc()) == "");
  // Multi-line text counts all its characters, as JAX counts them.
  CHECK(format(group(text("ab\ncd") + brk() + text("e")), 6) == "ab\ncd\ne");
}

TEST_CASE("printer: Python's float repr for literals") {
  using xjax::detail::python_float_repr;
  CHECK(python_float_repr(2.0) == "2.0");
  CHECK(python_float_repr(1e-07) == "1e-07");
  CHECK(python_float_repr(0.0001) == "0.0001");
  CHECK(python_float_repr(1e16) == "1e+16");
  CHECK(python_float_repr(1234567890123456.0) == "1234567890123456.0");
  CHECK(python_float_repr(-0.0) == "-0.0");
  CHECK(python_float_repr(1.0 / 3) == "0.3333333333333333");
  CHECK(python_float_repr(5e-324) == "5e-324");
  CHECK(python_float_repr(1.5e300) == "1.5e+300");
  CHECK(python_float_repr(-INFINITY) == "-inf");
  CHECK(python_float_repr(std::nan("")) == "nan");
  CHECK(xjax::detail::var_name(0) == "a");
  CHECK(xjax::detail::var_name(25) == "z");
  CHECK(xjax::detail::var_name(26) == "ba");
  CHECK(xjax::detail::var_name(675) == "zz");
  CHECK(xjax::detail::var_name(676) == "baa");  // 'a' is the zero digit: no "aa"
}

TEST_CASE("printer: operator<< writes the same text") {
  auto j = xjax::make_jaxpr([](const array& x) { return lax::exp(x); })(ins("one_eqn")[0]);
  std::ostringstream os, os2;
  os << j;
  os2 << *j.jaxpr;
  CHECK(os.str() == program("one_eqn").jaxpr);
  CHECK(os2.str() == os.str());
}

// ---------------------------------------------------------------------------
// The acceptance set: whole programs mixing the families, closures and pytrees, as
// gen_printer.py writes them with jax.lax (each step is named: C++ leaves the order in
// which function arguments are evaluated unspecified, and the order of equations
// follows it).

namespace {

const lax::dot_dimension_numbers matmul{.lhs_contracting = {1}, .rhs_contracting = {0}};
const lax::gather_dimension_numbers rows_dnums{.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0}};

array softmax_rows(const array& x, std::int64_t n, std::int64_t m) {
  array mx = lax::reduce_max(x, {1});
  array shifted = lax::sub(x, lax::broadcast_in_dim(mx, {n, m}, {0}));
  array e = lax::exp(shifted);
  array s = lax::reduce_sum(e, {1});
  array sb = lax::broadcast_in_dim(s, {n, m}, {0});
  return lax::div(e, sb);
}

/// gen_printer.py's TABLE and W32.
array table() {
  std::vector<float> v;
  for (int i = 0; i < 15; ++i) v.push_back(static_cast<float>(i / 4.0 - 1));
  return f32s(v, {5, 3});
}
array w32() { return f32s({-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}, {3, 2}); }

}  // namespace

TEST_CASE("acceptance: mlp layer over a struct of params") {
  auto& in = ins("accept_mlp");
  check_program(
      "accept_mlp",
      [](const linear& p, const array& x) {
        array h = lax::dot_general(x, p.w, matmul);
        array b = lax::broadcast_in_dim(p.b, {2, 3}, {1});
        h = lax::add(h, b);
        h = lax::max(h, 0.0);
        return lax::reduce_sum(h, {1});
      },
      linear{in[0], in[1]}, in[2]);
}

TEST_CASE("acceptance: softmax") {
  check_program("accept_softmax", [](const array& x) { return softmax_rows(x, 2, 5); }, ins("accept_softmax")[0]);
}

TEST_CASE("acceptance: transpose and reshape") {
  check_program(
      "accept_transpose_reshape",
      [](const array& x) {
        array y = lax::transpose(x, {2, 0, 1});
        array z = lax::reshape(y, {4, 6});
        array w = lax::mul(z, 0.5);
        return std::make_tuple(lax::reshape(w, {24}), z);
      },
      ins("accept_transpose_reshape")[0]);
}

TEST_CASE("acceptance: embedding lookup (gather) over a closed-over table") {
  const array t = table();
  check_program(
      "accept_embedding_closure",
      [&](const array& idx) {
        array rows = lax::gather(t, idx, rows_dnums, {1, 3}, {.mode = lax::gather_scatter_mode::promise_in_bounds});
        return lax::reduce_sum(lax::tanh(rows), {0});
      },
      ins("accept_embedding_closure")[0]);
}

TEST_CASE("acceptance: batched matmul and a reduction") {
  auto& in = ins("accept_batched_matmul");
  check_program(
      "accept_batched_matmul",
      [](const array& a, const array& b) {
        array c = lax::dot_general(a, b, {.lhs_contracting = {2}, .rhs_contracting = {1}, .lhs_batch = {0}, .rhs_batch = {0}});
        return lax::reduce_max(c, {2});
      },
      in[0], in[1]);
}

TEST_CASE("acceptance: layer norm over a dict") {
  auto& in = ins("accept_layernorm");  // leaves in key order: gamma, x
  check_program(
      "accept_layernorm",
      [](const std::map<std::string, array>& d) {
        const array& x = d.at("x");
        const array& gamma = d.at("gamma");
        array mean = lax::div(lax::reduce_sum(x, {1}), 4.0);
        array xc = lax::sub(x, lax::broadcast_in_dim(mean, {3, 4}, {0}));
        array sq = lax::mul(xc, xc);
        array var = lax::div(lax::reduce_sum(sq, {1}), 4.0);
        array inv = lax::rsqrt(lax::add(var, 1e-05));
        array y = lax::mul(xc, lax::broadcast_in_dim(inv, {3, 4}, {0}));
        array gb = lax::broadcast_in_dim(gamma, {3, 4}, {1});
        return lax::mul(y, gb);
      },
      std::map<std::string, array>{{"gamma", in[0]}, {"x", in[1]}});
}

TEST_CASE("acceptance: attention") {
  auto& in = ins("accept_attention");
  check_program(
      "accept_attention",
      [](const array& q, const array& k, const array& v) {
        array s = lax::dot_general(q, k, {.lhs_contracting = {1}, .rhs_contracting = {1}});
        s = lax::mul(s, 0.35355339059327373);
        array p = softmax_rows(s, 4, 6);
        return lax::dot_general(p, v, matmul);
      },
      in[0], in[1], in[2]);
}

TEST_CASE("acceptance: mean squared error of a linear model, dict result") {
  auto& in = ins("accept_mse_struct");
  check_program(
      "accept_mse_struct",
      [](const linear& p, const array& x, const array& y) {
        array xw = lax::dot_general(x, p.w, matmul);
        array b = lax::broadcast_in_dim(p.b, {5, 1}, {1});
        array pred = lax::add(xw, b);
        array d = lax::sub(pred, y);
        array sq = lax::mul(d, d);
        array loss = lax::div(lax::reduce_sum(sq, {0, 1}), 5.0);
        return std::map<std::string, array>{{"loss", loss}, {"pred", pred}};
      },
      linear{in[0], in[1]}, in[2], in[3]);
}

TEST_CASE("acceptance: a list argument and a closed-over weight") {
  const array w = w32();
  check_program(
      "accept_list_closure",
      [&](const std::vector<array>& xs) {
        array s = lax::add(lax::add(xs[0], xs[1]), xs[2]);
        array out = lax::dot_general(s, w, matmul);
        return std::make_tuple(lax::transpose(out, {1, 0}), std::vector<array>{xs[2], xs[0]});
      },
      ins("accept_list_closure"));
}

TEST_CASE("acceptance: gather with clipped indices") {
  auto& in = ins("accept_gather_clip");
  check_program(
      "accept_gather_clip",
      [](const array& x, const array& idx) {
        array g = lax::gather(x, idx, rows_dnums, {1, 4}, {.mode = lax::gather_scatter_mode::clip});
        array m = lax::reduce_max(g, {0});
        return std::make_tuple(lax::transpose(lax::reshape(g, {4, 3}), {1, 0}), m);
      },
      in[0], in[1]);
}

TEST_CASE("acceptance: conversions and integer arithmetic") {
  check_program(
      "accept_int_convert",
      [](const array& x) {
        array i = lax::convert_element_type(lax::mul(x, 10.0), xjax::int32);
        array r = lax::reduce_sum(lax::mul(i, 3), {1});
        array b = lax::lt(r, 0);
        return std::make_tuple(r, b, lax::convert_element_type(b, xjax::float32));
      },
      ins("accept_int_convert")[0]);
}

TEST_CASE("acceptance: a long program") {
  auto& in = ins("accept_long_program");
  check_program(
      "accept_long_program",
      [](const array& x, const array& y, const array& z) {
        array v = x;
        for (int k = 0; k < 12; ++k) {
          array t = lax::transpose(lax::reshape(v, {3, 2}), {1, 0});
          if (k % 2 == 0) {
            v = lax::add(t, y);
          } else {
            array zb = lax::broadcast_in_dim(z, {2, 3}, {1});
            v = lax::mul(t, zb);
          }
          array mx = lax::broadcast_in_dim(lax::reduce_max(v, {1}), {2, 3}, {0});
          v = lax::sub(v, mx);
        }
        return lax::reduce_sum(lax::exp(v), {0, 1});
      },
      in[0], in[1], in[2]);
}

TEST_CASE("acceptance: reductions, expand_dims and squeeze") {
  check_program(
      "accept_reductions_mixed",
      [](const array& x) {
        array a = lax::reduce_sum(x, {0, 2});
        array b = lax::reduce_max(x, {1});
        array c = lax::reduce_min(b, {0});
        return std::make_tuple(a, b, c, lax::squeeze(lax::expand_dims(c, {0}), {0}));
      },
      ins("accept_reductions_mixed")[0]);
}
