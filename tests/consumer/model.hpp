#pragma once
// The consumer's model: a pytree of parameters and a function of them.
#include <xjax/xjax.hpp>

namespace consumer {

struct params {
  xjax::array w, b;
};
XJAX_PYTREE(params, w, b)

/// exp(x * w + b)
xjax::array model(const params& p, const xjax::array& x);

}  // namespace consumer
