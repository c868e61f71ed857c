#pragma once
// 16-bit floating point storage types. Arithmetic happens in float32 and rounds
// back (round to nearest even), as XLA's CPU backend does for f16 and bf16.

#include <bit>      // std::bit_cast
#include <cstdint>
#include <cstring>
#include <limits>

namespace xjax {

/// IEEE 754 binary16, stored as its bits.
struct half_t {
  std::uint16_t bits = 0;

  constexpr half_t() = default;
  half_t(float f) : bits(from_float(f)) {}  // NOLINT: implicit like a builtin float
  explicit half_t(double d) : half_t(static_cast<float>(d)) {}
  operator float() const { return to_float(bits); }  // NOLINT

  static constexpr half_t from_bits(std::uint16_t b) {
    half_t h;
    h.bits = b;
    return h;
  }

  static std::uint16_t from_float(float f) {
    std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    std::uint32_t sign = (x >> 16) & 0x8000u;
    std::uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {  // inf or nan
      return static_cast<std::uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u | ((abs >> 13) & 0x3ffu) : 0u));
    }
    if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // overflow -> inf
    if (abs < 0x38800000u) {  // subnormal or zero in half
      // Add 0.5 in float so that the hardware rounds to the half subnormal grid.
      float a = std::bit_cast<float>(abs) + 0.5f;
      return static_cast<std::uint16_t>(sign | (std::bit_cast<std::uint32_t>(a) - 0x3f000000u));
    }
    std::uint32_t mant_odd = (abs >> 13) & 1u;
    abs += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round to nearest even
    return static_cast<std::uint16_t>(sign | (abs >> 13));
  }

  static float to_float(std::uint16_t h) {
    std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1fu;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t out;
    if (exp == 0x1f) {
      out = sign | 0x7f800000u | (mant << 13);
    } else if (exp == 0) {
      if (mant == 0) return std::bit_cast<float>(sign);
      float v = static_cast<float>(mant) * 5.9604644775390625e-8f;  // 2^-24
      return sign ? -v : v;
    } else {
      out = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    return std::bit_cast<float>(out);
  }
};

/// bfloat16: the top half of a float32, rounded to nearest even.
struct bfloat16_t {
  std::uint16_t bits = 0;

  constexpr bfloat16_t() = default;
  bfloat16_t(float f) : bits(from_float(f)) {}  // NOLINT
  explicit bfloat16_t(double d) : bfloat16_t(static_cast<float>(d)) {}
  operator float() const { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }  // NOLINT

  static constexpr bfloat16_t from_bits(std::uint16_t b) {
    bfloat16_t h;
    h.bits = b;
    return h;
  }

  static std::uint16_t from_float(float f) {
    std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);  // quiet nan
    x += 0x7fffu + ((x >> 16) & 1u);
    return static_cast<std::uint16_t>(x >> 16);
  }
};

}  // namespace xjax

// Let generic code ask numeric_limits of the 16-bit types, as of builtin floats.
template <>
class std::numeric_limits<xjax::half_t> : public std::numeric_limits<float> {
 public:
  static constexpr int digits = 11;
  static xjax::half_t max() { return xjax::half_t::from_bits(0x7bff); }
  static xjax::half_t lowest() { return xjax::half_t::from_bits(0xfbff); }
  static xjax::half_t min() { return xjax::half_t::from_bits(0x0400); }
  static xjax::half_t epsilon() { return xjax::half_t::from_bits(0x1400); }
  static xjax::half_t infinity() { return xjax::half_t::from_bits(0x7c00); }
  static xjax::half_t quiet_NaN() { return xjax::half_t::from_bits(0x7e00); }
};

template <>
class std::numeric_limits<xjax::bfloat16_t> : public std::numeric_limits<float> {
 public:
  static constexpr int digits = 8;
  static xjax::bfloat16_t max() { return xjax::bfloat16_t::from_bits(0x7f7f); }
  static xjax::bfloat16_t lowest() { return xjax::bfloat16_t::from_bits(0xff7f); }
  static xjax::bfloat16_t min() { return xjax::bfloat16_t::from_bits(0x0080); }
  static xjax::bfloat16_t epsilon() { return xjax::bfloat16_t::from_bits(0x3c00); }
  static xjax::bfloat16_t infinity() { return xjax::bfloat16_t::from_bits(0x7f80); }
  static xjax::bfloat16_t quiet_NaN() { return xjax::bfloat16_t::from_bits(0x7fc0); }
};
