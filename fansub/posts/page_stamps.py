"""Reading the fan pages' version stamps: one small query per request (bumped through
``fansub.accounts.services.page_stamps``).

A rendered feed, creator profile or post page is cached under the stamps it was rendered at
(``fansub.posts.page_cache``). A user's ``viewer_version`` covers what the page depends on about the person
looking; a creator's ``content_version`` what it shows of the creator. Bumps are SQL upserts in the caller's
transaction, so they commit or roll back with the change itself; counters only grow, so a sum over a set of
creators changes whenever any one of them does (a change to the set itself is a viewer bump).
"""

from dataclasses import dataclass

from django.db import connection

from fansub.accounts.models import Follow, PageStamp, User
from fansub.posts.models import Post
from fansub.subscriptions.models import Subscription

_TABLE = PageStamp._meta.db_table


@dataclass(frozen=True)
class Stamp:
    """What a cached page was rendered at: the subject (creator or post owner; 0 for the feed) and the
    counters. Equal stamps mean equal pages for the same viewer and URL."""

    subject_id: int
    viewer_version: int
    content_version: int

    def key(self) -> str:
        return f"{self.subject_id}.{self.viewer_version}.{self.content_version}"


# Table names come from the models, never from a request: the SQL is fixed text with bound parameters.
_VIEWER = f"(SELECT viewer_version FROM {_TABLE} WHERE user_id = %s)"  # noqa: S608
_FEED_SQL = (
    f"SELECT {_VIEWER}, (SELECT COALESCE(SUM(content_version), 0) FROM {_TABLE} "  # noqa: S608
    f"WHERE user_id IN (SELECT creator_id FROM {Follow._meta.db_table} WHERE fan_id = %s "
    f"UNION SELECT creator_id FROM {Subscription._meta.db_table} WHERE fan_id = %s))")
_CREATOR_SQL = (
    f"SELECT u.id, {_VIEWER}, s.content_version FROM {User._meta.db_table} u "  # noqa: S608
    f"LEFT JOIN {_TABLE} s ON s.user_id = u.id WHERE LOWER(u.handle) = %s")
_POST_SQL = (
    f"SELECT p.creator_id, {_VIEWER}, s.content_version FROM {Post._meta.db_table} p "  # noqa: S608
    f"LEFT JOIN {_TABLE} s ON s.user_id = p.creator_id WHERE p.id = %s")


def _row(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() or ()


def _as_stamp(subject_id: int | None, viewer_version: int | None, content_version: int | None) -> Stamp | None:
    if subject_id is None:
        return None
    return Stamp(int(subject_id), int(viewer_version or 0), int(content_version or 0))


def feed_stamp(viewer_id: int) -> Stamp:
    """The viewer's own counter and the sum over every creator they follow or have any subscription with
    (a superset of the feed's creators: an extra creator only costs a needless miss)."""
    row = _row(_FEED_SQL, [viewer_id, viewer_id, viewer_id])
    return Stamp(0, int(row[0] or 0), int(row[1] or 0))


def creator_stamp(viewer_id: int, handle: str) -> Stamp | None:
    """The user behind ``handle`` (None: no such user, so nothing to cache) and both counters."""
    row = _row(_CREATOR_SQL, [viewer_id, handle.lower()])
    return _as_stamp(*row) if row else None


def post_stamp(viewer_id: int, post_id: int) -> Stamp | None:
    """The post's creator (None: no such post) and both counters."""
    if not 0 < post_id < 2**63:  # no such id can exist (and SQLite refuses larger integers)
        return None
    row = _row(_POST_SQL, [viewer_id, post_id])
    return _as_stamp(*row) if row else None
