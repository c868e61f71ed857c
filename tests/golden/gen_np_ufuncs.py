"""Golden data for xjax::numpy's elementwise functions and the operators on arrays
(tests/test_np_ufuncs.cpp, tests/test_np_operators.cpp), from jax.numpy 0.10.2.

Each case name encodes the call, so that the C++ tests replay it without a second
copy of the table:

    <op>;args=<tokens>[;<key>=<value>...];<tag>

<op> is a jax.numpy function name (add, where, clip, round, nan_to_num, ...) or, for
the C++ operators, op_<name> (op_add is `x + y`, op_neg is `-x`, op_eq is `x == y`...).
<tokens> are comma-separated, one per argument:
    A        the next input array of the case (traced by make_jaxpr)
    F<repr>  a Python float (a weakly typed C++ double), e.g. F2.5, Finf, Fnan
    I<int>   a Python int (a weakly typed C++ int)
    N        None (std::nullopt: clip's missing bound)
Keys: round: decimals; nan_to_num: nan, posinf, neginf (a float or None).

Cases with a 64-bit input run with jax_enable_x64 (golden.py). JAX's 64-bit-mode
defaults then agree with xjax's: int64 / uint64 go to float64 in inexact functions
(to_inexact_dtype) and in rint, and no case relies on the x64 default int or float
(bool-only arguments of integer functions and weak-only arguments run without x64).

Errors JAX raises are checked here with g.error (not saved); the C++ suites mirror them.
"""

import operator

import jax
import jax.numpy as jnp
import numpy as np

from golden import Golden, rng

g = Golden("np_ufuncs")
r = rng(20251125)

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "bfloat16", "float32", "float64"]
INTS = [d for d in ALL if d.startswith(("int", "uint"))]
FLOATS = ["float16", "bfloat16", "float32", "float64"]


def np_dtype(name):
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def shape_tag(shape):
    return "x".join(str(s) for s in shape) if shape else "scalar"


def data(dtype, shape, kind="normal"):
    """Random values. Floats: "normal" (a few units, with NaN, +-inf and +-0 when there
    is room), "finite", "unit" (in (-1, 1)), "pos" (> 0); integers: "normal" (small,
    signed where the dtype is), "wide" (the dtype's range), "shift" (shift amounts,
    some out of range), "pos" (>= 1); bools at random."""
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return r.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        if kind == "wide":
            return r.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
        if kind == "shift":
            bits = info.bits
            lo = -2 if info.min < 0 else 0
            return r.integers(lo, bits + 3, size=shape).astype(dtype)
        if kind == "pos":
            return r.integers(1, 6, size=shape).astype(dtype)
        lo = -7 if info.min < 0 else 0
        return r.integers(lo, 8, size=shape).astype(dtype)
    if kind == "unit":
        vals = r.uniform(-0.99, 0.99, size=n)
    elif kind == "pos":
        vals = r.uniform(0.1, 5, size=n)
    else:
        vals = np.round(r.standard_normal(n) * 3, 2)
        if kind == "normal" and n >= 6:
            vals[:5] = [np.nan, np.inf, -np.inf, 0.0, -0.0]
            r.shuffle(vals)
    return vals.astype(np_dtype(dtype)).reshape(shape)


def parse_tokens(tokens):
    out = []
    for t in tokens:
        if t == "A":
            out.append(("A", None))
        elif t == "N":
            out.append(("N", None))
        elif t[0] == "F":
            out.append(("F", float(t[1:])))
        elif t[0] == "I":
            out.append(("I", int(t[1:])))
        else:
            raise ValueError(t)
    return out


def build_args(tokens, arrays):
    it = iter(arrays)
    args = []
    for kind, v in parse_tokens(tokens):
        if kind == "A":
            args.append(jnp.asarray(next(it)))
        elif kind == "N":
            args.append(None)
        else:
            args.append(v)
    return args


OPERATORS = {
    "op_add": operator.add, "op_sub": operator.sub, "op_mul": operator.mul,
    "op_div": operator.truediv, "op_mod": operator.mod,
    "op_eq": operator.eq, "op_ne": operator.ne, "op_lt": operator.lt, "op_le": operator.le,
    "op_gt": operator.gt, "op_ge": operator.ge,
    "op_and": operator.and_, "op_or": operator.or_, "op_xor": operator.xor,
    "op_neg": operator.neg, "op_pos": operator.pos, "op_invert": operator.invert,
}


def call(op, args, params):
    if op in OPERATORS:
        return OPERATORS[op](*args)
    if op == "round":
        return jnp.round(args[0], decimals=int(params["decimals"]))
    if op == "nan_to_num":
        kw = {k: (None if params[k] == "None" else float(params[k])) for k in ("nan", "posinf", "neginf")}
        return jnp.nan_to_num(args[0], **kw)
    if op == "clip":
        return jnp.clip(args[0], args[1], args[2])
    return getattr(jnp, op)(*args)


def fmt_tok(v):
    if isinstance(v, bool):
        raise ValueError("bool scalar")
    if isinstance(v, int):
        return f"I{v}"
    return f"F{v!r}"


def needs_x64(inputs):
    """xjax promotes over JAX's 64-bit lattice (int32 + uint32 -> int64): a case whose
    arrays promote to a 64-bit type runs with x64, as one with a 64-bit input does."""
    if len(inputs) < 2:
        return None
    with jax.enable_x64(True):
        t = jnp.result_type(*[np.asarray(x).dtype for x in inputs])
    return True if np.dtype(t).itemsize == 8 else None


def case(op, tokens, *inputs, tag="", **params):
    kv = "".join(f";{k}={v}" for k, v in params.items())
    parts = [f"{op};args={','.join(tokens)}{kv}"]
    tag = tag or "_".join(f"{np.asarray(x).dtype}[{shape_tag(np.shape(x))}]" for x in inputs) or "scalars"
    name = f"{parts[0]};{tag}"
    g.case(name, lambda *xs: call(op, build_args(tokens, xs), params), *inputs, x64=needs_x64(inputs))


def unary(op, dtypes, kind="normal", shapes=((2, 3), (), (0,)), weak=True):
    for i, d in enumerate(dtypes):
        for s in shapes if i == 0 else shapes[:1]:
            case(op, ["A"], data(d, s, kind))
    if weak:
        case(op, ["F2.5"], tag="weak_float")
        case(op, ["I3"], tag="weak_int")


def binary(op, pairs, kind="normal", kind2=None, scalars=(2.5, 3), shapes=(((2, 3), (2, 3)), ((2, 3), (3,)),
                                                                          ((3, 1), (1, 4)), ((), (3,)), ((0,), (1,)))):
    kind2 = kind2 or kind
    for i, (a, b) in enumerate(pairs):
        for sa, sb in shapes if i == 0 else shapes[1:2]:
            case(op, ["A", "A"], data(a, sa, kind), data(b, sb, kind2))
    for a, _ in pairs[:3]:
        for s in scalars:
            case(op, ["A", fmt_tok(s)], data(a, (4,), kind), tag=f"{a}_scalar_right")
            case(op, [fmt_tok(s), "A"], data(a, (4,), kind2), tag=f"{a}_scalar_left")


# --------------------------------------------------------------------------------
# Promotion: add and multiply between every pair of dtypes, and with C++ scalars.
for op in ("add", "multiply"):
    for a in ALL:
        for b in ALL:
            case(op, ["A", "A"], data(a, (4,), "finite"), data(b, (4,), "finite"), tag=f"promote_{a}_{b}")
    for a in ALL:
        for s in (3, 2.5, -1):
            case(op, ["A", fmt_tok(s)], data(a, (4,), "finite"), tag=f"weak_{a}_right")
            case(op, [fmt_tok(s), "A"], data(a, (4,), "finite"), tag=f"weak_{a}_left")
    case(op, ["F2.5", "I3"], tag="weak_both")
    case(op, ["I2", "I3"], tag="weak_ints")
# Broadcasting shapes, 0-d and empty arrays.
for sa, sb in [((2, 3), (3,)), ((3, 1), (1, 4)), ((2, 1, 3), (4, 1)), ((), (2, 3)), ((0,), (1,)), ((2, 0), (2, 1)),
               ((1,), ()), ((5, 1, 1), (1, 2, 3))]:
    case("add", ["A", "A"], data("float32", sa), data("int8", sb), tag=f"bcast_{shape_tag(sa)}_{shape_tag(sb)}")
    case("multiply", ["A", "A"], data("int16", sa), data("uint8", sb), tag=f"bcast_{shape_tag(sa)}_{shape_tag(sb)}")

# --------------------------------------------------------------------------------
# Unary functions.
FLOATISH = ["float32", "float16", "bfloat16", "float64", "int32", "uint8", "bool", "int64"]
for op in ["exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "sin", "cos", "tan",
           "arctan", "sinh", "cosh", "tanh", "arcsinh", "deg2rad", "rad2deg", "degrees", "radians", "sinc",
           "reciprocal", "fabs"]:
    unary(op, FLOATISH)
for op in ["arcsin", "arccos", "arctanh"]:
    unary(op, ["float32", "float16", "bfloat16", "float64"], kind="unit")
    unary(op, ["int8", "bool"], shapes=((4,),), weak=False)
unary("arccosh", ["float32", "float16", "float64", "int32"])
for op in ["negative", "positive", "absolute", "abs", "sign", "square"]:
    unary(op, [d for d in ALL if d != "bool"] if op in ("negative", "sign") else ALL)
for op in ["floor", "ceil", "rint", "trunc"]:
    unary(op, ALL)
for op in ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"]:
    unary(op, ALL)
unary("logical_not", ALL)
for op in ["bitwise_not", "invert", "bitwise_invert"]:
    unary(op, [d for d in ALL if d not in FLOATS], kind="wide", weak=False)
    case(op, ["I3"], tag="weak_int")
# round with decimals.
for d in ["float32", "float16", "bfloat16", "float64"]:
    for dec in (0, 1, 2, -1, 40):
        case("round", ["A"], data(d, (6,), "normal") * (10 if dec < 0 else 1), decimals=dec)
for d in ["int32", "uint8", "int64"]:
    case("round", ["A"], data(d, (4,)), decimals=1)
case("around", ["A"], data("float32", (2, 3)))
case("round", ["F2.5"], decimals=0, tag="weak")
# nan_to_num.
for d in FLOATS:
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0, 0.0], dtype=np_dtype(d))
    case("nan_to_num", ["A"], x, nan=0.0, posinf="None", neginf="None")
    case("nan_to_num", ["A"], x, nan=-1.5, posinf=100.0, neginf=-100.0)
case("nan_to_num", ["A"], data("int32", (3,)), nan=0.0, posinf="None", neginf="None")
case("nan_to_num", ["A"], np.zeros((0, 2), np.float32), nan=0.0, posinf="None", neginf="None")

# --------------------------------------------------------------------------------
# Binary functions.
MIXED = [("float32", "float32"), ("float16", "int8"), ("int32", "int32"), ("bfloat16", "float16"),
         ("uint8", "int8"), ("float64", "int64"), ("bool", "bool")]
for op in ["add", "subtract", "multiply", "maximum", "minimum", "equal", "not_equal", "less", "less_equal",
           "greater", "greater_equal"]:
    binary(op, MIXED if op != "subtract" else MIXED[:-1])
for op in ["divide", "true_divide", "arctan2", "hypot", "logaddexp", "logaddexp2", "float_power", "nextafter",
           "copysign", "heaviside", "fmax", "fmin"]:
    binary(op, [("float32", "float32"), ("float16", "int8"), ("int32", "int32"), ("bfloat16", "bfloat16"),
                ("float64", "float32"), ("uint8", "bool")])
for op in ["floor_divide", "remainder", "mod", "fmod"]:
    binary(op, [("int32", "int32"), ("int8", "int16"), ("uint8", "uint8"), ("float32", "float32"),
                ("float16", "float16"), ("int64", "int64"), ("uint32", "int32"), ("bool", "bool"),
                ("float64", "int8")])
    # Edge values: zero divisors, INT_MIN, signs of zero and infinities.
    case(op, ["A", "A"], np.array([7, -7, 7, -7, 0, -128, -128, 5], np.int8),
         np.array([2, 2, -2, -2, 0, -1, 0, 0], np.int8), tag="edges_int8")
    case(op, ["A", "A"], np.array([7.5, -7.5, 7.5, -7.5, 0.0, -0.0, np.inf, 1.0, np.nan, 3.0], np.float32),
         np.array([2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 2.0, np.inf, 1.0, 0.0], np.float32), tag="edges_float32")
for op in ["logical_and", "logical_or", "logical_xor"]:
    binary(op, [("bool", "bool"), ("int32", "float32"), ("uint8", "bool"), ("float16", "float16")])
for op in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
    binary(op, [("bool", "bool"), ("int32", "int32"), ("uint8", "int8"), ("uint16", "uint16"),
                ("int64", "uint32")], kind="wide", scalars=(3, -1))
for op in ["left_shift", "right_shift"]:
    binary(op, [("int32", "int32"), ("uint8", "uint8"), ("int8", "int8"), ("uint32", "int16"), ("int64", "int64"),
                ("bool", "bool")], kind="wide", kind2="shift", scalars=(1, 3))
# power: float and integer exponents, integer powers of integers (negative ones too).
binary("power", [("float32", "float32"), ("float16", "int8"), ("int32", "int32"), ("uint8", "uint8"),
                 ("float64", "int64"), ("bfloat16", "float32"), ("int8", "float16"), ("bool", "bool")],
       scalars=(2, 3, 0, 2.5))
case("power", ["A", "A"], np.array([2, -3, 0, 0, 1, -1, 5, 2], np.int32), np.array([10, 3, 0, 5, -2, -3, -1, 31], np.int32),
     tag="int_edges")
case("power", ["A", "I-1"], data("float32", (4,)), tag="reciprocal")
case("power", ["A", "I-2"], data("float16", (4,)), tag="inverse_square")
case("pow", ["A", "A"], data("float32", (3,), "pos"), data("float32", (3,)))
case("power", ["F2.0", "A"], data("int32", (4,)), tag="weak_base_int_exponent")
case("power", ["I2", "A"], data("int8", (4,), "shift"), tag="weak_int_base")
# where, clip.
for cd, xd, yd, sc, sx, sy in [("bool", "float32", "float32", (2, 3), (2, 3), (2, 3)),
                               ("bool", "int8", "float16", (3,), (2, 3), ()),
                               ("int32", "int32", "uint8", (2, 1), (1, 3), (3,)),
                               ("float32", "bfloat16", "bfloat16", (), (4,), (4,)),
                               ("bool", "float32", "float32", (0,), (0,), (1,)),
                               ("bool", "int64", "float32", (2, 2), (2, 2), (2, 2))]:
    case("where", ["A", "A", "A"], data(cd, sc), data(xd, sx), data(yd, sy))
case("where", ["A", "A", "F0.0"], data("bool", (5,)), data("float16", (5,)), tag="weak_y")
case("where", ["A", "I1", "F-1.5"], data("bool", (2, 2)), tag="weak_both")
case("where", ["A", "I1", "I-1"], data("bool", (3,)), tag="weak_ints")
for toks, ins in [(["A", "A", "A"], (data("float32", (2, 3)), data("float32", (3,)), data("float32", ()) + 2)),
                  (["A", "F-1.0", "F1.0"], (data("float32", (6,)),)),
                  (["A", "I0", "N"], (data("int32", (6,)),)),
                  (["A", "N", "I2"], (data("uint8", (6,)),)),
                  (["A", "F-0.5", "F0.5"], (data("float16", (2, 3)),)),
                  (["A", "N", "N"], (data("int8", (3,)),)),
                  (["A", "F0.5", "F2.5"], (data("int32", (4,)),)),
                  (["A", "A", "N"], (data("int8", (4,)), data("float32", (4,))))]:
    case("clip", toks, *ins)

# --------------------------------------------------------------------------------
# Operators (tests/test_np_operators.cpp).
OPS_NUMERIC = ["op_add", "op_sub", "op_mul", "op_div", "op_mod", "op_eq", "op_ne", "op_lt", "op_le", "op_gt", "op_ge"]
OPS_BITS = ["op_and", "op_or", "op_xor"]
for op in OPS_NUMERIC:
    for a, b in [("float32", "float32"), ("int8", "int16"), ("float16", "uint8"), ("int32", "float64")]:
        case(op, ["A", "A"], data(a, (2, 3), "finite"), data(b, (3,), "finite"))
    for a in ["float32", "float16", "bfloat16", "int8", "uint8", "int32", "int64", "float64"]:
        for s in (2, 2.5):
            case(op, ["A", fmt_tok(s)], data(a, (4,), "finite"), tag=f"{a}_scalar_right")
            case(op, [fmt_tok(s), "A"], data(a, (4,), "finite"), tag=f"{a}_scalar_left")
    case(op, ["A", "A"], data("float32", ()), data("float32", (0,)), tag="scalar_and_empty")
for op in OPS_BITS:
    for a, b in [("bool", "bool"), ("int8", "int8"), ("uint8", "int16"), ("int32", "bool")]:
        case(op, ["A", "A"], data(a, (2, 3), "wide"), data(b, (3,), "wide"))
    for a in ["int8", "uint16", "bool"]:
        case(op, ["A", "I3"], data(a, (4,), "wide"), tag=f"{a}_scalar_right")
        case(op, ["I5", "A"], data(a, (4,), "wide"), tag=f"{a}_scalar_left")
for op in ["op_neg", "op_pos"]:
    for a in ["float32", "float16", "int8", "uint8", "int64"]:
        case(op, ["A"], data(a, (2, 3)))
for a in ["int8", "uint8", "bool", "int32"]:
    case("op_invert", ["A"], data(a, (2, 3), "wide"))

# --------------------------------------------------------------------------------
# Errors JAX raises (mirrored by the C++ error tests).
f3, f4 = np.ones(3, np.float32), np.ones(4, np.float32)
i3 = np.ones(3, np.int32)
g.error("add_shapes", lambda a, b: jnp.add(a, b), f3, f4)
g.error("multiply_shapes", lambda a, b: jnp.multiply(a, b), np.ones((2, 3), np.float32), np.ones((3, 2), np.float32))
g.error("where_shapes", lambda c, a, b: jnp.where(c, a, b), np.ones(3, bool), f3, f4)
g.error("bitwise_and_float", lambda a, b: jnp.bitwise_and(a, b), f3, f3)
g.error("bitwise_or_float", lambda a, b: jnp.bitwise_or(a, b), i3, f3)
g.error("bitwise_not_float", lambda a: jnp.bitwise_not(a), f3)
g.error("left_shift_float", lambda a, b: jnp.left_shift(a, b), f3, i3)
g.error("right_shift_float", lambda a, b: jnp.right_shift(a, b), i3, f3)
g.error("power_negative_int", lambda a: jnp.power(a, -1), i3)
g.error("subtract_bool", lambda a: jnp.subtract(a, a), np.ones(3, bool))
g.error("negative_bool", lambda a: jnp.negative(a), np.ones(3, bool))
g.error("round_int_negative_decimals", lambda a: jnp.round(a, -1), i3)
g.error("clip_shapes", lambda a, b: jnp.clip(a, b), f3, f4)
g.error("op_xor_float", lambda a: jnp.asarray(a) ^ jnp.asarray(a), f3)
g.error("op_add_shapes", lambda a, b: jnp.asarray(a) + jnp.asarray(b), f3, f4)

g.save()
