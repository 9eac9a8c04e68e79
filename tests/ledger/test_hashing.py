"""RFC 6962 §2.1 hashes."""

from __future__ import annotations

import hashlib

import pytest

from haven.ledger.hashing import (
    EMPTY_ROOT,
    LEAF_HASH_PREFIX,
    NODE_HASH_PREFIX,
    hash_children,
    hash_leaf,
)


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_leaf_hash_prefixes_zero_byte() -> None:
    assert hash_leaf(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        hash_leaf(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert hash_leaf(b"abc") == hashlib.sha256(LEAF_HASH_PREFIX + b"abc").digest()


def test_node_hash_prefixes_one_byte() -> None:
    left, right = b"L" * 32, b"R" * 32
    assert hash_children(left, right) == hashlib.sha256(NODE_HASH_PREFIX + left + right).digest()


def test_leaf_and_node_domains_differ() -> None:
    left, right = b"L" * 32, b"R" * 32
    assert hash_leaf(left + right) != hash_children(left, right)


def test_leaf_hash_refuses_text() -> None:
    with pytest.raises(TypeError):
        hash_leaf("text")  # type: ignore[arg-type]
