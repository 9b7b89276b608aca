"""How custom requests are exported and erased."""

from fansub.custom_requests.models import CustomRequest, CustomRequestStep, RequestSettings
from fansub.custom_requests.services.custom_requests import close_for_account_deletion
from governance import registry

registry.register(CustomRequest, user_path="fan",
                  fields=("creator__handle", "kind", "description", "price_minor", "currency", "status", "created_at"),
                  # The sale (kind, price, dates) stays for tax law; the words the fan typed do not.
                  erasure="pseudonymize", pseudonymized_values={"description": "[erased]", "delivery_note": "",
                                                                "dispute_reason": "", "payment_method": ""})
registry.register(CustomRequestStep, user_path="actor", fields=("request_id", "to_status", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(RequestSettings, user_path="creator", fields=("enabled", "min_prices", "prohibited_topics"),
                  erasure="delete")
registry.register_closing_step("custom_requests.close", close_for_account_deletion)
