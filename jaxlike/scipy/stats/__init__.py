"""``jaxlike.scipy.stats``, as ``jax.scipy.stats``: one module per distribution with scipy's function names
(``norm.logpdf(x, loc, scale)``, ...). Differentiable in every argument that is a real number, composed of
``jaxlike.numpy`` and ``jaxlike.scipy.special``; values outside the support give scipy's -inf/0 without NaN
in the gradient (branches see only inputs in their own range). Plain arrays give numpy arrays. The sample
statistics ``sem``, ``mode`` and ``rankdata`` live in ``_core``.
A front-end package: imports jaxlike.numpy and jaxlike.scipy."""

from . import norm, multivariate_normal, expon, laplace, logistic, uniform, cauchy, bernoulli, geom  # noqa: F401
from . import (poisson, gamma, chi2, beta, t, dirichlet, binom, nbinom, betabinom, multinomial, gennorm,  # noqa: F401
               pareto, truncnorm, wrapcauchy, gumbel_l, gumbel_r, vonmises)
from ._core import sem, mode, rankdata  # noqa: F401
