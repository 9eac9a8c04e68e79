"""Production: as base, but HTTPS is required; everything else comes from the environment.

Behind a TLS-terminating proxy, run `haven serve --behind-proxy` (or set
`HAVEN_TRUSTED_PROXY=1`): base then believes the proxy's X-Forwarded-Proto, so a request
that reached the proxy over HTTPS is not redirected to HTTPS again.
"""

from haven.web.settings.base import *

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
# A load balancer's health check may speak plain HTTP to the backend.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
STATIC_ROOT = HAVEN_DATA_DIR / "static"  # filled by `django-admin collectstatic`
