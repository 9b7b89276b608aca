"""A local stand-in for CCBill's DataLink ``subscriptionManagement.cgi`` (GET, query-string credentials).

Answers ``returnXML=1`` requests with ``<results>N</results>`` like the documented examples; ``N`` is
``1`` for success or whatever the test sets in ``next_results``. ``delay_seconds`` makes it slower
than the adapter's timeout, to exercise the "outcome unknown" path.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class FakeDataLink:
    def __init__(self, username: str = "datalink-user", password: str = "datalink-pass") -> None:
        self.username, self.password = username, password
        self.requests: list[dict[str, str]] = []
        self.next_results: deque[str] = deque()
        self.delay_seconds = 0.0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeDataLink:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                params = dict(parse_qsl(urlsplit(self.path).query))
                fake.requests.append(params)
                if fake.delay_seconds:
                    time.sleep(fake.delay_seconds)
                if (params.get("username"), params.get("password")) != (fake.username, fake.password):
                    result = "-1"  # authentication failure in CCBill's numbering
                else:
                    result = fake.next_results.popleft() if fake.next_results else "1"
                body = f"<?xml version='1.0' standalone='yes'?>\n<results>{result}</results>\n".encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/utils/subscriptionManagement.cgi"


class FakeCCBill:
    """CCBill's side of a hosted sale and its webhooks, as the adapter sees them on the wire.

    ``complete_form(url)`` plays the fan paying on the FlexForms page: it checks the URL's formDigest
    exactly as CCBill does (a tampered price is refused) and returns the NewSaleSuccess postback CCBill
    would send, echoing our reference field. The other builders make the documented postbacks
    (Refund, Void, Chargeback, Renewal*, Cancellation, Expiration). ``post(client, postback)`` delivers
    one to our endpoint from a CCBill sender address, with the event type in the query string.
    """

    SENDER = "64.38.212.17"

    def __init__(self, *, accnum: str = "900100", subacc: str = "0000", salt: str = "7d901dad245fd0ff6bc20d06",
                 reference_field: str = "fansubRef") -> None:
        self.accnum, self.subacc, self.salt, self.reference_field = accnum, subacc, salt, reference_field
        self._ids = itertools.count(1)
        self.sales: dict[str, dict[str, str]] = {}  # subscriptionId -> the sale's price terms

    def _stamp(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())

    def _base(self) -> dict[str, str]:
        return {"clientAccnum": self.accnum, "clientSubacc": self.subacc, "timestamp": self._stamp()}

    def complete_form(self, form_url: str, *, fail: bool = False) -> dict[str, object]:
        from payments.providers import ccbill_signing as signing

        query = dict(parse_qsl(urlsplit(form_url).query))
        recurring = "recurringPrice" in query
        if recurring:
            expected = signing.recurring_billing_digest(
                query["initialPrice"], int(query["initialPeriod"]), query["recurringPrice"],
                int(query["recurringPeriod"]), int(query["numRebills"]), query["currencyCode"], self.salt)
        else:
            expected = signing.single_billing_digest(query["initialPrice"], int(query["initialPeriod"]),
                                                     query["currencyCode"], self.salt)
        if query.get("formDigest") != expected or query.get("clientSubacc") != self.subacc:
            raise AssertionError("CCBill refuses the form: formDigest mismatch")
        body = {**self._base(), self.reference_field: query[self.reference_field],
                "billedInitialPrice": query["initialPrice"], "billedCurrencyCode": query["currencyCode"],
                "cardType": "VISA", "paymentType": "CREDIT", "firstName": "Pat", "email": "pat@example.test"}
        if fail:
            transaction_id = f"0{next(self._ids):018d}"
            body.update(transactionId=transaction_id, failureCode="24", failureReason="Card declined",
                        dynamicPricingValidationDigest=signing.sale_failure_digest(transaction_id, self.salt))
            return {"eventType": "NewSaleFailure", "body": body}
        subscription_id = f"1{next(self._ids):018d}"
        body.update(subscriptionId=subscription_id, transactionId=f"0{next(self._ids):018d}",
                    dynamicPricingValidationDigest=signing.sale_success_digest(subscription_id, self.salt))
        # A recurring form's later postbacks (RenewalSuccess) bill the recurring price.
        self.sales[subscription_id] = {"price": query["initialPrice"], "currencyCode": query["currencyCode"],
                                       "recurringPrice": query.get("recurringPrice", query["initialPrice"]),
                                       "recurring": "1" if recurring else ""}
        return {"eventType": "NewSaleSuccess", "body": body}

    def event(self, event_type: str, subscription_id: str, amount: str | None = None,
              **extra: str) -> dict[str, object]:
        sale = self.sales.get(subscription_id, {"price": "10.00", "currencyCode": "840"})
        if event_type.startswith("Renewal"):
            amount = amount or sale.get("recurringPrice") or sale["price"]
        body = {**self._base(), "subscriptionId": subscription_id, "transactionId": f"0{next(self._ids):018d}",
                "amount": amount or sale["price"], "currencyCode": sale["currencyCode"], **extra}
        if event_type.startswith("Renewal"):
            body.update(billedRecurringPrice=amount, billedCurrencyCode=sale["currencyCode"])
        return {"eventType": event_type, "body": body}

    def post(self, client: object, postback: dict[str, object], *, remote_addr: str | None = None,
             token: str = "", as_form: bool = False, **headers: str) -> object:
        from urllib.parse import urlencode

        query = {"clientAccnum": self.accnum, "clientSubacc": self.subacc, "eventType": postback["eventType"],
                 "eventGroupType": "Subscription"}
        if token:
            query["token"] = token
        body = postback["body"]
        if as_form:
            payload, content_type = urlencode(body), "application/x-www-form-urlencoded"
        else:
            payload, content_type = json.dumps(body), "application/json"
        return client.post(f"/payments/webhooks/ccbill/?{urlencode(query)}", data=payload,  # type: ignore[attr-defined]
                           content_type=content_type, REMOTE_ADDR=remote_addr or self.SENDER, **headers)
