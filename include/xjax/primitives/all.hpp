#pragma once
// Every primitive family: the implementation half of xjax (see config.hpp).

#include "xjax/primitives/collectives.hpp"
#include "xjax/primitives/elementwise.hpp"
#include "xjax/primitives/indexing.hpp"
#include "xjax/primitives/linalg.hpp"
#include "xjax/primitives/reductions.hpp"
#include "xjax/primitives/structure.hpp"
