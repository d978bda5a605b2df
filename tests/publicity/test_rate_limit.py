"""The opinion rate limit holds under a burst of concurrent posts on every cache backend: no more
than PUBLICITY_OPINION_RATE get through, whatever the cache (Redis, local memory, database)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections

from publicity import forms

BURST = 30


def _burst(address: str) -> int:
    """How many of BURST simultaneous submissions from `address` are let through."""
    barrier = threading.Barrier(BURST)
    passed: list[bool] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            barrier.wait()
            allowed = not forms.rate_limited(address)
            with lock:
                passed.append(allowed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(passed) == BURST
    return sum(passed)


def test_a_burst_on_the_local_memory_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    caches["default"].clear()
    assert _burst("10.0.0.1") == settings.PUBLICITY_OPINION_RATE
    assert _burst("10.0.0.2") == settings.PUBLICITY_OPINION_RATE  # another resident's own count


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads sharing a database cache need PostgreSQL"
)
def test_a_burst_on_the_database_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "publicity_rate_limit_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    try:
        assert _burst("10.0.0.3") == settings.PUBLICITY_OPINION_RATE
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS publicity_rate_limit_test")
