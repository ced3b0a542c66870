"""gunicorn settings for Portail: `gunicorn -c gunicorn.conf.py portal.wsgi`.

Every value can be changed by the environment, so one file serves one machine and many.
"""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: each one holds a database connection; 2 per core + 1 is gunicorn's advice.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then, so a slow leak cannot grow for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Logs on stdout and stderr, for journald or the container runtime.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Only the local proxy may say which client and scheme a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Refuse to start when Django's system checks fail, told how many workers will really run
    (the command line may override `workers`): several need a cache they share, for instance.
    The checks run in a process of their own, so that this master never imports the project and
    a reload (HUP) still loads new code."""
    env = {**os.environ, "WEB_CONCURRENCY": str(server.cfg.workers)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")  # as portal/wsgi.py
    manage = Path(__file__).with_name("manage.py")
    checked = subprocess.run(
        [sys.executable, str(manage), "check"], env=env, capture_output=True, text=True
    )
    if checked.returncode != 0:
        raise RuntimeError(checked.stderr.strip())  # gunicorn prints it and exits
