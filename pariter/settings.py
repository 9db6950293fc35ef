"""Pariter settings: one module, read from the environment with strict helpers.

Every value has a safe development default, so `make run` works on a fresh
clone with SQLite. Production sets DEBUG=0 and the secrets below; with
DEBUG off the module refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = os.getenv("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", "")
if not DEBUG and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (Fernet keys) when DEBUG is off.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_ROOT = os.getenv("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "pariter.core",
    "pariter.registry",
    "pariter.filings",
    "pariter.training",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Wagtail's database search declares PostgreSQL full-text fields; the app is inert on SQLite.
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "django_htmx",
    "bootstrap_italia_template",
    # The public website: Wagtail CMS (docs/architecture.md, "The public website").
    "pariter.website",
    "wagtail.contrib.redirects",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.typed_table_block",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pariter.core.middleware.SessionRefreshMiddleware",
    "pariter.core.middleware.AuditContextMiddleware",
    "pariter.core.middleware.SessionExpiryMiddleware",
    "pariter.core.middleware.StaffMFAMiddleware",
    "pariter.website.middleware.EditorAreaMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = os.getenv("ROOT_URLCONF", "pariter.urls")  # the benchmarks mount a naive page beside ours
WSGI_APPLICATION = "pariter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pariter" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pariter.core.context_processors.shell",
                "pariter.filings.context_processors.filings_nav",
                "pariter.training.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the zero-setup default; production points DATABASE_URL at PostgreSQL.
if "DATABASE_URL" not in os.environ:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'pariter.sqlite3'}"),
        # Connections live across requests (a new PostgreSQL connection costs several milliseconds, as much as a
        # search); a health check before reuse replaces one the server has dropped.
        conn_max_age=envint("DB_CONN_MAX_AGE", "600"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth: e-mail login, no open sign-up for staff (administrators create
# accounts), rate-limited failures, and TOTP with recovery codes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "pariter.core.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "pariter.core.forms.SignupForm"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.getenv("LOGIN_FAILED_RATE_LIMIT", "5/5m/ip,5/5m/key"),
}
MFA_ADAPTER = "pariter.core.mfa_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pariter"
MFA_RECOVERY_CODE_COUNT = 10

# Sessions expire after inactivity: a request pushes the expiry forward (core.middleware.SessionRefreshMiddleware),
# writing the session at most once every SESSION_REFRESH_SECONDS rather than on every page.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", "1800")
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", "60")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pariter" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "pariter" / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
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

# Production shares rate limits and one-time-code memory between workers through Redis.
REDIS_URL = os.getenv("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
API_RATE_LIMIT = os.getenv("API_RATE_LIMIT", "120/min")

TASKS = {"default": {"BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# In development mail goes to the console; production sends through the SMTP (or PEC) relay in MAIL_HOST.
MAIL_BACKEND = os.getenv(
    "MAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": MAIL_BACKEND}}
if MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.getenv("MAIL_HOST", "localhost"),
        "port": envint("MAIL_PORT", "587"),
        "username": os.getenv("MAIL_USER", ""),
        "password": os.getenv("MAIL_PASSWORD", ""),
        "use_tls": envbool("MAIL_USE_TLS", "1"),
    }
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Pariter <noreply@cittametropolitana.mi.it>")

# Security headers. Django's own CSP: everything is served from this host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(int(timedelta(days=365).total_seconds())))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# The proxy in front of production sets the client address; only trust it there.
TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_FOR", "0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
FORM_RENDERER = "pariter.core.forms_renderer.FormRenderer"

# Training: participants' personal data is anonymised this many days after their edition ends (counts remain).
TRAINING_RETENTION_DAYS = envint("TRAINING_RETENTION_DAYS", "1095")
# --- The public website (pariter.website, Wagtail) ---------------------------
WAGTAIL_SITE_NAME = "Welfare e pari opportunità"
WAGTAILADMIN_BASE_URL = SITE_ROOT
# Editors sign in through allauth, so the second factor applies to the CMS too.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Accounts, passwords and e-mail addresses are allauth's business (the same account, the same second factor).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no requests to third parties, not even from the editor
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars would come from gravatar.com
WAGTAILIMAGES_MAX_UPLOAD_SIZE = envint("WAGTAIL_MAX_IMAGE_BYTES", str(5 * 1024 * 1024))
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "csv", "txt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # through Django, with attachment and nosniff headers
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []  # always a download: an upload never renders as a page here
WAGTAILDOCS_DOCUMENT_FORM_BASE = "pariter.website.uploads.DocumentForm"  # the content must match the name
WAGTAILDOCS_MAX_UPLOAD_SIZE = envint("WAGTAIL_MAX_DOCUMENT_BYTES", str(20 * 1024 * 1024))
# One search engine choice for the whole project: PostgreSQL full text with Italian stemming in
# production, SQLite FTS5 on the embedded default (the database backend picks the vendor itself).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "italian"},
}
# Anonymous page views are cached (per language) until the next publish; seconds, 0 disables.
WEBSITE_PAGE_CACHE_SECONDS = envint("WEBSITE_PAGE_CACHE_SECONDS", "600")
# Other public pages (the register's search and entries) are cached for anonymous visitors until the data behind
# them changes (pariter.core.pagecache); seconds, 0 disables.
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", "300")
WEBSITE_FEEDBACK_RATE_LIMIT = os.getenv("WEBSITE_FEEDBACK_RATE_LIMIT", "5/h")
