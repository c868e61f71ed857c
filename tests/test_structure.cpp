// Structure primitives: broadcast_in_dim, reshape, transpose, squeeze, expand_dims,
// rev, concatenate, pad, slice, dynamic_slice, dynamic_update_slice, copy,
// stop_gradient. Golden cases (tests/golden/gen_structure.py) run eagerly, traced
// (the printed jaxpr must be JAX's) and through eval_jaxpr; then weak types, C++
// scalar arguments and the errors.
#include <doctest/doctest.h>

#include <cstring>
#include <functional>
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

// ---------------------------------------------------------------------------
// Replaying a golden case: its name is "<op>;<key>=<values>;...;<tag>".

struct op_spec {
  std::string op;
  std::map<std::string, std::string> params;

  /// Integers of a param ("1,-2" or "" for ()); nullopt for "None".
  std::optional<shape_t> ints(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) throw std::runtime_error("golden case " + op + " lacks param " + key);
    if (it->second == "None") return std::nullopt;
    shape_t out;
    std::istringstream in(it->second);
    std::string tok;
    while (std::getline(in, tok, ',')) out.push_back(std::stoll(tok));
    return out;
  }
  shape_t shape(const std::string& key) const { return ints(key).value(); }
  bool has(const std::string& key) const { return params.count(key) != 0; }
};

op_spec parse_name(const std::string& name) {
  op_spec s;
  std::istringstream in(name);
  std::string part;
  std::getline(in, s.op, ';');
  while (std::getline(in, part, ';')) {
    auto eq = part.find('=');
    if (eq != std::string::npos) s.params[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return s;
}

/// Start indices of a dynamic_slice / dynamic_update_slice case: concrete arrays of
/// the recorded dtype (NumPy scalars in JAX), or the trailing inputs.
std::vector<array> start_indices(const op_spec& s, const std::vector<array>& in, std::size_t first) {
  if (!s.has("static")) return {in.begin() + static_cast<std::ptrdiff_t>(first), in.end()};
  xjax::dtype d = xjax::dtype::from_name(s.params.at("idt"));
  std::vector<array> out;
  for (auto v : s.shape("static")) out.emplace_back(v, d);
  return out;
}

/// The lax call a golden case describes, applied to `in` (concrete arrays or tracers).
array replay(const op_spec& s, const std::vector<array>& in) {
  const std::string& op = s.op;
  if (op == "broadcast_in_dim") return lax::broadcast_in_dim(in[0], s.shape("shape"), s.shape("dims"));
  if (op == "reshape") return lax::reshape(in[0], s.shape("sizes"), s.ints("dims"));
  if (op == "transpose") return lax::transpose(in[0], s.shape("perm"));
  if (op == "squeeze") return lax::squeeze(in[0], s.shape("dims"));
  if (op == "expand_dims") return lax::expand_dims(in[0], s.shape("dims"));
  if (op == "rev") return lax::rev(in[0], s.shape("dims"));
  if (op == "concatenate") return lax::concatenate(in, s.shape("dim").at(0));
  if (op == "pad") {
    shape_t flat = s.shape("config");
    std::vector<xjax::pad_dim> config;
    for (std::size_t i = 0; i + 2 < flat.size(); i += 3) config.push_back({flat[i], flat[i + 1], flat[i + 2]});
    return lax::pad(in[0], in[1], config);
  }
  if (op == "slice") return lax::slice(in[0], s.shape("start"), s.shape("limit"), s.ints("strides"));
  if (op == "dynamic_slice") return lax::dynamic_slice(in[0], start_indices(s, in, 1), s.shape("sizes"));
  if (op == "dynamic_update_slice") return lax::dynamic_update_slice(in[0], in[1], start_indices(s, in, 2));
  if (op == "copy") return lax::copy(in[0]);
  if (op == "stop_gradient") return lax::stop_gradient(in[0]);
  throw std::runtime_error("golden case of unknown op " + op);
}

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("structure"); }

/// Runs every golden case of `op` eagerly, traced and through eval_jaxpr; returns the
/// number of cases and the input dtypes they cover.
std::set<std::string> run_golden(const std::string& op, std::size_t min_cases) {
  std::set<std::string> dtypes;
  std::size_t n = 0;
  for (const auto& c : golden().cases()) {
    op_spec s = parse_name(c.name);
    if (s.op != op) continue;
    ++n;
    CAPTURE(c.name);
    dtypes.insert(std::string(c.inputs.at(0).dtype().name()));
    array out = replay(s, c.inputs);
    CHECK(xjax::testing::compare(out, c.outputs.at(0)) == "");
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return replay(s, xs); })(c.inputs);
    CHECK(xjax::to_string(j) == c.jaxpr);
    auto replayed = xjax::eval_jaxpr(j, c.inputs);
    REQUIRE(replayed.size() == 1);
    CHECK(xjax::testing::compare(replayed[0], c.outputs.at(0)) == "");
  }
  CHECK(n >= min_cases);
  return dtypes;
}

constexpr std::size_t all_dtypes = 13;

// ---------------------------------------------------------------------------
// Errors: the type, and that the message names the op and what is wrong.

template <class E, class F> void check_error(F&& f, const std::vector<std::string>& needles) {
  bool thrown = false;
  try {
    f();
  } catch (const E& e) {
    thrown = true;
    std::string msg = e.what();
    for (auto& n : needles) CHECK_MESSAGE(msg.find(n) != std::string::npos, "'" << n << "' not in: " << msg);
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
  }
  CHECK_MESSAGE(thrown, "no error; expected one mentioning " << needles.at(0));
}

array zeros(const shape_t& shape, xjax::dtype d = xjax::float32) {
  array a = array::empty(shape, d);
  if (a.nbytes() > 0) std::memset(a.mutable_raw_data(), 0, static_cast<std::size_t>(a.nbytes()));
  return a;
}

array iota(const shape_t& shape) {
  std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return array::from_vector(v, shape);
}

}  // namespace

// ---------------------------------------------------------------------------
// Golden tests

TEST_CASE("broadcast_in_dim matches JAX") { CHECK(run_golden("broadcast_in_dim", 7 * all_dtypes).size() == all_dtypes); }
TEST_CASE("reshape matches JAX") { CHECK(run_golden("reshape", 7 * all_dtypes).size() == all_dtypes); }
TEST_CASE("transpose matches JAX") { CHECK(run_golden("transpose", 5 * all_dtypes).size() == all_dtypes); }
TEST_CASE("concatenate matches JAX") { CHECK(run_golden("concatenate", 5 * all_dtypes).size() == all_dtypes); }
TEST_CASE("pad matches JAX") { CHECK(run_golden("pad", 7 * all_dtypes).size() == all_dtypes); }
TEST_CASE("squeeze matches JAX") { CHECK(run_golden("squeeze", 5 * 8).size() == 8); }
TEST_CASE("expand_dims matches JAX") { CHECK(run_golden("expand_dims", 6 * 8).size() == 8); }
TEST_CASE("rev matches JAX") { CHECK(run_golden("rev", 6 * 8).size() == 8); }
TEST_CASE("slice matches JAX") { CHECK(run_golden("slice", 7 * 8).size() == 8); }
TEST_CASE("dynamic_slice matches JAX") { CHECK(run_golden("dynamic_slice", 10 * 8).size() == 8); }
TEST_CASE("dynamic_update_slice matches JAX") { CHECK(run_golden("dynamic_update_slice", 10 * 8).size() == 8); }
TEST_CASE("copy matches JAX") { CHECK(run_golden("copy", 4 * 8).size() == 8); }
TEST_CASE("stop_gradient matches JAX") { CHECK(run_golden("stop_gradient", 4 * 8).size() == 8); }

TEST_CASE("every structure golden case names an op the test replays") {
  static const std::set<std::string> known = {"broadcast_in_dim", "reshape", "transpose", "squeeze", "expand_dims",
                                              "rev", "concatenate", "pad", "slice", "dynamic_slice",
                                              "dynamic_update_slice", "copy", "stop_gradient"};
  for (const auto& c : golden().cases()) CHECK_MESSAGE(known.count(parse_name(c.name).op) == 1, c.name);
}

// ---------------------------------------------------------------------------
// Weak types (checked against jax.eval_shape / .weak_type in JAX 0.10.2)

TEST_CASE("structure ops keep the weak type as JAX") {
  array w = lax::broadcast_in_dim(1.0, {3}, {});  // weak f32[3]
  array s = iota({3});                            // strong
  CHECK(w.weak_type());
  CHECK(lax::reshape(w, {3, 1}).weak_type());
  CHECK(lax::rev(w, {0}).weak_type());
  CHECK(lax::slice(w, {1}, {3}).weak_type());
  CHECK(lax::copy(w).weak_type());
  CHECK(lax::stop_gradient(w).weak_type());
  CHECK(lax::dynamic_slice(w, {1}, {1}).weak_type());
  // n-ary ops: weak only when every operand is.
  CHECK(lax::concatenate({w, w}, 0).weak_type());
  CHECK_FALSE(lax::concatenate({w, s}, 0).weak_type());
  CHECK(lax::pad(w, 0.0, {{1, 1, 0}}).weak_type());
  CHECK_FALSE(lax::pad(w, array(0.0f, xjax::float32), {{1, 1, 0}}).weak_type());
  // Start indices count too, and jax.lax turns static ones into strong int32.
  array u = lax::broadcast_in_dim(2.0, {1}, {});
  CHECK_FALSE(lax::dynamic_update_slice(w, u, {1}).weak_type());
}

// ---------------------------------------------------------------------------
// C++ arguments

TEST_CASE("C++ integer start indices are weak int32 scalars, normalized and clamped") {
  array x = iota({4, 6});
  auto same = [](const array& a, const array& b) { return xjax::testing::compare(a, b) == ""; };
  CHECK(same(lax::dynamic_slice(x, {1, -2}, {2, 2}), lax::dynamic_slice(x, {1, 4}, {2, 2})));
  CHECK(same(lax::dynamic_slice(x, {3, 5}, {2, 2}), lax::dynamic_slice(x, {2, 4}, {2, 2})));    // clamped
  CHECK(same(lax::dynamic_slice(x, {-9, -9}, {2, 2}), lax::dynamic_slice(x, {0, 0}, {2, 2})));  // clamped
  CHECK(same(lax::dynamic_slice(x, {2, 1}, {2, 2}), lax::slice(x, {2, 1}, {4, 3})));
  // uint64 indices past INT64_MAX clamp to the end.
  array big(std::uint64_t{1} << 63, xjax::uint64);
  CHECK(same(lax::dynamic_slice(x, {big, big}, {1, 2}), lax::slice(x, {3, 4}, {4, 6})));
  auto j = xjax::make_jaxpr([](const array& x) { return lax::dynamic_slice(x, {1, -2}, {2, 2}); })(x);
  CHECK(xjax::to_string(j) ==
        "{ lambda ; a:f32[4,6]. let\n    b:f32[2,2] = dynamic_slice[slice_sizes=(2, 2)] a 1:i32[] 4:i32[]\n  in (b,) }");
}

TEST_CASE("a C++ scalar pads and prints as a literal") {
  array x = iota({2});
  auto j = xjax::make_jaxpr([](const array& x) { return lax::pad(x, 0.0f, {{1, 0, 1}}); })(x);
  CHECK(xjax::to_string(j) ==
        "{ lambda ; a:f32[2]. let\n    b:f32[4] = pad[padding_config=((1, 0, 1),)] a 0.0:f32[]\n  in (b,) }");
  CHECK(lax::pad(x, 0.0f, {{1, 0, 1}}).to_vector<float>() == std::vector<float>{0, 0, 0, 1});
}

TEST_CASE("reshape with dimensions transposes first") {
  array x = iota({2, 3});
  CHECK(lax::reshape(x, {6}, shape_t{1, 0}).to_vector<float>() == std::vector<float>{0, 3, 1, 4, 2, 5});
  CHECK(lax::reshape(x, {6}, shape_t{0, 1}).to_vector<float>() == std::vector<float>{0, 1, 2, 3, 4, 5});
}

// ---------------------------------------------------------------------------
// Errors (each rejected by JAX as well: see the g.error lines of gen_structure.py)

TEST_CASE("broadcast_in_dim errors") {
  array x = zeros({2, 3});
  check_error<xjax::shape_error>([&] { lax::broadcast_in_dim(x, {2, 4}, {0, 1}); },
                                 {"[broadcast_in_dim]", "(2, 3)", "(2, 4)", "(0, 1)"});
  check_error<xjax::shape_error>([&] { lax::broadcast_in_dim(x, {2, 3}, {0}); },
                                 {"[broadcast_in_dim]", "broadcast_dimensions", "(0,)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::broadcast_in_dim(x, {2, 3}, {0, 2}); },
                                 {"[broadcast_in_dim]", "broadcast_dimensions", "(0, 2)", "rank 2"});
  check_error<xjax::value_error>([&] { lax::broadcast_in_dim(zeros({3, 3}), {3, 3}, {0, 0}); },
                                 {"[broadcast_in_dim]", "unique", "(0, 0)"});
  // Checked even where the shape does not change (JAX then forwards the operand).
  check_error<xjax::value_error>([&] { lax::broadcast_in_dim(zeros({3, 3}), {3, 3}, {1, 1}); },
                                 {"[broadcast_in_dim]", "unique", "(1, 1)"});
  check_error<xjax::shape_error>([&] { lax::broadcast_in_dim(x, {3}, {0, 1}); },
                                 {"[broadcast_in_dim]", "(3,)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::broadcast_in_dim(x, {2, -3}, {0, 1}); },
                                 {"[broadcast_in_dim]", "shape", "(2, -3)"});
  // JAX accepts a 2-d operand with empty broadcast_dimensions (returning it as is); it is an error here.
  check_error<xjax::shape_error>([&] { lax::broadcast_in_dim(x, {2, 3}, {}); }, {"[broadcast_in_dim]", "()"});
}

TEST_CASE("reshape, transpose, squeeze, expand_dims and rev errors") {
  array x = zeros({2, 3});
  check_error<xjax::shape_error>([&] { lax::reshape(x, {4}); }, {"[reshape]", "(2, 3)", "(4,)", "6", "4"});
  check_error<xjax::value_error>([&] { lax::reshape(x, {-1, 6}); }, {"[reshape]", "new_sizes", "(-1, 6)"});
  check_error<xjax::value_error>([&] { lax::reshape(x, {3, 2}, shape_t{0, 0}); },
                                 {"[reshape]", "dimensions", "(0, 0)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::transpose(x, {0, 0}); }, {"[transpose]", "(0, 0)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::transpose(x, {0}); }, {"[transpose]", "(0,)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::transpose(x, {-1, 0}); }, {"[transpose]", "(-1, 0)"});
  check_error<xjax::shape_error>([&] { lax::squeeze(x, {0}); }, {"[squeeze]", "dimension 0", "size 2", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::squeeze(x, {2}); }, {"[squeeze]", "axis 2", "rank 2"});
  check_error<xjax::value_error>([&] { lax::squeeze(zeros({1, 3}), {0, -2}); }, {"[squeeze]", "unique", "(0, 0)"});
  check_error<xjax::value_error>([&] { lax::expand_dims(zeros({2}), {0, -3}); }, {"[expand_dims]", "repeated", "(0, 0)"});
  check_error<xjax::value_error>([&] { lax::expand_dims(zeros({2}), {3}); }, {"[expand_dims]", "axis 3", "rank 2"});
  check_error<xjax::value_error>([&] { lax::rev(x, {2}); }, {"[rev]", "(2,)", "rank 2"});
  check_error<xjax::value_error>([&] { lax::rev(x, {-1}); }, {"[rev]", "(-1,)"});
  check_error<xjax::value_error>([&] { lax::rev(x, {0, 0}); }, {"[rev]", "unique", "(0, 0)"});
}

TEST_CASE("concatenate errors") {
  array x = zeros({2, 3});
  check_error<xjax::shape_error>([&] { lax::concatenate({x, zeros({1, 2})}, 0); },
                                 {"[concatenate]", "dimension 0", "(2, 3), (1, 2)"});
  check_error<xjax::shape_error>([&] { lax::concatenate({x, zeros({4})}, 0); }, {"[concatenate]", "ranks", "(4,)"});
  check_error<xjax::type_error>([&] { lax::concatenate({x, zeros({2, 3}, xjax::int32)}, 0); },
                                {"[concatenate]", "float32, int32"});
  check_error<xjax::value_error>([&] { lax::concatenate({x, x}, 2); }, {"[concatenate]", "dimension 2", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::concatenate({x, x}, -1); }, {"[concatenate]", "dimension -1"});
  check_error<xjax::value_error>([&] { lax::concatenate({zeros({}), zeros({})}, 0); },
                                 {"[concatenate]", "0-d", "(), ()"});
  check_error<xjax::value_error>([&] { lax::concatenate({}, 0); }, {"[concatenate]", "at least one"});
}

TEST_CASE("pad errors") {
  array x = zeros({2, 3});
  array v = zeros({});
  check_error<xjax::shape_error>([&] { lax::pad(x, v, {{1, 1, 0}}); }, {"[pad]", "((1, 1, 0),)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::pad(x, v, {{1, 1, -1}, {0, 0, 0}}); },
                                 {"[pad]", "interior", "((1, 1, -1), (0, 0, 0))"});
  check_error<xjax::value_error>([&] { lax::pad(x, v, {{-3, 0, 0}, {0, 0, 0}}); },
                                 {"[pad]", "((-3, 0, 0), (0, 0, 0))", "(2, 3)", "-1"});
  check_error<xjax::type_error>([&] { lax::pad(x, zeros({}, xjax::int32), {{1, 1, 0}, {0, 0, 0}}); },
                                {"[pad]", "float32", "int32"});
  check_error<xjax::type_error>([&] { lax::pad(zeros({2}, xjax::int8), 0, {{1, 1, 0}}); }, {"[pad]", "int8", "int32"});
  check_error<xjax::shape_error>([&] { lax::pad(x, zeros({1}), {{1, 1, 0}, {0, 0, 0}}); }, {"[pad]", "0-d", "(1,)"});
}

TEST_CASE("slice errors") {
  array x = zeros({2, 3});
  check_error<xjax::value_error>([&] { lax::slice(x, {0, 0}, {3, 3}); }, {"[slice]", "(3, 3)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::slice(x, {-1, 0}, {2, 3}); }, {"[slice]", "(-1, 0)"});
  check_error<xjax::value_error>([&] { lax::slice(x, {2, 0}, {1, 3}); }, {"[slice]", "(2, 0)", "(1, 3)"});
  check_error<xjax::shape_error>([&] { lax::slice(x, {0}, {1}); }, {"[slice]", "start_indices", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::slice(x, {0, 0}, {2, 3}, shape_t{1, 0}); },
                                 {"[slice]", "strides", "positive", "(1, 0)"});
  check_error<xjax::value_error>([&] { lax::slice(x, {0, 0}, {2, 3}, shape_t{1, -1}); }, {"[slice]", "(1, -1)"});
  check_error<xjax::shape_error>([&] { lax::slice(x, {0, 0}, {2, 3}, shape_t{1}); }, {"[slice]", "strides", "(2, 3)"});
}

TEST_CASE("dynamic_slice and dynamic_update_slice errors") {
  array x = zeros({2, 3});
  check_error<xjax::shape_error>([&] { lax::dynamic_slice(x, {1}, {1, 1}); },
                                 {"[dynamic_slice]", "2 start indices", "(2, 3)", "got 1"});
  check_error<xjax::type_error>([&] { lax::dynamic_slice(x, {array(1.0f), 0}, {1, 1}); },
                                {"[dynamic_slice]", "integers", "f32[]"});
  check_error<xjax::type_error>([&] { lax::dynamic_slice(x, {true, true}, {1, 1}); },
                                {"[dynamic_slice]", "integers", "bool[]"});
  check_error<xjax::type_error>([&] { lax::dynamic_slice(x, {array(0, xjax::int8), 0}, {1, 1}); },
                                {"[dynamic_slice]", "i8[], i32[]"});
  check_error<xjax::shape_error>([&] { lax::dynamic_slice(x, {zeros({1}, xjax::int32), 0}, {1, 1}); },
                                 {"[dynamic_slice]", "0-d", "i32[1]"});
  check_error<xjax::value_error>([&] { lax::dynamic_slice(x, {0, 0}, {3, 1}); },
                                 {"[dynamic_slice]", "slice_sizes", "(3, 1)", "(2, 3)"});
  check_error<xjax::value_error>([&] { lax::dynamic_slice(x, {0, 0}, {-1, 1}); }, {"[dynamic_slice]", "(-1, 1)"});
  check_error<xjax::shape_error>([&] { lax::dynamic_slice(x, {0, 0}, {1}); }, {"[dynamic_slice]", "slice_sizes"});
  check_error<xjax::shape_error>([&] { lax::dynamic_update_slice(x, zeros({3, 3}), {0, 0}); },
                                 {"[dynamic_update_slice]", "(3, 3)", "(2, 3)"});
  check_error<xjax::shape_error>([&] { lax::dynamic_update_slice(x, zeros({3}), {0, 0}); },
                                 {"[dynamic_update_slice]", "rank", "(3,)", "(2, 3)"});
  check_error<xjax::type_error>([&] { lax::dynamic_update_slice(x, zeros({1, 1}, xjax::int32), {0, 0}); },
                                {"[dynamic_update_slice]", "float32", "int32"});
  check_error<xjax::shape_error>([&] { lax::dynamic_update_slice(x, zeros({1, 1}), {0}); },
                                 {"[dynamic_update_slice]", "2 start indices", "got 1"});
  check_error<xjax::type_error>([&] { lax::dynamic_update_slice(x, zeros({1, 1}), {array(0.0f), array(0.0f)}); },
                                {"[dynamic_update_slice]", "integers", "f32[]"});
}

TEST_CASE("structure errors are raised while tracing too") {
  array x = zeros({2, 3});
  check_error<xjax::shape_error>(
      [&] { xjax::make_jaxpr([](const array& t) { return lax::reshape(t, {5}); })(x); }, {"[reshape]", "(5,)"});
  check_error<xjax::type_error>(
      [&] {
        xjax::make_jaxpr([](const array& t, const array& i) { return lax::dynamic_slice(t, {i, i}, {1, 1}); })(
            x, array(0.5f));
      },
      {"[dynamic_slice]", "f32[]"});
}
