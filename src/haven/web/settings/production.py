"""Production: as base, but HTTPS is required; everything else comes from the environment.

Production refuses to start (one line, `ConfigurationError`) without an explicit
`HAVEN_DATA_DIR`, `HAVEN_SECRET_KEY`, ledger keys, the receipt key and a `HAVEN_KEY_DIR` outside the data
directory, or with `HAVEN_DEBUG` on (`environment.require_production`).

Behind a TLS-terminating proxy, run `haven serve --behind-proxy` (or set
`HAVEN_TRUSTED_PROXY=1`): base then believes the proxy's X-Forwarded-Proto, so a request
that reached the proxy over HTTPS is not redirected to HTTPS again.
"""

from haven.web.settings import environment

# Before base runs: a refused start must not generate keys on the way.
environment.require_production()

from haven.web.settings.base import *  # noqa: E402

HAVEN_PRODUCTION = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
# A load balancer's health check may speak plain HTTP to the backend.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
STATIC_ROOT = HAVEN_DATA_DIR / "static"  # filled by `django-admin collectstatic`
