"""Golden data for the differentiation rules of the reductions family
(tests/test_ad_reductions.cpp): JAX's JVPs, VJPs and Hessians of reduce_*, the
cumulative ops, sort and top_k at the points where the rules make a choice (tied
maxima, products with zeros, equal sort keys, cummax ties), and the number of
equations of JAX's JVP and gradient jaxprs.

Case names encode what to replay, so that the C++ test needs no second table:

    <mode>;<op>;<key>=<value>;...;<tag>

Modes and what the inputs / outputs hold:
    jvp      inputs: the n primals, then the n tangents; outputs: jax.jvp's primal
             outputs, then their tangents (float outputs only: top_k's indices are left out)
    vjp      inputs: the n primals, then one cotangent per float output; outputs: the
             primal outputs, then the cotangents of the n primals
    hessian  inputs: x; output: jax.hessian(op)(x) (ops with a 0-d output)
    jvpjaxpr inputs: x, t; outputs: jax.jvp(op, (x,), (t,)) as in jvp, and the text of
             make_jaxpr(lambda x, t: jax.jvp(op, (x,), (t,))), which xjax must print
             identically (up to JAX's np.int64(...) around some integer params)
    eqns     inputs: x; output: the number of equations of
             make_jaxpr(lambda x, t: jax.jvp(op, (x,), (t,))) (of=jvp) or of
             make_jaxpr(jax.grad(op)) (of=grad)
Ops and their keys (tuples are comma-separated integers, empty for ()):
    reduce_sum, reduce_prod, reduce_max, reduce_min: axes
    cumsum, cumprod, cummax, cummin: axis, reverse (0/1)
    sort: dimension, num_keys, n (the number of operands)
    top_k: k (along the last axis)
The tag (dtype, shape, what the values are) keeps names unique.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden, rng

g = Golden("ad_reductions")
r = rng(20250704)


def tup(v):
    return ",".join(str(int(x)) for x in v)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def name(mode, op, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items())
    return f"{mode};{op};{kv};{tag}" if kv else f"{mode};{op};{tag}"


def fn(op, p):
    """The function of one golden case: op with its params, returning a tuple of its
    float outputs (top_k's int32 indices are left out)."""
    if op in ("reduce_sum", "reduce_prod", "reduce_max", "reduce_min"):
        f = getattr(lax, op)
        return lambda x: (f(x, p["axes"]),)
    if op in ("cumsum", "cumprod", "cummax", "cummin"):
        f = getattr(lax, op)
        return lambda x: (f(x, axis=p["axis"], reverse=bool(p["reverse"])),)
    if op == "sort":
        return lambda *xs: tuple(lax.sort(xs, dimension=p["dimension"], num_keys=p["num_keys"]))
    if op == "top_k":
        return lambda x: (lax.top_k(x, p["k"])[0],)
    raise ValueError(op)


def encode(p):
    return {k: (tup(v) if isinstance(v, tuple) else int(v)) for k, v in p.items()}


def normal(shape, dtype="float32"):
    return (r.standard_normal(shape) * 2).astype(dtype)


def jvp_case(op, tag, xs, p):
    xs = [np.asarray(x) for x in xs]
    ts = [normal(x.shape, x.dtype) for x in xs]
    f = fn(op, p)
    n = len(xs)

    def run(*args):
        ys, tys = jax.jvp(f, tuple(args[:n]), tuple(args[n:]))
        return tuple(ys) + tuple(tys)

    g.case(name("jvp", op, tag, **encode(p)), run, *xs, *ts, jaxpr=False)


def vjp_case(op, tag, xs, p):
    xs = [np.asarray(x) for x in xs]
    f = fn(op, p)
    n = len(xs)
    outs = jax.eval_shape(f, *xs)
    cts = [normal(o.shape, xs[0].dtype) for o in outs]  # every output has the operand dtype

    def run(*args):
        ys, pullback = jax.vjp(f, *args[:n])
        return tuple(ys) + tuple(pullback(tuple(args[n:])))

    g.case(name("vjp", op, tag, **encode(p)), run, *xs, *cts, jaxpr=False)


def both(op, tag, xs, **p):
    jvp_case(op, tag, xs, p)
    vjp_case(op, tag, xs, p)


def hessian_case(op, tag, x, **p):
    f = fn(op, p)
    g.case(name("hessian", op, tag, **encode(p)), lambda x: jax.hessian(lambda x: f(x)[0])(x), np.asarray(x),
           jaxpr=False)


def eqns_case(of, op, tag, x, **p):
    f = fn(op, p)
    x = np.asarray(x)
    if of == "jvp":
        j = jax.make_jaxpr(lambda x, t: jax.jvp(f, (x,), (t,)))(x, x)
    else:
        j = jax.make_jaxpr(jax.grad(lambda x: f(x)[0]))(x)
    count = np.int32(len(j.jaxpr.eqns))
    g.case(name("eqns", op, tag, of=of, **encode(p)), lambda x: count, x, jaxpr=False)


def jvp_jaxpr_case(op, tag, x, **p):
    f = fn(op, p)
    x = np.asarray(x)
    def run(x, t):
        ys, ts = jax.jvp(f, (x,), (t,))
        return tuple(ys) + tuple(ts)

    g.case(name("jvpjaxpr", op, tag, **encode(p)), run, x, normal(x.shape, x.dtype))


def arr(values, dtype="float32"):
    return np.asarray(values, dtype=dtype)


# --- reduce_sum: linear; the VJP broadcasts back over the reduced axes.
for dtype in ("float32", "float64"):
    for shape, axes in [((), ()), ((5,), (0,)), ((3, 4), (1,)), ((3, 4), (0, 1)), ((3, 4), ()),
                        ((2, 3, 4), (0, 2)), ((1, 3, 1), (0, 2)), ((0, 3), (0,))]:
        both("reduce_sum", f"{dtype}_{shape_tag(shape)}", [normal(shape, dtype)], axes=axes)

# --- reduce_prod: the tree of pairwise products, exact with zeros.
prod_vectors = {
    "nozero": [1.5, -0.5, 2.0, 0.75, -1.25],
    "onezero": [1.5, -0.5, 0.0, 0.75, -1.25],
    "twozeros": [1.5, 0.0, 2.0, 0.0, -1.25],
    "allzero": [0.0, 0.0, 0.0],
    "even_onezero": [2.0, 0.0, -3.0, 0.5, 1.5, -1.0],
    "seven": [1.1, -0.9, 1.3, 0.7, -1.2, 0.8, 1.4],
}
for tag, v in prod_vectors.items():
    for dtype in ("float32", "float64"):
        both("reduce_prod", f"{dtype}_{tag}", [arr(v, dtype)], axes=(0,))
m = arr([[1.5, 0.0, 2.0, -0.5], [0.0, 3.0, 0.0, 1.0], [0.5, -2.0, 1.5, 0.75]])
for axes in [(0,), (1,), (0, 1), (1, 0), ()]:
    both("reduce_prod", f"float32_3x4_zeros", [m], axes=axes)
c = (arr(r.uniform(0.5, 1.5, size=(2, 3, 4))) * arr(r.choice([-1, 1], size=(2, 3, 4))))
c[0, 1, 2] = 0.0
c[1, 2, 0] = 0.0
c[1, 2, 3] = 0.0
both("reduce_prod", "float32_2x3x4_zeros", [c], axes=(0, 2))
both("reduce_prod", "float32_2x3x4_zeros", [c], axes=(2, 0))
both("reduce_prod", "float32_scalar", [arr(1.75)], axes=())
both("reduce_prod", "float32_scalar_zero", [arr(0.0)], axes=())
both("reduce_prod", "float32_1x3x1", [arr([[[0.5], [2.0], [-3.0]]])], axes=(0, 2))
for tag, v in [("onezero", [1.5, -0.5, 0.0, 0.75, -1.25]), ("twozeros", [1.5, 0.0, 2.0, 0.0, -1.25]),
               ("nozero", [1.5, -0.5, 2.0, 0.75, -1.25])]:
    hessian_case("reduce_prod", f"float64_{tag}", arr(v, "float64"), axes=(0,))
hessian_case("reduce_prod", "float32_3x4_zeros", m, axes=(0, 1))

# --- reduce_max / reduce_min: tied extrema share the tangent evenly.
ties = arr([[1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 2.0, 2.0], [-1.0, 0.5, -4.0, 0.25]])
signed_zeros = arr([-0.0, 0.0, -1.0, -0.0])
for op in ("reduce_max", "reduce_min"):
    for axes in [(0,), (1,), (0, 1), ()]:
        both(op, "float32_3x4_ties", [ties], axes=axes)
    both(op, "float64_3x4_ties", [ties.astype("float64")], axes=(1,))
    both(op, "float32_signed_zeros", [signed_zeros], axes=(0,))
    both(op, "float32_scalar", [arr(-2.5)], axes=())
    t3 = arr(r.integers(-2, 3, size=(2, 3, 4)))
    both(op, "float32_2x3x4_ties", [t3], axes=(0, 2))
    hessian_case(op, "float64_ties", arr([1.0, 3.0, -3.0, 3.0, -3.0], "float64"), axes=(0,))

# --- cumulative ops: cumsum linear; cumprod/cummax/cummin through JAX's associative_scan.
for op in ("cumsum", "cumprod", "cummax", "cummin"):
    for rev in (0, 1):
        for n in (1, 2, 3, 5, 8):
            both(op, f"float32_{n}", [normal((n,))], axis=0, reverse=rev)
        both(op, "float32_3x5", [normal((3, 5))], axis=1, reverse=rev)
        both(op, "float64_4x3", [normal((4, 3), "float64")], axis=0, reverse=rev)
for rev in (0, 1):
    both("cumprod", "float32_zeros", [arr([1.5, 0.0, -2.0, 0.0, 0.5, 1.25])], axis=0, reverse=rev)
    both("cumprod", "float32_onezero", [arr([1.5, -0.5, 2.0, 0.0, 0.5, 1.25, -0.75])], axis=0, reverse=rev)
    for op in ("cummax", "cummin"):
        both(op, "float32_ties", [arr([1.0, 3.0, 3.0, 2.0, 3.0, -1.0, 4.0, 4.0])], axis=0, reverse=rev)
        both(op, "float32_alleq", [arr([2.0, 2.0, 2.0, 2.0, 2.0])], axis=0, reverse=rev)
        both(op, "float32_3x6_ties", [arr(r.integers(-2, 3, size=(3, 6)))], axis=1, reverse=rev)

# --- sort: tangents follow the stable permutation, equal keys included.
keys = arr([3.0, 1.0, 2.0, 1.0, 3.0, 0.5])
km = arr(r.integers(-2, 3, size=(3, 5)))
both("sort", "float32_6_ties", [keys], dimension=0, num_keys=1, n=1)
both("sort", "float32_3x5_ties", [km], dimension=1, num_keys=1, n=1)
both("sort", "float32_3x5_ties", [km], dimension=0, num_keys=1, n=1)
both("sort", "float64_4x3", [normal((4, 3), "float64")], dimension=0, num_keys=1, n=1)
both("sort", "float32_1", [arr([0.5])], dimension=0, num_keys=1, n=1)
both("sort", "float32_two_ties", [keys, normal((6,))], dimension=0, num_keys=1, n=2)
both("sort", "float32_two_keys", [arr([1.0, 0.0, 1.0, 0.0, 1.0]), arr([2.0, 5.0, -1.0, 5.0, 2.0])],
     dimension=0, num_keys=2, n=2)
both("sort", "float32_3x5_two", [km, normal((3, 5))], dimension=1, num_keys=1, n=2)

# --- top_k: the tangent gathered at the top indices (ties: the lower index first).
for k in (1, 3, 6):
    both("top_k", f"float32_6_ties_k{k}", [keys], k=k)
both("top_k", "float32_3x5_ties", [km], k=2)
both("top_k", "float64_2x4", [normal((2, 4), "float64")], k=4)

# --- empty operands: a product of nothing is 1 (zero tangent), a max of nothing -inf
# (its tangent 0/0 = NaN, as JAX's); empty scans and sorts.
empty = np.zeros((2, 0), "float32")
for op in ("reduce_sum", "reduce_prod", "reduce_max", "reduce_min"):
    both(op, "float32_2x0", [empty], axes=(1,))
    both(op, "float32_0x3_empty", [np.zeros((0, 3), "float32")], axes=(0,))
for op in ("cumsum", "cumprod", "cummax", "cummin"):
    both(op, "float32_2x0", [empty], axis=1, reverse=0)
    both(op, "float32_2x0", [empty], axis=0, reverse=1)
both("sort", "float32_2x0", [empty], dimension=1, num_keys=1, n=1)
both("top_k", "float32_2x0", [empty], k=0)

# --- equation counts of JAX's JVP and gradient jaxprs.
x34 = normal((3, 4))
x5 = normal((5,))
for of in ("jvp", "grad"):
    eqns_case(of, "reduce_sum", "float32_3x4", x34, axes=(0, 1))
    eqns_case(of, "reduce_max", "float32_3x4", x34, axes=(0, 1))
    eqns_case(of, "reduce_min", "float32_5", x5, axes=(0,))
    eqns_case(of, "reduce_prod", "float32_3x4", x34, axes=(0, 1))
    eqns_case(of, "reduce_prod", "float32_5", x5, axes=(0,))
    eqns_case(of, "reduce_prod", "float32_scalar", arr(1.5), axes=())
eqns_case("jvp", "reduce_prod", "float32_3x4", x34, axes=(1,))
eqns_case("jvp", "reduce_max", "float32_3x4", x34, axes=(1,))
for op in ("cumsum", "cumprod", "cummax", "cummin"):
    eqns_case("jvp", op, "float32_5", x5, axis=0, reverse=0)
    eqns_case("jvp", op, "float32_3x4", x34, axis=1, reverse=1)
eqns_case("jvp", "sort", "float32_3x4", x34, dimension=1, num_keys=1, n=1)
eqns_case("jvp", "top_k", "float32_3x4", x34, k=2)

# --- the JVP jaxprs themselves, equation for equation.
jvp_jaxpr_case("reduce_sum", "float32_3x4", x34, axes=(1,))
jvp_jaxpr_case("reduce_prod", "float32_3x4", x34, axes=(1,))
jvp_jaxpr_case("reduce_prod", "float32_3x4_all", x34, axes=(0, 1))
jvp_jaxpr_case("reduce_prod", "float32_2x3x4", normal((2, 3, 4)), axes=(2, 0))
jvp_jaxpr_case("reduce_prod", "float32_scalar", arr(1.5), axes=())
jvp_jaxpr_case("reduce_max", "float32_3x4", x34, axes=(1,))
jvp_jaxpr_case("reduce_min", "float32_3x4", x34, axes=(0, 1))
jvp_jaxpr_case("cumsum", "float32_3x4", x34, axis=1, reverse=1)
jvp_jaxpr_case("cumprod", "float32_5", x5, axis=0, reverse=0)
jvp_jaxpr_case("cumprod", "float32_3x4", x34, axis=1, reverse=1)
jvp_jaxpr_case("cummax", "float32_5", x5, axis=0, reverse=1)
jvp_jaxpr_case("cummin", "float32_3x4", x34, axis=0, reverse=0)
jvp_jaxpr_case("sort", "float32_3x4", x34, dimension=1, num_keys=1, n=1)
jvp_jaxpr_case("sort", "float32_3x4_dim0", x34, dimension=0, num_keys=1, n=1)
jvp_jaxpr_case("top_k", "float32_3x4", x34, k=2)

g.save()
