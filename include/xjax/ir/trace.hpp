#pragma once
// Tracing: the thread-local stack of traces, and bind().
//
// With a trace active, every op is staged into the innermost trace (omnistaging):
// concrete arrays it meets become constants of the jaxpr (0-d ones, C++ scalars
// among them, become literals, as in JAX), and tracers of enclosing traces are captured as
// constants too, so an inner jaxpr can close over an outer tracer. With no trace
// active, bind evaluates the primitive eagerly on the reference backend.

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"
#include "xjax/ir/jaxpr.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax {

/// One trace being recorded: the jaxpr under construction.
class trace_frame : public std::enable_shared_from_this<trace_frame> {
 public:
  trace_frame(std::size_t level, const void* thread) : m_level(level), m_thread(thread) {}

  std::size_t level() const { return m_level; }
  /// Identifies the thread that records this trace (see detail::this_thread_token).
  const void* thread() const { return m_thread; }
  bool active() const { return m_active; }
  void deactivate() { m_active = false; }

  /// A new input variable of the jaxpr, and the tracer that stands for it.
  XJAX_API array new_arg(const aval& av);

  /// The atom an op input becomes in this trace (see the file comment).
  XJAX_API atom to_atom(const array& x, std::string_view op);

  /// Records an equation and returns the tracers of its outputs.
  XJAX_API std::vector<array> add_equation(const primitive& p, std::vector<atom> inputs,
                                           std::vector<aval> out_avals, params_ptr params);

  /// Ends recording: the closed jaxpr whose outputs are `outs`.
  XJAX_API closed_jaxpr finish(std::span<const array> outs, std::string_view op);

 private:
  std::size_t m_level;
  const void* m_thread;
  bool m_active = true;
  std::vector<var> m_invars;
  std::vector<equation> m_eqns;
  std::vector<var> m_constvars;
  std::vector<array> m_const_values;  // keeps captured arrays (and so the map's keys) alive
  std::unordered_map<const detail::array_node*, std::size_t> m_const_index;
};

namespace detail {
/// A token unique to the calling thread (cheaper to include than <thread>).
inline const void* this_thread_token() {
  thread_local char token;
  return &token;
}

inline std::vector<std::shared_ptr<trace_frame>>& trace_stack() {
  thread_local std::vector<std::shared_ptr<trace_frame>> stack;
  return stack;
}

/// The frame a tracer belongs to, after checking that it may be used here.
XJAX_API std::shared_ptr<trace_frame> live_frame_of(const array& x, std::string_view op);
}  // namespace detail

/// Applies primitive `p` to `inputs`: stages an equation into the innermost trace, or
/// with no trace active evaluates it now. The one entry point of every op.
XJAX_API std::vector<array> bind(const primitive& p, std::span<const array> inputs, const params_ptr& params);

template <class Params>
std::vector<array> primitive_of<Params>::bind(std::vector<array> inputs, Params p) const {
  return xjax::bind(*this, inputs, make_params(std::move(p)));
}
/// Pushes a new trace for its lifetime: `trace_scope s; ... s.frame()->new_arg(...)`.
class trace_scope {
 public:
  trace_scope() {
    auto& stack = detail::trace_stack();
    m_frame = std::make_shared<trace_frame>(stack.size(), detail::this_thread_token());
    stack.push_back(m_frame);
  }
  ~trace_scope() {
    m_frame->deactivate();
    detail::trace_stack().pop_back();
  }
  trace_scope(const trace_scope&) = delete;
  trace_scope& operator=(const trace_scope&) = delete;
  trace_frame& frame() { return *m_frame; }

 private:
  std::shared_ptr<trace_frame> m_frame;
};

/// Runs ops eagerly while it lives, even inside a trace: for the constants JAX folds
/// at trace time (a Python scalar converted by dtype promotion). Only concrete arrays
/// may be used inside; a tracer used there is an unrelated_tracer_error.
class eager_scope {
 public:
  eager_scope() { m_saved.swap(detail::trace_stack()); }
  ~eager_scope() { m_saved.swap(detail::trace_stack()); }
  eager_scope(const eager_scope&) = delete;
  eager_scope& operator=(const eager_scope&) = delete;

 private:
  std::vector<std::shared_ptr<trace_frame>> m_saved;
};

/// True while some trace is being recorded on this thread.
inline bool tracing() { return !detail::trace_stack().empty(); }

// ---------------------------------------------------------------------------
// Implementation
#if XJAX_HAS_IMPL

namespace detail {
XJAX_IMPL std::shared_ptr<trace_frame> live_frame_of(const array& x, std::string_view op) {
  auto f = x.node().frame.lock();
  if (!f || !f->active()) {
    raise<escaped_tracer_error>(
        op,
        "encountered an escaped tracer of type {}: it belongs to a trace (make_jaxpr, jit, grad, vmap...) "
        "that has already finished. A traced function must return the arrays it computes rather than store "
        "them in variables that outlive the call (globals, captured references, members); return it as an "
        "output instead.",
        x.aval().str());
  }
  auto& stack = trace_stack();
  if (f->thread() != this_thread_token() || f->level() >= stack.size() || stack[f->level()] != f) {
    raise<unrelated_tracer_error>(
        op,
        "a tracer of type {} from a different trace was mixed into this one: tracers can be used only inside "
        "the trace that created them or traces nested in it (on the same thread). Pass the array as an "
        "argument of the traced function instead.",
        x.aval().str());
  }
  return f;
}
}  // namespace detail

XJAX_IMPL array trace_frame::new_arg(const aval& av) {
  var v = var::fresh(av);
  m_invars.push_back(v);
  return array::make_tracer(weak_from_this(), v.id, av);
}

XJAX_IMPL std::vector<array> trace_frame::add_equation(const primitive& p, std::vector<atom> inputs,
                                                       std::vector<aval> out_avals, params_ptr params) {
  equation e{&p, std::move(inputs), {}, std::move(params)};
  std::vector<array> outs;
  outs.reserve(out_avals.size());
  for (auto& av : out_avals) {
    var v = var::fresh(av);
    e.outputs.push_back(v);
    outs.push_back(array::make_tracer(weak_from_this(), v.id, std::move(av)));
  }
  m_eqns.push_back(std::move(e));
  return outs;
}

XJAX_IMPL closed_jaxpr trace_frame::finish(std::span<const array> outs, std::string_view op) {
  auto j = std::make_shared<jaxpr>();
  for (auto& o : outs) j->outvars.push_back(to_atom(o, op));
  j->constvars = std::move(m_constvars);
  j->invars = std::move(m_invars);
  j->eqns = std::move(m_eqns);
  return closed_jaxpr{std::move(j), std::move(m_const_values)};
}

XJAX_IMPL atom trace_frame::to_atom(const array& x, std::string_view op) {
  const auto& n = x.node();
  if (n.var_id >= 0) {
    auto f = detail::live_frame_of(x, op);
    if (f.get() == this) return var{n.var_id, n.aval};
    if (f->level() > m_level) {
      detail::raise<unrelated_tracer_error>(op, "a tracer of type {} from an inner trace reached an outer one",
                                            n.aval.str());
    }
    // A tracer of an enclosing trace: captured as a constant, like a closed-over array.
  } else if (n.aval.shape.empty()) {  // 0-d constants are literals, as JAX's scalars and 0-d arrays
    return literal{x};
  }
  auto [it, inserted] = m_const_index.try_emplace(&n, m_constvars.size());
  if (inserted) {
    m_constvars.push_back(var::fresh(n.aval));
    m_const_values.push_back(x);
  }
  return m_constvars[it->second];
}

namespace detail {
/// The eager path's memo of the last few validated signatures: shape rules are pure
/// functions of (primitive, input avals, params), so an eager op whose signature
/// passed its shape rule recently need not run it again (JAX caches its eager ops'
/// executables by the same key). Only successes are recorded; errors are raised anew.
/// A primitive is identified by its address (primitives are statics, see primitive.hpp).
class validated_signatures {
 public:
  bool contains(const primitive& p, std::span<const array> inputs, const params_ptr& params) const {
    for (const entry& e : m_entries) {
      if (e.prim == &p && matches(e, inputs, params)) return true;
    }
    return false;
  }
  void insert(const primitive& p, std::vector<aval> in_avals, const params_ptr& params) {
    m_entries[m_next] = entry{&p, std::move(in_avals), params};
    m_next = (m_next + 1) % m_entries.size();
  }

 private:
  struct entry {
    const primitive* prim = nullptr;
    std::vector<aval> avals;
    params_ptr params;
  };
  static bool matches(const entry& e, std::span<const array> inputs, const params_ptr& params) {
    if (e.avals.size() != inputs.size()) return false;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!(inputs[i].aval() == e.avals[i])) return false;
    }
    return e.params == params || e.params->equals(*params);
  }
  std::array<entry, 8> m_entries;
  std::size_t m_next = 0;
};

inline validated_signatures& eager_validated() {
  thread_local validated_signatures memo;
  return memo;
}
}  // namespace detail

XJAX_IMPL std::vector<array> bind(const primitive& p, std::span<const array> inputs, const params_ptr& params) {
  auto& stack = detail::trace_stack();
  if (stack.empty()) {
    for (auto& x : inputs) {
      if (x.is_tracer()) detail::live_frame_of(x, p.name());  // throws the right tracer error
    }
    auto& memo = detail::eager_validated();
    if (!memo.contains(p, inputs, params)) {
      std::vector<aval> in_avals = avals_of(inputs);
      p.abstract_eval(in_avals, *params);  // validates; the error a user sees comes from here
      memo.insert(p, std::move(in_avals), params);
    }
    return p.eval_reference(inputs, *params);
  }
  trace_frame& top = *stack.back();
  std::vector<atom> atoms;
  atoms.reserve(inputs.size());
  for (auto& x : inputs) atoms.push_back(top.to_atom(x, p.name()));
  return top.add_equation(p, std::move(atoms), p.abstract_eval(avals_of(inputs), *params), params);
}

XJAX_IMPL void array::require_concrete(std::string_view what) const {
  const auto& n = node();
  if (n.var_id >= 0) {
    detail::raise<concretization_error>(
        what,
        "abstract tracer value encountered where a concrete value is expected: a tracer of type {} cannot be "
        "converted to a C++ value while tracing. Use lax operations (lax::select_n instead of `if`, lax::max "
        "instead of std::max) so the choice is made at run time, or pass the value as a static C++ argument.",
        n.aval.str());
  }
}

#endif  // XJAX_HAS_IMPL

}  // namespace xjax
