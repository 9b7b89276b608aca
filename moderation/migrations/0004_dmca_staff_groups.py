"""Staff powers for DMCA and hash matching: Trust & Safety works DMCA notices and hash lists; the separate
Child safety group alone reviews hash-match reports and preservation records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Trust & Safety": ["moderation.view_dmcanotice", "moderation.change_dmcanotice",
                       "moderation.view_counternotice", "moderation.view_copyrightstrike",
                       "moderation.change_copyrightstrike", "moderation.view_creatortakedown",
                       "moderation.view_hashlist", "moderation.add_hashlist", "moderation.change_hashlist",
                       "moderation.view_hashentry"],
    "Child safety": ["moderation.view_childsafetyreport", "moderation.change_childsafetyreport",
                     "moderation.review_childsafetyreport", "moderation.view_preservationrecord",
                     "media.view_mediaitem"],
}


def forwards(apps, schema_editor):
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
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_dmca_hashes"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("media", "0002_state_constraints"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
