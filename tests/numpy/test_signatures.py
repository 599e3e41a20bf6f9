"""numpy's signatures on the jaxlike.numpy surface: every required name exists, accepts numpy's keyword
names, and takes numpy's positional arguments in numpy's order (so ``sum(x, 0, None, None, True)`` and
``clip(x, a_min=0)`` mean what they mean in numpy). Each gap is either fixed or listed in ``NOT_SUPPORTED``
with the reason.
"""

import inspect

import numpy as np
import pytest

import jaxlike.numpy as jnp

REQUIRED = """
abs absolute fabs sign negative reciprocal square sqrt cbrt exp exp2 expm1 log log2 log10 log1p sin cos tan arcsin
arccos arctan sinh cosh tanh arcsinh arccosh arctanh deg2rad rad2deg degrees radians sinc floor ceil round mod
remainder fmod true_divide divide power hypot arctan2 logaddexp logaddexp2 maximum minimum fmax fmin clip nan_to_num
where select
sum prod mean var std max min amax amin cumsum cumprod diff trace all any
reshape ravel transpose moveaxis rollaxis swapaxes squeeze expand_dims atleast_1d atleast_2d atleast_3d concatenate
stack hstack vstack dstack column_stack row_stack append split array_split hsplit vsplit dsplit tile repeat flip
fliplr flipud rot90 roll pad diag diagonal tril triu kron outer inner cross sort msort partition r_ c_ s_ index_exp
dot matmul tensordot einsum vdot
array asarray zeros ones full empty_like zeros_like ones_like full_like eye identity arange linspace
float16 float32 float64
""".split()

LINALG = "inv solve det slogdet cholesky eigh svd pinv norm".split()

# numpy parameters we accept no value for, and why. Ufuncs' extras (out, where, casting, order, dtype,
# subok, signature) are not listed per function: traced arrays are immutable and the result dtype follows
# numpy's promotion.
NOT_SUPPORTED = {
    "out": "traced arrays are immutable: use the return value",
    "like": "array-API dispatch does not apply",
    "device": "placement is compile(device=...)",
    "order": "arrays are C-ordered",
    "subok": "no ndarray subclasses",
    "copy": "traced values are never aliased",
    "ndmin": "use atleast_nd or reshape",
    "ndmax": "use atleast_nd or reshape",
    "kind": "sorts are always stable",
    "stable": "sorts are always stable",
    "hermitian": "pinv/svd/matrix_rank use the SVD for every matrix",
    "start_or_stop": "numpy's own signature text for arange([start,] stop[, step]); positional use is the same",
}
ALIASES = {"start_or_stop": "start"}  # numpy's text signature of arange names its first argument so
UFUNC_EXTRAS = {"out", "where", "casting", "order", "dtype", "subok", "signature", "extobj", "axes", "axis",
                "keepdims"}


def _params(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None


@pytest.mark.parametrize("name", REQUIRED)
def test_required_name_exists(name):
    assert hasattr(jnp, name), f"jaxlike.numpy.{name} is missing"


@pytest.mark.parametrize("name", LINALG)
def test_required_linalg_name_exists(name):
    assert hasattr(jnp.linalg, name), f"jaxlike.numpy.linalg.{name} is missing"


def _cases():
    out = [(n, getattr(np, n, None), getattr(jnp, n)) for n in REQUIRED]
    out += [(f"linalg.{n}", getattr(np.linalg, n), getattr(jnp.linalg, n)) for n in LINALG]
    return [(n, a, b) for n, a, b in out if callable(a) and _params(a) is not None and _params(b) is not None]


@pytest.mark.parametrize("name,np_fn,jnp_fn", _cases(), ids=[c[0] for c in _cases()])
def test_numpys_parameters_are_accepted_in_numpys_order(name, np_fn, jnp_fn):
    ours, theirs = _params(jnp_fn), _params(np_fn)
    ufunc = isinstance(np_fn, np.ufunc)
    # NOTE: a ufunc's operands are positional-only (np.add(x1=1, x2=2) is a TypeError), so only their order
    # matters, not their names.
    operands = list(theirs)[:np_fn.nin] if ufunc else []
    missing = [p for p in theirs if p not in ours and p not in NOT_SUPPORTED and p not in operands
               and not (ufunc and p in UFUNC_EXTRAS) and theirs[p].kind is not inspect.Parameter.VAR_KEYWORD]
    assert not missing, f"{name}: numpy's parameters {missing} are not accepted"
    positional = [ALIASES.get(p, p) for p, v in theirs.items() if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
    ours_pos = [p for p, v in ours.items() if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
    if ufunc:
        assert len(ours_pos) >= np_fn.nin, f"{name}: takes {len(ours_pos)} positional operands, numpy {np_fn.nin}"
        return
    if ours_pos and positional and not any(v.kind is v.VAR_POSITIONAL for v in ours.values()):
        n = min(len(ours_pos), len(positional))
        assert ours_pos[:n] == positional[:n], f"{name}: positional order {ours_pos} differs from numpy's {positional}"


METHOD_CALLS = {
    "cumsum": lambda v: v.cumsum(axis=1), "cumprod": lambda v: v.cumprod(), "trace": lambda v: v.trace(),
    "round": lambda v: v.round(1), "argsort": lambda v: v.argsort(), "diagonal": lambda v: v.diagonal(),
    "repeat": lambda v: v.repeat(2, axis=0), "clip": lambda v: v.clip(0, 1), "clip max=": lambda v: v.clip(max=0.7),
}


@pytest.mark.parametrize("name", sorted(METHOD_CALLS))
def test_array_methods_match_numpys(name):
    """Catches: a numpy array method missing on traced values, or bound to a function with other arguments."""
    import jaxlike
    x = np.array([[1.26, -2.5], [0.5, 3.0]])
    call = METHOD_CALLS[name]
    np.testing.assert_allclose(jaxlike.compile(call, mode="FAST_COMPILE")(x), call(x))
