"""Row-level security on every force-scoped table (PostgreSQL only; nothing on SQLite).

A frozen copy of `haven.web.isolation.sql` as it stood: a migration must not change when
the code does. `tests/web/isolation/test_registry.py` checks that the registry and the
migrations agree. Runs as the tables' owner (`HAVEN_MIGRATE_DATABASE_URL`).
"""

from django.db import migrations

HELPERS = """
CREATE OR REPLACE FUNCTION haven_ids(setting text) RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting(setting, true), ''), ',')::bigint[], '{}') $$;
CREATE OR REPLACE FUNCTION haven_site_scope() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('haven.scope', true), '') = 'site' $$;
"""

PORTAL_LOOKUPS = """
CREATE OR REPLACE FUNCTION haven_receipt_digest_force(code_digest text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
DECLARE
    previous text := coalesce(current_setting('haven.scope', true), '');
    result bigint;
BEGIN
    PERFORM set_config('haven.scope', 'site', true);
    SELECT r.force_id INTO result FROM portal_receiptcode c JOIN reporting_report r ON r.id = c.report_id
        WHERE c.digest = code_digest AND c.replaced_at IS NULL;
    PERFORM set_config('haven.scope', previous, true);
    RETURN result;
END $$;
CREATE OR REPLACE FUNCTION haven_receipt_code_force(code_id bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
DECLARE
    previous text := coalesce(current_setting('haven.scope', true), '');
    result bigint;
BEGIN
    PERFORM set_config('haven.scope', 'site', true);
    SELECT r.force_id INTO result FROM portal_receiptcode c JOIN reporting_report r ON r.id = c.report_id
        WHERE c.id = code_id AND c.replaced_at IS NULL;
    PERFORM set_config('haven.scope', previous, true);
    RETURN result;
END $$;
CREATE OR REPLACE FUNCTION haven_submitted_report_force(report_id bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
DECLARE
    previous text := coalesce(current_setting('haven.scope', true), '');
    result bigint;
BEGIN
    PERFORM set_config('haven.scope', 'site', true);
    SELECT r.force_id INTO result FROM reporting_report r WHERE r.id = report_id;
    PERFORM set_config('haven.scope', previous, true);
    RETURN result;
END $$;
"""

DROP_HELPERS = """
DROP FUNCTION IF EXISTS haven_receipt_digest_force(text);
DROP FUNCTION IF EXISTS haven_receipt_code_force(bigint);
DROP FUNCTION IF EXISTS haven_submitted_report_force(bigint);
DROP FUNCTION IF EXISTS haven_site_scope();
DROP FUNCTION IF EXISTS haven_ids(text);
"""

POLICIES = {
    "reporting_report": """
ALTER TABLE reporting_report ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting_report FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON reporting_report USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON reporting_report USING (reporting_report.force_id = ANY (haven_ids('haven.force_ids'))) WITH CHECK (reporting_report.force_id = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON reporting_report USING (reporting_report.advocate_organisation_id = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK (reporting_report.advocate_organisation_id = ANY (haven_ids('haven.organisation_ids')));
CREATE POLICY haven_audit ON reporting_report FOR SELECT USING (reporting_report.force_id = ANY (haven_ids('haven.audit_force_ids')));
""".strip(),
    "reporting_reportperson": """
ALTER TABLE reporting_reportperson ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting_reportperson FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON reporting_reportperson USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON reporting_reportperson USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = reporting_reportperson.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = reporting_reportperson.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON reporting_reportperson USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = reporting_reportperson.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = reporting_reportperson.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
    "reporting_sealednote": """
ALTER TABLE reporting_sealednote ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting_sealednote FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON reporting_sealednote USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON reporting_sealednote USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = reporting_sealednote.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = reporting_sealednote.report_id) = ANY (haven_ids('haven.force_ids')));
""".strip(),
    "portal_reporter": """
ALTER TABLE portal_reporter ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal_reporter FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON portal_reporter USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON portal_reporter USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_reporter.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_reporter.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON portal_reporter USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_reporter.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_reporter.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
    "portal_receiptcode": """
ALTER TABLE portal_receiptcode ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal_receiptcode FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON portal_receiptcode USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON portal_receiptcode USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_receiptcode.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_receiptcode.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON portal_receiptcode USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_receiptcode.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_receiptcode.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
    "portal_message": """
ALTER TABLE portal_message ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal_message FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON portal_message USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON portal_message USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_message.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_message.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON portal_message USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_message.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_message.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
    "portal_advocateconsent": """
ALTER TABLE portal_advocateconsent ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal_advocateconsent FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON portal_advocateconsent USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON portal_advocateconsent USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_advocateconsent.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = portal_advocateconsent.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON portal_advocateconsent USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_advocateconsent.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = portal_advocateconsent.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
    "sharing_decisionrequest": """
ALTER TABLE sharing_decisionrequest ENABLE ROW LEVEL SECURITY;
ALTER TABLE sharing_decisionrequest FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON sharing_decisionrequest USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON sharing_decisionrequest USING (sharing_decisionrequest.force_id = ANY (haven_ids('haven.force_ids'))) WITH CHECK (sharing_decisionrequest.force_id = ANY (haven_ids('haven.force_ids')));
""".strip(),
    "sharing_approval": """
ALTER TABLE sharing_approval ENABLE ROW LEVEL SECURITY;
ALTER TABLE sharing_approval FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON sharing_approval USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON sharing_approval USING ((SELECT d.force_id FROM sharing_decisionrequest d WHERE d.id = sharing_approval.request_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT d.force_id FROM sharing_decisionrequest d WHERE d.id = sharing_approval.request_id) = ANY (haven_ids('haven.force_ids')));
""".strip(),
    "sharing_supportreferral": """
ALTER TABLE sharing_supportreferral ENABLE ROW LEVEL SECURITY;
ALTER TABLE sharing_supportreferral FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON sharing_supportreferral USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON sharing_supportreferral USING ((SELECT d.force_id FROM sharing_decisionrequest d WHERE d.id = sharing_supportreferral.request_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT d.force_id FROM sharing_decisionrequest d WHERE d.id = sharing_supportreferral.request_id) = ANY (haven_ids('haven.force_ids')));
""".strip(),
}

REVERSE = {
    "reporting_report": """
ALTER TABLE reporting_report NO FORCE ROW LEVEL SECURITY;
ALTER TABLE reporting_report DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON reporting_report;
DROP POLICY IF EXISTS haven_force ON reporting_report;
DROP POLICY IF EXISTS haven_organisation ON reporting_report;
DROP POLICY IF EXISTS haven_audit ON reporting_report;
""".strip(),
    "reporting_reportperson": """
ALTER TABLE reporting_reportperson NO FORCE ROW LEVEL SECURITY;
ALTER TABLE reporting_reportperson DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON reporting_reportperson;
DROP POLICY IF EXISTS haven_force ON reporting_reportperson;
DROP POLICY IF EXISTS haven_organisation ON reporting_reportperson;
DROP POLICY IF EXISTS haven_audit ON reporting_reportperson;
""".strip(),
    "reporting_sealednote": """
ALTER TABLE reporting_sealednote NO FORCE ROW LEVEL SECURITY;
ALTER TABLE reporting_sealednote DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON reporting_sealednote;
DROP POLICY IF EXISTS haven_force ON reporting_sealednote;
DROP POLICY IF EXISTS haven_organisation ON reporting_sealednote;
DROP POLICY IF EXISTS haven_audit ON reporting_sealednote;
""".strip(),
    "portal_reporter": """
ALTER TABLE portal_reporter NO FORCE ROW LEVEL SECURITY;
ALTER TABLE portal_reporter DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON portal_reporter;
DROP POLICY IF EXISTS haven_force ON portal_reporter;
DROP POLICY IF EXISTS haven_organisation ON portal_reporter;
DROP POLICY IF EXISTS haven_audit ON portal_reporter;
""".strip(),
    "portal_receiptcode": """
ALTER TABLE portal_receiptcode NO FORCE ROW LEVEL SECURITY;
ALTER TABLE portal_receiptcode DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON portal_receiptcode;
DROP POLICY IF EXISTS haven_force ON portal_receiptcode;
DROP POLICY IF EXISTS haven_organisation ON portal_receiptcode;
DROP POLICY IF EXISTS haven_audit ON portal_receiptcode;
""".strip(),
    "portal_message": """
ALTER TABLE portal_message NO FORCE ROW LEVEL SECURITY;
ALTER TABLE portal_message DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON portal_message;
DROP POLICY IF EXISTS haven_force ON portal_message;
DROP POLICY IF EXISTS haven_organisation ON portal_message;
DROP POLICY IF EXISTS haven_audit ON portal_message;
""".strip(),
    "portal_advocateconsent": """
ALTER TABLE portal_advocateconsent NO FORCE ROW LEVEL SECURITY;
ALTER TABLE portal_advocateconsent DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON portal_advocateconsent;
DROP POLICY IF EXISTS haven_force ON portal_advocateconsent;
DROP POLICY IF EXISTS haven_organisation ON portal_advocateconsent;
DROP POLICY IF EXISTS haven_audit ON portal_advocateconsent;
""".strip(),
    "sharing_decisionrequest": """
ALTER TABLE sharing_decisionrequest NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sharing_decisionrequest DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON sharing_decisionrequest;
DROP POLICY IF EXISTS haven_force ON sharing_decisionrequest;
DROP POLICY IF EXISTS haven_organisation ON sharing_decisionrequest;
DROP POLICY IF EXISTS haven_audit ON sharing_decisionrequest;
""".strip(),
    "sharing_approval": """
ALTER TABLE sharing_approval NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sharing_approval DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON sharing_approval;
DROP POLICY IF EXISTS haven_force ON sharing_approval;
DROP POLICY IF EXISTS haven_organisation ON sharing_approval;
DROP POLICY IF EXISTS haven_audit ON sharing_approval;
""".strip(),
    "sharing_supportreferral": """
ALTER TABLE sharing_supportreferral NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sharing_supportreferral DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON sharing_supportreferral;
DROP POLICY IF EXISTS haven_force ON sharing_supportreferral;
DROP POLICY IF EXISTS haven_organisation ON sharing_supportreferral;
DROP POLICY IF EXISTS haven_audit ON sharing_supportreferral;
""".strip(),
}


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite has no row-level security: the selectors' filters are the rule there
        for statement in statements():
            schema_editor.execute(statement)

    return run


def _forward():
    yield HELPERS
    yield from POLICIES.values()
    yield PORTAL_LOOKUPS


def _backward():
    yield from REVERSE.values()
    yield DROP_HELPERS


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_force_active_policy"),
        ("reporting", "0004_portal_answers"),
        ("portal", "0001_initial"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(_forward), _on_postgresql(_backward), elidable=False),
    ]
