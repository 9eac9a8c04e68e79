"""Production: identical to base except that HTTPS is required; everything else comes from the environment."""

from haven.web.settings.base import *

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STATIC_ROOT = HAVEN_DATA_DIR / "static"  # filled by `django-admin collectstatic`
