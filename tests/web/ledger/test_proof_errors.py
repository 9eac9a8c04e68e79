"""Proof requests: errors name the input at fault as each caller spells it, and both forms of output."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import transaction

from haven.cli import main
from haven.ledger.kinds import SignedIn
from haven.web.ledger.services import checkpoint_sign, ledger_record_many


@pytest.fixture
def log_of_ten(db):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(10)])
    checkpoint_sign()


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["prove", "--index", "0", "--size", "0"], "--size"),
        (["prove", "--index", "0", "--size", "11"], "--size"),
        (["prove", "--index", "10", "--size", "10"], "--index"),
        (["consistency", "--from", "1", "--to", "0"], "--to"),
        (["consistency", "--from", "1", "--to", "99"], "--to"),
        (["consistency", "--from", "5", "--to", "3"], "--from"),
        (["consistency", "--from", "0", "--to", "3"], "--from"),
    ],
)
def test_cli_errors_name_the_flag_at_fault(log_of_ten, capsys, argv, flag):
    assert main(["ledger", *argv]) == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith(f"haven: {flag} "), line


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("inclusion", {"index": 0, "size": 0}, "size"),
        ("inclusion", {"index": 0, "size": 11}, "size"),
        ("inclusion", {"index": 10}, "index"),
        ("consistency", {"from": 1, "to": 0}, "to"),
        ("consistency", {"from": 1, "to": 99}, "to"),
        ("consistency", {"from": 5, "to": 3}, "from"),
        ("consistency", {"from": 0}, "from"),
    ],
)
def test_api_errors_name_the_query_parameter_never_a_flag(
    client, log_of_ten, path, query, parameter
):
    response = client.get(f"/api/v1/ledger/proof/{path}", query)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith(f"{parameter} "), detail
    assert "--" not in detail and "haven ledger" not in detail


def test_before_any_checkpoint_the_cli_says_how_to_sign_one_and_the_api_does_not(
    db, client, capsys
):
    with transaction.atomic():
        ledger_record_many([SignedIn(user="staff_1")])
    assert main(["ledger", "prove", "--index", "0"]) == 2
    assert "haven ledger checkpoint" in capsys.readouterr().err
    detail = client.get("/api/v1/ledger/proof/inclusion", {"index": 0}).json()["detail"]
    assert detail == "no checkpoint has been published yet"


def test_without_json_prove_and_consistency_print_readable_text(log_of_ten, capsys):
    assert main(["ledger", "prove", "--index", "4"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("inclusion proof (RFC 9162) of entry 4 in the tree of size 10: ")
    assert main(["ledger", "prove", "--index", "4", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [line.strip() for line in text.splitlines()[1:]] == document["proof"]

    assert main(["ledger", "consistency", "--from", "3"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("consistency proof (RFC 9162) from size 3 to size 10: ")
    assert main(["ledger", "consistency", "--from", "3", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert f"old root: {document['old_root']}" in text
    assert f"new root: {document['new_root']}" in text
    for node in document["proof"]:
        assert len(base64.b64decode(node)) == 32
        assert f"  {node}\n" in text
