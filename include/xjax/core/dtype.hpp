#pragma once
// Element types, with JAX's names ("float32") and short names ("f32").
//
//   xjax::dtype d = xjax::float32;      // or xjax::f32
//   d.name();        // "float32"
//   d.short_name();  // "f32", as jaxprs print it
//   d.itemsize();    // 4

#include <array>
#include <cstdint>
#include <ostream>
#include <string_view>
#include <type_traits>

#include <fmt/core.h>

#include "xjax/config.hpp"
#include "xjax/core/errors.hpp"
#include "xjax/core/half.hpp"

namespace xjax {

enum class dtype_id : std::uint8_t {
  bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
  float16, bfloat16, float32, float64,
};

inline constexpr int num_dtypes = 13;

/// An element type. A small value type: compare, copy and print it freely.
class dtype {
 public:
  constexpr dtype() = default;
  constexpr dtype(dtype_id id) : m_id(id) {}  // NOLINT: dtype_id and dtype are interchangeable

  constexpr dtype_id id() const { return m_id; }
  constexpr int index() const { return static_cast<int>(m_id); }

  constexpr std::string_view name() const { return info().name; }
  constexpr std::string_view short_name() const { return info().short_name; }
  constexpr int itemsize() const { return info().itemsize; }

  constexpr bool is_bool() const { return m_id == dtype_id::bool_; }
  constexpr bool is_floating() const { return m_id >= dtype_id::float16; }
  constexpr bool is_signed_integer() const { return m_id >= dtype_id::int8 && m_id <= dtype_id::int64; }
  constexpr bool is_unsigned_integer() const { return m_id >= dtype_id::uint8 && m_id <= dtype_id::uint64; }
  constexpr bool is_integer() const { return is_signed_integer() || is_unsigned_integer(); }

  friend constexpr bool operator==(dtype a, dtype b) { return a.m_id == b.m_id; }

  /// Looks a dtype up by its name or short name ("float32" or "f32"); throws value_error.
  XJAX_API static dtype from_name(std::string_view name);

 private:
  struct info_t {
    std::string_view name, short_name;
    int itemsize;
  };
  static constexpr std::array<info_t, num_dtypes> table = {{
      {"bool", "bool", 1}, {"int8", "i8", 1}, {"int16", "i16", 2}, {"int32", "i32", 4},
      {"int64", "i64", 8}, {"uint8", "u8", 1}, {"uint16", "u16", 2}, {"uint32", "u32", 4},
      {"uint64", "u64", 8}, {"float16", "f16", 2}, {"bfloat16", "bf16", 2},
      {"float32", "f32", 4}, {"float64", "f64", 8},
  }};
  constexpr const info_t& info() const { return table[static_cast<std::size_t>(m_id)]; }
  dtype_id m_id = dtype_id::float32;
};

inline constexpr dtype bool_{dtype_id::bool_};
inline constexpr dtype int8{dtype_id::int8};
inline constexpr dtype int16{dtype_id::int16};
inline constexpr dtype int32{dtype_id::int32};
inline constexpr dtype int64{dtype_id::int64};
inline constexpr dtype uint8{dtype_id::uint8};
inline constexpr dtype uint16{dtype_id::uint16};
inline constexpr dtype uint32{dtype_id::uint32};
inline constexpr dtype uint64{dtype_id::uint64};
inline constexpr dtype float16{dtype_id::float16};
inline constexpr dtype bfloat16{dtype_id::bfloat16};
inline constexpr dtype float32{dtype_id::float32};
inline constexpr dtype float64{dtype_id::float64};

// Short names, as jaxprs print them.
inline constexpr dtype i8 = int8, i16 = int16, i32 = int32, i64 = int64;
inline constexpr dtype u8 = uint8, u16 = uint16, u32 = uint32, u64 = uint64;
inline constexpr dtype f16 = float16, bf16 = bfloat16, f32 = float32, f64 = float64;

#if XJAX_HAS_IMPL
XJAX_IMPL dtype dtype::from_name(std::string_view name) {
  for (int i = 0; i < num_dtypes; ++i) {
    dtype d{static_cast<dtype_id>(i)};
    if (d.name() == name || d.short_name() == name) return d;
  }
  detail::raise<value_error>("dtype", "unknown dtype name '{}'; expected one of bool, int8, int16, int32, "
                             "int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64",
                             name);
}
#endif  // XJAX_HAS_IMPL

inline std::ostream& operator<<(std::ostream& os, dtype d) { return os << d.name(); }

/// The C++ type that stores elements of a dtype.
template <dtype_id D> struct scalar_type;
template <> struct scalar_type<dtype_id::bool_> { using type = bool; };
template <> struct scalar_type<dtype_id::int8> { using type = std::int8_t; };
template <> struct scalar_type<dtype_id::int16> { using type = std::int16_t; };
template <> struct scalar_type<dtype_id::int32> { using type = std::int32_t; };
template <> struct scalar_type<dtype_id::int64> { using type = std::int64_t; };
template <> struct scalar_type<dtype_id::uint8> { using type = std::uint8_t; };
template <> struct scalar_type<dtype_id::uint16> { using type = std::uint16_t; };
template <> struct scalar_type<dtype_id::uint32> { using type = std::uint32_t; };
template <> struct scalar_type<dtype_id::uint64> { using type = std::uint64_t; };
template <> struct scalar_type<dtype_id::float16> { using type = half_t; };
template <> struct scalar_type<dtype_id::bfloat16> { using type = bfloat16_t; };
template <> struct scalar_type<dtype_id::float32> { using type = float; };
template <> struct scalar_type<dtype_id::float64> { using type = double; };
template <dtype_id D> using scalar_type_t = typename scalar_type<D>::type;

/// The dtype of a C++ element type; `long` and `long long` both map to int64.
template <class T> constexpr dtype dtype_of() {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) return bool_;
  else if constexpr (std::is_same_v<U, half_t>) return float16;
  else if constexpr (std::is_same_v<U, bfloat16_t>) return bfloat16;
  else if constexpr (std::is_same_v<U, float>) return float32;
  else if constexpr (std::is_same_v<U, double>) return float64;
  else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
    if constexpr (sizeof(U) == 1) return int8;
    else if constexpr (sizeof(U) == 2) return int16;
    else if constexpr (sizeof(U) == 4) return int32;
    else return int64;
  } else if constexpr (std::is_integral_v<U> && std::is_unsigned_v<U>) {
    if constexpr (sizeof(U) == 1) return uint8;
    else if constexpr (sizeof(U) == 2) return uint16;
    else if constexpr (sizeof(U) == 4) return uint32;
    else return uint64;
  } else {
    static_assert(sizeof(U) == 0, "xjax: no dtype for this C++ type");
  }
}

/// True for the C++ types that are array elements.
template <class T>
concept element_type = std::is_arithmetic_v<std::remove_cvref_t<T>> ||
                       std::is_same_v<std::remove_cvref_t<T>, half_t> ||
                       std::is_same_v<std::remove_cvref_t<T>, bfloat16_t>;

/// Calls `f(T{})` with T the storage type of `d`: the one place that turns a runtime
/// dtype into a C++ type. Callers keep what they instantiate small.
template <class F> decltype(auto) visit_dtype(dtype d, F&& f) {
  switch (d.id()) {
    case dtype_id::bool_: return f(bool{});
    case dtype_id::int8: return f(std::int8_t{});
    case dtype_id::int16: return f(std::int16_t{});
    case dtype_id::int32: return f(std::int32_t{});
    case dtype_id::int64: return f(std::int64_t{});
    case dtype_id::uint8: return f(std::uint8_t{});
    case dtype_id::uint16: return f(std::uint16_t{});
    case dtype_id::uint32: return f(std::uint32_t{});
    case dtype_id::uint64: return f(std::uint64_t{});
    case dtype_id::float16: return f(half_t{});
    case dtype_id::bfloat16: return f(bfloat16_t{});
    case dtype_id::float32: return f(float{});
    case dtype_id::float64: return f(double{});
  }
  return f(float{});  // unreachable: every dtype_id is handled above
}

}  // namespace xjax

template <> struct fmt::formatter<xjax::dtype> : fmt::formatter<std::string_view> {
  auto format(xjax::dtype d, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(d.name(), ctx);
  }
};
