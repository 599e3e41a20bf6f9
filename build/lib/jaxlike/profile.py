"""``jaxlike.profile``: the profiler's public face. Turn it on with ``jaxlike.config.profile = True`` (or
``JAXLIKE_FLAGS=profile=True``) before functions are compiled; ``report()`` prints the per-function table
and returns it (a str that notebooks display as an HTML table); it also prints at interpreter exit.
The machinery lives in ``runtime/profile.py``.
"""

from .runtime.profile import (report, reset_all as reset, profiles, new_profile,  # noqa: F401
                              FunctionProfile, ProfileReport)
