"""Text screening: rules from settings and the admin; hold for review (queued) or refuse naming the category."""

import pytest

from common.errors import ContentRefused
from fansub.accounts.services.accounts import update_creator_profile
from fansub.custom_requests.services import custom_requests as request_services
from fansub.messaging.services import messages
from fansub.posts.models import Post, PostComment
from fansub.posts.services import posts as post_services
from fansub.purchases.models import Tip
from fansub.purchases.services import tips
from moderation.models import Report, ScreeningRule
from moderation.services import screening
from payments.models import Payment
from payments.money import Money
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    ScreeningRule.objects.create(term="idiot", category="harassment", severity=2, action="hold")
    ScreeningRule.objects.create(term="buy followers", category="spam", severity=1, action="refuse")
    screening.rules_changed()


def test_a_refused_comment_names_the_rule_category_not_the_words(rules):
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    with pytest.raises(ContentRefused) as exc:
        post_services.comment(fan, post.pk, "Cheap! BUY FOLLOWERS now")
    assert exc.value.status == 422 and exc.value.details == {"rule_category": "spam"}
    assert "followers" not in exc.value.message.lower()
    assert not PostComment.objects.exists()
    event = OutboxEvent.objects.get(event_type="moderation.text_screened")
    assert event.envelope["payload"] == {"target_kind": "comment", "category": "spam", "severity": 1,
                                         "outcome": "refused"}


def test_a_held_comment_is_hidden_and_queued(rules):
    creator, fan = make_creator(), make_fan()
    post = make_post(creator, public=True)
    comment = post_services.comment(fan, post.pk, "what an idiot")
    assert comment.is_hidden and Post.objects.get(pk=post.pk).comment_count == 0
    report = Report.objects.get()
    assert report.source == "screening" and report.category == "harassment"
    assert report.target_kind == "comment" and report.target_id == str(comment.pk)
    assert report.snapshot["text"] == "what an idiot"


def test_whole_words_only_and_clean_text_passes(rules):
    creator, fan = make_creator(), make_fan()
    comment = post_services.comment(fan, make_post(creator, public=True).pk, "idiotically good")
    assert not comment.is_hidden and not Report.objects.exists()


def test_setting_rules_apply_too(settings):
    settings.MODERATION_SCREENING_RULES = ["harassment:3:refuse:go away loser"]
    screening.rules_changed()
    with pytest.raises(ContentRefused):
        screening.screen_text("message", "please GO AWAY LOSER")
    assert screening.screen_text("message", "hello") is None


def test_messages_and_profiles_are_screened(rules):
    creator, fan = make_creator(), make_fan()
    fan.follows.create(creator=creator)
    with pytest.raises(ContentRefused):
        messages.start_conversation(fan, creator, "buy followers from me")
    msg = messages.start_conversation(fan, creator, "you idiot")
    assert Report.objects.get(target_kind="message").target_id == str(msg.pk)
    update_creator_profile(creator, {"bio": "Only an idiot would miss this"})
    assert Report.objects.get(target_kind="profile").subject == creator


def test_tip_notes_are_refused_before_any_money_moves(rules):
    creator, fan = make_creator(verified=True), make_fan()
    with pytest.raises(ContentRefused):
        tips.send_tip(fan, creator, Money(500, "USD"), idempotency_key="k", payment_method="4242424242424242",
                      note="buy followers here")
    assert not Tip.objects.exists() and not Payment.objects.exists()


def test_request_descriptions_are_held_for_review(rules):
    creator = make_creator(country="US", verified=True)
    request_services.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                               prohibited_topics=[])
    req = request_services.submit(make_fan(), creator, kind="video", price=Money(2500, "USD"), desired_by=None,
                                  description="Call my boss an idiot in a thirty second birthday video.",
                                  payment_method="4242424242424242")
    report = Report.objects.get(target_kind="custom_request")
    assert report.target_id == str(req.pk) and report.source == "screening"


def test_public_report_form_is_rate_limited(client):
    make_creator(handle="target")
    for _ in range(20):
        client.post("/report/", {"target_kind": "profile", "target_id": "target", "category": "spam"})
    r = client.post("/report/", {"target_kind": "profile", "target_id": "target", "category": "spam"})
    assert r.status_code == 200 and b"Too many reports" in r.content
