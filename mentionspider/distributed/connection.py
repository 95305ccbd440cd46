"""Connect to Redis; one clear error when it cannot be reached."""

from __future__ import annotations

import redis

__all__ = ["RedisUnavailable", "connect", "RedisError"]

RedisError = redis.RedisError


class RedisUnavailable(Exception):
    """Redis cannot be reached at the URL given, or the URL is not a Redis URL."""


def connect(url: str, *, timeout: float = 5.0) -> redis.Redis:
    """A client for ``url`` (``redis://HOST:PORT/DB``), checked with a PING."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=timeout)
        client.ping()
    except ValueError as exc:
        raise RedisUnavailable(f"{url}: not a Redis URL ({exc})") from None
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from None
    return client
