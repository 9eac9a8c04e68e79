"""Settings for the test suite: as base, with keys and caches in a temporary directory."""

import os
import tempfile

# Before base reads it: tests never touch the developer's var/ (keys, caches, database).
os.environ.setdefault("HAVEN_DATA_DIR", tempfile.mkdtemp(prefix="haven-test-"))

from haven.web.settings.base import *  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
