"""CCBill's documented digests and sender checks, kept apart from the adapter so they are easy to audit.

Sources (CCBill's merchant documentation, read for this implementation):
- "How to Create the formDigest Value", https://ccbill.com/doc/formdigest-value — FlexForms single
  billing: MD5 hex of initialPrice (two decimals) + initialPeriod + currencyCode + salt, concatenated
  with no separator. Documented example: "10.00" "30" "840" "7d901dad245fd0ff6bc20d06" ->
  a7459445d0e5dc0963fe736dc5cf900b (our test uses exactly that vector). Recurring prices add
  recurringPrice + recurringPeriod + numRebills before currencyCode.
- "Dynamic Pricing User Guide", https://ccbill.com/doc/dynamic-pricing-flexforms — the FlexForms URL
  https://api.ccbill.com/wap-frontflex/flexforms/<Flex ID>?clientSubacc=…&initialPrice=…&
  initialPeriod=…&currencyCode=…&formDigest=…, and the currency codes (USD 840, EUR 978, GBP 826,
  CAD 124, AUD 036, JPY 392).
- "Webhooks User Guide", https://ccbill.com/doc/webhooks-user-guide — posts come from
  64.38.212.1-254, 64.38.215.1-254, 64.38.240.1-254 and 64.38.241.1-254; the event type travels in
  the query string (``?clientAccnum=…&clientSubacc=…&eventType=NewSaleSuccess&eventGroupType=…``),
  the body is JSON or form-encoded. NewSaleSuccess carries ``dynamicPricingValidationDigest`` =
  MD5(subscriptionId + "1" + salt) for dynamically priced sales; a failed sale's digest uses "0" and
  the failure's transactionId (the webhook analogue of the Background Post's denialId + "0" + salt).

CCBill webhooks carry no HMAC over the body: the sale digests above only bind the subscription id
(so amounts in a postback are checked against our own record by the coordinator), and Refund,
Void, Chargeback and renewal posts carry no digest at all. Their authenticity therefore rests on the
sender network allow-list (plus an optional shared token in the webhook URL we register); both are
enforced in ``verify_sender``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable

from payments.money import Money

CURRENCY_CODES: dict[str, str] = {"USD": "840", "EUR": "978", "GBP": "826", "CAD": "124", "AUD": "036",
                                  "JPY": "392"}
CURRENCY_BY_CODE = {code: currency for currency, code in CURRENCY_CODES.items()}

# The documented ranges are x.1-x.254 in four /24s; the network and broadcast addresses never send.
DOCUMENTED_WEBHOOK_NETWORKS = ("64.38.212.0/24", "64.38.215.0/24", "64.38.240.0/24", "64.38.241.0/24")


def price_string(amount: Money) -> str:
    """CCBill wants "a decimal value (two decimals)" for every currency, JPY included ("500.00")."""
    return f"{amount.to_decimal():.2f}"


def md5_hex(text: str) -> str:
    # MD5 is what CCBill specifies; it authenticates with a secret salt, it is not our choice of hash.
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def single_billing_digest(initial_price: str, initial_period: int, currency_code: str, salt: str) -> str:
    return md5_hex(f"{initial_price}{initial_period}{currency_code}{salt}")


def recurring_billing_digest(initial_price: str, initial_period: int, recurring_price: str, recurring_period: int,
                             num_rebills: int, currency_code: str, salt: str) -> str:
    return md5_hex(f"{initial_price}{initial_period}{recurring_price}{recurring_period}{num_rebills}"
                   f"{currency_code}{salt}")


def sale_success_digest(subscription_id: str, salt: str) -> str:
    return md5_hex(f"{subscription_id}1{salt}")


def sale_failure_digest(transaction_id: str, salt: str) -> str:
    return md5_hex(f"{transaction_id}0{salt}")


def digest_matches(expected: str, received: str | None) -> bool:
    return bool(received) and hmac.compare_digest(expected, received.strip().lower())


def address_allowed(remote_addr: str | None, networks: Iterable[str]) -> bool:
    if not remote_addr:
        return False
    try:
        address = ipaddress.ip_address(remote_addr.strip())
    except ValueError:
        return False
    for network in networks:
        net = ipaddress.ip_network(network, strict=False)
        if address not in net:
            continue
        if net.num_addresses > 2 and address in (net.network_address, net.broadcast_address):
            continue
        return True
    return False
