"""The one settings module. Every value comes from an environment variable (see README table)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FANSUB_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env_str("DJANGO_ENV", "development")  # development | test | production
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}")
IS_PRODUCTION = DJANGO_ENV == "production"
IS_TEST = DJANGO_ENV == "test"

_DEV_SECRET = "dev-insecure-secret-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
if IS_PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")

DEBUG = env_bool("DEBUG", default=DJANGO_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "governance",
    "telemetry",
    "payments",
    "fansub",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "telemetry.middleware.RequestTelemetryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "fansub.context_processors.site",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fansub.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + immediate transactions: concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, rate limits, background work ------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fansub"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=IS_TEST)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "fansub.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if IS_TEST:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", default=True)

# --- i18n / time ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or IS_TEST
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "us-east-1")
AWS_DEFAULT_ACL = "private"
AWS_QUERYSTRING_AUTH = True
AWS_S3_FILE_OVERWRITE = False
_private_storage = (
    {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": AWS_STORAGE_BUCKET_NAME}}
    if AWS_STORAGE_BUCKET_NAME
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/media/private/"},
    }
)
STORAGES = {
    "default": _private_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if IS_TEST
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fan-Sub <no-reply@fansub.local>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
        "signup": env_str("API_THROTTLE_SIGNUP", "10/hour"),
    },
    "EXCEPTION_HANDLER": "common.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if IS_TEST:
    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
SPECTACULAR_SETTINGS = {
    "TITLE": "Fan-Sub API",
    "DESCRIPTION": "Subscriptions, tips, pay-per-view and custom requests between fans and creators.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- telemetry ------------------------------------------------------------------------
TELEMETRY_PSEUDONYM_KEY = env_str("TELEMETRY_PSEUDONYM_KEY", "" if IS_PRODUCTION else "dev-pseudonym-key")
if IS_PRODUCTION and not TELEMETRY_PSEUDONYM_KEY:
    raise ImproperlyConfigured("TELEMETRY_PSEUDONYM_KEY must be set in production")
TELEMETRY_SINK = env_str("TELEMETRY_SINK", "local")  # local | s3 | firehose
TELEMETRY_LAKE_DIR = Path(env_str("TELEMETRY_LAKE_DIR", str(VAR_DIR / "lake")))
TELEMETRY_S3_BUCKET = env_str("TELEMETRY_S3_BUCKET", "")
TELEMETRY_S3_PREFIX = env_str("TELEMETRY_S3_PREFIX", "bronze/events")
TELEMETRY_FIREHOSE_STREAM = env_str("TELEMETRY_FIREHOSE_STREAM", "")
TELEMETRY_AWS_ENDPOINT_URL = env_str("TELEMETRY_AWS_ENDPOINT_URL", "") or None
TELEMETRY_REQUEST_SAMPLE_RATE = env_float("TELEMETRY_REQUEST_SAMPLE_RATE", 1.0)
TELEMETRY_PUBLISH_BATCH_SIZE = env_int("TELEMETRY_PUBLISH_BATCH_SIZE", 500)

# --- personal data --------------------------------------------------------------------
# Fernet keys (comma-separated, newest first) for field-level encryption of identity records.
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtMDE="  # "dev-only-field-key-do-not-use-01"
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [] if IS_PRODUCTION else [_DEV_FIELD_KEY])
if IS_PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production")
RECORDS_RETENTION_YEARS = env_int("RECORDS_RETENTION_YEARS", 7)

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the htmx helpers read it; the token is not a secret from the page itself
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

CELERY_BEAT_SCHEDULE = {
    "telemetry-publish-outbox": {
        "task": "telemetry.publish_outbox",
        "schedule": env_float("TELEMETRY_PUBLISH_EVERY_SECONDS", 30.0),
    },
}

# --- media watermarks (fansub/media/watermark) ------------------------------------------
WATERMARK_PLATFORM_NAME = env_str("WATERMARK_PLATFORM_NAME", "Fan-Sub")
WATERMARK_STYLE = env_str("WATERMARK_STYLE", "tiled")  # tiled | corner (default when the creator has no choice)
WATERMARK_POSITION = env_str("WATERMARK_POSITION", "bottom-right")  # corner style: bottom-right|…|top-left|center
WATERMARK_OPACITY = env_float("WATERMARK_OPACITY", 0.22)  # visible mark strength 0..1 (above 0.5 saturates)
WATERMARK_TEXT_SCALE = env_float("WATERMARK_TEXT_SCALE", 0.022)  # text height / longest side
WATERMARK_JPEG_QUALITY = env_int("WATERMARK_JPEG_QUALITY", 88)
WATERMARK_CACHE_SIZE = env_int("WATERMARK_CACHE_SIZE", 32)  # visible layers kept per process (LRU)
WATERMARK_PREPARED_CACHE_SIZE = env_int("WATERMARK_PREPARED_CACHE_SIZE", 8)  # prepared finals (~4 B/pixel each)
_DEV_WATERMARK_KEY = "dev-only-forensic-watermark-key"
WATERMARK_FORENSIC_KEY = env_str("WATERMARK_FORENSIC_KEY", "" if IS_PRODUCTION else _DEV_WATERMARK_KEY)
if IS_PRODUCTION and (not WATERMARK_FORENSIC_KEY or WATERMARK_FORENSIC_KEY == _DEV_WATERMARK_KEY):
    raise ImproperlyConfigured("WATERMARK_FORENSIC_KEY must be set in production (never rotate it: old leaks)")
