"""Settings for 规划督导平台. Every deployment difference comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.PlanSupervisorAdminConfig",  # django.contrib.admin, our site (config.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "axes",
    "csp",
    "health_check",
    "viewflow",
    "viewflow.workflow",
    "common",
    "accounts",
    "audit",
    "workdays",
    "notifications",
    "evidence",
    "tasks",
    "supervision",
    "indicators",
    "funding",
    "workflows",
    "dashboards",
    "evaluation",
    "assessment",
    "inbox",
    "exports",
    # Joint meetings (联席会议): meetings, decisions and the work they become.
    "meetings",
    "public",
    "demo",
]
# The header's search (issue 16, item 6).
INSTALLED_APPS += ["search"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.FriendlyNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out login attempt into the lockout page.
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
                "accounts.context_processors.roles",
                "notifications.context_processors.notifications",
                "inbox.context_processors.work",
            ],
        },
    },
]

# Database: DATABASE_URL, default a SQLite file in the project.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend behind django-axes' check: a locked-out user+address is refused before the
# password is even looked at (one backend, see accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English through the language switcher.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"  # never served directly: files go out through views that check access
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.storage.ManifestStaticFilesStorage"  # hashed names, compressed, long cache
    },
}
# Size limits, all from the environment (MB unless the name says bytes).
# One uploaded file (evidence, notice responses); evidence.validation refuses larger ones.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# A whole request body (a form with several files): larger requests are answered 413 before a
# view reads them (config.middleware.RequestSizeLimitMiddleware).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_MB", 100) * 1024 * 1024
# Django's own limits: the non-file part of a request, and the size above which an uploaded file
# goes to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 100)
# Spreadsheet imports (task breakdown tables, indicator sheets), see common.spreadsheets: the file,
# what its zip unpacks to (checked before openpyxl opens it), and the sheet's rows and columns.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 100) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# What an uploaded Office file or zip may unpack to (zip bombs): in total, and per entry relative
# to its compressed size.
UNCOMPRESSED_MAX_BYTES = env_int("UNCOMPRESSED_MAX_MB", 200) * 1024 * 1024
UNCOMPRESSED_MAX_RATIO = env_int("UNCOMPRESSED_MAX_RATIO", 100)

# E-mail
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None  # for the file-based backend
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "规划督导平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker every task runs eagerly in the calling process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")  # to share one Redis
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The schedule (Asia/Shanghai). SWEEP_INTERVAL_SECONDS replaces the daily sweep by a frequent one
# (the integration test uses it; so may a busy deployment).
_SWEEP_EVERY = env_int("SWEEP_INTERVAL_SECONDS", 0)
CELERY_BEAT_SCHEDULE = {
    "open-reporting-periods": {"task": "supervision.tasks.open_reporting_periods", "schedule": crontab(hour=0, minute=30)},
    "sweep-deadlines": {
        "task": "supervision.tasks.sweep_deadlines",
        "schedule": float(_SWEEP_EVERY) if _SWEEP_EVERY else crontab(hour=1, minute=0),
    },
    "daily-digest": {"task": "supervision.tasks.send_daily_digest", "schedule": crontab(hour=8, minute=0)},
    "deliver-pending-notifications": {"task": "notifications.tasks.deliver_pending_notifications", "schedule": 60.0},
    "delete-expired-exports": {"task": "exports.tasks.delete_expired_exports", "schedule": crontab(minute=20)},
}
# List exports (issue 14): beyond this many rows a Celery job prepares the file (progress bar, then a
# download for the user who asked); the files are deleted after EXPORT_KEEP_HOURS.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 10_000)
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 48)
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A user action must not wait for a broker that is down: fail fast, deliver_pending catches up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY = False

# Security: on by default once DEBUG is off; HTTPS-only cookies when served over HTTPS.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# HSTS only over HTTPS: a year by default (lower SECURE_HSTS_SECONDS while trying HTTPS out).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp) on every response that does not set its own (evidence
# downloads send "default-src 'none'; sandbox"). No inline script anywhere: every script is a file
# under static/js/. Styles: files from our origin only (style-src-elem), but style *attributes*
# are allowed (style-src-attr 'unsafe-inline') because progress bars in tables and a few layouts
# set widths inline; an attribute cannot load anything (url() is still held by img-src / font-src)
# and every template is autoescaped, so this does not re-open script injection.
# img-src data: is for Bootstrap's icons embedded in its CSS (select arrows, close buttons, toggler).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features nobody here needs (config.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "usb", "xr-spatial-tracking",
    )
}

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT failed logins for one user name from one
# address lock that pair out for LOGIN_COOLOFF_MINUTES; other users and other addresses are not
# affected. Administrators unlock early in the admin (Axes → access attempts: delete the row).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout: more attempts while locked out do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"  # registration/lockout.html
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_VERBOSE = False

# Widgets written in Python where Django would render a template per <option> (common/forms.py).
FORM_RENDERER = "common.forms.FastWidgetRenderer"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Health checks at /health/ (config/health.py): database, cache, storage, and the broker when set.
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 3)

# What the login page offers: demo accounts are listed only in DEBUG.
SHOW_DEMO_ACCOUNTS = DEBUG

# viewflow: we mount no viewflow frontend and add no middleware of its own.
VIEWFLOW = {"AUTOREGISTER": False}
SITE_TITLE = _("Plan Supervisor")
# The address people open, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Public progress pages (政务公开, public/) --------------------------------------------------
# A cache every web worker shares (CACHE_URL=redis://127.0.0.1:6379/1): one copy of each public page
# for all of them. Without it each process keeps its own copies (the workers of one machine still
# learn of a withdrawal or an approval at once, through a stamp file in the temporary directory:
# public/cache.py).
_CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache, sessions are read from it (written to both): one query fewer on every page.
# Never with per-process caches: another worker would still hold a session logged out elsewhere.
if _CACHE_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300)  # server-side cache of a public page
PUBLIC_HTTP_MAX_AGE = env_int("PUBLIC_HTTP_MAX_AGE", 60)  # Cache-Control max-age for browsers and proxies
# --- JSON API (issue 15: api/, /api/v1/, schema at /api/schema/, docs at /api/docs/) ------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",  # Authorization: Bearer <token>
        "api.authentication.BrowserSessionAuthentication",  # the signed-in browser, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or per signed-in user) and minute; bulk pushes count once.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
API_BODY_MAX_BYTES = env_int("API_BODY_MAX_KB", 1024) * 1024  # larger bodies: 413 problem details
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
SPECTACULAR_SETTINGS = {
    "TITLE": "规划督导平台 API · Plan Supervisor API",
    "DESCRIPTION": "",  # api.schema.DESCRIPTION (both languages), set in api.apps
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # a draft's PATCH requires its version
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "tasks.models.Plan.Status",
        "TaskStatusEnum": "tasks.models.KeyTask.Status",
        "ReviewStatusEnum": "tasks.models.ProgressReport.Status",  # indicator values share these states
        "NoticeStatusEnum": "supervision.models.SupervisionNotice.Status",
        "EvaluationStatusEnum": "evaluation.models.Evaluation.Status",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}
# --- end JSON API ---------------------------------------------------------------------------------
