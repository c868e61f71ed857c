"""Golden data for xjax's automatic differentiation (tests/test_autodiff.cpp): functions
written identically here and in the C++ test (jax.numpy / lax / jax.scipy.special /
jax.nn there as xjax::numpy / lax / scipy::special / nn), and what jax.grad,
value_and_grad, jacfwd, jacrev, hessian, jvp and vjp give for them in JAX 0.10.2.
Inputs are drawn here from a fixed seed and stored with the results.

Case names: `<function>;<transform>[;<tag>]`. The transforms:

    value         f(*inputs)
    grad          jax.grad(f)(*inputs)                     (argnums 0)
    grad01        jax.grad(f, argnums=(0, 1))(*inputs)     (two outputs)
    grad01_aux    jax.grad(f, argnums=(0, 1), has_aux=True): dx, dy, aux
    vg            jax.value_and_grad(f)(*inputs): value, grad
    vg_tree       value_and_grad over a params dict: value, then the gradients of
                  w1, b1, w2, b2 (the C++ test takes a struct and a std::map)
    grad2, grad3  grad(grad(f)), grad(grad(grad(f))) of a scalar function
    hessian, jacfwd, jacrev, jacfwd_jacrev
    jvp           jax.jvp(f, (x,), (t,)): inputs x, t; outputs f(x), tangent
    vjp           jax.vjp(f, x)[1](ct): inputs x, ct; output the cotangent of x

Equation counts: for a few functions, a case `<function>;eqns` whose output (int32) is
the number of equations of jax.make_jaxpr(jax.grad(f)), counted recursively (the
equations of the sub-jaxprs of pjit / custom_jvp_call / custom_vjp_call / closed_call /
remat are counted instead of the call), with JAX's jaxpr text; the C++ test checks
that xjax's make_jaxpr(grad(f)) has no more.

Float64 cases run with jax_enable_x64 (golden.py). Constants in the float64 functions
are exactly representable in float32 (C++ double scalars are weak float32 in xjax).
"""

import jax
import jax.extend.core
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jax import lax

from golden import Golden, _line, rng

g = Golden("autodiff")
r = rng(20251125)

CALLS = {"pjit", "jit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call", "custom_vjp_call_jaxpr",
         "remat", "checkpoint", "custom_lin"}


def f32(*shape, lo=-2.0, hi=2.0):
    return r.uniform(lo, hi, shape).astype(np.float32)


def f64(*shape, lo=-2.0, hi=2.0):
    return r.uniform(lo, hi, shape).astype(np.float64)


def case(name, fn, *inputs):
    g.case(name, fn, *inputs, jaxpr=False)


def count_eqns(jaxpr):
    """Equations of a jaxpr, the bodies of call-like equations counted instead of the call."""
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


def eqns(name, f, *inputs, argnums=0):
    """Records the equation count of make_jaxpr(grad(f)) (and its text) as case `<name>;eqns`."""
    inputs = [np.asarray(x) for x in inputs]
    x64 = any(str(x.dtype) in ("float64", "int64") for x in inputs)
    with jax.enable_x64(x64):
        closed = jax.make_jaxpr(jax.grad(f, argnums=argnums))(*inputs)
    text = str(closed).split("\n")
    lines = [f"case {name};eqns"] + [_line("in", x) for x in inputs]
    lines += [_line("out", np.int32(count_eqns(closed.jaxpr))), f"jaxpr {len(text)}"] + text + ["end"]
    g.names.add(f"{name};eqns")
    g.blocks.append("\n".join(lines))


def grad_cases(name, f, *inputs, argnums=0):
    """value, grad and value_and_grad of f."""
    case(f"{name};value", f, *inputs)
    case(f"{name};grad", jax.grad(f, argnums=argnums), *inputs)


# --- 1. The reference linear regression (float32): mean((x @ w - y) ** 2), d/dw.
def linreg(w, x, y):
    return jnp.mean((jnp.dot(x, w) - y) ** 2)


LR = (f32(6, 3, lo=-0.5, hi=0.5), f32(20, 6), f32(20, 3))
grad_cases("linreg", linreg, *LR)
case("linreg;vg", jax.value_and_grad(linreg), *LR)
case("linreg;grad;w0", jax.grad(linreg), np.zeros((6, 3), np.float32), LR[1], LR[2])
eqns("linreg", linreg, *LR)


# --- 2. The reference MLP (8-16-4, batch 5): values and every parameter gradient.
def mlp_predict(p, x):
    h = jax.nn.relu(x @ p["w1"] + p["b1"])
    return h @ p["w2"] + p["b2"]


def mlp_loss(w1, b1, w2, b2, x, labels):
    p = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    logp = jax.nn.log_softmax(mlp_predict(p, x))
    return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))


MLP = (f32(8, 16, lo=-0.6, hi=0.6), f32(16, lo=-0.1, hi=0.1), f32(16, 4, lo=-0.6, hi=0.6), f32(4, lo=-0.1, hi=0.1),
       f32(5, 8), r.integers(0, 4, 5).astype(np.int32))


def mlp_vg_tree(w1, b1, w2, b2, x, labels):
    def loss(p):
        return mlp_loss(p["w1"], p["b1"], p["w2"], p["b2"], x, labels)

    v, gp = jax.value_and_grad(loss)({"w1": w1, "b1": b1, "w2": w2, "b2": b2})
    return v, gp["w1"], gp["b1"], gp["w2"], gp["b2"]


case("mlp;vg_tree", mlp_vg_tree, *MLP)
case("mlp;value", mlp_loss, *MLP)


# --- 3. logsumexp (jax.nn / jax.scipy.special), over everything and per row.
def lse_all(x):
    return jax.nn.logsumexp(x)


def lse_rows(x, w):
    return jnp.sum(jsp.logsumexp(x, axis=1) * w)


grad_cases("lse_all", lse_all, f32(3, 4))
grad_cases("lse_rows", lse_rows, f32(3, 4, lo=-30, hi=30), f32(3))
case("lse_all;hessian", jax.hessian(lse_all), f64(5))


# --- 4. Softmax cross-entropy of logits against one-hot labels.
def xent(logits, labels):
    return -jnp.mean(jnp.sum(jax.nn.one_hot(labels, 4) * jax.nn.log_softmax(logits), axis=-1))


grad_cases("xent", xent, f32(5, 4, lo=-3, hi=3), r.integers(0, 4, 5).astype(np.int32))


# --- 5. Norms.
def fro(x):
    return jnp.linalg.norm(x)


def row_norms(x):
    return jnp.sum(jnp.linalg.norm(x, axis=1))


def l1(x):
    return jnp.linalg.norm(x, ord=1)


grad_cases("norm_fro", fro, f32(3, 4))
grad_cases("norm_rows", row_norms, f32(4, 3))
grad_cases("norm_l1", l1, f32(6))
case("norm_fro;hessian", jax.hessian(fro), f64(4))


# --- 6. Sort-based: weighted sum of the top 3 of jnp.sort(x).
def top3(x, w):
    return jnp.sum(jnp.sort(x)[-3:] * w)


grad_cases("top3", top3, f32(7), f32(3))


# --- 7. Gather / scatter indexing with repeated indices.
IDX = np.array([0, 2, 2, 5, 0, 2], np.int32)


def gather(x, idx, w):
    return jnp.sum(x[idx] * w)


def gather_rows(x, idx):
    return jnp.sum(jnp.sin(x[idx, :]) * x[:, idx].T)


def scatter_add(x, u, idx):
    return jnp.sum(jnp.sin(x.at[idx].add(u)))


def scatter_set(x, u, idx):
    return jnp.sum(jnp.cos(x.at[idx].set(u)) * x)


grad_cases("gather", gather, f32(6), IDX, f32(6))
grad_cases("gather_rows", gather_rows, f32(6, 6), np.array([5, 1, 1, 3], np.int32))
case("scatter_add;grad01", jax.grad(scatter_add, argnums=(0, 1)), f32(6), f32(6), IDX)
case("scatter_set;grad01", jax.grad(scatter_set, argnums=(0, 1)), f32(6), f32(3), np.array([4, 1, 3], np.int32))


def dyn_slice(x, i):
    return jnp.sum(lax.dynamic_slice(x, (i,), (3,)) ** 2)


case("dyn_slice;grad", jax.grad(dyn_slice), f32(7), np.array(2, np.int32))
case("dyn_slice;grad;clamped", jax.grad(dyn_slice), f32(7), np.array(6, np.int32))


# --- 8. Higher order: third derivative of a scalar function; hessians.
def cubic(x):
    return jnp.sin(x) * jnp.exp(x * 0.5) + x ** 3


for i, x in enumerate([0.3, -1.25, 2.0]):
    case(f"cubic;grad3;{i}", jax.grad(jax.grad(jax.grad(cubic))), np.float64(x))
    case(f"cubic;grad2;{i}", jax.grad(jax.grad(cubic)), np.float64(x))
case("cubic;grad3;f32", jax.grad(jax.grad(jax.grad(cubic))), np.float32(0.7))


def poly(x):
    return jnp.sum(x ** 2 * jnp.sin(x)) + x[0] * x[1] * x[2] + jnp.exp(x[3] * x[0])


case("poly;hessian", jax.hessian(poly), f64(4))
case("poly;jacfwd_jacrev", jax.jacfwd(jax.jacrev(poly)), f64(4))
case("poly;hessian;f32", jax.hessian(poly), f32(4))


# --- 9. Jacobians of vector functions, jvp and vjp.
def vec(x):
    return jnp.stack([jnp.sin(x[0] * x[1]), jnp.exp(x[2]) * x[0], x[1] ** 2 - x[2], jnp.sum(jnp.tanh(x))])


X3 = f32(3)
case("vec;jacfwd", jax.jacfwd(vec), X3)
case("vec;jacrev", jax.jacrev(vec), X3)
case("vec;jvp", lambda x, t: jax.jvp(vec, (x,), (t,)), X3, f32(3))
case("vec;vjp", lambda x, ct: jax.vjp(vec, x)[1](ct)[0], X3, f32(4))


def softmax_vec(x):
    return jax.nn.softmax(x)


case("softmax;jacfwd", jax.jacfwd(softmax_vec), f32(5))
case("softmax;jacrev", jax.jacrev(softmax_vec), f32(5))


def mat_fn(a):
    return jnp.tanh(a @ a.T)


case("mat_fn;jacrev", jax.jacrev(mat_fn), f32(2, 3))
case("mat_fn;jacfwd", jax.jacfwd(mat_fn), f32(2, 3))


# --- 10. argnums, has_aux, value_and_grad.
def with_aux(x, y):
    return jnp.sum(x * y ** 2) + jnp.sum(jnp.sin(x)), x * 2.0


case("with_aux;grad01_aux", lambda x, y: (lambda gs, aux: (*gs, aux))(*jax.grad(with_aux, argnums=(0, 1),
                                                                                    has_aux=True)(x, y)),
     f32(4), f32(4))


def tanh_dot(x):
    return jnp.sum(jnp.tanh(x) * x)


case("tanh_dot;vg", jax.value_and_grad(tanh_dot), f32(2, 3))


# --- 11. The where-trick: the naive form's gradient is NaN where the unselected branch's
# derivative is infinite or NaN (JAX's FAQ); the safe form stays finite.
def sqrt_where_naive(x):
    return jnp.sum(jnp.where(x > 0, jnp.sqrt(x), 0.0))


def sqrt_where_safe(x):
    return jnp.sum(jnp.where(x > 0, jnp.sqrt(jnp.where(x > 0, x, 1.0)), 0.0))


EDGE = np.array([-1.0, 0.0, 0.25, 4.0], np.float32)
grad_cases("sqrt_where_naive", sqrt_where_naive, EDGE)
grad_cases("sqrt_where_safe", sqrt_where_safe, EDGE)


# --- 12. Conventions: max/min ties split evenly, abs at 0, clip at its bounds, prod with zeros.
def max_all(x):
    return jnp.max(x)


def max_rows(x):
    return jnp.sum(jnp.max(x, axis=1) * jnp.arange(1.0, 4.0))


def min_all(x):
    return jnp.min(x)


def maximum_min(x, y):
    return jnp.sum(jnp.maximum(x, y) * 2.0 + jnp.minimum(x, y))


def abs_sum(x):
    return jnp.sum(jnp.abs(x) * jnp.arange(1.0, 7.0))


def clip_sum(x):
    return jnp.sum(jnp.clip(x, -1.0, 1.0))


def prod_all(x):
    return jnp.prod(x)


TIES = np.array([1.0, 3.0, 3.0, 2.0, -1.0], np.float32)
grad_cases("max_ties", max_all, TIES)
grad_cases("min_ties", min_all, np.array([2.0, -1.0, 0.5, -1.0, -1.0], np.float32))
grad_cases("max_rows_ties", max_rows, np.array([[1, 2, 2], [5, 5, 5], [0, -1, 3]], np.float32))
case("maximum_min_ties;grad01", jax.grad(maximum_min, argnums=(0, 1)), np.array([1, 2, 3, -1], np.float32),
     np.array([1, 0, 3, 2], np.float32))
grad_cases("abs_zero", abs_sum, np.array([-2.0, -0.0, 0.0, 3.0, -0.5, 1e-3], np.float32))
grad_cases("clip_bounds", clip_sum, np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 0.5], np.float32))
grad_cases("prod_one_zero", prod_all, np.array([2.0, 0.0, 3.0, -1.5], np.float32))
grad_cases("prod_two_zeros", prod_all, np.array([2.0, 0.0, 3.0, 0.0], np.float32))
grad_cases("prod_no_zero", prod_all, f32(5, lo=0.5, hi=1.5))


# --- 13. Elementwise math, structure, reductions.
def pow_fn(x, y):
    return jnp.sum(x ** y)


case("pow;grad01", jax.grad(pow_fn, argnums=(0, 1)), np.array([0.0, 1.0, 2.0, 0.5], np.float32),
     np.array([2.5, 2.5, 0.5, -1.5], np.float32))


def pow_const(x):
    return jnp.sum(x ** 2.5 + x ** 3 - 2.0 * x ** 2 + 1.0 / (1.0 + x ** 2))


grad_cases("pow_const", pow_const, np.array([0.0, 1.0, 2.0, 0.25, 3.5], np.float32))


def special(x):
    return jnp.sum(jsp.erf(x) * jnp.log1p(x ** 2) + jnp.expm1(x * 0.5) * jsp.gammaln(x + 3.0))


grad_cases("special", special, f32(2, 3))
case("special;hessian", jax.hessian(lambda x: special(x)), f64(3))


def structural(x, w):
    parts = [x.T.reshape(-1), x[1:, ::2].ravel(), jnp.flip(x, 0).ravel(), jnp.pad(x, ((1, 2), (0, 1))).ravel()]
    return jnp.sum(jnp.concatenate(parts) * w)


grad_cases("structural", structural, f32(3, 4), f32(12 + 4 + 12 + 30))


def batched_matmul(a, b):
    return jnp.sum(jnp.matmul(a, b) ** 2)


case("batched_matmul;grad01", jax.grad(batched_matmul, argnums=(0, 1)), f32(2, 3, 4), f32(2, 4, 5))


def stats(x):
    return jnp.sum(jnp.std(x, axis=0)) + jnp.var(x) + jnp.mean(x ** 2)


grad_cases("stats", stats, f32(4, 3))


def cumulative(x, w):
    return jnp.sum(jnp.cumprod(x) * w) + jnp.sum(jnp.cumsum(x) ** 2)


grad_cases("cumulative", cumulative, f32(6, lo=0.5, hi=1.5), f32(6))


def argmax_take(x):
    return jnp.sum(jnp.take_along_axis(x, jnp.argmax(x, axis=1, keepdims=True), axis=1) * jnp.arange(1.0, 4.0)[:, None])


grad_cases("argmax_take", argmax_take, f32(3, 4))


def two_arg(x, y):
    return jnp.sum(jnp.arctan2(x, y) + jnp.hypot(x, y) + jnp.logaddexp(x, y))


case("two_arg;grad01", jax.grad(two_arg, argnums=(0, 1)), np.array([1.0, -2.0, 0.5, 3.0], np.float32),
     np.array([0.5, 1.5, -0.25, -2.0], np.float32))


def logaddexp_sum(x, y):
    return jnp.sum(jnp.logaddexp(x, y))


# Ties: JAX's custom JVP of logaddexp gives 1/2 to each side (the composition's would not).
case("logaddexp_ties;grad01", jax.grad(logaddexp_sum, argnums=(0, 1)), np.array([0.5, 0.0, -0.0, 2.0], np.float32),
     np.array([0.5, 0.0, 0.0, 2.0], np.float32))


def activations(x):
    return jnp.sum(jax.nn.gelu(x) + jax.nn.silu(x) * jax.nn.softplus(x) + jax.nn.elu(x) - jax.nn.log_sigmoid(x) +
                   jax.nn.standardize(x) * jax.nn.sigmoid(x))


grad_cases("activations", activations, f32(2, 5))


# --- 14. Equation counts of make_jaxpr(grad(f)) (besides linreg above).
def sin_mul(x):
    return jnp.sum(jnp.sin(x) * x)


def tanh_layer(w, x):
    return jnp.sum(jnp.tanh(jnp.dot(x, w)))


def exp_ratio(x):
    return jnp.sum(jnp.exp(x) / (1.0 + x * x))


def lse_lax(x):
    m = lax.stop_gradient(lax.reduce_max(x, (0,)))
    return lax.log(lax.reduce_sum(lax.exp(lax.sub(x, m)), (0,))) + m


def mse_lax(w, x, y):
    d = lax.sub(lax.dot(x, w), y)
    return lax.reduce_sum(lax.mul(d, d), (0, 1))


for name, f, ins in [("sin_mul", sin_mul, (f32(5),)), ("tanh_layer", tanh_layer, (f32(4, 3), f32(6, 4))),
                     ("exp_ratio", exp_ratio, (f32(5),)), ("lse_lax", lse_lax, (f32(6),)),
                     ("mse_lax", mse_lax, (f32(4, 2), f32(5, 4), f32(5, 2)))]:
    grad_cases(name, f, *ins)
    eqns(name, f, *ins)


def relu_sum(x):
    return jnp.sum(jax.nn.relu(x))


grad_cases("relu_sum", relu_sum, np.array([-1.0, 0.0, 2.0, -0.0, 0.5], np.float32))
eqns("relu_sum", relu_sum, np.array([-1.0, 0.0, 2.0, -0.0, 0.5], np.float32))
eqns("mlp", mlp_loss, *MLP, argnums=(0, 1, 2, 3))

g.save()
