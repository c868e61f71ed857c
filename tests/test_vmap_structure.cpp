// Batching rules of the structure, indexing and linalg primitives (vmap): for every
// primitive, vmap over every combination of operand axes (unmapped, each axis, negative
// axes) and several out_axes equals stacking the function applied to each slice (the
// slices cut with lax::slice, stacked with jnp::stack), on several shapes including 0-d
// examples; nested vmaps (the outer one batches the inner one's batched primitives);
// JAX's values and equation counts of make_jaxpr(vmap(f)) (golden data written by
// tests/golden/gen_vmap_structure.py); per-example gradients vmap(grad(f)) and
// grad(vmap(f)) of a matmul and an indexing loss against JAX.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;
using xjax::axis_spec;
using xjax::shape_t;
using lax::gather_scatter_mode;

namespace {

using args_t = std::vector<array>;
using fn_t = std::function<args_t(const args_t&)>;
using axes_t = std::vector<std::optional<std::int64_t>>;

constexpr std::int64_t kBatch = 3;

// ---------------------------------------------------------------------------
// The functions, as tests/golden/gen_vmap_structure.py's FNS (same names).

const lax::gather_dimension_numbers kRows{.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
const lax::gather_dimension_numbers kPoints{.offset_dims = {}, .collapsed_slice_dims = {0, 1}, .start_index_map = {0, 1}};
const lax::gather_dimension_numbers kScalar{};
const lax::gather_dimension_numbers kBatched{.offset_dims = {2},
                                             .collapsed_slice_dims = {1},
                                             .start_index_map = {1},
                                             .operand_batching_dims = {0},
                                             .start_indices_batching_dims = {0}};
const lax::scatter_dimension_numbers kSRows{
    .update_window_dims = {1}, .inserted_window_dims = {0}, .scatter_dims_to_operand_dims = {0}};
const lax::scatter_dimension_numbers kSPoints{
    .update_window_dims = {}, .inserted_window_dims = {0, 1}, .scatter_dims_to_operand_dims = {0, 1}};
const lax::scatter_dimension_numbers kSBatched{.update_window_dims = {2},
                                               .inserted_window_dims = {1},
                                               .scatter_dims_to_operand_dims = {1},
                                               .operand_batching_dims = {0},
                                               .scatter_indices_batching_dims = {0}};

const std::map<std::string, gather_scatter_mode> kModes{{"promise", gather_scatter_mode::promise_in_bounds},
                                                        {"clip", gather_scatter_mode::clip},
                                                        {"fill", gather_scatter_mode::fill_or_drop}};

fn_t one(std::function<array(const args_t&)> f) {
  return [f = std::move(f)](const args_t& a) { return args_t{f(a)}; };
}

fn_t dot(lax::dot_dimension_numbers dn) {
  return one([dn](const args_t& a) { return lax::dot_general(a[0], a[1], dn); });
}

/// An argument of a function: its per-example shape and how to fill it (floats: normal
/// values; integers: uniform in [lo, hi]), weakly typed or not.
struct arg_spec {
  shape_t shape;
  xjax::dtype dtype = xjax::float32;
  int lo = 0, hi = 0;
  bool weak = false;
};
const arg_spec kStart{{}, xjax::int32, -7, 7};  // a dynamic-slice start: negative, in and out of bounds
arg_spec f32(shape_t s) { return {std::move(s)}; }
arg_spec rows_idx(shape_t s) { return {std::move(s), xjax::int32, -2, 5}; }  // rows of 4, some out of bounds

struct entry {
  fn_t f;
  std::vector<arg_spec> args;  // for the exhaustive in_axes combinations
};

const std::map<std::string, entry>& fns() {
  static const std::map<std::string, entry> table = [] {
    std::map<std::string, entry> t;
    t["broadcast"] = {one([](const args_t& a) { return lax::broadcast_in_dim(a[0], {3, 2, 4}, {1, 2}); }),
                      {f32({2, 1})}};
    t["broadcast_0d"] = {one([](const args_t& a) { return lax::broadcast_in_dim(a[0], {3}, {}); }), {f32({})}};
    t["reshape"] = {one([](const args_t& a) { return lax::reshape(a[0], {3, 2}); }), {f32({2, 3})}};
    t["reshape_dims"] = {one([](const args_t& a) { return lax::reshape(a[0], {6}, shape_t{1, 0}); }), {f32({2, 3})}};
    t["reshape_0d"] = {one([](const args_t& a) { return lax::reshape(a[0], {1, 1}); }), {f32({})}};
    t["transpose"] = {one([](const args_t& a) { return lax::transpose(a[0], {2, 0, 1}); }), {f32({2, 3, 4})}};
    t["squeeze"] = {one([](const args_t& a) { return lax::squeeze(a[0], {1, 3}); }), {f32({2, 1, 3, 1})}};
    t["rev"] = {one([](const args_t& a) { return lax::rev(a[0], {0, 1}); }), {f32({2, 3})}};
    t["concatenate"] = {one([](const args_t& a) { return lax::concatenate({a[0], a[1], a[2]}, 1); }),
                        {f32({2, 3}), f32({2, 1}), f32({2, 2})}};
    t["split"] = {[](const args_t& a) { return lax::split(a[0], {1, 4, 0}, 1); }, {f32({2, 5})}};
    t["pad"] = {one([](const args_t& a) { return lax::pad(a[0], a[1], {{1, -1, 1}, {0, 2, 0}}); }),
                {f32({3, 4}), f32({})}};
    // Weakly typed operands: the batched pad's zero and select keep the weak type.
    t["pad_weak"] = {t["pad"].f, {{{2, 3}, xjax::float32, 0, 0, true}, {{}, xjax::float32, 0, 0, true}}};
    t["pad_0d"] = {one([](const args_t& a) { return lax::pad(a[0], a[1], {}); }), {f32({}), f32({})}};
    t["slice"] = {one([](const args_t& a) { return lax::slice(a[0], {1, 0}, {5, 5}, shape_t{2, 2}); }), {f32({5, 6})}};
    t["slice_unit"] = {one([](const args_t& a) { return lax::slice(a[0], {1, 1}, {3, 3}); }), {f32({4, 3})}};
    t["dynamic_slice"] = {one([](const args_t& a) { return lax::dynamic_slice(a[0], {a[1], a[2]}, {2, 3}); }),
                          {f32({5, 4}), kStart, kStart}};
    t["dynamic_slice_0d"] = {one([](const args_t& a) { return lax::dynamic_slice(a[0], {}, {}); }), {f32({})}};
    t["dynamic_update_slice"] = {
        one([](const args_t& a) { return lax::dynamic_update_slice(a[0], a[1], {a[2], a[3]}); }),
        {f32({5, 4}), f32({2, 3}), kStart, kStart}};
    t["copy"] = {one([](const args_t& a) { return lax::copy(a[0]); }), {f32({2, 3})}};
    t["stop_gradient"] = {one([](const args_t& a) { return lax::stop_gradient(a[0]); }), {f32({2, 3})}};
    t["gather_scalar"] = {one([](const args_t& a) { return lax::gather(a[0], a[1], kScalar, {}); }),
                          {f32({}), {{4, 0}, xjax::int32}}};
    t["gather_batched"] = {one([](const args_t& a) { return lax::gather(a[0], a[1], kBatched, {1, 1, 4}); }),
                           {f32({2, 3, 4}), {{2, 5, 1}, xjax::int32, 0, 2}}};
    const std::vector<arg_spec> sb{f32({2, 3, 4}), {{2, 5, 1}, xjax::int32, -1, 3}, f32({2, 5, 4})};
    t["scatter_batched"] = {one([](const args_t& a) { return lax::scatter(a[0], a[1], a[2], kSBatched); }), sb};
    t["scatter_add_batched"] = {one([](const args_t& a) { return lax::scatter_add(a[0], a[1], a[2], kSBatched); }),
                                sb};
    t["scatter_add_points"] = {one([](const args_t& a) { return lax::scatter_add(a[0], a[1], a[2], kSPoints); }),
                               {f32({4, 3}), rows_idx({5, 2}), f32({5})}};
    for (const auto& [name, m] : kModes) {
      const gather_scatter_mode mode = m;
      t["gather_rows_" + name] = {
          one([mode](const args_t& a) { return lax::gather(a[0], a[1], kRows, {1, 3}, {.mode = mode}); }),
          {f32({4, 3}), rows_idx({5, 1})}};
      t["gather_points_" + name] = {
          one([mode](const args_t& a) { return lax::gather(a[0], a[1], kPoints, {1, 1}, {.mode = mode}); }),
          {f32({4, 3}), rows_idx({5, 2})}};
      t["scatter_rows_" + name] = {
          one([mode](const args_t& a) { return lax::scatter(a[0], a[1], a[2], kSRows, {.mode = mode}); }),
          {f32({4, 3}), rows_idx({5, 1}), f32({5, 3})}};
      t["scatter_add_rows_" + name] = {
          one([mode](const args_t& a) { return lax::scatter_add(a[0], a[1], a[2], kSRows, {.mode = mode}); }),
          {f32({4, 3}), rows_idx({5, 1}), f32({5, 3})}};
    }
    t["dot_matmul"] = {dot({.lhs_contracting = {1}, .rhs_contracting = {0}}), {f32({2, 3}), f32({3, 4})}};
    t["dot_batch"] = {dot({.lhs_contracting = {2}, .rhs_contracting = {1}, .lhs_batch = {0}, .rhs_batch = {0}}),
                      {f32({2, 3, 4}), f32({2, 4, 5})}};
    t["dot_contract_first"] = {dot({.lhs_contracting = {0}, .rhs_contracting = {1}}), {f32({3, 4}), f32({5, 3})}};
    t["dot_batch_mixed"] = {dot({.lhs_contracting = {2}, .rhs_contracting = {0}, .lhs_batch = {1}, .rhs_batch = {2}}),
                            {f32({4, 2, 3}), f32({3, 5, 2})}};
    t["dot_scalar"] = {dot({}), {f32({}), f32({})}};
    t["dot_vec"] = {dot({.lhs_contracting = {0}, .rhs_contracting = {0}}), {f32({3}), f32({3})}};
    t["dot_outer"] = {dot({}), {f32({3}), f32({4})}};
    return t;
  }();
  return table;
}

const fn_t& fn(const std::string& name) {
  auto it = fns().find(name);
  if (it == fns().end()) throw std::runtime_error("no function named " + name + " in the test's table");
  return it->second.f;
}

// ---------------------------------------------------------------------------
// The comparison with stacked slices.

std::mt19937& rng() {
  static std::mt19937 r(20250801);
  return r;
}

/// A random array of `shape` filled as `s` says.
array random_array(const arg_spec& s, const shape_t& shape) {
  std::vector<double> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  if (s.dtype.is_floating()) {
    std::normal_distribution<double> normal;
    for (auto& e : v) e = normal(rng());
  } else {
    std::uniform_int_distribution<int> uniform(s.lo, s.hi);
    for (auto& e : v) e = uniform(rng());
  }
  return lax::convert_element_type(array::from_vector(v, shape), s.dtype, s.weak);
}

/// The list axis_spec {specs...} (axis_spec has only an initializer_list constructor).
axis_spec list_of(const axes_t& axes) {
  auto at = [&](std::size_t i) { return axes[i] ? axis_spec(*axes[i]) : axis_spec(xjax::none); };
  switch (axes.size()) {
    case 1: return axis_spec(std::initializer_list<axis_spec>{at(0)});
    case 2: return {at(0), at(1)};
    case 3: return {at(0), at(1), at(2)};
    case 4: return {at(0), at(1), at(2), at(3)};
    default: throw std::runtime_error("list_of: 1 to 4 axes");
  }
}

/// vmap(f) over the vector of arguments, mapping argument i along axes[i].
fn_t vmapped(const fn_t& f, const axes_t& axes, std::int64_t out_axis) {
  return [f, axes, out_axis](const args_t& a) {
    return xjax::vmap(f, axis_spec(std::initializer_list<axis_spec>{list_of(axes)}), out_axis)(a);
  };
}

/// Element b of x along `axis`, cut with lax::slice and squeeze.
array slice_at(const array& x, std::int64_t axis, std::int64_t b) {
  shape_t start(static_cast<std::size_t>(x.ndim()), 0), limit = x.shape();
  start[static_cast<std::size_t>(axis)] = b;
  limit[static_cast<std::size_t>(axis)] = b + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

std::string axes_str(const axes_t& axes) {
  std::string s;
  for (std::size_t i = 0; i < axes.size(); ++i) s += (i ? "," : "") + (axes[i] ? std::to_string(*axes[i]) : "n");
  return s;
}

/// vmap(f, axes, out_axis)(args) equals f applied to each slice, stacked along out_axis.
void check_vmap(const fn_t& f, const args_t& args, const axes_t& axes, std::int64_t out_axis) {
  INFO("in_axes " << axes_str(axes) << ", out_axes " << out_axis);
  std::int64_t size = -1;
  axes_t norm = axes;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!axes[i]) continue;
    if (*norm[i] < 0) *norm[i] += args[i].ndim();
    size = args[i].shape()[static_cast<std::size_t>(*norm[i])];
  }
  std::vector<args_t> per_output;  // per output: the results of each slice
  for (std::int64_t b = 0; b < size; ++b) {
    args_t slice;
    for (std::size_t i = 0; i < args.size(); ++i) slice.push_back(norm[i] ? slice_at(args[i], *norm[i], b) : args[i]);
    args_t outs = f(slice);
    per_output.resize(outs.size());
    for (std::size_t k = 0; k < outs.size(); ++k) per_output[k].push_back(outs[k]);
  }
  const args_t got = vmapped(f, axes, out_axis)(args);
  REQUIRE(got.size() == per_output.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    INFO("output " << k);
    const array want = jnp::stack(per_output[k], out_axis);
    CHECK(got[k].weak_type() == per_output[k][0].weak_type());
    CHECK(xjax::testing::compare(got[k], want, 0, 0) == "");
  }
}

/// The positions an argument of rank `rank` can be mapped along: none, then 0..rank.
std::vector<std::optional<std::int64_t>> axis_choices(std::int64_t rank) {
  std::vector<std::optional<std::int64_t>> out{std::nullopt};
  for (std::int64_t a = 0; a <= rank; ++a) out.push_back(a);
  return out;
}

/// check_vmap for every combination of in_axes of the entry's arguments (random
/// inputs of kBatch examples), each mapped axis written as a negative axis in every
/// other combination, out_axes cycling through 0, 1 and -1 where the outputs allow.
void check_all_axes(const std::string& name) {
  const entry& e = fns().at(name);
  INFO("function " << name);
  const std::size_t n = e.args.size();
  std::vector<std::size_t> pick(n, 0);
  std::int64_t min_out_rank = 99;
  {
    args_t example;
    for (auto& s : e.args) example.push_back(random_array(s, s.shape));
    for (auto& o : e.f(example)) min_out_rank = std::min(min_out_rank, o.ndim());
  }
  std::vector<std::int64_t> outs{0, -1};
  if (min_out_rank >= 1) outs.push_back(1);
  int combo = 0;
  for (;;) {
    axes_t axes;
    args_t args;
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      const auto rank = static_cast<std::int64_t>(e.args[i].shape.size());
      std::optional<std::int64_t> a = axis_choices(rank)[pick[i]];
      shape_t shape = e.args[i].shape;
      if (a) {
        shape.insert(shape.begin() + *a, kBatch);
        if ((combo + static_cast<int>(i)) % 2 == 1) *a -= rank + 1;  // the same axis, counted from the end
        any = true;
      }
      axes.push_back(a);
      args.push_back(random_array(e.args[i], shape));
    }
    if (any) {
      check_vmap(e.f, args, axes, outs[static_cast<std::size_t>(combo) % outs.size()]);
      ++combo;
    }
    // Next combination (an odometer over the arguments' choices).
    std::size_t i = 0;
    for (; i < n; ++i) {
      if (++pick[i] < e.args[i].shape.size() + 2) break;
      pick[i] = 0;
    }
    if (i == n) break;
  }
  CHECK(combo > 0);
}

std::vector<std::string> split_name(const std::string& s, char sep = ';') {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string p;
  while (std::getline(ss, p, sep)) parts.push_back(p);
  return parts;
}

axes_t parse_axes(const std::string& s) {
  axes_t out;
  for (auto& p : split_name(s, ',')) out.push_back(p == "n" ? std::nullopt : std::optional<std::int64_t>(std::stoll(p)));
  return out;
}

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("vmap_structure"); }

std::int64_t count_eqns(const fn_t& f, const args_t& args) {
  return static_cast<std::int64_t>(xjax::make_jaxpr(f)(args).jaxpr->eqns.size());
}

}  // namespace

// ---------------------------------------------------------------------------
// Every primitive under every in_axes combination.

TEST_CASE("vmap of structure primitives equals stacked slices, for every in_axes") {
  for (const char* name : {"broadcast", "broadcast_0d", "reshape", "reshape_dims", "reshape_0d", "transpose",
                           "squeeze", "rev", "concatenate", "split", "pad", "pad_weak", "pad_0d", "slice", "slice_unit", "copy",
                           "stop_gradient"}) {
    check_all_axes(name);
  }
}

TEST_CASE("vmap of dynamic_slice and dynamic_update_slice: batched operands and clamped start indices") {
  for (const char* name : {"dynamic_slice", "dynamic_slice_0d", "dynamic_update_slice"}) check_all_axes(name);
}

TEST_CASE("vmap of gather, scatter and scatter-add: every mode, repeated and out-of-bounds indices") {
  for (const auto& [mode, m] : kModes) {
    for (const char* op : {"gather_rows_", "gather_points_", "scatter_rows_", "scatter_add_rows_"})
      check_all_axes(op + mode);
  }
  for (const char* name : {"gather_scalar", "gather_batched", "scatter_batched", "scatter_add_batched",
                           "scatter_add_points"})
    check_all_axes(name);
}

TEST_CASE("vmap of dot_general: batch and contracting dims on either side, 0-d and 1-d operands") {
  for (const char* name : {"dot_matmul", "dot_batch", "dot_contract_first", "dot_batch_mixed", "dot_scalar", "dot_vec",
                           "dot_outer"})
    check_all_axes(name);
}

TEST_CASE("nested vmap: the outer vmap batches the inner one's batched primitives") {
  // The inner vmap maps one axis; the outer maps another, so the outer batching rules
  // meet the params the inner ones wrote (batching dims of gather/scatter, extra
  // dot_general batch dims, extended pad configs, ...).
  struct nested_case {
    std::string fn;
    axes_t inner, outer;  // outer axes index the arguments as the inner vmap sees them, plus one
  };
  const std::vector<nested_case> cases{
      {"pad", {1, 0}, {0, std::nullopt}},
      {"pad", {std::nullopt, 0}, {-1, 0}},
      {"concatenate", {0, std::nullopt, 1}, {2, 0, std::nullopt}},
      {"dynamic_slice", {0, std::nullopt, 0}, {2, 0, std::nullopt}},
      {"dynamic_update_slice", {std::nullopt, 0, 0, std::nullopt}, {0, 3, std::nullopt, 0}},
      {"gather_rows_fill", {0, 1}, {1, 0}},
      {"gather_rows_clip", {std::nullopt, 0}, {0, 1}},
      {"gather_batched", {1, 0}, {0, 2}},
      {"scatter_rows_promise", {0, 0, std::nullopt}, {1, std::nullopt, 0}},
      {"scatter_add_rows_fill", {std::nullopt, 0, 2}, {0, 1, 0}},
      {"scatter_batched", {0, 1, 3}, {3, 0, std::nullopt}},
      {"dot_batch", {0, 1}, {1, 0}},
      {"dot_matmul", {std::nullopt, 2}, {0, std::nullopt}},
      {"dot_contract_first", {1, std::nullopt}, {0, 1}},
      {"split", {1}, {0}},
      {"reshape_dims", {2}, {0}},
      {"broadcast_0d", {0}, {1}},
  };
  for (const auto& c : cases) {
    INFO("function " << c.fn << ", inner in_axes " << axes_str(c.inner));
    const entry& e = fns().at(c.fn);
    args_t args;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      shape_t shape = e.args[i].shape;
      for (auto [axis, size] : {std::pair{c.inner[i], kBatch}, std::pair{c.outer[i], std::int64_t{2}}}) {
        if (!axis) continue;
        const std::int64_t a = *axis < 0 ? *axis + static_cast<std::int64_t>(shape.size()) + 1 : *axis;
        shape.insert(shape.begin() + a, size);
      }
      args.push_back(random_array(e.args[i], shape));
    }
    check_vmap(vmapped(e.f, c.inner, 1), args, c.outer, -1);
  }
}

TEST_CASE("vmap over an empty batch: gathers and scatters with both operands batched") {
  // Both batched, B = 0: the operand batching dim has slice size 0 (JAX's rule).
  const array x = random_array(f32({}), {0, 4, 3}), idx = random_array(rows_idx({}), {0, 5, 1});
  const array y = random_array(f32({}), {0, 5, 3});
  const args_t g = vmapped(fn("gather_rows_clip"), {0, 0}, 0)({x, idx});
  CHECK(g[0].shape() == shape_t{0, 5, 3});
  const args_t s = vmapped(fn("scatter_add_rows_fill"), {0, 0, 0}, 1)({x, idx, y});
  CHECK(s[0].shape() == shape_t{4, 0, 3});
  const args_t d = vmapped(fn("dot_matmul"), {0, 0}, 0)({random_array(f32({}), {0, 2, 3}), random_array(f32({}), {0, 3, 4})});
  CHECK(d[0].shape() == shape_t{0, 2, 4});
}

// ---------------------------------------------------------------------------
// Against JAX: values and equation counts.

TEST_CASE("vmap against jax.vmap: values and the equations of make_jaxpr(vmap(f))") {
  int values = 0, counts = 0;
  for (const auto& c : golden().cases()) {
    const auto parts = split_name(c.name);
    if (parts.size() != 4) continue;
    INFO(c.name);
    const fn_t f = vmapped(fn(parts[1]), parse_axes(parts[2]), std::stoll(parts[3]));
    if (parts[0] == "vmap") {
      const args_t got = f(c.inputs);
      REQUIRE(got.size() == c.outputs.size());
      for (std::size_t k = 0; k < got.size(); ++k) CHECK(xjax::testing::compare(got[k], c.outputs[k]) == "");
      ++values;
    } else if (parts[0] == "eqns") {
      CHECK(count_eqns(f, c.inputs) == c.outputs[0].item<std::int64_t>());
      ++counts;
    }
  }
  CHECK(values >= 70);
  CHECK(counts == values);
}

// ---------------------------------------------------------------------------
// Composition with grad.

namespace {

array inner(const array& a, const array& w) {
  shape_t all;
  for (std::int64_t d = 0; d < a.ndim(); ++d) all.push_back(d);
  return lax::dot_general(a, w, {.lhs_contracting = all, .rhs_contracting = all});
}

array mm_loss(const array& W, const array& x, const array& w) {
  return inner(lax::dot_general(W, x, {.lhs_contracting = {1}, .rhs_contracting = {0}}), w);
}

array idx_loss(const array& x, const array& idx, const array& w) {
  return inner(lax::gather(x, idx, kRows, {1, 3}, {.mode = gather_scatter_mode::clip}), w);
}

const auto kVmapGradMatmul = [](const array& W, const array& x, const array& w) {
  return xjax::vmap(xjax::grad(mm_loss), {xjax::none, 0, xjax::none})(W, x, w);
};
const auto kVmapGradIndex = [](const array& x, const array& i, const array& w) {
  return xjax::vmap(xjax::grad(idx_loss), {0, 0, xjax::none})(x, i, w);
};

}  // namespace

TEST_CASE("vmap(grad(f)) and grad(vmap(f)) of a matmul and of a gather, against JAX") {
  const auto& g = golden();
  SUBCASE("per-example gradients: vmap(grad(loss))") {
    const auto& mm = g.get("grad;vmap_grad_matmul");
    CHECK(xjax::testing::compare(kVmapGradMatmul(mm.inputs[0], mm.inputs[1], mm.inputs[2]), mm.outputs[0]) == "");
    const auto& ix = g.get("grad;vmap_grad_index");
    CHECK(xjax::testing::compare(kVmapGradIndex(ix.inputs[0], ix.inputs[1], ix.inputs[2]), ix.outputs[0]) == "");
    // No per-example loop: JAX's number of equations.
    auto count = [](const auto& f, const auto& c) {
      return static_cast<std::int64_t>(xjax::make_jaxpr(f)(c.inputs[0], c.inputs[1], c.inputs[2]).jaxpr->eqns.size());
    };
    CHECK(count(kVmapGradMatmul, mm) == g.get("eqns;vmap_grad_matmul").outputs[0].item<std::int64_t>());
    CHECK(count(kVmapGradIndex, ix) == g.get("eqns;vmap_grad_index").outputs[0].item<std::int64_t>());
    // And a loop of grad calls.
    for (std::int64_t b = 0; b < kBatch; ++b) {
      const array want = xjax::grad(mm_loss)(mm.inputs[0], slice_at(mm.inputs[1], 0, b), mm.inputs[2]);
      const array got = slice_at(kVmapGradMatmul(mm.inputs[0], mm.inputs[1], mm.inputs[2]), 0, b);
      CHECK(xjax::testing::compare(got, want, 0, 0) == "");
    }
  }
  SUBCASE("gradients of a vmap: grad(<vmap(f)(...), v>)") {
    const auto& mm = g.get("grad;grad_vmap_matmul");
    const array x = mm.inputs[1], a = mm.inputs[2], b = mm.inputs[3];
    auto f = [&](const array& W) {
      return inner(xjax::vmap(mm_loss, {xjax::none, 1, xjax::none})(W, x, a), b);
    };
    CHECK(xjax::testing::compare(xjax::grad(f)(mm.inputs[0]), mm.outputs[0]) == "");
    const auto& ix = g.get("grad;grad_vmap_index");
    const array idx = ix.inputs[1], w = ix.inputs[2], v = ix.inputs[3];
    auto h = [&](const array& X) { return inner(xjax::vmap(idx_loss, {1, 0, xjax::none})(X, idx, w), v); };
    CHECK(xjax::testing::compare(xjax::grad(h)(ix.inputs[0]), ix.outputs[0]) == "");
  }
}
