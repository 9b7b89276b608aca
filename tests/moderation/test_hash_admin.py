"""Staff load hash lists in the admin; hash-match reports and preservation records are for Child Safety only."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import AuditLog
from moderation.models import HashEntry, HashList
from moderation.services.quarantine import CHILD_SAFETY_GROUP
from tests.factories import make_staff, verified_login


@pytest.mark.django_db
def test_staff_import_a_hash_list_file_in_the_admin(client):
    staff = verified_login(client, make_staff(superuser=True))
    hash_list = HashList.objects.create(name="Imported")
    page = client.get(f"/admin/moderation/hashlist/{hash_list.pk}/change/")
    assert page.status_code == 200 and b"Import hashes" in page.content
    url = f"/admin/moderation/hashlist/{hash_list.pk}/import/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("list.txt", f"{'a1' * 32},csam-1,clearing-house\n{'b2' * 32}\n".encode())
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert set(HashEntry.objects.values_list("value", "label")) == {("a1" * 32, "csam-1"), ("b2" * 32, "")}
    assert AuditLog.objects.filter(action="moderation.hash_list_imported", actor=staff).exists()
    bad = client.post(url, {"hashes": "zz\n"})
    assert bad.status_code == 200 and HashEntry.objects.count() == 2


@pytest.mark.django_db
def test_child_safety_records_are_hidden_from_other_staff(client):
    verified_login(client, make_staff(superuser=True))
    assert client.get("/admin/moderation/childsafetyreport/").status_code == 403
    assert client.get("/admin/moderation/preservationrecord/").status_code == 403
    member = make_staff(superuser=True)
    member.groups.add(Group.objects.get_or_create(name=CHILD_SAFETY_GROUP)[0])
    client.logout()
    verified_login(client, member)
    assert client.get("/admin/moderation/childsafetyreport/").status_code == 200
    assert client.get("/admin/moderation/preservationrecord/").status_code == 200
