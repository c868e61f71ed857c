// Must not compile: differentiating with respect to a C++ double (static, not traced).
#include <xjax/xjax.hpp>

int main() {
  auto f = [](double a) { return xjax::array(a); };
  xjax::grad(f)(2.0);
}
