"""A small training loop for compiled step functions: minibatches, epochs, the mean cost per epoch, and an
optional progress bar over epochs (tqdm when it is installed, plain printed lines when it is not).

Both front ends fit: a Theano-style ``jaxlike.function`` with ``updates`` is a step that returns the cost
(the parameters live in shared variables); a JAX-style compiled step takes the state and returns
``(new_state, cost)``; pass ``state=`` and ``fit`` threads it through.

A front-end helper: imports numpy only (tqdm lazily, and only when a bar is asked for).
"""

import sys
import time

import numpy as np


def minibatches(*arrays, batch_size, axis=0, rng=None, drop_last=False):
    """Split ``arrays`` (same length along ``axis``) into a list of minibatch tuples, shuffled when ``rng``
    (a ``numpy.random.Generator``) is given. ``axis=1`` suits column-major data (the seed MLP's ``x`` is
    features x samples).

    >>> X, Y = np.arange(10).reshape(2, 5), np.arange(5)[None]
    >>> [b[0].shape for b in minibatches(X, Y, batch_size=2, axis=1)]
    [(2, 2), (2, 2), (2, 1)]
    """
    if not arrays:
        raise TypeError("minibatches: pass at least one array")
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"minibatches: batch_size must be a positive int, got {batch_size!r}")
    arrays = [np.asarray(a) for a in arrays]
    for k, a in enumerate(arrays):
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(f"minibatches: axis={axis} is out of range for array {k} of shape {a.shape}")
    n = arrays[0].shape[axis]
    for k, a in enumerate(arrays[1:], 1):
        if a.shape[axis] != n:
            raise ValueError(f"minibatches: array {k} has {a.shape[axis]} samples along axis {axis}, "
                             f"array 0 has {n}")
    order = rng.permutation(n) if rng is not None else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return [tuple(np.take(a, order[i:i + batch_size], axis=axis) for a in arrays)
            for i in range(0, stop, batch_size)]


class History:
    """What ``fit`` returns: ``costs`` (mean cost per epoch), ``state`` (the final state, JAX style),
    ``seconds`` (wall time of the loop) and ``epoch_seconds`` (per epoch: the first one includes compiling
    the step, so ``steady_seconds`` leaves it out)."""

    def __init__(self):
        self.costs = []
        self.epoch_seconds = []
        self.state = None
        self.seconds = 0.0

    @property
    def steady_seconds(self):
        """Mean seconds per epoch after the first (the first call of a compiled step compiles it)."""
        later = self.epoch_seconds[1:] or self.epoch_seconds
        return sum(later) / len(later) if later else 0.0

    def __len__(self):
        return len(self.costs)

    def __repr__(self):
        if not self.costs:
            return "History(no epochs run)"
        return (f"History({len(self.costs)} epochs in {self.seconds:.2f} s, cost {self.costs[0]:.6g} -> "
                f"{self.costs[-1]:.6g})")


def _as_cost(out, cost_of):
    value = cost_of(out) if cost_of is not None else out
    try:
        return float(np.asarray(value))
    except (TypeError, ValueError):
        raise TypeError(
            f"fit: the step must return a scalar cost (or (state, cost) when state= is given), got "
            f"{type(value).__name__} {np.shape(value) if hasattr(value, 'shape') else ''}; pass "
            "cost_of=lambda out: ... to pick the cost out of what the step returns") from None


class _PlainBar:
    """The fallback when tqdm is missing: one printed line per tenth of the run."""

    def __init__(self, total, desc, file):
        self.total, self.desc, self.file = total, desc, file
        self.n, self.every, self.t0 = 0, max(1, total // 10), time.perf_counter()
        self.postfix = ""

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text

    def update(self, k=1):
        self.n += k
        if self.n % self.every == 0 or self.n == self.total:
            dt = time.perf_counter() - self.t0
            line = f"{self.desc}: {self.n}/{self.total} [{dt:.1f}s] {self.postfix}"
            print(line, file=self.file, flush=True)

    def close(self):
        pass


_NO_TQDM = ("fit(progress=True): tqdm is not installed, so progress is printed as plain lines "
            "(pip install tqdm for a progress bar)")


def _progress_bar(progress, total, desc):
    if progress not in (True, "tqdm", "plain"):
        raise ValueError(f"fit: progress must be False, True, 'tqdm' or 'plain', got {progress!r}")
    if progress == "plain":
        return _PlainBar(total, desc, sys.stdout)
    try:
        import tqdm  # noqa: F401
    except ImportError:
        if progress == "tqdm":
            raise ImportError("fit(progress='tqdm') needs tqdm: pip install tqdm") from None
        print(_NO_TQDM, file=sys.stdout)
        return _PlainBar(total, desc, sys.stdout)
    try:
        import ipywidgets  # noqa: F401
        from tqdm.auto import tqdm as bar
    except ImportError:
        # NOTE: without ipywidgets tqdm.auto warns in notebooks; the text bar is what would show anyway
        from tqdm.std import tqdm as bar
    return bar(total=total, desc=desc, unit="epoch", file=sys.stdout, mininterval=0.5, dynamic_ncols=True)


def fit(step, data, epochs=1, *, state=None, progress=False, cost_of=None, callback=None, desc="training"):
    """Run ``step`` over minibatches for ``epochs`` epochs; return a ``History`` of mean costs per epoch.

    ``data`` is a list of batches (each batch a tuple of arguments, or a single array) or a callable
    ``data(epoch)`` returning such a list (to reshuffle every epoch). Without ``state`` each call is
    ``cost = step(*batch)`` (a Theano-style function whose ``updates`` change shared parameters); with it,
    ``state, cost = step(state, *batch)`` (a JAX-style compiled step). ``cost_of`` picks the cost from what
    the step returns when it returns more (``cost_of=lambda out: out[1]``). ``progress=True`` shows a tqdm
    bar over epochs with the current cost ('plain' prints lines instead). ``callback(epoch, cost, state)``
    runs after each epoch; returning True stops training early.

    >>> hist = fit(lambda x: float((x ** 2).sum()), [(np.ones(2),)], epochs=3)
    >>> hist.costs
    [2.0, 2.0, 2.0]
    """
    if not callable(step):
        raise TypeError(f"fit: step must be callable, got {type(step).__name__}")
    if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    threaded = state is not None
    hist = History()
    hist.state = state
    bar = _progress_bar(progress, int(epochs), desc) if progress else None
    t0 = time.perf_counter()
    try:
        for epoch in range(int(epochs)):
            t_epoch = time.perf_counter()
            batches = data(epoch) if callable(data) else data
            total, count = 0.0, 0
            for batch in batches:
                args = batch if isinstance(batch, tuple) else (batch,)
                if threaded:
                    out = step(state, *args)
                    if not (isinstance(out, (tuple, list)) and len(out) == 2):
                        raise TypeError("fit: with state= the step must return (new_state, cost), got "
                                        f"{type(out).__name__}")
                    state, out = out
                else:
                    out = step(*args)
                total += _as_cost(out, cost_of)
                count += 1
            if count == 0:
                raise ValueError(f"fit: epoch {epoch} had no batches; data must yield at least one batch")
            hist.costs.append(total / count)
            hist.epoch_seconds.append(time.perf_counter() - t_epoch)
            hist.state = state
            if bar is not None:
                bar.set_postfix_str(f"cost {hist.costs[-1]:.5g}", refresh=False)
                bar.update(1)
            if callback is not None and callback(epoch, hist.costs[-1], state):
                break
    finally:
        if bar is not None:
            bar.close()
        hist.seconds = time.perf_counter() - t0
    return hist
