"""Haven's tamper-evident ledger: an RFC 6962 / RFC 9162 Merkle log in pure Python.

Never imports Django. Modules, one idea each:

* :mod:`~haven.ledger.hashing` — RFC 6962 §2.1 leaf and node hashes;
* :mod:`~haven.ledger.store` — the :class:`HashStore` protocol (perfect-subtree hashes);
* :mod:`~haven.ledger.tree` — the appender, roots and subtree hashes over a store;
* :mod:`~haven.ledger.proofs` — RFC 9162 §2.1.3–2.1.4 proofs and their verification;
* :mod:`~haven.ledger.log` — :class:`MerkleLog`, an in-memory convenience;
* :mod:`~haven.ledger.note` — C2SP signed-note with Ed25519;
* :mod:`~haven.ledger.checkpoint` — C2SP tlog-checkpoint;
* :mod:`~haven.ledger.tiles` — C2SP tlog-tiles paths, tiles and entry bundles;
* :mod:`~haven.ledger.audit` — whole-log verification locating the first bad leaf;
* :mod:`~haven.ledger.export` — the export directory (docs/contracts.md);
* :mod:`~haven.ledger.events` — canonical JSON events and keyed pseudonyms.
"""

from haven.ledger.audit import verify_log
from haven.ledger.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from haven.ledger.errors import (
    EntryTooLargeError,
    InvalidCheckpointError,
    InvalidConsistencyProofError,
    InvalidEventError,
    InvalidInclusionProofError,
    InvalidNoteError,
    InvalidProofError,
    InvalidSignatureError,
    InvalidTileError,
    LedgerError,
    LogVerificationError,
    PersonalDataError,
)
from haven.ledger.events import (
    EVENT_KINDS,
    canonical_json,
    check_payload,
    event_envelope,
    event_leaf,
    parse_event,
    pseudonym,
)
from haven.ledger.export import read_leaves, verify_export, write_export
from haven.ledger.hashing import EMPTY_ROOT, HASH_SIZE, hash_children, hash_leaf
from haven.ledger.log import MerkleLog
from haven.ledger.note import (
    NoteSigner,
    NoteVerifier,
    generate_signer,
    open_note,
    parse_skey,
    parse_vkey,
    read_signer,
    sign_note,
    signer_from_pem,
    write_signer,
)
from haven.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from haven.ledger.store import HashStore, InMemoryHashStore, StoredHash
from haven.ledger.tiles import (
    Tile,
    decode_entry_bundle,
    encode_entry_bundle,
    entries_path,
    tile_hashes,
    tile_path,
    tiles_for_size,
    write_tiles,
    write_tiles_from_rows,
)
from haven.ledger.tree import (
    AppendResult,
    append_leaves,
    leaf_hashes,
    merkle_rows,
    root_from_leaves,
    root_hash,
    subtree_hash,
)

__all__ = [
    "EMPTY_ROOT",
    "EVENT_KINDS",
    "HASH_SIZE",
    "AppendResult",
    "Checkpoint",
    "EntryTooLargeError",
    "HashStore",
    "InMemoryHashStore",
    "InvalidCheckpointError",
    "InvalidConsistencyProofError",
    "InvalidEventError",
    "InvalidInclusionProofError",
    "InvalidNoteError",
    "InvalidProofError",
    "InvalidSignatureError",
    "InvalidTileError",
    "LedgerError",
    "LogVerificationError",
    "MerkleLog",
    "NoteSigner",
    "NoteVerifier",
    "PersonalDataError",
    "StoredHash",
    "Tile",
    "append_leaves",
    "canonical_json",
    "check_payload",
    "consistency_proof",
    "decode_entry_bundle",
    "encode_entry_bundle",
    "entries_path",
    "event_envelope",
    "event_leaf",
    "generate_signer",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "leaf_hashes",
    "merkle_rows",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_event",
    "parse_skey",
    "parse_vkey",
    "pseudonym",
    "read_leaves",
    "read_signer",
    "root_from_inclusion_proof",
    "root_from_leaves",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "signer_from_pem",
    "subtree_hash",
    "tile_hashes",
    "tile_path",
    "tiles_for_size",
    "verify_consistency",
    "verify_export",
    "verify_inclusion",
    "verify_log",
    "write_export",
    "write_signer",
    "write_tiles",
    "write_tiles_from_rows",
]
