#pragma once
// Prints a jaxpr in JAX's text format, exactly as `str(jax.make_jaxpr(f)(x))` does:
//
//   { lambda ; a:f32[3,4] b:f32[]. let c:f32[3,4] = mul a b in (c,) }
//
//   { lambda a:f32[3]; b:f32[3]. let
//       c:f32[3] = mul b a
//       d:f32[3] = exp c
//     in (d,) }
//
// The layout is not decided here by rules of thumb: the printer builds the same
// document JAX builds (jax/_src/core.py, pp_jaxpr and friends) in a small Wadler-style
// document model (xjax::pp: text, concat, break, group, nest) and lays it out with
// the same algorithm as JAX's pretty printer (jaxlib/_pretty_printer.cc) at width 80.
// A group prints flat when all of it fits in what is left of the line, and otherwise
// turns its own breaks into newlines; so a jaxpr prints on one line when it fits,
// equations go one per line otherwise, and an equation whose params do not fit puts
// one param per line (as JAX does for gather).
//
// Variables are named a, b, ..., z, ba, bb, ... in order of appearance (constvars,
// invars, then equation outputs); outputs no one reads print as `_`.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax {

/// The jaxpr in JAX's text format.
XJAX_API std::string to_string(const jaxpr& j);
inline std::string to_string(const closed_jaxpr& j) { return to_string(*j.jaxpr); }
inline std::ostream& operator<<(std::ostream& os, const jaxpr& j) { return os << to_string(j); }
inline std::ostream& operator<<(std::ostream& os, const closed_jaxpr& j) { return os << to_string(j); }

/// A pretty-printer document, as JAX's (jax/_src/pretty_printer.py): text, breaks
/// that are either their text or a newline, groups that choose between the two for
/// all their breaks, nesting that indents the lines a break starts.
///
///   using namespace xjax::pp;
///   doc d = group(nest(2, text("f(") + brk("") + text("x") + text(")")));
///   format(d);          // "f(x)"
///   format(d, 3);       // "f(\n  x)"
namespace pp {

namespace detail {
struct doc_node;
}

/// An immutable document; copying one is cheap (shared structure).
class doc {
 public:
  /// The empty document.
  doc() = default;
  explicit doc(std::shared_ptr<const detail::doc_node> n) : m_node(std::move(n)) {}
  const detail::doc_node* node() const { return m_node.get(); }

 private:
  std::shared_ptr<const detail::doc_node> m_node;  // null: the empty document
};

/// Literal text. Its width is its length in bytes, newlines included (as JAX counts it).
XJAX_API doc text(std::string s);
/// A line break: `s` when its group prints flat, else a newline and the indentation.
XJAX_API doc brk(std::string s = " ");
XJAX_API doc concat(std::vector<doc> children);
/// Prints flat if the whole group fits in what remains of the line, else breaks.
XJAX_API doc group(doc child);
/// Indents by `n` the lines that breaks inside `child` start.
XJAX_API doc nest(int n, doc child);
/// `docs` separated by `sep`.
XJAX_API doc join(const doc& sep, std::vector<doc> docs);
inline doc operator+(doc a, doc b) { return concat({std::move(a), std::move(b)}); }

/// Lays the document out in `width` columns (JAX's default for str(jaxpr) is 80).
XJAX_API std::string format(const doc& d, int width = 80);

}  // namespace pp

/// Builds JAX's document for jaxprs. One printer names variables once for everything
/// it prints, so sub-jaxprs (control flow params) share the enclosing names, as in JAX.
class jaxpr_printer {
 public:
  /// The document of a whole jaxpr (JAX's pp_jaxpr).
  XJAX_API pp::doc jaxpr_doc(const jaxpr& j);
  /// The document of one equation (JAX's _pp_eqn).
  XJAX_API pp::doc equation_doc(const equation& e);
  /// A parameter `name=value` (JAX's pp_kv_pair); `value` may be a multi-line document.
  XJAX_API static pp::doc param_doc(const std::string& name, pp::doc value);
  /// The document of a whole jaxpr as str() prints it (JAX's pp_toplevel_jaxpr):
  /// sub-jaxprs used more than once or with more than 10 equations are printed first,
  /// as `let jaxpr = { ... } in`, and referred to by name.
  XJAX_API pp::doc toplevel_doc(const jaxpr& j);

 private:
  const std::string& name(const var& v);
  pp::doc vars_doc(const std::vector<var>& vs, bool binders);
  pp::doc atoms_doc(const std::vector<atom>& as, const std::string& sep);
  std::string atom_text(const atom& a);

  std::unordered_set<std::int64_t> m_dropped;  // equation outputs no one reads: `_`
  std::unordered_map<const jaxpr*, std::string> m_shared;  // sub-jaxprs printed once, by name
  std::unordered_map<std::int64_t, std::string> m_names;
  std::size_t m_next_name = 0;
};

namespace detail {
/// A literal's value as JAX prints it: `str(np.asarray(val).item())`.
XJAX_API std::string literal_repr(const array& v);
/// JAX's variable names: a..z, then ba, bb, ... (base 26 with 'a' as the zero digit).
XJAX_API std::string var_name(std::size_t n);
}  // namespace detail

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL
}  // namespace xjax
#include <charconv>
#include <stack>
namespace xjax {

namespace pp {
namespace detail {
enum class doc_kind { text, brk, concat, group, nest };
struct doc_node {
  doc_kind kind;
  std::string text;          // text, brk
  int indent = 0;            // nest
  std::vector<doc> children; // concat; group and nest have one child
};

/// JAX's Fits: does `d`, printed flat, fit in `width` columns?
inline bool fits(const doc_node* d, int width) {
  std::stack<const doc_node*> agenda;
  agenda.push(d);
  while (width >= 0 && !agenda.empty()) {
    const doc_node* n = agenda.top();
    agenda.pop();
    if (!n) continue;
    switch (n->kind) {
      case doc_kind::text:
      case doc_kind::brk: width -= static_cast<int>(n->text.size()); break;
      case doc_kind::concat:
        for (auto it = n->children.rbegin(); it != n->children.rend(); ++it) agenda.push(it->node());
        break;
      case doc_kind::group:
      case doc_kind::nest: agenda.push(n->children[0].node()); break;
    }
  }
  return width >= 0;
}
}  // namespace detail

XJAX_IMPL doc text(std::string s) {
  return doc(std::make_shared<const detail::doc_node>(detail::doc_node{detail::doc_kind::text, std::move(s), 0, {}}));
}
XJAX_IMPL doc brk(std::string s) {
  return doc(std::make_shared<const detail::doc_node>(detail::doc_node{detail::doc_kind::brk, std::move(s), 0, {}}));
}
XJAX_IMPL doc concat(std::vector<doc> children) {
  return doc(std::make_shared<const detail::doc_node>(
      detail::doc_node{detail::doc_kind::concat, {}, 0, std::move(children)}));
}
XJAX_IMPL doc group(doc child) {
  return doc(std::make_shared<const detail::doc_node>(
      detail::doc_node{detail::doc_kind::group, {}, 0, {std::move(child)}}));
}
XJAX_IMPL doc nest(int n, doc child) {
  return doc(std::make_shared<const detail::doc_node>(
      detail::doc_node{detail::doc_kind::nest, {}, n, {std::move(child)}}));
}
XJAX_IMPL doc join(const doc& sep, std::vector<doc> docs) {
  if (docs.size() <= 1) return docs.empty() ? doc() : docs[0];
  std::vector<doc> xs;
  xs.reserve(2 * docs.size() - 1);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (i) xs.push_back(sep);
    xs.push_back(std::move(docs[i]));
  }
  return concat(std::move(xs));
}

XJAX_IMPL std::string format(const doc& d, int width) {
  // Lindig's strictly pretty printer, as jaxlib/_pretty_printer.cc runs it: the
  // agenda holds (indentation, break mode, document); the top level is in break mode;
  // a group is flat when it fits in the columns left on the current line.
  struct item {
    int indent;
    bool flat;
    const detail::doc_node* node;
  };
  std::stack<item> agenda;
  agenda.push({0, false, d.node()});
  std::string out;
  int k = 0;  // the current column, as JAX counts it (text widths in bytes)
  while (!agenda.empty()) {
    item it = agenda.top();
    agenda.pop();
    const detail::doc_node* n = it.node;
    if (!n) continue;
    switch (n->kind) {
      case detail::doc_kind::text:
        out += n->text;
        k += static_cast<int>(n->text.size());
        break;
      case detail::doc_kind::brk:
        if (it.flat) {
          out += n->text;
          k += static_cast<int>(n->text.size());
        } else {
          out += '\n';
          out.append(static_cast<std::size_t>(it.indent), ' ');
          k = it.indent;
        }
        break;
      case detail::doc_kind::concat:
        for (auto c = n->children.rbegin(); c != n->children.rend(); ++c) agenda.push({it.indent, it.flat, c->node()});
        break;
      case detail::doc_kind::group:
        agenda.push({it.indent, detail::fits(n, width - k), n->children[0].node()});
        break;
      case detail::doc_kind::nest: agenda.push({it.indent + n->indent, it.flat, n->children[0].node()}); break;
    }
  }
  return out;
}
}  // namespace pp

namespace detail {
XJAX_IMPL std::string var_name(std::size_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

XJAX_IMPL std::string python_float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // The shortest round-trip digits, from scientific notation: "-d.ddde+XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  std::string sign;
  if (s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  auto e = s.find('e');
  int exp10 = std::stoi(s.substr(e + 1));
  std::string digits;
  for (char c : s.substr(0, e))
    if (c != '.') digits += c;
  int decpt = exp10 + 1;  // value = 0.<digits> * 10^decpt
  int nd = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    std::string m = digits.substr(0, 1);
    if (nd > 1) m += "." + digits.substr(1);
    int ex = decpt - 1;
    std::string es = std::to_string(ex < 0 ? -ex : ex);
    if (es.size() < 2) es = "0" + es;
    return sign + m + "e" + (ex < 0 ? "-" : "+") + es;
  }
  if (decpt <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
  if (decpt >= nd) return sign + digits + std::string(static_cast<std::size_t>(decpt - nd), '0') + ".0";
  return sign + digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
}

XJAX_IMPL std::string literal_repr(const array& v) {
  dtype d = v.dtype();
  if (d.is_bool()) return v.item<bool>() ? "True" : "False";
  if (d.is_unsigned_integer()) return std::to_string(v.item<std::uint64_t>());
  if (d.is_integer()) return std::to_string(v.item<std::int64_t>());
  // A C++ floating-point scalar (a weakly typed f32) prints as the value written, as a
  // Python float does in JAX, not its float32 rounding; any other value (a scalar
  // converted to another dtype included) as its exact value, widened to double.
  const auto& src = v.node().scalar_source;
  if (src && d == float32 && v.weak_type()) return python_float_repr(*src);
  return python_float_repr(v.item<double>());
}
}  // namespace detail

XJAX_IMPL const std::string& jaxpr_printer::name(const var& v) {
  auto it = m_names.find(v.id);
  if (it == m_names.end()) it = m_names.emplace(v.id, detail::var_name(m_next_name++)).first;
  return it->second;
}

// JAX's pp_vars with print_shapes: nest(2, group(join(group(brk()), [name:aval...]))).
XJAX_IMPL pp::doc jaxpr_printer::vars_doc(const std::vector<var>& vs, bool binders) {
  std::vector<pp::doc> docs;
  docs.reserve(vs.size());
  for (auto& v : vs) {
    const std::string nm = binders && m_dropped.count(v.id) ? std::string("_") : name(v);
    docs.push_back(pp::text(nm) + pp::text(":" + v.aval.str()));
  }
  return pp::nest(2, pp::group(pp::join(pp::group(pp::brk()), std::move(docs))));
}

// JAX's pp_vars without shapes, for equation inputs and jaxpr outputs.
XJAX_IMPL pp::doc jaxpr_printer::atoms_doc(const std::vector<atom>& as, const std::string& sep) {
  std::vector<pp::doc> docs;
  docs.reserve(as.size());
  for (auto& a : as) docs.push_back(pp::text(atom_text(a)));
  return pp::nest(2, pp::group(pp::join(pp::text(sep) + pp::group(pp::brk()), std::move(docs))));
}

XJAX_IMPL std::string jaxpr_printer::atom_text(const atom& a) {
  if (auto* v = std::get_if<var>(&a)) return name(*v);
  const literal& l = std::get<literal>(a);
  return detail::literal_repr(l.value) + ":" + l.aval().str();
}

XJAX_IMPL pp::doc jaxpr_printer::param_doc(const std::string& name, pp::doc value) {
  return pp::text(name + "=") + std::move(value);
}

XJAX_IMPL pp::doc jaxpr_printer::equation_doc(const equation& e) {
  pp::doc lhs = vars_doc(e.outputs, true);
  auto items = e.params ? e.params->items() : std::vector<param_item>{};
  // Sorted by name, except that a `name` param comes first (as JAX prints
  // custom_jvp_call[name=... call_jaxpr=...] and jit[name=... jaxpr=...]).
  std::sort(items.begin(), items.end(), [](auto& a, auto& b) {
    if ((a.name == "name") != (b.name == "name")) return a.name == "name";
    return a.name < b.name;
  });
  pp::doc params;
  if (!items.empty()) {
    // JAX's pp_kv_pairs: group([ nest(2, "[" brk("") k=v brk k=v ...) brk("") "]" ]).
    std::vector<pp::doc> kvs;
    for (auto& item : items) {
      // A jaxpr param continues this printer's names (JAX's shared context).
      pp::doc value = pp::text(item.text);
      if (item.sub_jaxpr) {
        auto shared = m_shared.find(item.sub_jaxpr.get());
        value = shared != m_shared.end() ? pp::text(shared->second) : jaxpr_doc(*item.sub_jaxpr);
      }
      kvs.push_back(param_doc(item.name, std::move(value)));
    }
    params = pp::group(pp::concat({pp::nest(2, pp::concat({pp::text("["), pp::brk(""), pp::join(pp::brk(), std::move(kvs))})),
                                   pp::brk(""), pp::text("]")}));
  }
  pp::doc rhs = pp::concat({pp::text(std::string(e.prim->name())), params, pp::text(" ") + atoms_doc(e.inputs, "")});
  if (e.outputs.empty()) return rhs;
  return pp::concat({lhs, pp::text(" = "), rhs});
}

XJAX_IMPL pp::doc jaxpr_printer::jaxpr_doc(const jaxpr& j) {
  // JAX's _dropvars: equation outputs that no later equation and no output reads.
  std::unordered_set<std::int64_t> used;
  for (auto& a : j.outvars)
    if (auto* v = std::get_if<var>(&a)) used.insert(v->id);
  for (auto e = j.eqns.rbegin(); e != j.eqns.rend(); ++e) {
    for (auto& v : e->outputs)
      if (!used.count(v.id)) m_dropped.insert(v.id);
    for (auto& a : e->inputs)
      if (auto* v = std::get_if<var>(&a)) used.insert(v->id);
  }
  // Names are given in this order: constvars, invars, equations, outputs.
  pp::doc constvars = vars_doc(j.constvars, true);
  pp::doc invars = vars_doc(j.invars, true);
  std::vector<pp::doc> eqns;
  eqns.reserve(j.eqns.size());
  for (auto& e : j.eqns) eqns.push_back(equation_doc(e));
  pp::doc outvars = pp::concat({pp::text("("), atoms_doc(j.outvars, ","), pp::text(j.outvars.size() == 1 ? ",)" : ")")});
  // JAX's pp_jaxpr_skeleton.
  return pp::group(pp::nest(2, pp::concat({pp::text("{ "), pp::text("lambda "), constvars, pp::text("; "), invars,
                                           pp::text(". "), pp::text("let"),
                                           pp::nest(2, pp::brk() + pp::join(pp::brk("; "), std::move(eqns))), pp::brk(),
                                           pp::text("in "), outvars})) +
                   pp::text(" }"));
}

XJAX_IMPL pp::doc jaxpr_printer::toplevel_doc(const jaxpr& j) {
  // Count the uses of each jaxpr, breadth first, in JAX's order; big ones count twice.
  std::vector<const jaxpr*> order;
  std::unordered_map<const jaxpr*, int> counts;
  std::vector<const jaxpr*> queue{&j};
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const jaxpr* x = queue[head];
    if (!counts.count(x)) order.push_back(x);
    counts[x] += (x != &j && x->eqns.size() > 10) ? 2 : 1;
    for (auto& e : x->eqns) {
      if (!e.params) continue;
      for (auto& item : e.params->items()) {
        if (item.sub_jaxpr) queue.push_back(item.sub_jaxpr.get());
      }
    }
  }
  std::vector<pp::doc> docs;
  int shared = 0;
  for (const jaxpr* x : order) {
    if (counts[x] < 2 || x == &j) continue;
    std::string nm = shared == 0 ? "jaxpr" : "jaxpr" + std::to_string(shared);
    ++shared;
    docs.push_back(pp::concat({pp::text("let " + nm + " = "), jaxpr_doc(*x), pp::text(" in"), pp::brk()}));
    m_shared.emplace(x, std::move(nm));
  }
  docs.push_back(jaxpr_doc(j));
  return pp::concat(std::move(docs));
}

XJAX_IMPL std::string to_string(const jaxpr& j) { return pp::format(jaxpr_printer().toplevel_doc(j)); }
#endif  // XJAX_HAS_IMPL

}  // namespace xjax
