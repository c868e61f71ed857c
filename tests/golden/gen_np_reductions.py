"""Golden data for xjax::numpy's reductions (tests/test_np_reductions.cpp): sum, prod,
max, min, amax, amin, ptp, argmax, argmin, all, any, count_nonzero, mean, var, std,
median, average, nansum, nanmean, nanmax, nanmin, cumsum, cumprod.

Each case name encodes the jax.numpy call, so that the C++ test replays it:

    <fn>;<key>=<value>;...;<tag>

Keys:
    axis: N (None), i:<int> (an int), t:<ints comma-separated> (a tuple, t: for ())
    keepdims: 0/1         dtype: a dtype name (absent: None)
    ddof, correction: numbers (var, std)
    initial: a number (sum, prod, max, min: as a C++ double; JAX gets a Python float)
    weak: 1 when JAX's output is weakly typed (absent: strongly typed)
    weights: 1 when the second input is the weights (average)
    returned: 1 for average(..., returned=True) (two outputs)
    scalar: f/i/b: no input; the argument is the C++ scalar 2.5 / 3 / true (weak
        float, weak int, bool; JAX gets the Python scalar)
    err: 1: JAX rejects the call (no outputs are recorded): the C++ test expects an
        xjax::error.
    nojx: 1: the jaxpr text is not compared (see below).

Dtypes: 32-bit cases run JAX without x64, cases with 64-bit inputs with x64. xjax's
defaults are JAX's without x64 even next to 64-bit inputs: argmax / argmin and
count_nonzero give int32 where JAX with x64 gives its default int64. For those cases
the expected output is JAX's, converted to int32 (the values are small indices or
counts, so nothing changes but the dtype), and the jaxpr text is not compared.
"""

import jax
import jax.numpy as jnp
import numpy as np

from golden import Golden, _line, rng

g = Golden("np_reductions")
r = rng(20251125)

SMALL = ["bool", "int8", "uint32", "float16", "bfloat16", "float32"]
WIDE = ["int64", "uint64", "float64"]
ALL = SMALL + WIDE
SIXTY_FOUR = set(WIDE)
SHAPES = [(), (0,), (5,), (2, 3), (2, 0, 3), (2, 3, 4)]


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def is_float(d):
    return d.startswith(("float", "bfloat"))


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def data(dtype, shape, kind="plain"):
    """Values that every dtype holds exactly; floats of either sign, in [0.5, 1.5]
    for products; `nan` mixes NaNs in (whole slices of them when there is room)."""
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        v = r.integers(0, 2, n).astype(bool)
    elif dtype.startswith("uint"):
        v = r.integers(0, 7, n)
    elif dtype.startswith("int"):
        v = r.integers(-6, 7, n)
    elif kind == "prod":
        v = r.uniform(0.5, 1.5, n)
    else:
        v = np.round(r.uniform(-4, 4, n), 2)
    if kind == "ties" and dtype != "bool":
        v = (r.integers(0, 3, n)).astype(np.float64 if is_float(dtype) else np.int64)
    a = np.asarray(v).astype(np_dtype(dtype)).reshape(shape)
    if kind == "nan" and is_float(dtype) and n:
        flat = a.reshape(-1)
        flat[r.random(n) < 0.3] = np.nan
        if len(shape) >= 2 and shape[-1] > 0:
            a = flat.reshape(shape)
            a[(0,) * (len(shape) - 1)] = np.nan  # a whole all-NaN slice along the last axis
        a = a.reshape(shape)
    return a


def axis_forms(ndim, single=False):
    """(code, value) pairs: None, ints (incl. negative), tuples (incl. unsorted, empty)."""
    forms = [("N", None)]
    if ndim >= 1:
        forms += [("i:0", 0), ("i:-1", -1)]
    if single:
        return forms
    if ndim >= 2:
        forms += [("t:0,-1", (0, -1)), ("t:-1,0", (-1, 0)), ("i:1", 1)]
    if ndim >= 3:
        forms += [("t:2,0", (2, 0)), ("t:1", (1,))]
    forms += [("t:", ())]
    return forms


def keyname(fn, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"{fn};{kv};{tag}" if kv else f"{fn};{tag}"


def to_int32(out):
    return [np.asarray(o).astype(np.int32) for o in (out if isinstance(out, (tuple, list)) else [out])]


def case(name, fn, *inputs, x64=None):
    """g.case, with ";weak=1" added to the name when an output of JAX is weakly typed."""
    arrs = [np.asarray(x) for x in inputs]
    if x64 is None:
        x64 = any(str(x.dtype) in SIXTY_FOUR for x in arrs)
    with jax.enable_x64(x64):
        avals = jax.make_jaxpr(fn)(*arrs).out_avals
    if any(a.weak_type for a in avals):
        name += ";weak=1"
    g.case(name, fn, *inputs, x64=x64)


def record(name, fn, *inputs, int32_out=False):
    """A golden case when JAX accepts the call, an err=1 case when it rejects it."""
    inputs = [np.asarray(x) for x in inputs]
    x64 = any(str(x.dtype) in SIXTY_FOUR for x in inputs)
    try:
        with jax.enable_x64(x64):
            fn(*inputs)
    except Exception:  # noqa: BLE001 - JAX rejects it: the C++ test expects an error
        lines = [f"case {name};err=1"] + [_line("in", x) for x in inputs] + ["jaxpr 0", "end"]
        g.names.add(name + ";err=1")
        g.blocks.append("\n".join(lines))
        return
    if int32_out and x64:
        with jax.enable_x64(True):
            outs = to_int32(fn(*inputs))
        lines = [f"case {name};nojx=1"] + [_line("in", x) for x in inputs] + [_line("out", o) for o in outs]
        lines += ["jaxpr 0", "end"]
        g.names.add(name + ";nojx=1")
        g.blocks.append("\n".join(lines))
        return
    case(name, fn, *inputs)


def flag(b):
    return 1 if b else 0


# --- Plain axis reductions: sum prod max min amax amin ptp all any count_nonzero mean
REDUCERS = {
    "sum": jnp.sum, "prod": jnp.prod, "max": jnp.max, "min": jnp.min, "amax": jnp.amax, "amin": jnp.amin,
    "ptp": jnp.ptp, "all": jnp.all, "any": jnp.any, "count_nonzero": jnp.count_nonzero, "mean": jnp.mean,
    "var": jnp.var, "std": jnp.std, "median": jnp.median, "nansum": jnp.nansum, "nanmean": jnp.nanmean,
    "nanmax": jnp.nanmax, "nanmin": jnp.nanmin, "average": jnp.average,
}
INT32_OUT = {"count_nonzero", "argmax", "argmin"}

def sweep(dt):
    """(shape, axis forms) to run for dtype `dt`: every shape and axis form for float32,
    a 3-d array with every axis form for int8 and float64, a 2-d one with three axis
    forms for the others."""
    if dt == "float32":
        return [(s, axis_forms(len(s))) for s in SHAPES]
    if dt in ("int8", "float64"):
        return [((2, 0, 3), [("t:2,0", (2, 0)), ("i:-1", -1)]), ((2, 3, 4), axis_forms(3))]
    return [((2, 3), [("N", None), ("i:-1", -1), ("t:-1,0", (-1, 0))]), ((), [("N", None)])]


for fn_name, f in REDUCERS.items():
    kind = "prod" if fn_name == "prod" else ("nan" if fn_name.startswith("nan") else "plain")
    for dt in ALL:
        if fn_name == "ptp" and dt == "bool":
            continue  # an error test below
        for shape, forms in sweep(dt):
            x = data(dt, shape, kind)
            for k, (code, ax) in enumerate(forms):
                keep = k % 2 == 1
                name = keyname(fn_name, f"{dt}_{shape_tag(shape)}", axis=code, keepdims=flag(keep))
                record(name, lambda a, f=f, ax=ax, keep=keep: f(a, axis=ax, keepdims=keep), x,
                       int32_out=fn_name in INT32_OUT)

# --- The dtype argument
for fn_name, f in {"sum": jnp.sum, "prod": jnp.prod, "mean": jnp.mean, "nansum": jnp.nansum,
                   "nanmean": jnp.nanmean, "var": jnp.var, "std": jnp.std}.items():
    for src, dst in [("int8", "int64"), ("float32", "float16"), ("float16", "float32"), ("bool", "float32"),
                     ("int8", "int8"), ("uint32", "float64"), ("bfloat16", "bfloat16"), ("float32", "int32")]:
        if fn_name == "std" and dst.startswith("int"):
            continue
        x = data(src, (2, 3), "prod" if fn_name == "prod" else "plain")
        for code, ax in [("N", None), ("i:1", 1)]:
            name = keyname(fn_name, f"{src}_to_{dst}", axis=code, keepdims=0, dtype=dst)
            with_x64 = dst in SIXTY_FOUR
            case(name, lambda a, f=f, ax=ax, dst=dst: f(a, axis=ax, dtype=np_dtype(dst)), x, x64=with_x64)

# --- initial
for fn_name, f in {"sum": jnp.sum, "prod": jnp.prod, "max": jnp.max, "min": jnp.min}.items():
    for dt in ["int8", "float32", "float16", "float64"]:
        for shape, code, ax in [((2, 3), "i:1", 1), ((2, 0), "i:1", 1), ((0,), "N", None), ((2, 3), "N", None)]:
            x = data(dt, shape, "prod")
            name = keyname(fn_name, f"{dt}_{shape_tag(shape)}", axis=code, keepdims=0, initial="1.5")
            record(name, lambda a, f=f, ax=ax: f(a, axis=ax, initial=1.5), x)

# --- var / std: ddof and correction
for fn_name, f in {"var": jnp.var, "std": jnp.std}.items():
    for dt in ["float32", "int8", "float16", "float64"]:
        for shape, code, ax in [((5,), "N", None), ((2, 3), "i:1", 1), ((2, 3), "t:0,1", (0, 1)), ((3, 1), "i:1", 1)]:
            x = data(dt, shape)
            for ddof in [1, 2, 1.5]:
                name = keyname(fn_name, f"{dt}_{shape_tag(shape)}", axis=code, keepdims=0, ddof=ddof)
                record(name, lambda a, f=f, ax=ax, ddof=ddof: f(a, axis=ax, ddof=ddof), x)
            name = keyname(fn_name, f"{dt}_{shape_tag(shape)}", axis=code, keepdims=1, correction=1)
            record(name, lambda a, f=f, ax=ax: f(a, axis=ax, keepdims=True, correction=1), x)

# --- argmax / argmin: axis None or an int
for fn_name, f in {"argmax": jnp.argmax, "argmin": jnp.argmin}.items():
    for dt in ALL:
        for shape in (SHAPES if dt == "float32" else [(2, 3, 4), ()]):
            for kind in ["plain", "ties", "nan"]:
                if kind != "plain" and len(shape) < 2:
                    continue
                x = data(dt, shape, kind)
                for k, (code, ax) in enumerate(axis_forms(len(shape), single=True) + ([("i:1", 1)] if len(shape) >= 2 else [])):
                    keep = k % 2 == 0
                    name = keyname(fn_name, f"{dt}_{shape_tag(shape)}_{kind}", axis=code, keepdims=flag(keep))
                    record(name, lambda a, f=f, ax=ax, keep=keep: f(a, axis=ax, keepdims=keep), x, int32_out=True)

# --- cumsum / cumprod: axis None or an int; dtype
for fn_name, f in {"cumsum": jnp.cumsum, "cumprod": jnp.cumprod}.items():
    for dt in ALL:
        for shape in (SHAPES if dt == "float32" else [(2, 3, 4), ()]):
            x = data(dt, shape, "prod" if fn_name == "cumprod" else "plain")
            axes = axis_forms(len(shape), single=True) + ([("i:1", 1)] if len(shape) >= 2 else [])
            for code, ax in axes:
                name = keyname(fn_name, f"{dt}_{shape_tag(shape)}", axis=code)
                record(name, lambda a, f=f, ax=ax: f(a, axis=ax), x)
    for src, dst in [("int8", "int64"), ("float32", "bool"), ("int8", "bool"), ("bool", "bool"), ("float16", "float32"),
                     ("uint32", "int8"), ("bool", "float16")]:
        x = data(src, (2, 3), "prod" if fn_name == "cumprod" else "plain")
        for code, ax in [("N", None), ("i:-1", -1)]:
            name = keyname(fn_name, f"{src}_to_{dst}", axis=code, dtype=dst)
            case(name, lambda a, f=f, ax=ax, dst=dst: f(a, axis=ax, dtype=np_dtype(dst)), x, x64=dst in SIXTY_FOUR)

# --- average with weights (same shape, the reduced axes' shape, in either order), returned
for dt, wdt in [("float32", "float32"), ("int8", "int8"), ("float16", "float32"), ("float64", "float64"),
                ("int32", "float16"), ("bfloat16", "bfloat16")]:
    for shape, code, ax, wshape in [((5,), "N", None, (5,)), ((2, 3), "N", None, (2, 3)), ((2, 3), "i:1", 1, (3,)),
                                    ((2, 3), "i:-2", -2, (2,)), ((2, 3, 4), "t:2,0", (2, 0), (4, 2)),
                                    ((2, 3, 4), "t:0,2", (0, 2), (2, 4)), ((2, 3, 4), "i:1", 1, (2, 3, 4))]:
        x = data(dt, shape)
        w = np.abs(data(wdt, wshape, "prod")) if is_float(wdt) else (data(wdt, wshape) % 3 + 1).astype(np_dtype(wdt))
        for keep in [False, True]:
            for ret in [False, True]:
                name = keyname("average", f"{dt}_{wdt}_{shape_tag(shape)}_{shape_tag(wshape)}", axis=code,
                               keepdims=flag(keep), weights=1, returned=flag(ret))
                record(name, lambda a, wt, ax=ax, keep=keep, ret=ret: jnp.average(a, axis=ax, weights=wt, keepdims=keep,
                                                                                  returned=ret), x, w)
    for shape, code, ax in [((2, 3), "i:1", 1), ((4,), "N", None)]:
        x = data(dt, shape)
        name = keyname("average", f"{dt}_{shape_tag(shape)}", axis=code, keepdims=0, returned=1)
        record(name, lambda a, ax=ax: jnp.average(a, axis=ax, returned=True), x)

# --- C++ scalars (weak float, weak int) and bool as the argument
SCALARS = {"f": 2.5, "i": 3, "b": True}
for fn_name, f in {**REDUCERS, "argmax": jnp.argmax, "argmin": jnp.argmin, "cumsum": jnp.cumsum,
                   "cumprod": jnp.cumprod}.items():
    for code, v in SCALARS.items():
        if fn_name == "ptp" and code == "b":
            continue
        name = keyname(fn_name, "scalar", scalar=code)
        case(name, lambda f=f, v=v: f(v))

# --- Errors JAX raises (mirrored by the error tests of the C++ suite)
x23 = data("float32", (2, 3))
g.error("sum axis out of range", lambda a: jnp.sum(a, axis=2), x23)
g.error("sum negative axis out of range", lambda a: jnp.sum(a, axis=-3), x23)
g.error("mean duplicate axes", lambda a: jnp.mean(a, axis=(1, -1)), x23)
g.error("max empty", lambda a: jnp.max(a), np.zeros((0,), np.float32))
g.error("min empty axis", lambda a: jnp.min(a, axis=1), np.zeros((2, 0), np.float32))
g.error("argmax empty", lambda a: jnp.argmax(a), np.zeros((0,), np.float32))
g.error("argmin axis out of range", lambda a: jnp.argmin(a, axis=2), x23)
g.error("std int dtype", lambda a: jnp.std(a, dtype=jnp.int32), x23)
g.error("var ddof and correction", lambda a: jnp.var(a, ddof=1, correction=1), x23)
g.error("average weights shape", lambda a, w: jnp.average(a, axis=1, weights=w), x23, np.ones((2,), np.float32))
g.error("average weights no axis", lambda a, w: jnp.average(a, weights=w), x23, np.ones((3,), np.float32))
g.error("ptp bool", lambda a: jnp.ptp(a), np.ones((3,), bool))
g.error("cumsum axis", lambda a: jnp.cumsum(a, axis=2), x23)
g.error("sum initial not scalar", lambda a: jnp.sum(a, initial=np.ones(2)), x23)
g.error("median empty", lambda a: jnp.median(a), np.zeros((0,), np.float32))
g.error("nanmax empty", lambda a: jnp.nanmax(a), np.zeros((0,), np.float32))

g.save()
