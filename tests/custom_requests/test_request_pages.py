import pytest

from fansub.custom_requests.models import CustomRequest
from fansub.custom_requests.services import custom_requests as svc
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db


def test_request_pages_both_sides(client, django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=5, slots=3,
                  prohibited_topics=[])
    fan, stranger = make_fan(country="US", region="US-TX"), make_fan()
    client.force_login(fan)
    assert "Custom request" in client.get(f"/c/{creator.handle}/").content.decode()
    r = client.post(f"/c/{creator.handle}/request/", {"kind": "video", "price": "25.00",
                                                      "description": "A short birthday greeting video for my sister.",
                                                      "payment_method": "4242424242424242"})
    assert r.status_code == 302
    req = CustomRequest.objects.get()
    bad = client.post(f"/c/{creator.handle}/request/", {"kind": "video", "price": "5.00",
                                                        "description": "Another short birthday greeting video.",
                                                        "payment_method": "4242424242424242"})
    assert bad.status_code == 200 and "Price: At least" in bad.content.decode()  # the field in words, not "price:"
    assert CustomRequest.objects.count() == 1
    assert str(req.pk) in client.get("/requests/").content.decode()
    client.force_login(creator)
    page = client.get(f"/requests/{req.pk}/").content.decode()
    assert "Accept" in page and "Counter" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{req.pk}/action/", {"action": "accept"})
    req.refresh_from_db()
    assert req.status == "accepted"
    client.post(f"/requests/{req.pk}/action/", {"action": "deliver", "note": "Here it is"})
    req.refresh_from_db()
    assert req.status == "delivered"
    client.force_login(stranger)
    assert client.get(f"/requests/{req.pk}/").status_code == 404
    assert client.post(f"/requests/{req.pk}/action/", {"action": "approve"}).status_code == 404
    client.force_login(fan)
    client.post(f"/requests/{req.pk}/action/", {"action": "approve"})
    req.refresh_from_db()
    assert req.status == "completed"


def test_request_settings_page(client):
    creator = make_creator(verified=True)
    client.force_login(creator)
    r = client.post("/studio/request-settings/", {"enabled": "on", "min_photo_set": "20.00", "turnaround_days": "4",
                                                  "slots": "2", "prohibited_topics": "feet, costumes"})
    assert r.status_code == 302
    terms = creator.request_settings
    assert terms.enabled and terms.min_prices == {"photo_set": 2000} and terms.prohibited_topics == ["feet", "costumes"]
    assert client.get("/studio/request-settings/").status_code == 200
    client.force_login(make_fan())
    assert client.get("/studio/request-settings/").status_code == 404
