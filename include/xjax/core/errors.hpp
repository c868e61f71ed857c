#pragma once
// The exception hierarchy. Every mistake a user can make throws one of these,
// with a message that starts with the operation in brackets ("[reduce_sum] ..."),
// names the offending shapes, dtypes or values, and says what would be accepted.

#include <stdexcept>  // std::runtime_error
#include <string>

#include <fmt/core.h>

namespace xjax {

/// Base of every error xjax throws on bad input.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Shapes that do not fit together (elementwise operands, dot_general dims...).
class shape_error : public error {
 public:
  using error::error;
};

/// A dtype an operation does not accept, or operands whose dtypes differ.
class type_error : public error {
 public:
  using error::error;
};

/// A parameter value out of range: an axis, a permutation, a slice bound...
class value_error : public error {
 public:
  using error::error;
};

/// Pytrees whose structures differ, or a type that is not a pytree.
class pytree_error : public error {
 public:
  using error::error;
};

/// Misuse of a tracer: base of the three tracer errors below.
class tracer_error : public error {
 public:
  using error::error;
};

/// A tracer was converted to a concrete C++ value (`item`, `bool`) during tracing.
class concretization_error : public tracer_error {
 public:
  using tracer_error::tracer_error;
};

/// A tracer was used after the trace that created it had ended.
class escaped_tracer_error : public tracer_error {
 public:
  using tracer_error::tracer_error;
};

/// Tracers of traces that are not nested in one another were mixed in one op.
class unrelated_tracer_error : public tracer_error {
 public:
  using tracer_error::tracer_error;
};

/// A transform met a primitive that has no rule for it.
class not_implemented_error : public error {
 public:
  using error::error;
};

namespace detail {
/// Formats "[op] message" and throws E.
template <class E, class... Args>
[[noreturn]] void raise(std::string_view op, fmt::format_string<Args...> f, Args&&... args) {
  throw E(fmt::format("[{}] {}", op, fmt::format(f, std::forward<Args>(args)...)));
}
}  // namespace detail

}  // namespace xjax
