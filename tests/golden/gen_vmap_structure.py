"""Golden data for the batching rules of the structure, indexing and linalg primitives
(tests/test_vmap_structure.cpp).

The C++ test holds the same functions under the same <fn> names (its FNS table). Case
names, by kind:

    vmap;<fn>;<in_axes>;<out_axes>
        inputs: the batched arguments; outputs: jax.vmap(fn, in_axes, out_axes)(*inputs)
        (JAX's jaxpr text of the vmap is kept for reading). <in_axes> is one entry per
        argument, comma-separated, `n` for None; <out_axes> one int for every output.
    eqns;<fn>;<in_axes>;<out_axes>
        the same inputs; output: the number of equations of
        jax.make_jaxpr(jax.vmap(fn, in_axes, out_axes))(*inputs) (int32)
    grad;<fn>
        inputs; outputs: per-example gradients (vmap(grad(loss))) and gradients of
        functions of a vmap (grad(vmap(f))) of a matmul loss and a gather loss
    eqns;<vmap_grad_fn>
        the number of equations of make_jaxpr of a vmap(grad(loss))

Edge points: repeated and out-of-bounds indices under each gather/scatter mode,
clamped dynamic-slice starts (negative ones count from the end first), negative and
interior padding with a batched padding value, strided slices, dot_general with batch
and contracting dims on either side, 0-d per-example values.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src.lax.lax import copy_p

from golden import Golden, rng

g = Golden("vmap_structure")
r = rng(20250801)

B = 3
GM = lax.GatherScatterMode
MODES = {"promise": GM.PROMISE_IN_BOUNDS, "clip": GM.CLIP, "fill": GM.FILL_OR_DROP}

ROWS = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
POINTS = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1))
SCALAR = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(), start_index_map=())
BATCHED = lax.GatherDimensionNumbers(offset_dims=(2,), collapsed_slice_dims=(1,), start_index_map=(1,),
                                     operand_batching_dims=(0,), start_indices_batching_dims=(0,))
SROWS = lax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                    scatter_dims_to_operand_dims=(0,))
SPOINTS = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0, 1),
                                      scatter_dims_to_operand_dims=(0, 1))
SBATCHED = lax.ScatterDimensionNumbers(update_window_dims=(2,), inserted_window_dims=(1,),
                                       scatter_dims_to_operand_dims=(1,), operand_batching_dims=(0,),
                                       scatter_indices_batching_dims=(0,))


def dot(dims):
    return lambda a, b: lax.dot_general(a, b, dims)


FNS = {
    "broadcast": lambda x: lax.broadcast_in_dim(x, (3, 2, 4), (1, 2)),
    "broadcast_0d": lambda x: lax.broadcast_in_dim(x, (3,), ()),
    "reshape": lambda x: lax.reshape(x, (3, 2)),
    "reshape_dims": lambda x: lax.reshape(x, (6,), dimensions=(1, 0)),
    "reshape_0d": lambda x: lax.reshape(x, (1, 1)),
    "transpose": lambda x: lax.transpose(x, (2, 0, 1)),
    "squeeze": lambda x: lax.squeeze(x, (1, 3)),
    "rev": lambda x: lax.rev(x, (0, 1)),
    "concatenate": lambda x, y, z: lax.concatenate([x, y, z], 1),
    "split": lambda x: tuple(lax.split(x, (1, 4, 0), axis=1)),
    "pad": lambda x, v: lax.pad(x, v, ((1, -1, 1), (0, 2, 0))),
    "pad_0d": lambda x, v: lax.pad(x, v, ()),
    "slice": lambda x: lax.slice(x, (1, 0), (5, 5), (2, 2)),
    "slice_unit": lambda x: lax.slice(x, (1, 1), (3, 3)),
    "dynamic_slice": lambda x, i, j: lax.dynamic_slice(x, (i, j), (2, 3)),
    "dynamic_slice_0d": lambda x: lax.dynamic_slice(x, (), ()),
    "dynamic_update_slice": lambda x, u, i, j: lax.dynamic_update_slice(x, u, (i, j)),
    "copy": lambda x: copy_p.bind(x),
    "stop_gradient": lambda x: lax.stop_gradient(x),
    "gather_scalar": lambda x, idx: lax.gather(x, idx, SCALAR, ()),
    "gather_batched": lambda x, idx: lax.gather(x, idx, BATCHED, (1, 1, 4)),
    "scatter_batched": lambda x, idx, y: lax.scatter(x, idx, y, SBATCHED),
    "scatter_add_batched": lambda x, idx, y: lax.scatter_add(x, idx, y, SBATCHED),
    "scatter_add_points": lambda x, idx, y: lax.scatter_add(x, idx, y, SPOINTS),
    "dot_matmul": dot((((1,), (0,)), ((), ()))),
    "dot_batch": dot((((2,), (1,)), ((0,), (0,)))),
    "dot_contract_first": dot((((0,), (1,)), ((), ()))),
    "dot_batch_mixed": dot((((2,), (0,)), ((1,), (2,)))),
    "dot_scalar": dot((((), ()), ((), ()))),
    "dot_vec": dot((((0,), (0,)), ((), ()))),
    "dot_outer": dot((((), ()), ((), ()))),
}
for mode, m in MODES.items():
    FNS[f"gather_rows_{mode}"] = lambda x, idx, m=m: lax.gather(x, idx, ROWS, (1, 3), mode=m)
    FNS[f"gather_points_{mode}"] = lambda x, idx, m=m: lax.gather(x, idx, POINTS, (1, 1), mode=m)
    FNS[f"scatter_rows_{mode}"] = lambda x, idx, y, m=m: lax.scatter(x, idx, y, SROWS, mode=m)
    FNS[f"scatter_add_rows_{mode}"] = lambda x, idx, y, m=m: lax.scatter_add(x, idx, y, SROWS, mode=m)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def ints(lo, hi, *shape):
    return r.integers(lo, hi + 1, shape).astype(np.int32)


def batched(make, shape, axis):
    """An input of per-example `shape` batched (B) along `axis`, or unbatched (None)."""
    if axis is None:
        return make(*shape)
    a = axis if axis >= 0 else axis + len(shape) + 1
    return make(*(shape[:a] + (B,) + shape[a:]))


def axes_str(axes):
    return ",".join("n" if a is None else str(a) for a in axes)


def vmap_case(fn, args, in_axes, out_axes=0):
    """args: (maker, per-example shape) per argument."""
    inputs = [batched(make, shape, a) for (make, shape), a in zip(args, in_axes)]
    f = jax.vmap(FNS[fn], in_axes=tuple(in_axes), out_axes=out_axes)
    tag = f"{fn};{axes_str(in_axes)};{out_axes}"
    g.case(f"vmap;{tag}", f, *inputs)
    n = len(jax.make_jaxpr(f)(*inputs).jaxpr.eqns)
    g.case(f"eqns;{tag}", lambda *a, n=n: np.int32(n), *inputs, jaxpr=False)


F = f32
IDX_ROWS = lambda *s: ints(-2, 5, *s)  # rows of a (4, 3) operand, some out of bounds  # noqa: E731

vmap_case("broadcast", [(F, (2, 1))], [0])
vmap_case("broadcast", [(F, (2, 1))], [-1], 2)
vmap_case("broadcast_0d", [(F, ())], [0], 1)
vmap_case("reshape", [(F, (2, 3))], [1])
vmap_case("reshape_dims", [(F, (2, 3))], [2], 1)
vmap_case("reshape_0d", [(F, ())], [0])
vmap_case("transpose", [(F, (2, 3, 4))], [2])
vmap_case("transpose", [(F, (2, 3, 4))], [0], 3)
vmap_case("squeeze", [(F, (2, 1, 3, 1))], [2])
vmap_case("rev", [(F, (2, 3))], [1])
vmap_case("concatenate", [(F, (2, 3)), (F, (2, 1)), (F, (2, 2))], [1, None, 0])
vmap_case("concatenate", [(F, (2, 3)), (F, (2, 1)), (F, (2, 2))], [-1, 2, 0], 2)
vmap_case("split", [(F, (2, 5))], [1])
vmap_case("split", [(F, (2, 5))], [0], -1)
vmap_case("pad", [(F, (3, 4)), (F, ())], [1, None])
vmap_case("pad", [(F, (3, 4)), (F, ())], [None, 0])
vmap_case("pad", [(F, (3, 4)), (F, ())], [-1, 0], 1)
vmap_case("pad_0d", [(F, ()), (F, ())], [None, 0])
vmap_case("slice", [(F, (5, 6))], [1])
vmap_case("slice_unit", [(F, (4, 3))], [0], 2)
DS = [(F, (5, 4)), (lambda *s: ints(-7, 7, *s), ()), (lambda *s: ints(-7, 7, *s), ())]
vmap_case("dynamic_slice", DS, [1, None, None])
vmap_case("dynamic_slice", DS, [None, 0, None])
vmap_case("dynamic_slice", DS, [None, 0, 0], 1)
vmap_case("dynamic_slice", DS, [-1, None, 0])
vmap_case("dynamic_slice_0d", [(F, ())], [0])
DUS = [(F, (5, 4)), (F, (2, 3)), DS[1], DS[2]]
vmap_case("dynamic_update_slice", DUS, [0, None, None, None])
vmap_case("dynamic_update_slice", DUS, [None, 1, None, None])
vmap_case("dynamic_update_slice", DUS, [None, None, 0, 0], 2)
vmap_case("dynamic_update_slice", DUS, [2, 0, 0, None])
vmap_case("copy", [(F, (2, 3))], [1])
vmap_case("stop_gradient", [(F, (2, 3))], [1], 0)
for mode in MODES:
    vmap_case(f"gather_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1))], [1, None])
    vmap_case(f"gather_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1))], [None, 1], 2)
    vmap_case(f"gather_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1))], [0, 0])
    vmap_case(f"gather_points_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 2))], [-1, 0])
    vmap_case(f"scatter_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1)), (F, (5, 3))], [None, None, 1])
    vmap_case(f"scatter_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1)), (F, (5, 3))], [None, 0, None])
    vmap_case(f"scatter_add_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1)), (F, (5, 3))], [2, None, None])
    vmap_case(f"scatter_add_rows_{mode}", [(F, (4, 3)), (IDX_ROWS, (5, 1)), (F, (5, 3))], [0, 1, 0], 1)
vmap_case("gather_scalar", [(F, ()), (lambda *s: ints(0, 0, *s), (4, 0))], [0, None])
vmap_case("gather_batched", [(F, (2, 3, 4)), (lambda *s: ints(0, 2, *s), (2, 5, 1))], [0, 2])
vmap_case("gather_batched", [(F, (2, 3, 4)), (lambda *s: ints(0, 2, *s), (2, 5, 1))], [None, 0])
SB = [(F, (2, 3, 4)), (lambda *s: ints(0, 2, *s), (2, 5, 1)), (F, (2, 5, 4))]
vmap_case("scatter_batched", SB, [1, 0, None])
vmap_case("scatter_add_batched", SB, [None, 0, 2])
vmap_case("scatter_add_points", [(F, (4, 3)), (IDX_ROWS, (5, 2)), (F, (5,))], [None, None, 0])
vmap_case("dot_matmul", [(F, (2, 3)), (F, (3, 4))], [0, 0])
vmap_case("dot_matmul", [(F, (2, 3)), (F, (3, 4))], [1, None])
vmap_case("dot_matmul", [(F, (2, 3)), (F, (3, 4))], [None, 1], 2)
vmap_case("dot_batch", [(F, (2, 3, 4)), (F, (2, 4, 5))], [3, 1])
vmap_case("dot_batch", [(F, (2, 3, 4)), (F, (2, 4, 5))], [None, 2])
vmap_case("dot_contract_first", [(F, (3, 4)), (F, (5, 3))], [1, None])
vmap_case("dot_contract_first", [(F, (3, 4)), (F, (5, 3))], [None, 0])
vmap_case("dot_batch_mixed", [(F, (4, 2, 3)), (F, (3, 5, 2))], [2, -1])
vmap_case("dot_scalar", [(F, ()), (F, ())], [0, None])
vmap_case("dot_vec", [(F, (3,)), (F, (3,))], [0, 1])
vmap_case("dot_outer", [(F, (3,)), (F, (4,))], [None, 0], 1)


# Gradients composed with vmap: per-example gradients of a matmul loss and of an
# indexing loss, and gradients of the sum of a batched function.
def inner(a, w):
    n = a.ndim
    return lax.dot_general(a, w, ((tuple(range(n)), tuple(range(n))), ((), ())))


def mm_loss(W, x, w):
    return inner(lax.dot_general(W, x, (((1,), (0,)), ((), ()))), w)


def idx_loss(x, idx, w):
    return inner(lax.gather(x, idx, ROWS, (1, 3), mode=GM.CLIP), w)


W, xs, w = f32(4, 3), f32(B, 3), f32(4)
g.case("grad;vmap_grad_matmul", lambda W, x, w: jax.vmap(jax.grad(mm_loss), (None, 0, None))(W, x, w), W, xs, w)
g.case("eqns;vmap_grad_matmul", lambda *a: np.int32(len(jax.make_jaxpr(
    jax.vmap(jax.grad(mm_loss), (None, 0, None)))(*a).jaxpr.eqns)), W, xs, w, jaxpr=False)
X, I, w3 = f32(B, 4, 3), ints(-2, 5, B, 5, 1), f32(5, 3)
g.case("grad;vmap_grad_index", lambda x, i, w: jax.vmap(jax.grad(idx_loss), (0, 0, None))(x, i, w), X, I, w3)
g.case("eqns;vmap_grad_index", lambda *a: np.int32(len(jax.make_jaxpr(
    jax.vmap(jax.grad(idx_loss), (0, 0, None)))(*a).jaxpr.eqns)), X, I, w3, jaxpr=False)
xt, v0, v1 = f32(3, B), f32(4), f32(B)
g.case("grad;grad_vmap_matmul",
       lambda W, x, a, b: jax.grad(lambda W: inner(jax.vmap(mm_loss, (None, 1, None))(W, x, a), b))(W), W, xt, v0, v1)
Xt, I2, wv, bv = f32(4, B, 3), ints(-2, 5, B, 5, 1), f32(5, 3), f32(B)
g.case("grad;grad_vmap_index",
       lambda x, i, a, b: jax.grad(lambda x: inner(jax.vmap(idx_loss, (1, 0, None))(x, i, a), b))(x), Xt, I2, wv, bv)

g.save()
