"""Issue 12: people read words, not codes — the template helpers behind fan pages."""

from fansub.posts.templatetags.fan_media import country_choices, duration, human, media_summary, money


def test_codes_become_words():
    assert human("ppv_post") == "Pay-per-view post"
    assert human("past_due") == "Payment overdue"
    assert human("facial_age_estimation") == "Face age estimate"
    assert human("price") == "Price" and human("audience") == "Who can see it"
    assert human("some_new_code") == "Some new code" and human(None) == ""


def test_money_in_minor_units_reads_as_money():
    assert money(2500, "GBP") == "£25.00" and money(None, "GBP") == ""


def test_media_summary_counts_types_and_video_length():
    media = [{"kind": "image"}, {"kind": "image"}, {"kind": "video", "duration_ms": 65_000}]
    assert media_summary(media) == "2 photos · 1 video (1:05)"
    assert media_summary([{"kind": "video", "duration_ms": None}]) == "1 video"
    assert duration(3_725_000) == "1:02:05" and duration(None) == ""


def test_country_choices_group_the_evidence():
    class Conflict:
        details = {"evidence": {"billing": "GB", "card": "US", "ip": "GB"}}

    assert country_choices(Conflict()) == [("GB", "your billing address, where you are connecting from"),
                                           ("US", "your card")]
    assert country_choices(None) == []
