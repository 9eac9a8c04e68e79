"""Settings for the test suite: as base, with keys and caches in a temporary directory."""

import tempfile

from haven.web.settings import environment

# Before base reads it: tests never touch the developer's var/ (keys, caches, database).
environment.default_data_dir(tempfile.mkdtemp(prefix="haven-test-"))

from haven.web.settings.base import *  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Process memory even when HAVEN_REDIS_URL is set: parallel test runs must not share counts.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A file, not memory, so tests see what a real deployment writes to disk (the canary
# test reads the database file and its WAL).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(HAVEN_DATA_DIR / "test.sqlite3")}
