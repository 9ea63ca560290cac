"""Oracle Lumira settings, read from the environment with django-environ (SPEC §3)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The local .env that `make run` writes. ENV_FILE names another file; the test settings set it
# empty, so that a developer's .env (DEBUG=1…) never changes what the suite checks.
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE)  # real environment variables still win

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "orders",
    "shop",
    "payments",
    "experts",
    "sanctuaire",
    "django_tasks",
    "operations.apps.TaskQueueConfig",  # django_tasks_db, named in French
    "operations",
    "billing",
    "legal",
    "ops",
    "legacy",
]

MIDDLEWARE = [
    "operations.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lumira.middleware.SecurityHeadersMiddleware",
]

# Django's backend; its get_user also reads the user's profiles (lumira/backends.py).
AUTHENTICATION_BACKENDS = ["lumira.backends.ModelBackend"]

ROOT_URLCONF = "lumira.urls"
WSGI_APPLICATION = "lumira.wsgi.application"

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
                "lumira.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # TCP keepalives let the kernel notice a vanished database host between requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3
    )
    # Once a statement has run 5 times on a connection, psycopg prepares it: PostgreSQL then
    # skips parsing and planning the reads every request repeats (session, user). Django
    # leaves this off by default; it needs server-side binding. Behind a pooler in transaction
    # mode that cannot keep prepared statements (PgBouncer before 1.21), set
    # DB_PREPARE_THRESHOLD to an empty value.
    _prepare_threshold = env.str("DB_PREPARE_THRESHOLD", default="5")
    DATABASES["default"]["OPTIONS"].update(
        server_side_binding=True,
        prepare_threshold=int(_prepare_threshold) if _prepare_threshold else None,
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # Waiting on the write lock beats "database is locked" under concurrent webhooks;
        # taking it at BEGIN (IMMEDIATE) avoids the deadlock of two readers upgrading at once,
        # and WAL lets readers go on while one request writes.
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, sessions ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "experts:login"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (photos, audio, PDF) are private: they live outside any public URL and are
# served only by views that check ownership. Swap the "private" backend for an S3-compatible
# one by configuration to run several app servers.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default="") or BASE_DIR / "private_media")
# e.g. PRIVATE_STORAGE_BACKEND=storages.backends.s3.S3Storage with
# PRIVATE_STORAGE_OPTIONS={"bucket_name": "lumira-private", "endpoint_url": "https://…"}
# (pip install '.[s3]'): files are only ever read through the storage API.
PRIVATE_STORAGE_BACKEND = (
    env.str("PRIVATE_STORAGE_BACKEND", default="") or "django.core.files.storage.FileSystemStorage"
)
PRIVATE_STORAGE_OPTIONS = env.json("PRIVATE_STORAGE_OPTIONS", default={}) or (
    {"location": PRIVATE_MEDIA_ROOT, "base_url": None}
    if PRIVATE_STORAGE_BACKEND.endswith("FileSystemStorage")
    else {}
)
STORAGES = {
    "default": {"BACKEND": PRIVATE_STORAGE_BACKEND, "OPTIONS": PRIVATE_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MB of non-file body; JSON endpoints rely on it
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Cache: per process by default; CACHE_URL=redis://… shares it between app servers --------
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://")}
# A release that changes templates gives a shared cache a new prefix.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Room for a confirmation page per order being paid, not Django's default 300 entries.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
# Sessions live in the database: no state on the app servers. With a cache they all share
# (CACHE_URL), reads go through it first; a per-process cache would serve stale sessions.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if _SHARED_CACHE else 'db'}"

# --- Email ------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
SERVER_EMAIL = env.str("SERVER_EMAIL", default="alertes@oraclelumira.com")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Oracle Lumira <contact@oraclelumira.com>"
)
# The address clients write to: in the footer, on the landing page and in every e-mail.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="contact@oraclelumira.com")
# A relay that hangs must not hold a worker: SMTP gives up after this many seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Background tasks (SPEC §11) ----------------------------------------------------------------
# Django's tasks API (the django-tasks backport). The database queue needs nothing but the
# database and is written in the same transaction as the change that asks for the task. Another
# backend of the same API (RQ, Celery) is one setting away: TASKS_BACKEND=dotted.path.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": [],  # any queue name
    }
}
# A task still "running" this long after it started lost its worker: it is run again.
TASK_RUNNING_DEADLINE_SECONDS = env.int("TASK_RUNNING_DEADLINE_SECONDS", default=15 * 60)
# Admins are alerted when the oldest ready task has waited longer than this.
TASK_QUEUE_ALERT_SECONDS = env.int("TASK_QUEUE_ALERT_SECONDS", default=15 * 60)
# Recurring jobs run by the worker (`manage.py run_worker`): dotted path of a task → period in
# seconds. Each period, exactly one worker enqueues the job.
SCHEDULED_JOBS = {
    "lumira.jobs.expire_unpaid_orders": 15 * 60,
    "lumira.jobs.send_intake_reminders": 15 * 60,
    "lumira.jobs.purge_old_records": 24 * 60 * 60,
    "lumira.jobs.check_queue_age": 5 * 60,
    "ops.tasks.run_checks": 5 * 60,  # late orders, payment failure rate (alerts, SPEC §7)
    "ops.tasks.purge_photos": 24 * 60 * 60,  # photos 90 days after delivery (SPEC §13)
}
if env.bool("SCHEDULED_JOBS_OFF", default=False):  # a worker that runs queued tasks only
    SCHEDULED_JOBS = {}
ADMINS = [("Admin", address) for address in env.list("ADMIN_EMAILS", default=[])]

# --- Payments (SPEC §6.3) ---------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
PAYMENTS_DEMO = env.bool("PAYMENTS_DEMO", default=False)
# Signs the demo gateway's Stripe-format events; derived from SECRET_KEY when unset.
DEMO_WEBHOOK_SECRET = env.str("DEMO_WEBHOOK_SECRET", default="")

# --- Invoices (SPEC §7): the seller's legal details printed on every invoice and credit note --
SELLER_NAME = env.str("SELLER_NAME", default="Oracle Lumira")
# Lines separated by "\n" (typed as two characters in an environment variable).
SELLER_ADDRESS = env.str(
    "SELLER_ADDRESS", default="12 rue de la Lune\n75002 Paris\nFrance"
).replace("\\n", "\n")
SELLER_SIRET = env.str("SELLER_SIRET", default="000 000 000 00000")
SELLER_VAT_MENTION = env.str("SELLER_VAT_MENTION", default="TVA non applicable, art. 293 B du CGI")
SELLER_EMAIL = env.str("SELLER_EMAIL", default="contact@oraclelumira.com")

# --- Content generator (SPEC §8.3) ------------------------------------------------------------
GENERATION_WEBHOOK_URL = env.str("GENERATION_WEBHOOK_URL", default="")
GENERATION_WEBHOOK_SECRET = env.str("GENERATION_WEBHOOK_SECRET", default="")
GENERATION_TIMEOUT_SECONDS = env.float("GENERATION_TIMEOUT_SECONDS", default=10.0)
# WhatsApp Business Cloud API (SPEC §9): without a token and a phone-number id the choice is
# not offered and every notice goes by e-mail only.
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_API_BASE = env.str("WHATSAPP_API_BASE", default="https://graph.facebook.com/v21.0")
WHATSAPP_TEMPLATE_PAYMENT = env.str("WHATSAPP_TEMPLATE_PAYMENT", default="lumira_paiement_recu")
WHATSAPP_TEMPLATE_DELIVERY = env.str("WHATSAPP_TEMPLATE_DELIVERY", default="lumira_lecture_livree")
WHATSAPP_TIMEOUT_SECONDS = env.float("WHATSAPP_TIMEOUT_SECONDS", default=10.0)
# Files the generator hands over as URLs are fetched over HTTPS from public hosts only; tests
# serve them from the loopback over plain HTTP.
GENERATION_FILES_ALLOW_LOCAL = False

# --- Legacy import (SPEC §10) -----------------------------------------------------------------
MONGODB_URI = env.str("MONGODB_URI", default="")

# --- Security ---------------------------------------------------------------------------------
# The load balancers whose X-Forwarded-For is believed (addresses or networks, e.g.
# TRUSTED_PROXIES=10.0.0.0/8): rate limits and login throttling then count the real client.
# Empty (the default): REMOTE_ADDR, and the header is never read.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "lumira.jsonapi.csrf_failure"  # JSON endpoints answer JSON, even here
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: everything to stdout, the platform collects it ----------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# LOG_FORMAT=json: one JSON object a line; either way each line carries the request's id.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "operations.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["stdout"], "level": "INFO", "propagate": False}},
}

# --- Errors to Sentry when SENTRY_DSN is set; no personal data (no IP, user, cookies, bodies) --
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        max_request_body_size="never",
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=0.0,
    )
