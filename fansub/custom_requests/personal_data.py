"""How custom requests are exported and erased."""

from django.conf import settings
from django.db.models import QuerySet

from fansub.custom_requests.models import OPEN_STATES, CustomRequest, CustomRequestStep, RequestSettings
from fansub.custom_requests.services.custom_requests import close_for_account_deletion
from fansub.media.models import UseKind
from fansub.media.services import deletion
from governance import registry
from governance.registry import Keep


def _empty_old_deliveries(rows: QuerySet) -> int:
    """A closed request's delivery note is emptied after its period (the sale itself stays for tax law)."""
    return rows.exclude(status__in=OPEN_STATES).exclude(delivery_note="").update(delivery_note="")

registry.register(CustomRequest, user_path="fan",
                  fields=("creator__handle", "kind", "description", "price_minor", "currency", "status", "created_at"),
                  # The sale (kind, price, dates) stays for tax law; the words the fan typed do not.
                  erasure="pseudonymize", pseudonymized_values={"description": "[erased]", "delivery_note": "",
                                                                "dispute_reason": "", "payment_method": ""},
                  keep=Keep(after="delivered_at", days=settings.REQUEST_DELIVERY_RETENTION_DAYS, basis="contract",
                            action=_empty_old_deliveries))


def _retire_old_delivery_media(rows: QuerySet) -> int:
    """A closed request's delivered media leave the fan's requests and library after the same period, and the
    fan's watermarked copies are deleted from storage (the creator's original stays in their vault)."""
    closed = deletion.with_uses(UseKind.REQUEST, rows.exclude(status__in=OPEN_STATES))
    return deletion.retire_uses(UseKind.REQUEST, dict(closed.values_list("pk", "fan_id")))


registry.register_retention_rule(
    "custom_requests.CustomRequest.delivery_media", CustomRequest,
    Keep(after="delivered_at", days=settings.REQUEST_DELIVERY_RETENTION_DAYS, basis="contract",
         action=_retire_old_delivery_media))
registry.register(CustomRequestStep, user_path="actor", fields=("request_id", "to_status", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(RequestSettings, user_path="creator", fields=("enabled", "min_prices", "prohibited_topics"),
                  erasure="delete")
registry.register_closing_step("custom_requests.close", close_for_account_deletion)
