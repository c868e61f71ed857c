#pragma once
// Pytrees: nested C++ containers of arrays that transforms take and return.
//
// Leaves are xjax::array and C++ arithmetic scalars (which flatten to 0-d arrays).
// Nodes are std::tuple, std::pair, std::vector, std::array, std::map<std::string, T>,
// and user structs registered with XJAX_PYTREE next to their definition:
//
//   struct params { xjax::array w, b; };
//   XJAX_PYTREE(params, w, b)
//
//   std::vector<xjax::array> leaves = xjax::tree_leaves(p);
//   params doubled = xjax::tree_map([](const xjax::array& x) { return xjax::lax::add(x, x); }, p);
//   std::cout << xjax::tree_structure(p);   // PyTreeDef(CustomNode(params[('w', 'b')], [*, *]))

#include <array>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>


#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax {

/// The structure of a pytree, without its leaves. Printed as JAX prints a PyTreeDef.
struct treedef {
  enum class kind { leaf, tuple, list, dict, custom };
  kind node_kind = kind::leaf;
  std::string type_name;           // custom nodes: the struct's name
  std::vector<std::string> keys;   // dict keys, custom field names
  std::vector<treedef> children;

  std::size_t num_leaves() const {
    if (node_kind == kind::leaf) return 1;
    std::size_t n = 0;
    for (auto& c : children) n += c.num_leaves();
    return n;
  }
  friend bool operator==(const treedef&, const treedef&) = default;

  /// "PyTreeDef((*, [*, *]))", as JAX prints it.
  XJAX_API std::string str() const;

 private:
  XJAX_API std::string body() const;
};

inline std::ostream& operator<<(std::ostream& os, const treedef& t) { return os << t.str(); }

#if XJAX_HAS_IMPL
}  // namespace xjax
#include <fmt/format.h>
#include <fmt/ranges.h>
namespace xjax {
XJAX_IMPL std::string treedef::str() const { return "PyTreeDef(" + body() + ")"; }

XJAX_IMPL std::string treedef::body() const {
  std::vector<std::string> cs;
  for (auto& c : children) cs.push_back(c.body());
  switch (node_kind) {
    case kind::leaf: return "*";
    case kind::tuple: return cs.size() == 1 ? "(" + cs[0] + ",)" : fmt::format("({})", fmt::join(cs, ", "));
    case kind::list: return fmt::format("[{}]", fmt::join(cs, ", "));
    case kind::dict: {
      std::vector<std::string> kv;
      for (std::size_t i = 0; i < cs.size(); ++i) kv.push_back(fmt::format("'{}': {}", keys[i], cs[i]));
      return fmt::format("{{{}}}", fmt::join(kv, ", "));
    }
    case kind::custom: {
      std::vector<std::string> ks;
      for (auto& k : keys) ks.push_back("'" + k + "'");
      return fmt::format("CustomNode({}[({})], [{}])", type_name, fmt::join(ks, ", "), fmt::join(cs, ", "));
    }
  }
  return "?";
}
#endif  // XJAX_HAS_IMPL

namespace detail {
/// Splits "a, b,  c" (a stringized macro argument list) into names.
inline std::vector<std::string> split_field_names(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ' && c != '\t' && c != '\n') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
}  // namespace detail
}  // namespace xjax

// XJAX_PP_FOR_EACH(m, a, b, c) expands to m(a), m(b), m(c) (up to 24 arguments).
#define XJAX_PP_EXPAND(x) x
#define XJAX_PP_FE_1(m, x) m(x)
#define XJAX_PP_FE_2(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_1(m, __VA_ARGS__))
#define XJAX_PP_FE_3(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_2(m, __VA_ARGS__))
#define XJAX_PP_FE_4(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_3(m, __VA_ARGS__))
#define XJAX_PP_FE_5(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_4(m, __VA_ARGS__))
#define XJAX_PP_FE_6(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_5(m, __VA_ARGS__))
#define XJAX_PP_FE_7(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_6(m, __VA_ARGS__))
#define XJAX_PP_FE_8(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_7(m, __VA_ARGS__))
#define XJAX_PP_FE_9(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_8(m, __VA_ARGS__))
#define XJAX_PP_FE_10(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_9(m, __VA_ARGS__))
#define XJAX_PP_FE_11(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_10(m, __VA_ARGS__))
#define XJAX_PP_FE_12(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_11(m, __VA_ARGS__))
#define XJAX_PP_FE_13(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_12(m, __VA_ARGS__))
#define XJAX_PP_FE_14(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_13(m, __VA_ARGS__))
#define XJAX_PP_FE_15(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_14(m, __VA_ARGS__))
#define XJAX_PP_FE_16(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_15(m, __VA_ARGS__))
#define XJAX_PP_FE_17(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_16(m, __VA_ARGS__))
#define XJAX_PP_FE_18(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_17(m, __VA_ARGS__))
#define XJAX_PP_FE_19(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_18(m, __VA_ARGS__))
#define XJAX_PP_FE_20(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_19(m, __VA_ARGS__))
#define XJAX_PP_FE_21(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_20(m, __VA_ARGS__))
#define XJAX_PP_FE_22(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_21(m, __VA_ARGS__))
#define XJAX_PP_FE_23(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_22(m, __VA_ARGS__))
#define XJAX_PP_FE_24(m, x, ...) m(x), XJAX_PP_EXPAND(XJAX_PP_FE_23(m, __VA_ARGS__))
#define XJAX_PP_GET_MACRO(_1,_2,_3,_4,_5,_6,_7,_8,_9,_10,_11,_12,_13,_14,_15,_16,_17,_18,_19,_20,_21,_22,_23,_24, NAME, ...) NAME
#define XJAX_PP_FOR_EACH(m, ...) \
  XJAX_PP_EXPAND(XJAX_PP_GET_MACRO(__VA_ARGS__, XJAX_PP_FE_24, XJAX_PP_FE_23, XJAX_PP_FE_22, XJAX_PP_FE_21, XJAX_PP_FE_20, XJAX_PP_FE_19, XJAX_PP_FE_18, XJAX_PP_FE_17, XJAX_PP_FE_16, XJAX_PP_FE_15, XJAX_PP_FE_14, XJAX_PP_FE_13, XJAX_PP_FE_12, XJAX_PP_FE_11, XJAX_PP_FE_10, XJAX_PP_FE_9, XJAX_PP_FE_8, XJAX_PP_FE_7, XJAX_PP_FE_6, XJAX_PP_FE_5, XJAX_PP_FE_4, XJAX_PP_FE_3, XJAX_PP_FE_2, XJAX_PP_FE_1)(m, __VA_ARGS__))
#define XJAX_PP_MEMBER_OF_V(f) v.f

/// Registers a struct as a pytree node whose children are the listed fields (other
/// fields are static, like a pytree node's aux data in JAX). Use it at namespace
/// scope, in the struct's own namespace, after its definition.
#define XJAX_PYTREE(Type, ...)                                                                     \
  [[maybe_unused]] inline auto xjax_pytree_fields(Type& v) {                                       \
    return std::tie(XJAX_PP_FOR_EACH(XJAX_PP_MEMBER_OF_V, __VA_ARGS__));                           \
  }                                                                                                \
  [[maybe_unused]] inline auto xjax_pytree_fields(const Type& v) {                                 \
    return std::tie(XJAX_PP_FOR_EACH(XJAX_PP_MEMBER_OF_V, __VA_ARGS__));                           \
  }                                                                                                \
  [[maybe_unused]] inline const std::vector<std::string>& xjax_pytree_field_names(const Type*) {   \
    static const std::vector<std::string> names = ::xjax::detail::split_field_names(#__VA_ARGS__); \
    return names;                                                                                  \
  }                                                                                                \
  [[maybe_unused]] inline std::string_view xjax_pytree_type_name(const Type*) { return #Type; }

namespace xjax {
namespace detail {

template <class T> struct is_std_vector : std::false_type {};
template <class T, class A> struct is_std_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_std_array : std::false_type {};
template <class T, std::size_t N> struct is_std_array<std::array<T, N>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A> struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T> struct is_tuple_like : std::false_type {};
template <class... Ts> struct is_tuple_like<std::tuple<Ts...>> : std::true_type {};
template <class A, class B> struct is_tuple_like<std::pair<A, B>> : std::true_type {};

template <class T>
concept registered_struct = requires(T& v) { xjax_pytree_fields(v); };

}  // namespace detail

/// True for the types tree functions accept.
template <class T>
concept pytree = std::is_same_v<T, array> || std::is_arithmetic_v<T> || detail::is_std_vector<T>::value ||
                 detail::is_std_array<T>::value || detail::is_string_map<T>::value ||
                 detail::is_tuple_like<T>::value || detail::registered_struct<T>;

namespace detail {

/// One generic walk serves flatten, structure, map and unflatten: `visit` calls
/// `on_leaf(leaf&)` for each leaf in order and builds the treedef as it goes.
template <class T, class Leaf> void tree_walk(T& tree, treedef& def, Leaf&& on_leaf) {
  using U = std::remove_const_t<T>;
  if constexpr (std::is_same_v<U, array> || std::is_arithmetic_v<U>) {
    def.node_kind = treedef::kind::leaf;
    on_leaf(tree);
  } else if constexpr (is_std_vector<U>::value || is_std_array<U>::value) {
    def.node_kind = treedef::kind::list;
    def.children.resize(tree.size());
    for (std::size_t i = 0; i < tree.size(); ++i) tree_walk(tree[i], def.children[i], on_leaf);
  } else if constexpr (is_string_map<U>::value) {
    def.node_kind = treedef::kind::dict;
    def.children.resize(tree.size());
    std::size_t i = 0;
    for (auto& [k, v] : tree) {
      def.keys.push_back(k);
      tree_walk(v, def.children[i++], on_leaf);
    }
  } else if constexpr (is_tuple_like<U>::value) {
    def.node_kind = treedef::kind::tuple;
    def.children.resize(std::tuple_size_v<U>);
    std::size_t i = 0;
    std::apply([&](auto&... xs) { (tree_walk(xs, def.children[i++], on_leaf), ...); }, tree);
  } else if constexpr (registered_struct<U>) {
    def.node_kind = treedef::kind::custom;
    def.type_name = std::string(xjax_pytree_type_name(static_cast<const U*>(nullptr)));
    def.keys = xjax_pytree_field_names(static_cast<const U*>(nullptr));
    auto fields = xjax_pytree_fields(tree);
    def.children.resize(std::tuple_size_v<decltype(fields)>);
    std::size_t i = 0;
    std::apply([&](auto&... xs) { (tree_walk(xs, def.children[i++], on_leaf), ...); }, fields);
  } else {
    static_assert(sizeof(U) == 0,
                  "xjax: this type is not a pytree; register a struct with XJAX_PYTREE(Type, fields...)");
  }
}

/// A leaf as an array: arrays as they are, C++ scalars as weakly typed 0-d arrays.
template <class L> array leaf_to_array(const L& leaf) {
  if constexpr (std::is_same_v<L, array>) return leaf;
  else return array(leaf);
}

/// Stores an array back into a leaf slot: scalars need a concrete value.
template <class L> void assign_leaf(L& slot, const array& a) {
  if constexpr (std::is_same_v<L, array>) slot = a;
  else slot = a.item<L>();
}

}  // namespace detail

/// The leaves of a pytree, in order, as arrays.
template <pytree T> std::vector<array> tree_leaves(const T& tree) {
  std::vector<array> out;
  treedef def;
  detail::tree_walk(tree, def, [&](const auto& leaf) { out.push_back(detail::leaf_to_array(leaf)); });
  return out;
}

/// The structure of a pytree.
template <pytree T> treedef tree_structure(const T& tree) {
  treedef def;
  detail::tree_walk(tree, def, [](const auto&) {});
  return def;
}

/// Leaves and structure together.
template <pytree T> std::pair<std::vector<array>, treedef> tree_flatten(const T& tree) {
  std::vector<array> out;
  treedef def;
  detail::tree_walk(tree, def, [&](const auto& leaf) { out.push_back(detail::leaf_to_array(leaf)); });
  return {std::move(out), std::move(def)};
}

/// Rebuilds a T with structure `def` from `leaves`. Containers are sized from `def`;
/// T must be default-constructible. Throws pytree_error when they do not fit.
template <pytree T> T tree_unflatten(const treedef& def, std::span<const array> leaves) {
  if (def.num_leaves() != leaves.size()) {
    detail::raise<pytree_error>("tree_unflatten", "the tree structure {} has {} leaves but {} were given", def.str(),
                                def.num_leaves(), leaves.size());
  }
  T out{};
  // Size the dynamic containers from def first, then fill the leaves in order.
  auto size_like = [](auto& self, auto& node, const treedef& d) -> void {
    using U = std::remove_cvref_t<decltype(node)>;
    if constexpr (detail::is_std_vector<U>::value) {
      node.resize(d.children.size());
      for (std::size_t i = 0; i < node.size(); ++i) self(self, node[i], d.children[i]);
    } else if constexpr (detail::is_string_map<U>::value) {
      for (std::size_t i = 0; i < d.keys.size(); ++i) self(self, node[d.keys[i]], d.children[i]);
    } else if constexpr (detail::is_std_array<U>::value) {
      for (std::size_t i = 0; i < node.size() && i < d.children.size(); ++i) self(self, node[i], d.children[i]);
    } else if constexpr (detail::is_tuple_like<U>::value) {
      std::size_t i = 0;
      std::apply([&](auto&... xs) { ((i < d.children.size() ? self(self, xs, d.children[i++]) : void()), ...); }, node);
    } else if constexpr (detail::registered_struct<U>) {
      auto fields = xjax_pytree_fields(node);
      std::size_t i = 0;
      std::apply([&](auto&... xs) { ((i < d.children.size() ? self(self, xs, d.children[i++]) : void()), ...); },
                 fields);
    }
  };
  size_like(size_like, out, def);
  treedef got;
  std::size_t k = 0;
  detail::tree_walk(out, got, [&](auto& slot) {
    if (k < leaves.size()) detail::assign_leaf(slot, leaves[k]);
    ++k;
  });
  if (!(got == def)) {
    detail::raise<pytree_error>("tree_unflatten", "the tree structure {} does not fit the C++ type, whose structure is {}",
                                def.str(), got.str());
  }
  return out;
}

/// Applies `f` to every leaf of `tree` (and the matching leaves of `rest`, which must
/// have the same structure), returning a tree of the same type as `tree`.
template <pytree T, class F, pytree... Ts> T tree_map(F&& f, const T& tree, const Ts&... rest) {
  // Not structured bindings: clang before 16 cannot capture them in the lambdas below.
  std::pair<std::vector<array>, treedef> flat = tree_flatten(tree);
  const std::vector<array>& leaves = flat.first;
  const treedef& def = flat.second;
  std::vector<std::vector<array>> others;
  (
      [&](const auto& r) {
        auto [ls, d] = tree_flatten(r);
        if (!(d == def)) {
          detail::raise<pytree_error>("tree_map", "tree structures differ: {} and {}", def.str(), d.str());
        }
        others.push_back(std::move(ls));
      }(rest),
      ...);
  std::vector<array> mapped;
  mapped.reserve(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      mapped.push_back(array(f(leaves[i], others[I][i]...)));
    }(std::index_sequence_for<Ts...>{});
  }
  return tree_unflatten<T>(def, mapped);
}

/// Replaces the array leaves of `tree` by `f(leaf)`, leaving C++ scalar leaves as they
/// are (transforms use it: scalars are static, arrays are traced).
template <pytree T, class F> T tree_map_arrays(F&& f, const T& tree) {
  T out = tree;
  treedef def;
  detail::tree_walk(out, def, [&](auto& leaf) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(leaf)>, array>) leaf = f(static_cast<const array&>(leaf));
  });
  return out;
}

}  // namespace xjax
