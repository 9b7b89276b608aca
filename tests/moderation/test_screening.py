"""Text screening: rules from settings and the admin; hold for review (queued) or refuse naming the category."""

import pytest

from common.errors import ContentRefused
from fansub.accounts.services.accounts import update_creator_profile
from fansub.messaging.services import messages
from fansub.posts.models import Post, PostComment
from fansub.posts.services import posts as post_services
from moderation.models import Report, ScreeningRule
from moderation.services import screening
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
