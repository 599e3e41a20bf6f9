"""Theano's ``RandomStreams`` (``theano.tensor.shared_randomstreams``; also ``MRG_RandomStreams``): symbolic
random draws that give new numbers on every call of a compiled function.

Each draw owns a shared Threefry key (``jaxlike.random``) whose ``default_update`` is the next key, so a
``jaxlike.function`` that reads the draw advances it after each call, as Theano's functions advance their
random states; ``no_default_updates=True`` gives a function that repeats its numbers. The same expression
used twice in one function is one draw (``u + u - 2 * u`` is 0). Draws are reproducible: the n-th draw
of ``RandomStreams(seed)`` starts from ``fold_in(PRNGKey(seed), n)``; ``seed(s)`` resets every draw's key.
The numbers are not Theano's (its generators are MT19937 and MRG31k3p); the distributions are.
"""

import weakref

import numpy as np

from .. import random as R
from .. import numpy as jnp
from ..core.graph import Var
from ..core.types import floatx, is_known
from .shared import SharedVariable

__all__ = ["RandomStreams", "MRG_RandomStreams"]


class RandomStreams:
    """``RandomStreams(seed)``: ``uniform``, ``normal``, ``binomial``, ``random_integers``, ``choice`` and
    ``permutation`` return symbolic draws (``size`` may hold symbolic sizes, e.g. ``x.shape``)."""

    def __init__(self, seed=None):
        self.state_updates = []     # (shared key, its update), one per draw, as Theano lists them
        self.seed(np.random.SeedSequence().entropy % 2 ** 63 if seed is None else seed)

    def seed(self, seed):
        """Restart every draw of this stream from ``seed``."""
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"RandomStreams.seed: the seed must be an integer, got {type(seed).__name__}")
        self._base = R.PRNGKey(int(seed))
        for k, (key, _) in enumerate(self.state_updates):
            key.set_value(R.fold_in(self._base, k))

    def _key(self):
        """A fresh shared key for one draw, and the key the draw reads (the next key is its default update)."""
        key = KeyVariable(R.fold_in(self._base, len(self.state_updates)), name=f"rng_{len(self.state_updates)}")
        both = R.split(key)
        key.default_update = both[0]
        self.state_updates.append((key, both[0]))
        self._last_key = key
        return both[1]

    def _draw(self, out):
        """``out``, remembered as a draw of the last key made, for ``out.rng``."""
        _DRAWS[out._id] = (weakref.ref(out, lambda _ref, i=out._id: _DRAWS.pop(i, None)), self._last_key)
        return out

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Floats uniform in [low, high) of shape ``size`` (None: the broadcast shape of low and high)."""
        size = _size(_param_shape(size, low, high), ndim, "uniform")
        return self._draw(R.uniform(self._key(), size, _float(dtype), low, high))

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal floats with mean ``avg`` and standard deviation ``std`` (size None: their broadcast
        shape)."""
        dtype = _float(dtype)
        z = R.normal(self._key(), _size(_param_shape(size, avg, std), ndim, "normal"), dtype)
        plain = not isinstance(std, Var) and not isinstance(avg, Var) and (std, avg) == (1.0, 0.0)
        return self._draw(z if plain else jnp.astype(z * std + avg, dtype))   # NOTE: avg may be symbolic

    def binomial(self, size=(), n=1, p=0.5, ndim=None, dtype="int64"):
        """Binomial(n, p) counts: the number of ``n`` uniform draws below ``p``."""
        size = _size(size, ndim, "binomial")
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"RandomStreams.binomial: n must be a non-negative int, got {n!r}")
        u = R.uniform(self._key(), size + (int(n),), floatx())
        return self._draw(jnp.astype(jnp.sum(u < jnp.expand_dims(p, -1) if not np.isscalar(p) else u < p,
                                             axis=-1), dtype))

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers in [low, high], both included (Theano's convention); size None: the broadcast shape of
        low and high."""
        size = _size(_param_shape(size, low, high), ndim, "random_integers")
        if all(is_known(d) for d in size):
            return self._draw(R.randint(self._key(), size, low, high + 1, np.dtype(dtype)))
        # NOTE: random.randint needs concrete sizes; for symbolic ones (size=x.shape) the integers come from a
        # float64 uniform, exact for spans far below 2**53
        u = R.uniform(self._key(), size, np.float64)
        span = jnp.astype(high, np.float64) - jnp.astype(low, np.float64) + 1.0
        offset = jnp.minimum(jnp.floor(u * span), span - 1.0)
        return self._draw(jnp.astype(jnp.astype(low, np.float64) + offset, dtype))

    def choice(self, size=(), a=2, replace=True, p=None, ndim=None, dtype="int64"):
        """Samples of ``a`` (an int n means range(n)), uniformly or with probabilities ``p``."""
        out = R.choice(self._key(), a, _size(size, ndim, "choice"), replace=replace, p=p)
        return self._draw(jnp.astype(out, dtype) if isinstance(a, (int, np.integer)) else out)

    def permutation(self, size=(), n=1, ndim=None, dtype="int64"):
        """Independent random permutations of range(n), one per element of ``size``: shape ``(*size, n)``."""
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"RandomStreams.permutation: n must be a non-negative int, got {n!r}")
        return self._draw(jnp.astype(R.random_orders(self._key(), _size(size, ndim, "permutation"), int(n)),
                                     dtype))


    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64"):
        """Counts of ``n`` draws among the ``k`` categories of ``pvals`` (its last axis; default [0.5, 0.5]):
        shape ``size + (k,)``, or ``pvals``'s shape when size is None (Theano's raw_random.multinomial)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise TypeError(f"RandomStreams.multinomial: n must be a non-negative int, got {n!r}")
        p = jnp.asarray([0.5, 0.5] if pvals is None else pvals)
        if p.ndim == 0:
            raise ValueError("RandomStreams.multinomial: pvals must have at least one dim (the categories)")
        if p.dtype.kind != "f":
            p = jnp.astype(p, floatx())
        size = tuple(p.shape[:-1]) if size is None else _size(size, ndim, "multinomial")
        k = p.shape[-1]
        # NOTE: the Gumbel-max trick: each of the n draws is the argmax of log p plus Gumbel noise
        noise = R.gumbel(self._key(), size + (int(n), k), p.dtype)
        picks = jnp.argmax(jnp.log(p)[..., None, :] + noise, axis=-1)
        hits = jnp.equal(jnp.expand_dims(picks, -1), jnp.arange(k))
        return self._draw(jnp.astype(jnp.sum(hits, axis=-2), dtype))


MRG_RandomStreams = RandomStreams


class KeyState:
    """What ``draw.rng.get_value()`` returns: the draw's generator state, with numpy RandomState's
    ``seed``, ``get_state`` and ``set_state`` (as Theano's random states are RandomStates). Changes take
    effect when the state is stored back with ``draw.rng.set_value(state)``."""

    def __init__(self, key):
        self.key = np.array(key, dtype=np.uint32)

    def seed(self, seed):
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed: the seed must be an integer, got {type(seed).__name__} {seed!r}")
        self.key = np.asarray(R.PRNGKey(int(seed)), dtype=np.uint32)

    def get_state(self):
        return self.key.copy()

    def set_state(self, state):
        state = state.key if isinstance(state, KeyState) else np.asarray(state)
        if state.shape != (2,) or state.dtype != np.uint32:
            raise TypeError(f"set_state: expected a state from get_state() (uint32 array of shape (2,)), got "
                            f"{state.dtype} array of shape {state.shape}")
        self.key = state.copy()

    def __repr__(self):
        return f"KeyState({self.key.tolist()})"


class KeyVariable(SharedVariable):
    """The shared key of one draw (Theano's ``draw.rng``): ``get_value`` gives a ``KeyState``,
    ``set_value`` takes one (or a key array)."""

    def get_value(self, borrow=False, return_internal_type=False):
        return KeyState(super().get_value(borrow=borrow, return_internal_type=return_internal_type))

    def set_value(self, value, borrow=False):
        super().set_value(value.key if isinstance(value, KeyState) else value, borrow=False)


# id of a draw -> (weak reference to the draw, its KeyVariable); an entry leaves with its draw
_DRAWS = {}


def _rng_of(draw):
    entry = _DRAWS.get(draw._id)
    if entry is None or entry[0]() is not draw:
        raise AttributeError("rng: this variable is not a RandomStreams draw (only the variables that "
                             "srng.uniform/normal/binomial/... return have a random state)")
    return entry[1]


Var.rng = property(_rng_of)


def _float(dtype):
    return floatx() if dtype is None else np.dtype(dtype)


def _param_shape(size, *params):
    """``size``, or when it is None the broadcast shape of the distribution's parameters: Theano draws one
    independent number per element of a vector ``low`` or ``avg`` (a scalar draw broadcast to it would
    repeat one number)."""
    if size is not None:
        return size
    if all(np.ndim(p) == 0 for p in params if not isinstance(p, Var)) and \
            all(p.ndim == 0 for p in params if isinstance(p, Var)):
        return ()
    total = 0
    for p in params:
        total = total + jnp.zeros_like(p, dtype=np.int8)
    return tuple(total.shape)


def _size(size, ndim, what):
    size = () if size is None else size
    size = (size,) if not isinstance(size, (tuple, list)) else tuple(size)
    if ndim is not None and ndim != len(size):
        raise ValueError(f"RandomStreams.{what}: ndim={ndim} but size {size!r} has {len(size)} dims")
    return size
