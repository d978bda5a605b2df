"""Settings for 社区党建管理系统.

One module; every value comes from the environment, with a safe development default. With
DJANGO_DEBUG off, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS have no default and must be set.
Without DATABASE_URL the system runs on an embedded SQLite file; without REDIS_URL, Celery uses a
folder on disk as its broker and Django a cache table in the database.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import environ
from csp.constants import NONCE

from kit.storage_url import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Local state of a development machine (SQLite file, Celery's folder broker, uploads).
DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    # django-unfold: the admin's theme, and its pages for import-export, simple-history and forms.
    "unfold.apps.BasicAppConfig",  # the theme only: the site is config.admin.PartyAdminSite
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "config.apps.PartyAdminConfig",  # django.contrib.admin with the 工作台 (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "tree_queries",
    "simple_history",
    "django_celery_beat",
    "csp",
    "config.apps.AxesConfig",  # django-axes, with a Chinese name
    "django_otp",  # two-factor login (common/twofactor.py)
    "django_otp.plugins.otp_totp",
    "organizations",
    "common",
    "members",
    "activities",
    "finance",
    "publicity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below; the admin's addition).
    "kit.middleware.ContentSecurityPolicyMiddleware",
    # With DEBUG on, the Chinese error pages instead of Django's technical ones (config/errors.py).
    "config.errors.ErrorPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "common.twofactor.TwoFactorMiddleware",  # the admin asks for the code (OTP_REQUIRED)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kit.middleware.ReadOnlyHistoryMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its username or address is locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Grants model permissions from the user's roles in organizations (organizations/roles.py).
    "organizations.backends.RoleBackend",
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
                "csp.context_processors.nonce",  # {{ CSP_NONCE }} for an inline <script>
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers do not wait for a writer. `make run` serves while the demo loads in one long
    # transaction, and the web server, worker and beat read the database meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, so that a real Celery worker process can share the test database; one
    # per test run, so that two runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query whose estimated cost is high, e.g. one counting over a
    # sub-district's 100,000 members: 2.9 s of compiling for 0.4 s of running (the 工作台's
    # data-error count, bench/RESULTS.md). This application's queries read indexed rows and
    # aggregate them, where compiling never pays: off unless DATABASE_JIT says otherwise.
    if not env.bool("DATABASE_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Tests run in parallel (pytest-xdist) share one Redis, each worker with a database
            # of its own where the same ids mean other rows: each worker's keys (and those of
            # the Celery worker it starts, which inherits the variable) get a prefix of its own.
            "KEY_PREFIX": os.environ.get("PYTEST_XDIST_WORKER", ""),
        }
    }
else:
    # Shared by the web process and the worker (user scopes are cached: organizations/scope.py);
    # tests get it in their own database. `make run` creates the table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a login without `next` lands (a bookmarked /admin/login/): the 工作台. Django's default,
# /accounts/profile/, is no page here. The portal's login has its own (activities/portal/views.py).
LOGIN_REDIRECT_URL = "admin:index"

# Error pages (config/errors.py): Chinese, in the layout of the site they happen on, in every
# mode. DJANGO_TECHNICAL_ERROR_PAGES=true (with DEBUG on) brings back Django's technical pages.
TECHNICAL_ERROR_PAGES = env.bool("DJANGO_TECHNICAL_ERROR_PAGES", default=False)
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the few third-party strings that ship without it (django-axes).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Uploads and generated documents (kit/storage_url.py): empty, MEDIA_ROOT on this machine (`make
# run`); on more than one machine a bucket all of them reach, e.g. MinIO in docker-compose.yml:
# s3+http://KEY:SECRET@minio:9000/dangjian. Files on disk from before the switch are read from
# MEDIA_ROOT while the bucket lacks them (STORAGE_LOCAL_FALLBACK), until `manage.py media_to_storage`.
STORAGE_URL = env("STORAGE_URL", default="")
STORAGES = {
    "default": storage_from_url(
        STORAGE_URL, local_fallback=env.bool("STORAGE_LOCAL_FALLBACK", default=True)
    ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production hardening; all on when DEBUG is off (python manage.py check --deploy is clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
# A session ends after this long without a request (each request renews it), and with the browser.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username, or
# from one address, that username or address is locked out for LOGIN_LOCKOUT_MINUTES; a
# sub-district officer can lift it earlier (admin → 登录锁定). Behind a reverse proxy the client's
# address is the one the proxy adds to X-Forwarded-For (TRUSTED_PROXY_COUNT proxies in front).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # organizations/admin.py registers a scoped one
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "kit.security.client_ip"
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis when REDIS_URL is set; otherwise a folder broker, so a real worker and beat run
# on a development machine with no other service.
CELERY_BROKER_FOLDER = DATA_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_FOLDER.mkdir(parents=True, exist_ok=True)
    (CELERY_BROKER_FOLDER / "processed").mkdir(exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told to reuse it:
# a new connection per chunk of feedback cards was most of a chunk's time and kept two workers
# from doubling one's throughput (bench/bench_feedback_cards.py). Reused for this many tasks; a
# connection broken by a task is dropped after it (config/celery_app.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_denied": {"()": "kit.logging.OneLineDenied"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_denied"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools report every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        # django-axes reports every login at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Two-factor login (TOTP, django-otp; common/twofactor.py). Any staff user may enrol an
# authenticator app at /admin/otp/setup/; with OTP_REQUIRED on, superusers and sub-district
# officers must (off by default: the demo and the tests log in with a password only).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="社区党建管理系统")

# Content-Security-Policy (django-csp): scripts only from the site itself or carrying the page's
# nonce; no plugin, no framing, forms post only here. Styles allow 'unsafe-inline' because
# django-unfold writes `style="…"` attributes in its templates. The admin adds
# ADMIN_SCRIPT_SRC_EXTRA (kit/middleware.py: unfold's Alpine.js evaluates expressions).
CONTENT_SECURITY_POLICY_REPORT_URI = env("CONTENT_SECURITY_POLICY_REPORT_URI", default="")
ADMIN_SCRIPT_SRC_EXTRA = env.list("ADMIN_SCRIPT_SRC_EXTRA", default=["'unsafe-eval'"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        **(
            {"report-uri": [CONTENT_SECURITY_POLICY_REPORT_URI]}
            if CONTENT_SECURITY_POLICY_REPORT_URI
            else {}
        ),
    }
}

# The admin's theme (django-unfold): the party's red, Chinese titles, the sidebar grouped by the
# secretary's work (config.admin.sidebar_navigation), the 工作台's own styles.
_RED = {
    "50": "oklch(97.1% .013 17.38)", "100": "oklch(93.6% .032 17.717)",
    "200": "oklch(88.5% .062 18.334)", "300": "oklch(80.8% .114 19.571)",
    "400": "oklch(70.4% .191 22.216)", "500": "oklch(63.7% .237 25.331)",
    "600": "oklch(57.7% .245 27.325)", "700": "oklch(50.5% .213 27.518)",
    "800": "oklch(44.4% .177 26.899)", "900": "oklch(39.6% .141 25.723)",
    "950": "oklch(25.8% .092 26.042)",
}  # fmt: skip
UNFOLD = {
    "SITE_TITLE": "社区党建管理系统",
    "SITE_HEADER": "社区党建管理系统",
    "SITE_SUBHEADER": "党务工作后台",
    "SITE_SYMBOL": "flag",
    "SITE_URL": "/",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "COLORS": {"primary": _RED},
    "STYLES": ["config.admin.workbench_styles", "config.admin.page_styles"],
    "SIDEBAR": {
        "show_search": True,
        # The sidebar's search box opens the command search (as Ctrl+K does): menu entries and
        # records (common/search.py), each kind through its admin's scoped rows.
        "command_search": True,
        "show_all_applications": False,
        "navigation": "config.admin.sidebar_navigation",
    },
    "COMMAND": {
        "search_models": False,  # unfold's own lists every match; ours (below) a few, scoped
        "search_callback": "common.search.record_search",
    },
}

# 工作台: a worker computes a user's panels (common/dashboard.py); the page shows the last figures
# and when they were computed. Figures overtaken by a change, the day or this age (a bulk write
# sends no signal) are computed again: on the visit, and after a change for the users who opened
# the 工作台 that day, once for all the changes within DASHBOARD_REFRESH_DELAY seconds.
# DASHBOARD_CACHE_SECONDS=0 computes them in the request on every visit.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
DASHBOARD_REFRESH_DELAY = env.int("DASHBOARD_REFRESH_DELAY", default=10)

# --- Domain rules (../shared/DOMAIN.md). Each number lives here once; a community overrides
# it through the environment, never by editing code.
# 社区大党委委员: one term lasts at most 3 years, renewable, at most 9 consecutive years (004).
JOINT_COMMITTEE_TERM_MAX_YEARS = env.int("JOINT_COMMITTEE_TERM_MAX_YEARS", default=3)
JOINT_COMMITTEE_CONSECUTIVE_MAX_YEARS = env.int("JOINT_COMMITTEE_CONSECUTIVE_MAX_YEARS", default=9)

# 双联双管 and floating members (001, 002).
IN_SERVICE_INACTIVE_MONTHS = env.int("IN_SERVICE_INACTIVE_MONTHS", default=6)
FLOATING_TRANSFER_MONTHS = env.int("FLOATING_TRANSFER_MONTHS", default=6)
FLOATING_NO_CONTACT_MONTHS = env.int("FLOATING_NO_CONTACT_MONTHS", default=6)
# 002 流动党员管理制度 五: three or more members away together at one place for six months or
# more form a 临时党小组; 六: a stay of three months or less keeps organizational life here (no
# 流动党员活动证); 七: a member abroad beyond their leave by a year or more has standing stopped.
TEMPORARY_GROUP_MIN_MEMBERS = env.int("TEMPORARY_GROUP_MIN_MEMBERS", default=3)
TEMPORARY_GROUP_MIN_MONTHS = env.int("TEMPORARY_GROUP_MIN_MONTHS", default=6)
FLOATING_SHORT_STAY_MONTHS = env.int("FLOATING_SHORT_STAY_MONTHS", default=3)
ABROAD_OVERSTAY_MONTHS = env.int("ABROAD_OVERSTAY_MONTHS", default=12)

# 实事 (001, 002 党组织共驻共建制度 3): each pledged 驻区单位 does at least 2 a year for the community,
# each registered in-service member 1-2 (001: the minimum, 1). Who owes a year's is decided on its
# reminder day (default 1 November), from which those short of it are reminded until 31 January.
UNIT_DEEDS_PER_YEAR = env.int("UNIT_DEEDS_PER_YEAR", default=2)
MEMBER_DEEDS_PER_YEAR = env.int("MEMBER_DEEDS_PER_YEAR", default=1)
DEED_REMINDER_MONTH = env.int("DEED_REMINDER_MONTH", default=11)
DEED_REMINDER_DAY = env.int("DEED_REMINDER_DAY", default=1)
# 党员联系户 (002 社区党总支联系群众制度 2): each household visited at least once a month.
HOUSEHOLD_VISIT_MONTHS = env.int("HOUSEHOLD_VISIT_MONTHS", default=1)

# Member rules of issue 9. The Party's own numbers (probation of one year, an extension of 6 to 12
# months, 18 years on 入党日期, six months for 自行脱党, the 量化考核 deductions of 002) are named
# constants in members/rules.py; what a community may set differently is here.
# 社区大党委委员 (004: 连聘连任…一般不超过9年): a new term that starts within this many days of the
# end of the previous one continues it, so a re-appointment a few weeks late does not restart the
# nine-year count.
JOINT_COMMITTEE_TERM_GAP_DAYS = env.int("JOINT_COMMITTEE_TERM_GAP_DAYS", default=31)

# 两会一化 (000 items 七 and 十): the community's 党员代表会议 (常任制) and its 区域化党总支.
# Seats by group (结构席位制): 社区直管党员20名、区域内党组织3名、居住在辖区的在职党员3名、流动党员1名,
# at most 27 in all (代表总数27名以内); a conference's own seats start from these.
MEMBERS_CONGRESS_SEATS = {
    "direct": env.int("MEMBERS_CONGRESS_SEATS_DIRECT", default=20),
    "regional_org": env.int("MEMBERS_CONGRESS_SEATS_REGIONAL_ORG", default=3),
    "in_service": env.int("MEMBERS_CONGRESS_SEATS_IN_SERVICE", default=3),
    "floating": env.int("MEMBERS_CONGRESS_SEATS_FLOATING", default=1),
}
MEMBERS_CONGRESS_MAX_SEATS = env.int("MEMBERS_CONGRESS_MAX_SEATS", default=27)
# The 工作台 shows a term (the conference's, the 区域化党总支's) ending within this many days.
MEMBERS_CONGRESS_TERM_REMINDER_DAYS = env.int("MEMBERS_CONGRESS_TERM_REMINDER_DAYS", default=90)
# 区域化党总支: 7 members (社区书记、副书记、组织委员、重点驻区域党组织党员代表3人、在职党员代表1人).
MEMBERS_REGIONAL_BRANCH_COMPOSITION = {
    "secretary": env.int("MEMBERS_REGIONAL_BRANCH_SECRETARY", default=1),
    "deputy_secretary": env.int("MEMBERS_REGIONAL_BRANCH_DEPUTY_SECRETARY", default=1),
    "organization_member": env.int("MEMBERS_REGIONAL_BRANCH_ORGANIZATION_MEMBER", default=1),
    "key_organization": env.int("MEMBERS_REGIONAL_BRANCH_KEY_ORGANIZATION", default=3),
    "in_service": env.int("MEMBERS_REGIONAL_BRANCH_IN_SERVICE", default=1),
}
MEMBERS_REGIONAL_BRANCH_SIZE = env.int("MEMBERS_REGIONAL_BRANCH_SIZE", default=7)


# 社区党建示范小区 (003, members/showcase.py): each sub-district creates at least 1-2 a year; its
# yearly round is due by this day (MM-DD: a 工作台 to-do when the year has none), communities apply
# by SHOWCASE_APPLICATION_DEADLINE (MM-DD, 年初申报), and the evaluation is due at year end (评选每年
# 年末一次: a to-do from SHOWCASE_EVALUATION_FROM, MM-DD). The secretary's education and age: 大专以上
# (the Education code from which up), 一般45周岁以下 (45 passes, 46 does not) on the evaluation day.
SHOWCASE_MIN_PER_YEAR = env.int("SHOWCASE_MIN_PER_YEAR", default=1)
SHOWCASE_MAX_PER_YEAR = env.int("SHOWCASE_MAX_PER_YEAR", default=2)
SHOWCASE_ROUND_DUE = env("SHOWCASE_ROUND_DUE", default="01-31")
SHOWCASE_APPLICATION_DEADLINE = env("SHOWCASE_APPLICATION_DEADLINE", default="03-31")
SHOWCASE_EVALUATION_FROM = env("SHOWCASE_EVALUATION_FROM", default="12-01")
SHOWCASE_SECRETARY_MIN_EDUCATION = env("SHOWCASE_SECRETARY_MIN_EDUCATION", default="college")
SHOWCASE_SECRETARY_MAX_AGE = env.int("SHOWCASE_SECRETARY_MAX_AGE", default=45)

# An add form that answers "this citizen ID already exists" confirms a guessed ID: each such
# answer is logged, and a user gets at most this many a day; past it the form is refused and the
# sub-district officer sees it on the 工作台 (members/services/probe.py).
CITIZEN_ID_PROBE_DAILY_LIMIT = env.int("CITIZEN_ID_PROBE_DAILY_LIMIT", default=20)

# Audit trail (django-simple-history): reverting from the history page would bypass the services'
# checks, so it is off; the history stays readable.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Uploaded attachments and photos (kit/uploads.py): PDF, JPEG, PNG and Office documents, told
# by their content; larger than this is refused with a Chinese message.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# Imports (kit/spreadsheets.py): a file is refused before it is parsed when it is larger than
# this, or (.xlsx) would unpack to more; while read, past the row or cell limits. An uploaded file
# waits for its confirmation in the cache only, for IMPORT_PREVIEW_SECONDS.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
# A part of an .xlsx (1 MB or more unpacked) may unpack to at most this many times its packed size:
# real sheets stay well under 20, a zip bomb of blank rows is in the hundreds or thousands.
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=500)
IMPORT_PREVIEW_SECONDS = env.int("IMPORT_PREVIEW_SECONDS", default=30 * 60)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "kit.spreadsheets.ExpiringCacheStorage"

# --- Activities (activities/, issue 10): 三会一课 frequencies, quorum, attendance targets.
# Required meetings, "count/unit" (unit: month, quarter, year). Defaults: the 2018 支部工作条例
# (党员大会 quarterly, 支委会 and 党小组会 monthly), 党课 quarterly (common practice), 主题党日 monthly
# (002), 组织生活会 yearly, 联席会 and 大党委会议 quarterly (004). DOMAIN.md "会议落实情况".
ACTIVITIES_BRANCH_REQUIREMENTS = {
    "general_meeting": env("ACTIVITIES_GENERAL_MEETING", default="1/quarter"),
    "committee_meeting": env("ACTIVITIES_COMMITTEE_MEETING", default="1/month"),
    "lecture": env("ACTIVITIES_LECTURE", default="1/quarter"),
    "theme_day": env("ACTIVITIES_THEME_DAY", default="1/month"),
    "organizational_life": env("ACTIVITIES_ORGANIZATIONAL_LIFE", default="1/year"),
}
ACTIVITIES_GROUP_REQUIREMENTS = {
    "group_meeting": env("ACTIVITIES_GROUP_MEETING", default="1/month"),
}
ACTIVITIES_COMMUNITY_REQUIREMENTS = {  # only where the community has that joint committee
    "joint_meeting": env("ACTIVITIES_JOINT_MEETING", default="1/quarter"),
    "big_committee_meeting": env("ACTIVITIES_BIG_COMMITTEE_MEETING", default="1/quarter"),
    # Only where the community has a 党员代表会议 (its yearly session hears the 区域化党总支's report
    # and the year's plan, 000 七) or a 区域化党总支 (meets like the 联席会).
    "congress_session": env("ACTIVITIES_CONGRESS_SESSION", default="1/year"),
    "regional_branch_meeting": env("ACTIVITIES_REGIONAL_BRANCH_MEETING", default="1/quarter"),
}
# A 社区党委/党总支's own meetings (issue 24; 002 "三会一课"制度 and the community's 议事会, 扩大会议,
# 党建带团建, 联系群众 rules; 001 在职党员管理制度 and 党员志愿者服务): owed by every community from the
# later of 1 January and its 成立日期. "a,b": both must hold (党课 每季度一次，一年不少于4次).
# "year_end": once a year in the fourth quarter (期间 YYYY, from 1 October). 电化教育 is the
# community's (002 社区党员电化教育制度: 以社区党员活动室为主阵地，每月不得少于一次).
ACTIVITIES_COMMUNITY_OWN_REQUIREMENTS = {
    "community_committee_meeting": env("ACTIVITIES_COMMUNITY_COMMITTEE_MEETING", default="1/month"),
    "lecture": env("ACTIVITIES_COMMUNITY_LECTURE", default="1/quarter,4/year"),
    "democratic_life": env("ACTIVITIES_COMMUNITY_DEMOCRATIC_LIFE", default="1/year"),
    "enlarged_meeting": env("ACTIVITIES_ENLARGED_MEETING", default="1/half_year"),
    "council_meeting": env("ACTIVITIES_COUNCIL_MEETING", default="1/quarter"),
    "youth_league_meeting": env("ACTIVITIES_YOUTH_LEAGUE_MEETING", default="1/quarter"),
    "residents_forum": env("ACTIVITIES_RESIDENTS_FORUM", default="1/quarter"),
    "in_service_assembly": env("ACTIVITIES_IN_SERVICE_ASSEMBLY", default="1/year_end"),
    "volunteer_service": env("ACTIVITIES_COLLECTIVE_SERVICE", default="1/quarter"),
    "screening": env("ACTIVITIES_SCREENING", default="1/month"),
}
# 总支党员大会: quarterly where the community has a 党小组 below it, monthly where it has none
# (002), each period judged on its last day (or the as-of date while it runs).
ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITH_GROUPS = env(
    "ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITH_GROUPS", default="1/quarter"
)
ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITHOUT_GROUPS = env(
    "ACTIVITIES_COMMUNITY_GENERAL_MEETING_WITHOUT_GROUPS", default="1/month"
)
# 支部工作条例: a branch with 7 or more full members has a committee (so owes 支部委员会).
ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS = env.int("ACTIVITIES_COMMITTEE_MIN_FULL_MEMBERS", default=7)
# Quorum per kind: ">1/2" more than half of those who should attend (002; the 会议台账 import
# applies it to every kind it lists), ">=4/5" at least 4/5 (004, 大党委); a kind absent needs none.
ACTIVITIES_QUORUMS = {
    "general_meeting": ">1/2",
    "committee_meeting": ">1/2",
    "group_meeting": ">1/2",
    "lecture": ">1/2",
    "theme_day": ">1/2",
    "organizational_life": ">1/2",
    "democratic_life": ">1/2",
    "joint_meeting": ">1/2",
    "big_committee_meeting": env("ACTIVITIES_BIG_COMMITTEE_QUORUM", default=">=4/5"),
    # a community's own (002: 总支委员会、议事会 半数以上的委员到会方能举行; 总支党员大会 votes);
    # 居民群众座谈会, 在职党员大会, 集体为民服务 and 电化教育 need none.
    "community_general_meeting": ">1/2",
    "community_committee_meeting": ">1/2",
    "enlarged_meeting": ">1/2",
    "council_meeting": ">1/2",
    "youth_league_meeting": ">1/2",
    # 党员代表会议: more than half of the delegates seated on the session's day.
    "congress_session": ">1/2",
    "regional_branch_meeting": ">1/2",
}
# 003: attendance target of members 80%, in-service members' participation 50%.
ACTIVITIES_ATTENDANCE_TARGET = env.int("ACTIVITIES_ATTENDANCE_TARGET", default=80)
ACTIVITIES_IN_SERVICE_TARGET = env.int("ACTIVITIES_IN_SERVICE_TARGET", default=50)
# Reminders: what falls due within this many days, and what is overdue (issue 10 point 4).
ACTIVITIES_REMINDER_DAYS = env.int("ACTIVITIES_REMINDER_DAYS", default=7)
ACTIVITIES_REMINDER_EMAIL = env.bool("ACTIVITIES_REMINDER_EMAIL", default=False)
# The hour the daily reminders start with when `migrate` installs them (activities/schedule.py);
# afterwards edited in the admin (周期任务).
ACTIVITIES_REMINDER_HOUR = env.int("ACTIVITIES_REMINDER_HOUR", default=7)
# QR sign-in is open from this long before the meeting's start to its end (never required).
ACTIVITIES_SIGN_IN_EARLY_MINUTES = env.int("ACTIVITIES_SIGN_IN_EARLY_MINUTES", default=30)
ACTIVITIES_SIGN_IN_DEFAULT_HOURS = env.int("ACTIVITIES_SIGN_IN_DEFAULT_HOURS", default=2)
# Where a member who scans the code logs in (the members' portal, not the staff admin).
ACTIVITIES_SIGN_IN_LOGIN_URL = env("ACTIVITIES_SIGN_IN_LOGIN_URL", default="portal:login")
# The site's address as a member's phone reaches it: the printed 签到表's QR code points there
# (by default the public site's address, PUBLICITY_PUBLIC_BASE_URL, the same server).
ACTIVITIES_SIGN_IN_BASE_URL = env(
    "ACTIVITIES_SIGN_IN_BASE_URL",
    default=env("PUBLICITY_PUBLIC_BASE_URL", default="http://localhost:8000"),
)
# 议程, 会议记录 and 决议 of a meeting: at most this many characters each (a longer text goes in
# as an attachment). The synchronous 会议记录 PDF of such a record stays well under a second.
ACTIVITIES_TEXT_MAX_CHARS = env.int("ACTIVITIES_TEXT_MAX_CHARS", default=10000)

# --- Finance (finance/, issue 11): dues and 党建经费.
# 党建经费 (000 item 四): 10,000 yuan per community per year in the sub-district budget, paid monthly.
FINANCE_FUND_YEARLY_BUDGET = env.int("FINANCE_FUND_YEARLY_BUDGET", default=10000)
# 001: 100 yuan per member per year for organization activities, 30 for education and training.
FINANCE_ACTIVITY_PER_MEMBER = env.int("FINANCE_ACTIVITY_PER_MEMBER", default=100)
FINANCE_EDUCATION_PER_MEMBER = env.int("FINANCE_EDUCATION_PER_MEMBER", default=30)
# 001 names a hardship fund without an amount: the sub-district sets it per community (default 0).
FINANCE_HARDSHIP_FUND = env.int("FINANCE_HARDSHIP_FUND", default=0)
# The first month the dues records of this system cover (YYYY-MM): a member with no payment is
# counted as unpaid from then, not from the day they joined. Empty: the earliest month recorded.
FINANCE_DUES_RECORDS_SINCE = env("FINANCE_DUES_RECORDS_SINCE", default="")
# 自愿多交党费 is unlimited by the rules; one payment above this many yuan is refused as a typing
# error (a larger gift is recorded in several payments). 1000 yuan or more goes to the centre.
FINANCE_VOLUNTARY_MAX_AMOUNT = env.int("FINANCE_VOLUNTARY_MAX_AMOUNT", default=100000)
# Months shown by the workbench's collection-rate chart.
FINANCE_CHART_MONTHS = env.int("FINANCE_CHART_MONTHS", default=12)

# --- Publicity (publicity/, issue 12): development time limits, 公示 and the public boards.
# 发展党员工作细则 (2014) and DOMAIN.md "Publicity": every time limit of the 25 steps. The age of 18
# and the probation of one year (extended once by 6 to 12 months) are the member record's own
# constants (members/rules.py), which publicity/rules.py uses too.
PUBLICITY_TALK_WITHIN_MONTHS = env.int("PUBLICITY_TALK_WITHIN_MONTHS", default=1)  # 一个月内谈话
PUBLICITY_CULTIVATORS_MIN = env.int("PUBLICITY_CULTIVATORS_MIN", default=1)  # 1至2名培养联系人
PUBLICITY_CULTIVATORS_MAX = env.int("PUBLICITY_CULTIVATORS_MAX", default=2)
PUBLICITY_ACTIVIST_MIN_MONTHS = env.int("PUBLICITY_ACTIVIST_MIN_MONTHS", default=12)  # 一年以上
PUBLICITY_INTRODUCERS = env.int("PUBLICITY_INTRODUCERS", default=2)  # 两名正式党员作介绍人
PUBLICITY_REVIEWERS_MIN = env.int("PUBLICITY_REVIEWERS_MIN", default=2)  # 政审不少于两人（002）
PUBLICITY_TRAINING_MIN_DAYS = env.int("PUBLICITY_TRAINING_MIN_DAYS", default=3)  # 不少于3天
PUBLICITY_TRAINING_MIN_HOURS = env.int("PUBLICITY_TRAINING_MIN_HOURS", default=24)  # 或24学时
PUBLICITY_APPROVAL_WITHIN_MONTHS = env.int("PUBLICITY_APPROVAL_WITHIN_MONTHS", default=3)
PUBLICITY_APPROVAL_EXTENDED_MONTHS = env.int("PUBLICITY_APPROVAL_EXTENDED_MONTHS", default=6)
PUBLICITY_FULL_APPROVAL_WITHIN_MONTHS = env.int("PUBLICITY_FULL_APPROVAL_WITHIN_MONTHS", default=3)
# 公示 (000 item 八: 7 to 10 days; some places 5 working days): the period, and whether it counts
# working days of the Chinese holiday calendar (the chinesecalendar package) instead of calendar days.
PUBLICITY_NOTICE_DAYS = env.int("PUBLICITY_NOTICE_DAYS", default=7)
PUBLICITY_NOTICE_WORKING_DAYS = env.bool("PUBLICITY_NOTICE_WORKING_DAYS", default=False)
# The workbench's "公示即将结束" and "步骤即将到期" look this many days ahead.
PUBLICITY_DUE_SOON_DAYS = env.int("PUBLICITY_DUE_SOON_DAYS", default=7)
# The development registers (002): a quarter's 思想汇报/书面汇报 is due this many days after the
# quarter ends, a half year's 培养考察 this many after it ends; periods that ended before
# PUBLICITY_REGISTERS_FROM (YYYY-MM-DD, the day the registers began to be kept here) are on paper.
PUBLICITY_REPORT_GRACE_DAYS = env.int("PUBLICITY_REPORT_GRACE_DAYS", default=15)
PUBLICITY_ASSESSMENT_GRACE_DAYS = env.int("PUBLICITY_ASSESSMENT_GRACE_DAYS", default=30)
_registers_from = env("PUBLICITY_REGISTERS_FROM", default="")
PUBLICITY_REGISTERS_FROM = dt.date.fromisoformat(_registers_from) if _registers_from else None
# The public opinion form: at most this many opinions from one address per window (Django's cache).
PUBLICITY_OPINION_RATE = env.int("PUBLICITY_OPINION_RATE", default=5)
PUBLICITY_OPINION_WINDOW_SECONDS = env.int("PUBLICITY_OPINION_WINDOW_SECONDS", default=3600)
PUBLICITY_CAPTCHA_MAX_AGE_SECONDS = env.int("PUBLICITY_CAPTCHA_MAX_AGE_SECONDS", default=1800)
# Public pages are kept rendered this long at most (a change to a notice or an item shows at once).
PUBLICITY_PUBLIC_CACHE_SECONDS = env.int("PUBLICITY_PUBLIC_CACHE_SECONDS", default=300)
# The address printed in the poster's QR code (the public site's root), e.g. https://dangjian.example.cn
PUBLICITY_PUBLIC_BASE_URL = env("PUBLICITY_PUBLIC_BASE_URL", default="http://localhost:8000")

# --- Feedback cards and reports (issue 13).
# 在职党员社区表现反馈卡 (002 在职党员社区活动反馈制度): one card per registered in-service member and
# period. One source says quarterly, the others half-yearly: half-yearly (6) is the default, 3 makes
# the periods quarters (codes 2026H1/2026H2, or 2026Q1..2026Q4).
FEEDBACK_PERIOD_MONTHS = env.int("FEEDBACK_PERIOD_MONTHS", default=6)
# The periodic task (django-celery-beat, editable in the admin once created) generates the cards
# of the period just ended: by default on 1 January and 1 July at 02:00 (DOMAIN "Reports and batch
# work"). These are the defaults of the schedule it is created with after `migrate`.
FEEDBACK_SCHEDULE_MONTHS = env("FEEDBACK_SCHEDULE_MONTHS", default="1,7")
FEEDBACK_SCHEDULE_DAY = env.int("FEEDBACK_SCHEDULE_DAY", default=1)
FEEDBACK_SCHEDULE_HOUR = env.int("FEEDBACK_SCHEDULE_HOUR", default=2)
# Registrations per generation task: a killed worker redoes at most one chunk.
FEEDBACK_CHUNK_SIZE = env.int("FEEDBACK_CHUNK_SIZE", default=50)
CELERY_IMPORTS = ["activities.feedback.tasks"]
# A worker killed with SIGKILL never acknowledges its task (CELERY_TASK_ACKS_LATE): Redis hands it
# to a worker again after this many seconds.
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=3600
    )
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
