// Must not compile: argnums<2> for a function of two arguments.
#include <xjax/xjax.hpp>

int main() {
  auto f = [](const xjax::array& a, const xjax::array& b) { return xjax::lax::mul(a, b); };
  xjax::array x(1.0f, xjax::float32);
  xjax::grad(f, xjax::argnums<2>)(x, x);
}
