"""Issue 10: schemathesis over the OpenAPI schema finds no server error.

Every operation of the schema served at /api/schema/ is called with schemathesis-generated requests through
the real WSGI application (``config.wsgi.application``, in this test's database transaction) as an anonymous
caller, a fan and a creator (token auth). Every answer must be a non-5xx that the schema documents (status,
content type and body). Bounded — few examples per operation, no shrinking — so it stays within about two
minutes; CI runs it with the other ``slow`` suites.
"""

import time

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in requirements.lock; install it")

from django.db import connection  # noqa: E402
from hypothesis import HealthCheck, Phase, given  # noqa: E402  (only once schemathesis, which needs it, exists)
from hypothesis import settings as hypothesis_settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application  # noqa: E402
from tests.factories import make_creator, make_fan  # noqa: E402

# In real transactions: the application under test opens and closes connections as requests do, and a connection
# an earlier test in this xdist worker left closed is simply reopened (inside an atomic block it could not be).
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 4
BUDGET_SECONDS = 110


def _headers(user) -> dict[str, str]:
    if user is None:
        return {}
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _fuzz(operation, user) -> str | None:
    @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case) -> None:
        # Per example: an earlier example may have logged this caller out (DELETE /auth/token/).
        case.call_and_validate(headers=_headers(user), checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a failed check: report every operation, not the first only
        return f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {str(exc)[:600]}"
    return None


def test_schemathesis_finds_no_server_error_for_anonymous_fans_and_creators(settings):
    connection.close()  # start from a fresh connection whatever the worker's earlier tests left behind
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = False  # no background deliveries racing the generated requests
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50, "the schema lost its operations"
    callers = {"anonymous": None, "fan": make_fan(), "creator": make_creator(verified=True)}
    started = time.monotonic()
    failures = []
    for role, user in callers.items():
        for operation in operations:
            if time.monotonic() - started > BUDGET_SECONDS:
                pytest.fail(f"the fuzz run outgrew its {BUDGET_SECONDS}s budget at {role} {operation.path}")
            problem = _fuzz(operation, user)
            if problem:
                failures.append(f"[{role}] {problem}")
    assert failures == [], "\n\n".join(failures)
