#pragma once
// Reductions primitives (reduce_*, argmax, argmin, cumulative ops, sort, iota).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).

#include "xjax/lax/reductions.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {}  // namespace xjax::prim
