"""Staff groups with the least permissions each needs. Later apps add their own permissions to these groups
in their own migrations (by group name)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    # Moderation: looks at accounts and profiles, sees verification *status* (never the 2257 records).
    "Trust & Safety": [
        "fansub.view_user", "fansub.change_user", "fansub.view_creatorprofile", "fansub.change_creatorprofile",
        "fansub.view_fanprofile", "fansub.view_identityverification", "fansub.view_agecheck",
        "governance.view_auditlog",
    ],
    # Money: needs to know who is paid (handle, payout readiness), nothing about identity documents.
    "Finance": [
        "fansub.view_user", "fansub.view_creatorprofile", "governance.view_auditlog",
    ],
    # Data protection: answers access/erasure requests, so sees what is held and the audit trail.
    "Privacy": [
        "fansub.view_user", "fansub.view_creatorprofile", "fansub.view_fanprofile", "fansub.view_agecheck",
        "fansub.view_identityverification", "governance.view_auditlog",
    ],
    # Keeper of the producer records: the only group that can read them and decide identity verifications.
    "Custodian of Records": [
        "fansub.view_user", "fansub.view_creatorprofile", "fansub.view_identityverification",
        "fansub.review_identityverification", "fansub.view_producerrecord",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fansub", "0007_verifications"),
        ("governance", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
