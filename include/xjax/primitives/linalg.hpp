#pragma once
// Linear algebra primitives: dot_general (XLA's DotGeneral).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).
//
// dot_general contracts lhs and rhs over paired contracting dimensions, for each
// index of paired batch dimensions. The result's dimensions are the batch
// dimensions, then the lhs's free dimensions, then the rhs's, each in order.
//
// Dtypes, as JAX 0.10.2 (jax/_src/lax/lax.py, _dot_general_dtype_rule): the operands
// may differ; the result has the more precise dtype (floats by exponent range, then
// mantissa; then bit width; signed over unsigned: f64 > f32 > bf16 > f16 > i64 > u64
// > ... > i8 > u8 > bool), or preferred_element_type when given, which may not be
// narrower than that unless it is a float. On the CPU, operands of different dtypes
// are first converted to the result dtype (JAX's lowering inserts the converts).
//
// The reference kernel computes in the reference compute types: double when the
// operands or the result are floats (accumulated in double, rounded once to the
// result dtype), uint64 for integers (wrapping as XLA's integer dot), bool for bool
// (or of ands). Operands are transposed to (batch, free, contracting) and
// (batch, contracting, free) and multiplied with an i-k-j loop.
//
// Differentiation, as JAX's ad.defbilinear(dot_general_p, ...): the JVP is
// dot(t_lhs, rhs) + dot(lhs, t_rhs) with the same params, and the transpose with
// respect to one operand (the other fixed) is a dot_general of the cotangent with the
// other operand, contracting the cotangent's dims that came from the other operand's
// free dims and batching over the batch dims, followed by the transpose that puts the
// result's dims back in the operand's order and, where preferred_element_type made the
// result wider than the operand, a convert back to the operand's dtype
// (_dot_general_transpose_lhs / _rhs).
//
// Batching, as JAX's _dot_general_batch_rule (lax.py 0.10.2), in place (no operand is
// moved or broadcast): with both operands batched, their batch dims become a new
// leading pair of batch dimensions (the result's batch dim is 0); with one batched,
// its batch dim becomes one more free dimension of that operand, and the result's
// batch dim is where that free dimension lands among the result's (after the batch
// dims, the lhs's free dims before it and, for the rhs, all of the lhs's free dims).

#include <array>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "xjax/backend/reference/compute.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/linalg.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/primitives/ad_util.hpp"
#include "xjax/primitives/dtype_set.hpp"
#include "xjax/primitives/indexing.hpp"  // for_each_index
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {

struct dot_general_params {
  lax::dot_dimension_numbers dimension_numbers;
  std::optional<lax::dot_precision> precision;
  std::optional<dtype> preferred_element_type;
  bool operator==(const dot_general_params&) const = default;
  template <class F> void fields(F&& f) const {
    // JAX prints precision and preferred_element_type only when set, and never out_sharding.
    f("dimension_numbers", dimension_numbers);
    if (precision) f("precision", *precision);
    if (preferred_element_type) f("preferred_element_type", *preferred_element_type);
  }
};

namespace linalg_detail {

inline int bit_width(dtype d) { return d.is_bool() ? 1 : d.itemsize() * 8; }

/// XLA's order of precision between dtypes (primitive_util's HigherPrecisionType).
inline std::array<int, 4> precision_rank(dtype d) {
  int max_exp = -1, mantissa = -1;
  if (d == float16) max_exp = 16, mantissa = 10;
  if (d == bfloat16) max_exp = 128, mantissa = 7;
  if (d == float32) max_exp = 128, mantissa = 23;
  if (d == float64) max_exp = 1024, mantissa = 52;
  return {max_exp, mantissa, bit_width(d), d.is_unsigned_integer() ? 0 : 1};
}

/// The result dtype of a dot of `l` and `r` (distinct dtypes never rank equal).
inline dtype result_dtype(dtype l, dtype r, std::optional<dtype> preferred) {
  const dtype res = precision_rank(l) >= precision_rank(r) ? l : r;
  if (!preferred || *preferred == res) return res;
  if (!res.is_floating() && bit_width(*preferred) < bit_width(res)) {
    detail::raise<type_error>("dot_general",
                              "preferred_element_type must not be narrower than the operands' result type: got "
                              "preferred_element_type {} for operands of dtypes {} and {} (result type {})",
                              preferred->name(), l.name(), r.name(), res.name());
  }
  return *preferred;
}

/// Checks one operand's dimension numbers: in range, distinct, batch and contracting disjoint.
inline void check_side(std::string_view side, const aval& x, const shape_t& contracting, const shape_t& batch) {
  for (const auto* dims : {&contracting, &batch}) {
    for (auto d : *dims) {
      if (d < 0 || d >= x.ndim()) {
        detail::raise<value_error>("dot_general",
                                   "{}_contracting {} and {}_batch {} must hold dimensions of the {} of shape {} "
                                   "(in [0, {})), got {}",
                                   side, shape_str(contracting), side, shape_str(batch), side, shape_str(x.shape),
                                   x.ndim(), d);
      }
    }
  }
  for (auto [name, dims] : {std::pair{"batch", &batch}, std::pair{"contracting", &contracting}}) {
    for (std::size_t i = 0; i < dims->size(); ++i)
      for (std::size_t j = i + 1; j < dims->size(); ++j)
        if ((*dims)[i] == (*dims)[j])
          detail::raise<value_error>("dot_general", "{}_{} dimensions must be distinct, got {}", side, name,
                                     shape_str(*dims));
  }
  for (auto d : batch) {
    if (std::find(contracting.begin(), contracting.end(), d) != contracting.end()) {
      detail::raise<value_error>("dot_general",
                                 "{}_batch {} and {}_contracting {} must be disjoint; both hold dimension {}", side,
                                 shape_str(batch), side, shape_str(contracting), d);
    }
  }
}

inline shape_t sizes_of(const shape_t& shape, const shape_t& dims) {
  shape_t out;
  for (auto d : dims) out.push_back(shape[static_cast<std::size_t>(d)]);
  return out;
}

/// The dims of a rank-`rank` operand that are neither contracting nor batch, in order.
inline shape_t free_dims(std::int64_t rank, const shape_t& contracting, const shape_t& batch) {
  shape_t out;
  for (std::int64_t d = 0; d < rank; ++d)
    if (std::find(contracting.begin(), contracting.end(), d) == contracting.end() &&
        std::find(batch.begin(), batch.end(), d) == batch.end())
      out.push_back(d);
  return out;
}

inline shape_t concat(std::initializer_list<shape_t> parts) {
  shape_t out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// `x` of dtype `d` (values converted as convert_element_type does).
inline array convert(const array& x, dtype d) {
  if (x.dtype() == d) return x;
  array out;
  reference::visit_compute<all_types>(x.dtype(), [&](auto tag) {
    using C = decltype(tag);
    out = reference::store(reference::load<C>(x), x.shape(), d);
  });
  return out;
}

/// The elements of `x` (of `shape`) with its dimensions reordered by `perm`.
template <class C> std::vector<C> transposed(std::vector<C> x, const shape_t& shape, const shape_t& perm) {
  bool identity = true;
  for (std::size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<std::int64_t>(i);
  if (identity) return x;
  const shape_t strides = row_major_strides(shape);
  shape_t out_shape, src_strides;
  for (auto p : perm) {
    out_shape.push_back(shape[static_cast<std::size_t>(p)]);
    src_strides.push_back(strides[static_cast<std::size_t>(p)]);
  }
  std::vector<C> out;
  out.reserve(x.size());
  for_each_index(out_shape, [&](const shape_t& c) {
    std::int64_t off = 0;
    for (std::size_t i = 0; i < c.size(); ++i) off += c[i] * src_strides[i];
    out.push_back(x[static_cast<std::size_t>(off)]);
  });
  return out;
}

/// out[b, i, j] = sum_k l[b, i, k] * r[b, k, j], in compute type C.
template <class C>
std::vector<C> batched_matmul(const std::vector<C>& l, const std::vector<C>& r, std::int64_t nb, std::int64_t m,
                              std::int64_t k, std::int64_t n) {
  // Offsets rather than pointers: std::vector<bool> has no data().
  std::vector<C> out(static_cast<std::size_t>(nb * m * n), C{});
  for (std::int64_t b = 0; b < nb; ++b) {
    for (std::int64_t i = 0; i < m; ++i) {
      const auto o = static_cast<std::size_t>((b * m + i) * n);
      for (std::int64_t p = 0; p < k; ++p) {
        const C a = l[static_cast<std::size_t>((b * m + i) * k + p)];
        const auto rp = static_cast<std::size_t>((b * k + p) * n);
        for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) {
          if constexpr (std::is_same_v<C, bool>) out[o + j] = out[o + j] || (a && r[rp + j]);
          else out[o + j] += a * r[rp + j];  // C is uint64 for integers: wraps, no UB
        }
      }
    }
  }
  return out;
}

/// np.argsort of distinct values: the positions that put them in increasing order.
inline shape_t argsort(const shape_t& v) {
  shape_t idx(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) idx[i] = static_cast<std::int64_t>(i);
  std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return v[static_cast<std::size_t>(a)] < v[static_cast<std::size_t>(b)]; });
  return idx;
}

/// JAX's _dot_general_transpose_lhs: the cotangent of operand `x` (linear, of aval
/// `x`) of a dot_general of x and y with dimension numbers `dn` (x's first), given the
/// cotangent `g` of the result. `swap_ans` when x is the rhs of the original dot (its
/// free dims come after y's in g).
inline array dot_transpose_operand(const array& g, const aval& x, const array& y, const lax::dot_dimension_numbers& dn,
                                   const dot_general_params& p, bool swap_ans) {
  const shape_t x_kept = free_dims(x.ndim(), dn.lhs_contracting, dn.lhs_batch);
  const shape_t y_kept = free_dims(y.ndim(), dn.rhs_contracting, dn.rhs_batch);
  const auto nb = static_cast<std::int64_t>(dn.lhs_batch.size());
  // g's dims: batch, then the free dims of the original lhs, then the original rhs's.
  shape_t ans_batch, ans_y;
  for (std::int64_t i = 0; i < nb; ++i) ans_batch.push_back(i);
  const std::int64_t y_start = swap_ans ? nb : nb + static_cast<std::int64_t>(x_kept.size());
  for (std::size_t i = 0; i < y_kept.size(); ++i) ans_y.push_back(y_start + static_cast<std::int64_t>(i));
  const lax::dot_dimension_numbers dims{
      .lhs_contracting = ans_y, .rhs_contracting = y_kept, .lhs_batch = ans_batch, .rhs_batch = dn.rhs_batch};
  // The product's dims: x's batch dims, x's free dims, then x's contracting dims in
  // the order of y's contracting dims they were paired with.
  shape_t x_contract_sorted_by_y;
  for (auto i : argsort(dn.rhs_contracting)) x_contract_sorted_by_y.push_back(dn.lhs_contracting[static_cast<std::size_t>(i)]);
  const shape_t unsorted_axes = concat({dn.lhs_batch, x_kept, x_contract_sorted_by_y});
  array x_bar = lax::transpose(lax::dot_general(g, y, dims, p.precision, p.preferred_element_type), argsort(unsorted_axes));
  if (x_bar.dtype() != x.dtype) x_bar = lax::convert_element_type(x_bar, x.dtype, x.weak_type);
  return x_bar;
}

}  // namespace linalg_detail

class dot_general_primitive final : public primitive_of<dot_general_params> {
 public:
  constexpr dot_general_primitive() : primitive_of<dot_general_params>("dot_general") {}

  std::vector<aval> shape_rule(std::span<const aval> in, const dot_general_params& p) const override {
    using namespace linalg_detail;
    check_arity("dot_general", in.size(), 2);
    const aval &lhs = in[0], &rhs = in[1];
    const auto& dn = p.dimension_numbers;
    check_side("lhs", lhs, dn.lhs_contracting, dn.lhs_batch);
    check_side("rhs", rhs, dn.rhs_contracting, dn.rhs_batch);
    if (dn.lhs_batch.size() != dn.rhs_batch.size()) {
      detail::raise<value_error>("dot_general", "lhs_batch {} and rhs_batch {} must have the same length",
                                 shape_str(dn.lhs_batch), shape_str(dn.rhs_batch));
    }
    const shape_t lb = sizes_of(lhs.shape, dn.lhs_batch), rb = sizes_of(rhs.shape, dn.rhs_batch);
    if (lb != rb) {
      detail::raise<shape_error>("dot_general",
                                 "batch dimensions must have the same sizes: lhs_batch {} of the lhs of shape {} has "
                                 "sizes {}, rhs_batch {} of the rhs of shape {} has sizes {}",
                                 shape_str(dn.lhs_batch), shape_str(lhs.shape), shape_str(lb), shape_str(dn.rhs_batch),
                                 shape_str(rhs.shape), shape_str(rb));
    }
    const shape_t lc = sizes_of(lhs.shape, dn.lhs_contracting), rc = sizes_of(rhs.shape, dn.rhs_contracting);
    if (lc != rc) {
      detail::raise<shape_error>("dot_general",
                                 "contracting dimensions must have the same sizes: lhs_contracting {} of the lhs of "
                                 "shape {} has sizes {}, rhs_contracting {} of the rhs of shape {} has sizes {}",
                                 shape_str(dn.lhs_contracting), shape_str(lhs.shape), shape_str(lc),
                                 shape_str(dn.rhs_contracting), shape_str(rhs.shape), shape_str(rc));
    }
    const dtype d = result_dtype(lhs.dtype, rhs.dtype, p.preferred_element_type);
    shape_t out = concat({lb, sizes_of(lhs.shape, free_dims(lhs.ndim(), dn.lhs_contracting, dn.lhs_batch)),
                          sizes_of(rhs.shape, free_dims(rhs.ndim(), dn.rhs_contracting, dn.rhs_batch))});
    return {aval{std::move(out), d, lhs.weak_type && rhs.weak_type}};
  }

  std::vector<array> eval(std::span<const array> in, const dot_general_params& p) const override {
    using namespace linalg_detail;
    const auto& dn = p.dimension_numbers;
    const aval out = shape_rule(avals_of(in), p)[0];
    // Operands of different dtypes are converted to the result dtype first (JAX's CPU lowering).
    const bool mixed = in[0].dtype() != in[1].dtype();
    const array lhs = mixed ? convert(in[0], out.dtype) : in[0], rhs = mixed ? convert(in[1], out.dtype) : in[1];
    const shape_t l_free = free_dims(lhs.ndim(), dn.lhs_contracting, dn.lhs_batch);
    const shape_t r_free = free_dims(rhs.ndim(), dn.rhs_contracting, dn.rhs_batch);
    const std::int64_t nb = shape_size(sizes_of(lhs.shape(), dn.lhs_batch));
    const std::int64_t m = shape_size(sizes_of(lhs.shape(), l_free));
    const std::int64_t k = shape_size(sizes_of(lhs.shape(), dn.lhs_contracting));
    const std::int64_t n = shape_size(sizes_of(rhs.shape(), r_free));
    const shape_t l_perm = concat({dn.lhs_batch, l_free, dn.lhs_contracting});
    const shape_t r_perm = concat({dn.rhs_batch, dn.rhs_contracting, r_free});
    auto run = [&](auto tag) {
      using C = decltype(tag);
      auto l = transposed(reference::load<C>(lhs), lhs.shape(), l_perm);
      auto r = transposed(reference::load<C>(rhs), rhs.shape(), r_perm);
      return reference::store(batched_matmul(l, r, nb, m, k, n), out.shape, out.dtype, out.weak_type);
    };
    // Floats anywhere: double; integers: uint64 (wrapping); bool: or of ands.
    const dtype t = lhs.dtype();
    if (t.is_floating() || out.dtype.is_floating()) return {run(double{})};
    if (t.is_integer() || out.dtype.is_integer()) return {run(std::uint64_t{})};
    return {run(bool{})};
  }

  // ad.defbilinear's JVP: the sum of the two products, each with one tangent.
  jvp_result jvp_rule(std::span<const array> x, std::span<const array> t, const dot_general_params& p) const override {
    array y = bind1({x[0], x[1]}, p);
    if (!ad::differentiable(y.dtype())) return {{y}, {array()}};
    array ty;
    if (!ad::is_zero(t[0])) ty = bind1({t[0], x[1]}, p);
    if (!ad::is_zero(t[1])) ty = ad::add_tangents(ty, bind1({x[0], t[1]}, p));
    return {{y}, {ty}};
  }

  std::vector<array> transpose_rule(std::span<const array> cts, std::span<const lin_arg> args,
                                    const dot_general_params& p) const override {
    ad::check_linear_args(name(), args, {true, true});
    if (args[0].is_linear() && args[1].is_linear()) {
      detail::raise<value_error>(name(), "dot_general is bilinear, not linear: it can be transposed with respect to "
                                 "one operand when the other is fixed, but both were linear (lhs {}, rhs {})",
                                 args[0].aval.str(), args[1].aval.str());
    }
    std::vector<array> out(2);
    const array& g = cts[0];
    if (ad::is_zero(g)) return out;
    const auto& dn = p.dimension_numbers;
    if (args[0].is_linear()) {
      out[0] = linalg_detail::dot_transpose_operand(g, args[0].aval, args[1].value, dn, p, /*swap_ans=*/false);
    } else if (args[1].is_linear()) {
      const lax::dot_dimension_numbers swapped{.lhs_contracting = dn.rhs_contracting, .rhs_contracting = dn.lhs_contracting,
                                               .lhs_batch = dn.rhs_batch, .rhs_batch = dn.lhs_batch};
      out[1] = linalg_detail::dot_transpose_operand(g, args[1].aval, args[0].value, swapped, p, /*swap_ans=*/true);
    }
    return out;
  }

  // JAX's _dot_general_batch_rule and _dot_general_batch_dim_nums (see the file comment).
  batch_result batch_rule(std::span<const array> x, std::span<const std::int64_t> d, const dot_general_params& p,
                          const batch_axis&) const override {
    using structure_batch::bump, structure_batch::inserted;
    const auto& dn = p.dimension_numbers;
    const std::int64_t lbd = d[0], rbd = d[1];
    dot_general_params q = p;
    auto& qn = q.dimension_numbers;
    std::int64_t out_dim = 0;
    // The free dims of an unbatched operand of rank `rank` before dim `bd`.
    auto free_before = [](std::int64_t rank, const shape_t& contracting, const shape_t& batch, std::int64_t bd) {
      const shape_t free = linalg_detail::free_dims(rank, contracting, batch);
      return static_cast<std::int64_t>(std::count_if(free.begin(), free.end(), [&](std::int64_t f) { return f < bd; }));
    };
    if (lbd != not_mapped && rbd != not_mapped) {
      qn.lhs_batch = inserted(bump(dn.lhs_batch, lbd), 0, lbd);
      qn.rhs_batch = inserted(bump(dn.rhs_batch, rbd), 0, rbd);
      qn.lhs_contracting = bump(dn.lhs_contracting, lbd);
      qn.rhs_contracting = bump(dn.rhs_contracting, rbd);
    } else if (lbd != not_mapped) {
      out_dim = static_cast<std::int64_t>(dn.lhs_batch.size()) +
                free_before(x[0].ndim() - 1, dn.lhs_contracting, dn.lhs_batch, lbd);
      qn.lhs_batch = bump(dn.lhs_batch, lbd);
      qn.lhs_contracting = bump(dn.lhs_contracting, lbd);
    } else {
      out_dim = x[0].ndim() - static_cast<std::int64_t>(dn.lhs_contracting.size()) +
                free_before(x[1].ndim() - 1, dn.rhs_contracting, dn.rhs_batch, rbd);
      qn.rhs_batch = bump(dn.rhs_batch, rbd);
      qn.rhs_contracting = bump(dn.rhs_contracting, rbd);
    }
    return structure_batch::single(bind1({x[0], x[1]}, std::move(q)), out_dim);
  }
};
inline const dot_general_primitive& dot_general_p() { static const dot_general_primitive p; return p; }

}  // namespace xjax::prim

// ---------------------------------------------------------------------------
// The lax functions (declared in lax/linalg.hpp).
namespace xjax::lax {

XJAX_IMPL std::string jax_repr(const dot_dimension_numbers& d) {
  auto list = [](const shape_t& v) { return "[" + xjax::detail::join_ints(v) + "]"; };
  return fmt::format("(({}, {}), ({}, {}))", list(d.lhs_contracting), list(d.rhs_contracting), list(d.lhs_batch),
                     list(d.rhs_batch));
}

XJAX_IMPL std::string jax_repr(const dot_precision& p) {
  auto name = [](precision x) {
    switch (x) {
      case precision::high: return "Precision.HIGH";
      case precision::highest: return "Precision.HIGHEST";
      default: return "Precision.DEFAULT";
    }
  };
  return fmt::format("({}, {})", name(p.lhs), name(p.rhs));
}

XJAX_IMPL array dot_general(const array& lhs, const array& rhs, const dot_dimension_numbers& dimension_numbers,
                            std::optional<dot_precision> precision, std::optional<dtype> preferred_element_type) {
  return prim::dot_general_p().bind1({lhs, rhs}, {dimension_numbers, precision, preferred_element_type});
}

XJAX_IMPL array dot(const array& lhs, const array& rhs, std::optional<dot_precision> precision,
                    std::optional<dtype> preferred_element_type) {
  const auto ln = lhs.ndim(), rn = rhs.ndim();
  if (ln < 1 || ln > 2 || rn < 1 || rn > 2 || lhs.shape().back() != rhs.shape().front()) {
    xjax::detail::raise<shape_error>("dot",
                                     "takes vectors and matrices whose last and first dimensions match (use "
                                     "lax::dot_general for anything else), got shapes {} and {}",
                                     shape_str(lhs.shape()), shape_str(rhs.shape()));
  }
  return dot_general(lhs, rhs, {.lhs_contracting = {ln - 1}, .rhs_contracting = {0}}, precision,
                     preferred_element_type);
}

}  // namespace xjax::lax
