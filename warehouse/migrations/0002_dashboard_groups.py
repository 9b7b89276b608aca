"""Which staff groups see which dashboard: Finance the Executive and Operations ones, Trust & Safety and
Privacy the Trust one, and a new Growth group the Growth dashboard (experiments included)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# "app.codename" per group, the shape fansub.accounts.staff_groups.ensure_staff_groups re-applies (registered in
# WarehouseConfig.ready) after tests in real transactions flush every table.
GROUPS = {
    "Finance": ["warehouse.view_executive_dashboard", "warehouse.view_operations_dashboard",
                "warehouse.view_queryscan"],
    "Trust & Safety": ["warehouse.view_trust_dashboard"],
    "Privacy": ["warehouse.view_trust_dashboard"],
    "Growth": ["warehouse.view_growth_dashboard", "warehouse.view_queryscan"],
}
GRANTS = {name: [code.split(".", 1)[1] for code in codes] for name, codes in GROUPS.items()}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="warehouse",
                                                         codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="warehouse",
                                                                codename__in=codenames))
    Group.objects.filter(name="Growth", permissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(grant, revoke)]
