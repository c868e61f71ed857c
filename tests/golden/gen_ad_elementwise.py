"""Golden data for the JVP and transpose rules of the elementwise primitives
(tests/test_ad_elementwise.cpp), from jax 0.10.2: derivatives at the edge points where
JAX's rules define a convention (abs and sign at 0, max/min ties, sqrt at 0, pow with
a 0 base or exponent, the where-trick, integer_pow with negative exponents, poles...),
and the number of equations of make_jaxpr(grad(f)) for a few functions.

Case names:

    <fn>;<mode>;<tag>

<fn> names a function of the C++ test's table (the same lax calls as FUNCTIONS below);
its inputs are the case's inputs, all differentiated. <mode>:

    jvp   outputs: f(xs), and its tangent along all-ones tangents (forward mode)
    vjp   outputs: f(xs), and the cotangent of each input for an all-ones output
          cotangent (reverse mode: linearize, partial evaluation, transpose)
    d2f   output: the second derivative by forward over forward (elementwise functions
          of one input: jvp of x -> jvp(f, x, 1))
    d2r   output: the same by reverse over reverse (vjp of x -> vjp(f, x)(1))
    eqns  output: the number of equations of make_jaxpr(grad(sum of f)) (int32); the
          C++ test checks that xjax's has no more
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden

g = Golden("ad_elementwise")

f32 = np.float32
inf = np.inf
nan = np.nan


def vec(*vals, dtype=f32):
    return np.array(vals, dtype=dtype)


# ---------------------------------------------------------------------------
# The functions, by the name the C++ test knows them by.

UNARY = {
    "neg": lax.neg, "sign": lax.sign, "abs": lax.abs, "square": lax.square, "floor": lax.floor,
    "ceil": lax.ceil, "round": lax.round, "exp": lax.exp, "exp2": lax.exp2, "expm1": lax.expm1,
    "log": lax.log, "log1p": lax.log1p, "sqrt": lax.sqrt, "rsqrt": lax.rsqrt, "cbrt": lax.cbrt,
    "sin": lax.sin, "cos": lax.cos, "tan": lax.tan, "asin": lax.asin, "acos": lax.acos,
    "atan": lax.atan, "sinh": lax.sinh, "cosh": lax.cosh, "tanh": lax.tanh, "asinh": lax.asinh,
    "acosh": lax.acosh, "atanh": lax.atanh, "logistic": lax.logistic, "erf": lax.erf,
    "erfc": lax.erfc, "erf_inv": lax.erf_inv, "lgamma": lax.lgamma, "digamma": lax.digamma,
}
for _y in (-3, -2, -1, 0, 1, 2, 3, 5):
    UNARY[f"integer_pow{_y}"] = (lambda y: lambda x: lax.integer_pow(x, y))(_y)

FUNCTIONS = dict(UNARY)
FUNCTIONS.update({
    "add": lax.add, "sub": lax.sub, "mul": lax.mul, "div": lax.div, "rem": lax.rem,
    "max": lax.max, "min": lax.min, "pow": lax.pow, "atan2": lax.atan2,
    # pow with an int32 exponent: only the base is an input.
    "pow_i0": lambda x: lax.pow(x, np.int32(0)),
    "pow_i3": lambda x: lax.pow(x, np.int32(3)),
    "pow_im2": lambda x: lax.pow(x, np.int32(-2)),
    "pow_ivec": lambda x: lax.pow(x, np.array([0, 1, -1, 3, 2], np.int32)),
    "polygamma1": lambda x: lax.polygamma(f32(1), x),
    "polygamma2": lambda x: lax.polygamma(f32(2), x),
    "clamp": lax.clamp,
    "clamp_scalar_bounds": lambda x: lax.clamp(f32(1), x, f32(2)),
    "select_bool": lambda a, b: lax.select_n(np.array([True, False, True]), a, b),
    "select_int": lambda a, b, c: lax.select_n(np.array([2, 0, 1, 1], np.int32), a, b, c),
    # The where-trick (JAX FAQ): sqrt's infinite derivative at 0 times the zero
    # cotangent of the unselected branch is NaN in reverse mode; guarding the operand
    # keeps the gradient finite.
    "where_naive": lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0),
    "where_safe": lambda x: jnp.where(x > 0, jnp.sqrt(jnp.where(x > 0, x, 1.0)), 0.0),
    # The tangent through an integer conversion is zero: d/dx x * float(int(x)) = float(int(x)).
    "convert_int": lambda x: x * lax.convert_element_type(lax.convert_element_type(x, np.int32), np.float32),
    "convert_f64": lambda x: lax.convert_element_type(x, np.float64) * 3.0,
})


def ones_like(x):
    return np.ones(np.shape(x), x.dtype)


def add_modes(fn, tag, *inputs, modes=("jvp", "vjp")):
    f = FUNCTIONS[fn]
    x64 = any(np.asarray(x).dtype == np.float64 for x in inputs) or fn == "convert_f64"
    if "jvp" in modes:
        g.case(f"{fn};jvp;{tag}", lambda *xs: jax.jvp(f, xs, tuple(ones_like(x) for x in xs)), *inputs,
               jaxpr=False, x64=x64)
    if "vjp" in modes:
        def vjp(*xs):
            y, pullback = jax.vjp(f, *xs)
            return (y, *pullback(jnp.ones_like(y)))
        g.case(f"{fn};vjp;{tag}", vjp, *inputs, jaxpr=False, x64=x64)
    if "d2f" in modes:
        def d2f(x):
            d1 = lambda x: jax.jvp(f, (x,), (ones_like(x),))[1]
            return jax.jvp(d1, (x,), (ones_like(x),))[1]
        g.case(f"{fn};d2f;{tag}", d2f, *inputs, jaxpr=False, x64=x64)
    if "d2r" in modes:
        def d2r(x):
            d1 = lambda x: jax.vjp(f, x)[1](jnp.ones_like(x))[0]
            return jax.vjp(d1, x)[1](jnp.ones_like(x))[0]
        g.case(f"{fn};d2r;{tag}", d2r, *inputs, jaxpr=False, x64=x64)


# ---------------------------------------------------------------------------
# Edge points of the unary functions: both modes, and second derivatives.

EDGES = {
    "neg": vec(0, -1.5, 2),
    "sign": vec(0, -0.0, 2, -3),
    "abs": vec(0, -0.0, 1.5, -2),
    "square": vec(0, -3, 0.5),
    "floor": vec(0.5, -1.5, 2),
    "ceil": vec(0.5, -1.5, 2),
    "round": vec(0.5, -1.5, 2.5),
    "exp": vec(0, -inf, 100, 1),
    "exp2": vec(0, -inf, 200, 1.5),
    "expm1": vec(0, -inf, 1e-6, 100),
    "log": vec(0, -1, 1, inf),
    "log1p": vec(-1, 0, 1e-8, -2),
    "sqrt": vec(0, 4, inf, -1),
    "rsqrt": vec(0, 4, inf),
    "cbrt": vec(0, -8, 8, 1e-9),
    "sin": vec(0, 1e4, -2),
    "cos": vec(0, 1e4, -2),
    "tan": vec(0, 1.5, -1),
    "asin": vec(1, -1, 0, 0.5, 2),
    "acos": vec(1, -1, 0, 0.5, 2),
    "atan": vec(0, inf, -3),
    "sinh": vec(0, 100, -2),
    "cosh": vec(0, 100, -2),
    "tanh": vec(0, 20, -20, inf, 0.5),
    "asinh": vec(0, 1e20, -2),
    "acosh": vec(1, 2, 0.5),
    "atanh": vec(1, -1, 0, 0.5),
    "logistic": vec(0, 50, -50, inf, -inf, 2),
    "erf": vec(0, 10, -1),
    "erfc": vec(0, 10, -1),
    "erf_inv": vec(1, -1, 0, 0.5, 2),
    "lgamma": vec(1, 2, 0.5, -0.5, 0, 10),
    "digamma": vec(1, 0.5, -0.5, 3, 0, -2),
}
for _y in (-3, -2, -1, 0, 1, 2, 3, 5):
    EDGES[f"integer_pow{_y}"] = vec(0, -2, 0.5, 3)

for name, x in EDGES.items():
    add_modes(name, "edges", x, modes=("jvp", "vjp", "d2f", "d2r"))
    add_modes(name, "edges64", x.astype(np.float64), modes=("jvp", "vjp"))

# ---------------------------------------------------------------------------
# Binary and n-ary functions at their edge points.

add_modes("max", "ties", vec(0, 1, 2, -0.0, nan, 3), vec(0, 1, 3, 0, 1, 2))
add_modes("min", "ties", vec(0, 1, 2, -0.0, nan, 3), vec(0, 1, 3, 0, 1, 2))
add_modes("max", "broadcast", np.array([[1, 2, 3]], f32), np.array([[1, 0, 5], [2, 2, 3]], f32))
add_modes("min", "scalar", f32(2), vec(1, 2, 3))
# pow with a 0 base, a 0 exponent, a negative base, an infinite exponent.
add_modes("pow", "edges", vec(0, 0, 0, 0, 2, -2, 1, 0.5), vec(0, 1, 2.5, -1, 0, 3, inf, -2))
add_modes("pow", "broadcast", np.array([[0.5, 2, 3]], f32), np.array([[1, 2, 0], [-1, 0.5, 2]], f32))
add_modes("pow_i0", "edges", vec(0, 2, -3))
add_modes("pow_i3", "edges", vec(0, 2, -3))
add_modes("pow_im2", "edges", vec(0, 2, -3))
add_modes("pow_ivec", "edges", vec(0, 0, 2, -2, 0.5))
add_modes("div", "edges", vec(1, 0, 1, -2, inf), vec(0, 0, 2, 4, 2))
add_modes("div", "broadcast", np.array([[1, 2, 3], [4, 5, 6]], f32), np.array([[2, 4, 8]], f32))
add_modes("rem", "edges", vec(5.5, -5.5, 3, 7, 1), vec(2, 2, 3, -2, 0))
add_modes("atan2", "edges", vec(0, 1, 0, -1, 2), vec(0, 0, 1, -1, inf))
add_modes("add", "broadcast", np.array([[1, 2, 3]], f32), np.array([[1, 2, 3], [4, 5, 6]], f32))
add_modes("add", "scalar", f32(2), np.array([[1, 2], [3, 4]], f32))
add_modes("sub", "broadcast", np.array([[1], [2]], f32), np.array([[1, 2, 3]], f32))
add_modes("sub", "scalar", np.array([[1, 2], [3, 4]], f32), f32(2))
add_modes("mul", "broadcast", np.array([[1, 2, 3]], f32), np.array([[1, 2, 3], [4, 5, 6]], f32))
add_modes("mul", "scalar", f32(3), vec(1, 2, 3))
add_modes("polygamma1", "edges", vec(1, 0.5, -0.5, 3, 0, -2, 20))
add_modes("polygamma2", "edges", vec(1, 0.5, -0.5, 3, 0, -2, 20))
# clamp at and between the bounds (x == lo or x == hi: no operand gets the tangent).
add_modes("clamp", "edges", vec(1, 1, 1, 1, 3, 2), vec(0, 1, 1.5, 2, 2.5, 1), vec(2, 2, 2, 2, 2, 0))
add_modes("clamp_scalar_bounds", "edges", vec(0, 1, 1.5, 2, 2.5))
add_modes("select_bool", "cases", vec(1, 2, 3), vec(4, 5, 6))
add_modes("select_int", "cases", vec(1, 2, 3, 4), vec(5, 6, 7, 8), vec(9, 10, 11, 12))
add_modes("where_naive", "edges", vec(0, 4, -1))
add_modes("where_safe", "edges", vec(0, 4, -1))
add_modes("convert_int", "edges", vec(1.7, -2.3, 0))
add_modes("convert_f64", "edges", vec(1.5, -2))

# ---------------------------------------------------------------------------
# Equation counts of make_jaxpr(grad(sum of f)): xjax's must not exceed these.


def count_eqns(jaxpr):
    """Equations, those of nested jaxprs (jnp.where's jit) counted instead of the call."""
    n = 0
    for e in jaxpr.eqns:
        inner = e.params.get("jaxpr")
        n += count_eqns(inner.jaxpr if hasattr(inner, "jaxpr") else inner) if inner is not None else 1
    return n


def eqns(fn, *inputs, argnums=0):
    f = FUNCTIONS[fn]
    loss = lambda *xs: jnp.sum(f(*xs))

    def count(*xs):
        j = jax.make_jaxpr(jax.grad(loss, argnums=argnums))(*xs)
        return np.array(count_eqns(j.jaxpr), np.int32)

    tag = "wrt" + "".join(str(a) for a in (argnums if isinstance(argnums, tuple) else (argnums,)))
    g.case(f"{fn};eqns;{tag}", count, *inputs, jaxpr=False, x64=fn == "convert_f64")


for name in ("sin", "cos", "exp", "log", "sqrt", "rsqrt", "logistic", "tanh", "abs", "erf", "digamma", "lgamma",
             "integer_pow3", "integer_pow-2", "cbrt", "exp2", "expm1", "atanh", "asin", "erf_inv", "square"):
    eqns(name, vec(0.3, 0.4, 0.5))
eqns("add", np.ones((1, 3), f32), np.ones((2, 3), f32), argnums=(0, 1))
eqns("sub", np.ones((2, 1), f32), np.ones((1, 3), f32), argnums=(0, 1))
eqns("mul", f32(2), np.ones((2, 3), f32), argnums=(0, 1))
eqns("div", np.ones((2, 3), f32), np.ones((1, 3), f32), argnums=(0, 1))
eqns("max", np.ones((2, 3), f32), np.ones((2, 3), f32), argnums=(0, 1))
eqns("pow", vec(1, 2, 3), vec(0.5, 2, 1), argnums=(0, 1))
eqns("pow_i3", vec(1, 2, 3))
eqns("atan2", vec(1, 2, 3), vec(0.5, 2, 1), argnums=(0, 1))
eqns("rem", vec(1, 2, 3), vec(0.5, 2, 1), argnums=(0, 1))
eqns("clamp", vec(0, 0, 0), vec(-1, 0.5, 2), vec(1, 1, 1), argnums=(0, 1, 2))
eqns("select_bool", vec(1, 2, 3), vec(4, 5, 6), argnums=(0, 1))
eqns("where_safe", vec(0, 4, -1))
eqns("convert_f64", vec(1.5, -2))

g.save()
