#pragma once
// xjax::lax structure functions (broadcast_in_dim, reshape, transpose, squeeze, expand_dims, rev, concatenate, pad, slice, dynamic_slice, dynamic_update_slice, copy, stop_gradient); defined in primitives/structure.hpp.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {


}  // namespace xjax::lax
