"""Repeat-infringer policy: a published threshold, termination at the threshold, appeals inside the window only;
and creators' takedowns filed by the platform as their agent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.media.services import watermarking
from governance.models import AuditLog
from moderation.models import CopyrightStrike, CreatorTakedown
from moderation.selectors import is_banned
from moderation.services import dmca_notices, repeat_infringers
from moderation.services.creator_takedowns import file_takedown
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_staff, verified
from tests.moderation.dmca_support import png, scene, uploader, use_tmp_storage
from tests.moderation.test_dmca_notices import full_notice


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_tmp_storage(settings, tmp_path)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    return uploader(django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_the_policy_is_published_with_the_threshold_from_settings(client, api_client, settings):
    settings.DMCA_REPEAT_INFRINGER_THRESHOLD = 4
    page = client.get("/legal/dmca/")
    assert page.status_code == 200 and '<strong id="strike-threshold">4</strong>' in page.content.decode()
    assert api_client.get("/api/v1/moderation/dmca/policy/").json()["threshold"] == 4


@pytest.mark.django_db
def test_the_threshold_strike_terminates_the_account(upload, settings):
    settings.DMCA_REPEAT_INFRINGER_THRESHOLD = 2
    creator = make_creator()
    first, second = (upload(creator, png(scene(seed)), name=f"{seed}.png") for seed in (41, 42))
    dmca_notices.submit_notice(full_notice(first))
    creator.refresh_from_db()
    assert creator.is_active and not is_banned(creator)
    dmca_notices.submit_notice(full_notice(second))
    creator.refresh_from_db()
    assert not creator.is_active and is_banned(creator)
    assert AuditLog.objects.filter(action="moderation.account_banned", reason="repeat_infringer").exists()
    assert repeat_infringers.active_strikes(creator) == 2


@pytest.mark.django_db
def test_expired_and_reversed_strikes_do_not_count(upload, settings):
    settings.DMCA_REPEAT_INFRINGER_THRESHOLD = 2
    creator = make_creator()
    first, second = (upload(creator, png(scene(seed)), name=f"{seed}.png") for seed in (43, 44))
    dmca_notices.submit_notice(full_notice(first))
    CopyrightStrike.objects.update(expires_at=timezone.now() - timedelta(days=1))
    dmca_notices.submit_notice(full_notice(second))
    creator.refresh_from_db()
    assert creator.is_active


@pytest.mark.django_db
def test_an_appeal_inside_the_window_is_taken_once_and_a_late_one_refused(api_client, upload):
    creator = make_creator()
    item = upload(creator, png(scene(45)), name="a.png")
    dmca_notices.submit_notice(full_notice(item))
    strike = CopyrightStrike.objects.get(user=creator)
    api_client.force_authenticate(creator)
    path = f"/api/v1/moderation/dmca/strikes/{strike.pk}/appeal/"
    other = make_creator()
    api_client.force_authenticate(other)
    assert api_client.post(path, {"note": "mine"}, format="json").status_code == 404  # not their strike
    api_client.force_authenticate(creator)
    ok = api_client.post(path, {"note": "I own it"}, format="json")
    assert ok.status_code == 200 and ok.json()["appealed_at"]
    assert api_client.post(path, {"note": "again"}, format="json").status_code == 409  # one appeal
    # decided by Trust & Safety with the second factor
    repeat_infringers.decide_appeal(verified(make_staff()), strike, reverse=True, reason="licence shown")
    strike.refresh_from_db()
    assert strike.reversed_at is not None


@pytest.mark.django_db
def test_an_appeal_after_the_window_is_refused(api_client, upload, settings):
    creator = make_creator()
    item = upload(creator, png(scene(46)), name="a.png")
    dmca_notices.submit_notice(full_notice(item))
    strike = CopyrightStrike.objects.get(user=creator)
    CopyrightStrike.objects.filter(pk=strike.pk).update(
        created_at=timezone.now() - timedelta(days=settings.DMCA_STRIKE_APPEAL_WINDOW_DAYS, minutes=1))
    api_client.force_authenticate(creator)
    response = api_client.post(f"/api/v1/moderation/dmca/strikes/{strike.pk}/appeal/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "COPYRIGHT_APPEAL_WINDOW_CLOSED"
    strike.refresh_from_db()
    assert strike.appealed_at is None


@pytest.mark.django_db
def test_a_creator_takedown_names_the_handle_not_the_legal_name_and_cites_the_watermark(upload):
    creator = make_creator()
    item = upload(creator, png(scene(47)), name="orig.png")
    final = item.renditions.get(kind="final")
    leaked = watermarking.render_final(final, handle="leaker", delivery_id=4242)
    takedown = file_takedown(creator, infringing_urls="https://pirate.example/a https://pirate.example/b",
                             work_description="My beach set", original_public_id=str(item.public_id),
                             leaked_image=leaked)
    assert takedown.watermark_delivery_id == 4242
    text = takedown.notice_text
    assert f"@{creator.handle}" in text and "delivery #4242" in text and "https://pirate.example/b" in text
    assert creator.email not in text and creator.creator_profile.display_name not in text
    for element in ("(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)"):
        assert element in text
    assert OutboxEvent.objects.get(event_type="dmca.takedown_filed").envelope["payload"]["watermark_found"] is True


@pytest.mark.django_db
def test_a_takedown_page_for_creators(client, upload):
    creator = make_creator()
    client.force_login(creator)
    assert client.get("/studio/dmca/takedown/").status_code == 200
    done = client.post("/studio/dmca/takedown/", {"infringing_urls": "https://pirate.example/x"})
    assert done.status_code == 200 and b"pirate.example/x" in done.content
    assert CreatorTakedown.objects.filter(creator=creator, watermark_delivery_id=None).exists()
    refused = client.post("/studio/dmca/takedown/", {"infringing_urls": "not a url"})
    assert refused.status_code == 400
