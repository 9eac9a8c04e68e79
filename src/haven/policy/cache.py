"""The compile cache: compiled tables on disk, keyed by a hash of everything they depend on.

Files live in `$HAVEN_DATA_DIR/policy-cache/` (default `var/policy-cache/` relative to
the working directory), one `<key>.npz` per compiled policy. The key hashes the engine
version, the Cedar schema, the decision space and the policy text, so a change to any
of them misses the cache.

A file is written to a temporary name and renamed into place (atomic on POSIX), and
carries a SHA-256 checksum of its contents. A file that cannot be read, fails its
checksum or does not have the table layout is ignored (and later overwritten): the
policy is recompiled, never trusted. The checksum detects corruption, not an attacker
who can write to the data directory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from haven.policy import space
from haven.policy.table import ALLOW, DENY, OUTCOME_DTYPE, CompiledTable, Outcome

CACHE_SUBDIRECTORY = "policy-cache"
DEFAULT_DATA_DIR = "var"
_FORMAT = 1


def default_cache_dir() -> Path:
    """`$HAVEN_DATA_DIR/policy-cache`, or `var/policy-cache` when the variable is unset."""
    return Path(os.environ.get("HAVEN_DATA_DIR") or DEFAULT_DATA_DIR) / CACHE_SUBDIRECTORY


def cache_key(*, policy_text: str, schema_text: str, engine_version: str) -> str:
    """Hex SHA-256 over the inputs that determine a compiled table."""
    digest = hashlib.sha256()
    for part in (
        f"haven-policy-cache/{_FORMAT}",
        engine_version,
        repr([(a.name, a.values) for a in space.ATTRIBUTES]),
        schema_text,
        policy_text,
    ):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def read_table(directory: Path, key: str) -> CompiledTable | None:
    """The cached table for `key`, or None when absent, unreadable or corrupt."""
    path = directory / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as archive:
            ids = np.array(archive["outcome_ids"])
            outcomes_json = bytes(archive["outcomes"])
            checksum = bytes(archive["checksum"]).decode("ascii")
    except Exception:
        # numpy, zipfile and zlib raise assorted errors on a damaged file; any of them
        # is a cache miss, and the policy is recompiled.
        return None
    if checksum != _checksum(ids, outcomes_json):
        return None
    try:
        items = json.loads(outcomes_json)
        if any(item["decision"] not in (ALLOW, DENY) for item in items):
            return None
        outcomes = tuple(
            Outcome(
                decision=item["decision"],
                rule_ids=tuple(item["rule_ids"]),
                obligations=tuple(item["obligations"]),
            )
            for item in items
        )
        return CompiledTable(outcome_ids=ids, outcomes=outcomes)
    except (ValueError, KeyError, TypeError):
        return None


def write_table(directory: Path, key: str, table: CompiledTable) -> Path:
    """Store `table` under `key` atomically; returns the file's path.

    Raises:
        OSError: the directory cannot be created or written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    outcomes_json = json.dumps(
        [
            {
                "decision": outcome.decision,
                "rule_ids": list(outcome.rule_ids),
                "obligations": list(outcome.obligations),
            }
            for outcome in table.outcomes
        ],
        sort_keys=True,
    ).encode("utf-8")
    ids = np.ascontiguousarray(table.outcome_ids, dtype=OUTCOME_DTYPE)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        outcome_ids=ids,
        outcomes=np.frombuffer(outcomes_json, dtype=np.uint8),
        checksum=np.frombuffer(_checksum(ids, outcomes_json).encode("ascii"), dtype=np.uint8),
    )
    target = directory / f"{key}.npz"
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{key}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(buffer.getvalue())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _checksum(ids: np.ndarray, outcomes_json: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(str(ids.dtype).encode("ascii") + b"\0" + str(ids.shape).encode("ascii"))
    digest.update(np.ascontiguousarray(ids).tobytes())
    digest.update(outcomes_json)
    return digest.hexdigest()
