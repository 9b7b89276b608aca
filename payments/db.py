"""Kept for payments' existing migrations: the helper lives in common.db."""

from common.db import PostgresOnlyRunSQL

__all__ = ["PostgresOnlyRunSQL"]
