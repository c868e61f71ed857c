"""Golden data for the vmap program suite (tests/test_vmap_programs.cpp, issue 5's
acceptance): programs written identically here and in the C++ test (jax.numpy / lax /
jax.nn / jax.scipy.special there as xjax::numpy / lax / nn / scipy::special), and what
jax.vmap gives for them in JAX 0.10.2, with varied in_axes (ints, None, negative,
per-argument lists, pytree prefixes), out_axes other than 0, nested vmaps, collectives
over a named axis, and vmap composed with grad / jacfwd / jacrev. Inputs are drawn here
from a fixed seed and stored with the results.

Case names, by kind (the C++ test has one function per name, up to the first ';'-separated
tag after the kind):

    vmap;<program>;<variant>   inputs, and the outputs of the vmapped program
    comp;<program>;<variant>   the same for a composition of vmap with itself, grad,
                               jacfwd or jacrev
    mlp;per_example            the reference MLP (8-16-4, batch 6): inputs w1, b1, w2, b2,
                               x, labels; outputs the per-example gradients of w1, b1, w2,
                               b2 (jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0)))
    eqns;<f>                   inputs of vmap(f); outputs (int32): the number of equations
                               of jax.make_jaxpr(f) on one example and of
                               jax.make_jaxpr(jax.vmap(f, in_axes)) on the batch, with JAX's
                               jaxpr text of the latter
    error;<name>               inputs that jax.vmap rejects; no outputs; the "jaxpr" lines
                               hold JAX's error message (for the reader: the C++ test checks
                               its own message for the same facts)
"""

import jax
import jax.extend.core
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jax import lax

from golden import Golden, _line, rng

g = Golden("vmap")
r = rng(20251201)


def f32(*shape, lo=-2.0, hi=2.0):
    return r.uniform(lo, hi, shape).astype(np.float32)


def i32(lo, hi, *shape):
    return r.integers(lo, hi, shape).astype(np.int32)


def case(name, fn, *inputs):
    # The inputs as jax arrays, as the C++ test's are xjax arrays (x[i] with an unmapped
    # x must index an array, not a numpy.ndarray).
    g.case(name, lambda *xs: fn(*map(jnp.asarray, xs)), *inputs, jaxpr=False)


# ---------------------------------------------------------------------------
# 1. Collectives over a named axis (axis_name='i'; nested ones 'i' outside, 'j' inside).

def psum_normalize(x):
    return x / lax.psum(x, "i")


X_POS = f32(5, 3, lo=0.5, hi=2.0)
case("vmap;psum_normalize;in0", jax.vmap(psum_normalize, axis_name="i"), X_POS)
case("vmap;psum_normalize;in1_out1", jax.vmap(psum_normalize, in_axes=1, out_axes=1, axis_name="i"), X_POS)


def psum_unbatched(x, w):
    # psum of a value that does not depend on the mapped input: w times the axis size.
    return x * lax.psum(w, "i") + lax.psum(x * w, "i")


case("vmap;psum_unbatched;in0_none", jax.vmap(psum_unbatched, in_axes=(0, None), axis_name="i"), f32(4, 3), f32(3))


def pmean_center(x):
    return x - lax.pmean(x, "i")


case("vmap;pmean_center;in_neg1", jax.vmap(pmean_center, in_axes=-1, axis_name="i"), f32(3, 4))
case("vmap;pmean_center;in_neg1_out1", jax.vmap(pmean_center, in_axes=-1, out_axes=1, axis_name="i"), f32(3, 4))


def pmax_softmax(x):
    # softmax across the mapped axis, with the stabilizing max taken by pmax.
    e = jnp.exp(x - lax.pmax(x, "i"))
    return e / lax.psum(e, "i")


case("vmap;pmax_softmax;in0", jax.vmap(pmax_softmax, axis_name="i"), f32(6, 2, lo=-5, hi=5))


def all_gather_dot(x, w):
    return jnp.dot(lax.all_gather(x, "i"), w) * jnp.sum(x)


def all_gather_tiled(x):
    return lax.all_gather(x, "i", axis=1, tiled=True) - jnp.mean(x)


case("vmap;all_gather_dot;in0_none", jax.vmap(all_gather_dot, in_axes=(0, None), axis_name="i"), f32(4, 3), f32(3))
case("vmap;all_gather_tiled;in1_out2", jax.vmap(all_gather_tiled, in_axes=1, out_axes=2, axis_name="i"), f32(2, 3, 2))


def index_permute(x):
    # each element: its index times x, plus its predecessor's x (cyclic shift).
    n = 4
    perm = [(k, (k + 1) % n) for k in range(n)]
    return x * lax.axis_index("i") + lax.ppermute(x, "i", perm)


case("vmap;index_permute;in0", jax.vmap(index_permute, axis_name="i"), f32(4, 3))
case("vmap;index_permute;in1_out_neg1", jax.vmap(index_permute, in_axes=1, out_axes=-1, axis_name="i"), f32(2, 4, 3))


def nested_collectives(x):
    # both names at once, each name alone.
    return x / lax.psum(x, ("i", "j")) + lax.pmean(x, "j") - lax.psum(x, "i")


NESTED_X = f32(3, 2, 4, lo=0.5, hi=2.0)
case("vmap;nested_collectives;in0_in1",
     jax.vmap(jax.vmap(nested_collectives, in_axes=1, axis_name="j"), in_axes=0, axis_name="i"), NESTED_X)
case("vmap;nested_collectives;in2_in0_out1",
     jax.vmap(jax.vmap(nested_collectives, in_axes=0, out_axes=1, axis_name="j"), in_axes=2, axis_name="i"),
     NESTED_X)


# ---------------------------------------------------------------------------
# 2. Linear algebra, indexing, sorting, reductions, structure.

def matmul(a, b):
    return a @ b


case("vmap;matmul;in0_none", jax.vmap(matmul, in_axes=(0, None)), f32(5, 2, 3), f32(3, 4))
case("vmap;matmul;in2_in0_out1", jax.vmap(matmul, in_axes=(2, 0), out_axes=1), f32(2, 3, 5), f32(5, 3, 4))
case("vmap;matmul;none_neg1", jax.vmap(matmul, in_axes=(None, -1)), f32(2, 3), f32(3, 4, 5))


def einsum_kji(a, b):
    return jnp.einsum("ij,jk->ki", a, b)


case("vmap;einsum;in1_neg1_out_neg1", jax.vmap(einsum_kji, in_axes=(1, -1), out_axes=-1), f32(2, 5, 3), f32(3, 4, 5))


def gather_index(x, i):
    return x[i]


case("vmap;gather_index;in0_in0", jax.vmap(gather_index), f32(5, 7), i32(0, 7, 5, 3))
case("vmap;gather_index;none_in0", jax.vmap(gather_index, in_axes=(None, 0)), f32(7, 2), i32(-7, 7, 4, 3))
case("vmap;gather_index;in1_none_out1", jax.vmap(gather_index, in_axes=(1, None), out_axes=1), f32(7, 5),
     np.array([6, 0, 3, 3], np.int32))


def take_along(x, i):
    return jnp.take_along_axis(x, i, axis=1)


case("vmap;take_along;in0_in0", jax.vmap(take_along), f32(4, 3, 5), i32(0, 5, 4, 3, 2))
case("vmap;take_along;none_in2", jax.vmap(take_along, in_axes=(None, 2)), f32(3, 5), i32(0, 5, 3, 2, 4))


def dyn_slice(x, i):
    return lax.dynamic_slice(x, (i, 0), (2, 3))


# start indices past the end are clamped, as in JAX.
case("vmap;dyn_slice;in0_in0", jax.vmap(dyn_slice), f32(4, 5, 3), np.array([0, 3, 4, 9], np.int32))
case("vmap;dyn_slice;none_in0", jax.vmap(dyn_slice, in_axes=(None, 0)), f32(5, 3), np.array([1, 2, -1], np.int32))


def scatter_add(x, i, u):
    return x.at[i].add(u)


SC_IDX = np.array([[0, 2, 2], [4, 4, 4], [1, 0, 3], [3, 3, 1]], np.int32)
case("vmap;scatter_add;none_in0_in0", jax.vmap(scatter_add, in_axes=(None, 0, 0)), f32(6), SC_IDX, f32(4, 3))
case("vmap;scatter_add;in1_in0_none", jax.vmap(scatter_add, in_axes=(1, 0, None)), f32(6, 4), SC_IDX, f32(3))


def sort_top(x):
    return jnp.sort(x)[-3:], jnp.argsort(x), jnp.argmax(x)


case("vmap;sort_top;in0", jax.vmap(sort_top), f32(4, 6))
case("vmap;sort_top;in_neg1_out1", jax.vmap(sort_top, in_axes=-1, out_axes=(1, 1, 0)), f32(6, 4))


def softmax_rows(x):
    return jax.nn.softmax(x), jax.nn.log_softmax(x)


case("vmap;softmax_rows;in0", jax.vmap(softmax_rows), f32(5, 4, lo=-4, hi=4))
case("vmap;softmax_rows;in1_out1", jax.vmap(softmax_rows, in_axes=1, out_axes=1), f32(4, 5, lo=-4, hi=4))


def ensemble(p, x):
    # params dict: JAX orders its keys (b, w), as a std::map does.
    return jnp.tanh(x @ p["w"] + p["b"])


ENS = (f32(3, 4, 2), f32(2), f32(5, 4))


def ensemble_case(w, b, x):
    return jax.vmap(ensemble, in_axes=({"b": None, "w": 0}, None))({"b": b, "w": w}, x)


def ensemble_out1(w, b, x):
    return jax.vmap(ensemble, in_axes=({"b": None, "w": 0}, 0), out_axes=1)({"b": b, "w": w}, x)


case("vmap;ensemble;w0_bnone_xnone", ensemble_case, *ENS)
case("vmap;ensemble;w0_bnone_x0_out1", ensemble_out1, f32(3, 4, 2), f32(2), f32(3, 5, 4))


def cumulative(x):
    return jnp.cumsum(x, axis=0) / jnp.sum(x), jnp.max(x, axis=1), jnp.prod(x, axis=0)


case("vmap;cumulative;in1_out_neg1", jax.vmap(cumulative, in_axes=1, out_axes=-1), f32(3, 5, 2, lo=0.5, hi=1.5))
case("vmap;cumulative;in0", jax.vmap(cumulative), f32(4, 3, 2, lo=0.5, hi=1.5))


def where_select(x, y, c):
    return jnp.where(c, x, y), jnp.where(x > y, x * 2.0, -y)


case("vmap;where_select;in0_none_in1", jax.vmap(where_select, in_axes=(0, None, 1)), f32(4, 3), f32(3),
     r.integers(0, 2, (3, 4)).astype(np.bool_))


def special(x):
    return jsp.logsumexp(x) + jnp.sum(jsp.erf(x) * jsp.gammaln(x + 3.0)), jnp.sqrt(jnp.abs(x)) * jnp.log1p(x * x)


case("vmap;special;in_neg1", jax.vmap(special, in_axes=-1), f32(3, 5))


def structure(x):
    return jnp.concatenate([jnp.flip(x, 0).ravel(), jnp.pad(x, ((1, 0), (0, 2))).ravel(), x.reshape(3, 2).T.ravel()])


case("vmap;structure;in1_out1", jax.vmap(structure, in_axes=1, out_axes=1), f32(2, 4, 3))


def outer_fn(a, b):
    return jnp.sin(a) * b + a ** 2


def outer_nested(x, y):
    # x: one scalar per inner element; y: mapped over axis 1 outside.
    return jax.vmap(jax.vmap(outer_fn, in_axes=(0, None)), in_axes=(None, 1), out_axes=1)(x, y)


case("vmap;outer_nested;inner0_none_outer_none1_out1", outer_nested, f32(3), f32(2, 4))


# ---------------------------------------------------------------------------
# 3. Per-example gradients of the reference MLP (8-16-4, batch 6).

def mlp_predict(p, x):
    h = jax.nn.relu(x @ p["w1"] + p["b1"])
    return h @ p["w2"] + p["b2"]


def mlp_loss(p, x, labels):
    logp = jax.nn.log_softmax(mlp_predict(p, x))
    return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))


def example_loss(p, x, label):
    return mlp_loss(p, x[None], label[None])


def per_example(w1, b1, w2, b2, x, labels):
    p = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    gp = jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))(p, x, labels)
    return gp["w1"], gp["b1"], gp["w2"], gp["b2"]


MLP = (f32(8, 16, lo=-0.6, hi=0.6), f32(16, lo=-0.1, hi=0.1), f32(16, 4, lo=-0.6, hi=0.6), f32(4, lo=-0.1, hi=0.1),
       f32(6, 8), i32(0, 4, 6))
case("mlp;per_example", per_example, *MLP)


# ---------------------------------------------------------------------------
# 4. Compositions.

def dot_fn(a, b):
    return jnp.dot(a, b)


# vmap(vmap(f)): every pair of rows (outer in_axes (0, None), inner (None, 0)).
case("comp;vmap_vmap;pairs", jax.vmap(jax.vmap(dot_fn, in_axes=(None, 0)), in_axes=(0, None)), f32(3, 4), f32(5, 4))
# vmap(vmap(f)) both batched, the inner over axis 1 of the per-example value.
case("comp;vmap_vmap;in0_in1", jax.vmap(jax.vmap(dot_fn, in_axes=(1, 0)), in_axes=(0, 0)), f32(3, 4, 2),
     f32(3, 2, 4))


def layer(x, w):
    return jnp.tanh(x @ w)


def grad_vmap(x, w):
    return jax.grad(lambda x, w: jnp.sum(jax.vmap(layer, in_axes=(0, None))(x, w) ** 2), argnums=(0, 1))(x, w)


case("comp;grad_vmap;sum_sq", grad_vmap, f32(5, 3), f32(3, 2))


def sin_dot(x, y):
    return jnp.sum(jnp.sin(x) * y)


case("comp;vmap_grad;in0_none", jax.vmap(jax.grad(sin_dot, argnums=(0, 1)), in_axes=(0, None)), f32(4, 3), f32(3))
case("comp;vmap_grad;none_in1_out1", jax.vmap(jax.grad(sin_dot), in_axes=(None, 1), out_axes=1), f32(3), f32(3, 4))


def vec_fn(x):
    return jnp.tanh(x) * jnp.sum(x ** 2)


case("comp;vmap_jacrev;in0", jax.vmap(jax.jacrev(vec_fn)), f32(4, 3))
case("comp;vmap_jacfwd;in1_out2", jax.vmap(jax.jacfwd(vec_fn), in_axes=1, out_axes=2), f32(3, 4))
case("comp;vmap_jacrev_jacfwd;in0", jax.vmap(jax.jacrev(jax.jacfwd(lambda x: jnp.sum(jnp.sin(x) * x[::-1])))),
     f32(2, 3))


def psum_loss(x):
    return jnp.sum(jnp.sin(x) * lax.psum(x, "i"))


def normalized_loss(x):
    return jnp.sum(jnp.cos(x / lax.psum(x, "i")))


X_GRAD_PSUM = f32(4, 3, lo=0.5, hi=2.0)
case("comp;vmap_grad_psum;in0", jax.vmap(jax.grad(psum_loss), axis_name="i"), X_GRAD_PSUM)
case("comp;vmap_grad_psum_normalized;in0", jax.vmap(jax.grad(normalized_loss), axis_name="i"), X_GRAD_PSUM)
case("comp;grad_vmap_psum;sum",
     jax.grad(lambda x: jnp.sum(jax.vmap(lambda r: jnp.sin(r) / lax.psum(r, "i"), axis_name="i")(x) * x)),
     X_GRAD_PSUM)


# ---------------------------------------------------------------------------
# 5. Equation counts of make_jaxpr(vmap(f)) against make_jaxpr(f), elementwise f.

CALLS = {"pjit", "jit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call", "remat", "checkpoint"}


def count_eqns(jaxpr):
    """Equations of a jaxpr, the bodies of call-like equations counted instead of the call
    (jnp.where is a jit in JAX, inline in xjax)."""
    n = 0
    for e in jaxpr.eqns:
        if e.primitive.name in CALLS:
            for v in e.params.values():
                if isinstance(v, jax.extend.core.ClosedJaxpr):
                    n += count_eqns(v.jaxpr)
                elif isinstance(v, jax.extend.core.Jaxpr):
                    n += count_eqns(v)
        else:
            n += 1
    return n


def eqns(name, f, in_axes, out_axes, batch, example):
    batch = [np.asarray(b) for b in batch]
    example = [np.asarray(e) for e in example]
    n_f = count_eqns(jax.make_jaxpr(f)(*example).jaxpr)
    closed = jax.make_jaxpr(jax.vmap(f, in_axes=in_axes, out_axes=out_axes))(*batch)
    text = str(closed).split("\n")
    lines = [f"case eqns;{name}"] + [_line("in", b) for b in batch]
    lines += [_line("out", np.int32(n_f)), _line("out", np.int32(count_eqns(closed.jaxpr))), f"jaxpr {len(text)}"]
    lines += text + ["end"]
    g.names.add(f"eqns;{name}")
    g.blocks.append("\n".join(lines))


def sin_mul(x):
    return jnp.sin(x) * x + 1.0


def scalar_mix(x, s):
    return jnp.exp(x) * s - x / s


def same_bdim(x, y):
    return x * y - jnp.cos(x) + jnp.maximum(x, y)


def where_mix(x, y):
    return jnp.where(x > 0.5, x * x, jnp.sqrt(jnp.abs(x))) + y


def vector_mix(x, y):
    return x * y + jnp.tanh(y)


def other_bdims(x, y):
    return x * y + jnp.exp(y)


B = f32(4, 3, lo=0.1, hi=1.0)
eqns("sin_mul", sin_mul, 0, 0, [B], [B[0]])
eqns("scalar_mix", scalar_mix, (0, None), 0, [B, np.float32(1.5)], [B[0], np.float32(1.5)])
eqns("same_bdim_in1_out1", same_bdim, 1, 1, [f32(3, 4), f32(3, 4)], [f32(3), f32(3)])
eqns("where_mix", where_mix, (-1, None), -1, [f32(3, 4), np.float32(0.25)], [f32(3), np.float32(0.25)])
# An unbatched operand of the per-example rank gets a size-1 batch dimension (JAX's
# broadcast_batcher), and operands batched along different dimensions are moved to the
# front: these count more equations than f in JAX too.
eqns("vector_mix", vector_mix, (0, None), 0, [f32(4, 3), f32(3)], [f32(3), f32(3)])
eqns("other_bdims", other_bdims, (0, 1), 0, [f32(4, 3), f32(3, 4)], [f32(3), f32(3)])


# ---------------------------------------------------------------------------
# 6. Errors: JAX's messages, recorded for the reader.

def error(name, fn, *inputs):
    inputs = [np.asarray(x) for x in inputs]
    try:
        fn(*inputs)
    except Exception as e:  # noqa: BLE001 - any rejection counts
        text = f"{type(e).__name__}: {e}".rstrip("\n").split("\n")
    else:
        raise AssertionError(f"{name}: JAX accepted it")
    lines = [f"case error;{name}"] + [_line("in", x) for x in inputs] + [f"jaxpr {len(text)}"] + text + ["end"]
    g.names.add(f"error;{name}")
    g.blocks.append("\n".join(lines))


error("sizes", jax.vmap(lambda x, y: x + y), f32(3, 2), f32(4, 2))
error("sizes_three", jax.vmap(lambda x, y, z: x * y + z, in_axes=(0, 1, None)), f32(3, 2), f32(2, 5), f32(2))
error("in_axes_length", jax.vmap(lambda x: x, in_axes=(0, 0)), f32(3))
error("in_axes_tree", lambda w, b, x: jax.vmap(ensemble, in_axes=({"b": None, "w": 0, "z": 0}, None))(
    {"b": b, "w": w}, x), *ENS)
error("in_axis_range", jax.vmap(lambda x: x, in_axes=2), f32(3, 2))
error("in_axis_range_neg", jax.vmap(lambda x: x, in_axes=-3), f32(3, 2))
error("out_axis_range", jax.vmap(lambda x: x, out_axes=3), f32(3, 2))
error("unbound_axis_name", jax.vmap(lambda x: lax.psum(x, "j"), axis_name="i"), f32(3, 2))
error("out_axes_none", jax.vmap(lambda x: x * 2.0, out_axes=None), f32(3, 2))

g.save()
