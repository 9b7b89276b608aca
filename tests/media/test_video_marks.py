"""Issue 16 item 5: per-viewer marks on video without a per-viewer transcode (A/B segment watermarking).

A video final is packaged once as HLS, every segment in an A and a B variant with opposite invisible
marks; each viewer's playlist spells their code with its A/B choices; segment links are theirs only;
``watermark_identify`` names the viewer from a re-encoded, downscaled leak, and nobody from an
unmarked or unrelated video.
"""

import io
import re
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fansub.media import storage
from fansub.media.models import Delivery, MediaItem, VideoSegment
from fansub.media.services import signing, stream_identify
from fansub.media.services.deletion import delete_media_item
from fansub.media.video_mark import code, detect, package, pattern
from tests.factories import make_fan
from tests.media.video_synth import leak, write_clip

KEY = "test-forensic-key"


# --- the codeword --------------------------------------------------------------------------------


def test_codewords_round_trip_and_differ():
    for value in (1, 2, 3, 1000, code.MAX_CODE):
        word = code.codeword(value)
        assert len(word) == code.LENGTH
        assert code.decode([4.0 if bit else -4.0 for bit in word]) == value
    assert code.codeword(1) != code.codeword(2)
    with pytest.raises(ValueError):
        code.codeword(0)
    with pytest.raises(ValueError):
        code.codeword(code.MAX_CODE + 1)


def test_decoder_repairs_the_two_least_confident_bits_and_needs_every_position():
    word = code.codeword(4321)
    soft = [5.0 if bit else -5.0 for bit in word]
    soft[3], soft[17] = -soft[3] / 10, -soft[17] / 10  # two weak, wrong readings
    assert code.decode(soft) == 4321
    soft[20] = None
    assert code.decode(soft) is None  # a position never seen: no guess


def test_random_readings_rarely_pass_the_crc():
    rng = np.random.default_rng(7)
    passed = sum(code.decode(list(rng.standard_normal(code.LENGTH))) is not None for _ in range(3000))
    assert passed <= 12  # ~3000 * 4 / 4096 expected at most; the presence test stops these first anyway


# --- packaging -----------------------------------------------------------------------------------


def test_mark_is_invisible_and_opposite_in_a_and_b():
    luma = np.random.default_rng(1).integers(30, 220, size=(240, 320), dtype=np.uint8)
    mark = pattern.field(KEY, "item", 0, 320, 240)
    a, b = pattern.apply(luma, mark, 1, pattern.DEFAULT_STRENGTH), pattern.apply(luma, mark, -1,
                                                                                  pattern.DEFAULT_STRENGTH)
    assert pattern.psnr(luma, a) >= 38 and pattern.psnr(luma, b) >= 38
    assert float(((a.astype(float) - b) * mark).mean()) > 3  # A - B follows the pattern
    assert not np.allclose(mark, pattern.field(KEY, "item", 1, 320, 240))  # each segment its own pattern
    assert not np.allclose(mark, pattern.field("other-key", "item", 0, 320, 240))


def test_packaging_writes_a_and_b_for_every_segment(tmp_path):
    final = write_clip(tmp_path / "final.mp4", seconds=3.0, fps=12, size=(160, 120))
    result = package.package(final, tmp_path / "out", key=KEY, item_ref="item", segment_seconds=1.0)
    assert result.count == 3 and len(result.segments) == 6
    assert sorted((s.index, s.variant) for s in result.segments) == [(i, v) for i in range(3) for v in "ab"]
    by_key = {(s.index, s.variant): s for s in result.segments}
    assert all(s.duration_ms == 1000 for s in result.segments)
    reference = detect.read_lumas(final, (160, 120)).frames
    for index in range(3):
        a = detect.read_lumas(by_key[(index, "a")].path, (160, 120)).frames
        b = detect.read_lumas(by_key[(index, "b")].path, (160, 120)).frames
        assert len(a) == len(b) == 12
        mark = pattern.field(KEY, "item", index, 160, 120)
        assert float(((a - reference[index * 12:(index + 1) * 12]) * mark).mean()) > 1.0
        assert float(((b - reference[index * 12:(index + 1) * 12]) * mark).mean()) < -1.0
    for variant in "ab":  # the audio travels with the picture, in both variants, all of it
        audio_seconds = 0.0
        for index in range(3):
            with av.open(str(by_key[(index, variant)].path)) as seg:
                assert seg.format.name == "mpegts" and seg.streams.audio
                audio_seconds += sum(f.samples for f in seg.decode(seg.streams.audio[0])) / 48000
        assert 2.8 <= audio_seconds <= 3.2


# --- processing, playlists, segment links ---------------------------------------------------------


@pytest.fixture
def short_segments(settings):
    settings.MEDIA_HLS_SEGMENT_SECONDS = 0.5
    settings.WATERMARK_FORENSIC_KEY = KEY


@pytest.fixture
def clip_bytes(tmp_path):
    def _make(seconds: float, seed: int = 1, size: tuple[int, int] = (160, 120)) -> bytes:
        return write_clip(tmp_path / f"clip-{seed}-{seconds}.mp4", seconds=seconds, seed=seed, size=size).read_bytes()
    return _make


def _stream_item(creator, upload, data: bytes) -> MediaItem:
    from fansub.posts.services import posts
    from fansub.posts.services.posts import AudienceSpec, PostInput

    item = upload(creator, data, name="clip.mp4", content_type="video/mp4")
    assert item.state == "ready", item.failure_code
    posts.create_post(creator, PostInput(text="v", audience=AudienceSpec(subscribers=True),
                                         media_ids=(str(item.public_id),)))
    return item


def _playlist_url(viewer, item) -> str:
    return reverse("media-stream", kwargs={"token": signing.sign(viewer.pk, item.pk, "stream")})


def _segment_urls(client, viewer, item) -> list[str]:
    answer = client.get(_playlist_url(viewer, item))
    assert answer.status_code == 200, answer.content
    return [line for line in answer.content.decode().splitlines() if line.startswith("/")]


def _token(url: str) -> str:
    return re.fullmatch(r"/media/hls/([^/]+)/", url).group(1)


@pytest.mark.django_db
def test_processing_stores_the_package_and_deletion_removes_it(creator, upload, clip_bytes, short_segments,
                                                              stored_files, django_capture_on_commit_callbacks):
    item = _stream_item(creator, upload, clip_bytes(2.0))
    stream = item.renditions.get(kind="stream")
    segments = list(VideoSegment.objects.filter(rendition=stream).order_by("index", "variant"))
    assert [(s.index, s.variant) for s in segments] == [(i, v) for i in range(4) for v in "ab"]
    assert all(s.storage_key in stored_files() for s in segments) and stream.storage_key in stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        delete_media_item(creator, item)
    assert not [k for k in stored_files() if "/stream-" in k]


@pytest.mark.django_db
def test_each_viewer_gets_their_own_code_spelled_by_their_playlist(client, creator, upload, entitle,
                                                                    clip_bytes, short_segments):
    item = _stream_item(creator, upload, clip_bytes(2.0))
    fans = [make_fan(), make_fan()]
    spelled = []
    for fan in fans:
        entitle(fan.pk)
        client.force_login(fan)
        urls = _segment_urls(client, fan, item)
        assert len(urls) == 4
        targets = [signing.verify_segment(_token(url), fan) for url in urls]
        delivery = Delivery.objects.get(viewer=fan, media_item=item)
        word = code.codeword(delivery.mark_code)
        assert [t.variant for t in targets] == ["b" if word[t.index % code.LENGTH] else "a" for t in targets]
        spelled.append([t.variant for t in targets])
        again = _segment_urls(client, fan, item)  # a replay: same delivery, same choices, fresh links
        assert [signing.verify_segment(_token(u), fan).variant for u in again] == spelled[-1]
        assert Delivery.objects.filter(viewer=fan, media_item=item).count() == 1
    codes = sorted(Delivery.objects.filter(media_item=item).values_list("mark_code", flat=True))
    assert codes == [1, 2]
    # Four segments show the first four bits; codes 1 and 2 differ only later, so compare whole codewords.
    assert code.codeword(1) != code.codeword(2)


@pytest.mark.django_db
def test_segment_links_are_the_viewers_own(client, creator, upload, entitle, clip_bytes, short_segments,
                                            settings, monkeypatch):
    item = _stream_item(creator, upload, clip_bytes(2.0))
    owner_of_links, other = make_fan(), make_fan()
    entitle(owner_of_links.pk)
    entitle(other.pk)
    client.force_login(owner_of_links)
    url = _segment_urls(client, owner_of_links, item)[0]
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "video/mp2t"
    assert served["Cache-Control"].startswith("private")

    def refused(response, reason):
        assert response.status_code == 403, response.content
        assert response.json()["error"]["details"]["reason"] == reason

    # the variant their code does not pick, even signed for them
    target = signing.verify_segment(_token(url), owner_of_links)
    flipped = signing.sign_segment(owner_of_links.pk, item.pk, target.index, "b" if target.variant == "a" else "a")
    refused(client.get(reverse("media-stream-segment", kwargs={"token": flipped})), "not_your_segment")
    # a tampered signature
    token = _token(url)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    refused(client.get(reverse("media-stream-segment", kwargs={"token": tampered})), "bad_signature")
    # someone else's link
    client.force_login(other)
    refused(client.get(url), "other_viewer")
    client.logout()
    refused(client.get(url), "other_viewer")
    # expired
    client.force_login(owner_of_links)
    import django.core.signing as django_signing
    real_time = django_signing.time.time
    monkeypatch.setattr(django_signing.time, "time", lambda: real_time() + settings.MEDIA_HLS_URL_TTL_SECONDS + 5)
    refused(client.get(url), "expired")
    monkeypatch.undo()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_no_stream_and_no_mp4_without_entitlement(client, creator, upload, clip_bytes, short_segments, fan):
    item = _stream_item(creator, upload, clip_bytes(1.0))
    client.force_login(fan)
    answer = client.get(_playlist_url(fan, item))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "NOT_ENTITLED"
    assert not Delivery.objects.filter(media_item=item).exists()
    # a playlist link signed for a final (not a stream) is refused as such
    wrong_kind = reverse("media-stream", kwargs={"token": signing.sign(fan.pk, item.pk, "final")})
    assert client.get(wrong_kind).status_code == 403
    forged = signing.sign_segment(fan.pk, item.pk, 0, "a")  # a link for them, but they hold no stream delivery
    assert client.get(reverse("media-stream-segment", kwargs={"token": forged})).status_code == 403


@pytest.mark.django_db
def test_entitlement_is_checked_again_at_every_segment(client, creator, upload, clip_bytes, short_segments):
    from fansub.media.services import access

    item = _stream_item(creator, upload, clip_bytes(1.0))
    fan = make_fan()
    allowed = {fan.pk}

    def checker(viewer, media_item):
        return viewer.pk in allowed

    access.register_final_checker(checker)
    try:
        client.force_login(fan)
        url = _segment_urls(client, fan, item)[0]
        assert client.get(url).status_code == 200
        allowed.clear()  # e.g. a refund or a chargeback took the purchase away
        assert client.get(url).status_code == 403
    finally:
        access.unregister_final_checker(checker)


# --- identification --------------------------------------------------------------------------------


def _viewer_copy(item: MediaItem, delivery: Delivery, tmp_path: Path, *, skip: int = 0, **attack) -> Path:
    """Decode the segments this viewer's playlist names (from storage) and re-encode them like a leaker."""
    stream = item.renditions.get(kind="stream")
    word = code.codeword(delivery.mark_code)
    paths = []
    for segment in VideoSegment.objects.filter(rendition=stream).order_by("index"):
        if segment.index < skip or segment.variant != ("b" if word[segment.index % code.LENGTH] else "a"):
            continue
        target = tmp_path / f"seg-{segment.index}.ts"
        target.write_bytes(storage.read_bytes(segment.storage_key))
        paths.append(target)
    return leak(paths, tmp_path / f"leak-{delivery.pk}-{skip}.mp4", **attack)


def _identify(path: Path, media: str | None = None) -> str:
    out = io.StringIO()
    call_command("watermark_identify", str(path), *(["--media", media] if media else []), stdout=out)
    return out.getvalue()


@pytest.fixture
def watched_stream(creator, upload, entitle, clip_bytes, client):
    """``watched_stream(seconds, size, viewers)``: a stream of a synthetic clip and the ``viewers`` new fans,
    each entitled, signed in and handed their playlist and segment links (so each has a Delivery)."""
    def _watch(seconds: float, size: tuple[int, int], viewers: int) -> tuple[MediaItem, list]:
        item = _stream_item(creator, upload, clip_bytes(seconds, size=size))
        fans = [make_fan() for _ in range(viewers)]
        for fan in fans:
            entitle(fan.pk)
            client.force_login(fan)
            _segment_urls(client, fan, item)
        return item, fans
    return _watch


@pytest.mark.django_db
def test_identify_names_the_viewer_from_a_reencoded_downscaled_leak(watched_stream, short_segments, tmp_path):
    # 0.5 s segments: one 28-bit codeword every 14 s, so a 17 s clip keeps this test quick.
    item, fans = watched_stream(17.0, (192, 144), viewers=3)
    leaker = Delivery.objects.get(viewer=fans[1], media_item=item)
    copy = _viewer_copy(item, leaker, tmp_path, skip=2, width=128, height=96, crf=30)
    report = _identify(copy)
    assert f"delivery id: {leaker.pk}" in report and f"@{fans[1].handle}" in report
    assert f"delivery id: {leaker.pk}" in _identify(copy, str(item.public_id))


@pytest.mark.django_db
def test_identify_names_nobody_for_unmarked_or_unrelated_video(creator, upload, entitle, clip_bytes,
                                                                short_segments, tmp_path, client):
    item = _stream_item(creator, upload, clip_bytes(15.0))
    fan = make_fan()
    entitle(fan.pk)
    client.force_login(fan)
    _segment_urls(client, fan, item)
    final = tmp_path / "final.mp4"
    final.write_bytes(storage.read_bytes(item.renditions.get(kind="final").storage_key))
    unmarked = leak([final], tmp_path / "unmarked.mp4", width=128, height=96, crf=30)
    with pytest.raises(CommandError, match="no viewer mark"):
        _identify(unmarked)
    unrelated = write_clip(tmp_path / "unrelated.mp4", seconds=15.0, seed=99, size=(160, 120))
    with pytest.raises(CommandError):
        _identify(unrelated)
    found = stream_identify.identify_video(unrelated)
    assert found.delivery is None and found.code is None
    wide = write_clip(tmp_path / "wide.mp4", seconds=2.0, seed=5, size=(192, 108))
    skipped = stream_identify.identify_video(wide)  # another shape: not even compared
    assert skipped.media_item is None and skipped.delivery is None
    with pytest.raises(CommandError, match="matches no streamed video"):
        _identify(wide)


@pytest.mark.slow
@pytest.mark.django_db
def test_identify_from_a_minute_of_lower_bitrate_480p_style_leak(watched_stream, tmp_path, settings):
    """Production segment length (2 s): a 64 s leak at a third of the size and a low bitrate."""
    settings.WATERMARK_FORENSIC_KEY = KEY
    settings.MEDIA_HLS_SEGMENT_SECONDS = 2.0
    item, fans = watched_stream(70.0, (320, 240), viewers=4)
    leaker = Delivery.objects.get(viewer=fans[2], media_item=item)
    copy = _viewer_copy(item, leaker, tmp_path, skip=3, width=192, height=144, bitrate=150_000)
    with av.open(str(copy)) as probe:
        assert float(probe.duration / av.time_base) >= 60
    assert f"delivery id: {leaker.pk}" in _identify(copy)


@pytest.mark.django_db
def test_the_orphan_sweep_keeps_live_segments(creator, upload, clip_bytes, short_segments):
    from fansub.media.services.deletion import find_orphans

    item = _stream_item(creator, upload, clip_bytes(1.0))
    assert VideoSegment.objects.filter(rendition__media_item=item).exists()
    assert find_orphans(grace_seconds=0) == []


@pytest.mark.django_db
def test_a_stream_whose_codes_are_used_up_refuses_new_viewers(client, creator, upload, entitle, clip_bytes,
                                                               short_segments):
    item = _stream_item(creator, upload, clip_bytes(1.0))
    first, late = make_fan(), make_fan()
    Delivery.objects.create(viewer=first, media_item=item, rendition=item.renditions.get(kind="stream"),
                            mark_code=code.MAX_CODE)
    entitle(late.pk)
    client.force_login(late)
    answer = client.get(_playlist_url(late, item))
    assert answer.status_code == 409 and answer.json()["error"]["details"]["reason"] == "codes_exhausted"
    assert not Delivery.objects.filter(viewer=late).exists()
