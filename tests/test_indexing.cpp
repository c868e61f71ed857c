// Indexing primitives: gather, scatter and scatter-add against JAX, and their errors.
//
// The golden cases (tests/golden/gen_indexing.py) each apply one primitive. The test
// reads that primitive's params (dimension numbers, slice sizes, mode, fill value...)
// back from JAX's jaxpr text, calls xjax's lax function with them, and compares the
// values and the printed jaxpr with JAX's: the cases are written once, in Python.
#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <string>

#include <support/golden.hpp>
#include <xjax/xjax.hpp>

namespace lax = xjax::lax;
using xjax::array;
using xjax::shape_t;

namespace {

// ---------------------------------------------------------------------------
// Reading params back from JAX's text.

/// The value of param `name` of the first equation in `jaxpr` ("" if absent): the
/// text after "name=" up to the first space or ']' outside brackets.
std::string param(const std::string& jaxpr, const std::string& name) {
  std::size_t pos = 0;
  while ((pos = jaxpr.find(name + "=", pos)) != std::string::npos) {
    if (pos > 0 && (jaxpr[pos - 1] == ' ' || jaxpr[pos - 1] == '\n' || jaxpr[pos - 1] == '[')) break;
    ++pos;
  }
  if (pos == std::string::npos) return "";
  std::size_t i = pos + name.size() + 1, start = i;
  int depth = 0;
  for (; i < jaxpr.size(); ++i) {
    char ch = jaxpr[i];
    if (ch == '(' || ch == '[' || ch == '{') ++depth;
    else if ((ch == ')' || ch == ']' || ch == '}') && depth-- == 0) break;
    else if ((ch == ' ' || ch == '\n') && depth == 0) break;
  }
  return jaxpr.substr(start, i - start);
}

/// "(1, 4)", "(1,)", "()" -> {1, 4}, {1}, {}.
shape_t ints(const std::string& s) {
  shape_t out;
  static const std::regex number("-?[0-9]+");
  for (std::sregex_iterator it(s.begin(), s.end(), number), end; it != end; ++it) out.push_back(std::stoll(it->str()));
  return out;
}

/// The tuple `field=(...)` inside a printed NamedTuple.
shape_t field(const std::string& s, const std::string& name) {
  auto pos = s.find(name + "=(");
  REQUIRE(pos != std::string::npos);
  auto start = pos + name.size() + 1;
  return ints(s.substr(start, s.find(')', start) - start + 1));
}

lax::gather_scatter_mode mode_of(const std::string& s) {
  if (s == "GatherScatterMode.CLIP") return lax::gather_scatter_mode::clip;
  if (s == "GatherScatterMode.FILL_OR_DROP") return lax::gather_scatter_mode::fill_or_drop;
  REQUIRE(s == "GatherScatterMode.PROMISE_IN_BOUNDS");
  return lax::gather_scatter_mode::promise_in_bounds;
}

/// A Python scalar as JAX printed it: None, True, 3, 18446744073709551615, -2.5, nan.
std::optional<lax::static_scalar> scalar_of(const std::string& s) {
  if (s == "None") return std::nullopt;
  if (s == "True" || s == "False") return lax::static_scalar(s == "True");
  if (s.find_first_of(".eni") != std::string::npos) return lax::static_scalar(std::strtod(s.c_str(), nullptr));
  if (s[0] == '-') return lax::static_scalar(static_cast<std::int64_t>(std::stoll(s)));
  const auto u = std::stoull(s);
  if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return lax::static_scalar(u);
  return lax::static_scalar(static_cast<std::int64_t>(u));
}

using op_fn = std::function<array(const std::vector<array>&)>;

/// The xjax call the golden case's jaxpr makes. The mode is left to the lax function's
/// default when it is JAX's default, and so is the fill value when `default_fill`, so
/// that the defaults are checked against JAX's text too.
op_fn op_of(const std::string& jaxpr, bool default_fill) {
  const std::string dn = param(jaxpr, "dimension_numbers");
  const bool sorted = param(jaxpr, "indices_are_sorted") == "True";
  const bool unique = param(jaxpr, "unique_indices") == "True";
  std::optional<lax::gather_scatter_mode> mode = mode_of(param(jaxpr, "mode"));
  if (jaxpr.find("= gather[") != std::string::npos) {
    if (mode == lax::gather_scatter_mode::promise_in_bounds) mode.reset();
    lax::gather_dimension_numbers d{field(dn, "offset_dims"), field(dn, "collapsed_slice_dims"),
                                    field(dn, "start_index_map"), field(dn, "operand_batching_dims"),
                                    field(dn, "start_indices_batching_dims")};
    const shape_t sizes = ints(param(jaxpr, "slice_sizes"));
    lax::gather_options o{sorted, unique, mode, default_fill ? std::nullopt : scalar_of(param(jaxpr, "fill_value"))};
    return [=](const std::vector<array>& in) { return lax::gather(in[0], in[1], d, sizes, o); };
  }
  lax::scatter_dimension_numbers d{field(dn, "update_window_dims"), field(dn, "inserted_window_dims"),
                                   field(dn, "scatter_dims_to_operand_dims"), field(dn, "operand_batching_dims"),
                                   field(dn, "scatter_indices_batching_dims")};
  if (mode == lax::gather_scatter_mode::fill_or_drop) mode.reset();
  lax::scatter_options o{sorted, unique, mode};
  if (jaxpr.find("= scatter-add[") != std::string::npos) {
    return [=](const std::vector<array>& in) { return lax::scatter_add(in[0], in[1], in[2], d, o); };
  }
  REQUIRE(jaxpr.find("= scatter[") != std::string::npos);
  return [=](const std::vector<array>& in) { return lax::scatter(in[0], in[1], in[2], d, o); };
}

// ---------------------------------------------------------------------------
// Comparing jaxpr text.

/// Runs every case of a golden family: values eagerly and through eval_jaxpr, then the printed jaxpr.
void check_golden_family(const std::string& family) {
  for (const auto& c : xjax::testing::golden_file::load(family).cases()) {
    INFO("case " << c.name);
    op_fn f = op_of(c.jaxpr, c.name.starts_with("gather_fill_default_"));
    std::string diff = xjax::testing::compare(f(c.inputs), c.outputs.at(0));
    CHECK_MESSAGE(diff.empty(), diff);
    auto traced = xjax::make_jaxpr(f)(c.inputs);
    diff = xjax::testing::compare(xjax::eval_jaxpr(traced, c.inputs).at(0), c.outputs.at(0));
    CHECK_MESSAGE(diff.empty(), "eval_jaxpr: " << diff);
    CHECK(xjax::to_string(traced) == c.jaxpr);
  }
}

/// Expects f() to throw E with a message containing each of `parts`.
template <class E, class F> void check_error(F&& f, std::initializer_list<std::string> parts) {
  std::string message;
  bool thrown = false;
  try {
    f();
  } catch (const E& e) {
    thrown = true;
    message = e.what();
  }
  REQUIRE_MESSAGE(thrown, "no error of the expected type");
  for (const auto& p : parts) CHECK_MESSAGE(message.find(p) != std::string::npos, message << "\n  lacks: " << p);
}

array f32(const shape_t& shape) {
  std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return array::from_vector(v, shape);
}
array i32(const std::vector<std::int32_t>& v, const shape_t& shape) { return array::from_vector(v, shape); }

const lax::gather_dimension_numbers rows{.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
const lax::scatter_dimension_numbers scatter_rows{
    .update_window_dims = {1}, .inserted_window_dims = {0}, .scatter_dims_to_operand_dims = {0}};

}  // namespace

TEST_CASE("gather, scatter and scatter-add match JAX") { check_golden_family("indexing"); }

TEST_CASE("gather and scatter keep the operand's weak type") {
  auto idx = array::from_vector<std::int32_t>({}, {3, 0});
  lax::gather_dimension_numbers none{};
  auto g = lax::gather(2.5, idx, none, {});
  CHECK(g.weak_type());
  CHECK(g.shape() == shape_t{3});
  CHECK(g.to_vector<float>() == std::vector<float>{2.5f, 2.5f, 2.5f});
  auto s = lax::scatter_add(2.5, array::from_vector<std::int32_t>({}, {0}), 1.0, {});
  CHECK(s.weak_type());
  CHECK(s.item<float>() == 3.5f);
  auto j = xjax::make_jaxpr([&](const array& i) { return lax::gather(2.5, i, none, {}); })(idx);
  CHECK(xjax::to_string(j).find("] 2.5:f32[] a") != std::string::npos);
}

TEST_CASE("scatter-add's update_jaxpr is shared per dtype and prints JAX's add") {
  auto x = f32({3, 4});
  auto i = i32({0, 2}, {2, 1});
  auto j1 = xjax::make_jaxpr([](const array& x, const array& i) { return lax::scatter_add(x, i, f32({2, 4}), scatter_rows); })(x, i);
  auto j2 = xjax::make_jaxpr([](const array& x, const array& i) { return lax::scatter_add(x, i, f32({2, 4}), scatter_rows); })(x, i);
  CHECK(j1.jaxpr->eqns.back().params->equals(*j2.jaxpr->eqns.back().params));
  // The sub-jaxpr's variables continue the enclosing names, as JAX prints them.
  CHECK(xjax::to_string(j1).find("update_jaxpr={ lambda ; e:f32[] f:f32[]. let g:f32[] = add e f in (g,) }") !=
        std::string::npos);
  auto js = xjax::make_jaxpr([](const array& x, const array& i) { return lax::scatter(x, i, f32({2, 4}), scatter_rows); })(x, i);
  CHECK(xjax::to_string(js).find("update_consts=()\n      update_jaxpr=None\n") != std::string::npos);
}

TEST_CASE("gather errors") {
  auto x = f32({3, 4});
  auto i = i32({0, 1}, {2, 1});
  check_error<xjax::type_error>([&] { lax::gather(x, f32({2, 1}), rows, {1, 4}); }, {"[gather]", "integer", "float32"});
  check_error<xjax::shape_error>([&] { lax::gather(x, array(std::int32_t{0}, xjax::int32), rows, {1, 4}); },
                                 {"[gather]", "indices", "shape ()"});
  check_error<xjax::value_error>(
      [&] { lax::gather(x, i32({0}, {1, 1, 1}), {.offset_dims = {2, 1}, .start_index_map = {0}}, {1, 4}); },
      {"[gather]", "offset_dims", "sorted", "(2, 1)"});
  check_error<xjax::value_error>(
      [&] { lax::gather(x, i, {.offset_dims = {2}, .collapsed_slice_dims = {0}, .start_index_map = {0}}, {1, 4}); },
      {"[gather]", "offset_dims (2,)", "output of rank 2"});
  check_error<xjax::shape_error>(
      [&] { lax::gather(x, i, {.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0, 1}}, {1, 4}); },
      {"[gather]", "start_index_map (0, 1)", "2 entries", "1 components"});
  check_error<xjax::value_error>(
      [&] { lax::gather(x, i, {.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {2}}, {1, 4}); },
      {"[gather]", "start_index_map (2,)", "dimension 2", "operand of rank 2"});
  check_error<xjax::value_error>(
      [&] { lax::gather(x, i32({0, 1}, {1, 2}), {.collapsed_slice_dims = {0, 1}, .start_index_map = {0, 0}}, {1, 1}); },
      {"[gather]", "start_index_map", "repeat", "(0, 0)"});
  check_error<xjax::value_error>(
      [&] { lax::gather(x, i32({0, 1}, {1, 2}), {.collapsed_slice_dims = {1, 0}, .start_index_map = {0, 1}}, {1, 1}); },
      {"[gather]", "collapsed_slice_dims", "sorted", "(1, 0)"});
  check_error<xjax::shape_error>([&] { lax::gather(x, i, rows, {1}); }, {"[gather]", "slice_sizes (1,)", "(3, 4)"});
  check_error<xjax::value_error>([&] { lax::gather(x, i, rows, {1, 5}); },
                                 {"[gather]", "slice size 5", "dimension 1 of size 4"});
  check_error<xjax::value_error>([&] { lax::gather(x, i, rows, {-1, 4}); }, {"[gather]", "negative size -1"});
  check_error<xjax::value_error>([&] { lax::gather(x, i, rows, {2, 4}); },
                                 {"[gather]", "collapsed_slice_dims (0,)", "slice size is 2"});
  check_error<xjax::shape_error>(
      [&] { lax::gather(x, i, {.collapsed_slice_dims = {0}, .start_index_map = {0}}, {1, 4}); },
      {"[gather]", "rank 2", "account for 1"});
  const lax::gather_dimension_numbers batched{.collapsed_slice_dims = {1},
                                              .start_index_map = {1},
                                              .operand_batching_dims = {0},
                                              .start_indices_batching_dims = {0}};
  check_error<xjax::shape_error>([&] { lax::gather(x, i, batched, {1, 1}); },
                                 {"[gather]", "batching", "sizes (3,)", "sizes (2,)"});
  check_error<xjax::value_error>(
      [&] {
        lax::gather(x, i32({0, 1, 2}, {3, 1}),
                    {.collapsed_slice_dims = {1}, .start_index_map = {1}, .operand_batching_dims = {0},
                     .start_indices_batching_dims = {1}},
                    {1, 1});
      },
      {"[gather]", "start_indices_batching_dims (1,)", "index vector dimension 1"});
  check_error<xjax::value_error>(
      [&] {
        lax::gather(x, i32({0, 1, 2}, {3, 1}),
                    {.collapsed_slice_dims = {0, 1}, .start_index_map = {1}, .operand_batching_dims = {0},
                     .start_indices_batching_dims = {0}},
                    {1, 1});
      },
      {"[gather]", "collapsed_slice_dims (0, 1)", "operand_batching_dims (0,)", "disjoint"});
  // The shape rule also runs when tracing.
  check_error<xjax::value_error>(
      [&] { xjax::make_jaxpr([&](const array& x) { return lax::gather(x, i, rows, {1, 5}); })(x); },
      {"[gather]", "slice size 5"});
}

TEST_CASE("scatter and scatter-add errors") {
  auto x = f32({3, 4});
  auto i = i32({0, 1}, {2, 1});
  check_error<xjax::type_error>(
      [&] { lax::scatter(x, i, array::from_vector<std::int32_t>(std::vector<std::int32_t>(8), {2, 4}), scatter_rows); },
      {"[scatter]", "same dtype", "float32 and int32"});
  auto b = array::from_vector<bool>(std::vector<bool>(12), {3, 4});
  check_error<xjax::type_error>(
      [&] { lax::scatter_add(b, i, array::from_vector<bool>(std::vector<bool>(8), {2, 4}), scatter_rows); },
      {"[scatter-add]", "bool"});
  check_error<xjax::type_error>([&] { lax::scatter(x, f32({2, 1}), f32({2, 4}), scatter_rows); },
                                {"[scatter]", "integer", "float32"});
  check_error<xjax::shape_error>([&] { lax::scatter_add(x, i, f32({2, 4, 1}), scatter_rows); },
                                 {"[scatter-add]", "rank 2", "(2, 4, 1)"});
  check_error<xjax::shape_error>([&] { lax::scatter(x, i, f32({2, 5}), scatter_rows); },
                                 {"[scatter]", "size 5", "dimension 1 of size 4"});
  check_error<xjax::shape_error>([&] { lax::scatter(x, i, f32({3, 4}), scatter_rows); },
                                 {"[scatter]", "dimension 0 of the updates", "(3, 4)", "size 3", "(2, 1)", "size 2"});
  check_error<xjax::value_error>(
      [&] {
        lax::scatter(x, i, f32({2, 4}),
                     {.update_window_dims = {1}, .inserted_window_dims = {2}, .scatter_dims_to_operand_dims = {0}});
      },
      {"[scatter]", "inserted_window_dims (2,)", "operand of rank 2"});
  check_error<xjax::shape_error>(
      [&] { lax::scatter(x, i, f32({2, 4}), {.update_window_dims = {1}, .scatter_dims_to_operand_dims = {0}}); },
      {"[scatter]", "rank 2", "account for 1"});
  check_error<xjax::value_error>(
      [&] {
        lax::scatter(x, i, f32({2, 4}),
                     {.update_window_dims = {1}, .inserted_window_dims = {0}, .scatter_dims_to_operand_dims = {3}});
      },
      {"[scatter]", "scatter_dims_to_operand_dims (3,)"});
  check_error<xjax::shape_error>(
      [&] {
        lax::scatter(x, i32({0, 1, 2}, {3, 1}), f32({2}),
                     {.inserted_window_dims = {1}, .scatter_dims_to_operand_dims = {1}, .operand_batching_dims = {0},
                      .scatter_indices_batching_dims = {0}});
      },
      {"[scatter]", "batching dimensions (0,)", "sizes (3,)", "sizes (2,)"});
}
