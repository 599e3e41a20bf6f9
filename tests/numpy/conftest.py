"""tests/numpy: the table helpers in ``_surface.py`` are imported by name; putting this folder on sys.path
here keeps that working under any pytest import mode (``importlib`` mode does not add test folders)."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
