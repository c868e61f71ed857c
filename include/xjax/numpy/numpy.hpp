#pragma once
// xjax::numpy: the jax.numpy API over the lax primitives (`namespace jnp = xjax::numpy;`).
// Each function works eagerly and under every transform, since it only binds primitives.

#include "xjax/numpy/broadcast.hpp"
#include "xjax/numpy/creation.hpp"
#include "xjax/numpy/indexing.hpp"
#include "xjax/numpy/linalg.hpp"
#include "xjax/numpy/manipulation.hpp"
#include "xjax/numpy/operators.hpp"
#include "xjax/numpy/promotion.hpp"
#include "xjax/numpy/reductions.hpp"
#include "xjax/numpy/sorting.hpp"
#include "xjax/numpy/ufuncs.hpp"
#include "xjax/scipy/special.hpp"
