"""`haven stats release --quarter Q [--epsilon E]`."""

from __future__ import annotations

from haven.cli import main
from haven.web.ledger.models import LedgerEntry
from haven.web.statistics.models import Release


def test_the_command_releases_a_quarter_for_every_force(met, capsys):
    assert main(["stats", "release", "--quarter", "2026Q3"]) == 0
    out = capsys.readouterr().out
    assert "released 2026Q3 for 43 forces: ε = 0.25 each, discrete_laplace noise, scale 28" in out
    assert Release.objects.filter(quarter="2026Q3").count() == 43
    assert LedgerEntry.objects.filter(kind="statistics_release").count() == 43


def test_the_command_takes_an_epsilon(met, capsys):
    assert main(["stats", "release", "--quarter", "2026Q1", "--epsilon", "0.5"]) == 0
    assert "ε = 0.5 each" in capsys.readouterr().out
    assert {str(r.epsilon) for r in Release.objects.all()} == {"0.5000"}


def test_the_command_refuses_past_the_budget_with_one_line_and_changes_nothing(met, capsys):
    assert main(["stats", "release", "--quarter", "2025Q1", "--epsilon", "0.9"]) == 0
    capsys.readouterr()
    before = (Release.objects.count(), LedgerEntry.objects.count())
    assert main(["stats", "release", "--quarter", "2025Q2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("haven: refused, nothing released: ")
    assert "would exceed the 2025 privacy budget" in err and "0.1 left" in err
    assert err.count("\n") == 1
    assert (Release.objects.count(), LedgerEntry.objects.count()) == before


def test_the_command_refuses_a_bad_quarter(met, capsys):
    assert main(["stats", "release", "--quarter", "Q3-2026"]) == 2
    assert "e.g. 2026Q3" in capsys.readouterr().err
    assert not Release.objects.exists()
