"""Reads about a person's verification state."""

from fansub.accounts.models import FanProfile, Role, User
from fansub.verification.age_rules import jurisdiction_of
from fansub.verification.models import AgeCheck, ElectronicRelease, ElectronicReleaseStatus
from fansub.verification.services import age_assurance, creator_verification
from fansub.verification.services.age_providers.simulator import SimulatorProvider


def status_context(user: object) -> dict[str, object]:
    """What the verification-status block on the settings page needs."""
    if getattr(user, "role", None) == Role.CREATOR:
        return {"current": creator_verification.current_verification(user),
                "verified": creator_verification.is_verified_creator(user)}
    if getattr(user, "role", None) == Role.FAN:
        profile = FanProfile.objects.filter(user=user).first()
        return {"age_met": age_assurance.has_valid_age_assurance(user),
                "age_jurisdiction": jurisdiction_of(profile.country, profile.region) if profile else ""}
    return {}


def simulator_check(user: User, reference: str) -> AgeCheck | None:
    """The user's own age check run by the development simulator, by its reference."""
    return AgeCheck.objects.filter(provider=SimulatorProvider.name, provider_reference=reference, user=user).first()


def releases_for_signer(user: object) -> list:
    """The co-performer releases a creator was asked to sign, waiting ones first."""
    rows = ElectronicRelease.objects.filter(signer=user).select_related("requested_by", "post").order_by("-pk")
    return sorted(rows[:200], key=lambda r: r.status != ElectronicReleaseStatus.PENDING)


def release_for_signer(user: object, release_id: int) -> ElectronicRelease | None:
    return (ElectronicRelease.objects.select_related("requested_by", "signer", "post")
            .filter(pk=release_id, signer=user).first())
