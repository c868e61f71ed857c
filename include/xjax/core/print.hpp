#pragma once
// Printing arrays, as NumPy and JAX print them.
//
//   auto x = xjax::array::from_vector<float>({1, 2, 3, 4}, {2, 2});
//   std::cout << x;                 // [[1. 2.]
//                                   //  [3. 4.]]          (NumPy's str())
//   xjax::repr(x);                  // "Array([[1., 2.],\n       [3., 4.]], dtype=float32)"
//   fmt::format("{}", x);           // as operator<<
//   fmt::format("{:r}", x);         // as xjax::repr
//
// Concrete arrays print their values with NumPy's rules (numpy/_core/arrayprint.py with
// the default print options): the shortest digits that identify each float in its
// dtype, at most 8 fractional digits, one layout per array (aligned decimal points,
// scientific notation when the magnitudes call for it), `nan`/`inf`, arrays over 1000
// elements summarized with `...`, lines wrapped at 75 columns. bfloat16 elements print
// as ml_dtypes prints them (C's %g). A tracer prints as JAX prints one inside a trace:
// `JitTracer(float32[3,4])`, with `~` before a weak dtype: `JitTracer(~float32[])`.

#include <ostream>
#include <string>

#include <fmt/core.h>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax {

/// NumPy's str() of the array (JAX's str() of a concrete Array), or the tracer's text.
XJAX_API std::string to_string(const array& a);

/// JAX's repr(): `Array([1., 2.], dtype=float32)`, `Array(2., dtype=float32, weak_type=True)`.
XJAX_API std::string repr(const array& a);

/// Writes to_string(a).
inline std::ostream& operator<<(std::ostream& os, const array& a) { return os << to_string(a); }

}  // namespace xjax

/// `{}` formats as operator<< (NumPy's str), `{:r}` as xjax::repr.
template <> struct fmt::formatter<xjax::array> {
  bool m_repr = false;
  constexpr auto parse(format_parse_context& ctx) {
    auto it = ctx.begin();
    if (it != ctx.end() && *it == 'r') {
      m_repr = true;
      ++it;
    }
    if (it != ctx.end() && *it != '}') throw xjax::value_error("[format] an xjax::array is formatted with {} or {:r}");
    return it;
  }
  template <class Ctx> auto format(const xjax::array& a, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", m_repr ? xjax::repr(a) : xjax::to_string(a));
  }
};

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace xjax::detail::numpy_print {

// --- Dragon4 ----------------------------------------------------------------
// The Dragon4 algorithm (Steele & White, "How to print floating-point numbers
// accurately", 1990), with the cutoff modes NumPy's printer applies to it: shortest
// unique digits, cut off after a number of digits, or extended to a minimum number of
// digits, rounding half to even. Exact big-integer arithmetic, so every digit matches
// what NumPy prints.

/// An unsigned integer of any size, little-endian 32-bit blocks (just what Dragon4 needs).
class bigint {
 public:
  bigint() = default;
  explicit bigint(std::uint64_t v) {
    while (v) {
      m_b.push_back(static_cast<std::uint32_t>(v));
      v >>= 32;
    }
  }
  static bigint pow2(int n) {
    bigint r(1);
    r.shift_left(n);
    return r;
  }
  bool is_zero() const { return m_b.empty(); }
  void shift_left(int n) {
    if (is_zero() || n == 0) return;
    std::size_t blocks = static_cast<std::size_t>(n / 32);
    int bits = n % 32;
    if (bits) {
      std::uint32_t carry = 0;
      for (auto& b : m_b) {
        std::uint32_t nb = (b << bits) | carry;
        carry = b >> (32 - bits);
        b = nb;
      }
      if (carry) m_b.push_back(carry);
    }
    m_b.insert(m_b.begin(), blocks, 0u);
  }
  void mul_small(std::uint32_t f) {
    std::uint64_t carry = 0;
    for (auto& b : m_b) {
      std::uint64_t p = static_cast<std::uint64_t>(b) * f + carry;
      b = static_cast<std::uint32_t>(p);
      carry = p >> 32;
    }
    if (carry) m_b.push_back(static_cast<std::uint32_t>(carry));
  }
  void mul_pow10(int n) {
    for (; n >= 9; n -= 9) mul_small(1000000000u);
    static constexpr std::uint32_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (n > 0) mul_small(p10[n]);
  }
  friend bigint operator+(const bigint& a, const bigint& b) {
    bigint r;
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < std::max(a.m_b.size(), b.m_b.size()); ++i) {
      std::uint64_t s = carry + (i < a.m_b.size() ? a.m_b[i] : 0) + (i < b.m_b.size() ? b.m_b[i] : 0);
      r.m_b.push_back(static_cast<std::uint32_t>(s));
      carry = s >> 32;
    }
    if (carry) r.m_b.push_back(static_cast<std::uint32_t>(carry));
    return r;
  }
  friend int compare(const bigint& a, const bigint& b) {
    if (a.m_b.size() != b.m_b.size()) return a.m_b.size() < b.m_b.size() ? -1 : 1;
    for (std::size_t i = a.m_b.size(); i-- > 0;)
      if (a.m_b[i] != b.m_b[i]) return a.m_b[i] < b.m_b[i] ? -1 : 1;
    return 0;
  }
  /// this -= b, for b <= this.
  void subtract(const bigint& b) {
    std::int64_t borrow = 0;
    for (std::size_t i = 0; i < m_b.size(); ++i) {
      std::int64_t d = static_cast<std::int64_t>(m_b[i]) - (i < b.m_b.size() ? b.m_b[i] : 0) - borrow;
      borrow = d < 0;
      m_b[i] = static_cast<std::uint32_t>(d + (borrow << 32));
    }
    while (!m_b.empty() && m_b.back() == 0) m_b.pop_back();
  }
  /// this = this mod d; returns this / d, which the caller guarantees is below 10.
  std::uint32_t divmod_small_quotient(const bigint& d) {
    std::uint32_t q = 0;
    while (compare(*this, d) >= 0) {
      subtract(d);
      ++q;
    }
    return q;
  }

 private:
  std::vector<std::uint32_t> m_b;
};

/// A finite float as mantissa * 2^exponent, with what Dragon4 needs to know of it.
struct float_parts {
  bool negative = false, nan = false, inf = false;
  std::uint64_t mantissa = 0;
  int exponent = 0;
  int mantissa_bit = 0;             // index of the highest set bit of the mantissa
  bool unequal_margins = false;     // the gap below is half the gap above (a power of 2)
};

/// Decomposes an IEEE float with `mbits` mantissa bits and `ebits` exponent bits.
inline float_parts decompose(std::uint64_t bits, int mbits, int ebits) {
  float_parts p;
  std::uint64_t mant = bits & ((std::uint64_t(1) << mbits) - 1);
  std::uint64_t exp = (bits >> mbits) & ((std::uint64_t(1) << ebits) - 1);
  p.negative = (bits >> (mbits + ebits)) & 1;
  int bias = (1 << (ebits - 1)) - 1;
  if (exp == (std::uint64_t(1) << ebits) - 1) {
    (mant ? p.nan : p.inf) = true;
  } else if (exp != 0) {
    p.mantissa = (std::uint64_t(1) << mbits) | mant;
    p.exponent = static_cast<int>(exp) - bias - mbits;
    p.mantissa_bit = mbits;
    p.unequal_margins = exp != 1 && mant == 0;
  } else {
    p.mantissa = mant;
    p.exponent = 1 - bias - mbits;
    p.mantissa_bit = mant ? std::bit_width(mant) - 1 : 0;
  }
  return p;
}

enum class cutoff_mode { total_length, fraction_length };

/// Dragon4 proper: the digits of the value and the decimal exponent of the first one.
inline std::string dragon4(const float_parts& f, bool unique, cutoff_mode mode, int cutoff_max, int cutoff_min,
                           int& out_exponent) {
  if (f.mantissa == 0) {
    out_exponent = 0;
    return "0";
  }
  constexpr int buffer_size = 16384;  // NumPy's buffer: in effect no limit
  bigint value(f.mantissa), scale, low_margin, high_margin;
  const bool is_even = (f.mantissa & 1) == 0;
  const int e = f.exponent;
  if (f.unequal_margins) {
    if (e > 0) {
      value.shift_left(e + 2);
      scale = bigint(4);
      low_margin = bigint::pow2(e);
      high_margin = bigint::pow2(e + 1);
    } else {
      value.shift_left(2);
      scale = bigint::pow2(-e + 2);
      low_margin = bigint(1);
      high_margin = bigint(2);
    }
  } else {
    if (e > 0) {
      value.shift_left(e + 1);
      scale = bigint(2);
      low_margin = bigint::pow2(e);
    } else {
      value.shift_left(1);
      scale = bigint::pow2(-e + 1);
      low_margin = bigint(1);
    }
    high_margin = low_margin;
  }
  auto update_high = [&] {
    if (f.unequal_margins) {
      high_margin = low_margin;
      high_margin.shift_left(1);
    } else {
      high_margin = low_margin;
    }
  };
  int digit_exponent = static_cast<int>(std::ceil(static_cast<double>(f.mantissa_bit + e) * 0.30102999566398119521373889472449 - 0.69));
  if (cutoff_max >= 0 && mode == cutoff_mode::fraction_length && digit_exponent <= -cutoff_max) {
    digit_exponent = -cutoff_max + 1;
  }
  if (digit_exponent > 0) {
    scale.mul_pow10(digit_exponent);
  } else if (digit_exponent < 0) {
    value.mul_pow10(-digit_exponent);
    low_margin.mul_pow10(-digit_exponent);
    update_high();
  }
  if (compare(value, scale) >= 0) {
    digit_exponent += 1;
  } else {
    value.mul_small(10);
    low_margin.mul_small(10);
    update_high();
  }
  int cutoff_max_exp = digit_exponent - buffer_size;
  if (cutoff_max >= 0) {
    int desired = mode == cutoff_mode::total_length ? digit_exponent - cutoff_max : -cutoff_max;
    cutoff_max_exp = std::max(cutoff_max_exp, desired);
  }
  int cutoff_min_exp = digit_exponent;
  if (cutoff_min >= 0) {
    int desired = mode == cutoff_mode::total_length ? digit_exponent - cutoff_min : -cutoff_min;
    cutoff_min_exp = std::min(cutoff_min_exp, desired);
  }
  out_exponent = digit_exponent - 1;

  std::string digits;
  std::uint32_t digit = 0;
  bool low = false, high = false;
  if (unique) {
    for (;;) {
      digit_exponent -= 1;
      digit = value.divmod_small_quotient(scale);
      bigint value_high = value + high_margin;
      int c = compare(value, low_margin);
      low = is_even ? c <= 0 : c < 0;
      c = compare(value_high, scale);
      high = is_even ? c >= 0 : c > 0;
      if (((low || high) && digit_exponent <= cutoff_min_exp) || digit_exponent == cutoff_max_exp) break;
      digits += static_cast<char>('0' + digit);
      value.mul_small(10);
      low_margin.mul_small(10);
      update_high();
    }
  } else {
    for (;;) {
      digit_exponent -= 1;
      digit = value.divmod_small_quotient(scale);
      if (value.is_zero() || digit_exponent == cutoff_max_exp) break;
      digits += static_cast<char>('0' + digit);
      value.mul_small(10);
    }
  }
  bool round_down = low;
  if (low == high) {  // round to the closest digit, ties to even
    value.shift_left(1);
    int c = compare(value, scale);
    round_down = c < 0;
    if (c == 0) round_down = (digit & 1) == 0;
  }
  if (round_down) {
    digits += static_cast<char>('0' + digit);
  } else if (digit == 9) {
    // Carry: drop trailing nines and increment the digit before them.
    for (;;) {
      if (digits.empty()) {
        digits = "1";
        out_exponent += 1;
        break;
      }
      char last = digits.back();
      digits.pop_back();
      if (last != '9') {
        digits += static_cast<char>(last + 1);
        break;
      }
    }
  } else {
    digits += static_cast<char>('0' + digit + 1);
  }
  return digits;
}

/// NumPy's trim modes: 'k' keep zeros, '.' trim zeros keep the point, '0' leave one
/// zero after the point, '-' trim zeros and the point.
enum class trim_mode { none, zeros, leave_one_zero, dpt_zeros };

struct options {
  bool unique = true;
  int precision = -1;
  int min_digits = -1;
  trim_mode trim = trim_mode::zeros;
  int pad_left = -1;
  int pad_right = -1;
  int exp_digits = -1;
};

inline std::string inf_nan(const float_parts& f) { return f.nan ? "nan" : (f.negative ? "-inf" : "inf"); }

/// NumPy's dragon4_positional (FormatPositional), fractional cutoff mode.
inline std::string positional(const float_parts& f, const options& o) {
  if (f.nan || f.inf) return inf_nan(f);
  std::string out = f.negative ? "-" : "";
  const int has_sign = f.negative ? 1 : 0;
  int print_exp = 0;
  std::string d = dragon4(f, o.unique, cutoff_mode::fraction_length, o.precision, o.min_digits, print_exp);
  const int nd = static_cast<int>(d.size());
  int whole = 0, frac = 0;
  if (print_exp >= 0) {
    whole = print_exp + 1;
    if (nd <= whole) {
      out += d + std::string(static_cast<std::size_t>(whole - nd), '0');
    } else {
      frac = nd - whole;
      out += d.substr(0, static_cast<std::size_t>(whole)) + "." + d.substr(static_cast<std::size_t>(whole));
    }
  } else {
    int zeros = -(print_exp + 1);
    out += "0." + std::string(static_cast<std::size_t>(zeros), '0') + d;
    frac = nd + zeros;
    whole = 1;
  }
  if (o.trim != trim_mode::dpt_zeros && frac == 0) out += '.';
  int add_digits = o.unique ? o.min_digits : o.precision;
  int desired_frac = add_digits < 0 ? 0 : add_digits;
  if (o.trim == trim_mode::leave_one_zero) {
    if (frac == 0) {
      out += '0';
      ++frac;
    }
  } else if (o.trim == trim_mode::none && desired_frac > frac) {
    out += std::string(static_cast<std::size_t>(desired_frac - frac), '0');
    frac = desired_frac;
  }
  if (o.trim != trim_mode::none && frac > 0) {
    while (out.back() == '0') {
      out.pop_back();
      --frac;
    }
    if (out.back() == '.') {
      if (o.trim == trim_mode::leave_one_zero) {
        out += '0';
        ++frac;
      } else if (o.trim == trim_mode::dpt_zeros) {
        out.pop_back();
      }
    }
  }
  if (o.pad_right >= frac) {
    if (o.trim == trim_mode::dpt_zeros && frac == 0) out += ' ';
    out += std::string(static_cast<std::size_t>(o.pad_right - frac), ' ');
  }
  if (o.pad_left > whole + has_sign) out.insert(0, static_cast<std::size_t>(o.pad_left - (whole + has_sign)), ' ');
  return out;
}

/// NumPy's dragon4_scientific (FormatScientific).
inline std::string scientific(const float_parts& f, const options& o) {
  if (f.nan || f.inf) return inf_nan(f);
  std::string out;
  int leftchars = 1 + (f.negative ? 1 : 0);
  if (o.pad_left > leftchars) out += std::string(static_cast<std::size_t>(o.pad_left - leftchars), ' ');
  if (f.negative) out += '-';
  int print_exp = 0;
  std::string d = dragon4(f, o.unique, cutoff_mode::total_length, o.precision < 0 ? -1 : o.precision + 1,
                          o.min_digits < 0 ? -1 : o.min_digits + 1, print_exp);
  out += d[0];
  int frac = static_cast<int>(d.size()) - 1;
  if (frac > 0) out += "." + d.substr(1);
  if (o.trim != trim_mode::dpt_zeros && frac == 0) out += '.';
  int add_digits = o.unique ? o.min_digits : o.precision;
  add_digits = add_digits < 0 ? 0 : add_digits;
  if (o.trim == trim_mode::leave_one_zero) {
    if (frac == 0) {
      out += '0';
      ++frac;
    }
  } else if (o.trim == trim_mode::none && add_digits > frac) {
    out += std::string(static_cast<std::size_t>(add_digits - frac), '0');
    frac = add_digits;
  }
  if (o.trim != trim_mode::none && frac > 0) {
    while (out.back() == '0') {
      out.pop_back();
      --frac;
    }
    if (o.trim == trim_mode::leave_one_zero && out.back() == '.') out += '0';
  }
  int exp_digits = o.exp_digits > 5 ? 5 : (o.exp_digits < 0 ? 2 : o.exp_digits);
  std::string es = std::to_string(print_exp < 0 ? -print_exp : print_exp);
  if (static_cast<int>(es.size()) < exp_digits) es.insert(0, static_cast<std::size_t>(exp_digits) - es.size(), '0');
  out += std::string("e") + (print_exp < 0 ? '-' : '+') + es;
  return out;
}

// --- Elements ---------------------------------------------------------------

/// Reads element `i` of a float array as its parts and as a double.
inline float_parts float_at(const array& a, std::int64_t i, double& value) {
  const auto* base = static_cast<const unsigned char*>(a.raw_data());
  const dtype d = a.dtype();
  if (d == float16 || d == bfloat16) {
    std::uint16_t bits;
    std::memcpy(&bits, base + 2 * i, 2);
    value = d == float16 ? static_cast<double>(half_t::to_float(bits))
                         : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16));
    return d == float16 ? decompose(bits, 10, 5) : decompose(bits, 7, 8);
  }
  if (d == float32) {
    std::uint32_t bits;
    std::memcpy(&bits, base + 4 * i, 4);
    value = static_cast<double>(std::bit_cast<float>(bits));
    return decompose(bits, 23, 8);
  }
  std::uint64_t bits;
  std::memcpy(&bits, base + 8 * i, 8);
  value = std::bit_cast<double>(bits);
  return decompose(bits, 52, 11);
}

/// Rounds a double to the dtype (NumPy compares and divides in the array's dtype).
inline double round_to(dtype d, double v) {
  if (d == float16) return static_cast<double>(static_cast<float>(half_t(static_cast<float>(v))));
  if (d == float32) return static_cast<double>(static_cast<float>(v));
  return v;
}

/// One formatter per array, as NumPy chooses it from the (summarized) values.
class element_format {
 public:
  /// `sample`: flat indices of the values NumPy looks at (all, or the summary's corners).
  element_format(const array& a, const std::vector<std::int64_t>& sample) : m_a(a), m_dtype(a.dtype()) {
    if (m_dtype.is_bool()) {
      m_true = a.ndim() == 0 ? "True" : " True";
    } else if (m_dtype.is_integer()) {
      std::size_t w = 0;
      for (auto i : sample) w = std::max(w, int_text(i).size());
      m_int_width = w;
    } else if (m_dtype == float16 || m_dtype == float32 || m_dtype == float64) {
      fill_float_format(sample);
    }
  }

  std::string operator()(std::int64_t i) const {
    if (m_dtype.is_bool()) return static_cast<const bool*>(m_a.raw_data())[i] ? m_true : "False";
    if (m_dtype.is_integer()) {
      std::string s = int_text(i);
      return std::string(m_int_width - std::min(m_int_width, s.size()), ' ') + s;
    }
    double v = 0;
    float_parts f = float_at(m_a, i, v);
    if (m_dtype == bfloat16) return bfloat16_text(f, v);
    if (f.nan || f.inf) {
      std::string r = inf_nan(f);
      int pad = m_pad_left + m_pad_right + 1 - static_cast<int>(r.size());
      return std::string(static_cast<std::size_t>(std::max(pad, 0)), ' ') + r;
    }
    options o;
    o.precision = m_precision;
    o.min_digits = m_min_digits;
    o.trim = m_trim;
    o.pad_left = m_pad_left;
    if (m_exp_format) {
      o.exp_digits = m_exp_size;
      return scientific(f, o);
    }
    o.pad_right = m_pad_right;
    return positional(f, o);
  }

  /// ml_dtypes prints a bfloat16 as C++ streams print a float: "%g".
  static std::string bfloat16_text(const float_parts& f, double v) {
    if (f.nan) return "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

 private:
  std::string int_text(std::int64_t i) const {
    return visit_dtype(m_dtype, [&](auto tag) -> std::string {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        T v;
        std::memcpy(&v, static_cast<const unsigned char*>(m_a.raw_data()) + i * static_cast<std::int64_t>(sizeof(T)),
                    sizeof(T));
        return std::to_string(v);
      } else {
        return "";
      }
    });
  }

  // NumPy's FloatingFormat.fillFormat, floatmode 'maxprec', precision 8.
  void fill_float_format(const std::vector<std::int64_t>& sample) {
    std::vector<float_parts> finite;
    double max_val = 0, min_val = 0;
    bool any_nonzero = false, any_nonfinite = false, neg_inf = false;
    for (auto i : sample) {
      double v = 0;
      float_parts f = float_at(m_a, i, v);
      if (f.nan || f.inf) {
        any_nonfinite = true;
        neg_inf = neg_inf || (f.inf && f.negative);
        continue;
      }
      finite.push_back(f);
      if (v != 0) {
        double av = std::abs(v);
        max_val = any_nonzero ? std::max(max_val, av) : av;
        min_val = any_nonzero ? std::min(min_val, av) : av;
        any_nonzero = true;
      }
    }
    if (any_nonzero) {
      // The comparisons happen in the array's dtype (NumPy 2 casts the Python floats).
      const double cutoff = m_dtype == float16 ? 1e3 : m_dtype == float32 ? 1e6 : 1e8;
      double ratio = m_dtype == float64 ? max_val / min_val
                                        : round_to(m_dtype, static_cast<double>(static_cast<float>(max_val) /
                                                                                static_cast<float>(min_val)));
      if (max_val >= cutoff || min_val < round_to(m_dtype, 0.0001) || ratio > 1000.) m_exp_format = true;
    }
    if (finite.empty()) {
      m_pad_left = m_pad_right = 0;
      m_trim = trim_mode::zeros;
      m_exp_size = -1;
    } else if (m_exp_format) {
      options o;
      o.precision = 8;
      int max_int = 0, max_frac = 0, max_exp = 0;
      for (auto& f : finite) {
        std::string s = scientific(f, o);
        auto epos = s.find('e');
        auto dot = s.find('.');
        max_int = std::max(max_int, static_cast<int>(dot));
        max_frac = std::max(max_frac, static_cast<int>(epos - dot - 1));
        max_exp = std::max(max_exp, static_cast<int>(s.size() - epos - 1));
      }
      m_exp_size = max_exp - 1;
      m_trim = trim_mode::none;
      m_precision = max_frac;
      m_min_digits = max_frac;
      m_pad_left = max_int;
      m_pad_right = m_exp_size + 2 + m_precision;
    } else {
      options o;
      o.precision = 8;
      int max_int = 0, max_frac = 0;
      for (auto& f : finite) {
        std::string s = positional(f, o);
        auto dot = s.find('.');
        max_int = std::max(max_int, static_cast<int>(dot));
        max_frac = std::max(max_frac, static_cast<int>(s.size() - dot - 1));
      }
      m_pad_left = max_int;
      m_pad_right = max_frac;
      m_exp_size = -1;
      m_trim = trim_mode::zeros;
      m_min_digits = 0;
    }
    if (any_nonfinite) {
      int offset = m_pad_right + 1;
      m_pad_left = std::max({m_pad_left, 3 - offset, 3 + (neg_inf ? 1 : 0) - offset});
    }
  }

  const array& m_a;
  dtype m_dtype;
  std::string m_true;
  std::size_t m_int_width = 0;
  bool m_exp_format = false;
  int m_precision = 8, m_min_digits = -1, m_pad_left = 0, m_pad_right = 0, m_exp_size = -1;
  trim_mode m_trim = trim_mode::zeros;
};

/// str() of a 0-d float, as NumPy's scalar str: positional in [1e-4, max), else scientific.
inline std::string float_scalar_str(const array& a) {
  double v = 0;
  float_parts f = float_at(a, 0, v);
  dtype d = a.dtype();
  if (d == bfloat16) return element_format::bfloat16_text(f, v);
  double av = std::abs(v);
  double max_positional = d == float16 ? 1e3 : d == float32 ? 1e6 : 1e16;
  bool use_positional = f.nan || av == 0 || (av < max_positional && av >= 1e-4);
  options o;
  if (use_positional) {
    o.trim = trim_mode::leave_one_zero;
    return positional(f, o);
  }
  o.trim = trim_mode::dpt_zeros;
  return scientific(f, o);
}

// --- Layout -----------------------------------------------------------------
// NumPy's _formatArray: nested brackets, rows wrapped at the line width, blank lines
// between blocks of higher dimensions, `...` in place of the middle of long axes.

constexpr std::int64_t threshold = 1000, edge_items = 3;
constexpr int line_width = 75;

class array_layout {
 public:
  array_layout(const array& a, const element_format& fmt, bool summarize, std::string separator)
      : m_a(a), m_fmt(fmt), m_summarize(summarize), m_sep(std::move(separator)), m_strides(row_major_strides(a.shape())) {}

  std::string format(int width, const std::string& next_line_prefix) {
    std::vector<std::int64_t> index;
    return recurse(index, next_line_prefix, width);
  }

 private:
  static void extend_line(std::string& s, std::string& line, const std::string& word, int width,
                          const std::string& next_line_prefix) {
    bool needs_wrap = static_cast<int>(line.size() + word.size()) > width;
    if (line.size() <= next_line_prefix.size()) needs_wrap = false;  // wrapping would not help
    if (needs_wrap) {
      auto end = line.find_last_not_of(' ');
      s += line.substr(0, end == std::string::npos ? 0 : end + 1) + "\n";
      line = next_line_prefix;
    }
    line += word;
  }

  std::string element(const std::vector<std::int64_t>& index) const {
    std::int64_t flat = 0;
    for (std::size_t k = 0; k < index.size(); ++k) flat += index[k] * m_strides[k];
    return m_fmt(flat);
  }

  std::string recurse(std::vector<std::int64_t>& index, const std::string& hanging_indent, int curr_width) {
    const std::size_t axis = index.size();
    const std::size_t axes_left = m_a.shape().size() - axis;
    if (axes_left == 0) return element(index);
    const std::string next_hanging_indent = hanging_indent + " ";
    const int next_width = curr_width - 1;
    const std::int64_t len = m_a.shape()[axis];
    const bool show_summary = m_summarize && 2 * edge_items < len;
    const std::int64_t leading = show_summary ? edge_items : 0;
    const std::int64_t trailing = show_summary ? edge_items : len;
    std::string sep_stripped = m_sep.substr(0, m_sep.find_last_not_of(' ') + 1);
    auto child = [&](std::int64_t i, const std::string& hang, int width) {
      index.push_back(i);
      std::string r = recurse(index, hang, width);
      index.pop_back();
      return r;
    };
    std::string s;
    if (axes_left == 1) {
      const int elem_width = curr_width - std::max(static_cast<int>(sep_stripped.size()), 1);
      std::string line = hanging_indent;
      for (std::int64_t i = 0; i < leading; ++i) {
        extend_line(s, line, child(i, next_hanging_indent, next_width), elem_width, hanging_indent);
        line += m_sep;
      }
      if (show_summary) {
        extend_line(s, line, "...", elem_width, hanging_indent);
        line += m_sep;
      }
      for (std::int64_t i = trailing; i > 1; --i) {
        extend_line(s, line, child(len - i, next_hanging_indent, next_width), elem_width, hanging_indent);
        line += m_sep;
      }
      extend_line(s, line, child(len - 1, next_hanging_indent, next_width), elem_width, hanging_indent);
      s += line;
    } else {
      const std::string line_sep = sep_stripped + std::string(axes_left - 1, '\n');
      for (std::int64_t i = 0; i < leading; ++i) s += hanging_indent + child(i, next_hanging_indent, next_width) + line_sep;
      if (show_summary) s += hanging_indent + "..." + line_sep;
      for (std::int64_t i = trailing; i > 1; --i)
        s += hanging_indent + child(len - i, next_hanging_indent, next_width) + line_sep;
      s += hanging_indent + child(len - 1, next_hanging_indent, next_width);
    }
    return "[" + s.substr(hanging_indent.size()) + "]";
  }

  const array& m_a;
  const element_format& m_fmt;
  bool m_summarize;
  std::string m_sep;
  shape_t m_strides;
};

/// The flat indices NumPy's _leading_trailing keeps: every index, or the corners.
inline std::vector<std::int64_t> sample_indices(const shape_t& shape, bool summarize) {
  std::vector<std::vector<std::int64_t>> per_axis(shape.size());
  for (std::size_t k = 0; k < shape.size(); ++k) {
    for (std::int64_t i = 0; i < shape[k]; ++i) {
      if (!summarize || shape[k] <= 2 * edge_items || i < edge_items || i >= shape[k] - edge_items) per_axis[k].push_back(i);
    }
  }
  shape_t strides = row_major_strides(shape);
  std::vector<std::int64_t> out{0};
  for (std::size_t k = 0; k < shape.size(); ++k) {
    std::vector<std::int64_t> next;
    next.reserve(out.size() * per_axis[k].size());
    for (auto base : out)
      for (auto i : per_axis[k]) next.push_back(base + i * strides[k]);
    out = std::move(next);
  }
  return out;
}

/// NumPy's array2string with the default options (a non-empty array).
inline std::string array2string(const array& a, const std::string& separator, const std::string& prefix,
                                const std::string& suffix) {
  const bool summarize = a.size() > threshold;
  element_format fmt(a, sample_indices(a.shape(), summarize));
  array_layout layout(a, fmt, summarize, separator);
  return layout.format(line_width - static_cast<int>(suffix.size()), " " + std::string(prefix.size(), ' '));
}

/// JAX's text for a tracer: `JitTracer(float32[3,4])`, `JitTracer(~float32[])` when weak.
inline std::string tracer_text(const array& a) {
  return "JitTracer(" + std::string(a.weak_type() ? "~" : "") + std::string(a.dtype().name()) + "[" +
         xjax::detail::join_ints(a.shape(), ",") + "])";
}

inline std::string python_tuple(const shape_t& s) { return shape_str(s); }

/// The values are read in place: they must be in CPU memory.
inline void require_host(const array& a) {
  const auto& buf = a.buffer_ptr();
  if (buf && !buf->is_host_accessible()) {
    raise<value_error>("print", "an array of type {} on {} cannot be printed in place; copy it to the CPU first",
                       a.aval().str(), buf->dev().str());
  }
}

}  // namespace xjax::detail::numpy_print

namespace xjax {

XJAX_IMPL std::string to_string(const array& a) {
  namespace np = detail::numpy_print;
  if (!a.valid()) return "<empty xjax::array>";
  if (a.is_tracer()) return np::tracer_text(a);
  np::require_host(a);
  if (a.size() == 0) return "[]";
  if (a.ndim() == 0) {
    dtype d = a.dtype();
    if (d.is_floating()) return np::float_scalar_str(a);
    if (d.is_bool()) return a.item<bool>() ? "True" : "False";
    return d.is_unsigned_integer() ? std::to_string(a.item<std::uint64_t>()) : std::to_string(a.item<std::int64_t>());
  }
  return np::array2string(a, " ", "", "");
}

XJAX_IMPL std::string repr(const array& a) {
  namespace np = detail::numpy_print;
  if (!a.valid()) return "<empty xjax::array>";
  if (a.is_tracer()) return np::tracer_text(a);
  np::require_host(a);
  // jax/_src/array.py ArrayImpl.__repr__, including its measure of the last line.
  const std::string prefix = "Array(";
  std::string dtype_str = "dtype=" + std::string(a.dtype().name()) + (a.weak_type() ? ", weak_type=True" : "");
  std::string s = a.size() == 0 ? "[], shape=" + np::python_tuple(a.shape()) : np::array2string(a, ", ", prefix, ",");
  auto nl = s.rfind('\n');
  std::int64_t last_line_len = static_cast<std::int64_t>(s.size()) - (nl == std::string::npos ? -1 : static_cast<std::int64_t>(nl)) + 1;
  std::string sep = last_line_len + static_cast<std::int64_t>(dtype_str.size()) + 2 > np::line_width ? std::string(prefix.size(), ' ') : " ";
  return prefix + s + "," + sep + dtype_str + ")";
}

}  // namespace xjax
#endif  // XJAX_HAS_IMPL
