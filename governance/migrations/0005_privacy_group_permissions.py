"""The Privacy staff group handles data-subject requests and legal holds and reads the desk's records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRIVACY = "Privacy"
PERMISSIONS = [
    "governance.view_datasubjectrequest", "governance.add_datasubjectrequest",
    "governance.handle_dsar", "governance.view_legalhold", "governance.add_legalhold",
    "governance.manage_legalhold", "governance.view_retainedrecord", "governance.view_retentionrun",
]
GROUPS = {PRIVACY: PERMISSIONS}  # the shape fansub.accounts.staff_groups.ensure_staff_groups re-applies


def grant(apps, schema_editor):
    app_config = apps.get_app_config("governance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PRIVACY)
    for code in PERMISSIONS:
        app_label, codename = code.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=PRIVACY).first()
    if group:
        codenames = [code.split(".")[1] for code in PERMISSIONS]
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="governance",
                                                            codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_privacy_requests_holds_retention"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
