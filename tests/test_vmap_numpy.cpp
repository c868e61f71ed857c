// xjax::numpy, xjax::scipy::special and xjax::nn under vmap, issue #5's acceptance
// criterion: for every function of include/xjax/numpy/*.hpp, scipy/special.hpp and
// nn/functions.hpp, vmap(f) over each argument axis equals f applied to each slice,
// stacked; with in_axes mixing none, 0 and negative axes, and out_axes 0 and -1.
// (The primitives themselves are covered by tests/test_vmap_<family>.cpp.)
//
// Table-driven: a row is (name, function, examples), an example being the per-example
// shapes and value generators (dtype, range) of the arguments. Every function has the
// one type fn_t, so vmap and the checker are instantiated once. For each example, the
// checker runs vmap with every combination of in_axes (each argument unmapped, mapped
// along 0, or along its last axis written as -1; at least one mapped) and out_axes 0 and
// -1, on arguments drawn from a std::mt19937 with a fixed seed, eagerly and through
// make_jaxpr + eval_jaxpr, and compares with the results of f on the slices (cut with
// lax::slice and lax::squeeze) stacked with jnp::stack along the out axis: dtype, shape
// and weak type equal, integer and bool values equal, floats within a few ulps (see
// `close`). The examples cover 0-d, broadcast and mixed-rank arguments, float32 with
// special values (NaN, +-inf, +-0), float16/float64, int32, uint8, bool, weakly typed
// arguments, index arrays with negative and out-of-bounds entries.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
namespace sp = xjax::scipy::special;
namespace nn = xjax::nn;
using xjax::array;
using xjax::axis_spec;
using xjax::shape_t;

namespace {

using arrays = std::vector<array>;
using fn_t = std::function<array(const arrays&)>;
using axes_t = std::vector<std::optional<std::int64_t>>;

/// A function of the table: an expression of the arguments a[0], a[1], ... (captures by copy).
#define FN(...) fn_t([=](const arrays& a) -> array { return __VA_ARGS__; })

constexpr std::int64_t kBatch = 3;

// ---------------------------------------------------------------------------
// Arguments.

/// How an argument's values are drawn: floats uniform in [lo, hi] (random signs when
/// mirrored; with `special`, a quarter of them NaN, +-inf or +-0), integers uniform in
/// [lo, hi], bools fair coins; weakly typed or not.
struct vals {
  xjax::dtype dtype = xjax::float32;
  double lo = -2, hi = 2;
  bool mirrored = false, special = false, weak = false;
};
const vals F{};
const vals Fpos{xjax::float32, 0.5, 2};
const vals Fnz{xjax::float32, 0.5, 2, true};  // away from 0 (divisors, |x|)
const vals Funit{xjax::float32, -0.9, 0.9};
const vals F01{xjax::float32, 0.05, 0.95};
const vals Fsp{xjax::float32, -3, 3, false, true};
const vals Fweak{xjax::float32, -2, 2, false, false, true};
const vals F64{xjax::float64};
const vals F16{xjax::float16};
const vals I{xjax::int32, -5, 5};
const vals Inz{xjax::int32, 1, 5, true};
const vals Iweak{xjax::int32, -5, 5, false, false, true};
const vals Ishift{xjax::int32, 0, 9};
const vals U8{xjax::uint8, 0, 255};
const vals Bool{xjax::bool_, 0, 1};
vals idx(double lo, double hi) { return {xjax::int32, lo, hi}; }  // indices

struct arg {
  shape_t shape;  ///< per example
  vals v;
};
using example = std::vector<arg>;
using shape_lists = std::vector<std::vector<shape_t>>;

/// One example per shape list, argument i drawn from v[i] (F where v is shorter).
std::vector<example> ex(const shape_lists& shapes, const std::vector<vals>& v = {}) {
  std::vector<example> out;
  for (const auto& list : shapes) {
    example e;
    for (std::size_t i = 0; i < list.size(); ++i) e.push_back({list[i], i < v.size() ? v[i] : F});
    out.push_back(std::move(e));
  }
  return out;
}
std::vector<example> operator+(std::vector<example> a, const std::vector<example>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const shape_lists unary_shapes{{{}}, {{5}}, {{3, 5}}};
const shape_lists array_shapes{{{5}}, {{3, 5}}, {{2, 3, 4}}};      // at least one axis
const shape_lists matrix_shapes{{{3, 5}}, {{5, 3}}, {{2, 3, 4}}};  // at least two axes
const shape_lists binary_shapes{{{}, {}},         {{5}, {5}},   {{3, 5}, {3, 5}},
                                {{3, 1}, {1, 5}}, {{}, {3, 5}}, {{5}, {2, 3, 5}}};
const shape_lists few_binary{{{5}, {5}}, {{}, {2, 5}}, {{3, 1}, {4}}};
const shape_lists ternary_shapes{{{}, {}, {}}, {{5}, {5}, {5}}, {{3, 5}, {3, 1}, {5}}};

/// Float unary functions: the domain's values, special values, integers (promoted).
std::vector<example> floats(vals domain = F) {
  return ex(unary_shapes, {domain}) + ex({{{6}}}, {Fsp}) + ex({{{2, 3}}}, {I});
}
/// Binary arithmetic: floats over every broadcast, then integers and mixed dtypes.
std::vector<example> pairs(vals x = F, vals y = F) {
  return ex(binary_shapes, {x, y}) + ex(few_binary, {Inz, Inz}) + ex(few_binary, {I, Fnz}) +
         ex({{{4}, {}}}, {x, Fweak}) + ex({{{3}, {2, 3}}}, {F16, F64});
}
/// Integer and bool functions.
std::vector<example> ints(std::size_t n) {
  const shape_lists s = n == 1 ? shape_lists{{{}}, {{5}}, {{2, 3}}} : few_binary;
  return ex(s, std::vector<vals>(n, I)) + ex(s, std::vector<vals>(n, U8)) + ex(s, std::vector<vals>(n, Bool));
}

std::mt19937& rng() {
  static std::mt19937 r(20250805);
  return r;
}

/// A random array of `shape` drawn as `v` says.
array random_array(const vals& v, const shape_t& shape) {
  std::vector<double> x(static_cast<std::size_t>(xjax::shape_size(shape)));
  const double inf = std::numeric_limits<double>::infinity();
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(), inf, -inf, 0.0, -0.0};
  for (auto& e : x) {
    if (v.dtype == xjax::bool_) {
      e = std::bernoulli_distribution(0.5)(rng());
    } else if (!v.dtype.is_floating()) {
      e = std::uniform_int_distribution<std::int64_t>(static_cast<std::int64_t>(v.lo),
                                                      static_cast<std::int64_t>(v.hi))(rng());
      if (v.mirrored && std::bernoulli_distribution(0.5)(rng())) e = -e;
    } else if (v.special && std::uniform_int_distribution<int>(0, 3)(rng()) == 0) {
      e = specials[std::uniform_int_distribution<int>(0, 4)(rng())];
    } else {
      e = std::uniform_real_distribution<double>(v.lo, v.hi)(rng());
      if (v.mirrored && std::bernoulli_distribution(0.5)(rng())) e = -e;
    }
  }
  return lax::convert_element_type(array::from_vector(x, shape), v.dtype, v.weak);
}

// ---------------------------------------------------------------------------
// The checker.

/// The list axis_spec {axes...} (axis_spec has only an initializer_list constructor).
axis_spec list_of(const axes_t& axes) {
  auto at = [&](std::size_t i) { return axes[i] ? axis_spec(*axes[i]) : axis_spec(xjax::none); };
  switch (axes.size()) {
    case 1: return axis_spec(std::initializer_list<axis_spec>{at(0)});
    case 2: return {at(0), at(1)};
    case 3: return {at(0), at(1), at(2)};
    case 4: return {at(0), at(1), at(2), at(3)};
    default: throw std::runtime_error("list_of: 1 to 4 arguments");
  }
}

/// Element b of x along `axis`.
array slice_at(const array& x, std::int64_t axis, std::int64_t b) {
  shape_t start(static_cast<std::size_t>(x.ndim()), 0), limit = x.shape();
  start[static_cast<std::size_t>(axis)] = b;
  limit[static_cast<std::size_t>(axis)] = b + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

std::string describe(const arrays& xs, const axes_t& axes) {
  std::ostringstream s;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    s << (i ? ", " : "") << xs[i].aval().str() << (xs[i].weak_type() ? "(weak)" : "") << " in_axis "
      << (axes[i] ? std::to_string(*axes[i]) : "none");
  }
  return s.str();
}

/// Empty when `got` equals `want`: dtypes, shapes and weak types equal, integers and
/// bools equal, floats within 4 eps (4 ulps of 1.0 in the dtype) times the largest
/// finite |want| of the result, NaN where NaN, infinities equal. Why a tolerance: the
/// batched program binds the same primitives as f on one example, on the whole batch at
/// once, and the reference kernels compute each element the same way whatever the
/// layout (elementwise ops in double rounded once, reductions in order along the
/// reduced axes), so results are usually bitwise equal (today, every case of this file
/// is); but a batched dot_general or a reduction over an axis moved by the batch
/// dimension may accumulate in another order (a blocked or vectorized kernel), which
/// changes a sum by a few rounding errors of its largest terms.
std::string close(const array& got, const array& want) {
  if (got.weak_type() != want.weak_type()) {
    return "weak_type " + std::to_string(got.weak_type()) + ", want " + std::to_string(want.weak_type());
  }
  const xjax::dtype d = want.dtype();
  if (!d.is_floating()) return xjax::testing::compare(got, want, 0, 0);
  const double eps = d == xjax::float64   ? 0x1p-52
                     : d == xjax::float32 ? 0x1p-23
                     : d == xjax::float16 ? 0x1p-10
                                          : 0x1p-7;
  double largest = 0;
  if (want.dtype() == got.dtype() && want.shape() == got.shape()) {
    for (double v : want.to_vector<double>()) {
      if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
    }
  }
  return xjax::testing::compare(got, want, 0, 4 * eps * largest);
}

/// The failures of vmap(f) against stacked slices for one example and every in_axes
/// combination (none; 0; the last axis as -1, for arguments with axes) and out_axes 0
/// and -1, each described with the in_axes, argument types and values' first difference.
std::vector<std::string> check_example(const fn_t& f, const example& e) {
  std::vector<std::string> failures;
  const std::size_t n = e.size();
  std::vector<int> pick(n, 0);  // 0: none, 1: axis 0, 2: axis -1
  auto choices = [&](std::size_t i) { return e[i].shape.empty() ? 2 : 3; };
  for (;;) {
    // Next combination (an odometer over the arguments' choices); all-none is skipped.
    std::size_t i = 0;
    for (; i < n; ++i) {
      if (++pick[i] < choices(i)) break;
      pick[i] = 0;
    }
    if (i == n) break;
    axes_t axes(n), norm(n);
    arrays args;
    for (std::size_t k = 0; k < n; ++k) {
      const auto rank = static_cast<std::int64_t>(e[k].shape.size());
      shape_t shape = e[k].shape;
      if (pick[k] != 0) {
        axes[k] = pick[k] == 1 ? 0 : -1;
        norm[k] = pick[k] == 1 ? 0 : rank;
        shape.insert(shape.begin() + *norm[k], kBatch);
      }
      args.push_back(random_array(e[k].v, shape));
    }
    std::vector<arrays> slices(kBatch);
    for (std::int64_t b = 0; b < kBatch; ++b) {
      for (std::size_t k = 0; k < n; ++k) slices[b].push_back(norm[k] ? slice_at(args[k], *norm[k], b) : args[k]);
    }
    arrays outs;
    try {
      for (std::int64_t b = 0; b < kBatch; ++b) outs.push_back(f(slices[b]));
    } catch (const std::exception& ex) {
      failures.push_back("the function on one example (" + describe(slices[0], axes) + "): " + ex.what());
      return failures;
    }
    for (std::int64_t out_axis : {0, -1}) {
      const std::string where = "in_axes (" + describe(args, axes) + "), out_axes " + std::to_string(out_axis);
      const array want = jnp::stack(outs, out_axis);
      const fn_t vf = [&](const arrays& xs) {
        return xjax::vmap(f, axis_spec(std::initializer_list<axis_spec>{list_of(axes)}), out_axis)(xs);
      };
      try {
        const std::string diff = close(vf(args), want);
        if (!diff.empty()) failures.push_back(where + ": " + diff);
        // Staged: the batching rules must bind ops, not read values.
        const std::string staged = close(xjax::eval_jaxpr(xjax::make_jaxpr(vf)(args), args).at(0), want);
        if (!staged.empty()) failures.push_back(where + ", through make_jaxpr: " + staged);
      } catch (const std::exception& ex) {
        failures.push_back(where + ": " + ex.what());
      }
    }
  }
  return failures;
}

struct vmap_case {
  std::string name;
  fn_t f;
  std::vector<example> examples;
};

/// check_example for every example of every row; a failing row lists its first failures.
void run_cases(const std::vector<vmap_case>& table) {
  for (const auto& c : table) {
    std::vector<std::string> failures;
    for (const auto& e : c.examples) {
      for (auto& m : check_example(c.f, e)) failures.push_back(std::move(m));
    }
    std::ostringstream msg;
    for (std::size_t i = 0; i < failures.size() && i < 4; ++i) msg << "\n  " << failures[i];
    if (failures.size() > 4) msg << "\n  ... " << failures.size() - 4 << " more";
    INFO(c.name << ": " << failures.size() << " failures" << msg.str());
    CHECK(failures.empty());
  }
}

fn_t un(array (*f)(const array&)) {
  return [f](const arrays& a) { return f(a[0]); };
}
fn_t bin(array (*f)(const array&, const array&)) {
  return [f](const arrays& a) { return f(a[0], a[1]); };
}

/// Several results as one array: raveled and concatenated (same dtype).
array flat(const arrays& xs) {
  arrays r;
  for (const auto& x : xs) r.push_back(jnp::ravel(x));
  return jnp::concatenate(r);
}

array i32(std::vector<std::int32_t> v, shape_t s) { return array::from_vector(v, s); }
array i32(std::vector<std::int32_t> v) { return array::from_vector(v); }

// ---------------------------------------------------------------------------
// The tables, one per header.

std::vector<vmap_case> ufunc_cases() {
  const std::vector<example> signed_ = ex(unary_shapes, {F}) + ex({{{6}}}, {Fsp}) + ints(1);
  const std::vector<example> numbers = ex(unary_shapes, {F}) + ex({{{6}}}, {Fsp}) + ex({{{2, 3}}}, {I}) + ex({{{4}}}, {U8});
  return {
      {"negative", un(jnp::negative), floats()},
      {"positive", un(jnp::positive), floats() + ints(1)},
      {"absolute", un(jnp::absolute), signed_},
      {"abs", un(jnp::abs), floats()},
      {"fabs", un(jnp::fabs), floats()},
      {"sign", un(jnp::sign), numbers},
      {"floor", un(jnp::floor), signed_},
      {"ceil", un(jnp::ceil), signed_},
      {"trunc", un(jnp::trunc), signed_},
      {"rint", un(jnp::rint), floats({xjax::float32, -4, 4})},
      {"square", un(jnp::square), floats() + ex({{{4}}}, {U8})},
      {"reciprocal", un(jnp::reciprocal), floats(Fnz)},
      {"round", FN(jnp::round(a[0])), floats({xjax::float32, -4, 4})},
      {"round decimals 1", FN(jnp::round(a[0], 1)), floats() + ex({{{3}}}, {I}) + ex({{{3}}}, {Iweak})},
      {"around decimals -1", FN(jnp::around(a[0], -1)), ex(unary_shapes, {{xjax::float32, -40, 40}}) + ex({{{6}}}, {Fsp})},
      {"exp", un(jnp::exp), floats() + ex({{{5}}}, {F64}) + ex({{{5}}}, {F16})},
      {"exp2", un(jnp::exp2), floats()},
      {"expm1", un(jnp::expm1), floats()},
      {"log", un(jnp::log), floats(Fpos)},
      {"log1p", un(jnp::log1p), floats({xjax::float32, -0.5, 2})},
      {"log2", un(jnp::log2), floats(Fpos)},
      {"log10", un(jnp::log10), floats(Fpos)},
      {"sqrt", un(jnp::sqrt), floats(Fpos)},
      {"cbrt", un(jnp::cbrt), floats()},
      {"sin", un(jnp::sin), floats()},
      {"cos", un(jnp::cos), floats()},
      {"tan", un(jnp::tan), floats(Funit)},
      {"arcsin", un(jnp::arcsin), floats(Funit)},
      {"arccos", un(jnp::arccos), floats(Funit)},
      {"arctan", un(jnp::arctan), floats()},
      {"sinh", un(jnp::sinh), floats()},
      {"cosh", un(jnp::cosh), floats()},
      {"tanh", un(jnp::tanh), floats()},
      {"arcsinh", un(jnp::arcsinh), floats()},
      {"arccosh", un(jnp::arccosh), floats({xjax::float32, 1.2, 3})},
      {"arctanh", un(jnp::arctanh), floats(Funit)},
      {"deg2rad", un(jnp::deg2rad), floats()},
      {"rad2deg", un(jnp::rad2deg), floats()},
      {"degrees", un(jnp::degrees), floats()},
      {"radians", un(jnp::radians), floats()},
      {"sinc", un(jnp::sinc), floats()},
      {"isnan", un(jnp::isnan), floats(Fsp) + ex({{{3}}}, {I})},
      {"isinf", un(jnp::isinf), floats(Fsp)},
      {"isposinf", un(jnp::isposinf), floats(Fsp)},
      {"isneginf", un(jnp::isneginf), floats(Fsp)},
      {"isfinite", un(jnp::isfinite), floats(Fsp) + ex({{{3}}}, {Bool})},
      {"signbit", un(jnp::signbit), floats(Fsp) + ex({{{4}}}, {I})},
      {"nan_to_num", FN(jnp::nan_to_num(a[0])), floats(Fsp)},
      {"nan_to_num (1, 9, -9)", FN(jnp::nan_to_num(a[0], 1.0, 9.0, -9.0)), floats(Fsp)},
      {"clip (constant bounds)", FN(jnp::clip(a[0], array(-0.77), array(0.83))), floats()},
      {"clip (x, lo, hi)", FN(jnp::clip(a[0], a[1], a[2])), ex(ternary_shapes) + ex({{{4}, {}, {4}}}, {I, I, I})},
      {"clip (upper only)", FN(jnp::clip(a[0], std::nullopt, a[1])), ex(binary_shapes)},
      {"add", bin(jnp::add), pairs() + ex(few_binary, {Bool, Bool})},
      {"subtract", bin(jnp::subtract), pairs() + ex(few_binary, {U8, U8})},
      {"multiply", bin(jnp::multiply), pairs() + ex(few_binary, {Bool, Bool})},
      {"divide", bin(jnp::divide), pairs(F, Fnz)},
      {"true_divide", bin(jnp::true_divide), pairs(F, Fnz)},
      {"floor_divide", bin(jnp::floor_divide), pairs(F, Fnz) + ex(few_binary, {I, Inz})},
      {"remainder", bin(jnp::remainder), pairs(F, Fnz) + ex(few_binary, {I, Inz})},
      {"mod", bin(jnp::mod), pairs(F, Fnz)},
      {"fmod", bin(jnp::fmod), pairs(F, Fnz) + ex(few_binary, {I, Inz})},
      {"power", bin(jnp::power), pairs(Fpos, F) + ex(few_binary, {I, {xjax::int32, 0, 4}})},
      {"pow", bin(jnp::pow), pairs(Fpos, F)},
      {"float_power", bin(jnp::float_power), pairs(Fpos, F)},
      {"power (x, 3): integer_pow", FN(jnp::power(a[0], array(3))), floats() + ex({{{4}}}, {I})},
      {"power (x, int32 array)", FN(jnp::power(a[0], i32({2, -1, 0, 3, 1}))), ex({{{5}}, {{3, 5}}}, {Fnz})},
      {"maximum", bin(jnp::maximum), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"minimum", bin(jnp::minimum), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"fmax", bin(jnp::fmax), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"fmin", bin(jnp::fmin), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"arctan2", bin(jnp::arctan2), pairs()},
      {"hypot", bin(jnp::hypot), pairs()},
      {"logaddexp", bin(jnp::logaddexp), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"logaddexp2", bin(jnp::logaddexp2), pairs()},
      {"heaviside", bin(jnp::heaviside), ex(binary_shapes, {{xjax::float32, -1, 1}}) + ex(few_binary, {I, F})},
      {"copysign", bin(jnp::copysign), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"nextafter", bin(jnp::nextafter), ex(binary_shapes) + ex(few_binary, {Fsp, Fsp})},
      {"where (x > 0, y, z)", FN(jnp::where(jnp::greater(a[0], 0.0), a[1], a[2])), ex(ternary_shapes)},
      {"where (bool, int, float)", FN(jnp::where(a[0], a[1], a[2])), ex(ternary_shapes, {Bool, I, F})},
      {"where (x > 0, x, 0.5)", FN(jnp::where(a[0] > 0.0, a[0], 0.5)), floats()},
      {"logical_and", bin(jnp::logical_and), ints(2) + ex(few_binary)},
      {"logical_or", bin(jnp::logical_or), ints(2)},
      {"logical_xor", bin(jnp::logical_xor), ints(2)},
      {"logical_not", un(jnp::logical_not), ints(1) + floats()},
      {"bitwise_and", bin(jnp::bitwise_and), ints(2)},
      {"bitwise_or", bin(jnp::bitwise_or), ints(2)},
      {"bitwise_xor", bin(jnp::bitwise_xor), ints(2)},
      {"bitwise_not", un(jnp::bitwise_not), ints(1)},
      {"invert", un(jnp::invert), ints(1)},
      {"bitwise_invert", un(jnp::bitwise_invert), ints(1)},
      {"left_shift", bin(jnp::left_shift), ex(few_binary, {I, Ishift}) + ex(few_binary, {U8, {xjax::uint8, 0, 9}})},
      {"right_shift", bin(jnp::right_shift), ex(few_binary, {I, Ishift}) + ex(few_binary, {U8, {xjax::uint8, 0, 9}})},
      {"equal", bin(jnp::equal), pairs() + ints(2)},
      {"not_equal", bin(jnp::not_equal), pairs() + ex(few_binary, {Fsp, Fsp})},
      {"less", bin(jnp::less), pairs() + ex(few_binary, {U8, U8})},
      {"less_equal", bin(jnp::less_equal), pairs()},
      {"greater", bin(jnp::greater), pairs() + ex(few_binary, {Bool, Bool})},
      {"greater_equal", bin(jnp::greater_equal), pairs()},
  };
}

array compound_assignments(const arrays& a) {
  array r = a[0];
  r += a[1];
  r *= a[0];
  r -= a[1];
  r /= a[1];
  r %= a[1];
  return r;
}
array compound_bitwise(const arrays& a) {
  array r = a[0];
  r &= a[1];
  r |= a[0];
  r ^= a[1];
  return r;
}

std::vector<vmap_case> operator_cases() {
  return {
      {"x + y", FN(a[0] + a[1]), pairs()},
      {"x - y", FN(a[0] - a[1]), pairs()},
      {"x * y", FN(a[0] * a[1]), pairs()},
      {"x / y", FN(a[0] / a[1]), pairs(F, Fnz)},
      {"x % y", FN(a[0] % a[1]), pairs(F, Fnz)},
      {"-x", FN(-a[0]), floats()},
      {"+x", FN(+a[0]), floats()},
      {"x == y", FN(a[0] == a[1]), pairs() + ints(2)},
      {"x != y", FN(a[0] != a[1]), pairs()},
      {"x < y", FN(a[0] < a[1]), pairs()},
      {"x <= y", FN(a[0] <= a[1]), pairs()},
      {"x > y", FN(a[0] > a[1]), pairs()},
      {"x >= y", FN(a[0] >= a[1]), pairs()},
      {"x & y", FN(a[0] & a[1]), ints(2)},
      {"x | y", FN(a[0] | a[1]), ints(2)},
      {"x ^ y", FN(a[0] ^ a[1]), ints(2)},
      {"~x", FN(~a[0]), ints(1)},
      {"weak C++ scalars: 2.5 * x - 1 / x + 3", FN(2.5 * a[0] - 1 / a[0] + 3), floats(Fnz) + ex({{{3}}}, {Fweak})},
      {"weak arguments: x * y + 1", FN(a[0] * a[1] + 1), ex(binary_shapes, {Fweak, Fweak}) + ex(few_binary, {Iweak, F})},
      {"x += y, *= x, -= y, /= y, %= y", compound_assignments, pairs(F, Fnz)},
      {"x &= y, |= x, ^= y", compound_bitwise, ints(2)},
  };
}

std::vector<vmap_case> reduction_cases() {
  const std::vector<example> any_rank = ex(unary_shapes) + ex({{{2, 3}}}, {I}) + ex({{{3, 2}}}, {Bool});
  const std::vector<example> ranked = ex(array_shapes) + ex({{{2, 3}}}, {I});
  const std::vector<example> matrices = ex(matrix_shapes) + ex({{{2, 3}}}, {I});
  const shape_lists weighted{{{5}, {5}}, {{3, 5}, {3, 5}}, {{}, {}}};
  return {
      {"sum", FN(jnp::sum(a[0])), any_rank},
      {"sum axis 0", FN(jnp::sum(a[0], 0)), ranked},
      {"sum axes (0, -1) keepdims", FN(jnp::sum(a[0], {0, -1}, std::nullopt, true)), matrices},
      {"sum axis None keepdims", FN(jnp::sum(a[0], std::nullopt, std::nullopt, true)), any_rank},
      {"sum dtype float64", FN(jnp::sum(a[0], -1, xjax::float64)), ranked},
      {"sum initial (traced)", FN(jnp::sum(a[0], -1, std::nullopt, false, a[1])), ex({{{5}, {}}, {{2, 3}, {}}})},
      {"prod", FN(jnp::prod(a[0])), any_rank},
      {"prod axis 1 keepdims", FN(jnp::prod(a[0], 1, std::nullopt, true)), matrices},
      {"max", FN(jnp::max(a[0])), any_rank},
      {"max axis -1", FN(jnp::max(a[0], -1)), ranked + ex({{{4}}}, {Fsp})},
      {"max axis 1 initial 0.1", FN(jnp::max(a[0], 1, false, array(0.1))), matrices},
      {"min", FN(jnp::min(a[0])), any_rank},
      {"min axis 0 keepdims", FN(jnp::min(a[0], 0, true)), ranked},
      {"amax axes (0, 1)", FN(jnp::amax(a[0], {0, 1})), matrices},
      {"amin", FN(jnp::amin(a[0])), any_rank},
      {"ptp", FN(jnp::ptp(a[0])), ex(unary_shapes) + ex({{{2, 3}}}, {I})},
      {"ptp axis 0 keepdims", FN(jnp::ptp(a[0], 0, true)), matrices},
      {"argmax", FN(jnp::argmax(a[0])), any_rank + ex({{{5}}}, {Fsp})},
      {"argmax axis 1 keepdims", FN(jnp::argmax(a[0], 1, true)), matrices},
      {"argmin axis -1", FN(jnp::argmin(a[0], -1)), ranked + ex({{{5}}}, {Fsp})},
      {"argmin keepdims", FN(jnp::argmin(a[0], std::nullopt, true)), any_rank},
      {"all", FN(jnp::all(a[0])), any_rank},
      {"all axis -1 keepdims", FN(jnp::all(a[0], -1, true)), ex({{{5}}, {{2, 3}}}, {Bool})},
      {"any axis 0", FN(jnp::any(a[0], 0)), ex({{{5}}, {{2, 3}}}, {Bool}) + ex({{{3, 2}}}, {I})},
      {"count_nonzero", FN(jnp::count_nonzero(a[0])), any_rank},
      {"count_nonzero axis 1 keepdims", FN(jnp::count_nonzero(a[0], 1, true)), ex({{{3, 4}}}, {I})},
      {"mean", FN(jnp::mean(a[0])), any_rank},
      {"mean axis -1 keepdims", FN(jnp::mean(a[0], -1, std::nullopt, true)), ranked},
      {"var", FN(jnp::var(a[0])), any_rank},
      {"var axis 0 ddof 1", FN(jnp::var(a[0], 0, std::nullopt, 1)), matrices},
      {"std", FN(jnp::std(a[0])), any_rank},
      {"std axis -1 ddof 1 keepdims", FN(jnp::std(a[0], -1, std::nullopt, 1, true)), matrices},
      {"std correction 1 axes (0, 1)", FN(jnp::std(a[0], {0, 1}, std::nullopt, 0, false, 1.0)), matrices},
      {"median", FN(jnp::median(a[0])), ex({{{}}, {{5}}, {{4}}, {{3, 5}}, {{2, 3}}}) + ex({{{4}}}, {I})},
      {"median axis 0", FN(jnp::median(a[0], 0)), ex({{{4, 3}}, {{3, 5}}, {{2, 3, 4}}})},
      {"median axis -1 keepdims", FN(jnp::median(a[0], -1, true)), ex({{{4, 3}}, {{2, 3, 4}}})},
      {"average", FN(jnp::average(a[0])), any_rank},
      {"average weights", FN(jnp::average(a[0], std::nullopt, a[1])), ex(weighted, {F, Fpos})},
      {"average weights along axis",
       FN(jnp::average(a[0], -1, a[1])),
       ex({{{3, 5}, {5}}, {{2, 3, 5}, {2, 3, 5}}, {{4, 3}, {3}}}, {F, Fpos})},
      {"average_returned: the average and the sum of weights",
       FN(flat({jnp::average_returned(a[0], 0, a[1]).first, jnp::average_returned(a[0], 0, a[1]).second})),
       ex({{{5}, {5}}, {{3, 5}, {3}}, {{3, 5}, {3, 5}}}, {F, Fpos})},
      {"average keepdims axis 0", FN(jnp::average(a[0], 0, std::nullopt, true)), matrices},
      {"nansum", FN(jnp::nansum(a[0])), floats(Fsp)},
      {"nansum axis 0 keepdims", FN(jnp::nansum(a[0], 0, std::nullopt, true)), ex({{{5}}, {{3, 4}}}, {Fsp})},
      {"nanmean axis -1", FN(jnp::nanmean(a[0], -1)), ex({{{5}}, {{3, 4}}}, {Fsp})},
      {"nanmax", FN(jnp::nanmax(a[0])), ex({{{5}}, {{3, 4}}}, {Fsp})},
      {"nanmin axis 0", FN(jnp::nanmin(a[0], 0)), ex({{{5}}, {{3, 4}}}, {Fsp})},
      {"cumsum", FN(jnp::cumsum(a[0])), any_rank},
      {"cumsum axis 0", FN(jnp::cumsum(a[0], 0)), ranked},
      {"cumsum axis -1 dtype int32", FN(jnp::cumsum(a[0], -1, xjax::int32)), ex({{{3, 4}}}, {I}) + ex({{{5}}}, {Bool})},
      {"cumprod", FN(jnp::cumprod(a[0])), any_rank},
      {"cumprod axis 1", FN(jnp::cumprod(a[0], 1)), matrices},
  };
}

array reversed_concat(arrays pieces, std::int64_t axis) {
  std::reverse(pieces.begin(), pieces.end());
  return jnp::concatenate(pieces, axis);
}
shape_t reversed(shape_t s) {
  std::reverse(s.begin(), s.end());
  return s;
}

std::vector<vmap_case> manipulation_cases() {
  const shape_lists concat0{{{5}, {3}}, {{3, 5}, {2, 5}}, {{2, 3, 5}, {1, 3, 5}}};
  const shape_lists concat_last{{{5}, {2}}, {{3, 5}, {3, 2}}, {{2, 3, 5}, {2, 3, 1}}};
  const shape_lists same3{{{}, {}, {}}, {{5}, {5}, {5}}, {{3, 4}, {3, 4}, {3, 4}}};
  const array repeats = i32({2, 0, 1});
  const array take_idx = i32({3, 0, 2, 0});  // repeated
  const array take_axis_idx = i32({2, 0, 2});
  const array oob_idx = i32({7, 0, -1});  // out of bounds: clamped, filled or wrapped
  const std::vector<example> any_rank = ex(unary_shapes) + ex({{{2, 3}}}, {I});
  const std::vector<example> ranked = ex(array_shapes) + ex({{{2, 3}}}, {Bool});
  const std::vector<example> matrices = ex(matrix_shapes) + ex({{{2, 3}}}, {I});
  return {
      {"reshape (-1)", FN(jnp::reshape(a[0], {-1})), any_rank},
      {"reshape to the reversed shape", FN(jnp::reshape(a[0], reversed(a[0].shape()))), matrices},
      {"reshape (1, -1, 1)", FN(jnp::reshape(a[0], {1, -1, 1})), any_rank},
      {"ravel", FN(jnp::ravel(a[0])), any_rank},
      {"transpose", FN(jnp::transpose(a[0])), any_rank + ex({{{2, 3, 4}}})},
      {"transpose (1, 2, 0)", FN(jnp::transpose(a[0], shape_t{1, 2, 0})), ex({{{2, 3, 4}}, {{1, 3, 2}}})},
      {"swapaxes 0 -1", FN(jnp::swapaxes(a[0], 0, -1)), ranked},
      {"moveaxis 0 -1", FN(jnp::moveaxis(a[0], 0, -1)), ranked},
      {"moveaxis (0, 1) (-1, 0)", FN(jnp::moveaxis(a[0], shape_t{0, 1}, shape_t{-1, 0})), matrices},
      {"squeeze", FN(jnp::squeeze(a[0])), ex({{{1, 5}}, {{3, 1, 2}}, {{1}}})},
      {"squeeze axis 1", FN(jnp::squeeze(a[0], 1)), ex({{{3, 1}}, {{2, 1, 5}}})},
      {"squeeze axes (0, -1)", FN(jnp::squeeze(a[0], shape_t{0, -1})), ex({{{1, 3, 1}}, {{1, 1}}})},
      {"expand_dims 0", FN(jnp::expand_dims(a[0], 0)), any_rank},
      {"expand_dims (0, -1)", FN(jnp::expand_dims(a[0], shape_t{0, -1})), any_rank},
      {"concatenate axis 0", FN(jnp::concatenate(a)), ex(concat0) + ex({{{2}, {3}}}, {I, F})},
      {"concatenate axis -1", FN(jnp::concatenate(a, -1)), ex(concat_last)},
      {"concatenate axis None", FN(jnp::concatenate(a, std::nullopt)), ex({{{}, {3}}, {{3, 5}, {4}}, {{2, 2}, {5}, {1, 3}}})},
      {"stack", FN(jnp::stack(a)), ex(same3)},
      {"stack axis -1", FN(jnp::stack(a, -1)), ex(same3) + ex({{{2}, {2}}}, {I, Bool})},
      {"hstack", FN(jnp::hstack(a)), ex({{{}, {}}, {{5}, {3}}, {{3, 5}, {3, 2}}})},
      {"vstack", FN(jnp::vstack(a)), ex({{{}, {}}, {{5}, {5}}, {{3, 5}, {2, 5}}})},
      {"dstack", FN(jnp::dstack(a)), ex({{{}, {}}, {{5}, {5}}, {{3, 5}, {3, 5}}, {{2, 3, 1}, {2, 3, 4}}})},
      {"split 3", FN(flat(jnp::split(a[0], 3))), ex({{{6}}, {{3, 5}}, {{9, 2}}})},
      {"split at (1, 3) axis -1, reassembled reversed",
       FN(reversed_concat(jnp::split(a[0], shape_t{1, 3}, -1), -1)),
       ex(array_shapes)},
      {"array_split 3 reassembled reversed", FN(reversed_concat(jnp::array_split(a[0], 3), 0)), ex({{{5}}, {{4, 3}}, {{7, 2}}})},
      {"array_split at (2,) axis 1", FN(reversed_concat(jnp::array_split(a[0], shape_t{2}, 1), 1)), matrices},
      {"tile (2, 1)", FN(jnp::tile(a[0], shape_t{2, 1})), any_rank},
      {"tile 3", FN(jnp::tile(a[0], 3)), ranked},
      {"repeat 2", FN(jnp::repeat(a[0], 2)), any_rank},
      {"repeat 2 axis 0", FN(jnp::repeat(a[0], 2, 0)), ranked},
      {"repeat (2, 0, 1) axis -1", FN(jnp::repeat(a[0], repeats, -1)), ex({{{3}}, {{2, 3}}, {{5, 3}}})},
      {"repeat (2, 0, 1) total_repeat_length 4", FN(jnp::repeat(a[0], repeats, 0, 4)), ex({{{3}}, {{3, 2}}})},
      {"flip", FN(jnp::flip(a[0])), any_rank},
      {"flip axis 0", FN(jnp::flip(a[0], 0)), ranked},
      {"flip axes (0, -1)", FN(jnp::flip(a[0], shape_t{0, -1})), matrices},
      {"fliplr", FN(jnp::fliplr(a[0])), matrices},
      {"flipud", FN(jnp::flipud(a[0])), ranked},
      {"roll 2", FN(jnp::roll(a[0], 2)), any_rank},
      {"roll -1 axis 0", FN(jnp::roll(a[0], -1, 0)), ranked},
      {"roll (1, -2) axes (0, 1)", FN(jnp::roll(a[0], shape_t{1, -2}, shape_t{0, 1})), matrices},
      {"rot90", FN(jnp::rot90(a[0])), matrices},
      {"rot90 k 2", FN(jnp::rot90(a[0], 2)), matrices},
      {"rot90 k 3 axes (1, 0)", FN(jnp::rot90(a[0], 3, {1, 0})), matrices},
      {"pad constant 0", FN(jnp::pad(a[0], {1, 2})), any_rank},
      {"pad with a traced constant", FN(jnp::pad(a[0], {2, 1}, "constant", a[1])), ex({{{5}, {}}, {{3, 5}, {}}})},
      {"pad per axis", FN(jnp::pad(a[0], {{1, 0}, {0, 2}})), ex({{{3, 4}}})},
      {"pad edge", FN(jnp::pad(a[0], {1, 2}, "edge")), ranked},
      {"pad reflect", FN(jnp::pad(a[0], 1, "reflect")), ranked},
      {"pad symmetric", FN(jnp::pad(a[0], {2, 1}, "symmetric")), ranked},
      {"pad wrap", FN(jnp::pad(a[0], {{1, 2}}, "wrap")), ranked},
      {"take (flattened, repeated indices)", FN(jnp::take(a[0], take_idx)), ranked},
      {"take axis 1", FN(jnp::take(a[0], take_axis_idx, 1)), matrices},
      {"take axis -1 clip", FN(jnp::take(a[0], oob_idx, -1, "clip")), ranked},
      {"take axis 0 wrap", FN(jnp::take(a[0], oob_idx, 0, "wrap")), ranked},
      {"take axis 0 fill 9", FN(jnp::take(a[0], oob_idx, 0, "fill", 9.0)), ranked},
      {"take (batched indices) axis 0", FN(jnp::take(a[0], a[1], 0)), ex({{{5}, {4}}, {{4, 3}, {2, 2}}, {{5}, {}}}, {F, idx(-5, 4)})},
      {"take (batched indices, out of bounds) clip", FN(jnp::take(a[0], a[1], -1, "clip")),
       ex({{{5}, {4}}, {{2, 4}, {3}}}, {F, idx(-7, 7)})},
      {"take_along_axis (argsort): sort", FN(jnp::take_along_axis(a[0], jnp::argsort(a[0], -1), -1)), ranked},
      {"take_along_axis axis 0 (batched indices)", FN(jnp::take_along_axis(a[0], a[1], 0)),
       ex({{{4, 3}, {2, 3}}, {{4, 3}, {5, 1}}, {{5}, {5}}}, {F, idx(-4, 3)})},
      {"take_along_axis axis None", FN(jnp::take_along_axis(a[0], a[1], std::nullopt)),
       ex({{{2, 3}, {4}}}, {F, idx(0, 5)})},
      {"atleast_1d", FN(jnp::atleast_1d(a[0])), any_rank},
      {"atleast_2d", FN(jnp::atleast_2d(a[0])), any_rank},
      {"atleast_3d", FN(jnp::atleast_3d(a[0])), any_rank + ex({{{2, 3, 4}}})},
      {"atleast_1d/2d/3d of several", FN(flat({flat(jnp::atleast_1d(a)), flat(jnp::atleast_2d(a)), flat(jnp::atleast_3d(a))})),
       ex({{{}, {3}}, {{2, 3}, {4}}})},
      {"astype float64", FN(jnp::astype(a[0], xjax::float64)), any_rank},
      {"astype int8", FN(jnp::astype(a[0], xjax::int8)), ex(unary_shapes, {{xjax::float32, -100, 100}})},
      {"astype bool", FN(jnp::astype(a[0], xjax::bool_)), ex(unary_shapes, {I})},
      // broadcast.hpp
      {"broadcast_to (4, 3, 5)", FN(jnp::broadcast_to(a[0], {4, 3, 5})), ex({{{}}, {{5}}, {{3, 1}}})},
      {"broadcast_arrays", FN(jnp::stack(jnp::broadcast_arrays(a))), ex(binary_shapes)},
      {"promote_shapes", FN(flat(jnp::promote_shapes("test", a))), ex(binary_shapes)},
      {"promote_args", FN(flat(jnp::promote_args("test", a))), ex(few_binary, {I, F}) + ex(few_binary, {Bool, Iweak})},
      {"promote_args_inexact", FN(flat(jnp::promote_args_inexact("test", a))), ex(few_binary, {I, I})},
      // promotion.hpp
      {"promote_dtypes", FN(flat(jnp::promote_dtypes(a))), ex(few_binary, {I, F16}) + ex(few_binary, {U8, Iweak})},
      {"promote_dtypes_inexact", FN(flat(jnp::promote_dtypes_inexact(a))), ex(few_binary, {I, Bool})},
      {"convert_to (result_type)",
       FN(jnp::convert_to(a[0], jnp::result_type(std::vector<xjax::aval>{a[0].aval(), a[1].aval()}))),
       ex(few_binary, {I, F64})},
  };
}

std::vector<vmap_case> creation_cases() {
  const std::vector<example> any_rank = ex(unary_shapes) + ex({{{2, 3}}}, {I});
  const shape_lists ends{{{}, {}}, {{3}, {3}}, {{2, 3}, {3}}};
  const shape_lists squares{{{3, 5}}, {{5, 3}}, {{2, 4, 4}}};
  return {
      {"asarray", FN(jnp::asarray(a[0])), any_rank + ex({{{3}}}, {Fweak})},
      {"asarray int8", FN(jnp::asarray(a[0], xjax::int8)), any_rank},
      {"zeros_like", FN(jnp::zeros_like(a[0])), any_rank + ex({{{3}}}, {Fweak})},
      {"ones_like int32 shape (2, 1)", FN(jnp::ones_like(a[0], xjax::int32, shape_t{2, 1})), any_rank},
      {"empty_like", FN(jnp::empty_like(a[0])), any_rank},
      {"full_like (constant fill)", FN(jnp::full_like(a[0], 2.5)), any_rank},
      {"full_like (traced fill)", FN(jnp::full_like(a[0], a[1])), ex({{{5}, {}}, {{3, 5}, {5}}, {{}, {}}}) + ex({{{3}, {}}}, {I, F})},
      {"full (2, 3) (traced fill)", FN(jnp::full({2, 3}, a[0])), ex({{{}}, {{3}}, {{1, 3}}})},
      {"full int8", FN(jnp::full({4}, a[0], xjax::int8)), ex({{{}}}, {I})},
      {"zeros, ones, empty, eye, identity, tri, arange with x",
       FN(a[0] + jnp::zeros({3, 3}) + jnp::ones({3, 3}) * 2 + jnp::empty({3, 3}) + jnp::eye(3) + jnp::identity(3) * 3 +
          jnp::tri(3, 3, -1) * 5 + jnp::arange(3) * 7 + jnp::arange(1, 7, 2) + jnp::arange(0.5, 2.0, 0.5)),
       ex({{{}}, {{3}}, {{3, 3}}})},
      {"eye (4, 3) k 1 int32 times x", FN(jnp::eye(4, 3, 1, xjax::int32) * a[0]), ex({{{}}, {{3}}}, {I})},
      {"linspace", FN(jnp::linspace(a[0], a[1], 7)), ex(ends)},
      {"linspace of integers", FN(jnp::linspace(a[0], a[1], 4)), ex(ends, {I, I})},
      {"linspace_retstep: the samples and the step",
       FN(flat({jnp::linspace_retstep(a[0], a[1], 5).first, jnp::linspace_retstep(a[0], a[1], 5).second})),
       ex(ends)},
      {"linspace no endpoint, axis -1", FN(jnp::linspace(a[0], a[1], 4, {.endpoint = false, .axis = -1})), ex(ends)},
      {"linspace num 1 int32", FN(jnp::linspace(a[0], a[1], 1, {.dtype = xjax::int32})), ex(ends, {I, I})},
      {"logspace (traced base)",
       FN(jnp::logspace(a[0], a[1], 5, {}, a[2])),
       ex({{{}, {}, {}}, {{3}, {3}, {}}, {{2, 3}, {3}, {3}}}, {{xjax::float32, -1, 1}, {xjax::float32, -1, 1}, {xjax::float32, 1.5, 3}})},
      {"logspace axis 1", FN(jnp::logspace(a[0], a[1], 3, {.axis = 1})), ex({{{2}, {2}}}, {Funit, Funit})},
      {"tril", FN(jnp::tril(a[0])), ex(squares) + ex({{{3, 3}}}, {I})},
      {"tril k -1", FN(jnp::tril(a[0], -1)), ex(squares)},
      {"triu k 1", FN(jnp::triu(a[0], 1)), ex(squares) + ex({{{2, 2}}}, {Bool})},
      {"diag of a vector", FN(jnp::diag(a[0])), ex({{{5}}, {{1}}}) + ex({{{3}}}, {I})},
      {"diag of a vector k 1", FN(jnp::diag(a[0], 1)), ex({{{5}}, {{3}}})},
      {"diag of a matrix k -1", FN(jnp::diag(a[0], -1)), ex({{{3, 5}}, {{5, 3}}, {{4, 4}}})},
      {"diag of a matrix k 2", FN(jnp::diag(a[0], 2)), ex({{{3, 5}}, {{4, 4}}})},
      {"diagflat", FN(jnp::diagflat(a[0])), any_rank},
      {"diagflat k -2", FN(jnp::diagflat(a[0], -2)), ex({{{2, 2}}})},
      {"meshgrid", FN(jnp::stack(jnp::meshgrid(a))), ex({{{3}, {5}}, {{1}, {4}}}) + ex({{{2}, {3}}}, {I, I})},
      {"meshgrid ij", FN(jnp::stack(jnp::meshgrid(a, "ij"))), ex({{{3}, {5}}, {{3}, {3}}})},
      {"meshgrid ij sparse", FN(flat(jnp::meshgrid(a, "ij", true))), ex({{{3}, {5}}, {{1}, {4}}})},
      {"meshgrid of three", FN(jnp::stack(jnp::meshgrid(a))), ex({{{2}, {3}, {4}}})},
  };
}

std::vector<vmap_case> linalg_cases() {
  namespace la = jnp::linalg;
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<example> vectors = ex(array_shapes, {Fnz});
  const std::vector<example> mats = ex(matrix_shapes, {Fnz});
  return {
      {"matmul",
       FN(jnp::matmul(a[0], a[1])),
       ex({{{5}, {5}}, {{3, 5}, {5}}, {{5}, {5, 4}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{2, 1, 3, 5}, {3, 5, 2}}}) +
           ex({{{2, 3}, {3, 2}}}, {I, I}) + ex({{{2, 3}, {3}}}, {I, F})},
      {"matmul preferred float64", FN(jnp::matmul(a[0], a[1], std::nullopt, xjax::float64)), ex({{{2, 3}, {3, 2}}})},
      {"dot",
       FN(jnp::dot(a[0], a[1])),
       ex({{{}, {3, 5}}, {{5}, {5}}, {{3, 5}, {5}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{2, 3, 5}, {4, 5, 3}}}) +
           ex({{{3}, {3}}}, {I, I})},
      {"vdot", FN(jnp::vdot(a[0], a[1])), ex({{{}, {}}, {{5}, {5}}, {{3, 5}, {5, 3}}})},
      {"inner", FN(jnp::inner(a[0], a[1])), ex({{{}, {5}}, {{5}, {5}}, {{3, 5}, {4, 5}}})},
      {"outer", bin(jnp::outer), ex({{{}, {}}, {{5}, {3}}, {{2, 3}, {4}}}) + ex({{{3}, {2}}}, {I, Bool})},
      {"tensordot axes 1", FN(jnp::tensordot(a[0], a[1], 1)), ex({{{5}, {5}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5}}})},
      {"tensordot axes 2", FN(jnp::tensordot(a[0], a[1])), ex({{{3, 5}, {3, 5}}, {{2, 3, 5}, {3, 5, 4}}})},
      {"tensordot axes 0", FN(jnp::tensordot(a[0], a[1], 0)), ex({{{3}, {2}}, {{}, {2, 2}}})},
      {"tensordot axes (0, 2) (1, 0)",
       FN(jnp::tensordot(a[0], a[1], shape_t{0, 2}, shape_t{1, 0})),
       ex({{{3, 2, 5}, {5, 3}}, {{3, 1, 4}, {4, 3, 2}}})},
      {"einsum ij,jk->ik", FN(jnp::einsum("ij,jk->ik", a)), ex({{{3, 5}, {5, 4}}, {{1, 5}, {5, 1}}})},
      {"einsum i,i->", FN(jnp::einsum("i,i->", a)), ex({{{5}, {5}}, {{1}, {1}}})},
      {"einsum bij,bjk->bik", FN(jnp::einsum("bij,bjk->bik", a)), ex({{{2, 3, 5}, {2, 5, 4}}})},
      {"einsum ij->ji", FN(jnp::einsum("ij->ji", a)), ex({{{3, 5}}, {{1, 4}}})},
      {"einsum ii->i", FN(jnp::einsum("ii->i", a)), ex({{{4, 4}}, {{1, 1}}})},
      {"einsum ii", FN(jnp::einsum("ii", a)), ex({{{4, 4}}})},
      {"einsum ij,ij->i", FN(jnp::einsum("ij,ij->i", a)), ex({{{3, 5}, {3, 5}}}) + ex({{{2, 3}, {2, 3}}}, {I, I})},
      {"einsum i,j->ij", FN(jnp::einsum("i,j->ij", a)), ex({{{3}, {5}}})},
      {"einsum ijk->", FN(jnp::einsum("ijk->", a)), ex({{{2, 3, 5}}})},
      {"einsum ...ij,...j (implicit)", FN(jnp::einsum("...ij,...j", a)), ex({{{2, 3, 4}, {4}}, {{3, 4}, {2, 1, 4}}})},
      {"einsum ij,jk,kl->il", FN(jnp::einsum("ij,jk,kl->il", a)), ex({{{3, 5}, {5, 4}, {4, 2}}, {{1, 2}, {2, 3}, {3, 1}}})},
      {"einsum (operands as arguments) i,i", FN(jnp::einsum("i,i", a[0], a[1])), ex({{{4}, {4}}})},
      {"trace", FN(jnp::trace(a[0])), ex({{{3, 5}}, {{5, 3}}, {{4, 4}}}) + ex({{{3, 3}}}, {I})},
      {"trace offset 1", FN(jnp::trace(a[0], 1)), ex({{{3, 5}}, {{5, 3}}})},
      {"trace offset -1 axes (1, 2)", FN(jnp::trace(a[0], -1, 1, 2)), ex({{{2, 3, 5}}, {{4, 3, 3}}})},
      {"trace axes (2, 0) dtype int32", FN(jnp::trace(a[0], 0, 2, 0, xjax::int32)), ex({{{3, 2, 3}}}, {I})},
      {"kron", bin(jnp::kron), ex({{{3}, {2}}, {{2, 3}, {3, 2}}, {{}, {5}}, {{2}, {2, 2}}})},
      {"cross", FN(jnp::cross(a[0], a[1])), ex({{{3}, {3}}, {{4, 3}, {3}}, {{2}, {3}}, {{2}, {2}}}) + ex({{{3}, {3}}}, {I, I})},
      {"cross axisa 0 axisb -1 axisc 0", FN(jnp::cross(a[0], a[1], 0, -1, 0)), ex({{{3, 4}, {4, 3}}, {{2, 2}, {2, 2}}})},
      {"cross axis 0", FN(jnp::cross(a[0], a[1], -1, -1, -1, 0)), ex({{{3, 4}, {3, 4}}})},
      {"norm", FN(la::norm(a[0])), ex(unary_shapes, {Fnz}) + ex({{{2, 3}}}, {I})},
      {"norm keepdims", FN(la::norm(a[0], {}, std::nullopt, true)), mats},
      {"norm ord 1 axis -1", FN(la::norm(a[0], 1, -1)), vectors},
      {"norm ord 2 axis 0", FN(la::norm(a[0], 2, 0)), vectors},
      {"norm ord inf axis -1", FN(la::norm(a[0], inf, -1)), vectors},
      {"norm ord -inf axis 0", FN(la::norm(a[0], -inf, 0)), vectors},
      {"norm ord 0 axis -1", FN(la::norm(a[0], 0, -1)), ex({{{5}}, {{3, 4}}}, {I})},
      {"norm ord 3 axis -1 keepdims", FN(la::norm(a[0], 3, -1, true)), vectors},
      {"norm ord 0.5 axis -1", FN(la::norm(a[0], 0.5, -1)), vectors},
      {"norm fro axes (0, 1)", FN(la::norm(a[0], "fro", shape_t{0, 1})), mats},
      {"norm fro of a matrix", FN(la::norm(a[0], "fro")), ex({{{3, 4}}})},
      {"norm matrix ord 1", FN(la::norm(a[0], 1, shape_t{0, 1})), mats},
      {"norm matrix ord -1 axes (1, 0) keepdims", FN(la::norm(a[0], -1, shape_t{1, 0}, true)), mats},
      {"norm matrix ord inf", FN(la::norm(a[0], inf, shape_t{0, 1})), mats},
      {"norm matrix ord -inf axes (-1, -2)", FN(la::norm(a[0], -inf, shape_t{-1, -2})), mats},
  };
}

std::vector<vmap_case> sorting_cases() {
  const array sorted = array::from_vector<float>({-1.5f, -0.2f, 0.4f, 1.1f});
  // Few distinct integers: ties and repeated values.
  const vals few{xjax::int32, 0, 3};
  const vals few_f{xjax::float32, 0, 1};  // floats: all distinct
  const std::vector<example> ranked = ex(array_shapes) + ex({{{6}}, {{2, 5}}}, {few}) + ex({{{6}}}, {Fsp});
  return {
      {"sort", FN(jnp::sort(a[0])), ranked},
      {"sort axis None", FN(jnp::sort(a[0], std::nullopt)), ex(unary_shapes) + ex({{{2, 3}}}, {few})},
      {"sort axis 0 descending", FN(jnp::sort(a[0], 0, true, true)), ranked},
      {"sort unstable", FN(jnp::sort(a[0], -1, false)), ranked + ex({{{4}}}, {Bool})},
      {"argsort", FN(jnp::argsort(a[0])), ranked},
      {"argsort axis 0 descending", FN(jnp::argsort(a[0], 0, true, true)), ranked},
      {"argsort axis None", FN(jnp::argsort(a[0], std::nullopt)), ex({{{2, 3}}}, {few})},
      {"searchsorted (constant sorted array)", FN(jnp::searchsorted(sorted, a[0])), ex(unary_shapes)},
      {"searchsorted left (traced sorted array)",
       FN(jnp::searchsorted(jnp::sort(a[1]), a[0])),
       ex({{{}, {4}}, {{5}, {3}}, {{3, 5}, {6}}}) + ex({{{5}, {6}}}, {few, few})},
      {"searchsorted right (traced sorted array)",
       FN(jnp::searchsorted(jnp::sort(a[1]), a[0], "right")),
       ex({{{}, {4}}, {{3, 5}, {6}}}) + ex({{{5}, {6}}}, {few, few})},
      {"unique (size = n)", FN(jnp::unique(a[0], a[0].size())), ex(unary_shapes, {few_f}) + ex({{{6}}}, {few})},
      {"unique (size 3, traced fill value)", FN(jnp::unique(a[0], 3, a[1])), ex({{{6}, {}}}, {few, I})},
      {"unique (size 4, default fill)", FN(jnp::unique(a[0], 4)), ex({{{6}}, {{2, 3}}}, {few})},
      {"unique_all values", FN(jnp::unique_all(a[0], {.size = 4}).values), ex({{{6}}, {{2, 3}}}, {few})},
      {"unique_all indices", FN(jnp::unique_all(a[0], {.size = 4}).indices), ex({{{6}}, {{2, 3}}}, {few})},
      {"unique_all inverse", FN(jnp::unique_all(a[0], {.size = 4}).inverse), ex({{{6}}, {{2, 3}}}, {few})},
      {"unique_all counts", FN(jnp::unique_all(a[0], {.size = 4}).counts), ex({{{6}}, {{2, 3}}}, {few})},
      {"unique_all values with NaNs (equal_nan false)",
       FN(jnp::unique_all(a[0], {.size = 6, .equal_nan = false}).values),
       ex({{{6}}}, {Fsp})},
      {"nonzero (size 3)", FN(flat(jnp::nonzero(a[0], 3))), ex({{{5}}, {{3, 4}}}, {few}) + ex({{{4}}}, {Bool})},
      {"nonzero (size 6, fill -1)", FN(flat(jnp::nonzero(a[0], 6, -1))), ex({{{2, 3}}}, {few})},
      {"nonzero of a comparison", FN(jnp::nonzero(a[0] > 0.0, 3)[0]), ex(array_shapes)},
      {"flatnonzero (size 3)", FN(jnp::flatnonzero(a[0], 3)), ex({{{}}, {{5}}, {{2, 3}}}, {few})},
      {"argwhere (size 2)", FN(jnp::argwhere(a[0], 2)), ex({{{}}, {{5}}, {{2, 3}}}, {few})},
      {"argwhere (size 4, fill 9)", FN(jnp::argwhere(a[0], 4, 9)), ex({{{3, 2}}}, {Bool})},
  };
}

std::vector<vmap_case> indexing_cases() {
  using xjax::ellipsis;
  using xjax::newaxis;
  using xjax::slice;
  using mode = lax::gather_scatter_mode;
  const array rep = i32({3, 0, 3});  // repeated indices
  const array rep2d = i32({0, 1, 1, 0}, {2, 2});
  const array rows = i32({0, 2, 1}), cols = i32({1, -1, 0});
  const array oob = i32({1, 7, -9});  // out of bounds
  const std::vector<example> ranked = ex(array_shapes) + ex({{{5, 2}}}, {I});
  const std::vector<example> matrices = ex(matrix_shapes) + ex({{{4, 3}}}, {Bool});
  const std::vector<example> rows4 = ex({{{5}}, {{4, 3}}, {{5, 2, 3}}});
  const shape_lists at_rep{{{5}, {3}}, {{4, 3}, {3, 3}}, {{4, 2}, {}}};
  const shape_lists at_one{{{5}, {}}, {{3, 5}, {5}}, {{2, 3, 5}, {3, 5}}};
  // Batched (traced) indices: an operand and an index array, or a 0-d index.
  const std::vector<example> by_array = ex({{{5}, {3}}, {{4, 3}, {2, 2}}, {{5, 2}, {}}}, {F, idx(-4, 3)});
  const std::vector<example> by_scalar = ex({{{5}, {}}, {{4, 3}, {}}}, {F, idx(-4, 3)});
  return {
      {"x(1)", FN(a[0](1)), ranked},
      {"x(-1, slice(1, 4))", FN(a[0](-1, slice(1, 4))), matrices},
      {"x(slice(None, None, 2))", FN(a[0](slice(std::nullopt, std::nullopt, 2))), ranked},
      {"x(slice(None, None, -1), newaxis)", FN(a[0](slice(std::nullopt, std::nullopt, -1), newaxis)), ranked},
      {"x(slice(3, 0, -2), 0)", FN(a[0](slice(3, 0, -2), 0)), matrices},
      {"x(ellipsis, 0)", FN(a[0](ellipsis, 0)), ranked},
      {"x(newaxis)", FN(a[0](newaxis)), ex(unary_shapes)},
      {"x(ellipsis) of a 0-d x", FN(a[0](ellipsis)), ex({{{}}})},
      {"x(int array, repeated)", FN(a[0](rep)), rows4},
      {"x(2-d int array)", FN(a[0](rep2d)), ranked},
      {"x(int array, int array)", FN(a[0](rows, cols)), ex({{{3, 5}}, {{4, 3}}, {{3, 2, 4}}})},
      {"x(slice(), int array)", FN(a[0](slice(), rows)), ex({{{3, 5}}, {{4, 3}}, {{2, 3, 4}}})},
      {"x(int array, slice(), int array)", FN(a[0](rows, slice(), cols)), ex({{{3, 2, 4}}})},
      {"x(batched int array)", FN(a[0](a[1])), by_array + ex({{{4}, {2}}}, {I, idx(0, 3)})},
      {"x(batched 0-d int)", FN(a[0](a[1])), by_scalar},
      {"x(slice(1, None), batched 0-d int)", FN(a[0](slice(1, std::nullopt), a[1])), ex({{{4, 3}, {}}}, {F, idx(-3, 2)})},
      {"x(batched int array, batched int array)", FN(a[0](a[1], a[2])),
       ex({{{4, 3}, {2}, {2}}, {{4, 3}, {}, {2, 1}}}, {F, idx(-4, 3), idx(-3, 2)})},
      {"x.at(int array).get()", FN(a[0].at(rep).get()), rows4},
      {"x.at(out of bounds).get(clip)", FN(a[0].at(oob).get(mode::clip)), rows4},
      {"x.at(out of bounds).get(fill 0.5)", FN(a[0].at(oob).get(mode::fill_or_drop, 0.5)), rows4},
      {"x.at(batched out of bounds).get(fill)", FN(a[0].at(a[1]).get(mode::fill_or_drop)),
       ex({{{5}, {3}}, {{4, 3}, {2}}}, {F, idx(-7, 7)})},
      {"getitem (x, (slice(), out of bounds)) clip", FN(jnp::getitem(a[0], {slice(), oob}, mode::clip)), matrices},
      {"x(argmax(x)): a traced index", FN(jnp::ravel(a[0])(jnp::argmax(a[0]))), ex(unary_shapes)},
      {"x.at(1).set(y)", FN(a[0].at(1).set(a[1])), ex(at_one) + ex({{{3}, {}}}, {I, F})},
      {"x.at(int array, repeated).set(y)", FN(a[0].at(rep).set(a[1])), ex(at_rep)},
      {"x.at(slice(1, 4)).set(y)", FN(a[0].at(slice(1, 4)).set(a[1])), ex({{{5}, {3}}, {{5, 3}, {3}}})},
      {"x.at(batched int array).set(y)", FN(a[0].at(a[2]).set(a[1])), ex({{{5}, {3}, {3}}, {{4, 3}, {}, {2}}}, {F, F, idx(-4, 3)})},
      {"x.at(batched 0-d int).set(y)", FN(a[0].at(a[2]).set(a[1])), ex({{{5}, {}, {}}, {{4, 3}, {3}, {}}}, {F, F, idx(-4, 3)})},
      {"x.at(slice(1, 4)).add(y)", FN(a[0].at(slice(1, 4)).add(a[1])), ex({{{5}, {3}}, {{5, 3}, {3}}, {{4, 2, 3}, {}}})},
      {"x.at(int array, repeated).add(y)", FN(a[0].at(rep).add(a[1])), ex(at_rep) + ex({{{4}, {3}}}, {I, I})},
      {"x.at(out of bounds).add(y) dropped", FN(a[0].at(oob).add(a[1], mode::fill_or_drop)), ex(at_rep)},
      {"x.at(batched int array, repeated).add(y)", FN(a[0].at(a[2]).add(a[1])),
       ex({{{4}, {5}, {5}}, {{4, 3}, {3}, {2}}}, {F, F, idx(-4, 3)})},
      {"x.at(1).multiply(y)", FN(a[0].at(1).multiply(a[1])), ex(at_one)},
      {"x.at(int array, repeated).multiply(y)", FN(a[0].at(rep).multiply(a[1])), ex(at_rep)},
      {"x.at(batched int array).multiply(y)", FN(a[0].at(a[2]).multiply(a[1])), ex({{{4}, {3}, {3}}}, {F, F, idx(0, 3)})},
      {"x.at(1).min(y)", FN(a[0].at(1).min(a[1])), ex(at_one)},
      {"x.at(int array, repeated).min(y)", FN(a[0].at(rep).min(a[1])), ex(at_rep)},
      {"x.at(batched int array).min(y)", FN(a[0].at(a[2]).min(a[1])), ex({{{4}, {3}, {3}}}, {F, F, idx(0, 3)})},
      {"x.at(1).max(y)", FN(a[0].at(1).max(a[1])), ex(at_one)},
      {"x.at(int array, repeated).max(y)", FN(a[0].at(rep).max(a[1])), ex(at_rep) + ex({{{4}, {3}}}, {I, I})},
      {"x.at(batched int array).max(y) clip", FN(a[0].at(a[2]).max(a[1], mode::clip)),
       ex({{{4}, {3}, {3}}}, {F, F, idx(-7, 7)})},
      {"x.at(int array, slice()).set(y)", FN(a[0].at(rows, slice()).set(a[1])), ex({{{3, 4}, {4}}, {{3, 2}, {3, 2}}})},
  };
}

std::vector<vmap_case> special_cases() {
  return {
      {"logsumexp", FN(sp::logsumexp(a[0])), floats()},
      {"logsumexp axis 1", FN(sp::logsumexp(a[0], shape_t{1})), ex(matrix_shapes)},
      {"logsumexp axis -1 keepdims", FN(sp::logsumexp(a[0], shape_t{-1}, std::nullopt, true)), ex(array_shapes) + ex({{{4}}}, {Fsp})},
      {"logsumexp with b", FN(sp::logsumexp(a[0], std::nullopt, a[1])), ex({{{5}, {5}}, {{3, 5}, {5}}, {{}, {}}}, {F, F})},
      {"logsumexp axis 0 with b", FN(sp::logsumexp(a[0], shape_t{0}, a[1])), ex({{{5}, {5}}, {{3, 5}, {3, 1}}}, {F, Fpos})},
      {"erf", un(sp::erf), floats()},
      {"erfc", un(sp::erfc), floats({xjax::float32, -4, 4})},
      {"expit", un(sp::expit), floats()},
      {"logit", un(sp::logit), floats(F01)},
      {"gammaln", un(sp::gammaln), floats({xjax::float32, -3, 5})},
      {"digamma", un(sp::digamma), floats({xjax::float32, -3, 5})},
      {"xlogy", bin(sp::xlogy), pairs(F, Fpos) + ex(few_binary, {{xjax::int32, 0, 1}, Fpos})},
      {"xlog1py", bin(sp::xlog1py), pairs(F, {xjax::float32, -0.5, 2})},
      {"softmax", FN(sp::softmax(a[0])), floats()},
      {"softmax axis -1", FN(sp::softmax(a[0], shape_t{-1})), ex(array_shapes)},
      {"softmax axes (0, 2)", FN(sp::softmax(a[0], shape_t{0, 2})), ex({{{2, 3, 5}}, {{1, 2, 3}}})},
      {"log_softmax", FN(sp::log_softmax(a[0])), floats()},
      {"log_softmax axis 0", FN(sp::log_softmax(a[0], shape_t{0})), ex(array_shapes)},
  };
}

std::vector<vmap_case> nn_cases() {
  const shape_lists labels{{{}}, {{5}}, {{2, 3}}};
  return {
      {"relu (custom_jvp)", un(nn::relu), floats() + ex({{{4}}}, {I})},
      {"relu6 (custom_jvp)", un(nn::relu6), floats({xjax::float32, -3, 9})},
      {"sigmoid", un(nn::sigmoid), ex(unary_shapes) + ex({{{6}}}, {Fsp})},
      {"softplus", un(nn::softplus), floats()},
      {"silu", un(nn::silu), ex(unary_shapes) + ex({{{6}}}, {Fsp})},
      {"swish", un(nn::swish), ex(unary_shapes) + ex({{{6}}}, {Fsp})},
      {"gelu (tanh)", FN(nn::gelu(a[0])), floats()},
      {"gelu (erfc)", FN(nn::gelu(a[0], false)), floats()},
      {"elu", FN(nn::elu(a[0])), floats()},
      {"elu (traced alpha)", FN(nn::elu(a[0], a[1])), ex(binary_shapes, {F, Fpos})},
      {"leaky_relu", FN(nn::leaky_relu(a[0])), floats()},
      {"leaky_relu (traced slope)", FN(nn::leaky_relu(a[0], a[1])), ex(binary_shapes, {F, F01})},
      {"log_sigmoid", un(nn::log_sigmoid), floats()},
      {"softmax", FN(nn::softmax(a[0])), ex(array_shapes) + ex({{{4}}}, {Fsp})},
      {"softmax axis None", FN(nn::softmax(a[0], std::nullopt)), floats()},
      {"softmax axes (0, 1)", FN(nn::softmax(a[0], {0, 1})), ex(matrix_shapes)},
      {"log_softmax", FN(nn::log_softmax(a[0])), ex(array_shapes)},
      {"log_softmax axis 0", FN(nn::log_softmax(a[0], 0)), ex(matrix_shapes)},
      {"logsumexp", FN(nn::logsumexp(a[0])), floats()},
      {"logsumexp axis -1 with b keepdims", FN(nn::logsumexp(a[0], -1, a[1], true)), ex({{{5}, {5}}, {{3, 5}, {5}}}, {F, Fpos})},
      {"one_hot", FN(nn::one_hot(a[0], 4)), ex(labels, {idx(-1, 4)})},
      {"one_hot int32 axis 0", FN(nn::one_hot(a[0], 3, xjax::int32, 0)), ex(labels, {idx(0, 3)})},
      {"one_hot of float labels", FN(nn::one_hot(a[0], 3)), ex({{{4}}}, {{xjax::float32, 0, 3}})},
      {"one_hot (label * 1) axis -2 bool", FN(nn::one_hot(a[0] * 1, 5, xjax::bool_, -2)), ex({{{2, 3}}}, {idx(0, 4)})},
      {"standardize", FN(nn::standardize(a[0])), ex(array_shapes)},
      {"standardize axis 0 stable", FN(nn::standardize(a[0], 0, std::nullopt, std::nullopt, 1e-5, "stable")), ex(matrix_shapes)},
      {"standardize (traced mean, variance and epsilon)",
       FN(nn::standardize(a[0], -1, a[1], a[2], a[3])),
       ex({{{5}, {}, {}, {}}, {{3, 5}, {3, 1}, {3, 1}, {}}}, {F, F, Fpos, Fpos})},
  };
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_CASE("vmap numpy: elementwise functions (ufuncs.hpp) equal stacked slices") { run_cases(ufunc_cases()); }
TEST_CASE("vmap numpy: operators (operators.hpp) equal stacked slices") { run_cases(operator_cases()); }
TEST_CASE("vmap numpy: reductions (reductions.hpp) equal stacked slices") { run_cases(reduction_cases()); }
TEST_CASE("vmap numpy: manipulation (manipulation.hpp, broadcast.hpp, promotion.hpp) equals stacked slices") {
  run_cases(manipulation_cases());
}
TEST_CASE("vmap numpy: creation from arrays (creation.hpp) equals stacked slices") { run_cases(creation_cases()); }
TEST_CASE("vmap numpy: linear algebra (linalg.hpp) equals stacked slices") { run_cases(linalg_cases()); }
TEST_CASE("vmap numpy: sorting and searching (sorting.hpp) equal stacked slices") { run_cases(sorting_cases()); }
TEST_CASE("vmap numpy: indexing x(...) and x.at(...) (indexing.hpp) equals stacked slices") {
  run_cases(indexing_cases());
}
TEST_CASE("vmap numpy: scipy.special equals stacked slices") { run_cases(special_cases()); }
TEST_CASE("vmap numpy: nn (functions.hpp) equals stacked slices") { run_cases(nn_cases()); }

TEST_CASE("vmap numpy: the checker can fail") {
  // A function that computes something else when traced (as vmap traces it) than on
  // concrete slices: every in_axes combination and out axis must be reported.
  const fn_t traced_differs = FN(a[0].is_tracer() ? a[0] + 1.0 : a[0]);
  const auto failures = check_example(traced_differs, {{{2, 3}, F}});
  CHECK(failures.size() == 8);  // in_axes 0 and -1, out_axes 0 and -1, eagerly and staged
  // Results that differ in weak type only, and in dtype only.
  const fn_t weak_when_traced = FN(a[0].is_tracer() ? lax::convert_element_type(a[0], xjax::float32, true) : a[0]);
  CHECK(check_example(weak_when_traced, {{{3}, F}}).size() == 8);
  const fn_t wider_when_traced = FN(a[0].is_tracer() ? jnp::astype(a[0], xjax::float64) : a[0]);
  CHECK(check_example(wider_when_traced, {{{3}, F}}).size() == 8);
  // Off by 8 eps of the largest value: a failure; by 2 eps (within close()'s 4): none.
  auto off_by = [](double k) {
    return FN(a[0].is_tracer() ? a[0] + jnp::max(jnp::abs(a[0])) * static_cast<float>(k * 0x1p-23) : a[0]);
  };
  CHECK(check_example(off_by(8), {{{3}, Fnz}}).size() == 8);
  CHECK(check_example(off_by(2), {{{3}, Fnz}}).empty());
}
