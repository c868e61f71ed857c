"""Golden data for xjax::scipy::special (tests/test_scipy_special.cpp), from
jax.scipy.special 0.10.2.

Case names encode the call:

    <op>;args=<tokens>[;axis=<a>][;keepdims=<0|1>];<tag>

tokens as in gen_np_ufuncs.py (A: the next input array, F<repr>: a Python float,
I<int>: a Python int); for logsumexp a second A is `b`. axis: None, or integers
separated by '.' (a tuple; one integer is passed as an int).

Cases with a 64-bit input run with jax_enable_x64 (golden.py); int64 goes to float64 in
both JAX and xjax.
"""

import jax.numpy as jnp
import jax.scipy.special as sp
import numpy as np

from golden import Golden, rng

g = Golden("scipy_special")
r = rng(11251125)


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def floats(dtype, shape, lo=-4.0, hi=4.0):
    return r.uniform(lo, hi, size=shape).astype(np_dtype(dtype))


def build_args(tokens, arrays):
    it = iter(arrays)
    out = []
    for t in tokens:
        if t == "A":
            out.append(next(it))
        elif t[0] == "F":
            out.append(float(t[1:]))
        else:
            out.append(int(t[1:]))
    return out


def parse_axis(a):
    if a == "None":
        return None
    if "." not in a:
        return int(a)
    return tuple(int(p) for p in a.split(".") if p)


def call(op, args, params):
    kw = {}
    if "axis" in params:
        kw["axis"] = parse_axis(params["axis"])
    if op == "logsumexp":
        if "keepdims" in params:
            kw["keepdims"] = bool(int(params["keepdims"]))
        if len(args) > 1:
            kw["b"] = args[1]
        return sp.logsumexp(args[0], **kw)
    return getattr(sp, op)(*args, **kw)


def case(op, tokens, *inputs, tag="", **params):
    kv = "".join(f";{k}={v}" for k, v in params.items())
    tag = tag or "_".join(f"{np.asarray(x).dtype}[{shape_tag(np.shape(x))}]" for x in inputs) or "scalars"
    g.case(f"{op};args={','.join(tokens)}{kv};{tag}", lambda *xs: call(op, build_args(tokens, xs), params), *inputs)


# Unary functions.
for op, lo, hi in [("erf", -3, 3), ("erfc", -3, 9), ("expit", -20, 20), ("logit", 0.0, 1.0), ("gammaln", -4.5, 10),
                   ("digamma", -4.5, 10)]:
    for d in ["float32", "float16", "bfloat16", "float64"]:
        case(op, ["A"], floats(d, (2, 3), lo, hi))
    case(op, ["A"], np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0], np.float32), tag="specials")
    case(op, ["A"], np.zeros((0,), np.float32))
    case(op, ["A"], floats("float32", (), lo, hi))
    case(op, ["A"], np.array([0, 1, 2, 3], np.int32))
    case(op, ["A"], np.array([True, False]))
    case(op, ["F0.25"], tag="weak_float")
    case(op, ["I2"], tag="weak_int")

# xlogy, xlog1py: 0 where x == 0 unless y is NaN; broadcasting and promotion.
for op in ["xlogy", "xlog1py"]:
    x = np.array([0.0, 0.0, 0.0, 1.0, 2.0, -1.5, 0.0, 3.0], np.float32)
    y = np.array([0.0, np.nan, -1.0, 0.0, 3.0, 0.5, np.inf, -0.5], np.float32)
    case(op, ["A", "A"], x, y, tag="edges")
    case(op, ["A", "A"], floats("float32", (2, 3), 0, 3), floats("float32", (3,), 0.1, 3))
    case(op, ["A", "A"], floats("float16", (3,), 0, 3), np.array([1, 2, 3], np.int8))
    case(op, ["A", "A"], floats("bfloat16", (2, 1), 0, 3), floats("bfloat16", (1, 3), 0, 3))
    case(op, ["A", "A"], floats("float64", (3,), 0, 3), floats("float64", (3,), 0, 3))
    case(op, ["A", "A"], np.array([0, 1, 2], np.int32), np.array([0, 1, 2], np.int32))
    case(op, ["A", "F2.0"], np.array([0.0, 1.0, 2.0], np.float32), tag="weak_y")
    case(op, ["F0.0", "A"], np.array([0.0, 1.0, np.nan], np.float32), tag="weak_x")
    case(op, ["A", "A"], np.zeros((0,), np.float32), np.ones((1,), np.float32))

# logsumexp: axes, keepdims, b, infinite and NaN rows, dtypes, 0-d and empty arrays.
X = floats("float32", (2, 3))
for axis in ["None", "0", "1", "-1", "0.1", "-2", ""]:
    for keep in (0, 1):
        if axis == "":
            case("logsumexp", ["A"], X, axis="1.", keepdims=keep, tag="tuple_one_axis")
            continue
        case("logsumexp", ["A"], X, axis=axis, keepdims=keep)
special = np.array([[-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0], [np.inf, -np.inf, 0.0], [np.nan, 1.0, 2.0],
                    [1000.0, 1000.0, -1000.0], [-np.inf, 0.0, -np.inf]], np.float32)
case("logsumexp", ["A"], special, axis="1", keepdims=0, tag="special_rows")
case("logsumexp", ["A"], special, axis="0", keepdims=1, tag="special_cols")
for d in ["float16", "bfloat16", "float64"]:
    case("logsumexp", ["A"], floats(d, (3, 4)), axis="-1", keepdims=0)
case("logsumexp", ["A"], np.array([[1, 2, 3], [4, 5, 6]], np.int32), axis="None", keepdims=0)
case("logsumexp", ["A"], floats("float32", ()), axis="None", keepdims=0)
case("logsumexp", ["A"], np.zeros((0, 3), np.float32), axis="0", keepdims=0)
case("logsumexp", ["A"], np.zeros((0, 3), np.float32), axis="1", keepdims=1)
case("logsumexp", ["A"], floats("float32", (2, 3, 2)), axis="0.2", keepdims=0)
case("logsumexp", ["F2.5"], axis="None", keepdims=0, tag="weak")
# With weights b: zeros drop terms, negative sums give NaN, b broadcasts.
B = np.array([[1.0, 0.0, 2.0], [-1.0, 0.5, 0.5]], np.float32)
for axis in ["None", "1", "0"]:
    case("logsumexp", ["A", "A"], X, B, axis=axis, keepdims=0)
case("logsumexp", ["A", "A"], X, B, axis="-1", keepdims=1)
case("logsumexp", ["A", "A"], X, np.array([2.0, 0.0, 1.0], np.float32), axis="1", keepdims=0, tag="b_broadcast")
case("logsumexp", ["A", "A"], np.array([1.0, 2.0, 3.0], np.float32), floats("float32", (2, 3)), axis="None",
     keepdims=0, tag="b_wider")
case("logsumexp", ["A", "A"], floats("float16", (4,)), np.array([1, 2, 0, 3], np.int8), axis="None", keepdims=0)
case("logsumexp", ["A", "A"], np.array([-np.inf, 0.0, 1.0], np.float32), np.array([0.0, -1.0, -1.0], np.float32),
     axis="None", keepdims=0, tag="negative_total")
case("logsumexp", ["A", "F2.0"], floats("float32", (3,)), axis="None", keepdims=0, tag="weak_b")

# softmax, log_softmax.
for op in ["softmax", "log_softmax"]:
    for axis in ["None", "0", "1", "-1", "0.1"]:
        case(op, ["A"], floats("float32", (2, 3)), axis=axis)
    for d in ["float16", "bfloat16", "float64"]:
        case(op, ["A"], floats(d, (3, 4)), axis="-1")
    case(op, ["A"], np.array([[-np.inf, 0.0, 1.0], [1000.0, 1000.0, -1000.0]], np.float32), axis="1", tag="special")
    case(op, ["A"], floats("float32", (2, 3, 2)), axis="-2.0")
    case(op, ["A"], floats("float32", ()), axis="None")
    case(op, ["A"], np.zeros((0, 3), np.float32), axis="1")

# Errors JAX raises (mirrored by the C++ error tests).
x23 = np.ones((2, 3), np.float32)
g.error("logsumexp_axis", lambda a: sp.logsumexp(a, axis=2), x23)
g.error("logsumexp_b_shape", lambda a, b: sp.logsumexp(a, b=b), x23, np.ones(4, np.float32))
g.error("softmax_axis", lambda a: sp.softmax(a, axis=-3), x23)
g.error("log_softmax_axis", lambda a: sp.log_softmax(a, axis=(0, 0)), x23)
g.error("xlogy_shapes", lambda a, b: sp.xlogy(a, b), np.ones(3, np.float32), np.ones(4, np.float32))

g.save()
