#pragma once
// Structure primitives (broadcast_in_dim, reshape, transpose, squeeze, expand_dims, rev, concatenate, pad, slice, dynamic_slice, dynamic_update_slice, copy, stop_gradient).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).

#include "xjax/lax/structure.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {}  // namespace xjax::prim
