"""Golden data for xjax::numpy sorting and searching (tests/test_np_sorting.cpp):
sort, argsort, searchsorted, unique (static size), nonzero, flatnonzero, argwhere,
lax.top_k, as jax.numpy 0.10.2 computes them.

Case names: <op>;<key>=<value>;...;<tag>
  sort, argsort: axis (an int, or none), desc (0/1)
  searchsorted: side (inputs: a, v)
  unique: size[, fill] (one output); unique_all: size (values, indices, inverse, counts)
  nonzero, flatnonzero, argwhere: size[, fill]
  top_k: k, axis (outputs: values, indices; the jaxpr text is JAX's: top_k is a primitive)
Index results are int32: JAX without x64 gives int32; with 64-bit inputs JAX x64 would
give int64, and xjax keeps its default int (int32), so those cases convert JAX's index
outputs to int32 (the values are the same).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from golden import Golden, rng

g = Golden("np_sorting")
r = rng(11)


def i32(fn):
    """fn with integer outputs converted to int32 (xjax's default index dtype)."""
    def wrapped(*xs):
        out = fn(*xs)
        conv = lambda o: o.astype(jnp.int32) if o.dtype == jnp.int64 else o
        return tuple(conv(o) for o in out) if isinstance(out, (tuple, list)) else conv(out)
    return wrapped


def name(op, tag, **kw):
    return op + "".join(f";{k}={v}" for k, v in kw.items()) + f";{tag}"


f_nan = np.array([3.0, np.nan, -1.0, 0.0, -0.0, 3.0, np.inf, -np.inf, 2.5, np.nan], np.float32)
i_dup = np.array([[5, 1, 3, 1], [2, 2, 9, -4], [0, 7, 1, 1]], np.int32)
f_2x3x4 = r.integers(-3, 4, (2, 3, 4)).astype(np.float32)
arrays = {
    "f32_nan": f_nan,
    "i32_3x4": i_dup,
    "f32_2x3x4": f_2x3x4,
    "u8": np.array([200, 3, 3, 0, 255], np.uint8),
    "bool": np.array([True, False, True, False]),
    "f64": np.array([2.5, -1.0, 2.5, 1e300], np.float64),
    "i64": np.array([7, -(2 ** 40), 7, 0], np.int64),
    "f16": np.array([1.5, -2.0, 1.5, np.nan], np.float16),
    "empty": np.zeros((0,), np.float32),
    "empty_2x0": np.zeros((2, 0), np.int32),
}

for tag, x in arrays.items():
    axes = [None] + list(range(-x.ndim, x.ndim))
    for axis in axes:
        for desc in [0, 1]:
            g.case(name("sort", tag, axis=str(axis).lower(), desc=desc),
                   lambda x, axis=axis, desc=desc: jnp.sort(x, axis=axis, descending=bool(desc)), x)
            g.case(name("argsort", tag, axis=str(axis).lower(), desc=desc),
                   i32(lambda x, axis=axis, desc=desc: jnp.argsort(x, axis=axis, descending=bool(desc))), x)
g.case(name("sort", "f32_0d", axis="none", desc=0), lambda x: jnp.sort(x, axis=None), np.array(3.0, np.float32))

# searchsorted
sa = np.array([-np.inf, -1.0, 0.0, 0.0, 2.0, 2.0, 5.0, np.nan], np.float32)
queries = {
    "f32": np.array([[-2.0, 0.0, -0.0], [2.0, np.nan, np.inf]], np.float32),
    "f32_0d": np.array(2.0, np.float32),
    "f32_empty": np.zeros((0,), np.float32),
}
for side in ["left", "right"]:
    for tag, v in queries.items():
        g.case(name("searchsorted", tag, side=side), lambda a, v, side=side: jnp.searchsorted(a, v, side=side), sa, v)
    g.case(name("searchsorted", "i32", side=side), lambda a, v, side=side: jnp.searchsorted(a, v, side=side),
           np.array([1, 3, 3, 7], np.int32), np.array([0, 3, 4, 8], np.int32))
    g.case(name("searchsorted", "i32_f32", side=side), lambda a, v, side=side: jnp.searchsorted(a, v, side=side),
           np.array([1, 3, 3, 7], np.int32), np.array([2.5, 3.0], np.float32))
    g.case(name("searchsorted", "empty_a", side=side), lambda a, v, side=side: jnp.searchsorted(a, v, side=side),
           np.zeros((0,), np.float32), np.array([1.0], np.float32))
    g.case(name("searchsorted", "i64", side=side), i32(lambda a, v, side=side: jnp.searchsorted(a, v, side=side)),
           np.array([1, 3, 3, 7], np.int64), np.array([3, 9], np.int64))

big = np.sort(r.integers(-50, 50, 100)).astype(np.float32)
for side in ["left", "right"]:
    for n in [1, 2, 3, 7, 8, 100]:
        g.case(name("searchsorted", f"f32_n{n}", side=side), lambda a, v, side=side: jnp.searchsorted(a, v, side=side),
               big[:n], r.integers(-55, 55, (5, 10)).astype(np.float32))

# unique
for tag in ["f32_nan", "i32_3x4", "u8", "bool", "f64", "i64", "f16"]:
    x = arrays[tag]
    n_unique = len(np.unique(np.asarray(x)[~np.isnan(x)] if x.dtype.kind == "f" else x)) + (
        1 if x.dtype.kind == "f" and np.isnan(x).any() else 0)
    for size in sorted({1, n_unique, n_unique + 2}):
        g.case(name("unique", tag, size=size), lambda x, size=size: jnp.unique(x, size=size), x)
        g.case(name("unique", tag, size=size, fill=-1), lambda x, size=size: jnp.unique(x, size=size, fill_value=-1), x)
        g.case(name("unique_all", tag, size=size),
               lambda x, size=size: (lambda u: (u[0],) + tuple(o.astype(jnp.int32) for o in u[1:]))(
                   jnp.unique(x, return_index=True, return_inverse=True, return_counts=True, size=size)), x)
g.case(name("unique", "f32_0d", size=1), lambda x: jnp.unique(x, size=1), np.array(2.0, np.float32))
g.case(name("unique", "empty", size=2, fill=7), lambda x: jnp.unique(x, size=2, fill_value=7), arrays["empty"])
for tag in ["empty", "empty_2x0"]:
    g.case(name("unique_all", tag, size=2, fill=3),
           lambda x: (lambda u: (u[0],) + tuple(o.astype(jnp.int32) for o in u[1:]))(
               jnp.unique(x, return_index=True, return_inverse=True, return_counts=True, size=2, fill_value=3)),
           arrays[tag])

# nonzero / flatnonzero / argwhere
nz = {
    "i32_3x4": i_dup * (i_dup > 1),
    "f32_nan": f_nan,
    "bool": arrays["bool"],
    "f32_2x3x4": f_2x3x4,
    "empty": arrays["empty"],
    "zeros": np.zeros((2, 3), np.float32),
}
for tag, x in nz.items():
    cnt = int(np.count_nonzero(x))
    for size in sorted({0, 1, cnt, cnt + 3}):
        g.case(name("nonzero", tag, size=size), lambda x, size=size: jnp.nonzero(x, size=size), x)
        g.case(name("nonzero", tag, size=size, fill=-1), lambda x, size=size: jnp.nonzero(x, size=size, fill_value=-1), x)
        g.case(name("flatnonzero", tag, size=size), lambda x, size=size: jnp.flatnonzero(x, size=size), x)
        g.case(name("argwhere", tag, size=size, fill=-2),
               lambda x, size=size: jnp.argwhere(x, size=size, fill_value=-2), x)
g.case(name("argwhere", "f32_0d", size=2), lambda x: jnp.argwhere(x, size=2), np.array(3.0, np.float32))
g.case(name("flatnonzero", "f32_0d", size=2), lambda x: jnp.flatnonzero(x, size=2), np.array(3.0, np.float32))

# lax.top_k
tk = {
    "f32_nan": np.array([1.0, np.nan, 3.0, 3.0, -1.0, np.inf, 2.0], np.float32),
    "i32_3x4": i_dup,
    "f32_2x3x4": f_2x3x4,
    "u8": arrays["u8"],
    "f64": arrays["f64"],
    "i64": arrays["i64"],
}
tk["f32_zeros"] = np.array([0.0, -0.0, 0.0, -0.0, np.nan, 1.0], np.float32)  # (golden data has no -NaN)
tk["bool"] = np.array([False, True, False, True])
tk["f16_2x3"] = np.array([[1, 2, 2], [np.inf, -1, 0]], np.float16)
for tag, x in tk.items():
    for axis in range(-x.ndim, x.ndim):
        for k in sorted({0, 1, 2, x.shape[axis]}):
            if k <= x.shape[axis]:
                g.case(name("top_k", tag, k=k, axis=axis), lambda x, k=k, axis=axis: lax.top_k(x, k, axis=axis), x)

# errors JAX raises (mirrored by the C++ error tests)
g.error("sort_axis", lambda x: jnp.sort(x, axis=2), i_dup)
g.error("searchsorted_2d", lambda a, v: jnp.searchsorted(a, v), i_dup, i_dup)
g.error("unique_traced_no_size", lambda x: jax.jit(jnp.unique)(x), i_dup)
g.error("nonzero_traced_no_size", lambda x: jax.jit(jnp.nonzero)(x), i_dup)
g.error("nonzero_0d", lambda x: jnp.nonzero(x), np.array(1.0, np.float32))
g.error("top_k_too_big", lambda x: lax.top_k(x, 5), i_dup)
g.error("unique_empty_no_fill", lambda x: jnp.unique(x, size=2), arrays["empty"])

g.save()
