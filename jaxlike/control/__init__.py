"""Primitives whose attrs hold graphs: the loops ``scan`` (``lax.scan``, ``fori_loop``, Theano's ``scan``) and
``while_loop``, ``cond`` (one of several branch graphs, chosen when the program runs), and the user-defined derivatives ``custom_vjp_call`` and ``custom_jvp_call``. A loop's step is traced once into a ``LoopBody`` (``body.py``), so a loop of any length is
one node, compiles once, and differentiates into another loop. Their rules need the graph transforms, so
this package sits beside ``autodiff`` (imports core, ops and autodiff)."""

from .body import LoopBody, close_body  # noqa: F401
from .scan import scan, make_scan  # noqa: F401
from .while_loop import while_loop, make_while  # noqa: F401
from .custom import custom_vjp_call, custom_jvp_call  # noqa: F401
from .cond import cond, make_cond  # noqa: F401
