"""Theano's ``theano.sandbox.rng_mrg.MRG_RandomStreams``: the random streams Theano programs use for dropout
masks and weight noise (``srng.binomial(size=x.shape, p=keep)``, ``srng.normal(...)``), with the MRG class's
signatures and defaults: seed 12345, ``nstreams`` accepted, ``binomial`` built on ``uniform < p``,
``multinomial`` and ``choice`` drawing one row per row of a matrix of probabilities ``pvals``.

It is ``RandomStreams`` (``tensor/shared_randomstreams.py``) underneath: each draw owns a shared Threefry key
advanced by a default update, so functions give new numbers on every call, and draws are reproducible from
the seed. The numbers are NOT those of Theano's MRG31k3p generator (the distributions are the same), so a
program that compares against numbers recorded under Theano will see different values. A front-end module:
imports jaxlike.random, jaxlike.numpy and jaxlike.tensor.
"""

import numpy as np

from .. import random as R
from .. import numpy as jnp
from ..core.types import is_known
from ..core.errors import user_frame, where
from ..tensor.shared_randomstreams import RandomStreams, _size, _float
from ..tensor.basic import as_tensor_variable

__all__ = ["MRG_RandomStreams"]


def _seed_of(seed):
    """An int seed; Theano's MRG also takes its six-int generator state, folded here into one int."""
    if isinstance(seed, (list, tuple, np.ndarray)):
        words = [int(w) for w in np.asarray(seed).ravel()]
        if len(words) != 6:
            raise ValueError(f"MRG_RandomStreams: seed must be an int or a sequence of 6 ints, got {len(words)} "
                             f"values{where(user_frame())}")
        return int(np.random.SeedSequence(words).generate_state(2, np.uint64)[0] >> np.uint64(1))
    return seed


class MRG_RandomStreams(RandomStreams):
    """``MRG_RandomStreams(seed=12345)``: ``uniform``, ``normal``, ``binomial``, ``multinomial`` and
    ``choice`` with Theano's MRG signatures (plus ``random_integers`` and ``permutation`` of
    ``RandomStreams``). ``nstreams`` (the number of parallel MRG streams) is accepted and has no effect."""

    def __init__(self, seed=12345, use_cuda=None):
        super().__init__(_seed_of(seed))

    def seed(self, seed=None):
        """Restart every draw of this stream from ``seed`` (an int, or Theano's six-int MRG state)."""
        super().seed(12345 if seed is None else _seed_of(seed))

    @property
    def rstate(self):
        """The state new draws of this stream start from (Theano's MRG ``rstate``): assigning another stream's
        makes the draws created afterwards repeat that stream's (copying a graph's random state, as the
        tutorial does, also copies each draw's own state through ``state_updates``)."""
        return np.array(self._base, dtype=np.uint32)

    @rstate.setter
    def rstate(self, state):
        self._base = np.array(state, dtype=np.uint32)

    def truncated_normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """``normal(..., truncate=True)``: within two standard deviations of ``avg``."""
        return self.normal(size, avg, std, ndim, dtype, nstreams, truncate=True)

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        """Floats uniform in [low, high) of shape ``size`` (dtype ``config.floatX`` by default)."""
        return super().uniform(_given(size, "uniform"), low, high, ndim, dtype)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, truncate=False):
        """Normal floats with mean ``avg`` and standard deviation ``std``; ``truncate=True`` keeps them within
        two standard deviations of the mean (redrawn outside, as Theano's truncated MRG normal)."""
        if not truncate:
            return super().normal(_given(size, "normal"), avg, std, ndim, dtype)
        dtype = _float(dtype)
        z = R.truncated_normal(self._key(), -2.0, 2.0, _size(_given(size, "normal"), ndim, "normal"), dtype)
        return self._draw(jnp.astype(z * std + avg, dtype))

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None):
        """Binomial(n, p) counts of shape ``size`` (Theano's MRG draws ``uniform < p``, n=1; n > 1 counts
        n such draws)."""
        return super().binomial(_given(size, "binomial"), n, p, ndim, dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None):
        """For each row of the matrix ``pvals`` (probabilities over its columns), the counts of ``n`` draws
        among the columns: a matrix of ``pvals``'s shape (one-hot rows when n=1). ``size`` and ``ndim`` must
        be None, as in Theano."""
        pvals = _pvals(pvals, size, ndim, "multinomial")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise TypeError(f"MRG_RandomStreams.multinomial: n must be a positive int, got {n!r}"
                            + where(user_frame()))
        picks = self._pick(pvals, int(n), replace=True)                      # (rows, n) column indices
        hits = jnp.equal(jnp.expand_dims(picks, 2), jnp.arange(pvals.shape[1]))  # (rows, n, columns)
        return self._draw(jnp.astype(jnp.sum(hits, axis=1), dtype))

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64", nstreams=None):
        """For each row of the matrix ``p``, ``size`` column indices drawn with those probabilities: a
        (rows, size) matrix. Theano's MRG implements only ``replace=False`` (indices distinct within a row)
        and ``a=None``; ``replace=True`` is accepted here too."""
        if a is not None:
            raise TypeError("MRG_RandomStreams.choice: a must be None (the values drawn are the column indices "
                            f"of p, 0 .. p.shape[1] - 1), got a={a!r}" + where(user_frame()))
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise TypeError(f"MRG_RandomStreams.choice: size must be a positive int (draws per row of p), got "
                            f"{size!r}" + where(user_frame()))
        p = _pvals(p, None, ndim, "choice")
        return self._draw(jnp.astype(self._pick(p, int(size), replace), dtype))

    # NOTE: Theano's deprecated name for choice without replacement
    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None):
        return self.choice(n, None, False, pvals, ndim, dtype, nstreams)

    def _pick(self, pvals, k, replace):
        """(rows, k) column indices per row of ``pvals``, by the Gumbel-max trick: the k largest of
        ``log p + Gumbel noise`` are k draws without replacement (successive draws renormalized, as Theano's
        ChoiceFromUniform); with replacement, k independent argmaxes."""
        logp = jnp.log(pvals)
        if replace:
            noise = R.gumbel(self._key(), (pvals.shape[0], k, pvals.shape[1]), pvals.dtype)
            return jnp.argmax(jnp.expand_dims(logp, 1) + noise, axis=2)
        if is_known(pvals.shape[1]) and k > pvals.shape[1]:
            raise ValueError(f"MRG_RandomStreams.choice: cannot draw {k} distinct columns of p, which has "
                             f"{pvals.shape[1]}" + where(user_frame()))
        noise = R.gumbel(self._key(), tuple(pvals.shape), pvals.dtype)
        return jnp.argsort(-(logp + noise), axis=1)[:, :k]


def _given(size, fname):
    if size is None:
        raise TypeError(f"MRG_RandomStreams.{fname}: size is required (a tuple of ints or symbolic sizes such "
                        "as x.shape)" + where(user_frame()))
    return size


def _pvals(pvals, size, ndim, fname):
    """``pvals`` as a float matrix, with Theano's checks of the arguments it does not use."""
    if pvals is None:
        raise TypeError(f"MRG_RandomStreams.{fname}: pass the probabilities (pvals= / p=), a matrix with one "
                        "distribution per row" + where(user_frame()))
    if size is not None:
        raise ValueError(f"MRG_RandomStreams.{fname} does not use size (the draws have the shape of pvals), got "
                         f"size={size!r}" + where(user_frame()))
    if ndim is not None:
        raise ValueError(f"MRG_RandomStreams.{fname} does not use ndim, got ndim={ndim!r}" + where(user_frame()))
    pvals = as_tensor_variable(pvals)
    if pvals.ndim != 2:
        raise NotImplementedError(f"MRG_RandomStreams.{fname} is implemented for a matrix of probabilities (one "
                                  f"distribution per row), as Theano's; got rank {pvals.ndim}" + where(user_frame()))
    if pvals.dtype.kind != "f":
        pvals = jnp.astype(pvals, _float(None))
    return pvals
