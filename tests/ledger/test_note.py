"""C2SP signed-note with Ed25519, including Go's sumdb/note interoperability vector."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from haven.ledger.errors import InvalidNoteError, InvalidSignatureError
from haven.ledger.note import (
    NoteVerifier,
    generate_signer,
    key_id,
    open_note,
    parse_skey,
    parse_vkey,
    read_signer,
    sign_note,
    signer_from_pem,
    write_signer,
)

# golang.org/x/mod/sumdb/note's documented example key and note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_the_go_note_byte_for_byte() -> None:
    signer = parse_skey(GO_SKEY)
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    assert signer.verifier.vkey == GO_VKEY
    assert signer.to_skey() == GO_SKEY


def test_the_go_note_opens_with_the_go_vkey() -> None:
    opened = open_note(GO_NOTE, [parse_vkey(GO_VKEY)])
    assert opened.text == GO_TEXT
    assert opened.verified_by == (parse_vkey(GO_VKEY),)


def test_key_id_is_truncated_sha256_of_name_newline_type_and_key() -> None:
    import hashlib

    verifier = parse_vkey(GO_VKEY)
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()[:4]
    assert key_id("PeterNeumann", verifier.public_key) == expected
    assert expected.hex() == "c74f20a3"


def test_unknown_keys_are_ignored_but_one_known_signature_suffices() -> None:
    log, witness = generate_signer("haven.example/log"), generate_signer("witness.example")
    note = sign_note("hello\n", [witness, log])
    assert open_note(note, [log.verifier]).verified_by == (log.verifier,)


def test_a_note_with_no_known_signature_is_rejected() -> None:
    note = sign_note("hello\n", [generate_signer("someone.example")])
    with pytest.raises(InvalidSignatureError, match="no signature from a known key"):
        open_note(note, [generate_signer("haven.example/log").verifier])
    with pytest.raises(InvalidSignatureError):
        open_note(note, [])


def test_same_name_different_key_is_unknown_not_valid() -> None:
    real, impostor = generate_signer("haven.example/log"), generate_signer("haven.example/log")
    with pytest.raises(InvalidSignatureError):
        open_note(sign_note("hello\n", [impostor]), [real.verifier])


def test_a_bad_signature_from_a_known_key_rejects_the_note() -> None:
    signer = generate_signer("haven.example/log")
    note = sign_note("hello\n", [signer])
    with pytest.raises(InvalidSignatureError, match="does not verify"):
        open_note(note.replace("hello", "hellO"), [signer.verifier])


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n\u2014 a AAAA\n",
        "text\n\n",
        "text\n\n- a b\n",
        "text\n\n\u2014 a\n",
        "text\n\n\u2014 a !!!!\n",
        "text\n\n\u2014 a AAAA",
        "te\txt\n\n\u2014 a AAAA\n",
    ],
)
def test_malformed_notes_are_rejected(note: str) -> None:
    signer = generate_signer("a")
    with pytest.raises((InvalidNoteError, InvalidSignatureError)):
        open_note(note, [signer.verifier])


def test_note_text_must_end_in_newline_and_have_no_control_characters() -> None:
    signer = generate_signer("a")
    with pytest.raises(InvalidNoteError, match="newline"):
        sign_note("no newline", [signer])
    with pytest.raises(InvalidNoteError, match="control"):
        sign_note("bell\a\n", [signer])
    with pytest.raises(InvalidNoteError, match="signer"):
        sign_note("x\n", [])


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\tname"])
def test_key_names_must_be_non_empty_without_spaces_or_plus(name: str) -> None:
    with pytest.raises(InvalidNoteError):
        generate_signer(name)


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong id
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # upper hex
        "PeterNeumann+c74f20a3+AhpcMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # short
        "PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type 2
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_vkeys_are_rejected(vkey: str) -> None:
    with pytest.raises(InvalidNoteError):
        parse_vkey(vkey)


def test_vkey_round_trips() -> None:
    verifier = generate_signer("haven.example/log").verifier
    assert parse_vkey(verifier.vkey) == verifier
    assert isinstance(verifier, NoteVerifier)


def test_signer_files_are_written_0600_and_never_overwritten(tmp_path: Path) -> None:
    signer = generate_signer("haven.example/log")
    path = tmp_path / "ledger.key"
    write_signer(path, signer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_signer(path).verifier == signer.verifier
    with pytest.raises(FileExistsError):
        write_signer(path, generate_signer("haven.example/log"))
    assert read_signer(path).verifier == signer.verifier


def test_reading_a_group_readable_signer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.key"
    write_signer(path, generate_signer("haven.example/log"))
    os.chmod(path, 0o640)
    with pytest.raises(PermissionError, match="chmod 600"):
        read_signer(path)


def test_pem_round_trip_keeps_the_key() -> None:
    signer = generate_signer("haven.example/log")
    again = signer_from_pem("haven.example/log", signer.to_pem())
    assert again.verifier == signer.verifier
    with pytest.raises(InvalidNoteError):
        signer_from_pem("x", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


def test_signer_repr_does_not_reveal_the_private_key() -> None:
    signer = generate_signer("haven.example/log")
    secret = signer.to_skey().removeprefix("PRIVATE+KEY+").split("+", 2)[2]
    assert len(secret) == 44
    assert secret not in repr(signer)
