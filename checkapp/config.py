"""Settings read from the environment (see README: Configuration)."""
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Paris"


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'checkapp.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    env = os.environ.get("CHECKAPP_ENV", "production")
    secret = os.environ.get("SECRET_KEY")
    if not secret and env not in ("development", "test"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or set CHECKAPP_ENV=development on your own machine."
        )
    base_url = os.environ.get("CHECKAPP_BASE_URL", "").strip().rstrip("/")
    over_https = base_url.startswith("https://")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret or "development-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url(instance_path)),
        "PHOTO_DIR": photo_store(instance_path),
        "BASE_URL": base_url,
        "MAX_PHOTO_BYTES": int(os.environ.get("CHECKAPP_MAX_PHOTO_BYTES", 15 * 1024 * 1024)),
        # Flask refuses larger bodies with 413 before a view reads them; leave room for form fields.
        "MAX_CONTENT_LENGTH": int(os.environ.get("CHECKAPP_MAX_PHOTO_BYTES", 15 * 1024 * 1024)) + 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STORAGE_OPTIONS": limiter_storage_options(os.environ.get("RATELIMIT_STORAGE_URI", "")),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted.
        "PROXIES": int(os.environ.get("CHECKAPP_PROXIES", "0")),
        "PREFERRED_URL_SCHEME": "https" if over_https else "http",
        "TIMEZONE": timezone_name(os.environ.get("CHECKAPP_TIMEZONE", "")),
        **mail_settings(instance_path),
        **cookie_settings(over_https),
    }


def timezone_name(value: str) -> str:
    """CHECKAPP_TIMEZONE: the IANA zone people read and type times in, and programmes keep their
    rhythm in (e.g. Europe/Paris); a misspelt zone stops the app at start, not at the first run."""
    name = value.strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"CHECKAPP_TIMEZONE={name!r} is not a time zone; use a name like Europe/Paris.") from error
    return name
def engine_options(url: str) -> dict:
    """PostgreSQL: test each pooled connection before use (a restarted server leaves dead ones in the
    pool) and give up connecting after a few seconds (a 503, not a hung worker)."""
    if not url.startswith("postgresql"):
        return {}
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}


def limiter_storage_options(url: str) -> dict:
    """Redis: short timeouts, and its errors as limits' StorageError (a 503 page, see errors.py)."""
    if not url.startswith(("redis://", "rediss://", "redis+unix://")):
        return {}
    return {"socket_connect_timeout": 2, "socket_timeout": 2, "wrap_exceptions": True}


def photo_store(instance_path: str) -> str:
    """Where photos are stored: CHECKAPP_PHOTO_STORE (s3://bucket/prefix) when set, else the directory
    CHECKAPP_PHOTO_DIR. The setting keeps its name PHOTO_DIR; checkapp/photos.py reads either kind."""
    store = os.environ.get("CHECKAPP_PHOTO_STORE", "").strip()
    if store and not store.startswith("s3://"):
        raise RuntimeError(f"CHECKAPP_PHOTO_STORE must look like s3://bucket/prefix, not {store!r}.")
    return store or os.environ.get("CHECKAPP_PHOTO_DIR") or str(Path(instance_path) / "photos")


def startup_warnings(env=os.environ) -> list[str]:
    """What whoever starts the server should know about its settings. Said once, by the gunicorn
    master (gunicorn.conf.py), not by every worker and command that builds the app."""
    warnings = []
    if env.get("CHECKAPP_ENV", "production") == "production" and not env.get("CHECKAPP_BASE_URL", "").strip():
        warnings.append("CHECKAPP_BASE_URL is not set: invite and share links will use the address each request "
                        "came to; set it to the public https address.")
    return warnings


def mail_settings(instance_path: str) -> dict:
    """Background jobs, outgoing mail, webhooks and the run inbox (README: Email and background jobs, Webhooks)."""
    return {
        # redis://… shares one queue between app servers; by default a SQLite file beside the database.
        "QUEUE_URL": os.environ.get("CHECKAPP_QUEUE_URL", "").strip()
        or f"sqlite:///{Path(instance_path) / 'queue.db'}",
        "QUEUE_IMMEDIATE": False,
        "SMTP_URL": os.environ.get("CHECKAPP_SMTP_URL", "").strip(),
        "MAIL_FROM": os.environ.get("CHECKAPP_MAIL_FROM", "").strip() or "CheckApp <checkapp@localhost>",
        # Without SMTP, every message is written here as an .eml file (and logged).
        "MAIL_DIR": os.environ.get("CHECKAPP_MAIL_DIR") or str(Path(instance_path) / "mail"),
        "INBOX_DOMAIN": os.environ.get("CHECKAPP_INBOX_DOMAIN", "").strip().lower(),
        "INBOX_BIND": os.environ.get("CHECKAPP_INBOX_BIND", "").strip() or "127.0.0.1:2525",
        # Webhooks to plain http:// anywhere, not only to this machine (e.g. a receiver on a trusted LAN).
        "WEBHOOK_ALLOW_HTTP": os.environ.get("CHECKAPP_WEBHOOK_ALLOW_HTTP", "").strip().lower() in ("1", "true", "yes"),
    }


def cookie_settings(over_https: bool) -> dict:
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": over_https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": over_https,
    }


def for_tests(tmp_dir: str) -> dict:
    return {
        "ENV_NAME": "test",
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": (os.environ.get("DATABASE_URL") and database_url(tmp_dir))
        or f"sqlite:///{Path(tmp_dir) / 'test.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options((os.environ.get("DATABASE_URL") and database_url(tmp_dir)) or ""),
        "PHOTO_DIR": str(Path(tmp_dir) / "photos"),
        "BASE_URL": "http://localhost",
        "MAX_PHOTO_BYTES": 2 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 3 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "TIMEZONE": DEFAULT_TIMEZONE,
        **mail_settings(tmp_dir),
        # Jobs run at once, in the test's process: no worker, no queue file.
        "QUEUE_IMMEDIATE": True,
        "SMTP_URL": "",
        "MAIL_FROM": "CheckApp <checkapp@example.org>",
        "MAIL_DIR": str(Path(tmp_dir) / "mail"),
        "INBOX_DOMAIN": "inbox.example.org",
        **cookie_settings(False),
    }
