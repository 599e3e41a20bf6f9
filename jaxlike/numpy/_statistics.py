"""Order statistics and histograms over traced values: median, percentile, quantile, the nan-skipping
reductions, cov, corrcoef, histogram, bincount, digitize, searchsorted, interp.
"""

__all__ = []
