// Batching rules of the reductions family (primitives/reductions.hpp):
//  - every primitive (reduce_sum/prod/max/min/and/or/xor, argmax/argmin, cumsum/prod/
//    max/min, sort with 1-3 operands, top_k, iota) under vmap, over every operand axis
//    (negative in_axes, xjax::none mixes, nothing mapped with axis_size; out_axes 0, 1
//    and -1), equals the per-example results stacked, bit for bit, eagerly and through
//    make_jaxpr, on several per-example shapes (0-d, reductions to 0-d, empty axes),
//    several axes choices and dtypes (floats, integers, bools for the logical ones);
//  - golden cases from JAX 0.10.2 (tests/golden/gen_vmap_reductions.py): values, and
//    make_jaxpr(vmap(f)) with JAX's number of equations, primitives and text;
//  - vmap(grad(f)), grad(vmap(f)) and vmap(vmap(f)) against per-example loops;
//  - the rules' errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/golden.hpp"

#include <xjax/xjax.hpp>
// The primitives themselves, to call their batching rules directly (an implementation
// header: its definitions are weak duplicates of the library's).
#include <xjax/primitives/reductions.hpp>

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
namespace prim = xjax::prim;
using xjax::array;
using xjax::dtype;
using xjax::shape_t;

namespace {

using fn_t = std::function<std::vector<array>(const std::vector<array>&)>;
using axes_t = std::vector<std::optional<std::int64_t>>;

constexpr std::int64_t batch = 4;  // differs from the per-example sizes 2, 3 and 5

// ---------------------------------------------------------------------------
// The generic check: vmap(f) against the per-example results stacked.

/// vmap(f, in_axes, out_axis, axis_size) applied to `a` (f takes its operands as a
/// vector; the vmapped function takes them as separate arguments, one in_axes entry each).
std::vector<array> call_vmap(const fn_t& f, const std::vector<array>& a, const axes_t& in_axes, std::int64_t out_axis,
                             std::optional<std::int64_t> axis_size = std::nullopt) {
  REQUIRE(in_axes.size() == a.size());
  auto ax = [&](std::size_t i) { return in_axes[i] ? xjax::axis_spec(*in_axes[i]) : xjax::axis_spec(xjax::none); };
  using list = std::initializer_list<xjax::axis_spec>;
  switch (a.size()) {
    case 1: return xjax::vmap([&](const array& x) { return f({x}); }, list{ax(0)}, out_axis, "", axis_size)(a[0]);
    case 2:
      return xjax::vmap([&](const array& x, const array& y) { return f({x, y}); }, list{ax(0), ax(1)}, out_axis, "",
                        axis_size)(a[0], a[1]);
    case 3:
      return xjax::vmap([&](const array& x, const array& y, const array& z) { return f({x, y, z}); },
                        list{ax(0), ax(1), ax(2)}, out_axis, "", axis_size)(a[0], a[1], a[2]);
    default: FAIL("unsupported arity " << a.size()); return {};
  }
}

std::int64_t normalize(std::int64_t axis, std::int64_t ndim) { return axis < 0 ? axis + ndim : axis; }

/// Element `i` of `x` along `axis` (a slice, the axis removed).
array take(const array& x, std::int64_t axis, std::int64_t i) {
  shape_t start(static_cast<std::size_t>(x.ndim()), 0), limit = x.shape();
  start[static_cast<std::size_t>(axis)] = i;
  limit[static_cast<std::size_t>(axis)] = i + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

/// f applied to each example (sliced from the mapped arguments; the unmapped ones
/// passed whole) and each output stacked along out_axis: what vmap must compute.
std::vector<array> stacked(const fn_t& f, const std::vector<array>& a, const axes_t& in_axes, std::int64_t out_axis,
                           std::int64_t size = -1) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (in_axes[i]) size = a[i].shape()[static_cast<std::size_t>(normalize(*in_axes[i], a[i].ndim()))];
  REQUIRE(size >= 0);
  std::vector<std::vector<array>> per_output;
  for (std::int64_t b = 0; b < size; ++b) {
    std::vector<array> example;
    for (std::size_t i = 0; i < a.size(); ++i)
      example.push_back(in_axes[i] ? take(a[i], normalize(*in_axes[i], a[i].ndim()), b) : a[i]);
    std::vector<array> outs = f(example);
    per_output.resize(outs.size());
    for (std::size_t k = 0; k < outs.size(); ++k) per_output[k].push_back(outs[k]);
  }
  std::vector<array> out;
  for (auto& o : per_output) out.push_back(jnp::stack(o, out_axis));
  return out;
}

/// Empty when got and want have the same type and the same bytes (NaNs and signed
/// zeros included: vmap computes what the per-example calls compute).
std::string bitwise_difference(const std::vector<array>& got, const std::vector<array>& want) {
  if (got.size() != want.size()) return std::to_string(got.size()) + " outputs, want " + std::to_string(want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    std::ostringstream s;
    if (got[k].aval() != want[k].aval()) {
      s << "output " << k << ": type " << got[k].aval().str() << " where " << want[k].aval().str() << " was expected";
      return s.str();
    }
    const auto bytes = static_cast<std::size_t>(got[k].nbytes());  // memcmp may not see the null data of an empty array
    if (bytes > 0 && std::memcmp(got[k].raw_data(), want[k].raw_data(), bytes) != 0) {
      s << "output " << k << ": got " << got[k] << ", want " << want[k];
      return s.str();
    }
  }
  return "";
}

std::string axes_str(const axes_t& axes) {
  std::string s;
  for (auto& a : axes) s += (s.empty() ? "" : ",") + (a ? std::to_string(*a) : std::string("none"));
  return "(" + s + ")";
}

/// Checks vmap(f) over `a` against `want`, eagerly and through make_jaxpr + eval_jaxpr.
void check_against(const std::string& where, const fn_t& vf, const std::vector<array>& a,
                   const std::vector<array>& want) {
  INFO(where);
  std::vector<array> got;
  try {
    got = vf(a);
  } catch (const std::exception& e) {
    FAIL("vmap threw: " << std::string(e.what()));
  }
  const std::string eager = bitwise_difference(got, want);
  CHECK_MESSAGE(eager.empty(), "eager: " << eager);
  // Traced: the batching rules must stage ops, not read values.
  xjax::closed_jaxpr j;
  try {
    j = xjax::make_jaxpr(vf)(a);
  } catch (const std::exception& e) {
    FAIL("make_jaxpr(vmap) threw: " << std::string(e.what()));
  }
  const std::string staged = bitwise_difference(xjax::eval_jaxpr(j, a), want);
  CHECK_MESSAGE(staged.empty(), "through make_jaxpr: " << staged << "\n" << j);
}

std::string describe(const std::string& what, const axes_t& in_axes, std::int64_t out_axis,
                     const std::vector<array>& a) {
  std::string where = what + " in_axes=" + axes_str(in_axes) + " out_axes=" + std::to_string(out_axis) + " on";
  for (auto& x : a) where += " " + x.aval().str();
  return where;
}

/// vmap(f, in_axes, out_axis) over `a` equals f's per-example results stacked.
void check_vmap(const std::string& what, const fn_t& f, const std::vector<array>& a, const axes_t& in_axes,
                std::int64_t out_axis) {
  const std::string where = describe(what, in_axes, out_axis, a);
  std::vector<array> want;
  try {
    want = stacked(f, a, in_axes, out_axis);
  } catch (const std::exception& e) {
    FAIL(where << ": the per-example calls threw: " << std::string(e.what()));
  }
  check_against(where, [&](const std::vector<array>& xs) { return call_vmap(f, xs, in_axes, out_axis); }, a, want);
}

/// vmap with nothing mapped and an axis_size: f's result broadcast along out_axis.
void check_unmapped(const std::string& what, const fn_t& f, const std::vector<array>& a, std::int64_t out_axis) {
  const axes_t none(a.size());
  const std::string where = describe(what, none, out_axis, a) + " axis_size=3";
  check_against(where, [&](const std::vector<array>& xs) { return call_vmap(f, xs, none, out_axis, 3); }, a,
                stacked(f, a, none, out_axis, 3));
}

// ---------------------------------------------------------------------------
// Data

/// Deterministic data of `shape` and dtype `d`: integers in [lo, hi) (bool: 0/1),
/// divided by `scale` for floats (scale 1: integer-valued floats, so with ties).
array data(const shape_t& shape, dtype d, std::uint64_t seed, int lo = -5, int hi = 5, double scale = 1) {
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  std::vector<double> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  if (d.is_bool()) lo = 0, hi = 2;
  if (d.is_unsigned_integer()) lo = 0, hi = hi + 250;
  for (auto& x : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    x = static_cast<double>(lo + static_cast<int>((state >> 33) % static_cast<std::uint64_t>(hi - lo)));
    if (d.is_floating()) x /= scale;
  }
  return lax::convert_element_type(array::from_vector(v, shape), d);
}

/// `s` with the batch dimension inserted where in_axis (of the batched rank) puts it.
shape_t with_batch(shape_t s, std::optional<std::int64_t> axis) {
  if (axis) s.insert(s.begin() + normalize(*axis, static_cast<std::int64_t>(s.size()) + 1), batch);
  return s;
}

/// The in_axes entries for an operand of per-example rank r: every position 0..r, and
/// -1 (and -(r+1) when it differs from -1).
std::vector<std::int64_t> axis_choices(std::int64_t r) {
  std::vector<std::int64_t> c;
  for (std::int64_t d = 0; d <= r; ++d) c.push_back(d);
  c.push_back(-1);
  if (r >= 1) c.push_back(-(r + 1));
  return c;
}

/// out_axes for the k-th check of a function whose outputs have per-example rank r:
/// 0, -1 and 1 in turn (1 only where valid).
std::int64_t out_choice(std::size_t k, std::int64_t r) {
  const std::int64_t c[] = {0, -1, 1};
  const std::int64_t o = c[k % 3];
  return o == 1 && r < 1 ? 0 : o;
}

std::string dtype_name(dtype d) { return std::string(d.name()); }

/// Checks `f` of one operand over every in_axis of an example of `shape`, with
/// varying out_axes, and with nothing mapped.
void check_unary(const std::string& what, const fn_t& f, const shape_t& shape, dtype d, std::int64_t out_rank,
                 std::uint64_t seed, int lo = -5, int hi = 5, double scale = 1) {
  std::size_t k = 0;
  for (std::int64_t ax : axis_choices(static_cast<std::int64_t>(shape.size()))) {
    const array x = data(with_batch(shape, ax), d, seed + k, lo, hi, scale);
    check_vmap(what, f, {x}, {ax}, out_choice(k++, out_rank));
  }
  check_unmapped(what, f, {data(shape, d, seed, lo, hi, scale)}, out_choice(k, out_rank));
}

std::string shape_name(const shape_t& s) { return xjax::shape_str(s); }

// ---------------------------------------------------------------------------
// The functions of the golden cases (tests/golden/gen_vmap_reductions.py defines the
// same ones under the same names).

using xjax::bfloat16;
using xjax::float16;
using xjax::float32;
using xjax::int32;
using xjax::int8;
using xjax::uint16;
using xjax::uint8;

array loss_sum(const array& x) { return lax::reduce_sum(lax::mul(lax::sin(x), x), {0, 1}); }
array loss_max(const array& x) { return lax::reduce_max(lax::reduce_sum(lax::mul(x, x), {1}), {0}); }
array loss_prod(const array& x) { return lax::reduce_prod(lax::cos(x), {1, 0}); }
array loss_sort(const array& x) {
  const array w = lax::convert_element_type(lax::broadcasted_iota(int32, {2, 3}, 1), float32);
  return lax::reduce_sum(lax::mul(lax::sort(x, 1), w), {0, 1});
}
array loss_cumsum(const array& x) {
  const array s = lax::cumsum(x, 1);  // first, as Python evaluates it
  return lax::reduce_sum(lax::mul(s, lax::cumprod(x, 0)), {0, 1});
}

const std::map<std::string, array (*)(const array&)>& losses() {
  static const std::map<std::string, array (*)(const array&)> m{{"loss_sum", loss_sum},
                                                                 {"loss_max", loss_max},
                                                                 {"loss_prod", loss_prod},
                                                                 {"loss_sort", loss_sort},
                                                                 {"loss_cumsum", loss_cumsum}};
  return m;
}

fn_t one(std::function<array(const array&)> f) {
  return [f](const std::vector<array>& a) { return std::vector<array>{f(a[0])}; };
}
std::vector<array> pair_vec(std::pair<array, array> p) { return {p.first, p.second}; }

const std::map<std::string, fn_t>& functions() {
  static const std::map<std::string, fn_t> m = [] {
    std::map<std::string, fn_t> f{
        {"sum_1", one([](const array& x) { return lax::reduce_sum(x, {1}); })},
        {"sum_10", one([](const array& x) { return lax::reduce_sum(x, {1, 0}); })},
        {"sum_none", one([](const array& x) { return lax::reduce_sum(x, {}); })},
        {"prod_0", one([](const array& x) { return lax::reduce_prod(x, {0}); })},
        {"max_1", one([](const array& x) { return lax::reduce_max(x, {1}); })},
        {"min_02", one([](const array& x) { return lax::reduce_min(x, {0, 2}); })},
        {"and_1", one([](const array& x) { return lax::reduce_and(x, {1}); })},
        {"or_0", one([](const array& x) { return lax::reduce_or(x, {0}); })},
        {"xor_10", one([](const array& x) { return lax::reduce_xor(x, {1, 0}); })},
        {"argmax_1", one([](const array& x) { return lax::argmax(x, 1, int32); })},
        {"argmin_0", one([](const array& x) { return lax::argmin(x, 0, int8); })},
        {"cumsum_1r", one([](const array& x) { return lax::cumsum(x, 1, true); })},
        {"cumprod_0", one([](const array& x) { return lax::cumprod(x, 0); })},
        {"cummax_0r", one([](const array& x) { return lax::cummax(x, 0, true); })},
        {"cummin_1", one([](const array& x) { return lax::cummin(x, 1); })},
        {"sort_last", one([](const array& x) { return lax::sort(x); })},
        {"sort_kv", [](const std::vector<array>& a) { return lax::sort(a, 0, true, 1); }},
        {"sort3_keys2", [](const std::vector<array>& a) { return lax::sort(a, 0, true, 2); }},
        {"top_k_2", [](const std::vector<array>& a) { return pair_vec(lax::top_k(a[0], 2)); }},
        {"top_k_axis0", [](const std::vector<array>& a) { return pair_vec(lax::top_k(a[0], 1, 0)); }},
        {"iota_add", one([](const array& x) { return lax::add(x, lax::broadcasted_iota(float32, {2, 3}, 1)); })},
        {"softmax_1", one([](const array& x) {
           // In Python's order of evaluation, so that the equations come in JAX's order.
           const array e = lax::exp(lax::sub(x, lax::broadcast_in_dim(lax::reduce_max(x, {1}), {2, 3}, {0})));
           return lax::div(e, lax::broadcast_in_dim(lax::reduce_sum(lax::exp(x), {1}), {2, 3}, {0}));
         })},
    };
    for (auto& [name, loss] : losses()) {
      auto g = xjax::grad(loss);
      f["grad_" + name] = one([g](const array& x) { return g(x); });
    }
    return f;
  }();
  return m;
}

}  // namespace

// ---------------------------------------------------------------------------
// Every primitive, every operand axis, against the per-example results.

TEST_CASE("vmap of reduce_sum/prod/max/min/and/or/xor: axes shifted past the batch dimension") {
  // Per-example shapes and the axes reduced: no axis, reductions to 0-d, axes in
  // either order, the batch dim before, between and after them.
  const std::vector<std::pair<shape_t, std::vector<shape_t>>> shapes{
      {{}, {{}}}, {{3}, {{}, {0}}}, {{2, 3}, {{0}, {1}, {1, 0}, {0, 1}}}, {{2, 3, 2}, {{1}, {2, 0}, {0, 1, 2}}}};
  using reduce_fn = array (*)(const array&, const shape_t&);
  struct op {
    std::string name;
    reduce_fn f;
    std::vector<dtype> dtypes;
  };
  const std::vector<op> ops{{"reduce_sum", lax::reduce_sum, {float32, int32, uint8, float16}},
                            {"reduce_prod", lax::reduce_prod, {float32, int32}},
                            {"reduce_max", lax::reduce_max, {float32, int32, xjax::bool_}},
                            {"reduce_min", lax::reduce_min, {float32, uint8, xjax::bool_}},
                            {"reduce_and", lax::reduce_and, {xjax::bool_, int32, uint8}},
                            {"reduce_or", lax::reduce_or, {xjax::bool_, int32}},
                            {"reduce_xor", lax::reduce_xor, {xjax::bool_, uint8}}};
  std::uint64_t seed = 1;
  for (const auto& o : ops) {
    for (dtype d : o.dtypes) {
      for (const auto& [shape, axes_list] : shapes) {
        for (const shape_t& axes : axes_list) {
          const fn_t f = one([&o, axes](const array& x) { return o.f(x, axes); });
          const auto out_rank = static_cast<std::int64_t>(shape.size() - axes.size());
          check_unary(o.name + " axes=" + shape_name(axes) + " " + dtype_name(d), f, shape, d, out_rank, seed++, -5, 5,
                      4);
        }
      }
    }
  }
}

TEST_CASE("vmap of argmax and argmin: the axis shifted, ties and NaN as per example") {
  const std::vector<shape_t> shapes{{5}, {2, 3}, {3, 2, 2}};
  std::uint64_t seed = 100;
  for (bool is_max : {true, false}) {
    for (dtype d : {float32, int32, xjax::bool_}) {
      for (dtype index : {int32, int8, uint16}) {
        for (const shape_t& shape : shapes) {
          for (std::int64_t axis = 0; axis < static_cast<std::int64_t>(shape.size()); ++axis) {
            const fn_t f = one([=](const array& x) {
              return is_max ? lax::argmax(x, axis, index) : lax::argmin(x, axis, index);
            });
            check_unary(std::string(is_max ? "argmax" : "argmin") + " axis=" + std::to_string(axis) + " " +
                            dtype_name(d) + " index " + dtype_name(index),
                        f, shape, d, static_cast<std::int64_t>(shape.size()) - 1, seed++, -2, 2);
          }
        }
      }
    }
  }
  // NaNs: the first one wins in its own example only.
  const array x = lax::div(data({batch, 5}, float32, 7, -2, 2), data({batch, 5}, float32, 8, -1, 2));  // 0/0 somewhere
  check_vmap("argmax with NaNs", one([](const array& v) { return lax::argmax(v, 0, int32); }), {x}, {0}, 0);
  check_vmap("argmin with NaNs", one([](const array& v) { return lax::argmin(v, 0, int32); }), {x}, {1}, 0);
}

TEST_CASE("vmap of cumsum/cumprod/cummax/cummin: the axis shifted, reverse kept") {
  using cum_fn = array (*)(const array&, std::int64_t, bool);
  const std::vector<std::pair<std::string, cum_fn>> ops{
      {"cumsum", lax::cumsum}, {"cumprod", lax::cumprod}, {"cummax", lax::cummax}, {"cummin", lax::cummin}};
  const std::vector<shape_t> shapes{{1}, {5}, {2, 3}, {3, 2, 2}};
  std::uint64_t seed = 300;
  for (const auto& [name, op] : ops) {
    for (dtype d : {float32, int32, bfloat16}) {
      for (const shape_t& shape : shapes) {
        for (std::int64_t axis = 0; axis < static_cast<std::int64_t>(shape.size()); ++axis) {
          for (bool reverse : {false, true}) {
            const fn_t f = one([op, axis, reverse](const array& x) { return op(x, axis, reverse); });
            check_unary(name + " axis=" + std::to_string(axis) + (reverse ? " reverse " : " ") + dtype_name(d), f,
                        shape, d, static_cast<std::int64_t>(shape.size()), seed++, -4, 4, 2);
          }
        }
      }
    }
  }
}

TEST_CASE("vmap of sort: one to three operands, batched or not, along different dims") {
  const std::vector<shape_t> shapes{{5}, {3, 4}, {2, 3, 2}};
  std::uint64_t seed = 500;
  // One operand: every dimension, every batch axis (ties: the sort is stable).
  for (dtype d : {float32, int32, xjax::bool_}) {
    for (const shape_t& shape : shapes) {
      const auto rank = static_cast<std::int64_t>(shape.size());
      for (std::int64_t dim = -1; dim < rank; ++dim) {
        const fn_t f = one([dim](const array& x) { return lax::sort(x, dim); });
        check_unary("sort dimension=" + std::to_string(dim) + " " + dtype_name(d), f, shape, d, rank, seed++, -3, 3);
      }
    }
  }
  // Two and three operands: every combination of none/0/1/-1 per operand (an unbatched
  // operand is broadcast to the batched ones' shape), num_keys 1 .. n.
  const std::vector<std::vector<dtype>> signatures{{float32, int32}, {int32, float32, xjax::bool_}};
  for (const auto& sig : signatures) {
    const std::size_t n = sig.size();
    for (const shape_t& shape : {shape_t{5}, shape_t{3, 4}}) {
      const auto rank = static_cast<std::int64_t>(shape.size());
      const std::vector<std::optional<std::int64_t>> choices{std::nullopt, 0, 1, -1};
      std::size_t combos = 1;
      for (std::size_t i = 0; i < n; ++i) combos *= choices.size();
      std::size_t k = 0;
      for (std::size_t c = 0; c < combos; ++c) {
        axes_t in_axes;
        for (std::size_t i = 0, m = c; i < n; ++i, m /= choices.size()) in_axes.push_back(choices[m % choices.size()]);
        std::vector<array> args;
        bool any = false;
        for (std::size_t i = 0; i < n; ++i) {
          args.push_back(data(with_batch(shape, in_axes[i]), sig[i], seed++, -2, 2));
          any = any || in_axes[i].has_value();
        }
        if (!any) continue;
        const std::int64_t num_keys = 1 + static_cast<std::int64_t>(c % n);
        const std::int64_t dim = static_cast<std::int64_t>(c / n) % rank;
        const fn_t f = [dim, num_keys](const std::vector<array>& a) { return lax::sort(a, dim, true, num_keys); };
        check_vmap("sort of " + std::to_string(n) + " dimension=" + std::to_string(dim) + " num_keys=" +
                       std::to_string(num_keys),
                   f, args, in_axes, out_choice(k++, rank));
      }
    }
  }
  // Nothing mapped.
  check_unmapped("sort of 2", [](const std::vector<array>& a) { return lax::sort(a, 0, true, 1); },
                 {data({5}, float32, 1), data({5}, int32, 2)}, -1);
}

TEST_CASE("vmap of top_k: the axis shifted past the batch dimension") {
  const std::vector<shape_t> shapes{{1}, {5}, {3, 4}, {2, 3, 4}};
  std::uint64_t seed = 700;
  for (dtype d : {float32, int32, uint8}) {
    for (const shape_t& shape : shapes) {
      const auto rank = static_cast<std::int64_t>(shape.size());
      for (std::int64_t axis : {std::int64_t{-1}, std::int64_t{0}}) {
        const std::int64_t n = shape[static_cast<std::size_t>(normalize(axis, rank))];
        for (std::int64_t k : {std::int64_t{0}, std::int64_t{1}, n}) {
          const fn_t f = [k, axis](const std::vector<array>& a) { return pair_vec(lax::top_k(a[0], k, axis)); };
          check_unary("top_k k=" + std::to_string(k) + " axis=" + std::to_string(axis) + " " + dtype_name(d), f, shape,
                      d, rank, seed++, -3, 3);
        }
      }
    }
  }
}

TEST_CASE("vmap of functions with iota: iota is never batched") {
  // iota has no operand: under vmap it stays per-example (the jaxpr's iota has the
  // example's shape), and an iota alone is an unbatched output, broadcast by vmap.
  for (std::int64_t dim : {0, 1}) {
    const fn_t f = one([dim](const array& x) { return lax::mul(x, lax::broadcasted_iota(int32, {2, 3}, dim)); });
    check_unary("mul by iota dimension=" + std::to_string(dim), f, {2, 3}, int32, 2, 900 + static_cast<std::uint64_t>(dim));
  }
  const fn_t alone = [](const std::vector<array>&) { return std::vector<array>{lax::iota(float32, 3)}; };
  check_vmap("iota alone", alone, {data({batch, 2}, float32, 3)}, {0}, 1);
  const array x = data({batch, 2, 3}, float32, 4);
  xjax::closed_jaxpr j = xjax::make_jaxpr([](const array& v) {
    return xjax::vmap([](const array& e) { return lax::add(e, lax::broadcasted_iota(float32, {2, 3}, 1)); })(v);
  })(x);
  const std::string text = xjax::to_string(j);
  CHECK_MESSAGE(text.find("iota[dimension=1 dtype=float32 shape=(2, 3) sharding=None]") != std::string::npos, text);
  // Its rule (vmap never calls it: no operand is batched) binds it unbatched.
  const xjax::batch_result r = prim::iota_p().batch_rule({}, {}, prim::iota_params{int32, {3}, 0}, {batch, ""});
  REQUIRE(r.outs.size() == 1);
  CHECK(r.dims[0] == xjax::not_mapped);
  CHECK(r.outs[0].shape() == shape_t{3});
}

// ---------------------------------------------------------------------------
// Composition with grad and with vmap itself.

TEST_CASE("vmap(grad(f)) and grad(vmap(f)) equal the per-example gradients") {
  std::uint64_t seed = 1000;
  for (const auto& [name, loss] : losses()) {
    const auto g = xjax::grad(loss);
    const fn_t per_example = one([g](const array& x) { return g(x); });
    for (std::int64_t ax : {0, 1, -1}) {
      const array x = data(with_batch({2, 3}, ax), float32, seed++, -8, 8, 4);  // ties for max and sort
      check_vmap("vmap(grad(" + name + "))", per_example, {x}, {ax}, ax == 1 ? -1 : 0);
      // grad of the batch's total: each example's gradient, in place.
      auto total = [loss = loss, ax](const array& v) { return lax::reduce_sum(xjax::vmap(loss, ax)(v), {0}); };
      const fn_t gv = one([total](const array& v) { return xjax::grad(total)(v); });
      const std::vector<array> want = stacked(per_example, {x}, {ax}, normalize(ax, 3));
      check_against("grad(vmap(" + name + ")) in_axes=" + std::to_string(ax), gv, {x}, want);
    }
  }
  // A per-example gradient of a batch-shared parameter: vmap(grad, {none, 0}).
  auto weighted = [](const array& w, const array& x) { return lax::reduce_max(lax::reduce_sum(lax::mul(w, x), {1}), {0}); };
  const fn_t dw = [weighted](const std::vector<array>& a) { return std::vector<array>{xjax::grad(weighted)(a[0], a[1])}; };
  check_vmap("vmap(grad(weighted max), {none, 0})", dw, {data({2, 3}, float32, 5), data({2, 3, batch}, float32, 6)},
             {std::nullopt, 2}, 1);
}

TEST_CASE("vmap(vmap(f)) with different in_axes equals the per-example results stacked twice") {
  struct nested {
    std::string fn;
    axes_t outer, inner;
    std::vector<shape_t> shapes;  // batched twice
    std::vector<dtype> dtypes;
    std::int64_t out_axis;
  };
  const std::vector<nested> cases{
      {"sum_10", {0}, {1}, {{batch, 2, 3, 2}}, {float32}, 0},
      {"sum_10", {2}, {0}, {{3, 2, batch, 2}}, {int32}, 1},
      {"min_02", {-1}, {1}, {{2, 3, 3, 2, batch}}, {float32}, 0},
      {"argmax_1", {1}, {-1}, {{2, batch, 3, 2}}, {float32}, -1},
      {"cumsum_1r", {0}, {2}, {{batch, 2, 3, 2}}, {float32}, 1},
      {"sort_kv", {0, std::nullopt}, {std::nullopt, 1}, {{batch, 4}, {4, 2}}, {float32, int32}, 0},
      {"sort_kv", {1, 0}, {0, 0}, {{3, batch, 4}, {batch, 3, 4}}, {float32, float32}, 1},
      {"sort3_keys2", {std::nullopt, 0, 1}, {0, std::nullopt, 0}, {{3, 4}, {batch, 4}, {3, batch, 4}},
       {int32, int32, float32}, -1},
      {"top_k_2", {2}, {0}, {{2, 3, batch, 4}}, {float32}, 0},
  };
  std::uint64_t seed = 1200;
  for (const auto& c : cases) {
    const fn_t f = functions().at(c.fn);
    std::vector<array> args;
    for (std::size_t i = 0; i < c.shapes.size(); ++i) args.push_back(data(c.shapes[i], c.dtypes[i], seed++, -3, 3));
    const fn_t inner_stacked = [&](const std::vector<array>& ex) { return stacked(f, ex, c.inner, 0); };
    const fn_t inner_vmap = [&](const std::vector<array>& ex) { return call_vmap(f, ex, c.inner, 0); };
    const std::vector<array> want = stacked(inner_stacked, args, c.outer, c.out_axis);
    check_against(describe("vmap(vmap(" + c.fn + ", " + axes_str(c.inner) + "))", c.outer, c.out_axis, args),
                  [&](const std::vector<array>& xs) { return call_vmap(inner_vmap, xs, c.outer, c.out_axis); }, args,
                  want);
  }
}

// ---------------------------------------------------------------------------
// Golden cases from JAX 0.10.2.

namespace {

/// The primitives of a jaxpr printed by JAX, in order: the top-level equations, each
/// `a:f32[2,3] b:i32[] = prim...`, at the start of a line, or all on the first line
/// when JAX prints the jaxpr on one line (`{ lambda ; a:f32[3]. let b:f32[] = ... in (b,) }`).
std::vector<std::string> jax_primitives(const std::string& text) {
  static const std::regex eqn(R"((?:[a-z_]+:[a-z0-9]+\[[0-9,]*\]\s+)+= ([a-z_\-]+))");
  static const std::regex eqn_line(R"(^\s+(?:[a-z_]+:[a-z0-9]+\[[0-9,]*\]\s+)+= ([a-z_\-]+))");
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  if (const auto let = line.find(". let "); let != std::string::npos) {
    const std::string body = line.substr(let);
    for (std::sregex_iterator it(body.begin(), body.end(), eqn), end; it != end; ++it) out.push_back((*it)[1]);
    return out;
  }
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, eqn_line)) out.push_back(m[1]);
  }
  return out;
}

/// Parses "0,n,-1" into in_axes.
axes_t parse_axes(const std::string& s) {
  axes_t out;
  std::istringstream in(s);
  std::string tok;
  while (std::getline(in, tok, ',')) out.push_back(tok == "n" ? std::nullopt : std::optional<std::int64_t>(std::stoll(tok)));
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string tok;
  while (std::getline(in, tok, sep)) out.push_back(tok);
  return out;
}

}  // namespace

TEST_CASE("golden: vmap of reductions as jax.vmap 0.10.2 (values, equation counts, primitives, text)") {
  const auto& cases = xjax::testing::golden_file::load("vmap_reductions").cases();
  REQUIRE(cases.size() >= 70);
  int compared_text = 0;
  for (const auto& c : cases) {
    INFO("case " << c.name);
    const auto parts = split(c.name, ';');
    REQUIRE(parts.size() == 4);
    const std::int64_t out_axis = std::stoll(parts[2]);
    const std::size_t n_out = c.outputs.size() - 2;
    const std::int64_t jax_count = c.outputs[n_out].item<std::int64_t>();
    const std::int64_t jax_example_count = c.outputs[n_out + 1].item<std::int64_t>();
    fn_t vf, example_fn;
    std::vector<array> examples = c.inputs;
    const std::string grad_of_vmap = "grad_of_vmap_";
    if (parts[0].rfind(grad_of_vmap, 0) == 0) {
      const auto loss = losses().at(parts[0].substr(grad_of_vmap.size()));
      const std::int64_t ax = std::stoll(parts[1]);
      auto total = [loss, ax](const array& v) { return lax::reduce_sum(xjax::vmap(loss, ax)(v), {0}); };
      vf = one([total](const array& v) { return xjax::grad(total)(v); });
      example_fn = one([loss](const array& v) { return xjax::grad(loss)(v); });
      examples = {take(c.inputs[0], normalize(ax, c.inputs[0].ndim()), 0)};
    } else {
      const fn_t f = functions().at(parts[0]);
      example_fn = f;
      const auto levels = split(parts[1], '/');
      const axes_t outer = parse_axes(levels[0]);
      for (std::size_t i = 0; i < examples.size(); ++i)
        if (outer[i]) examples[i] = take(examples[i], normalize(*outer[i], examples[i].ndim()), 0);
      if (levels.size() == 1) {
        vf = [f, outer, out_axis](const std::vector<array>& a) { return call_vmap(f, a, outer, out_axis); };
      } else {
        const axes_t inner = parse_axes(levels[1]);
        for (std::size_t i = 0; i < examples.size(); ++i)
          if (inner[i]) examples[i] = take(examples[i], normalize(*inner[i], examples[i].ndim()), 0);
        vf = [f, outer, inner, out_axis](const std::vector<array>& a) {
          const fn_t iv = [f, inner](const std::vector<array>& e) { return call_vmap(f, e, inner, 0); };
          return call_vmap(iv, a, outer, out_axis);
        };
      }
    }
    std::vector<array> got;
    xjax::closed_jaxpr j, j1;
    try {
      got = vf(c.inputs);
      j = xjax::make_jaxpr(vf)(c.inputs);
      j1 = xjax::make_jaxpr(example_fn)(examples);
    } catch (const std::exception& e) {
      FAIL("threw: " << std::string(e.what()));
    }
    REQUIRE(got.size() == n_out);
    for (std::size_t k = 0; k < n_out; ++k) {
      const std::string diff = xjax::testing::compare(got[k], c.outputs[k], 2e-6);
      CHECK_MESSAGE(diff.empty(), "output " << k << ": " << diff);
    }
    const std::string text = xjax::to_string(j);
    CHECK_MESSAGE(static_cast<std::int64_t>(j.jaxpr->eqns.size()) == jax_count, "xjax:\n" << text << "\nJAX:\n" << c.jaxpr);
    CHECK(static_cast<std::int64_t>(j1.jaxpr->eqns.size()) == jax_example_count);
    std::vector<std::string> prims;
    for (const auto& e : j.jaxpr->eqns) prims.emplace_back(e.prim->name());
    CHECK_MESSAGE(prims == jax_primitives(c.jaxpr), "xjax:\n" << text << "\nJAX:\n" << c.jaxpr);
    // The text itself, where JAX prints no numpy scalar in a param.
    if (c.jaxpr.find("np.") == std::string::npos) {
      CHECK_MESSAGE(text == c.jaxpr, "xjax:\n" << text << "\nJAX:\n" << c.jaxpr);
      ++compared_text;
    }
  }
  CHECK(compared_text >= 15);
}

// ---------------------------------------------------------------------------
// Errors

TEST_CASE("vmap of reductions: errors name the op and the per-example axes") {
  auto error_of = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const xjax::error& e) {
      return e.what();
    }
    return "no error";
  };
  const array x = data({batch, 2, 3}, float32, 1);
  // Axes are checked against the example (rank 2), not the batched operand (rank 3).
  std::string msg = error_of([&] { xjax::vmap([](const array& v) { return lax::reduce_sum(v, {2}); })(x); });
  CHECK_MESSAGE(msg.find("[reduce_sum]") != std::string::npos, msg);
  CHECK_MESSAGE(msg.find("(2,)") != std::string::npos, msg);
  CHECK_MESSAGE(msg.find("f32[2,3]") != std::string::npos, msg);
  msg = error_of([&] { xjax::vmap([](const array& v) { return lax::cumsum(v, 2); }, 2)(x); });
  CHECK_MESSAGE(msg.find("[cumsum] axis 2") != std::string::npos, msg);
  msg = error_of([&] { xjax::vmap([](const array& v) { return lax::argmax(v, 2, int32); }, 1)(x); });
  CHECK_MESSAGE(msg.find("[argmax]") != std::string::npos, msg);
  msg = error_of([&] { xjax::vmap([](const array& v) { return lax::top_k(v, 4, 1); })(x); });
  CHECK_MESSAGE(msg.find("[top_k] k=4") != std::string::npos, msg);
  // sort: operands of different per-example shapes, batched or not.
  msg = error_of([&] {
    xjax::vmap([](const array& k, const array& v) { return lax::sort({k, v}, 0, true, 1); }, {0, xjax::none})(
        x, data({3, 2}, float32, 2));
  });
  CHECK_MESSAGE(msg.find("[sort] operands must have equal shapes") != std::string::npos, msg);
  // The rules called directly with inconsistent batch dimensions.
  const xjax::batch_axis axis{batch, ""};
  msg = error_of([&] { prim::reduce_sum_p().batch_rule(std::vector<array>{x}, {}, prim::reduce_sum_params{{0}}, axis); });
  CHECK_MESSAGE(msg.find("[reduce_sum] the batching rule got 0 batch dimensions for 1 operands") != std::string::npos, msg);
  const std::int64_t bad[] = {3};
  msg = error_of([&] { prim::sort_p().batch_rule(std::vector<array>{x}, bad, prim::sort_params{}, axis); });
  CHECK_MESSAGE(msg.find("[sort] batch dimension 3 of operand 0 is out of range for its type f32[4,2,3]") !=
                    std::string::npos,
                msg);
  msg = error_of([&] { prim::cummax_p().batch_rule(std::vector<array>{x, x}, std::vector<std::int64_t>{0, 0},
                                                   prim::cumulative_params{}, axis); });
  CHECK_MESSAGE(msg.find("[cummax] expected 1 operands, got 2") != std::string::npos, msg);
}
