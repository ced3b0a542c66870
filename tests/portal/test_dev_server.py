"""``make run``: what it tells a newcomer, and email links that follow the port it serves on."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Reads the dev settings as `manage.py <argv>` would, and prints the addresses emails carry.
SHOW_URLS = """
import json, sys
sys.argv = json.loads(sys.argv[1])
from django.conf import settings
print(json.dumps([
    settings.SITE_URL,
    settings.WAGTAILADMIN_BASE_URL,
    settings.HEADLESS_FRONTEND_URLS["account_confirm_email"],
]))
"""


def dev_urls(*argv: str, site_url: str = "") -> list[str]:
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-c", SHOW_URLS, json.dumps(["manage.py", *argv])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_make_run_says_where_the_portal_and_admin_are_and_how_to_get_a_staff_account():
    result = subprocess.run(
        ["make", "-s", "welcome", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert "http://127.0.0.1:8123/" in result.stdout
    assert "http://127.0.0.1:8123/admin/" in result.stdout
    assert "manage.py createsuperuser" in result.stdout
    assert "courriels" in result.stdout and "ce terminal" in result.stdout


@pytest.mark.parametrize(
    ("argv", "site_url"),
    [
        (["runserver", "127.0.0.1:8123"], "http://127.0.0.1:8123"),
        (["runserver", "--noreload", "8124"], "http://localhost:8124"),
        (["runserver", "0.0.0.0:8125"], "http://localhost:8125"),
    ],
)
def test_email_links_follow_the_port_the_dev_server_was_started_on(argv, site_url):
    assert dev_urls(*argv) == [
        site_url,
        site_url,
        f"{site_url}/comptes/confirm-email/{{key}}/",
    ]


def test_an_explicit_site_url_wins_over_the_dev_server_port():
    urls = dev_urls("runserver", "8123", site_url="https://portail.example.org")

    assert urls[0] == "https://portail.example.org"
