"""The ledger audit (`haven ledger audit`, run daily by the task worker): does the log hold?

An outsider's export proves the public leaves; this checks, with the database and the
keys, what only the site can:

1. **The head and the sequence.** Positions run 0, 1, 2, … with no gap, and the
   `LedgerHead` size is their number.
2. **The stored tree.** Every `LedgerNode` (the perfect-subtree hashes that proofs and
   tiles are served from) is recomputed from the stored leaves; none is missing, changed
   or extra.
3. **The sealed events.** Every event about people opens (its sealed row decrypts) and
   matches its public leaf's commitment (`selectors.entry_event`); every entry is filed
   under the subject its event is about, and under its leaf's kind.
4. **The published checkpoints.** Each one's root is the recomputed root at its size,
   and, when signed by a key the site knows (the current one, or one a `key_rotation`
   entry announced), its signature verifies.
5. **Coverage.** Every row the registry (`COVERAGE`) names has its event in the log:
   today, every report its `report_received`. Decisions and sealed accesses register
   theirs with `@coverage` when they are built.

The audit stops at the first thing wrong, in that order, and names it: the log position
for 1–4, the report's reference for 5. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from haven.ledger.checkpoint import open_checkpoint, parse_checkpoint
from haven.ledger.errors import LedgerError
from haven.ledger.hashing import EMPTY_ROOT, HASH_SIZE, LEAF_HASH_PREFIX, NODE_HASH_PREFIX
from haven.ledger.kinds import EVENT_TYPES
from haven.ledger.note import NoteVerifier, parse_vkey
from haven.privacy import PrivacyError
from haven.web.ledger.keys import ledger_signer
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.selectors import entry_event

CHUNK = 2_000

# --- coverage: rows of the site that must each have their event in the log --------------

Row = tuple[str, str]
"""(reference shown to people, key the event is found by): for a report, its reference
and its pseudonym."""


@dataclass(frozen=True)
class Coverage:
    """Rows that must each have a ledger event of `kind` about them.

    `rows` yields `(reference, key)` in a stable order (the first missing one is named).
    An event of `kind` is found by its entry's `subject` (a report's pseudonym), unless
    `key` reads another field of the opened event's payload (a decision's request id).
    """

    name: str
    kind: str
    rows: Callable[[], Iterable[Row]]
    key: Callable[[dict[str, Any]], str] | None = None


COVERAGE: list[Coverage] = []


def coverage(
    *, name: str, kind: str, key: Callable[[dict[str, Any]], str] | None = None
) -> Callable[[Callable[[], Iterable[Row]]], Callable[[], Iterable[Row]]]:
    """Register a function yielding the rows that must each have an event of `kind`."""

    def register(rows: Callable[[], Iterable[Row]]) -> Callable[[], Iterable[Row]]:
        COVERAGE.append(Coverage(name=name, kind=kind, rows=rows, key=key))
        return rows

    return register


@coverage(name="report", kind="report_received")
def _reports() -> Iterator[Row]:
    from haven.web.reporting.models import Report
    from haven.web.reporting.services import report_pseudonym

    for report in Report.objects.order_by("pk").only("pk", "reference").iterator(CHUNK):
        yield report.reference, report_pseudonym(report)


# --- the result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The first thing wrong: which check, what, and where (a position or a reference)."""

    check: str
    message: str
    position: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class AuditResult:
    finding: Finding | None
    entries: int = 0
    nodes: int = 0
    sealed: int = 0
    public: int = 0
    checkpoints: int = 0
    covered: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.finding is None

    @property
    def problem(self) -> str | None:
        """The finding as one line (None when the audit passed)."""
        return None if self.finding is None else self.finding.message

    def summary(self) -> str:
        covered = "; ".join(
            f"every {c.name} ({self.covered.get(c.name, 0):,}) has its {c.kind} event"
            for c in COVERAGE
        )
        return (
            f"ledger audit passed: {self.entries:,} entries, and the head and the stored "
            f"tree ({self.nodes:,} nodes) match them; {self.sealed:,} sealed events open and "
            f"match their commitments, {self.public:,} are public; {self.checkpoints:,} "
            f"published checkpoint{'' if self.checkpoints == 1 else 's'} "
            f"match{'es' if self.checkpoints == 1 else ''} the tree; {covered}"
        )


class _Found(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _fail(
    check: str, message: str, *, position: int | None = None, reference: str | None = None
) -> NoReturn:
    raise _Found(Finding(check, message, position=position, reference=reference))


# --- the audit -------------------------------------------------------------------------


_SUBJECT_FIELD = {event.KIND: event.SUBJECT for event in EVENT_TYPES}


@dataclass
class _Pass:
    """What one pass over the entries gathers."""

    count: int = 0
    leaf_hashes: bytearray = field(default_factory=bytearray)
    sealed: int = 0
    public: int = 0
    event_finding: Finding | None = None
    keys: dict[str, set[str]] = field(default_factory=dict)
    announced: list[str] = field(default_factory=list)


def ledger_audit() -> AuditResult:
    """Run every check (see the module docstring); stop at the first thing wrong."""
    found = _Pass()
    try:
        head = LedgerHead.objects.filter(pk=1).first()
        _read_entries(found)
        _check_head(head, found.count)
        nodes, roots = _check_tree(found.leaf_hashes, found.count, _checkpoint_sizes())
        if found.event_finding is not None:
            raise _Found(found.event_finding)
        checkpoints = _check_checkpoints(roots, found.count, found.announced)
        covered = _check_coverage(found.keys)
    except _Found as error:
        return AuditResult(finding=error.finding, entries=found.count)
    return AuditResult(
        finding=None,
        entries=found.count,
        nodes=nodes,
        sealed=found.sealed,
        public=found.public,
        checkpoints=checkpoints,
        covered=covered,
    )


def stored_tree_finding(*, sizes: Iterable[int] = ()) -> tuple[Finding | None, dict[int, bytes]]:
    """Checks 1 and 2 alone (the head, the sequence and the stored tree), opening no event.

    Returns the first finding, or None and the recomputed root at each of `sizes`.
    """
    found = _Pass()
    try:
        head = LedgerHead.objects.filter(pk=1).first()
        _read_entries(found, open_events=False)
        _check_head(head, found.count)
        _nodes, roots = _check_tree(found.leaf_hashes, found.count, set(sizes))
    except _Found as error:
        return error.finding, {}
    return None, roots


def _read_entries(found: _Pass, *, open_events: bool = True) -> None:
    """One pass in log order: the sequence, the leaf hashes, and every event opened."""
    keyed = {c.kind: c for c in COVERAGE}
    for kind in keyed:
        found.keys[kind] = set()
    sha256 = hashlib.sha256
    entries = LedgerEntry.objects.order_by("position")
    if not open_events:
        entries = entries.only("position", "leaf")
    for entry in entries.iterator(CHUNK):
        position = entry.position
        if position != found.count:
            _fail(
                "sequence",
                f"position {found.count} is missing: the log goes from position "
                f"{found.count - 1} to {position}",
                position=found.count,
            )
        found.count += 1
        leaf = bytes(entry.leaf)
        found.leaf_hashes += sha256(LEAF_HASH_PREFIX + leaf).digest()
        if found.event_finding is not None or not open_events:
            continue  # after a bad event the tree may still fail earlier: keep hashing
        event = _open(entry, found)
        if event is None:
            continue
        if entry.kind in keyed:
            coverage_key = keyed[entry.kind].key
            found.keys[entry.kind].add(
                coverage_key(event["payload"]) if coverage_key else entry.subject
            )
        if event["kind"] == "key_rotation" and event["payload"].get("new_vkey"):
            found.announced.append(str(event["payload"]["new_vkey"]))


def _open(entry: LedgerEntry, found: _Pass) -> dict[str, Any] | None:
    position = entry.position
    try:
        event = entry_event(entry)
    except PrivacyError as error:
        found.event_finding = Finding(
            "event",
            f"position {position}: the sealed event does not open "
            f"({type(error).__name__}: {error})",
            position=position,
        )
        return None
    except (LedgerError, ValueError) as error:
        found.event_finding = Finding(
            "event",
            f"position {position}: the stored event does not match its public leaf ({error})",
            position=position,
        )
        return None
    if entry.event:
        found.sealed += 1
    else:
        found.public += 1
    subject_field = _SUBJECT_FIELD.get(event["kind"])
    expected = "" if subject_field is None else str(event["payload"].get(subject_field, ""))
    if entry.kind != event["kind"] or entry.subject != expected:
        found.event_finding = Finding(
            "event",
            f"position {position}: the entry is filed as a {entry.kind!r} about "
            f"{entry.subject or 'nobody'!r}, but its event is a {event['kind']!r} about "
            f"{expected or 'nobody'!r}",
            position=position,
        )
        return None
    return event


def _check_head(head: LedgerHead | None, count: int) -> None:
    if head is None:
        if count:
            _fail(
                "head",
                f"the ledger head row is missing, and the log holds {count:,} entries: "
                "restore it from a backup",
            )
        return
    if head.size > count:
        _fail(
            "head",
            f"position {count} is missing: the head says the log holds {head.size:,} "
            f"entries, the database holds {count:,}",
            position=count,
        )
    if head.size < count:
        _fail(
            "head",
            f"position {head.size} lies beyond the head: the head says the log holds "
            f"{head.size:,} entries, the database holds {count:,}",
            position=head.size,
        )


def _checkpoint_sizes() -> set[int]:
    return set(LedgerCheckpoint.objects.values_list("size", flat=True))


def _check_tree(leaf_hashes: bytearray, size: int, sizes: set[int]) -> tuple[int, dict[int, bytes]]:
    """Compare every stored node with the tree recomputed from the leaves.

    Returns the number of nodes checked and the root at each of `sizes` (within the log),
    gathered on the way: the root of size s folds the last complete node of each level
    whose bit is set in s.
    """
    frontiers: dict[int, list[bytes]] = {s: [] for s in sizes if 0 < s <= size}
    level, row, checked = 0, leaf_hashes, 0
    sha256 = hashlib.sha256
    while True:
        count = len(row) // HASH_SIZE
        checked += _compare_level(level, row, count)
        for s, nodes in frontiers.items():
            if s >> level & 1:
                index = (s >> level) - 1
                nodes.append(bytes(row[index * HASH_SIZE : (index + 1) * HASH_SIZE]))
        if count < 2:
            break
        parents = bytearray()
        for start in range(0, (count // 2) * 2 * HASH_SIZE, 2 * HASH_SIZE):
            parents += sha256(NODE_HASH_PREFIX + row[start : start + 2 * HASH_SIZE]).digest()
        level, row = level + 1, parents
    beyond = LedgerNode.objects.filter(level__gt=level).order_by("level", "index").first()
    if beyond is not None:
        _fail(
            "tree",
            f"the stored tree has a node ({beyond.level}, {beyond.index}) above the top of "
            f"a log of {size:,} entries",
        )
    roots = {s: _fold(nodes) for s, nodes in frontiers.items()}
    if 0 in sizes:
        roots[0] = EMPTY_ROOT
    return checked, roots


def _fold(nodes: list[bytes]) -> bytes:
    """The root from the frontier nodes, lowest level first (RFC 6962's right edge)."""
    acc = nodes[0]
    for node in nodes[1:]:
        acc = hashlib.sha256(NODE_HASH_PREFIX + node + acc).digest()
    return acc


def _span(level: int, index: int) -> tuple[int, int]:
    return index << level, ((index + 1) << level) - 1


def _compare_level(level: int, row: bytearray, count: int) -> int:
    """Every stored node of `level` equals `row`'s (`count` complete nodes); no more, no fewer."""
    expected = 0
    stored = (
        LedgerNode.objects.filter(level=level)
        .order_by("index")
        .values_list("index", "hash")
        .iterator(CHUNK)
    )
    for index, value in stored:
        if index >= count:
            if expected < count:
                break  # a node is missing before it: name that first
            _fail(
                "tree",
                f"the stored tree has a node ({level}, {index}) beyond the log's {count:,} "
                f"complete nodes at that level",
                position=index if level == 0 else None,
            )
        if index > expected:
            break
        want = row[index * HASH_SIZE : (index + 1) * HASH_SIZE]
        if not hmac.compare_digest(bytes(value), bytes(want)):
            first, last = _span(level, index)
            _fail(
                "tree",
                f"position {first}: the stored leaf hash is not the hash of the stored leaf "
                "(the leaf or its node was changed)"
                if level == 0
                else f"positions {first}–{last}: the stored node ({level}, {index}) is not the "
                "hash of the leaves under it",
                position=first,
            )
        expected += 1
    if expected < count:
        first, last = _span(level, expected)
        where = f"position {first}" if level == 0 else f"positions {first}–{last}"
        _fail("tree", f"{where}: the stored tree has no node ({level}, {expected})", position=first)
    return count


def _check_checkpoints(roots: dict[int, bytes], size: int, announced: list[str]) -> int:
    known: dict[str, NoteVerifier] = {}
    current = ledger_signer().verifier
    for verifier in [current, *(_verifier(vkey) for vkey in announced)]:
        if verifier is not None and verifier.name == current.name:
            known[verifier.key_id.hex()] = verifier
    checked = 0
    for row in LedgerCheckpoint.objects.order_by("size", "key_id").iterator(CHUNK):
        where = f"the checkpoint of size {row.size} signed by key {row.key_id}"
        if row.size > size:
            _fail("checkpoint", f"{where} covers more than the log's {size:,} entries")
        root = roots[row.size]
        verifier = known.get(row.key_id)
        try:
            if verifier is not None:
                checkpoint = open_checkpoint(row.note, verifier)
            else:  # signed by a key no longer known here: check what it says
                checkpoint = parse_checkpoint(row.note[: row.note.rindex("\n\n") + 1])
        except (LedgerError, ValueError) as error:
            _fail("checkpoint", f"{where} does not verify: {error}")
        if (
            checkpoint.size != row.size
            or not hmac.compare_digest(checkpoint.root_hash, bytes(row.root))
            or not hmac.compare_digest(bytes(row.root), root)
        ):
            _fail(
                "checkpoint",
                f"{where} does not sign the root of the stored leaves at that size",
            )
        checked += 1
    return checked


def _verifier(vkey: str) -> NoteVerifier | None:
    try:
        return parse_vkey(vkey)
    except (LedgerError, ValueError):
        return None


def _check_coverage(keys: dict[str, set[str]]) -> dict[str, int]:
    covered = {}
    for check in COVERAGE:
        present = keys.get(check.kind, set())
        rows = 0
        for reference, key in check.rows():
            if key not in present:
                _fail(
                    "coverage",
                    f"{check.name} {reference} has no {check.kind} event in the ledger",
                    reference=reference,
                )
            rows += 1
        covered[check.name] = rows
    return covered
