#pragma once
// Indexing primitives (gather, scatter, scatter_add).
// An implementation header: <xjax/xjax.hpp> includes it only where definitions are
// compiled (see config.hpp).

#include "xjax/lax/indexing.hpp"
#include "xjax/ir/trace.hpp"
#include "xjax/primitives/primitive.hpp"

namespace xjax::prim {}  // namespace xjax::prim
