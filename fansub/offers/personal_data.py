"""How offers' personal data is exported and erased (see governance.registry)."""

from fansub.offers.models import Tier
from governance import registry

registry.register(Tier, user_path="creator", fields=("name", "description", "benefits", "price_minor", "currency"),
                  erasure="pseudonymize", pseudonymized_values={"description": "", "benefits": ""})
