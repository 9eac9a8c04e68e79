"""Row-level security on the subject access requests (PostgreSQL only; nothing on SQLite).

A frozen copy of `haven.web.isolation.sql.table_policies` for the one new table: a
request reaches its force, and an advocate's organisation, through its report.
"""

from django.db import migrations

POLICIES = {
    "subjectaccess_subjectaccessrequest": """
ALTER TABLE subjectaccess_subjectaccessrequest ENABLE ROW LEVEL SECURITY;
ALTER TABLE subjectaccess_subjectaccessrequest FORCE ROW LEVEL SECURITY;
CREATE POLICY haven_site ON subjectaccess_subjectaccessrequest USING (haven_site_scope()) WITH CHECK (haven_site_scope());
CREATE POLICY haven_force ON subjectaccess_subjectaccessrequest USING ((SELECT r.force_id FROM reporting_report r WHERE r.id = subjectaccess_subjectaccessrequest.report_id) = ANY (haven_ids('haven.force_ids'))) WITH CHECK ((SELECT r.force_id FROM reporting_report r WHERE r.id = subjectaccess_subjectaccessrequest.report_id) = ANY (haven_ids('haven.force_ids')));
CREATE POLICY haven_organisation ON subjectaccess_subjectaccessrequest USING ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = subjectaccess_subjectaccessrequest.report_id) = ANY (haven_ids('haven.organisation_ids'))) WITH CHECK ((SELECT r.advocate_organisation_id FROM reporting_report r WHERE r.id = subjectaccess_subjectaccessrequest.report_id) = ANY (haven_ids('haven.organisation_ids')));
""".strip(),
}

REVERSE = {
    "subjectaccess_subjectaccessrequest": """
ALTER TABLE subjectaccess_subjectaccessrequest NO FORCE ROW LEVEL SECURITY;
ALTER TABLE subjectaccess_subjectaccessrequest DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS haven_site ON subjectaccess_subjectaccessrequest;
DROP POLICY IF EXISTS haven_force ON subjectaccess_subjectaccessrequest;
DROP POLICY IF EXISTS haven_organisation ON subjectaccess_subjectaccessrequest;
DROP POLICY IF EXISTS haven_audit ON subjectaccess_subjectaccessrequest;
""".strip(),
}


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite has no row-level security: the selectors' filters are the rule there
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("isolation", "0001_row_level_security"),
        ("subjectaccess", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _on_postgresql(list(POLICIES.values())),
            _on_postgresql(list(REVERSE.values())),
            elidable=False,
        ),
    ]
