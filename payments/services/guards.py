"""Provider calls must not run inside a caller's open transaction."""

from django.db import connection


def refuse_open_transaction(operation: str) -> None:
    """The write-ahead row has to be committed before the provider hears of the operation, and a
    provider round trip must not hold database locks. A caller's atomic block breaks both: if it
    rolled back after the provider charged, the only local trace of a real charge would vanish.
    (The test runner's own wrapping transaction is not a caller's and is allowed.)"""
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError(f"payments: {operation}() must not be called inside transaction.atomic(); "
                           f"call it after your transaction and act on its outcome")
