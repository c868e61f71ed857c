#pragma once
// xjax::lax reductions functions (reduce_*, argmax, argmin, cumulative ops, sort, iota); defined in primitives/reductions.hpp.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {


}  // namespace xjax::lax
