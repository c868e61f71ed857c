"""Golden data for xjax::numpy indexing (tests/test_np_indexing.cpp): x[idx] and
x.at[idx].set/add/multiply/min/max/get, as jax.numpy 0.10.2 computes them.

Case names: <op>;idx=<spec>[;mode=<clip|fill>][;fill=<value>];<tag>
  op: get (x[idx]), set, add, multiply, min, max (x.at[idx].<op>(u)), getmode
      (x.at[idx].get(mode=..., fill_value=...)).
  spec: index entries separated by '|':
      an integer; s<start>:<stop>:<step> (empty parts: None); N (None); E (Ellipsis);
      A<k>: inputs[k], an integer array (traced under make_jaxpr, as in the C++ test);
      M<k>: inputs[k], a boolean mask or integer array closed over as a constant.
Inputs: x, then the referenced arrays, then (for at-ops) the update u (traced).
"""

import jax
import jax.numpy as jnp
import numpy as np

from golden import Golden, rng

g = Golden("np_indexing")
r = rng(7)


def parse(spec, ins):
    """The index tuple of spec; `ins` are the fn's inputs (traced or concrete)."""
    out = []
    for t in spec.split("|"):
        if t == "N":
            out.append(None)
        elif t == "E":
            out.append(Ellipsis)
        elif t[0] == "s":
            a, b, c = (t[1:].split(":") + ["", ""])[:3]
            f = lambda v: None if v == "" else int(v)
            out.append(slice(f(a), f(b), f(c)))
        elif t[0] in "AM":
            out.append(ins[int(t[1:])])
        else:
            out.append(int(t))
    return tuple(out)


def case(op, spec, x, *arrays, upd=None, mode=None, fill=None, tag=""):
    """Records one case; arrays are the A/M inputs in order (k = 1, 2, ...)."""
    consts = {k + 1: a for k, a in enumerate(arrays) if f"M{k + 1}" in spec.split("|")}
    name = f"{op};idx={spec}" + (f";mode={mode}" if mode else "") + (f";fill={fill}" if fill is not None else "") + f";{tag}"
    inputs = [x, *arrays] + ([upd] if upd is not None else [])

    def fn(*ins):
        full = [jnp.asarray(a) for a in ins]
        for k, a in consts.items():
            full[k] = a  # closed over: concrete
        idx = parse(spec, full)
        if op == "get":
            return full[0][idx]
        ref = full[0].at[idx]
        if op == "getmode":
            return ref.get(mode=mode, fill_value=fill)
        return getattr(ref, op)(full[-1], mode=mode)

    g.case(name, fn, *inputs)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32).round(2)


def i32(*v):
    return np.array(v, dtype=np.int32)


x34 = np.arange(12, dtype=np.float32).reshape(3, 4)
x234 = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
x2345 = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)
x0d = np.array(5.0, np.float32)
x_empty = np.zeros((0, 3), np.float32)

# --- basic: integers, slices, newaxis, ellipsis
for spec in ["1", "-1", "0|2", "-1|-4", "s1:3:", "s::-1", "s::2", "s1::-2", "s-2::", "s:-1:", "s5:1:-1",
             "s::|1", "1|s1:3:", "s3:1:", "N", "N|1", "1|N", "E|0", "0|E", "E", "E|N", "N|E|N",
             "s::-1|N|E", "-1|s1:3:", "s::3|s::-2", "7", "-9", "1|9", "s10:20:", "s-100:100:"]:
    case("get", spec, x34, tag="f32_3x4")
for spec in ["1|E|2", "E|s1:3:|0", "0|N|s::-1|E", "s::|s::|s::|s::", "1|2|3|4", "N|1|N|E|N|-1"]:
    case("get", spec, x2345, tag="f32_2x3x4x5")
case("get", "E", x0d, tag="f32_0d")
case("get", "N", x0d, tag="f32_0d")
case("get", "E|N", x0d, tag="f32_0d_b")
case("get", "s::", x_empty, tag="f32_0x3")
case("get", "s::|1", x_empty, tag="f32_0x3")
case("get", "s1:1:", x34, tag="f32_3x4_empty")

# --- traced scalar indices (dynamic_slice)
for spec in ["A1", "A1|2", "s::|A1", "A1|s1:3:", "A1|N", "-1|A1"]:
    for v in [1, -1, 5, -7]:
        case("get", spec, x34, np.array(v, np.int32), tag=f"f32_3x4_i{v}")
case("get", "A1|A2", x34, np.array(2, np.int32), np.array(-1, np.int32), tag="f32_3x4")
case("get", "A1", x34, np.array(1, np.int8), tag="f32_3x4_i8")
case("get", "A1", x34, np.array(2, np.uint32), tag="f32_3x4_u32")

# --- advanced integer arrays
idx3 = i32(0, 2, -1)
idx_oob = i32(0, 5, -7, 2)
idx22 = i32(0, 1, 2, 0).reshape(2, 2)
for spec, arrs in [("A1", [idx3]), ("A1", [idx_oob]), ("A1", [idx22]), ("s::|A1", [idx3]),
                   ("A1|A2", [idx3, i32(3, 0, 1)]), ("A1|A2", [idx22, i32(1, 3)]), ("A1|1", [idx3]),
                   ("1|A1", [idx3]), ("A1|s1:3:", [idx3]), ("s::-1|A1", [idx3]), ("A1|N", [idx3]),
                   ("N|A1", [idx3]), ("E|A1", [idx3]), ("A1|E", [idx3]), ("A1|s::2", [idx3]),
                   ("A1", [np.zeros((0,), np.int32)]), ("A1|A2", [i32(1), i32(0, 1, 2)])]:
    case("get", spec, x34, *arrs, tag="f32_3x4_" + "_".join("x".join(map(str, a.shape)) for a in arrs))
for spec, arrs in [("s::|0|s::|A1", [i32(1, 2)]), ("s::|A1|N|A2", [i32(0, 1), i32(1, 2)]),
                   ("A1|s::|A2", [i32(1, 0), i32(1, 2)]), ("s::|A1|A2", [idx22, i32(0, 4)]),
                   ("E|A1|A2", [i32(0, 3), idx22.T.copy()]), ("A1|E|A2", [i32(0, 1), i32(4, 0)]),
                   ("0|A1|s::2", [i32(2, 1, 0)]), ("A1|2|A2", [i32(1, 0), i32(3, 3)])]:
    case("get", spec, x2345, *arrs, tag="f32_2x3x4x5_" + "_".join("x".join(map(str, a.shape)) for a in arrs))
case("get", "A1", x234, np.array([1, 0], np.int64), tag="i32_2x3x4_i64idx")
case("get", "A1", np.arange(5, dtype=np.float64), np.array([4, -5, 9], np.int64), tag="f64_i64idx")
case("get", "A1", np.arange(5, dtype=np.uint8), np.array([4, 0], np.uint8), tag="u8_u8idx")
case("get", "A1", np.array([True, False, True]), i32(2, 2, 0), tag="bool")
case("get", "A1", x_empty, np.zeros((0,), np.int32), tag="f32_0x3_empty_idx")

# --- boolean masks (concrete)
m3 = np.array([True, False, True])
m34 = x34 > 5
case("get", "M1", x34, m3, tag="f32_3x4_mask3")
case("get", "M1", x34, m34, tag="f32_3x4_mask3x4")
case("get", "s::|M1", x34, np.array([False, True, True, False]), tag="f32_3x4_mask4")
case("get", "M1|1", x34, m3, tag="f32_3x4_mask3_int")
case("get", "M1|N", x34, m3, tag="f32_3x4_mask3_newaxis")
case("get", "M1", x34, np.zeros((3,), bool), tag="f32_3x4_mask_none")
case("get", "M1", x234, np.array([[True, False, True], [False, False, True]]), tag="i32_2x3x4_mask2x3")
case("get", "E|M1", x234, np.array([True, False, False, True]), tag="i32_2x3x4_mask_last")
case("get", "M1", x234, np.array([True, True]), tag="i32_2x3x4_mask_all")

# --- boolean scalars (x[True] adds a dimension of size 1, x[False] one of size 0)
case("get", "M1", x34, np.array(True), tag="f32_3x4_true")
case("get", "M1", x34, np.array(False), tag="f32_3x4_false")
case("get", "1|M1", x34, np.array(True), tag="f32_3x4_int_true")
case("get", "M1|s::-1|M2", x34, np.array(False), np.array(True), tag="f32_3x4_false_rev_true")
case("get", "M1|A2", x34, np.array(True), i32(2, 0), tag="f32_3x4_true_idx")
case("set", "M1", x34, np.array(True), upd=np.array(-1.0, np.float32), tag="f32_3x4_true")
case("add", "0|M1", x34, np.array(False), upd=np.array(5.0, np.float32), tag="f32_3x4_false")

# --- get with modes
case("getmode", "A1", x34, idx_oob, mode="fill", tag="f32_fill_nan")
case("getmode", "A1", x34, idx_oob, mode="fill", fill=-1.0, tag="f32_fill_m1")
case("getmode", "A1", x234, i32(0, 3, -3), mode="fill", tag="i32_fill")
case("getmode", "A1", x234, i32(0, 3, -3), mode="fill", fill=7, tag="i32_fill_7")
case("getmode", "A1", x34, idx_oob, mode="clip", tag="f32_clip")
case("getmode", "s::|A1", x34, i32(-1, 4, 3), mode="fill", tag="f32_fill_cols")

# --- functional updates
u_row = np.array([10, 20, 30, 40], np.float32)
for op in ["set", "add", "multiply", "min", "max"]:
    case(op, "1", x34, upd=np.array(100.0, np.float32), tag="f32_row_scalar")
    case(op, "s::|1", x34, upd=np.array([7, -7, 100], np.float32), tag="f32_col")
    case(op, "A1", x34, i32(0, 2, 0), upd=u_row, tag="f32_dup_rows")
    case(op, "A1|A2", x34, i32(0, 2, 0, 1), i32(1, 3, 1, 9), upd=np.array([5, 6, 7, 8], np.float32),
         tag="f32_dup_points_oob")
    case(op, "A1", x234, i32(1, 1, -1, 7, -9), upd=np.array(3, np.int32), tag="i32_dup_oob")
    case(op, "s::-1|N|E", x34, upd=f32(3, 1, 4), tag="f32_rev_newaxis")
    case(op, "M1", x34, m34, upd=np.array(-1.0, np.float32), tag="f32_mask")
    case(op, "E|A1", x2345, i32(4, 0), upd=f32(2, 3, 4, 2), tag="f32_4d")
    case(op, "5", x34, upd=np.array(1.0, np.float32), tag="f32_static_oob")
    case(op, "-4", x34, upd=np.array(1.0, np.float32), tag="f32_static_oob_neg")
many = r.integers(-12, 12, 50).astype(np.int32)  # repeated, negative and out-of-bound indices
for op in ["set", "add", "multiply", "min", "max"]:
    case(op, "A1", np.linspace(-2, 2, 10).astype(np.float32), many, upd=(1 + f32(50) / 8).astype(np.float32),
         tag="f32_many_dups")
    case(op, "A1", r.integers(-5, 5, 10).astype(np.int32), many, upd=r.integers(-3, 4, 50).astype(np.int32),
         tag="i32_many_dups")
    case(op, "A1|A2", np.arange(12, dtype=np.float32).reshape(3, 4), i32(0, 2, 0, 2, 1), i32(1, 1, 1, 1, 3),
         upd=np.array([2, np.nan, 3, -1, 5], np.float32), tag="f32_dups_nan")
case("set", "A1", np.arange(4, dtype=np.int32), i32(1, 2), upd=np.array([2.7, -3.9], np.float32), tag="i32_from_f32")
case("add", "A1", np.arange(4, dtype=np.float16), i32(1, 1), upd=np.array(1.5, np.float32), tag="f16_from_f32")
case("set", "A1", np.arange(4, dtype=np.float32), i32(1, 2), upd=np.array([True, False]), tag="f32_from_bool")
case("set", "E", x0d, upd=np.array(2.0, np.float32), tag="f32_0d")
case("add", "A1", x34, np.zeros((0,), np.int32), upd=np.zeros((0, 4), np.float32), tag="f32_empty_idx")
case("set", "A1", x34, idx_oob, upd=np.array(-1.0, np.float32), mode="clip", tag="f32_clip")
case("add", "A1", x34, idx_oob, upd=np.array(1.0, np.float32), mode="clip", tag="f32_clip")
case("set", "A1", np.arange(6, dtype=np.int64), np.array([0, 5, 7], np.int64), upd=np.array([9, 8, 7], np.int64),
     tag="i64")

# --- errors JAX raises (mirrored by the C++ error tests)
xj = jnp.asarray(x34)
g.error("too_many", lambda x: x[0, 0, 0], x34)
g.error("too_many_ellipsis", lambda x: x[..., 0, ...], x34)
g.error("float_index", lambda x: x[jnp.array([1.0])], x34)
g.error("traced_mask", lambda x: jax.jit(lambda x, m: x[m])(x, x > 3), x34)
g.error("mask_shape", lambda x: x[np.array([True, False])], x34)
g.error("empty_axis_int", lambda x: x[0], x_empty)
g.error("set_bad_shape", lambda x: x.at[0].set(jnp.ones(3)), x34)

g.save()
