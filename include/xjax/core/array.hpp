#pragma once
// xjax::array: the one array type. A value-semantic handle that is either
// concrete (a buffer on a device, a shape, a dtype) or a tracer (a variable of the
// trace being recorded). The same user function runs on both.
//
//   xjax::array x = xjax::array::from_vector<float>({1, 2, 3, 4}, {2, 2});
//   x.shape();        // {2, 2}
//   x.dtype();        // xjax::float32
//   xjax::array s = 2.0;   // a weakly typed f32 scalar, as a Python float in JAX
//   s.item<double>();      // 2.0

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "xjax/core/buffer.hpp"
#include "xjax/core/dtype.hpp"
#include "xjax/core/errors.hpp"
#include "xjax/core/shape.hpp"

namespace xjax {

class trace_frame;  // ir/trace.hpp
class index;        // numpy/indexing.hpp: one entry of x(i, j, ...)
class indexed_ref;  // numpy/indexing.hpp: what x.at(...) returns

namespace detail {
/// What an array handle points to. Immutable once made.
struct array_node {
  xjax::aval aval;
  std::shared_ptr<buffer> buf;         // set for concrete arrays
  std::weak_ptr<trace_frame> frame;    // set for tracers: the trace that owns the variable
  std::int64_t var_id = -1;            // set for tracers: the variable's id in that trace
  /// For a 0-d array made from a C++ floating-point scalar: that value, which a jaxpr
  /// literal prints (as JAX prints a Python float, not its float32 rounding).
  std::optional<double> scalar_source;
};

/// The element types of nested-brace array literals (C++ numbers; not char).
template <class T>
concept list_scalar = std::is_arithmetic_v<T> && !std::is_same_v<T, char>;

/// Converts one element between C++ element types with C++'s (and XLA's) rules.
template <class To, class From> To convert_scalar(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, half_t> || std::is_same_v<From, bfloat16_t>) {
    return convert_scalar<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, half_t> || std::is_same_v<To, bfloat16_t>) {
    return To(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    // Float to int: NaN gives 0, out of range saturates (XLA's CPU behaviour), no UB.
    if (v != v) return To(0);
    constexpr long double lo = static_cast<long double>(std::numeric_limits<To>::min());
    constexpr long double hi = static_cast<long double>(std::numeric_limits<To>::max());
    long double t = static_cast<long double>(v);
    if (t <= lo) return std::numeric_limits<To>::min();
    if (t >= hi) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}
}  // namespace detail

/// The array type of xjax.
class array {
 public:
  /// A default-constructed array holds nothing; using it in an op throws.
  array() = default;

  /// A C++ scalar becomes a 0-d array. Floating and integer scalars are weakly typed
  /// (f32 and i32, deferring to the other operand's dtype, as Python scalars in JAX);
  /// bool is bool.
  template <class T>
    requires std::is_arithmetic_v<T>
  array(T value);  // NOLINT: implicit on purpose, so that `x * 2.0` and `lax::add(x, 1)` read well

  /// A 0-d array of exactly dtype `d` holding `value` converted.
  template <class T>
    requires std::is_arithmetic_v<T>
  array(T value, xjax::dtype d);

  /// From nested braces of C++ numbers (jnp::array / jnp::asarray, `namespace jnp =
  /// xjax::numpy`, where jnp::array is this type): `xjax::array({{1.0, 2.0}, {3.0, 4.0}})`.
  /// As a Python list in JAX without x64, the dtype is strong float32 for floating
  /// values, int32 for integers and bool for bools, or `d` when given. Up to 6 levels;
  /// ragged or mixed-type lists do not compile.
  template <class T, std::size_t N0>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0], {N0}, d);
  }
  template <class T, std::size_t N0, std::size_t N1>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0][N1], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0][0], {N0, N1}, d);
  }
  template <class T, std::size_t N0, std::size_t N1, std::size_t N2>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0][N1][N2], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0][0][0], {N0, N1, N2}, d);
  }
  template <class T, std::size_t N0, std::size_t N1, std::size_t N2, std::size_t N3>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0][N1][N2][N3], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0][0][0][0], {N0, N1, N2, N3}, d);
  }
  template <class T, std::size_t N0, std::size_t N1, std::size_t N2, std::size_t N3, std::size_t N4>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0][N1][N2][N3][N4], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0][0][0][0][0], {N0, N1, N2, N3, N4}, d);
  }
  template <class T, std::size_t N0, std::size_t N1, std::size_t N2, std::size_t N3, std::size_t N4, std::size_t N5>
    requires detail::list_scalar<T>
  explicit array(const T (&v)[N0][N1][N2][N3][N4][N5], std::optional<xjax::dtype> d = {}) {
    *this = from_list(&v[0][0][0][0][0][0], {N0, N1, N2, N3, N4, N5}, d);
  }

  /// Copies `data` into a new array of `shape` (default: 1-d) and of T's dtype, or `d`
  /// (values converted), as jnp.array of a NumPy array: `xjax::array(v, {{2, 3}})`.
  template <element_type T>
  explicit array(const std::vector<T>& data, std::optional<shape_t> shape = {}, std::optional<xjax::dtype> d = {}) {
    shape_t s = shape ? *shape : shape_t{static_cast<std::int64_t>(data.size())};
    if (!d || *d == dtype_of<T>()) {
      *this = from_vector(data, s);
    } else {
      if (static_cast<std::int64_t>(data.size()) != shape_size(s)) {
        detail::raise<shape_error>("array", "{} values cannot fill an array of shape {} ({} elements)", data.size(),
                                   shape_str(s), shape_size(s));
      }
      using S = std::conditional_t<std::is_same_v<T, bool>, unsigned char, T>;  // vector<bool> is packed
      std::vector<S> copy(data.begin(), data.end());
      *this = from_list(copy.data(), s, d);
    }
  }

  /// Copies `data` (row-major) into a new array of the given shape and T's dtype.
  template <element_type T> static array from_vector(const std::vector<T>& data, const shape_t& shape);
  template <element_type T> static array from_vector(const std::vector<T>& data) {
    return from_vector(data, {static_cast<std::int64_t>(data.size())});
  }

  /// An uninitialized concrete array on the CPU (for kernels that fill it).
  static array empty(const shape_t& shape, xjax::dtype d, bool weak_type = false);

  /// A concrete array over an existing buffer (no copy).
  static array from_buffer(std::shared_ptr<buffer> buf, const shape_t& shape, xjax::dtype d, bool weak_type = false);

  const shape_t& shape() const { return node().aval.shape; }
  std::int64_t ndim() const { return static_cast<std::int64_t>(shape().size()); }
  std::int64_t size() const { return shape_size(shape()); }
  xjax::dtype dtype() const { return node().aval.dtype; }
  bool weak_type() const { return node().aval.weak_type; }
  const xjax::aval& aval() const { return node().aval; }
  std::int64_t itemsize() const { return dtype().itemsize(); }
  std::int64_t nbytes() const { return size() * itemsize(); }

  /// The device a concrete array lives on; a tracer has none and throws.
  xjax::device device() const;

  /// True when this handle holds something (it was not default-constructed).
  bool valid() const { return static_cast<bool>(m_node); }
  bool is_tracer() const { return valid() && m_node->var_id >= 0; }
  bool is_concrete() const { return valid() && m_node->var_id < 0; }

  /// The single element, converted to T. Throws concretization_error on a tracer.
  template <class T> T item() const;

  /// A size-1 array as a C++ bool, as NumPy's `bool(x)`. Throws concretization_error
  /// on a tracer (use lax::select_n or lax control flow instead of C++ `if`).
  explicit operator bool() const { return item<bool>(); }

  /// All elements converted to T, in row-major order. Throws on a tracer.
  template <class T> std::vector<T> to_vector() const;

  /// Typed host pointer to a concrete array's elements; T must be the storage type.
  template <element_type T> const T* data() const;

  /// Untyped host pointer to a concrete array's bytes.
  const void* raw_data() const;
  /// Writable pointer: only for kernels filling an array they just created.
  void* mutable_raw_data() const;

  const std::shared_ptr<buffer>& buffer_ptr() const { return node().buf; }

  /// NumPy / jax.numpy indexing (`x[i, j]` in Python is `x(i, j)` here): integers,
  /// xjax::slice, xjax::newaxis, xjax::ellipsis, integer arrays, concrete boolean masks.
  /// Defined in numpy/indexing.hpp, which documents them.
  array operator()(const index& i0) const;
  array operator()(const index& i0, const index& i1) const;
  array operator()(const index& i0, const index& i1, const index& i2) const;
  array operator()(const index& i0, const index& i1, const index& i2, const index& i3) const;
  array operator()(const index& i0, const index& i1, const index& i2, const index& i3, const index& i4) const;
  array operator()(const index& i0, const index& i1, const index& i2, const index& i3, const index& i4,
                   const index& i5) const;
  array getitem(const std::vector<index>& indices) const;
  /// Functional updates, as JAX's `x.at[i, j].set(v)`: `x.at(i, j).set(v)`.
  indexed_ref at(const index& i0) const;
  indexed_ref at(const index& i0, const index& i1) const;
  indexed_ref at(const index& i0, const index& i1, const index& i2) const;
  indexed_ref at(const index& i0, const index& i1, const index& i2, const index& i3) const;
  indexed_ref at(const std::vector<index>& indices) const;

  /// The same array handle: identity, not value, comparison (JAX's `is`).
  bool is_same(const array& other) const { return m_node == other.m_node; }
  const detail::array_node* id() const { return m_node.get(); }

  /// Internal: a tracer handle for variable `var_id` of `frame`.
  static array make_tracer(std::weak_ptr<trace_frame> frame, std::int64_t var_id, xjax::aval av) {
    auto n = std::make_shared<detail::array_node>();
    n->aval = std::move(av);
    n->frame = std::move(frame);
    n->var_id = var_id;
    array a;
    a.m_node = std::move(n);
    return a;
  }
  const detail::array_node& node() const {
    if (!m_node) throw value_error("[array] this array is empty (default-constructed); assign it a value before use");
    return *m_node;
  }

 private:
  void require_concrete(std::string_view what) const;  // defined in ir/trace.hpp
  template <class T>
  static array from_list(const T* values, const shape_t& shape, std::optional<xjax::dtype> d) {
    xjax::dtype t = d ? *d : std::is_same_v<T, bool> ? bool_ : std::is_floating_point_v<T> ? float32 : int32;
    array a = empty(shape, t);
    visit_dtype(t, [&](auto tag) {
      using U = decltype(tag);
      U* p = static_cast<U*>(a.mutable_raw_data());
      for (std::int64_t i = 0; i < a.size(); ++i) p[i] = detail::convert_scalar<U>(values[i]);
    });
    return a;
  }

  std::shared_ptr<const detail::array_node> m_node;
};

// ---------------------------------------------------------------------------
// Implementation

template <class T>
  requires std::is_arithmetic_v<T>
array::array(T value) {
  xjax::dtype d = std::is_same_v<T, bool> ? bool_ : std::is_floating_point_v<T> ? float32 : int32;
  *this = array(value, d);
  if constexpr (!std::is_same_v<T, bool>) {
    auto n = std::make_shared<detail::array_node>(*m_node);
    n->aval.weak_type = true;
    if constexpr (std::is_floating_point_v<T>) n->scalar_source = static_cast<double>(value);
    m_node = std::move(n);
  }
}

template <class T>
  requires std::is_arithmetic_v<T>
array::array(T value, xjax::dtype d) {
  *this = empty({}, d);
  visit_dtype(d, [&](auto tag) {
    using U = decltype(tag);
    *static_cast<U*>(mutable_raw_data()) = detail::convert_scalar<U>(value);
  });
}

inline array array::empty(const shape_t& shape, xjax::dtype d, bool weak_type) {
  for (auto s : shape) {
    if (s < 0) detail::raise<value_error>("array", "negative dimension in shape {}", shape_str(shape));
  }
  auto buf = buffer::allocate(static_cast<std::size_t>(shape_size(shape) * d.itemsize()));
  return from_buffer(std::move(buf), shape, d, weak_type);
}

inline array array::from_buffer(std::shared_ptr<buffer> buf, const shape_t& shape, xjax::dtype d, bool weak_type) {
  auto n = std::make_shared<detail::array_node>();
  n->aval = xjax::aval{shape, d, weak_type};
  n->buf = std::move(buf);
  array a;
  a.m_node = std::move(n);
  return a;
}

template <element_type T> array array::from_vector(const std::vector<T>& data, const shape_t& shape) {
  if (static_cast<std::int64_t>(data.size()) != shape_size(shape)) {
    detail::raise<shape_error>("array", "{} values cannot fill an array of shape {} ({} elements)", data.size(),
                               shape_str(shape), shape_size(shape));
  }
  array a = empty(shape, dtype_of<T>());
  if constexpr (std::is_same_v<T, bool>) {
    auto* p = static_cast<bool*>(a.mutable_raw_data());
    for (std::size_t i = 0; i < data.size(); ++i) p[i] = data[i];  // vector<bool> is packed
  } else if (!data.empty()) {
    std::memcpy(a.mutable_raw_data(), data.data(), data.size() * sizeof(T));
  }
  return a;
}

inline const void* array::raw_data() const {
  require_concrete("data");
  return node().buf->data();
}

inline void* array::mutable_raw_data() const {
  require_concrete("data");
  return node().buf->data();
}

inline xjax::device array::device() const {
  require_concrete("device");
  return node().buf->dev();
}

template <element_type T> const T* array::data() const {
  if (dtype_of<T>() != dtype()) {
    detail::raise<type_error>("data", "requested {} elements from an array of dtype {}", dtype_of<T>().name(),
                              dtype().name());
  }
  return static_cast<const T*>(raw_data());
}

template <class T> std::vector<T> array::to_vector() const {
  require_concrete("to_vector");
  std::vector<T> out(static_cast<std::size_t>(size()));
  visit_dtype(dtype(), [&](auto tag) {
    using U = decltype(tag);
    const U* p = static_cast<const U*>(raw_data());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = detail::convert_scalar<T>(p[i]);
  });
  return out;
}

template <class T> T array::item() const {
  require_concrete("item");
  if (size() != 1) {
    detail::raise<value_error>("item", "can only convert an array of size 1 to a C++ scalar, got shape {}",
                               shape_str(shape()));
  }
  return visit_dtype(dtype(), [&](auto tag) -> T {
    using U = decltype(tag);
    return detail::convert_scalar<T>(*static_cast<const U*>(raw_data()));
  });
}

}  // namespace xjax
