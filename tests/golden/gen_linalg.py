"""Golden cases for the linear algebra primitives: dot_general.

Each case applies one dot_general; the C++ test (tests/test_linalg.cpp) reads the
dimension numbers, precision and preferred_element_type back from JAX's jaxpr text.
Error cases are checked against JAX with `g.error` (the C++ test has the same cases
with xjax's error types and messages).
"""

import os
import sys

import numpy as np
from jax import lax
import jax.numpy as jnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import Golden, rng  # noqa: E402

g = Golden("linalg")
r = rng(2)

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "float32", "float64"]


def values(shape, dtype, lo=-9, hi=9):
    dt = jnp.dtype(dtype)
    if dt == np.bool_:
        return r.integers(0, 2, shape).astype(np.bool_)
    if jnp.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return r.integers(max(info.min, lo), min(info.max, hi), shape, endpoint=True).astype(dt)
    return (r.standard_normal(shape) * 2).astype(dt)


def dot(name, lhs, rhs, dims, x64=None, **kw):
    """dims: ((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))."""
    g.case(name, lambda a, b: lax.dot_general(a, b, dims, **kw), lhs, rhs, x64=x64)


MATMUL = (((1,), (0,)), ((), ()))

# Shapes and dimension numbers.
for dt in ALL:
    dot(f"matmul_{dt}", values((3, 4), dt), values((4, 5), dt), MATMUL)
    dot(f"matvec_{dt}", values((3, 4), dt), values((4,), dt), MATMUL)
dot("vecvec", values((7,), "float32"), values((7,), "float32"), (((0,), (0,)), ((), ())))
dot("vecmat", values((4,), "int32"), values((4, 3), "int32"), (((0,), (0,)), ((), ())))
dot("matmul_rhs_transposed", values((3, 4), "float32"), values((5, 4), "float32"), (((1,), (1,)), ((), ())))
dot("matmul_lhs_transposed", values((4, 3), "float64"), values((4, 5), "float64"), (((0,), (0,)), ((), ())))
dot("matmul_larger_f32", values((17, 33), "float32"), values((33, 19), "float32"), MATMUL)
dot("matmul_larger_f64", values((9, 64), "float64"), values((64, 10), "float64"), MATMUL)
dot("batched_matmul", values((2, 3, 4), "float32"), values((2, 4, 5), "float32"), (((2,), (1,)), ((0,), (0,))))
dot("batched_matmul_int", values((3, 2, 4), "int16"), values((3, 4, 2), "int16"), (((2,), (1,)), ((0,), (0,))))
dot("batch_dims_not_leading", values((3, 2, 4), "float32"), values((4, 5, 2), "float32"),
    (((2,), (0,)), ((1,), (2,))))
dot("two_batch_dims", values((2, 3, 4, 5), "float32"), values((3, 2, 5, 6), "float32"),
    (((3,), (2,)), ((0, 1), (1, 0))))
dot("contract_two_dims", values((2, 3, 4), "float32"), values((3, 4, 5), "float32"), (((1, 2), (0, 1)), ((), ())))
dot("contract_two_dims_permuted", values((2, 3, 4), "float32"), values((4, 5, 3), "float32"),
    (((2, 1), (0, 2)), ((), ())))
dot("contract_all", values((2, 3), "int32"), values((3, 2), "int32"), (((0, 1), (1, 0)), ((), ())))
dot("batch_only", values((4, 3), "float32"), values((4,), "float32"), (((), ()), ((0,), (0,))))
dot("outer_product", values((3,), "float32"), values((4,), "float32"), (((), ()), ((), ())))
dot("outer_product_2d", values((2, 3), "int8"), values((2,), "int8"), (((), ()), ((), ())))
dot("scalar_scalar", values((), "float32"), values((), "float32"), (((), ()), ((), ())))
dot("scalar_vector", values((), "int32"), values((3,), "int32"), (((), ()), ((), ())))
dot("empty_contraction", values((3, 0), "float32"), values((0, 4), "float32"), MATMUL)
dot("empty_contraction_int", values((2, 0), "int32"), values((0, 2), "int32"), MATMUL)
dot("empty_rows", values((0, 4), "float32"), values((4, 5), "float32"), MATMUL)
dot("empty_batch", values((0, 3, 4), "float32"), values((0, 4, 2), "float32"), (((2,), (1,)), ((0,), (0,))))

# Values: wrap-around, NaN and infinities, rounding of narrow floats.
dot("int8_wraps", np.array([[100, 100], [-128, 1]], np.int8), np.array([[2, 1], [1, -1]], np.int8), MATMUL)
dot("uint8_wraps", np.array([[200, 100]], np.uint8), np.array([[2], [3]], np.uint8), MATMUL)
dot("int32_wraps", np.array([[2**30, 2**30, 2**30]], np.int32), np.array([[4], [1], [1]], np.int32), MATMUL)
dot("nan_and_inf", np.array([[np.nan, 1.0], [np.inf, 1.0], [np.inf, -np.inf], [np.inf, 1.0]], np.float32),
    np.array([[0.0, 1.0], [1.0, 0.0]], np.float32), MATMUL)
dot("float16_accumulates_wide", np.full((1, 3000), 0.1, np.float16), np.full((3000, 1), 1.0, np.float16), MATMUL)
dot("bool_or_of_ands", np.array([[True, False, True], [False, False, True]]),
    np.array([[True, False], [True, True], [False, False]]), MATMUL)

# preferred_element_type.
for lhs_dt, pref in [("bfloat16", "float32"), ("float16", "float32"), ("int8", "int32"), ("uint8", "int32"),
                     ("int16", "int64"), ("uint8", "uint32"), ("int8", "float32"), ("bool", "int32"),
                     ("bool", "float32"), ("float32", "float64"), ("int32", "int32"), ("float32", "float16"),
                     ("int8", "uint32"), ("float32", "int32"), ("float32", "bool"), ("int8", "bfloat16")]:
    x64 = True if "64" in pref else None
    dot(f"preferred_{lhs_dt}_{pref}", values((3, 4), lhs_dt, -120, 120), values((4, 2), lhs_dt, -120, 120),
        MATMUL, x64=x64, preferred_element_type=jnp.dtype(pref))
dot("preferred_int8_int32_no_wrap", np.array([[100, 100]], np.int8), np.array([[100], [100]], np.int8), MATMUL,
    preferred_element_type=np.int32)
dot("preferred_float32_int32_truncates", np.array([[1.5, 1.5], [-1.5, 1e10]], np.float32),
    np.array([[1.5], [1.0]], np.float32), MATMUL, preferred_element_type=np.int32)

# Operands of different dtypes: the result takes the more precise one.
for lt, rt in [("float32", "bfloat16"), ("float16", "bfloat16"), ("int8", "int32"), ("uint8", "int8"),
               ("uint16", "int8"), ("int32", "uint32"), ("int32", "float32"), ("bool", "float32"),
               ("bool", "int8"), ("int64", "float16"), ("uint64", "int64")]:
    dot(f"mixed_{lt}_{rt}", values((3, 4), lt), values((4, 2), rt), MATMUL)
dot("mixed_int32_float32_rounds", np.array([[16777217, 16777217]], np.int32), np.array([[1.0], [-1.0]], np.float32),
    MATMUL)
dot("mixed_preferred", values((2, 3), "int8"), values((3, 2), "int16"), MATMUL, preferred_element_type=np.float32)

# precision (printed; no effect on the CPU).
dot("precision_highest", values((3, 4), "float32"), values((4, 2), "float32"), MATMUL,
    precision=lax.Precision.HIGHEST)
dot("precision_pair", values((3, 4), "float32"), values((4, 2), "float32"), MATMUL,
    precision=(lax.Precision.HIGH, lax.Precision.DEFAULT))
dot("precision_and_preferred", values((3, 4), "bfloat16"), values((4, 2), "bfloat16"), MATMUL,
    precision=lax.Precision.DEFAULT, preferred_element_type=np.float32)

# ---------------------------------------------------------------------------
# Inputs JAX rejects (the C++ test has each with xjax's error type and message).

a34, b45 = values((3, 4), "float32"), values((4, 5), "float32")
g.error("contracting_sizes_differ", lambda a, b: lax.dot_general(a, b, (((0,), (0,)), ((), ()))), a34, b45)
g.error("contracting_counts_differ", lambda a, b: lax.dot_general(a, b, (((1,), ()), ((), ()))), a34, b45)
g.error("lhs_dim_out_of_range", lambda a, b: lax.dot_general(a, b, (((2,), (0,)), ((), ()))), a34, b45)
g.error("rhs_dim_negative", lambda a, b: lax.dot_general(a, b, (((1,), (-1,)), ((), ()))), a34, b45)
g.error("batch_counts_differ", lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((0,), ()))), a34, b45)
g.error("batch_sizes_differ", lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((0,), (1,)))), a34, b45)
g.error("duplicate_contracting", lambda a, b: lax.dot_general(a, b, (((1, 1), (0, 0)), ((), ()))), a34, b45)
g.error("duplicate_batch", lambda a, b: lax.dot_general(a, b, (((), ()), ((0, 0), (1, 1)))),
        values((3, 3), "float32"), values((3, 3), "float32"))
g.error("batch_and_contracting_overlap", lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((1,), (0,)))), a34, b45)
g.error("preferred_narrower_int", lambda a, b: lax.dot_general(a, b, MATMUL, preferred_element_type=np.int16),
        values((3, 4), "int32"), values((4, 5), "int32"))
g.error("preferred_bool_for_int", lambda a, b: lax.dot_general(a, b, MATMUL, preferred_element_type=np.bool_),
        values((3, 4), "int8"), values((4, 5), "int8"))
g.error("dot_needs_dimension_numbers", lambda a, b: lax.dot(a, b), values((2, 3, 4), "float32"), b45)

g.save()
