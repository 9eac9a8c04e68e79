"""Differentially private counts over a fixed public key set (OpenDP), and the yearly budget.

A release publishes a noisy count for every key of a public key set, empty keys included,
so which keys appear says nothing about the data. The records are `Contribution`s: one
countable fact (`key`) about one privacy unit (`unit`). Haven's privacy unit is one
person within one report: it cannot link a person across reports, so a person who
appears in two reports is two units.

Each unit's records are bounded first: at most `bound` of them are kept, in the order
given, and the rest are dropped before counting. Removing one unit therefore changes the
histogram by at most `bound` in total (L1), and discrete Laplace noise with scale
`bound / ε` (rounded up to six significant digits), added by OpenDP, makes the release
ε-differentially private (OpenDP's privacy map at `bound` gives that ε). Noise is
added to every count, zero or not; a negative noisy count is shown as 0 only after the
noise (`NoisyCount.published`), and no count is ever suppressed or rounded before it.

`YearBudget` keeps the yearly ε of one force: by default a quarter spends a quarter of
it, and a release that would take the year past its total is refused
(`BudgetExceededError`). This module imports no Django.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Context, Decimal, InvalidOperation
from typing import Any

import opendp.prelude as dp

dp.enable_features("contrib")

MECHANISM = "discrete_laplace"
"""The noise every release adds (OpenDP's `then_laplace` on integer counts)."""

CONFIDENCE = Decimal("0.95")
"""The noise interval stated beside every count: 95 % of noisy counts fall within it."""

QUARTERS_PER_YEAR = 4

_QUARTER = re.compile(r"^(?P<year>[0-9]{4})Q(?P<quarter>[1-4])$")


class StatisticsError(ValueError):
    """A release was refused; the message says why, in words a person can act on."""


class BudgetExceededError(StatisticsError):
    """The release would take a force's yearly privacy budget past its total."""


# --- quarters ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, written `2026Q3`."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2026Q3` → Quarter(2026, 3).

        Raises:
            StatisticsError: not a quarter written as YYYYQn with n from 1 to 4.
        """
        match = _QUARTER.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise StatisticsError(
                f"{text!r} is not a quarter: write the year, Q and 1 to 4, e.g. 2026Q3"
            )
        return cls(int(match["year"]), int(match["quarter"]))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter (exclusive)."""
        if self.number == QUARTERS_PER_YEAR:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.number + 1, 1)


# --- epsilon and the yearly budget -------------------------------------------------------


def epsilon_parse(value: object) -> Decimal:
    """ε as a positive, finite decimal (budgets are kept in decimals, never floats).

    Raises:
        StatisticsError: not a positive number.
    """
    try:
        epsilon = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StatisticsError(f"ε must be a positive number, not {value!r}") from None
    if not epsilon.is_finite() or epsilon <= 0:
        raise StatisticsError(f"ε must be a positive number, not {value!r}")
    return epsilon


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or an exponent: 0.9, not 0.900000 or 9E-1."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class YearBudget:
    """One force's privacy budget for one calendar year: `total` ε, `spent` so far."""

    year: int
    total: Decimal
    spent: Decimal = Decimal(0)

    @property
    def quarter_share(self) -> Decimal:
        """The ε a quarter's release spends unless told otherwise: total / 4."""
        return self.total / QUARTERS_PER_YEAR

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(0), self.total - self.spent)

    def charge(self, epsilon: Decimal) -> YearBudget:
        """The budget after spending `epsilon`.

        Raises:
            BudgetExceededError: `spent + epsilon` is more than `total`; nothing is spent.
        """
        epsilon = epsilon_parse(epsilon)
        if self.spent + epsilon > self.total:
            raise BudgetExceededError(
                f"a release at ε = {_plain(epsilon)} would exceed the {self.year} privacy "
                f"budget (ε = {_plain(self.total)} a year; {_plain(self.spent)} spent, "
                f"{_plain(self.remaining)} left)"
            )
        return YearBudget(year=self.year, total=self.total, spent=self.spent + epsilon)


# --- the counts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One countable fact: the `key` it adds one to, and the privacy unit it is about."""

    unit: Hashable
    key: str


def key_set_hash(keys: Sequence[str]) -> str:
    """SHA-256 of the key set as canonical JSON (a list, in its published order)."""
    text = json.dumps(list(keys), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_keys(keys: Sequence[str]) -> tuple[str, ...]:
    keys = tuple(keys)
    if not keys:
        raise StatisticsError("the key set is empty")
    if len(set(keys)) != len(keys):
        raise StatisticsError("the key set names a key twice")
    return keys


def _check_bound(bound: int) -> int:
    if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
        raise StatisticsError(f"the contribution bound must be a whole number ≥ 1, not {bound!r}")
    return bound


def bounded_keys(records: Iterable[Contribution], *, bound: int) -> list[str]:
    """The keys of `records`, keeping at most `bound` records of each unit (the first
    ones, in the order given). This is the only place records are dropped."""
    bound = _check_bound(bound)
    seen: dict[Hashable, int] = {}
    kept: list[str] = []
    for record in records:
        count = seen.get(record.unit, 0)
        if count < bound:
            seen[record.unit] = count + 1
            kept.append(record.key)
    return kept


def exact_histogram(
    records: Iterable[Contribution], *, keys: Sequence[str], bound: int
) -> dict[str, int]:
    """The counts before noise, after bounding: what the noise protects. For tests and
    sensitivity checks only; never published. Keys outside the key set are not counted."""
    keys = _check_keys(keys)
    counts = dict.fromkeys(keys, 0)
    for key in bounded_keys(records, bound=bound):
        if key in counts:
            counts[key] += 1
    return counts


SCALE_DIGITS = 6
"""Significant digits of a noise scale, so that it is written exactly (in the ledger too)."""


def noise_scale(*, bound: int, epsilon: Decimal) -> float:
    """The discrete Laplace scale that makes one release ε-DP: bound / ε, rounded *up* to
    six significant digits. Rounding up adds a little noise, never less: the privacy
    loss `bound / scale` is at most ε and within one part in 100,000 of it."""
    exact = Context(prec=SCALE_DIGITS, rounding=ROUND_CEILING).divide(
        Decimal(_check_bound(bound)), epsilon_parse(epsilon)
    )
    return float(exact)


def counts_measurement(*, keys: Sequence[str], bound: int, epsilon: Decimal) -> Any:
    """OpenDP's measurement: discrete Laplace noise on the vector of counts, one per key.

    Its input is `exact_histogram`'s counts in the key set's order. Removing one unit
    changes them by at most `bound` in total (L1 distance `bound`: the bounding does that,
    and a property test checks it), so `measurement.map(bound)` is the ε the release
    spends. (OpenDP's own `count_by_categories` counts the records itself, but took 31 s
    over 10,000,000 records on the benchmark machine; counting here takes well under 1 s.)
    """
    space = (
        dp.vector_domain(dp.atom_domain(T=int), size=len(_check_keys(keys))),
        dp.l1_distance(T=int),
    )
    return space >> dp.m.then_laplace(scale=noise_scale(bound=bound, epsilon=epsilon))


def noise_interval(scale: float, *, confidence: Decimal = CONFIDENCE) -> int:
    """The half-width `h` such that a noisy count lies within ± h of the count before
    noise with probability `confidence` (integers, so rounded up)."""
    alpha = float(1 - confidence)
    return math.ceil(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=alpha))


@dataclass(frozen=True)
class NoisyCount:
    """One released cell: the noisy count, and what is shown (negative shown as 0)."""

    key: str
    noisy: int

    @property
    def published(self) -> int:
        """Clamped at zero after the noise: post-processing, which costs no privacy."""
        return max(0, self.noisy)


@dataclass(frozen=True)
class Release:
    """What one release publishes: never the counts before noise."""

    keys: tuple[str, ...]
    counts: tuple[NoisyCount, ...]
    epsilon: Decimal
    bound: int
    mechanism: str
    scale: float
    interval: int
    """The 95 % noise interval's half-width (see `noise_interval`)."""
    key_set: str
    """`key_set_hash(keys)`."""
    privacy_loss: float
    """OpenDP's privacy map at the contribution bound: the ε this release spends."""


def release_counts(
    records: Iterable[Contribution], *, keys: Sequence[str], epsilon: Decimal, bound: int
) -> Release:
    """Release a noisy count for every key in `keys` (empty keys included).

    Records whose key is not in `keys` are not counted (the key set is public and fixed;
    nothing outside it is published).

    Raises:
        StatisticsError: an empty or repeated key set, a bound below 1 or a bad ε.
    """
    keys = _check_keys(keys)
    epsilon = epsilon_parse(epsilon)
    measurement = counts_measurement(keys=keys, bound=bound, epsilon=epsilon)
    counts = exact_histogram(records, keys=keys, bound=bound)
    noisy = measurement([counts[key] for key in keys])
    del counts  # never kept, never returned: only the noisy counts leave this function
    scale = noise_scale(bound=bound, epsilon=epsilon)
    return Release(
        keys=keys,
        counts=tuple(NoisyCount(key, int(value)) for key, value in zip(keys, noisy, strict=True)),
        epsilon=epsilon,
        bound=bound,
        mechanism=MECHANISM,
        scale=scale,
        interval=noise_interval(scale),
        key_set=key_set_hash(keys),
        privacy_loss=float(measurement.map(bound)),
    )
