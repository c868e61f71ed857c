"""Golden data for xjax::numpy's linear algebra (tests/test_np_linalg.cpp): matmul, dot,
vdot, inner, outer, tensordot, einsum (and einsum_path), trace, kron, cross and
linalg.norm, from jax.numpy 0.10.2.

Each case name encodes the function and its arguments, so that the C++ test replays it:

    <fn>;<key>=<value>;...;<tag>

Keys (tuples are comma-separated integers):
    pet: preferred_element_type          sb: a Python float closed over as the second operand
    first: vdot's first operand is x[:1, :1] (a slice of the input, so that sizes agree with a scalar)
    precision: highest / high (jax.lax.Precision, for matmul, dot, vdot, inner, tensordot, einsum)
    tensordot: axes (an int) or axes_a / axes_b (lists)
    einsum: spec (the subscripts; the inputs are the operands)
    einsum_path: spec; the inputs are zeros of the operand shapes (their values unused), the
        output is opt_einsum's greedy linear path, flattened as int32 pairs
    trace: offset, axis1, axis2, dtype        cross: axisa, axisb, axisc, axis
    norm: ord (none, inf, -inf, fro, or a number), axis (none or a list), keepdims (0/1)

Jaxprs are recorded under jax.disable_jit(), so that functions jax.numpy wraps in a jit
(trace, kron, cross, norm) show their inlined equations, as xjax (which has no jit)
records them. einsum runs with optimize="greedy", the contraction order xjax uses for
three operands or more (jax.numpy's default "auto" may pick another order: the values
agree, the jaxpr may not).

64-bit inputs run with jax_enable_x64. Where JAX with x64 makes a default dtype 64-bit and
xjax keeps JAX's 32-bit default (norm's ord=0 counts bools through the default int), the
values and output dtypes are the same: only the jaxpr differs, and those cases record no
jaxpr (jaxpr=False).

Errors JAX raises are checked here with g.error (not saved) and mirrored by the error
tests of the C++ suite.
"""

import jax
import jax.numpy as jnp
import numpy as np
import opt_einsum

from golden import Golden, rng

g = Golden("np_linalg")
r = rng(20261125)

SIXTY_FOUR = {"int64", "uint64", "float64"}


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def tup(v):
    return ",".join(str(int(x)) for x in v)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def name(fn, tag, **params):
    kv = ";".join(f"{k}={v}" for k, v in params.items())
    return f"{fn};{kv};{tag}" if kv else f"{fn};{tag}"


def data(dtype, shape):
    dt = np_dtype(dtype)
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith("uint"):
        return r.integers(0, 6, size=shape).astype(dt)
    if dtype.startswith("int"):
        return r.integers(-5, 6, size=shape).astype(dt)
    return r.uniform(-2, 2, size=shape).astype(dt)


def case(nm, fn, *inputs, jaxpr=True):
    with jax.disable_jit():
        g.case(nm, fn, *inputs, jaxpr=jaxpr)


def pet_of(p):
    return None if p is None else np_dtype(p)


def tag_of(dtypes, shapes):
    return "_".join(f"{d}{shape_tag(s)}" for d, s in zip(dtypes, shapes))


# --- matmul -------------------------------------------------------------------------
MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 1, 2, 3), (5, 3, 4)), ((1, 2, 3), (1, 3, 2)), ((2, 3), (4, 3, 5)), ((0, 3), (3, 4)),
                 ((2, 0), (0, 4)), ((3,), (2, 3, 4)), ((2, 3, 4), (4,)), ((3, 1, 2, 3), (1, 4, 3, 2))]
for sa, sb in MATMUL_SHAPES:
    case(name("matmul", tag_of(["float32"] * 2, [sa, sb])), jnp.matmul, data("float32", sa), data("float32", sb))
for da, db in [("int32", "int32"), ("int8", "int8"), ("bool", "bool"), ("float16", "float16"),
               ("bfloat16", "bfloat16"), ("float64", "float64"), ("float32", "int32"), ("int8", "uint8"),
               ("bfloat16", "float16"), ("bool", "float32"), ("int16", "int64"), ("float16", "float64")]:
    for sa, sb in [((2, 3), (3, 4)), ((4, 2, 3), (3,))]:
        case(name("matmul", tag_of([da, db], [sa, sb])), jnp.matmul, data(da, sa), data(db, sb))
for p, da, db in [("float32", "int8", "int8"), ("int32", "int8", "int16"), ("float32", "bfloat16", "bfloat16")]:
    sa, sb = (2, 3), (3, 4)
    case(name("matmul", tag_of([da, db], [sa, sb]), pet=p),
         lambda a, b, p=p: jnp.matmul(a, b, preferred_element_type=pet_of(p)), data(da, sa), data(db, sb))

g.error("matmul 0-d", jnp.matmul, np.float32(1), data("float32", (3,)))
g.error("matmul contracting", jnp.matmul, data("float32", (2, 3)), data("float32", (4, 5)))
g.error("matmul batch", jnp.matmul, data("float32", (2, 3, 4)), data("float32", (5, 4, 2)))

# --- dot ----------------------------------------------------------------------------
DOT_SHAPES = [((), (2, 3)), ((2, 3), ()), ((), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 3, 4), (4,)), ((2, 3, 4), (5, 4, 6)), ((4,), (2, 4, 3)), ((0,), (0,)), ((2, 0), (0, 3)),
              ((0, 3), (3, 2))]
for sa, sb in DOT_SHAPES:
    case(name("dot", tag_of(["float32"] * 2, [sa, sb])), jnp.dot, data("float32", sa), data("float32", sb))
for da, db in [("int32", "int32"), ("bool", "bool"), ("float16", "float16"), ("bfloat16", "bfloat16"),
               ("float64", "float64"), ("int8", "float32"), ("uint8", "int8"), ("int32", "float16"),
               ("float32", "float64"), ("uint32", "int64")]:
    for sa, sb in [((2, 3), (3, 4)), ((), (3,))]:
        case(name("dot", tag_of([da, db], [sa, sb])), jnp.dot, data(da, sa), data(db, sb))
case(name("dot", "int8_2x3_int8_3", pet="int32"), lambda a, b: jnp.dot(a, b, preferred_element_type=jnp.int32),
     data("int8", (2, 3)), data("int8", (3,)))
for dt in ["float32", "float16", "int32"]:
    case(name("dot", f"{dt}2x3", sb="2.5"), lambda a: jnp.dot(a, 2.5), data(dt, (2, 3)))
g.error("dot aligned", jnp.dot, data("float32", (2, 3)), data("float32", (4, 5)))
g.error("dot aligned 1d", jnp.dot, data("float32", (3,)), data("float32", (4,)))

# --- vdot, inner, outer -------------------------------------------------------------
for (sa, sb), (da, db) in [(((2, 3), (6,)), ("float32", "float32")), (((), ()), ("float32", "float32")),
                           (((3,), (3,)), ("int32", "int32")), (((0,), (0, 2)), ("float32", "float32")),
                           (((2, 2), (4,)), ("bool", "bool")), (((2, 3), (3, 2)), ("float16", "bfloat16")),
                           (((4,), (2, 2)), ("float64", "int8")), (((3,), (3,)), ("int8", "uint8"))]:
    case(name("vdot", tag_of([da, db], [sa, sb])), jnp.vdot, data(da, sa), data(db, sb))
g.error("vdot sizes", jnp.vdot, data("float32", (2, 3)), data("float32", (5,)))

for (sa, sb), (da, db) in [(((2, 3), (4, 3)), ("float32", "float32")), (((), (2, 3)), ("float32", "float32")),
                           (((2, 3), ()), ("int32", "float32")), (((3,), (3,)), ("int32", "int32")),
                           (((2, 3, 4), (4,)), ("float16", "float16")), (((2, 3, 4), (5, 4)), ("bfloat16", "float32")),
                           (((0, 3), (2, 3)), ("float32", "float32")), (((2, 0), (3, 0)), ("float32", "float32")),
                           (((2, 3), (4, 3)), ("bool", "bool")), (((2, 3), (2, 3)), ("float64", "int32"))]:
    case(name("inner", tag_of([da, db], [sa, sb])), jnp.inner, data(da, sa), data(db, sb))
case(name("inner", "int8_2x3_int8_4x3", pet="float32"),
     lambda a, b: jnp.inner(a, b, preferred_element_type=jnp.float32), data("int8", (2, 3)), data("int8", (4, 3)))
case(name("inner", "int8scalar_int8_3", pet="int32"),
     lambda a, b: jnp.inner(a, b, preferred_element_type=jnp.int32), data("int8", ()), data("int8", (3,)))
g.error("inner aligned", jnp.inner, data("float32", (2, 3)), data("float32", (2, 4)))

for (sa, sb), (da, db) in [(((3,), (4,)), ("float32", "float32")), (((2, 3), (2,)), ("float32", "int32")),
                           (((), (3,)), ("int32", "int32")), (((0,), (3,)), ("float32", "float32")),
                           (((3,), (2, 2)), ("bool", "bool")), (((3,), (4,)), ("float16", "bfloat16")),
                           (((2,), (3,)), ("int8", "uint8")), (((2,), (2,)), ("float64", "float32"))]:
    case(name("outer", tag_of([da, db], [sa, sb])), jnp.outer, data(da, sa), data(db, sb))

# --- tensordot ----------------------------------------------------------------------
for axes, sa, sb, da, db in [(2, (2, 3, 4), (3, 4, 5), "float32", "float32"),
                             (1, (2, 3), (3, 4), "float32", "float32"),
                             (0, (2, 3), (4,), "float32", "int32"),
                             (0, (), (), "int32", "int32"),
                             (-1, (2, 3), (3,), "float32", "float32"),
                             (3, (2, 3, 4), (2, 3, 4), "float16", "float16"),
                             (1, (2, 0), (0, 3), "float32", "float32"),
                             (2, (2, 3, 4), (3, 4), "bfloat16", "int8"),
                             (1, (3,), (3,), "bool", "bool"),
                             (1, (2, 3), (3,), "float64", "float64")]:
    case(name("tensordot", tag_of([da, db], [sa, sb]), axes=axes),
         lambda a, b, axes=axes: jnp.tensordot(a, b, axes), data(da, sa), data(db, sb))
for (aa, ab), sa, sb, da, db in [(([1, 2], [0, 1]), (2, 3, 4), (3, 4, 5), "float32", "float32"),
                                 (([0, 2], [2, 0]), (3, 2, 4), (4, 5, 3), "float32", "float32"),
                                 (([-1], [0]), (2, 3), (3, 4), "int32", "float32"),
                                 (([0], [-1]), (3, 2), (4, 3), "float16", "float16"),
                                 (([], []), (2,), (3,), "float32", "float32"),
                                 (([1, 0], [0, 1]), (3, 3), (3, 3), "int8", "int8")]:
    case(name("tensordot", tag_of([da, db], [sa, sb]), axes_a=tup(aa), axes_b=tup(ab)),
         lambda a, b, aa=aa, ab=ab: jnp.tensordot(a, b, (aa, ab)), data(da, sa), data(db, sb))
case(name("tensordot", "int8_2x3_int8_3x4", axes=1, pet="int32"),
     lambda a, b: jnp.tensordot(a, b, 1, preferred_element_type=jnp.int32), data("int8", (2, 3)), data("int8", (3, 4)))
g.error("tensordot axes", lambda a, b: jnp.tensordot(a, b, 3), data("float32", (2, 3)), data("float32", (3, 4)))
g.error("tensordot lists", lambda a, b: jnp.tensordot(a, b, ([0, 1], [0])), data("float32", (2, 3)),
        data("float32", (2, 3)))
g.error("tensordot mismatch", lambda a, b: jnp.tensordot(a, b, ([0], [0])), data("float32", (2, 3)),
        data("float32", (3, 3)))

# --- einsum -------------------------------------------------------------------------
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ij->ji", [(2, 3)]),
    ("ji", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("i->", [(4,)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,i", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,j", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bij,bjk->bki", [(2, 3, 4), (2, 4, 5)]),
    ("ijk,jlk->il", [(2, 3, 5), (3, 4, 5)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("ij,ji->", [(2, 3), (3, 2)]),
    ("ij,k->ijk", [(2, 3), (2,)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ii,i->i", [(3, 3), (3,)]),
    ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
    ("ij,jj->i", [(2, 3), (3, 3)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (5, 3, 4)]),
    ("...ij,...jk", [(5, 2, 3), (3, 4)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("i...->...", [(3, 2, 4)]),
    ("...,...->...", [(2, 3), (3,)]),
    ("ij...,jk...->ik...", [(2, 3, 1), (3, 4, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,k->i", [(2, 3), (3, 100), (100,)]),
    ("ea,fb,abcd,gc,hd->efgh", [(2, 3), (2, 4), (3, 4, 2, 3), (3, 2), (2, 3)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 5), (5, 2)]),
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("ij,ij,jk->ik", [(2, 3), (2, 3), (3, 4)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("abc,cd,da->b", [(2, 3, 4), (4, 5), (5, 2)]),
    ("ab,ab,ab->ab", [(2, 3), (2, 3), (2, 3)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ij,jk->ik", [(0, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 0), (0, 4)]),
    ("ij,j->", [(1, 3), (3,)]),
    ("i,i->i", [(1,), (4,)]),
    ("->", [()]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
]
for k, (spec, shapes) in enumerate(EINSUM):
    dts = ["float32"] * len(shapes)
    case(name("einsum", f"n{k}_" + tag_of(dts, shapes), spec=spec.replace(" ", "_")),
         lambda *xs, spec=spec: jnp.einsum(spec, *xs, optimize="greedy"), *[data(d, s) for d, s in zip(dts, shapes)])
for spec, shapes, dts in [("ij,jk->ik", [(2, 3), (3, 4)], ["int32", "int32"]),
                          ("ij,jk->ik", [(2, 3), (3, 4)], ["int8", "float32"]),
                          ("ij,jk->ik", [(2, 3), (3, 4)], ["bool", "bool"]),
                          ("ij,jk->ik", [(2, 3), (3, 4)], ["float16", "bfloat16"]),
                          ("ij,jk->ik", [(2, 3), (3, 4)], ["float64", "float64"]),
                          ("ij,jk->ik", [(2, 3), (3, 4)], ["float16", "float16"]),
                          ("ii->", [(3, 3)], ["bool"]),
                          ("ij->i", [(2, 3)], ["int8"]),
                          ("ii,i->", [(3, 3), (3,)], ["int8", "float32"]),
                          ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)], ["int32", "float16", "bfloat16"]),
                          ("i,i,i->", [(4,), (4,), (4,)], ["uint8", "int8", "int16"]),
                          ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], ["float64", "int32"])]:
    case(name("einsum", tag_of(dts, shapes), spec=spec),
         lambda *xs, spec=spec: jnp.einsum(spec, *xs, optimize="greedy"), *[data(d, s) for d, s in zip(dts, shapes)])
case(name("einsum", "int8_2x3_int8_3x4", spec="ij,jk->ik", pet="int32"),
     lambda a, b: jnp.einsum("ij,jk->ik", a, b, preferred_element_type=jnp.int32), data("int8", (2, 3)),
     data("int8", (3, 4)))
case(name("einsum", "int8_3x3", spec="ii->i", pet="float32"),
     lambda a: jnp.einsum("ii->i", a, preferred_element_type=jnp.float32), data("int8", (3, 3)))

# opt_einsum's greedy path for larger networks, compared with xjax's einsum_path.
PATHS = [
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl->il", [(20, 3), (3, 40), (40, 5)]),
    ("ea,fb,abcd,gc,hd->efgh", [(10, 10), (10, 10), (10, 10, 10, 10), (10, 10), (10, 10)]),
    ("ab,bc,cd,de,ef->af", [(5, 30), (30, 2), (2, 40), (40, 3), (3, 7)]),
    ("abc,bcd,cde,def,efg->ag", [(2, 3, 4), (3, 4, 5), (4, 5, 6), (5, 6, 7), (6, 7, 8)]),
    ("i,j,k,l->ijkl", [(2,), (5,), (3,), (4,)]),
    ("ab,ab,bc,cd,cd->ad", [(3, 4), (3, 4), (4, 5), (5, 6), (5, 6)]),
    ("ij,k,jl,lk,m->im", [(3, 4), (5,), (4, 6), (6, 5), (7,)]),
    ("abcd,dcba,aefb,gfec->g", [(2, 3, 4, 5), (5, 4, 3, 2), (2, 6, 7, 3), (8, 7, 6, 4)]),
    ("ij,jk,ki,il->l", [(4, 5), (5, 6), (6, 4), (4, 3)]),
]
for k, (spec, shapes) in enumerate(PATHS):
    path, _ = opt_einsum.contract_path(spec, *shapes, shapes=True, optimize="greedy")
    flat = np.array([i for step in path for i in step], dtype=np.int32)
    g.case(name("einsum_path", f"p{k}", spec=spec), lambda *xs, flat=flat: flat,
           *[np.zeros(s, np.float32) for s in shapes], jaxpr=False)

# NumPy rejects subscripts other than letters; opt_einsum (hence jax.numpy) takes any character
# as an index ("i$->i" works there). xjax rejects them, as NumPy (tested in C++ only).
g.error("einsum operands", lambda a: jnp.einsum("ij,jk->ik", a), data("float32", (2, 3)))
g.error("einsum sizes", lambda a, b: jnp.einsum("ij,jk->ik", a, b), data("float32", (2, 3)), data("float32", (4, 5)))
g.error("einsum output missing", lambda a: jnp.einsum("ij->k", a), data("float32", (2, 3)))
g.error("einsum output repeated", lambda a: jnp.einsum("ij->ii", a), data("float32", (2, 2)))
g.error("einsum rank", lambda a: jnp.einsum("ijk->i", a), data("float32", (2, 3)))
g.error("einsum arrows", lambda a: jnp.einsum("i->->i", a), data("float32", (2,)))

# --- precision (kept on dot_general, printed as JAX prints it) ------------------------
PREC = {"highest": jax.lax.Precision.HIGHEST, "high": jax.lax.Precision.HIGH}
for fn, f, sa, sb in [("matmul", jnp.matmul, (2, 3), (3, 4)), ("dot", jnp.dot, (2, 3), (3,)),
                      ("vdot", jnp.vdot, (2, 3), (6,)), ("inner", jnp.inner, (2, 3), (4, 3)),
                      ("tensordot", lambda a, b, precision: jnp.tensordot(a, b, 1, precision=precision), (2, 3), (3, 4)),
                      ("einsum", lambda a, b, precision: jnp.einsum("ij,jk->ik", a, b, precision=precision),
                       (2, 3), (3, 4))]:
    for pname, pv in PREC.items():
        params = dict(precision=pname)
        if fn == "tensordot":
            params["axes"] = 1
        if fn == "einsum":
            params["spec"] = "ij,jk->ik"
        case(name(fn, tag_of(["float32", "float32"], [sa, sb]), **params),
             lambda a, b, f=f, pv=pv: f(a, b, precision=pv), data("float32", sa), data("float32", sb))

# --- Python scalars (C++ scalars in xjax: weakly typed 0-d operands, staged as literals) ---
for fn, f in [("einsum", lambda a: jnp.einsum("ij,->ij", a, 2.5)), ("inner", lambda a: jnp.inner(a, 2.5)),
              ("outer", lambda a: jnp.outer(a, 2.5)), ("kron", lambda a: jnp.kron(a, 2.5)),
              ("vdot", lambda a: jnp.vdot(a[:1, :1], 2.5)), ("tensordot", lambda a: jnp.tensordot(a, 2.5, 0))]:
    for dt in ["float32", "float16", "int32"]:
        params = dict(sb="2.5")
        if fn == "einsum":
            params["spec"] = "ij,->ij"
        if fn == "tensordot":
            params["axes"] = 0
        if fn == "vdot":
            params["first"] = 1
        case(name(fn, f"{dt}2x3", **params), f, data(dt, (2, 3)))

# --- trace --------------------------------------------------------------------------
for sh, dt, offset, a1, a2, out_dt in [((3, 3), "float32", 0, 0, 1, None), ((2, 3), "float32", 1, 0, 1, None),
                                       ((2, 3), "float32", -1, 0, 1, None), ((3, 2), "int32", 5, 0, 1, None),
                                       ((2, 3, 4), "float32", 0, 2, 0, None), ((2, 3, 4), "int8", 1, -1, -3, "float32"),
                                       ((3, 3), "int8", 0, 0, 1, None), ((3, 3), "uint8", 0, 1, 0, None),
                                       ((3, 3), "bool", 0, 0, 1, None), ((0, 3), "float32", 0, 0, 1, None),
                                       ((3, 3), "float16", 0, 0, 1, None), ((3, 4), "bfloat16", -1, 0, 1, None),
                                       ((3, 3), "float64", 0, 0, 1, None), ((3, 3), "int64", 1, 0, 1, None),
                                       ((3, 3), "float32", 0, 0, 1, "float16"), ((2, 2, 2, 2), "float32", 0, 1, 3, None)]:
    params = dict(offset=offset, axis1=a1, axis2=a2)
    if out_dt:
        params["dtype"] = out_dt
    # With x64, JAX builds the eye mask from int64 iotas (its default int); xjax from int32
    # ones, as JAX without x64: same values, another jaxpr.
    case(name("trace", f"{dt}{shape_tag(sh)}", **params),
         lambda x, offset=offset, a1=a1, a2=a2, out_dt=out_dt: jnp.trace(x, offset, a1, a2, out_dt), data(dt, sh),
         jaxpr=dt not in SIXTY_FOUR)
g.error("trace same axes", lambda x: jnp.trace(x, 0, 1, -1), data("float32", (2, 2)))
g.error("trace 1d", lambda x: jnp.trace(x), data("float32", (3,)))

# --- kron ---------------------------------------------------------------------------
for (sa, sb), (da, db) in [(((2, 2), (2, 2)), ("float32", "float32")), (((3,), (2,)), ("int32", "int32")),
                           (((2, 3), (2,)), ("float32", "int32")), (((), (3,)), ("float32", "float32")),
                           (((2,), ()), ("int8", "int8")), (((), ()), ("float32", "float32")),
                           (((2, 0), (3, 2)), ("float32", "float32")), (((2, 1, 2), (2, 3)), ("float16", "bfloat16")),
                           (((2,), (3,)), ("float64", "float32"))]:
    case(name("kron", tag_of([da, db], [sa, sb])), jnp.kron, data(da, sa), data(db, sb))

g.error("kron bool", jnp.kron, data("bool", (2, 2)), data("bool", (2, 2)))  # lax.mul rejects bool

# --- cross --------------------------------------------------------------------------
for (sa, sb), (da, db), kw in [(((3,), (3,)), ("float32", "float32"), {}),
                               (((4, 3), (4, 3)), ("float32", "float32"), {}),
                               (((4, 3), (4, 2)), ("float32", "int32"), {}),
                               (((2,), (2,)), ("float32", "float32"), {}),
                               (((4, 2), (2,)), ("int32", "int32"), {}),
                               (((2,), (3,)), ("float32", "float32"), {}),
                               (((3, 4), (4, 3)), ("float32", "float32"), dict(axisa=0, axisc=0)),
                               (((2, 4), (4, 2)), ("float32", "float32"), dict(axisa=0)),
                               (((3, 5), (3, 5)), ("float32", "float32"), dict(axis=0)),
                               (((1, 3), (4, 3)), ("float32", "float32"), {}),
                               (((2, 3, 5), (5, 3)), ("float16", "float16"), dict(axisa=1, axisb=-1, axisc=1)),
                               (((0, 3), (0, 3)), ("float32", "float32"), {}),
                               (((4, 3), (4, 3)), ("int8", "uint8"), {}),
                               (((3,), (3,)), ("bfloat16", "float32"), {}),
                               (((3,), (3,)), ("float64", "float64"), {}),
                               (((2, 3), (2, 3)), ("bool", "bool"), dict(axisc=0))]:
    if dt_bool := (da == "bool"):
        # NumPy rejects bool subtraction; jax.numpy too.
        g.error("cross bool", jnp.cross, data(da, sa), data(db, sb))
        continue
    params = {k: v for k, v in kw.items()}
    case(name("cross", tag_of([da, db], [sa, sb]), **params),
         lambda a, b, kw=kw: jnp.cross(a, b, **kw), data(da, sa), data(db, sb))
g.error("cross dims", jnp.cross, data("float32", (4,)), data("float32", (4,)))

# --- linalg.norm --------------------------------------------------------------------
INF = float("inf")


def ord_str(o):
    if o is None:
        return "none"
    if o == INF:
        return "inf"
    if o == -INF:
        return "-inf"
    return str(o)


def axis_str(a):
    if a is None:
        return "none"
    return tup(a if isinstance(a, tuple) else (a,))


NORMS = [
    ((5,), None, None), ((5,), 2, None), ((5,), 1, None), ((5,), INF, None), ((5,), -INF, None), ((5,), 0, None),
    ((5,), 3, None), ((5,), 0.5, None), ((5,), -1, None), ((5,), -2, None),
    ((2, 3), None, None), ((2, 3, 4), None, None), ((), None, None), ((0,), None, None), ((0, 3), None, None),
    ((2, 3), "fro", None), ((2, 3), 1, None), ((2, 3), -1, None), ((2, 3), INF, None), ((2, 3), -INF, None),
    ((2, 3), None, 1), ((2, 3), 2, 0), ((2, 3), 1, -1), ((2, 3), INF, 0), ((2, 3), 3, 1), ((2, 3), 0, 1),
    ((2, 3, 4), "fro", (0, 2)), ((2, 3, 4), 1, (2, 0)), ((2, 3, 4), INF, (1, 2)), ((2, 3, 4), -1, (0, 1)),
    ((2, 3, 4), -INF, (-1, -3)), ((2, 3, 4), "fro", (-1, 0)), ((2, 3, 4), None, (1,)),
    ((0, 3), 1, None), ((0, 3), INF, None), ((3, 0), "fro", None), ((0,), INF, None), ((0,), 1, None),
]
for k, (sh, o, ax) in enumerate(NORMS):
    for keepdims in ([False, True] if ax is not None or o is not None else [False, True]):
        for dt in (["float32", "float16", "int32"] if k % 3 == 0 else ["float32"]):
            kw = dict(ord=o, axis=ax, keepdims=keepdims)
            nm = name("norm", f"n{k}_{dt}{shape_tag(sh)}", ord=ord_str(o), axis=axis_str(ax), keepdims=int(keepdims))
            case(nm, lambda x, kw=kw: jnp.linalg.norm(x, **kw), data(dt, sh))
for dt in ["bfloat16", "float64", "int8", "bool", "uint8"]:
    for o, ax in [(None, None), (1, None), (0, 1), (INF, (0, 1)), (3, 0)]:
        sh = (3, 4)
        kw = dict(ord=o, axis=ax, keepdims=False)
        nm = name("norm", f"{dt}{shape_tag(sh)}", ord=ord_str(o), axis=axis_str(ax), keepdims=0)
        # ord=0 counts through the default int: int64 with x64 (jaxpr differs), int32 in xjax.
        case(nm, lambda x, kw=kw: jnp.linalg.norm(x, **kw), data(dt, sh), jaxpr=not (o == 0 and dt == "float64"))
g.error("norm axes", lambda x: jnp.linalg.norm(x, 1, (0, 1, 2)), data("float32", (2, 3, 4)))
g.error("norm rank", lambda x: jnp.linalg.norm(x, 1), data("float32", (2, 3, 4)))
g.error("norm vector ord", lambda x: jnp.linalg.norm(x, "fro", 0), data("float32", (2, 3)))
g.error("norm matrix ord", lambda x: jnp.linalg.norm(x, 3), data("float32", (2, 3)))
g.error("norm empty min", lambda x: jnp.linalg.norm(x, -INF), data("float32", (0,)))

g.save()
