// A plain loop of eager ops, for profiling the eager path under callgrind (the
// Google Benchmark binary adapts its iteration count, which a profile does not want):
//
//   bench_eager_profile <add|exp> <elements> <iterations>
//
// Instructions per op = (Ir at 2N iterations - Ir at N iterations) / N, e.g. with
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null bench_eager_profile add 1 10000

#include <cstdlib>
#include <string>
#include <vector>

#include <xjax/xjax.hpp>

namespace lax = xjax::lax;

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string op = argv[1];
  const std::size_t n = std::strtoul(argv[2], nullptr, 10);
  const long iterations = std::strtol(argv[3], nullptr, 10);
  const auto x = xjax::array::from_vector(std::vector<float>(n, 1.5f));
  const auto y = xjax::array::from_vector(std::vector<float>(n, 2.5f));
  for (long i = 0; i < iterations; ++i) {
    xjax::array z = op == "exp" ? lax::exp(x) : lax::add(x, y);
  }
  return 0;
}
