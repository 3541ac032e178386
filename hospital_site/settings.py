"""Settings for the hospital directory, read from the environment.

The embedded default (no environment at all) is a private, DEBUG-off site on
SQLite. Production sets DJANGO_PRODUCTION=true and must then give its secrets.
See README.md, "Configuration", and .env.example.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG")
# The site is reached over HTTPS (through the TLS-terminating proxy): on by default in production.
HTTPS = env_bool("DJANGO_HTTPS", default=PRODUCTION)
# A second person publishes: editors save drafts and mark them ready; only users with the
# "publish_content" permission publish (departments/editing.py). Off: every editor publishes.
CONTENT_REVIEW_REQUIRED = env_bool("DJANGO_CONTENT_REVIEW_REQUIRED")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A production site refuses to start without "
            "its own secret key: generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    # Only for the embedded default on one machine; never used when PRODUCTION is on.
    SECRET_KEY = "insecure-local-only-key-set-DJANGO_SECRET_KEY-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# The site's public address ("https://hospital.example.org"): every absolute URL on a page
# (canonical, alternates, structured data, sitemap) is made from it, whatever Host a request
# names. Required in production. Unset (the embedded default), they come from each request's
# host and this server's port, and the page cache keeps a copy per host.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
if PRODUCTION and not SITE_URL:
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL is not set. A production site names its public address, such as "
        "https://hospital.example.org: its pages' links are made from it, never from a request."
    )
if SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be a scheme and a host, such as https://hospital.example.org; "
        f"not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    # First, so that its `loaddata` (which checks content fixtures whole before loading them) is
    # the one `manage.py loaddata` runs: Django takes a command from the first app that has it
    # (a start-up check says so if not: departments/checks.py).
    "departments",
    # modeltranslation must come before the admin so its admin classes take effect.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
]

# Order matters. The two security-header middlewares come first so that they wrap every response:
# static files (WhiteNoise answers them without going further), pages from the page cache, and
# error pages (a database outage anywhere below becomes a 503 page in hospital_site.errors);
# ours outermost, so that SecurityMiddleware's own answers (its HTTPS redirect, the 400 for a
# foreign Host) get them too. Axes comes last, as its documentation asks, to turn a locked-out
# login into its answer.
MIDDLEWARE = [
    "hospital_site.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages are answered here, before sessions, locale and auth do any work.
    "departments.pages.cache.PublicPageCacheMiddleware",
    # In the second after the database failed, the 503 page at once (hospital_site/middleware.py).
    "hospital_site.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hospital_site.middleware.AdminQueryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hospital_site.urls"
WSGI_APPLICATION = "hospital_site.wsgi.application"

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
                "departments.pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, except that a serving site (wsgi.py sets DJANGO_DATABASE_MUST_EXIST)
    # never creates an empty database where its file has gone (hospital_site/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "hospital_site.sqlite"
    # Transactions take the write lock when they begin, so that two writers at once (a failed
    # login recorded while an editor saves) queue within the busy timeout. In SQLite's default
    # deferred mode a transaction that read first and then writes is refused at once ("database
    # is locked", a 500) while another one writes (tests/serving/test_sqlite_writers.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
    if env_bool("DJANGO_DATABASE_MUST_EXIST"):
        DATABASES["default"].setdefault("OPTIONS", {})["must_exist"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database server must fail fast (a 503 page), not hold a worker until
    # gunicorn's timeout kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rendered-page cache must be shared by every worker and host: the database's cache table
# (`manage.py createcachetable`) by default, Redis when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "TIMEOUT": 24 * 60 * 60,  # pages of old content versions expire; current ones are re-rendered
            # A Redis that stops answering must cost a request a fraction of a second, not hang
            # it: the page is then rendered without the cache (departments.pages.cache.SharedCache).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "TIMEOUT": 24 * 60 * 60,  # pages of old content versions expire; current ones are re-rendered
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Each worker's cache of search results, in bytes, least recently used dropped first
# (departments.pages.cache.SearchCache): distinct queries, however many, never take more.
SEARCH_CACHE_BYTES = int(os.environ.get("DJANGO_SEARCH_CACHE_BYTES") or 8 * 1024 * 1024)
# After the database or the shared cache failed to answer, how long each worker does without it,
# unasked (departments.pages.outages): a server that times out would otherwise cost every request
# its timeout. Longer: fewer requests pay the timeout; shorter: a returning server is used sooner.
OUTAGE_RETRY_SECONDS = float(os.environ.get("DJANGO_OUTAGE_RETRY_SECONDS") or 1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: English is the default and the fallback; zh-hans is Simplified Chinese.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as British English writes them (hospital_site/formats/en/formats.py).
FORMAT_MODULE_PATH = ["hospital_site.formats"]
# The hospital's texts the content is built from, shown whole at /<language>/sources/<name>/.
SOURCE_TEXTS_DIR = BASE_DIR / "fixtures" / "sources"
# Where `loaddata 30-spine-surgery` finds a fixture named without its path.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_AUTO_POPULATE = False

# The ICP filing number a site served in mainland China must show in its footer (for example
# "吉ICP备12345678号-1"), linked to the filing register. Empty: no line is shown.
ICP_FILING = os.environ.get("DJANGO_ICP_FILING", "").strip()

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The admin's hospital and department pages post every inline row's fields at once (about 460
# for the hospital today); Django's default of 1,000 would refuse a save, and lose the edit, once
# the content roughly doubles. Photo uploads are limited in departments/content/photos.py (10 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# WhiteNoise serves only what collectstatic wrote (no finders, no autorefresh unless DEBUG). Files
# with a content hash in their name (the manifest's) are sent "immutable" with a ten-year max-age;
# a file asked for by its plain name may change at the next deploy, so it is cached for an hour.
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600

# Security headers. Django sends HSTS, nosniff, Referrer-Policy, COOP and X-Frame-Options;
# hospital_site.middleware sends the rest (Django 5.2 has no CSP support of its own).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere, the admin included: Django's admin has none.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
    + (["upgrade-insecure-requests"] if HTTPS else [])
)
# Every powerful feature off: the site is documents and one admin.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

if HTTPS:
    # TLS ends at nginx, which says so in X-Forwarded-Proto (deploy/nginx/hospital.conf sets it
    # and overwrites whatever a client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The health check may be asked over plain HTTP on the host itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 63072000))  # two years
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Only staff have cookies (public pages set none). An admin session lasts one working day.
SESSION_ENGINE = "hospital_site.sessions"
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"

# Admin login lockout (django-axes): five wrong passwords for one username from one address lock
# that pair for 30 minutes. Keyed on the pair, so an attacker cannot lock editors out from
# elsewhere. Behind nginx, the client address is read from X-Forwarded-For as set by the proxies
# we run (DJANGO_TRUSTED_PROXIES: how many; 0 when clients connect straight to gunicorn).
AUTHENTICATION_BACKENDS = [
    "hospital_site.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", 0))
AXES_CLIENT_IP_CALLABLE = "hospital_site.lockout.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A request that failed because the database is unreachable is not logged on its own, with its
    # traceback, but counted in the outage's lines (departments.pages.outages), once a period.
    "filters": {"outages": {"()": "departments.pages.outages.OutageFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["outages"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
