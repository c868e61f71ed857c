"""Golden data for the elementwise primitives (tests/test_elementwise.cpp).

Case names are `<op>;<param>;<tag>` so that the C++ test replays each case from its
name: <op> is the jax.lax function (bitwise_and, ..., select_n, clamp,
convert_element_type...), <param> its static argument (integer_pow: y; round: the
rounding method 0 or 1; convert_element_type and bitcast_convert_type: the new dtype;
otherwise empty) and <tag> the operand dtype and a shape variant. The inputs are the
operands in jax.lax's order.

Every case runs with jax_enable_x64 (as xjax, which always has the 64-bit dtypes); the
inputs are arrays, never Python scalars, so jaxprs print as without x64.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import golden
from golden import Golden, rng


class _Always:
    """Makes Golden.case enable x64 for every case (convert to float64 from float32...)."""

    def __contains__(self, _):
        return True


golden._SIXTY_FOUR = _Always()

g = Golden("elementwise")
r = rng(20240612)

FLOATS = ["float16", "bfloat16", "float32", "float64"]
SINTS = ["int8", "int16", "int32", "int64"]
UINTS = ["uint8", "uint16", "uint32", "uint64"]
INTS = SINTS + UINTS
ALL = ["bool"] + INTS + FLOATS
NUMERIC = INTS + FLOATS
INF, NAN = float("inf"), float("nan")


def npd(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def arr(values, dtype, shape=None):
    """values (Python numbers) as an array of `dtype`; integers must be in range."""
    flat = np.asarray(values, dtype=object).reshape(-1)
    if dtype in FLOATS:
        with np.errstate(over="ignore"):
            a = np.array([float(v) for v in flat], np.float64).astype(npd(dtype))
    else:
        a = np.array([int(v) if dtype != "bool" else bool(v) for v in flat], dtype=npd(dtype))
    return a.reshape(shape if shape is not None else np.shape(values))


# ---------------------------------------------------------------------------
# Values

FSPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.5, 3.75, -7.25, 100.0, 1e-3, INF, -INF, NAN]


def fvals(dtype, n, lo=-10.0, hi=10.0, specials=FSPECIAL):
    """Specials followed by uniform values in [lo, hi]."""
    vals = list(specials) + list(r.uniform(lo, hi, size=max(0, n - len(specials))))
    return arr(vals[:n], dtype)


def ispecial(dtype):
    info = np.iinfo(dtype)
    if dtype in UINTS:
        return [0, 1, 2, 7, 100, info.max, info.max - 1, info.max // 2 + 1]
    return [0, 1, -1, 2, -2, 7, -7, 100, info.min, info.max, info.min + 1, info.max - 1]


def ivals(dtype, n, lo=None, hi=None):
    info = np.iinfo(dtype)
    lo = info.min if lo is None else max(lo, info.min)
    hi = info.max if hi is None else min(hi, info.max)
    rand = [int(v) for v in r.integers(lo, hi, size=n, endpoint=True, dtype=np.int64 if dtype != "uint64" else np.uint64)]
    return arr((ispecial(dtype) + rand)[:n], dtype)


def bvals(n):
    return np.array(([False, True, True, False] + list(r.integers(0, 2, size=n)))[:n], dtype=bool)


def vals(dtype, n, frange=(-10.0, 10.0), irange=(None, None)):
    if dtype == "bool":
        return bvals(n)
    if dtype in FLOATS:
        return fvals(dtype, n, *frange)
    return ivals(dtype, n, *irange)


def rvals(dtype, n):
    """Random values without the specials (distinct operands for select_n)."""
    if dtype == "bool":
        return r.integers(0, 2, size=n).astype(bool)
    if dtype in FLOATS:
        return fvals(dtype, n, specials=[])
    info = np.iinfo(dtype)
    dt = np.uint64 if dtype == "uint64" else np.int64
    return arr([int(v) for v in r.integers(info.min, info.max, size=n, endpoint=True, dtype=dt)], dtype)


def scalar_of(dtype):
    return {"bool": np.bool_(True)}.get(dtype, arr(3 if dtype in INTS else 2.5, dtype).reshape(()))


def pair_vals(dtype, n_rand=12, frange=(-10.0, 10.0)):
    """x, y covering special x special, then random pairs."""
    if dtype == "bool":
        xs, ys = [False, False, True, True], [False, True, False, True]
        return np.array(xs + list(bvals(n_rand)), bool), np.array(ys + list(bvals(n_rand)[::-1]), bool)
    if dtype in FLOATS:
        s = [0.0, -0.0, 1.0, -1.5, 2.5, INF, -INF, NAN]
        xs = [a for a in s for _ in s] + list(r.uniform(*frange, size=n_rand))
        ys = [b for _ in s for b in s] + list(r.uniform(*frange, size=n_rand))
        return arr(xs, dtype), arr(ys, dtype)
    info = np.iinfo(dtype)
    if dtype in UINTS:
        s = [0, 1, 2, 7, info.max, info.max - 1]
    else:
        s = [0, 1, -1, 7, -7, info.min, info.max]
    dt = np.int64 if dtype != "uint64" else np.uint64
    xs = [a for a in s for _ in s] + [int(v) for v in r.integers(info.min, info.max, size=n_rand, dtype=dt)]
    ys = [b for _ in s for b in s] + [int(v) for v in r.integers(info.min, info.max, size=n_rand, dtype=dt)]
    return arr(xs, dtype), arr(ys, dtype)


def name(op, param, tag):
    return f"{op};{param};{tag}"


# ---------------------------------------------------------------------------
# Unary ops: (op, dtypes, float range of the random values)

UNARY = [
    ("neg", NUMERIC, (-10, 10)),
    ("sign", NUMERIC, (-10, 10)),
    ("abs", SINTS + FLOATS, (-10, 10)),
    ("square", NUMERIC, (-10, 10)),
    ("floor", FLOATS, (-10, 10)),
    ("ceil", FLOATS, (-10, 10)),
    ("is_finite", FLOATS, (-10, 10)),
    ("exp", FLOATS, (-20, 20)),
    ("exp2", FLOATS, (-20, 20)),
    ("expm1", FLOATS, (-5, 5)),
    ("log", FLOATS, (0, 100)),
    ("log1p", FLOATS, (-1, 10)),
    ("sqrt", FLOATS, (0, 100)),
    ("rsqrt", FLOATS, (0, 100)),
    ("cbrt", FLOATS, (-100, 100)),
    ("sin", FLOATS, (-10, 10)),
    ("cos", FLOATS, (-10, 10)),
    ("tan", FLOATS, (-1.5, 1.5)),
    ("asin", FLOATS, (-1, 1)),
    ("acos", FLOATS, (-1, 1)),
    ("atan", FLOATS, (-10, 10)),
    ("sinh", FLOATS, (-5, 5)),
    ("cosh", FLOATS, (-5, 5)),
    ("tanh", FLOATS, (-5, 5)),
    ("asinh", FLOATS, (-10, 10)),
    ("acosh", FLOATS, (1, 10)),
    ("atanh", FLOATS, (-1, 1)),
    ("logistic", FLOATS, (-20, 20)),
    ("erf", FLOATS, (-3, 3)),
    ("erf_inv", FLOATS, (-1, 1)),
    ("lgamma", FLOATS, (-10, 10)),
    ("digamma", FLOATS, (-10, 10)),
    ("bitwise_not", ["bool"] + INTS, None),
    ("population_count", INTS, None),
]


def unary_cases():
    for op, dtypes, frange in UNARY:
        f = getattr(lax, op)
        for i, dt in enumerate(dtypes):
            g.case(name(op, "", f"{dt}_main"), f, vals(dt, 24, frange).reshape(4, 6) if i % 2 else vals(dt, 24, frange))
        # 0-d and empty operands, on the first and last dtypes.
        for dt in {dtypes[0], dtypes[-1]}:
            g.case(name(op, "", f"{dt}_scalar"), f, scalar_of(dt))
            g.case(name(op, "", f"{dt}_empty"), f, np.zeros((2, 0), npd(dt)))


def round_cases():
    halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.0, 3.7, -3.7, 1e10 + 0.5, INF, -INF, NAN]
    for method in (0, 1):
        f = lambda x, m=method: lax.round(x, m)
        for dt in FLOATS:
            g.case(name("round", method, f"{dt}_main"), f, fvals(dt, 24, specials=halves))
        g.case(name("round", method, "float32_scalar"), f, arr(2.5, "float32").reshape(()))
        g.case(name("round", method, "float64_empty"), f, np.zeros((0,), np.float64))


def integer_pow_cases():
    for y in (-3, -2, -1, 0, 1, 2, 3, 5, 7, 31):
        f = lambda x, y=y: lax.integer_pow(x, y)
        for dt in FLOATS:
            g.case(name("integer_pow", y, f"{dt}_main"), f, fvals(dt, 20, -3, 3))
        if y >= 0:
            for dt in INTS:
                g.case(name("integer_pow", y, f"{dt}_main"), f, ivals(dt, 16, -20, 20))
    g.case(name("integer_pow", 2, "int32_scalar"), lambda x: lax.integer_pow(x, 2), arr(7, "int32").reshape(()))
    g.case(name("integer_pow", -2, "float32_empty"), lambda x: lax.integer_pow(x, -2), np.zeros((0, 3), np.float32))


# ---------------------------------------------------------------------------
# Binary ops: (op, dtypes, float range)

BINARY = [
    ("add", NUMERIC), ("sub", NUMERIC), ("mul", NUMERIC), ("div", NUMERIC), ("rem", NUMERIC),
    ("max", ALL), ("min", ALL), ("atan2", FLOATS), ("nextafter", FLOATS),
    ("bitwise_and", ["bool"] + INTS), ("bitwise_or", ["bool"] + INTS), ("bitwise_xor", ["bool"] + INTS),
    ("eq", ALL), ("ne", ALL), ("lt", ALL), ("le", ALL), ("gt", ALL), ("ge", ALL),
]


def shift_vals(dt):
    bits = np.dtype(dt).itemsize * 8
    info = np.iinfo(dt)
    xs = [1, 5, 200 % (info.max + 1), info.max, info.min if dt in SINTS else info.max - 3]
    ss = [0, 1, 3, bits - 1, bits, bits + 1, 2 * bits]
    if dt in SINTS:
        xs += [-1, -8, -100]
        ss += [-1, -bits]
    x = [a for a in xs for _ in ss]
    s = [b for _ in xs for b in ss]
    return arr(x, dt), arr(s, dt)


def binary_cases():
    for op, dtypes in BINARY:
        f = getattr(lax, op)
        for dt in dtypes:
            x, y = pair_vals(dt)
            g.case(name(op, "", f"{dt}_main"), f, x, y)
        for dt in {dtypes[0], dtypes[-1]}:
            x, y = scalar_of(dt), scalar_of(dt)
            g.case(name(op, "", f"{dt}_scalar"), f, x, y)
            g.case(name(op, "", f"{dt}_empty"), f, np.zeros((0, 2), npd(dt)), np.zeros((0, 2), npd(dt)))
            # Broadcasting: size-1 dimensions, and a 0-d operand on either side.
            g.case(name(op, "", f"{dt}_bcast"), f, vals(dt, 3).reshape(3, 1), vals(dt, 4).reshape(1, 4))
            g.case(name(op, "", f"{dt}_bcast0d"), f, vals(dt, 5), scalar_of(dt))
            g.case(name(op, "", f"{dt}_0dbcast"), f, scalar_of(dt), vals(dt, 6).reshape(2, 3))
            g.case(name(op, "", f"{dt}_bcastempty"), f, np.zeros((0, 1), npd(dt)), vals(dt, 3).reshape(1, 3))
    for op in ("shift_left", "shift_right_logical", "shift_right_arithmetic"):
        f = getattr(lax, op)
        for dt in INTS:
            g.case(name(op, "", f"{dt}_main"), f, *shift_vals(dt))
        g.case(name(op, "", "int32_scalar"), f, arr(-7, "int32").reshape(()), arr(2, "int32").reshape(()))
        g.case(name(op, "", "uint8_empty"), f, np.zeros((0,), np.uint8), np.zeros((0,), np.uint8))
        g.case(name(op, "", "int16_bcast0d"), f, ivals("int16", 6), arr(3, "int16").reshape(()))


def pow_cases():
    for dt in FLOATS:
        s = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 3.0, INF, -INF, NAN]
        x = arr([a for a in s for _ in s] + list(r.uniform(0, 5, size=8)), dt)
        y = arr([b for _ in s for b in s] + list(r.uniform(-3, 3, size=8)), dt)
        g.case(name("pow", "", f"{dt}_main"), lax.pow, x, y)
        # Integer exponents of any integer dtype (converted to the base's dtype).
        for it in ("int8", "int32", "uint16", "int64", "uint64"):
            xs = fvals(dt, 12, -3, 3, specials=[0.0, -0.0, 2.0, -2.0, 0.5, INF, -INF, NAN])
            lo = 0 if it in UINTS else -5
            ys = ivals(it, 12, lo, 9)
            g.case(name("pow", "", f"{dt}_{it}"), lax.pow, xs, ys)
    g.case(name("pow", "", "float32_int32_big"), lax.pow, arr([2, 2, 1, -1, 0.5, -1], "float32"),
           arr([70000, -70000, 2**31 - 1, 2**31 - 1, 200, 2**24 + 1], "int32"))
    g.case(name("pow", "", "float16_int32_big"), lax.pow, arr([2, 2, 1, -1, 0.5], "float16"),
           arr([70000, -70000, 2**31 - 1, 65519, 30], "int32"))
    g.case(name("pow", "", "float32_scalar"), lax.pow, arr(2.5, "float32").reshape(()), arr(3, "int32").reshape(()))
    g.case(name("pow", "", "float64_empty"), lax.pow, np.zeros((0,), np.float64), np.zeros((0,), np.float64))
    g.case(name("pow", "", "float32_bcast"), lax.pow, fvals("float32", 3, 0, 3).reshape(3, 1),
           fvals("float32", 4, -2, 2).reshape(1, 4))


# ---------------------------------------------------------------------------
# select_n, clamp

def select_cases():
    for dt in ALL:
        p = bvals(10)
        a, b = rvals(dt, 10), rvals(dt, 10)
        g.case(name("select_n", "", f"{dt}_bool2"), lambda p, a, b: lax.select_n(p, a, b), p, a, b)
    f1 = lambda w, a: lax.select_n(w, a)
    f3 = lambda w, a, b, c: lax.select_n(w, a, b, c)
    f4 = lambda w, a, b, c, d: lax.select_n(w, a, b, c, d)
    g.case(name("select_n", "", "float32_bool1"), f1, bvals(4), rvals("float32", 4))
    g.case(name("select_n", "", "float32_int32_1"), f1, arr([0, 3, -1, 1], "int32"), rvals("float32", 4))
    w = arr([0, 1, 2, 3, -1, -100, 100, 2**31 - 1, -2**31, 1, 0, 2], "int32")
    g.case(name("select_n", "", "int16_int32_3"), f3, w, *(rvals("int16", 12) for _ in range(3)))
    w = arr([0, 1, 2, 3, 4, 255, 128, 2, 1, 0], "uint8")
    g.case(name("select_n", "", "float64_uint8_4"), f4, w, *(rvals("float64", 10) for _ in range(4)))
    w = arr([0, 1, 2, -1, 5, 3, -128, 127], "int8")
    g.case(name("select_n", "", "bfloat16_int8_3"), f3, w, *(rvals("bfloat16", 8) for _ in range(3)))
    w = arr([0, 2, 1, 2**64 - 1, 2**63, 7], "uint64")
    g.case(name("select_n", "", "uint32_uint64_3"), f3, w, *(rvals("uint32", 6) for _ in range(3)))
    g.case(name("select_n", "", "int8_bool0d"), lambda p, a, b: lax.select_n(p, a, b), np.bool_(True), rvals("int8", 6),
           rvals("int8", 6))
    g.case(name("select_n", "", "float32_int32_0d"), f3, arr(2, "int32").reshape(()), *(rvals("float32", 6).reshape(2, 3) for _ in range(3)))
    g.case(name("select_n", "", "float32_scalar"), lambda p, a, b: lax.select_n(p, a, b), np.bool_(False),
           arr(1.5, "float32").reshape(()), arr(-1.5, "float32").reshape(()))
    g.case(name("select_n", "", "uint16_empty"), lambda p, a, b: lax.select_n(p, a, b), np.zeros((0, 2), bool),
           np.zeros((0, 2), np.uint16), np.zeros((0, 2), np.uint16))
    g.case(name("select", "", "float32_main"), lambda p, a, b: lax.select(p, a, b), bvals(8), rvals("float32", 8),
           rvals("float32", 8))


def clamp_cases():
    for dt in ALL:
        if dt == "bool":
            lo, hi = np.bool_(False), np.bool_(True)
            x = bvals(6)
            g.case(name("clamp", "", "bool_main"), lax.clamp, lo, x, hi)
            g.case(name("clamp", "", "bool_same"), lax.clamp, bvals(4), bvals(4)[::-1].copy(), np.ones(4, bool))
            continue
        if dt in FLOATS:
            x = fvals(dt, 16, -10, 10)
            lo, hi = arr(-2.5, dt).reshape(()), arr(3.0, dt).reshape(())
            los = arr([0, -0.0, NAN, 0, 2, 0, -0.0, -5, 1, 1, 0, 0, -INF, -1, 1, 0], dt)
            his = arr([1, 0, 2, NAN, 1, 0, 0, 5, 1, -1, INF, 0, INF, 1, 3, 0], dt)
        else:
            x = ivals(dt, 16)
            lo, hi = arr(0 if dt in UINTS else -100, dt).reshape(()), arr(100, dt).reshape(())
            los = ivals(dt, 16, 0, 50)
            his = ivals(dt, 16, 0, 60)
        g.case(name("clamp", "", f"{dt}_main"), lax.clamp, lo, x, hi)
        g.case(name("clamp", "", f"{dt}_same"), lax.clamp, los, x, his)
    x = fvals("float32", 6)
    g.case(name("clamp", "", "float32_lo_array"), lax.clamp, fvals("float32", 6, -1, 0), x, arr(1, "float32").reshape(()))
    g.case(name("clamp", "", "int32_hi_array"), lax.clamp, arr(0, "int32").reshape(()), ivals("int32", 5), ivals("int32", 5, 0, 10))
    g.case(name("clamp", "", "float64_scalar"), lax.clamp, *(arr(v, "float64").reshape(()) for v in (0, 7.5, 2)))
    g.case(name("clamp", "", "uint8_empty"), lax.clamp, np.uint8(1), np.zeros((0, 3), np.uint8), np.uint8(5))


# ---------------------------------------------------------------------------
# convert_element_type, bitcast_convert_type

def convert_source(dt):
    if dt == "bool":
        return np.array([False, True, True, False, True], bool)
    if dt in FLOATS:
        s = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.7, -2.7, 100.25, -129.5, 255.9, 256.0, 300.0, 65504.0,
             65520.0, 1e5, -1e5, 2.0**31, -2.0**31 - 1e3, 3e9, 1e19, -1e19, 2.0**63, 1.9e19, 3e38, 1e300, 1e-3,
             INF, -INF, NAN]
        return arr(s, dt)
    info = np.iinfo(dt)
    s = ispecial(dt) + [255, 256, 65535, 65536, 2**24 + 1, 2**31 - 1, 2**53 + 1, 2**62 + 2**39 + 1]
    return arr([v for v in s if info.min <= v <= info.max], dt)


def convert_cases():
    for src in ALL:
        for dst in ALL:
            if src != dst:
                g.case(name("convert_element_type", dst, f"{src}_main"), lambda x, d=dst: lax.convert_element_type(x, npd(d)),
                       convert_source(src))
    g.case(name("convert_element_type", "int32", "float32_scalar"), lambda x: lax.convert_element_type(x, np.int32),
           arr(-3.5, "float32").reshape(()))
    g.case(name("convert_element_type", "float16", "uint8_empty"), lambda x: lax.convert_element_type(x, np.float16),
           np.zeros((0, 4), np.uint8))


def bitcast_cases():
    numeric = [d for d in ALL if d != "bool"]
    for src in numeric:
        for dst in numeric:
            s, t = np.dtype(npd(src)).itemsize, np.dtype(npd(dst)).itemsize
            if t > s:
                shape = (2, t // s)
            else:
                shape = (3,)
            n = int(np.prod(shape))
            if src in FLOATS:
                x = fvals(src, n, specials=[1.0, -0.0, 2.5, -3.75, INF, -INF, 0.1, NAN][:n]).reshape(shape)
            else:
                x = ivals(src, n).reshape(shape)
            g.case(name("bitcast_convert_type", dst, f"{src}_main"), lambda x, d=dst: lax.bitcast_convert_type(x, npd(d)), x)
    g.case(name("bitcast_convert_type", "bool", "bool_main"), lambda x: lax.bitcast_convert_type(x, np.bool_), bvals(5))
    g.case(name("bitcast_convert_type", "int32", "float32_scalar"), lambda x: lax.bitcast_convert_type(x, np.int32),
           arr(1.0, "float32").reshape(()))
    g.case(name("bitcast_convert_type", "uint8", "int16_scalar"), lambda x: lax.bitcast_convert_type(x, np.uint8),
           arr(-2, "int16").reshape(()))
    g.case(name("bitcast_convert_type", "float64", "uint8_empty"), lambda x: lax.bitcast_convert_type(x, np.float64),
           np.zeros((0, 8), np.uint8))
    g.case(name("bitcast_convert_type", "int8", "float32_empty"), lambda x: lax.bitcast_convert_type(x, np.int8),
           np.zeros((2, 0), np.float32))


# ---------------------------------------------------------------------------
# Errors JAX raises, which the C++ test checks xjax raises too (the messages are ours).

def error_cases():
    f32 = np.ones((3,), np.float32)
    i32 = np.ones((3,), np.int32)
    g.error("exp_int", lax.exp, i32)
    g.error("abs_uint", lax.abs, np.ones(3, np.uint8))
    g.error("add_bool", lax.add, np.ones(3, bool), np.ones(3, bool))
    g.error("add_dtypes", lax.add, f32, i32)
    g.error("add_ranks", lax.add, np.ones((3, 4), np.float32), f32)
    g.error("add_shapes", lax.add, np.ones((3, 4), np.float32), np.ones((3, 5), np.float32))
    g.error("and_float", lax.bitwise_and, f32, f32)
    g.error("shift_bool", lax.shift_left, np.ones(3, bool), np.ones(3, bool))
    g.error("popcount_bool", lax.population_count, np.ones(3, bool))
    g.error("integer_pow_neg_int", lambda x: lax.integer_pow(x, -2), i32)
    g.error("integer_pow_bool", lambda x: lax.integer_pow(x, 2), np.ones(3, bool))
    g.error("pow_int_base", lax.pow, i32, i32)
    g.error("pow_mixed_floats", lax.pow, np.ones(3, np.float16), f32)
    g.error("nextafter_int", lax.nextafter, i32, i32)
    g.error("round_int", lax.round, i32)
    g.error("select_n_float_which", lax.select_n, f32, f32, f32)
    g.error("select_n_bool_3", lax.select_n, np.ones(3, bool), f32, f32, f32)
    g.error("select_n_case_shapes", lax.select_n, np.ones(3, bool), f32, np.ones(4, np.float32))
    g.error("select_n_which_shape", lax.select_n, np.ones(2, bool), f32, f32)
    g.error("select_n_case_dtypes", lax.select_n, np.ones(3, bool), f32, i32)
    g.error("select_n_no_case", lax.select_n, np.ones(3, bool))
    g.error("clamp_min_shape", lax.clamp, np.zeros(2, np.float32), f32, f32)
    g.error("clamp_max_shape", lax.clamp, np.float32(0), f32, np.zeros(4, np.float32))
    g.error("clamp_operand_0d", lax.clamp, f32, np.float32(1), f32)
    g.error("clamp_dtypes", lax.clamp, np.int32(0), f32, np.float32(1))
    g.error("bitcast_to_bool", lambda x: lax.bitcast_convert_type(x, np.bool_), np.ones(3, np.uint8))
    g.error("bitcast_from_bool", lambda x: lax.bitcast_convert_type(x, np.uint8), np.ones(3, bool))
    g.error("bitcast_wider_bad_last", lambda x: lax.bitcast_convert_type(x, np.float32), np.ones((2, 3), np.uint8))
    g.error("bitcast_wider_0d", lambda x: lax.bitcast_convert_type(x, np.float32), np.uint8(1))
    g.error("comparison_dtypes", lax.lt, f32, np.ones(3, np.float64))


unary_cases()
round_cases()
integer_pow_cases()
binary_cases()
pow_cases()
select_cases()
clamp_cases()
convert_cases()
bitcast_cases()
error_cases()
g.save()
