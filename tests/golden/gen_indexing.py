"""Golden cases for the indexing primitives: gather, scatter, scatter-add.

Each case applies one primitive; the C++ test (tests/test_indexing.cpp) reads the
dimension numbers and other params back from JAX's jaxpr text, so the cases live
only here. Error cases are checked against JAX with `g.error` (the C++ test has the
same cases with xjax's error types and messages).
"""

import os
import sys

import numpy as np
from jax import lax
import jax.numpy as jnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import Golden, rng  # noqa: E402

g = Golden("indexing")
r = rng(1)

GDN = lax.GatherDimensionNumbers
SDN = lax.ScatterDimensionNumbers

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "float32", "float64"]
NUMERIC = ALL[1:]


def values(shape, dtype, special=False):
    """Random values of `dtype`; with special, floats include nan and +-inf."""
    dt = jnp.dtype(dtype)
    if dt == np.bool_:
        return r.integers(0, 2, shape).astype(np.bool_)
    if jnp.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return r.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(dt)
    x = r.standard_normal(shape).astype(np.float32) * 4
    if special and x.size >= 3:
        x.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    return x.astype(dt)


def idx(vals, dtype="int32"):
    return np.array(vals, dtype=dtype)


def gather(name, operand, indices, dn, slice_sizes, **kw):
    g.case(name, lambda x, i: lax.gather(x, i, dn, slice_sizes, **kw), operand, indices)


def scatter(name, operand, indices, updates, dn, add=False, **kw):
    op = lax.scatter_add if add else lax.scatter
    g.case(name, lambda x, i, u: op(x, i, u, dn, **kw), operand, indices, updates)


# ---------------------------------------------------------------------------
# gather: dimension-number configurations

ROWS = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
for dt in ALL:  # take rows, every dtype
    gather(f"gather_rows_{dt}", values((5, 4), dt), idx([[3], [0], [4]]), ROWS, (1, 4))
gather("gather_rows_special", values((5, 4), "float32", special=True), idx([[0], [0], [2]]), ROWS, (1, 4))
gather("gather_columns", values((3, 5), "float32"), idx([[4], [1], [1], [0]]),
       GDN(offset_dims=(0,), collapsed_slice_dims=(1,), start_index_map=(1,)), (3, 1))
gather("gather_elements_1d", values((10,), "int32"), idx([[9], [0], [3], [3], [7], [1]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)), (1,))
gather("gather_points_2d", values((4, 5), "float32"), idx([[0, 0], [3, 4], [1, 2], [2, 1], [3, 0]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1)), (1, 1))
gather("gather_points_2d_swapped_map", values((4, 5), "int16"), idx([[0, 0], [4, 3], [2, 1]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(1, 0)), (1, 1))
gather("gather_windows", values((6, 7), "float64"), idx([[0, 0], [4, 4], [2, 1]]),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1)), (2, 3))
gather("gather_windows_partial_map", values((6, 7), "bfloat16"), idx([[1], [3]]),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(1,)), (6, 2))
gather("gather_batch_of_indices", values((8,), "uint8"), idx([[[1], [7], [2]], [[0], [0], [5]]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)), (1,))
gather("gather_offset_dim_in_middle", values((4, 5), "float16"), idx([[[1], [3], [0]], [[2], [2], [3]]]),
       GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,)), (1, 5))
gather("gather_take_along_axis", values((3, 4), "float32"), idx([[[3], [0]], [[1], [1]], [[2], [0]]]),
       GDN(offset_dims=(), collapsed_slice_dims=(1,), start_index_map=(1,),
           operand_batching_dims=(0,), start_indices_batching_dims=(0,)), (1, 1))
gather("gather_batching_windows", values((2, 5, 3), "int64"), idx([[3], [1]]),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(1,),
           operand_batching_dims=(0,), start_indices_batching_dims=(0,)), (1, 2, 3))
gather("gather_batching_not_leading", values((5, 3), "float32"), idx([[[4], [0], [2]], [[1], [1], [3]]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,),
           operand_batching_dims=(1,), start_indices_batching_dims=(1,)), (1, 1))
gather("gather_batching_slice_0", values((3, 4), "float32"), idx([[0], [1], [2]]),
       GDN(offset_dims=(1,), collapsed_slice_dims=(), start_index_map=(1,),
           operand_batching_dims=(0,), start_indices_batching_dims=(0,)), (0, 2))
gather("gather_0d_operand", np.array(2.5, np.float32), np.zeros((3, 0), np.int32),
       GDN(offset_dims=(), collapsed_slice_dims=(), start_index_map=()), ())
gather("gather_empty_index_vector", values((3, 4), "int32"), np.zeros((2, 0), np.int32),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=()), (2, 2))
gather("gather_no_indices", values((5, 4), "float32"), np.zeros((0, 1), np.int32), ROWS, (1, 4))
gather("gather_empty_operand_dim", np.zeros((0, 3), np.float32), idx([[0], [1]]),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0,)), (0, 3))
gather("gather_slice_size_0", values((4,), "float32"), idx([[1], [2]]),
       GDN(offset_dims=(1,), collapsed_slice_dims=(), start_index_map=(0,)), (0,))
gather("gather_sorted_unique", values((5, 4), "float32"), idx([[0], [2], [3]]), ROWS, (1, 4),
       indices_are_sorted=True, unique_indices=True)

# Out-of-bounds indices under each mode, for several index dtypes.
WIN = GDN(offset_dims=(1,), collapsed_slice_dims=(), start_index_map=(0,))
OOB = {
    "int32": [-3, 0, 7, 8, 100, -2**31],
    "int8": [-128, 127, 7, -1],
    "uint8": [255, 7, 3],
    "int64": [2**32 + 1, -2**40, 2**31, 2**32 - 1, 5],
    "uint32": [2**32 - 1, 2**31, 5],
    "uint64": [2**64 - 1, 2**63, 3],
}
for mode in ["clip", "fill", "promise_in_bounds"]:
    for it, vals in OOB.items():
        gather(f"gather_oob_{mode}_{it}", values((10,), "float32"), idx([[v] for v in vals], it), WIN, (3,),
               mode=mode)
for dt in ALL:  # JAX's default fill value per dtype
    gather(f"gather_fill_default_{dt}", values((5, 4), dt), idx([[3], [-1], [5]]), ROWS, (1, 4), mode="fill")
gather("gather_fill_int_value", values((5, 4), "float32"), idx([[3], [9]]), ROWS, (1, 4), mode="fill",
       fill_value=3)
gather("gather_fill_float_value", values((5, 4), "float16"), idx([[3], [9]]), ROWS, (1, 4), mode="fill",
       fill_value=-2.5)
gather("gather_fill_wrapping_value", values((5, 4), "uint8"), idx([[-2], [1]]), ROWS, (1, 4), mode="fill",
       fill_value=-1)
gather("gather_fill_bool_value", values((5, 4), "int8"), idx([[7], [1]]), ROWS, (1, 4), mode="fill",
       fill_value=True)
gather("gather_fill_points_2d", values((4, 5), "float32"), idx([[0, 0], [3, 5], [-1, 2], [3, 4]]),
       GDN(offset_dims=(), collapsed_slice_dims=(0, 1), start_index_map=(0, 1)), (1, 1), mode="fill")
gather("gather_clip_windows", values((6, 7), "float32"), idx([[5, -1], [-4, 6], [2, 2]]),
       GDN(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1)), (2, 3), mode="clip")

# ---------------------------------------------------------------------------
# scatter and scatter-add

SROWS = SDN(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
for add in [False, True]:
    p = "scatter_add" if add else "scatter"
    for dt in (NUMERIC if add else ALL):
        scatter(f"{p}_rows_{dt}", values((5, 4), dt), idx([[3], [0], [3]]), values((3, 4), dt), SROWS, add)
    scatter(f"{p}_rows_special", values((5, 4), "float32", special=True), idx([[0], [1]]),
            values((2, 4), "float32", special=True), SROWS, add)
    scatter(f"{p}_columns", values((3, 5), "float32"), idx([[4], [1]]), values((3, 2), "float32"),
            SDN(update_window_dims=(0,), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,)), add)
    scatter(f"{p}_elements_duplicates", values((6,), "int32"), idx([[5], [0], [5], [2], [5]]),
            values((5,), "int32"),
            SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)), add)
    scatter(f"{p}_points_2d", values((4, 5), "float64"), idx([[0, 0], [3, 4], [1, 2]]), values((3,), "float64"),
            SDN(update_window_dims=(), inserted_window_dims=(0, 1), scatter_dims_to_operand_dims=(0, 1)), add)
    scatter(f"{p}_points_2d_swapped_map", values((4, 5), "int16"), idx([[4, 3], [0, 1]]), values((2,), "int16"),
            SDN(update_window_dims=(), inserted_window_dims=(0, 1), scatter_dims_to_operand_dims=(1, 0)), add)
    scatter(f"{p}_overlapping_windows", values((6, 7), "float32"), idx([[0, 0], [1, 1], [4, 4]]),
            values((3, 2, 3), "float32"),
            SDN(update_window_dims=(1, 2), inserted_window_dims=(), scatter_dims_to_operand_dims=(0, 1)), add)
    scatter(f"{p}_window_dim_first", values((6,), "float32"), idx([[0], [1]]), values((2, 2), "float32"),
            SDN(update_window_dims=(0,), inserted_window_dims=(), scatter_dims_to_operand_dims=(0,)), add)
    scatter(f"{p}_batch_of_indices", values((8,), "uint16"), idx([[[1], [7], [2]], [[0], [1], [5]]]),
            values((2, 3), "uint16"),
            SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)), add)
    scatter(f"{p}_batching_dims", values((3, 4), "float32"), idx([[[3], [0]], [[1], [1]], [[2], [0]]]),
            values((3, 2), "float32"),
            SDN(update_window_dims=(), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,),
                operand_batching_dims=(0,), scatter_indices_batching_dims=(0,)), add)
    scatter(f"{p}_batching_windows", values((2, 5, 3), "int32"), idx([[3], [1]]), values((2, 2, 3), "int32"),
            SDN(update_window_dims=(1, 2), inserted_window_dims=(), scatter_dims_to_operand_dims=(1,),
                operand_batching_dims=(0,), scatter_indices_batching_dims=(0,)), add)
    # (XLA fails on a 0-d operand with several index vectors, so one each.)
    scatter(f"{p}_0d_operand", np.array(2.5, np.float32), np.zeros((0,), np.int32), np.array(-1.25, np.float32),
            SDN(update_window_dims=(), inserted_window_dims=(), scatter_dims_to_operand_dims=()), add)
    scatter(f"{p}_0d_operand_one_index", np.array(2.5, np.float32), np.zeros((1, 0), np.int32),
            np.array([4.0], np.float32),
            SDN(update_window_dims=(), inserted_window_dims=(), scatter_dims_to_operand_dims=()), add)
    scatter(f"{p}_no_updates", values((5, 4), "float32"), np.zeros((0, 1), np.int32), np.zeros((0, 4), np.float32),
            SROWS, add)
    scatter(f"{p}_empty_operand", np.zeros((0, 3), np.float32), idx([[0]]), np.zeros((1, 0, 3), np.float32),
            SDN(update_window_dims=(1, 2), inserted_window_dims=(), scatter_dims_to_operand_dims=(0,)), add)
    scatter(f"{p}_sorted_unique", values((5, 4), "float32"), idx([[0], [2]]), values((2, 4), "float32"), SROWS,
            add, indices_are_sorted=True, unique_indices=True)
    # Out-of-bounds windows: dropped (fill, promise_in_bounds) or clamped (clip).
    SWIN = SDN(update_window_dims=(1,), inserted_window_dims=(), scatter_dims_to_operand_dims=(0,))
    soob = {"int32": [-3, 7, 8, 2], "int8": [-1, 127, 6], "int64": [2**32 + 1, 2**31, 9, 0],
            "uint32": [2**32 - 1, 2**31, 5], "uint64": [2**64 - 1, 2**63, 3]}
    for mode in ["clip", "fill", "promise_in_bounds"]:
        for it, vals in soob.items():
            scatter(f"{p}_oob_{mode}_{it}", values((10,), "float32"), idx([[v] for v in vals], it),
                    values((len(vals), 3), "float32"), SWIN, add, mode=mode)
scatter("scatter_add_int8_wraps", np.array([120, -120, 0], np.int8), idx([[0], [1], [0]]),
        np.array([100, -100, 100], np.int8),
        SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)), add=True)
scatter("scatter_add_float16_rounds_each_step", np.zeros((2,), np.float16), idx([[0]] * 8 + [[1]]),
        np.array([2048, 1, 1, 1, 1, 1, 1, 1, 0.5], np.float16),
        SDN(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,)), add=True)

# ---------------------------------------------------------------------------
# Inputs JAX rejects (the C++ test has each with xjax's error type and message).

x34 = values((3, 4), "float32")
i21 = idx([[0], [1]])
g.error("gather_float_indices", lambda x, i: lax.gather(x, i, ROWS, (1, 4)), x34, np.zeros((2, 1), np.float32))
g.error("gather_0d_indices", lambda x, i: lax.gather(x, i, GDN((0, 1), (), ()), (3, 4)), x34, np.int32(0))
g.error("gather_unsorted_offset_dims", lambda x, i: lax.gather(x, i, GDN((2, 1), (), (0,)), (1, 4)),
        x34, idx([[[0]]]))
g.error("gather_offset_dims_out_of_range", lambda x, i: lax.gather(x, i, GDN((2,), (0,), (0,)), (1, 4)), x34, i21)
g.error("gather_index_map_size", lambda x, i: lax.gather(x, i, GDN((1,), (0,), (0, 1)), (1, 4)), x34, i21)
g.error("gather_index_map_out_of_range", lambda x, i: lax.gather(x, i, GDN((1,), (0,), (2,)), (1, 4)), x34, i21)
g.error("gather_index_map_repeats", lambda x, i: lax.gather(x, i, GDN((), (0, 1), (0, 0)), (1, 1)),
        x34, idx([[0, 1]]))
g.error("gather_collapsed_unsorted", lambda x, i: lax.gather(x, i, GDN((), (1, 0), (0, 1)), (1, 1)),
        x34, idx([[0, 1]]))
g.error("gather_slice_sizes_rank", lambda x, i: lax.gather(x, i, ROWS, (1,)), x34, i21)
g.error("gather_slice_too_large", lambda x, i: lax.gather(x, i, ROWS, (1, 5)), x34, i21)
g.error("gather_collapsed_slice_not_1", lambda x, i: lax.gather(x, i, ROWS, (2, 4)), x34, i21)
g.error("gather_dims_unaccounted", lambda x, i: lax.gather(x, i, GDN((), (0,), (0,)), (1, 4)), x34, i21)
g.error("gather_batching_shape", lambda x, i: lax.gather(
    x, i, GDN((), (1,), (1,), (0,), (0,)), (1, 1)), x34, idx([[0], [1]]))
g.error("gather_batching_index_vector_dim", lambda x, i: lax.gather(
    x, i, GDN((), (1,), (1,), (0,), (1,)), (1, 1)), x34, idx([[0], [1], [2]]))
g.error("gather_batching_and_collapsed", lambda x, i: lax.gather(
    x, i, GDN((), (0, 1), (1,), (0,), (0,)), (1, 1)), x34, idx([[0], [1], [2]]))
g.error("scatter_dtype_mismatch", lambda x, i, u: lax.scatter(x, i, u, SROWS), x34, i21,
        np.zeros((2, 4), np.int32))
g.error("scatter_add_bool", lambda x, i, u: lax.scatter_add(x, i, u, SROWS), x34 > 0, i21,
        np.zeros((2, 4), np.bool_))
g.error("scatter_updates_rank", lambda x, i, u: lax.scatter(x, i, u, SROWS), x34, i21, np.zeros((2, 4, 1), np.float32))
g.error("scatter_window_too_large", lambda x, i, u: lax.scatter(x, i, u, SROWS), x34, i21,
        np.zeros((2, 5), np.float32))
g.error("scatter_scatter_dim_size", lambda x, i, u: lax.scatter(x, i, u, SROWS), x34, i21,
        np.zeros((3, 4), np.float32))
g.error("scatter_inserted_out_of_range", lambda x, i, u: lax.scatter(
    x, i, u, SDN((1,), (2,), (0,))), x34, i21, np.zeros((2, 4), np.float32))
g.error("scatter_window_rank", lambda x, i, u: lax.scatter(
    x, i, u, SDN((1,), (), (0,))), x34, i21, np.zeros((2, 4), np.float32))

g.save()
