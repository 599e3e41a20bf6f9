"""Helpers the scipy.special tests share: a function on the reference interpreter, and a comparison that
counts equal values (NaN with NaN, inf with inf) as matching before the relative tolerance."""

import numpy as np

import jaxlike


def traced(fn):
    return jaxlike.compile(fn, mode="FAST_COMPILE")


def close(got, want, rtol, what, atol=0.0):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    same = (np.isnan(got) & np.isnan(want)) | (got == want)
    np.testing.assert_allclose(np.where(same, 0, got), np.where(same, 0, want), rtol=rtol, atol=atol, err_msg=what)
