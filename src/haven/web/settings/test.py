"""Settings for the test suite: fast password hashing, everything else as base."""

from haven.web.settings.base import *

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Argon2 stays the first hasher (a test checks it); tests that create many users set a
# cheap password themselves through `set_unusable_password` where hashing is beside the point.
