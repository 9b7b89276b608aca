"""Trust & Safety permissions for moderation, and the separate Child safety group (least privilege).

GROUPS is re-applied by fansub.accounts.staff_groups.ensure_staff_groups (moderation registers this module)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Trust & Safety": [
        "moderation.view_report", "moderation.change_report", "moderation.reveal_media",
        "moderation.view_reportfiling", "moderation.view_moderationaction", "moderation.view_strike",
        "moderation.view_appeal", "moderation.change_appeal", "moderation.view_accountstanding",
        "moderation.view_screeningrule", "moderation.add_screeningrule", "moderation.change_screeningrule",
        "moderation.delete_screeningrule", "moderation.view_moderatedaccount", "messaging.view_message",
        "subscriptions.view_subscription",
    ],
    # Suspected-minor reports and (from the DMCA/hash side) known-bad hash matches: a small, separate group.
    "Child safety": [
        "accounts.view_user", "moderation.view_report", "moderation.change_report", "moderation.reveal_media",
        "moderation.review_child_safety", "moderation.view_moderationaction", "moderation.view_accountstanding",
        "media.view_mediaitem", "governance.view_auditlog",
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_child_safety(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Child safety").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("messaging", "0002_initial"),
        ("subscriptions", "0001_initial"),
        ("media", "0001_initial"),
        ("governance", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_groups, remove_child_safety)]
