"""Settings shared by every environment; values come from the environment with safe defaults."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.db import POOLERS, behind_transaction_pooler

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-demo-key-change-me-for-any-real-deployment")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram lookups (pg_trgm) for name search; SQLite falls back
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files served as our own static files: no CDN
    "auditlog",
    "django_celery_beat",
    "django_otp",  # the second factor of staff sign-in (organizations.two_factor)
    "django_otp.plugins.otp_totp",  # authenticator apps
    "django_otp.plugins.otp_static",  # single-use recovery codes
    "axes",  # failed sign-ins: counted per (username, address), locked out after AXES_FAILURE_LIMIT
    "core",
    "organizations",
    "clinic",
    "reports",
    "seeds",  # the reference data and the demo (management commands)
]

MIDDLEWARE = [
    # First: /health/live and /health/ready answer before the host check and the HTTPS redirect.
    "core.health.HealthProbeMiddleware",
    # The request id, the one log line and the metrics of every request (core.middleware).
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A page right after a change reads from the primary, not a read replica (core.db).
    "core.middleware.ReplicaMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor was given
    # Staff pages, the admin and the API's session sign-in wait for the second factor.
    "organizations.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RequestTextMiddleware",  # NUL, absurd addresses: a 400 before any view or query
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.NoStoreApiMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout answer.
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
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/django/forms/ may replace a built-in widget template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: past its cost threshold (a report's aggregates at 3,000,000 cases) PostgreSQL
    # spends 100-250 ms compiling each query, which then reads some ten thousand index entries and rows
    # at most; it never pays back here, and made the reports' cost jump with the table's size.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# "pgbouncer-transaction": the database is reached through PgBouncer in transaction mode (README,
# "Behind PgBouncer"; core.db). DATABASE_DIRECT_URL, if set, reaches PostgreSQL itself: the backups'
# pg_dump and pg_restore use it (required behind the pooler).
DATABASE_POOLER = env("DATABASE_POOLER", default="")
if DATABASE_POOLER:
    if DATABASE_POOLER not in POOLERS:
        raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or one of {', '.join(POOLERS)}.")
    DATABASES["default"] = behind_transaction_pooler(DATABASES["default"])
DATABASE_DIRECT = env.db("DATABASE_DIRECT_URL") if env("DATABASE_DIRECT_URL", default="") else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Read replicas (core.db): PostgreSQL streaming replicas of DATABASE_URL, comma-separated. Report builds,
# exports, the federation's pages and the analysts' API read from them; everything else, and a user's
# pages for DATABASE_REPLICA_PIN_SECONDS after they changed something, from the primary. A replica that
# does not answer or is further behind than DATABASE_REPLICA_MAX_LAG_SECONDS is skipped (a warning in the
# log); its state is kept DATABASE_REPLICA_CHECK_SECONDS per process.
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URL", default=[]), start=1):
    _replica = environ.Env.db_url_config(_url)
    _replica.setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    _replica["OPTIONS"] = {
        "connect_timeout": 3,
        **DATABASES["default"].get("OPTIONS", {}),
        **_replica.get("OPTIONS", {}),
    }
    _replica["TEST"] = {"MIRROR": "default"}  # a test run's replica follows its test database
    if DATABASE_POOLER:  # the replicas behind their own PgBouncer, as the primary
        _replica = behind_transaction_pooler(_replica)
    DATABASES[f"replica_{_number}"] = _replica
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30.0)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5.0)
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=60)

AUTH_USER_MODEL = "organizations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # organizations.views.home sends each role to its first page
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out (username, address) before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# One office often signs in from one address: lock the username at that address, not the address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# A sign-in succeeds only once its second factor is given: organizations.two_factor clears the failures
# then (or after the password, for an account without one), so a known password cannot reset the count
# of wrong codes by signing in again.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.middleware.lockout_response"
AXES_USERNAME_CALLABLE = "core.middleware.axes_username"  # cut to an account's longest username


def client_address_settings(proxy_count: int, header: str = "X-Forwarded-For") -> dict:
    """How django-axes (through django-ipware) finds the client's address behind `proxy_count` reverse
    proxies that each append the address they received the request from to `header`.

    The nearest proxy is REMOTE_ADDR and the header ends with the address it received from, so the
    client is the `proxy_count`-th address from the header's right end; whatever a client wrote further
    left is ignored (non-strict: a longer chain is not refused, only read from the right). Without
    proxies only REMOTE_ADDR counts: a forged header changes nothing."""
    if proxy_count < 0:
        raise ValueError(f"PROXY_COUNT must be 0 or more, got {proxy_count}")
    if proxy_count == 0:
        return {
            "AXES_IPWARE_PROXY_COUNT": None,
            "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
            "AXES_IPWARE_PROXY_ORDER": "left-most",
        }
    return {
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1,  # proxies named in the header, besides the client
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_" + header.upper().replace("-", "_"),),
        "AXES_IPWARE_PROXY_ORDER": "left-most",  # the header in the order it was written: client first
    }


# The client's address, for the sign-in lockout and the online reception's limits alike: both ask
# clinic.online.client_address, which asks django-axes. With nginx in front, PROXY_COUNT=1.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
PROXY_CLIENT_HEADER = env("PROXY_CLIENT_HEADER", default="X-Forwarded-For")
IPWARE_STRICT = False
globals().update(client_address_settings(PROXY_COUNT, PROXY_CLIENT_HEADER))
# A session lasts one working day and ends when the browser closes.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The second factor (organizations.two_factor): required of these roles, and of superusers, before any
# staff page, the admin or the API; the other roles may enrol (and are then asked for it).
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["administrator", "manager", "analyst"]
)
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env.bool("TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", default=True)
TWO_FACTOR_RECOVERY_CODES = 10
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # django-otp's own admin pages never show a key or a code
OTP_TOTP_ISSUER = "Trade-union legal clinic"  # the account's name in the authenticator app
# A session's "last seen" (the account's security page) is written at most this often.
STAFF_SESSION_TOUCH_SECONDS = 300
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Kazakh date and number formats, which Django lacks
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents hold personal data: they live outside any public path and are served
# only through views that check permissions.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="clinic@localhost")
# Text messages to applicants (core.sms): the console in the demo, core.sms.HttpSmsBackend in production.
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.ConsoleSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms.log")
# Messages to applicants (clinic.services.messages): attempts before a message is marked failed, and
# how long a message may wait in the outbox before the sweep sends its task again.
CLINIC_MESSAGE_MAX_ATTEMPTS = env.int("CLINIC_MESSAGE_MAX_ATTEMPTS", default=5)
CLINIC_MESSAGE_STALE_MINUTES = env.int("CLINIC_MESSAGE_STALE_MINUTES", default=10)

REST_FRAMEWORK = {
    # Token first: an unauthenticated request gets 401 with WWW-Authenticate: Token (session
    # authentication alone would answer 403). Session requests keep their CSRF check.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Malformed or too deeply nested JSON is a 400 in the user's language (core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.common.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.common.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trade-union legal clinic API",
    "DESCRIPTION": (
        "Persons, reception visits, cases, labor disputes and the organization tree of the "
        "federation's legal clinics. Sign in with a token (POST /api/v1/auth/token/, then "
        "`Authorization: Token <key>`) or a session. Every list shows your own center only "
        "(federation analysts: every center, read-only). Changes to persons, visits, cases and "
        "disputes need `If-Match` with the ETag from reading the record. Messages follow "
        "Accept-Language (en, ru, kk)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package, served as our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "clinic.models.Status",
        "VisitResultEnum": "clinic.models.Visit.Result",
        "DisputeKindEnum": "clinic.models.LaborDispute.Kind",
        "DisputeStageEnum": "clinic.models.LaborDispute.Stage",
        "DisputeResultEnum": "clinic.models.LaborDispute.Result",
        "EventKindEnum": "clinic.models.Event.Kind",
        "LetterPurposeEnum": "clinic.models.LetterTemplate.Purpose",
        "MessagePurposeEnum": "clinic.models.OutgoingMessage.Purpose",
        "ImportKindEnum": "clinic.models.ImportJob.Kind",
        "ImportStateEnum": "clinic.models.ImportJob.State",
        "StateEnum": "core.snapshots.Snapshot.State",  # the reports' (named apart from the imports')
        "CenterKindEnum": "organizations.models.TerritorialCenter.Kind",
        "EmployerSizeEnum": "organizations.models.Employer.Size",
        "RoleEnum": "organizations.models.Role",
    },
}

# Celery: with REDIS_URL the tasks go to a real broker; without it they run in-process,
# so the demo needs no service.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task not acknowledged within the visibility timeout is delivered again; time limits stay
# well below it so a stuck task is killed before a second copy starts.
# Sending a task must fail within seconds when Redis is down, never hang a web request: socket
# timeouts (redis-py waits forever by default, e.g. on a broker that accepts connections but never
# answers) and one retry (a pooled connection broken by a Redis restart is replaced at once). A send
# that fails leaves the report queued with a note; reports.tasks.resend_queued_reports sends it later.
# socket_timeout stays well above the workers' BRPOP timeout (1 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    "max_retries": 1,  # connecting when sending (Connection.default_channel)
}
# A prefix for the broker's keys lets two deployments (or parallel test runs) share one Redis
# without taking each other's tasks.
if CELERY_KEY_PREFIX := env("CELERY_KEY_PREFIX", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = CELERY_KEY_PREFIX
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 900
# Report builds get their own queue so a burst of them (the 1st of the month) never delays the
# clinic's reminders; a worker started with `-Q reports,default` consumes both.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "reports.tasks.*": {"queue": "reports"},
    "organizations.tasks.*": {"queue": "reports"},
    "clinic.tasks.*": {"queue": "default"},
}
# Periodic tasks are rows edited in the admin (created by reports/migrations), not a setting.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, in this one place. core.schedule makes each a row of django-celery-beat on
# migrate (by name: a row a manager has changed in the admin is left as it is); beat reads the rows.
PERIODIC_TASKS: list[dict[str, Any]] = [
    {
        "name": "Delete old list exports",
        "task": "clinic.tasks.delete_old_exports",
        "crontab": {"minute": "30", "hour": "3"},
        "description": "Daily at 03:30: deletes the exports built in the background (and their files) "
        "older than EXPORT_KEEP_DAYS.",
    },
    {
        "name": "Build the reports of the last month, quarter and year",
        "task": "reports.tasks.build_scheduled_reports",
        "crontab": {"minute": "0", "hour": "1"},
        "description": "Daily at 01:00: requests each center's and the federation's report of the last "
        "completed month, quarter and year if it is missing, failed or lost.",
    },
    {
        "name": "Send deadline reminders",
        "task": "clinic.tasks.send_deadline_reminders",
        "crontab": {"minute": "0", "hour": "8"},
        "description": "Daily at 08:00: reminds lawyers of cases coming due.",
    },
    {
        "name": "Anonymise the personal data kept longer than the law allows",
        "task": "clinic.tasks.apply_retention",
        "crontab": {"minute": "30", "hour": "2"},
        "description": "Daily at 02:30: anonymises what the retention periods (RETENTION_YEARS) say is due "
        "and writes a destruction record of each rule's count.",
    },
    {
        "name": "Send the messages to applicants that wait in the outbox",
        "task": "clinic.tasks.send_waiting_messages",
        "crontab": {"minute": "*/5", "hour": "*"},
        "description": "Every 5 minutes: sends again the task of each message to an applicant queued for "
        "longer than CLINIC_MESSAGE_STALE_MINUTES (its task lost, or Redis down when it was queued), and "
        "marks failed a message whose sending was interrupted.",
    },
    {
        "name": "Send again the report builds that wait for the queue",
        "task": "reports.tasks.resend_queued_reports",
        "crontab": {"minute": "*/5", "hour": "*"},
        "description": "Every 5 minutes: sends the builds requested while the task queue (Redis) was down, "
        "and those whose task was lost. A run that finds nothing waiting sends nothing.",
    },
]

# The cache: in-process (the demo needs no service). It keeps the dashboards' live figures for
# REPORTS_LIVE_FIGURES_SECONDS (0: computed on every view).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REPORTS_LIVE_FIGURES_SECONDS = env.int("REPORTS_LIVE_FIGURES_SECONDS", default=60)

# Personal data is kept only as long as its purpose needs (Law No. 94-V, art. 12), then anonymised by
# the nightly retention task (clinic.retention, clinic.services.retention): years after a case was
# closed, a consultation given on the spot, or an online question that never became a case was sent.
# A person goes when none of their records is kept; anything of a person with an open case or an
# unresolved labor dispute is held.
RETENTION_YEARS = {
    "closed_cases": env.int("RETENTION_CLOSED_CASES_YEARS", default=5),
    "consultations": env.int("RETENTION_CONSULTATIONS_YEARS", default=3),
    "online_questions": env.int("RETENTION_ONLINE_QUESTIONS_YEARS", default=1),
}

# Clinic rules that are configuration, not code.
CLINIC_REMINDER_DAYS_AHEAD = 3
CLINIC_EXTENSION_MAX_MONTHS = 2
# Rows of an imported register written in one transaction (clinic.services.imports).
CLINIC_IMPORT_CHUNK = env.int("CLINIC_IMPORT_CHUNK", default=500)
# A labor dispute's last day to file or expected decision is flagged this many calendar days ahead.
CLINIC_DISPUTE_DAYS_AHEAD = 7
# A list export with more rows than this is built in the background (clinic.exports), and its file is
# kept this many days.
EXPORT_SYNC_MAX_ROWS = 100_000
EXPORT_KEEP_DAYS = 7
# Decrees newer than the installed python-holidays: date,working,decree (clinic/workdays.py).
CLINIC_CALENDAR_OVERRIDES = BASE_DIR / "seeds" / "calendar_overrides.csv"

# Logs go to the standard error, readable lines by default, one JSON object a line with
# LOG_FORMAT=json (the default in production). Every line carries the request id (core.request_id); a
# request's line (logger core.requests) also the user's numeric id, the view, method, status and
# duration: no names, no addresses or queries, no personal data.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")


def logging_settings(log_format: str, level: str) -> dict[str, Any]:
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, got {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",  # ISO 8601, UTC
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
    }


LOGGING = logging_settings(LOG_FORMAT, LOG_LEVEL)

# Health probes (core.health) and metrics (core.metrics, served by manage.py serve_metrics).
# A worker writes its heartbeat every HEALTH_WORKER_HEARTBEAT_SECONDS to Redis; /health/ready fails
# when the newest is older than HEALTH_WORKER_HEARTBEAT_MAX_AGE.
HEALTH_WORKER_HEARTBEAT_SECONDS = env.int("HEALTH_WORKER_HEARTBEAT_SECONDS", default=15)
HEALTH_WORKER_HEARTBEAT_MAX_AGE = env.int("HEALTH_WORKER_HEARTBEAT_MAX_AGE", default=60)
HEALTH_WORKER_HEARTBEAT_KEY = env("HEALTH_WORKER_HEARTBEAT_KEY", default="tulegal:worker-heartbeats")
HEALTH_REDIS_TIMEOUT = env.float("HEALTH_REDIS_TIMEOUT", default=2.0)
HEALTH_MIGRATIONS_CACHE_SECONDS = env.int("HEALTH_MIGRATIONS_CACHE_SECONDS", default=30)
# Where serve_metrics listens: an address only the monitoring reaches, never the public one.
METRICS_ADDRESS = env("METRICS_ADDRESS", default="127.0.0.1:9100")
CLINIC_DOCUMENT_MAX_BYTES = env.int("CLINIC_DOCUMENT_MAX_BYTES", default=10 * 2**20)

# The public online reception (clinic/online.py): files a sender may attach, and the limits as
# (requests, seconds), counted in the database so that every web worker shares them.
CLINIC_ONLINE_MAX_FILES = env.int("CLINIC_ONLINE_MAX_FILES", default=3)
CLINIC_ONLINE_FILE_MAX_BYTES = env.int("CLINIC_ONLINE_FILE_MAX_BYTES", default=5 * 2**20)
CLINIC_ONLINE_SUBMIT_PER_ADDRESS = (20, 3600)  # form posts, every attempt counts
CLINIC_ONLINE_SUBMIT_PER_PHONE = (3, 24 * 3600)  # questions accepted
CLINIC_ONLINE_TRACK_PER_ADDRESS = (20, 3600)  # tracking look-ups
CLINIC_ONLINE_TRACK_FAILED_PER_PHONE = (5, 3600)  # failed look-ups, whatever code was typed
