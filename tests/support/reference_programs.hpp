#pragma once
// The reference programs of ../shared/REFERENCE_PROGRAMS.md in C++, as the golden tests
// (gen_autodiff.py, gen_vmap.py) write them in JAX.
#include <map>
#include <string>

#include <xjax/xjax.hpp>

namespace reference {

using xjax::array;

/// The reference linear regression's loss: mean((x @ w - y) ** 2).
inline array linreg_loss(const array& w, const array& x, const array& y) {
  namespace jnp = xjax::numpy;
  return jnp::mean(jnp::power(jnp::dot(x, w) - y, 2));
}

/// The reference MLP's parameters (any sizes).
struct mlp_params {
  array w1, b1, w2, b2;
};
XJAX_PYTREE(mlp_params, w1, b1, w2, b2)

/// The same parameters as a dict, {"w1", "b1", "w2", "b2"}.
using mlp_dict = std::map<std::string, array>;
inline mlp_params from_dict(const mlp_dict& p) { return {p.at("w1"), p.at("b1"), p.at("w2"), p.at("b2")}; }

/// Logits: relu(x @ w1 + b1) @ w2 + b2.
inline array mlp_predict(const mlp_params& p, const array& x) {
  namespace jnp = xjax::numpy;
  array h = xjax::nn::relu(jnp::matmul(x, p.w1) + p.b1);
  return jnp::matmul(h, p.w2) + p.b2;
}

/// Softmax cross-entropy of a batch with int labels.
inline array mlp_loss(const mlp_params& p, const array& x, const array& labels) {
  namespace jnp = xjax::numpy;
  array logp = xjax::nn::log_softmax(mlp_predict(p, x));
  return -jnp::mean(jnp::take_along_axis(logp, labels(xjax::slice(), xjax::newaxis), 1));
}

/// The loss of one example (no batch axis), for per-example gradients.
inline array mlp_example_loss(const mlp_params& p, const array& x, const array& label) {
  return mlp_loss(p, x(xjax::newaxis), label(xjax::newaxis));
}

}  // namespace reference
