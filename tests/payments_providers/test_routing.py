"""Routing by content category and the provider registry. Adult purchases never reach Stripe."""

import importlib.util
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from payments.providers import registry, routing
from payments.providers.base import PaymentProvider
from payments.providers.highrisk import CCBillProvider
from payments.providers.provider_errors import ContentRoutingRefused, ProviderMisconfigured
from payments.providers.routing import check_routing_table, provider_for
from payments.providers.stripe_gateway import StripeGateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def configured(settings, fake_stripe):
    settings.STRIPE_SECRET_KEY = fake_stripe.api_key
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_test"]
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.CCBILL_CLIENT_ACCNUM = "900100"
    settings.CCBILL_CLIENT_SUBACC = "0000"
    settings.CCBILL_FLEXFORM_ID = "687fa3e0-e60d-4466-88e2-181fa56dd6a9"
    settings.CCBILL_SALT = "salt"
    settings.PAYMENTS_ROUTING = {"default": "stripe", "adult": "ccbill"}
    return settings


def test_sfw_goes_to_stripe_and_adult_to_ccbill(configured):
    assert isinstance(provider_for("sfw"), StripeGateway)
    assert isinstance(provider_for("adult"), CCBillProvider)


def test_adult_routed_to_stripe_is_refused_at_call_time(configured):
    # e.g. overridden at runtime, bypassing the startup check
    configured.PAYMENTS_ROUTING = {**configured.PAYMENTS_ROUTING, "adult": "stripe"}
    with pytest.raises(ContentRoutingRefused) as exc:
        provider_for("adult")
    assert exc.value.code == "PAYMENT_ROUTING_REFUSED"
    assert exc.value.status == 409


def test_adult_refused_even_if_a_stripe_instance_hides_behind_another_name(configured, monkeypatch):
    stripe_instance = registry.get_provider("stripe")
    monkeypatch.setattr(routing, "get_provider", lambda name: stripe_instance)
    configured.PAYMENTS_ROUTING = {**configured.PAYMENTS_ROUTING, "adult": "ccbill"}
    with pytest.raises(ContentRoutingRefused):
        provider_for("adult")
    assert provider_for("sfw") is stripe_instance


@pytest.mark.parametrize("name", ["stripe", "STRIPE", " Stripe "])
def test_settings_refuse_to_start_with_adult_on_stripe(name):
    env = {**os.environ, "DJANGO_ENV": "test", "PAYMENTS_PROVIDER_ADULT": name}
    result = subprocess.run([sys.executable, "-c", "import config.settings"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "adult" in result.stderr


def test_settings_start_with_the_documented_production_routing():
    env = {**os.environ, "DJANGO_ENV": "test", "PAYMENTS_PROVIDER_SFW": "stripe", "PAYMENTS_PROVIDER_ADULT": "ccbill"}
    result = subprocess.run([sys.executable, "-c", "import config.settings as s; print(s.PAYMENTS_PROVIDER_ADULT)"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ccbill"


def test_check_routing_table():
    check_routing_table({"sfw": "stripe", "adult": "ccbill"})
    check_routing_table({"sfw": "simulator", "adult": "simulator"})
    with pytest.raises(ImproperlyConfigured):
        check_routing_table({"sfw": "stripe", "adult": "stripe"})


@pytest.mark.parametrize("category", ["ADULT", "nsfw", "", "other"])
def test_unknown_category_is_a_programming_error(configured, category):
    with pytest.raises(ValueError):
        provider_for(category)


def test_unknown_and_unimplemented_providers_are_improperly_configured(configured):
    configured.PAYMENTS_ROUTING = {**configured.PAYMENTS_ROUTING, "default": "paypal"}
    with pytest.raises(ImproperlyConfigured, match="Unknown payment provider"):
        provider_for("sfw")
    configured.PAYMENTS_ROUTING = {**configured.PAYMENTS_ROUTING, "adult": "segpay"}
    with pytest.raises(ImproperlyConfigured, match="CCBill"):
        provider_for("adult")


def test_simulator_is_resolved_lazily(settings):
    settings.PAYMENTS_ROUTING = {**settings.PAYMENTS_ROUTING, "default": "simulator"}
    if importlib.util.find_spec("payments.providers.simulator") is None:
        with pytest.raises(ImproperlyConfigured, match="not installed"):
            provider_for("sfw")
    else:  # once the payments core is merged
        assert provider_for("sfw").name == "simulator"


def test_instances_are_cached_until_settings_change(configured):
    first = registry.get_provider("stripe")
    assert registry.get_provider("stripe") is first
    configured.STRIPE_TIMEOUT_SECONDS = 5
    assert registry.get_provider("stripe") is not first


def test_missing_stripe_key_is_improperly_configured_not_a_silent_default(configured):
    configured.STRIPE_SECRET_KEY = ""
    with pytest.raises(ProviderMisconfigured, match="STRIPE_SECRET_KEY"):
        provider_for("sfw")


@pytest.mark.parametrize("cls", [StripeGateway, CCBillProvider])
def test_adapters_implement_the_provider_protocol(cls):
    for name, member in inspect.getmembers(PaymentProvider, inspect.isfunction):
        if name.startswith("_"):
            continue
        implemented = getattr(cls, name)
        expected = list(inspect.signature(member).parameters)
        assert list(inspect.signature(implemented).parameters)[: len(expected)] == expected, name
    assert cls.name in registry.available()
