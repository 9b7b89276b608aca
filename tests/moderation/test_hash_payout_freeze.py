"""A frozen account is skipped by the payout run (payments asks the PAYOUTS_BLOCKED hook; it imports no
moderation code) until the freeze is lifted."""

import pytest

from moderation.selectors import payouts_frozen
from moderation.services.enforcement import freeze_payouts, lift_payout_freeze
from payments.errors import PayoutNotAllowed
from payments.models import Payout
from payments.providers import registry
from payments.providers.simulator import SimulatorProvider
from payments.services import payouts, purchases
from payments.tasks import payout_run, release_pending
from tests.factories import make_creator, make_fan, make_staff
from tests.payments.conftest import GB, GB_CARD, gbp


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    registry.reset()
    yield
    registry.reset()


@pytest.mark.django_db
def test_the_payout_run_skips_a_frozen_creator(settings):
    settings.PAYOUT_MINIMUM_MINOR = 100
    settings.PAYOUT_HOLD_DAYS = 0
    fan, creator = make_fan(country="GB"), make_creator()
    payouts.connect_account(creator, "simulator", "acct_sim_frozen")
    SimulatorProvider().set_account_status("acct_sim_frozen", charges_enabled=True, payouts_enabled=True)
    payouts.update_account_status(creator.payout_accounts.get(), charges_enabled=True, payouts_enabled=True)
    purchases.charge(fan, creator, gbp(2000), "tip", "t", "k1", GB_CARD, tax_evidence=GB)
    assert release_pending() == 1
    freeze_payouts(creator, reason="hash_match", source="hash_matching")
    assert payouts_frozen(creator)
    with pytest.raises(PayoutNotAllowed) as caught:
        payouts.create_payout(creator, "GBP")
    assert caught.value.details == {"reason": "on_hold"}  # never why (a hash match must not be revealed)
    assert payout_run() == {"paid": 0, "failed": 0, "skipped": 1}
    assert not Payout.objects.exists()
    lift_payout_freeze(creator, reason="reviewed: false positive", actor=make_staff())
    assert not payouts_frozen(creator)
    assert payout_run() == {"paid": 1, "failed": 0, "skipped": 0}
