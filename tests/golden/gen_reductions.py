"""Golden data for the reductions family (tests/test_reductions.cpp): reduce_*,
argmax/argmin, cumulative ops, sort (with argsort and sort_key_val) and iota.

Each case name encodes the op and its parameters, so that the C++ test replays it
without a second copy of the table:

    <op>;<key>=<value>;...;<tag>

Keys (tuples are comma-separated integers, empty for ()):
    reduce_sum ... reduce_xor: axes
    argmax, argmin: axis, index_dtype
    cumsum, cumprod, cummax, cummin: axis, reverse (0/1)
    sort: dimension (as passed to lax.sort, may be negative), is_stable (0/1), num_keys;
        the inputs are the operands (one input: the single-array lax.sort)
    sort_key_val: dimension (inputs: keys, values)
    argsort: dimension, index_dtype: sort((x, broadcasted_iota), num_keys=1)[1]
    iota: dtype, size        broadcasted_iota: dtype, shape, dimension
    literal: op (a reduction of a Python scalar, staged as a literal): no inputs
The tag (dtype, shape, what the values are) keeps names unique.

Errors JAX raises are checked here with g.error (not saved) and mirrored by the
error tests of the C++ suite.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden, rng

g = Golden("reductions")
r = rng(20240612)

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "float32", "float64"]
NUMERIC = [d for d in ALL if d != "bool"]
INT_OR_BOOL = [d for d in ALL if not d.startswith(("float", "bfloat"))]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
SIXTY_FOUR = {"int64", "uint64", "float64"}


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def tup(v):
    return ",".join(str(int(x)) for x in v)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def name(prim, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items())
    return f"{prim};{kv};{tag}" if kv else f"{prim};{tag}"


def data(dtype, shape, kind="wide"):
    """Random values: "wide" spans the integer dtype's range (sums and products wrap)
    and gives floats of a few units; "ties" draws from a few values (argmax/sort ties);
    "unit" gives floats near +-1 (products that do not overflow)."""
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        if kind == "ties":
            lo = max(int(info.min), -4)
            return r.integers(lo, lo + 8, size=shape).astype(dtype)
        return r.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    if kind == "ties":
        vals = r.integers(-3, 4, size=n).astype(np.float64) / 2
    elif kind == "unit":
        vals = r.uniform(0.5, 1.5, size=n) * r.choice([-1.0, 1.0], size=n)
    else:
        vals = r.standard_normal(n) * 3
    return vals.astype(np_dtype(dtype)).reshape(shape)


def specials(dtype):
    """NaN, infinities, signed zeros of a float dtype, as a 1-d array."""
    return np.array([1.5, np.nan, -np.inf, -0.0, 0.0, np.inf, -2.0, np.nan, 0.0, -0.0],
                    np.float64).astype(np_dtype(dtype))


# ---------------------------------------------------------------------------
# Reductions.

REDUCTIONS = {
    "reduce_sum": (lax.reduce_sum, NUMERIC),
    "reduce_prod": (lax.reduce_prod, NUMERIC),
    "reduce_max": (lax.reduce_max, ALL),
    "reduce_min": (lax.reduce_min, ALL),
    "reduce_and": (lax.reduce_and, INT_OR_BOOL),
    "reduce_or": (lax.reduce_or, INT_OR_BOOL),
    "reduce_xor": (lax.reduce_xor, INT_OR_BOOL),
}
# (shape, axes): every dtype gets the first list; a few dtypes get the second too.
REDUCE_CONFIGS = [((), ()), ((0, 3), (0,)), ((5,), (0,)), ((3, 4), (1,)), ((2, 3, 4), (0, 2))]
REDUCE_MORE = [((0,), (0,)), ((2, 0), (1,)), ((2, 0), (0,)), ((3, 4), (0,)), ((3, 4), (0, 1)),
               ((3, 4), ()), ((2, 3, 4), (1,)), ((2, 3, 4), (0, 1, 2)), ((1, 4), (0,))]
MORE_DTYPES = {"bool", "int8", "int32", "uint32", "float16", "bfloat16", "float32", "float64"}

for op, (fn, dtypes) in REDUCTIONS.items():
    kind = "unit" if op == "reduce_prod" else "wide"
    for dt in dtypes:
        configs = REDUCE_CONFIGS + (REDUCE_MORE if dt in MORE_DTYPES else [])
        for shape, axes in configs:
            x = data(dt, shape, kind)
            g.case(name(op, f"{dt}_{shape_tag(shape)}", axes=tup(axes)),
                   lambda x, fn=fn, axes=axes: fn(x, axes), x)
    if op in ("reduce_sum", "reduce_prod", "reduce_max", "reduce_min"):
        for dt in FLOATS:
            x = specials(dt)
            g.case(name(op, f"{dt}_specials", axes="0"), lambda x, fn=fn: fn(x, (0,)), x)
            x = np.array([[-0.0, -0.0], [-0.0, 0.0], [0.0, -0.0], [1.0, np.nan]], np_dtype(dt))
            g.case(name(op, f"{dt}_zeros", axes="1"), lambda x, fn=fn: fn(x, (1,)), x)
            g.case(name(op, f"{dt}_zeros_one", axes="0"), lambda x, fn=fn: fn(x, (0,)), x[:1])

# Accumulation in the operand's dtype: float16 overflows and loses small addends.
g.case(name("reduce_sum", "float16_overflow", axes="0"), lambda x: lax.reduce_sum(x, (0,)),
       np.array([60000, 60000, -60000], np.float16))
g.case(name("reduce_sum", "float16_absorb", axes="0"), lambda x: lax.reduce_sum(x, (0,)),
       np.array([2048, 1, 1, 1, 1], np.float16))
g.case(name("reduce_sum", "bfloat16_absorb", axes="1"), lambda x: lax.reduce_sum(x, (1,)),
       np.array([[256, 1, 1, 1], [1, 1, 1, 256]], jnp.bfloat16))
g.case(name("reduce_sum", "float32_absorb", axes="0"), lambda x: lax.reduce_sum(x, (0,)),
       np.array([16777216, 1, 1, 1, 1], np.float32))
g.case(name("reduce_prod", "float16_overflow", axes="0"), lambda x: lax.reduce_prod(x, (0,)),
       np.array([300, 300, 1 / 300], np.float16))
g.case(name("reduce_prod", "int8_wrap", axes="0"), lambda x: lax.reduce_prod(x, (0,)),
       np.array([100, 100, 3], np.int8))
g.case(name("reduce_sum", "uint64_wrap", axes="0"), lambda x: lax.reduce_sum(x, (0,)),
       np.array([2**64 - 1, 2**63, 2], np.uint64))

# Python scalars are weakly typed literals in the jaxpr.
g.case(name("literal", "float", op="reduce_max"), lambda: lax.reduce_max(2.0, ()))
g.case(name("literal", "float", op="reduce_sum"), lambda: lax.reduce_sum(2.5, ()))
g.case(name("literal", "int", op="reduce_prod"), lambda: lax.reduce_prod(3, ()))
g.case(name("literal", "int", op="reduce_or"), lambda: lax.reduce_or(3, ()))

# ---------------------------------------------------------------------------
# argmax, argmin.

ARG_CONFIGS = [((5,), 0), ((3, 4), 1), ((2, 3, 4), 2), ((0, 3), 1)]
ARG_MORE = [((3, 4), 0), ((2, 3, 4), 0), ((2, 3, 4), 1), ((1,), 0), ((4, 0), 0)]
for op, fn in (("argmax", lax.argmax), ("argmin", lax.argmin)):
    for dt in ALL:
        configs = ARG_CONFIGS + (ARG_MORE if dt in MORE_DTYPES else [])
        for shape, axis in configs:
            x = data(dt, shape, "ties")
            g.case(name(op, f"{dt}_{shape_tag(shape)}", axis=axis, index_dtype="int32"),
                   lambda x, fn=fn, axis=axis: fn(x, axis, np.int32), x)
    for idt in ["int8", "int16", "int64", "uint8", "uint16", "uint32", "uint64"]:
        x = data("float32", (3, 5), "ties")
        g.case(name(op, "float32_3x5", axis=1, index_dtype=idt),
               lambda x, fn=fn, idt=idt: fn(x, 1, np.dtype(idt)), x, x64=idt in SIXTY_FOUR)
    for dt in FLOATS:
        x = np.array([[1, np.nan, 3, np.nan], [np.nan, 2, 2, 1], [-0.0, 0.0, -np.inf, -np.inf],
                      [np.inf, np.inf, 0.0, -0.0], [2, 1, 2, 1]], np.float64).astype(np_dtype(dt))
        g.case(name(op, f"{dt}_specials", axis=1, index_dtype="int32"),
               lambda x, fn=fn: fn(x, 1, np.int32), x)
    # A narrow index dtype wraps, and ties compare the wrapped indices.
    x = np.zeros(300, np.float32)
    x[200] = -5 if op == "argmin" else 5
    g.case(name(op, "float32_300_one", axis=0, index_dtype="int8"), lambda x, fn=fn: fn(x, 0, np.int8), x)
    x = np.zeros(300, np.float32)
    x[[10, 260]] = -5 if op == "argmin" else 5
    g.case(name(op, "float32_300_tie", axis=0, index_dtype="uint8"), lambda x, fn=fn: fn(x, 0, np.uint8), x)

# ---------------------------------------------------------------------------
# Cumulative ops.

CUMULATIVE = {"cumsum": lax.cumsum, "cumprod": lax.cumprod, "cummax": lax.cummax, "cummin": lax.cummin}
CUM_CONFIGS = [((6,), 0, False), ((6,), 0, True), ((3, 4), 1, True), ((2, 3, 4), 0, False), ((0, 3), 0, False)]
CUM_MORE = [((3, 4), 0, False), ((2, 3, 4), 2, True), ((2, 3, 4), 1, False), ((3, 0), 1, True),
            ((1, 4), 0, False), ((1, 4), 0, True)]
for op, fn in CUMULATIVE.items():
    kind = "unit" if op == "cumprod" else "wide"
    for dt in NUMERIC:
        configs = CUM_CONFIGS + (CUM_MORE if dt in MORE_DTYPES else [])
        for shape, axis, rev in configs:
            x = data(dt, shape, kind)
            g.case(name(op, f"{dt}_{shape_tag(shape)}", axis=axis, reverse=int(rev)),
                   lambda x, fn=fn, axis=axis, rev=rev: fn(x, axis, rev), x)
    for dt in FLOATS:
        for rev in (False, True):
            g.case(name(op, f"{dt}_specials", axis=0, reverse=int(rev)),
                   lambda x, fn=fn, rev=rev: fn(x, 0, rev), specials(dt))
        x = np.array([[-0.0, -0.0, 0.0], [0.0, -0.0, -0.0]], np_dtype(dt))
        g.case(name(op, f"{dt}_zeros", axis=1, reverse=0), lambda x, fn=fn: fn(x, 1), x)
        g.case(name(op, f"{dt}_zeros_line1", axis=0, reverse=0), lambda x, fn=fn: fn(x, 0), x[:1])

g.case(name("cumsum", "float16_absorb", axis=0, reverse=0), lambda x: lax.cumsum(x, 0),
       np.array([2048, 1, 1, 1, 1], np.float16))
g.case(name("cumsum", "float16_overflow", axis=0, reverse=0), lambda x: lax.cumsum(x, 0),
       np.array([60000, 60000, -60000], np.float16))
g.case(name("cumprod", "int8_wrap", axis=0, reverse=1), lambda x: lax.cumprod(x, 0, True),
       np.array([3, 100, 100], np.int8))

# ---------------------------------------------------------------------------
# sort.

SORT_CONFIGS = [((5,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1), ((0, 3), -1)]
SORT_MORE = [((2, 3, 4), 0), ((2, 3, 4), -1), ((3, 0), 0), ((1,), 0), ((4, 1), -2)]


def sort1(dimension, is_stable=True):
    return lambda x: lax.sort(x, dimension=dimension, is_stable=is_stable)


def sortn(dimension, num_keys, is_stable=True):
    return lambda *xs: lax.sort(xs, dimension=dimension, is_stable=is_stable, num_keys=num_keys)


for dt in ALL:
    configs = SORT_CONFIGS + (SORT_MORE if dt in MORE_DTYPES else [])
    for shape, dim in configs:
        x = data(dt, shape, "ties")
        g.case(name("sort", f"{dt}_{shape_tag(shape)}", dimension=dim, is_stable=1, num_keys=1), sort1(dim), x)
    # argsort: the keys and an iota, sorted together.
    for shape, dim in [((7,), 0), ((3, 5), -1), ((3, 5), 0)]:
        x = data(dt, shape, "ties")
        ax = dim % len(shape)
        g.case(name("argsort", f"{dt}_{shape_tag(shape)}", dimension=dim, index_dtype="int32"),
               lambda x, dim=dim, ax=ax: lax.sort((x, lax.broadcasted_iota(np.int32, x.shape, ax)),
                                                  dimension=dim, num_keys=1)[1], x)
    # Keys of this dtype carrying values of another.
    k = data(dt, (4, 6), "ties")
    v = data("float32", (4, 6))
    g.case(name("sort_key_val", f"{dt}_4x6", dimension=-1), lambda k, v: lax.sort_key_val(k, v), k, v)
    g.case(name("sort", f"{dt}_4x6_keyval", dimension=0, is_stable=1, num_keys=1), sortn(0, 1), k, v)

for dt in FLOATS:
    x = np.array([np.nan, 1, -0.0, 0.0, -np.inf, -np.nan, 0.0, -0.0, np.inf, -1, np.nan], np.float64)
    x = x.astype(np_dtype(dt))
    g.case(name("sort", f"{dt}_specials", dimension=0, is_stable=1, num_keys=1), sort1(0), x)
    g.case(name("argsort", f"{dt}_specials", dimension=0, index_dtype="int32"),
           lambda x: lax.sort((x, lax.broadcasted_iota(np.int32, x.shape, 0)), num_keys=1)[1], x)

# Several keys, lexicographic; more operands than keys.
k1 = data("int8", (3, 8), "ties")
k2 = data("float32", (3, 8), "ties")
k2[0, :3] = np.nan
v = data("uint16", (3, 8))
g.case(name("sort", "int8_float32_uint16_3x8", dimension=1, is_stable=1, num_keys=2), sortn(1, 2), k1, k2, v)
g.case(name("sort", "int8_float32_uint16_3x8_keys3", dimension=-1, is_stable=1, num_keys=3), sortn(-1, 3),
       k1, k2, v)
b = data("bool", (8,))
f = data("float64", (8,), "ties")
i = data("int64", (8,))
g.case(name("sort", "bool_float64_int64_8", dimension=0, is_stable=1, num_keys=2), sortn(0, 2), b, f, i)
# Unstable sorts of distinct keys (no tie, so the order is determined).
for dt in ["int32", "float32", "uint8"]:
    x = r.permutation(12).astype(dt).reshape(3, 4)
    g.case(name("sort", f"{dt}_3x4_unstable", dimension=-1, is_stable=0, num_keys=1), sort1(-1, False), x)
    g.case(name("sort", f"{dt}_3x4_unstable_keyval", dimension=0, is_stable=0, num_keys=1), sortn(0, 1, False),
           x, data("int16", (3, 4)))

# ---------------------------------------------------------------------------
# iota.

for dt in NUMERIC:
    x64 = dt in SIXTY_FOUR
    for size in (5, 0):
        g.case(name("iota", f"{dt}_{size}", dtype=dt, size=size),
               lambda dt=dt, size=size: lax.iota(np_dtype(dt), size), x64=x64)
    for shape, dim in [((2, 3), 0), ((2, 3), 1), ((2, 3, 4), 2), ((3, 0), 0)]:
        g.case(name("broadcasted_iota", f"{dt}_{shape_tag(shape)}", dtype=dt, shape=tup(shape), dimension=dim),
               lambda dt=dt, shape=shape, dim=dim: lax.broadcasted_iota(np_dtype(dt), shape, dim), x64=x64)
# Past the dtype's range: integers wrap, floats round.
for dt, n in [("uint8", 300), ("int8", 300), ("float16", 3000), ("bfloat16", 600)]:
    g.case(name("iota", f"{dt}_{n}", dtype=dt, size=n), lambda dt=dt, n=n: lax.iota(np_dtype(dt), n))

# ---------------------------------------------------------------------------
# What JAX rejects (the C++ error tests mirror these).

x23 = data("float32", (2, 3))
g.error("reduce_sum negative axis", lambda x: lax.reduce_sum(x, (-1,)), x23)
g.error("reduce_max axis out of range", lambda x: lax.reduce_max(x, (2,)), x23)
g.error("reduce_sum duplicate axes", lambda x: lax.reduce_sum(x, (1, 1)), x23)
g.error("reduce_and duplicate axes", lambda x: lax.reduce_and(x, (0, 0)), x23 > 0)
g.error("reduce_or axis out of range", lambda x: lax.reduce_or(x, (2,)), x23 > 0)
g.error("reduce_sum bool", lambda x: lax.reduce_sum(x, (0,)), x23 > 0)
g.error("reduce_prod bool", lambda x: lax.reduce_prod(x, (0,)), x23 > 0)
g.error("reduce_and float", lambda x: lax.reduce_and(x, (0,)), x23)
g.error("reduce_xor float", lambda x: lax.reduce_xor(x, (0,)), x23)
g.error("argmax negative axis", lambda x: lax.argmax(x, -1, np.int32), x23)
g.error("argmax axis out of range", lambda x: lax.argmax(x, 2, np.int32), x23)
g.error("argmin empty axis", lambda x: lax.argmin(x, 0, np.int32), np.zeros((0, 3), np.float32))
g.error("argmax 0-d", lambda x: lax.argmax(x, 0, np.int32), np.float32(1))
g.error("argmax float index", lambda x: lax.argmax(x, 1, np.float32), x23)
g.error("argmax bool index", lambda x: lax.argmax(x, 1, np.bool_), x23)
g.error("cumsum negative axis", lambda x: lax.cumsum(x, -1), x23)
g.error("cummax axis out of range", lambda x: lax.cummax(x, 2), x23)
g.error("cumsum 0-d", lambda x: lax.cumsum(x, 0), np.float32(1))
g.error("cumsum bool", lambda x: lax.cumsum(x, 0), x23 > 0)
g.error("cummin bool", lambda x: lax.cummin(x, 0), x23 > 0)
g.error("sort shapes", lambda x, y: lax.sort((x, y)), x23, x23[:1])
g.error("sort num_keys 0", lambda x, y: lax.sort((x, y), num_keys=0), x23, x23)
g.error("sort num_keys 3", lambda x, y: lax.sort((x, y), num_keys=3), x23, x23)
g.error("sort single num_keys 2", lambda x: lax.sort(x, num_keys=2), x23)
g.error("sort dimension 2", lambda x: lax.sort(x, dimension=2), x23)
g.error("sort dimension -3", lambda x: lax.sort(x, dimension=-3), x23)
g.error("sort 0-d", lambda x: lax.sort(x), np.float32(1))
g.error("sort no operand", lambda: lax.sort(()))
g.error("iota bool", lambda: lax.iota(np.bool_, 3))
g.error("iota negative size", lambda: lax.iota(np.int32, -1))
g.error("broadcasted_iota dimension 2", lambda: lax.broadcasted_iota(np.int32, (2, 3), 2))
g.error("broadcasted_iota negative dimension", lambda: lax.broadcasted_iota(np.int32, (2, 3), -1))
g.error("broadcasted_iota 0-d", lambda: lax.broadcasted_iota(np.int32, (), 0))

g.save()
