"""Golden data for the collectives (tests/test_collectives.cpp): psum, pmean, pmax, pmin,
all_gather, axis_index, ppermute, all_to_all and psum_scatter under jax.vmap with an
axis_name (one vmap, and two nested vmaps with two names), gradients composed with
vmap, the number of equations of JAX's jaxprs, and JAX's jaxpr text of the collectives
traced with their axes bound.

Each C++ test case replays the function of the same name (a table in the test file).
Case names, by kind:

    vmap;<fn>    inputs, and the outputs of the function (jax.vmap(..., axis_name='i')
                 with its in_axes / out_axes; nested ones vmap over 'i' outside, 'j' inside)
    axes;<op>;in=<a>;out=<b>
                 the same for the collective <op> (AXES_OPS) under jax.vmap(in_axes=a,
                 out_axes=b, axis_name='i')
    grad;<fn>    inputs, and the outputs of a gradient composed with vmap
    eqns;<fn>    inputs of vmap;<fn> or grad;<fn>; output: the number of equations of
                 jax.make_jaxpr of that function (int32)
    jaxpr;<fn>   inputs; no outputs; JAX's text of jax.make_jaxpr(f, axis_env=[('i', 4)])
                 (or the two names of the case), which xjax prints identically when
                 the names are bound

Where JAX's vmap has no rule or a wrong one (see primitives/collectives.hpp), the
expected values come from JAX's collectives themselves, run with shard_map on four CPU
devices in a subprocess (a ppermute with a partial permutation), or from vmap of the
operand broadcast to the batch (all_to_all of an unbatched operand, which vmap handles
as if broadcast).

Errors that JAX raises too are checked with g.error (nothing is written for them).
"""

import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import golden
from golden import Golden, rng

g = Golden("collectives")
r = rng(20250705)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def i32(*shape):
    return r.integers(-9, 10, shape).astype(np.int32)


def vmap_i(f, in_axes=0, out_axes=0):
    return jax.vmap(f, in_axes=in_axes, out_axes=out_axes, axis_name="i")


def nested(f, in_axes=0):
    """vmap over 'i' (outside) of vmap over 'j' (inside)."""
    return jax.vmap(jax.vmap(f, in_axes=in_axes, axis_name="j"), in_axes=in_axes, axis_name="i")


def count_eqns(fn, *xs):
    return np.int32(len(jax.make_jaxpr(fn)(*xs).jaxpr.eqns))


def case(kind, name, fn, *xs, eqns=False):
    g.case(f"{kind};{name}", fn, *xs, jaxpr=False)
    if eqns:
        count = count_eqns(fn, *xs)
        g.case(f"eqns;{name}", lambda *_: count, *xs, jaxpr=False)


def value_case(kind, name, value, *xs):
    """A case whose expected outputs were computed otherwise (see the module comment)."""
    g.case(f"{kind};{name}", lambda *_: value, *xs, jaxpr=False)


def jaxpr_case(name, fn, *xs, axis_env=(("i", 4),)):
    """JAX's jaxpr of fn with its axes bound: inputs and the text, no outputs."""
    xs = [np.asarray(x) for x in xs]
    text = str(jax.make_jaxpr(fn, axis_env=list(axis_env))(*xs))
    lines = [f"case jaxpr;{name}"] + [golden._line("in", x) for x in xs]
    tl = text.split("\n")
    lines += [f"jaxpr {len(tl)}"] + tl + ["end"]
    g.names.add(f"jaxpr;{name}")
    g.blocks.append("\n".join(lines))


_SHARD_MAP = """
import os, sys, io
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
import jax, numpy as np
from jax import lax
from jax.sharding import NamedSharding, PartitionSpec as P
jax.config.update("jax_platforms", "cpu")
x = np.load(io.BytesIO(sys.stdin.buffer.read()))
perm = {perm}
mesh = jax.make_mesh((4,), ("i",))
f = jax.shard_map(lambda v: lax.ppermute(v, "i", perm), mesh=mesh, in_specs=P("i"), out_specs=P("i"))
out = io.BytesIO()
np.save(out, np.asarray(f(jax.device_put(x, NamedSharding(mesh, P("i"))))))
sys.stdout.buffer.write(out.getvalue())
"""


def shard_map_ppermute(x, perm):
    """JAX's ppermute of the rows of x over four CPU devices (the collective itself)."""
    buf = __import__("io").BytesIO()
    np.save(buf, x)
    res = subprocess.run([sys.executable, "-c", _SHARD_MAP.format(perm=perm)], input=buf.getvalue(),
                         capture_output=True, check=True)
    return np.load(__import__("io").BytesIO(res.stdout))


cycle4 = [(0, 1), (1, 2), (2, 3), (3, 0)]

# --- psum, pmean, pmax, pmin under one vmap.
case("vmap", "psum", vmap_i(lambda v: lax.psum(v, "i")), f32(4, 3), eqns=True)
case("vmap", "psum_in1", vmap_i(lambda v: lax.psum(v, "i"), in_axes=1), f32(3, 4), eqns=True)
case("vmap", "psum_in_neg1_out1", vmap_i(lambda v: lax.psum(v, "i"), in_axes=-1, out_axes=1), f32(2, 3, 4))
case("vmap", "psum_scalar", vmap_i(lambda v: lax.psum(v, "i")), f32(5))
case("vmap", "psum_int", vmap_i(lambda v: lax.psum(v, "i")), i32(4, 2))
case("vmap", "psum_bool", vmap_i(lambda v: lax.psum(v, "i")), np.array([True, False, True, True]))
case("vmap", "psum_unbatched", vmap_i(lambda v, w: (v, lax.psum(w, "i")), in_axes=(0, None)), f32(4, 3), f32(3),
     eqns=True)
case("vmap", "psum_normalize", vmap_i(lambda v: v / lax.psum(v, "i")), np.abs(f32(4, 3)) + 1)
case("vmap", "psum_constant", vmap_i(lambda v: v / lax.psum(1, "i")), f32(4, 3), eqns=True)
case("vmap", "pmean", vmap_i(lambda v: lax.pmean(v, "i")), f32(4, 3), eqns=True)
case("vmap", "pmean_int", vmap_i(lambda v: lax.pmean(v, "i")), i32(4, 2), eqns=True)
case("vmap", "pmax", vmap_i(lambda v: lax.pmax(v, "i")), f32(4, 3), eqns=True)
case("vmap", "pmax_in1_out1", vmap_i(lambda v: lax.pmax(v, "i"), in_axes=1, out_axes=1), f32(3, 4, 2), eqns=True)
case("vmap", "pmin_int", vmap_i(lambda v: lax.pmin(v, "i")), i32(5, 2))
case("vmap", "pmax_unbatched", vmap_i(lambda v, w: (v, lax.pmax(w, "i")), in_axes=(0, None)), f32(4, 3), f32(3),
     eqns=True)

# --- all_gather.
case("vmap", "all_gather", vmap_i(lambda v: lax.all_gather(v, "i")), f32(4, 3), eqns=True)
case("vmap", "all_gather_axis1", vmap_i(lambda v: lax.all_gather(v, "i", axis=1)), f32(4, 3), eqns=True)
case("vmap", "all_gather_axis_neg1", vmap_i(lambda v: lax.all_gather(v, "i", axis=-1)), f32(4, 2, 3))
case("vmap", "all_gather_tiled", vmap_i(lambda v: lax.all_gather(v, "i", tiled=True)), f32(4, 3), eqns=True)
case("vmap", "all_gather_tiled_axis1", vmap_i(lambda v: lax.all_gather(v, "i", axis=1, tiled=True), in_axes=2),
     f32(2, 3, 4), eqns=True)
case("vmap", "all_gather_scalar", vmap_i(lambda v: lax.all_gather(v, "i")), f32(5))
case("vmap", "all_gather_unbatched", vmap_i(lambda v, w: (v, lax.all_gather(w, "i")), in_axes=(0, None)), f32(4, 3),
     f32(3), eqns=True)

# --- axis_index.
case("vmap", "axis_index", vmap_i(lambda v: lax.axis_index("i")), f32(4, 3), eqns=True)
case("vmap", "axis_index_out1", vmap_i(lambda v: (v, lax.axis_index("i")), out_axes=(1, 0)), f32(5, 2))

# --- ppermute.
x43 = f32(4, 3)
case("vmap", "ppermute", vmap_i(lambda v: lax.ppermute(v, "i", cycle4)), x43)
case("vmap", "ppermute_in1_out1", vmap_i(lambda v: lax.ppermute(v, "i", cycle4), in_axes=1, out_axes=1), f32(3, 4))
case("vmap", "ppermute_scalar", vmap_i(lambda v: lax.ppermute(v, "i", [(0, 2), (2, 0), (1, 1), (3, 3)])), f32(4))
case("vmap", "ppermute_unbatched", vmap_i(lambda v, w: (v, lax.ppermute(w, "i", cycle4)), in_axes=(0, None)),
     f32(4, 3), f32(3), eqns=True)
xp = f32(4, 3)
value_case("vmap", "ppermute_partial", shard_map_ppermute(xp, [(0, 1), (1, 2)]), xp)
wp = f32(3)
value_case("vmap", "ppermute_partial_unbatched",
           (np.zeros((4, 3), np.float32), shard_map_ppermute(np.broadcast_to(wp, (4, 3)).copy(), [(3, 0), (0, 2)])),
           np.zeros((4, 3), np.float32), wp)

# --- all_to_all.
case("vmap", "all_to_all_00", vmap_i(lambda v: lax.all_to_all(v, "i", 0, 0)), f32(4, 4, 3), eqns=True)
case("vmap", "all_to_all_01", vmap_i(lambda v: lax.all_to_all(v, "i", 0, 1)), f32(4, 4, 3), eqns=True)
case("vmap", "all_to_all_10", vmap_i(lambda v: lax.all_to_all(v, "i", 1, 0)), f32(4, 3, 4))
case("vmap", "all_to_all_11_in1", vmap_i(lambda v: lax.all_to_all(v, "i", 1, 1), in_axes=1), f32(2, 4, 4))
case("vmap", "all_to_all_tiled", vmap_i(lambda v: lax.all_to_all(v, "i", 0, 1, tiled=True)), f32(4, 8, 3),
     eqns=True)
case("vmap", "all_to_all_tiled_00", vmap_i(lambda v: lax.all_to_all(v, "i", 0, 0, tiled=True)), f32(4, 8, 3))
wa = f32(4, 2)
value_case("vmap", "all_to_all_unbatched",
           (np.zeros((4,), np.float32),
            np.asarray(vmap_i(lambda v: lax.all_to_all(v, "i", 0, 1))(np.broadcast_to(wa, (4, 4, 2))))),
           np.zeros((4,), np.float32), wa)

# --- psum_scatter.
case("vmap", "psum_scatter", vmap_i(lambda v: lax.psum_scatter(v, "i")), f32(4, 4, 3), eqns=True)
case("vmap", "psum_scatter_dim1", vmap_i(lambda v: lax.psum_scatter(v, "i", scatter_dimension=1)), f32(4, 3, 4))
case("vmap", "psum_scatter_tiled", vmap_i(lambda v: lax.psum_scatter(v, "i", scatter_dimension=1, tiled=True)),
     f32(4, 3, 8), eqns=True)
case("vmap", "psum_scatter_in2", vmap_i(lambda v: lax.psum_scatter(v, "i"), in_axes=2), f32(4, 3, 4))
case("vmap", "psum_scatter_unbatched", vmap_i(lambda v, w: (v, lax.psum_scatter(w, "i")), in_axes=(0, None)),
     f32(4, 2), f32(4, 3), eqns=True)

# --- Every collective over each operand axis and to two out axes, on f32[4,4,4] (the
# per-element operand: f32[4,4]); quarter-integer values keep the file small.
AXES_OPS = {
    "psum": lambda v: lax.psum(v, "i"),
    "pmean": lambda v: lax.pmean(v, "i"),
    "pmax": lambda v: lax.pmax(v, "i"),
    "pmin": lambda v: lax.pmin(v, "i"),
    "all_gather": lambda v: lax.all_gather(v, "i", axis=1),
    "all_gather_tiled": lambda v: lax.all_gather(v, "i", tiled=True),
    "ppermute": lambda v: lax.ppermute(v, "i", cycle4),
    "all_to_all": lambda v: lax.all_to_all(v, "i", 0, 1),
    "all_to_all_same": lambda v: lax.all_to_all(v, "i", 1, 1),
    "all_to_all_tiled": lambda v: lax.all_to_all(v, "i", 1, 0, tiled=True),
    "psum_scatter": lambda v: lax.psum_scatter(v, "i", scatter_dimension=1),
    "psum_scatter_tiled": lambda v: lax.psum_scatter(v, "i", tiled=True),
    "axis_index": lambda v: (v, lax.axis_index("i")),
}
for op, fun in AXES_OPS.items():
    for in_axis in (0, 1, -1):
        for out_axis in (0, -1):
            xq = (r.integers(-16, 17, (4, 4, 4)) / 4).astype(np.float32)
            case("axes", f"{op};in={in_axis};out={out_axis}", vmap_i(fun, in_axes=in_axis, out_axes=out_axis), xq)

# --- Two nested vmaps, 'i' (size 2) outside and 'j' (size 3) inside.
case("vmap", "nested_psum_ij", nested(lambda v: lax.psum(v, ("i", "j"))), f32(2, 3, 5), eqns=True)
case("vmap", "nested_psum_i", nested(lambda v: lax.psum(v, "i")), f32(2, 3, 5), eqns=True)
case("vmap", "nested_pmax_j", nested(lambda v: lax.pmax(v, "j")), f32(2, 3, 5))
case("vmap", "nested_pmean_ji", nested(lambda v: lax.pmean(v, ("j", "i"))), f32(2, 3))
case("vmap", "nested_all_gather_i", nested(lambda v: lax.all_gather(v, "i")), f32(2, 3, 5), eqns=True)
case("vmap", "nested_all_gather_j_tiled", nested(lambda v: lax.all_gather(v, "j", axis=1, tiled=True)), f32(2, 3, 2, 2))
case("vmap", "nested_axis_index_ij", nested(lambda v: lax.axis_index(("i", "j"))), f32(2, 3))
case("vmap", "nested_axis_index_i", nested(lambda v: lax.axis_index("i")), f32(2, 3))
case("vmap", "nested_ppermute_i", nested(lambda v: lax.ppermute(v, "i", [(0, 1), (1, 0)])), f32(2, 3, 5))
case("vmap", "nested_ppermute_j", nested(lambda v: lax.ppermute(v, "j", [(0, 1), (1, 2), (2, 0)])), f32(2, 3))
case("vmap", "nested_all_to_all_i", nested(lambda v: lax.all_to_all(v, "i", 0, 0)), f32(2, 3, 2, 5), eqns=True)
case("vmap", "nested_all_to_all_ij_tiled", nested(lambda v: lax.all_to_all(v, ("i", "j"), 0, 0, tiled=True)),
     f32(2, 3, 6))
case("vmap", "nested_all_to_all_ji_tiled",
     jax.vmap(jax.vmap(lambda v: lax.all_to_all(v, ("i", "j"), 0, 0, tiled=True), axis_name="i"), axis_name="j"),
     f32(3, 2, 6))
case("vmap", "nested_all_to_all_ij_01", nested(lambda v: lax.all_to_all(v, ("i", "j"), 0, 1)), f32(2, 3, 6, 2))
case("vmap", "nested_psum_scatter_i", nested(lambda v: lax.psum_scatter(v, "i")), f32(2, 3, 2, 5), eqns=True)
case("vmap", "nested_psum_scatter_j_in1", nested(lambda v: lax.psum_scatter(v, "j", scatter_dimension=1), in_axes=1),
     f32(4, 2, 3, 3))


# --- Gradients composed with vmap.
def loss_psum(v):
    return jnp.sum(jnp.sin(v) * lax.psum(v, "i"))


x43g = f32(4, 3)
case("grad", "vmap_grad_psum", vmap_i(jax.grad(loss_psum)), x43g, eqns=True)
case("grad", "grad_vmap_psum", jax.grad(lambda xs: jnp.sum(vmap_i(loss_psum)(xs))), x43g, eqns=True)
case("grad", "vmap_grad_pmean", vmap_i(jax.grad(lambda v: jnp.sum(v * lax.pmean(v * v, "i")))), f32(4, 3))
case("grad", "vmap_grad_all_gather", vmap_i(jax.grad(lambda v: jnp.sum(jnp.sin(lax.all_gather(v, "i"))))), f32(4, 3))
case("grad", "grad_vmap_all_gather",
     jax.grad(lambda xs: jnp.sum(vmap_i(lambda v: jnp.sin(lax.all_gather(v, "i", axis=1)) * v[:, None])(xs))),
     f32(4, 3))
case("grad", "vmap_grad_psum_scatter",
     vmap_i(jax.grad(lambda v: jnp.sum(jnp.sin(lax.psum_scatter(v, "i", tiled=True))))), f32(4, 8))
case("grad", "vmap_grad_ppermute", vmap_i(jax.grad(lambda v: jnp.sum(lax.ppermute(v, "i", cycle4) * jnp.cos(v)))),
     f32(4, 3))
case("grad", "vmap_grad_all_to_all_tiled",
     vmap_i(jax.grad(lambda v: jnp.sum(jnp.sin(lax.all_to_all(v, "i", 0, 1, tiled=True))))), f32(4, 8, 3))
case("grad", "grad_nested_psum",
     jax.grad(lambda xs: jnp.sum(nested(lambda v: jnp.sin(v) * lax.psum(v, ("i", "j")))(xs))), f32(2, 3, 2))

# --- JAX's jaxprs of the collectives with their axes bound (params printed as JAX's).
jaxpr_case("psum", lambda v: lax.psum(v, "i"), f32(3))
jaxpr_case("psum_ij", lambda v: lax.psum(v, ("i", "j")), f32(3), axis_env=(("i", 4), ("j", 2)))
jaxpr_case("psum_bool", lambda v: lax.psum(v, "i"), np.array([True, False]))
jaxpr_case("pmean", lambda v: lax.pmean(v, "i"), f32(3))
jaxpr_case("pmean_int", lambda v: lax.pmean(v, "i"), i32(3))
jaxpr_case("pmax", lambda v: lax.pmax(v, "i"), f32(2, 3))
jaxpr_case("pmin", lambda v: lax.pmin(v, "i"), i32(3))
jaxpr_case("all_gather", lambda v: lax.all_gather(v, "i", axis=1), f32(2, 3))
jaxpr_case("all_gather_tiled", lambda v: lax.all_gather(v, "i", tiled=True), f32(2, 3))
jaxpr_case("psum_scatter", lambda v: lax.psum_scatter(v, "i"), f32(4, 3))
jaxpr_case("psum_scatter_tiled", lambda v: lax.psum_scatter(v, "i", scatter_dimension=1, tiled=True), f32(3, 8))
jaxpr_case("ppermute", lambda v: lax.ppermute(v, "i", cycle4), f32(3))
jaxpr_case("all_to_all_01", lambda v: lax.all_to_all(v, "i", 0, 1), f32(4, 3))
jaxpr_case("all_to_all_20", lambda v: lax.all_to_all(v, "i", 2, 0), f32(3, 2, 4))
jaxpr_case("all_to_all_tiled", lambda v: lax.all_to_all(v, "i", 0, 1, tiled=True), f32(8, 3))
jaxpr_case("all_to_all_ij", lambda v: lax.all_to_all(v, ("i", "j"), 0, 0, tiled=True), f32(8, 3),
           axis_env=(("i", 4), ("j", 2)))
jaxpr_case("axis_index", lambda: lax.axis_index("i"))
jaxpr_case("axis_index_ij", lambda: lax.axis_index(("i", "j")), axis_env=(("i", 4), ("j", 2)))
jaxpr_case("grad_psum", jax.grad(lambda v: jnp.sum(lax.psum(v, "i") * v)), f32(3))
jaxpr_case("grad_all_gather", jax.grad(lambda v: jnp.sum(lax.all_gather(v, "i") * 2.0)), f32(3))
jaxpr_case("grad_psum_scatter", jax.grad(lambda v: jnp.sum(lax.psum_scatter(v, "i") * 2.0)), f32(4, 3))
jaxpr_case("grad_ppermute", jax.grad(lambda v: jnp.sum(lax.ppermute(v, "i", cycle4) * v)), f32(3))
jaxpr_case("grad_all_to_all_tiled", jax.grad(lambda v: jnp.sum(lax.all_to_all(v, "i", 0, 1, tiled=True) * 2.0)),
           f32(8, 3))

# --- Errors JAX raises too (the C++ test checks xjax's).
g.error("error;unbound_eager", lambda x: lax.psum(x, "i"), f32(3))
g.error("error;unbound_trace", lambda x: jax.make_jaxpr(lambda v: lax.psum(v, "i"))(x), f32(3))
g.error("error;wrong_name", lambda x: vmap_i(lambda v: lax.psum(v, "j"))(x), f32(4, 3))
g.error("error;pmax_grad", lambda x: vmap_i(jax.grad(lambda v: jnp.sum(lax.pmax(v, "i"))))(x), f32(4, 3))
g.error("error;all_gather_two_names", lambda x: nested(lambda v: lax.all_gather(v, ("i", "j")))(x), f32(2, 3))
g.error("error;all_to_all_size", lambda x: vmap_i(lambda v: lax.all_to_all(v, "i", 0, 0))(x), f32(4, 3))
# (under vmap JAX skips the check and returns a wrongly shaped result; traced, it rejects it)
g.error("error;psum_scatter_size", lambda x: jax.make_jaxpr(lambda v: lax.psum_scatter(v, "i"), axis_env=[("i", 4)])(x),
        f32(3))

g.save()
