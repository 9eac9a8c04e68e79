"""Load the 43 territorial forces of England and Wales as reference data."""

from django.db import migrations


def load_forces(apps, schema_editor):
    from haven.web.accounts.forces import TERRITORIAL_FORCES

    Force = apps.get_model("accounts", "Force")
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


def unload_forces(apps, schema_editor):
    from haven.web.accounts.forces import TERRITORIAL_FORCES

    Force = apps.get_model("accounts", "Force")
    Force.objects.filter(code__in=[code for code, _name, _country in TERRITORIAL_FORCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_forces, unload_forces)]
