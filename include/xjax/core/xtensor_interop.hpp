#pragma once
// Moving data between xjax arrays and xtensor, without copies where possible.
// Include it explicitly (<xjax/xjax.hpp> does not, so that code that does not use
// xtensor does not pay for its headers):
//
//   #include <xjax/xjax.hpp>
//   #include <xjax/core/xtensor_interop.hpp>
//
//   xt::xarray<float> t = {{1, 2}, {3, 4}};
//   xjax::array a = xjax::from_xtensor(std::move(t));  // zero-copy: `a` now owns t's memory
//   xjax::array b = xjax::from_xtensor(t * 2.0f + 1);  // evaluates the expression into a new buffer
//   auto v = xjax::to_xtensor<float>(a);               // zero-copy read-only view, keeps a's buffer alive
//   double s = xt::sum(v)();
//
// from_xtensor(e) takes the memory of an rvalue row-major xt::xarray or xt::xtensor
// container (its data pointer is unchanged; the new array keeps the container alive).
// Anything else (lvalues, lazy expressions, views, column-major containers) is
// evaluated into a new row-major buffer. The result has the dtype of the element
// type (float -> float32, std::int64_t -> int64, xjax::half_t -> float16, ...) and is
// not weakly typed.
//
// to_xtensor<T>(a) adapts the buffer of a concrete CPU array whose dtype is T's: an
// xt::xarray_adaptor of `const T` with the array's shape, sharing (and keeping alive)
// the array's buffer. Arrays are immutable: copy the adaptor into an xt::xarray to
// modify the values. A tracer throws concretization_error, another dtype type_error.

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

#include "xjax/core/array.hpp"
#include "xjax/core/buffer.hpp"

namespace xjax {

namespace detail {
/// Owning xtensor containers whose memory an array can take over.
template <class T> struct is_xtensor_container : std::false_type {};
template <class EC, xt::layout_type L, class SC, class Tag>
struct is_xtensor_container<xt::xarray_container<EC, L, SC, Tag>> : std::true_type {};
template <class EC, std::size_t N, xt::layout_type L, class Tag>
struct is_xtensor_container<xt::xtensor_container<EC, N, L, Tag>> : std::true_type {};

template <class S> shape_t to_shape(const S& s) { return shape_t(s.begin(), s.end()); }
}  // namespace detail

/// An array holding the values of the xtensor expression `e` (see the file comment):
/// zero-copy for an rvalue row-major xt::xarray / xt::xtensor, a copy otherwise.
template <class E> array from_xtensor(E&& e) {
  using C = std::remove_cvref_t<E>;
  using T = std::remove_cv_t<typename C::value_type>;
  static_assert(element_type<T>, "xjax::from_xtensor: the element type has no xjax dtype");
  constexpr dtype d = dtype_of<T>();
  if constexpr (detail::is_xtensor_container<C>::value && C::static_layout == xt::layout_type::row_major &&
                std::is_rvalue_reference_v<E&&> && !std::is_const_v<std::remove_reference_t<E>>) {
    // Take the container over: moving it keeps its data pointer.
    auto owner = std::make_shared<C>(std::move(e));
    shape_t shape = detail::to_shape(owner->shape());
    void* data = static_cast<void*>(owner->data());
    std::size_t nbytes = static_cast<std::size_t>(shape_size(shape)) * sizeof(T);
    return array::from_buffer(buffer::wrap(data, nbytes, std::move(owner)), shape, d);
  } else {
    shape_t shape = detail::to_shape(e.shape());
    array out = array::empty(shape, d);
    std::vector<std::size_t> xshape(shape.begin(), shape.end());
    auto view = xt::adapt(static_cast<T*>(out.mutable_raw_data()), static_cast<std::size_t>(out.size()),
                          xt::no_ownership(), xshape);
    xt::noalias(view) = e;  // evaluates lazy expressions and views once, in row-major order
    return out;
  }
}

/// A zero-copy, read-only xtensor view of a concrete CPU array of dtype T that keeps
/// the array's buffer alive (see the file comment).
template <class T> auto to_xtensor(const array& a) {
  static_assert(element_type<T>, "xjax::to_xtensor: T must be an element type of a dtype (float, std::int32_t...)");
  if (a.is_tracer()) {
    detail::raise<concretization_error>(
        "to_xtensor",
        "a tracer of type {} has no values to view while tracing; call to_xtensor on the concrete arrays that a "
        "traced function returns, outside the trace",
        a.aval().str());
  }
  if (a.dtype() != dtype_of<T>()) {
    detail::raise<type_error>("to_xtensor", "requested an xtensor of {} elements from an array of dtype {}",
                              dtype_of<T>().name(), a.dtype().name());
  }
  const std::shared_ptr<buffer>& buf = a.buffer_ptr();
  if (!buf->is_host_accessible()) {
    detail::raise<value_error>("to_xtensor", "the array lives on {}; only arrays in CPU memory can be viewed",
                               buf->dev().str());
  }
  std::vector<std::size_t> shape(a.shape().begin(), a.shape().end());
  return xt::adapt_smart_ptr(static_cast<const T*>(buf->data()), shape, std::shared_ptr<buffer>(buf));
}

}  // namespace xjax
