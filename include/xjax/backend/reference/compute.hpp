#pragma once
// The reference backend computes every elementwise function in one of four
// "compute types": bool, int64 (signed integers), uint64 (unsigned integers) and
// double (every float). Inputs are widened into a compute-type vector and results
// narrowed back with the result dtype's rounding or wrap-around. This keeps the
// number of instantiated kernels small (a header-only library compiles them in every
// translation unit), and it is exact where it matters: +, -, *, /, sqrt computed in
// double and rounded once to f32/f16/bf16 give the correctly rounded result, and
// integer arithmetic computed in 64 bits and truncated wraps as XLA does.

#include <cstdint>
#include <type_traits>
#include <vector>

#include "xjax/core/array.hpp"
#include "xjax/primitives/dtype_set.hpp"

namespace xjax::reference {

/// The compute type of a dtype.
template <class T>
using compute_of_t = std::conditional_t<
    std::is_same_v<T, bool>, bool,
    std::conditional_t<std::is_floating_point_v<T> || std::is_same_v<T, half_t> || std::is_same_v<T, bfloat16_t>,
                       double, std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>>;

/// Calls f(C{}) with C the compute type of `d`, instantiating f only for the compute
/// types some dtype of `Set` maps to.
template <dtype_set Set, class F> void visit_compute(dtype d, F&& f) {
  if (d.is_bool()) {
    if constexpr (Set.contains(bool_)) f(bool{});
  } else if (d.is_floating()) {
    if constexpr ((Set.mask & float_types.mask) != 0) f(double{});
  } else if (d.is_signed_integer()) {
    if constexpr ((Set.mask & signed_int_types.mask) != 0) f(std::int64_t{});
  } else {
    if constexpr ((Set.mask & unsigned_int_types.mask) != 0) f(std::uint64_t{});
  }
}

/// The elements of `a`, widened to compute type C.
template <class C> std::vector<C> load(const array& a) {
  std::vector<C> out(static_cast<std::size_t>(a.size()));
  visit_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(a.raw_data());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = detail::convert_scalar<C>(p[i]);
  });
  return out;
}

/// A compute-type value narrowed to element type T: floats rounded, integers wrapped.
template <class T, class C> T narrow(C v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_integral_v<C>) {
    return static_cast<T>(v);  // integer narrowing wraps (two's complement, C++20)
  } else {
    return detail::convert_scalar<T>(v);
  }
}

/// A new array of `shape` and dtype `d` holding `values` narrowed from C.
template <class C> array store(const std::vector<C>& values, const shape_t& shape, dtype d, bool weak_type = false) {
  array out = array::empty(shape, d, weak_type);
  visit_dtype(d, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(out.mutable_raw_data());
    for (std::size_t i = 0; i < values.size(); ++i) p[i] = narrow<T>(values[i]);
  });
  return out;
}

/// Number of value bits of an integer dtype (8 for int8 and uint8...).
inline int bit_width(dtype d) { return d.itemsize() * 8; }

}  // namespace xjax::reference
