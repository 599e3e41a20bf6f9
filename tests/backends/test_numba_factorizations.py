"""eigh, svd and qr in compiled code: one LAPACK call per operand names all the outputs the graph reads
(``lowering_linalg._factorization``), no objmode, and the reference interpreter's results, NaN for a matrix
holding inf or NaN (JAX's answer) included."""

import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.backends import get_backend


def _everything(a, s):
    w, v = jnp.linalg.eigh(s)
    u, sv, vh = jnp.linalg.svd(a, full_matrices=False)
    uf, _, vhf = jnp.linalg.svd(a)
    q, r = jnp.linalg.qr(a)
    qc, rc = jnp.linalg.qr(a, mode="complete")
    return w, v, u, sv, vh, uf, vhf, q, r, qc, rc


@pytest.fixture(scope="module")
def compiled():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)      # NOTE: an objmode fallback warns
        fn = jaxlike.compile(_everything)
        fn(np.ones((3, 2)), np.eye(3))
    return fn


def _reference(a, s):
    return get_backend("reference").compile(jaxlike.compile(_everything).graph(a, s), {}).run(a, s)[0]


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 4, 2), (0, 3), (3, 0), (2, 0, 0)])
def test_factorizations_equal_the_reference(compiled, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    a = rng.normal(size=shape)
    s = rng.normal(size=shape[:-1] + (shape[-2],))
    if len(shape) == 3:
        fn = jaxlike.compile(_everything)
    else:
        fn = compiled
    for got, want in zip(fn(a, s), _reference(a, s)):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def test_a_non_finite_matrix_gives_nan_and_leaves_its_batch_neighbours(compiled):
    """Catches: numba's np.linalg refusing a matrix holding NaN (LinAlgError), numpy's svd raising for the
    whole call, and a NaN matrix spoiling the finite matrices batched with it."""
    rng = np.random.default_rng(3)
    a, s = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 4))
    a[0, 1, 2], s[1, 0, 3] = np.nan, np.inf
    got = jaxlike.compile(_everything)(a, s)
    want = _reference(a, s)
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-12, equal_nan=True, err_msg=f"output {k}")
    w, v, u, sv = got[:4]
    assert np.isnan(w[1]).all() and np.isnan(v[1]).all() and np.isfinite(w[0]).all()
    assert np.isnan(u[0]).all() and np.isnan(sv[0]).all() and np.isfinite(sv[1]).all()


def test_sibling_outputs_share_one_call(compiled):
    src = compiled.source(np.ones((3, 2)), np.eye(3))
    assert "objmode" not in src
    assert src.count("_la.eigh(") == 1 and src.count("_la.qr(") == 2
    assert src.count("_la.svd(") == 2, "reduced and full factors are two calls; s joins one of them"
