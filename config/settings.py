"""Spaning settings: one module, read from the environment.

With no variables at all this is a development setup (DEBUG, SQLite in the project folder,
Celery tasks run in-process, e-mail to the console). Production sets DEBUG=0 and the
variables listed in README.md; a missing or malformed value stops start-up with an
ImproperlyConfigured message that names the variable.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _env_bool(name: str, default: bool) -> bool:
    """environ's bool() silently reads "ja" as False; refuse anything we do not recognise."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def _env_int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def _env_host_ports(name: str) -> list[str]:
    """Comma-separated host:port pairs (an IPv6 host in brackets), each as "host:port" in lower
    case; refuse anything that is not exactly that."""
    raw = env.str(name, default="")
    pairs = []
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        host, _colon, port = entry.rpartition(":")
        ipv6 = host.startswith("[") and host.endswith("]")
        try:
            if ipv6:
                ipaddress.IPv6Address(host[1:-1])
            valid_host = bool(host) and (ipv6 or not any(c in host for c in ":/@[] \t"))
            valid_port = port.isdigit() and 0 < int(port) < 65536
        except ValueError:
            valid_host = False
        if not (valid_host and valid_port):
            raise ImproperlyConfigured(
                f"{name} must be comma-separated host:port pairs, e.g. "
                f"intranet.kommun.se:443,10.0.0.5:8080; got {entry!r}."
            )
        if ipv6:
            host = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        pairs.append(f"{host.lower()}:{int(port)}")
    return pairs


DEBUG = _env_bool("DEBUG", True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off, e.g. spaning.kommun.se"
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "simple_history",
    "core",
    "organizations",
    "signals",
    "scanning",
    "reports",
    "discussions",
    "overview",
    "followup",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organizations.middleware.CurrentOrganizationMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "organizations.context_processors.current_organization",
                "discussions.context_processors.notifications",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    try:
        DATABASES = {"default": env.db("DATABASE_URL")}
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    DATABASES["default"].setdefault("CONN_MAX_AGE", _env_int("DATABASE_CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # WAL lets the web process read while a worker writes; IMMEDIATE transactions take the
    # write lock up front, so two writers queue (up to `timeout` seconds) instead of one of
    # them failing half-way with "database is locked".
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # Prepared statements where the code asks for them (``core.lib.bulk``: the statements
    # every poll runs, whose text is the same whatever their rows), parsed and planned once
    # per connection instead of on every poll (0.3-1 ms a statement). Django leaves psycopg's
    # prepare_threshold at None, which turns preparing off altogether, asked for or not; a
    # threshold no query reaches keeps the ORM's own queries unprepared, as Django ships
    # them. A pooler in transaction mode (PgBouncer) must then be 1.21 or newer, with
    # max_prepared_statements set.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)

# --- Cache ----------------------------------------------------------------------------------
# Per process, in memory: what is cached (counts per level, filter choices; core.lib.orgcache)
# is keyed on the organisation's data version, which every write raises, so no process serves
# figures older than the last write and no cache server is needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address locks it for an hour.
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client's address for throttling (django-ipware). PROXY_COUNT is the number of reverse
# proxies in front of the app, each appending the address it was reached from to
# X-Forwarded-For; the client is then the PROXY_COUNT-th entry from the right: the entries to its
# right were added by our inner proxies, those to its left the client wrote itself and are
# ignored. ipware's proxy count is the number of entries right of the client, so one fewer
# ("left-most": the header reads client first). Not strict: a client that sends its own
# X-Forwarded-For, even a malformed one, is still counted by the address the proxy saw.
# Behind proxies only the header is read (no fallback to the proxy's own address, which every
# client would share); with PROXY_COUNT=0 it is never read: only the connection's address counts.
PROXY_COUNT = _env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more; got {PROXY_COUNT}.")
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",) if PROXY_COUNT else ("REMOTE_ADDR",)
IPWARE_STRICT = False

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The demo's sample feeds, served where the demo's subscriptions poll them (scanning.demo).
    ("demo-feeds", BASE_DIR / "scanning" / "sample_feeds"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# --- E-mail -------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Spaning <spaning@localhost>")
# The site's address, for links in e-mail sent with no request to take it from (the follow-up's
# review reminders, sent by a periodic task). Unset: the first of ALLOWED_HOSTS over HTTPS.
_first_host = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else ""
SITE_URL = env.str(
    "SITE_URL",
    default="http://127.0.0.1:8000"
    if DEBUG
    else (f"https://{_first_host}" if _first_host not in ("", "*") else ""),
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
# Django's database sessions, read through compiled SQL (core.sessions).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True
# No script needs the CSRF cookie: htmx sends the token from hx-headers on <body>.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    # Off unless asked for: Spaning often runs on a host of the municipality's shared domain
    # (spaning.kommun.se), and HSTS for every subdomain, let alone in the browsers' preload
    # list, is a decision for whoever runs that whole domain, not for one application.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
    if SECURE_HSTS_PRELOAD and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        raise ImproperlyConfigured(
            "SECURE_HSTS_PRELOAD=1 needs SECURE_HSTS_INCLUDE_SUBDOMAINS=1 as well: the "
            "browsers' preload list only accepts HSTS that covers every subdomain."
        )
    # check --deploy warns whenever these are off (security.W005, security.W021). Off is our
    # documented default, so exactly the warning for a setting that is off is silenced; turn
    # the setting on and there is nothing to silence.
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, on in [
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W021", SECURE_HSTS_PRELOAD),
        ]
        if not on
    ]

# No inline scripts or styles anywhere: htmx and our own JS come from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# `make run` without Redis sets CELERY_BROKER_DIR: a folder the worker and beat it starts share
# as their broker (kombu's filesystem transport), so feeds are polled on schedule with no
# server to install. Production sets REDIS_URL.
CELERY_BROKER_DIR = env.str("CELERY_BROKER_DIR", default="")
CELERY_BROKER_URL = REDIS_URL or ("filesystem://" if CELERY_BROKER_DIR else "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker (the tests, `manage.py` commands) every task runs in-process, through the
# same code path as in production.
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or CELERY_BROKER_DIR)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# The queue tasks go to when nobody names one. A worker started for one purpose (a test
# session, a benchmark) sets its own, so the tasks its tasks send (the dispatcher's polls) come
# back to it and never reach another worker on the same Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A task is acknowledged only once it has finished, and put back if its worker dies, so a
# crash never loses work; tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = _env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = _env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis re-delivers an unacknowledged task after this; it must exceed any countdown/ETA we
# use and the longest task, or a task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 12 * 60 * 60}
if CELERY_BROKER_DIR and not REDIS_URL:
    _broker_dir = Path(CELERY_BROKER_DIR)
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
# Each periodic job has an `expires` just under its period, so a late run is dropped, not stacked.
CELERY_BEAT_SCHEDULE: dict = {
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": timedelta(days=1),
        "options": {"expires": timedelta(hours=23).total_seconds()},
    },
    # SQLite's planner statistics, counted anew as the data grows (core.lib.planner).
    "refresh-planner-statistics": {
        "task": "core.tasks.refresh_planner_statistics",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": timedelta(hours=23).total_seconds()},
    },
    # Enqueues the due feeds in batches; each feed's own schedule says when (scanning.schedule).
    "dispatch-due-feeds": {
        "task": "scanning.tasks.dispatch_due_feeds",
        "schedule": timedelta(minutes=2),
        "options": {"expires": 110},
    },
    # Each organisation's report cycle for the new month, just after midnight on the first.
    "open-monthly-report-cycles": {
        "task": "reports.tasks.open_monthly_cycles",
        "schedule": crontab(minute=5, hour=0, day_of_month=1),
        "options": {"expires": timedelta(days=27).total_seconds()},
    },
    "expire-triage-items": {
        "task": "scanning.tasks.expire_triage_items",
        "schedule": timedelta(hours=6),
        "options": {"expires": timedelta(hours=5).total_seconds()},
    },
    # Reminds the editors of reports three and twelve months old to review their follow-up.
    "remind-followup-reviews": {
        "task": "followup.tasks.remind_reviews",
        "schedule": crontab(minute=15, hour=7),
        "options": {"expires": timedelta(hours=23).total_seconds()},
    },
}

# --- Scanning: feeds and the triage queue ------------------------------------------------------
# Items older than this leave the queue by themselves; promoted ones are kept for good.
SCANNING_QUEUE_MAX_AGE_DAYS = _env_int("SCANNING_QUEUE_MAX_AGE_DAYS", 30)
# One fetch of a feed: its whole deadline (a server dripping a byte a second cannot hold a
# worker longer) and the cap on its body, checked while reading and after decompression.
SCANNING_FETCH_TIMEOUT = _env_int("SCANNING_FETCH_TIMEOUT", 30)
SCANNING_MAX_FEED_BYTES = _env_int("SCANNING_MAX_FEED_BYTES", 5 * 1024 * 1024)
# The dispatcher sends due feeds in batches of this many per task; a worker fetches a batch's
# feeds side by side in this many threads (fetching is waiting on the network).
SCANNING_POLL_BATCH = _env_int("SCANNING_POLL_BATCH", 50)
SCANNING_FETCH_THREADS = _env_int("SCANNING_FETCH_THREADS", 10)
# How long a worker holds a feed while fetching it: longer than a batch's fetches (here at
# most 5 rounds of 10 fetches of at most 30 s) and ingests, short enough that a feed whose
# worker was killed is fetched again soon.
SCANNING_LEASE_SECONDS = _env_int("SCANNING_LEASE_SECONDS", 300)
# A poll the dispatcher enqueued that has not run within this time (its worker died, the
# broker lost it) is dropped; its feeds are enqueued again once the dispatcher's lease (this
# grace plus SCANNING_LEASE_SECONDS) has run out.
SCANNING_DISPATCH_GRACE_SECONDS = _env_int("SCANNING_DISPATCH_GRACE_SECONDS", 600)
# A feed failing without a break this long is paused, with a message, until someone resumes it.
SCANNING_FAILING_AFTER_DAYS = _env_int("SCANNING_FAILING_AFTER_DAYS", 14)
# Where the demo's feeds are polled: `make run` serves the bundled sample files here.
DEMO_FEEDS_BASE_URL = env.str(
    "DEMO_FEEDS_BASE_URL", default="http://127.0.0.1:8000/static/demo-feeds/"
)

# --- Discussions --------------------------------------------------------------------------------
# How long after posting its author may still edit a comment (an edited one says so).
DISCUSSIONS_EDIT_MINUTES = _env_int("DISCUSSIONS_EDIT_MINUTES", 15)
# Comments one person may post in a minute: enough for a lively exchange, not for a flood.
DISCUSSIONS_COMMENTS_PER_MINUTE = _env_int("DISCUSSIONS_COMMENTS_PER_MINUTE", 5)
# The longest comment, in characters: a considered page of text.
DISCUSSIONS_COMMENT_MAX_LENGTH = _env_int("DISCUSSIONS_COMMENT_MAX_LENGTH", 5000)

# --- Fetching pages and feeds (core.lib.fetch) -------------------------------------------------
# Addresses people type are fetched only from public hosts, so they cannot reach our own
# network. A municipality's intranet sources are real: these exact host:port pairs (the host as
# written in the address) may resolve to private addresses. Empty by default.
FETCH_ALLOW_PRIVATE_HOSTS = _env_host_ports("FETCH_ALLOW_PRIVATE_HOSTS")

# --- Logging ------------------------------------------------------------------------------
# Everything goes to the console once, through the root logger. Django's default logging gives
# the "django" logger a console handler of its own (in DEBUG) that also propagates to the root,
# so every request error was printed twice; here "django" keeps only the mail to ADMINS.
# Configuring "django" resets its children, so the dev server's request lines ("django.server")
# get their own handler and format back, as in Django's default.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "permission_denied_in_one_line": {"()": "core.lib.log.PermissionDeniedInOneLine"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every step of a PDF build at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # A 403 is one warning line, without the traceback of the PermissionDenied.
        "django.request": {"filters": ["permission_denied_in_one_line"]},
    },
}

SPANING_DEMO_PASSWORD = "spaning-demo"
