"""`haven policy publish --force CODE FILE`: a new draft version, or one line of refusal."""

from __future__ import annotations

import json

import pytest

from haven.cli import main
from haven.web.governance.models import PolicyVersion, VersionStatus, text_digest
from tests.web.governance.conftest import policy_events, shipped_text

pytestmark = pytest.mark.django_db


def test_publish_stores_a_draft_and_ledgers_it(met, tmp_path, capsys):
    path = tmp_path / "met.cedar"
    path.write_text(shipped_text("firewall"), encoding="utf-8")
    assert main(["policy", "publish", "--force", "metropolitan", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    version = PolicyVersion.objects.get(force=met)
    assert document == {
        "force": "metropolitan",
        "version": 1,
        "digest": text_digest(shipped_text("firewall")),
        "status": "draft",
        "sign_off": "/governance/metropolitan/1/",
    }
    assert version.status == VersionStatus.DRAFT and version.created_by is None
    assert [e["kind"] for e in policy_events()] == ["policy_version_drafted"]


def test_publish_refuses_bad_cedar_with_its_line_and_stores_nothing(met, tmp_path, capsys):
    path = tmp_path / "bad.cedar"
    path.write_text('@id("x")\npermit (principal, action, resource) when {\n', encoding="utf-8")
    assert main(["policy", "publish", "--force", "metropolitan", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("haven: refused, nothing stored: ") and err.count("\n") == 1
    assert f"{path}:1: " in err
    assert not PolicyVersion.objects.exists() and policy_events() == []


def test_publish_refuses_an_unknown_force(met, tmp_path, capsys):
    path = tmp_path / "met.cedar"
    path.write_text(shipped_text("firewall"), encoding="utf-8")
    assert main(["policy", "publish", "--force", "atlantis", str(path)]) == 2
    assert "no force has the code 'atlantis'" in capsys.readouterr().err
    assert not PolicyVersion.objects.exists()
