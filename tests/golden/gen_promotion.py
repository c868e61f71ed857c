"""Golden data for xjax::numpy type promotion: JAX's own lattice decisions.

Writes tests/golden/data/promotion.txt, one line per case:
    <operand> <operand> ... -> <result>
where an operand or result is a dtype name, with a leading '~' when weakly typed.

JAX's lattice (standard promotion, 64-bit types enabled) decides the bound. A bound
that is one of JAX's weak types (Python int or float) becomes a default dtype: int32 /
float32 as in JAX without x64, or int64 / float64 as in JAX with x64 when a strongly
typed operand is 64-bit (u64 + i64 -> f64, i64 + 2.5 -> f64, i8 + 2.5 -> f32).
"""

import itertools
import os

import jax

jax.config.update("jax_platforms", "cpu")
jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402
from jax._src import config, dtypes  # noqa: E402

import golden  # noqa: E402

NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
         "float16", "bfloat16", "float32", "float64"]


def np_dtype(name):
    return np.dtype(jax.numpy.bfloat16) if name == "bfloat16" else np.dtype(name)


def result(operands):
    """JAX's lattice_result_type over (dtype name, weak) pairs, weak defaults as xjax's."""
    dts = [np_dtype(n) for n, _ in operands]
    weak = [w for _, w in operands]
    promo, x64 = config.numpy_dtype_promotion.value, True
    if len(dts) == 1:
        out, out_weak = dts[0], weak[0]
    elif len(set(dts)) == 1 and not all(weak):
        out, out_weak = dts[0], False
    elif all(weak):
        out = np.dtype(dtypes._least_upper_bound(promo, x64, *{dtypes._jax_type(d, False) for d in dts}))
        out_weak = True
    else:
        node = dtypes._least_upper_bound(promo, x64, *{dtypes._jax_type(d, w) for d, w in zip(dts, weak)})
        wide = any(np.dtype(d).itemsize == 8 and not w for d, w in zip(dts, weak))
        if node is int:
            out, out_weak = np.dtype("int64" if wide else "int32"), True
        elif node is float:
            out, out_weak = np.dtype("float64" if wide else "float32"), True
        else:
            out, out_weak = np.dtype(node), False
    name = "bfloat16" if out == np_dtype("bfloat16") else str(out)
    return ("~" if out_weak and name != "bool" else "") + name


def text(op):
    return ("~" if op[1] else "") + op[0]


lines = []
# Every pair of strong dtypes: jnp.promote_types (checked against JAX's public API too).
for a, b in itertools.product(NAMES, NAMES):
    r = result([(a, False), (b, False)])
    assert r.lstrip("~") == str(np.dtype(jax.numpy.promote_types(np_dtype(a), np_dtype(b)))), (a, b, r)
    lines.append(f"{a} {b} -> {r}")
# A strong dtype with a weak operand of every dtype (C++ scalars are weak int32 / float32;
# other weak dtypes arise from operations on them).
for a, b in itertools.product(NAMES, NAMES):
    if b != "bool":
        lines.append(f"{a} ~{b} -> {result([(a, False), (b, True)])}")
        lines.append(f"~{b} {a} -> {result([(b, True), (a, False)])}")
# All weak.
for a, b in itertools.product(NAMES[1:], NAMES[1:]):
    lines.append(f"~{a} ~{b} -> {result([(a, True), (b, True)])}")
# Three operands.
for a, b, c in [("int8", "uint8", "float16"), ("int32", "int32", "float32"), ("bool", "int8", "uint16")]:
    for wc in (False, True):
        ops = [(a, False), (b, False), (c, wc)]
        lines.append(" ".join(text(o) for o in ops) + f" -> {result(ops)}")

os.makedirs(golden.DATA_DIR, exist_ok=True)
path = os.path.join(golden.DATA_DIR, "promotion.txt")
with open(path, "w") as f:
    f.write(f"# xjax golden data: promotion, written by tests/golden/gen_promotion.py with jax {jax.__version__}\n")
    f.write("\n".join(lines) + "\n")
print(f"wrote {len(lines)} cases to {path}")
