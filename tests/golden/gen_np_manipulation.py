"""Golden data for jax.numpy's manipulation functions (tests/test_np_manipulation.cpp).

Case names encode the function and its arguments so that the C++ test replays them:

    <fn>;<key>=<value>;...;<tag>

Values: integers, strings (modes), `none` for None, tuples as comma-separated integers
(empty for ()); a key ending in `_t` is a tuple argument, so that an int and a 1-tuple
replay as the C++ overloads taking an int or a shape. Inputs are the array arguments.
Cases with 64-bit inputs run with x64.
"""

import jax.numpy as jnp
import numpy as np

from golden import Golden, rng

g = Golden("np_manipulation")
r = rng(20241126)


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def tup(v):
    return ",".join(str(int(x)) for x in v)


def st(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def name(fn, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items())
    return f"{fn};{kv};{tag}" if kv else f"{fn};{tag}"


def data(dtype, shape):
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        return r.integers(0 if dtype.startswith("u") else -50, 50, size=shape).astype(dtype)
    return (r.standard_normal(shape) * 3).astype(np_dtype(dtype))


def ax(v):
    return "none" if v is None else v


# reshape, ravel
for d, shape, new in [("float32", (2, 3), (3, 2)), ("int32", (2, 3), (-1,)), ("int8", (2, 3, 4), (4, -1)), ("float32", (), (1, 1)),
                      ("bool", (4,), (2, 1, 2)), ("float16", (0, 3), (3, 0)), ("float32", (0, 3), (-1, 3)), ("float64", (6,), (2, -1)),
                      ("uint8", (1,), ()), ("float32", (2, 3), (2, 3))]:
    g.case(name("reshape", f"{d}_{st(shape)}", shape=tup(new)), lambda x, new=new: jnp.reshape(x, new), data(d, shape))
for d, shape in [("float32", (2, 3)), ("int32", ()), ("bool", (0, 2)), ("float16", (2, 1, 2)), ("int64", (3,))]:
    g.case(name("ravel", f"{d}_{st(shape)}"), lambda x: jnp.ravel(x), data(d, shape))

# transpose, swapaxes, moveaxis
for d, shape, axes in [("float32", (2, 3), None), ("int32", (2, 3, 4), None), ("int32", (2, 3, 4), (1, 0, 2)), ("float32", (2, 3, 4), (-1, 0, -2)),
                       ("bool", (), None), ("float16", (0, 2), (1, 0)), ("uint8", (3,), (0,)), ("float64", (1, 2, 3, 1), (3, 1, 0, 2))]:
    g.case(name("transpose", f"{d}_{st(shape)}", axes=ax(axes if axes is None else tup(axes))),
           lambda x, axes=axes: jnp.transpose(x, axes), data(d, shape))
for d, shape, a1, a2 in [("float32", (2, 3), 0, 1), ("int32", (2, 3, 4), -1, 0), ("int8", (2, 3, 4), 1, 1), ("float32", (0, 2, 1), 2, -3)]:
    g.case(name("swapaxes", f"{d}_{st(shape)}", a1=a1, a2=a2), lambda x, a1=a1, a2=a2: jnp.swapaxes(x, a1, a2), data(d, shape))
for d, shape, s, t in [("float32", (2, 3, 4), 0, -1), ("int32", (2, 3, 4), -1, 0), ("float32", (2, 3, 4, 5), (0, 1), (-1, -2)),
                       ("int8", (2, 3), 1, 1), ("bool", (2, 0, 3), (2, 0), (0, 1)), ("float16", (2, 3, 4), (0, 2), (2, 0))]:
    if isinstance(s, tuple):
        g.case(name("moveaxis_t", f"{d}_{st(shape)}", src=tup(s), dst=tup(t)), lambda x, s=s, t=t: jnp.moveaxis(x, s, t), data(d, shape))
    else:
        g.case(name("moveaxis", f"{d}_{st(shape)}", src=s, dst=t), lambda x, s=s, t=t: jnp.moveaxis(x, s, t), data(d, shape))

# squeeze, expand_dims
for d, shape, axis in [("float32", (1, 3, 1), None), ("int32", (1, 3, 1), 0), ("int32", (1, 3, 1), -1), ("float16", (1, 3, 1), (0, 2)),
                       ("bool", (), None), ("float32", (1,), None), ("uint8", (2, 3), None), ("float32", (1, 0, 1), (-3,)),
                       ("float32", (), ())]:
    if isinstance(axis, tuple):
        g.case(name("squeeze_t", f"{d}_{st(shape)}", axis=tup(axis)), lambda x, a=axis: jnp.squeeze(x, a), data(d, shape))
    else:
        g.case(name("squeeze", f"{d}_{st(shape)}", axis=ax(axis)), lambda x, a=axis: jnp.squeeze(x, a), data(d, shape))
for d, shape, axis in [("float32", (2, 3), 0), ("float32", (2, 3), -1), ("int32", (2, 3), 1), ("bool", (), 0), ("int8", (3,), (0, 2)),
                       ("float16", (2, 3), (-1, 0)), ("float32", (0,), (1, -1)), ("float64", (2,), -2)]:
    if isinstance(axis, tuple):
        g.case(name("expand_dims_t", f"{d}_{st(shape)}", axis=tup(axis)), lambda x, a=axis: jnp.expand_dims(x, a), data(d, shape))
    else:
        g.case(name("expand_dims", f"{d}_{st(shape)}", axis=axis), lambda x, a=axis: jnp.expand_dims(x, a), data(d, shape))

# concatenate, stack, hstack, vstack, dstack
CONCAT = [
    ([("float32", (2, 3)), ("float32", (1, 3))], 0), ([("float32", (2, 3)), ("float32", (2, 1))], -1),
    ([("int32", (2,)), ("float32", (3,)), ("int8", (1,))], 0), ([("int8", (2, 2)), ("uint8", (2, 2))], 1),
    ([("float32", (2, 3)), ("int32", (4,))], None), ([("float16", (0, 2)), ("float16", (2, 2))], 0),
    ([("bool", (3,))], 0), ([("float32", ()), ("float32", (2, 2))], None), ([("int64", (2,)), ("int32", (2,))], 0),
    ([("bfloat16", (1, 2)), ("float16", (1, 2))], 0),
]
for arrs, axis in CONCAT:
    tag = "_".join(f"{d}{st(s)}" for d, s in arrs)
    g.case(name("concatenate", tag, axis=ax(axis)), lambda *xs, axis=axis: jnp.concatenate(xs, axis=axis), *[data(d, s) for d, s in arrs])
STACK = [([("float32", (2, 3)), ("float32", (2, 3))], 0), ([("float32", (2, 3)), ("int32", (2, 3))], -1), ([("int8", ()), ("int8", ())], 0),
         ([("bool", (0, 2)), ("bool", (0, 2)), ("bool", (0, 2))], 1), ([("float16", (3,)), ("float32", (3,))], -2)]
for arrs, axis in STACK:
    tag = "_".join(f"{d}{st(s)}" for d, s in arrs)
    g.case(name("stack", tag, axis=axis), lambda *xs, axis=axis: jnp.stack(xs, axis=axis), *[data(d, s) for d, s in arrs])
for fn, jf in [("hstack", jnp.hstack), ("vstack", jnp.vstack), ("dstack", jnp.dstack)]:
    for arrs in [[("float32", (3,)), ("float32", (2,))] if fn == "hstack" else [("float32", (3,)), ("float32", (3,))],
                 [("int32", (2, 3)), ("int32", (2, 3))], [("float32", ()), ("int8", ())], [("float32", (2, 1, 2)), ("float32", (2, 1, 2))]]:
        tag = "_".join(f"{d}{st(s)}" for d, s in arrs)
        g.case(name(fn, tag), lambda *xs, jf=jf: jf(xs), *[data(d, s) for d, s in arrs])

# split, array_split
for fn, jf in [("split", jnp.split), ("array_split", jnp.array_split)]:
    for d, shape, sec, axis in [("float32", (6,), 3, 0), ("int32", (4, 6), 2, 1), ("int32", (4, 6), 3, -1), ("float32", (0, 2), 2, 0),
                                ("bool", (2, 4), 1, 0)] + ([("float32", (7,), 3, 0), ("int8", (2, 5), 4, 1), ("float32", (2,), 4, 0)]
                                                            if fn == "array_split" else []):
        g.case(name(fn, f"{d}_{st(shape)}", sections=sec, axis=axis), lambda x, s=sec, a=axis, jf=jf: jf(x, s, axis=a), data(d, shape))
    for d, shape, ind, axis in [("float32", (8,), (2, 5), 0), ("int32", (3, 6), (1, 1, 4), 1), ("float32", (5,), (0, 5), 0),
                                ("float32", (5,), (2, 2), 0), ("int8", (4, 2), (), 0)]:
        g.case(name(fn + "_t", f"{d}_{st(shape)}", indices=tup(ind), axis=axis), lambda x, i=ind, a=axis, jf=jf: jf(x, list(i), axis=a),
               data(d, shape))

# tile, repeat
for d, shape, reps in [("float32", (2,), (3,)), ("int32", (2, 3), (2, 1)), ("int8", (2, 3), (2,)), ("float32", (3,), (2, 2)),
                       ("bool", (), (3,)), ("float16", (2, 2), (0, 2)), ("float32", (2, 1, 2), (1, 2, 1, 2))]:
    g.case(name("tile_t", f"{d}_{st(shape)}", reps=tup(reps)), lambda x, reps=reps: jnp.tile(x, reps), data(d, shape))
g.case(name("tile", "int_reps", reps=3), lambda x: jnp.tile(x, 3), data("float32", (2, 2)))
for d, shape, rep, axis in [("float32", (3,), 2, None), ("int32", (2, 3), 2, 0), ("int32", (2, 3), 3, -1), ("float32", (2, 3), 2, None),
                            ("bool", (), 3, None), ("float16", (0, 2), 2, 0), ("int8", (2, 2), 0, 1)]:
    g.case(name("repeat", f"{d}_{st(shape)}", repeats=rep, axis=ax(axis)), lambda x, rep=rep, axis=axis: jnp.repeat(x, rep, axis=axis),
           data(d, shape))
for d, shape, reps, axis, total in [("float32", (3,), (1, 0, 2), 0, None), ("int32", (2, 3), (2, 1), 0, None), ("int32", (2, 3), (0, 1, 3), 1, None),
                                    ("float32", (2, 2), (1, 2, 0, 1), None, None), ("float32", (3,), (1, 2, 1), 0, 3),
                                    ("float32", (3,), (1, 2, 1), 0, 6), ("int32", (2, 2), (2,), 1, None), ("float32", (3,), (2,), 0, 5)]:
    g.case(name("repeat_arr", f"{d}_{st(shape)}", repeats=tup(reps), axis=ax(axis), total=ax(total)),
           lambda x, reps=reps, axis=axis, total=total: jnp.repeat(x, np.array(reps, np.int32), axis=axis, total_repeat_length=total),
           data(d, shape))

# flip, fliplr, flipud, roll, rot90
for d, shape, axis in [("float32", (2, 3), None), ("int32", (2, 3), 0), ("int32", (2, 3), -1), ("float16", (2, 3, 2), (0, 2)),
                       ("bool", (), None), ("float32", (0, 3), 1), ("uint8", (4,), ())]:
    if isinstance(axis, tuple):
        g.case(name("flip_t", f"{d}_{st(shape)}", axis=tup(axis)), lambda x, a=axis: jnp.flip(x, a), data(d, shape))
    else:
        g.case(name("flip", f"{d}_{st(shape)}", axis=ax(axis)), lambda x, a=axis: jnp.flip(x, a), data(d, shape))
for d, shape in [("float32", (2, 3)), ("int8", (3, 2, 2)), ("bool", (0, 2))]:
    g.case(name("fliplr", f"{d}_{st(shape)}"), lambda x: jnp.fliplr(x), data(d, shape))
for d, shape in [("float32", (3,)), ("int32", (3, 2)), ("float16", (0,))]:
    g.case(name("flipud", f"{d}_{st(shape)}"), lambda x: jnp.flipud(x), data(d, shape))
for d, shape, shift, axis in [("float32", (5,), 2, None), ("float32", (5,), -7, 0), ("int32", (2, 3), 1, None), ("int32", (2, 3), 1, -1),
                              ("int8", (2, 3), (1, -1), (0, 1)), ("float32", (2, 3), (1, 2), (1, 1)), ("float16", (3, 4), 2, (0, 1)),
                              ("float32", (0, 3), 1, 0), ("bool", (), 3, None), ("float32", (2, 3), 0, 0), ("int32", (4,), 4, 0)]:
    if isinstance(shift, tuple) or isinstance(axis, tuple):
        s = shift if isinstance(shift, tuple) else (shift,)
        a = axis if isinstance(axis, tuple) else (axis,)
        g.case(name("roll_t", f"{d}_{st(shape)}", shift=tup(s), axis=tup(a)), lambda x, s=s, a=a: jnp.roll(x, s, a), data(d, shape))
    else:
        g.case(name("roll", f"{d}_{st(shape)}", shift=shift, axis=ax(axis)), lambda x, s=shift, a=axis: jnp.roll(x, s, a), data(d, shape))
for d, shape, k, axes in [("float32", (2, 3), 1, (0, 1)), ("int32", (2, 3), 2, (0, 1)), ("int32", (2, 3), 3, (0, 1)), ("float32", (2, 3), -1, (0, 1)),
                          ("float32", (2, 3), 4, (0, 1)), ("int8", (2, 3, 4), 1, (1, 2)), ("float16", (2, 3, 4), 1, (2, 0)),
                          ("bool", (0, 3), 1, (0, 1)), ("float32", (2, 3), 5, (1, 0)), ("uint8", (2, 3, 4), 3, (-1, 0))]:
    g.case(name("rot90", f"{d}_{st(shape)}", k=k, axes=tup(axes)), lambda x, k=k, a=axes: jnp.rot90(x, k, a), data(d, shape))

# pad (pad_width: an int, one pair, or pairs per axis; all as pairs per axis in the name)
PAD = [("float32", (3,), 2), ("float32", (3,), ((1, 2),)), ("int32", (2, 3), ((1, 0), (0, 2))), ("int32", (2, 3), (1, 2)),
       ("float16", (2, 2), 0), ("int8", (), 0), ("bool", (2,), 1), ("float32", (4,), ((5, 6),)), ("float32", (2, 3), ((3, 4), (5, 2))),
       ("uint8", (1, 3), ((2, 2), (3, 1))), ("float32", (0, 2), ((1, 1), (0, 0)))]
for mode in ["constant", "edge", "reflect", "symmetric", "wrap"]:
    for d, shape, pw in PAD:
        nd = len(shape)
        if isinstance(pw, int):
            pairs = [(pw, pw)] * nd
        elif isinstance(pw[0], int):
            pairs = [tuple(pw)] * nd
        else:
            pairs = list(pw)
        if mode != "constant" and any(s == 0 for s in shape):
            continue
        form = "int" if isinstance(pw, int) else "pair" if isinstance(pw[0], int) else "pairs"
        flat = tup([v for p in pairs for v in p])
        g.case(name("pad", f"{d}_{st(shape)}", mode=mode, form=form, width=flat),
               lambda x, pw=pw, mode=mode: jnp.pad(x, pw, mode=mode), data(d, shape))
for d, cv in [("float32", "2.5"), ("int32", "7"), ("uint8", "3"), ("float16", "-1.5")]:
    v = float(cv) if "." in cv else int(cv)
    g.case(name("pad_cval", d, width="1,2,0,1", cval=cv), lambda x, v=v: jnp.pad(x, ((1, 2), (0, 1)), constant_values=v), data(d, (2, 2)))

for d, shape, cshape in [("float32", (2, 2), (2, 2)), ("int32", (2, 3), (2,)), ("float32", (2, 2), (1, 2)), ("int8", (3,), (1, 2)),
                         ("float16", (2, 2), (2, 1)), ("float32", (2, 2), ())]:
    g.case(name("pad_cvals", f"{d}_{st(shape)}_{st(cshape)}"), lambda x, cv: jnp.pad(x, 1, constant_values=cv), data(d, shape),
           data("float32", cshape))

# take, take_along_axis
for d, shape, idx, axis, mode in [
        ("float32", (5,), [0, 4, 2], 0, "fill"), ("float32", (5,), [-1, 5, 7, -6], 0, "fill"), ("int32", (5,), [-1, 5, 7, -6], 0, "clip"),
        ("int32", (5,), [-1, 5, 7, -6, 12], 0, "wrap"), ("int32", (3, 4), [[0, 3], [1, -1]], 1, "fill"), ("float32", (3, 4), [2, 0], -2, "clip"),
        ("int8", (3, 4), [2, 11, -13], None, "fill"), ("uint8", (3, 4), [5, 7], 0, "fill"), ("bool", (3,), [0, 5], 0, "fill"),
        ("float16", (2, 3, 2), [[1], [0]], 1, "wrap"), ("float32", (3, 4), [], 1, "fill"), ("float32", (3,), 1, 0, "fill"),
        ("float64", (4,), [1, 9], 0, "fill"), ("int64", (3, 2), [0, -4], 0, "fill")]:
    ii = np.array(idx, np.int32)
    g.case(name("take", f"{d}_{st(shape)}_{st(ii.shape)}", axis=ax(axis), mode=mode),
           lambda x, i, axis=axis, mode=mode: jnp.take(x, i, axis=axis, mode=mode), data(d, shape), ii)
g.case(name("take", "uint_idx", axis=0, mode="fill"), lambda x, i: jnp.take(x, i, axis=0), data("float32", (4,)),
       np.array([3, 9], np.uint8))
g.case(name("take", "int8_idx", axis=0, mode="wrap"), lambda x, i: jnp.take(x, i, axis=0, mode="wrap"), data("float32", (4,)),
       np.array([-3, 9], np.int8))
for d, fv in [("float32", "2.5"), ("int32", "-7"), ("uint8", "9")]:
    v = float(fv) if "." in fv else int(fv)
    g.case(name("take_fill", d, fill=fv), lambda x, i, v=v: jnp.take(x, i, axis=0, fill_value=v), data(d, (4,)),
           np.array([1, 5, -1, -9], np.int32))
for fn, jf in [("atleast_1d_n", jnp.atleast_1d), ("atleast_2d_n", jnp.atleast_2d), ("atleast_3d_n", jnp.atleast_3d)]:
    g.case(name(fn, "three"), lambda *xs, jf=jf: jf(*xs), data("float32", ()), data("int32", (2,)), data("int8", (2, 3)))
for d, shape, ishape, axis, mode in [("float32", (3, 4), (3, 2), 1, "fill"), ("float32", (3, 4), (2, 4), 0, "fill"), ("int32", (3, 4), (3, 5), -1, "clip"),
                                     ("int32", (2, 3, 4), (2, 3, 2), 2, "clip"), ("float32", (2, 3, 4), (1, 2, 4), 1, "fill"),
                                     ("float16", (5,), (3,), 0, "fill"), ("int8", (3, 4), (5,), None, "fill"), ("bool", (2, 2), (2, 1), 1, "fill"),
                                     ("float32", (3, 4), (3, 0), 1, "fill")]:
    n = shape[axis] if axis is not None else int(np.prod(shape))
    ii = r.integers(-n - 2, n + 2, size=ishape).astype(np.int32)
    g.case(name("take_along_axis", f"{d}_{st(shape)}_{st(ishape)}", axis=ax(axis), mode=mode),
           lambda x, i, axis=axis, mode=mode: jnp.take_along_axis(x, i, axis=axis, mode=mode), data(d, shape), ii)

# atleast_*d, astype
for fn, jf in [("atleast_1d", jnp.atleast_1d), ("atleast_2d", jnp.atleast_2d), ("atleast_3d", jnp.atleast_3d)]:
    for d, shape in [("float32", ()), ("int32", (3,)), ("bool", (2, 3)), ("float16", (2, 1, 2)), ("int8", (0,)), ("float32", (1, 2, 3, 4))]:
        g.case(name(fn, f"{d}_{st(shape)}"), lambda x, jf=jf: jf(x), data(d, shape))
for d, shape, to in [("float32", (2, 3), "int32"), ("int32", (3,), "float32"), ("float32", (4,), "bool"), ("bool", (2,), "float16"),
                     ("float16", (), "int8"), ("int32", (0, 2), "uint8"), ("float32", (3,), "float64"), ("int64", (2,), "int32"),
                     ("float32", (2,), "float32")]:
    x = data(d, shape)
    if d.startswith("float"):
        x = (x * 20).astype(np_dtype(d))
    g.case(name("astype", f"{d}_{st(shape)}", dtype=to), lambda x, to=to: jnp.astype(x, np_dtype(to)), x, x64=(to == "float64" or None))

# Errors JAX raises (mirrored by the C++ error tests).
z = jnp.zeros((2, 3))
g.error("reshape_size", lambda: jnp.reshape(z, (4, 2)))
g.error("reshape_two_unknown", lambda: jnp.reshape(z, (-1, -1)))
g.error("transpose_bad_axes", lambda: jnp.transpose(z, (0, 0)))
g.error("transpose_axis_range", lambda: jnp.transpose(z, (0, 2)))
g.error("swapaxes_range", lambda: jnp.swapaxes(z, 0, 3))
g.error("squeeze_not_one", lambda: jnp.squeeze(z, 0))
g.error("expand_dims_range", lambda: jnp.expand_dims(z, 4))
g.error("concatenate_shapes", lambda: jnp.concatenate([z, jnp.zeros((2, 4))], axis=0))
g.error("concatenate_0d", lambda: jnp.concatenate([jnp.float32(1), jnp.float32(2)]))
g.error("stack_shapes", lambda: jnp.stack([z, jnp.zeros((3, 2))]))
g.error("split_unequal", lambda: jnp.split(jnp.zeros(7), 3))
g.error("split_decreasing", lambda: jnp.split(jnp.zeros(5), [3, 1]))
g.error("split_negative", lambda: jnp.split(jnp.zeros(5), [-2]))
g.error("pad_negative", lambda: jnp.pad(z, -1))
g.error("pad_pairs", lambda: jnp.pad(z, ((1, 1), (1, 1), (1, 1))))
g.error("pad_cvals_shape", lambda: jnp.pad(z, 1, constant_values=jnp.ones((3, 2))))
g.error("pad_empty_wrap", lambda: jnp.pad(jnp.zeros((0, 2)), 1, mode="wrap"))
g.error("take_raise", lambda: jnp.take(jnp.zeros(3), jnp.array([5]), mode="raise"))
g.error("take_bad_mode", lambda: jnp.take(jnp.zeros(3), jnp.array([1]), mode="bogus"))
g.error("take_along_axis_wrap", lambda: jnp.take_along_axis(z, jnp.zeros((2, 1), jnp.int32), axis=1, mode="wrap"))
g.error("take_along_axis_rank", lambda: jnp.take_along_axis(z, jnp.zeros(3, jnp.int32), axis=1))
g.error("rot90_axes", lambda: jnp.rot90(z, 1, (0, 0)))
g.error("fliplr_1d", lambda: jnp.fliplr(jnp.zeros(3)))
g.error("repeat_length", lambda: jnp.repeat(jnp.zeros(3), jnp.array([1, 2])))
g.error("moveaxis_len", lambda: jnp.moveaxis(z, (0, 1), (0,)))

g.save()
