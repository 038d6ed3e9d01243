"""Learning Loop settings: one module, driven by environment variables.

With nothing set, the product runs embedded: SQLite in ``.run/``, a Celery
broker on kombu's filesystem transport (no server), console email. Setting
``DATABASE_URL`` and ``REDIS_URL`` moves the same code onto PostgreSQL and
Redis. ``LEARNINGLOOP_ENV=production`` switches on the deployment hardening and
refuses to start without a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("LEARNINGLOOP_RUN_DIR", BASE_DIR / ".run"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("LEARNINGLOOP_ENV", "development") == "production"

# A development key that is only ever accepted outside production.
_DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 - refused in production below
SECRET_KEY = os.environ.get("SECRET_KEY", _DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (
    SECRET_KEY == _DEVELOPMENT_SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "Production needs a real SECRET_KEY: at least 50 random characters, set in the environment."
    )

# Children's identities are encrypted at rest with these Fernet keys (partnership/encryption.py).
# Comma-separated, newest first: a new key is put in front and the old ones kept until re-encrypted.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "")
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Production needs FIELD_ENCRYPTION_KEYS: generate one with "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'."
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "partnership",
    "reviews",
    "learninghub",
    "audits",
    "scrutiny",
]

MIDDLEWARE = [
    # First, so it clears the database's partnership after everything else has run (row-level security).
    "partnership.tenancy_db.TenantDatabaseScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A session that owes its second factor reaches only the sign-in steps (partnership/middleware.py).
    "partnership.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a lockout answers before any view runs.
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
                "partnership.context_processors.navigation",
            ],
            # The date filter for the site's common formats and truncatechars for ASCII text, in place of
            # Django's (issue 13): see the modules.
            "builtins": ["partnership.templatetags.fast_dates", "partnership.templatetags.fast_text"],
        },
    },
]

# Form widgets drawn by Jinja2 from Django's own widget templates (the same HTML): through the Django template
# language each widget was several nested includes, a third of a form-heavy page's time (issue 13).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# --- Database ---------------------------------------------------------------
RUN_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{RUN_DIR / 'learningloop.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite under a web server and a worker at once: wait for locks, never fail fast.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1"):
    # The planner's cost of reading a page out of order: 1.1 for SSD or cloud storage (PostgreSQL's own
    # advice), not its default of 4, which assumes spinning disks. At 4, a member search for a common
    # name at 40,000 people scanned every person (45 ms) rather than use the trigram index (13 ms); see
    # README "Performance". Set DATABASE_RANDOM_PAGE_COST to tune it, or to "" to keep the server's value.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _cost = float(os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1"))
    _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role a partnership's request switches to, so row-level security holds it even when
# the app connects as a superuser (who bypasses every policy). Created by the partnership migrations;
# empty: no switch (connect as a non-superuser table owner instead; the tables FORCE their policies).
TENANT_DATABASE_ROLE = os.environ.get("TENANT_DATABASE_ROLE", "learning_loop_tenant")

# --- People and sign-in -----------------------------------------------------
AUTH_USER_MODEL = "partnership.Person"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out account before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # guardian's object grants, counted only while the person is an active member of the row's partnership.
    "partnership.permissions.MembershipObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = 14

# Database sessions whose keys are checked for shape first (a NUL byte in the cookie was a 500 on PostgreSQL);
# with Redis, read through the cache (one query fewer per request; see partnership/sessions.py).
SESSION_ENGINE = "partnership.sessions_cached" if os.environ.get("REDIS_URL") else "partnership.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: repeated failures lock an account *from one address* for a while. Counting per account
# alone let anyone who knew a business manager's address lock them out from anywhere; counting per
# address alone would lock out a whole council office or NHS trust behind one address because of one
# person's typos. Per (account, address) pair, with the same limits, does neither: from any one address
# an account is as strictly protected as before, and its owner is emailed when a lockout starts
# (partnership.apps, services.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many reverse proxies stand in front of the application (each appends to X-Forwarded-For):
# the lockout's address is the client's, not the proxy's (partnership.access.client_ip_address).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "partnership.access.client_ip_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False
# guardian.W001 looks for guardian's backend by name; ours subclasses it (partnership.permissions).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

OTP_TOTP_ISSUER = "Learning Loop"

# django-guardian: no anonymous user row; object grants never fall back to globals.
ANONYMOUS_USER_NAME = None

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, WhiteNoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", RUN_DIR / "media"))

# --- Request limits ---------------------------------------------------------
# Larger bodies are refused with a 400 before any view parses them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Email ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# An SMTP server that accepts the connection and then stalls must not hold a worker for long.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Learning Loop <no-reply@learningloop.example>")
# Links in emails are absolute; the site's public address comes from here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Celery -----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# The test suite runs in several processes at once (pytest-xdist, ``bin/test``): each takes a Redis database of
# its own after the one named, so one process's cache, sessions and queues never meet another's. Unset outside tests.
_test_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _test_worker.startswith("gw"):
    _parts = urlsplit(REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{_base + 1 + int(_test_worker[2:])}"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, made to survive losing Redis with messages in hand (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:RedisTransport"
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and did not acknowledge (acks_late) goes back to the queue after this:
        # longer than the longest task (CELERY_TASK_TIME_LIMIT) and the longest retry countdown, so a
        # running task is never handed to a second worker; short enough that a lost one returns in minutes.
        "visibility_timeout": 15 * 60,
        # Redis down: a web request learns it in a second or two instead of hanging (the work is recorded
        # and the beat jobs send it when Redis is back).
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # Publishing (a request, beat) does not retry a connection that fails: the caller records the work
        # and the beat jobs send it later. The worker's own consumer keeps retrying (broker_connection_*).
        "max_retries": 0,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis out of reach: a request (and each write, which moves cached figures on) learns it in seconds.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            # Keys name their database: one Redis may serve several (config/cache.py).
            "KEY_FUNCTION": "config.cache.key_in_database",
        }
    }
else:
    # kombu's filesystem transport: a real worker and beat with no server to run.
    _broker_dir = RUN_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # The same transport, writing each message whole before renaming it into the queue (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (pidbox) exchanges; kombu would otherwise write them into the cwd.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_IGNORE_RESULT = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Dashboards' figures kept until a partnership's records change (partnership.figures_cache), for this many seconds
# at most. Only with a cache every process shares: the embedded cache is one process's memory, and the worker
# writes records too.
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "900" if os.environ.get("REDIS_URL") else "0"))
CELERY_TASK_SERIALIZER = "json"
# Publishing from a web request never waits for a broker that is down: one short try, then the caller logs
# it and answers (the row it recorded is sent by a beat job later). The worker itself keeps retrying its
# broker connection, at start and after losing it.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection drops finishes its work; its message comes back and finds the
# work claimed or done (every acks_late task here is idempotent).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# PDFs are held in memory while WeasyPrint renders them: recycle a worker child that grows past 512 MB (KiB here).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(512 * 1024)))
# Rendering PDFs has a queue of its own, so a burst of documents never delays reminders and sweeps.
# Exports (spreadsheets written by partnership.services.exports) likewise have their own.
CELERY_TASK_ROUTES = {
    "partnership.tasks.document_render": {"queue": "documents"},
    "partnership.tasks.export_build": {"queue": "exports"},
}
# How often beat sends what waits (emails, documents recorded while the broker or mail server was down).
BACKGROUND_RECOVERY_SECONDS = int(os.environ.get("BACKGROUND_RECOVERY_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "expire-stale-invitations": {
        "task": "partnership.tasks.invitations_expire_stale",
        "schedule": 60 * 60,
    },
    # Reminders and breach escalations (partnership.services.deadlines). A message older than the
    # next run is dropped: that run does the same work, so a backlog never piles up sweeps.
    # Work recorded while the broker or the mail server was down, and renders left by a lost worker.
    "send-due-emails": {
        "task": "partnership.tasks.emails_send_due",
        "schedule": BACKGROUND_RECOVERY_SECONDS,
        "options": {"expires": BACKGROUND_RECOVERY_SECONDS},
    },
    "requeue-stalled-documents": {
        "task": "partnership.tasks.documents_requeue_stalled",
        "schedule": BACKGROUND_RECOVERY_SECONDS,
        "options": {"expires": BACKGROUND_RECOVERY_SECONDS},
    },
    "requeue-stalled-exports": {
        "task": "partnership.tasks.exports_requeue_stalled",
        "schedule": BACKGROUND_RECOVERY_SECONDS,
        "options": {"expires": BACKGROUND_RECOVERY_SECONDS},
    },
    "delete-old-exports": {
        "task": "partnership.tasks.exports_expire",
        "schedule": 60 * 60,
        "options": {"expires": 60 * 60},
    },
    "sweep-deadlines": {
        "task": "partnership.tasks.deadlines_sweep",
        "schedule": 5 * 60,
        "options": {"expires": 5 * 60},
    },
}

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Our per-partnership tokens (partnership.models.access.ApiToken), never DRF's account-wide ones.
        "partnership.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "partnership.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
# The API's schema and docs: open while developing; in production only for signed-in people (partnership/api/docs.py).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", not PRODUCTION)
SPECTACULAR_SETTINGS = {
    "TITLE": "Learning Loop API",
    "DESCRIPTION": (
        "Partnership-scoped API. Every path carries the partnership slug; "
        "another partnership's objects answer 404 exactly like missing ones."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "partnership.models.Role",
        "StatutoryPartnerEnum": "partnership.models.StatutoryPartner",
        "AgencyTypeEnum": "partnership.models.AgencyType",
        "NationEnum": "partnership.models.Nation",
        "HarmOutcomeEnum": "reviews.models.HarmOutcome",
        "RapidReviewStateEnum": "reviews.models.RapidReview.State",
        "InformationRequestStateEnum": "reviews.models.InformationRequest.State",
        "DecisionOutcomeEnum": "reviews.models.DecisionOutcome",
        "MethodologyEnum": "reviews.models.Methodology",
        "SignOffStateEnum": "partnership.models.SignOff.State",
        "SignOffActionEnum": "partnership.models.SignOffAction.Action",
        "LearningReviewStateEnum": "reviews.models.LearningReview.State",
        "PublicationEnum": "reviews.models.Publication",
        "DocumentVersionStateEnum": "partnership.models.DocumentVersion.State",
        "InvitationStatusEnum": "partnership.models.Invitation.Status",
        "RecommendationStateEnum": "partnership.models.recommendations.Recommendation.State",
        "RecommendationSourceEnum": "partnership.models.recommendations.RecommendationSource",
        "DisseminationKindEnum": "partnership.models.recommendations.DisseminationKind",
        "RagEnum": "partnership.models.recommendations.Rag",
        "ProgressRagEnum": "partnership.services.action_plans.PROGRESS_RAG_CHOICES",
        "TemplateKindEnum": "audits.models.TemplateKind",
        "QuestionKindEnum": "audits.models.QuestionKind",
        "TemplateVersionStateEnum": "audits.models.TemplateVersion.State",
        "AuditRoundStateEnum": "audits.models.AuditRound.State",
        "AuditReturnStateEnum": "audits.models.AuditReturn.State",
        "FindingKindEnum": "audits.models.FindingKind",
        "HubCycleStateEnum": "learninghub.models.HubCycle.State",
        "FeedbackSurveyStateEnum": "learninghub.models.FeedbackSurvey.State",
        "HubPhaseKindEnum": "learninghub.models.PhaseKind",
        "PlanItemKindEnum": "learninghub.models.PlanItemKind",
        "EvidenceSourceEnum": "learninghub.models.EvidenceSource",
        "HubSessionStateEnum": "learninghub.models.HubSession.State",
        "HubSessionKindEnum": "learninghub.models.SessionKind",
        "ScrutinyPlanStateEnum": "scrutiny.models.ScrutinyPlan.State",
        "ScrutinyActivityStateEnum": "scrutiny.models.PlanActivity.State",
        "ScrutinyActivityMoveEnum": "scrutiny.api.plan.ACTIVITY_MOVES",
        "ScrutinyActivityKindEnum": "scrutiny.models.ActivityKind",
        "ScrutinyEvidenceKindEnum": "scrutiny.models.EvidenceKind",
        "DisagreementStageEnum": "scrutiny.models.DisagreementStage",
        "DisagreementStateEnum": "scrutiny.models.ProfessionalDisagreement.State",
        "ScrutinyReportKindEnum": "scrutiny.models.ScrutinyReport.Kind",
        "AgencyAnnualReportKindEnum": "scrutiny.models.AgencyAnnualReport.Kind",
        # The reporting year's quarters (1 is April to June), in the scrutiny plan and the quarterly reports alike.
        "ReportingQuarterEnum": "scrutiny.api.reports.REPORTING_QUARTERS",
        "ScrutinyPlanQuarterEnum": "scrutiny.api.plan.PLAN_QUARTERS",
    },
}

# --- Content Security Policy (django-csp 4) ---------------------------------
# No inline script anywhere: every script is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        # The scrutiny dashboard's charts are <object>s (an <img> cannot follow a bar's link); each chart answers with
        # its own policy, which forbids script (scrutiny/charts.py). No plugin or other site's object.
        "object-src": ["'self'"],
    }
}

# --- Security hardening -----------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The health check is called by the container runtime over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step of every page at INFO; its refusals and errors still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
