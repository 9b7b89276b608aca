import pytest
from django.contrib.auth.models import Group

from tests.factories import make_staff, verified


@pytest.fixture
def moderator(db):
    staff = make_staff(handle="tns_mod")
    staff.groups.add(Group.objects.get(name="Trust & Safety"))
    return verified(staff)


@pytest.fixture
def second_moderator(db):
    staff = make_staff(handle="tns_mod2")
    staff.groups.add(Group.objects.get(name="Trust & Safety"))
    return verified(staff)
