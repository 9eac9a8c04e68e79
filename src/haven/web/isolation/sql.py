"""The SQL that row-level security is made of, built from the registry.

The migrations hold a frozen copy of this SQL (a migration must not change when the
code does); `tests/web/isolation/test_registry.py` checks that the migrations and the
registry still agree, so a table added to the registry without a migration fails.
"""

from __future__ import annotations

from haven.web.isolation.registry import FORCE_SCOPED, ForceScoped

FORCE_IDS = "haven.force_ids"
AUDIT_FORCE_IDS = "haven.audit_force_ids"
ORGANISATION_IDS = "haven.organisation_ids"
SCOPE = "haven.scope"
SITE = "site"

# The settings are read by two small functions, so every policy reads the same way.
# An unset or empty setting is an empty list: no setting, no rows.
HELPERS = f"""
CREATE OR REPLACE FUNCTION haven_ids(setting text) RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting(setting, true), ''), ',')::bigint[], '{{}}') $$;
CREATE OR REPLACE FUNCTION haven_site_scope() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('{SCOPE}', true), '') = '{SITE}' $$;
""".strip()

# The cross-force look-ups the portal needs before it knows a report's force. Each
# returns one force id and nothing else, and runs as the table owner with the site scope
# for its one query, put back before it returns (set_config, since a function's own SET
# clause may name a custom setting only when a superuser creates it); see scope.py.


def _site_lookup(name: str, parameter: str, query: str) -> str:
    """A function that runs `query` (one force id) with the site scope, then puts back
    the scope it found."""
    return f"""CREATE OR REPLACE FUNCTION {name}({parameter}) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
DECLARE
    previous text := coalesce(current_setting('{SCOPE}', true), '');
    result bigint;
BEGIN
    PERFORM set_config('{SCOPE}', '{SITE}', true);
    {query};
    PERFORM set_config('{SCOPE}', previous, true);
    RETURN result;
END $$;"""


_LIVE_CODE_FORCE = (
    "SELECT r.force_id INTO result FROM portal_receiptcode c JOIN reporting_report r "
    "ON r.id = c.report_id\n        WHERE c.{column} = {argument} AND c.replaced_at IS NULL"
)
PORTAL_LOOKUPS = "\n".join(
    [
        _site_lookup(
            "haven_receipt_digest_force",
            "code_digest text",
            _LIVE_CODE_FORCE.format(column="digest", argument="code_digest"),
        ),
        _site_lookup(
            "haven_receipt_code_force",
            "code_id bigint",
            _LIVE_CODE_FORCE.format(column="id", argument="code_id"),
        ),
        _site_lookup(
            "haven_submitted_report_force",
            "report_id bigint",
            "SELECT r.force_id INTO result FROM reporting_report r WHERE r.id = report_id",
        ),
    ]
)

DROP_HELPERS = """
DROP FUNCTION IF EXISTS haven_receipt_digest_force(text);
DROP FUNCTION IF EXISTS haven_receipt_code_force(bigint);
DROP FUNCTION IF EXISTS haven_submitted_report_force(bigint);
DROP FUNCTION IF EXISTS haven_site_scope();
DROP FUNCTION IF EXISTS haven_ids(text);
""".strip()


def _either(predicate: str) -> str:
    return f"USING ({predicate}) WITH CHECK ({predicate})"


def table_policies(entry: ForceScoped) -> str:
    """Enable and force row-level security on one table, with its policies."""
    t = entry.table
    lines = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY;",
        f"CREATE POLICY haven_site ON {t} {_either('haven_site_scope()')};",
        f"CREATE POLICY haven_force ON {t} "
        f"{_either(f'{entry.force} = ANY (haven_ids({FORCE_IDS!r}))')};",
    ]
    if entry.organisation is not None:
        lines.append(
            f"CREATE POLICY haven_organisation ON {t} "
            f"{_either(f'{entry.organisation} = ANY (haven_ids({ORGANISATION_IDS!r}))')};"
        )
    if entry.audited:
        lines.append(
            f"CREATE POLICY haven_audit ON {t} FOR SELECT "
            f"USING ({entry.force} = ANY (haven_ids({AUDIT_FORCE_IDS!r})));"
        )
    return "\n".join(lines)


def table_policies_reverse(entry: ForceScoped) -> str:
    t = entry.table
    lines = [f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY;"]
    lines.append(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY;")
    for name in ("haven_site", "haven_force", "haven_organisation", "haven_audit"):
        lines.append(f"DROP POLICY IF EXISTS {name} ON {t};")
    return "\n".join(lines)


def registry_policies() -> dict[str, str]:
    """Each registered table's SQL, as the migrations must hold it."""
    return {entry.table: table_policies(entry) for entry in FORCE_SCOPED}
