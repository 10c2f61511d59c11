"""The distributions of the synthetic data (documented in ``seeds/synthetic.py``), vectorized with
numpy: times are int64 seconds since the Unix epoch (UTC), amounts are 万元."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

DAY = 86_400
SPAN_DAYS = 3 * 365  # the platform has been live for three years
GROWTH = 4.0  # listings per day at the end of the span ÷ at its start (exponential growth)
BEIJING = 8 * 3600  # people post in Beijing time; the database stores UTC
WEEKDAY = np.array([1.0, 1.05, 1.05, 1.0, 0.9, 0.3, 0.2])  # Monday … Sunday
MONTH = np.array([1.0, 0.6, 1.1, 1.0, 0.95, 1.05, 0.9, 0.85, 1.0, 0.8, 1.05, 1.15])  # Feb: Spring Festival
HOUR = np.array([0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 2.0, 4.0, 5.0, 4.5,
                 2.0, 2.5, 4.5, 5.0, 4.5, 3.5, 2.0, 1.5, 1.5, 1.2, 0.8, 0.4])  # Beijing hour of day
DEADLINE_DAYS = ([30, 60, 90, 120, 180, 270, 365, 540], [.05, .15, .2, .1, .25, .08, .14, .03])
TRL_TARGET = [0, .01, .04, .08, .17, .24, .24, .15, .07]  # demands: TRL 1…9 wanted
TRL = [.03, .08, .15, .19, .18, .15, .11, .07, .04]  # results: TRL 1…9 reached
EPOCH = datetime(1970, 1, 1)


def normalized(weights) -> np.ndarray:
    """Weights as probabilities."""
    array = np.asarray(weights, dtype=float)
    return array / array.sum()


def to_datetime(seconds) -> datetime:
    """Naive UTC datetime of epoch seconds."""
    return EPOCH + timedelta(seconds=int(seconds))


def day_weights(end: datetime) -> tuple[np.ndarray, np.ndarray]:
    """First second (UTC) of each Beijing day of the span ending the day before ``end``, and the
    probability of a listing being posted that day: growth × weekday × month."""
    last = (end + timedelta(seconds=BEIJING)).date() - timedelta(days=1)
    days = [last - timedelta(days=SPAN_DAYS - 1 - i) for i in range(SPAN_DAYS)]
    growth = np.exp(np.log(GROWTH) * np.arange(SPAN_DAYS) / SPAN_DAYS)
    weights = growth * WEEKDAY[[d.weekday() for d in days]] * MONTH[[d.month - 1 for d in days]]
    starts = np.array([(datetime(d.year, d.month, d.day) - EPOCH).total_seconds() - BEIJING for d in days],
                      dtype=np.int64)
    return starts, normalized(weights)


def posting_times(rng: np.random.Generator, n: int, end: datetime) -> np.ndarray:
    """``n`` moments over the span: day by ``day_weights``, hour by ``HOUR``, second uniform."""
    starts, p = day_weights(end)
    day = rng.choice(len(starts), size=n, p=p)
    hour = rng.choice(24, size=n, p=normalized(HOUR))
    return starts[day] + hour * 3600 + rng.integers(0, 3600, size=n)


def skewed_weights(count: int, exponent: float = 0.8, offset: float = 3.0) -> np.ndarray:
    """Zipf-like shares of ``count`` organizations by rank (the first posts the most): with 8,000
    organizations the top 1% post about a quarter of the listings and the median one a few dozen
    per million."""
    return normalized((np.arange(count) + offset) ** -exponent)


def nice(amounts: np.ndarray) -> np.ndarray:
    """Round 万元 amounts the way people write them: to 5 below 100, 10 below 1,000, else 50."""
    step = np.where(amounts < 100, 5, np.where(amounts < 1000, 10, 50))
    return np.maximum(step, np.round(amounts / step) * step)


def budgets(rng: np.random.Generator, n: int, challenge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Budget ranges: lower bound log-normal around 80 万元 (×3 for 揭榜挂帅 challenges), clipped to
    5–5,000; the upper bound 1–5 times it."""
    low = np.exp(rng.normal(np.log(80), 1.0, size=n)) * np.where(challenge, 3.0, 1.0)
    low = nice(np.clip(low, 5, 5000))
    factor = rng.choice([1.0, 1.5, 2.0, 3.0, 5.0], size=n, p=[.15, .25, .35, .15, .1])
    return low, np.maximum(low, nice(low * factor))


def asking_prices(rng: np.random.Generator, n: int) -> np.ndarray:
    """Asking prices: 35% negotiable (NaN, stored as NULL), else log-normal around 120 万元, 3–8,000."""
    price = nice(np.clip(np.exp(rng.normal(np.log(120), 1.1, size=n)), 3, 8000))
    return np.where(rng.random(n) < 0.35, np.nan, price)


def deadlines(rng: np.random.Generator, published: np.ndarray) -> np.ndarray:
    """Deadline days after publication: 30 days to 18 months (mostly 2–6 months), plus a jitter
    of up to two weeks; as days since the epoch (Beijing calendar)."""
    days, p = DEADLINE_DAYS
    offset = rng.choice(days, size=len(published), p=p) + rng.integers(0, 15, size=len(published))
    return (published + BEIJING) // DAY + offset


def demand_statuses(rng: np.random.Generator, published: np.ndarray, deadline_day: np.ndarray,
                    now: int) -> tuple[np.ndarray, np.ndarray]:
    """Status codes and the moment a closed demand was closed (``now`` for open ones): 5% drafts;
    past their deadline 40% were closed within ten days of it; before it 5% were closed early."""
    n = len(published)
    draft = rng.random(n) < 0.05
    passed = deadline_day * DAY - BEIJING < now
    close = np.where(passed, rng.random(n) < 0.4, rng.random(n) < 0.05) & ~draft
    late = deadline_day * DAY - BEIJING + rng.integers(0, 10 * DAY, size=n)
    early = published + ((now - published) * rng.random(n)).astype(np.int64)
    closed_at = np.minimum(np.where(passed, late, early), now - 60)
    status = np.where(draft, "draft", np.where(close, "closed", "published"))
    return status, np.where(close, np.maximum(closed_at, published + 60), now)


def result_statuses(rng: np.random.Generator, published: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
    """Status codes and the moment a result was withdrawn (``now`` for the rest): 6% drafts,
    8% withdrawn some time after publication, the rest published."""
    n = len(published)
    roll = rng.random(n)
    withdrawn_at = published + ((now - published) * rng.random(n)).astype(np.int64)
    status = np.where(roll < 0.06, "draft", np.where(roll < 0.14, "withdrawn", "published"))
    return status, np.where(status == "withdrawn", np.maximum(withdrawn_at, published + 60), now)


def pick(rng: np.random.Generator, options: list, weights, n: int) -> np.ndarray:
    """``n`` indexes into ``options`` drawn by ``weights``."""
    return rng.choice(len(options), size=n, p=normalized(weights))
