"""Parallel requests through the real HTTP stack (pytest-django's threaded ``live_server``), for the
PostgreSQL race tests: each request has its own token-authenticated client and its own Idempotency-Key,
and a Barrier releases them together."""

import threading
from dataclasses import dataclass
from typing import Any

import requests
from rest_framework.authtoken.models import Token


def token_for(user: Any) -> str:
    return Token.objects.get_or_create(user=user)[0].key


@dataclass
class Call:
    user: Any
    path: str
    body: dict
    key: str


def race(live_server: Any, calls: list[Call], timeout: float = 120) -> list[requests.Response]:
    """POST every call at once; return the responses in order (an exception in a thread fails the test)."""
    tokens = [token_for(c.user) for c in calls]
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Call) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Token {tokens[i]}", "Idempotency-Key": call.key}
        try:
            barrier.wait(timeout=30)
            results[i] = session.post(f"{live_server.url}{call.path}", json=call.body, headers=headers,
                                      timeout=timeout)
        except Exception as exc:  # surfaced below
            results[i] = exc
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout + 60)
    errors = [r for r in results if not isinstance(r, requests.Response)]
    assert not errors, errors
    return results


def codes(responses: list[requests.Response]) -> list[str]:
    """The error code of each refused response (sorted), for assertions."""
    return sorted(r.json()["error"]["code"] for r in responses if r.status_code >= 400)
