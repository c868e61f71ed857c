#pragma once
// xjax::lax linalg functions (dot_general); defined in primitives/linalg.hpp.

#include "xjax/config.hpp"
#include "xjax/core/array.hpp"

namespace xjax::lax {


}  // namespace xjax::lax
