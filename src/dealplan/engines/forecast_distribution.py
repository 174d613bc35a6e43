"""The distribution of a period's bookings from independent per-deal chances (PIPE-2).

Each open deal books its value `v` with probability `p` (win x close in the period), else
nothing. Up to `distribution.exact_max_deals` deals the sum is computed exactly: values are
put on a grid (their greatest common divisor when they are whole numbers that fit in
`distribution.buckets` steps, else `total / buckets`), and the probability generating
function prod(1 - p + p z^b) is evaluated at the roots of unity and transformed back (FFT),
vectorised over deals in chunks. Above that count the sum is approximated by a normal with
mean sum(p v) and variance sum(p (1 - p) v^2), which the tests hold to the exact answer on a
mid-size case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealplan.engines.forecast_settings import ForecastSettings

if TYPE_CHECKING:
    import numpy as np

QUANTILES = (0.10, 0.50, 0.90)
_Z = {0.10: -1.2815515655446004, 0.50: 0.0, 0.90: 1.2815515655446004}


@dataclass(frozen=True)
class Distribution:
    """P10/P50/P90 of the bookings, the mean, the method, and (exact only) the histogram."""

    p10: float
    p50: float
    p90: float
    mean: float
    method: str  # "exact" | "normal" | "none"
    deals: int
    grid: list[float]  # bookings value of each histogram point (exact only)
    mass: list[float]  # probability of each point

    def as_dict(self) -> dict[str, Any]:
        return {
            "p10": self.p10,
            "p50": self.p50,
            "p90": self.p90,
            "mean": self.mean,
            "method": self.method,
            "deals": self.deals,
        }


def bookings_distribution(
    values: np.ndarray[Any, Any], probs: np.ndarray[Any, Any], s: ForecastSettings
) -> Distribution:
    """Distribution of sum(v_i * Bernoulli(p_i)); zero values and zero chances are dropped."""
    import numpy as np  # here: a forecast over many deals uses the normal form without it

    v = np.nan_to_num(np.asarray(values, dtype=float))
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype=float)), 0.0, 1.0)
    keep = (v > 0) & (p > 0)
    v, p = v[keep], p[keep]
    mean = float((v * p).sum())
    if len(v) == 0:
        return no_bookings()
    if len(v) > s.exact_max_deals:
        return normal_distribution(mean, float((p * (1 - p) * v * v).sum()), len(v))
    step = _grid_step(v, s.buckets)
    b = np.rint(v / step).astype(np.int64)
    size = int(b.sum()) + 1
    n_fft = 1 << (size - 1).bit_length()
    k = np.arange(n_fft)
    pgf = np.ones(n_fft, dtype=complex)
    for lo in range(0, len(b), 64):  # chunks of deals bound the matrix, not a row loop
        bb, pp = b[lo : lo + 64, None], p[lo : lo + 64, None]
        z = np.exp(-2j * np.pi * (bb * k[None, :] % n_fft) / n_fft)
        pgf *= np.prod(1 - pp + pp * z, axis=0)
    mass = np.clip(np.fft.ifft(pgf).real[:size], 0.0, None)
    mass /= mass.sum()
    cdf = np.cumsum(mass)
    q = [float(np.searchsorted(cdf, x - 1e-12) * step) for x in QUANTILES]
    grid = (np.arange(size) * step).tolist()
    return Distribution(q[0], q[1], q[2], mean, "exact", len(v), grid, mass.tolist())


def no_bookings() -> Distribution:
    """The distribution when no deal can book anything."""
    return Distribution(0.0, 0.0, 0.0, 0.0, "none", 0, [0.0], [1.0])


def normal_distribution(mean: float, variance: float, deals: int) -> Distribution:
    """The normal approximation from sum(p v) and sum(p (1 - p) v^2) over `deals` deals."""
    sd = math.sqrt(max(variance, 0.0))
    q = [max(0.0, mean + _Z[x] * sd) for x in QUANTILES]
    return Distribution(q[0], q[1], q[2], mean, "normal", deals, [], [])


def _grid_step(v: np.ndarray[Any, Any], buckets: int) -> float:
    import numpy as np

    if np.all(v == np.rint(v)):
        g = int(np.gcd.reduce(v.astype(np.int64)))
        if g > 0 and v.sum() / g <= buckets:
            return float(g)
    return float(v.sum() / buckets)
