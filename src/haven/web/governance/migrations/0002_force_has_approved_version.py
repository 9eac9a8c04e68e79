"""Mark the forces that already have an approved or active stored version (the flag
`Force.has_approved_version` is new; `PolicyVersion.save` keeps it from now on)."""

from django.db import migrations


def mark_forces(apps, schema_editor):
    Force = apps.get_model("accounts", "Force")
    PolicyVersion = apps.get_model("governance", "PolicyVersion")
    in_force = PolicyVersion.objects.filter(status__in=["approved", "active"])
    Force.objects.filter(pk__in=in_force.values("force_id")).update(has_approved_version=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_force_has_approved_version"),
        ("governance", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_forces, migrations.RunPython.noop)]
