"""Ledger benchmark: proofs on a 1,000,000-entry log and whole-log verification.

Run: ``.venv/bin/python bench/ledger.py [--size N] [--proofs K] [--quick]``.

Prints one JSON object. Each section is a function returning a dict; the sections
are merged under their names. As docs/architecture.md asks, every figure that matters is a ratio
against a peer measured in the same run:

* ``inclusion_proofs``: mean time to build one RFC 9162 inclusion proof from the
  stored hashes of a log built with the appender (target <= 1 ms), and to verify it.
* ``whole_log_verification``: :func:`haven.ledger.verify_log` on all leaves
  (signature + recompute the root) against the floor: the same ``2n - 1`` SHA-256
  calls done with bare ``hashlib`` (target ratio <= 3).
* ``append_in_memory``: the appender's throughput into :class:`InMemoryHashStore`
  against the same floor.
* ``export_round_trip``: write the export directory (leaves + tiles), verify it
  from disk (which now also checks every tile file against the leaves), and locate a
  tampered leaf through the tiles (tiles read, time).
* ``database_append``: durable batched appends through the site's
  ``ledger_record_many`` on SQLite and PostgreSQL (target >= 10,000/s on SQLite),
  against bare inserts of the same leaves in the same batches. Each append seals its
  event (AES-256-GCM under a fresh data key), so the section also reports the sealing
  cost alone, and the daily audit's throughput over the same log.

The leaves are leaf format 2 (docs/ledger.md), from typed events: mostly events about
people, published as kind, day and salted commitment (about 130 bytes), with one in
ten a readable system event (policy changes, key rotations; about 200 bytes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from haven.ledger import (
    Checkpoint,
    LogVerificationError,
    MerkleLog,
    generate_signer,
    hash_leaf,
    inclusion_proof,
    sign_checkpoint,
    verify_export,
    verify_inclusion,
    verify_log,
    write_export,
)
from haven.ledger.commitments import record
from haven.ledger.kinds import (
    Decision,
    KeyRotation,
    LedgerEvent,
    PolicyChange,
    ReportRead,
    ReportReceived,
    ReportStageChanged,
    SealedAccess,
    SignedIn,
)
from haven.ledger.tiles import directory_tile_reader

ORIGIN = "bench.haven.example/ledger"
AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def _pseudonym(kind: str, n: int) -> str:
    return f"{kind}_{n:032x}"


def _event(cls: type[LedgerEvent], **values: object) -> LedgerEvent:
    """`cls(**values)`, with any field not given set to a code (or an empty list), so the
    benchmark keeps running as kinds gain fields."""
    for field in fields(cls):
        if field.name not in values:
            values[field.name] = () if "tuple" in str(field.type) else "other"
    return cls(**values)


def sample_events(count: int) -> list[LedgerEvent]:
    """A deterministic mix of typed events, as a site records them: per 10 events, 9 about
    people (reports arriving, reads, decisions, sealed accesses, stage changes, sign-ins)
    and 1 public (a policy change, or every tenth of those a key rotation)."""
    events: list[LedgerEvent] = []
    for n in range(count):
        report, staff = _pseudonym("report", n // 10), _pseudonym("staff", n % 97)
        slot = n % 10
        event: LedgerEvent
        if slot == 0:
            event = _event(
                ReportReceived,
                report=report,
                force="metropolitan",
                offence="domestic_abuse",
                channel="portal",
                people=({"person": _pseudonym("person", n), "role": "victim"},),
            )
        elif slot in (1, 2, 3):
            event = _event(ReportRead, report=report, reader=staff, reader_role="officer")
        elif slot == 4:
            event = _event(
                Decision,
                report=report,
                person=_pseudonym("person", n),
                request=_pseudonym("request", n),
                policy="firewall",
                version="3",
                decision="deny",
                rules=("no-status-only-checks",),
                obligations=(),
                by=staff,
            )
        elif slot == 5:
            event = _event(
                SealedAccess,
                report=report,
                person=_pseudonym("person", n),
                request=_pseudonym("request", n),
                by=staff,
            )
        elif slot in (6, 7):
            event = _event(
                ReportStageChanged,
                report=report,
                stage_from="report",
                stage_to="investigation",
                by=staff,
            )
        elif slot == 8:
            event = _event(SignedIn, user=staff)
        elif n % 100 == 9:
            event = _event(
                KeyRotation,
                key="sealing",
                old_key_id="personal/open/v1",
                new_key_id="personal/open/v2",
            )
        else:
            event = _event(
                PolicyChange,
                force="metropolitan",
                step="activated",
                policy="met-2019",
                version=str(n),
                by=staff,
            )
        events.append(event)
    return events


def make_leaves(size: int) -> list[bytes]:
    """Format 2 leaves of :func:`sample_events`, each with a fresh salt (not timed)."""
    return [record(event, at=AT).leaf for event in sample_events(size)]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def hashlib_floor(leaves: list[bytes]) -> float:
    """Seconds for the ``2n - 1`` SHA-256 calls a Merkle root needs, with bare hashlib."""
    sha256 = hashlib.sha256
    start = time.perf_counter()
    hashes = [sha256(b"\x00" + leaf).digest() for leaf in leaves]
    nodes = [sha256(b"\x01" + a + b).digest() for a, b in zip(hashes, hashes[1:], strict=False)]
    assert len(hashes) + len(nodes) == 2 * len(leaves) - 1
    return time.perf_counter() - start


def bench_build(log: MerkleLog, leaves: list[bytes]) -> dict[str, Any]:
    """Build the log with the appender, in batches of 1,000 (as a site would commit)."""
    floor = hashlib_floor(leaves)
    start = time.perf_counter()
    for begin in range(0, len(leaves), 1000):
        log.append(leaves[begin : begin + 1000])
    seconds = time.perf_counter() - start
    return {
        "entries": len(leaves),
        "batch": 1000,
        "seconds": round(seconds, 3),
        "entries_per_second": round(len(leaves) / seconds),
        "hashlib_floor_seconds": round(floor, 3),
        "ratio_to_floor": round(seconds / floor, 2),
    }


def bench_inclusion_proofs(log: MerkleLog, leaves: list[bytes], proofs: int) -> dict[str, Any]:
    """Mean time per inclusion proof (build, and verify) over random indices."""
    rng = random.Random(6962)
    size = log.size
    indices = [rng.randrange(size) for _ in range(proofs)]
    root = log.root()
    build_s, built = _timed(lambda: [inclusion_proof(log.store, i, size) for i in indices])

    def verify_all() -> None:
        for i, proof in zip(indices, built, strict=True):
            verify_inclusion(hash_leaf(leaves[i]), i, size, proof, root)

    verify_s, _ = _timed(verify_all)
    per_proof_ms = build_s / proofs * 1000
    return {
        "log_size": size,
        "proofs": proofs,
        "proof_hashes": len(built[0]),
        "build_ms_per_proof": round(per_proof_ms, 4),
        "verify_ms_per_proof": round(verify_s / proofs * 1000, 4),
        "target_build_ms_per_proof": 1.0,
        "meets_target": per_proof_ms <= 1.0,
    }


def bench_whole_log_verification(log: MerkleLog, leaves: list[bytes]) -> dict[str, Any]:
    """verify_log on every leaf against the bare-hashlib floor of 2n - 1 hashes."""
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), signer)
    floors, runs = [], []
    for _ in range(3):  # interleaved, best of three: the machine may be shared
        floors.append(hashlib_floor(leaves))
        runs.append(_timed(lambda: verify_log(leaves, note, signer.verifier))[0])
    floor, seconds = min(floors), min(runs)
    return {
        "leaves": len(leaves),
        "sha256_calls": 2 * len(leaves) - 1,
        "verify_seconds": round(seconds, 3),
        "hashlib_floor_seconds": round(floor, 3),
        "ratio_to_floor": round(seconds / floor, 2),
        "target_ratio": 3.0,
        "meets_target": seconds / floor <= 3.0,
    }


def bench_export_round_trip(log: MerkleLog, leaves: list[bytes]) -> dict[str, Any]:
    """Write an export directory, verify it from disk, and locate one tampered leaf."""
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, log.size, log.root()), signer)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "export"
        write_s, _ = _timed(
            lambda: write_export(
                directory, leaves=leaves, checkpoint_note=note, vkey=signer.verifier.vkey
            )
        )
        verify_s, _ = _timed(lambda: verify_export(directory, vkey=signer.verifier.vkey))
        tampered = list(leaves)
        bad = len(leaves) * 2 // 3
        tampered[bad] = b"tampered"
        reads: list[str] = []
        tiles = directory_tile_reader(directory)

        def counting(path: str) -> bytes:
            reads.append(path)
            return tiles(path)

        def locate() -> int | None:
            try:
                verify_log(tampered, note, signer.verifier, tiles=counting)
            except LogVerificationError as exc:
                return exc.position
            return None

        locate_s, position = _timed(locate)
        tile_files = sum(1 for p in (directory / "tile").rglob("*") if p.is_file())
    return {
        "leaves": len(leaves),
        "write_seconds": round(write_s, 3),
        "verify_from_disk_seconds": round(verify_s, 3),
        "tile_files": tile_files,
        "locate_tampered_leaf_seconds": round(locate_s, 3),
        "locate_ratio_to_verify": round(locate_s / verify_s, 2),
        "located_position_correct": position == bad,
        "tiles_read_to_locate": len(reads),
    }


def bench_database_append(entries: int, batch: int) -> dict[str, Any]:
    """Durable batched appends through the site's `ledger_record_many`, per database.

    Each database runs in its own process (`bench/ledger_database.py`) on a fresh
    database: a SQLite file, and a new PostgreSQL database when one is reachable at
    `BENCH_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432). The peer is
    bare inserts of the same leaves in the same batches (target: >= 10,000/s on SQLite).
    """
    import os
    import subprocess
    import sys
    import uuid

    worker = Path(__file__).with_name("ledger_database.py")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as scratch:
        targets = {"sqlite": f"sqlite:///{scratch}/bench.sqlite3"}
        server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        database = f"haven_bench_{uuid.uuid4().hex[:8]}"
        postgres_admin = None
        try:
            import psycopg

            postgres_admin = psycopg.connect(
                f"{server}/postgres", autocommit=True, connect_timeout=3
            )
            postgres_admin.execute(f'CREATE DATABASE "{database}"')
            targets["postgresql"] = f"{server}/{database}"
        except Exception as error:  # noqa: BLE001 - any failure means "not measured", said in the output
            results["postgresql"] = {"status": f"not measured: {error}".strip()}
        try:
            for name, url in targets.items():
                env = {**os.environ, "DATABASE_URL": url, "HAVEN_DATA_DIR": f"{scratch}/{name}"}
                done = subprocess.run(  # noqa: S603 - our own script
                    [sys.executable, str(worker), str(entries), str(batch)],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=1800,
                    check=False,
                )
                if done.returncode != 0:
                    results[name] = {"status": "failed", "stderr": done.stderr[-2000:]}
                else:
                    results[name] = json.loads(done.stdout)
        finally:
            if postgres_admin is not None:
                postgres_admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                postgres_admin.close()
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run every section and print the merged JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="log size (1,000,000)")
    parser.add_argument("--proofs", type=int, default=20_000, help="random proofs (20,000)")
    parser.add_argument("--quick", action="store_true", help="size 10,000 and 2,000 proofs")
    parser.add_argument("--db-entries", type=int, default=50_000, help="database appends (50,000)")
    parser.add_argument(
        "--db-batch", type=int, default=1_000, help="appends per transaction (1,000)"
    )
    args = parser.parse_args(argv)
    size, proofs = (10_000, 2_000) if args.quick else (args.size, args.proofs)

    leaves = make_leaves(size)
    log = MerkleLog()
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "append_in_memory": bench_build(log, leaves),
    }
    result["inclusion_proofs"] = bench_inclusion_proofs(log, leaves, proofs)
    result["whole_log_verification"] = bench_whole_log_verification(log, leaves)
    result["export_round_trip"] = bench_export_round_trip(log, leaves)
    result["database_append"] = bench_database_append(
        5_000 if args.quick else args.db_entries, args.db_batch
    )
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
