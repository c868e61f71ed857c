#pragma once
// Sets of dtypes a primitive accepts, usable at compile time (to instantiate a
// kernel only for the dtypes it accepts) and in error messages.

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "xjax/core/dtype.hpp"

namespace xjax {

struct dtype_set {
  std::uint32_t mask = 0;

  constexpr bool contains(dtype d) const { return (mask >> d.index()) & 1u; }
  constexpr dtype_set operator|(dtype_set o) const { return {mask | o.mask}; }
  constexpr bool operator==(const dtype_set&) const = default;

  /// "float16, bfloat16, float32, float64"
  std::string describe() const {
    std::vector<std::string_view> names;
    for (int i = 0; i < num_dtypes; ++i)
      if ((mask >> i) & 1u) names.push_back(dtype(static_cast<dtype_id>(i)).name());
    return fmt::format("{}", fmt::join(names, ", "));
  }
};

constexpr dtype_set dtypes_of(std::initializer_list<dtype> ds) {
  dtype_set s;
  for (dtype d : ds) s.mask |= 1u << d.index();
  return s;
}

inline constexpr dtype_set bool_types = dtypes_of({bool_});
inline constexpr dtype_set signed_int_types = dtypes_of({int8, int16, int32, int64});
inline constexpr dtype_set unsigned_int_types = dtypes_of({uint8, uint16, uint32, uint64});
inline constexpr dtype_set int_types = signed_int_types | unsigned_int_types;
inline constexpr dtype_set float_types = dtypes_of({float16, bfloat16, float32, float64});
inline constexpr dtype_set signed_types = signed_int_types | float_types;  // types with a sign
inline constexpr dtype_set numeric_types = int_types | float_types;
inline constexpr dtype_set all_types = numeric_types | bool_types;
inline constexpr dtype_set int_or_bool_types = int_types | bool_types;

/// Throws type_error unless `set` contains `d`: "[exp] does not accept int32 operands; it accepts ...".
inline void check_dtype(std::string_view op, dtype d, dtype_set set) {
  if (!set.contains(d)) {
    detail::raise<type_error>(op, "does not accept {} operands; it accepts {}", d.name(), set.describe());
  }
}

/// Like visit_dtype, but instantiates `f` only for the dtypes in Set. `f` returns
/// void (kernels write into the arrays they were given).
template <dtype_set Set, class F> void visit_dtype_in(dtype d, F&& f) {
  visit_dtype(d, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Set.contains(dtype_of<T>())) {
      f(tag);
    } else {
      // Unreachable after the shape rule's check_dtype; never instantiates f for T.
      throw type_error(fmt::format("[internal] dtype {} reached a kernel that does not accept it", d.name()));
    }
  });
}

}  // namespace xjax
