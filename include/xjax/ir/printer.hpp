#pragma once
// Prints a jaxpr in JAX's text format:
//   { lambda ; a:f32[3,4] b:f32[]. let c:f32[3,4] = mul a b in (c,) }
// Variables are named a, b, ..., z, ba, bb, ... in order of appearance (constvars,
// invars, then equation outputs); outputs no one reads print as `_`.

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "xjax/config.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax {

/// The jaxpr in JAX's text format.
XJAX_API std::string to_string(const jaxpr& j);
inline std::string to_string(const closed_jaxpr& j) { return to_string(*j.jaxpr); }
inline std::ostream& operator<<(std::ostream& os, const jaxpr& j) { return os << to_string(j); }
inline std::ostream& operator<<(std::ostream& os, const closed_jaxpr& j) { return os << to_string(j); }

#if XJAX_HAS_IMPL
}  // namespace xjax
#include <fmt/format.h>
#include <fmt/ranges.h>
namespace xjax {
namespace detail {

/// JAX's variable names: a..z, then ba, bb, ... (base 26 with 'a' as the zero digit).
inline std::string var_name(std::size_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

/// A literal's value as Python prints the scalar (repr), e.g. 2.0, 1e-07, nan, True.
inline std::string literal_repr(const array& v) {
  dtype d = v.dtype();
  if (d.is_bool()) return v.item<bool>() ? "True" : "False";
  if (d.is_integer()) {
    if (d.is_unsigned_integer()) return std::to_string(v.item<std::uint64_t>());
    return std::to_string(v.item<std::int64_t>());
  }
  double x = v.item<double>();
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Shortest text that reads back to the same value of the literal's own dtype.
  std::string s = d == float64 ? fmt::format("{}", x) : fmt::format("{}", static_cast<float>(x));
  if (d == float16 || d == bfloat16) {
    // Shortest decimal that rounds back to the same 16-bit value.
    for (int prec = 1; prec <= 9; ++prec) {
      std::string t = fmt::format("{:.{}g}", x, prec);
      float back = std::strtof(t.c_str(), nullptr);
      bool same = d == float16 ? half_t(back).bits == half_t(static_cast<float>(x)).bits
                               : bfloat16_t(back).bits == bfloat16_t(static_cast<float>(x)).bits;
      if (same) {
        s = t;
        break;
      }
    }
  }
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

class jaxpr_printer {
 public:
  explicit jaxpr_printer(const jaxpr& j) : m_j(j) {
    for (auto& e : j.eqns)
      for (auto& a : e.inputs)
        if (auto* v = std::get_if<var>(&a)) m_used.insert(v->id);
    for (auto& a : j.outvars)
      if (auto* v = std::get_if<var>(&a)) m_used.insert(v->id);
  }

  std::string print() {
    std::vector<std::string> consts, ins, eqns, outs;
    for (auto& v : m_j.constvars) consts.push_back(binder(v));
    for (auto& v : m_j.invars) ins.push_back(binder(v));
    for (auto& e : m_j.eqns) eqns.push_back(equation_text(e));
    for (auto& a : m_j.outvars) outs.push_back(atom_text(a));
    std::string head = fmt::format("{{ lambda {}; {}. let", fmt::join(consts, " "), fmt::join(ins, " "));
    std::string tail = outs.size() == 1 ? fmt::format("in ({},) }}", outs[0]) : fmt::format("in ({}) }}", fmt::join(outs, ", "));
    std::string flat = fmt::format("{} {} {}", head, fmt::join(eqns, " "), tail);
    if (flat.size() <= 80 && flat.find('\n') == std::string::npos) return flat;
    std::string out = head;
    for (auto& e : eqns) out += "\n    " + e;
    return out + "\n  " + tail;
  }

 private:
  const std::string& name(const var& v) {
    auto it = m_names.find(v.id);
    if (it == m_names.end()) it = m_names.emplace(v.id, var_name(m_names.size())).first;
    return it->second;
  }
  std::string binder(const var& v) { return fmt::format("{}:{}", name(v), v.aval.str()); }
  std::string atom_text(const atom& a) {
    if (auto* v = std::get_if<var>(&a)) return name(*v);
    const literal& l = std::get<literal>(a);
    return fmt::format("{}:{}", literal_repr(l.value), l.aval().str());
  }
  std::string equation_text(const equation& e) {
    std::vector<std::string> outs, ins;
    for (auto& v : e.outputs) outs.push_back(m_used.count(v.id) ? binder(v) : fmt::format("_:{}", v.aval.str()));
    for (auto& a : e.inputs) ins.push_back(atom_text(a));
    auto items = e.params->items();
    std::sort(items.begin(), items.end());
    std::string params;
    if (!items.empty()) {
      std::vector<std::string> kv;
      for (auto& [k, v] : items) kv.push_back(k + "=" + v);
      params = fmt::format("[{}]", fmt::join(kv, " "));
    }
    return fmt::format("{} = {}{} {}", fmt::join(outs, " "), e.prim->name(), params, fmt::join(ins, " "));
  }

  const jaxpr& m_j;
  std::unordered_set<std::int64_t> m_used;
  std::unordered_map<std::int64_t, std::string> m_names;
};

}  // namespace detail

XJAX_IMPL std::string to_string(const jaxpr& j) { return detail::jaxpr_printer(j).print(); }
#endif  // XJAX_HAS_IMPL

}  // namespace xjax
