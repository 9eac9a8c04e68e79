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


# --- prepared statements (PostgreSQL) -------------------------------------------------------


def test_postgresql_prepares_what_a_connection_sends_again_unless_turned_off(roles):
    options = environment.database(Path("unused"))["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2
    roles.setenv("HAVEN_DATABASE_PREPARED_STATEMENTS", "0")  # behind PgBouncer, say
    options = environment.database(Path("unused")).get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_has_no_prepared_statement_options(roles):
    roles.delenv("HAVEN_MIGRATE_DATABASE_URL")
    roles.setenv("DATABASE_URL", "sqlite:///var/haven.sqlite3")
    assert "prepare_threshold" not in environment.database(Path("unused"))["OPTIONS"]


def test_a_prepared_statements_setting_that_is_not_yes_or_no_is_refused(roles):
    roles.setenv("HAVEN_DATABASE_PREPARED_STATEMENTS", "sometimes")
    with pytest.raises(environment.ConfigurationError, match="HAVEN_DATABASE_PREPARED_STATEMENTS"):
        environment.database(Path("unused"))
