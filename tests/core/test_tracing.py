"""Tracing: concrete arguments evaluate eagerly, traced ones build typed nodes that remember the user's line;
input types get symbolic sizes except the size-1 (broadcasting) dims; Python control flow on traced values
fails with an error that says what to do instead."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core import Var, TensorType, TracerBoolError, ConcretizationError
from jaxlike.core.types import Sym
from jaxlike.runtime.trace import trace, abstract_type


def _line_of(marker):
    """Line number in this file of the first line containing ``marker``."""
    lines = open(__file__).read().splitlines()
    return next(i + 1 for i, line in enumerate(lines) if marker in line and "_line_of" not in line)


def test_concrete_arguments_evaluate_eagerly():
    """Catches: jnp on plain arrays building graphs (autograd-style eager use must stay plain numpy)."""
    out = jnp.exp(np.array([0.0, 1.0])) @ np.ones(2)
    assert isinstance(out, np.ndarray) or np.isscalar(out)
    assert np.isclose(out, 1 + np.e)


def test_traced_nodes_record_the_user_line():
    x = Var(TensorType("float64", (3,)))
    y = jnp.tanh(x) * 2.0  # <- line of y
    assert y.source[0] == __file__ and y.source[1] == _line_of("# <- line of y")


def test_numpy_arrays_defer_to_traced_values():
    """Catches: np.ndarray + Var producing an object array instead of a graph node."""
    x = Var(TensorType("float64", (3,)))
    for out in (np.ones(3) + x, np.ones(3) * x, np.ones((2, 3)) @ x, np.float64(2.0) - x):
        assert isinstance(out, Var)


def test_input_types_keep_only_size_one_dims_static():
    """Catches: sizes leaking into the trace (one compile per batch size) or broadcasting dims lost."""
    t = abstract_type(np.ones((1, 4, 5)))
    assert t.shape[0] == 1 and all(isinstance(d, Sym) for d in t.shape[1:])
    assert t.shape[1] is not t.shape[2]
    assert abstract_type(np.ones((1, 4)), concrete_shapes=True).shape == (1, 4)
    assert abstract_type(2.0).weak and not abstract_type(np.float32(2)).weak


def test_trace_flattens_pytrees_of_arguments_and_results():
    ins, outs, tree = trace(lambda a, p: {"s": a * p["k"], "t": [a.sum()]}, (np.ones(3), {"k": 2.0}))
    assert len(ins) == 2 and ins[1].type.weak
    assert len(outs) == 2 and repr(tree) == "{'s': *, 't': [*]}"


def test_len_and_iteration_need_a_known_leading_size():
    x = Var(TensorType("float64", (2, 3)))
    assert len(x) == 2 and [r.shape for r in x] == [(3,), (3,)]
    with pytest.raises(ConcretizationError, match="symbolic"):
        len(Var(TensorType("float64", (Sym(), 3))))
    with pytest.raises(TypeError, match="0-d"):
        len(Var(TensorType("float64", ())))


@pytest.mark.parametrize("use", ["if", "while", "and", "assert", "bool"])
def test_python_control_flow_on_traced_values_names_the_line_and_the_fix(use):
    """Catches: `if x > 0:` on a traced value silently taking a branch, or an error that does not say where
    or what to use instead."""
    def f(x):
        c = x > 0
        if use == "if":
            if c:  # <- control flow
                return x
        elif use == "while":
            while c:  # <- control flow
                return x
        elif use == "and":
            return c and x  # <- control flow
        elif use == "assert":
            assert c  # <- control flow
        else:
            return bool(c)  # <- control flow
        return -x

    with pytest.raises(TracerBoolError) as info:
        jaxlike.grad(f)(1.0)
    msg = str(info.value)
    assert "jnp.where" in msg and "static_argnums" in msg
    where = msg.split("(at ")[1].split(")")[0]
    fname, lineno = where.split(":")
    assert fname == "test_tracing.py"
    assert int(lineno) == _line_of({"if": "if c:", "while": "while c:", "and": "return c and x",
                                    "assert": "assert c  #", "bool": "return bool(c)"}[use])


def test_float_of_a_traced_value_is_refused():
    x = Var(TensorType("float64", ()))
    with pytest.raises(TracerBoolError, match="float\\(\\) of a traced value"):
        float(x * 2)
    with pytest.raises(TracerBoolError, match="integer index"):
        range(x)
    for read, name in ((int, "int"), (complex, "complex"), (lambda v: v.item(), "item"),
                       (lambda v: v.tolist(), "tolist")):
        with pytest.raises(TracerBoolError, match=f"{name}.* of a traced value"):
            read(x)


def test_bad_arguments_get_errors_that_name_them():
    """Catches: internal exceptions (KeyError of a dtype name, 'float' object is not iterable, an array
    unpacked into arguments) where the user's argument was wrong."""
    x = np.ones(3)
    for dtype in ("str", "float128", []):
        with pytest.raises(TypeError, match="does not support a conversion to dtype"):
            jaxlike.compile(lambda v: jnp.asarray(v, dtype=dtype))(x)
    with pytest.raises(TypeError, match="indices_or_sections must be an int or a sequence"):
        jaxlike.grad(lambda v: jnp.split(v, 2.5)[0].sum())(x)
    with pytest.raises(TypeError, match="argnums must be an int or a tuple of ints, got 1.0"):
        jaxlike.grad(lambda a, b: a * b, argnums=1.0)(1.0, 2.0)
    with pytest.raises(TypeError, match="returned a tuple; .*has_aux=True"):
        jaxlike.grad(lambda v: (v.sum(), v))(x)
    with pytest.raises(TypeError, match="primals must be a tuple or list"):
        jaxlike.jvp(jnp.sin, x, x)


def test_numpy_scalar_arguments_are_not_weak():
    """Catches: np.float64 (a subclass of float) passed to a compiled function traced as a weak Python float,
    so float32 * np.float64(0.1) stayed float32 where numpy (and the eager path) give float64."""
    f = jaxlike.compile(lambda a, s: a * s)
    f32, i32 = np.ones(3, np.float32), np.ones(3, np.int32)
    for a, s in [(f32, np.float64(0.1)), (f32, 0.1), (f32, np.float32(0.1)), (f32, np.complex128(1j)),
                 (i32, np.int64(2)), (i32, 2)]:
        assert f(a, s).dtype == (a * s).dtype, (a.dtype, type(s))


def test_arange_of_a_symbolic_size_stays_symbolic():
    """jnp.arange(x.shape[0]) under compile is 0..n-1 of x's own size: one compilation serves every size
    (it asked for concrete sizes, which retraced per shape)."""
    c = jaxlike.compile(lambda a: jnp.arange(a.shape[0]) * a)
    assert np.array_equal(c(np.ones(3)), [0.0, 1.0, 2.0]) and np.array_equal(c(np.ones(5)), np.arange(5.0))
