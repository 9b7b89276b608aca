"""Which staff groups see which dashboard: Finance the Executive and Operations ones, Trust & Safety and
Privacy the Trust one, and a new Growth group the Growth dashboard (experiments included)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Finance": ["view_executive_dashboard", "view_operations_dashboard", "view_queryscan"],
    "Trust & Safety": ["view_trust_dashboard"],
    "Privacy": ["view_trust_dashboard"],
    "Growth": ["view_growth_dashboard", "view_queryscan"],
}


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
