"""Closing a browser context without leaving the live server mid-request.

A page can have requests in flight when a test ends (a video's Range requests, a lazy image). If the live
server is still answering one when pytest-django flushes the shared in-memory SQLite database, the flush finds
the tables locked and every later test in that worker inherits the rows. So: leave every page for a blank one,
let the server finish, then close."""

import time

SETTLE_SECONDS = 0.5


def close_context(context) -> None:
    for page in context.pages:
        try:
            page.goto("about:blank")
        except Exception:
            continue
    time.sleep(SETTLE_SECONDS)
    context.close()
