"""Writes golden files: inputs, JAX's outputs and JAX's jaxpr text for named cases.

Each family of tests has a script tests/golden/gen_<family>.py that calls `case(...)`
for every case and `save()` at the end; tests/golden/generate.py runs them all. The
C++ suite reads tests/golden/data/<family>.txt (tests/support/golden.hpp), so CI needs
no Python. Run by hand, in a virtualenv with the pinned jax:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install -r tests/golden/requirements.txt
    /tmp/venv/bin/python tests/golden/generate.py

File format, one block per case:

    case <name>
    in <dtype> [<dims,comma,separated>] <values...>
    out <dtype> [<dims>] <values...>
    jaxpr <number of lines>
    <the lines of str(jax.make_jaxpr(fn)(*inputs))>
    end

Values: integers in decimal, bools as 0/1, floats as C99 hex floats of their exact
value (float.hex()), or nan / inf / -inf.
"""

import os

import jax
import numpy as np

jax.config.update("jax_platforms", "cpu")

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

_SIXTY_FOUR = {"float64", "int64", "uint64"}


def _dtype_name(a):
    return str(np.asarray(a).dtype)


def _values(a):
    a = np.asarray(a)
    name = str(a.dtype)
    flat = a.reshape(-1)
    if name == "bool":
        return " ".join("1" if v else "0" for v in flat)
    if name.startswith(("int", "uint")):
        return " ".join(str(int(v)) for v in flat)
    out = []
    for v in flat.astype(np.float64):
        if np.isnan(v):
            out.append("nan")
        elif np.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(float(v).hex())
    return " ".join(out)


def _line(tag, a):
    a = np.asarray(a)
    dims = ",".join(str(d) for d in a.shape)
    vals = _values(a)
    return f"{tag} {_dtype_name(a)} [{dims}]" + (f" {vals}" if vals else "")


class Golden:
    """Collects the cases of one family and writes data/<family>.txt."""

    def __init__(self, family):
        self.family = family
        self.blocks = []
        self.names = set()

    def case(self, name, fn, *inputs, jaxpr=True, x64=None):
        """Records fn(*inputs) (inputs: numpy arrays with explicit dtypes).

        64-bit inputs run with jax_enable_x64 (x64=True forces it, for a function
        that makes 64-bit arrays from narrower inputs or from none). `fn` may return
        an array or a tuple/list of arrays. With jaxpr=False the jaxpr text is not
        recorded.
        """
        if name in self.names:
            raise ValueError(f"duplicate case {name}")
        self.names.add(name)
        inputs = [np.asarray(x) for x in inputs]
        if x64 is None:
            x64 = any(_dtype_name(x) in _SIXTY_FOUR for x in inputs)
        with jax.enable_x64(x64):
            out = fn(*inputs)
            outs = list(out) if isinstance(out, (tuple, list)) else [out]
            outs = [np.asarray(o) for o in outs]
            text = str(jax.make_jaxpr(fn)(*inputs)) if jaxpr else ""
        lines = [f"case {name}"]
        lines += [_line("in", x) for x in inputs]
        lines += [_line("out", o) for o in outs]
        tl = text.split("\n") if text else []
        lines.append(f"jaxpr {len(tl)}")
        lines += tl
        lines.append("end")
        self.blocks.append("\n".join(lines))

    def error(self, name, fn, *inputs, x64=None):
        """Records that JAX rejects fn(*inputs) (the C++ test expects an xjax::error)."""
        inputs = [np.asarray(x) for x in inputs]
        if x64 is None:
            x64 = any(_dtype_name(x) in _SIXTY_FOUR for x in inputs)
        try:
            with jax.enable_x64(x64):
                fn(*inputs)
        except Exception:  # noqa: BLE001 - any rejection counts
            return
        raise AssertionError(f"{name}: JAX accepted it")

    def save(self):
        os.makedirs(DATA_DIR, exist_ok=True)
        path = os.path.join(DATA_DIR, f"{self.family}.txt")
        with open(path, "w") as f:
            f.write(f"# xjax golden data: {self.family}, written by tests/golden/gen_{self.family}.py "
                    f"with jax {jax.__version__}\n")
            f.write("\n".join(self.blocks) + "\n")
        print(f"wrote {len(self.blocks)} cases to {path}")


def rng(seed=0):
    return np.random.default_rng(seed)
