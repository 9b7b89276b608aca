"""Stripe Connect for creators: Express accounts, onboarding links, readiness, transfers and reversals.

Mixed into ``StripeGateway`` (it uses the gateway's ``client``, ``_call`` and ``_options``).
Nothing here persists anything: the core stores the returned ids (see the report / README):
the creator's ``acct_…`` id, and the readiness flags it last saw (refreshed from ``account.updated``
webhooks and by calling ``account_readiness``).

Express accounts keep Stripe's automatic payout schedule (the platform decides *what* a creator gets
by the Transfers of its payout run, after the refund/dispute hold; the account's schedule decides when
the bank is paid) and request only the ``transfers`` capability: separate transfers need nothing
more, and it is the only capability available to creators in cross-border (recipient) countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from payments.money import Money

if TYPE_CHECKING:
    import stripe


@dataclass(frozen=True)
class AccountReadiness:
    account_id: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    transfers_active: bool
    currently_due: tuple[str, ...] = ()
    disabled_reason: str | None = None

    @property
    def can_receive_destination_charges(self) -> bool:
        """A fan may pay this creator: Stripe will accept ``transfer_data.destination`` for it."""
        return self.transfers_active

    @property
    def can_be_paid_out(self) -> bool:
        return self.transfers_active and self.payouts_enabled


@dataclass(frozen=True)
class TransferResult:
    provider_transfer_id: str
    destination: str
    amount: Money
    amount_reversed: Money
    raw: dict[str, Any]


@dataclass(frozen=True)
class TransferReversalResult:
    provider_reversal_id: str
    transfer_id: str
    amount: Money
    raw: dict[str, Any]


class StripeConnectMixin:
    client: stripe.StripeClient

    def create_connected_account(self, reference: str, idempotency_key: str, country: str = "US",
                                 email: str | None = None) -> str:
        """Create the creator's Express account; returns ``acct_…`` for the core to store."""
        params: dict[str, Any] = {
            "type": "express",
            "country": country,
            "capabilities": {"transfers": {"requested": True}},
            # The account's own (automatic) schedule pays the creator's bank from what we transfer.
            "metadata": {"local_creator_ref": reference},
        }
        if email:
            params["email"] = email  # prefills Stripe's onboarding; Stripe is the KYC controller here
        return self._call(self.client.v1.accounts.create, params, self._options(idempotency_key)).id

    def create_onboarding_link(self, account_id: str, refresh_url: str, return_url: str,
                               idempotency_key: str) -> str:
        """A single-use Stripe-hosted onboarding URL (expires within minutes: create it on click)."""
        params = {"account": account_id, "refresh_url": refresh_url, "return_url": return_url,
                  "type": "account_onboarding"}
        return self._call(self.client.v1.account_links.create, params, self._options(idempotency_key)).url

    def account_readiness(self, account_id: str) -> AccountReadiness:
        account = self._call(self.client.v1.accounts.retrieve, account_id).to_dict()
        requirements = account.get("requirements") or {}
        capabilities = account.get("capabilities") or {}
        return AccountReadiness(
            account_id=account["id"],
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            details_submitted=bool(account.get("details_submitted")),
            transfers_active=capabilities.get("transfers") == "active",
            currently_due=tuple(requirements.get("currently_due") or ()),
            disabled_reason=requirements.get("disabled_reason"),
        )

    def create_transfer(self, destination: str, amount: Money, idempotency_key: str,
                        source_transaction: str | None = None, transfer_group: str | None = None) -> TransferResult:
        """Separate transfer (long escrow, multi-creator splits). ``source_transaction`` (a ``ch_…``)
        ties the transfer to the charge's funds so it cannot fail for lack of available balance."""
        params: dict[str, Any] = {"amount": amount.to_provider_amount(), "currency": amount.currency.lower(),
                                  "destination": destination}
        if source_transaction:
            params["source_transaction"] = source_transaction
        if transfer_group:
            params["transfer_group"] = transfer_group
        transfer = self._call(self.client.v1.transfers.create, params, self._options(idempotency_key)).to_dict()
        currency = transfer["currency"]
        return TransferResult(provider_transfer_id=transfer["id"], destination=transfer["destination"],
                              amount=Money.from_provider_amount(transfer["amount"], currency),
                              amount_reversed=Money.from_provider_amount(transfer.get("amount_reversed") or 0,
                                                                         currency),
                              raw=transfer)

    def reverse_transfer(self, transfer_id: str, amount: Money, idempotency_key: str) -> TransferReversalResult:
        """Pull money back from a creator (refund or dispute of a separately transferred sale)."""
        reversal = self._call(self.client.v1.transfers.reversals.create, transfer_id,
                              {"amount": amount.to_provider_amount()}, self._options(idempotency_key)).to_dict()
        return TransferReversalResult(provider_reversal_id=reversal["id"], transfer_id=transfer_id,
                                      amount=Money.from_provider_amount(reversal["amount"], reversal["currency"]),
                                      raw=reversal)

    # Provided by StripeGateway.
    def _call(self, fn: Any, *args: Any, declines_expected: bool = False) -> Any:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _options(idempotency_key: str, stripe_account: str | None = None) -> dict[str, str]:  # pragma: no cover
        raise NotImplementedError
