"""Trace-time errors: a shape or axis mistake in user code raises TypeError/ValueError naming the op, the
operand types and the user's own source line, not a numpy traceback from deep inside jaxlike."""

import re

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core import ShapeError


def _line_of(marker):
    lines = open(__file__).read().splitlines()
    return next(i + 1 for i, line in enumerate(lines) if marker in line and "_line_of" not in line)


def _bad_dot(x):
    return jnp.sum(jnp.dot(x, np.ones((4, 5))))  # <- bad dot


def _bad_broadcast(x):
    return jnp.sum(x + np.ones(4))  # <- bad broadcast


def _bad_axis(x):
    return jnp.sum(x, axis=3)  # <- bad axis


def _bad_transpose(x):
    return jnp.sum(x.transpose((0, 2)))  # <- bad transpose


def _bad_reshape(x):
    return jnp.sum(jnp.reshape(x, (4,)))  # <- bad reshape


def _bad_concat(x):
    return jnp.sum(jnp.concatenate([x, jnp.ones((2, 2))], axis=0))  # <- bad concat


def _bad_where(x):
    return jnp.sum(jnp.where(x > 0, x, np.ones(4)))  # <- bad where


def _bad_matmul(x):
    return jnp.sum(x @ np.ones(4))  # <- bad matmul


CASES = [
    (_bad_dot, "# <- bad dot", ShapeError, ["contract", "f64[2,3]", "f64[4,5]", "3 and 4"]),
    (_bad_broadcast, "# <- bad broadcast", ShapeError, ["add", "f64[2,3]", "f64[4]", "cannot be broadcast"]),
    (_bad_axis, "# <- bad axis", np.exceptions.AxisError, ["sum", "axis 3", "rank 2"]),
    (_bad_transpose, "# <- bad transpose", np.exceptions.AxisError, ["transpose: axis 2", "rank 2"]),
    (_bad_reshape, "# <- bad reshape", ShapeError, ["reshape", "(2, 3)", "(4,)"]),
    (_bad_concat, "# <- bad concat", ShapeError, ["concatenate", "f64[2,3]", "f64[2,2]"]),
    (_bad_where, "# <- bad where", ShapeError, ["select", "f64[4]"]),
    (_bad_matmul, "# <- bad matmul", ShapeError, ["contract", "f64[2,3]", "f64[4]"]),
]


@pytest.mark.parametrize("fn,marker,error,words", CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("how", ["grad", "jvp", "eager_trace"])
def test_shape_errors_name_the_op_the_shapes_and_the_user_line(fn, marker, error, words, how):
    """Catches: shape errors surfacing as bare numpy messages, or pointing into jaxlike's own files."""
    x = np.ones((2, 3))
    with pytest.raises(error) as info:
        if how == "grad":
            jaxlike.grad(fn)(x)
        elif how == "jvp":
            jaxlike.jvp(fn, (x,), (x,))
        else:
            jaxlike.vjp(fn, x)
    assert isinstance(info.value, (TypeError, ValueError))
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{w!r} missing from: {msg}"
    assert f"(at test_errors.py:{_line_of(marker)})" in msg, msg


def test_grad_of_a_non_scalar_output_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"scalar-valued.*f64\[3\].*jaxlike.vjp or jaxlike.jacobian"):
        jaxlike.grad(lambda x: x * 2.0)(np.ones(3))


@pytest.mark.parametrize("arg,hint", [(3, "write 15.0, not 15"), (np.arange(3), "int64"),
                                      (np.array([True]), "bool")])
def test_grad_of_integer_or_bool_inputs_is_refused(arg, hint):
    """Catches: a silent zero gradient for an integer input (a common `f(15)` instead of `f(15.0)` slip)."""
    with pytest.raises(TypeError, match="floating-point inputs") as info:
        jaxlike.grad(lambda x: jnp.sum(x * 2.0))(arg)
    assert hint in str(info.value)


def test_grad_of_integer_output_is_refused():
    with pytest.raises(TypeError, match="floating-point output"):
        jaxlike.grad(lambda x: jnp.argmax(x))(np.ones(3))


def test_argnums_out_of_range_names_the_call():
    with pytest.raises(ValueError, match=re.escape("argnums=2 but the function was called with 2 arguments")):
        jaxlike.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match="has_aux=True requires the function to return a pair"):
        jaxlike.grad(lambda x: x * 2.0, has_aux=True)(1.0)


def test_unsupported_argument_types_are_named():
    with pytest.raises(TypeError, match="complex128"):
        jaxlike.grad(lambda x: jnp.sum(x))(np.ones(2, np.complex128))
    with pytest.raises(TypeError, match="str"):
        jaxlike.compile(lambda x: x)("hello")
