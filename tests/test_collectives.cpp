// Collectives over named axes (primitives/collectives.hpp, lax/collectives.hpp):
//  - golden values of jax.vmap(..., axis_name='i') for every collective: over each
//    operand axis (negative ones too), to out_axes 0 and -1, unbatched operands,
//    0-d per-example values, integer and bool operands, and two nested vmaps with two
//    names (tests/golden/gen_collectives.py); gradients composed with vmap
//    (vmap(grad(f)), grad(vmap(f))) against JAX's;
//  - the number of equations of make_jaxpr of vmap(f) against JAX's, and JAX's jaxpr
//    text of each collective traced with its axes bound (the params as JAX prints them);
//  - vmap over another name equals stacking the per-slice results (the rules that
//    re-bind a collective of an outer axis on a batched operand), for every operand axis;
//  - check_grads through vmap for the linear collectives (their JVP and transpose rules);
//  - errors: unbound axis names (eagerly and traced, for every collective), bad
//    permutations and sizes, pmax/pmin's missing derivative, several names under vmap.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace lax = xjax::lax;
namespace jnp = xjax::numpy;
using xjax::array;
using xjax::axis_spec;
using xjax::shape_t;

namespace {

using arrays = std::vector<array>;
using fn = std::function<arrays(const arrays&)>;

arrays to_arrays(const array& a) { return {a}; }
arrays to_arrays(const arrays& a) { return a; }
template <class... T> arrays to_arrays(const std::tuple<T...>& t) {
  return std::apply([](const auto&... a) { return arrays{a...}; }, t);
}

template <class F> fn of0(F f) {
  return [f](const arrays&) { return to_arrays(f()); };
}
template <class F> fn of1(F f) {
  return [f](const arrays& xs) { return to_arrays(f(xs.at(0))); };
}
template <class F> fn of2(F f) {
  return [f](const arrays& xs) { return to_arrays(f(xs.at(0), xs.at(1))); };
}

template <class F> auto vmap_i(F f, axis_spec in_axes = 0, axis_spec out_axes = 0) {
  return xjax::vmap(std::move(f), std::move(in_axes), std::move(out_axes), "i");
}
/// vmap over 'i' (outside) of vmap over 'j' (inside), as gen_collectives.py's nested().
template <class F> auto nested(F f, axis_spec in_axes = 0) {
  return xjax::vmap(xjax::vmap(std::move(f), in_axes, 0, "j"), in_axes, 0, "i");
}

const lax::axis_permutation cycle4 = {{0, 1}, {1, 2}, {2, 3}, {3, 0}};

array loss_psum(const array& v) { return jnp::sum(jnp::sin(v) * lax::psum(v, "i")); }

/// The functions of the golden cases vmap;<name>, grad;<name> (and eqns;<name>), as
/// gen_collectives.py defines them.
const std::map<std::string, fn>& golden_functions() {
  static const std::map<std::string, fn> table = [] {
    using A = const array&;
    std::map<std::string, fn> t;
    auto psum = [](A v) { return lax::psum(v, "i"); };
    // psum, pmean, pmax, pmin
    t["psum"] = of1(vmap_i(psum));
    t["psum_in1"] = of1(vmap_i(psum, 1));
    t["psum_in_neg1_out1"] = of1(vmap_i(psum, -1, 1));
    t["psum_scalar"] = of1(vmap_i(psum));
    t["psum_int"] = of1(vmap_i(psum));
    t["psum_bool"] = of1(vmap_i(psum));
    t["psum_unbatched"] = of2(vmap_i([](A v, A w) { return std::tuple{v, lax::psum(w, "i")}; }, {0, xjax::none}));
    t["psum_normalize"] = of1(vmap_i([](A v) { return v / lax::psum(v, "i"); }));
    t["psum_constant"] = of1(vmap_i([](A v) { return v / lax::psum(1, "i"); }));
    t["pmean"] = of1(vmap_i([](A v) { return lax::pmean(v, "i"); }));
    t["pmean_int"] = t["pmean"];
    t["pmax"] = of1(vmap_i([](A v) { return lax::pmax(v, "i"); }));
    t["pmax_in1_out1"] = of1(vmap_i([](A v) { return lax::pmax(v, "i"); }, 1, 1));
    t["pmin_int"] = of1(vmap_i([](A v) { return lax::pmin(v, "i"); }));
    t["pmax_unbatched"] = of2(vmap_i([](A v, A w) { return std::tuple{v, lax::pmax(w, "i")}; }, {0, xjax::none}));
    // all_gather
    t["all_gather"] = of1(vmap_i([](A v) { return lax::all_gather(v, "i"); }));
    t["all_gather_axis1"] = of1(vmap_i([](A v) { return lax::all_gather(v, "i", 1); }));
    t["all_gather_axis_neg1"] = of1(vmap_i([](A v) { return lax::all_gather(v, "i", -1); }));
    t["all_gather_tiled"] = of1(vmap_i([](A v) { return lax::all_gather(v, "i", 0, true); }));
    t["all_gather_tiled_axis1"] = of1(vmap_i([](A v) { return lax::all_gather(v, "i", 1, true); }, 2));
    t["all_gather_scalar"] = t["all_gather"];
    t["all_gather_unbatched"] =
        of2(vmap_i([](A v, A w) { return std::tuple{v, lax::all_gather(w, "i")}; }, {0, xjax::none}));
    // axis_index
    t["axis_index"] = of1(vmap_i([](A) { return lax::axis_index("i"); }));
    t["axis_index_out1"] = of1(vmap_i([](A v) { return std::tuple{v, lax::axis_index("i")}; }, 0, {1, 0}));
    // ppermute
    t["ppermute"] = of1(vmap_i([](A v) { return lax::ppermute(v, "i", cycle4); }));
    t["ppermute_in1_out1"] = of1(vmap_i([](A v) { return lax::ppermute(v, "i", cycle4); }, 1, 1));
    t["ppermute_scalar"] = of1(vmap_i([](A v) { return lax::ppermute(v, "i", {{0, 2}, {2, 0}, {1, 1}, {3, 3}}); }));
    t["ppermute_unbatched"] =
        of2(vmap_i([](A v, A w) { return std::tuple{v, lax::ppermute(w, "i", cycle4)}; }, {0, xjax::none}));
    t["ppermute_partial"] = of1(vmap_i([](A v) { return lax::ppermute(v, "i", {{0, 1}, {1, 2}}); }));
    t["ppermute_partial_unbatched"] = of2(
        vmap_i([](A v, A w) { return std::tuple{v, lax::ppermute(w, "i", {{3, 0}, {0, 2}})}; }, {0, xjax::none}));
    // all_to_all
    t["all_to_all_00"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 0); }));
    t["all_to_all_01"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 1); }));
    t["all_to_all_10"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 1, 0); }));
    t["all_to_all_11_in1"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 1, 1); }, 1));
    t["all_to_all_tiled"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 1, true); }));
    t["all_to_all_tiled_00"] = of1(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 0, true); }));
    t["all_to_all_unbatched"] =
        of2(vmap_i([](A v, A w) { return std::tuple{v, lax::all_to_all(w, "i", 0, 1)}; }, {0, xjax::none}));
    // psum_scatter
    t["psum_scatter"] = of1(vmap_i([](A v) { return lax::psum_scatter(v, "i"); }));
    t["psum_scatter_dim1"] = of1(vmap_i([](A v) { return lax::psum_scatter(v, "i", 1); }));
    t["psum_scatter_tiled"] = of1(vmap_i([](A v) { return lax::psum_scatter(v, "i", 1, true); }));
    t["psum_scatter_in2"] = of1(vmap_i([](A v) { return lax::psum_scatter(v, "i"); }, 2));
    t["psum_scatter_unbatched"] =
        of2(vmap_i([](A v, A w) { return std::tuple{v, lax::psum_scatter(w, "i")}; }, {0, xjax::none}));
    // two nested vmaps: 'i' outside, 'j' inside
    t["nested_psum_ij"] = of1(nested([](A v) { return lax::psum(v, {"i", "j"}); }));
    t["nested_psum_i"] = of1(nested([](A v) { return lax::psum(v, "i"); }));
    t["nested_pmax_j"] = of1(nested([](A v) { return lax::pmax(v, "j"); }));
    t["nested_pmean_ji"] = of1(nested([](A v) { return lax::pmean(v, {"j", "i"}); }));
    t["nested_all_gather_i"] = of1(nested([](A v) { return lax::all_gather(v, "i"); }));
    t["nested_all_gather_j_tiled"] = of1(nested([](A v) { return lax::all_gather(v, "j", 1, true); }));
    t["nested_axis_index_ij"] = of1(nested([](A) { return lax::axis_index({"i", "j"}); }));
    t["nested_axis_index_i"] = of1(nested([](A) { return lax::axis_index("i"); }));
    t["nested_ppermute_i"] = of1(nested([](A v) { return lax::ppermute(v, "i", {{0, 1}, {1, 0}}); }));
    t["nested_ppermute_j"] = of1(nested([](A v) { return lax::ppermute(v, "j", {{0, 1}, {1, 2}, {2, 0}}); }));
    t["nested_all_to_all_i"] = of1(nested([](A v) { return lax::all_to_all(v, "i", 0, 0); }));
    t["nested_all_to_all_ij_tiled"] = of1(nested([](A v) { return lax::all_to_all(v, {"i", "j"}, 0, 0, true); }));
    t["nested_all_to_all_ji_tiled"] = of1(xjax::vmap(
        xjax::vmap([](A v) { return lax::all_to_all(v, {"i", "j"}, 0, 0, true); }, 0, 0, "i"), 0, 0, "j"));
    t["nested_all_to_all_ij_01"] = of1(nested([](A v) { return lax::all_to_all(v, {"i", "j"}, 0, 1); }));
    t["nested_psum_scatter_i"] = of1(nested([](A v) { return lax::psum_scatter(v, "i"); }));
    t["nested_psum_scatter_j_in1"] = of1(nested([](A v) { return lax::psum_scatter(v, "j", 1); }, 1));
    // gradients composed with vmap
    t["vmap_grad_psum"] = of1(vmap_i(xjax::grad(loss_psum)));
    t["grad_vmap_psum"] = of1(xjax::grad([](A xs) { return jnp::sum(vmap_i(loss_psum)(xs)); }));
    t["vmap_grad_pmean"] = of1(vmap_i(xjax::grad([](A v) { return jnp::sum(v * lax::pmean(v * v, "i")); })));
    t["vmap_grad_all_gather"] = of1(vmap_i(xjax::grad([](A v) { return jnp::sum(jnp::sin(lax::all_gather(v, "i"))); })));
    t["grad_vmap_all_gather"] = of1(xjax::grad([](A xs) {
      return jnp::sum(vmap_i([](A v) { return jnp::sin(lax::all_gather(v, "i", 1)) * jnp::expand_dims(v, 1); })(xs));
    }));
    t["vmap_grad_psum_scatter"] =
        of1(vmap_i(xjax::grad([](A v) { return jnp::sum(jnp::sin(lax::psum_scatter(v, "i", 0, true))); })));
    t["vmap_grad_ppermute"] =
        of1(vmap_i(xjax::grad([](A v) { return jnp::sum(lax::ppermute(v, "i", cycle4) * jnp::cos(v)); })));
    t["vmap_grad_all_to_all_tiled"] =
        of1(vmap_i(xjax::grad([](A v) { return jnp::sum(jnp::sin(lax::all_to_all(v, "i", 0, 1, true))); })));
    t["grad_nested_psum"] = of1(xjax::grad([](A xs) {
      return jnp::sum(nested([](A v) { return jnp::sin(v) * lax::psum(v, {"i", "j"}); })(xs));
    }));
    return t;
  }();
  return table;
}

/// The function of a golden case axes;<op>;in=<a>;out=<b>: gen_collectives.py's
/// AXES_OPS[op] under vmap over 'i' with in_axes a and out_axes b.
fn axes_function(const std::string& spec) {
  using A = const array&;
  static const std::map<std::string, std::function<arrays(A)>> ops = {
      {"psum", [](A v) { return arrays{lax::psum(v, "i")}; }},
      {"pmean", [](A v) { return arrays{lax::pmean(v, "i")}; }},
      {"pmax", [](A v) { return arrays{lax::pmax(v, "i")}; }},
      {"pmin", [](A v) { return arrays{lax::pmin(v, "i")}; }},
      {"all_gather", [](A v) { return arrays{lax::all_gather(v, "i", 1)}; }},
      {"all_gather_tiled", [](A v) { return arrays{lax::all_gather(v, "i", 0, true)}; }},
      {"ppermute", [](A v) { return arrays{lax::ppermute(v, "i", cycle4)}; }},
      {"all_to_all", [](A v) { return arrays{lax::all_to_all(v, "i", 0, 1)}; }},
      {"all_to_all_same", [](A v) { return arrays{lax::all_to_all(v, "i", 1, 1)}; }},
      {"all_to_all_tiled", [](A v) { return arrays{lax::all_to_all(v, "i", 1, 0, true)}; }},
      {"psum_scatter", [](A v) { return arrays{lax::psum_scatter(v, "i", 1)}; }},
      {"psum_scatter_tiled", [](A v) { return arrays{lax::psum_scatter(v, "i", 0, true)}; }},
      {"axis_index", [](A v) { return arrays{v, lax::axis_index("i")}; }}};
  // "<op>;in=<a>;out=<b>"
  const auto s1 = spec.find(';'), s2 = spec.find(';', s1 + 1);
  const std::string op = spec.substr(0, s1);
  const std::int64_t in_axis = std::stoll(spec.substr(s1 + 4, s2 - s1 - 4));
  const std::int64_t out_axis = std::stoll(spec.substr(s2 + 5));
  return of1(vmap_i(ops.at(op), in_axis, out_axis));
}

/// A function traced with named axes bound (the jaxpr;<name> cases).
struct bound_function {
  fn f;
  std::vector<std::pair<std::string, std::int64_t>> axes = {{"i", 4}};
};

const std::map<std::string, bound_function>& bound_functions() {
  static const std::map<std::string, bound_function> table = [] {
    using A = const array&;
    std::map<std::string, bound_function> t;
    const std::vector<std::pair<std::string, std::int64_t>> ij = {{"i", 4}, {"j", 2}};
    t["psum"] = {of1([](A v) { return lax::psum(v, "i"); })};
    t["psum_ij"] = {of1([](A v) { return lax::psum(v, {"i", "j"}); }), ij};
    t["psum_bool"] = t["psum"];
    t["pmean"] = {of1([](A v) { return lax::pmean(v, "i"); })};
    t["pmean_int"] = t["pmean"];
    t["pmax"] = {of1([](A v) { return lax::pmax(v, "i"); })};
    t["pmin"] = {of1([](A v) { return lax::pmin(v, "i"); })};
    t["all_gather"] = {of1([](A v) { return lax::all_gather(v, "i", 1); })};
    t["all_gather_tiled"] = {of1([](A v) { return lax::all_gather(v, "i", 0, true); })};
    t["psum_scatter"] = {of1([](A v) { return lax::psum_scatter(v, "i"); })};
    t["psum_scatter_tiled"] = {of1([](A v) { return lax::psum_scatter(v, "i", 1, true); })};
    t["ppermute"] = {of1([](A v) { return lax::ppermute(v, "i", cycle4); })};
    t["all_to_all_01"] = {of1([](A v) { return lax::all_to_all(v, "i", 0, 1); })};
    t["all_to_all_20"] = {of1([](A v) { return lax::all_to_all(v, "i", 2, 0); })};
    t["all_to_all_tiled"] = {of1([](A v) { return lax::all_to_all(v, "i", 0, 1, true); })};
    t["all_to_all_ij"] = {of1([](A v) { return lax::all_to_all(v, {"i", "j"}, 0, 0, true); }), ij};
    t["axis_index"] = {of0([] { return lax::axis_index("i"); })};
    t["axis_index_ij"] = {of0([] { return lax::axis_index({"i", "j"}); }), ij};
    t["grad_psum"] = {of1(xjax::grad([](A v) { return jnp::sum(lax::psum(v, "i") * v); }))};
    t["grad_all_gather"] = {of1(xjax::grad([](A v) { return jnp::sum(lax::all_gather(v, "i") * 2.0); }))};
    t["grad_psum_scatter"] = {of1(xjax::grad([](A v) { return jnp::sum(lax::psum_scatter(v, "i") * 2.0); }))};
    t["grad_ppermute"] = {of1(xjax::grad([](A v) { return jnp::sum(lax::ppermute(v, "i", cycle4) * v); }))};
    t["grad_all_to_all_tiled"] = {
        of1(xjax::grad([](A v) { return jnp::sum(lax::all_to_all(v, "i", 0, 1, true) * 2.0); }))};
    return t;
  }();
  return table;
}

const xjax::testing::golden_file& golden() { return xjax::testing::golden_file::load("collectives"); }

/// "vmap;psum" -> {"vmap", "psum"}.
std::pair<std::string, std::string> split_name(const std::string& name) {
  const auto semi = name.find(';');
  return {name.substr(0, semi), name.substr(semi + 1)};
}

/// JAX's text without the np.int64(...) around some integer params (a NumPy 2 repr).
std::string strip_numpy_ints(const std::string& s) { return std::regex_replace(s, std::regex(R"(np\.int64\((-?\d+)\))"), "$1"); }

void check_outputs(const std::string& name, const arrays& got, const arrays& want) {
  INFO(name);
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    INFO("output " << k);
    const std::string diff = xjax::testing::compare(got[k], want[k], -1, 1e-5);
    CHECK_MESSAGE(diff.empty(), diff);
  }
}

/// Runs `f` with the named axes bound (as jax.make_jaxpr(f, axis_env=...)).
template <class F> auto with_axes(const std::vector<std::pair<std::string, std::int64_t>>& axes, F&& f) {
  std::vector<std::unique_ptr<xjax::batching::axis_scope>> scopes;
  for (auto& [n, s] : axes) scopes.push_back(std::make_unique<xjax::batching::axis_scope>(n, s));
  return f();
}

template <class E, class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << std::string(e.what()));
    return "";
  }
  FAIL("no exception thrown");
  return "";
}

array f32(const shape_t& shape, float start = 0.25f, float step = 0.5f) {
  std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = start + step * static_cast<float>(i) - 0.0625f * static_cast<float>(i * i % 7);
  return array::from_vector(v, shape);
}

// --- vmap over another axis name equals stacking the per-slice results.

/// Index k of dimension `axis` of x, eagerly.
array take_slice(const array& x, std::int64_t axis, std::int64_t k) {
  shape_t start(x.shape().size(), 0), limit = x.shape();
  start[static_cast<std::size_t>(axis)] = k;
  limit[static_cast<std::size_t>(axis)] = k + 1;
  return lax::squeeze(lax::slice(x, start, limit), {axis});
}

/// For f of one or two arguments using collectives over the outer axis 'i' (size: the
/// leading dimension of every argument): vmap over 'i' of vmap(f, in_axes, out_axis, "j")
/// must equal, for each index k of the inner axis, vmap over 'i' of f on the k-th slices
/// (taken and stacked eagerly, outside the vmaps), stacked along out_axis. This exercises
/// the batching rules over a name that is not the vmap's own, with the batch dimension
/// at every position.
template <class F>
void check_inner_vmap(const std::string& what, F f, const arrays& args, const std::vector<std::optional<std::int64_t>>& in_axes,
                      std::int64_t out_axis) {
  INFO(what << ", in_axis " << (in_axes[0] ? std::to_string(*in_axes[0]) : "none") << ", out_axis " << out_axis);
  // The per-argument inner axes, as seen by the inner vmap (without the outer dimension).
  std::vector<axis_spec> specs;
  std::int64_t n = -1;
  std::vector<std::int64_t> outer_axis(args.size(), -1);
  for (std::size_t a = 0; a < args.size(); ++a) {
    if (!in_axes[a]) {
      specs.emplace_back(xjax::none);
      continue;
    }
    const std::int64_t inner_rank = args[a].ndim() - 1;
    const std::int64_t ax = *in_axes[a] < 0 ? *in_axes[a] + inner_rank : *in_axes[a];
    specs.emplace_back(*in_axes[a]);
    outer_axis[a] = ax + 1;
    n = args[a].shape()[static_cast<std::size_t>(ax + 1)];
  }
  REQUIRE(n > 0);
  arrays got, want;
  constexpr bool unary = std::is_invocable_v<F, const array&>;
  REQUIRE(args.size() == (unary ? 1u : 2u));
  if constexpr (unary) {
    got = to_arrays(xjax::vmap(xjax::vmap(f, specs[0], out_axis, "j"), 0, 0, "i")(args[0]));
  } else {
    got = to_arrays(xjax::vmap(xjax::vmap(f, {specs[0], specs[1]}, out_axis, "j"), 0, 0, "i")(args[0], args[1]));
  }
  std::vector<arrays> per_slice;
  for (std::int64_t k = 0; k < n; ++k) {
    arrays xs;
    for (std::size_t a = 0; a < args.size(); ++a) xs.push_back(outer_axis[a] < 0 ? args[a] : take_slice(args[a], outer_axis[a], k));
    if constexpr (unary) per_slice.push_back(to_arrays(xjax::vmap(f, 0, 0, "i")(xs[0])));
    else per_slice.push_back(to_arrays(xjax::vmap(f, 0, 0, "i")(xs[0], xs[1])));
  }
  for (std::size_t o = 0; o < per_slice[0].size(); ++o) {
    arrays column;
    for (auto& s : per_slice) column.push_back(s[o]);
    const std::int64_t rank = column[0].ndim() + 1;  // with the outer dimension in front
    const std::int64_t at = 1 + (out_axis < 0 ? out_axis + rank - 1 : out_axis);
    want.push_back(jnp::stack(column, at));
  }
  check_outputs(what, got, want);
}

}  // namespace

TEST_CASE("collectives under vmap equal jax.vmap's (one vmap, nested vmaps, gradients)") {
  const auto& table = golden_functions();
  std::set<std::string> seen;
  int count = 0;
  for (const auto& c : golden().cases()) {
    auto [kind, name] = split_name(c.name);
    if (kind != "vmap" && kind != "grad" && kind != "axes") continue;
    CAPTURE(c.name);
    fn f;
    if (kind == "axes") {
      f = axes_function(name);
    } else {
      seen.insert(name);
      auto it = table.find(name);
      REQUIRE_MESSAGE(it != table.end(), "no C++ function for golden case " << c.name);
      f = it->second;
    }
    arrays got;
    try {
      got = f(c.inputs);
    } catch (const std::exception& e) {
      FAIL_CHECK(c.name << ": " << std::string(e.what()));
      continue;
    }
    check_outputs(c.name, got, c.outputs);
    ++count;
  }
  for (auto& [name, f] : table) CHECK_MESSAGE(seen.count(name), "no golden case for " << name);
  CHECK(count >= 140);
}

TEST_CASE("make_jaxpr of vmapped collectives has JAX's number of equations") {
  const auto& table = golden_functions();
  int count = 0;
  for (const auto& c : golden().cases()) {
    auto [kind, name] = split_name(c.name);
    if (kind != "eqns") continue;
    CAPTURE(c.name);
    const fn& f = table.at(name);
    xjax::closed_jaxpr j;
    try {
      j = xjax::make_jaxpr([&](const arrays& xs) { return f(xs); })(c.inputs);
    } catch (const std::exception& e) {
      FAIL_CHECK(c.name << ": " << std::string(e.what()));
      continue;
    }
    INFO(xjax::to_string(j));
    CHECK(static_cast<std::int64_t>(j.jaxpr->eqns.size()) == c.outputs.at(0).item<std::int64_t>());
    ++count;
  }
  CHECK(count >= 25);
}

TEST_CASE("collectives traced with their axes bound print JAX's jaxprs") {
  const auto& table = bound_functions();
  std::set<std::string> seen;
  for (const auto& c : golden().cases()) {
    auto [kind, name] = split_name(c.name);
    if (kind != "jaxpr") continue;
    CAPTURE(c.name);
    seen.insert(name);
    const bound_function& b = table.at(name);
    const std::string text = with_axes(b.axes, [&] {
      return xjax::to_string(xjax::make_jaxpr([&](const arrays& xs) { return b.f(xs); })(c.inputs));
    });
    CHECK(text == strip_numpy_ints(c.jaxpr));
  }
  for (auto& [name, f] : table) CHECK_MESSAGE(seen.count(name), "no golden case for " << name);
}

TEST_CASE("vmap over an inner axis of collectives over the outer one equals stacking per-slice results") {
  using A = const array&;
  const array x = f32({4, 3, 5});  // outer 'i' of 4; per element [3, 5]
  for (std::int64_t in_axis : {0, 1, -1, -2}) {
    for (std::int64_t out_axis : {0, 1, -1}) {
      const arrays args{x};
      const std::vector<std::optional<std::int64_t>> axes{in_axis};
      check_inner_vmap("psum", [](A v) { return lax::psum(v, "i"); }, args, axes, out_axis);
      check_inner_vmap("pmax", [](A v) { return lax::pmax(v, "i"); }, args, axes, out_axis);
      check_inner_vmap("pmin", [](A v) { return lax::pmin(v, "i"); }, args, axes, out_axis);
      check_inner_vmap("all_gather", [](A v) { return lax::all_gather(v, "i"); }, args, axes, out_axis);
      check_inner_vmap("all_gather axis 1", [](A v) { return lax::all_gather(v, "i", 1); }, args, axes, out_axis);
      check_inner_vmap("all_gather tiled", [](A v) { return lax::all_gather(v, "i", 0, true); }, args, axes, out_axis);
      check_inner_vmap("ppermute", [](A v) { return lax::ppermute(v, "i", {{0, 3}, {3, 1}, {1, 0}}); }, args, axes,
                       out_axis);
      check_inner_vmap("axis_index", [](A v) { return lax::broadcast_in_dim(lax::axis_index("i"), v.shape(), {}); }, args,
                       axes, out_axis);
    }
  }
  // Operands whose per-element shape suits all_to_all and psum_scatter over 'i' (4).
  const array y = f32({4, 4, 2, 4});
  for (std::int64_t in_axis : {0, 1, 2, -1}) {
    for (std::int64_t out_axis : {0, -1}) {
      const arrays args{y};
      const std::vector<std::optional<std::int64_t>> axes{in_axis};
      // The operand's per-slice shape is [4, 2, 4] less the inner axis: split / scatter a
      // dimension of size 4 that the inner axis leaves in place.
      const std::int64_t d4 = in_axis == 0 ? 1 : 0;
      check_inner_vmap("all_to_all", [d4](A v) { return lax::all_to_all(v, "i", d4, 1); }, args, axes, out_axis);
      check_inner_vmap("all_to_all same axis", [d4](A v) { return lax::all_to_all(v, "i", d4, d4); }, args, axes,
                       out_axis);
      check_inner_vmap("all_to_all tiled", [d4](A v) { return lax::all_to_all(v, "i", d4, 1, true); }, args, axes,
                       out_axis);
      check_inner_vmap("psum_scatter", [d4](A v) { return lax::psum_scatter(v, "i", d4); }, args, axes, out_axis);
      check_inner_vmap("psum_scatter tiled", [d4](A v) { return lax::psum_scatter(v, "i", d4, true); }, args, axes,
                       out_axis);
    }
  }
  // An argument the inner vmap does not map, beside one it maps.
  const std::vector<std::optional<std::int64_t>> mixed{1, std::nullopt};
  check_inner_vmap("psum of an unmapped operand",
                   [](A v, A w) { return std::tuple{lax::psum(v, "i"), lax::psum(w, "i")}; }, {x, f32({4, 2})}, mixed, 0);
  check_inner_vmap("all_gather of an unmapped operand",
                   [](A v, A w) { return std::tuple{lax::all_gather(v, "i"), lax::all_gather(w, "i")}; },
                   {x, f32({4, 2})}, mixed, 1);
}

TEST_CASE("the linear collectives' JVP and transpose rules through vmap (check_grads)") {
  using A = const array&;
  using xjax::test::check_grads;
  const array x = f32({4, 4, 3}, -0.7f, 0.11f);
  // Linear functions: first order checks the JVP (against finite differences) and the
  // transpose (VJP against JVP); second order the JVP of the JVP.
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::psum(v, "i"); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::pmean(v, "i"); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::all_gather(v, "i", 2); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::all_gather(v, "i", 1, true); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::psum_scatter(v, "i"); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::psum_scatter(v, "i", 0, true); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::ppermute(v, "i", cycle4); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::ppermute(v, "i", {{1, 3}, {2, 0}}); }), std::tuple{x}, 2));
  // all_to_all untiled with split != concat: JAX's transpose fails there; ours is checked.
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 1); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 0); }), std::tuple{x}, 2));
  CHECK_NOTHROW(check_grads(vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 1, true); }, 1), std::tuple{f32({8, 4, 3})}, 2));
  // Over an outer name, through the re-binding rules of an inner vmap.
  CHECK_NOTHROW(check_grads(nested([](A v) { return lax::psum(v, {"i", "j"}); }), std::tuple{f32({2, 3, 2})}, 2));
  CHECK_NOTHROW(check_grads(nested([](A v) { return lax::all_gather(v, "i"); }, 1), std::tuple{f32({2, 3, 2})}, 2));
}

TEST_CASE("the rules of the collectives, called directly") {
  using A = const array&;
  SUBCASE("the transpose of all_to_all swaps split and concat") {
    // vjp of an untiled all_to_all with split != concat (JAX 0.10.2 fails here).
    const array x = f32({4, 4, 3});
    auto f = [](A v) { return lax::all_to_all(v, "i", 0, 1); };
    auto [y, pullback] = xjax::vjp(vmap_i(f), x);
    const array ct = f32(y.shape(), 1.0f, -0.25f);
    auto [dx] = pullback(ct);
    // all_to_all is a permutation of the elements: the pullback is its inverse, which the
    // vmap of all_to_all with the axes swapped computes.
    const array back = vmap_i([](A v) { return lax::all_to_all(v, "i", 1, 0); })(ct);
    check_outputs("inverse", {dx}, {back});
  }
  SUBCASE("ppermute's transpose is the inverse permutation") {
    const auto j = with_axes({{"i", 4}}, [] {
      return xjax::make_jaxpr(xjax::grad([](A v) { return jnp::sum(lax::ppermute(v, "i", {{0, 2}, {1, 0}}) * v); }))(
          f32({3}));
    });
    CHECK(xjax::to_string(j).find("perm=((2, 0), (0, 1))") != std::string::npos);
  }
  SUBCASE("psum of a constant is the value times the axis size, with no equation") {
    const auto j = with_axes({{"i", 4}, {"j", 3}}, [] {
      return xjax::make_jaxpr([](A v) { return v / lax::psum(1, {"i", "j"}); })(f32({2}));
    });
    CHECK(xjax::to_string(j) == "{ lambda ; a:f32[2]. let b:f32[2] = div a 12.0:f32[] in (b,) }");
    CHECK(with_axes({{"i", 4}}, [] { return lax::psum(array(2.5f), "i"); }).item<float>() == 10.0f);
    CHECK(with_axes({{"i", 4}}, [] { return lax::axis_size({"i"}); }) == 4);
  }
  SUBCASE("empty lists of names leave the operand alone") {
    const array x = f32({3});
    CHECK(lax::psum(x, std::vector<std::string>{}).to_vector<float>() == x.to_vector<float>());
    CHECK(lax::all_gather(x, std::vector<std::string>{}).to_vector<float>() == x.to_vector<float>());
    CHECK(lax::psum_scatter(x, std::vector<std::string>{}).to_vector<float>() == x.to_vector<float>());
  }
}

TEST_CASE("collectives: errors") {
  using A = const array&;
  const array x = f32({4, 3});
  SUBCASE("an unbound axis name, eagerly and traced, for every collective (JAX rejects them too)") {
    const std::vector<std::pair<std::string, std::function<array(A)>>> uses = {
        {"psum", [](A v) { return lax::psum(v, "i"); }},
        {"psum", [](A v) { return lax::pmean(v, "i"); }},
        {"pmax", [](A v) { return lax::pmax(v, "i"); }},
        {"pmin", [](A v) { return lax::pmin(v, "i"); }},
        {"all_gather", [](A v) { return lax::all_gather(v, "i"); }},
        {"axis_index", [](A) { return lax::axis_index("i"); }},
        {"axis_index", [](A) { return lax::axis_index({"k", "i"}); }},
        {"ppermute", [](A v) { return lax::ppermute(v, "i", {{0, 1}}); }},
        {"all_to_all", [](A v) { return lax::all_to_all(v, "i", 0, 0); }},
        {"psum_scatter", [](A v) { return lax::psum_scatter(v, "i"); }}};
    for (auto& [op, use] : uses) {
      CAPTURE(op);
      const std::string eager = error_of<xjax::value_error>([&] { use(x); });
      CHECK(eager.find("[" + op + "]") != std::string::npos);
      CHECK(eager.find("unbound axis name") != std::string::npos);
      const std::string traced = error_of<xjax::value_error>([&] { xjax::make_jaxpr(use)(x); });
      CHECK(traced.find("unbound axis name") != std::string::npos);
      // Under a vmap that binds another name: that name is listed.
      const std::string other = error_of<xjax::value_error>([&] { xjax::vmap(use, 0, 0, "j")(x); });
      CHECK(other.find("'j'") != std::string::npos);
    }
    CHECK(error_of<xjax::value_error>([&] { lax::psum(1, "i"); }).find("unbound axis name") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { lax::axis_size("i"); }).find("unbound axis name") != std::string::npos);
  }
  SUBCASE("a collective evaluated eagerly with its axis bound but outside a vmap") {
    const std::string e = error_of<xjax::value_error>([&] { with_axes({{"i", 4}}, [&] { return lax::pmax(x, "i"); }); });
    CHECK(e.find("[pmax]") != std::string::npos);
    CHECK(e.find("computed by the vmap") != std::string::npos);
  }
  SUBCASE("pmax and pmin are not differentiable (as in JAX)") {
    for (auto f : {+[](A v) { return jnp::sum(lax::pmax(v, "i")); }, +[](A v) { return jnp::sum(lax::pmin(v, "i")); }}) {
      const std::string e = error_of<xjax::not_implemented_error>([&] { vmap_i(xjax::grad(f))(x); });
      CHECK(e.find("jvp") != std::string::npos);
    }
  }
  SUBCASE("several axis names one of which is vmapped (JAX asserts)") {
    const array y = f32({2, 3, 2});
    const std::string e = error_of<xjax::not_implemented_error>(
        [&] { nested([](A v) { return lax::all_gather(v, {"i", "j"}); })(y); });
    CHECK(e.find("[all_gather]") != std::string::npos);
    CHECK(e.find("('i', 'j')") != std::string::npos);
    error_of<xjax::not_implemented_error>([&] { nested([](A v) { return lax::psum_scatter(v, {"i", "j"}); })(f32({2, 3, 6})); });
    error_of<xjax::not_implemented_error>(
        [&] { nested([](A v) { return lax::ppermute(v, {"i", "j"}, {{0, 1}, {1, 0}}); })(y); });
  }
  SUBCASE("sizes and permutations") {
    auto under_i = [&](auto f) { vmap_i(f)(x); };  // x: f32[4,3], per element f32[3]
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::all_to_all(v, "i", 0, 0); }); })
              .find("requires the size of the mapped axis") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::all_to_all(v, "i", 0, 0, true); }); })
              .find("divisible") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::all_to_all(v, "i", 1, 0); }); })
              .find("split_axis 1 is out of range") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::psum_scatter(v, "i"); }); })
              .find("must match shard count 4") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::psum_scatter(v, "i", 0, true); }); })
              .find("divisible by shard_count 4") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::all_gather(v, "i", 2); }); })
              .find("axis 2 is out of range") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::ppermute(v, "i", {{0, 4}}); }); })
              .find("out of range") != std::string::npos);
    CHECK(error_of<xjax::value_error>([&] { under_i([](A v) { return lax::ppermute(v, "i", {{0, 1}, {2, 1}}); }); })
              .find("unique") != std::string::npos);
    CHECK(error_of<xjax::type_error>([&] { under_i([](A v) { return lax::psum_scatter(v > 0.0f, "i"); }); })
              .find("[reduce_scatter]") != std::string::npos);
  }
  SUBCASE("every error case JAX rejects is rejected") {
    std::map<std::string, std::function<void()>> cases = {
        {"unbound_eager", [&] { lax::psum(x, "i"); }},
        {"unbound_trace", [&] { xjax::make_jaxpr([](A v) { return lax::psum(v, "i"); })(x); }},
        {"wrong_name", [&] { vmap_i([](A v) { return lax::psum(v, "j"); })(x); }},
        {"pmax_grad", [&] { vmap_i(xjax::grad([](A v) { return jnp::sum(lax::pmax(v, "i")); }))(x); }},
        {"all_gather_two_names", [&] { nested([](A v) { return lax::all_gather(v, {"i", "j"}); })(f32({2, 3})); }},
        {"all_to_all_size", [&] { vmap_i([](A v) { return lax::all_to_all(v, "i", 0, 0); })(x); }},
        {"psum_scatter_size", [&] {
           with_axes({{"i", 4}}, [] { return xjax::make_jaxpr([](A v) { return lax::psum_scatter(v, "i"); })(f32({3})); });
         }}};
    for (auto& [name, f] : cases) {
      CAPTURE(name);
      CHECK_THROWS_AS(f(), xjax::error);
    }
  }
}
