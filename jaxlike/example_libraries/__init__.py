"""``jaxlike.example_libraries``, as ``jax.example_libraries``: ``optimizers`` (init/update/get_params
triples over pytrees) and ``stax`` (neural nets as (init_fun, apply_fun) layers), for tutorials written as
``from jax.example_libraries import optimizers, stax``. Not imported by ``import jaxlike``: import it
yourself. A front-end package: imports jaxlike's public API."""

from . import optimizers, stax  # noqa: F401
