"""RFC 6962 §2.1 (RFC 9162 §2.1.1) leaf and node hashes with SHA-256.

``MTH({}) = SHA-256()``, ``leaf = SHA-256(0x00 || d)``,
``node = SHA-256(0x01 || left || right)``. The one-byte prefixes separate the leaf
and node domains so that a leaf can never be passed off as an interior node.
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
"""Bytes in a SHA-256 hash, and so in every Merkle tree hash."""

LEAF_HASH_PREFIX = b"\x00"
"""RFC 6962 domain-separation prefix for leaf hashes."""

NODE_HASH_PREFIX = b"\x01"
"""RFC 6962 domain-separation prefix for interior node hashes."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root hash of the empty tree, ``SHA-256("")``."""


def hash_leaf(leaf: bytes) -> bytes:
    """Return the RFC 6962 leaf hash ``SHA-256(0x00 || leaf)``.

    Raises:
        TypeError: if ``leaf`` is not bytes-like.
    """
    if not isinstance(leaf, bytes | bytearray | memoryview):
        raise TypeError(f"leaf must be bytes, got {type(leaf).__name__}")
    return hashlib.sha256(LEAF_HASH_PREFIX + bytes(leaf)).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(NODE_HASH_PREFIX + left + right).digest()
