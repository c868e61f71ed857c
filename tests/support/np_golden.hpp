#pragma once
// Shared by the numpy golden tests: golden case names that carry the call's params
// ("<fn>;<key>=<value>;...;<tag>"), a runner that replays every case of a function
// eagerly, traced (only lax primitives; JAX's text where asked) and through
// eval_jaxpr, and an error checker.

#include <doctest/doctest.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <xjax/xjax.hpp>

#include "support/golden.hpp"

namespace xjax::testing::np_golden {

using xjax::array;
using xjax::shape_t;

/// A golden case name "<fn>;<key>=<value>;...;<tag>", split.
struct case_name {
  std::string op;
  std::map<std::string, std::string> params;

  explicit case_name(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    for (std::string p; std::getline(ss, p, ';');) parts.push_back(p);
    op = parts.front();
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      params[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
    }
  }
  const std::string& str(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) throw std::runtime_error("golden case " + op + " lacks param " + key);
    return it->second;
  }
  bool none(const std::string& key) const { return str(key) == "none"; }
  std::int64_t integer(const std::string& key) const { return std::stoll(str(key)); }
  std::optional<std::int64_t> opt_int(const std::string& key) const {
    if (none(key)) return std::nullopt;
    return integer(key);
  }
  bool flag(const std::string& key) const { return integer(key) != 0; }
  /// A C++ number as the Python one: a float when it has a '.', else an int.
  array scalar(const std::string& key) const {
    const std::string& s = str(key);
    if (s.find('.') != std::string::npos) return array(std::stod(s));
    return array(static_cast<int>(std::stoll(s)));
  }
  std::optional<xjax::dtype> dtype(const std::string& key = "dtype") const {
    if (none(key)) return std::nullopt;
    return xjax::dtype::from_name(str(key));
  }
  shape_t ints(const std::string& key) const {
    shape_t out;
    std::stringstream ss(str(key));
    for (std::string t; std::getline(ss, t, ',');) out.push_back(std::stoll(t));
    return out;
  }
  std::optional<shape_t> opt_ints(const std::string& key) const {
    if (none(key)) return std::nullopt;
    return ints(key);
  }
};

using op_fn = std::function<std::vector<array>(const case_name&, const std::vector<array>&)>;

template <class F> op_fn one(F f) {
  return [f](const case_name& c, const std::vector<array>& xs) { return std::vector<array>{f(c, xs)}; };
}

/// Exact comparison (NaN as NaN, signed zeros alike) unless `tolerant`.
inline std::string compare_values(const array& got, const array& want, bool tolerant) {
  return xjax::testing::compare(got, want, tolerant ? -1 : 0, tolerant ? -1 : 0);
}

/// True when every equation of the jaxpr text binds a lax primitive (no pjit/jit).
inline bool only_lax(const std::string& text) { return text.find("jit[") == std::string::npos && text.find("pjit") == std::string::npos; }

/// Replays every golden case of `op` of `family`: eagerly, traced (the jaxpr must hold
/// only lax primitives, and be JAX's text where `exact_text`), and through eval_jaxpr.
/// With `skip_64bit_text`, cases named with "64" are not compared as text (JAX with x64
/// builds some iotas of its 64-bit default int where xjax keeps int32).
inline void run_golden(const std::string& family, const std::map<std::string, op_fn>& table, const std::string& op,
                       bool tolerant, bool exact_text, int* text_matches = nullptr, bool skip_64bit_text = false) {
  const auto& file = xjax::testing::golden_file::load(family);
  const op_fn& fn = table.at(op);
  int n = 0;
  for (const auto& g : file.cases()) {
    case_name c(g.name);
    if (c.op != op) continue;
    ++n;
    INFO("case " << g.name);
    std::vector<array> got = fn(c, g.inputs);
    REQUIRE(got.size() == g.outputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      std::string err = compare_values(got[i], g.outputs[i], tolerant);
      CHECK_MESSAGE(err.empty(), "eager output " << i << ": " << err);
    }
    auto j = xjax::make_jaxpr([&](const std::vector<array>& xs) { return fn(c, xs); })(g.inputs);
    const std::string text = xjax::to_string(j);
    CHECK(only_lax(text));
    const bool x64 = skip_64bit_text && g.name.find("64") != std::string::npos;
    if (exact_text && !x64 && only_lax(g.jaxpr)) CHECK(text == g.jaxpr);
    if (text_matches && text == g.jaxpr) ++*text_matches;
    std::vector<array> staged = xjax::eval_jaxpr(j, g.inputs);
    REQUIRE(staged.size() == g.outputs.size());
    for (std::size_t i = 0; i < staged.size(); ++i) {
      std::string err = compare_values(staged[i], g.outputs[i], tolerant);
      CHECK_MESSAGE(err.empty(), "eval_jaxpr output " << i << ": " << err);
    }
  }
  CHECK_MESSAGE(n > 0, "no golden case for " << op);
}

/// Runs f, which must throw E whose message contains every one of `needles`.
template <class E, class F> void check_error(F&& f, std::initializer_list<std::string_view> needles) {
  try {
    f();
    FAIL("no error was thrown");
  } catch (const E& e) {
    std::string what = e.what();
    for (auto n : needles) CHECK_MESSAGE(what.find(n) != std::string::npos, "'" << n << "' not in: " << what);
  } catch (const std::exception& e) {
    FAIL("wrong exception type: " << e.what());
  }
}

}  // namespace xjax::testing::np_golden
