#pragma once
// Linalg primitives (dot_general).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).

#include "xjax/lax/linalg.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {}  // namespace xjax::prim
