#!/usr/bin/env python3
"""Eager dispatch: xjax against JAX, in one run on this machine.

Builds bench/eager (Release) in BUILD_DIR, runs the Google Benchmark
bench_eager_dispatch and bench/peers/eager_jax.py one after the other, and prints the
median per-op times and the ratio JAX / xjax, in wall-clock time and in CPU time
(docs/benchmarks.md, "Eager dispatch"). --baseline BUILD_DIR adds a column for another
build of the benchmark (xjax before a change, say), run in the same session.

    bench/run_eager.py [--build-dir build-bench] [--python /work/venv/bin/python]
                       [--repetitions 20] [--no-build] [--baseline OTHER_BUILD_DIR]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (row label, xjax benchmark, JAX case, JAX lax case)
ROWS = [
    ("add f32[1]", "BM_lax_add/1", "jnp.add/1", "lax.add/1"),
    ("add f32[1000]", "BM_lax_add/1000", "jnp.add/1000", "lax.add/1000"),
    ("exp f32[1]", "BM_lax_exp/1", "jnp.exp/1", "lax.exp/1"),
]


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, **kw)


def build(build_dir):
    run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", "-DXJAX_BUILD_TESTS=OFF",
         "-DXJAX_BUILD_EXAMPLES=OFF", "-DXJAX_INSTALL=OFF"], stdout=subprocess.DEVNULL)
    run(["cmake", "--build", build_dir, "--target", "bench_eager_dispatch", "-j", "1"])


def xjax_times(build_dir, repetitions):
    exe = os.path.join(build_dir, "bench", "eager", "bench_eager_dispatch")
    out = run([exe, f"--benchmark_repetitions={repetitions}", "--benchmark_format=json"],
              stdout=subprocess.PIPE, text=True).stdout
    times = {"wall": {}, "cpu": {}}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") == "iteration":
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            times["wall"].setdefault(b["run_name"], []).append(b["real_time"] * scale)
            times["cpu"].setdefault(b["run_name"], []).append(b["cpu_time"] * scale)
    return times


def jax_times(python, repetitions):
    out = run([python, os.path.join(ROOT, "bench", "peers", "eager_jax.py"), "--repeat", str(repetitions)],
              stdout=subprocess.PIPE, text=True).stdout
    d = json.loads(out)
    return d["jax_version"], d["seconds"]


def us(times):
    return statistics.median(times) * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--python", default="/work/venv/bin/python")
    ap.add_argument("--repetitions", type=int, default=20)
    ap.add_argument("--no-build", action="store_true", help="use the benchmark already built in BUILD_DIR")
    ap.add_argument("--baseline", metavar="OTHER_BUILD_DIR", help="also run the benchmark built there")
    args = ap.parse_args()
    if not args.no_build:
        build(args.build_dir)
    base = xjax_times(args.baseline, args.repetitions) if args.baseline else None
    xj = xjax_times(args.build_dir, args.repetitions)
    version, jx = jax_times(args.python, args.repetitions)

    for clock, title in (("wall", "wall-clock time"), ("cpu", "CPU time")):
        print(f"\nEager dispatch, {title}: medians of {args.repetitions} repetitions, us per op; "
              f"JAX {version} on CPU\n")
        print("| op |" + (" xjax baseline |" if base else "") +
              " xjax | JAX jnp | JAX lax | JAX jnp / xjax | JAX lax / xjax |")
        print("|---|" + ("---:|" if base else "") + "---:|---:|---:|---:|---:|")
        for label, xname, jnp_name, lax_name in ROWS:
            x, j, l = us(xj[clock][xname]), us(jx[clock][jnp_name]), us(jx[clock][lax_name])
            b = f" {us(base[clock][xname]):.3f} |" if base else ""
            print(f"| {label} |{b} {x:.3f} | {j:.2f} | {l:.2f} | {j / x:.0f}x | {l / x:.0f}x |")

if __name__ == "__main__":
    main()
