"""JAX's eager dispatch cost, the peer of bench/eager/eager_dispatch.cpp.

Times one eager op on small float32 arrays on the CPU, including
block_until_ready(), with timeit: `repeat` timings of `number` calls each, in
wall-clock time (time.perf_counter) and in CPU time of the process, all its threads
(time.process_time: what the op costs, less sensitive to other processes on a busy
machine); prints a JSON object {"wall"|"cpu": {name: [seconds per op, one per
repetition]}} on stdout.

    /work/venv/bin/python bench/peers/eager_jax.py [--repeat 20] [--number 1000]
"""
import argparse
import json
import os
import sys
import time
import timeit

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def inputs(n, scale):
    return jnp.asarray(scale * np.arange(1, n + 1, dtype=np.float32))


def cases():
    x1, y1 = inputs(1, 0.5), inputs(1, 0.25)
    x1000, y1000 = inputs(1000, 0.5), inputs(1000, 0.25)
    return {
        "jnp.add/1": lambda: jnp.add(x1, y1).block_until_ready(),
        "jnp.add/1000": lambda: jnp.add(x1000, y1000).block_until_ready(),
        "lax.add/1": lambda: jax.lax.add(x1, y1).block_until_ready(),
        "lax.add/1000": lambda: jax.lax.add(x1000, y1000).block_until_ready(),
        "jnp.exp/1": lambda: jnp.exp(x1).block_until_ready(),
        "lax.exp/1": lambda: jax.lax.exp(x1).block_until_ready(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--number", type=int, default=1000)
    args = ap.parse_args()
    assert jax.default_backend() == "cpu", jax.default_backend()
    out = {"wall": {}, "cpu": {}}
    for name, fn in cases().items():
        for _ in range(100):  # warm up: compile and cache the op's executable
            fn()
        for clock, timer in (("wall", time.perf_counter), ("cpu", time.process_time)):
            times = timeit.Timer(fn, timer=timer).repeat(repeat=args.repeat, number=args.number)
            out[clock][name] = [t / args.number for t in times]
    json.dump({"jax_version": jax.__version__, "seconds": out}, fp=sys.stdout)
    print()

if __name__ == "__main__":
    main()
