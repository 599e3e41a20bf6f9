"""``eig`` and ``eigvals`` of general (non-symmetric) square matrices for ``jaxlike.numpy.linalg`` (kept out of
``linalg.py`` for its length), as JAX has them: batched over leading dimensions, results always complex
(complex64 for float32 and complex64 input, complex128 otherwise), eigenvectors as columns with LAPACK's
normalisation (unit norm, largest component real). Plain arrays go to numpy (then cast to that complex dtype);
traced ones bind the ``ops.eig`` primitives, whose derivatives hold where the eigenvalues are distinct.
JAX refuses the eigenvector derivative unless asked for it (``enable_eigvec_derivs``); here it is always on,
with JAX's rule: it differentiates LAPACK's normalisation, so it exists only where each eigenvector's largest
component is unique.
A front-end module: imports ops and the jaxlike.numpy modules below it."""

from collections import namedtuple

import numpy as np

from ..core.types import is_known
from ..ops import eig as E
from ._base import asarray_or_var, is_traced, ndim, shape

EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _square(a, fname):
    a = asarray_or_var(a)
    if ndim(a) < 2:
        raise np.linalg.LinAlgError(f"{ndim(a)}-dimensional array given to {fname}. Array must be at least "
                                    "two-dimensional")
    r, c = shape(a)[-2:]
    if is_known(r) and is_known(c) and r != c:
        raise np.linalg.LinAlgError(f"{fname}: last 2 dimensions of the array must be square, got {r}x{c}")
    return a


def eig(a):
    """(eigenvalues, right eigenvectors as columns) of square matrices, both complex; ``w[..., i]`` belongs to
    ``v[..., :, i]``. Their order is LAPACK's (numpy's); it is not sorted."""
    a = _square(a, "eig")
    if not is_traced(a):
        return EigResult(*E.eig_np(a))
    return EigResult(E.eig_values(a), E.eig_vectors(a))


def eigvals(a):
    """The eigenvalues of ``eig``, complex, in the same order."""
    a = _square(a, "eigvals")
    if not is_traced(a):
        return eig(a).eigenvalues
    return E.eig_values(a)


__all__ = ["eig", "eigvals", "EigResult"]
