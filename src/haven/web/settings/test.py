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
# PostgreSQL: the isolation tests run the site as this role (no table, no bypass), which
# each test database's migration grants the tables to when the role exists.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    HAVEN_DATABASE_APP_ROLE = "haven_app"  # haven.web.isolation.roles.APP_ROLE
