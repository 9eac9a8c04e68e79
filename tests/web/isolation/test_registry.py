"""The registry covers every table with a path to a force, and the migrations hold its SQL
(on any database: these read models and migration files, not the server)."""

from __future__ import annotations

import importlib
import pkgutil

from django.apps import apps
from django.db import models

from haven.web.isolation import migrations as isolation_migrations
from haven.web.isolation.registry import FORCE_SCOPED, SITE_WIDE
from haven.web.isolation.sql import registry_policies

REGISTERED = {entry.model: entry for entry in FORCE_SCOPED}


def _haven_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("haven.web.")]


def _reaches_force(model: type[models.Model], seen: frozenset[str] = frozenset()) -> bool:
    """Has a foreign key (or one-to-one) to a force, or to a model that has one."""
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is None or target._meta.label in seen:
            continue
        if target._meta.label == "accounts.Force":
            return True
        if _reaches_force(target, seen | {model._meta.label}):
            return True
    return False


def test_every_model_with_a_path_to_a_force_is_registered_or_declared_site_wide():
    unplaced = [
        m._meta.label
        for m in _haven_models()
        if _reaches_force(m) and m._meta.label not in REGISTERED and m._meta.label not in SITE_WIDE
    ]
    assert unplaced == [], (
        "add these to haven.web.isolation.registry (FORCE_SCOPED, with a migration) or, "
        f"with the reason, to SITE_WIDE: {unplaced}"
    )


def test_registered_and_site_wide_models_exist_and_tables_match():
    for label, entry in REGISTERED.items():
        assert apps.get_model(label)._meta.db_table == entry.table, label
    for label in SITE_WIDE:
        apps.get_model(label)
    assert not set(REGISTERED) & set(SITE_WIDE)


def test_the_reports_people_and_cases_are_force_scoped():
    """The tables that hold victims' and witnesses' data are in the registry by name, so
    removing one is a visible change, not a quiet one."""
    assert {
        "reporting.Report",
        "reporting.ReportPerson",
        "reporting.SealedNote",
        "portal.Reporter",
        "portal.Message",
        "portal.ReceiptCode",
        "portal.AdvocateConsent",
        "sharing.DecisionRequest",
        "sharing.Approval",
        "sharing.SupportReferral",
    } <= set(REGISTERED)


def test_the_sealed_compartment_is_never_an_advocates_and_only_reports_are_audited():
    assert REGISTERED["reporting.SealedNote"].organisation is None
    assert [e.model for e in FORCE_SCOPED if e.audited] == ["reporting.Report"]


def _migrated_policies() -> dict[str, str]:
    """Each table's policies as the isolation migrations leave them (later ones win)."""
    policies: dict[str, str] = {}
    names = sorted(
        name
        for _, name, _ in pkgutil.iter_modules(isolation_migrations.__path__)
        if name[0].isdigit()
    )
    for name in names:
        module = importlib.import_module(f"{isolation_migrations.__name__}.{name}")
        policies.update(getattr(module, "POLICIES", {}))
        for table in getattr(module, "DROPPED", ()):
            policies.pop(table, None)
    return policies


def test_the_migrations_hold_the_registrys_policies():
    assert _migrated_policies() == registry_policies(), (
        "the registry changed: add a migration to haven.web.isolation with the new "
        "tables' SQL from haven.web.isolation.sql.table_policies"
    )
