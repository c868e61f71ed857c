// xjax::numpy and xjax::scipy::special under autodiff, issue #4's acceptance criterion:
// check_grads at order 2, forward and reverse, for every differentiable function of
// include/xjax/numpy/*.hpp and include/xjax/scipy/special.hpp, on several shapes (0-d
// where meaningful, vectors, matrices of odd sizes, broadcast operands), at points away
// from kinks and discontinuities; and zero tangents for the piecewise-constant, integer
// and bool valued functions.
//
// Table-driven: a row is (name, function, argument generator). Every function has the
// one type fn_t, so check_grads is instantiated once. The generator draws float32
// arguments (check_grads differentiates in float64) from a std::mt19937 with a fixed
// seed, all values of one call distinct and well apart (no ties for max, sort, clip...),
// within per-argument domains (positive for log and sqrt, |x| < 1 for arcsin...).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>
#include <xjax/xjax.hpp>

namespace jnp = xjax::numpy;
namespace sp = xjax::scipy::special;
using xjax::array;
using xjax::shape_t;

namespace {

using arrays = std::vector<array>;
using fn_t = std::function<array(const arrays&)>;
using shape_lists = std::vector<std::vector<shape_t>>;  // one list of argument shapes per check

/// A function of the table: an expression of the arguments a[0], a[1], ... (captures by copy).
#define FN(...) fn_t([=](const arrays& a) -> array { return __VA_ARGS__; })

/// Where an argument's values lie: [lo, hi], or +-[lo, hi] (random signs) when mirrored.
struct domain {
  double lo = -2, hi = 2;
  bool mirrored = false;
};
const domain any{};
const domain positive{0.5, 2};       // log, sqrt, power's base, weights
const domain nonzero{0.5, 2, true};  // away from the kink of |x| and the pole of 1/x
// arcsin, arccos, arctanh, tan. Not closer to +-1: arctanh's fourth derivative there
// (3e4 at 0.9) puts check_grads' second-order finite differences (step 1e-4) 3e-5 off.
const domain unit{-0.8, 0.8};
const domain above_one{1.2, 3};  // arccosh
const domain open01{0.1, 0.9};   // logit

struct grad_case {
  std::string name;
  fn_t f;
  shape_lists shapes;
  std::vector<domain> domains = {};  ///< per argument; missing ones: any
};

const shape_lists unary_shapes{{{}}, {{5}}, {{3, 5}}};
const shape_lists array_shapes{{{5}}, {{3, 5}}, {{2, 3, 5}}};      // at least one axis
const shape_lists matrix_shapes{{{3, 5}}, {{5, 3}}, {{2, 3, 5}}};  // at least two axes
const shape_lists binary_shapes{{{}, {}},         {{5}, {5}},   {{3, 5}, {3, 5}},
                                {{3, 1}, {1, 5}}, {{}, {3, 5}}, {{5}, {2, 3, 5}}};
const shape_lists ternary_shapes{{{}, {}, {}}, {{5}, {5}, {5}}, {{3, 5}, {3, 1}, {5}}};

/// The arguments of one check: float32 arrays of `shapes`. The values of all the
/// arguments are distinct: each element gets its own slot of a shuffled grid over
/// [0, 1), jittered by less than a third of a slot, then mapped to its domain; so two
/// values of one domain are at least 0.4 / (number of elements) of its width apart,
/// far more than check_grads' finite-difference step.
arrays make_args(const std::vector<shape_t>& shapes, const std::vector<domain>& domains, std::mt19937& rng) {
  std::size_t total = 0;
  for (const auto& s : shapes) total += static_cast<std::size_t>(xjax::shape_size(s));
  std::vector<std::size_t> slot(total);
  std::iota(slot.begin(), slot.end(), std::size_t{0});
  std::shuffle(slot.begin(), slot.end(), rng);
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  std::bernoulli_distribution negate(0.5);
  arrays out;
  std::size_t k = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const domain d = i < domains.size() ? domains[i] : any;
    std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shapes[i])));
    for (auto& e : v) {
      const double u = (static_cast<double>(slot[k++]) + 0.5 + jitter(rng)) / static_cast<double>(total);
      const double x = d.lo + (d.hi - d.lo) * u;
      e = static_cast<float>(d.mirrored && negate(rng) ? -x : x);
    }
    out.push_back(array::from_vector(v, shapes[i]));
  }
  return out;
}

std::string shapes_str(const arrays& xs) {
  std::ostringstream s;
  for (std::size_t i = 0; i < xs.size(); ++i) s << (i ? ", " : "") << xjax::shape_str(xs[i].shape());
  return s.str();
}

/// check_grads(f, args, 2) in both modes for every row and shape list of `table`.
void run_grad_cases(const std::vector<grad_case>& table, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& c : table) {
    for (const auto& shapes : c.shapes) {
      const arrays args = make_args(shapes, c.domains, rng);
      INFO(c.name << " at " << shapes_str(args));
      CHECK_NOTHROW(xjax::test::check_grads(c.f, std::tuple{args}, 2, {"fwd", "rev"}));
    }
  }
}

fn_t un(array (*f)(const array&)) {
  return [f](const arrays& a) { return f(a[0]); };
}
fn_t bin(array (*f)(const array&, const array&)) {
  return [f](const arrays& a) { return f(a[0], a[1]); };
}

array i32(std::vector<std::int32_t> v, shape_t s) { return array::from_vector(v, s); }
array i32(std::vector<std::int32_t> v) { return array::from_vector(v); }

shape_t reversed(shape_t s) {
  std::reverse(s.begin(), s.end());
  return s;
}
arrays reversed_pieces(arrays pieces) {
  std::reverse(pieces.begin(), pieces.end());
  return pieces;
}

// ---------------------------------------------------------------------------
// The tables, one per header.

// remainder, mod, fmod and %: |x / y| within [1.05, 1.87], away from the jumps at integers.
const domain dividend{2.2, 2.8, true}, divisor{1.5, 2.1, true};

std::vector<grad_case> ufunc_cases() {
  return {
      {"negative", un(jnp::negative), unary_shapes},
      {"positive", un(jnp::positive), unary_shapes},
      {"absolute", un(jnp::absolute), unary_shapes, {nonzero}},
      {"abs", un(jnp::abs), unary_shapes, {nonzero}},
      {"fabs", un(jnp::fabs), unary_shapes, {nonzero}},
      {"square", un(jnp::square), unary_shapes},
      {"reciprocal", un(jnp::reciprocal), unary_shapes, {nonzero}},
      {"exp", un(jnp::exp), unary_shapes},
      {"exp2", un(jnp::exp2), unary_shapes},
      {"expm1", un(jnp::expm1), unary_shapes},
      {"log", un(jnp::log), unary_shapes, {positive}},
      {"log1p", un(jnp::log1p), unary_shapes, {{-0.5, 2}}},
      {"log2", un(jnp::log2), unary_shapes, {positive}},
      {"log10", un(jnp::log10), unary_shapes, {positive}},
      {"sqrt", un(jnp::sqrt), unary_shapes, {positive}},
      {"cbrt", un(jnp::cbrt), unary_shapes, {nonzero}},
      {"sin", un(jnp::sin), unary_shapes},
      {"cos", un(jnp::cos), unary_shapes},
      {"tan", un(jnp::tan), unary_shapes, {unit}},
      {"arcsin", un(jnp::arcsin), unary_shapes, {unit}},
      {"arccos", un(jnp::arccos), unary_shapes, {unit}},
      {"arctan", un(jnp::arctan), unary_shapes},
      {"sinh", un(jnp::sinh), unary_shapes},
      {"cosh", un(jnp::cosh), unary_shapes},
      {"tanh", un(jnp::tanh), unary_shapes},
      {"arcsinh", un(jnp::arcsinh), unary_shapes},
      {"arccosh", un(jnp::arccosh), unary_shapes, {above_one}},
      {"arctanh", un(jnp::arctanh), unary_shapes, {unit}},
      {"deg2rad", un(jnp::deg2rad), unary_shapes},
      {"rad2deg", un(jnp::rad2deg), unary_shapes},
      {"degrees", un(jnp::degrees), unary_shapes},
      {"radians", un(jnp::radians), unary_shapes},
      {"sinc", un(jnp::sinc), unary_shapes},
      {"nan_to_num", FN(jnp::nan_to_num(a[0])), unary_shapes},
      {"clip (constant bounds)", FN(jnp::clip(a[0], array(-0.77), array(0.83))), unary_shapes},
      {"clip (x, lo, hi)", FN(jnp::clip(a[0], a[1], a[2])), ternary_shapes},
      {"clip (upper only)", FN(jnp::clip(a[0], std::nullopt, a[1])), binary_shapes},
      {"add", bin(jnp::add), binary_shapes},
      {"subtract", bin(jnp::subtract), binary_shapes},
      {"multiply", bin(jnp::multiply), binary_shapes},
      {"divide", bin(jnp::divide), binary_shapes, {any, nonzero}},
      {"true_divide", bin(jnp::true_divide), binary_shapes, {any, nonzero}},
      {"power", bin(jnp::power), binary_shapes, {positive, any}},
      {"pow", bin(jnp::pow), binary_shapes, {positive, any}},
      {"float_power", bin(jnp::float_power), binary_shapes, {positive, any}},
      {"power (x, 3): integer_pow", FN(jnp::power(a[0], array(3))), unary_shapes},
      {"power (x, -2): integer_pow", FN(jnp::power(a[0], array(-2))), unary_shapes, {nonzero}},
      {"power (x, int32 array)",
       FN(jnp::power(a[0], i32({2, -1, 0, 3, 1}))),
       {{{5}}, {{3, 5}}, {{2, 1, 5}}},
       {nonzero}},
      {"maximum", bin(jnp::maximum), binary_shapes},
      {"minimum", bin(jnp::minimum), binary_shapes},
      {"fmax", bin(jnp::fmax), binary_shapes},
      {"fmin", bin(jnp::fmin), binary_shapes},
      {"arctan2", bin(jnp::arctan2), binary_shapes, {any, nonzero}},
      {"hypot", bin(jnp::hypot), binary_shapes, {nonzero, nonzero}},
      {"logaddexp", bin(jnp::logaddexp), binary_shapes},
      {"logaddexp2", bin(jnp::logaddexp2), binary_shapes},
      {"remainder", bin(jnp::remainder), binary_shapes, {dividend, divisor}},
      {"mod", bin(jnp::mod), binary_shapes, {dividend, divisor}},
      {"fmod", bin(jnp::fmod), binary_shapes, {dividend, divisor}},
      {"copysign", bin(jnp::copysign), binary_shapes, {nonzero, nonzero}},
      {"where (x > 0, y, z)", FN(jnp::where(jnp::greater(a[0], 0.0), a[1], a[2])), ternary_shapes, {nonzero}},
      {"where (x > 0, x, y)", FN(jnp::where(jnp::greater(a[0], 0.0), a[0], a[1])), binary_shapes, {nonzero}},
  };
}

array compound_assignments(const arrays& a) {
  array r = a[0];
  r += a[1];
  r *= a[0];
  r -= a[1];
  r /= a[1];
  return r;
}

std::vector<grad_case> operator_cases() {
  return {
      {"x + y", FN(a[0] + a[1]), binary_shapes},
      {"x - y", FN(a[0] - a[1]), binary_shapes},
      {"x * y", FN(a[0] * a[1]), binary_shapes},
      {"x / y", FN(a[0] / a[1]), binary_shapes, {any, nonzero}},
      {"x % y", FN(a[0] % a[1]), binary_shapes, {dividend, divisor}},
      {"-x", FN(-a[0]), unary_shapes},
      {"+x", FN(+a[0]), unary_shapes},
      {"weak C++ scalars: 2.5 * x - 1 / x + 3", FN(2.5 * a[0] - 1 / a[0] + 3), unary_shapes, {nonzero}},
      {"x += y, *= x, -= y, /= y", compound_assignments, binary_shapes, {any, nonzero}},
  };
}

std::vector<grad_case> reduction_cases() {
  const shape_lists weighted{{{5}, {5}}, {{3, 5}, {3, 5}}, {{}, {}}};
  return {
      {"sum", FN(jnp::sum(a[0])), unary_shapes},
      {"sum axis 0", FN(jnp::sum(a[0], 0)), array_shapes},
      {"sum axes (0, -1) keepdims", FN(jnp::sum(a[0], {0, -1}, std::nullopt, true)), matrix_shapes},
      {"sum initial", FN(jnp::sum(a[0], -1, std::nullopt, false, array(1.5))), array_shapes},
      {"prod", FN(jnp::prod(a[0])), unary_shapes, {nonzero}},
      {"prod axis 1", FN(jnp::prod(a[0], 1)), matrix_shapes, {nonzero}},
      {"max", FN(jnp::max(a[0])), unary_shapes},
      {"max axis -1", FN(jnp::max(a[0], -1)), array_shapes},
      {"max axis 1 initial 0.1", FN(jnp::max(a[0], 1, false, array(0.1))), matrix_shapes},
      {"min", FN(jnp::min(a[0])), unary_shapes},
      {"min axis 0 keepdims", FN(jnp::min(a[0], 0, true)), array_shapes},
      {"amax axis (0, 1)", FN(jnp::amax(a[0], {0, 1})), matrix_shapes},
      {"amin", FN(jnp::amin(a[0])), array_shapes},
      {"ptp", FN(jnp::ptp(a[0])), array_shapes},
      {"ptp axis 0", FN(jnp::ptp(a[0], 0)), matrix_shapes},
      {"mean", FN(jnp::mean(a[0])), unary_shapes},
      {"mean axis -1 keepdims", FN(jnp::mean(a[0], -1, std::nullopt, true)), array_shapes},
      {"var", FN(jnp::var(a[0])), unary_shapes},
      {"var axis 0 ddof 1", FN(jnp::var(a[0], 0, std::nullopt, 1)), matrix_shapes},
      // std of one element is sqrt(0): no 0-d.
      {"std", FN(jnp::std(a[0])), array_shapes},
      {"std axis -1 ddof 1 keepdims", FN(jnp::std(a[0], -1, std::nullopt, 1, true)), matrix_shapes},
      {"median", FN(jnp::median(a[0])), {{{}}, {{5}}, {{4}}, {{3, 5}}, {{2, 3}}}},
      {"median axis 0", FN(jnp::median(a[0], 0)), {{{4, 3}}, {{3, 5}}, {{2, 3, 4}}}},
      {"average", FN(jnp::average(a[0])), unary_shapes},
      {"average weights", FN(jnp::average(a[0], std::nullopt, a[1])), weighted, {any, positive}},
      {"average weights along axis",
       FN(jnp::average(a[0], -1, a[1])),
       {{{3, 5}, {5}}, {{2, 3, 5}, {2, 3, 5}}, {{4, 3}, {3}}},
       {any, positive}},
      {"average_returned: sum of weights",
       FN(jnp::average_returned(a[0], 0, a[1]).second * jnp::average_returned(a[0], 0, a[1]).first),
       {{{5}, {5}}, {{3, 5}, {3}}, {{3, 5}, {3, 5}}},
       {any, positive}},
      {"nansum", FN(jnp::nansum(a[0])), unary_shapes},
      {"nansum axis 0", FN(jnp::nansum(a[0], 0)), array_shapes},
      {"nanmean axis -1", FN(jnp::nanmean(a[0], -1)), array_shapes},
      {"nanmax", FN(jnp::nanmax(a[0])), array_shapes},
      {"nanmin axis 0", FN(jnp::nanmin(a[0], 0)), array_shapes},
      {"cumsum", FN(jnp::cumsum(a[0])), unary_shapes},
      {"cumsum axis 0", FN(jnp::cumsum(a[0], 0)), array_shapes},
      {"cumsum axis -1", FN(jnp::cumsum(a[0], -1)), matrix_shapes},
      {"cumprod", FN(jnp::cumprod(a[0])), unary_shapes, {nonzero}},
      {"cumprod axis 1", FN(jnp::cumprod(a[0], 1)), matrix_shapes, {nonzero}},
  };
}

std::vector<grad_case> manipulation_cases() {
  const shape_lists concat0{{{5}, {3}}, {{3, 5}, {2, 5}}, {{2, 3, 5}, {1, 3, 5}}};
  const shape_lists concat_last{{{5}, {2}}, {{3, 5}, {3, 2}}, {{2, 3, 5}, {2, 3, 1}}};
  const shape_lists same3{{{}, {}, {}}, {{5}, {5}, {5}}, {{3, 5}, {3, 5}, {3, 5}}};
  const array repeats = i32({2, 0, 1});
  const array take_idx = i32({3, 0, 2, 0});  // repeated
  const array take_axis_idx = i32({2, 0, 2});
  const array clip_idx = i32({7, 0, 1});  // 7 clamps to the last
  const array wrap_idx = i32({-1, 4, 1});
  return {
      {"reshape (-1)", FN(jnp::reshape(a[0], {-1})), unary_shapes},
      {"reshape to the reversed shape", FN(jnp::reshape(a[0], reversed(a[0].shape()))), matrix_shapes},
      {"ravel", FN(jnp::ravel(a[0])), unary_shapes},
      {"transpose", FN(jnp::transpose(a[0])), unary_shapes},
      {"transpose (1, 2, 0)", FN(jnp::transpose(a[0], shape_t{1, 2, 0})), {{{2, 3, 5}}, {{1, 3, 4}}, {{3, 1, 2}}}},
      {"swapaxes 0 -1", FN(jnp::swapaxes(a[0], 0, -1)), array_shapes},
      {"moveaxis 0 -1", FN(jnp::moveaxis(a[0], 0, -1)), array_shapes},
      {"moveaxis (0, 1) (-1, 0)", FN(jnp::moveaxis(a[0], shape_t{0, 1}, shape_t{-1, 0})), matrix_shapes},
      {"squeeze", FN(jnp::squeeze(a[0])), {{{1, 5}}, {{3, 1, 5}}, {{1}}}},
      {"squeeze axis 1", FN(jnp::squeeze(a[0], 1)), {{{3, 1}}, {{2, 1, 5}}, {{1, 1}}}},
      {"expand_dims 0", FN(jnp::expand_dims(a[0], 0)), unary_shapes},
      {"expand_dims (0, -1)", FN(jnp::expand_dims(a[0], shape_t{0, -1})), unary_shapes},
      {"concatenate axis 0", FN(jnp::concatenate(a)), concat0},
      {"concatenate axis -1", FN(jnp::concatenate(a, -1)), concat_last},
      {"concatenate axis None",
       FN(jnp::concatenate(a, std::nullopt)),
       {{{}, {3}}, {{3, 5}, {4}}, {{2, 2}, {5}, {1, 3}}}},
      {"stack", FN(jnp::stack(a)), same3},
      {"stack axis -1", FN(jnp::stack(a, -1)), same3},
      {"hstack", FN(jnp::hstack(a)), {{{}, {}}, {{5}, {3}}, {{3, 5}, {3, 2}}}},
      {"vstack", FN(jnp::vstack(a)), {{{}, {}}, {{5}, {5}}, {{3, 5}, {2, 5}}}},
      {"dstack", FN(jnp::dstack(a)), {{{}, {}}, {{5}, {5}}, {{3, 5}, {3, 5}}, {{2, 3, 1}, {2, 3, 4}}}},
      {"split 3: first * last", FN(jnp::split(a[0], 3)[0] * jnp::split(a[0], 3)[2]), {{{6}}, {{3, 5}}, {{9, 2}}}},
      {"split at (1, 3) axis -1, reassembled",
       FN(jnp::concatenate(reversed_pieces(jnp::split(a[0], shape_t{1, 3}, -1)), -1)), array_shapes},
      {"array_split 3, reassembled",
       FN(jnp::concatenate(reversed_pieces(jnp::array_split(a[0], 3)))),
       {{{5}}, {{4, 3}}, {{7, 2}}}},
      {"tile (2, 1)", FN(jnp::tile(a[0], shape_t{2, 1})), unary_shapes},
      {"tile 3", FN(jnp::tile(a[0], 3)), array_shapes},
      {"repeat 2", FN(jnp::repeat(a[0], 2)), unary_shapes},
      {"repeat 2 axis 0", FN(jnp::repeat(a[0], 2, 0)), array_shapes},
      {"repeat (2, 0, 1) axis -1", FN(jnp::repeat(a[0], repeats, -1)), {{{3}}, {{2, 3}}, {{5, 3}}}},
      {"flip", FN(jnp::flip(a[0])), unary_shapes},
      {"flip axis 0", FN(jnp::flip(a[0], 0)), array_shapes},
      {"fliplr", FN(jnp::fliplr(a[0])), matrix_shapes},
      {"flipud", FN(jnp::flipud(a[0])), array_shapes},
      {"roll 2", FN(jnp::roll(a[0], 2)), unary_shapes},
      {"roll (1, -2) axes (0, 1)", FN(jnp::roll(a[0], shape_t{1, -2}, shape_t{0, 1})), matrix_shapes},
      {"rot90", FN(jnp::rot90(a[0])), matrix_shapes},
      {"rot90 k 3 axes (1, 0)", FN(jnp::rot90(a[0], 3, {1, 0})), matrix_shapes},
      {"pad constant 0", FN(jnp::pad(a[0], {1, 2})), unary_shapes},
      {"pad with a traced constant",
       FN(jnp::pad(a[0], {2, 1}, "constant", a[1])),
       {{{5}, {}}, {{3, 5}, {}}, {{2, 3, 5}, {}}}},
      {"pad edge", FN(jnp::pad(a[0], {1, 2}, "edge")), array_shapes},
      {"pad reflect", FN(jnp::pad(a[0], 1, "reflect")), array_shapes},
      {"pad symmetric", FN(jnp::pad(a[0], {2, 1}, "symmetric")), array_shapes},
      {"pad wrap", FN(jnp::pad(a[0], {{1, 2}}, "wrap")), array_shapes},
      {"take (flattened, repeated indices)", FN(jnp::take(a[0], take_idx)), array_shapes},
      {"take axis 1", FN(jnp::take(a[0], take_axis_idx, 1)), matrix_shapes},
      {"take axis -1 clip", FN(jnp::take(a[0], clip_idx, -1, "clip")), array_shapes},
      {"take axis 0 wrap", FN(jnp::take(a[0], wrap_idx, 0, "wrap")), array_shapes},
      {"take_along_axis (argsort): sort", FN(jnp::take_along_axis(a[0], jnp::argsort(a[0], -1), -1)), array_shapes},
      {"take_along_axis axis 0", FN(jnp::take_along_axis(a[0], jnp::argsort(a[0], 0), 0)), matrix_shapes},
      {"atleast_1d", FN(jnp::atleast_1d(a[0])), unary_shapes},
      {"atleast_2d", FN(jnp::atleast_2d(a[0])), unary_shapes},
      {"atleast_3d", FN(jnp::atleast_3d(a[0])), unary_shapes},
      {"astype float64", FN(jnp::astype(a[0], xjax::float64)), unary_shapes},
      {"broadcast_to (4, 3, 5)", FN(jnp::broadcast_to(a[0], {4, 3, 5})), {{{}}, {{5}}, {{3, 1}}}},
      {"broadcast_arrays: product", FN(jnp::broadcast_arrays(a)[0] * jnp::broadcast_arrays(a)[1]), binary_shapes},
  };
}

std::vector<grad_case> creation_cases() {
  return {
      {"asarray", FN(jnp::asarray(a[0])), unary_shapes},
      {"full (2, 3)", FN(jnp::full({2, 3}, a[0])), {{{}}, {{3}}, {{1, 3}}}},
      {"full_like", FN(jnp::full_like(a[0], a[1])), {{{5}, {}}, {{3, 5}, {5}}, {{}, {}}}},
      {"linspace", FN(jnp::linspace(a[0], a[1], 7)), {{{}, {}}, {{3}, {3}}, {{2, 3}, {3}}}},
      {"linspace_retstep: the step",
       FN(jnp::linspace_retstep(a[0], a[1], 5).second),
       {{{}, {}}, {{3}, {3}}, {{2, 3}, {3}}}},
      {"linspace no endpoint, axis -1",
       FN(jnp::linspace(a[0], a[1], 4, {.endpoint = false, .axis = -1})),
       {{{}, {}}, {{3}, {3}}, {{2, 3}, {3}}}},
      {"logspace (traced base)",
       FN(jnp::logspace(a[0], a[1], 5, {}, a[2])),
       {{{}, {}, {}}, {{3}, {3}, {}}, {{2, 3}, {3}, {3}}},
       {{-1, 1}, {-1, 1}, {1.5, 3}}},
      {"tril", FN(jnp::tril(a[0])), {{{3, 5}}, {{5, 3}}, {{2, 4, 4}}}},
      {"triu k 1", FN(jnp::triu(a[0], 1)), {{{3, 5}}, {{5, 3}}, {{2, 4, 4}}}},
      {"diag of a vector k 1", FN(jnp::diag(a[0], 1)), {{{5}}, {{1}}, {{3}}}},
      {"diag of a matrix k -1", FN(jnp::diag(a[0], -1)), {{{3, 5}}, {{5, 3}}, {{4, 4}}}},
      {"diagflat", FN(jnp::diagflat(a[0])), unary_shapes},
      {"meshgrid: product", FN(jnp::meshgrid(a)[0] * jnp::meshgrid(a)[1]), {{{3}, {5}}, {{1}, {4}}, {{5}, {2}}}},
      {"meshgrid ij sparse: sum",
       FN(jnp::meshgrid(a, "ij", true)[0] + jnp::meshgrid(a, "ij", true)[1]),
       {{{3}, {5}}, {{1}, {4}}, {{5}, {2}}}},
  };
}

std::vector<grad_case> linalg_cases() {
  namespace la = jnp::linalg;
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {"matmul",
       FN(jnp::matmul(a[0], a[1])),
       {{{5}, {5}}, {{3, 5}, {5}}, {{5}, {5, 4}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{2, 1, 3, 5}, {3, 5, 2}}}},
      {"dot",
       FN(jnp::dot(a[0], a[1])),
       {{{}, {3, 5}}, {{5}, {5}}, {{3, 5}, {5}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{2, 3, 5}, {4, 5, 3}}}},
      {"vdot", FN(jnp::vdot(a[0], a[1])), {{{}, {}}, {{5}, {5}}, {{3, 5}, {5, 3}}}},
      {"inner", FN(jnp::inner(a[0], a[1])), {{{}, {5}}, {{5}, {5}}, {{3, 5}, {4, 5}}}},
      {"outer", bin(jnp::outer), {{{}, {}}, {{5}, {3}}, {{2, 3}, {4}}}},
      {"tensordot axes 1", FN(jnp::tensordot(a[0], a[1], 1)), {{{5}, {5}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5}}}},
      {"tensordot axes 2",
       FN(jnp::tensordot(a[0], a[1])),
       {{{3, 5}, {3, 5}}, {{2, 3, 5}, {3, 5, 4}}, {{1, 2}, {1, 2, 3}}}},
      {"tensordot axes (0, 2) (1, 0)",
       FN(jnp::tensordot(a[0], a[1], shape_t{0, 2}, shape_t{1, 0})),
       {{{3, 2, 5}, {5, 3}}, {{3, 1, 4}, {4, 3, 2}}, {{1, 3, 2}, {2, 1}}}},
      {"einsum ij,jk->ik", FN(jnp::einsum("ij,jk->ik", a)), {{{3, 5}, {5, 4}}, {{1, 5}, {5, 1}}, {{5, 5}, {5, 5}}}},
      {"einsum i,i->", FN(jnp::einsum("i,i->", a)), {{{5}, {5}}, {{1}, {1}}, {{3}, {3}}}},
      {"einsum bij,bjk->bik",
       FN(jnp::einsum("bij,bjk->bik", a)),
       {{{2, 3, 5}, {2, 5, 4}}, {{1, 2, 2}, {1, 2, 3}}, {{3, 1, 2}, {3, 2, 1}}}},
      {"einsum ij->ji", FN(jnp::einsum("ij->ji", a)), {{{3, 5}}, {{1, 4}}, {{5, 5}}}},
      {"einsum ii->i", FN(jnp::einsum("ii->i", a)), {{{4, 4}}, {{1, 1}}, {{3, 3}}}},
      {"einsum ij,ij->i", FN(jnp::einsum("ij,ij->i", a)), {{{3, 5}, {3, 5}}, {{1, 4}, {1, 4}}, {{5, 2}, {5, 2}}}},
      {"einsum i,j->ij", FN(jnp::einsum("i,j->ij", a)), {{{3}, {5}}, {{1}, {4}}, {{2}, {2}}}},
      {"einsum ijk->", FN(jnp::einsum("ijk->", a)), {{{2, 3, 5}}, {{1, 1, 1}}, {{3, 2, 2}}}},
      {"einsum ij,jk,kl->il",
       FN(jnp::einsum("ij,jk,kl->il", a)),
       {{{3, 5}, {5, 4}, {4, 2}}, {{1, 2}, {2, 3}, {3, 1}}, {{2, 2}, {2, 2}, {2, 2}}}},
      {"trace", FN(jnp::trace(a[0])), {{{3, 5}}, {{5, 3}}, {{4, 4}}}},
      {"trace offset 1", FN(jnp::trace(a[0], 1)), {{{3, 5}}, {{5, 3}}, {{4, 4}}}},
      {"trace axes (1, 2)", FN(jnp::trace(a[0], 0, 1, 2)), {{{2, 3, 5}}, {{4, 3, 3}}, {{1, 5, 2}}}},
      {"kron", bin(jnp::kron), {{{3}, {2}}, {{2, 3}, {3, 2}}, {{}, {5}}}},
      {"cross", FN(jnp::cross(a[0], a[1])), {{{3}, {3}}, {{4, 3}, {3}}, {{5, 3}, {5, 3}}, {{2}, {3}}, {{2}, {2}}}},
      {"norm", FN(la::norm(a[0])), unary_shapes, {nonzero}},
      {"norm ord 1 axis -1", FN(la::norm(a[0], 1, -1)), array_shapes, {nonzero}},
      {"norm ord 2 axis 0", FN(la::norm(a[0], 2, 0)), array_shapes, {nonzero}},
      {"norm ord inf axis -1", FN(la::norm(a[0], inf, -1)), array_shapes, {nonzero}},
      {"norm ord -inf axis 0", FN(la::norm(a[0], -inf, 0)), array_shapes, {nonzero}},
      {"norm ord 3 axis -1 keepdims", FN(la::norm(a[0], 3, -1, true)), array_shapes, {nonzero}},
      {"norm ord 0.5 axis -1", FN(la::norm(a[0], 0.5, -1)), array_shapes, {nonzero}},
      {"norm fro axes (0, 1)", FN(la::norm(a[0], "fro", shape_t{0, 1})), matrix_shapes, {nonzero}},
      {"norm matrix ord 1", FN(la::norm(a[0], 1, shape_t{0, 1})), matrix_shapes, {nonzero}},
      {"norm matrix ord -1 axes (1, 0)", FN(la::norm(a[0], -1, shape_t{1, 0})), matrix_shapes, {nonzero}},
      {"norm matrix ord inf", FN(la::norm(a[0], inf, shape_t{0, 1})), matrix_shapes, {nonzero}},
      {"norm matrix ord -inf axes (-1, -2)", FN(la::norm(a[0], -inf, shape_t{-1, -2})), matrix_shapes, {nonzero}},
  };
}

std::vector<grad_case> sorting_cases() {
  return {
      {"sort", FN(jnp::sort(a[0])), array_shapes},
      {"sort axis None", FN(jnp::sort(a[0], std::nullopt)), unary_shapes},
      {"sort axis 0 descending", FN(jnp::sort(a[0], 0, true, true)), array_shapes},
      {"sort unstable", FN(jnp::sort(a[0], -1, false)), array_shapes},
      {"unique (size = n)", FN(jnp::unique(a[0], a[0].size())), unary_shapes},
  };
}

std::vector<grad_case> indexing_cases() {
  using xjax::ellipsis;
  using xjax::newaxis;
  using xjax::slice;
  using mode = xjax::lax::gather_scatter_mode;
  // Indices under the default mode (promise_in_bounds) are in bounds: out of bounds, the
  // gather clamps and its transpose drops, as in JAX, so the gradient is not the value's.
  const array rep = i32({3, 0, 3});  // repeated indices
  const array rep2d = i32({0, 1, 1, 0}, {2, 2});
  const array rows = i32({0, 2, 1}), cols = i32({1, 1, 0});
  const array oob = i32({1, 7, 0});  // 7 is out of bounds
  const shape_lists at_rep{{{5}, {3}}, {{4, 3}, {3, 3}}, {{4, 2}, {}}};
  const shape_lists at_one{{{5}, {}}, {{3, 5}, {5}}, {{2, 3, 5}, {3, 5}}};
  const shape_lists axis0_ge4{{{5}}, {{4, 3}}, {{5, 2, 3}}};
  return {
      {"x(1)", FN(a[0](1)), array_shapes},
      {"x(-1, slice(1, 4))", FN(a[0](-1, slice(1, 4))), matrix_shapes},
      {"x(slice(None, None, 2))", FN(a[0](slice(std::nullopt, std::nullopt, 2))), array_shapes},
      {"x(slice(None, None, -1), newaxis)", FN(a[0](slice(std::nullopt, std::nullopt, -1), newaxis)), array_shapes},
      {"x(ellipsis, 0)", FN(a[0](ellipsis, 0)), array_shapes},
      {"x(newaxis)", FN(a[0](newaxis)), unary_shapes},
      {"x(int array, repeated)", FN(a[0](rep)), axis0_ge4},
      {"x(2-d int array)", FN(a[0](rep2d)), array_shapes},
      {"x(int array, int array)", FN(a[0](rows, cols)), {{{3, 5}}, {{4, 3}}, {{3, 2, 4}}}},
      {"x(slice(), int array)", FN(a[0](slice(), rows)), {{{3, 5}}, {{4, 3}}, {{2, 3, 4}}}},
      {"x.at(int array).get()", FN(a[0].at(rep).get()), axis0_ge4},
      {"x.at(int array out of bounds).get(clip)", FN(a[0].at(oob).get(mode::clip)), axis0_ge4},
      {"x.at(int array out of bounds).get(fill 0.5)", FN(a[0].at(oob).get(mode::fill_or_drop, 0.5)), axis0_ge4},
      {"getitem (x, (slice(), int array)) clip", FN(jnp::getitem(a[0], {slice(), oob}, mode::clip)), matrix_shapes},
      {"x(argmax(x)): a traced index", FN(jnp::ravel(a[0])(jnp::argmax(a[0]))), unary_shapes},
      {"x.at(1).set(y)", FN(a[0].at(1).set(a[1])), at_one},
      {"x.at(int array, repeated).set(y)", FN(a[0].at(rep).set(a[1])), at_rep},
      {"x.at(slice(1, 4)).add(y)", FN(a[0].at(slice(1, 4)).add(a[1])), {{{5}, {3}}, {{5, 3}, {3}}, {{4, 2, 3}, {}}}},
      {"x.at(int array, repeated).add(y)", FN(a[0].at(rep).add(a[1])), at_rep},
      {"x.at(int array out of bounds).add(y) (dropped)", FN(a[0].at(oob).add(a[1], mode::fill_or_drop)), at_rep},
      {"x.at(1).multiply(y)", FN(a[0].at(1).multiply(a[1])), at_one},
      // JAX differentiates scatter_mul in the updates only for unique indices ("scatter_mul
      // gradients are only implemented if `unique_indices=True`"): here y is a constant.
      {"x.at(int array, repeated).multiply(1.5)", FN(a[0].at(rep).multiply(array(1.5))), axis0_ge4},
      {"x.at(1).min(y)", FN(a[0].at(1).min(a[1])), at_one},
      {"x.at(int array, repeated).min(y)", FN(a[0].at(rep).min(a[1])), at_rep},
      {"x.at(1).max(y)", FN(a[0].at(1).max(a[1])), at_one},
      {"x.at(int array, repeated).max(y)", FN(a[0].at(rep).max(a[1])), at_rep},
  };
}

std::vector<grad_case> special_cases() {
  return {
      {"logsumexp", FN(sp::logsumexp(a[0])), unary_shapes},
      {"logsumexp axis 1", FN(sp::logsumexp(a[0], 1)), matrix_shapes},
      {"logsumexp axis -1 keepdims", FN(sp::logsumexp(a[0], -1, std::nullopt, true)), array_shapes},
      {"logsumexp with b",
       FN(sp::logsumexp(a[0], std::nullopt, a[1])),
       {{{5}, {5}}, {{3, 5}, {5}}, {{}, {}}},
       {any, positive}},
      {"logsumexp axis 0 with b",
       FN(sp::logsumexp(a[0], 0, a[1])),
       {{{5}, {5}}, {{3, 5}, {3, 1}}, {{2, 3, 5}, {2, 3, 5}}},
       {any, positive}},
      {"erf", un(sp::erf), unary_shapes},
      {"erfc", un(sp::erfc), unary_shapes},
      {"expit", un(sp::expit), unary_shapes},
      {"logit", un(sp::logit), unary_shapes, {open01}},
      {"gammaln", un(sp::gammaln), unary_shapes, {positive}},
      {"gammaln (between the poles -1 and 0)", un(sp::gammaln), unary_shapes, {{-0.8, -0.2}}},
      {"digamma", un(sp::digamma), unary_shapes, {positive}},
      {"xlogy", bin(sp::xlogy), binary_shapes, {any, positive}},
      {"xlog1py", bin(sp::xlog1py), binary_shapes, {any, {-0.5, 2}}},
      {"softmax", FN(sp::softmax(a[0])), unary_shapes},
      {"softmax axis -1", FN(sp::softmax(a[0], -1)), array_shapes},
      {"softmax axes (0, 2)", FN(sp::softmax(a[0], shape_t{0, 2})), {{{2, 3, 5}}, {{1, 2, 3}}, {{3, 1, 1}}}},
      {"log_softmax", FN(sp::log_softmax(a[0])), unary_shapes},
      {"log_softmax axis 0", FN(sp::log_softmax(a[0], 0)), array_shapes},
  };
}

// ---------------------------------------------------------------------------
// Functions with zero derivatives: piecewise constant, or integer or bool valued.

struct zero_case {
  std::string name;
  fn_t f;
  shape_lists shapes;
  std::vector<domain> domains = {};
};

/// jvp gives zero tangents (of the output's dtype: integer zeros for integer outputs,
/// float0 in JAX), and a floating output's vjp gives zero cotangents.
void run_zero_cases(const std::vector<zero_case>& table, unsigned seed) {
  std::mt19937 rng(seed);
  for (const auto& c : table) {
    for (const auto& shapes : c.shapes) {
      const arrays args = make_args(shapes, c.domains, rng);
      const arrays tangents = make_args(shapes, {}, rng);
      INFO(c.name << " at " << shapes_str(args));
      auto [y, ty] = xjax::jvp(c.f, std::tuple{args}, std::tuple{tangents});
      CHECK(ty.aval() == y.aval());
      for (double v : xjax::lax::convert_element_type(ty, xjax::float64).to_vector<double>()) CHECK(v == 0);
      if (y.dtype().is_floating()) {
        auto [y2, pullback] = xjax::vjp(c.f, args);
        auto [ct] = pullback(jnp::ones_like(y2));
        REQUIRE(ct.size() == args.size());
        for (const auto& g : ct) {
          for (double v : g.to_vector<double>()) CHECK(v == 0);
        }
      }
    }
  }
}

std::vector<zero_case> zero_cases() {
  const array sorted = array::from_vector<float>({-1.5f, -0.2f, 0.4f, 1.1f});
  return {
      {"sign", un(jnp::sign), unary_shapes, {nonzero}},
      {"floor", un(jnp::floor), unary_shapes},
      {"ceil", un(jnp::ceil), unary_shapes},
      {"trunc", un(jnp::trunc), unary_shapes},
      {"rint", un(jnp::rint), unary_shapes},
      {"round", FN(jnp::round(a[0])), unary_shapes},
      {"round decimals 1", FN(jnp::round(a[0], 1)), unary_shapes},
      {"around", FN(jnp::around(a[0])), unary_shapes},
      {"floor_divide", bin(jnp::floor_divide), binary_shapes, {any, nonzero}},
      {"heaviside", bin(jnp::heaviside), binary_shapes, {nonzero}},
      {"isnan", un(jnp::isnan), unary_shapes},
      {"isinf", un(jnp::isinf), unary_shapes},
      {"isposinf", un(jnp::isposinf), unary_shapes},
      {"isneginf", un(jnp::isneginf), unary_shapes},
      {"isfinite", un(jnp::isfinite), unary_shapes},
      {"signbit", un(jnp::signbit), unary_shapes},
      {"equal", bin(jnp::equal), binary_shapes},
      {"not_equal", bin(jnp::not_equal), binary_shapes},
      {"less", bin(jnp::less), binary_shapes},
      {"less_equal", bin(jnp::less_equal), binary_shapes},
      {"greater", bin(jnp::greater), binary_shapes},
      {"greater_equal", bin(jnp::greater_equal), binary_shapes},
      {"x < y", FN(a[0] < a[1]), binary_shapes},
      {"x == y", FN(a[0] == a[1]), binary_shapes},
      {"logical_and", bin(jnp::logical_and), binary_shapes},
      {"logical_or", bin(jnp::logical_or), binary_shapes},
      {"logical_xor", bin(jnp::logical_xor), binary_shapes},
      {"logical_not", un(jnp::logical_not), unary_shapes},
      {"argmax", FN(jnp::argmax(a[0])), unary_shapes},
      {"argmin axis 0", FN(jnp::argmin(a[0], 0)), array_shapes},
      {"argsort", FN(jnp::argsort(a[0])), array_shapes},
      {"searchsorted", FN(jnp::searchsorted(sorted, a[0])), unary_shapes},
      {"searchsorted (traced sorted array)",
       FN(jnp::searchsorted(jnp::sort(a[1]), a[0], "right")),
       {{{}, {4}}, {{5}, {3}}, {{3, 5}, {6}}}},
      {"count_nonzero", FN(jnp::count_nonzero(a[0])), unary_shapes},
      {"all", FN(jnp::all(a[0])), unary_shapes},
      {"any axis 0", FN(jnp::any(a[0], 0)), array_shapes},
      {"nonzero (size 3)", FN(jnp::nonzero(jnp::greater(a[0], 0.0), 3)[0]), array_shapes},
      {"flatnonzero (size 3)", FN(jnp::flatnonzero(a[0], 3)), unary_shapes},
      {"argwhere (size 2)", FN(jnp::argwhere(a[0], 2)), unary_shapes},
      {"unique_all counts", FN(jnp::unique_all(a[0], {.size = 4}).counts), unary_shapes},
      {"astype int32", FN(jnp::astype(a[0], xjax::int32)), unary_shapes},
      {"zeros_like", FN(jnp::zeros_like(a[0])), unary_shapes},
      {"ones_like", FN(jnp::ones_like(a[0])), unary_shapes},
      {"full_like (constant fill)", FN(jnp::full_like(a[0], 2.5)), unary_shapes},
      {"norm ord 0 (a count)", FN(jnp::linalg::norm(a[0], 0, -1)), array_shapes, {nonzero}},
  };
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_CASE("ad numpy: check_grads order 2 of the elementwise functions (ufuncs.hpp)") {
  run_grad_cases(ufunc_cases(), 1);
}
TEST_CASE("ad numpy: check_grads order 2 of the operators (operators.hpp)") { run_grad_cases(operator_cases(), 2); }
TEST_CASE("ad numpy: check_grads order 2 of the reductions (reductions.hpp)") { run_grad_cases(reduction_cases(), 3); }
TEST_CASE("ad numpy: check_grads order 2 of the manipulation functions (manipulation.hpp, broadcast.hpp)") {
  run_grad_cases(manipulation_cases(), 4);
}
TEST_CASE("ad numpy: check_grads order 2 of the creation functions of arrays (creation.hpp)") {
  run_grad_cases(creation_cases(), 5);
}
TEST_CASE("ad numpy: check_grads order 2 of the linear algebra (linalg.hpp)") { run_grad_cases(linalg_cases(), 6); }
TEST_CASE("ad numpy: check_grads order 2 of sorting (sorting.hpp)") { run_grad_cases(sorting_cases(), 7); }
TEST_CASE("ad numpy: check_grads order 2 of indexing: x(...) and x.at(...) (indexing.hpp)") {
  run_grad_cases(indexing_cases(), 8);
}
TEST_CASE("ad numpy: check_grads order 2 of scipy.special") { run_grad_cases(special_cases(), 9); }

TEST_CASE("ad numpy: piecewise constant, integer and bool valued functions have zero derivatives") {
  run_zero_cases(zero_cases(), 10);
}

TEST_CASE("ad numpy: nextafter is not differentiable, as in JAX") {
  const array x = array::from_vector<float>({0.5f, 1.5f});
  auto f = [](const array& v) { return jnp::sum(jnp::nextafter(v, array(10.0f))); };
  CHECK_THROWS_WITH_AS(xjax::grad(f)(x), doctest::Contains("nextafter"), xjax::error);
}

TEST_CASE("ad numpy: the checks can fail (a wrong derivative is caught)") {
  // x + stop_gradient(x): autodiff sees half of the dependence (derivative 1), finite
  // differences all of it (2). check_grads must throw, in both modes.
  std::mt19937 rng(11);
  const arrays args = make_args({{5}}, {}, rng);
  fn_t wrong = [](const arrays& a) { return jnp::add(a[0], xjax::lax::stop_gradient(a[0])); };
  CHECK_THROWS_AS(xjax::test::check_grads(wrong, std::tuple{args}, 1, {"fwd"}), xjax::error);
  CHECK_THROWS_AS(xjax::test::check_grads(wrong, std::tuple{args}, 1, {"rev"}), xjax::error);

  // x^3 with the right first derivative (3 x^2, held constant) but a zero second one:
  // order 1 passes, order 2 throws in both modes.
  fn_t wrong2 = [](const arrays& a) {
    namespace lax = xjax::lax;
    const array x = a[0], x0 = lax::stop_gradient(x);
    return jnp::add(lax::stop_gradient(jnp::power(x, array(3))),
                    jnp::multiply(jnp::subtract(x, x0), lax::stop_gradient(jnp::multiply(3.0, jnp::square(x)))));
  };
  CHECK_NOTHROW(xjax::test::check_grads(wrong2, std::tuple{args}, 1));
  CHECK_THROWS_AS(xjax::test::check_grads(wrong2, std::tuple{args}, 2, {"fwd"}), xjax::error);
  CHECK_THROWS_AS(xjax::test::check_grads(wrong2, std::tuple{args}, 2, {"rev"}), xjax::error);
}
