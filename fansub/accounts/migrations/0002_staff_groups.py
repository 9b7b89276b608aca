"""Staff groups with the least permissions each needs (one definition; staff_groups.ensure_staff_groups
re-applies it after tests flush the tables).

Trust & Safety moderates accounts, posts, comments, media and custom-request disputes, and sees verification
*status* (never the 2257 records). Finance reads the books and issues refunds and payouts through admin actions
(which check these permissions and write the audit log). Privacy sees what is held about a person. The Custodian
of Records is the only group that reads producer records and decides identity verifications. Nobody but the two
parties reads message text.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {'Trust & Safety': ['accounts.view_user',
                    'accounts.change_user',
                    'accounts.view_creatorprofile',
                    'accounts.change_creatorprofile',
                    'accounts.view_fanprofile',
                    'verification.view_identityverification',
                    'verification.view_agecheck',
                    'governance.view_auditlog',
                    'posts.view_post',
                    'posts.change_post',
                    'posts.view_postcomment',
                    'posts.change_postcomment',
                    'custom_requests.view_customrequest',
                    'custom_requests.change_customrequest',
                    'offers.view_tier',
                    'media.view_mediaitem',
                    'media.change_mediaitem',
                    'payments.view_payment'],
 'Finance': ['accounts.view_user',
             'accounts.view_creatorprofile',
             'governance.view_auditlog',
             'payments.view_payment',
             'payments.change_payment',
             'payments.view_refund',
             'payments.view_dispute',
             'payments.view_ledgeraccount',
             'payments.view_ledgertransaction',
             'payments.view_ledgerentry',
             'payments.view_payout',
             'payments.change_payout',
             'payments.view_connectedaccount',
             'payments.view_receipt',
             'payments.view_salerecord',
             'payments.view_creatorstatement',
             'payments.view_webhookevent',
             'payments.refund_payment',
             'payments.view_transferreversal',
             'subscriptions.view_subscription',
             'purchases.view_tip',
             'custom_requests.view_customrequest'],
 'Privacy': ['accounts.view_user',
             'accounts.view_creatorprofile',
             'accounts.view_fanprofile',
             'verification.view_agecheck',
             'verification.view_identityverification',
             'governance.view_auditlog',
             'subscriptions.view_subscription',
             'accounts.view_follow',
             'purchases.view_tip',
             'custom_requests.view_customrequest',
             'posts.view_post',
             'media.view_mediaitem',
             'payments.view_payment',
             'payments.view_receipt'],
 'Custodian of Records': ['accounts.view_user',
                          'accounts.view_creatorprofile',
                          'verification.view_identityverification',
                          'verification.review_identityverification',
                          'verification.view_producerrecord']}


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
        ("accounts", "0001_initial"),
        ("verification", "0001_initial"),
        ("offers", "0001_initial"),
        ("subscriptions", "0001_initial"),
        ("posts", "0001_initial"),
        ("purchases", "0001_initial"),
        ("messaging", "0002_initial"),
        ("custom_requests", "0001_initial"),
        ("media", "0001_initial"),
        ("governance", "0001_initial"),
        ("payments", "0005_transfer_reversal_status"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
