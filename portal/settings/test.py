import os

# Everything base derives from SITE_URL (admin, API, allauth's email links) points at the test
# client's host.
os.environ["SITE_URL"] = "http://testserver"
# The suite reads one database; the replica router runs against a real primary and replica of
# its own (tests/scaleout/test_replica.py), whatever the shell running the tests says.
os.environ.pop("DATABASE_REPLICA_URL", None)

from .base import *  # noqa: E402, F403

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Parallel test runs against one PostgreSQL server need distinct test databases.
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}  # noqa: F405

# Tests run without collectstatic: WhiteNoise finds files through the finders instead of
# scanning STATIC_ROOT (whose absence would raise a warning, hence an error).
WHITENOISE_AUTOREFRESH = True
