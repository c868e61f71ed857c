#pragma once
// Reductions: sum, prod, mean, var, std, max, min, amax, amin, argmax, argmin, all,
// any, cumsum, cumprod, nansum, nanmean, nanmax, nanmin, median, average, ptp,
// count_nonzero, as jax.numpy 0.10.2 (same lax primitives, dtypes and weak types).
//
//   namespace jnp = xjax::numpy;
//   jnp::sum(x);                          // every axis
//   jnp::sum(x, 1, xjax::float32);        // axis 1, accumulated and returned as f32
//   jnp::mean(x, {0, -1}, {}, true);      // axes 0 and -1, keepdims
//   jnp::var(x, std::nullopt, {}, 1);     // ddof = 1
//   jnp::argmax(x, -1, true);             // last axis, keepdims
//   jnp::cumsum(x);                       // flattened
//
// Axes: `reduction_axes` takes None (std::nullopt, or `{}`: every axis), an integer,
// or a tuple (`{0, -1}`, or a shape_t; an empty shape_t reduces no axis). Negative
// axes count from the end; out-of-range and repeated axes are value_errors.
//
// Dtypes as JAX: sum and prod of bool and of integers narrower than 32 bits
// accumulate in int32 / uint32 (the default int); float16 / bfloat16 accumulate in
// float32 and are returned in their dtype; mean, var, std, median and average of
// integers and bools are float32 (float64 for int64 / uint64). Results are never weak.
// Where JAX (with x64) would give its default int64 (argmax, argmin, count_nonzero,
// sum of int32 ...), xjax gives int32, its default int.

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <optional>
#include <utility>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {

/// A numpy `axis` argument: None, an int or a tuple of ints (negative allowed).
struct reduction_axes {
  std::optional<shape_t> axes;  ///< nullopt: None (every axis)
  bool is_tuple = false;        ///< given as a tuple (matters to median only)

  reduction_axes() = default;
  reduction_axes(std::nullopt_t) {}  // NOLINT: implicit on purpose
  template <std::integral T>
    requires(!std::is_same_v<T, bool>)
  reduction_axes(T axis) : axes(shape_t{static_cast<std::int64_t>(axis)}) {}  // NOLINT
  reduction_axes(std::optional<std::int64_t> axis) {  // NOLINT
    if (axis) axes = shape_t{*axis};
  }
  reduction_axes(shape_t axes_) : axes(std::move(axes_)), is_tuple(true) {}  // NOLINT
  reduction_axes(std::initializer_list<std::int64_t> axes_) : axes(shape_t(axes_)), is_tuple(true) {}  // NOLINT
};

// --- Sums and products: dtype (accumulation and result) and an optional scalar
// `initial` folded into the result, as jax.numpy.

XJAX_API array sum(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                   bool keepdims = false, const std::optional<array>& initial = std::nullopt);
XJAX_API array prod(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                    bool keepdims = false, const std::optional<array>& initial = std::nullopt);

// --- Extremes: a reduction over no element is a value_error unless `initial` is given.

XJAX_API array max(const array& a, const reduction_axes& axis = {}, bool keepdims = false,
                   const std::optional<array>& initial = std::nullopt);
XJAX_API array min(const array& a, const reduction_axes& axis = {}, bool keepdims = false,
                   const std::optional<array>& initial = std::nullopt);
XJAX_API array amax(const array& a, const reduction_axes& axis = {}, bool keepdims = false,
                    const std::optional<array>& initial = std::nullopt);
XJAX_API array amin(const array& a, const reduction_axes& axis = {}, bool keepdims = false,
                    const std::optional<array>& initial = std::nullopt);
/// max - min (numbers only).
XJAX_API array ptp(const array& a, const reduction_axes& axis = {}, bool keepdims = false);

/// Indices (int32) of the first maximum / minimum; axis None flattens. Empty: value_error.
XJAX_API array argmax(const array& a, std::optional<std::int64_t> axis = std::nullopt, bool keepdims = false);
XJAX_API array argmin(const array& a, std::optional<std::int64_t> axis = std::nullopt, bool keepdims = false);

// --- Logical reductions (bool results; any dtype, nonzero is true).

XJAX_API array all(const array& a, const reduction_axes& axis = {}, bool keepdims = false);
XJAX_API array any(const array& a, const reduction_axes& axis = {}, bool keepdims = false);
/// Number of nonzero elements (int32).
XJAX_API array count_nonzero(const array& a, const reduction_axes& axis = {}, bool keepdims = false);

// --- Statistics.

XJAX_API array mean(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                    bool keepdims = false);
/// Variance with divisor N - ddof (or N - correction; giving both is a value_error).
/// A divisor <= 0 gives NaN.
XJAX_API array var(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                   double ddof = 0, bool keepdims = false, std::optional<double> correction = std::nullopt);
/// sqrt(var); `dtype` must be a float dtype.
XJAX_API array std(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                   double ddof = 0, bool keepdims = false, std::optional<double> correction = std::nullopt);
/// The median (jnp.quantile(a, 0.5, method="midpoint")): sorts along the axes; NaN if
/// the slice holds a NaN.
XJAX_API array median(const array& a, const reduction_axes& axis = {}, bool keepdims = false);
/// Weighted mean: sum(a * w) / sum(w). `weights` has a's shape, or (with an axis) the
/// shape of a's reduced axes, in the order given.
XJAX_API array average(const array& a, const reduction_axes& axis = {}, const std::optional<array>& weights = std::nullopt,
                       bool keepdims = false);
/// average with returned=True: {average, sum of weights broadcast to its shape}.
XJAX_API std::pair<array, array> average_returned(const array& a, const reduction_axes& axis = {},
                                                  const std::optional<array>& weights = std::nullopt,
                                                  bool keepdims = false);

// --- NaN-ignoring reductions (for non-float dtypes the plain reduction). nanmax /
// nanmin of an all-NaN slice are NaN; nanmean of one is NaN (0 / 0); nansum is 0.

XJAX_API array nansum(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                      bool keepdims = false);
XJAX_API array nanmean(const array& a, const reduction_axes& axis = {}, std::optional<xjax::dtype> dtype = std::nullopt,
                       bool keepdims = false);
XJAX_API array nanmax(const array& a, const reduction_axes& axis = {}, bool keepdims = false);
XJAX_API array nanmin(const array& a, const reduction_axes& axis = {}, bool keepdims = false);

// --- Cumulative sums and products along `axis` (None: of the flattened array). Bool
// accumulates in int32 unless dtype is given.

XJAX_API array cumsum(const array& a, std::optional<std::int64_t> axis = std::nullopt,
                      std::optional<xjax::dtype> dtype = std::nullopt);
XJAX_API array cumprod(const array& a, std::optional<std::int64_t> axis = std::nullopt,
                       std::optional<xjax::dtype> dtype = std::nullopt);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy {
namespace reductions_detail {

/// The axes to reduce, normalized, in the order given (JAX's _reduction_dims).
inline shape_t reduction_dims(std::string_view op, std::int64_t ndim, const reduction_axes& axis) {
  shape_t dims;
  if (!axis.axes) {
    for (std::int64_t i = 0; i < ndim; ++i) dims.push_back(i);
    return dims;
  }
  for (auto ax : *axis.axes) {
    if (ax < -ndim || ax >= ndim)
      xjax::detail::raise<value_error>(op, "axis {} is out of bounds for array of dimension {}", ax, ndim);
    dims.push_back(ax < 0 ? ax + ndim : ax);
  }
  for (std::size_t i = 0; i < dims.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (dims[i] == dims[j])
        xjax::detail::raise<value_error>(op, "duplicate value in 'axis': {}", shape_str(*axis.axes));
  return dims;
}

inline std::int64_t single_axis(std::string_view op, std::int64_t axis, std::int64_t ndim) {
  if (axis < -ndim || axis >= ndim)
    xjax::detail::raise<value_error>(op, "axis {} is out of bounds for array of dimension {}", axis, ndim);
  return axis < 0 ? axis + ndim : axis;
}

/// `x` as a strongly typed array of `d` (lax.convert_element_type; none when it is).
inline array cvt(const array& x, dtype d) { return convert_to(x, {d, false}); }

/// JAX's _promote_integer_dtype (without x64 defaults): bool and narrow ints widen.
inline dtype promote_integer_dtype(dtype d) {
  if (d == bool_) return int32;
  if (d == uint8 || d == uint16) return uint32;
  if (d == int8 || d == int16) return int32;
  return d;
}

/// JAX's dtypes.to_inexact_dtype: bool and integers to float32, 64-bit ones to float64.
inline dtype to_inexact(dtype d) {
  if (d.is_floating()) return d;
  return (d == int64 || d == uint64) ? float64 : float32;
}

inline dtype upcast_f16(dtype d) { return (d == float16 || d == bfloat16) ? float32 : d; }

/// A 0-d constant of dtype `d` (a literal in jaxprs, as JAX's numpy constants).
inline array scalar(double v, dtype d) {
  eager_scope now;
  if (d == bool_) return array(v != 0);
  return array(v, d);
}

/// pred ? x : y with a 0-d `y` or `x` broadcast (JAX's _where for one dtype).
inline array where(const array& pred, const array& x, const array& y) {
  shape_t shape = pred.shape();
  auto full = [&](const array& v) { return v.shape() == shape ? v : lax::broadcast_in_dim(v, shape, {}); };
  return lax::select(pred, full(x), full(y));
}

inline array isnan(const array& x) { return lax::ne(x, x); }

enum class red_op { sum, prod, max, min, and_, or_ };

inline array reduce(red_op op, const array& a, const shape_t& dims) {
  switch (op) {
    case red_op::sum: return lax::reduce_sum(a, dims);
    case red_op::prod: return lax::reduce_prod(a, dims);
    case red_op::max: return lax::reduce_max(a, dims);
    case red_op::min: return lax::reduce_min(a, dims);
    case red_op::and_: return lax::reduce_and(a, dims);
    case red_op::or_: return lax::reduce_or(a, dims);
  }
  return a;
}

inline array combine(red_op op, const array& x, const array& y) {
  switch (op) {
    case red_op::sum: return lax::add(x, y);
    case red_op::prod: return lax::mul(x, y);
    case red_op::max: return lax::max(x, y);
    case red_op::min: return lax::min(x, y);
    case red_op::and_: return lax::bitwise_and(x, y);
    case red_op::or_: return lax::bitwise_or(x, y);
  }
  return x;
}

struct reduction_spec {
  std::string_view name;
  red_op op;
  red_op bool_op;
  bool has_identity = true;
  bool numeric = false;  // bool operands become int32 first (_cast_to_numeric)
  bool to_bool = false;  // operands become bool first (_cast_to_bool)
  bool upcast_f16 = false;
  bool promote_integers = false;
};

/// JAX's _reduction.
inline array reduction(const reduction_spec& s, array a, const reduction_axes& axis, std::optional<dtype> dt,
                       bool keepdims, const std::optional<array>& initial) {
  if (s.numeric && a.dtype() == bool_) a = convert_to(a, {int32, a.weak_type()});
  if (s.to_bool) a = cvt(a, bool_);
  shape_t dims = reduction_dims(s.name, a.ndim(), axis);
  if (!initial && !s.has_identity) {
    for (auto d : dims)
      if (a.shape()[d] < 1)
        xjax::detail::raise<value_error>(s.name,
                                         "zero-size array to reduction operation {} which has no identity (shape {}, "
                                         "axes {}); pass `initial`",
                                         s.name, shape_str(a.shape()), shape_str(dims));
  }
  dtype result_dtype = dt ? *dt : (s.promote_integers ? promote_integer_dtype(a.dtype()) : a.dtype());
  dtype computation = (s.upcast_f16 && !dt) ? upcast_f16(result_dtype) : result_dtype;
  a = cvt(a, computation);
  red_op op = computation == bool_ ? s.bool_op : s.op;
  array result = reduce(op, a, dims);
  if (initial) {
    if (initial->ndim() != 0)
      xjax::detail::raise<value_error>(s.name, "initial value must be a scalar, got an array of shape {}",
                                       shape_str(initial->shape()));
    result = combine(op, cvt(*initial, computation), result);
  }
  if (keepdims) result = lax::expand_dims(result, dims);
  return cvt(result, result_dtype);
}

/// The number of elements reduced over `axis`.
inline std::int64_t count(const array& a, const reduction_axes& axis, std::string_view op) {
  std::int64_t n = 1;
  for (auto d : reduction_dims(op, a.ndim(), axis)) n *= a.shape()[d];
  return n;
}

inline array mean_impl(std::string_view op, const array& a, const reduction_axes& axis, std::optional<dtype> dt,
                       bool keepdims) {
  dtype result_dtype = dt ? *dt : to_inexact(a.dtype());
  dtype computation = (!dt && result_dtype.is_floating()) ? upcast_f16(result_dtype) : result_dtype;
  std::int64_t n = count(a, axis, op);
  array s = sum(a, axis, computation, keepdims);
  return cvt(lax::div(s, scalar(static_cast<double>(n), computation)), result_dtype);
}

inline array var_impl(std::string_view op, const array& a0, const reduction_axes& axis, std::optional<dtype> dt,
                      double ddof, bool keepdims, std::optional<double> correction) {
  if (correction && ddof != 0)
    xjax::detail::raise<value_error>(op, "ddof ({}) and correction ({}) can't be provided simultaneously", ddof,
                                     *correction);
  double corr = correction ? *correction : ddof;
  dtype computation = float32, out_dtype = float32;
  if (dt) {
    computation = out_dtype = *dt;
  } else if (!a0.dtype().is_floating()) {
    computation = out_dtype = to_inexact(a0.dtype());
  } else {
    computation = out_dtype = a0.dtype();
  }
  computation = upcast_f16(computation);
  array a = cvt(a0, computation);
  array a_mean = mean_impl(op, a, axis, computation, true);
  array centered = lax::square(lax::sub(a, a_mean));
  std::int64_t n = count(a, axis, op);
  // As JAX: normalizer = n - convert(correction); NaN where normalizer <= 0.
  array corr_lit = computation == float64 ? array(corr, float64) : array(corr);
  array norm = lax::sub(scalar(static_cast<double>(n), computation), lax::convert_element_type(corr_lit, computation, false));
  array result = sum(centered, axis, computation, keepdims);
  result = cvt(lax::div(result, norm), out_dtype);
  array positive = lax::gt(norm, scalar(0, computation));
  // where(normalizer > 0, result, nan): a float result (a weak NaN promotes ints).
  auto r = promote_dtypes({result, array(std::numeric_limits<double>::quiet_NaN())});
  return lax::select(positive, r[0], lax::broadcast_in_dim(r[1], r[0].shape(), {}));
}

inline array nan_extreme(std::string_view op, bool is_max, const array& a, const reduction_axes& axis, bool keepdims) {
  if (!a.dtype().is_floating()) return is_max ? max(a, axis, keepdims) : min(a, axis, keepdims);
  (void)reduction_dims(op, a.ndim(), axis);
  double inf = std::numeric_limits<double>::infinity();
  array filled = where(isnan(a), scalar(is_max ? -inf : inf, a.dtype()), a);
  array out = reduction({op, is_max ? red_op::max : red_op::min, is_max ? red_op::max : red_op::min, false}, filled,
                        axis, std::nullopt, keepdims, std::nullopt);
  array all_nan = all(isnan(a), axis, keepdims);
  return where(all_nan, scalar(std::numeric_limits<double>::quiet_NaN(), a.dtype()), out);
}

inline array arg_extreme(std::string_view op, bool is_max, array a, std::optional<std::int64_t> axis, bool keepdims) {
  shape_t dims;
  std::int64_t ax = 0;
  if (!axis) {
    for (std::int64_t i = 0; i < a.ndim(); ++i) dims.push_back(i);
    a = lax::reshape(a, {a.size()});
  } else {
    ax = single_axis(op, *axis, a.ndim());
    dims = {ax};
  }
  if (a.shape()[ax] == 0)
    xjax::detail::raise<value_error>(op, "attempt to get {} of an empty sequence (shape {}, axis {})", op,
                                     shape_str(a.shape()), ax);
  array r = is_max ? lax::argmax(a, ax, int32) : lax::argmin(a, ax, int32);
  return keepdims ? lax::expand_dims(r, dims) : r;
}

/// JAX's _cumulative_reduction.
inline array cumulative(std::string_view op, bool is_sum, array a, std::optional<std::int64_t> axis,
                        std::optional<dtype> dt) {
  if (!axis || a.ndim() == 0) a = lax::reshape(a, {a.size()});
  std::int64_t ax = single_axis(op, axis.value_or(0), a.ndim());
  dtype result_type = int32, computation = int32;
  if (!dt) {
    result_type = computation = a.dtype() == bool_ ? promote_integer_dtype(bool_) : a.dtype();
  } else if (*dt == bool_) {
    result_type = bool_;
    if (a.dtype() != bool_) a = lax::ne(a, scalar(0, a.dtype()));
    computation = promote_integer_dtype(bool_);
  } else {
    result_type = computation = *dt;
  }
  a = cvt(a, computation);
  array r = is_sum ? lax::cumsum(a, ax) : lax::cumprod(a, ax);
  return cvt(r, result_type);
}

/// The shape of `a` with `dims` set to 1.
inline shape_t keep_shape(const shape_t& s, const shape_t& dims) {
  shape_t out = s;
  for (auto d : dims) out[d] = 1;
  return out;
}

inline std::pair<array, array> average_impl(const array& a0, const reduction_axes& axis,
                                            const std::optional<array>& weights, bool keepdims, bool returned) {
  constexpr std::string_view op = "average";
  shape_t dims = reduction_dims(op, a0.ndim(), axis);
  array avg, wsum;
  if (!weights) {
    array a = a0.dtype().is_floating() ? a0 : cvt(a0, to_inexact(a0.dtype()));
    avg = mean(a, axis, std::nullopt, keepdims);
    std::int64_t n = 1;
    for (auto d : dims) n *= a.shape()[d];
    wsum = scalar(static_cast<double>(n), avg.dtype());
  } else {
    std::vector<aval> avals{a0.aval(), weights->aval()};
    promoted_type t = result_type(avals);
    t.dtype = to_inexact(t.dtype);
    array a = convert_to(a0, t), w = convert_to(*weights, t);
    if (a.shape() != w.shape()) {
      if (!axis.axes)
        xjax::detail::raise<value_error>(op, "axis must be specified when shapes of a {} and weights {} differ",
                                         shape_str(a.shape()), shape_str(w.shape()));
      shape_t want;
      for (auto d : dims) want.push_back(a.shape()[d]);
      if (w.shape() != want)
        xjax::detail::raise<value_error>(op,
                                         "shape of weights {} must be consistent with the shape of a {} along axes {} "
                                         "(expected {})",
                                         shape_str(w.shape()), shape_str(a.shape()), shape_str(dims), shape_str(want));
      shape_t new_shape(a.ndim(), 1);
      for (auto d : dims) new_shape[d] = a.shape()[d];
      // dimensions = argsort(dims): w's axes in increasing order of the a-axis they map to.
      shape_t perm;
      for (std::int64_t k = 0; k < a.ndim(); ++k)
        for (std::size_t i = 0; i < dims.size(); ++i)
          if (dims[i] == k) perm.push_back(static_cast<std::int64_t>(i));
      w = lax::reshape(w, new_shape, perm);
    }
    wsum = sum(w, axis, std::nullopt, keepdims);
    // lax's elementwise ops broadcast w's size-1 dimensions (as jnp.multiply does).
    avg = lax::div(sum(lax::mul(a, w), axis, std::nullopt, keepdims), wsum);
  }
  if (returned && avg.shape() != wsum.shape()) wsum = broadcast_to(wsum, avg.shape());
  return {avg, wsum};
}

}  // namespace reductions_detail

namespace rd = reductions_detail;

XJAX_IMPL array sum(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, bool keepdims,
                    const std::optional<array>& initial) {
  rd::reduction_spec s{"sum", rd::red_op::sum, rd::red_op::or_, true, true, false, !dtype.has_value(), true};
  return rd::reduction(s, a, axis, dtype, keepdims, initial);
}

XJAX_IMPL array prod(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, bool keepdims,
                     const std::optional<array>& initial) {
  rd::reduction_spec s{"prod", rd::red_op::prod, rd::red_op::and_, true, true, false, !dtype.has_value(), true};
  return rd::reduction(s, a, axis, dtype, keepdims, initial);
}

XJAX_IMPL array max(const array& a, const reduction_axes& axis, bool keepdims, const std::optional<array>& initial) {
  return rd::reduction({"max", rd::red_op::max, rd::red_op::max, false}, a, axis, std::nullopt, keepdims, initial);
}

XJAX_IMPL array min(const array& a, const reduction_axes& axis, bool keepdims, const std::optional<array>& initial) {
  return rd::reduction({"min", rd::red_op::min, rd::red_op::min, false}, a, axis, std::nullopt, keepdims, initial);
}

XJAX_IMPL array amax(const array& a, const reduction_axes& axis, bool keepdims, const std::optional<array>& initial) {
  return max(a, axis, keepdims, initial);
}

XJAX_IMPL array amin(const array& a, const reduction_axes& axis, bool keepdims, const std::optional<array>& initial) {
  return min(a, axis, keepdims, initial);
}

XJAX_IMPL array ptp(const array& a, const reduction_axes& axis, bool keepdims) {
  if (a.dtype() == bool_)
    xjax::detail::raise<type_error>("ptp", "requires a numeric array, got bool{}", shape_str(a.shape()));
  return lax::sub(amax(a, axis, keepdims), amin(a, axis, keepdims));
}

XJAX_IMPL array argmax(const array& a, std::optional<std::int64_t> axis, bool keepdims) {
  return rd::arg_extreme("argmax", true, a, axis, keepdims);
}

XJAX_IMPL array argmin(const array& a, std::optional<std::int64_t> axis, bool keepdims) {
  return rd::arg_extreme("argmin", false, a, axis, keepdims);
}

XJAX_IMPL array all(const array& a, const reduction_axes& axis, bool keepdims) {
  rd::reduction_spec s{"all", rd::red_op::and_, rd::red_op::and_, true, false, true};
  return rd::reduction(s, a, axis, std::nullopt, keepdims, std::nullopt);
}

XJAX_IMPL array any(const array& a, const reduction_axes& axis, bool keepdims) {
  rd::reduction_spec s{"any", rd::red_op::or_, rd::red_op::or_, true, false, true};
  return rd::reduction(s, a, axis, std::nullopt, keepdims, std::nullopt);
}

XJAX_IMPL array count_nonzero(const array& a, const reduction_axes& axis, bool keepdims) {
  (void)rd::reduction_dims("count_nonzero", a.ndim(), axis);
  return sum(lax::ne(a, rd::scalar(0, a.dtype())), axis, int32, keepdims);
}

XJAX_IMPL array mean(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, bool keepdims) {
  return rd::mean_impl("mean", a, axis, dtype, keepdims);
}

XJAX_IMPL array var(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, double ddof,
                    bool keepdims, std::optional<double> correction) {
  return rd::var_impl("var", a, axis, dtype, ddof, keepdims, correction);
}

XJAX_IMPL array std(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, double ddof,
                    bool keepdims, std::optional<double> correction) {
  if (dtype && !dtype->is_floating())
    xjax::detail::raise<value_error>("std", "dtype argument to jnp.std must be inexact; got {}", dtype->name());
  return lax::sqrt(rd::var_impl("std", a, axis, dtype, ddof, keepdims, correction));
}

XJAX_IMPL array median(const array& a0, const reduction_axes& axis, bool keepdims) {
  constexpr std::string_view op = "median";
  array a = a0.dtype().is_floating() ? a0 : rd::cvt(a0, rd::to_inexact(a0.dtype()));
  shape_t dims = rd::reduction_dims(op, a.ndim(), axis);
  std::optional<shape_t> final_shape;
  std::int64_t ax = 0;
  if (!axis.axes) {
    if (keepdims) final_shape = shape_t(a.ndim(), 1);
    a = lax::reshape(a, {a.size()});
  } else if (axis.is_tuple) {
    final_shape = rd::keep_shape(a.shape(), dims);
    // The kept axes (in order) then the reduced ones, flattened into the last axis.
    shape_t perm, out_shape;
    std::int64_t touched = 1;
    for (std::int64_t i = 0; i < a.ndim(); ++i) {
      bool reduced = false;
      for (auto d : dims) reduced = reduced || d == i;
      if (!reduced) {
        perm.push_back(i);
        out_shape.push_back(a.shape()[i]);
      } else {
        touched *= a.shape()[i];
      }
    }
    for (std::int64_t i = 0; i < a.ndim(); ++i)
      for (auto d : dims)
        if (d == i) perm.push_back(i);
    out_shape.push_back(touched);
    a = lax::reshape(a, out_shape, perm);
    ax = a.ndim() - 1;
  } else {
    ax = dims[0];
  }
  if (!final_shape || !keepdims) final_shape.reset();
  std::int64_t n = a.shape()[ax];
  // NaN anywhere in the slice makes it NaN; then sort and take the middle element(s).
  array has_nan = any(rd::isnan(a), shape_t{ax}, true);
  a = lax::select(lax::broadcast_in_dim(has_nan, a.shape(), [&] {
                    shape_t b;
                    for (std::int64_t i = 0; i < a.ndim(); ++i) b.push_back(i);
                    return b;
                  }()),
                  lax::broadcast_in_dim(rd::scalar(std::numeric_limits<double>::quiet_NaN(), a.dtype()), a.shape(), {}),
                  a);
  a = lax::sort(a, ax);
  double q = 0.5 * static_cast<double>(n - 1);
  auto clampi = [&](double v) {
    // clamp(0, v, n - 1) as XLA (max then min), converted to an integer.
    v = std::min(std::max(v, 0.0), static_cast<double>(n - 1));
    return static_cast<std::int64_t>(v);
  };
  std::int64_t lo = clampi(std::floor(q)), hi = clampi(std::ceil(q));
  if (n == 0)
    xjax::detail::raise<shape_error>(op, "cannot take the median of an empty axis (array of shape {}, axes {})",
                                     shape_str(a0.shape()), shape_str(dims));
  auto take = [&](std::int64_t i) {
    shape_t start(a.ndim(), 0), limit = a.shape();
    start[ax] = i;
    limit[ax] = i + 1;
    array s = lax::slice(a, start, limit);
    return keepdims ? s : lax::squeeze(s, {ax});
  };
  array r = lax::mul(lax::add(take(lo), take(hi)), rd::scalar(0.5, a.dtype()));
  // As JAX: with keepdims, None and tuple axes reshape to the input's rank, unless it
  // is 0 (then the result keeps the flattened axis: shape (1,)).
  if (final_shape && !final_shape->empty()) r = lax::reshape(r, *final_shape);
  return rd::cvt(r, a.dtype());
}

XJAX_IMPL array average(const array& a, const reduction_axes& axis, const std::optional<array>& weights, bool keepdims) {
  return rd::average_impl(a, axis, weights, keepdims, false).first;
}

XJAX_IMPL std::pair<array, array> average_returned(const array& a, const reduction_axes& axis,
                                                   const std::optional<array>& weights, bool keepdims) {
  return rd::average_impl(a, axis, weights, keepdims, true);
}

XJAX_IMPL array nansum(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, bool keepdims) {
  if (!a.dtype().is_floating()) return sum(a, axis, dtype, keepdims);
  (void)rd::reduction_dims("nansum", a.ndim(), axis);
  return sum(rd::where(rd::isnan(a), rd::scalar(0, a.dtype()), a), axis, dtype, keepdims);
}

XJAX_IMPL array nanmean(const array& a, const reduction_axes& axis, std::optional<xjax::dtype> dtype, bool keepdims) {
  if (!a.dtype().is_floating()) return rd::mean_impl("nanmean", a, axis, dtype, keepdims);
  xjax::dtype dt = dtype ? *dtype : a.dtype();
  (void)rd::reduction_dims("nanmean", a.ndim(), axis);
  array normalizer = sum(lax::bitwise_not(rd::isnan(a)), axis, dt, keepdims);
  return lax::div(nansum(a, axis, dt, keepdims), normalizer);
}

XJAX_IMPL array nanmax(const array& a, const reduction_axes& axis, bool keepdims) {
  return rd::nan_extreme("nanmax", true, a, axis, keepdims);
}

XJAX_IMPL array nanmin(const array& a, const reduction_axes& axis, bool keepdims) {
  return rd::nan_extreme("nanmin", false, a, axis, keepdims);
}

XJAX_IMPL array cumsum(const array& a, std::optional<std::int64_t> axis, std::optional<xjax::dtype> dtype) {
  return rd::cumulative("cumsum", true, a, axis, dtype);
}

XJAX_IMPL array cumprod(const array& a, std::optional<std::int64_t> axis, std::optional<xjax::dtype> dtype) {
  return rd::cumulative("cumprod", false, a, axis, dtype);
}

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
