"""Sign-in throttling: per username and keyed client hash, with a cool-off, no IP stored
or logged anywhere, and a bound on parallel Argon2 work."""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from haven.web.accounts import throttle
from haven.web.accounts.backends import BoundedPasswordBackend, password_check_slots
from tests.web.conftest import PASSWORD

CLIENT_ADDRESS = "203.0.113.77"
OTHER_ADDRESS = "198.51.100.23"


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def _client(address: str = CLIENT_ADDRESS) -> Client:
    return Client(REMOTE_ADDR=address)


def _every_stored_value() -> list[str]:
    """Every cell of every table, as text."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                values.extend(str(cell) for cell in row)
    return values


def _every_cached_value() -> list[str]:
    cache = caches["default"]
    return [
        f"{key} {pickle.loads(value)!r}"  # noqa: S301 (our own process's cache)
        for key, value in cache._cache.items()
    ]


def test_failed_sign_ins_leave_no_client_address_in_any_table_cache_or_log(officer, caplog):
    caplog.set_level(logging.DEBUG)
    client = _client()
    for _attempt in range(6):
        _sign_in(client, "officer", "wrong password")
    failures = [r for r in caplog.records if "failure" in r.getMessage().lower()]
    assert failures, "failed sign-ins are logged"
    assert any("'officer'" in r.getMessage() for r in failures)
    for record in caplog.records:
        assert CLIENT_ADDRESS not in record.getMessage()
        assert CLIENT_ADDRESS not in str(record.__dict__)
    assert not [value for value in _every_stored_value() if CLIENT_ADDRESS in value]
    cached = _every_cached_value()
    assert cached, "the throttle counts in the cache"
    assert not [value for value in cached if CLIENT_ADDRESS in value]


def test_the_stored_client_value_is_keyed_not_a_plain_hash_of_the_address(rf, db):
    request = rf.post("/sign-in/", REMOTE_ADDR=CLIENT_ADDRESS)
    value = throttle.client_key(request)
    for algorithm in ("md5", "sha1", "sha256", "sha512"):
        assert hashlib.new(algorithm, CLIENT_ADDRESS.encode()).hexdigest()[:32] != value
    assert throttle.client_key(rf.post("/sign-in/", REMOTE_ADDR=OTHER_ADDRESS)) != value
    assert throttle.client_key(request) == value, "stable within the day"


def test_the_client_key_changes_every_day(rf, db, monkeypatch):
    request = rf.post("/sign-in/", REMOTE_ADDR=CLIENT_ADDRESS)
    monkeypatch.setattr(throttle, "_today", lambda: "2026-11-01")
    monday = throttle.client_key(request)
    monkeypatch.setattr(throttle, "_today", lambda: "2026-11-02")
    assert throttle.client_key(request) != monday


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_appended(rf, db, settings):
    settings.HAVEN_TRUSTED_PROXY = True
    forged_first = rf.post(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {CLIENT_ADDRESS}"
    )
    assert throttle.client_address(forged_first) == CLIENT_ADDRESS
    settings.HAVEN_TRUSTED_PROXY = False
    assert throttle.client_address(forged_first) == "10.0.0.1"


def test_five_failures_lock_that_username_from_that_client_only_for_the_cool_off(
    officer, monkeypatch
):
    client = _client()
    for _attempt in range(5):
        _sign_in(client, "officer", "wrong password")
    locked = _sign_in(client, "officer", PASSWORD)
    assert locked.status_code == 429
    assert b"Wait 15 minutes" in locked.content
    assert "_auth_user_id" not in client.session

    # The officer, from their own machine, is not locked out by someone else's guesses.
    elsewhere = _client(OTHER_ADDRESS)
    assert _sign_in(elsewhere, "officer", PASSWORD).status_code == 302

    # After the cool-off the same client may try again.
    import django.core.cache.backends.locmem as locmem

    later = locmem.time.time() + timedelta(minutes=16).total_seconds()
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert _sign_in(client, "officer", PASSWORD).status_code == 302


def test_a_locked_out_attempt_hashes_no_password(officer, monkeypatch):
    client = _client()
    for _attempt in range(5):
        _sign_in(client, "officer", "wrong password")
    hashed = []
    original = Argon2PasswordHasher.verify
    monkeypatch.setattr(
        Argon2PasswordHasher,
        "verify",
        lambda self, password, encoded: hashed.append(1) or original(self, password, encoded),
    )
    assert _sign_in(client, "officer", "another guess").status_code == 429
    assert hashed == []


def test_when_every_password_slot_is_busy_the_page_says_to_wait_and_counts_no_failure(
    officer, settings, monkeypatch
):
    settings.HAVEN_PASSWORD_CHECK_WAIT_SECONDS = 0
    slots = password_check_slots()
    held = 0
    while slots.acquire(blocking=False):
        held += 1
    assert held == settings.HAVEN_PASSWORD_CHECKS_AT_ONCE
    try:
        response = _sign_in(_client(), "officer", PASSWORD)
    finally:
        for _slot in range(held):
            slots.release()
    assert response.status_code == 200
    assert b"Too many people are signing in at this moment" in response.content
    assert [key for key in caches["default"]._cache if "axes" in key] == []
    assert _sign_in(_client(), "officer", PASSWORD).status_code == 302


def test_parallel_password_checks_never_exceed_the_bound(settings, monkeypatch):
    settings.HAVEN_PASSWORD_CHECKS_AT_ONCE = 2
    attempts = 6
    lock = threading.Lock()
    inside = {"now": 0, "most": 0}
    entered = threading.Semaphore(0)
    gate = threading.Event()

    def slow_check(self, request, username=None, password=None, **kwargs):
        with lock:
            inside["now"] += 1
            inside["most"] = max(inside["most"], inside["now"])
        entered.release()
        gate.wait(timeout=30)
        with lock:
            inside["now"] -= 1
        return None

    monkeypatch.setattr(ModelBackend, "authenticate", slow_check)
    backend = BoundedPasswordBackend()
    threads = [
        threading.Thread(target=backend.authenticate, args=(None, "officer", "guess"))
        for _attempt in range(attempts)
    ]
    for thread in threads:
        thread.start()
    assert entered.acquire(timeout=30) and entered.acquire(timeout=30)
    # Two checks are running and hold both slots; the other four wait for one.
    assert not entered.acquire(timeout=0.5)
    gate.set()
    for thread in threads:
        thread.join(timeout=30)
    assert inside["most"] == 2
    assert inside["now"] == 0


def test_redis_cache_when_configured(officer, settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "haven-test",
        }
    }
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.get_implementation(force=True)
    server = redis.Redis.from_url(url)
    try:
        for key in server.scan_iter("haven-test:*"):
            server.delete(key)
        client = _client()
        for _attempt in range(5):
            _sign_in(client, "officer", "wrong password")
        assert _sign_in(client, "officer", PASSWORD).status_code == 429
        stored = [(key, server.dump(key) or b"") for key in server.scan_iter("haven-test:*")]
        assert stored
        assert not [key for key, value in stored if CLIENT_ADDRESS.encode() in key + value]
    finally:
        for key in server.scan_iter("haven-test:*"):
            server.delete(key)
        caches["default"].close()
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        AxesProxyHandler.get_implementation(force=True)
