"""Timestamps as the warehouse stores them: UTC, without a zone."""

from __future__ import annotations

import datetime as dt


def utc_naive(value: dt.datetime | None = None) -> dt.datetime:
    """Return ``value`` (default: now) in UTC without tzinfo; naive input is taken as UTC."""
    if value is None:
        value = dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)
