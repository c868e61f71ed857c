"""Golden data for the derivatives of the structure, indexing and linalg primitives
(tests/test_ad_structure.cpp).

Case names:
    grad;<fn>;<variant>   inputs: the function's arguments; outputs: jax.grad(fn,
                          argnums=WRT[fn])(*inputs), one per differentiated argument
                          (the jaxpr text is JAX's grad jaxpr, kept for reading)
    eqns;<fn>;<variant>   the same inputs; output: the number of equations of
                          jax.make_jaxpr(jax.grad(fn, argnums=WRT[fn]))(*inputs)
    hessian;<fn>          output: jax.hessian(fn)(*inputs) (in the first input)
    split;<tag>           forward lax.split (values and jaxpr text)
The C++ test holds the same functions under the same <fn> names. Each reduces its
result to a scalar with `inner(r, w)`, a dot_general contracting every dimension of r
with a weight array w (an input), so that only this family's rules are exercised.

Edge points recorded here: gathers and scatters with repeated indices (gradients
accumulate; for scatter the last update wins and only it gets a gradient), out-of-bounds
indices under each mode (PROMISE_IN_BOUNDS gathers clamp but their transpose drops, CLIP
clamps both ways, FILL_OR_DROP drops), dynamic slices with clamped and negative starts,
pad with negative and interior padding (both operands), dot_general with batch
dimensions, several contracting dimensions and preferred_element_type.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden, rng

g = Golden("ad_structure")
r = rng(4)

GM = lax.GatherScatterMode
MODES = {"promise": GM.PROMISE_IN_BOUNDS, "clip": GM.CLIP, "fill": GM.FILL_OR_DROP}


def inner(a, w):
    n = a.ndim
    return lax.dot_general(a, w, ((tuple(range(n)), tuple(range(n))), ((), ())))


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def f64(*shape):
    return r.standard_normal(shape).astype(np.float64)


def i32(v):
    return np.asarray(v, dtype=np.int32)


ROWS = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
POINTS = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1))
# x (2, 3, 4), indices (2, 5, 1): for each batch b, rows idx[b, :] of x[b].
BATCHED = lax.GatherDimensionNumbers(offset_dims=(2,), collapsed_slice_dims=(1,), start_index_map=(1,),
                                     operand_batching_dims=(0,), start_indices_batching_dims=(0,))
SROWS = lax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                    scatter_dims_to_operand_dims=(0,))
SBATCHED = lax.ScatterDimensionNumbers(update_window_dims=(2,), inserted_window_dims=(1,),
                                       scatter_dims_to_operand_dims=(1,), operand_batching_dims=(0,),
                                       scatter_indices_batching_dims=(0,))

# fn name -> (function of the inputs and a variant's options, argnums)
FNS = {
    "gather_rows": (lambda x, idx, w, mode: inner(lax.gather(x, idx, ROWS, (1, x.shape[1]), mode=MODES[mode]), w),
                    (0,)),
    "gather_points": (lambda x, idx, w, mode: inner(lax.gather(x, idx, POINTS, (1, 1), mode=MODES[mode]), w), (0,)),
    "gather_batched": (lambda x, idx, w, mode: inner(lax.gather(x, idx, BATCHED, (1, 1, 4), mode=MODES[mode]), w),
                       (0,)),
    "scatter_add_rows": (lambda x, idx, y, w, mode: inner(lax.scatter_add(x, idx, y, SROWS, mode=MODES[mode]), w),
                         (0, 2)),
    "scatter_add_batched": (lambda x, idx, y, w, mode: inner(lax.scatter_add(x, idx, y, SBATCHED, mode=MODES[mode]),
                                                             w), (0, 2)),
    "scatter_rows": (lambda x, idx, y, w, mode: inner(lax.scatter(x, idx, y, SROWS, mode=MODES[mode]), w), (0, 2)),
    "scatter_unique": (lambda x, idx, y, w, mode: inner(
        lax.scatter(x, idx, y, SROWS, mode=MODES[mode], unique_indices=True, indices_are_sorted=True), w), (0, 2)),
    "scatter_batched": (lambda x, idx, y, w, mode: inner(lax.scatter(x, idx, y, SBATCHED, mode=MODES[mode]), w),
                        (0, 2)),
    "np_take": (lambda x, idx, w, mode: inner(x[idx], w), (0,)),
    "np_at_set": (lambda x, idx, y, w, mode: inner(x.at[idx].set(y), w), (0, 2)),
    "np_at_add": (lambda x, idx, y, w, mode: inner(x.at[idx].add(y), w), (0, 2)),
    "dynamic_slice": (lambda x, i, j, w, mode: inner(lax.dynamic_slice(x, (i, j), (2, 2)), w), (0,)),
    "dynamic_update_slice": (lambda x, u, i, j, w, mode: inner(lax.dynamic_update_slice(x, u, (i, j)), w), (0, 1)),
    "pad": (lambda x, v, w, mode: inner(lax.pad(x, v, ((1, -2, 2), (-1, 1, 0))), w), (0, 1)),
    "slice": (lambda x, w, mode: inner(lax.slice(x, (1, 0), (5, 3), (3, 2)), w), (0,)),
    "concatenate": (lambda x, y, w, mode: inner(lax.concatenate([x, y], 1), w), (0, 1)),
    "broadcast": (lambda x, w, mode: inner(lax.broadcast_in_dim(x, (2, 3, 4), (1, 2)), w), (0,)),
    "reshape_transpose": (lambda x, w, mode: inner(lax.transpose(lax.reshape(x, (4, 6), (2, 0, 1)), (1, 0)), w), (0,)),
    "dot_preferred": (lambda a, b, w, mode: inner(
        lax.dot_general(a, b, (((1,), (0,)), ((), ())), preferred_element_type=jnp.float32), w), (0, 1)),
    "dot_batch": (lambda a, b, w, mode: inner(lax.dot_general(a, b, (((2, 0), (3, 1)), ((1,), (2,)))), w), (0, 1)),
    "matmul": (lambda x, y, mode: jnp.sum(jnp.matmul(x, y)), (0, 1)),
}


def grad_case(fn, variant, *inputs, mode="promise", count=False):
    f, wrt = FNS[fn]
    h = jax.grad(lambda *a: f(*a, mode), argnums=wrt)
    g.case(f"grad;{fn};{variant}", h, *inputs)
    if count:
        inputs = [np.asarray(x) for x in inputs]
        with jax.enable_x64(any(x.dtype == np.float64 for x in inputs)):
            n = len(jax.make_jaxpr(h)(*inputs).jaxpr.eqns)
        g.case(f"eqns;{fn};{variant}", lambda *a, n=n: np.int32(n), *inputs, jaxpr=False)


# Gathers: repeated indices accumulate; index 7 is out of bounds.
rows_idx = i32([[0], [2], [0], [7], [2]])
for mode in MODES:
    grad_case("gather_rows", mode, f32(4, 3), rows_idx, f32(5, 3), mode=mode, count=mode == "promise")
grad_case("gather_rows", "f64", f64(4, 3), i32([[3], [3], [1]]), f64(3, 3))
points_idx = i32([[0, 1], [2, 3], [0, 1], [1, 0], [5, -1]])
for mode in MODES:
    grad_case("gather_points", mode, f32(3, 4), points_idx, f32(5), mode=mode)
grad_case("gather_batched", "promise", f32(2, 3, 4), i32([[[0], [2], [0], [1], [0]], [[1], [1], [2], [9], [0]]]),
          f32(2, 5, 4))

# Scatters: repeated indices (scatter: the last update wins), index 7 out of bounds.
for mode in ["fill", "clip"]:
    grad_case("scatter_add_rows", mode, f32(4, 3), rows_idx, f32(5, 3), f32(4, 3), mode=mode, count=mode == "fill")
    grad_case("scatter_rows", mode, f32(4, 3), rows_idx, f32(5, 3), f32(4, 3), mode=mode, count=mode == "fill")
grad_case("scatter_add_batched", "fill", f32(2, 3, 4), i32([[[0], [2], [0]], [[1], [1], [5]]]), f32(2, 3, 4),
          f32(2, 3, 4), mode="fill")
grad_case("scatter_batched", "fill", f32(2, 3, 4), i32([[[0], [2], [0]], [[1], [1], [5]]]), f32(2, 3, 4),
          f32(2, 3, 4), mode="fill")
grad_case("scatter_rows", "f64", f64(5, 2), i32([[4], [1], [4], [4]]), f64(4, 2), f64(5, 2), mode="fill")
grad_case("scatter_unique", "fill", f32(4, 3), i32([[0], [1], [3]]), f32(3, 3), f32(4, 3), mode="fill",
          count=True)

# jax.numpy indexing: x[idx] (negative and clamped indices), x.at[idx].set / add.
grad_case("np_take", "dup", f32(5, 3), i32([0, 2, 0, -1, 9]), f32(5, 3), count=True)
grad_case("np_at_set", "dup", f32(5, 3), i32([1, 3, 1, -2]), f32(4, 3), f32(5, 3))
grad_case("np_at_add", "dup", f32(5, 3), i32([1, 3, 1, -2, 7]), f32(5, 3), f32(5, 3))

# dynamic_slice / dynamic_update_slice: a start past the end is clamped, a negative one
# counts from the end (then clamps).
for i, j in [(5, -1), (1, 1), (-7, 9)]:
    grad_case("dynamic_slice", f"{i}_{j}", f32(4, 3), np.int32(i), np.int32(j), f32(2, 2), count=(i, j) == (5, -1))
    grad_case("dynamic_update_slice", f"{i}_{j}", f32(4, 3), f32(2, 2), np.int32(i), np.int32(j), f32(4, 3),
              count=(i, j) == (5, -1))

grad_case("pad", "neg_interior", f32(4, 3), np.float32(0.5), f32(9, 3), count=True)
grad_case("pad", "f64", f64(4, 3), np.float64(-1.5), f64(9, 3))
grad_case("slice", "strided", f32(6, 3), f32(2, 2))
grad_case("concatenate", "f32", f32(2, 3), f32(2, 1), f32(2, 4), count=True)
grad_case("broadcast", "f32", f32(3, 1), f32(2, 3, 4), count=True)
grad_case("reshape_transpose", "f32", f32(2, 3, 4), f32(6, 4))

grad_case("dot_preferred", "f16", r.standard_normal((2, 3)).astype(np.float16),
          r.standard_normal((3, 4)).astype(np.float16), f32(2, 4))
grad_case("dot_batch", "f64", f64(4, 2, 3, 5), f64(5, 4, 2, 3), f64(2, 5, 5), count=True)
grad_case("matmul", "f32", f32(2, 3), f32(3, 4), count=True)


# Second order: the Hessian in x of <x A, gather(x)> (A and the indices are inputs too)
# goes through the transposes of dot_general and gather, and their transposes.
def quad(x, a, idx):
    pick = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    return inner(lax.dot_general(x, a, (((0,), (0,)), ((), ()))), lax.gather(x, idx, pick, (1,)))


g.case("hessian;quad", jax.hessian(quad), f32(4), f32(4, 4), i32([[3], [0], [3], [1]]))

# lax.split forward, as xjax's split primitive (concatenate's transpose).
for shape, sizes, axis in [((5,), (2, 3), 0), ((2, 6), (1, 0, 5), 1), ((4, 2), (4,), -2)]:
    g.case(f"split;{'x'.join(map(str, shape))};{','.join(map(str, sizes))};{axis}",
           lambda x, sizes=sizes, axis=axis: lax.split(x, sizes, axis), f32(*shape))

g.save()
