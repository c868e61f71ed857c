#pragma once
// xjax::numpy: the jax.numpy API over the lax primitives (`namespace jnp = xjax::numpy;`).
// Each function works eagerly and under every transform, since it only binds primitives.

#include "xjax/numpy/promotion.hpp"
