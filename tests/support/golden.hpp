#pragma once
// Reads golden files written by tests/golden/golden.py and compares arrays the way
// the golden tests need: dtype and shape exactly, integers and bools exactly,
// floats within a tolerance with NaN matching NaN and infinities matching exactly.
//
//   const auto& g = xjax::testing::golden_file::load("elementwise");
//   for (const auto& c : g.cases()) { ... c.inputs ... c.outputs ... c.jaxpr ... }

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

#ifndef XJAX_GOLDEN_DIR
#error "XJAX_GOLDEN_DIR must name tests/golden/data (the CMake build defines it)"
#endif

namespace xjax::testing {

struct golden_case {
  std::string name;
  std::vector<array> inputs;
  std::vector<array> outputs;
  std::string jaxpr;  // JAX's make_jaxpr text, empty when not recorded
};

class golden_file {
 public:
  /// Loads (once) tests/golden/data/<family>.txt.
  static const golden_file& load(const std::string& family) {
    static std::map<std::string, std::unique_ptr<golden_file>> cache;
    auto& slot = cache[family];
    if (!slot) slot.reset(new golden_file(std::string(XJAX_GOLDEN_DIR) + "/" + family + ".txt"));
    return *slot;
  }

  const std::vector<golden_case>& cases() const { return m_cases; }

  const golden_case& get(const std::string& name) const {
    for (auto& c : m_cases)
      if (c.name == name) return c;
    throw std::runtime_error("golden case not found: " + name + " in " + m_path);
  }

 private:
  explicit golden_file(std::string path) : m_path(std::move(path)) {
    std::ifstream in(m_path);
    if (!in) throw std::runtime_error("cannot open golden file " + m_path);
    std::string line;
    golden_case cur;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string tag;
      ls >> tag;
      if (tag == "case") {
        cur = golden_case{};
        ls >> cur.name;
      } else if (tag == "in" || tag == "out") {
        (tag == "in" ? cur.inputs : cur.outputs).push_back(parse_array(ls));
      } else if (tag == "jaxpr") {
        int n = 0;
        ls >> n;
        for (int i = 0; i < n; ++i) {
          std::getline(in, line);
          cur.jaxpr += (i ? "\n" : "") + line;
        }
      } else if (tag == "end") {
        m_cases.push_back(std::move(cur));
      } else {
        throw std::runtime_error("bad line in " + m_path + ": " + line);
      }
    }
  }

  static array parse_array(std::istringstream& ls) {
    std::string dname, dims;
    ls >> dname >> dims;
    dtype d = dtype::from_name(dname);
    shape_t shape;
    std::string inner = dims.substr(1, dims.size() - 2);
    std::istringstream ds(inner);
    std::string tok;
    while (std::getline(ds, tok, ',')) shape.push_back(std::stoll(tok));
    array a = array::empty(shape, d);
    visit_dtype(d, [&](auto tag) {
      using T = decltype(tag);
      T* p = static_cast<T*>(a.mutable_raw_data());
      for (std::int64_t i = 0; i < a.size(); ++i) {
        std::string v;
        ls >> v;
        if constexpr (std::is_same_v<T, bool>) p[i] = v == "1";
        else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) p[i] = static_cast<T>(std::stoll(v));
        else if constexpr (std::is_integral_v<T>) p[i] = static_cast<T>(std::stoull(v));
        else p[i] = T(std::strtod(v.c_str(), nullptr));  // hex floats, nan, inf
      }
    });
    return a;
  }

  std::string m_path;
  std::vector<golden_case> m_cases;
};

/// Default relative tolerance for comparing with JAX: a few ulps of the dtype.
inline double default_rtol(dtype d) {
  if (d == float64) return 1e-12;
  if (d == float32) return 4e-6;
  if (d == float16) return 2e-3;
  if (d == bfloat16) return 1.6e-2;
  return 0;
}

/// Empty when `got` matches `want`; otherwise a message saying where and how it differs.
/// Floats match when |got - want| <= atol + rtol * |want| (rtol < 0: the dtype's default,
/// atol < 0: rtol times the largest |want|, for results that cancel to near zero).
inline std::string compare(const array& got, const array& want, double rtol = -1, double atol = -1) {
  std::ostringstream err;
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    err << "type " << got.aval().str() << " where " << want.aval().str() << " was expected";
    return err.str();
  }
  if (!want.dtype().is_floating()) {
    auto g = got.to_vector<std::int64_t>(), w = want.to_vector<std::int64_t>();
    if (want.dtype() == uint64) {
      auto gu = got.to_vector<std::uint64_t>(), wu = want.to_vector<std::uint64_t>();
      for (std::size_t i = 0; i < gu.size(); ++i)
        if (gu[i] != wu[i]) return "element " + std::to_string(i) + ": got " + std::to_string(gu[i]) + ", want " + std::to_string(wu[i]);
      return "";
    }
    for (std::size_t i = 0; i < g.size(); ++i)
      if (g[i] != w[i]) return "element " + std::to_string(i) + ": got " + std::to_string(g[i]) + ", want " + std::to_string(w[i]);
    return "";
  }
  auto g = got.to_vector<double>(), w = want.to_vector<double>();
  if (rtol < 0) rtol = default_rtol(want.dtype());
  if (atol < 0) {
    double mx = 0;
    for (double v : w)
      if (std::isfinite(v)) mx = std::max(mx, std::abs(v));
    atol = rtol * mx;
  }
  for (std::size_t i = 0; i < g.size(); ++i) {
    bool ok;
    if (std::isnan(w[i])) ok = std::isnan(g[i]);
    else if (std::isinf(w[i])) ok = g[i] == w[i];
    else ok = std::isfinite(g[i]) && std::abs(g[i] - w[i]) <= atol + rtol * std::abs(w[i]);
    if (!ok) {
      err.precision(17);
      err << "element " << i << ": got " << g[i] << ", want " << w[i] << " (rtol " << rtol << ", atol " << atol << ")";
      return err.str();
    }
  }
  return "";
}

}  // namespace xjax::testing
