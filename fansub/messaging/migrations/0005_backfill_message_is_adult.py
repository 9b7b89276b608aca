"""Existing messages from adult creators, or carrying adult media, are adult (issue 10): flag them once."""

from django.db import migrations


def forwards(apps, schema_editor):
    message = apps.get_model("messaging", "Message")
    creator_profile = apps.get_model("accounts", "CreatorProfile")
    media_use = apps.get_model("media", "MediaUse")
    adult_creators = creator_profile.objects.filter(is_adult=True).values("user_id")
    message.objects.filter(sender_id__in=adult_creators, is_adult=False).update(is_adult=True)
    ids = [int(i) for i in media_use.objects.filter(kind="message", media_item__is_adult=True)
           .values_list("object_id", flat=True) if str(i).isdigit()]
    for start in range(0, len(ids), 500):
        message.objects.filter(pk__in=ids[start:start + 500], is_adult=False).update(is_adult=True)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_message_is_adult"),
        ("accounts", "0003_fan_age_jurisdictions_seen"),
        ("media", "0002_state_constraints"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
