"""How a webhook handler says "acknowledged, nothing to do" (shared by the Stripe and CCBill handlers)."""


class Ignored(Exception):
    """Acknowledged without effect; ``metric`` (if set) is counted after the handler's rollback."""

    def __init__(self, message: str = "", *, metric: str = "") -> None:
        super().__init__(message)
        self.metric = metric
