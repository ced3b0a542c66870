"""Cache, sessions and login rate limits in a real Redis, configured as production configures it
from ``REDIS_URL``, and shared between two processes as between two web servers."""

import json

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.urls import reverse
from django_redis.cache import RedisCache

from tests.membership.factories import UserFactory

from .services import production_env, production_settings, python, redis_server

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"


@pytest.fixture
def redis_url(tmp_path, settings):
    """A Redis server, and this process configured with production's settings for it."""
    with redis_server(tmp_path) as url:
        production = production_settings(["CACHES", "SESSION_ENGINE"], REDIS_URL=url)
        settings.CACHES = production["CACHES"]
        settings.SESSION_ENGINE = production["SESSION_ENGINE"]
        yield url


def other_process(url: str, code: str) -> dict:
    """Run ``code`` (which prints JSON) in a second process with production's settings."""
    return json.loads(python(code, production_env(REDIS_URL=url)))


def test_production_keeps_cache_and_sessions_in_redis_when_redis_url_is_set(redis_url):
    assert isinstance(caches["default"], RedisCache)
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"


def test_what_one_process_caches_the_other_reads_and_deletes(redis_url):
    cache.set("portail:places", {"session": 12, "restantes": 3}, timeout=60)

    seen = other_process(
        redis_url,
        "from django.core.cache import cache; import json\n"
        "print(json.dumps(cache.get('portail:places')))\n"
        "cache.set('portail:depuis-l-autre', 'bonjour', timeout=60)\n"
        "cache.delete('portail:places')",
    )

    assert seen == {"session": 12, "restantes": 3}
    assert cache.get("portail:depuis-l-autre") == "bonjour"
    assert cache.get("portail:places") is None
    assert redis.Redis.from_url(redis_url).dbsize() >= 1


def test_a_session_opened_here_is_signed_in_in_the_other_process(client, redis_url):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    key = client.cookies["sessionid"].value

    seen = other_process(
        redis_url,
        "from django.contrib.sessions.backends.cache import SessionStore; import json\n"
        f"session = SessionStore({key!r})\n"
        "print(json.dumps({'user': session.get('_auth_user_id'), 'exists': session.exists(session.session_key)}))",
    )

    assert seen == {"user": str(user.pk), "exists": True}
    # Nothing in the database: the web processes share the session through Redis alone.
    assert not Session.objects.exists()
    # Signing out here ends it there too.
    client.post(reverse("account_logout"))
    gone = other_process(
        redis_url,
        "from django.contrib.sessions.backends.cache import SessionStore; import json\n"
        f"print(json.dumps(SessionStore({key!r}).exists({key!r})))",
    )
    assert gone is False


def test_failed_logins_counted_by_two_processes_add_up_to_the_limit(client, redis_url):
    """allauth allows 5 failed logins per account in 5 minutes. Three here and two in another
    web process make five: the sixth attempt, even with the right password, is refused here. A
    cache kept in each process would have allowed it."""
    user = UserFactory()
    for _ in range(3):
        page = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        assert "Trop de tentatives" not in page.content.decode()

    # The other process counts its failures as allauth's login form does, before authenticating.
    allowed = other_process(
        redis_url,
        "from django.test import RequestFactory; import json\n"
        "from allauth.account.adapter import get_adapter\n"
        "from django.core.exceptions import ValidationError\n"
        "results = []\n"
        "for _ in range(2):\n"
        "    request = RequestFactory().post('/comptes/login/')\n"
        "    try:\n"
        f"        get_adapter(request).pre_authenticate(request, email={user.email!r}, password='faux')\n"
        "        results.append(True)\n"
        "    except ValidationError:\n"
        "        results.append(False)\n"
        "print(json.dumps(results))",
    )
    assert allowed == [True, True]

    right = {"login": user.email, "password": PASSWORD}
    page = client.post(reverse("account_login"), right)
    assert "Trop de tentatives de connexion échouées" in page.content.decode()
    assert "_auth_user_id" not in client.session
