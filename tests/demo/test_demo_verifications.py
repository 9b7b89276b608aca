import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice

from fansub.accounts.models import User
from fansub.verification.models import AgeCheck, IdentityVerification, ProducerRecord
from fansub.verification.policy import can_view_adult
from fansub.verification.services import age_assurance, creator_verification
from tests.verification.support import private_storage  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_demo_staff_and_verifications_are_idempotent(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    vera, nico = User.objects.get(handle="vera_fan"), User.objects.get(handle="nico_fan")
    assert age_assurance.has_valid_age_assurance(vera) and can_view_adult(vera)
    assert AgeCheck.objects.get(user=vera).jurisdiction == "GB"
    assert not AgeCheck.objects.filter(user=nico).exists() and not can_view_adult(nico)
    for handle in ("luna_nights", "chef_marco"):
        assert creator_verification.is_verified_creator(User.objects.get(handle=handle))
    assert IdentityVerification.objects.count() == 2 and ProducerRecord.objects.count() == 2
    for group in ("Trust & Safety", "Finance", "Privacy", "Custodian of Records"):
        assert User.objects.filter(groups__name=group, is_staff=True).count() == 1
    assert User.objects.filter(is_superuser=True).count() == 1
    # Backup tokens are regenerated on every run and printed with the logins.
    custodian = User.objects.get(handle="records_custodian")
    tokens = list(StaticDevice.objects.get(user=custodian).token_set.values_list("token", flat=True))
    assert all(t not in first for t in tokens) and tokens[0] in second
