#pragma once
// Array creation: array/asarray, zeros, ones, full, empty, *_like, arange, linspace, logspace, eye, identity, tri, tril, triu, meshgrid, diag, diagflat.
//
//   namespace jnp = xjax::numpy;
//   jnp::array({{1.0, 2.0}, {3.0, 4.0}});        // f32[2,2] (C++ doubles: float32, as JAX)
//   jnp::array({1, 2, 3}, xjax::int8);            // i8[3]
//   jnp::zeros({2, 3});                           // f32[2,3]: broadcast_in_dim of 0.0
//   jnp::arange(2, 10, 3);                        // i32 [2, 5, 8]
//   jnp::linspace(0.0, 1.0, 5);                   // f32 [0, 0.25, 0.5, 0.75, 1]
//   jnp::eye(3, 4, 1);                            // iota-based, as JAX
//
// jnp::array is xjax::array itself (a function named `array` in this namespace would
// hide the type): its constructors take nested braces of C++ numbers (strongly typed,
// float32 / int32 / bool as a Python list in JAX without x64) or a std::vector<T>
// with a shape, each with an optional dtype. jnp::array(x) of an xjax::array is a
// handle copy: arrays are immutable, so no copy equation is needed (JAX stages `copy`).

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::numpy {

/// jnp.array: the array type (see the header comment).
using array = xjax::array;

/// jnp.asarray(x, dtype): x itself without a dtype (no copy, weak type kept), else x
/// converted to `d` (strongly typed).
XJAX_API array asarray(const array& x, std::optional<dtype> d = std::nullopt);
/// jnp.asarray of a std::vector (copied, T's dtype or `d`).
template <element_type T>
array asarray(const std::vector<T>& data, std::optional<shape_t> shape = std::nullopt,
              std::optional<dtype> d = std::nullopt) {
  return array(data, std::move(shape), d);
}

/// An array of `shape` filled with 0 / 1 (jnp.zeros, jnp.ones; float32 by default).
XJAX_API array zeros(const shape_t& shape, dtype d = float32);
XJAX_API array ones(const shape_t& shape, dtype d = float32);
/// jnp.empty: as JAX, zeros.
XJAX_API array empty(const shape_t& shape, dtype d = float32);
/// An array of `shape` filled with `fill_value` (0-d, or broadcast to `shape`); the
/// dtype is `d` or the fill value's (a C++ scalar gives a weak float32 / int32).
XJAX_API array full(const shape_t& shape, const array& fill_value, std::optional<dtype> d = std::nullopt);

/// Arrays of x's shape (or `shape`) and dtype (or `d`): jnp.zeros_like, ones_like,
/// empty_like, full_like.
XJAX_API array zeros_like(const array& x, std::optional<dtype> d = std::nullopt,
                          std::optional<shape_t> shape = std::nullopt);
XJAX_API array ones_like(const array& x, std::optional<dtype> d = std::nullopt,
                         std::optional<shape_t> shape = std::nullopt);
XJAX_API array empty_like(const array& x, std::optional<dtype> d = std::nullopt,
                          std::optional<shape_t> shape = std::nullopt);
XJAX_API array full_like(const array& x, const array& fill_value, std::optional<dtype> d = std::nullopt,
                         std::optional<shape_t> shape = std::nullopt);

/// jnp.arange: values from start (default 0) to stop (excluded) by step (default 1).
/// The bounds must be concrete 0-d values (C++ numbers, or concrete arrays); the
/// dtype is theirs promoted (C++ ints: int32, C++ floats: float32), or `d`.
XJAX_API array arange(const array& stop, std::optional<dtype> d = std::nullopt);
XJAX_API array arange(const array& start, const array& stop, std::optional<dtype> d = std::nullopt);
XJAX_API array arange(const array& start, const array& stop, const array& step, std::optional<dtype> d = std::nullopt);

/// Options of linspace / logspace after `num`.
struct linspace_options {
  bool endpoint = true;
  std::optional<xjax::dtype> dtype = std::nullopt;
  std::int64_t axis = 0;
};

/// jnp.linspace: `num` evenly spaced values from start to stop (included when
/// endpoint). start and stop may be arrays (broadcast together; the samples run along
/// `axis`). The dtype is the inexact type of start and stop, or opts.dtype.
XJAX_API array linspace(const array& start, const array& stop, std::int64_t num = 50, linspace_options opts = {});
/// jnp.linspace(..., retstep=True): the samples and the step.
XJAX_API std::pair<array, array> linspace_retstep(const array& start, const array& stop, std::int64_t num = 50,
                                                  linspace_options opts = {});
/// jnp.logspace: base ** linspace(start, stop, num).
XJAX_API array logspace(const array& start, const array& stop, std::int64_t num = 50, linspace_options opts = {},
                        const array& base = 10.0);

/// jnp.eye: N x M (M = N by default) with ones on the k-th diagonal.
XJAX_API array eye(std::int64_t n, std::optional<std::int64_t> m = std::nullopt, std::int64_t k = 0, dtype d = float32);
/// jnp.identity: eye(n).
XJAX_API array identity(std::int64_t n, dtype d = float32);
/// jnp.tri: ones at and below the k-th diagonal.
XJAX_API array tri(std::int64_t n, std::optional<std::int64_t> m = std::nullopt, std::int64_t k = 0, dtype d = float32);
/// jnp.tril / jnp.triu: x (at least 2-d) with the elements above / below the k-th
/// diagonal of its last two dimensions zeroed.
XJAX_API array tril(const array& x, std::int64_t k = 0);
XJAX_API array triu(const array& x, std::int64_t k = 0);

/// jnp.meshgrid of 1-d arrays; indexing "xy" (default) or "ij".
XJAX_API std::vector<array> meshgrid(const std::vector<array>& xi, std::string_view indexing = "xy", bool sparse = false);

/// jnp.diag: the k-th diagonal of a 2-d array, or a 2-d array with a 1-d one on it.
XJAX_API array diag(const array& v, std::int64_t k = 0);
/// jnp.diagflat: diag of the flattened input.
XJAX_API array diagflat(const array& v, std::int64_t k = 0);

}  // namespace xjax::numpy

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "xjax/ir/trace.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/promotion.hpp"

namespace xjax::numpy {
namespace detail_creation {

/// A 0-d concrete value converted now (never staged), as JAX converts Python scalars
/// and NumPy constants at trace time.
inline array constant(const array& v, dtype d, bool weak = false) {
  eager_scope now;
  return lax::convert_element_type(v, d, weak);
}

/// lax.full: a 0-d fill value broadcast to `shape` (broadcast_in_dim of a literal).
inline array lax_full(const shape_t& shape, const array& fill, std::optional<dtype> d, std::string_view op) {
  if (fill.ndim() != 0) {
    xjax::detail::raise<shape_error>(op, "the fill value must be 0-d here, got shape {}", shape_str(fill.shape()));
  }
  for (auto s : shape) {
    if (s < 0) xjax::detail::raise<value_error>(op, "negative dimensions are not allowed, got shape {}", shape_str(shape));
  }
  const dtype t = d ? *d : fill.dtype();
  const bool weak = !d && fill.weak_type();
  array f = fill.is_concrete() ? constant(fill, t, weak) : lax::convert_element_type(fill, t, weak);
  if (shape.empty()) return f;
  return lax::broadcast_in_dim(f, shape, {});
}

/// The inexact dtype of `d` (jax's to_inexact_dtype): ints and bool give float32.
inline dtype to_inexact(dtype d) { return d.is_floating() ? d : float32; }

inline double concrete_scalar(const array& v, std::string_view what) {
  if (!v.is_concrete()) {
    xjax::detail::raise<concretization_error>("arange", "the argument '{}' must be concrete (a C++ number or a concrete array), got a tracer", what);
  }
  if (v.ndim() != 0) {
    xjax::detail::raise<value_error>("arange", "arguments must be scalars; got {} of shape {}", what, shape_str(v.shape()));
  }
  return v.item<double>();
}

}  // namespace detail_creation

XJAX_IMPL array asarray(const array& x, std::optional<dtype> d) {
  if (!d) return x;
  if (x.dtype() == *d && !x.weak_type()) return x;
  return lax::convert_element_type(x, *d, false);
}

XJAX_IMPL array zeros(const shape_t& shape, dtype d) { return detail_creation::lax_full(shape, 0, d, "zeros"); }
XJAX_IMPL array ones(const shape_t& shape, dtype d) { return detail_creation::lax_full(shape, 1, d, "ones"); }
XJAX_IMPL array empty(const shape_t& shape, dtype d) { return detail_creation::lax_full(shape, 0, d, "empty"); }

XJAX_IMPL array full(const shape_t& shape, const array& fill_value, std::optional<dtype> d) {
  if (fill_value.ndim() == 0) return detail_creation::lax_full(shape, fill_value, d, "full");
  array f = asarray(fill_value, d);
  return broadcast_to(f, shape);
}

namespace detail_creation {
inline array full_like_impl(const array& x, const array& fill, std::optional<dtype> d, std::optional<shape_t> shape,
                            std::string_view op) {
  const shape_t s = shape ? *shape : x.shape();
  if (fill.ndim() != 0) return broadcast_to(asarray(fill, d ? d : std::optional<dtype>(x.dtype())), s);
  // lax.full_like: x's dtype and weak type unless a dtype is given.
  const dtype t = d ? *d : x.dtype();
  const bool weak = !d && x.weak_type();
  array f = fill.is_concrete() ? constant(fill, t, weak) : lax::convert_element_type(fill, t, weak);
  for (auto v : s) {
    if (v < 0) xjax::detail::raise<value_error>(op, "negative dimensions are not allowed, got shape {}", shape_str(s));
  }
  if (s.empty()) return f;
  return lax::broadcast_in_dim(f, s, {});
}
}  // namespace detail_creation

XJAX_IMPL array zeros_like(const array& x, std::optional<dtype> d, std::optional<shape_t> shape) {
  return detail_creation::full_like_impl(x, 0, d, std::move(shape), "zeros_like");
}
XJAX_IMPL array ones_like(const array& x, std::optional<dtype> d, std::optional<shape_t> shape) {
  return detail_creation::full_like_impl(x, 1, d, std::move(shape), "ones_like");
}
XJAX_IMPL array empty_like(const array& x, std::optional<dtype> d, std::optional<shape_t> shape) {
  return detail_creation::full_like_impl(x, 0, d, std::move(shape), "empty_like");
}
XJAX_IMPL array full_like(const array& x, const array& fill_value, std::optional<dtype> d, std::optional<shape_t> shape) {
  return detail_creation::full_like_impl(x, fill_value, d, std::move(shape), "full_like");
}

// ---------------------------------------------------------------------------
// arange

XJAX_IMPL array arange(const array& stop, std::optional<dtype> d) {
  const double hi = detail_creation::concrete_scalar(stop, "stop");
  const dtype t = d ? *d : result_type(std::vector<aval>{stop.aval()}).dtype;
  const auto size = static_cast<std::int64_t>(std::max(0.0, std::ceil(hi)));
  return lax::broadcasted_iota(t, {size}, 0);
}

XJAX_IMPL array arange(const array& start, const array& stop, std::optional<dtype> d) {
  const double lo = detail_creation::concrete_scalar(start, "start");
  const double hi = detail_creation::concrete_scalar(stop, "stop");
  const dtype t = d ? *d : result_type(std::vector<aval>{start.aval(), stop.aval()}).dtype;
  const auto size = static_cast<std::int64_t>(std::max(0.0, std::ceil(hi - lo)));
  if (lo == 0) return lax::broadcasted_iota(t, {size}, 0);
  return lax::add(detail_creation::constant(start, t), lax::broadcasted_iota(t, {size}, 0));
}

XJAX_IMPL array arange(const array& start, const array& stop, const array& step, std::optional<dtype> d) {
  const double lo = detail_creation::concrete_scalar(start, "start");
  const double hi = detail_creation::concrete_scalar(stop, "stop");
  const double st = detail_creation::concrete_scalar(step, "step");
  if (st == 0) xjax::detail::raise<value_error>("arange", "the step must not be zero");
  const dtype t = d ? *d : result_type(std::vector<aval>{start.aval(), stop.aval(), step.aval()}).dtype;
  const dtype working = t.is_floating() && t.itemsize() < 4 ? float32 : t;
  const double n = std::ceil((hi - lo) / st);
  const auto size = static_cast<std::int64_t>(std::isfinite(n) ? std::max(0.0, n) : 0.0);
  array r = lax::add(detail_creation::constant(start, working),
                     lax::mul(detail_creation::constant(step, working), lax::broadcasted_iota(working, {size}, 0)));
  return lax::convert_element_type(r, t);
}

// ---------------------------------------------------------------------------
// linspace, logspace

namespace detail_creation {
inline std::pair<array, array> linspace_impl(const array& start_in, const array& stop_in, std::int64_t num,
                                             const linspace_options& o, std::string_view op) {
  if (num < 0) xjax::detail::raise<value_error>(op, "the number of samples, {}, must be non-negative", num);
  const dtype t = o.dtype ? *o.dtype : to_inexact(result_type(std::vector<aval>{start_in.aval(), stop_in.aval()}).dtype);
  const dtype comp = to_inexact(t);
  array start = start_in.is_concrete() && start_in.ndim() == 0 ? constant(start_in, comp) : lax::convert_element_type(start_in, comp, false);
  array stop = stop_in.is_concrete() && stop_in.ndim() == 0 ? constant(stop_in, comp) : lax::convert_element_type(stop_in, comp, false);
  shape_t bounds = broadcast_shapes(std::vector<shape_t>{start.shape(), stop.shape()}, op);
  array bstart = broadcast_to(start, bounds), bstop = broadcast_to(stop, bounds);
  const auto rank = static_cast<std::int64_t>(bounds.size());
  std::int64_t axis = o.axis < 0 ? rank + o.axis + 1 : o.axis;
  if (axis < 0 || axis > rank) {
    xjax::detail::raise<value_error>(op, "axis {} is out of bounds for a result of rank {}", o.axis, rank + 1);
  }
  shape_t bshape = bounds;
  bshape.insert(bshape.begin() + axis, 1);
  const std::int64_t div = o.endpoint ? num - 1 : num;
  array out, delta;
  if (num > 1) {
    delta = lax::div(lax::sub(bstop, bstart), constant(static_cast<double>(div), comp));
    shape_t iota_shape(bshape.size(), 1);
    iota_shape[axis] = div;
    array step = lax::div(lax::reshape(lax::iota(comp, div), iota_shape), constant(static_cast<double>(div), comp));
    out = lax::add(lax::mul(lax::reshape(bstart, bshape), lax::sub(constant(1.0, comp, true), step)), lax::mul(lax::reshape(bstop, bshape), step));
    if (o.endpoint) out = lax::concatenate({out, lax::expand_dims(bstop, {axis})}, axis);
  } else if (num == 1) {
    delta = o.endpoint ? constant(std::nan(""), comp) : lax::sub(bstop, bstart);
    out = lax::reshape(bstart, bshape);
  } else {
    delta = constant(std::nan(""), comp);
    shape_t es = bounds;
    es.insert(es.begin() + axis, 0);
    out = zeros(es, t);
  }
  if (t.is_integer() && !out.dtype().is_integer()) out = lax::floor(out);
  return {lax::convert_element_type(out, t, false), delta};
}
}  // namespace detail_creation

XJAX_IMPL array linspace(const array& start, const array& stop, std::int64_t num, linspace_options opts) {
  return detail_creation::linspace_impl(start, stop, num, opts, "linspace").first;
}

XJAX_IMPL std::pair<array, array> linspace_retstep(const array& start, const array& stop, std::int64_t num,
                                                   linspace_options opts) {
  return detail_creation::linspace_impl(start, stop, num, opts, "linspace");
}

XJAX_IMPL array logspace(const array& start, const array& stop, std::int64_t num, linspace_options opts, const array& base) {
  const dtype t = opts.dtype ? *opts.dtype
                             : detail_creation::to_inexact(result_type(std::vector<aval>{start.aval(), stop.aval()}).dtype);
  const dtype comp = detail_creation::to_inexact(t);
  linspace_options lo{.endpoint = opts.endpoint, .dtype = std::nullopt, .axis = opts.axis};
  array s = asarray(start, comp), e = asarray(stop, comp);
  array lin = detail_creation::linspace_impl(s, e, num, lo, "logspace").first;
  auto args = promote_args("logspace", {base, lin});
  return lax::convert_element_type(lax::pow(args[0], args[1]), t);
}

// ---------------------------------------------------------------------------
// eye, tri

XJAX_IMPL array eye(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, dtype d) {
  const std::int64_t cols = m ? *m : n;
  if (n < 0 || cols < 0) {
    xjax::detail::raise<value_error>("eye", "negative dimensions are not allowed, got N={} and M={}", n, cols);
  }
  array i = lax::broadcasted_iota(int32, {n, cols}, 0);
  array j = lax::broadcasted_iota(int32, {n, cols}, 1);
  return lax::convert_element_type(lax::eq(lax::add(i, array(k)), j), d);
}

XJAX_IMPL array identity(std::int64_t n, dtype d) {
  if (n < 0) xjax::detail::raise<value_error>("identity", "negative dimensions are not allowed, got n={}", n);
  return eye(n, std::nullopt, 0, d);
}

XJAX_IMPL array tri(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, dtype d) {
  const std::int64_t cols = m ? *m : n;
  if (n < 0 || cols < 0) {
    xjax::detail::raise<value_error>("tri", "negative dimensions are not allowed, got N={} and M={}", n, cols);
  }
  array i = lax::add(lax::broadcasted_iota(int32, {n, cols}, 0), array(k));
  array j = lax::broadcasted_iota(int32, {n, cols}, 1);
  return lax::convert_element_type(lax::ge(i, j), d);
}

namespace detail_creation {
inline array tri_select(const array& x, std::int64_t k, bool lower, std::string_view op) {
  if (x.ndim() < 2) {
    xjax::detail::raise<value_error>(op, "the argument must be at least 2-d, got shape {}", shape_str(x.shape()));
  }
  const std::int64_t n = x.shape()[x.ndim() - 2], m = x.shape()[x.ndim() - 1];
  array mask = tri(n, m, lower ? k : k - 1, bool_);
  if (x.ndim() > 2) mask = lax::broadcast_in_dim(mask, x.shape(), {x.ndim() - 2, x.ndim() - 1});
  array z = zeros_like(x);
  return lower ? lax::select_n(mask, z, x) : lax::select_n(mask, x, z);
}
}  // namespace detail_creation

XJAX_IMPL array tril(const array& x, std::int64_t k) { return detail_creation::tri_select(x, k, true, "tril"); }
XJAX_IMPL array triu(const array& x, std::int64_t k) { return detail_creation::tri_select(x, k, false, "triu"); }

// ---------------------------------------------------------------------------
// meshgrid, diag

XJAX_IMPL std::vector<array> meshgrid(const std::vector<array>& xi, std::string_view indexing, bool sparse) {
  if (indexing != "xy" && indexing != "ij") {
    xjax::detail::raise<value_error>("meshgrid", "valid values for indexing are 'xy' and 'ij', got '{}'", indexing);
  }
  std::vector<array> args = xi;
  for (auto& a : args) {
    if (a.ndim() != 1) {
      std::vector<std::string> shapes;
      for (auto& b : xi) shapes.push_back(shape_str(b.shape()));
      xjax::detail::raise<value_error>("meshgrid", "the arguments must be 1-d, got shapes {}", fmt::join(shapes, ", "));
    }
  }
  const bool swap = indexing == "xy" && args.size() >= 2;
  if (swap) std::swap(args[0], args[1]);
  shape_t shape;
  for (auto& a : args) shape.push_back(sparse ? 1 : a.shape()[0]);
  std::vector<array> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    shape_t s = shape;
    if (sparse) s[i] = args[i].shape()[0];
    out.push_back(lax::broadcast_in_dim(args[i], s, {static_cast<std::int64_t>(i)}));
  }
  if (swap) std::swap(out[0], out[1]);
  return out;
}

XJAX_IMPL array diag(const array& v, std::int64_t k) {
  if (v.ndim() == 1) {
    const std::int64_t n = v.shape()[0] + std::abs(k);
    array zero = detail_creation::constant(0, v.dtype());
    array p = lax::pad(v, zero, {pad_dim{std::max<std::int64_t>(0, -k), std::max<std::int64_t>(0, k), 0}});
    array mask = eye(n, std::nullopt, k, bool_);
    array col = lax::broadcast_in_dim(lax::broadcast_in_dim(p, {n, 1}, {0}), {n, n}, {0, 1});
    return lax::select_n(mask, lax::broadcast_in_dim(zero, {n, n}, {}), col);
  }
  if (v.ndim() == 2) {
    // The k-th diagonal of an (N, M) matrix is a strided slice of its row-major elements.
    const std::int64_t n = v.shape()[0], m = v.shape()[1];
    array flat = lax::reshape(v, {n * m});
    const std::int64_t len = k >= 0 ? std::min(n, m - k) : std::min(n + k, m);
    if (len <= 0) return lax::slice(flat, {0}, {0});
    const std::int64_t first = k >= 0 ? k : -k * m;
    return lax::slice(flat, {first}, {first + (len - 1) * (m + 1) + 1}, shape_t{m + 1});
  }
  xjax::detail::raise<value_error>("diag", "the input must be 1-d or 2-d, got shape {}", shape_str(v.shape()));
}

XJAX_IMPL array diagflat(const array& v, std::int64_t k) { return diag(lax::reshape(v, {v.size()}), k); }

}  // namespace xjax::numpy
#endif  // XJAX_HAS_IMPL
