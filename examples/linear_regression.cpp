// The reference linear regression (../shared/REFERENCE_PROGRAMS.md), in C++:
//
//   def loss(w, x, y):
//       return jnp.mean((jnp.dot(x, w) - y) ** 2)
//   grad_loss = jax.grad(loss)            # jax.jit(jax.grad(loss)) once xjax has jit
//
// fitted by gradient descent on synthetic data made with a fixed seed. It prints the
// jaxpr of the gradient, the loss falling, and the recovered weights next to the true
// ones.
//
// Build and run it with `./scripts/quickstart example`, or in a CMake build:
// `cmake --build build --target linear_regression && ./build/examples/linear_regression`.
#include <cstdio>
#include <iostream>
#include <random>
#include <vector>

#include <xjax/xjax.hpp>

namespace jnp = xjax::numpy;
using xjax::array;

namespace {

/// A float32 array of `shape` with elements drawn by `draw`.
template <class Draw> array random_array(const xjax::shape_t& shape, Draw&& draw) {
  std::vector<float> v(static_cast<std::size_t>(xjax::shape_size(shape)));
  for (auto& e : v) e = static_cast<float>(draw());
  return array::from_vector(v, shape);
}

}  // namespace

int main() {
  // The model: y = x @ w_true + noise, with 8 features and 3 outputs.
  constexpr std::int64_t n = 256, features = 8, outputs = 3;
  std::mt19937 rng(42);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  const array w_true = random_array({features, outputs}, [&] { return uniform(rng); });
  const array x = random_array({n, features}, [&] { return normal(rng); });
  const array noise = random_array({n, outputs}, [&] { return 0.1 * normal(rng); });
  const array y = jnp::dot(x, w_true) + noise;

  // The loss of the reference program, and its gradient with respect to w.
  auto loss = [](const array& w, const array& x, const array& y) {
    return jnp::mean(jnp::power(jnp::dot(x, w) - y, 2));
  };
  auto grad_loss = xjax::grad(loss);

  std::cout << "The jaxpr of grad(loss), for w f32[8,3], x f32[256,8], y f32[256,3]:\n";
  array w = jnp::zeros({features, outputs}, xjax::float32);
  std::cout << xjax::make_jaxpr(grad_loss)(w, x, y) << "\n\n";

  // Gradient descent.
  const float learning_rate = 0.1f;
  for (int step = 0; step <= 200; ++step) {
    if (step % 20 == 0) std::printf("step %3d  loss %.6f\n", step, loss(w, x, y).item<double>());
    w = w - learning_rate * grad_loss(w, x, y);
  }

  std::printf("\nrecovered weights (true in brackets):\n");
  const std::vector<float> got = w.to_vector<float>(), want = w_true.to_vector<float>();
  for (std::int64_t i = 0; i < features; ++i) {
    for (std::int64_t j = 0; j < outputs; ++j) {
      const auto k = static_cast<std::size_t>(i * outputs + j);
      std::printf("  % .4f [% .4f]", got[k], want[k]);
    }
    std::printf("\n");
  }
  // The residual error is the noise's variance (0.01); the fit must reach it.
  const double final_loss = loss(w, x, y).item<double>();
  const double max_error = jnp::max(jnp::abs(w - w_true)).item<double>();
  std::printf("\nfinal loss %.6f (noise variance 0.01), largest weight error %.4f\n", final_loss, max_error);
  return final_loss < 0.02 && max_error < 0.05 ? 0 : 1;
}
