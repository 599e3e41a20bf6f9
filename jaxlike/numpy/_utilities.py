"""The rest of numpy's everyday surface: take, meshgrid, index helpers, polynomials, comparisons of whole
arrays, convolutions, window functions and dtype utilities.
"""

__all__ = []
