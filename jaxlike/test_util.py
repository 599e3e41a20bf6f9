"""Gradient checking for users and for our own tests: ``check_grads`` compares forward-mode (``jvp``) and
reverse-mode (``vjp``) derivatives, and for ``order=2`` the derivatives of those derivative functions, with
central finite differences in random directions, as ``jax.test_util.check_grads`` does.

A front-end module: imports the JAX-style api, pytree and numpy.
"""

import numpy as np

from . import pytree
from .api import jvp, vjp

# Finite-difference step and default tolerances per dtype. The step balances truncation error (~eps**2)
# against rounding error (~machine eps / eps); the tolerances are JAX's gradient tolerances.
_EPS = {np.dtype("float64"): 1e-4, np.dtype("float32"): 3e-3, np.dtype("float16"): 3e-2,
        np.dtype("complex128"): 1e-4, np.dtype("complex64"): 3e-3}
_TOL = {np.dtype("float64"): 1e-5, np.dtype("float32"): 2e-3, np.dtype("float16"): 5e-2,
        np.dtype("complex128"): 1e-5, np.dtype("complex64"): 2e-3}


def check_grads(fn, args, order=2, modes=("fwd", "rev"), atol=None, rtol=None, eps=None):
    """Check ``fn``'s JVP and VJP against central finite differences, up to ``order``.

    ``args`` is the sequence of positional arguments (each a pytree of arrays or Python scalars). Floating
    leaves are perturbed in random (seeded) directions (complex leaves in random complex directions, and a
    VJP is paired with a tangent as Re(sum(t * ct)), JAX's convention); integer and boolean leaves are held
    fixed. For
    ``order=2`` the function ``(x, t) -> jvp(fn, x, t)`` is checked the same way (mode "fwd"), and so is
    ``x -> vjp(fn, x)[1](c)`` for a fixed random cotangent ``c`` (mode "rev"). Raises AssertionError naming
    the mode, the order, the argument and the output, with expected and actual values.

    >>> import jaxlike.numpy as jnp
    >>> check_grads(lambda x: jnp.exp(jnp.sin(x ** 2)), (np.array([0.3, 1.2]),), order=2)
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"check_grads: args must be a tuple or list of arguments, got {type(args).__name__}")
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be a positive int, got {order!r}")
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    bad = [m for m in modes if m not in ("fwd", "rev")]
    if bad or not modes:
        raise ValueError(f"check_grads: modes must be a non-empty subset of ('fwd', 'rev'), got {modes!r}")

    leaves, tree = pytree.flatten(list(args))
    paths = [p for i, a in enumerate(args) for p in pytree.leaf_paths(a, f"argument {i}")]
    floats = [k for k, x in enumerate(leaves) if _is_float(x)]
    if not floats:
        raise TypeError("check_grads: no floating-point argument to differentiate; argument dtypes are "
                        + ", ".join(str(np.asarray(x).dtype) for x in leaves))
    # NOTE: a float32 result of float64 arguments rounds like float32, so outputs count in the tolerance.
    outs = [x for x in pytree.flatten(fn(*args))[0] if _is_float(x)]
    dtypes = [np.asarray(leaves[k]).dtype for k in floats] + [np.asarray(x).dtype for x in outs]
    coarsest = max(dtypes, key=lambda d: _TOL.get(d, 0.0))
    tol = _TOL.get(coarsest, 1e-5)
    checker = _Checker(atol=tol if atol is None else atol, rtol=tol if rtol is None else rtol,
                       eps=_EPS.get(coarsest, 1e-4) if eps is None else eps, modes=modes,
                       fname=getattr(fn, "__name__", repr(fn)))

    def flat_fn(*xs):
        full = list(leaves)
        for k, x in zip(floats, xs):
            full[k] = x
        return fn(*pytree.unflatten(tree, full))

    checker.run(flat_fn, [leaves[k] for k in floats], [paths[k] for k in floats], order, "", 1)


class _Checker:
    def __init__(self, atol, rtol, eps, modes, fname):
        self.atol, self.rtol, self.eps, self.modes, self.fname = atol, rtol, eps, modes, fname
        self.rng = np.random.default_rng(0)

    def run(self, f, args, names, order, what, level):
        if "fwd" in self.modes:
            label = "JVP" + (f" of {what}" if what else "")
            self.check_jvp(f, args, names, f"{label} (order {level}, mode fwd)")
            if order > 1:
                n = len(args)

                def f_jvp(*xs):
                    return jvp(f, xs[:n], xs[n:])

                tnames = [f"tangent of {nm}" for nm in names]
                self.run(f_jvp, list(args) + list(args), list(names) + tnames, order - 1, label, level + 1)
        if "rev" in self.modes:
            label = "VJP" + (f" of {what}" if what else "")
            self.check_vjp(f, args, names, f"{label} (order {level}, mode rev)")
            if order > 1:
                # NOTE: JAX pulls back the output itself; a fixed random cotangent also catches rules that
                # are wrong only where the output is zero (a product with a zero factor).
                out_leaves, out_tree = pytree.flatten(f(*args))
                ct = pytree.unflatten(out_tree, [self._cotangent_like(o) for o in out_leaves])

                def f_vjp(*xs):
                    return vjp(f, *xs)[1](ct)

                self.run(f_vjp, args, names, order - 1, label, level + 1)

    # -- the two checks ---------------------------------------------------------------------------------
    def check_jvp(self, f, args, names, label):
        tangents = [self._rand_like(a) for a in args]
        out, tout = jvp(f, tuple(args), tuple(tangents))
        self._check_primal(f, args, out, label)
        got = _float_leaves(tout)
        want = self._numerical_jvp(f, args, tangents)
        if self._all_close(got, want):
            return
        culprit = self._blame_jvp(f, args, names, tangents)
        k, detail = self._first_mismatch(got, want)
        raise AssertionError(f"check_grads: {label} of {self.fname} disagrees with central finite "
                             f"differences (tangent in {culprit}), output leaf {k}: {detail}")

    def check_vjp(self, f, args, names, label):
        out, pullback = vjp(f, *args)
        self._check_primal(f, args, out, label)
        out_leaves, out_tree = pytree.flatten(out)
        cts = [self._cotangent_like(o) for o in out_leaves]
        ct_outs = pullback(pytree.unflatten(out_tree, cts))
        tangents = [self._rand_like(a) for a in args]
        fcts = [c for c, o in zip(cts, out_leaves) if _is_float(o)]
        per_arg_got = [_inner(t, c) for t, c in zip(tangents, ct_outs)]
        got = sum(per_arg_got)
        want = _inner_leaves(self._numerical_jvp(f, args, tangents), fcts)
        if self._close(got, want):
            return
        for i, name in enumerate(names):
            only = [t if j == i else _zeros_like(a) for j, (a, t) in enumerate(zip(args, tangents))]
            want_i = _inner_leaves(self._numerical_jvp(f, args, only), fcts)
            if not self._close(per_arg_got[i], want_i):
                raise AssertionError(
                    f"check_grads: {label} of {self.fname} disagrees with central finite differences for "
                    f"{name}: <tangent, VJP(cotangent)> = {per_arg_got[i]!r} but "
                    f"<JVP_fd(tangent), cotangent> = {want_i!r} (eps={self.eps}); tolerance atol={self.atol}, "
                    f"rtol={self.rtol}")
        raise AssertionError(
            f"check_grads: {label} of {self.fname} disagrees with central finite differences (all arguments "
            f"together): <tangent, VJP(cotangent)> = {got!r} but <JVP_fd(tangent), cotangent> = {want!r} "
            f"(eps={self.eps}); tolerance atol={self.atol}, rtol={self.rtol}")

    # -- helpers --------------------------------------------------------------------------------------
    def _check_primal(self, f, args, out, label):
        got = [np.asarray(x) for x in pytree.flatten(out)[0]]
        want = [np.asarray(x) for x in pytree.flatten(f(*args))[0]]
        if len(got) != len(want):
            raise AssertionError(f"check_grads: {label} of {self.fname}: the transformation returned "
                                 f"{len(got)} output leaves, the function {len(want)}")
        if not self._all_close(got, want):
            k, detail = self._first_mismatch(got, want)
            raise AssertionError(f"check_grads: {label} of {self.fname}: primal output leaf {k} differs from "
                                 f"calling the function directly: {detail}")

    def _rand_like(self, x):
        arr = np.asarray(x)
        t = self.rng.standard_normal(arr.shape)
        if arr.dtype.kind == "c":
            t = t + 1j * self.rng.standard_normal(arr.shape)
        if isinstance(x, (float, complex)):
            return type(x)(t)
        return t.astype(arr.dtype)

    def _cotangent_like(self, out):
        return self._rand_like(out) if _is_float(out) else np.zeros_like(np.asarray(out))

    def _numerical_jvp(self, f, args, tangents):
        plus = [_step(a, t, self.eps) for a, t in zip(args, tangents)]
        minus = [_step(a, t, -self.eps) for a, t in zip(args, tangents)]
        fp, fm = _float_leaves(f(*plus)), _float_leaves(f(*minus))
        with np.errstate(invalid="ignore", over="ignore"):
            return [(p - m) * (0.5 / self.eps) for p, m in zip(fp, fm)]

    def _blame_jvp(self, f, args, names, tangents):
        for i, name in enumerate(names):
            only = [t if j == i else _zeros_like(a) for j, (a, t) in enumerate(zip(args, tangents))]
            _, tout = jvp(f, tuple(args), tuple(only))
            if not self._all_close(_float_leaves(tout), self._numerical_jvp(f, args, only)):
                return name
        return "all arguments together"

    def _close(self, got, want):
        return bool(np.isclose(got, want, atol=self.atol, rtol=self.rtol, equal_nan=True))

    def _all_close(self, got, want):
        return len(got) == len(want) and all(self._leaf_close(np.asarray(g), np.asarray(w))
                                             for g, w in zip(got, want))

    def _leaf_close(self, g, w):
        if g.dtype.kind == "V" or w.dtype.kind == "V":
            # NOTE: float0 tangents (of integer outputs) hold nothing to compare; inside a trace jvp gives
            # integer zeros in their place
            other = w if g.dtype.kind == "V" else g
            return g.shape == w.shape and (other.dtype.kind == "V" or not np.any(other))
        return g.shape == w.shape and np.allclose(g, w, atol=self.atol, rtol=self.rtol, equal_nan=True)

    def _first_mismatch(self, got, want):
        if len(got) != len(want):
            return "-", f"{len(got)} floating output leaves, expected {len(want)}"
        for k, (g, w) in enumerate(zip(got, want)):
            g, w = np.asarray(g), np.asarray(w)
            if g.shape != w.shape:
                return k, f"shape {g.shape}, expected {w.shape}"
            if g.dtype.kind == "V" or w.dtype.kind == "V":
                if not self._leaf_close(g, w):
                    return k, f"a float0 tangent where the other has {g.dtype if w.dtype.kind == 'V' else w.dtype}"
                continue
            bad = ~np.isclose(g, w, atol=self.atol, rtol=self.rtol, equal_nan=True)
            if bad.any():
                with np.errstate(invalid="ignore"):
                    err = np.where(bad, np.abs(g.astype(np.complex128) - w), 0.0)
                flat = int(np.nanargmax(err)) if np.isfinite(err).any() else int(np.argmax(bad))
                idx = tuple(int(i) for i in np.unravel_index(flat, g.shape))
                return k, (f"{int(bad.sum())} of {g.size} elements differ; worst at index {idx}: expected "
                           f"{w[idx].item()!r}, got {g[idx].item()!r} (eps={self.eps}; tolerance "
                           f"atol={self.atol}, rtol={self.rtol})\n  expected: {w!r}\n  got:      {g!r}")
        return "-", "no mismatch found on recheck (the comparison is not deterministic)"


def _is_float(x):
    """Float or complex: a leaf that carries derivatives."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (float, complex)):
        return True
    dtype = x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype
    return dtype.kind in "fc"


def _float_leaves(tree):
    return [np.asarray(x, dtype=np.complex128 if np.asarray(x).dtype.kind == "c" else np.float64)
            for x in pytree.flatten(tree)[0] if _is_float(x)]


def _step(a, t, eps):
    if isinstance(a, float):
        return a + eps * t
    a = np.asarray(a)
    return (a + eps * t).astype(a.dtype)


def _zeros_like(a):
    return type(a)(0) if isinstance(a, (float, complex)) else np.zeros_like(np.asarray(a))


def _inner(a, b):
    """The real pairing of a tangent and a cotangent: Re(sum(a * b)), with no conjugate (JAX's convention,
    where a cotangent of z = x + iy is dL/dx - i dL/dy)."""
    return float(np.real(np.sum(np.asarray(a, dtype=np.complex128) * np.asarray(b, dtype=np.complex128))))


def _inner_leaves(xs, ys):
    return sum(_inner(x, y) for x, y in zip(xs, ys))
