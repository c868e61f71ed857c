#pragma once
// xjax::lax: one function per primitive, as jax.lax has. Each binds its primitive;
// the definitions live beside the primitives (primitives/*.hpp).
//
//   namespace lax = xjax::lax;
//   xjax::array y = lax::exp(lax::mul(x, 2.0));
//
// lax functions do not promote dtypes (operands of binary ops must share one dtype;
// xjax::numpy promotes) and broadcast only 0-d operands, as jax.lax.

#include "xjax/lax/collectives.hpp"
#include "xjax/lax/elementwise.hpp"
#include "xjax/lax/indexing.hpp"
#include "xjax/lax/linalg.hpp"
#include "xjax/lax/reductions.hpp"
#include "xjax/lax/structure.hpp"
