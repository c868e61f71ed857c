"""Golden data for jax.numpy's creation functions (tests/test_np_creation.cpp).

Case names encode the function and its arguments so that the C++ test replays them:

    <fn>;<key>=<value>;...;<tag>

Values: integers, floats (with a '.'), dtypes by name, `none` for None, tuples as
comma-separated integers (empty for ()). Inputs are the array arguments. Cases named
`array;...` / `asarray;...` are replayed one by one (C++ literals in the test).

Defaults: xjax's creation functions default to float32 / int32 as JAX without x64;
cases asking for a 64-bit dtype run with x64 (x64=True), where JAX gives the same
values and dtypes as xjax. No case relies on a default that differs between the modes.
"""

import jax.numpy as jnp
import numpy as np

from golden import Golden, rng

g = Golden("np_creation")
r = rng(20241125)

SIXTY_FOUR = {"int64", "uint64", "float64"}


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def tup(v):
    return ",".join(str(int(x)) for x in v)


def name(fn, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items())
    return f"{fn};{kv};{tag}" if kv else f"{fn};{tag}"


def dt(d):
    return None if d == "none" else np_dtype(d)


def data(dtype, shape):
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        return r.integers(0 if dtype.startswith("u") else -50, 50, size=shape).astype(dtype)
    return (r.standard_normal(shape) * 3).astype(np_dtype(dtype))


def x64_of(*dtypes):
    return any(d in SIXTY_FOUR for d in dtypes)


# ---------------------------------------------------------------------------
# array / asarray (replayed by name)

g.case("array;list2d_float", lambda: jnp.array([[1.0, 2.0], [3.0, 4.0]]))
g.case("array;list1d_int", lambda: jnp.array([1, 2, 3]))
g.case("array;list3d_int", lambda: jnp.array([[[1, 2, 3]], [[4, 5, 6]]]))
g.case("array;list1d_bool", lambda: jnp.array([True, False, True]))
g.case("array;list1d_float_int8", lambda: jnp.array([1.7, -2.2, 3.9], dtype=jnp.int8))
g.case("array;list2d_int_float16", lambda: jnp.array([[1, 2], [3, 4]], dtype=jnp.float16))
g.case("array;list1d_int_int64", lambda: jnp.array([1, 2, 3], dtype=jnp.int64), x64=True)
g.case("array;list4d_float", lambda: jnp.array([[[[1.5]], [[2.5]]]]))
g.case("array;vector_float_shape", lambda: jnp.array(np.arange(6, dtype=np.float32).reshape(2, 3)))
g.case("array;vector_double", lambda: jnp.array(np.arange(4, dtype=np.float64)), x64=True)
g.case("array;vector_int_to_float32", lambda: jnp.array(np.arange(4, dtype=np.int32), dtype=jnp.float32))
g.case("array;vector_bool", lambda: jnp.array(np.array([True, False])))
g.case("array;vector_empty", lambda: jnp.array(np.zeros((0, 3), np.float32)))
g.case("asarray;array", lambda x: jnp.asarray(x), data("float32", (2, 3)))
g.case("asarray;array_int8", lambda x: jnp.asarray(x, dtype=jnp.int8), data("float32", (2, 3)))
g.case("asarray;array_same", lambda x: jnp.asarray(x, dtype=jnp.int32), data("int32", (3,)))
g.case("asarray;scalar0d", lambda x: jnp.asarray(x, dtype=jnp.float32), data("int16", ()))

# ---------------------------------------------------------------------------
# zeros, ones, empty, full

SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 1)]
for fn, jf in [("zeros", jnp.zeros), ("ones", jnp.ones), ("empty", jnp.empty)]:
    for shape in SHAPES:
        g.case(name(fn, "default", shape=tup(shape), dtype="none"), lambda jf=jf, s=shape: jf(s))
    for d in ["bool", "int8", "int32", "uint16", "float16", "bfloat16", "float32", "int64", "float64"]:
        g.case(name(fn, d, shape=tup((2, 3)), dtype=d), lambda jf=jf, d=d: jf((2, 3), dtype=dt(d)), x64=x64_of(d))

for shape in [(), (3,), (2, 3), (0, 2)]:
    for fill, d in [("2.5", "none"), ("3", "none"), ("-1", "int8"), ("2.5", "int32"), ("1.5", "float16"), ("0", "bool"),
                    ("7", "float64")]:
        v = float(fill) if "." in fill else int(fill)
        g.case(name("full", f"{d}", shape=tup(shape), fill=fill, dtype=d),
               lambda s=shape, v=v, d=d: jnp.full(s, v, dtype=dt(d)), x64=x64_of(d))
# fill values given as arrays (inputs): 0-d and broadcast
g.case(name("full_arr", "f32_0d", shape="2,3", dtype="none"), lambda f: jnp.full((2, 3), f), data("float32", ()))
g.case(name("full_arr", "i8_0d_to_f32", shape="2,3", dtype="float32"), lambda f: jnp.full((2, 3), f, dtype=jnp.float32),
       data("int8", ()))
g.case(name("full_arr", "i32_row", shape="2,3", dtype="none"), lambda f: jnp.full((2, 3), f), data("int32", (3,)))
g.case(name("full_arr", "f32_col_bf16", shape="2,3", dtype="bfloat16"), lambda f: jnp.full((2, 3), f, dtype=jnp.bfloat16),
       data("float32", (2, 1)))

# ---------------------------------------------------------------------------
# *_like

for fn, jf in [("zeros_like", jnp.zeros_like), ("ones_like", jnp.ones_like), ("empty_like", jnp.empty_like)]:
    for xd, shape in [("float32", (2, 3)), ("int8", ()), ("bool", (0, 2)), ("float16", (4,)), ("uint32", (2, 1, 2))]:
        g.case(name(fn, xd, dtype="none", shape="none"), lambda x, jf=jf: jf(x), data(xd, shape))
    g.case(name(fn, "to_int16", dtype="int16", shape="none"), lambda x, jf=jf: jf(x, dtype=jnp.int16), data("float32", (2, 2)))
    g.case(name(fn, "shape", dtype="none", shape="3,1"), lambda x, jf=jf: jf(x, shape=(3, 1)), data("int32", (2,)))
    g.case(name(fn, "f64", dtype="float64", shape="2"), lambda x, jf=jf: jf(x, dtype=jnp.float64, shape=(2,)),
           data("float32", (3,)), x64=True)
for xd, shape in [("float32", (2, 3)), ("int8", ()), ("bool", (0, 2)), ("uint8", (3,))]:
    for fill in ["2.5", "3", "0"]:
        v = float(fill) if "." in fill else int(fill)
        g.case(name("full_like", xd, fill=fill, dtype="none", shape="none"), lambda x, v=v: jnp.full_like(x, v), data(xd, shape))
g.case(name("full_like", "to_f16", fill="2.5", dtype="float16", shape="2,2"),
       lambda x: jnp.full_like(x, 2.5, dtype=jnp.float16, shape=(2, 2)), data("int32", (3,)))

# ---------------------------------------------------------------------------
# arange

ARANGE = [
    ("5", None, None, "none"), ("0", None, None, "none"), ("-3", None, None, "none"), ("5.5", None, None, "none"),
    ("2", "10", None, "none"), ("0", "4", None, "none"), ("-2.5", "3", None, "none"), ("10", "2", None, "none"),
    ("2", "10", "3", "none"), ("10", "2", "-3", "none"), ("0", "1", "0.1", "none"), ("1.5", "-1", "-0.5", "none"),
    ("0", "5", "1", "float16"), ("0.5", "2.5", "0.25", "bfloat16"), ("3", None, None, "float32"),
    ("1", "7", "2", "uint8"), ("0", "5", None, "float32"), ("2", "4.5", None, "int32"), ("0", "3", "1", "int64"),
    ("1", "2", "0.25", "float64"), ("6", None, None, "int8"), ("0", "0", "1", "none"),
]
for start, stop, step, d in ARANGE:
    conv = lambda s: float(s) if "." in s else int(s)
    args = [conv(start)] + ([conv(stop)] if stop is not None else []) + ([conv(step)] if step is not None else [])
    params = {"start": start}
    if stop is not None:
        params["stop"] = stop
    if step is not None:
        params["step"] = step
    params["dtype"] = d
    g.case(name("arange", "c", **params), lambda a=args, d=d: jnp.arange(*a, dtype=dt(d)), x64=x64_of(d))

# ---------------------------------------------------------------------------
# linspace, logspace (scalar bounds as params, array bounds as inputs)

LIN = [("0.", "1.", 5, 1, "none", 0), ("0.", "1.", 5, 0, "none", 0), ("2", "10", 4, 1, "none", 0), ("1.", "-1.", 1, 1, "none", 0),
       ("1.", "-1.", 1, 0, "none", 0), ("0.", "1.", 0, 1, "none", 0), ("0", "10", 7, 1, "int32", 0), ("-3.5", "2.", 6, 0, "float16", 0),
       ("0", "1", 3, 1, "bfloat16", 0), ("0.", "5.", 50, 1, "none", 0), ("1", "2", 4, 1, "float64", 0), ("-5", "5", 5, 0, "int8", 0)]
for start, stop, num, ep, d, axis in LIN:
    conv = lambda s: float(s) if "." in s else int(s)
    g.case(name("linspace", "c", start=start, stop=stop, num=num, endpoint=ep, dtype=d, axis=axis),
           lambda a=conv(start), b=conv(stop), num=num, ep=ep, d=d: jnp.linspace(a, b, num, endpoint=bool(ep), dtype=dt(d)),
           x64=x64_of(d))
    g.case(name("linspace_retstep", "c", start=start, stop=stop, num=num, endpoint=ep, dtype=d, axis=axis),
           lambda a=conv(start), b=conv(stop), num=num, ep=ep, d=d: jnp.linspace(a, b, num, endpoint=bool(ep), retstep=True,
                                                                               dtype=dt(d)),
           x64=x64_of(d))
for (sd, ss), (ed, es), num, ep, axis in [(("float32", (3,)), ("float32", (3,)), 4, 1, 0), (("float32", (2, 1)), ("float32", (3,)), 5, 0, -1),
                                          (("int32", (2,)), ("float32", ()), 3, 1, 1), (("float16", ()), ("float16", (2,)), 4, 1, 0)]:
    g.case(name("linspace_arr", f"{sd}_{ed}", num=num, endpoint=ep, dtype="none", axis=axis),
           lambda a, b, num=num, ep=ep, axis=axis: jnp.linspace(a, b, num, endpoint=bool(ep), axis=axis), data(sd, ss), data(ed, es))
LOG = [("0.", "2.", 5, 1, "none", "10."), ("0.", "2.", 5, 0, "none", "10."), ("0", "2", 7, 1, "none", "2"),
       ("1.", "-1.", 3, 1, "float16", "10."), ("0", "3", 4, 1, "int32", "2."), ("0.", "1.", 1, 1, "none", "10."),
       ("0.", "1.", 0, 1, "none", "10."), ("0", "4", 5, 1, "float64", "3.")]
for start, stop, num, ep, d, base in LOG:
    conv = lambda s: float(s) if "." in s else int(s)
    g.case(name("logspace", "c", start=start, stop=stop, num=num, endpoint=ep, dtype=d, base=base),
           lambda a=conv(start), b=conv(stop), num=num, ep=ep, d=d, base=conv(base):
           jnp.logspace(a, b, num, endpoint=bool(ep), base=base, dtype=dt(d)), x64=x64_of(d))

# ---------------------------------------------------------------------------
# eye, identity, tri, tril, triu

for n, m, k, d in [(3, "none", 0, "none"), (3, 4, 1, "none"), (4, 3, -1, "int32"), (2, 5, 3, "bool"), (3, 3, -5, "float16"),
                   (0, "none", 0, "none"), (0, 3, 0, "none"), (1, "none", 0, "uint8"), (3, 2, 0, "float64")]:
    g.case(name("eye", "c", N=n, M=m, k=k, dtype=d), lambda n=n, m=m, k=k, d=d: jnp.eye(n, None if m == "none" else m, k, dtype=dt(d)),
           x64=x64_of(d))
    g.case(name("tri", "c", N=n, M=m, k=k, dtype=d), lambda n=n, m=m, k=k, d=d: jnp.tri(n, None if m == "none" else m, k, dtype=dt(d)),
           x64=x64_of(d))
for n, d in [(3, "none"), (0, "none"), (2, "int8"), (4, "bool")]:
    g.case(name("identity", "c", n=n, dtype=d), lambda n=n, d=d: jnp.identity(n, dtype=dt(d)))
for fn, jf in [("tril", jnp.tril), ("triu", jnp.triu)]:
    for xd, shape in [("float32", (3, 3)), ("int32", (3, 5)), ("bool", (4, 2)), ("float16", (2, 3, 3)), ("int8", (2, 1, 3, 4)),
                      ("float32", (0, 3)), ("uint32", (3, 0)), ("float64", (2, 2))]:
        for k in [0, 1, -1, 4, -3]:
            g.case(name(fn, f"{xd}_{'x'.join(map(str, shape))}", k=k), lambda x, jf=jf, k=k: jf(x, k), data(xd, shape))

# ---------------------------------------------------------------------------
# meshgrid

MESH = [[("float32", 3), ("int32", 2)], [("float32", 3)], [("int8", 2), ("float16", 3), ("bool", 4)], [("float32", 0), ("float32", 2)],
        [("int32", 2), ("int32", 3), ("int32", 1), ("int32", 2)]]
for args in MESH:
    tag = "_".join(f"{d}{n}" for d, n in args)
    xs = [data(d, (n,)) for d, n in args]
    for indexing in ["xy", "ij"]:
        for sparse in [0, 1]:
            g.case(name("meshgrid", tag, indexing=indexing, sparse=sparse),
                   lambda *xs, indexing=indexing, sparse=sparse: jnp.meshgrid(*xs, indexing=indexing, sparse=bool(sparse)), *xs)

# ---------------------------------------------------------------------------
# diag, diagflat

for xd, shape in [("float32", (3,)), ("int32", (4,)), ("bool", (2,)), ("float16", (0,)), ("float32", (3, 3)), ("int32", (3, 5)),
                  ("uint8", (5, 2)), ("float32", (0, 3)), ("float64", (2, 2)), ("int8", (1,))]:
    for k in [0, 1, -1, 2, -4, 6]:
        g.case(name("diag", f"{xd}_{'x'.join(map(str, shape))}", k=k), lambda x, k=k: jnp.diag(x, k), data(xd, shape))
for xd, shape in [("float32", (3,)), ("int32", (2, 2)), ("float32", ()), ("bool", (2, 1, 2)), ("float16", (0,))]:
    for k in [0, 2, -1]:
        g.case(name("diagflat", f"{xd}_{'x'.join(map(str, shape))}", k=k), lambda x, k=k: jnp.diagflat(x, k), data(xd, shape))

# ---------------------------------------------------------------------------
# Errors JAX raises (mirrored by the C++ error tests).

g.error("eye_negative", lambda: jnp.eye(-1))
g.error("meshgrid_indexing", lambda: jnp.meshgrid(jnp.ones(2), indexing="xx"))
g.error("meshgrid_2d", lambda: jnp.meshgrid(jnp.ones((2, 2))))
g.error("tril_1d", lambda: jnp.tril(jnp.ones(3)))
g.error("diag_3d", lambda: jnp.diag(jnp.ones((2, 2, 2))))
g.error("linspace_negative_num", lambda: jnp.linspace(0, 1, -1))
g.error("arange_array", lambda: jnp.arange(jnp.ones(2)))
g.error("zeros_negative", lambda: jnp.zeros((2, -1)))

g.save()
