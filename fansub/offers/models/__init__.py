from fansub.offers.models.promotions import Promotion, TrialLink
from fansub.offers.models.tiers import Bundle, Tier

__all__ = ["Bundle", "Promotion", "Tier", "TrialLink"]
