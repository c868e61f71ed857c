// The vmap golden suite (issue 5's acceptance), against JAX 0.10.2
// (tests/golden/gen_vmap.py): programs written identically with xjax::numpy / lax / nn /
// scipy::special as in JAX, vmapped with varied in_axes (ints, none, negative,
// per-argument lists, pytree prefixes) and out_axes, nested, with collectives over named
// axes, and composed with grad / jacfwd / jacrev, each run eagerly and through
// make_jaxpr + eval_jaxpr; per-example gradients of the reference MLP (against JAX and
// against a loop of grad calls); equation counts of make_jaxpr(vmap(f)) for elementwise
// f; and vmap's errors where JAX raises them.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"
#include "support/reference_programs.hpp"

namespace jnp = xjax::numpy;
namespace lax = xjax::lax;
namespace nn = xjax::nn;
namespace sp = xjax::scipy::special;
using xjax::array;
using xjax::none;
using xjax::slice;

namespace {

using reference::mlp_params;
using dict = reference::mlp_dict;
using arrays = std::vector<array>;

// ---------------------------------------------------------------------------
// The programs, as gen_vmap.py writes them.

// 1. Collectives over the named axis "i" (nested: "i" outside, "j" inside).
array psum_normalize(const array& x) { return x / lax::psum(x, "i"); }
array psum_unbatched(const array& x, const array& w) { return x * lax::psum(w, "i") + lax::psum(x * w, "i"); }
array pmean_center(const array& x) { return x - lax::pmean(x, "i"); }
array pmax_softmax(const array& x) {
  array e = jnp::exp(x - lax::pmax(x, "i"));
  return e / lax::psum(e, "i");
}
array all_gather_dot(const array& x, const array& w) { return jnp::dot(lax::all_gather(x, "i"), w) * jnp::sum(x); }
array all_gather_tiled(const array& x) { return lax::all_gather(x, "i", 1, true) - jnp::mean(x); }
array index_permute(const array& x) {
  const std::int64_t n = 4;
  lax::axis_permutation perm;
  for (std::int64_t k = 0; k < n; ++k) perm.emplace_back(k, (k + 1) % n);
  return x * lax::axis_index("i") + lax::ppermute(x, "i", perm);
}
array nested_collectives(const array& x) {
  return x / lax::psum(x, {"i", "j"}) + lax::pmean(x, "j") - lax::psum(x, "i");
}

// 2. Linear algebra, indexing, sorting, reductions, structure.
array matmul(const array& a, const array& b) { return jnp::matmul(a, b); }
array einsum_kji(const array& a, const array& b) { return jnp::einsum("ij,jk->ki", a, b); }
array gather_index(const array& x, const array& i) { return x(i); }
array take_along(const array& x, const array& i) { return jnp::take_along_axis(x, i, 1); }
array dyn_slice(const array& x, const array& i) { return lax::dynamic_slice(x, {i, 0}, {2, 3}); }
array scatter_add(const array& x, const array& i, const array& u) { return x.at(i).add(u); }
std::tuple<array, array, array> sort_top(const array& x) {
  return {jnp::sort(x)(slice(-3)), jnp::argsort(x), jnp::argmax(x)};
}
std::pair<array, array> softmax_rows(const array& x) { return {nn::softmax(x), nn::log_softmax(x)}; }
array ensemble(const dict& p, const array& x) { return jnp::tanh(jnp::matmul(x, p.at("w")) + p.at("b")); }
std::tuple<array, array, array> cumulative(const array& x) {
  return {jnp::cumsum(x, 0) / jnp::sum(x), jnp::max(x, 1), jnp::prod(x, 0)};
}
std::pair<array, array> where_select(const array& x, const array& y, const array& c) {
  return {jnp::where(c, x, y), jnp::where(x > y, x * 2.0, -y)};
}
std::pair<array, array> special(const array& x) {
  return {sp::logsumexp(x) + jnp::sum(sp::erf(x) * sp::gammaln(x + 3.0)), jnp::sqrt(jnp::abs(x)) * jnp::log1p(x * x)};
}
array structure(const array& x) {
  return jnp::concatenate({jnp::ravel(jnp::flip(x, 0)), jnp::ravel(jnp::pad(x, {{1, 0}, {0, 2}})),
                           jnp::ravel(jnp::transpose(jnp::reshape(x, {3, 2})))});
}
array outer_fn(const array& a, const array& b) { return jnp::sin(a) * b + jnp::power(a, 2); }
array outer_nested(const array& x, const array& y) {
  return xjax::vmap(xjax::vmap(outer_fn, {0, none}), {none, 1}, 1)(x, y);
}

// 3. The reference MLP (tests/support/reference_programs.hpp).
array example_loss(const mlp_params& p, const array& x, const array& label) {
  return reference::mlp_example_loss(p, x, label);
}
array example_loss_dict(const dict& p, const array& x, const array& label) {
  return example_loss(reference::from_dict(p), x, label);
}

// 4. Compositions.
array dot_fn(const array& a, const array& b) { return jnp::dot(a, b); }
array layer(const array& x, const array& w) { return jnp::tanh(jnp::matmul(x, w)); }
array sum_sq_of_vmap(const array& x, const array& w) {
  return jnp::sum(jnp::power(xjax::vmap(layer, {0, none})(x, w), 2));
}
array sin_dot(const array& x, const array& y) { return jnp::sum(jnp::sin(x) * y); }
array vec_fn(const array& x) { return jnp::tanh(x) * jnp::sum(jnp::power(x, 2)); }
array sin_rev(const array& x) { return jnp::sum(jnp::sin(x) * x(slice(std::nullopt, std::nullopt, -1))); }
array psum_loss(const array& x) { return jnp::sum(jnp::sin(x) * lax::psum(x, "i")); }
array normalized_loss(const array& x) { return jnp::sum(jnp::cos(x / lax::psum(x, "i"))); }
array sum_of_vmap_psum(const array& x) {
  auto f = [](const array& r) { return jnp::sin(r) / lax::psum(r, "i"); };
  return jnp::sum(xjax::vmap(f, 0, 0, "i")(x) * x);
}

// ---------------------------------------------------------------------------
// The golden cases: inputs -> outputs.

using case_fn = std::function<arrays(const arrays&)>;

template <std::size_t N, class F> auto call(const F& f, const arrays& xs) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return f(xs.at(I)...); }(std::make_index_sequence<N>{});
}

/// A transformed function of N arrays as a case: its outputs' leaves.
template <std::size_t N, class F> case_fn of(F f) {
  return [f](const arrays& xs) { return xjax::tree_leaves(call<N>(f, xs)); };
}

const std::map<std::string, case_fn>& golden_cases() {
  static const std::map<std::string, case_fn> table = [] {
    using xjax::vmap;
    std::map<std::string, case_fn> t;
    // 1. Collectives.
    t["vmap;psum_normalize;in0"] = of<1>(vmap(psum_normalize, 0, 0, "i"));
    t["vmap;psum_normalize;in1_out1"] = of<1>(vmap(psum_normalize, 1, 1, "i"));
    t["vmap;psum_unbatched;in0_none"] = of<2>(vmap(psum_unbatched, {0, none}, 0, "i"));
    t["vmap;pmean_center;in_neg1"] = of<1>(vmap(pmean_center, -1, 0, "i"));
    t["vmap;pmean_center;in_neg1_out1"] = of<1>(vmap(pmean_center, -1, 1, "i"));
    t["vmap;pmax_softmax;in0"] = of<1>(vmap(pmax_softmax, 0, 0, "i"));
    t["vmap;all_gather_dot;in0_none"] = of<2>(vmap(all_gather_dot, {0, none}, 0, "i"));
    t["vmap;all_gather_tiled;in1_out2"] = of<1>(vmap(all_gather_tiled, 1, 2, "i"));
    t["vmap;index_permute;in0"] = of<1>(vmap(index_permute, 0, 0, "i"));
    t["vmap;index_permute;in1_out_neg1"] = of<1>(vmap(index_permute, 1, -1, "i"));
    t["vmap;nested_collectives;in0_in1"] = of<1>(vmap(vmap(nested_collectives, 1, 0, "j"), 0, 0, "i"));
    t["vmap;nested_collectives;in2_in0_out1"] = of<1>(vmap(vmap(nested_collectives, 0, 1, "j"), 2, 0, "i"));
    // 2. Linear algebra, indexing, sorting, reductions, structure.
    t["vmap;matmul;in0_none"] = of<2>(vmap(matmul, {0, none}));
    t["vmap;matmul;in2_in0_out1"] = of<2>(vmap(matmul, {2, 0}, 1));
    t["vmap;matmul;none_neg1"] = of<2>(vmap(matmul, {none, -1}));
    t["vmap;einsum;in1_neg1_out_neg1"] = of<2>(vmap(einsum_kji, {1, -1}, -1));
    t["vmap;gather_index;in0_in0"] = of<2>(vmap(gather_index));
    t["vmap;gather_index;none_in0"] = of<2>(vmap(gather_index, {none, 0}));
    t["vmap;gather_index;in1_none_out1"] = of<2>(vmap(gather_index, {1, none}, 1));
    t["vmap;take_along;in0_in0"] = of<2>(vmap(take_along));
    t["vmap;take_along;none_in2"] = of<2>(vmap(take_along, {none, 2}));
    t["vmap;dyn_slice;in0_in0"] = of<2>(vmap(dyn_slice));
    t["vmap;dyn_slice;none_in0"] = of<2>(vmap(dyn_slice, {none, 0}));
    t["vmap;scatter_add;none_in0_in0"] = of<3>(vmap(scatter_add, {none, 0, 0}));
    t["vmap;scatter_add;in1_in0_none"] = of<3>(vmap(scatter_add, {1, 0, none}));
    t["vmap;sort_top;in0"] = of<1>(vmap(sort_top));
    t["vmap;sort_top;in_neg1_out1"] = of<1>(vmap(sort_top, -1, {1, 1, 0}));
    t["vmap;softmax_rows;in0"] = of<1>(vmap(softmax_rows));
    t["vmap;softmax_rows;in1_out1"] = of<1>(vmap(softmax_rows, 1, 1));
    // The params dict's in_axes as a prefix of its pytree: {b: none, w: 0} (keys sorted).
    t["vmap;ensemble;w0_bnone_xnone"] = [](const arrays& xs) {
      return arrays{vmap(ensemble, {{none, 0}, none})(dict{{"w", xs[0]}, {"b", xs[1]}}, xs[2])};
    };
    t["vmap;ensemble;w0_bnone_x0_out1"] = [](const arrays& xs) {
      return arrays{vmap(ensemble, {{none, 0}, 0}, 1)(dict{{"w", xs[0]}, {"b", xs[1]}}, xs[2])};
    };
    t["vmap;cumulative;in1_out_neg1"] = of<1>(vmap(cumulative, 1, -1));
    t["vmap;cumulative;in0"] = of<1>(vmap(cumulative));
    t["vmap;where_select;in0_none_in1"] = of<3>(vmap(where_select, {0, none, 1}));
    t["vmap;special;in_neg1"] = of<1>(vmap(special, -1));
    t["vmap;structure;in1_out1"] = of<1>(vmap(structure, 1, 1));
    t["vmap;outer_nested;inner0_none_outer_none1_out1"] = of<2>(outer_nested);
    // 3. Per-example gradients of the reference MLP, parameters as a struct.
    t["mlp;per_example"] = [](const arrays& xs) {
      mlp_params p{xs[0], xs[1], xs[2], xs[3]};
      mlp_params g = vmap(xjax::grad(example_loss), {none, 0, 0})(p, xs[4], xs[5]);
      return arrays{g.w1, g.b1, g.w2, g.b2};
    };
    // 4. Compositions.
    t["comp;vmap_vmap;pairs"] = of<2>(vmap(vmap(dot_fn, {none, 0}), {0, none}));
    t["comp;vmap_vmap;in0_in1"] = of<2>(vmap(vmap(dot_fn, {1, 0}), {0, 0}));
    t["comp;grad_vmap;sum_sq"] = of<2>(xjax::grad(sum_sq_of_vmap, xjax::argnums<0, 1>));
    t["comp;vmap_grad;in0_none"] = of<2>(vmap(xjax::grad(sin_dot, xjax::argnums<0, 1>), {0, none}));
    t["comp;vmap_grad;none_in1_out1"] = of<2>(vmap(xjax::grad(sin_dot), {none, 1}, 1));
    t["comp;vmap_jacrev;in0"] = of<1>(vmap(xjax::jacrev(vec_fn)));
    t["comp;vmap_jacfwd;in1_out2"] = of<1>(vmap(xjax::jacfwd(vec_fn), 1, 2));
    t["comp;vmap_jacrev_jacfwd;in0"] = of<1>(vmap(xjax::jacrev(xjax::jacfwd(sin_rev))));
    t["comp;vmap_grad_psum;in0"] = of<1>(vmap(xjax::grad(psum_loss), 0, 0, "i"));
    t["comp;vmap_grad_psum_normalized;in0"] = of<1>(vmap(xjax::grad(normalized_loss), 0, 0, "i"));
    t["comp;grad_vmap_psum;sum"] = of<1>(xjax::grad(sum_of_vmap_psum));
    return t;
  }();
  return table;
}

/// "vmap;psum_normalize;in0" -> "psum_normalize".
std::string program_of(const std::string& name) {
  const auto a = name.find(';');
  if (a == std::string::npos) return name;
  const auto b = name.find(';', a + 1);
  return name.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
}
std::string kind_of(const std::string& name) { return name.substr(0, name.find(';')); }

/// float32 results of sums and products of a few dozen terms in another order than XLA's.
std::string compare(const array& got, const array& want) {
  return xjax::testing::compare(got, want, xjax::testing::default_rtol(want.dtype()) * 16, -1);
}

void check_outputs(const arrays& got, const arrays& want, const char* how) {
  REQUIRE_MESSAGE(got.size() == want.size(), how << ": " << got.size() << " outputs, JAX has " << want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::string err = compare(got[i], want[i]);
    CHECK_MESSAGE(err.empty(), how << " output " << i << ": " << err);
  }
}

/// Replays the golden cases of `kind` whose program is in `programs`, eagerly and through
/// make_jaxpr + eval_jaxpr; returns how many there were.
int run(const std::string& kind, const std::set<std::string>& programs) {
  const auto& file = xjax::testing::golden_file::load("vmap");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (kind_of(g.name) != kind || !programs.count(program_of(g.name))) continue;
    ++n;
    INFO("case " << g.name);
    auto it = golden_cases().find(g.name);
    REQUIRE_MESSAGE(it != golden_cases().end(), "no C++ function for the golden case");
    try {
      check_outputs(it->second(g.inputs), g.outputs, "eager");
    } catch (const std::exception& e) {
      FAIL_CHECK("eager: " << e.what());
    }
    try {
      auto j = xjax::make_jaxpr([&](const arrays& xs) { return it->second(xs); })(g.inputs);
      check_outputs(xjax::eval_jaxpr(j, g.inputs), g.outputs, "make_jaxpr + eval_jaxpr");
    } catch (const std::exception& e) {
      FAIL_CHECK("make_jaxpr: " << e.what());
    }
  }
  return n;
}

// ---------------------------------------------------------------------------
// Equation counts: f on one example and vmap(f) on the batch.

array sin_mul(const array& x) { return jnp::sin(x) * x + 1.0; }
array scalar_mix(const array& x, const array& s) { return jnp::exp(x) * s - x / s; }
array same_bdim(const array& x, const array& y) { return x * y - jnp::cos(x) + jnp::maximum(x, y); }
array where_mix(const array& x, const array& y) {
  return jnp::where(x > 0.5, x * x, jnp::sqrt(jnp::abs(x))) + y;
}
array vector_mix(const array& x, const array& y) { return x * y + jnp::tanh(y); }
array other_bdims(const array& x, const array& y) { return x * y + jnp::exp(y); }

/// Equations of a jaxpr, those of call-like equations' sub-jaxprs counted instead of the
/// call (as gen_vmap.py counts JAX's).
int count_eqns(const xjax::jaxpr& j) {
  static const std::set<std::string_view> calls = {"pjit", "jit", "closed_call", "core_call", "custom_jvp_call",
                                                   "custom_vjp_call", "remat", "checkpoint"};
  int n = 0;
  for (const auto& e : j.eqns) {
    if (!calls.count(e.prim->name())) {
      ++n;
      continue;
    }
    if (e.params)
      for (const auto& item : e.params->items())
        if (item.sub_jaxpr) n += count_eqns(*item.sub_jaxpr);
  }
  return n;
}

struct eqn_case {
  std::function<xjax::closed_jaxpr(const arrays&)> f;      // make_jaxpr(f) on one example
  std::function<xjax::closed_jaxpr(const arrays&)> batch;  // make_jaxpr(vmap(f)) on the batch
};

xjax::axis_spec spec_of(std::optional<std::int64_t> a) { return a ? xjax::axis_spec(*a) : xjax::axis_spec(none); }
/// One example of x mapped along `a`: its index 0 along that axis (x itself if unmapped).
array example_of(const array& x, std::optional<std::int64_t> a) { return a ? jnp::moveaxis(x, *a, 0)(0) : x; }

/// f of one argument mapped along `ax`, its output at `out_axis`.
template <class F> eqn_case eqns_of(F f, std::int64_t ax, std::int64_t out_axis) {
  return {[=](const arrays& xs) { return xjax::make_jaxpr(f)(example_of(xs.at(0), ax)); },
          [=](const arrays& xs) { return xjax::make_jaxpr(xjax::vmap(f, ax, out_axis))(xs.at(0)); }};
}
/// f of two arguments mapped along `ax0`, `ax1` (nullopt: unmapped), its output at `out_axis`.
template <class F>
eqn_case eqns_of(F f, std::optional<std::int64_t> ax0, std::optional<std::int64_t> ax1, std::int64_t out_axis) {
  return {[=](const arrays& xs) { return xjax::make_jaxpr(f)(example_of(xs.at(0), ax0), example_of(xs.at(1), ax1)); },
          [=](const arrays& xs) {
            return xjax::make_jaxpr(xjax::vmap(f, {spec_of(ax0), spec_of(ax1)}, out_axis))(xs.at(0), xs.at(1));
          }};
}

const std::map<std::string, eqn_case>& eqn_cases() {
  static const std::map<std::string, eqn_case> table = {
      {"sin_mul", eqns_of(sin_mul, 0, 0)},
      {"scalar_mix", eqns_of(scalar_mix, 0, std::nullopt, 0)},
      {"same_bdim_in1_out1", eqns_of(same_bdim, 1, 1, 1)},
      {"where_mix", eqns_of(where_mix, -1, std::nullopt, -1)},
      {"vector_mix", eqns_of(vector_mix, 0, std::nullopt, 0)},
      {"other_bdims", eqns_of(other_bdims, 0, 1, 0)},
  };
  return table;
}

// ---------------------------------------------------------------------------
// Errors: what must be said (JAX's message is in the golden file, for the reader).

struct error_case {
  std::function<void(const arrays&)> run;
  std::vector<std::string> says;  // substrings of xjax's message
};

const std::map<std::string, error_case>& error_cases() {
  static const std::map<std::string, error_case> table = [] {
    using xjax::vmap;
    std::map<std::string, error_case> t;
    auto add = [](const array& x, const array& y) { return x + y; };
    auto mul_add = [](const array& x, const array& y, const array& z) { return x * y + z; };
    auto id = [](const array& x) { return x; };
    t["sizes"] = {[=](const arrays& xs) { vmap(add)(xs[0], xs[1]); },
                  {"inconsistent sizes", "argument 0 has size 3 along axis 0", "argument 1 has size 4 along axis 0"}};
    t["sizes_three"] = {[=](const arrays& xs) { vmap(mul_add, {0, 1, none})(xs[0], xs[1], xs[2]); },
                        {"inconsistent sizes", "argument 0 has size 3 along axis 0",
                         "argument 1 has size 5 along axis 1"}};
    t["in_axes_length"] = {[=](const arrays& xs) { vmap(id, {0, 0})(xs[0]); }, {"in_axes", "2 entries for 1 argument"}};
    t["in_axes_tree"] = {[](const arrays& xs) {
                           vmap(ensemble, {{none, 0, 0}, none})(dict{{"w", xs[0]}, {"b", xs[1]}}, xs[2]);
                         },
                         {"in_axes of argument 0", "does not match the structure"}};
    t["in_axis_range"] = {[=](const arrays& xs) { vmap(id, 2)(xs[0]); }, {"along axis 2", "at least 3", "only 2"}};
    t["in_axis_range_neg"] = {[=](const arrays& xs) { vmap(id, -3)(xs[0]); }, {"along axis -3", "at least 3", "only 2"}};
    t["out_axis_range"] = {[=](const arrays& xs) { vmap(id, 0, 3)(xs[0]); }, {"out_axes", "3", "out of range"}};
    t["unbound_axis_name"] = {[](const arrays& xs) {
                                vmap([](const array& x) { return lax::psum(x, "j"); }, 0, 0, "i")(xs[0]);
                              },
                              {"psum", "unbound axis name", "'j'"}};
    t["out_axes_none"] = {[=](const arrays& xs) { vmap([](const array& x) { return x * 2.0; }, 0, none)(xs[0]); },
                          {"out_axes", "xjax::none", "mapped"}};
    return t;
  }();
  return table;
}

}  // namespace

TEST_CASE("vmap golden: collectives under vmap with axis_name (psum, pmean, pmax, all_gather, axis_index, ppermute)") {
  CHECK(run("vmap", {"psum_normalize", "psum_unbatched", "pmean_center", "pmax_softmax", "all_gather_dot",
                     "all_gather_tiled", "index_permute"}) == 10);
}

TEST_CASE("vmap golden: nested vmaps over different axes with two axis names") {
  CHECK(run("vmap", {"nested_collectives", "outer_nested"}) == 3);
}

TEST_CASE("vmap golden: batched matmul and einsum") { CHECK(run("vmap", {"matmul", "einsum"}) == 4); }

TEST_CASE("vmap golden: gather, take_along_axis, dynamic_slice and scatter-add with batched indices") {
  CHECK(run("vmap", {"gather_index", "take_along", "dyn_slice", "scatter_add"}) == 9);
}

TEST_CASE("vmap golden: sort, argsort, argmax; softmax and log_softmax over rows") {
  CHECK(run("vmap", {"sort_top", "softmax_rows"}) == 4);
}

TEST_CASE("vmap golden: a pytree prefix of in_axes (an ensemble over a params dict)") {
  CHECK(run("vmap", {"ensemble"}) == 2);
}

TEST_CASE("vmap golden: reductions, cumulative ops, where, scipy.special, structure ops") {
  CHECK(run("vmap", {"cumulative", "where_select", "special", "structure"}) == 5);
}

TEST_CASE("vmap golden: compositions: vmap(vmap), grad(vmap), vmap(grad), vmap(jacrev), vmap(jacfwd)") {
  CHECK(run("comp", {"vmap_vmap", "grad_vmap", "vmap_grad", "vmap_jacrev", "vmap_jacfwd", "vmap_jacrev_jacfwd"}) == 8);
}

TEST_CASE("vmap golden: psum inside grad inside vmap, and grad of a vmap with psum") {
  CHECK(run("comp", {"vmap_grad_psum", "vmap_grad_psum_normalized", "grad_vmap_psum"}) == 3);
}

TEST_CASE("vmap golden: per-example gradients of the reference MLP match JAX and a loop of grad calls") {
  CHECK(run("mlp", {"per_example"}) == 1);
  const auto& g = xjax::testing::golden_file::load("vmap").get("mlp;per_example");
  const arrays& xs = g.inputs;
  const mlp_params p{xs[0], xs[1], xs[2], xs[3]};
  const array& x = xs[4];
  const array& labels = xs[5];
  mlp_params per = xjax::vmap(xjax::grad(example_loss), {none, 0, 0})(p, x, labels);
  const std::int64_t batch = x.shape()[0];
  REQUIRE(batch == 6);
  for (std::int64_t k = 0; k < batch; ++k) {
    INFO("example " << k);
    mlp_params one = xjax::grad(example_loss)(p, x(k), labels(k));
    arrays want = xjax::tree_leaves(one), got = xjax::tree_leaves(per);
    for (std::size_t i = 0; i < want.size(); ++i) {
      std::string err = compare(got[i](k), want[i]);
      CHECK_MESSAGE(err.empty(), "parameter " << i << ": " << err);
    }
  }
  // Parameters as a std::map dict: the same gradients, in a dict.
  dict pd{{"w1", xs[0]}, {"b1", xs[1]}, {"w2", xs[2]}, {"b2", xs[3]}};
  dict gd = xjax::vmap(xjax::grad(example_loss_dict), {none, 0, 0})(pd, x, labels);
  REQUIRE(gd.size() == 4);
  int i = 0;
  for (const char* k : {"w1", "b1", "w2", "b2"}) {
    INFO("gradient of " << k);
    CHECK(compare(gd.at(k), g.outputs[i++]).empty());
  }
}

TEST_CASE("vmap: make_jaxpr(vmap(f)) of elementwise f has as many equations as f, and as JAX's vmap") {
  const auto& file = xjax::testing::golden_file::load("vmap");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (kind_of(g.name) != "eqns") continue;
    ++n;
    const std::string name = program_of(g.name);
    INFO("function " << name);
    auto it = eqn_cases().find(name);
    REQUIRE_MESSAGE(it != eqn_cases().end(), "no C++ function for the golden case");
    const int jax_f = g.outputs.at(0).item<std::int32_t>();
    const int jax_vmap = g.outputs.at(1).item<std::int32_t>();
    xjax::closed_jaxpr jf = it->second.f(g.inputs);
    xjax::closed_jaxpr jv = it->second.batch(g.inputs);
    const int ours_f = count_eqns(*jf.jaxpr), ours_vmap = count_eqns(*jv.jaxpr);
    CHECK_MESSAGE(ours_f == jax_f, "f: xjax " << ours_f << " equations\n" << jf << "\nJAX: " << jax_f);
    CHECK_MESSAGE(ours_vmap == jax_vmap,
                  "vmap(f): xjax " << ours_vmap << " equations\n" << jv << "\nJAX: " << jax_vmap << "\n" << g.jaxpr);
    // No per-example loop, no extra broadcast: where JAX's vmap(f) has f's equations, ours too.
    if (jax_vmap == jax_f) CHECK(ours_vmap == ours_f);
  }
  CHECK(n == 6);
}

TEST_CASE("vmap errors as JAX's: batch sizes, in_axes structure, axes out of range, unbound axis name, out_axes none") {
  const auto& file = xjax::testing::golden_file::load("vmap");
  int n = 0;
  for (const auto& g : file.cases()) {
    if (kind_of(g.name) != "error") continue;
    ++n;
    const std::string name = program_of(g.name);
    INFO("error case " << name << "; JAX says: " << g.jaxpr);
    auto it = error_cases().find(name);
    REQUIRE_MESSAGE(it != error_cases().end(), "no C++ function for the golden case");
    std::string msg;
    try {
      it->second.run(g.inputs);
      FAIL_CHECK("xjax accepted it");
      continue;
    } catch (const xjax::error& e) {
      msg = e.what();
    }
    for (const auto& s : it->second.says) CHECK_MESSAGE(msg.find(s) != std::string::npos, "'" << s << "' not in: " << msg);
  }
  CHECK(n == 9);
}

TEST_CASE("vmap golden: every golden case has a C++ function and every C++ function a golden case") {
  const auto& file = xjax::testing::golden_file::load("vmap");
  std::set<std::string> names, programs;
  for (const auto& g : file.cases()) {
    names.insert(g.name);
    const std::string kind = kind_of(g.name);
    if (kind == "eqns") CHECK_MESSAGE(eqn_cases().count(program_of(g.name)), g.name);
    else if (kind == "error") CHECK_MESSAGE(error_cases().count(program_of(g.name)), g.name);
    else {
      CHECK_MESSAGE(golden_cases().count(g.name), g.name);
      programs.insert(program_of(g.name));
    }
  }
  for (const auto& [name, fn] : golden_cases()) CHECK_MESSAGE(names.count(name), name);
  for (const auto& [name, c] : eqn_cases()) CHECK_MESSAGE(names.count("eqns;" + name), name);
  for (const auto& [name, c] : error_cases()) CHECK_MESSAGE(names.count("error;" + name), name);
  MESSAGE(programs.size() << " programs");
  CHECK(programs.size() >= 15);
}
