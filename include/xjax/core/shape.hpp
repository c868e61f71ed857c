#pragma once
// Shapes and abstract values (shape + dtype + weak_type), as JAX's ShapedArray.

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "xjax/core/dtype.hpp"

namespace xjax {

using shape_t = std::vector<std::int64_t>;

/// Number of elements of a shape (1 for a 0-d shape).
inline std::int64_t shape_size(const shape_t& s) {
  return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<>());
}

/// Row-major strides, in elements.
inline shape_t row_major_strides(const shape_t& s) {
  shape_t st(s.size());
  std::int64_t acc = 1;
  for (std::size_t i = s.size(); i-- > 0;) {
    st[i] = acc;
    acc *= s[i];
  }
  return st;
}

namespace detail {
/// "1, 2, 3": the integers joined by `sep` (fmt::join without fmt/ranges.h, which
/// is costly to parse in every user translation unit).
inline std::string join_ints(const shape_t& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += std::to_string(v[i]);
  }
  return out;
}
}  // namespace detail

/// "(2, 3)", as NumPy prints a shape; used in error messages.
inline std::string shape_str(const shape_t& s) {
  return s.size() == 1 ? "(" + std::to_string(s[0]) + ",)" : "(" + detail::join_ints(s) + ")";
}

/// The abstract value of an array: what a tracer knows about it.
struct aval {
  shape_t shape;
  xjax::dtype dtype = float32;
  bool weak_type = false;  // a C++ scalar's type, which defers to the other operand's

  std::int64_t ndim() const { return static_cast<std::int64_t>(shape.size()); }
  std::int64_t size() const { return shape_size(shape); }

  /// "f32[3,4]", as jaxprs print it.
  std::string str() const { return std::string(dtype.short_name()) + "[" + detail::join_ints(shape, ",") + "]"; }

  friend bool operator==(const aval& a, const aval& b) {
    return a.shape == b.shape && a.dtype == b.dtype && a.weak_type == b.weak_type;
  }
};

/// Normalizes a possibly negative axis against `ndim`; throws value_error naming `op`.
inline std::int64_t normalize_axis(std::string_view op, std::int64_t axis, std::int64_t ndim) {
  if (axis < -ndim || axis >= ndim) {
    detail::raise<value_error>(op, "axis {} is out of bounds for an array of rank {}", axis, ndim);
  }
  return axis < 0 ? axis + ndim : axis;
}

}  // namespace xjax
