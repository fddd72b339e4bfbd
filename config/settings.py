"""Settings for Kemitraan Bidan–Dukun, read from the environment.

One module on purpose: every environment (make run, tests, CI, production) differs only by
environment variables, so there is no second settings file that can drift.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production"
# Secrets come only from the environment, and a guessable one is refused rather than warned about:
# sessions and password-reset links are signed with it. Same rule as Django's security.W009.
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG off: use 50+ random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "csp",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "puskesmas",
    "dukun",
    "kemitraan",
    "kia",
    "laporan",
    "ringkasan",
    "skala",
    "akun",
    "cadangan",
    "outbox",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage becomes a short 503 page, see config/middleware.py.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "puskesmas.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session limits, then the second login step (akun/middleware.py); both need the user and messages.
    "django_otp.middleware.OTPMiddleware",
    "akun.middleware.SessionTimeoutMiddleware",
    "akun.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "puskesmas.middleware.PuskesmasTimezoneMiddleware",
    # Keeps the request for the audit trail and audits the pages it lists (audit/middleware.py).
    "audit.middleware.JejakMiddleware",
    # Last, so that a lockout answer wraps everything above.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kemitraan.context_processors.notifikasi",
            ],
        },
    },
]

# DATABASE_URL unset → a SQLite file, the zero-setup default of `make run`.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
    # An unreachable PostgreSQL must give a quick 503, not a worker hanging on connect (libpq's default
    # is to wait forever). A connect_timeout in DATABASE_URL's query string wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "puskesmas.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are limited per username: a whole Puskesmas shares one public IP address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# Locking by username only is deliberate (see above): rotating user agents does not help an
# attacker, because the counter follows the username whatever the client sends.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "id"
# Each language under its own name, so that a user can always find hers in the switcher.
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
# Stored in UTC; shown in the zone of the user's Puskesmas (WIB/WITA/WIT), see puskesmas.middleware.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated files (reports) are private: stored outside the web root and served only
# through views that check scope, never by whitenoise or a web server alias.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Where `manage.py backup` writes when no --ke is given; copy it off the machine (see README).
CADANGAN_DIR = Path(os.environ.get("CADANGAN_DIR", BASE_DIR / "var" / "cadangan"))
# Years a mother's personal data is kept after her last recorded activity; `manage.py anonimkan_data`
# anonymises what is older. Long by default because an anonymisation cannot be undone: a Dinkes sets
# its own period here.
RETENSI_DATA_PRIBADI_TAHUN = int(os.environ.get("RETENSI_DATA_PRIBADI_TAHUN", "25"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Celery: without REDIS_URL tasks run eagerly in-process, so `make run` needs no broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A save never waits on the broker: the app sends work through the outbox (outbox/services.py), written
# in the save's transaction and published after commit on a connection of its own, bounded by
# OUTBOX_PUBLISH_TIMEOUT (no retries); a message not sent waits in the database for the drain
# (`outbox.kirim_tertunda` every minute from beat, at worker start, and `manage.py outbox_kirim`).
# Measured against a Redis that was killed or a closed port: under 0.1 s; against a Redis that accepts
# connections but never answers (SIGSTOP): OUTBOX_PUBLISH_TIMEOUT (the shared pool took 20 s there).
OUTBOX_PUBLISH_TIMEOUT = float(os.environ.get("OUTBOX_PUBLISH_TIMEOUT", "2"))
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "7"))  # sent rows are purged after this
# The rest bounds what workers and beat publish themselves (retries, the schedule) without making a
# worker give up on a broker that restarts (broker_connection_max_retries stays Celery's 100).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: how long Redis keeps a message a worker took but never acknowledged (acks_late) before
# handing it out again — how a report whose worker was killed (SIGKILL, OOM, a lost machine) gets rendered.
# It must exceed the longest render (a district ZIP takes minutes, not an hour), or a slow render would be
# delivered twice; production keeps Celery's one hour (plus kombu's restore scan, every ~100 s), so a
# killed report is redone within about an hour. outbox/tests/test_worker_dibunuh.py sets 20 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3, "socket_timeout": 5,
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Long tasks with acks_late: a worker takes one message at a time, so a killed one holds back only that one.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Reminders a week before a planned meeting and for overdue follow-ups (daily 07:00), last month's
# report of every Puskesmas (01:00 on day 1) and the outbox drain (every minute) — run `celery -A config beat`.
from kemitraan.tasks import BEAT_SCHEDULE as _KEMITRAAN_BEAT  # noqa: E402 (the modules import no model)
from laporan.tasks import BEAT_SCHEDULE as _LAPORAN_BEAT  # noqa: E402
from outbox.tasks import BEAT_SCHEDULE as _OUTBOX_BEAT  # noqa: E402

CELERY_BEAT_SCHEDULE = {**_KEMITRAAN_BEAT, **_LAPORAN_BEAT, **_OUTBOX_BEAT}

# The public address of the app, for links in reminder e-mails (e.g. https://kemitraan.dinkes.example).
SITE_URL = os.environ.get("SITE_URL", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# A session ends after 30 minutes without activity and 12 hours after login whatever happens
# (akun.middleware.SessionTimeoutMiddleware); the cookie and the stored session never outlive the latter.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Name shown in the authenticator app next to the user name (two-step login, akun/).
OTP_TOTP_ISSUER = "Kemitraan Bidan-Dukun"
# The admin lists authenticators and recovery codes without their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Lax, not Strict: a link to the app from an e-mail reminder must arrive logged in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # Indonesian, without Django's technical reason
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Other sites (the OpenStreetMap tile server) learn the app's origin, never a path with a record id;
# OSM's tile policy asks browsers to send a Referer, which "same-origin" would drop.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Production sits behind an HTTPS proxy (nginx, a load balancer) that MUST overwrite X-Forwarded-Proto:
# Django then trusts it to tell HTTPS requests apart and redirects plain HTTP to HTTPS.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_HTTPS_PROXY and not DEBUG)
# Monitoring probes call gunicorn directly over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS (sent only on HTTPS responses): one year, subdomains included. Set SECURE_HSTS_SECONDS=300 for
# the first deployment on a new host name, then raise it once HTTPS is known to work.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision of whoever owns the registrable domain (a provincial go.id domain,
    # not this app): once in the browsers' list it binds every subdomain for months and cannot be
    # withdrawn quickly. Off by default; a Dinkes that owns its domain sets SECURE_HSTS_PRELOAD=1.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content Security Policy (django-csp). Scripts only from our own static files: no inline script,
# no eval (htmx's eval features are switched off in base.html), so injected markup cannot run code.
# A nonce exists for an inline <style> block (pertemuan detail); django-csp adds it only to
# responses whose template asked for it. Style *attributes* stay allowed (style-src-attr): a few
# templates use them, and an injected style attribute cannot run code or read the page (it has no
# selectors); what it could load is limited by img-src/font-src. Browsers older than the -elem/-attr
# directives fall back to style-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "style-src-elem": [CSP_SELF, CSP_NONCE],
        "style-src-attr": [CSP_UNSAFE_INLINE],
        # The dukun map and the kelurahan dashboard load OpenStreetMap tiles (static/js/dukun_peta.js,
        # static/laporan/dasbor.js); Leaflet's CSS uses data: images.
        "img-src": [CSP_SELF, "data:", "https://tile.openstreetmap.org"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}

# A NIK-shaped number (16 digits) is masked in every log line and error report (audit/nik.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "samarkan_nik": {"()": "audit.nik.SamarkanNikFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["samarkan_nik"]},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler",
                        "filters": ["require_debug_false", "samarkan_nik"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default handlers for "django" (their mail handler had no mask); the
        # records still reach the console through the root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DEFAULT_EXCEPTION_REPORTER = "audit.pelapor.PelaporGalatTanpaNik"

# Largest upload the Puskesmas import accepts (bytes).
IMPORT_MAX_BYTES = 5 * 1024 * 1024
