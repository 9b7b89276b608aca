"""Demo data for `make run`. Idempotent: every row is found by a natural key before it is created."""

from dataclasses import dataclass, field

from django.db import transaction

from fansub.accounts.models import CreatorProfile, FanProfile, Role, User
from fansub.accounts.services import accounts
from fansub.accounts.staff_groups import ensure_staff_groups
from fansub.demo.commerce import load_commerce
from fansub.demo.constants import DEMO_PASSWORD
from fansub.verification.models import IdentityVerification, VerificationStatus
from fansub.verification.services import age_assurance, creator_verification
from fansub.verification.services.age_providers.simulator import SimulatorProvider
from governance.services import two_factor
from payments import demo as payments_demo


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
        # search categories and tags (issue 12), set on older demo databases too
        CreatorProfile.objects.filter(user=user, category="").update(
            category="adult" if adult else "cooking",
            tags="photography,boudoir" if adult else "recipes,cooking classes,baking")
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

    payments_demo.load(report)


_LATE_STEPS: list = []  # demo steps of apps the product must not import (moderation registers in its ready())


def register_step(step: object) -> None:
    if step not in _LATE_STEPS:
        _LATE_STEPS.append(step)


def steps() -> list:
    """Each later part of the product appends its own demo step here, in dependency order."""

    return [load_accounts, load_staff, load_verifications, load_payments, load_commerce, *_LATE_STEPS]


# --- staff and verifications (identity work) ------------------------------------------------------------

DEMO_STAFF = [
    ("trust@demo.fansub.local", "trust_safety", "Trust & Safety"),
    ("finance@demo.fansub.local", "finance_staff", "Finance"),
    ("privacy@demo.fansub.local", "privacy_staff", "Privacy"),
    ("custodian@demo.fansub.local", "records_custodian", "Custodian of Records"),
    ("childsafety@demo.fansub.local", "child_safety", "Child safety"),
    ("admin@demo.fansub.local", "site_admin", None),  # superuser
]


def load_staff(report: DemoReport) -> dict[str, User]:
    """One staff user per group plus a superuser, each with fresh backup tokens for the 2FA admin login."""
    from django.contrib.auth.models import Group


    ensure_staff_groups()
    staff: dict[str, User] = {}
    for email, handle, group_name in DEMO_STAFF:
        superuser = group_name is None
        user, _ = ensure_user(email, handle, Role.STAFF, is_staff=True, is_superuser=superuser)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        tokens = two_factor.regenerate_backup_tokens(user, actor=None)
        staff[handle] = user
        report.logins.append((email, "staff", f"{group_name or 'superuser'}; admin 2FA backup tokens: "
                                              f"{' '.join(tokens[:3])}"))
    report.notes.append("Staff log in at /admin/ with email, password and one backup token (each works once; "
                        "new ones are printed on every run). Enrol an authenticator at /account/2fa/.")
    return staff


def _demo_image(label: str) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), (236, 239, 241))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 290), outline=(120, 120, 120), width=3)
    draw.text((30, 130), f"DEMO {label} - NOT A REAL DOCUMENT", fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


DEMO_IDENTITIES = {
    "luna_nights": ("Luna Demo Example", "1994-05-17", ["Luna Nights", "Luna N."], "US"),
    "chef_marco": ("Marco Demo Example", "1985-11-02", ["Chef Marco"], "GB"),
}


def load_verifications(report: DemoReport) -> None:
    """vera_fan passes a UK age check through the simulator; both demo creators are identity-verified."""
    import datetime
    import time


    vera = User.objects.get(handle="vera_fan")
    if not age_assurance.has_valid_age_assurance(vera):
        started = age_assurance.start_check(vera, "facial_age_estimation")
        headers, body = SimulatorProvider().signed_callback(
            started.check.provider_reference, "passed", "facial_age_estimation", timestamp=int(time.time()))
        age_assurance.handle_callback(SimulatorProvider.name, headers, body)
        accounts.update_fan_profile(vera, safe_mode=False)
        report.notes.append("vera_fan passed a UK age check (simulator) and has safe mode off.")

    # The loader acts as the custodian after a second factor (the backup device load_staff gave them).
    custodian = two_factor.as_verified_by_own_device(User.objects.get(handle="records_custodian"))
    for handle, (legal_name, born, aliases, country) in DEMO_IDENTITIES.items():
        creator = User.objects.get(handle=handle)
        if creator_verification.is_verified_creator(creator):
            continue
        pending = IdentityVerification.objects.filter(user=creator, status=VerificationStatus.PENDING).first()
        if pending is None:
            pending = creator_verification.submit_identity(creator, creator_verification.IdentitySubmission(
                legal_name=legal_name, date_of_birth=datetime.date.fromisoformat(born), aliases=aliases,
                id_document_type="passport", id_document_country=country,
                id_document_expires_on=datetime.date.today() + datetime.timedelta(days=5 * 365),
                id_image=_demo_image("PASSPORT"), selfie=_demo_image("SELFIE")))
        creator_verification.approve(pending.pk, custodian, "Demo data: documents reviewed.")
    report.notes.append("luna_nights and chef_marco are identity-verified (approved by records_custodian); "
                        "nico_fan has no age result.")

