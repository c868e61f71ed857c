#pragma once
// Typed primitive parameters, and how they print (exactly as JAX prints them).
//
// A primitive's params are a plain struct with defaulted equality and a `fields`
// visitor that lists them under JAX's names:
//
//   struct reduce_params {
//     shape_t axes;
//     bool operator==(const reduce_params&) const = default;
//     template <class F> void fields(F&& f) const { f("axes", axes); f("out_sharding", none); }
//   };
//
// Equations hold them type-erased (params_ptr); the primitive casts them back.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "xjax/config.hpp"
#include "xjax/core/dtype.hpp"
#include "xjax/core/shape.hpp"

namespace xjax {

/// Python's None, for params JAX prints as None (shardings we do not model yet).
struct none_t {
  bool operator==(const none_t&) const = default;
};
inline constexpr none_t none{};

/// An enum-like param value JAX prints by name, e.g. "GatherScatterMode.CLIP".
struct enum_name {
  std::string_view text;
  bool operator==(const enum_name&) const = default;
};

namespace detail {
/// Python's repr of a float: shortest round-trip digits, fixed notation for
/// 1e-4 <= |x| < 1e16, else scientific with a two-digit exponent ("1e-07", "1e+16").
/// Defined in ir/printer.hpp.
XJAX_API std::string python_float_repr(double x);
}  // namespace detail

// jax_repr: the text JAX's pretty-printer writes for a param value.
inline std::string jax_repr(none_t) { return "None"; }
inline std::string jax_repr(bool b) { return b ? "True" : "False"; }
inline std::string jax_repr(std::int64_t v) { return std::to_string(v); }
inline std::string jax_repr(int v) { return std::to_string(v); }
inline std::string jax_repr(double v) { return detail::python_float_repr(v); }
inline std::string jax_repr(dtype d) { return std::string(d.name()); }
inline std::string jax_repr(enum_name e) { return std::string(e.text); }
inline std::string jax_repr(const std::string& s) { return s; }
/// A tuple of ints: "()", "(1,)", "(1, 2)".
inline std::string jax_repr(const std::vector<std::int64_t>& v) { return shape_str(v); }
template <class T> std::string jax_repr(const std::optional<T>& v) { return v ? jax_repr(*v) : "None"; }

struct jaxpr;  // ir/jaxpr.hpp

/// A param that holds a jaxpr (scatter-add's update_jaxpr; control flow's branches
/// later). The printer prints it inline, naming its variables in the enclosing
/// jaxpr's context, as JAX does. Equal when it is the same jaxpr object.
struct jaxpr_param {
  std::shared_ptr<const jaxpr> value;  // null prints as None
  bool operator==(const jaxpr_param& o) const { return value == o.value; }
};

/// One param as the printer sees it: its name, and its text or the jaxpr it holds.
struct param_item {
  std::string name;
  std::string text;
  std::shared_ptr<const jaxpr> sub_jaxpr;
};

namespace detail {
inline void hash_combine(std::size_t& seed, std::size_t h) { seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2); }
inline std::size_t param_hash(const std::string& s) { return std::hash<std::string>()(s); }
}  // namespace detail

/// Type-erased params of one equation.
class params_base {
 public:
  virtual ~params_base() = default;
  /// The params in the order the struct lists them; the printer sorts them.
  virtual std::vector<param_item> items() const = 0;
  virtual bool equals(const params_base& other) const = 0;
  virtual std::size_t hash() const = 0;
  virtual const std::type_info& type() const = 0;
};

template <class P> class params_holder final : public params_base {
 public:
  explicit params_holder(P p) : m_value(std::move(p)) {}
  const P& value() const { return m_value; }

  std::vector<param_item> items() const override {
    std::vector<param_item> out;
    m_value.fields([&](std::string_view name, const auto& v) {
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(v)>, jaxpr_param>) {
        out.push_back({std::string(name), v.value ? "" : "None", v.value});
      } else {
        out.push_back({std::string(name), jax_repr(v), nullptr});
      }
    });
    return out;
  }
  bool equals(const params_base& other) const override {
    return other.type() == typeid(P) && static_cast<const params_holder&>(other).m_value == m_value;
  }
  std::size_t hash() const override {
    // Hash the printed form: one definition for every params struct, and params
    // that print the same are the same.
    std::size_t h = typeid(P).hash_code();
    for (auto& item : items()) {
      detail::hash_combine(h, detail::param_hash(item.name));
      detail::hash_combine(h, detail::param_hash(item.text));
      detail::hash_combine(h, std::hash<const void*>()(item.sub_jaxpr.get()));
    }
    return h;
  }
  const std::type_info& type() const override { return typeid(P); }

 private:
  P m_value;
};

using params_ptr = std::shared_ptr<const params_base>;

/// Params of primitives that have none.
struct no_params {
  bool operator==(const no_params&) const = default;
  template <class F> void fields(F&&) const {}
};

template <class P> params_ptr make_params(P p) {
  if constexpr (std::is_same_v<P, no_params>) {
    static const params_ptr shared = std::make_shared<params_holder<no_params>>(no_params{});
    return shared;
  } else {
    return std::make_shared<params_holder<P>>(std::move(p));
  }
}

/// Recovers typed params; a mismatch is a bug in xjax, not user input.
template <class P> const P& params_cast(const params_base& p) {
  if (p.type() != typeid(P)) throw error(fmt::format("[internal] params of type {} where {} was expected", p.type().name(), typeid(P).name()));
  return static_cast<const params_holder<P>&>(p).value();
}

}  // namespace xjax
