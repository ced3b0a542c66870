import os
import sys


def runserver_url(argv: list[str]) -> str | None:
    """The address ``manage.py runserver [addr:]port`` serves, so that email links point to it."""
    if "runserver" not in argv[1:2]:
        return None
    positional = [arg for arg in argv[2:] if not arg.startswith("-")]
    addrport = positional[0] if positional else "127.0.0.1:8000"
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        return None
    # An address that listens everywhere is not one a browser can open.
    if host in {"", "0", "0.0.0.0", "[::]"}:
        host = "localhost"
    return f"http://{host}:{port}"


# Set before base reads it: base derives the admin's, the API's and allauth's links from it.
if not os.environ.get("SITE_URL") and (url := runserver_url(sys.argv)):
    os.environ["SITE_URL"] = url

from .base import *  # noqa: E402, F403

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production"  # noqa: F405
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
