"""Golden data for xjax::nn (tests/test_nn.cpp), from jax.nn 0.10.2: values, and the
gradients JAX gives, edge points included (relu'(0), relu6'(0) and relu6'(6), where
the derivatives are JAX's conventions; softplus and log_sigmoid far out; softmax and
log_softmax with -inf entries).

Case names encode the call, so that the C++ test replays it:

    <op>;<key>=<value>;...;<tag>

op: a jax.nn function, or grad_<function>: inputs (x, ct), output
jax.grad(lambda x, ct: jnp.sum(f(x) * ct))(x, ct), i.e. the VJP of f at x with
cotangent ct (f's other arguments as the keys give them).
Keys:
    axis: none, or integers comma-separated (a tuple; one integer is passed as an int)
    approximate: 0/1 (gelu)
    alpha, slope: a Python float (elu's alpha, leaky_relu's negative_slope), or `in`:
        the next input array
    b: 1 when the second input is logsumexp's b;  keepdims: 0/1
    num_classes, oaxis (one_hot's axis), dtype (one_hot's dtype)
    algorithm: fast/stable; mean, variance: 1 when the next input is given (standardize)
    scalar: a Python float passed instead of an input array (C++: a double)

Cases with a 64-bit input run with jax_enable_x64 (golden.py).
"""

import jax
import jax.numpy as jnp
import numpy as np

from golden import Golden, rng

g = Golden("nn")
r = rng(20251126)

ELEMENTWISE = ["relu", "relu6", "sigmoid", "softplus", "silu", "swish", "log_sigmoid", "gelu", "elu", "leaky_relu"]


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def floats(dtype, shape, lo=-4.0, hi=4.0):
    return r.uniform(lo, hi, size=shape).astype(np_dtype(dtype))


def parse_axis(a):
    if a == "none":
        return None
    parts = [int(p) for p in a.split(",")]
    return parts[0] if len(parts) == 1 else tuple(parts)


def call(op, params, xs):
    """jax.nn.<op> on the inputs xs, with the params of the case name."""
    xs = list(xs)
    x = float(params["scalar"]) if "scalar" in params else xs.pop(0)
    kw = {}
    if op == "gelu":
        kw["approximate"] = params["approximate"] == "1"
    if op in ("elu", "leaky_relu") and "alpha" in params:
        key = "alpha" if op == "elu" else "negative_slope"
        kw[key] = xs.pop(0) if params["alpha"] == "in" else float(params["alpha"])
    if "axis" in params:
        kw["axis"] = parse_axis(params["axis"])
    if op == "logsumexp":
        if params.get("b") == "1":
            kw["b"] = xs.pop(0)
        kw["keepdims"] = params.get("keepdims") == "1"
    if op == "one_hot":
        kw["num_classes"] = int(params["num_classes"])
        kw["axis"] = int(params["oaxis"])
        if "dtype" in params:
            kw["dtype"] = np_dtype(params["dtype"])
    if op == "standardize":
        kw["algorithm"] = params["algorithm"]
        if params.get("mean") == "1":
            kw["mean"] = xs.pop(0)
        if params.get("variance") == "1":
            kw["variance"] = xs.pop(0)
        if "epsilon" in params:
            kw["epsilon"] = float(params["epsilon"])
    assert not xs, (op, params)
    return getattr(jax.nn, op)(x, **kw)


def name_of(op, inputs, tag, params):
    kv = "".join(f";{k}={v}" for k, v in params.items())
    tag = tag or "_".join(f"{np.asarray(x).dtype}[{shape_tag(np.shape(x))}]" for x in inputs) or "scalar"
    return f"{op}{kv};{tag}"


def case(op, *inputs, tag="", **params):
    g.case(name_of(op, inputs, tag, params), lambda *xs: call(op, params, xs), *inputs, jaxpr=False)


def grad_case(op, x, *extra, tag="", **params):
    """The VJP of jax.nn.<op> at x (extra: the op's other array inputs) with a random
    cotangent (inputs: x, extra..., ct)."""
    out = call(op, params, [x, *extra])
    ct = floats(str(np.asarray(x).dtype), np.shape(out), -2, 2)

    def vjp(x, *rest):
        *others, ct = rest
        return jax.grad(lambda x: jnp.sum(call(op, params, [x, *others]) * ct))(x)

    g.case(name_of("grad_" + op, [x, *extra], tag, params), vjp, x, *extra, ct, jaxpr=False)


# --- Elementwise activations: dtypes, shapes, 0-d, weak scalars, special values.
EDGES = np.array([-100.0, -20.0, -6.0, -1.0, -0.0, 0.0, 1e-3, 1.0, 6.0, 7.0, 20.0, 100.0], np.float32)
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], np.float32)
for op in ELEMENTWISE:
    variants = [{}]
    if op == "gelu":
        variants = [{"approximate": "1"}, {"approximate": "0"}]
    for p in variants:
        for d in ["float32", "float64", "float16", "bfloat16"]:
            case(op, floats(d, (2, 3)), **p)
        case(op, floats("float32", ()), **p)
        case(op, floats("float32", (7,), -10, 10), **p)
        case(op, np.zeros((0, 2), np.float32), **p)
        case(op, EDGES, tag="edges", **p)
        case(op, EDGES.astype(np.float64), tag="edges64", **p)
        case(op, SPECIALS, tag="specials", **p)
        case(op, tag="weak", scalar="0.75", **p)
        if op not in ("sigmoid", "silu", "swish"):
            case(op, np.array([-7, -1, 0, 1, 3, 6, 9], np.int32), **p)
        grad_case(op, EDGES, tag="edges", **p)
        grad_case(op, EDGES.astype(np.float64), tag="edges64", **p)
        for x in [floats("float32", (2, 3)), floats("float64", (4,))]:
            grad_case(op, x, **p)
        grad_case(op, floats("float32", ()), **p)

# elu and leaky_relu with their parameter: a Python float, or an array (broadcast).
for op in ["elu", "leaky_relu"]:
    case(op, EDGES, alpha="0.3", tag="edges")
    case(op, floats("float32", (2, 3)), floats("float32", (3,), 0.1, 2), alpha="in")
    grad_case(op, EDGES, alpha="0.3", tag="edges")
    grad_case(op, floats("float32", (2, 3)), floats("float32", (3,), 0.1, 2), alpha="in")

# --- softmax, log_softmax: axes, ties, -inf entries (masked logits), big logits.
MASKED = np.array([[-np.inf, 0.5, 1.0, -2.0], [1000.0, 1000.0, -1000.0, 3.0], [2.0, 2.0, 2.0, 2.0]], np.float32)
for op in ["softmax", "log_softmax"]:
    for axis in ["-1", "0", "1", "0,1", "none"]:
        case(op, floats("float32", (3, 4)), axis=axis)
        grad_case(op, floats("float32", (3, 4)), axis=axis)
    for d in ["float64", "float16", "bfloat16"]:
        case(op, floats(d, (2, 5)), axis="-1")
    case(op, floats("float32", (2, 3, 4)), axis="-2")
    case(op, floats("float32", (5,)), axis="-1")
    case(op, MASKED, axis="-1", tag="masked")
    grad_case(op, MASKED, axis="-1", tag="masked")
    grad_case(op, floats("float64", (2, 3, 4)), axis="1,2")
    grad_case(op, floats("float32", (6,)), axis="-1")

# --- logsumexp (jax.nn.logsumexp is jax.scipy.special.logsumexp).
case("logsumexp", floats("float32", (3, 4)), axis="none")
case("logsumexp", floats("float32", (3, 4)), axis="1", keepdims="1")
case("logsumexp", MASKED, axis="1")
case("logsumexp", floats("float32", (2, 3)), np.array([[1.0, 0.0, 2.0], [0.5, 0.5, 3.0]], np.float32), axis="-1", b="1")
for axis, keep in [("none", "0"), ("0", "0"), ("1", "1"), ("0,1", "0")]:
    grad_case("logsumexp", floats("float32", (3, 4)), axis=axis, keepdims=keep)
grad_case("logsumexp", MASKED, axis="1", tag="masked")
grad_case("logsumexp", floats("float64", (4, 2)), axis="0")

# --- one_hot: axes, out-of-range indices, dtypes.
IDX = np.array([0, 3, 5, -1, 2], np.int32)
case("one_hot", IDX, num_classes="4", oaxis="-1")
case("one_hot", IDX, num_classes="4", oaxis="0")
case("one_hot", IDX.reshape(1, 5), num_classes="3", oaxis="1")
case("one_hot", IDX.reshape(5, 1), num_classes="6", oaxis="-1", dtype="int32")
case("one_hot", IDX, num_classes="4", oaxis="-1", dtype="bfloat16")
case("one_hot", np.array(2, np.int32), num_classes="5", oaxis="-1")
case("one_hot", np.array([1, 0], np.uint8), num_classes="2", oaxis="-1", dtype="bool")
case("one_hot", np.zeros((0,), np.int32), num_classes="3", oaxis="-1")

# --- standardize: axes, algorithms, given mean / variance, epsilon.
for alg in ["fast", "stable"]:
    for axis in ["-1", "0", "none", "0,1"]:
        case("standardize", floats("float32", (3, 4)), axis=axis, algorithm=alg)
        grad_case("standardize", floats("float32", (3, 4)), axis=axis, algorithm=alg)
    case("standardize", floats("float64", (2, 5)), axis="-1", algorithm=alg)
    grad_case("standardize", floats("float64", (2, 5)), axis="-1", algorithm=alg)
case("standardize", np.full((2, 3), 1.5, np.float32), axis="-1", algorithm="fast", tag="constant")
case("standardize", floats("float32", (2, 3)), floats("float32", (2, 1)), axis="-1", algorithm="fast", mean="1")
case("standardize", floats("float32", (2, 3)), floats("float32", (2, 1)), floats("float32", (2, 1), 0.5, 2), axis="-1",
     algorithm="fast", mean="1", variance="1")
case("standardize", floats("float32", (2, 3)), axis="-1", algorithm="fast", epsilon="0.5")
grad_case("standardize", floats("float32", (2, 3)), floats("float32", (2, 1)), axis="-1", algorithm="stable", mean="1")

# Errors JAX raises (mirrored by the C++ error tests).
x34 = np.ones((3, 4), np.float32)
g.error("softmax_axis", lambda a: jax.nn.softmax(a, axis=2), x34)
g.error("log_softmax_axis", lambda a: jax.nn.log_softmax(a, axis=-3), x34)
g.error("one_hot_axis", lambda a: jax.nn.one_hot(a, 3, axis=3), np.array([[0, 1]], np.int32))
g.error("standardize_algorithm", lambda a: jax.nn.standardize(a, algorithm="exact"), x34)
g.error("sigmoid_int", lambda a: jax.nn.sigmoid(a), np.array([1, 2], np.int32))
g.error("silu_int", lambda a: jax.nn.silu(a), np.array([1, 2], np.int32))
g.error("elu_alpha_shape", lambda a, b: jax.nn.elu(a, b), x34, np.ones(3, np.float32))

g.save()
