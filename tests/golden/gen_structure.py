"""Golden data for the structure primitives (tests/test_structure.cpp).

Each case name encodes the op and its parameters, so that the C++ test can replay it
without a second copy of the table:

    <op>;<key>=<v,v,...>;...;<tag>

Values are comma-separated integers, empty for (), or None. Keys:
    broadcast_in_dim: shape, dims        reshape: sizes, dims (None: no permutation)
    transpose: perm                       squeeze, expand_dims, rev: dims
    concatenate: dim (operands: the inputs)
    pad: config (low,high,interior flattened; inputs: operand, padding value)
    slice: start, limit, strides (None: unit strides)
    dynamic_slice: sizes; dynamic_update_slice: (inputs: operand, update)
        both: static=<indices> with idt=<dtype> (NumPy scalars, concrete), or the
        indices are the trailing 0-d inputs (traced)
    copy, stop_gradient: none
The tag (dtype and input shape) keeps names unique.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden, rng

g = Golden("structure")
r = rng(20240611)

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "float32", "float64"]
SPREAD = ["bool", "int8", "int32", "uint64", "float16", "bfloat16", "float32", "float64"]


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def data(dtype, shape):
    """Random values over the dtype's range (bytes must move exactly); floats get
    NaN, infinities and -0.0 where there is room."""
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return r.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    vals = (r.standard_normal(n) * 10).astype(np.float64)
    if n >= 6:
        vals[1], vals[3], vals[4] = np.nan, np.inf, -np.inf
        vals[5] = -0.0
    return vals.astype(np_dtype(dtype)).reshape(shape)


def fmt(v):
    if v is None:
        return "None"
    return ",".join(str(int(x)) for x in v)


def tag(dtype, *shapes):
    return dtype + "_" + "_".join("x".join(str(d) for d in s) or "s" for s in shapes)


def name(op, params, t):
    parts = [op] + [f"{k}={fmt(v) if not isinstance(v, (int, str)) else v}" for k, v in params] + [t]
    return ";".join(parts)


# ---------------------------------------------------------------------------
# broadcast_in_dim. Non-increasing broadcast_dimensions are accepted (they permute);
# a target shape equal to the operand's forwards the operand, even with permuted
# dimensions, as JAX's forwarding rule does.
for dt in ALL:
    for shape_in, shape, dims in [((), (2, 3), ()), ((3,), (2, 3), (1,)), ((2, 1), (2, 5), (0, 1)),
                                  ((3, 1), (2, 3, 4), (1, 0)), ((0, 3), (2, 0, 3), (1, 2)),
                                  ((2, 3), (2, 3), (0, 1)), ((3, 3), (3, 3), (1, 0))]:
        x = data(dt, shape_in)
        g.case(name("broadcast_in_dim", [("shape", shape), ("dims", dims)], tag(dt, shape_in)),
               lambda x, shape=shape, dims=dims: lax.broadcast_in_dim(x, shape, dims), x)

# reshape
for dt in ALL:
    for shape_in, sizes, dims in [((2, 3), (3, 2), None), ((2, 3), (6,), (1, 0)), ((), (1, 1), None),
                                  ((0, 3), (3, 0), None), ((2, 3, 4), (4, 6), (2, 0, 1)), ((1,), (), None),
                                  ((2, 3), (2, 3), None)]:
        x = data(dt, shape_in)
        g.case(name("reshape", [("sizes", sizes), ("dims", dims)], tag(dt, shape_in)),
               lambda x, sizes=sizes, dims=dims: lax.reshape(x, sizes, dims), x)

# transpose
for dt in ALL:
    for shape_in, perm in [((2, 3), (1, 0)), ((2, 3, 4), (2, 0, 1)), ((0, 2), (1, 0)), ((), ()),
                           ((1, 2, 3, 2), (3, 1, 0, 2))]:
        x = data(dt, shape_in)
        g.case(name("transpose", [("perm", perm)], tag(dt, shape_in)),
               lambda x, perm=perm: lax.transpose(x, perm), x)

# concatenate
for dt in ALL:
    for shapes, dim in [([(2, 1), (2, 3), (2, 0)], 1), ([(3,), (2,)], 0), ([(0, 2), (0, 2)], 0),
                        ([(2, 2)], 0), ([(1, 2, 3), (2, 2, 3)], 0)]:
        xs = [data(dt, s) for s in shapes]
        g.case(name("concatenate", [("dim", dim)], tag(dt, *shapes)),
               lambda *xs, dim=dim: lax.concatenate(xs, dim), *xs)

# pad
for dt in ALL:
    for shape_in, config in [((2, 3), ((1, -1, 1), (0, 2, 0))), ((4,), ((2, 3, 1),)), ((), ()),
                             ((0, 3), ((1, 1, 2), (-1, 0, 1))), ((5,), ((-2, -1, 0),)), ((3,), ((-2, -2, 2),)),
                             ((2, 2), ((-3, 1, 2), (0, -3, 1)))]:
        x = data(dt, shape_in)
        v = data(dt, ())
        flat = [c for triple in config for c in triple]
        g.case(name("pad", [("config", flat)], tag(dt, shape_in)),
               lambda x, v, config=config: lax.pad(x, v, config), x, v)

# squeeze
for dt in SPREAD:
    for shape_in, dims in [((1, 3, 1), (0, 2)), ((1,), (0,)), ((0, 1), (-1,)), ((2, 1, 3), (1,)), ((2, 3), ())]:
        x = data(dt, shape_in)
        g.case(name("squeeze", [("dims", dims)], tag(dt, shape_in)),
               lambda x, dims=dims: lax.squeeze(x, dims), x)

# expand_dims
for dt in SPREAD:
    for shape_in, dims in [((2, 3), (0, -1)), ((), (0,)), ((0,), (1,)), ((), ()), ((2, 3), ()),
                           ((3,), (-2, 2))]:
        x = data(dt, shape_in)
        g.case(name("expand_dims", [("dims", dims)], tag(dt, shape_in)),
               lambda x, dims=dims: lax.expand_dims(x, dims), x)

# rev
for dt in SPREAD:
    for shape_in, dims in [((2, 3), (0, 1)), ((4,), (0,)), ((), ()), ((0, 3), (1,)), ((2, 3, 4), (1,)),
                           ((2, 3), ())]:
        x = data(dt, shape_in)
        g.case(name("rev", [("dims", dims)], tag(dt, shape_in)),
               lambda x, dims=dims: lax.rev(x, dims), x)

# slice
for dt in SPREAD:
    for shape_in, start, limit, strides in [((5,), (1,), (4,), None), ((4, 6), (1, 0), (4, 6), (2, 4)),
                                            ((), (), (), None), ((0, 3), (0, 1), (0, 3), None),
                                            ((3, 4), (0, 0), (3, 4), (1, 1)), ((5, 7), (1, 2), (5, 7), (3, 2)),
                                            ((4,), (2,), (2,), (3,))]:
        x = data(dt, shape_in)
        g.case(name("slice", [("start", start), ("limit", limit), ("strides", strides)], tag(dt, shape_in)),
               lambda x, s=start, l=limit, st=strides: lax.slice(x, s, l, st), x)


# dynamic_slice / dynamic_update_slice: static (NumPy scalar) or traced indices.
def np_scalar(v, idt):
    return np.array(v).astype(idt)[()]


DYN = [  # operand shape, start indices, index dtype, traced?, slice sizes
    ((5,), (1,), "int32", False, (3,)),
    ((4, 6), (-1, 7), "int32", False, (2, 3)),     # negative counts from the end; clamped
    ((4, 6), (2, -2), "int32", True, (2, 2)),
    ((4, 6), (-9, 100), "int64", True, (3, 6)),
    ((), (), "int32", False, ()),
    ((0, 3), (0, 1), "int32", False, (0, 2)),
    ((3, 5), (1, 4), "int8", True, (2, 2)),
    ((3, 5), (2, 250), "uint8", False, (1, 3)),
    ((3, 5), (1, 3), "uint16", True, (2, 1)),
    ((2, 3), (-1, -3), "int16", False, (1, 2)),
]
for dt in SPREAD:
    for shape_in, idx, idt, traced, sizes in DYN:
        x = data(dt, shape_in)
        params = [("sizes", sizes)]
        idx_inputs = [np.array(v).astype(idt) for v in idx] if traced else []
        if not traced:
            params += [("static", idx), ("idt", idt)]
        statics = [np_scalar(v, idt) for v in idx]
        g.case(name("dynamic_slice", params, tag(dt, shape_in, *([()] * len(idx_inputs))) + "_" + idt),
               lambda x, *ii, sizes=sizes, statics=statics: lax.dynamic_slice(x, list(ii) or statics, sizes),
               x, *idx_inputs)
        u = data(dt, sizes)
        params = [("static", idx), ("idt", idt)] if not traced else []
        g.case(name("dynamic_update_slice", params, tag(dt, shape_in, sizes) + "_" + idt),
               lambda x, u, *ii, statics=statics: lax.dynamic_update_slice(x, u, list(ii) or statics),
               x, u, *idx_inputs)

# copy, stop_gradient
for dt in SPREAD:
    for shape_in in [(2, 3), (), (0, 4), (7,)]:
        x = data(dt, shape_in)
        g.case(name("copy", [], tag(dt, shape_in)), lambda x: lax.copy_p.bind(x), x)
        g.case(name("stop_gradient", [], tag(dt, shape_in)), lambda x: lax.stop_gradient(x), x)

# ---------------------------------------------------------------------------
# What JAX rejects (the C++ test checks xjax rejects the same, with its own messages).
# Traced with make_jaxpr, so that JAX's shape rules (not its eager fast paths) judge.
f32 = lambda *s: np.zeros(s, np.float32)  # noqa: E731
i32 = lambda v: np.int32(v)  # noqa: E731


def traced(fn):
    return lambda *xs: jax.make_jaxpr(fn)(*xs)


g.error("broadcast_in_dim_wrong_size", traced(lambda x: lax.broadcast_in_dim(x, (2, 4), (0, 1))), f32(2, 3))
g.error("broadcast_in_dim_dims_length", traced(lambda x: lax.broadcast_in_dim(x, (2, 3), (0,))), f32(2, 3))
g.error("broadcast_in_dim_dims_out_of_range", traced(lambda x: lax.broadcast_in_dim(x, (2, 3), (0, 2))), f32(2, 3))
g.error("broadcast_in_dim_duplicate_dims", traced(lambda x: lax.broadcast_in_dim(x, (3, 3), (0, 0))), f32(3, 3))
g.error("broadcast_in_dim_same_shape_duplicate_dims",
        traced(lambda x: lax.broadcast_in_dim(x, (3, 3), (1, 1))), f32(3, 3))
g.error("broadcast_in_dim_lower_rank", traced(lambda x: lax.broadcast_in_dim(x, (3,), (0, 1))), f32(2, 3))
g.error("broadcast_in_dim_negative_shape", traced(lambda x: lax.broadcast_in_dim(x, (2, -3), (0, 1))), f32(2, 3))
g.error("reshape_size_mismatch", lambda x: lax.reshape(x, (4,)), f32(2, 3))  # JAX: at lowering
g.error("reshape_negative_size", traced(lambda x: lax.reshape(x, (-1, 6))), f32(2, 3))
g.error("reshape_bad_dimensions", traced(lambda x: lax.reshape(x, (3, 2), (0, 0))), f32(2, 3))
g.error("transpose_not_a_permutation", traced(lambda x: lax.transpose(x, (0, 0))), f32(2, 3))
g.error("transpose_wrong_length", traced(lambda x: lax.transpose(x, (0,))), f32(2, 3))
g.error("transpose_negative_axis", traced(lambda x: lax.transpose(x, (-1, 0))), f32(2, 3))
g.error("squeeze_not_size_one", traced(lambda x: lax.squeeze(x, (0,))), f32(2, 3))
g.error("squeeze_out_of_range", traced(lambda x: lax.squeeze(x, (2,))), f32(2, 3))
g.error("squeeze_duplicate", traced(lambda x: lax.squeeze(x, (0, -2))), f32(1, 3))
g.error("expand_dims_repeated", traced(lambda x: lax.expand_dims(x, (0, -3))), f32(2))
g.error("expand_dims_out_of_range", traced(lambda x: lax.expand_dims(x, (3,))), f32(2))
g.error("rev_out_of_range", traced(lambda x: lax.rev(x, (2,))), f32(2, 3))
g.error("rev_negative", traced(lambda x: lax.rev(x, (-1,))), f32(2, 3))
g.error("rev_duplicate", traced(lambda x: lax.rev(x, (0, 0))), f32(2, 3))
g.error("concatenate_shapes", traced(lambda x, y: lax.concatenate([x, y], 0)), f32(2, 3), f32(1, 2))
g.error("concatenate_ranks", traced(lambda x, y: lax.concatenate([x, y], 0)), f32(2, 3), f32(4))
g.error("concatenate_dtypes", traced(lambda x, y: lax.concatenate([x, y], 0)), f32(2, 3), np.zeros((2, 3), np.int32))
g.error("concatenate_dimension", traced(lambda x, y: lax.concatenate([x, y], 2)), f32(2, 3), f32(2, 3))
g.error("concatenate_negative_dimension", traced(lambda x, y: lax.concatenate([x, y], -1)), f32(2, 3), f32(2, 3))
g.error("concatenate_0d", traced(lambda x, y: lax.concatenate([x, y], 0)), f32(), f32())
g.error("concatenate_none", lambda: lax.concatenate([], 0))
g.error("pad_config_length", traced(lambda x: lax.pad(x, np.float32(0), [(1, 1, 0)])), f32(2, 3))
g.error("pad_negative_interior", traced(lambda x: lax.pad(x, np.float32(0), [(1, 1, -1), (0, 0, 0)])), f32(2, 3))
g.error("pad_negative_result", traced(lambda x: lax.pad(x, np.float32(0), [(-3, 0, 0), (0, 0, 0)])), f32(2, 3))
g.error("pad_value_dtype", traced(lambda x: lax.pad(x, np.int32(0), [(1, 1, 0), (0, 0, 0)])), f32(2, 3))
g.error("pad_value_not_scalar", traced(lambda x, v: lax.pad(x, v, [(1, 1, 0), (0, 0, 0)])), f32(2, 3), f32(1))
g.error("slice_out_of_bounds", traced(lambda x: lax.slice(x, (0, 0), (3, 3))), f32(2, 3))
g.error("slice_negative_start", traced(lambda x: lax.slice(x, (-1, 0), (2, 3))), f32(2, 3))
g.error("slice_start_after_limit", traced(lambda x: lax.slice(x, (2, 0), (1, 3))), f32(2, 3))
g.error("slice_wrong_length", traced(lambda x: lax.slice(x, (0,), (1,))), f32(2, 3))
g.error("slice_zero_stride", traced(lambda x: lax.slice(x, (0, 0), (2, 3), (1, 0))), f32(2, 3))
g.error("slice_negative_stride", traced(lambda x: lax.slice(x, (0, 0), (2, 3), (1, -1))), f32(2, 3))
g.error("slice_strides_length", traced(lambda x: lax.slice(x, (0, 0), (2, 3), (1,))), f32(2, 3))
g.error("dynamic_slice_index_count", traced(lambda x: lax.dynamic_slice(x, (1,), (1, 1))), f32(2, 3))
g.error("dynamic_slice_float_index", traced(lambda x, i: lax.dynamic_slice(x, (i, 0), (1, 1))), f32(2, 3),
        np.float32(1))
g.error("dynamic_slice_bool_index", traced(lambda x, i: lax.dynamic_slice(x, (i, i), (1, 1))), f32(2, 3),
        np.bool_(True))
g.error("dynamic_slice_mixed_index_dtypes", traced(lambda x, i, j: lax.dynamic_slice(x, (i, j), (1, 1))),
        f32(2, 3), np.int8(0), np.int32(0))
g.error("dynamic_slice_nonscalar_index", traced(lambda x, i: lax.dynamic_slice(x, (i, 0), (1, 1))), f32(2, 3),
        np.zeros(1, np.int32))
g.error("dynamic_slice_sizes_too_big", traced(lambda x: lax.dynamic_slice(x, (0, 0), (3, 1))), f32(2, 3))
g.error("dynamic_slice_negative_size", traced(lambda x: lax.dynamic_slice(x, (0, 0), (-1, 1))), f32(2, 3))
g.error("dynamic_update_slice_too_big", traced(lambda x, u: lax.dynamic_update_slice(x, u, (0, 0))), f32(2, 3),
        f32(3, 3))
g.error("dynamic_update_slice_rank", traced(lambda x, u: lax.dynamic_update_slice(x, u, (0, 0))), f32(2, 3), f32(3))
g.error("dynamic_update_slice_dtype", traced(lambda x, u: lax.dynamic_update_slice(x, u, (0, 0))), f32(2, 3),
        np.zeros((1, 1), np.int32))
g.error("dynamic_update_slice_index_count", traced(lambda x, u: lax.dynamic_update_slice(x, u, (0,))), f32(2, 3),
        f32(1, 1))
g.error("dynamic_update_slice_float_index", traced(lambda x, u, i: lax.dynamic_update_slice(x, u, (i, i))),
        f32(2, 3), f32(1, 1), np.float32(0))

if __name__ == "__main__":
    g.save()
