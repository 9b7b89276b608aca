"""Refund requests for the staff who decide them, on databases whose groups already exist (new databases get
them from accounts 0002): Finance and Trust & Safety see requests; Trust & Safety may refund (decide)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Finance": ["view_refundrequest"], "Trust & Safety": ["view_refundrequest", "refund_payment"]}
# "app.codename" per group: the shape fansub.accounts.staff_groups.ensure_staff_groups re-applies.
GROUPS = {name: [f"payments.{code}" for code in codes] for name, codes in GRANTS.items()}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("payments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for code in codes:
            perm = Permission.objects.filter(content_type__app_label="payments", codename=code).first()
            if perm is not None:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_refund_requests"), ("accounts", "0002_staff_groups"),
                    ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
