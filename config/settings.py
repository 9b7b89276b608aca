"""The one settings module. Every value comes from an environment variable (see README table)."""

import os
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
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files: docs work offline
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "governance",
    "telemetry",
    "payments",
    "fansub.accounts",
    "fansub.verification",
    "fansub.offers",
    "fansub.subscriptions",
    "fansub.posts",
    "fansub.purchases",
    "fansub.messaging",
    "fansub.custom_requests",
    "fansub.media",
    "fansub.studio",
    "fansub.demo",
    "moderation",
    "warehouse",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.ApiErrorBodyMiddleware",
    "common.middleware.NulByteMiddleware",
    "common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fansub.verification.middleware.AgeCountryEvidenceMiddleware",
    "payments.request_country.RequestCountryMiddleware",
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
                "fansub.accounts.context_processors.site",
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
    # Kept open between requests like any other database: opening one (functions registered, pragmas run)
    # costs more than serving a cached page. runserver's threads close theirs when they end. Not in tests:
    # a live server thread holding its connection to the shared in-memory database locks it for the test.
    if IS_TEST:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, rate limits, background work ------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          # Parallel test workers share one Redis database: each keeps to its own keys.
                          "KEY_PREFIX": f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}" if IS_TEST
                          else env_str("CACHE_KEY_PREFIX", "fansub")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fansub"}}
# Rendered fan pages (fansub.posts.page_cache). Shared in Redis; else each process keeps its own few hundred.
CACHES["pages"] = ({**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-pages"}
                   if REDIS_URL else
                   {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fansub-pages",
                    "OPTIONS": {"MAX_ENTRIES": 400}})

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),  # kombu's default is ./control in the cwd
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
for _key in ("data_folder_in", "processed_folder", "control_folder"):  # the transport needs them to exist
    if _key in CELERY_BROKER_TRANSPORT_OPTIONS:
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[_key]).mkdir(parents=True, exist_ok=True)
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT = "config.kombu_filesystem:Transport"  # atomic writes; see that module
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
AUTH_USER_MODEL = "accounts.User"
# ModelBackend with a cheaper per-request user lookup; ModelBackend itself still answers sessions opened with it.
AUTHENTICATION_BACKENDS = ["fansub.accounts.backends.AccountBackend", "django.contrib.auth.backends.ModelBackend"]
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
EMAIL_CHANGE_LINK_MAX_AGE_SECONDS = env_int("EMAIL_CHANGE_LINK_MAX_AGE_SECONDS", 48 * 3600)
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", default=True)
STAFF_API_TOKEN_TTL_SECONDS = env_int("STAFF_API_TOKEN_TTL_SECONDS", 8 * 3600)  # staff powers of an API token

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
# Sent on every HTML page: scripts only from our origin (no inline script), no plugins, no framing.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
)
# Largest non-file request body (JSON, form fields): above it the API answers 413 REQUEST_TOO_LARGE.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Deepest JSON nesting the API parses: deeper bodies are 400 JSON_TOO_DEEP (never a RecursionError).
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 64)

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
        "governance.authentication.OtpAwareTokenAuthentication",
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
    # JSON bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (413) and API_JSON_MAX_DEPTH (400).
    "DEFAULT_PARSER_CLASSES": [
        "common.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.AutoSchema",
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
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name across components get stable names here.
    "ENUM_NAME_OVERRIDES": {
        "MediaKindEnum": "fansub.media.models.MediaKind",
        "RequestKindEnum": "fansub.custom_requests.models.RequestType",
        "VerificationStatusEnum": "fansub.verification.models.verifications.VerificationStatus",
        "PrivacyRequestKindEnum": "governance.models.DsarKind",
        "PrivacyRequestStatusEnum": "governance.models.DsarStatus",
        "RefundRequestReasonEnum": "payments.models.refund_requests.RefundRequestReason",
        "RefundRequestStatusEnum": "payments.models.refund_requests.RefundRequestStatus",
    },
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

# --- warehouse (dbt over the lake) ----------------------------------------------------
WAREHOUSE_TARGET = env_str("WAREHOUSE_TARGET", "local")  # local (DuckDB over var/lake) | athena
WAREHOUSE_DIR = Path(env_str("WAREHOUSE_DIR", str(VAR_DIR / "warehouse")))
WAREHOUSE_DUCKDB_PATH = Path(env_str("WAREHOUSE_DUCKDB_PATH", str(WAREHOUSE_DIR / "warehouse.duckdb")))
WAREHOUSE_BUILD_TIMEOUT_SECONDS = env_int("WAREHOUSE_BUILD_TIMEOUT_SECONDS", 1800)

# --- personal data --------------------------------------------------------------------
# Fernet keys (comma-separated, newest first) for field-level encryption of identity records.
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtMDE="  # "dev-only-field-key-do-not-use-01"
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [] if IS_PRODUCTION else [_DEV_FIELD_KEY])
if IS_PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production")
RECORDS_RETENTION_YEARS = env_int("RECORDS_RETENTION_YEARS", 7)
# A rejected creator verification's ID copy, selfie and record are deleted this long after the refusal.
IDENTITY_DOCUMENT_RETENTION_DAYS = env_int("IDENTITY_DOCUMENT_RETENTION_DAYS", 90)

# --- age assurance (fans) and identity verification (creators) ------------------------
AGE_ASSURANCE_PROVIDER = env_str("AGE_ASSURANCE_PROVIDER", "simulator")
# The built-in simulator lets anyone pass: never on in production unless explicitly (and wrongly) forced.
AGE_SIMULATOR_ENABLED = env_bool("AGE_SIMULATOR_ENABLED", default=not IS_PRODUCTION)
# Per-provider webhook secrets, "provider=secret" pairs separated by commas.
AGE_WEBHOOK_SECRETS = dict(
    item.split("=", 1) for item in env_list("AGE_WEBHOOK_SECRETS", [] if IS_PRODUCTION else
                                            ["simulator=dev-only-age-webhook-secret"]) if "=" in item
)
AGE_WEBHOOK_TOLERANCE_SECONDS = env_int("AGE_WEBHOOK_TOLERANCE_SECONDS", 300)
AGE_SESSION_TTL_MINUTES = env_int("AGE_SESSION_TTL_MINUTES", 60)
# A trusted proxy's country header (e.g. "CF-IPCountry"): its country binds a fan's age rule too. Empty: declared only.
AGE_COUNTRY_HEADER = env_str("AGE_COUNTRY_HEADER", "")
IDENTITY_UPLOAD_MAX_BYTES = env_int("IDENTITY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# --- security -------------------------------------------------------------------------
# Sessions are read from the cache and written through to the database: a signed-in page view costs no
# session query (revoke_access deletes through the store, so a revoked session leaves the cache too).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
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
    "fansub-billing-cycle": {"task": "subscriptions.run_billing_cycle", "schedule": 300.0},
    "fansub-expire-checkouts": {"task": "subscriptions.expire_checkouts", "schedule": 300.0},
    "fansub-publish-due-posts": {"task": "posts.publish_due_posts", "schedule": 60.0},
    "fansub-request-deadlines": {"task": "custom_requests.run_request_deadlines", "schedule": 300.0},
    "telemetry-publish-outbox": {
        "task": "telemetry.publish_outbox",
        "schedule": env_float("TELEMETRY_PUBLISH_EVERY_SECONDS", 30.0),
    },
}

# --- payment providers (adapters: payments/providers/) --------------------------------
# Which provider takes each content category's purchases. Stripe's terms prohibit adult content,
# so an adult route to Stripe is refused here, at startup (routing.py refuses it again per call).
PAYMENTS_PROVIDER_SFW = env_str("PAYMENTS_PROVIDER_SFW", "simulator").strip().lower()
PAYMENTS_PROVIDER_ADULT = env_str("PAYMENTS_PROVIDER_ADULT", "simulator").strip().lower()
if PAYMENTS_PROVIDER_ADULT == "stripe":
    raise ImproperlyConfigured("PAYMENTS_PROVIDER_ADULT cannot be stripe: Stripe's terms prohibit adult content.")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRETS = env_list("STRIPE_WEBHOOK_SECRET", [])  # comma-separated: platform and Connect endpoints
STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRETS[0] if STRIPE_WEBHOOK_SECRETS else ""
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")  # empty: api.stripe.com; tests point it at a local fake
STRIPE_LIVEMODE = env_bool("STRIPE_LIVEMODE", default=False)
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
STRIPE_TIMEOUT_SECONDS = env_float("STRIPE_TIMEOUT_SECONDS", 20.0)
if IS_PRODUCTION and PAYMENTS_PROVIDER_SFW == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRETS):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set to use Stripe.")
CCBILL_CLIENT_ACCNUM = env_str("CCBILL_CLIENT_ACCNUM", "")
CCBILL_CLIENT_SUBACC = env_str("CCBILL_CLIENT_SUBACC", "")
CCBILL_FLEXFORM_ID = env_str("CCBILL_FLEXFORM_ID", "")
CCBILL_SALT = env_str("CCBILL_SALT", "")
CCBILL_FLEXFORMS_BASE_URL = env_str("CCBILL_FLEXFORMS_BASE_URL", "https://api.ccbill.com/wap-frontflex/flexforms")
CCBILL_INITIAL_PERIOD_DAYS = env_int("CCBILL_INITIAL_PERIOD_DAYS", 30)
CCBILL_DATALINK_URL = env_str("CCBILL_DATALINK_URL", "https://datalink.ccbill.com/utils/subscriptionManagement.cgi")
CCBILL_DATALINK_USERNAME = env_str("CCBILL_DATALINK_USERNAME", "")
CCBILL_DATALINK_PASSWORD = env_str("CCBILL_DATALINK_PASSWORD", "")
CCBILL_WEBHOOK_ALLOWED_NETWORKS = env_list(
    "CCBILL_WEBHOOK_ALLOWED_NETWORKS", ["64.38.212.0/24", "64.38.215.0/24", "64.38.240.0/24", "64.38.241.0/24"])
CCBILL_WEBHOOK_TOKEN = env_str("CCBILL_WEBHOOK_TOKEN", "")
CCBILL_LIVEMODE = env_bool("CCBILL_LIVEMODE", default=IS_PRODUCTION)
if IS_PRODUCTION and PAYMENTS_PROVIDER_ADULT == "ccbill" and not (
    CCBILL_CLIENT_ACCNUM and CCBILL_CLIENT_SUBACC and CCBILL_FLEXFORM_ID and CCBILL_SALT
):
    raise ImproperlyConfigured("CCBILL_CLIENT_ACCNUM, CCBILL_CLIENT_SUBACC, CCBILL_FLEXFORM_ID and CCBILL_SALT "
                               "must be set to use CCBill.")
# --- subscriptions ----------------------------------------------------------------------
CREATOR_DEFAULT_CURRENCY = env_str("CREATOR_DEFAULT_CURRENCY", "USD")
TIER_PRICE_MIN = env_str("TIER_PRICE_MIN", "4.99")
TIER_PRICE_MAX = env_str("TIER_PRICE_MAX", "49.99")
PROMOTION_PRICE_FLOOR = env_str("PROMOTION_PRICE_FLOOR", "3.00")
SUBSCRIPTION_RETRY_DAYS = [int(d) for d in env_list("SUBSCRIPTION_RETRY_DAYS", ["1", "3", "5"])]
SUBSCRIPTION_GRACE_DAYS = env_int("SUBSCRIPTION_GRACE_DAYS", 3)
SUBSCRIPTION_REMINDER_DAYS = env_int("SUBSCRIPTION_REMINDER_DAYS", 7)
# A subscribe/upgrade checkout whose payment has not finished (3-D Secure, provider down) stops blocking
# the fan and releases its seat and promotion claim after this long; a payment that succeeds later is refunded.
SUBSCRIPTION_CHECKOUT_TTL_MINUTES = env_int("SUBSCRIPTION_CHECKOUT_TTL_MINUTES", 30)
FEED_PAGE_SIZE = env_int("FEED_PAGE_SIZE", 20)
PPV_PRICE_MIN = env_str("PPV_PRICE_MIN", "1.00")
PPV_PRICE_MAX = env_str("PPV_PRICE_MAX", "500.00")
MESSAGE_RATE_PER_MINUTE = env_int("MESSAGE_RATE_PER_MINUTE", 30)
MASS_MESSAGE_BATCH_SIZE = env_int("MASS_MESSAGE_BATCH_SIZE", 1000)
REQUEST_PRICE_MAX = env_str("REQUEST_PRICE_MAX", "2000.00")  # most a custom request may cost (major units)
REQUEST_ACCEPT_HOURS = env_int("REQUEST_ACCEPT_HOURS", 72)
REQUEST_REVIEW_DAYS = env_int("REQUEST_REVIEW_DAYS", 3)
# While an accept's escrow payment runs, other accepts of the request are refused (CHECKOUT_IN_PROGRESS);
# after this long an interrupted accept stops blocking (its retry reuses the same payment key).
REQUEST_ACCEPT_PAYMENT_MINUTES = env_int("REQUEST_ACCEPT_PAYMENT_MINUTES", 5)
TIP_MIN = env_str("TIP_MIN", "1.00")
TIP_MAX = env_str("TIP_MAX", "200.00")

# --- payments -------------------------------------------------------------------------
PLATFORM_FEE_PERCENT = env_str("PLATFORM_FEE_PERCENT", "20")  # a Decimal string; of the price excluding tax
TAX_PRICES_INCLUDE_TAX = env_bool("TAX_PRICES_INCLUDE_TAX", default=False)
PAYMENTS_TAX_ENGINE = env_str("PAYMENTS_TAX_ENGINE", "payments.tax.engine.BuiltinTaxEngine")
TAX_RECORDS_RETENTION_YEARS = env_int("TAX_RECORDS_RETENTION_YEARS", 10)
# The routing table by the creator's content category (names: payments.providers.registry).
PAYMENTS_ROUTING = {"default": PAYMENTS_PROVIDER_SFW, "adult": PAYMENTS_PROVIDER_ADULT}
PAYMENTS_PROVIDER_CLASSES: dict[str, str] = {}
PAYMENTS_LIVEMODE = env_bool("PAYMENTS_LIVEMODE", default=False)
PAYMENTS_ALLOW_SIMULATOR = env_bool("PAYMENTS_ALLOW_SIMULATOR", default=not IS_PRODUCTION)
if "simulator" in PAYMENTS_ROUTING.values() and not PAYMENTS_ALLOW_SIMULATOR:
    raise ImproperlyConfigured("the payment simulator is routed to but PAYMENTS_ALLOW_SIMULATOR is off")
PAYMENTS_SIMULATOR_WEBHOOK_SECRET = env_str("PAYMENTS_SIMULATOR_WEBHOOK_SECRET", "whsec_simulator_local_only")
PAYMENTS_SIMULATOR_WEBHOOKS = env_bool("PAYMENTS_SIMULATOR_WEBHOOKS", default=True)
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = env_int("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", 300)
PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS = env_int("PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS", 90)
PAYMENTS_IDEMPOTENCY_WAIT_SECONDS = env_float("PAYMENTS_IDEMPOTENCY_WAIT_SECONDS", 10.0)
PAYMENTS_SELLER_LEGAL_NAME = env_str("PAYMENTS_SELLER_LEGAL_NAME", "Fan-Sub Ltd")
PAYMENTS_SELLER_ADDRESS = env_str("PAYMENTS_SELLER_ADDRESS", "1 Example Street, London, United Kingdom")
PAYMENTS_SELLER_VAT_ID = env_str("PAYMENTS_SELLER_VAT_ID", "GB000000000")
PAYOUT_HOLD_DAYS = env_int("PAYOUT_HOLD_DAYS", 7)
PAYOUT_MINIMUM_MINOR = env_int("PAYOUT_MINIMUM_MINOR", 2000)
CELERY_BEAT_SCHEDULE.update({
    "payments-release-pending": {"task": "payments.release_pending", "schedule": 3600.0},
    "payments-reconcile": {"task": "payments.reconcile", "schedule": 900.0},
    "payments-payout-run": {"task": "payments.payout_run", "schedule": 86400.0},
    "payments-purge-webhook-bodies": {"task": "payments.purge_webhook_bodies", "schedule": 86400.0},
    "payments-monthly-statements": {"task": "payments.monthly_statements", "schedule": 86400.0},
    "payments-send-receipt-emails": {"task": "payments.send_receipt_emails",
                                     "schedule": env_float("PAYMENTS_RECEIPT_EMAIL_EVERY_SECONDS", 15.0)},
})
# --- media pipeline (fansub.media) ------------------------------------------------------
MEDIA_MAX_IMAGE_BYTES = env_int("MEDIA_MAX_IMAGE_BYTES", 50 * 1024 * 1024)
MEDIA_MAX_VIDEO_BYTES = env_int("MEDIA_MAX_VIDEO_BYTES", 2 * 1024 * 1024 * 1024)
MEDIA_MAX_IMAGE_PIXELS = env_int("MEDIA_MAX_IMAGE_PIXELS", 80_000_000)  # decompression-bomb limit
MEDIA_MAX_VIDEO_SECONDS = env_int("MEDIA_MAX_VIDEO_SECONDS", 4 * 3600)
MEDIA_FINAL_MAX_SIDE = env_int("MEDIA_FINAL_MAX_SIDE", 4096)
MEDIA_VIDEO_MAX_SIDE = env_int("MEDIA_VIDEO_MAX_SIDE", 1920)
MEDIA_THUMBNAIL_SIDE = env_int("MEDIA_THUMBNAIL_SIDE", 320)
MEDIA_PREVIEW_SIDE = env_int("MEDIA_PREVIEW_SIDE", 480)
MEDIA_SIGNED_URL_TTL_SECONDS = env_int("MEDIA_SIGNED_URL_TTL_SECONDS", 600)
# Rendered feed, profile and post pages are cached per viewer under version stamps bumped with every change
# they show (fansub.posts.page_cache); this bounds only what changes by the clock alone. 0: no page cache.
PAGE_CACHE_SECONDS = min(env_int("PAGE_CACHE_SECONDS", 30), MEDIA_SIGNED_URL_TTL_SECONDS // 4)
MEDIA_S3_PRESIGN_TTL_SECONDS = env_int("MEDIA_S3_PRESIGN_TTL_SECONDS", 60)
MEDIA_UPLOAD_TICKET_TTL_SECONDS = env_int("MEDIA_UPLOAD_TICKET_TTL_SECONDS", 3600)
MEDIA_SERVE_MODE = env_str("MEDIA_SERVE_MODE", "django")  # django | x-accel-redirect | x-sendfile
MEDIA_X_ACCEL_PREFIX = env_str("MEDIA_X_ACCEL_PREFIX", "/protected-media/")
MEDIA_WATERMARK_CACHE_MAX_ITEMS = env_int("MEDIA_WATERMARK_CACHE_MAX_ITEMS", 2000)
MEDIA_PROCESSING_MAX_RETRIES = env_int("MEDIA_PROCESSING_MAX_RETRIES", 5)
MEDIA_ORPHAN_GRACE_SECONDS = env_int("MEDIA_ORPHAN_GRACE_SECONDS", 6 * 3600)
# Video finals are also packaged as HLS with A/B-marked segments (fansub/media/video_mark): segment length,
# mark strength (luma levels RMS) and how long a playlist's segment links stay valid (a whole viewing).
MEDIA_VIDEO_MARKS = env_bool("MEDIA_VIDEO_MARKS", default=True)
MEDIA_HLS_SEGMENT_SECONDS = env_float("MEDIA_HLS_SEGMENT_SECONDS", 2.0)
MEDIA_VIDEO_MARK_STRENGTH = env_float("MEDIA_VIDEO_MARK_STRENGTH", 2.0)
MEDIA_HLS_URL_TTL_SECONDS = env_int("MEDIA_HLS_URL_TTL_SECONDS", 4 * 3600)
CELERY_BEAT_SCHEDULE["media-trim-watermark-cache"] = {
    "task": "media.trim_watermark_cache", "schedule": env_float("MEDIA_CACHE_TRIM_EVERY_SECONDS", 3600.0)}
CELERY_BEAT_SCHEDULE["media-sweep-orphans"] = {
    "task": "media.sweep_orphans", "schedule": env_float("MEDIA_ORPHAN_SWEEP_EVERY_SECONDS", 86400.0)}
CELERY_BEAT_SCHEDULE["fansub-expire-verifications"] = {
    "task": "verification.expire_verifications",
    "schedule": env_float("VERIFICATION_EXPIRY_EVERY_SECONDS", 900.0),
}
CELERY_BEAT_SCHEDULE["fansub-purge-producer-records"] = {
    "task": "verification.purge_expired_producer_records",
    "schedule": 86400.0,
}
# --- media watermarks (fansub/media/watermark) ------------------------------------------
WATERMARK_PLATFORM_NAME = env_str("WATERMARK_PLATFORM_NAME", "Fan-Sub")
WATERMARK_STYLE = env_str("WATERMARK_STYLE", "tiled")  # tiled | corner (default when the creator has no choice)
WATERMARK_POSITION = env_str("WATERMARK_POSITION", "bottom-right")  # corner style: bottom-right|…|top-left|center
WATERMARK_OPACITY = env_float("WATERMARK_OPACITY", 0.22)  # visible mark strength 0..1 (above 0.5 saturates)
WATERMARK_TEXT_SCALE = env_float("WATERMARK_TEXT_SCALE", 0.022)  # text height / longest side
WATERMARK_JPEG_QUALITY = env_int("WATERMARK_JPEG_QUALITY", 88)
WATERMARK_CACHE_SIZE = env_int("WATERMARK_CACHE_SIZE", 32)  # visible layers kept per process (LRU)
# Prepared finals kept per process (4 bytes/pixel each), in bytes.
WATERMARK_CACHE_BYTES = env_int("WATERMARK_CACHE_BYTES", 128 * 1024 * 1024)
# Longest sides served to pages (srcset); the full final only on ?size=full.
WATERMARK_DISPLAY_SIZES = tuple(sorted({int(v) for v in env_str("WATERMARK_DISPLAY_SIZES", "1080,2048").split(",")
                                        if v.strip()}))
_DEV_WATERMARK_KEY = "dev-only-forensic-watermark-key"
WATERMARK_FORENSIC_KEY = env_str("WATERMARK_FORENSIC_KEY", "" if IS_PRODUCTION else _DEV_WATERMARK_KEY)
if IS_PRODUCTION and (not WATERMARK_FORENSIC_KEY or WATERMARK_FORENSIC_KEY == _DEV_WATERMARK_KEY):
    raise ImproperlyConfigured("WATERMARK_FORENSIC_KEY must be set in production (never rotate it: old leaks)")

# --- payments (issue 11) ---
# Live money by default in production, like CCBILL_LIVEMODE: a webhook whose livemode differs is refused.
PAYMENTS_LIVEMODE = env_bool("PAYMENTS_LIVEMODE", default=IS_PRODUCTION)
# reconcile: a payment whose provider answer was lost and that the provider has no record of after this
# long was never charged; it is marked failed (provider_no_record) so the fan can pay again.
PAYMENTS_REDRIVE_GIVE_UP_SECONDS = env_int("PAYMENTS_REDRIVE_GIVE_UP_SECONDS", 900)
# A payment waiting on the fan's bank step (3-D Secure, CCBill's form) longer than this is cancelled at the
# provider and ended (payments.services.action_expiry); until then the purchases page offers to resume it.
PAYMENTS_ACTION_EXPIRY_MINUTES = env_int("PAYMENTS_ACTION_EXPIRY_MINUTES", 60)
if PAYMENTS_ACTION_EXPIRY_MINUTES < 1:
    raise ImproperlyConfigured("PAYMENTS_ACTION_EXPIRY_MINUTES must be at least 1")
CELERY_BEAT_SCHEDULE["payments-expire-abandoned-actions"] = {
    "task": "payments.expire_abandoned_actions", "schedule": 300.0}
# Trusted reverse proxies in front of the webhook endpoint: CCBill postbacks are checked by the sender's
# address, read from X-Forwarded-For this many hops from the right (0: the socket's address).
PAYMENTS_WEBHOOK_PROXY_HOPS = env_int("PAYMENTS_WEBHOOK_PROXY_HOPS", 0)
# A trusted proxy's geolocation header (e.g. "CF-IPCountry"): the request's country is stored as tax evidence
# on every charge. Defaults to AGE_COUNTRY_HEADER; empty: not collected. Only behind a proxy that overwrites it.
PAYMENTS_COUNTRY_HEADER = env_str("PAYMENTS_COUNTRY_HEADER", AGE_COUNTRY_HEADER)
# Refund requests: a fan may ask within REFUND_REQUEST_WINDOW_DAYS of paying; the creator may refund on their own
# up to REFUND_CREATOR_MAX_DAYS after the payment and up to REFUND_CREATOR_MAX_MINOR (in the payment's currency);
# beyond that Trust & Safety / Finance decide in the admin.
REFUND_REQUEST_WINDOW_DAYS = env_int("REFUND_REQUEST_WINDOW_DAYS", 60)
REFUND_CREATOR_MAX_DAYS = env_int("REFUND_CREATOR_MAX_DAYS", 30)
REFUND_CREATOR_MAX_MINOR = env_int("REFUND_CREATOR_MAX_MINOR", 10000)

# --- telemetry (issue 15) ---
# Sampled request events wait in process memory and reach the outbox in bulk (no commit per page view).
# Tests keep one event per write (their assertions read the outbox right after a request).
TELEMETRY_REQUEST_BUFFER_SIZE = max(1, env_int("TELEMETRY_REQUEST_BUFFER_SIZE", 1 if IS_TEST else 200))
TELEMETRY_REQUEST_BUFFER_SECONDS = env_float("TELEMETRY_REQUEST_BUFFER_SECONDS", 10.0)
# The publisher runs every 5 s by default (was 30 s): with Firehose's 60 s buffer on top, ingestion p95 stays
# near the 60 s SLO of §1.13 M. An idle run is one indexed SELECT.
CELERY_BEAT_SCHEDULE["telemetry-publish-outbox"]["schedule"] = env_float("TELEMETRY_PUBLISH_EVERY_SECONDS", 5.0)
# Publish lag (landing time - occurred_at): a batch whose p95 exceeds this counts PIPELINE_LAG_EXCEEDED (§1.13 M).
TELEMETRY_LAG_ALARM_SECONDS = env_float("TELEMETRY_LAG_ALARM_SECONDS", 120.0)
# TELEMETRY_SINK=eventbridge: PutEvents to this bus (name or ARN); Detail is the envelope.
TELEMETRY_EVENTBRIDGE_BUS = env_str("TELEMETRY_EVENTBRIDGE_BUS", "")
TELEMETRY_EVENTBRIDGE_SOURCE = env_str("TELEMETRY_EVENTBRIDGE_SOURCE", "fansub.telemetry")
# GET /metrics (Prometheus text): staff sessions, or "Authorization: Bearer <token>" when a token is set.
TELEMETRY_METRICS_TOKEN = env_str("TELEMETRY_METRICS_TOKEN", "")
# CloudWatch PutMetricData of the §1.13 L error-code counters (beat task; off unless a namespace is set).
TELEMETRY_CLOUDWATCH_NAMESPACE = env_str("TELEMETRY_CLOUDWATCH_NAMESPACE", "")
TELEMETRY_CLOUDWATCH_EVERY_SECONDS = env_float("TELEMETRY_CLOUDWATCH_EVERY_SECONDS", 60.0)
# The `env` label / CloudWatch Environment dimension (stage and production both run DJANGO_ENV=production).
TELEMETRY_ENV_LABEL = env_str("TELEMETRY_ENV_LABEL", "")
if TELEMETRY_CLOUDWATCH_NAMESPACE:
    CELERY_BEAT_SCHEDULE["telemetry-push-cloudwatch"] = {
        "task": "telemetry.push_cloudwatch_metrics", "schedule": TELEMETRY_CLOUDWATCH_EVERY_SECONDS}
# The warehouse build (dbt): Silver partitions of yesterday and today and every Gold mart, on this schedule.
WAREHOUSE_BUILD_EVERY_SECONDS = env_float("WAREHOUSE_BUILD_EVERY_SECONDS", 3600.0)
CELERY_BEAT_SCHEDULE["warehouse-build-recent"] = {
    "task": "warehouse.build_recent", "schedule": WAREHOUSE_BUILD_EVERY_SECONDS}
# Near-real-time views (payout backlog, webhook failures, ingestion freshness): rebuilt every minute locally (the
# plan: 10 min); older than the bound counts PIPELINE_LAG_EXCEEDED (component warehouse.nrt).
WAREHOUSE_NRT_EVERY_SECONDS = env_float("WAREHOUSE_NRT_EVERY_SECONDS", 60.0)
WAREHOUSE_NRT_MAX_AGE_SECONDS = env_int("WAREHOUSE_NRT_MAX_AGE_SECONDS", 120)
CELERY_BEAT_SCHEDULE["warehouse-refresh-nrt"] = {
    "task": "warehouse.refresh_nrt", "schedule": WAREHOUSE_NRT_EVERY_SECONDS}
# Bytes dashboard queries may scan per day (§1.13 M: 500 GB stage, 2 TB production); 80 % and 100 % count
# ATHENA_SCANNED_BYTES_BREACH. Locally the same rule runs on DuckDB's profile of each query.
WAREHOUSE_SCAN_BUDGET_BYTES = env_int("WAREHOUSE_SCAN_BUDGET_BYTES", 500 * 1000 ** 3)
# --- moderation: DMCA and known-bad hash matching (moderation/services/dmca_*, hash_*) -----------
DMCA_REPEAT_INFRINGER_THRESHOLD = env_int("DMCA_REPEAT_INFRINGER_THRESHOLD", 3)  # active strikes -> termination
DMCA_STRIKE_EXPIRY_DAYS = env_int("DMCA_STRIKE_EXPIRY_DAYS", 365)
DMCA_STRIKE_APPEAL_WINDOW_DAYS = env_int("DMCA_STRIKE_APPEAL_WINDOW_DAYS", 14)
DMCA_RESTORE_FROM_BUSINESS_DAY = env_int("DMCA_RESTORE_FROM_BUSINESS_DAY", 10)  # 512(g)(2)(C): not before
DMCA_RESTORE_BY_BUSINESS_DAY = env_int("DMCA_RESTORE_BY_BUSINESS_DAY", 14)  # ... and not after
DMCA_AGENT_NAME = env_str("DMCA_AGENT_NAME", "Fan-Sub Copyright Agent")
DMCA_AGENT_EMAIL = env_str("DMCA_AGENT_EMAIL", "copyright@fansub.example")
HASH_MATCH_MAX_DISTANCE = env_int("HASH_MATCH_MAX_DISTANCE", 31)  # PDQ Hamming distance (of 256 bits)
HASH_MATCH_VIDEO_FRAMES = env_int("HASH_MATCH_VIDEO_FRAMES", 8)  # frames sampled evenly from each video
HASH_PRESERVATION_DAYS = env_int("HASH_PRESERVATION_DAYS", 365)  # 18 U.S.C. 2258A(h) as amended: one year
CELERY_BEAT_SCHEDULE["moderation-dmca-restorations"] = {
    "task": "moderation.run_dmca_restorations", "schedule": env_float("DMCA_RESTORE_EVERY_SECONDS", 3600.0)}
HASH_MATCH_MIN_QUALITY = env_int("HASH_MATCH_MIN_QUALITY", 50)  # PDQ quality below this is not compared

# --- moderation (Trust & Safety) ---------------------------------------------------------------
# SLA per report category in hours ("category=hours,…" overrides some); the queue shows time left.
MODERATION_SLA_HOURS = {"suspected_minor": 1, "illegal_content": 4, "non_consensual": 4, "harassment": 24,
                        "impersonation": 48, "copyright": 48, "spam": 72, "other": 72}
MODERATION_SLA_HOURS.update({k.strip(): int(v) for k, _, v in (p.partition("=") for p in
                             env_list("MODERATION_SLA_HOURS", [])) if v})
MODERATION_STRIKE_DAYS = env_int("MODERATION_STRIKE_DAYS", 180)  # a strike counts this long
MODERATION_APPEAL_WINDOW_DAYS = env_int("MODERATION_APPEAL_WINDOW_DAYS", 14)
MODERATION_SUSPEND_DAYS = env_int("MODERATION_SUSPEND_DAYS", 7)  # default length of a suspension
# Text screening rules from settings ("category:severity:action:term|…"; admin-edited rules add to them).
MODERATION_SCREENING_RULES = [r for r in env_str("MODERATION_SCREENING_RULES", "").split("|") if r.strip()]
CELERY_BEAT_SCHEDULE["moderation-lift-suspensions"] = {"task": "moderation.lift_suspensions_due", "schedule": 300.0}

# --- privacy (governance: data-subject requests, exports, retention; issue 14) ------------------------------
PRIVACY_EXPORT_TTL_HOURS = env_int("PRIVACY_EXPORT_TTL_HOURS", 72)  # the export link and file, then deleted
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "privacy@fansub.local")
PRIVACY_SUPERVISORY_AUTHORITY = env_str("PRIVACY_SUPERVISORY_AUTHORITY",
                                        "the Information Commissioner's Office, ico.org.uk")
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 730)  # message text emptied after this
REQUEST_DELIVERY_RETENTION_DAYS = env_int("REQUEST_DELIVERY_RETENTION_DAYS", 365)  # closed requests' notes
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 90)  # refused events (dead letters) deleted after this
CELERY_BEAT_SCHEDULE["governance-retention"] = {
    "task": "governance.run_retention", "schedule": env_float("PRIVACY_RETENTION_EVERY_SECONDS", 86400.0)}
CELERY_BEAT_SCHEDULE["governance-dsar-due"] = {
    "task": "governance.expire_exports", "schedule": env_float("PRIVACY_EXPORT_SWEEP_EVERY_SECONDS", 3600.0)}
