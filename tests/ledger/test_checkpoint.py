"""C2SP tlog-checkpoint bodies and their signatures."""

from __future__ import annotations

import base64

import pytest

from haven.ledger.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from haven.ledger.errors import InvalidCheckpointError, LedgerError
from haven.ledger.hashing import EMPTY_ROOT
from haven.ledger.note import generate_signer

ORIGIN = "haven.example/ledger"
ROOT = bytes(range(32))


def test_checkpoint_body_is_origin_size_root() -> None:
    body = Checkpoint(ORIGIN, 42, ROOT).to_text()
    assert body == f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_checkpoint(body) == Checkpoint(ORIGIN, 42, ROOT)


def test_extension_lines_round_trip() -> None:
    cp = Checkpoint(ORIGIN, 0, EMPTY_ROOT, extensions=("ext one",))
    assert parse_checkpoint(cp.to_text()) == cp


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n42\n",
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n4 2\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n42\nnot base64!\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}",
        f"\n42\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n\n",
    ],
)
def test_malformed_checkpoints_are_rejected(body: str) -> None:
    with pytest.raises(InvalidCheckpointError):
        parse_checkpoint(body)


def test_signed_checkpoint_opens_and_checks_origin() -> None:
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), signer)
    assert open_checkpoint(note, signer.verifier, origin=ORIGIN) == Checkpoint(ORIGIN, 7, ROOT)
    with pytest.raises(InvalidCheckpointError, match="origin"):
        open_checkpoint(note, signer.verifier, origin="other.example/log")


def test_any_change_to_a_signed_checkpoint_breaks_it() -> None:
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 1234, ROOT), signer).encode("utf-8")
    for position in range(len(note)):
        for flip in (0x01, 0x80):
            tampered = bytearray(note)
            tampered[position] ^= flip
            with pytest.raises(LedgerError):
                open_checkpoint(bytes(tampered), signer.verifier)
    for cut in range(len(note)):
        with pytest.raises(LedgerError):
            open_checkpoint(note[:cut], signer.verifier)
