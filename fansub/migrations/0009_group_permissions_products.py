"""Give the staff groups what their work on money, requests and media needs (least privilege).

Finance reads the books and issues refunds and payouts through admin actions (which check these
permissions and write the audit log); Trust & Safety reviews posts, comments, media and custom-request
disputes; Privacy sees what is held about a person. Nobody but the two parties reads message text.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Finance": [
        "payments.view_payment", "payments.change_payment", "payments.view_refund", "payments.view_dispute",
        "payments.view_ledgeraccount", "payments.view_ledgertransaction", "payments.view_ledgerentry",
        "payments.view_payout", "payments.change_payout", "payments.view_connectedaccount",
        "payments.view_receipt", "payments.view_salerecord", "payments.view_creatorstatement",
        "payments.view_webhookevent", "fansub.view_subscription", "fansub.view_tip", "fansub.view_customrequest",
    ],
    "Trust & Safety": [
        "fansub.view_post", "fansub.change_post", "fansub.view_postcomment", "fansub.change_postcomment",
        "fansub.view_customrequest", "fansub.change_customrequest", "fansub.view_tier",
        "media.view_mediaitem", "media.change_mediaitem", "payments.view_payment",
    ],
    "Privacy": [
        "fansub.view_subscription", "fansub.view_follow", "fansub.view_tip", "fansub.view_customrequest",
        "fansub.view_post", "media.view_mediaitem", "payments.view_payment", "payments.view_receipt",
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("fansub", "0008_staff_groups"),
        ("payments", "0002_ledger_database_invariants"),
        ("media", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
