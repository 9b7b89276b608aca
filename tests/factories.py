"""Plain-row factories for tests. State changes go through the real services instead."""

import itertools

from fansub.accounts.models import CreatorProfile, FanProfile, Role, User

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def make_fan(*, handle: str | None = None, country: str = "GB", region: str = "", **extra) -> User:
    n = next(_seq)
    handle = handle or f"fan_{n}"
    user = User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.FAN, **extra)
    FanProfile.objects.create(user=user, country=country, region=region)
    return user


def make_creator(*, handle: str | None = None, adult: bool = False, country: str = "US", verified: bool = False,
                 **extra) -> User:
    n = next(_seq)
    handle = handle or f"creator_{n}"
    user = User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.CREATOR, **extra)
    CreatorProfile.objects.create(user=user, display_name=handle.title(), is_adult=adult, country=country)
    if verified:
        verify_creator(user)
    return user


def verify_creator(user: User) -> None:
    """A plain approved identity-verification row (the review flow itself is tested in tests/verification)."""
    import datetime

    from django.utils import timezone

    from fansub.verification.models import IdentityVerification

    IdentityVerification.objects.create(user=user, status="approved", decided_at=timezone.now(),
                                        valid_until=timezone.localdate() + datetime.timedelta(days=365))


def ensure_verified_creator(user: User) -> User:
    """Creators who sell are identity-verified (issue 10: money goes only to verified creators), so the
    factories that make something for sale (a tier, a pay-per-view post) verify its creator unless they are."""
    from fansub.verification.services.creator_verification import is_verified_creator

    if not is_verified_creator(user):
        verify_creator(user)
    return user


def make_staff(*, handle: str | None = None, superuser: bool = False) -> User:
    n = next(_seq)
    handle = handle or f"staff_{n}"
    return User.objects.create_user(email=f"{handle}@example.test", handle=handle, password=PASSWORD,
                                    role=Role.STAFF, is_staff=True, is_superuser=superuser)


def make_tier(creator: User, *, name: str = "Fan club", price_minor: int = 999, currency: str = "USD", **extra):
    from fansub.offers.models import Tier

    ensure_verified_creator(creator)
    return Tier.objects.create(creator=creator, name=name, price_minor=price_minor, currency=currency, **extra)


def make_post(creator: User, *, public=False, followers=False, subscribers=False, tiers=(), ppv_minor=None,
              is_adult=False, text="hello", status="published", **extra):
    from django.utils import timezone

    from fansub.posts.models import Post

    if ppv_minor is not None:
        ensure_verified_creator(creator)
    post = Post.objects.create(
        creator=creator, text=text, status=status, published_at=timezone.now() if status == "published" else None,
        audience_public=public, audience_followers=followers, audience_subscribers=subscribers,
        ppv_price_minor=ppv_minor, ppv_currency="USD" if ppv_minor is not None else "",
        is_adult=is_adult or creator.creator_profile.is_adult, **extra)
    post.audience_tiers.set(tiers)
    return post


def make_subscription(fan: User, tier, *, status="active", days_left=20, **extra):
    from datetime import timedelta

    from django.utils import timezone

    from fansub.subscriptions.models import Subscription

    now = timezone.now()
    return Subscription.objects.create(fan=fan, creator=tier.creator, tier=tier, status=status,
                                       current_period_start=now - timedelta(days=30 - days_left),
                                       current_period_end=now + timedelta(days=days_left), **extra)


def verified(user: User) -> User:
    """``user`` as a request sees it after passing the second factor: a confirmed device verified it.

    For service- and API-level tests (``force_authenticate``) of staff powers, which exist only after 2FA."""
    from django_otp.plugins.otp_static.models import StaticDevice

    from governance.services import two_factor

    device = StaticDevice.objects.filter(user=user, confirmed=True).first() or StaticDevice.objects.create(
        user=user, name="test device", confirmed=True)
    return two_factor.mark_verified(user, device)


def verified_login(client, user: User) -> User:
    """A session that passed the second factor (what the admin log-in leaves behind), without the form."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(verified(user))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.otp_device.persistent_id
    session.save()
    return user
