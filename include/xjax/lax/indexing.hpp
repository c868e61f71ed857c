#pragma once
// xjax::lax indexing functions (gather, scatter, scatter_add); defined in primitives/indexing.hpp.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {


}  // namespace xjax::lax
