// Traces the consumer's model, prints its jaxpr, evaluates it and checks the result.
// Exits non-zero on any mismatch.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "model.hpp"

int main() {
  using consumer::params;
  params p{xjax::array::from_vector<float>({1.0f, 2.0f, 3.0f}), xjax::array(0.5f, xjax::float32)};
  xjax::array x = xjax::array::from_vector<float>({0.0f, 1.0f, 2.0f});

  xjax::closed_jaxpr j = xjax::make_jaxpr(consumer::model)(p, x);
  std::cout << j << "\n";
  const std::string expected =
      "{ lambda ; a:f32[3] b:f32[] c:f32[3]. let\n"
      "    d:f32[3] = mul c a\n"
      "    e:f32[3] = add d b\n"
      "    f:f32[3] = exp e\n"
      "  in (f,) }";
  int failures = 0;
  if (xjax::to_string(j) != expected) {
    std::cerr << "unexpected jaxpr; expected\n" << expected << "\n";
    ++failures;
  }

  std::vector<xjax::array> args = xjax::tree_leaves(std::make_tuple(p, x));
  std::vector<float> got = xjax::eval_jaxpr(j, args)[0].to_vector<float>();
  std::vector<float> eager = consumer::model(p, x).to_vector<float>();
  for (std::size_t i = 0; i < got.size(); ++i) {
    double want = std::exp(static_cast<double>(i) * static_cast<double>(i + 1) + 0.5);
    if (std::abs(got[i] - want) > 1e-5 * want || got[i] != eager[i]) {
      std::fprintf(stderr, "element %zu: eval_jaxpr %.9g, eager %.9g, expected %.9g\n", i, got[i], eager[i], want);
      ++failures;
    }
  }
  std::printf("values: %g %g %g\n", got[0], got[1], got[2]);

#ifdef XJAX_WITH_CUDA
  std::printf("built with XJAX_WITH_CUDA\n");
#endif
  std::printf(failures == 0 ? "consumer: ok\n" : "consumer: FAILED\n");
  return failures == 0 ? 0 : 1;
}
