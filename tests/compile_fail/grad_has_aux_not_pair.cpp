// Must not compile: has_aux with a function that does not return std::pair{loss, aux}.
#include <xjax/xjax.hpp>

int main() {
  auto f = [](const xjax::array& a) { return xjax::lax::mul(a, a); };
  xjax::array x(1.0f, xjax::float32);
  xjax::grad(f, xjax::has_aux)(x);
}
