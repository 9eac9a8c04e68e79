"""KEK ids: `compartment/scope/version`, the one naming scheme for key-encryption keys.

- compartment: `personal` (accounts, names, contact details, messages) or `sealed`
  (immigration-related information an officer records). Each has its own KEKs, so a
  leak of the personal keys does not open the sealed compartment.
- scope: `open` for records whose case is not concluded, or a shred date `YYYY-MM-DD`
  for records whose retention ends that day. Destroying a date's KEKs crypto-shreds
  every record wrapped under them.
- version: `v1`, `v2`, …; rotation adds a version and re-wraps every data key under it.

For example `personal/open/v2` and `sealed/2027-05-14/v1`. The id is ASCII, at most 27
characters, and is written into every wrapped key and bound into its associated data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

from haven.privacy.errors import MalformedError

COMPARTMENTS: tuple[str, ...] = ("personal", "sealed")
OPEN_SCOPE = "open"
_ID = re.compile(r"(personal|sealed)/(open|\d{4}-\d{2}-\d{2})/v([1-9][0-9]{0,5})")
_EXAMPLES = "e.g. personal/open/v1 or sealed/2027-05-14/v2"


@total_ordering
@dataclass(frozen=True)
class KekId:
    """The id of one key-encryption key (see the module docstring)."""

    compartment: str
    scope: str
    version: int

    def __post_init__(self) -> None:
        if self.compartment not in COMPARTMENTS:
            raise MalformedError(
                f"compartment {self.compartment!r} is not one of {', '.join(COMPARTMENTS)}"
            )
        if self.scope != OPEN_SCOPE:
            _shred_date(self.scope)
        if type(self.version) is not int or not 1 <= self.version <= 999_999:
            raise MalformedError(f"key version {self.version!r} is not a whole number from 1")

    @classmethod
    def parse(cls, text: str) -> KekId:
        """Raises `MalformedError` (a `ValueError`) for anything but a well-formed id."""
        match = _ID.fullmatch(text)
        if match is None:
            raise MalformedError(f"{text!r} is not a key id: expected {_EXAMPLES}")
        compartment, scope, version = match.groups()
        return cls(compartment, scope, int(version))

    def __str__(self) -> str:
        return f"{self.compartment}/{self.scope}/v{self.version}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, KekId):
            return NotImplemented
        return (self.compartment, self.scope, self.version) < (
            other.compartment,
            other.scope,
            other.version,
        )

    @property
    def shred_date(self) -> date | None:
        """The day records under this key are destroyed, or None for an `open` key."""
        return None if self.scope == OPEN_SCOPE else _shred_date(self.scope)

    def next_version(self) -> KekId:
        return KekId(self.compartment, self.scope, self.version + 1)


def scope_for(shred_date: date | None) -> str:
    """The scope of a record: `open` until its case concludes, then its shred date."""
    return OPEN_SCOPE if shred_date is None else shred_date.isoformat()


def _shred_date(scope: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", scope):
        raise MalformedError(f"scope {scope!r} is neither 'open' nor a date YYYY-MM-DD")
    try:
        return date.fromisoformat(scope)
    except ValueError:
        raise MalformedError(f"scope {scope!r} is not a calendar date") from None
