"""Golden data for the batching rules of the elementwise family
(tests/test_vmap_elementwise.cpp): chains of jax.lax elementwise ops, written
identically in the C++ test, vmapped with several in_axes/out_axes in JAX 0.10.2.

Case names: `<chain>;<in_axes>;<out_axes>;<shapes>`, in_axes one entry per argument
separated by commas, `n` for None, then the arguments' shapes (`4x3`, `s` for 0-d), e.g.
`binary;0,n;1;4x3,s`. Each case stores:

    in     the batched arguments
    out    jax.vmap(chain, in_axes, out_axes)(*args)
    out    int32: the number of equations of make_jaxpr(vmap(chain)) (flat: vmap of lax
           elementwise ops adds no call equations)
    out    int32: the number of equations of make_jaxpr(chain) on one example
    jaxpr  str(make_jaxpr(vmap(chain, in_axes, out_axes))(*args))

The C++ test checks the values, that xjax's make_jaxpr(vmap(chain)) has JAX's number of
equations and the same primitives in the same order (and, where the jaxpr has no
numpy scalar in a param, the same text), and that where JAX's vmap adds no equation to
the chain, xjax's adds none either.
"""

import jax
import numpy as np
from jax import lax

from golden import Golden, _line, rng

g = Golden("vmap_elementwise")
r = rng(20251125)
B = 4  # the batch size


def f32(*shape, lo=-2.0, hi=2.0):
    return r.uniform(lo, hi, shape).astype(np.float32)


def i32(*shape, lo=-20, hi=20):
    return r.integers(lo, hi, shape).astype(np.int32)


def boolean(*shape):
    return r.integers(0, 2, shape).astype(np.bool_)


# --- The chains (the C++ test defines the same functions under the same names).
def unary(x):
    return lax.tanh(lax.add(lax.mul(lax.exp(x), 2.0), lax.sin(x)))


def binary(x, y):
    return lax.max(lax.sub(lax.mul(x, y), lax.div(x, y)), lax.neg(y))


def select(x, y):
    return lax.select(lax.gt(x, 0.0), lax.mul(x, y), lax.clamp(-1.0, y, 1.0))


def scalar_pred(p, x, y):
    return lax.select(p, lax.sub(x, y), lax.abs(y))


def clamp(lo, x, hi):
    return lax.mul(lax.clamp(lo, x, hi), 2.0)


def integer(x):
    masked = lax.shift_right_logical(lax.bitwise_and(x, 12), 1)
    return lax.mul(lax.convert_element_type(lax.population_count(masked), np.float32), 0.5)


def power(x, n):
    return lax.add(lax.pow(x, n), lax.sub(lax.integer_pow(x, 3), lax.polygamma(1.0, x)))


def bits(x, y):
    i = lax.bitcast_convert_type(x, np.int32)
    back = lax.bitcast_convert_type(lax.bitcast_convert_type(y, np.uint8), np.float32)
    return lax.add(lax.convert_element_type(lax.bitwise_xor(i, 7), np.float32), back)


CHAINS = {"unary": unary, "binary": binary, "select": select, "scalar_pred": scalar_pred, "clamp": clamp,
          "integer": integer, "power": power, "bits": bits}


def spec(axes):
    return ",".join("n" if a is None else str(a) for a in axes)


def example(x, axis):
    """The first example of a batched argument (the argument itself when unbatched)."""
    return x if axis is None else np.take(x, 0, axis=axis)


def case(chain, in_axes, *inputs, out_axes=0):
    fn = CHAINS[chain]
    # The shapes of the arguments tell cases with the same axes apart.
    shapes = ",".join("x".join(str(d) for d in np.shape(x)) or "s" for x in inputs)
    name = f"{chain};{spec(in_axes)};{out_axes};{shapes}"
    if name in g.names:
        raise ValueError(f"duplicate case {name}")
    inputs = [np.asarray(x) for x in inputs]
    vf = jax.vmap(fn, in_axes=tuple(in_axes), out_axes=out_axes)
    out = np.asarray(vf(*inputs))
    closed = jax.make_jaxpr(vf)(*inputs)
    one = jax.make_jaxpr(fn)(*[example(x, a) for x, a in zip(inputs, in_axes)])
    assert not any(e.primitive.name in ("pjit", "jit", "closed_call") for e in closed.jaxpr.eqns), name
    text = str(closed).split("\n")
    lines = [f"case {name}"] + [_line("in", x) for x in inputs]
    lines += [_line("out", out), _line("out", np.int32(len(closed.jaxpr.eqns))),
              _line("out", np.int32(len(one.jaxpr.eqns))), f"jaxpr {len(text)}"] + text + ["end"]
    g.names.add(name)
    g.blocks.append("\n".join(lines))


# unary: one operand, batched along each axis; 0-d examples.
case("unary", [0], f32(B, 3))
case("unary", [1], f32(3, B))
case("unary", [-1], f32(2, 3, B))
case("unary", [0], f32(B))
case("unary", [0], f32(B, 3), out_axes=1)

# binary: operands batched alike (no equation added), unbatched (0-d: kept as is; not
# 0-d: a size-1 axis each time it is used), batched along different axes (transposes),
# and a 0-d example with a non-0-d one (expand_dims).
case("binary", [0, 0], f32(B, 3), f32(B, 3))
case("binary", [1, 1], f32(2, B, 3), f32(2, B, 3))
case("binary", [-1, -1], f32(3, B), f32(3, B))
case("binary", [0, None], f32(B, 3), f32())
case("binary", [None, 0], f32(), f32(B, 3))
case("binary", [0, None], f32(B, 3), f32(3))
case("binary", [None, 1], f32(2, 3), f32(2, B, 3))
case("binary", [0, 1], f32(B, 3), f32(3, B))
case("binary", [0, 1], f32(B, 4), f32(4, B))
case("binary", [1, -1], f32(2, B), f32(2, B), out_axes=1)
case("binary", [0, 0], f32(B), f32(B, 3))
case("binary", [0, 0], f32(B, 3), f32(B))
case("binary", [0, 0], f32(B), f32(B))

# select_n with a predicate of the cases' shape, clamp with 0-d bounds.
case("select", [0, 0], f32(B, 3), f32(B, 3))
case("select", [1, 1], f32(3, B), f32(3, B))
case("select", [0, None], f32(B, 3), f32(3))
case("select", [None, 0], f32(3), f32(B, 3))
case("select", [0, 1], f32(B, 3), f32(3, B), out_axes=-1)

# select_n with a 0-d predicate per example.
case("scalar_pred", [0, 0, 0], boolean(B), f32(B, 3), f32(B, 3))
case("scalar_pred", [0, None, None], boolean(B), f32(3), f32(3))
case("scalar_pred", [None, 0, 0], boolean(), f32(B, 3), f32(B, 3))
case("scalar_pred", [None, 0, 1], boolean(), f32(B, 3), f32(3, B))
case("scalar_pred", [0, 1, None], boolean(B), f32(3, B), f32(3))
case("scalar_pred", [0, 0, 0], boolean(B), f32(B), f32(B))
case("scalar_pred", [None, 0, 1], boolean(), f32(B, 4), f32(4, B))  # one shape, two batch dims

# clamp with 0-d or full bounds, any of the three batched.
case("clamp", [0, 0, 0], f32(B, lo=-1, hi=0), f32(B, 3), f32(B, lo=0, hi=1))
case("clamp", [None, 0, None], f32(lo=-1, hi=0), f32(B, 3), f32(lo=0, hi=1))
case("clamp", [0, 0, 0], f32(B, 3, lo=-1, hi=0), f32(B, 3), f32(B, 3, lo=0, hi=1))
case("clamp", [None, 0, 0], f32(lo=-1, hi=0), f32(B, 3), f32(B, 3, lo=0, hi=1))
case("clamp", [1, 0, None], f32(3, B, lo=-1, hi=0), f32(B, 3), f32(lo=0, hi=1))
case("clamp", [0, None, None], f32(B, lo=-1, hi=0), f32(3), f32(lo=0, hi=1))
case("clamp", [0, None, 0], f32(B, lo=-1, hi=0), f32(), f32(B, lo=0, hi=1))

# integer ops, converts and bitcasts.
case("integer", [0], i32(B, 3))
case("integer", [1], i32(3, B), out_axes=1)
case("power", [0, 0], f32(B, 3, lo=0.5, hi=2), i32(B, 3, lo=-3, hi=4))
case("power", [0, None], f32(B, 3, lo=0.5, hi=2), i32(3, lo=-3, hi=4))
case("power", [None, 0], f32(3, lo=0.5, hi=2), i32(B, 3, lo=-3, hi=4))
case("bits", [0, 0], f32(B, 3), f32(B, 3))
case("bits", [1, 0], f32(3, B), f32(B, 3))
case("bits", [0, -1], f32(B), f32(B))

g.save()
