"""PLACEHOLDER on the `subs` branch only: replaced by the identity branch's real service at merge."""

from common.errors import DomainError


class CreatorNotVerified(DomainError):
    code = "CREATOR_NOT_VERIFIED"
    status = 403
    default_message = "Verify your identity before using paid features."


def is_verified_creator(user) -> bool:  # noqa: ANN001
    return getattr(user, "role", "") == "creator"


def require_verified_creator(user) -> None:  # noqa: ANN001
    if not is_verified_creator(user):
        raise CreatorNotVerified()
