"""Golden data for the batching rules of the reductions family
(tests/test_vmap_reductions.cpp): functions of jax.lax reductions, cumulative ops, sort,
top_k and iota, written identically in the C++ test, under jax.vmap with several
in_axes/out_axes in JAX 0.10.2; vmap of grad, grad of vmap and vmap of vmap.

Case names: `<function>;<in_axes>;<out_axes>;<shapes>`, in_axes one entry per argument
separated by commas, `n` for None (a vmap of a vmap: the outer and the inner in_axes
joined by `/`), then the arguments' shapes (`4x3`, `s` for 0-d), e.g.
`sort_kv;n,1;-1;3,3x4`. Each case stores:

    in     the batched arguments
    out    the outputs of jax.vmap(fn, in_axes, out_axes)(*args) (one or several)
    out    int32: the number of equations of make_jaxpr(vmap(fn))
    out    int32: the number of equations of make_jaxpr(fn) on one example
    jaxpr  str(make_jaxpr(vmap(fn, in_axes, out_axes))(*args))

Cases whose name starts with `grad_of_vmap` store jax.grad of the sum of the vmapped
function instead of the vmap itself.

The C++ test checks the values, that xjax's make_jaxpr(vmap(fn)) has JAX's number of
equations and JAX's primitives in JAX's order, and the text of the jaxpr where JAX
prints no numpy scalar in a param (`axes=(np.int64(2),)`, which xjax prints `(2,)`).
"""

import jax
import numpy as np
from jax import lax

from golden import Golden, _line, rng

g = Golden("vmap_reductions")
r = rng(20251126)
B = 4  # the batch size


def f32(*shape, lo=-2.0, hi=2.0):
    return r.uniform(lo, hi, shape).astype(np.float32)


def ties(*shape):
    """float32 values with repeats (ties for sort, argmax, top_k, max)."""
    return r.integers(-3, 3, shape).astype(np.float32)


def i32(*shape, lo=-9, hi=9):
    return r.integers(lo, hi, shape).astype(np.int32)


def u8(*shape):
    return r.integers(0, 256, shape).astype(np.uint8)


def boolean(*shape):
    return r.integers(0, 2, shape).astype(np.bool_)


# --- The functions (the C++ test defines the same ones under the same names).
FUNCTIONS = {
    "sum_1": lambda x: lax.reduce_sum(x, (1,)),
    "sum_10": lambda x: lax.reduce_sum(x, (1, 0)),
    "sum_none": lambda x: lax.reduce_sum(x, ()),
    "prod_0": lambda x: lax.reduce_prod(x, (0,)),
    "max_1": lambda x: lax.reduce_max(x, (1,)),
    "min_02": lambda x: lax.reduce_min(x, (0, 2)),
    "and_1": lambda x: lax.reduce_and(x, (1,)),
    "or_0": lambda x: lax.reduce_or(x, (0,)),
    "xor_10": lambda x: lax.reduce_xor(x, (1, 0)),
    "argmax_1": lambda x: lax.argmax(x, 1, np.int32),
    "argmin_0": lambda x: lax.argmin(x, 0, np.int8),
    "cumsum_1r": lambda x: lax.cumsum(x, 1, reverse=True),
    "cumprod_0": lambda x: lax.cumprod(x, 0),
    "cummax_0r": lambda x: lax.cummax(x, 0, reverse=True),
    "cummin_1": lambda x: lax.cummin(x, 1),
    "sort_last": lambda x: lax.sort(x),
    "sort_kv": lambda k, v: lax.sort((k, v), dimension=0, num_keys=1),
    "sort3_keys2": lambda a, b, c: lax.sort((a, b, c), dimension=0, num_keys=2),
    "top_k_2": lambda x: lax.top_k(x, 2),
    "top_k_axis0": lambda x: lax.top_k(x, 1, axis=0),
    "iota_add": lambda x: lax.add(x, lax.broadcasted_iota(np.float32, (2, 3), 1)),
    # Reductions feeding elementwise ops: the batch dims must line up afterwards.
    "softmax_1": lambda x: lax.div(lax.exp(lax.sub(x, lax.broadcast_in_dim(lax.reduce_max(x, (1,)), (2, 3), (0,)))),
                                   lax.broadcast_in_dim(lax.reduce_sum(lax.exp(x), (1,)), (2, 3), (0,))),
}


# Scalar functions of one example, differentiated per example.
def loss_sum(x):
    return lax.reduce_sum(lax.mul(lax.sin(x), x), (0, 1))


def loss_max(x):
    return lax.reduce_max(lax.reduce_sum(lax.mul(x, x), (1,)), (0,))


def loss_prod(x):
    return lax.reduce_prod(lax.cos(x), (1, 0))


def loss_sort(x):
    w = lax.convert_element_type(lax.broadcasted_iota(np.int32, (2, 3), 1), np.float32)
    return lax.reduce_sum(lax.mul(lax.sort(x, dimension=1), w), (0, 1))


def loss_cumsum(x):
    return lax.reduce_sum(lax.mul(lax.cumsum(x, 1), lax.cumprod(x, 0)), (0, 1))


LOSSES = {"loss_sum": loss_sum, "loss_max": loss_max, "loss_prod": loss_prod, "loss_sort": loss_sort,
          "loss_cumsum": loss_cumsum}
for _name, _loss in LOSSES.items():
    FUNCTIONS["grad_" + _name] = jax.grad(_loss)


def spec(axes):
    return ",".join("n" if a is None else str(a) for a in axes)


def example(x, axis):
    """The first example of a batched argument (the argument itself when unbatched)."""
    return x if axis is None else np.take(x, 0, axis=axis)


def record(name, vf, fn_example, inputs, examples):
    if name in g.names:
        raise ValueError(f"duplicate case {name}")
    out = vf(*inputs)
    outs = [np.asarray(o) for o in (out if isinstance(out, (tuple, list)) else [out])]
    closed = jax.make_jaxpr(vf)(*inputs)
    one = jax.make_jaxpr(fn_example)(*examples)
    assert not any(e.primitive.name in ("pjit", "jit", "closed_call") for e in closed.jaxpr.eqns), name
    text = str(closed).split("\n")
    lines = [f"case {name}"] + [_line("in", x) for x in inputs] + [_line("out", o) for o in outs]
    lines += [_line("out", np.int32(len(closed.jaxpr.eqns))), _line("out", np.int32(len(one.jaxpr.eqns))),
              f"jaxpr {len(text)}"] + text + ["end"]
    g.names.add(name)
    g.blocks.append("\n".join(lines))


def shapes_of(inputs):
    return ",".join("x".join(str(d) for d in np.shape(x)) or "s" for x in inputs)


def case(fn_name, in_axes, *inputs, out_axes=0):
    fn = FUNCTIONS[fn_name]
    inputs = [np.asarray(x) for x in inputs]
    name = f"{fn_name};{spec(in_axes)};{out_axes};{shapes_of(inputs)}"
    vf = jax.vmap(fn, in_axes=tuple(in_axes), out_axes=out_axes)
    record(name, vf, fn, inputs, [example(x, a) for x, a in zip(inputs, in_axes)])


def case2(fn_name, outer, inner, *inputs, out_axes=0):
    """vmap(vmap(fn, inner), outer): outer out_axes `out_axes`, inner out_axes 0."""
    fn = FUNCTIONS[fn_name]
    inputs = [np.asarray(x) for x in inputs]
    name = f"{fn_name};{spec(outer)}/{spec(inner)};{out_axes};{shapes_of(inputs)}"
    vf = jax.vmap(jax.vmap(fn, in_axes=tuple(inner)), in_axes=tuple(outer), out_axes=out_axes)
    examples = [example(x, a) for x, a in zip(inputs, outer)]
    examples = [example(x, a) for x, a in zip(examples, inner)]
    record(name, vf, fn, inputs, examples)


def grad_of_vmap(loss_name, in_axis, x):
    """grad of the sum over the batch of vmap(loss): the per-example gradients."""
    loss = LOSSES[loss_name]
    x = np.asarray(x)
    name = f"grad_of_vmap_{loss_name};{in_axis};0;{shapes_of([x])}"
    gf = jax.grad(lambda v: lax.reduce_sum(jax.vmap(loss, in_axes=in_axis)(v), (0,)))
    record(name, gf, jax.grad(loss), [x], [example(x, in_axis)])


# Reductions: the batch dim before, between and after the reduced axes; axes in a
# given order; reductions to 0-d; no axis at all.
case("sum_1", [0], f32(B, 2, 3))
case("sum_1", [1], f32(2, B, 3))
case("sum_1", [-1], f32(2, 3, B))
case("sum_1", [2], f32(2, 3, B), out_axes=1)
case("sum_10", [0], f32(B, 2, 3))
case("sum_10", [1], f32(2, B, 3))
case("sum_10", [2], f32(2, 3, B))
case("sum_10", [1], f32(2, B, 3, 2), out_axes=-1)
case("sum_none", [0], f32(B))
case("sum_none", [1], i32(2, B))
case("prod_0", [1], f32(3, B))
case("prod_0", [0], i32(B, 3, 2), out_axes=1)
case("max_1", [1], f32(2, B, 3))
case("max_1", [0], boolean(B, 2, 3))
case("min_02", [2], i32(2, 3, B, 2))
case("min_02", [-1], f32(2, 3, 2, B), out_axes=1)
case("and_1", [0], boolean(B, 3, 2))
case("or_0", [1], i32(3, B))
case("xor_10", [2], u8(2, 3, B))
case("argmax_1", [0], ties(B, 2, 3))
case("argmax_1", [2], ties(2, 3, B), out_axes=1)
case("argmin_0", [1], ties(3, B))
case("argmin_0", [0], i32(B, 3, 2))
# Cumulative ops: the axis shifted, reverse kept.
case("cumsum_1r", [0], f32(B, 2, 3))
case("cumsum_1r", [1], f32(2, B, 3))
case("cumsum_1r", [2], i32(2, 3, B), out_axes=1)
case("cumprod_0", [1], f32(3, B))
case("cummax_0r", [0], f32(B, 3))
case("cummin_1", [-1], f32(2, 3, B))
# sort: one operand; several, batched alike, along different dims, or not batched.
case("sort_last", [0], ties(B, 5))
case("sort_last", [1], ties(3, B, 2))
case("sort_last", [1], f32(3, B), out_axes=1)
case("sort_kv", [0, 0], ties(B, 5), f32(B, 5))
case("sort_kv", [None, 1], ties(5, 2), f32(5, B, 2))
case("sort_kv", [1, None], ties(5, B), i32(5))
case("sort_kv", [1, 0], ties(5, B), f32(B, 5), out_axes=-1)
case("sort3_keys2", [0, None, 1], ties(B, 5), ties(5), i32(5, B))
case("sort3_keys2", [None, 1, None], ties(5), ties(5, B), f32(5))
# top_k: the axis shifted past the batch dim (0.10.2's top_k takes any axis).
case("top_k_2", [0], ties(B, 5))
case("top_k_2", [-1], ties(2, 5, B))
case("top_k_2", [1], f32(3, B, 4), out_axes=2)
case("top_k_axis0", [0], ties(B, 3, 2))
case("top_k_axis0", [1], ties(3, B))
# iota: never batched, added to batched values.
case("iota_add", [0], f32(B, 2, 3))
case("iota_add", [2], f32(2, 3, B), out_axes=1)
case("softmax_1", [0], f32(B, 2, 3))
case("softmax_1", [1], f32(2, B, 3))

# vmap of grad.
for loss_name in LOSSES:
    case("grad_" + loss_name, [0], f32(B, 2, 3))
    case("grad_" + loss_name, [1], f32(2, B, 3))
case("grad_loss_max", [2], ties(2, 3, B))  # tied maxima share the gradient
case("grad_loss_sort", [-3], ties(B, 2, 3))

# grad of vmap.
for loss_name in LOSSES:
    grad_of_vmap(loss_name, 0, f32(B, 2, 3))
    grad_of_vmap(loss_name, 2, f32(2, 3, B))

# vmap of vmap.
case2("sum_10", [0], [1], f32(B, 2, 3, 2))
case2("sum_10", [2], [0], f32(3, 2, B, 2), out_axes=1)
case2("argmax_1", [1], [-1], ties(2, B, 3, 2))
case2("cumsum_1r", [0], [2], f32(B, 2, 3, 2))
case2("sort_kv", [0, None], [None, 1], ties(B, 4), f32(4, 2))
case2("sort_kv", [1, 0], [0, 0], ties(3, B, 4), f32(B, 3, 4), out_axes=1)
case2("top_k_2", [2], [0], ties(2, 3, B, 4))

g.save()
