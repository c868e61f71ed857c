// Derivatives of the structure, indexing and linalg primitives: check_grads at order 2
// in both modes for each (several shapes, float32 and float64 inputs), golden
// gradients from JAX at the edge points (repeated and out-of-bounds indices under each
// mode, clamped dynamic slices, negative and interior padding, preferred_element_type),
// equation counts of grad jaxprs against JAX's, zero tangents of integer outputs, and
// the rules' errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;
using xjax::shape_t;
using lax::gather_scatter_mode;

namespace {

/// Random normal values of `shape` and dtype `d` (fixed seed per call site).
array randn(const shape_t& shape, xjax::dtype d = xjax::float64, unsigned seed = 0) {
  static std::mt19937 rng(20240611);
  if (seed) rng.seed(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (auto& e : v) e = normal(rng);
  return lax::convert_element_type(array::from_vector(v, shape), d);
}

array i32(std::vector<std::int32_t> v, shape_t s) { return array::from_vector(v, s); }

/// <a, w>: a dot_general contracting every dimension (a scalar), as the golden script's.
array inner(const array& a, const array& w) {
  shape_t all;
  for (std::int64_t d = 0; d < a.ndim(); ++d) all.push_back(d);
  return lax::dot_general(a, w, {.lhs_contracting = all, .rhs_contracting = all});
}

/// check_grads at order 2 in both modes, in float32 and float64 inputs.
template <class F, class... Args> void check_both_dtypes(const F& f, const Args&... args) {
  for (xjax::dtype d : {xjax::float32, xjax::float64}) {
    INFO("inputs converted to " << d.name());
    auto conv = [&](const array& a) { return a.dtype().is_floating() ? lax::convert_element_type(a, d) : a; };
    CHECK_NOTHROW(xjax::test::check_grads(f, std::tuple{conv(args)...}, 2));
  }
}

const lax::gather_dimension_numbers kElements{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
const lax::gather_dimension_numbers kRows{.offset_dims = {1}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
const lax::gather_dimension_numbers kPoints{.offset_dims = {}, .collapsed_slice_dims = {0, 1}, .start_index_map = {0, 1}};
const lax::gather_dimension_numbers kBatched{.offset_dims = {2},
                                             .collapsed_slice_dims = {1},
                                             .start_index_map = {1},
                                             .operand_batching_dims = {0},
                                             .start_indices_batching_dims = {0}};
const lax::scatter_dimension_numbers kScatterRows{
    .update_window_dims = {1}, .inserted_window_dims = {0}, .scatter_dims_to_operand_dims = {0}};
const lax::scatter_dimension_numbers kScatterBatched{.update_window_dims = {2},
                                                     .inserted_window_dims = {1},
                                                     .scatter_dims_to_operand_dims = {1},
                                                     .operand_batching_dims = {0},
                                                     .scatter_indices_batching_dims = {0}};
const lax::scatter_dimension_numbers kScatterElements{
    .update_window_dims = {}, .inserted_window_dims = {0}, .scatter_dims_to_operand_dims = {0}};

}  // namespace

// ---------------------------------------------------------------------------
// check_grads, order 2, both modes

TEST_CASE("ad structure: broadcast_in_dim, expand_dims, reshape, transpose, squeeze, rev") {
  check_both_dtypes([](const array& x) { return lax::broadcast_in_dim(x, {2, 3}, {}); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::broadcast_in_dim(x, {2, 3}, {1}); }, randn({3}));
  check_both_dtypes([](const array& x) { return lax::broadcast_in_dim(x, {5, 4}, {0, 1}); }, randn({5, 1}));
  // Non-increasing broadcast_dimensions (JAX's transpose rule gets these wrong).
  check_both_dtypes([](const array& x) { return lax::broadcast_in_dim(x, {2, 3, 4}, {1, 0}); }, randn({3, 1}));
  check_both_dtypes([](const array& x) { return lax::broadcast_in_dim(x, {4, 2, 3, 5}, {3, 0, 2}); }, randn({5, 4, 3}));
  check_both_dtypes([](const array& x) { return lax::expand_dims(x, {0, -1}); }, randn({2, 3}));

  check_both_dtypes([](const array& x) { return lax::reshape(x, {1, 1}); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::reshape(x, {6}); }, randn({2, 3}));
  check_both_dtypes([](const array& x) { return lax::reshape(x, {4, 6}, shape_t{2, 0, 1}); }, randn({2, 3, 4}));

  check_both_dtypes([](const array& x) { return lax::transpose(x, {}); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::transpose(x, {1, 0}); }, randn({2, 3}));
  check_both_dtypes([](const array& x) { return lax::transpose(x, {2, 0, 1}); }, randn({2, 3, 4}));

  check_both_dtypes([](const array& x) { return lax::squeeze(x, {0}); }, randn({1}));
  check_both_dtypes([](const array& x) { return lax::squeeze(x, {1}); }, randn({3, 1, 2}));
  check_both_dtypes([](const array& x) { return lax::squeeze(x, {0, 2}); }, randn({1, 3, 1}));

  check_both_dtypes([](const array& x) { return lax::rev(x, {}); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::rev(x, {0}); }, randn({5}));
  check_both_dtypes([](const array& x) { return lax::rev(x, {0, 1}); }, randn({2, 3}));
}

TEST_CASE("ad structure: concatenate and split") {
  check_both_dtypes([](const array& x, const array& y) { return lax::concatenate({x, y}, 0); }, randn({3}), randn({2}));
  check_both_dtypes([](const array& x, const array& y, const array& z) { return lax::concatenate({x, y, z}, 1); },
                    randn({2, 1}), randn({2, 3}), randn({2, 2}));
  check_both_dtypes([](const array& x, const array& y) { return lax::concatenate({x, y}, 0); }, randn({1, 2, 3}),
                    randn({2, 2, 3}));
  check_both_dtypes([](const array& x) { return lax::split(x, {2, 3}); }, randn({5}));
  check_both_dtypes([](const array& x) { return lax::split(x, {1, 0, 5}, 1); }, randn({2, 6}));
  check_both_dtypes([](const array& x) { return lax::split(x, {4}, -2); }, randn({4, 2}));
}

TEST_CASE("ad structure: pad (operand and padding value; negative and interior padding)") {
  auto pad = [](std::vector<xjax::pad_dim> config) {
    return [config](const array& x, const array& v) { return lax::pad(x, v, config); };
  };
  check_both_dtypes(pad({}), randn({}), randn({}));
  check_both_dtypes(pad({{1, -1, 1}}), randn({3}), randn({}));
  check_both_dtypes(pad({{-3, -2, 2}}), randn({5}), randn({}));
  check_both_dtypes(pad({{1, -2, 2}, {-1, 1, 0}}), randn({4, 3}), randn({}));
  check_both_dtypes(pad({{-3, 1, 2}, {0, -3, 1}}), randn({2, 2}), randn({}));
  // Only the padding value differentiated (JAX's rule fails here: it needs the
  // operand's cotangent to compute the padding value's).
  const array fixed = randn({4});
  check_both_dtypes([fixed](const array& v) { return lax::pad(fixed, v, {{2, -1, 1}}); }, randn({}));
}

TEST_CASE("ad structure: slice, dynamic_slice, dynamic_update_slice (clamped and negative starts)") {
  check_both_dtypes([](const array& x) { return lax::slice(x, {}, {}); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::slice(x, {1}, {4}); }, randn({5}));
  check_both_dtypes([](const array& x) { return lax::slice(x, {1, 0}, {5, 3}, shape_t{3, 2}); }, randn({6, 3}));
  check_both_dtypes([](const array& x) { return lax::slice(x, {1, 0}, {1, 3}, shape_t{2, 2}); }, randn({5, 3}));

  check_both_dtypes([](const array& x) { return lax::dynamic_slice(x, {}, {}); }, randn({}));
  check_both_dtypes([](const array& x, const array& i) { return lax::dynamic_slice(x, {i}, {2}); }, randn({5}),
                    array(4));
  check_both_dtypes([](const array& x, const array& i, const array& j) { return lax::dynamic_slice(x, {i, j}, {2, 2}); },
                    randn({4, 3}), array(7), array(-1));

  check_both_dtypes([](const array& x, const array& u) { return lax::dynamic_update_slice(x, u, {}); }, randn({}),
                    randn({}));
  check_both_dtypes([](const array& x, const array& u, const array& i) { return lax::dynamic_update_slice(x, u, {i}); },
                    randn({5}), randn({2}), array(9));
  check_both_dtypes(
      [](const array& x, const array& u, const array& i, const array& j) {
        return lax::dynamic_update_slice(x, u, {i, j});
      },
      randn({4, 3}), randn({2, 2}), array(-1), array(1));
}

TEST_CASE("ad structure: copy; stop_gradient has a zero derivative") {
  check_both_dtypes([](const array& x) { return lax::copy(x); }, randn({}));
  check_both_dtypes([](const array& x) { return lax::copy(x); }, randn({3}));
  check_both_dtypes([](const array& x) { return lax::copy(x); }, randn({2, 3}));

  const array x = randn({2, 3});
  auto [y, ty] = xjax::jvp([](const array& a) { return lax::stop_gradient(a); }, std::tuple{x}, std::tuple{randn({2, 3})});
  CHECK(y.to_vector<double>() == x.to_vector<double>());
  for (double t : ty.to_vector<double>()) CHECK(t == 0.0);
  // <x, stop_gradient(x)>: the gradient is stop_gradient(x) = x, the Hessian zero.
  auto f = [](const array& a) { return inner(a, lax::stop_gradient(a)); };
  CHECK(xjax::grad(f)(x).to_vector<double>() == x.to_vector<double>());
  for (double h : xjax::hessian(f)(x).to_vector<double>()) CHECK(h == 0.0);
}

TEST_CASE("ad indexing: gather (repeated indices; clamped under CLIP)") {
  auto gather = [](const lax::gather_dimension_numbers& dn, shape_t sizes, gather_scatter_mode mode) {
    return [=](const array& x, const array& idx) { return lax::gather(x, idx, dn, sizes, {.mode = mode}); };
  };
  const auto promise = gather_scatter_mode::promise_in_bounds;
  check_both_dtypes(gather(kElements, {1}, promise), randn({5}), i32({0, 3, 0}, {3, 1}));
  check_both_dtypes(gather(kRows, {1, 3}, promise), randn({4, 3}), i32({0, 2, 0, 3, 2}, {5, 1}));
  check_both_dtypes(gather(kRows, {1, 3}, gather_scatter_mode::clip), randn({4, 3}), i32({0, 7, 0, -2}, {4, 1}));
  check_both_dtypes(gather(kRows, {1, 3}, gather_scatter_mode::fill_or_drop), randn({4, 3}), i32({1, 1, 3}, {3, 1}));
  check_both_dtypes(gather(kPoints, {1, 1}, promise), randn({3, 4}), i32({0, 1, 2, 3, 0, 1, 1, 0}, {4, 2}));
  check_both_dtypes(gather(kBatched, {1, 1, 4}, promise), randn({2, 3, 4}),
                    i32({0, 2, 0, 1, 0, 1, 1, 2, 2, 0}, {2, 5, 1}));
}

TEST_CASE("ad indexing: scatter-add (repeated and dropped or clamped out-of-bounds indices)") {
  auto scatter_add = [](const lax::scatter_dimension_numbers& dn, gather_scatter_mode mode) {
    return [=](const array& x, const array& idx, const array& y) { return lax::scatter_add(x, idx, y, dn, {.mode = mode}); };
  };
  check_both_dtypes(scatter_add(kScatterElements, gather_scatter_mode::fill_or_drop), randn({5}),
                    i32({0, 3, 0, 9}, {4, 1}), randn({4}));
  check_both_dtypes(scatter_add(kScatterRows, gather_scatter_mode::fill_or_drop), randn({4, 3}),
                    i32({0, 2, 0, 7, 2}, {5, 1}), randn({5, 3}));
  check_both_dtypes(scatter_add(kScatterRows, gather_scatter_mode::clip), randn({4, 3}), i32({0, 2, 0, 7, -1}, {5, 1}),
                    randn({5, 3}));
  check_both_dtypes(scatter_add(kScatterBatched, gather_scatter_mode::fill_or_drop), randn({2, 3, 4}),
                    i32({0, 2, 0, 1, 1, 5}, {2, 3, 1}), randn({2, 3, 4}));
  // Scalar updates into a 0-d window of a vector.
  check_both_dtypes(scatter_add(kScatterElements, gather_scatter_mode::fill_or_drop), randn({3}), i32({1}, {1}),
                    randn({}));
}

TEST_CASE("ad indexing: scatter (repeated indices: the masked JVP; unique indices: the linear rule)") {
  auto scatter = [](const lax::scatter_dimension_numbers& dn, lax::scatter_options o) {
    return [=](const array& x, const array& idx, const array& y) { return lax::scatter(x, idx, y, dn, o); };
  };
  const lax::scatter_options fill{.mode = gather_scatter_mode::fill_or_drop};
  const lax::scatter_options clip{.mode = gather_scatter_mode::clip};
  const lax::scatter_options unique{.indices_are_sorted = true, .unique_indices = true};
  check_both_dtypes(scatter(kScatterElements, fill), randn({5}), i32({0, 3, 0, 9}, {4, 1}), randn({4}));
  check_both_dtypes(scatter(kScatterRows, fill), randn({4, 3}), i32({0, 2, 0, 7, 2}, {5, 1}), randn({5, 3}));
  check_both_dtypes(scatter(kScatterRows, clip), randn({4, 3}), i32({0, 2, 0, 7, -1}, {5, 1}), randn({5, 3}));
  check_both_dtypes(scatter(kScatterBatched, fill), randn({2, 3, 4}), i32({0, 2, 0, 1, 1, 5}, {2, 3, 1}),
                    randn({2, 3, 4}));
  check_both_dtypes(scatter(kScatterElements, fill), randn({3}), i32({1}, {1}), randn({}));
  check_both_dtypes(scatter(kScatterElements, unique), randn({5}), i32({0, 2, 4}, {3, 1}), randn({3}));
  check_both_dtypes(scatter(kScatterRows, unique), randn({4, 3}), i32({0, 1, 3}, {3, 1}), randn({3, 3}));
}

TEST_CASE("ad linalg: dot_general (vectors, matrices, batch and several contracting dims)") {
  auto dot = [](lax::dot_dimension_numbers dn) {
    return [dn](const array& a, const array& b) { return lax::dot_general(a, b, dn); };
  };
  check_both_dtypes(dot({.lhs_contracting = {0}, .rhs_contracting = {0}}), randn({3}), randn({3}));
  check_both_dtypes(dot({}), randn({}), randn({2, 3}));  // an outer product with a 0-d operand
  check_both_dtypes(dot({.lhs_contracting = {1}, .rhs_contracting = {0}}), randn({2, 3}), randn({3}));
  check_both_dtypes(dot({.lhs_contracting = {1}, .rhs_contracting = {0}}), randn({2, 3}), randn({3, 5}));
  check_both_dtypes(dot({.lhs_contracting = {0}, .rhs_contracting = {1}}), randn({3, 2}), randn({5, 3}));
  check_both_dtypes(dot({.lhs_contracting = {2, 0}, .rhs_contracting = {3, 1}, .lhs_batch = {1}, .rhs_batch = {2}}),
                    randn({4, 2, 3, 5}), randn({5, 4, 2, 3}));
  check_both_dtypes(dot({.lhs_contracting = {2}, .rhs_contracting = {1}, .lhs_batch = {0}, .rhs_batch = {0}}),
                    randn({3, 2, 4}), randn({3, 4, 1}));
  // A function of one matrix used on both sides: both rules at once, to second order.
  check_both_dtypes([](const array& a) { return lax::dot_general(a, a, {.lhs_contracting = {1}, .rhs_contracting = {1}}); },
                    randn({2, 3}));
}

// ---------------------------------------------------------------------------
// Integer outputs have zero tangents.

TEST_CASE("ad structure: integer outputs get zero tangents") {
  const array xi = i32({1, 2, 3, 4, 5, 6}, {2, 3}), ti = i32({1, 1, 1, 1, 1, 1}, {2, 3});
  auto zero = [](const array& t) {
    if (!t.valid()) return true;
    for (auto v : t.to_vector<std::int64_t>())
      if (v != 0) return false;
    return true;
  };
  auto check_zero = [&](auto f) {
    auto [y, ty] = xjax::jvp(f, std::tuple{xi}, std::tuple{ti});
    CHECK(zero(ty));
  };
  check_zero([](const array& x) { return lax::rev(x, {0}); });
  check_zero([](const array& x) { return lax::pad(x, array(0, xjax::int32), {{1, 1, 1}, {0, 0, 0}}); });
  check_zero([](const array& x) { return lax::dynamic_slice(x, {array(1), array(1)}, {1, 2}); });
  check_zero([&](const array& x) { return lax::dynamic_update_slice(x, lax::slice(x, {0, 0}, {1, 1}), {array(1), array(2)}); });
  check_zero([](const array& x) { return lax::gather(x, i32({1, 0}, {2, 1}), kRows, {1, 3}); });
  check_zero([](const array& x) { return lax::scatter_add(x, i32({1, 1}, {2, 1}), x, kScatterRows); });
  check_zero([](const array& x) { return lax::scatter(x, i32({1, 1}, {2, 1}), x, kScatterRows); });
  check_zero([](const array& x) { return lax::dot_general(x, x, {.lhs_contracting = {1}, .rhs_contracting = {1}}); });
  // A float function of an integer-valued dot: the gradient with respect to the float
  // operand only (the integer one is not differentiable).
  const array wf = randn({3, 2});
  auto g = xjax::grad([&](const array& w) {
    return inner(lax::dot_general(lax::convert_element_type(xi, xjax::float64), w,
                                  {.lhs_contracting = {1}, .rhs_contracting = {0}}),
                 randn({2, 2}, xjax::float64, 7));
  })(wf);
  CHECK(g.shape() == shape_t{3, 2});
}

// ---------------------------------------------------------------------------
// Golden gradients and equation counts from JAX (tests/golden/gen_ad_structure.py).

namespace {

using fn_t = std::function<array(const std::vector<array>&, gather_scatter_mode)>;

struct golden_fn {
  fn_t f;
  std::vector<std::size_t> wrt;
};

gather_scatter_mode mode_of(const std::string& variant) {
  if (variant == "clip") return gather_scatter_mode::clip;
  if (variant == "fill") return gather_scatter_mode::fill_or_drop;
  return gather_scatter_mode::promise_in_bounds;
}

/// The functions of gen_ad_structure.py's FNS, under the same names.
const std::map<std::string, golden_fn>& golden_fns() {
  using V = const std::vector<array>&;
  using M = gather_scatter_mode;
  static const std::map<std::string, golden_fn> fns{
      {"gather_rows", {[](V a, M m) { return inner(lax::gather(a[0], a[1], kRows, {1, a[0].shape()[1]}, {.mode = m}), a[2]); }, {0}}},
      {"gather_points", {[](V a, M m) { return inner(lax::gather(a[0], a[1], kPoints, {1, 1}, {.mode = m}), a[2]); }, {0}}},
      {"gather_batched", {[](V a, M m) { return inner(lax::gather(a[0], a[1], kBatched, {1, 1, 4}, {.mode = m}), a[2]); }, {0}}},
      {"scatter_add_rows",
       {[](V a, M m) { return inner(lax::scatter_add(a[0], a[1], a[2], kScatterRows, {.mode = m}), a[3]); }, {0, 2}}},
      {"scatter_add_batched",
       {[](V a, M m) { return inner(lax::scatter_add(a[0], a[1], a[2], kScatterBatched, {.mode = m}), a[3]); }, {0, 2}}},
      {"scatter_rows", {[](V a, M m) { return inner(lax::scatter(a[0], a[1], a[2], kScatterRows, {.mode = m}), a[3]); }, {0, 2}}},
      {"scatter_unique",
       {[](V a, M m) {
          return inner(lax::scatter(a[0], a[1], a[2], kScatterRows,
                                    {.indices_are_sorted = true, .unique_indices = true, .mode = m}),
                       a[3]);
        },
        {0, 2}}},
      {"scatter_batched",
       {[](V a, M m) { return inner(lax::scatter(a[0], a[1], a[2], kScatterBatched, {.mode = m}), a[3]); }, {0, 2}}},
      {"np_take", {[](V a, M) { return inner(a[0](a[1]), a[2]); }, {0}}},
      {"np_at_set", {[](V a, M) { return inner(a[0].at(a[1]).set(a[2]), a[3]); }, {0, 2}}},
      {"np_at_add", {[](V a, M) { return inner(a[0].at(a[1]).add(a[2]), a[3]); }, {0, 2}}},
      {"dynamic_slice", {[](V a, M) { return inner(lax::dynamic_slice(a[0], {a[1], a[2]}, {2, 2}), a[3]); }, {0}}},
      {"dynamic_update_slice",
       {[](V a, M) { return inner(lax::dynamic_update_slice(a[0], a[1], {a[2], a[3]}), a[4]); }, {0, 1}}},
      {"pad", {[](V a, M) { return inner(lax::pad(a[0], a[1], {{1, -2, 2}, {-1, 1, 0}}), a[2]); }, {0, 1}}},
      {"slice", {[](V a, M) { return inner(lax::slice(a[0], {1, 0}, {5, 3}, shape_t{3, 2}), a[1]); }, {0}}},
      {"concatenate", {[](V a, M) { return inner(lax::concatenate({a[0], a[1]}, 1), a[2]); }, {0, 1}}},
      {"broadcast", {[](V a, M) { return inner(lax::broadcast_in_dim(a[0], {2, 3, 4}, {1, 2}), a[1]); }, {0}}},
      {"reshape_transpose",
       {[](V a, M) { return inner(lax::transpose(lax::reshape(a[0], {4, 6}, shape_t{2, 0, 1}), {1, 0}), a[1]); }, {0}}},
      {"dot_preferred",
       {[](V a, M) {
          return inner(lax::dot_general(a[0], a[1], {.lhs_contracting = {1}, .rhs_contracting = {0}}, std::nullopt,
                                        xjax::float32),
                       a[2]);
        },
        {0, 1}}},
      {"dot_batch",
       {[](V a, M) {
          return inner(lax::dot_general(a[0], a[1],
                                        {.lhs_contracting = {2, 0}, .rhs_contracting = {3, 1}, .lhs_batch = {1}, .rhs_batch = {2}}),
                       a[2]);
        },
        {0, 1}}},
      {"matmul", {[](V a, M) { return jnp::sum(jnp::matmul(a[0], a[1])); }, {0, 1}}},
  };
  return fns;
}

/// grad of `g.f` with respect to inputs g.wrt (the others held fixed), as
/// jax.grad(f, argnums=wrt).
std::vector<array> grads_of(const golden_fn& g, const std::vector<array>& in, gather_scatter_mode m) {
  std::vector<array> d;
  for (auto k : g.wrt) d.push_back(in[k]);
  return xjax::grad([&](const std::vector<array>& ds) {
    std::vector<array> all = in;
    for (std::size_t k = 0; k < g.wrt.size(); ++k) all[g.wrt[k]] = ds[k];
    return g.f(all, m);
  })(d);
}

/// "grad;fn;variant" -> {"grad", "fn", "variant"} (sep ';').
std::vector<std::string> split_on(const std::string& text, char sep = ';') {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t pos; (pos = text.find(sep, start)) != std::string::npos; start = pos + 1)
    parts.push_back(text.substr(start, pos - start));
  parts.push_back(text.substr(start));
  return parts;
}

void check_close(const array& got, const array& want, double tol) {
  REQUIRE(got.dtype() == want.dtype());
  REQUIRE(got.shape() == want.shape());
  auto a = got.to_vector<double>(), b = want.to_vector<double>();
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("element " << i << ": got " << a[i] << ", JAX " << b[i]);
    CHECK(std::abs(a[i] - b[i]) <= tol * (1 + std::abs(b[i])));
  }
}

double tolerance(xjax::dtype d) { return d == xjax::float16 ? 2e-3 : d == xjax::float32 ? 2e-6 : 1e-12; }

}  // namespace

TEST_CASE("ad structure golden: gradients at JAX's edge points") {
  const auto& file = xjax::testing::golden_file::load("ad_structure");
  int n = 0;
  for (const auto& c : file.cases()) {
    auto parts = split_on(c.name);
    if (parts[0] != "grad") continue;
    INFO("case " << c.name);
    REQUIRE(golden_fns().count(parts[1]) == 1);
    const auto& g = golden_fns().at(parts[1]);
    std::vector<array> grads = grads_of(g, c.inputs, mode_of(parts[2]));
    REQUIRE(grads.size() == c.outputs.size());
    for (std::size_t i = 0; i < grads.size(); ++i) check_close(grads[i], c.outputs[i], tolerance(c.outputs[i].dtype()));
    ++n;
  }
  CHECK(n == 34);
}

TEST_CASE("ad structure golden: grad jaxprs have no more equations than JAX's") {
  const auto& file = xjax::testing::golden_file::load("ad_structure");
  int n = 0;
  for (const auto& c : file.cases()) {
    auto parts = split_on(c.name);
    if (parts[0] != "eqns") continue;
    INFO("case " << c.name);
    const auto& g = golden_fns().at(parts[1]);
    const auto m = mode_of(parts[2]);
    auto j = xjax::make_jaxpr([&](const std::vector<array>& all) { return grads_of(g, all, m); })(c.inputs);
    const auto jax_count = c.outputs[0].item<std::int64_t>();
    INFO("xjax's grad jaxpr:\n" << j);
    CHECK(static_cast<std::int64_t>(j.jaxpr->eqns.size()) <= jax_count);
    ++n;
  }
  CHECK(n == 12);
}

TEST_CASE("ad structure golden: hessian through dot_general and gather") {
  const auto& c = xjax::testing::golden_file::load("ad_structure").get("hessian;quad");
  const array a = c.inputs[1], idx = c.inputs[2];
  auto quad = [&](const array& x) {
    lax::gather_dimension_numbers pick{.offset_dims = {}, .collapsed_slice_dims = {0}, .start_index_map = {0}};
    return inner(lax::dot_general(x, a, {.lhs_contracting = {0}, .rhs_contracting = {0}}), lax::gather(x, idx, pick, {1}));
  };
  check_close(xjax::hessian(quad)(c.inputs[0]), c.outputs[0], 1e-6);
  check_close(xjax::jacfwd(xjax::jacrev(quad))(c.inputs[0]), c.outputs[0], 1e-6);
}

TEST_CASE("ad structure golden: lax::split (concatenate's transpose) as jax.lax.split") {
  const auto& file = xjax::testing::golden_file::load("ad_structure");
  int n = 0;
  for (const auto& c : file.cases()) {
    auto parts = split_on(c.name);
    if (parts[0] != "split") continue;
    INFO("case " << c.name);
    shape_t sizes;
    for (auto& s : split_on(parts[2], ',')) sizes.push_back(std::stoll(s));
    const std::int64_t axis = std::stoll(parts[3]);
    auto f = [&](const array& x) { return lax::split(x, sizes, axis); };
    auto outs = f(c.inputs[0]);
    REQUIRE(outs.size() == c.outputs.size());
    for (std::size_t i = 0; i < outs.size(); ++i) check_close(outs[i], c.outputs[i], 0);
    std::ostringstream text;
    text << xjax::make_jaxpr(f)(c.inputs[0]);
    CHECK(text.str() == c.jaxpr);
    ++n;
  }
  CHECK(n == 3);
}

// ---------------------------------------------------------------------------
// What the rules produce (jaxprs) and their errors.

TEST_CASE("ad structure: transposes emit JAX's equations") {
  // concatenate -> one split; slice -> pad; dynamic_slice -> dynamic_update_slice into zeros.
  auto names = [](const xjax::closed_jaxpr& j) {
    std::vector<std::string> out;
    for (auto& e : j.jaxpr->eqns) out.push_back(std::string(e.prim->name()));
    return out;
  };
  const array x = randn({3}, xjax::float32), y = randn({2}, xjax::float32);
  auto [out, pullback] = xjax::vjp([](const array& a, const array& b) { return lax::concatenate({a, b}, 0); }, x, y);
  auto j = xjax::make_jaxpr([&](const array& ct) { return pullback(ct); })(randn({5}, xjax::float32));
  CHECK(names(j) == std::vector<std::string>{"split"});

  auto jt = xjax::make_jaxpr(xjax::grad([](const array& a) { return inner(lax::slice(a, {1}, {3}), lax::slice(a, {0}, {2})); }))(x);
  const auto nt = names(jt);
  CHECK(std::count(nt.begin(), nt.end(), std::string("pad")) == 2);

  // The transpose of a matmul in the rhs ends in JAX's final transpose.
  const array a = randn({2, 3}, xjax::float32), b = randn({3, 4}, xjax::float32);
  auto jm = xjax::make_jaxpr(xjax::grad([&](const array& w) { return jnp::sum(jnp::matmul(a, w)); }))(b);
  auto nm = names(jm);
  REQUIRE(!nm.empty());
  CHECK(nm.back() == "transpose");
}

TEST_CASE("ad structure: errors of the rules") {
  // JAX: "scatter transpose is only implemented where unique_indices=True".
  const array base = randn({4}), idx = i32({1, 1}, {2, 1});
  auto f = [&](const array& u) { return lax::scatter(base, idx, u, kScatterElements); };
  auto t = xjax::linear_transpose(f, randn({2}));
  CHECK_THROWS_AS(t(randn({4})), xjax::not_implemented_error);
  try {
    t(randn({4}));
  } catch (const xjax::error& e) {
    CHECK(std::string(e.what()).find("unique_indices") != std::string::npos);
  }

  // dot_general with both operands linear is not linear: transposing it is an error.
  auto square = [](const array& a) { return lax::dot_general(a, a, {.lhs_contracting = {1}, .rhs_contracting = {1}}); };
  auto ts = xjax::linear_transpose(square, randn({2, 3}));
  CHECK_THROWS_AS(ts(randn({2, 2})), xjax::value_error);

  // split's shape rule.
  CHECK_THROWS_AS(lax::split(randn({5}), {2, 2}), xjax::value_error);
  CHECK_THROWS_AS(lax::split(randn({5}), {6, -1}), xjax::value_error);
  CHECK_THROWS_AS(lax::split(randn({}), {}), xjax::value_error);
  CHECK_THROWS_AS(lax::split(randn({2, 3}), {3}, 2), xjax::value_error);
}
