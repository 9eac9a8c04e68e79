"""Settings shared by every deployment; environment-specific values come from `environment`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from haven.web.settings import environment
from haven.web.settings.files import private_directory

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/haven
REPO_ROOT = PACKAGE_DIR.parents[1]
# 0700: the database, generated keys and caches are for Haven's user alone.
HAVEN_DATA_DIR = private_directory(environment.data_dir())
# Encryption keys for haven.privacy; production keeps them outside the data directory.
HAVEN_KEY_DIR = environment.key_dir(HAVEN_DATA_DIR)

# The ledger's keys and origin (haven.web.ledger.keys, docs/ledger.md); empty: the keys
# are generated under HAVEN_DATA_DIR/ledger/ and the origin is the default.
HAVEN_LEDGER_SIGNING_KEY = environment.ledger_signing_key()
HAVEN_PSEUDONYM_KEY = environment.pseudonym_key()
HAVEN_LEDGER_ORIGIN = environment.ledger_origin()
# The promise receipt key (haven.web.receipts.keys, docs/receipts.md): its own Ed25519 key,
# never the checkpoint key; empty: generated as HAVEN_DATA_DIR/receipts/signing.key.
HAVEN_RECEIPT_SIGNING_KEY = environment.receipt_signing_key()

# True only in production settings (and modules built on them): `haven demo` refuses.
HAVEN_PRODUCTION = False

SECRET_KEY = environment.secret_key(HAVEN_DATA_DIR)
DEBUG = environment.debug()
ALLOWED_HOSTS = environment.allowed_hosts(["127.0.0.1", "localhost"])
# A TLS-terminating reverse proxy in front (`haven serve --behind-proxy`): only then is
# its X-Forwarded-Proto believed. Without one, any client could claim HTTPS.
HAVEN_TRUSTED_PROXY = environment.trusted_proxy()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HAVEN_TRUSTED_PROXY else None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "haven.web.accounts",
    "haven.web.reporting",
    "haven.web.ledger",
    "haven.web.oversight",
    "haven.web.governance",
    "haven.web.sharing",
    "haven.web.scheduling",
    "haven.web.portal",
    "haven.web.receipts",
    "haven.web.isolation",
    "haven.web.apitokens",
    "haven.web.transparency",
    "haven.web.statistics",
    "haven.web.subjectaccess",
]

MIDDLEWARE = [
    "haven.web.views.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, but a language chosen with the switcher is kept in the
    # session, never in a cookie of its own (haven.web.languages, docs/translations.md).
    "haven.web.languages.SessionLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.web.accounts.middleware.SecondFactorMiddleware",
    # On PostgreSQL: the request's transaction, with its row scope (SET LOCAL) for
    # row-level security (haven.web.isolation); nothing on SQLite.
    "haven.web.isolation.middleware.RowScopeMiddleware",
    "haven.web.views.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the request's transaction and after the messages: it renders a page.
    "haven.web.views.MethodNotAllowedPageMiddleware",
    # Last, as axes asks: it turns a lockout into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.web.urls"
WSGI_APPLICATION = "haven.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.web.context_processors.navigation",
                "haven.web.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": environment.database(HAVEN_DATA_DIR / "haven.sqlite3")}
# The role the site connects as when another role owns the tables (PostgreSQL
# row-level security, haven.web.isolation.roles): granted the tables after each migration.
HAVEN_DATABASE_APP_ROLE = environment.database_app_role()

# Scheduled jobs (haven.web.scheduling): django-tasks on the database, run by
# `haven tasks run`. Checkpoints are signed on this fixed interval, never per commit.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HAVEN_CHECKPOINT_INTERVAL = environment.checkpoint_interval()
# Read-only key-encryption keys from the environment (HAVEN_KEK_*), before the key
# directory (docs/privacy.md).
HAVEN_ENVIRONMENT_KEKS = environment.environment_keks()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis at HAVEN_REDIS_URL, else process memory: never disk (the throttle's key is here).
CACHES = {"default": environment.cache()}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "start"

# Axes first: a (username, client) pair in its cool-off is refused before any hashing.
# Then Django's ModelBackend, with at most HAVEN_PASSWORD_CHECKS_AT_ONCE Argon2 hashes
# running at once in a process (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "haven.web.accounts.backends.BoundedPasswordBackend",
]
HAVEN_PASSWORD_CHECKS_AT_ONCE = 2
HAVEN_PASSWORD_CHECK_WAIT_SECONDS = 10

# Sign-in throttling (django-axes 8). Keyed on the username together with a keyed,
# daily-rotated hash of the client (haven.web.accounts.throttle): no IP address reaches
# axes, its tables, the cache or a log. Counts live in the cache, never the database.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "haven.web.accounts.throttle.client_key"
AXES_CLIENT_STR_CALLABLE = "haven.web.accounts.throttle.client_description"
AXES_LOCKOUT_CALLABLE = "haven.web.accounts.throttle.lockout_response"
AXES_FAILURE_LIMIT = 5
# A cool-off, never a permanent lock, and attempts during it do not extend it: nobody
# can keep a named officer locked out (and the lock binds only their own client).
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "ip_address"]

# The second factor (django-otp 1.7): every sign-in needs a TOTP code, or one of the
# single-use recovery codes, after the password (haven.web.accounts.second_factor).
# A wrong code makes the next try on that device wait 1, 2, 4, 8… seconds.
OTP_TOTP_ISSUER = "Haven"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Argon2id first: new and re-hashed passwords use it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language's name in that language, never translated: a reader looks for their own.
LANGUAGES = [
    ("en", "English"),
    ("cy", "Cymraeg"),
    ("pl", "Polski"),
    ("ro", "Română"),
    ("ur", "اردو"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "web" / "static"]
# GOV.UK Frontend's CSS asks for /assets/fonts/… and /assets/images/…: serve its dist
# directory at the site root so those paths resolve without a Sass build.
WHITENOISE_ROOT = environment.frontend_dir(REPO_ROOT)
WHITENOISE_USE_FINDERS = True
# The portal's searchable force list: GOV.UK's accessible-autocomplete from npm, served
# by Haven as /static/accessible-autocomplete/… (no CDN).
STATICFILES_DIRS += [
    ("accessible-autocomplete", REPO_ROOT / "node_modules" / "accessible-autocomplete" / "dist")
]

# The safe reporting portal (haven.web.portal, docs/portal.md). Limits count per keyed,
# daily-rotated hash of the client in the cache, never an address; a benchmark may raise them.
HAVEN_PORTAL_DRAFT_HOURS = 4
HAVEN_PORTAL_DRAFTS_PER_HOUR = 30
HAVEN_PORTAL_SUBMISSIONS_PER_HOUR = 5
HAVEN_PORTAL_CODE_FAILURES_PER_HOUR = 10
HAVEN_PORTAL_MESSAGES_PER_HOUR = 20
HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES = 30
HAVEN_PORTAL_REPLY_WORKING_DAYS = 5
# Where "Exit this page" sends the browser once the session and answers are gone.
HAVEN_PORTAL_EXIT_URL = "https://www.bbc.co.uk/weather"
# No request body above 256 KiB (the portal's longest answer is 5,000 characters).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
# The CSRF token lives in the session, so the only cookie Haven sets is the session's
# (issue 10: no cookies beyond the strictly necessary session).
CSRF_USE_SESSIONS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it browsers send `Origin: null` on form posts and the CSRF
# check refuses every sign-in. "same-origin" still sends nothing to other sites.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "haven.web.views.csrf_failure_view"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Django's default request logging records the path and status only. Haven never adds
# client addresses: reporters' IP addresses must not reach any log (docs/security.md).
# The filter blanks any address a library might still write.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name} {message}", "style": "{"}},
    "filters": {
        "refusals_in_one_line": {"()": "haven.web.settings.refusals.RefusalWithoutTracebackFilter"},
        "no_addresses": {"()": "haven.web.settings.redaction.AddressRedactingFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals_in_one_line", "no_addresses"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
