// Eager dispatch cost: the time of one eager op on small float32 arrays, from the
// call to the result array (allocated, computed, and released at the end of the
// iteration), as JAX's eager `jnp.add(x, y).block_until_ready()` in
// bench/peers/eager_jax.py. Run both with bench/run_eager.py.
//
// The jnp-level rows use lax::add until xjax::numpy's operators are committed: jnp.add
// of two same-dtype arrays binds exactly lax's add primitive.

#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include <xjax/xjax.hpp>

namespace lax = xjax::lax;

namespace {

xjax::array iota_f32(std::int64_t n, float scale) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * static_cast<float>(i + 1);
  return xjax::array::from_vector(v);
}

void BM_lax_add(benchmark::State& state) {
  const xjax::array x = iota_f32(state.range(0), 0.5f), y = iota_f32(state.range(0), 0.25f);
  for (auto _ : state) {
    xjax::array z = lax::add(x, y);
    benchmark::DoNotOptimize(z.raw_data());
  }
}
BENCHMARK(BM_lax_add)->Arg(1)->Arg(1000);

void BM_lax_exp(benchmark::State& state) {
  const xjax::array x = iota_f32(state.range(0), 0.5f);
  for (auto _ : state) {
    xjax::array z = lax::exp(x);
    benchmark::DoNotOptimize(z.raw_data());
  }
}
BENCHMARK(BM_lax_exp)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
