"""Which role each process connects as (environment.py), on any database."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.web.settings import environment

SITE = "postgres://haven_app@db.example:5432/haven"
OWNER = "postgres://haven_owner@db.example:5432/haven"


@pytest.fixture
def roles(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", SITE)
    monkeypatch.setenv("HAVEN_MIGRATE_DATABASE_URL", OWNER)
    monkeypatch.setenv("HAVEN_DATABASE_AS_OWNER", "")  # put back (unset) after the test
    return monkeypatch


def test_the_site_connects_as_its_own_role_and_names_it_for_the_grants(roles):
    assert environment.database(Path("unused"))["USER"] == "haven_app"
    assert environment.database_app_role() == "haven_app"


def test_a_process_that_declares_itself_the_owner_connects_as_the_owner(roles):
    environment.declare_owner_connection()
    assert environment.database(Path("unused"))["USER"] == "haven_owner"


def test_without_an_owner_url_there_is_one_role_and_no_grants(roles):
    roles.delenv("HAVEN_MIGRATE_DATABASE_URL")
    environment.declare_owner_connection()
    assert environment.database(Path("unused"))["USER"] == "haven_app"
    assert environment.database_app_role() == ""


def test_an_owner_url_without_a_site_url_is_refused_with_what_to_set(roles):
    roles.delenv("DATABASE_URL")
    with pytest.raises(environment.ConfigurationError, match="set DATABASE_URL"):
        environment.database(Path("unused"))


def test_a_bad_owner_url_is_named_in_the_message(roles):
    roles.setenv("HAVEN_MIGRATE_DATABASE_URL", "mysql://x@y/z")
    environment.declare_owner_connection()
    with pytest.raises(environment.ConfigurationError, match="^HAVEN_MIGRATE_DATABASE_URL must"):
        environment.database(Path("unused"))
