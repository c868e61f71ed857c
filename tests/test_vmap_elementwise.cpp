// Batching rules of the elementwise family (primitives/elementwise.hpp):
//  - every primitive under vmap, over every operand axis (in_axes mixing xjax::none,
//    positive and negative axes; out_axes 0, 1 and -1), equals the per-example results
//    stacked, bit for bit, eagerly and through make_jaxpr, on several per-example shapes
//    (0-d included, mixed 0-d and not, size-1 broadcasting) and every dtype class the
//    op accepts;
//  - golden chains from JAX 0.10.2 (tests/golden/gen_vmap_elementwise.py): values, and
//    make_jaxpr(vmap(chain)) with JAX's equations (count, primitives, text), no more
//    equations than the chain itself where JAX adds none;
//  - composition with grad (vmap(grad(f)), grad(vmap(f))) and with vmap itself.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/golden.hpp"

#include <xjax/xjax.hpp>

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;
using xjax::dtype;
using xjax::shape_t;

namespace {

using fn_t = std::function<array(const std::vector<array>&)>;
using axes_t = std::vector<std::optional<std::int64_t>>;

constexpr std::int64_t batch = 4;  // differs from the per-example sizes 2 and 3

// ---------------------------------------------------------------------------
// The generic check: vmap(f) against the per-example results stacked.

/// vmap(f, in_axes, out_axis) applied to args (f takes its operands as a vector; the
/// vmapped function takes them as separate arguments, one in_axes entry each).
array call_vmap(const fn_t& f, const std::vector<array>& a, const axes_t& in_axes, std::int64_t out_axis) {
  auto ax = [&](std::size_t i) { return in_axes[i] ? xjax::axis_spec(*in_axes[i]) : xjax::axis_spec(xjax::none); };
  using list = std::initializer_list<xjax::axis_spec>;
  switch (a.size()) {
    case 1: return xjax::vmap([&](const array& x) { return f({x}); }, list{ax(0)}, out_axis)(a[0]);
    case 2:
      return xjax::vmap([&](const array& x, const array& y) { return f({x, y}); }, list{ax(0), ax(1)}, out_axis)(a[0],
                                                                                                              a[1]);
    case 3:
      return xjax::vmap([&](const array& x, const array& y, const array& z) { return f({x, y, z}); },
                        list{ax(0), ax(1), ax(2)}, out_axis)(a[0], a[1], a[2]);
    case 4:
      return xjax::vmap([&](const array& x, const array& y, const array& z, const array& w) { return f({x, y, z, w}); },
                        list{ax(0), ax(1), ax(2), ax(3)}, out_axis)(a[0], a[1], a[2], a[3]);
    default: FAIL("unsupported arity " << a.size()); return {};
  }
}

/// Element `i` of `x` along `axis` (a slice, the axis removed).
array take(const array& x, std::int64_t axis, std::int64_t i) {
  shape_t start(static_cast<std::size_t>(x.ndim()), 0), limit = x.shape();
  start[static_cast<std::size_t>(axis)] = i;
  limit[static_cast<std::size_t>(axis)] = i + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

std::int64_t normalize(std::int64_t axis, std::int64_t ndim) { return axis < 0 ? axis + ndim : axis; }

/// f applied to each example (sliced from the mapped arguments) and the results stacked
/// along out_axis: what vmap must compute.
array stacked(const fn_t& f, const std::vector<array>& a, const axes_t& in_axes, std::int64_t out_axis) {
  std::int64_t size = -1;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (in_axes[i]) size = a[i].shape()[static_cast<std::size_t>(normalize(*in_axes[i], a[i].ndim()))];
  std::vector<array> outs;
  for (std::int64_t b = 0; b < size; ++b) {
    std::vector<array> example;
    for (std::size_t i = 0; i < a.size(); ++i)
      example.push_back(in_axes[i] ? take(a[i], normalize(*in_axes[i], a[i].ndim()), b) : a[i]);
    outs.push_back(f(example));
  }
  return jnp::stack(outs, out_axis);
}

/// Empty when got and want have the same type and the same bytes (NaNs and signed
/// zeros included: vmap computes exactly what the per-example calls compute).
std::string bitwise_difference(const array& got, const array& want) {
  if (got.aval() != want.aval()) return "type " + got.aval().str() + " where " + want.aval().str() + " was expected";
  const auto bytes = static_cast<std::size_t>(got.nbytes());  // memcmp may not see the null data of an empty array
  if (bytes > 0 && std::memcmp(got.raw_data(), want.raw_data(), bytes) != 0) {
    std::ostringstream s;
    s << "values differ: got " << got << ", want " << want;
    return s.str();
  }
  return "";
}

std::string axes_str(const axes_t& axes) {
  std::string s;
  for (auto& a : axes) s += (s.empty() ? "" : ",") + (a ? std::to_string(*a) : std::string("none"));
  return "(" + s + ")";
}

/// Checks vmap(f) over `a` with these axes, eagerly and through make_jaxpr.
void check_vmap(const std::string& what, const fn_t& f, const std::vector<array>& a, const axes_t& in_axes,
                std::int64_t out_axis) {
  std::string where = what + " in_axes=" + axes_str(in_axes) + " out_axes=" + std::to_string(out_axis) + " on";
  for (auto& x : a) where += " " + x.aval().str();
  INFO(where);
  const array want = stacked(f, a, in_axes, out_axis);
  array got;
  try {
    got = call_vmap(f, a, in_axes, out_axis);
  } catch (const std::exception& e) {
    FAIL("vmap threw: " << std::string(e.what()));
  }
  const std::string eager = bitwise_difference(got, want);
  CHECK_MESSAGE(eager.empty(), "eager: " << eager);
  // Traced: the batching rules must stage ops, not read values.
  auto vf = [&](const std::vector<array>& xs) { return call_vmap(f, xs, in_axes, out_axis); };
  xjax::closed_jaxpr j = xjax::make_jaxpr(vf)(a);
  std::vector<array> traced = xjax::eval_jaxpr(j, a);
  REQUIRE(traced.size() == 1);
  const std::string staged = bitwise_difference(traced[0], want);
  CHECK_MESSAGE(staged.empty(), "through make_jaxpr: " << staged << "\n" << j);
}

// ---------------------------------------------------------------------------
// Data

/// The values of an operand: uniform in [lo, hi), rounded down to a multiple of
/// `step` when it is not 0 (integer dtypes: to an integer).
struct range {
  double lo = -3, hi = 3;
  double step = 0;
};

/// Deterministic data of `shape` and dtype `d` (bool: about half true).
array data(const shape_t& shape, dtype d, range r, std::uint64_t seed) {
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  std::vector<double> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  if (d.is_unsigned_integer()) r.lo = std::max(r.lo, 0.0);
  for (auto& x : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) * 0x1p-53;
    x = d.is_bool() ? (u < 0.5 ? 1 : 0) : r.lo + (r.hi - r.lo) * u;
    if (r.step != 0) x = std::floor(x / r.step) * r.step;
    if (d.is_integer()) x = std::floor(x);
  }
  return lax::convert_element_type(array::from_vector(v, shape), d);
}

shape_t with_batch(shape_t s, std::optional<std::int64_t> axis) {
  if (axis) s.insert(s.begin() + normalize(*axis, static_cast<std::int64_t>(s.size()) + 1), batch);
  return s;
}

// ---------------------------------------------------------------------------
// The ops, their dtypes and per-example shapes

struct op_case {
  std::string name;
  fn_t f;
  std::vector<std::vector<dtype>> signatures;  // operand dtypes, one list per signature
  std::vector<range> ranges = {};              // per operand (default: [-3, 3))
  std::vector<std::vector<shape_t>> shapes = {};  // per-example operand shapes (default: see shape_sets)
};

/// Per-example shapes of n operands: all [2,3]; all 0-d; all [4] (the batch size: the
/// operands batched along different axes then have one shape); one 0-d among [2,3]s and
/// one [2,3] among 0-ds; for two operands, size-1 broadcasting. Unary: [], [3], [4], [2,3].
std::vector<std::vector<shape_t>> shape_sets(std::size_t n) {
  const shape_t full{2, 3}, scalar{}, square{batch};
  if (n == 1) return {{scalar}, {{3}}, {square}, {full}};
  std::set<std::vector<shape_t>> sets{std::vector<shape_t>(n, full), std::vector<shape_t>(n, scalar),
                                      std::vector<shape_t>(n, square)};
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<shape_t> a(n, full), b(n, scalar);
    a[i] = scalar;
    b[i] = full;
    sets.insert(a);
    sets.insert(b);
  }
  if (n == 2) {
    sets.insert({{2, 1}, {1, 3}});
    sets.insert({{2, 3}, {1, 3}});
  }
  return {sets.begin(), sets.end()};
}

/// The in_axes entries of an operand of per-example rank r: none, 0, -1 and, for r >= 1, 1.
std::vector<std::optional<std::int64_t>> axis_choices(std::size_t r) {
  std::vector<std::optional<std::int64_t>> c{std::nullopt, 0, -1};
  if (r >= 1) c.push_back(1);
  return c;
}

/// Runs check_vmap for every signature, shape set and in_axes combination of `op`
/// (out_axes rotating through 0, -1 and 1); returns the number of vmaps checked.
int check_op(const op_case& op) {
  int checked = 0;
  const std::size_t n = op.signatures.at(0).size();
  const auto sets = op.shapes.empty() ? shape_sets(n) : op.shapes;
  std::uint64_t seed = 1;
  for (const auto& sig : op.signatures) {
    for (const auto& shapes : sets) {
      // Skip the shape sets the op rejects per example (e.g. select_n's cases differing).
      std::vector<array> example;
      for (std::size_t i = 0; i < n; ++i)
        example.push_back(data(shapes[i], sig[i], i < op.ranges.size() ? op.ranges[i] : range{}, seed));
      array out;
      try {
        out = op.f(example);
      } catch (const xjax::error&) {
        continue;
      }
      // Every combination of in_axes (an odometer over the operands' choices).
      std::vector<std::vector<std::optional<std::int64_t>>> choices;
      for (auto& s : shapes) choices.push_back(axis_choices(s.size()));
      std::vector<std::size_t> pos(n, 0);
      for (int combo = 0;; ++combo) {
        axes_t in_axes;
        for (std::size_t i = 0; i < n; ++i) in_axes.push_back(choices[i][pos[i]]);
        if (std::any_of(in_axes.begin(), in_axes.end(), [](const auto& a) { return a.has_value(); })) {
          std::vector<array> args;
          for (std::size_t i = 0; i < n; ++i) {
            args.push_back(data(with_batch(shapes[i], in_axes[i]), sig[i],
                                i < op.ranges.size() ? op.ranges[i] : range{}, ++seed));
          }
          const std::int64_t outs[] = {0, -1, 1};
          std::int64_t out_axis = outs[combo % (out.ndim() >= 1 ? 3 : 2)];
          check_vmap(op.name, op.f, args, in_axes, out_axis);
          ++checked;
        }
        std::size_t i = 0;
        while (i < n && ++pos[i] == choices[i].size()) pos[i++] = 0;
        if (i == n) break;
      }
    }
  }
  return checked;
}

void check_ops(const std::vector<op_case>& ops) {
  int total = 0;
  for (const auto& op : ops) {
    INFO("op " << op.name);
    const int checked = check_op(op);
    CHECK(checked >= 6);
    total += checked;
  }
  MESSAGE(ops.size() << " ops, " << total << " vmaps checked");
}

fn_t unary(array (*g)(const array&)) {
  return [g](const std::vector<array>& x) { return g(x[0]); };
}
fn_t binary(array (*g)(const array&, const array&)) {
  return [g](const std::vector<array>& x) { return g(x[0], x[1]); };
}

const dtype f32 = xjax::float32, bf16 = xjax::bfloat16, f16 = xjax::float16, i32 = xjax::int32, u32 = xjax::uint32,
            u8 = xjax::uint8, u16 = xjax::uint16, b = xjax::bool_;

// ---------------------------------------------------------------------------
// The golden chains (gen_vmap_elementwise.py defines the same functions).

array chain_unary(const std::vector<array>& a) {
  // Operands made in JAX's order (C++ leaves the order of function arguments unspecified).
  const array& x = a[0];
  array m = lax::mul(lax::exp(x), 2.0);
  return lax::tanh(lax::add(m, lax::sin(x)));
}
array chain_binary(const std::vector<array>& a) {
  const array &x = a[0], &y = a[1];
  array m = lax::mul(x, y);
  array s = lax::sub(m, lax::div(x, y));
  return lax::max(s, lax::neg(y));
}
array chain_select(const std::vector<array>& a) {
  const array &x = a[0], &y = a[1];
  array p = lax::gt(x, 0.0);
  array m = lax::mul(x, y);
  return lax::select(p, m, lax::clamp(-1.0, y, 1.0));
}
array chain_scalar_pred(const std::vector<array>& a) {
  array d = lax::sub(a[1], a[2]);
  return lax::select(a[0], d, lax::abs(a[2]));
}
array chain_clamp(const std::vector<array>& a) { return lax::mul(lax::clamp(a[0], a[1], a[2]), 2.0); }
array chain_integer(const std::vector<array>& a) {
  array masked = lax::shift_right_logical(lax::bitwise_and(a[0], 12), 1);
  return lax::mul(lax::convert_element_type(lax::population_count(masked), xjax::float32), 0.5);
}
array chain_power(const std::vector<array>& a) {
  const array &x = a[0], &n = a[1];
  array p = lax::pow(x, n);
  array c = lax::integer_pow(x, 3);
  return lax::add(p, lax::sub(c, lax::polygamma(1.0, x)));
}
array chain_bits(const std::vector<array>& a) {
  array i = lax::bitcast_convert_type(a[0], xjax::int32);
  array back = lax::bitcast_convert_type(lax::bitcast_convert_type(a[1], xjax::uint8), xjax::float32);
  return lax::add(lax::convert_element_type(lax::bitwise_xor(i, 7), xjax::float32), back);
}

const fn_t& chain(const std::string& name) {
  static const std::map<std::string, fn_t> chains{
      {"unary", chain_unary},   {"binary", chain_binary},   {"select", chain_select}, {"scalar_pred", chain_scalar_pred},
      {"clamp", chain_clamp},   {"integer", chain_integer}, {"power", chain_power},   {"bits", chain_bits}};
  return chains.at(name);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

/// The primitives of a flat jaxpr's equations, in order, read from JAX's text: each
/// equation is `<outvar>:<type> ... = <primitive>...` (several on one line when short).
std::vector<std::string> primitives_of(const std::string& text) {
  static const std::regex eqn(R"((?:^|\s)(?:[a-z_]+:[a-z0-9]+\[[0-9,]*\]\s+)+=\s+([a-z_0-9]+))");
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), eqn), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

/// The primitives of xjax's jaxpr's equations, in order.
std::vector<std::string> primitives_of(const xjax::closed_jaxpr& j) {
  std::vector<std::string> out;
  for (const auto& e : j.jaxpr->eqns) out.emplace_back(e.prim->name());
  return out;
}

/// JAX's text with numpy integer scalars printed as Python ints (`np.int64(1)` -> `1`:
/// JAX's batching rules compute some params with numpy, which its printer shows), and
/// A jaxpr's text with its layout normalized (JAX's line breaks depend on the length
/// of what it prints).
std::string without_numpy_scalars(const std::string& text) {
  std::string s = std::regex_replace(text, std::regex(R"(np\.int64\((-?\d+)\))"), "$1");
  s = std::regex_replace(s, std::regex(R"(\s+)"), " ");
  s = std::regex_replace(s, std::regex(R"(\[ )"), "[");
  return std::regex_replace(s, std::regex(R"( \])"), "]");
}

}  // namespace

// ===========================================================================

TEST_CASE("vmap elementwise: unary ops over every axis equal the stacked per-example results") {
  const range positive{0.1, 4}, unit{-0.99, 0.99};
  check_ops({
      {"neg", unary(lax::neg), {{f32}, {i32}, {u8}}},
      {"sign", unary(lax::sign), {{f32}, {i32}}},
      {"abs", unary(lax::abs), {{f32}, {i32}}},
      {"square", unary(lax::square), {{f32}, {i32}}},
      {"floor", unary(lax::floor), {{f32}, {bf16}}},
      {"ceil", unary(lax::ceil), {{f32}, {f16}}},
      {"is_finite", unary(lax::is_finite), {{f32}, {bf16}}, {{-1e38, 1e38}}},
      {"exp", unary(lax::exp), {{f32}, {f16}}},
      {"exp2", unary(lax::exp2), {{f32}}},
      {"expm1", unary(lax::expm1), {{f32}}},
      {"log", unary(lax::log), {{f32}, {bf16}}, {positive}},
      {"log1p", unary(lax::log1p), {{f32}}, {positive}},
      {"sqrt", unary(lax::sqrt), {{f32}}, {positive}},
      {"rsqrt", unary(lax::rsqrt), {{f32}}, {positive}},
      {"cbrt", unary(lax::cbrt), {{f32}}},
      {"sin", unary(lax::sin), {{f32}}},
      {"cos", unary(lax::cos), {{f32}}},
      {"tan", unary(lax::tan), {{f32}}},
      {"asin", unary(lax::asin), {{f32}}, {unit}},
      {"acos", unary(lax::acos), {{f32}}, {unit}},
      {"atan", unary(lax::atan), {{f32}}},
      {"sinh", unary(lax::sinh), {{f32}}},
      {"cosh", unary(lax::cosh), {{f32}}},
      {"tanh", unary(lax::tanh), {{f32}, {f16}}},
      {"asinh", unary(lax::asinh), {{f32}}},
      {"acosh", unary(lax::acosh), {{f32}}, {{1, 4}}},
      {"atanh", unary(lax::atanh), {{f32}}, {unit}},
      {"logistic", unary(lax::logistic), {{f32}}},
      {"erf", unary(lax::erf), {{f32}}},
      {"erfc", unary(lax::erfc), {{f32}}},
      {"erf_inv", unary(lax::erf_inv), {{f32}}, {unit}},
      {"lgamma", unary(lax::lgamma), {{f32}}, {positive}},
      {"digamma", unary(lax::digamma), {{f32}}, {positive}},
      {"not", unary(lax::bitwise_not), {{i32}, {b}, {u8}}},
      {"population_count", unary(lax::population_count), {{i32}, {u32}}, {{-1000, 1000}}},
  });
}

TEST_CASE("vmap elementwise: ops with params (round, integer_pow, convert_element_type, bitcast_convert_type)") {
  using method = lax::rounding_method;
  const range halves{-3, 3, 0.5};  // ties included
  auto round_with = [](method m) { return [m](const std::vector<array>& x) { return lax::round(x[0], m); }; };
  std::vector<op_case> ops{
      {"round away_from_zero", round_with(method::away_from_zero), {{f32}, {bf16}}, {halves}},
      {"round to_nearest_even", round_with(method::to_nearest_even), {{f32}}, {halves}},
  };
  for (std::int64_t y : {0, 1, 2, 3, -2}) {
    std::vector<std::vector<dtype>> sigs{{f32}};
    if (y >= 0) sigs.push_back({i32});
    ops.push_back({"integer_pow " + std::to_string(y),
                   [y](const std::vector<array>& x) { return lax::integer_pow(x[0], y); }, sigs});
  }
  auto convert_to = [](dtype d) { return [d](const std::vector<array>& x) { return lax::convert_element_type(x[0], d); }; };
  ops.push_back({"convert_element_type to int32", convert_to(i32), {{f32}, {b}, {u8}}, {{-300, 300}}});
  ops.push_back({"convert_element_type to float32", convert_to(f32), {{i32}, {b}, {bf16}}});
  ops.push_back({"convert_element_type to bool", convert_to(b), {{f32}, {i32}}, {{-1.5, 1.5, 1}}});
  ops.push_back({"convert_element_type to float16", convert_to(f16), {{f32}}});
  ops.push_back({"convert_element_type weak", [](const std::vector<array>& x) {
                   return lax::convert_element_type(x[0], xjax::float32, true);
                 }, {{f32}, {i32}}});
  auto bitcast_to = [](dtype d) { return [d](const std::vector<array>& x) { return lax::bitcast_convert_type(x[0], d); }; };
  ops.push_back({"bitcast_convert_type to int32", bitcast_to(i32), {{f32}, {u32}}});
  ops.push_back({"bitcast_convert_type to float32", bitcast_to(f32), {{i32}}});
  // Narrower: a trailing axis is added.
  ops.push_back({"bitcast_convert_type to uint8", bitcast_to(u8), {{f32}, {i32}}});
  ops.push_back({"bitcast_convert_type to uint16", bitcast_to(u16), {{u32}}});
  // Wider: the trailing axis is consumed, so an example's last axis must have the ratio
  // as its size; the batch axis there (in_axes -1) must move out of the way.
  ops.push_back({"bitcast_convert_type u8 to float32", bitcast_to(f32), {{u8}}, {{0, 255}},
                 std::vector<std::vector<shape_t>>{{shape_t{4}}, {shape_t{2, 4}}}});
  ops.push_back({"bitcast_convert_type u16 to uint32", bitcast_to(u32), {{u16}}, {{0, 60000}},
                 std::vector<std::vector<shape_t>>{{shape_t{2}}, {shape_t{3, 2}}}});
  check_ops(ops);
}

TEST_CASE("vmap elementwise: the wider bitcast with the batch axis last, where JAX's rule fails") {
  // u8[4] per example, mapped along axis 1 of u8[4, 4]: the batch has the bitcast's size.
  array x = data({4, batch}, u8, {0, 255}, 7);
  auto f = [](const array& v) { return lax::bitcast_convert_type(v, u32); };
  array got = xjax::vmap(f, 1)(x);
  std::vector<array> rows;
  for (std::int64_t i = 0; i < batch; ++i) rows.push_back(f(take(x, 1, i)));
  CHECK(bitwise_difference(got, jnp::stack(rows)).empty());
  // One transpose, then the bitcast.
  xjax::closed_jaxpr j = xjax::make_jaxpr(xjax::vmap(f, 1))(x);
  CHECK(primitives_of(j) == std::vector<std::string>{"transpose", "bitcast_convert_type"});
}

TEST_CASE("vmap elementwise: binary ops over every axis equal the stacked per-example results") {
  const range positive{0.1, 3}, small{-3, 4, 1}, amounts{0, 35};
  check_ops({
      {"add", binary(lax::add), {{f32, f32}, {i32, i32}, {u8, u8}}},
      {"sub", binary(lax::sub), {{f32, f32}, {i32, i32}}},
      {"mul", binary(lax::mul), {{f32, f32}, {i32, i32}}},
      {"div", binary(lax::div), {{f32, f32}, {i32, i32}}, {{-10, 10}, small}},
      {"rem", binary(lax::rem), {{f32, f32}, {i32, i32}}, {{-10, 10}, small}},
      {"max", binary(lax::max), {{f32, f32}, {i32, i32}, {b, b}}},
      {"min", binary(lax::min), {{f32, f32}, {i32, i32}, {b, b}}},
      {"pow", binary(lax::pow), {{f32, f32}, {f32, i32}, {bf16, u8}}, {positive, small}},
      {"atan2", binary(lax::atan2), {{f32, f32}}},
      {"polygamma", binary(lax::polygamma), {{f32, f32}}, {{0, 4, 1}, positive}},
      {"nextafter", binary(lax::nextafter), {{f32, f32}, {bf16, bf16}}, {{-2, 2, 0.25}, {-2, 2, 0.25}}},
      {"and", binary(lax::bitwise_and), {{i32, i32}, {b, b}, {u8, u8}}, {{-100, 100}, {-100, 100}}},
      {"or", binary(lax::bitwise_or), {{i32, i32}, {b, b}}, {{-100, 100}, {-100, 100}}},
      {"xor", binary(lax::bitwise_xor), {{i32, i32}, {b, b}}, {{-100, 100}, {-100, 100}}},
      {"shift_left", binary(lax::shift_left), {{i32, i32}, {u32, u32}}, {{-100, 100}, amounts}},
      {"shift_right_logical", binary(lax::shift_right_logical), {{i32, i32}, {u8, u8}}, {{-100, 100}, amounts}},
      {"shift_right_arithmetic", binary(lax::shift_right_arithmetic), {{i32, i32}}, {{-100, 100}, amounts}},
      {"eq", binary(lax::eq), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
      {"ne", binary(lax::ne), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
      {"lt", binary(lax::lt), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
      {"le", binary(lax::le), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
      {"gt", binary(lax::gt), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
      {"ge", binary(lax::ge), {{f32, f32}, {i32, i32}, {b, b}}, {small, small}},
  });
}

TEST_CASE("vmap elementwise: select_n (batched predicate and/or cases, 0-d predicate) and clamp") {
  const range which3{-1, 4, 1}, below{-3, 0}, above{0, 3};
  auto select2 = [](const std::vector<array>& x) { return lax::select_n(x[0], {x[1], x[2]}); };
  auto select3 = [](const std::vector<array>& x) { return lax::select_n(x[0], {x[1], x[2], x[3]}); };
  auto select1 = [](const std::vector<array>& x) { return lax::select_n(x[0], {x[1]}); };
  auto clamp = [](const std::vector<array>& x) { return lax::clamp(x[0], x[1], x[2]); };
  const shape_t full{2, 3}, scalar{}, square{batch};
  check_ops({
      {"select_n bool", select2, {{b, f32, f32}, {b, i32, i32}, {b, b, b}}},
      // Three cases: an integer `which`, out-of-range values included (clamped).
      {"select_n int32", select3, {{i32, f32, f32, f32}, {i32, b, b, b}}, {which3},
       {{full, full, full, full}, {scalar, full, full, full}, {scalar, square, square, square},
        {scalar, scalar, scalar, scalar}}},
      {"select_n one case", select1, {{b, f32}, {i32, i32}}},
      {"clamp", clamp, {{f32, f32, f32}, {i32, i32, i32}, {b, b, b}}, {below, {-4, 4}, above}},
  });
}

TEST_CASE("vmap elementwise: golden chains from JAX: values and make_jaxpr with JAX's equations") {
  const auto& g = xjax::testing::golden_file::load("vmap_elementwise");
  int checked = 0, same_text = 0, no_extra = 0;
  for (const auto& c : g.cases()) {
    INFO("case " << c.name);
    const std::vector<std::string> parts = split(c.name, ';');
    REQUIRE(parts.size() == 4);
    const fn_t& f = chain(parts[0]);
    axes_t in_axes;
    for (auto& a : split(parts[1], ',')) in_axes.push_back(a == "n" ? std::nullopt : std::optional(std::stoll(a)));
    const std::int64_t out_axis = std::stoll(parts[2]);
    // Values.
    const array got = call_vmap(f, c.inputs, in_axes, out_axis);
    const std::string diff = xjax::testing::compare(got, c.outputs.at(0));
    CHECK_MESSAGE(diff.empty(), diff);
    CHECK(bitwise_difference(got, stacked(f, c.inputs, in_axes, out_axis)).empty());
    // Equations: JAX's count, primitives and (numpy scalars aside) text.
    auto vf = [&](const std::vector<array>& xs) { return call_vmap(f, xs, in_axes, out_axis); };
    const xjax::closed_jaxpr j = xjax::make_jaxpr(vf)(c.inputs);
    const std::string text = xjax::to_string(j);
    INFO("xjax:\n" << text << "\nJAX:\n" << c.jaxpr);
    const auto jax_count = c.outputs.at(1).item<std::int32_t>();
    CHECK(static_cast<std::int64_t>(j.jaxpr->eqns.size()) == jax_count);
    CHECK(primitives_of(j) == primitives_of(c.jaxpr));
    CHECK(primitives_of(text) == primitives_of(c.jaxpr));
    CHECK(without_numpy_scalars(text) == without_numpy_scalars(c.jaxpr));
    same_text += without_numpy_scalars(text) == without_numpy_scalars(c.jaxpr);
    // Where JAX's vmap adds no equation to the chain, xjax's adds none.
    const auto chain_count = c.outputs.at(2).item<std::int32_t>();
    if (jax_count == chain_count) {
      std::vector<array> example;
      for (std::size_t i = 0; i < c.inputs.size(); ++i)
        example.push_back(in_axes[i] ? take(c.inputs[i], normalize(*in_axes[i], c.inputs[i].ndim()), 0) : c.inputs[i]);
      const xjax::closed_jaxpr one = xjax::make_jaxpr(f)(example);
      CHECK(j.jaxpr->eqns.size() == one.jaxpr->eqns.size());
      ++no_extra;
    }
    ++checked;
  }
  CHECK(checked >= 40);
  CHECK(no_extra >= 15);
  MESSAGE(checked << " golden chains, " << same_text << " with JAX's jaxpr text, " << no_extra
                  << " with exactly the chain's equations");
}

TEST_CASE("vmap elementwise: an elementwise chain batched alike has exactly the chain's equations") {
  // No per-example loop, no broadcast: the equations of vmap(f) are those of f.
  auto f = [](const array& x, const array& y, const array& p) {
    array a = lax::mul(lax::sin(x), y);
    array c = lax::clamp(-1.0, lax::sub(a, 0.5), 1.0);
    array s = lax::select(p, c, lax::integer_pow(y, 2));
    return lax::convert_element_type(lax::gt(s, x), xjax::int32);
  };
  array x = data({3, batch, 2}, f32, {}, 1), y = data({3, batch, 2}, f32, {}, 2), p = data({3, batch, 2}, b, {}, 3);
  const auto one = xjax::make_jaxpr(f)(take(x, 1, 0), take(y, 1, 0), take(p, 1, 0));
  const auto batched = xjax::make_jaxpr(xjax::vmap(f, 1, 1))(x, y, p);
  CHECK(batched.jaxpr->eqns.size() == one.jaxpr->eqns.size());
  CHECK(primitives_of(batched) == primitives_of(one));
  // A shared 0-d operand stays 0-d: no broadcast.
  auto g = [](const array& v, const array& s) { return lax::add(lax::mul(v, s), s); };
  const auto mixed = xjax::make_jaxpr(xjax::vmap(g, {0, xjax::none}))(x, array(2.0f));
  CHECK(primitives_of(mixed) == std::vector<std::string>{"mul", "add"});
}

TEST_CASE("vmap elementwise: vmap of grad and grad of vmap") {
  // Per-example scalar functions of this family.
  std::vector<std::pair<std::string, std::function<array(const array&, const array&)>>> fs{
      {"mul sin", [](const array& x, const array& y) { return lax::mul(lax::sin(x), y); }},
      {"div pow", [](const array& x, const array& y) { return lax::div(lax::pow(x, 2.5), lax::add(y, 3.0)); }},
      {"max tanh", [](const array& x, const array& y) { return lax::max(lax::tanh(x), lax::mul(y, x)); }},
      {"select clamp",
       [](const array& x, const array& y) {
         return lax::select(lax::gt(x, y), lax::integer_pow(x, 3), lax::clamp(-0.5, lax::mul(x, y), 0.5));
       }},
      {"atan2 logistic", [](const array& x, const array& y) { return lax::atan2(lax::logistic(x), y); }},
  };
  array xs = data({batch}, f32, {0.2, 2}, 11), ys = data({batch}, f32, {-2, 2}, 12);
  array y0 = array(0.75f);
  for (auto& [name, f] : fs) {
    INFO(name);
    // vmap(grad(f)): both arguments mapped, or y shared (in_axes none).
    auto df = xjax::grad(f);
    std::vector<array> want, want_shared;
    for (std::int64_t i = 0; i < batch; ++i) {
      want.push_back(df(take(xs, 0, i), take(ys, 0, i)));
      want_shared.push_back(df(take(xs, 0, i), y0));
    }
    CHECK(bitwise_difference(xjax::vmap(df)(xs, ys), jnp::stack(want)).empty());
    CHECK(bitwise_difference(xjax::vmap(df, {0, xjax::none})(xs, y0), jnp::stack(want_shared)).empty());
    // grad(vmap(f)): the sum over the batch of f, differentiated in the batched x and in
    // the shared y (whose gradient sums the per-example ones).
    auto loss = [&f](const array& x, const array& y) { return jnp::sum(xjax::vmap(f, {0, xjax::none})(x, y)); };
    auto [gx, gy] = xjax::grad(loss, xjax::argnums<0, 1>)(xs, y0);
    auto dfy = xjax::grad(f, xjax::argnums<1>);
    std::vector<array> dys;
    for (std::int64_t i = 0; i < batch; ++i) dys.push_back(dfy(take(xs, 0, i), y0));
    CHECK(xjax::testing::compare(gx, jnp::stack(want_shared)).empty());
    CHECK(xjax::testing::compare(gy, jnp::sum(jnp::stack(dys))).empty());
  }
  // grad of vmap where a shared operand is not 0-d: its size-1 broadcast transposes to a sum.
  array w = data({3}, f32, {}, 13), xm = data({batch, 3}, f32, {}, 14);
  auto g = [](const array& x, const array& w2) { return lax::mul(lax::sin(x), w2); };
  auto loss = [&g](const array& x, const array& w2) { return jnp::sum(xjax::vmap(g, {0, xjax::none})(x, w2)); };
  array gw = xjax::grad(loss, xjax::argnums<1>)(xm, w);
  CHECK(xjax::testing::compare(gw, jnp::sum(lax::sin(xm), 0)).empty());
}

TEST_CASE("vmap elementwise: nested vmaps") {
  // Both levels batched alike: one add of the whole arrays.
  auto add = [](const array& a, const array& c) { return lax::add(a, c); };
  array xy = data({3, batch}, f32, {}, 23);
  const auto j = xjax::make_jaxpr(xjax::vmap(xjax::vmap(add), 1, 1))(xy, xy);
  CHECK(primitives_of(j) == std::vector<std::string>{"add"});
  CHECK(bitwise_difference(xjax::vmap(xjax::vmap(add), 1, 1)(xy, xy), lax::add(xy, xy)).empty());
  // An outer product: the inner vmap maps u, the outer one v (0-d examples each).
  auto outer = xjax::vmap(xjax::vmap(lax::mul, {0, xjax::none}), {xjax::none, 0});
  array u = data({batch}, f32, {}, 24), v = data({5}, f32, {}, 25);
  array want = lax::mul(lax::broadcast_in_dim(u, {5, batch}, {1}), lax::broadcast_in_dim(v, {5, batch}, {0}));
  CHECK(bitwise_difference(outer(u, v), want).empty());
  // The outer vmap over other axes of each operand than the inner one.
  auto inner = xjax::vmap(lax::sub);
  auto both = xjax::vmap(inner, {1, 2});
  array p = data({batch, 5, 3}, f32, {}, 26), q = data({batch, 3, 5}, f32, {}, 27);
  std::vector<array> rows;
  for (std::int64_t i = 0; i < 5; ++i) rows.push_back(inner(take(p, 1, i), take(q, 2, i)));
  CHECK(bitwise_difference(both(p, q), jnp::stack(rows)).empty());
}

TEST_CASE("vmap elementwise: an op's errors under vmap name the op and the per-example shapes") {
  array x = data({batch, 3}, f32, {}, 31), y = data({batch, 2}, f32, {}, 32), n = data({batch, 3}, i32, {}, 33);
  try {
    xjax::vmap(lax::add)(x, y);
    FAIL("no error");
  } catch (const xjax::shape_error& e) {
    CHECK(std::string(e.what()).find("[add]") != std::string::npos);
    CHECK(std::string(e.what()).find("(3,), (2,)") != std::string::npos);
  }
  CHECK_THROWS_AS(xjax::vmap(lax::mul)(x, n), xjax::type_error);
  CHECK_THROWS_AS(xjax::vmap([](const array& a, const array& c) { return lax::select(a, c, c); })(x, x),
                  xjax::type_error);
}
