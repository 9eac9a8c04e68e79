"""The one place Haven reads its configuration from the environment.

Every setting that differs between a laptop, CI and production comes from here;
settings modules never call `os.environ` themselves. A bad value raises
`ConfigurationError` with one line that says what to fix.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from haven.keyfiles import write_secret_file

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")

# Django's SQLite backend with writers queued instead of polling (its module says why).
SQLITE_ENGINE = "haven.web.database.sqlite3"
# Writers take SQLite's write lock when their transaction begins, so concurrent
# appenders queue (up to the timeout) instead of failing on a lock upgrade; WAL lets
# readers carry on meanwhile.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
}


DEFAULT_SETTINGS_MODULE = "haven.web.settings.local"
PRODUCTION_SETTINGS_MODULE = "haven.web.settings.production"


class ConfigurationError(Exception):
    """The environment holds a value Haven cannot use."""


def settings_module() -> str:
    """`DJANGO_SETTINGS_MODULE`, set to the local settings when it is unset, for Django to read."""
    return os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)


def default_data_dir(path: str) -> None:
    """Use `path` as `HAVEN_DATA_DIR` unless the environment names one (the test settings)."""
    os.environ.setdefault("HAVEN_DATA_DIR", path)


def data_dir() -> Path:
    """Where keys and caches live: `HAVEN_DATA_DIR`, default `var/` under the working directory."""
    return Path(os.environ.get("HAVEN_DATA_DIR") or "var").resolve()


def key_dir(data_directory: Path) -> Path:
    """Where the privacy library keeps its encryption keys: `HAVEN_KEY_DIR`.

    The default, `keys/` under the data directory, is for a laptop. Production must
    name a directory outside the data directory (`require_production`), so a copy of
    the data (a backup, a disk image) does not carry the keys that open it.
    """
    configured = os.environ.get("HAVEN_KEY_DIR", "").strip()
    return Path(configured).resolve() if configured else data_directory / "keys"


def require_production() -> None:
    """Refuse, with one line, anything production must not start without.

    Outside production Haven generates what is missing (a secret key, ledger keys)
    under the data directory; on a production server that would hide a broken
    deployment behind fresh, unrecorded keys. Checked before base settings run, so a
    refused start generates nothing.
    """
    for name, what in (
        ("HAVEN_DATA_DIR", "the directory for the database, caches and generated files"),
        ("HAVEN_SECRET_KEY", "Django's secret key (50 or more random characters)"),
        ("HAVEN_LEDGER_SIGNING_KEY", "the ledger's checkpoint signing key (docs/ledger.md)"),
        ("HAVEN_PSEUDONYM_KEY", "the ledger's pseudonym key, hex (docs/ledger.md)"),
        ("HAVEN_RECEIPT_SIGNING_KEY", "the promise receipt signing key (docs/receipts.md)"),
        ("HAVEN_KEY_DIR", "the encryption-key directory, outside HAVEN_DATA_DIR"),
    ):
        if not os.environ.get(name, "").strip():
            raise ConfigurationError(
                f"production settings need {name}: {what}; nothing is generated in production"
            )
    if debug():
        raise ConfigurationError(
            "HAVEN_DEBUG is on, and production settings refuse it: debug pages show "
            "settings and personal data; unset HAVEN_DEBUG"
        )
    data = data_dir()
    keys = key_dir(data)
    if keys == data or keys.is_relative_to(data):
        raise ConfigurationError(
            f"HAVEN_KEY_DIR ({keys}) is inside HAVEN_DATA_DIR ({data}); production keeps "
            "encryption keys outside the data directory, so a copy of the data does not "
            "carry the keys that open it"
        )
    _check_ledger_keys()


def _check_ledger_keys() -> None:
    """The ledger keys parse (their own module reads them again when first used)."""
    from haven.ledger.errors import LedgerError
    from haven.ledger.events import MIN_PSEUDONYM_KEY_BYTES
    from haven.ledger.note import parse_skey

    try:
        parse_skey(os.environ["HAVEN_LEDGER_SIGNING_KEY"].strip())
    except (LedgerError, ValueError) as error:
        raise ConfigurationError(
            f"HAVEN_LEDGER_SIGNING_KEY is not a note signer key (PRIVATE+KEY+…): {error}"
        ) from None
    try:
        receipt_key = parse_skey(os.environ["HAVEN_RECEIPT_SIGNING_KEY"].strip())
    except (LedgerError, ValueError) as error:
        raise ConfigurationError(
            f"HAVEN_RECEIPT_SIGNING_KEY is not a note signer key (PRIVATE+KEY+…): {error}"
        ) from None
    checkpoint_key = parse_skey(os.environ["HAVEN_LEDGER_SIGNING_KEY"].strip())
    if receipt_key.verifier.public_key == checkpoint_key.verifier.public_key:
        raise ConfigurationError(
            "HAVEN_RECEIPT_SIGNING_KEY is the checkpoint signing key; receipts are signed "
            "with a key of their own (docs/receipts.md)"
        )
    try:
        pseudonym = bytes.fromhex(os.environ["HAVEN_PSEUDONYM_KEY"].strip())
    except ValueError:
        raise ConfigurationError("HAVEN_PSEUDONYM_KEY must be hex-encoded") from None
    if len(pseudonym) < MIN_PSEUDONYM_KEY_BYTES:
        raise ConfigurationError(
            f"HAVEN_PSEUDONYM_KEY must hold at least {MIN_PSEUDONYM_KEY_BYTES} bytes "
            f"({2 * MIN_PSEUDONYM_KEY_BYTES} hex digits); it holds {len(pseudonym)}"
        )


def declare_owner_connection() -> None:
    """This process connects as the tables' owner (`HAVEN_MIGRATE_DATABASE_URL`, when set):
    `haven migrate` and `haven demo` call it before Django reads its settings."""
    os.environ["HAVEN_DATABASE_AS_OWNER"] = "1"


def _owner_url() -> str:
    return os.environ.get("HAVEN_MIGRATE_DATABASE_URL", "").strip()


def database_app_role() -> str:
    """The PostgreSQL role the site connects as, when the tables belong to another role.

    With `HAVEN_MIGRATE_DATABASE_URL` set, `DATABASE_URL`'s user is the site's role
    (`haven.web.isolation.roles`): it owns no table, so row-level security binds it,
    and each migration grants it the tables. "" otherwise.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not _owner_url() or not url:
        return ""
    return str(dj_database_url.parse(url).get("USER") or "")


def database(default_sqlite: Path) -> dict:
    """The Django `DATABASES["default"]` entry for `DATABASE_URL` (SQLite under var/ if unset).

    In a process that declared itself the owner (`declare_owner_connection`), the entry
    for `HAVEN_MIGRATE_DATABASE_URL` instead, when it is set: the role that owns the
    tables runs the migrations, and the site connects as a role that owns none.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    name = "DATABASE_URL"
    if _flag("HAVEN_DATABASE_AS_OWNER") and _owner_url():
        url, name = _owner_url(), "HAVEN_MIGRATE_DATABASE_URL"
    elif _owner_url() and not url:
        raise ConfigurationError(
            "HAVEN_MIGRATE_DATABASE_URL is set but DATABASE_URL is not; set DATABASE_URL "
            "to the role the site connects as (one that owns no table)"
        )
    if not url:
        return {
            "ENGINE": SQLITE_ENGINE,
            "NAME": str(default_sqlite),
            "OPTIONS": SQLITE_OPTIONS,
        }
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ConfigurationError(
            f"{name} must start with sqlite:// or postgres:// (got {_redact(url)!r}); "
            "for example postgres://haven@127.0.0.1:5432/haven or sqlite:///var/haven.sqlite3"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ConfigurationError(f"{name} is not a valid URL ({_redact(url)!r}): {error}") from None
    if config["ENGINE"].endswith("sqlite3"):
        config["ENGINE"] = SQLITE_ENGINE
        config["OPTIONS"] = SQLITE_OPTIONS
    if not config.get("NAME"):
        raise ConfigurationError(
            f"{name} names no database ({_redact(url)!r}); add it after the host, "
            "e.g. postgres://haven@127.0.0.1:5432/haven"
        )
    if config["ENGINE"].endswith("postgresql") and _flag_default_on(
        "HAVEN_DATABASE_PREPARED_STATEMENTS"
    ):
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **PREPARED_STATEMENTS}
    return config


PREPARED_STATEMENTS = {"server_side_binding": True, "prepare_threshold": 2}
"""PostgreSQL: parameters bound by the server, and a statement a connection sends a second
time prepared there, so it is planned once per connection. Under row-level security
planning is most of what a short query costs (each policy is planned into it; the
person a decision is about took 0.5 ms to plan and 0.1 ms to run: docs/performance.md).
A pooler in transaction mode that cannot keep prepared statements (PgBouncer before
1.21, or without `max_prepared_statements`) needs them off:
`HAVEN_DATABASE_PREPARED_STATEMENTS=0`."""


REDIS_SCHEMES = ("redis", "rediss", "unix")


def cache() -> dict:
    """The default cache: Redis at `HAVEN_REDIS_URL`, else this process's memory.

    It holds the sign-in throttle's counts and its daily HMAC key (docs/security.md),
    which must never be written to disk. With several server processes and no Redis,
    each process counts on its own.
    """
    url = os.environ.get("HAVEN_REDIS_URL", "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "haven"}
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in REDIS_SCHEMES:
        raise ConfigurationError(
            f"HAVEN_REDIS_URL must start with redis://, rediss:// or unix:// (got {_redact(url)!r}); "
            "for example redis://127.0.0.1:6379/0"
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "haven",
    }


def checkpoint_interval() -> int:
    """Seconds between signed checkpoints: `HAVEN_CHECKPOINT_INTERVAL`, default one hour."""
    value = os.environ.get("HAVEN_CHECKPOINT_INTERVAL", "").strip() or "3600"
    if not value.isdigit() or not 60 <= int(value) <= 86400:
        raise ConfigurationError(
            f"HAVEN_CHECKPOINT_INTERVAL must be a whole number of seconds from 60 to 86400 "
            f"(got {value!r})"
        )
    return int(value)


def environment_keks() -> dict[str, str]:
    """The `HAVEN_KEK_*` variables: key-encryption keys supplied by the platform."""
    return {name: value for name, value in os.environ.items() if name.startswith("HAVEN_KEK_")}


def ledger_signing_key() -> str:
    """`HAVEN_LEDGER_SIGNING_KEY`: the checkpoint signing key (`PRIVATE+KEY+…`), or "" for
    the key file under the data directory (`haven.web.ledger.keys` parses it)."""
    return os.environ.get("HAVEN_LEDGER_SIGNING_KEY", "")


def receipt_signing_key() -> str:
    """`HAVEN_RECEIPT_SIGNING_KEY`: the promise receipt signing key (`PRIVATE+KEY+…`), or ""
    for the key file under the data directory (`haven.web.receipts.keys` parses it)."""
    return os.environ.get("HAVEN_RECEIPT_SIGNING_KEY", "")


def pseudonym_key() -> str:
    """`HAVEN_PSEUDONYM_KEY`: the ledger's pseudonym key, hex, or "" for the key file."""
    return os.environ.get("HAVEN_PSEUDONYM_KEY", "")


def ledger_origin() -> str:
    """`HAVEN_LEDGER_ORIGIN`: the log's origin and key name, or "" for the default."""
    return os.environ.get("HAVEN_LEDGER_ORIGIN", "")


def ledger_trust_file() -> Path | None:
    """`HAVEN_LEDGER_TRUST_FILE`: the verifier keys `haven ledger verify` trusts by default."""
    configured = os.environ.get("HAVEN_LEDGER_TRUST_FILE", "").strip()
    return Path(configured) if configured else None


def secret_key(directory: Path) -> str:
    """`HAVEN_SECRET_KEY`, or a key generated once and kept under the data directory (mode 0600)."""
    from_env = os.environ.get("HAVEN_SECRET_KEY")
    if from_env:
        return from_env
    path = directory / "secret_key"
    if not path.exists():
        # Race-free: two processes starting at once keep the first key, never half of one.
        write_secret_file(path, secrets.token_urlsafe(50).encode("ascii"))
    return path.read_text().strip()


def debug() -> bool:
    return _flag("HAVEN_DEBUG")


def trusted_proxy() -> bool:
    """`HAVEN_TRUSTED_PROXY`: a reverse proxy that terminates TLS sits in front of Haven.

    Only then are the proxy's `X-Forwarded-Proto` and `X-Forwarded-For` believed; any
    client can send those headers, so without a proxy that overwrites them they are
    ignored. `haven serve --behind-proxy` sets it for the server it starts.
    """
    return _flag("HAVEN_TRUSTED_PROXY")


def declare_trusted_proxy() -> None:
    """Set `HAVEN_TRUSTED_PROXY` for this process (before Django reads its settings)."""
    os.environ["HAVEN_TRUSTED_PROXY"] = "1"


def allowed_hosts(default: list[str]) -> list[str]:
    value = os.environ.get("HAVEN_ALLOWED_HOSTS", "")
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    return hosts or default


def frontend_dir(repo_root: Path) -> Path:
    """The GOV.UK Frontend `dist/govuk` directory (installed by `npm ci`)."""
    configured = os.environ.get("HAVEN_FRONTEND_DIR")
    if configured:
        return Path(configured)
    return repo_root / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def _flag_default_on(name: str) -> bool:
    """`_flag`, but unset means on."""
    return not os.environ.get(name, "").strip() or _flag(name)


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigurationError(f"{name} must be true or false (got {value!r})")


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
