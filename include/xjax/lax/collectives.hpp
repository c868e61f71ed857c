#pragma once
// xjax::lax collectives over named axes (psum, pmean, pmax, pmin, all_gather,
// axis_index, ppermute, all_to_all, psum_scatter, axis_size); defined in
// primitives/collectives.hpp. Names, arguments and semantics are jax.lax's.
//
// A collective works across the elements of a mapped axis that an enclosing
// xjax::vmap names with axis_name (and, later, pmap): each element sees the result of
// communicating with the others. Outside a transform that binds the name, using it is
// an error ("unbound axis name"), at trace time as eagerly.
//
//   namespace lax = xjax::lax;
//   auto normalize = [](const xjax::array& x) { return x / lax::psum(x, "i"); };
//   xjax::vmap(normalize, 0, 0, "i")(xs);                 // each row divided by the column sums
//   xjax::vmap([](const xjax::array& x) { return lax::all_gather(x, "i"); }, 0, 0, "i")(xs);
//   xjax::vmap([](const xjax::array& x) {                 // shift by one along the batch
//     return lax::ppermute(x, "i", {{0, 1}, {1, 2}, {2, 3}, {3, 0}});
//   }, 0, 0, "i")(xs /* 4 rows */);
//
// An axis_names argument is one name ("i") or a list of names ({"i", "j"}: the
// collective works over their product, the first name major, as JAX's).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {

/// The axis name, or names, of a collective: "i", or {"i", "j"} (JAX's str or tuple).
class axis_names {
 public:
  axis_names(const char* name) : m_names{std::string(name)}, m_single(true) {}  // NOLINT: implicit, as a str
  axis_names(std::string name) : m_names{std::move(name)}, m_single(true) {}  // NOLINT
  axis_names(std::string_view name) : m_names{std::string(name)}, m_single(true) {}  // NOLINT
  axis_names(std::initializer_list<std::string> names) : m_names(names) {}  // NOLINT: a tuple of names
  axis_names(std::vector<std::string> names) : m_names(std::move(names)) {}  // NOLINT

  const std::vector<std::string>& names() const { return m_names; }
  /// True when given as one name rather than a list (jax.lax's str versus tuple).
  bool single() const { return m_single; }

 private:
  std::vector<std::string> m_names;
  bool m_single = false;
};

/// A permutation for ppermute: (source index, destination index) pairs.
using axis_permutation = std::vector<std::pair<std::int64_t, std::int64_t>>;

/// The sum of x over the elements of the named axes. Bool operands are summed as int32.
/// A concrete x (not a traced value) gives x times the axes' size at once, as JAX's:
/// `x / lax::psum(1, "i")` divides by the axis size.
XJAX_API array psum(const array& x, const axis_names& axes);
/// psum(x) / the axes' size (true division: integer operands give floats), as JAX's.
XJAX_API array pmean(const array& x, const axis_names& axes);
/// The maximum of x over the elements of the named axes (not differentiable, as in JAX).
XJAX_API array pmax(const array& x, const axis_names& axes);
/// The minimum of x over the elements of the named axes (not differentiable, as in JAX).
XJAX_API array pmin(const array& x, const axis_names& axes);

/// Every element's x, stacked along a new dimension at `axis` (negative counts from the
/// end of the result), or with `tiled` concatenated along the existing dimension `axis`.
XJAX_API array all_gather(const array& x, const axis_names& axes, std::int64_t axis = 0, bool tiled = false);

/// The index of the current element along the named axis (int32). For several names,
/// the index into their product (the first name major).
XJAX_API array axis_index(const axis_names& axes);

/// The size of the named axis, or the product of the sizes of several (JAX's axis_size).
XJAX_API std::int64_t axis_size(const axis_names& axes);

/// Sends each element's x to another: the destination of each (source, destination)
/// pair receives the source's x; a destination that no pair names receives zeros.
/// Sources are distinct, destinations are distinct, each in [0, axis size).
XJAX_API array ppermute(const array& x, const axis_names& axes, const axis_permutation& perm);

/// Splits dimension `split_axis` of x into one chunk per element and sends chunk k to
/// element k; the received chunks are stacked along a new dimension `concat_axis`
/// (x.shape[split_axis] must equal the axis size; the split dimension is removed).
/// With `tiled`, x.shape[split_axis] must be divisible by the axis size, and the chunks
/// are concatenated along the existing dimension `concat_axis`.
XJAX_API array all_to_all(const array& x, const axis_names& axes, std::int64_t split_axis, std::int64_t concat_axis,
                          bool tiled = false);

/// psum, of which each element keeps its own slice of `scatter_dimension`: element k gets
/// index k of it (the dimension's size must equal the axis size; it is removed), or with
/// `tiled` the k-th of axis-size equal chunks. A negative scatter_dimension counts from
/// the end.
XJAX_API array psum_scatter(const array& x, const axis_names& axes, std::int64_t scatter_dimension = 0,
                            bool tiled = false);

}  // namespace xjax::lax
