"""The tip_presets experiment on the tip page: each fan sees their variant's suggested amounts, an in-experiment
fan is exposed when the page shows them, and a suggestion reviews the total without charging."""

import pytest

from fansub.purchases.views import TIP_PRESETS
from payments.models import Payment
from telemetry.experiments import variant_for
from telemetry.models import OutboxEvent
from telemetry.pseudonyms import actor_pseudonym
from tests.factories import make_creator, make_fan

pytestmark = pytest.mark.django_db


def test_fans_see_their_variants_suggestions_and_are_exposed(client):
    creator = make_creator(country="US", verified=True)
    seen = set()
    for _ in range(16):  # both variants appear (each fan is a coin flip: 2 ** -15 to miss one)
        fan = make_fan(country="US", region="US-TX")
        client.force_login(fan)
        assignment = variant_for("tip_presets", fan)
        html = client.get(f"/c/{creator.handle}/tip/").content.decode()
        for preset in TIP_PRESETS[assignment.variant]:
            assert f'value="{preset}"' in html
        exposed = [e for e in OutboxEvent.objects.filter(event_type="experiment.exposed")
                   if e.envelope["actor_id"] == actor_pseudonym(fan)]
        assert len(exposed) == (1 if assignment.in_experiment else 0)
        assert all(e.envelope["payload"]["variant"] == assignment.variant for e in exposed)
        seen.add(assignment.variant)
    assert seen == {"control", "treatment"}


def test_a_suggested_amount_reviews_the_total_without_charging(client):
    creator = make_creator(country="US", verified=True)
    fan = make_fan(country="US", region="US-TX")
    client.force_login(fan)
    preset = TIP_PRESETS[variant_for("tip_presets", fan).variant][0]
    html = client.post(f"/c/{creator.handle}/tip/", {"preset": preset, "idempotency_key": "k"}).content.decode()
    assert "Total" in html and f'value="{preset}"' in html and Payment.objects.count() == 0
    bad = client.post(f"/c/{creator.handle}/tip/", {"preset": "lots", "idempotency_key": "k"})
    assert bad.status_code == 200 and Payment.objects.count() == 0 and "field-error" in bad.content.decode()
