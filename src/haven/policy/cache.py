"""The compile cache: compiled tables on disk, keyed by a hash of everything they depend on.

Files live in `$HAVEN_DATA_DIR/policy-cache/` (default `var/policy-cache/` relative to
the working directory), two per compiled policy:

- `<key>.npy`: the outcome ids, uncompressed, so `read_table` memory-maps them
  read-only. Several server processes that load the same policy then share one copy
  of the table in the page cache instead of holding one each.
- `<key>.json`: the outcomes, the id type and a SHA-256 checksum of the `.npy` bytes.

The key hashes the engine version, the Cedar schema, the decision space and the
policy text, so a change to any of them misses the cache.

Each file is written to a temporary name and renamed into place (atomic on POSIX);
the `.npy` goes first, so a reader never pairs new outcomes with old ids without the
checksum noticing. A table that cannot be read, fails its checksum or does not have
the table layout is ignored (and later overwritten): the policy is recompiled, never
trusted. The checksum detects corruption, not an attacker who can write to the data
directory (docs/THREAT-MODEL.md): a memory-mapped file changed in place under a
running process would change that process's table. Haven never writes in place; a
rename leaves every existing mapping on the old, unchanged file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np

from haven.policy import space
from haven.policy.table import ALLOW, DENY, CompiledTable, Outcome

CACHE_SUBDIRECTORY = "policy-cache"
DEFAULT_DATA_DIR = "var"
_FORMAT = 2


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


def table_paths(directory: Path, key: str) -> tuple[Path, Path]:
    """The (ids, outcomes) file paths of one cached table."""
    return directory / f"{key}.npy", directory / f"{key}.json"


def read_table(directory: Path, key: str) -> CompiledTable | None:
    """The cached table for `key` (ids memory-mapped), or None when absent or corrupt."""
    ids_path, outcomes_path = table_paths(directory, key)
    try:
        document = json.loads(outcomes_path.read_text(encoding="utf-8"))
        ids = np.load(ids_path, mmap_mode="r", allow_pickle=False)
    except Exception:
        # numpy and json raise assorted errors on a damaged or missing file; any of
        # them is a cache miss, and the policy is recompiled.
        return None
    try:
        if document.get("checksum") != _checksum(ids) or document.get("dtype") != str(ids.dtype):
            return None
        items = document["outcomes"]
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
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def write_table(directory: Path, key: str, table: CompiledTable) -> Path:
    """Store `table` under `key` atomically; returns the path of the ids file.

    Raises:
        OSError: the directory cannot be created or written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ids = np.ascontiguousarray(table.outcome_ids)
    document = {
        "format": _FORMAT,
        "dtype": str(ids.dtype),
        "checksum": _checksum(ids),
        "outcomes": [
            {
                "decision": outcome.decision,
                "rule_ids": list(outcome.rule_ids),
                "obligations": list(outcome.obligations),
            }
            for outcome in table.outcomes
        ],
    }
    ids_path, outcomes_path = table_paths(directory, key)
    _write_atomically(directory, ids_path, lambda file: np.save(file, ids, allow_pickle=False))
    _write_atomically(
        directory,
        outcomes_path,
        lambda file: file.write(json.dumps(document, sort_keys=True).encode("utf-8")),
    )
    return ids_path


def _write_atomically(directory: Path, target: Path, write: Callable[[IO[bytes]], object]) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _checksum(ids: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(str(ids.dtype).encode("ascii") + b"\0" + str(ids.shape).encode("ascii"))
    digest.update(np.ascontiguousarray(ids).tobytes())
    return digest.hexdigest()
