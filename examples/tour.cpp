// A short tour of xjax: arrays, lax operations, tracing a function into a jaxpr,
// evaluating the jaxpr, pytrees, and errors.
//
// Build and run it with `./scripts/quickstart example`, or in a CMake build:
// `cmake --build build --target tour && ./build/examples/tour`.
#include <iostream>
#include <vector>

#include <xjax/xjax.hpp>

namespace lax = xjax::lax;

namespace {

void section(const char* title) { std::cout << "\n== " << title << " ==\n"; }

}  // namespace

// A pytree: a struct whose listed fields are the leaves that transforms see.
struct linear {
  xjax::array w, b;
};
XJAX_PYTREE(linear, w, b)

int main() {
  section("arrays");
  // Arrays are immutable values with a shape and a dtype, row-major; they print as
  // NumPy prints them, and xjax::repr as JAX does.
  xjax::array x = xjax::array::from_vector<float>({1, 2, 3, 4}, {2, 2});
  std::cout << "x: " << x.aval().str() << "\n" << x << "\n" << xjax::repr(x) << "\n";
  // C++ scalars are weakly typed 0-d arrays, as Python scalars in JAX: 2.0 takes
  // the dtype of the array it meets.
  xjax::array two = 2.0;
  std::cout << "2.0: " << xjax::repr(two) << "\n";

  section("lax operations, run eagerly");
  // Outside a trace every op runs at once (on the reference backend).
  xjax::array y = lax::exp(lax::mul(x, 2.0));
  std::cout << "exp(x * 2) =\n" << y << "\n";
  std::cout << "x < 2.5 =\n" << lax::lt(x, 2.5) << "\n";

  section("make_jaxpr: the same function, traced");
  // The same C++ function runs on tracers: make_jaxpr records the ops it applies
  // and prints them exactly as jax.make_jaxpr does. (C++ leaves the order in which
  // function arguments are evaluated unspecified: name intermediate results, as `y`
  // here, where the order of the equations matters to you.)
  auto f = [](const xjax::array& x) {
    xjax::array y = lax::exp(lax::mul(x, 2.0));
    return lax::add(y, lax::neg(x));
  };
  xjax::closed_jaxpr jf = xjax::make_jaxpr(f)(x);
  std::cout << jf << "\n";

  section("eval_jaxpr");
  std::vector<xjax::array> out = xjax::eval_jaxpr(jf, std::vector<xjax::array>{x});
  std::cout << "eval_jaxpr(jaxpr, x) =\n" << out[0] << "\n";
  std::cout << "f(x) =\n" << f(x) << "\n";

  section("pytrees");
  // Functions take and return pytrees: nested tuples, vectors, maps and registered
  // structs of arrays. Their array leaves become the jaxpr's inputs, in order.
  linear p{xjax::array::from_vector<float>({0.5f, -1.0f}), xjax::array(0.25f, xjax::float32)};
  std::cout << "structure: " << xjax::tree_structure(p) << "\n";
  auto predict = [](const linear& p, const xjax::array& x) { return lax::add(lax::mul(x, p.w), p.b); };
  xjax::array v = xjax::array::from_vector<float>({2, 3});
  std::cout << xjax::make_jaxpr(predict)(p, v) << "\n";
  linear doubled = xjax::tree_map([](const xjax::array& a) { return lax::add(a, a); }, p);
  std::cout << "tree_map(a + a): w = " << doubled.w << ", b = " << doubled.b << "\n";

  section("errors");
  // Every mistake throws an xjax::error subclass whose message names the operation,
  // the offending shapes or dtypes, and what is accepted.
  try {
    lax::add(x, xjax::array::from_vector<int>({1, 2, 3, 4}, {2, 2}));
  } catch (const xjax::type_error& e) {
    std::cout << "type_error: " << e.what() << "\n";
  }
  // C++ control flow on a traced value cannot work: the value is not known while
  // tracing. Eagerly this function runs; traced, it throws a concretization_error.
  auto absolute = [](const xjax::array& s) { return bool(lax::lt(s, 0.0)) ? lax::neg(s) : s; };
  xjax::array s = xjax::array(-3.0f, xjax::float32);
  std::cout << "absolute(-3) eagerly = " << absolute(s) << "\n";
  try {
    xjax::make_jaxpr(absolute)(s);
  } catch (const xjax::concretization_error& e) {
    std::cout << "concretization_error: " << e.what() << "\n";
  }
  return 0;
}
