"""Golden data for the jaxpr printer (tests/test_printer.cpp) and for printing and
converting arrays (tests/test_array.cpp): data/printer.txt.

The file uses golden.py's block format. Case names say what a block holds:

  jaxpr/<name>   a program written with jax.lax (test_printer.cpp writes the same one
                 with xjax::lax): `in` the leaves of its arguments, `out` the leaves of
                 its result (computed with jax.jit), and the text of
                 str(jax.make_jaxpr(f)(*args)). Arguments and results may be pytrees.
  str/<name>     one `in` array; the text block holds str(jax.numpy.asarray(x)), i.e.
                 NumPy's str().
  repr/<name>    no `in`: the text block holds repr(jax.numpy.asarray(x)) of the array
                 of str/<name>.
  repr_weak/<name>  one 0-d `in` x; the text block holds repr() of the weakly typed
                 array JAX makes of the Python scalar x.item().
  convert/<name> `in` float32 values, `out` the same values as NumPy converts them to
                 float16 and to ml_dtypes.bfloat16 (round to nearest even).

(The text block of str/ and repr/ cases is stored under the `jaxpr <n>` tag, so that
tests/support/golden.hpp reads every block of the file.)

Run through tests/golden/generate.py.
"""

import dataclasses
import os
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
from jax import lax
from jax._src import core as jax_core
from jax.extend.core import Primitive

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import Golden, _line  # noqa: E402

jax.config.update("jax_platforms", "cpu")
jax.config.update("jax_pprint_use_color", False)

bf16 = ml_dtypes.bfloat16
f32 = np.float32


class PrinterGolden(Golden):
    def _block(self, name, ins, outs, text):
        if name in self.names:
            raise ValueError(f"duplicate case {name}")
        self.names.add(name)
        lines = [f"case {name}"]
        lines += [_line("in", x) for x in ins]
        lines += [_line("out", o) for o in outs]
        tl = text.split("\n") if text else []
        lines.append(f"jaxpr {len(tl)}")
        lines += tl
        lines.append("end")
        self.blocks.append("\n".join(lines))

    def program(self, name, fn, *args, x64=False, run=True):
        """A jax.lax program over pytree arguments; records leaves, results and jaxpr."""
        with jax.enable_x64(x64):
            text = str(jax.make_jaxpr(fn)(*args))
            outs = jax.tree_util.tree_leaves(jax.jit(fn)(*args)) if run else []
        ins = [np.asarray(x) for x in jax.tree_util.tree_leaves(args)]
        self._block("jaxpr/" + name, ins, [np.asarray(o) for o in outs], text)

    def text(self, name, x):
        """str/<name> holds x and its str(); repr/<name> its repr() (its input is str/<name>'s)."""
        x = np.asarray(x)
        with jax.enable_x64(x.dtype.itemsize == 8):
            self._block(f"str/{name}", [x], [], str(jnp.asarray(x)))
            self._block(f"repr/{name}", [], [], repr(jnp.asarray(x)))

    def weak_repr(self, name, x):
        """repr() of the weakly typed 0-d array JAX makes of the Python scalar x.item()."""
        x = np.asarray(x)
        self._block(f"repr_weak/{name}", [x], [], repr(jnp.asarray(x.item())))


g = PrinterGolden("printer")

# ---------------------------------------------------------------------------
# A test-only primitive whose params print as given (tests/test_printer.cpp defines the
# same one): it checks the layout of params (short ones inline, long ones one per line,
# multi-line values), of equations with no inputs or no outputs, and of long lists.


class Raw:
    """A param value that prints as the given text."""

    def __init__(self, s):
        self.s = s

    def __str__(self):
        return self.s

    __repr__ = __str__


test_p = Primitive("test_params")
test_p.multiple_results = True
test_p.def_abstract_eval(lambda *avals, out_shapes, **_: [jax_core.ShapedArray(s, np.float32) for s in out_shapes.s])


class Shapes(Raw):
    def __init__(self, shapes):
        super().__init__(str(list(shapes)))
        self.s = shapes

    def __str__(self):
        return str(list(self.s))


def tp(*xs, out_shapes, **params):
    return test_p.bind(*xs, out_shapes=Shapes(out_shapes), **{k: Raw(v) for k, v in params.items()})


GATHER_DNUMS = ("GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), "
                "operand_batching_dims=(), start_indices_batching_dims=())")

# ---------------------------------------------------------------------------
# jaxpr programs

r = np.random.default_rng(0)


def a32(*shape):
    return r.standard_normal(shape).astype(f32)


x3, y3, z3 = a32(3), a32(3), a32(3)
x22 = a32(2, 2)

g.program("one_eqn", lambda x: lax.exp(x), x3)
g.program("two_eqns_one_line", lambda x: lax.exp(lax.neg(x)), np.asarray(a32(), f32))
g.program("chain_multiline", lambda x: lax.exp(lax.mul(lax.add(x, 2.0), x)), x22)
g.program("identity", lambda x: x, x3)
g.program("unused_input", lambda x, y: lax.neg(y), x3, y3)


def long_chain(x, n):
    v = x
    for i in range(n):
        k = i % 4
        v = lax.neg(v) if k == 0 else lax.exp(v) if k == 1 else lax.add(v, x) if k == 2 else lax.mul(v, 0.5)
    return v


g.program("long_chain_past_z", lambda x: long_chain(x, 40), x3)
g.program("long_chain_past_zz", lambda x: long_chain(x, 720), np.asarray(0.5, f32))


def many_inputs(*xs):
    acc = xs[0]
    for v in xs[1:]:
        acc = lax.add(acc, v)
    return acc


g.program("many_inputs", many_inputs, *[a32(2) for _ in range(30)])
g.program("many_outputs", lambda x: tuple(lax.neg(x) if i % 3 == 0 else x if i % 3 == 1 else 2.5 for i in range(36)),
          x3)
g.program("many_literals_in_one_eqn", lambda x: tp(x, *([1.5] * 20), x, out_shapes=[(3,)])[0], x3, run=False)
g.program("many_outputs_of_one_eqn", lambda x: tp(x, out_shapes=[(3,)] * 24), x3, run=False)


def weak_literals(x):
    v = lax.mul(x, 2.0)
    v = lax.add(v, 1e-07)
    v = lax.mul(v, 1 / 3)
    v = lax.add(v, 1e300)
    v = lax.mul(v, -0.0)
    v = lax.add(v, float("nan"))
    v = lax.mul(v, float("-inf"))
    v = lax.add(v, 0.1)
    v = lax.mul(v, 1e16)
    v = lax.add(v, 123456789.0)
    return lax.lt(v, 1e-05)


g.program("weak_literals_f32", weak_literals, x3)
g.program("weak_literals_i32", lambda i: lax.lt(lax.mul(lax.add(i, 3), -7), 2147483647), np.array([1, 2], np.int32))

STRONG = [
    ("int8", np.int8, [-128, 7]), ("int16", np.int16, [-3]), ("int32", np.int32, [2147483647]),
    ("int64", np.int64, [-9223372036854775808]), ("uint8", np.uint8, [255]), ("uint16", np.uint16, [65535]),
    ("uint32", np.uint32, [4294967295]), ("uint64", np.uint64, [18446744073709551615]),
    ("float16", np.float16, [0.1, 65504.0, -2.5, 6e-08, 1e-05]), ("bfloat16", bf16, [0.1, 3.0e38, 1 / 3]),
    ("float32", f32, [0.1, 1 / 3, 1e-07, 1e16, -0.0, 123456789.0]),
    ("float64", np.float64, [0.1, 1 / 3, 1e-07, 1e16, 5e-324, 1.7976931348623157e308]),
]
for name, dt, vals in STRONG:
    consts = [np.asarray(v).astype(dt) for v in vals]

    def strong_literals(x, consts=consts):
        for c in consts:
            x = lax.add(x, c)
        return x

    g.program(f"strong_literals_{name}", strong_literals, np.zeros((2,), dt), x64=np.dtype(dt).itemsize == 8)
g.program("strong_literals_bool", lambda b: lax.lt(lax.lt(b, np.bool_(True)), np.bool_(False)), np.array([True, False]))
g.program("strong_nonfinite_literals",
          lambda x: lax.add(lax.mul(x, f32(np.nan)), lax.mul(x, f32(-np.inf))), x3)
g.program("literal_outputs_every_dtype",
          lambda x: (x, np.bool_(True), np.int8(-3), np.int16(300), np.int32(-7), np.int64(2**40), np.uint8(200),
                     np.uint16(60000), np.uint32(4000000000), np.uint64(2**63 + 1), np.float16(0.1), bf16(0.1),
                     f32(0.1), np.float64(0.1)),
          x3, x64=True)

c3 = np.array([1.0, 2.0, 3.0], f32)  # test_printer.cpp closes over the same values
c22 = np.array([[1.0, 2.0], [3.0, 4.0]], f32)
g.program("closure_constvars", lambda x: (lax.add(lax.mul(x, c3), c3), lax.neg(c22)), x3)
g.program("closure_only", lambda: lax.exp(c3))
g.program("no_inputs_literal_output", lambda: 2.0)


def pytree_tuple_list(t):
    x, (y, z) = t[0], t[1]
    return lax.add(x, y), [z, lax.neg(x)]


g.program("pytree_tuple_list", pytree_tuple_list, (x3, [y3, z3]))
g.program("pytree_dict", lambda d: {"sum": lax.add(d["b"], d["a"]), "x": d["b"], "lit": 1.5},
          {"b": x3, "a": y3})


@dataclasses.dataclass
class Linear:
    w: jax.Array
    b: jax.Array


jax.tree_util.register_dataclass(Linear, data_fields=["w", "b"], meta_fields=[])
g.program("pytree_struct", lambda p, x: Linear(lax.mul(p.w, 2.0), lax.add(p.b, x)), Linear(x22, y3), z3)
g.program("pytree_nested_mixed",
          lambda ps, d: ([lax.add(p.w, p.w) for p in ps], (d["k"], lax.exp(d["j"]))),
          [Linear(x22, x3), Linear(c22, c3)], {"k": y3, "j": z3})

g.program("unused_outputs", lambda x: (lax.neg(x), x)[1], x3)
g.program("unused_some_outputs_of_one_eqn", lambda x: tp(x, out_shapes=[(3,), (2,), (1,)])[1], x3, run=False)
g.program("outputs_inputs_and_literals", lambda x, y: (y, x, 2.0, x, 3), x3, y3)
g.program("weak_input", lambda x: lax.mul(x, 3.0), 2.0)

g.program("params_short", lambda x: tp(x, out_shapes=[(2,)], alpha="1", beta="(1, 2)")[0], x3, run=False)
g.program("params_long", lambda x, i: tp(x, i, out_shapes=[(2, 3)], dimension_numbers=GATHER_DNUMS,
                                         mode="GatherScatterMode.PROMISE_IN_BOUNDS", slice_sizes="(1, 3)")[0],
          a32(5, 3), np.array([[1], [2]], np.int32), run=False)
g.program("params_just_fit", lambda x: tp(x, out_shapes=[(2,)], a="x" * 10, b="y" * 19)[0], x3, run=False)
g.program("params_just_too_long", lambda x: tp(x, out_shapes=[(2,)], a="x" * 10, b="y" * 20)[0], x3, run=False)
g.program("params_multiline_value",
          lambda x: tp(x, out_shapes=[(2,)], alpha="line one\nline two, longer", beta="(1, 2)")[0], x3, run=False)
g.program("eqn_without_outputs", lambda x: (tp(x, out_shapes=[], alpha="1"), x)[1], x3, run=False)
g.program("eqn_without_inputs", lambda x: lax.add(x, tp(out_shapes=[(3,)], alpha="1")[0]), x3, run=False)
g.program("eqn_many_inputs", lambda *xs: tp(*xs, out_shapes=[(2,)])[0], *[a32(2) for _ in range(40)], run=False)
g.program("gather_params_layout",
          lambda x, i: lax.gather(x, i, lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                                                   start_index_map=(0,)),
                                  slice_sizes=(1, 3), mode=lax.GatherScatterMode.PROMISE_IN_BOUNDS),
          a32(5, 3), np.array([[1], [2]], np.int32), run=False)
g.program("dot_general_params_layout", lambda x, y: lax.dot_general(x, y, (((1,), (0,)), ((), ()))),
          a32(5, 3), a32(3, 5), run=False)

# ---------------------------------------------------------------------------
# The acceptance set: whole programs mixing the families (elementwise, structure,
# reductions, dot_general, gather), closures over constants and pytrees.

MM = (((1,), (0,)), ((), ()))
ROWS = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))


def accept_mlp(p, x):
    h = lax.dot_general(x, p.w, MM)
    h = lax.add(h, lax.broadcast_in_dim(p.b, (2, 3), (1,)))
    h = lax.max(h, 0.0)
    return lax.reduce_sum(h, (1,))


def softmax_rows(x, n, m):
    mx = lax.reduce_max(x, (1,))
    e = lax.exp(lax.sub(x, lax.broadcast_in_dim(mx, (n, m), (0,))))
    s = lax.reduce_sum(e, (1,))
    return lax.div(e, lax.broadcast_in_dim(s, (n, m), (0,)))


def accept_transpose_reshape(x):
    y = lax.transpose(x, (2, 0, 1))
    z = lax.reshape(y, (4, 6))
    w = lax.mul(z, 0.5)
    return lax.reshape(w, (24,)), z


TABLE = (np.arange(15, dtype=np.float64).reshape(5, 3) / 4 - 1).astype(f32)  # test_printer.cpp: the same


def accept_embedding_closure(idx):
    rows = lax.gather(TABLE, idx, ROWS, (1, 3), mode=lax.GatherScatterMode.PROMISE_IN_BOUNDS)
    return lax.reduce_sum(lax.tanh(rows), (0,))


def accept_batched_matmul(a, b):
    c = lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,))))
    return lax.reduce_max(c, (2,))


def accept_layernorm(d):
    x, gamma = d["x"], d["gamma"]
    mean = lax.div(lax.reduce_sum(x, (1,)), 4.0)
    xc = lax.sub(x, lax.broadcast_in_dim(mean, (3, 4), (0,)))
    var = lax.div(lax.reduce_sum(lax.mul(xc, xc), (1,)), 4.0)
    inv = lax.rsqrt(lax.add(var, 1e-05))
    y = lax.mul(xc, lax.broadcast_in_dim(inv, (3, 4), (0,)))
    return lax.mul(y, lax.broadcast_in_dim(gamma, (3, 4), (1,)))


def accept_attention(q, k, v):
    s = lax.dot_general(q, k, (((1,), (1,)), ((), ())))
    s = lax.mul(s, 0.35355339059327373)
    return lax.dot_general(softmax_rows(s, 4, 6), v, MM)


def accept_mse_struct(p, x, y):
    pred = lax.add(lax.dot_general(x, p.w, MM), lax.broadcast_in_dim(p.b, (5, 1), (1,)))
    d = lax.sub(pred, y)
    loss = lax.div(lax.reduce_sum(lax.mul(d, d), (0, 1)), 5.0)
    return {"loss": loss, "pred": pred}


W32 = (np.arange(6, dtype=np.float64).reshape(3, 2) - 2.5).astype(f32)  # test_printer.cpp: the same


def accept_list_closure(xs):
    s = lax.add(lax.add(xs[0], xs[1]), xs[2])
    out = lax.dot_general(s, W32, MM)
    return lax.transpose(out, (1, 0)), [xs[2], xs[0]]


def accept_gather_clip(x, idx):
    g = lax.gather(x, idx, ROWS, (1, 4), mode=lax.GatherScatterMode.CLIP)
    m = lax.reduce_max(g, (0,))
    return lax.transpose(lax.reshape(g, (4, 3)), (1, 0)), m


def accept_int_convert(x):
    i = lax.convert_element_type(lax.mul(x, 10.0), np.int32)
    r = lax.reduce_sum(lax.mul(i, 3), (1,))
    b = lax.lt(r, 0)
    return r, b, lax.convert_element_type(b, f32)


def accept_long_program(x, y, z):
    v = x
    for k in range(12):
        t = lax.transpose(lax.reshape(v, (3, 2)), (1, 0))
        v = lax.add(t, y) if k % 2 == 0 else lax.mul(t, lax.broadcast_in_dim(z, (2, 3), (1,)))
        v = lax.sub(v, lax.broadcast_in_dim(lax.reduce_max(v, (1,)), (2, 3), (0,)))
    return lax.reduce_sum(lax.exp(v), (0, 1))


def accept_reductions_mixed(x):
    a = lax.reduce_sum(x, (0, 2))
    b = lax.reduce_max(x, (1,))
    c = lax.reduce_min(b, (0,))
    return a, b, c, lax.squeeze(lax.expand_dims(c, (0,)), (0,))


Lin = Linear
g.program("accept_mlp", accept_mlp, Lin(a32(4, 3), a32(3)), a32(2, 4))
g.program("accept_softmax", lambda x: softmax_rows(x, 2, 5), a32(2, 5))
g.program("accept_transpose_reshape", accept_transpose_reshape, a32(2, 3, 4))
g.program("accept_embedding_closure", accept_embedding_closure, np.array([[4], [0], [2], [2]], np.int32))
g.program("accept_batched_matmul", accept_batched_matmul, a32(2, 3, 4), a32(2, 4, 5))
g.program("accept_layernorm", accept_layernorm, {"x": a32(3, 4), "gamma": a32(4)})
g.program("accept_attention", accept_attention, a32(4, 8), a32(6, 8), a32(6, 8))
g.program("accept_mse_struct", accept_mse_struct, Lin(a32(3, 1), a32(1)), a32(5, 3), a32(5, 1))
g.program("accept_list_closure", accept_list_closure, [a32(2, 3), a32(2, 3), a32(2, 3)])
g.program("accept_gather_clip", accept_gather_clip, a32(6, 4), np.array([[5], [-1], [9]], np.int32))
g.program("accept_int_convert", accept_int_convert, a32(2, 3))
g.program("accept_long_program", accept_long_program, a32(2, 3), a32(2, 3), a32(3))
g.program("accept_reductions_mixed", accept_reductions_mixed, a32(2, 3, 4))

# ---------------------------------------------------------------------------
# str() and repr() of arrays

ALL = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.float16,
       bf16, f32, np.float64]


def dname(dt):
    return np.dtype(dt).name


for dt in ALL:
    n = dname(dt)
    base = np.array([0, 1, 1, 0, 1, 0], bool) if dt is np.bool_ else (np.arange(6) * 3 + 1)
    samples = {
        "scalar": np.asarray(base[1]).astype(dt),
        "zero_scalar": np.asarray(0).astype(dt),
        "empty": np.zeros((0,), dt),
        "empty_2d": np.zeros((2, 0), dt),
        "empty_3d": np.zeros((0, 3, 1), dt),
        "vector": base.astype(dt),
        "matrix": base.reshape(2, 3).astype(dt),
        "tensor": np.concatenate([base, base]).reshape(2, 3, 2).astype(dt),
        "tensor_4d": np.tile(base, 4).reshape(2, 2, 3, 2).astype(dt),
        "single": base[:1].astype(dt),
    }
    if dt is not np.bool_:
        info = np.iinfo(dt) if np.dtype(dt).kind in "iu" else None
        if info is not None:
            samples["extremes"] = np.array([info.min, 0, info.max, 1], dt)
            samples["long_row"] = (np.arange(40) * 7 % 23).astype(dt)
        else:
            samples["long_row"] = (np.arange(40, dtype=np.float64) * 1.37 - 20).astype(dt)
            samples["fractions"] = np.array([0.5, 0.25, -1.125, 3], dt)
            samples["thirds"] = (np.arange(1, 7, dtype=np.float64) / 3).astype(dt)
            samples["nonfinite"] = np.array([np.nan, 1.5, -np.inf, np.inf, 0], dt)
            samples["only_nonfinite"] = np.array([np.nan, np.inf], dt)
            samples["neg_inf_only"] = np.array([-np.inf, 2], dt)
            samples["neg_zero"] = np.array([-0.0, 0.0, 1], dt)
            samples["small"] = np.array([1e-5, 0.5, 2], dt)
            samples["large"] = np.array([1e4, 1.5, 3e4], dt)
            samples["wide_ratio"] = np.array([0.001, 2.0], dt)
            samples["ratio_1000"] = np.array([0.002, 2.0], dt)
            samples["neg_scalar"] = np.asarray(-2.75).astype(dt)
            samples["nan_scalar"] = np.asarray(np.nan).astype(dt)
            samples["ninf_scalar"] = np.asarray(-np.inf).astype(dt)
            samples["small_scalar"] = np.asarray(1e-5).astype(dt)
            samples["threshold_scalar"] = np.asarray(1e-4).astype(dt)
            samples["big_scalar"] = np.asarray(1234.5).astype(dt)
            samples["random"] = r.standard_normal((3, 4)).astype(dt)
            samples["random_scaled"] = (r.standard_normal((2, 5)) * 1000).astype(dt)
    samples["summarized"] = (np.arange(1001) % 7).astype(dt)
    if dt in (np.bool_, np.int16, np.uint32, np.float16, bf16, f32):
        samples["summarized_2d"] = (np.arange(40 * 40) % 11).reshape(40, 40).astype(dt)
        samples["summarized_3d"] = (np.arange(11 * 11 * 11) % 5).reshape(11, 11, 11).astype(dt)
        samples["summarized_short_axes"] = (np.arange(3 * 400) % 13).reshape(3, 400).astype(dt)
    if dt in (np.float16, bf16, f32, np.float64):
        samples["summarized_float"] = (np.arange(2000, dtype=np.float64) * 0.37).astype(dt)
    for k, v in samples.items():
        g.text(f"{n}_{k}", v)

SPECIAL = {
    "f32_1e-4_boundary": np.array([np.float32(1e-4), 0.01], f32),
    "f32_1e6": np.array([1e6, 1.0], f32),
    "f32_just_under_1e6": np.array([999999.0, 1.0], f32),
    "f64_1e8": np.array([1e8, 1.0]),
    "f64_just_under_1e8": np.array([99999999.0, 1.0]),
    "f64_tiny": np.array([1e-300, 1.0]),
    "f64_subnormal": np.array([5e-324, 1.0]),
    "f64_huge": np.array([1.7976931348623157e308, -1.0]),
    "f64_long_digits": np.array([1 / 3, 2 / 3, 0.1, 123.456789012345]),
    "f64_exp_three_digits": np.array([1e-200, 1e200]),
    "f32_rounding_cutoff": np.array([0.123456789, 1.0000001, 2.5], f32),
    "f64_rounding_cutoff": np.array([0.123456785, 0.999999999, 2.5]),
    "f64_carry": np.array([9.999999999, 0.5]),
    "f16_subnormal": np.array([6e-08, 1.0], np.float16),
    "f16_max": np.array([65504.0, -65504.0], np.float16),
    "f16_1000": np.array([999.5, 1000.0], np.float16),
    "f32_mixed_signs": np.array([[-1.5, 2.25], [1e-3, -1000.0]], f32),
    "f32_wrap_exp": (np.arange(30, dtype=np.float64) * 1e-5).astype(f32),
    "f32_repr_sep_quirk": (np.arange(6) * 1.1234567).astype(f32),
    "f32_repr_sep_quirk_2": (np.arange(10) * 1.1234567).astype(f32),
    "i64_wide": np.arange(8, dtype=np.int64) * 1000000000,
    "i32_negative_wide": np.array([-2147483648, 5, 17], np.int32),
    "bool_long": (np.arange(30) % 3 == 0),
    "bool_2x2": np.array([[True, False], [False, True]]),
    "bf16_mixed": np.array([1, 0.1, -2.5, 100, 1e-5, 3e10, np.nan, -np.inf, 1 / 3, 0, -0.0, 123456], bf16),
    "bf16_long_row": (np.arange(40, dtype=np.float64) * 1.37 - 20).astype(bf16),
    "u8_matrix_3d_wrap": (np.arange(2 * 3 * 30) % 251).reshape(2, 3, 30).astype(np.uint8),
    "f32_3d_wide": (np.arange(2 * 2 * 12, dtype=np.float64) * 1.5e-3).reshape(2, 2, 12).astype(f32),
}
for k, v in SPECIAL.items():
    g.text(k, v)

for k, v in {"f32_scalar": f32(2.0), "i32_scalar": np.int32(3), "f32_fraction": f32(0.5)}.items():
    g.weak_repr(k, v)

# ---------------------------------------------------------------------------
# float32 -> float16 / bfloat16 conversions (round to nearest even, overflow, NaN)

conv = np.concatenate([
    np.array([0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 65504.0, 65519.99, 65520.0, 1e5, -1e5, 6e-8, 3e-8, 2.9e-8, 1e-9,
              6.1e-5, 6.09e-5, 1.00048828125, 1.00146484375, 1.0009765625 + 2**-12, 3.0e38, 3.4e38, 1.0e-38,
              1.0e-40, 1.00390625, 1.01171875, np.inf, -np.inf, np.nan], np.float64),
    r.standard_normal(64) * 10.0 ** r.integers(-8, 8, 64),
]).astype(f32)
g._block("convert/f32_to_f16_bf16", [conv], [conv.astype(np.float16), conv.astype(bf16)], "")

g.save()
