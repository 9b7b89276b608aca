"""Demo data for `make run`. Idempotent: every row is found by a natural key before it is created."""

from dataclasses import dataclass, field

from django.db import transaction

from fansub.models import CreatorProfile, FanProfile, Role, User

DEMO_PASSWORD = "fansub-demo-2026"


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, role, note)
    notes: list[str] = field(default_factory=list)


def ensure_user(email: str, handle: str, role: str, **extra: object) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user:
        return user, False
    user = User.objects.create_user(email=email, handle=handle, password=DEMO_PASSWORD, role=role, **extra)
    return user, True


@transaction.atomic
def load_accounts(report: DemoReport) -> dict[str, User]:
    users: dict[str, User] = {}
    creators = [
        ("luna@demo.fansub.local", "luna_nights", "Luna Nights", True, "US",
         "Adult creator: boudoir photography and behind-the-scenes."),
        ("chef@demo.fansub.local", "chef_marco", "Chef Marco", False, "GB",
         "Safe-for-work creator: weekly recipes and cooking classes."),
    ]
    for email, handle, name, adult, country, bio in creators:
        user, created = ensure_user(email, handle, Role.CREATOR)
        if created:
            CreatorProfile.objects.create(user=user, display_name=name, bio=bio, is_adult=adult, country=country)
        users[handle] = user
        report.logins.append((email, "creator", "adult" if adult else "safe-for-work"))
    fans = [
        ("verified.fan@demo.fansub.local", "vera_fan", "GB", "", "age-verified (UK rules)"),
        ("new.fan@demo.fansub.local", "nico_fan", "US", "US-TX", "not age-verified"),
        ("fan.de@demo.fansub.local", "dieter_fan", "DE", "", "in Germany (EU VAT)"),
    ]
    for email, handle, country, region, note in fans:
        user, created = ensure_user(email, handle, Role.FAN)
        if created:
            FanProfile.objects.create(user=user, country=country, region=region)
        users[handle] = user
        report.logins.append((email, "fan", note))
    return users


def load_payments(report: DemoReport) -> None:
    from payments import demo as payments_demo

    payments_demo.load(report)


def steps() -> list:
    """Each later part of the product appends its own demo step here, in dependency order."""
    from fansub.demo_commerce import load_commerce

    return [load_accounts, load_payments, load_commerce]
