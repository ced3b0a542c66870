"""Wagtail's page privacy holds on every path, not only the page view.

Each test runs with each kind of restriction: login only, a shared password, groups, and groups
on an ancestor (the catalogue holding the pages). Three people try: an anonymous visitor, a paid
member outside the restriction (signed in, not in the group, without the password) and a paid
member inside it (in the group, or having typed the password in Wagtail's form).
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from catalogue.models import (
    Application,
    Registration,
    RegistrationStatus,
    RelatedSession,
    SessionFormat,
)
from catalogue.registrations.emails import send_registration_email
from catalogue.registrations.services import registration_cancel, registrations_send_reminders
from tests.catalogue.factories import (
    CatalogueIndexPageFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    WorkingGroupCallPageFactory,
)
from tests.catalogue.registration_helpers import emails_to, session_member

pytestmark = pytest.mark.django_db

KINDS = ["login", "password", "groups", "ancestor"]
PEOPLE = ["anonymous", "outsider", "insider"]
PASSWORD = "sésame-2027"
SECRET_LINK = "https://visio.exemple.fr/salle-reservee-7"
SESSION_TITLE = "Session confidentielle"
CALL_TITLE = "Appel confidentiel"


@dataclass
class World:
    kind: str
    catalogue: Page  # public: holds the article (and the restricted pages, but for "ancestor")
    parent: Page  # holds the restricted session and call
    session: Page
    call: Page
    article: Page
    outsider: object
    insider: object
    clients: dict

    def may_view(self, person: str) -> bool:
        """What Wagtail's own page view lets this person see."""
        return person == "insider" or (person == "outsider" and self.kind == "login")

    def person_may_view(self, person: str) -> bool:
        """The same judged without the person's request (waiting list, reminders, emails):
        a password is not asked again of someone already registered."""
        return person == "insider" or self.kind in ("login", "password")


def _restrict(page: Page, kind: str, group: Group) -> PageViewRestriction:
    restriction_type = {
        "login": PageViewRestriction.LOGIN,
        "password": PageViewRestriction.PASSWORD,
    }.get(kind, PageViewRestriction.GROUPS)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password=PASSWORD
    )
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.add(group)
    return restriction


@pytest.fixture(params=KINDS)
def world(request, home_page) -> World:
    kind = request.param
    group = Group.objects.create(name="Élus du réseau")
    catalogue = CatalogueIndexPageFactory(title="Catalogue ouvert")
    parent = CatalogueIndexPageFactory(title="Espace réservé") if kind == "ancestor" else catalogue
    session = SessionPageFactory(
        parent=parent, title=SESSION_TITLE, format=SessionFormat.ONLINE, meeting_url=SECRET_LINK
    )
    call = WorkingGroupCallPageFactory(parent=parent, title=CALL_TITLE)
    article = ResourceArticlePageFactory(parent=catalogue, title="Article ouvert")
    RelatedSession.objects.create(article=article, session=session, sort_order=0)
    restrictions = [
        _restrict(page, kind, group)
        for page in ([parent] if kind == "ancestor" else [session, call])
    ]

    outsider, insider = session_member(session), session_member(session)
    insider.groups.add(group)
    clients = {"anonymous": Client(), "outsider": Client(), "insider": Client()}
    clients["outsider"].force_login(outsider)
    clients["insider"].force_login(insider)
    if kind == "password":
        for restriction in restrictions:
            typed = clients["insider"].post(
                reverse(
                    "wagtailcore_authenticate_with_password",
                    args=[restriction.pk, restriction.page_id],
                ),
                {"password": PASSWORD, "return_url": "/"},
            )
            assert typed.status_code == 302
    return World(kind, catalogue, parent, session, call, article, outsider, insider, clients)


def _text(response) -> str:
    return response.content.decode() if response.status_code == 200 else ""


def _reads(w: World) -> dict:
    """Each read path: what it answers about the restricted session (title shown, or found)."""
    session, article = w.session, w.article
    return {
        "page view": lambda c: SESSION_TITLE in _text(c.get(session.url)),
        "catalogue cards": lambda c: SESSION_TITLE in _text(c.get(w.parent.url)),
        "home cards": lambda c: SESSION_TITLE in _text(c.get("/")),
        "article page": lambda c: SESSION_TITLE in _text(c.get(article.url)),
        "article API related_sessions": lambda c: (
            SESSION_TITLE in _text(c.get(f"/api/catalogue/{article.pk}/"))
        ),
        "API listing": lambda c: SESSION_TITLE in _text(c.get("/api/catalogue/?limit=100")),
        "API detail": lambda c: c.get(f"/api/catalogue/{session.pk}/").status_code == 200,
        "search page": lambda c: SESSION_TITLE in _text(c.get("/recherche/?q=confidentielle")),
        "search API": lambda c: SESSION_TITLE in _text(c.get("/api/search/?q=confidentielle")),
        "autocomplete": lambda c: (
            SESSION_TITLE in _text(c.get("/api/search/autocomplete/?q=confidenti"))
        ),
        "iCal feed": lambda c: SESSION_TITLE in _text(c.get("/api/calendar.ics")),
        "iCal of the session": lambda c: (
            c.get(f"/api/catalogue/{session.pk}/calendar.ics").status_code == 200
        ),
        "v2 listing": lambda c: (
            SESSION_TITLE in _text(c.get("/api/v2/pages/?type=catalogue.SessionPage&limit=20"))
        ),
        "v2 detail": lambda c: c.get(f"/api/v2/pages/{session.pk}/").status_code == 200,
        "v2 article related_sessions": lambda c: (
            session.pk
            in [
                link["session_id"]
                for link in c.get(f"/api/v2/pages/{article.pk}/?fields=related_sessions").json()[
                    "related_sessions"
                ]
            ]
        ),
    }


def test_every_read_shows_the_page_only_to_who_may_view_it(world):
    wrong = [
        f"{path} for {person}: {'hidden' if world.may_view(person) else 'shown'}"
        for person in PEOPLE
        for path, shows in _reads(world).items()
        if shows(world.clients[person]) != world.may_view(person)
    ]
    assert wrong == []
    # The call is held by the same rules: the call's own API detail, as a sample.
    assert [
        world.clients[p].get(f"/api/catalogue/{world.call.pk}/").status_code for p in PEOPLE
    ] == [200 if world.may_view(p) else 404 for p in PEOPLE]


def test_the_registration_page_and_its_form_refuse_who_may_not_view(world):
    register_url = reverse("catalogue:register", args=[world.session.pk])
    anonymous = world.clients["anonymous"]
    assert anonymous.get(register_url).status_code == 302  # to the login page
    for person in ("outsider", "insider"):
        client = world.clients[person]
        page, posted = client.get(register_url), client.post(register_url)
        if world.may_view(person):
            assert page.status_code == 200 and SESSION_TITLE in page.content.decode()
            assert posted.status_code == 302
        else:
            for response in (page, posted):
                assert response.status_code == 403
                content = response.content.decode()
                assert "Accès réservé" in content and SESSION_TITLE not in content
    registered = set(Registration.objects.values_list("user_id", flat=True))
    expected = {getattr(world, p).pk for p in ("outsider", "insider") if world.may_view(p)}
    assert registered == expected


def test_the_registration_api_refuses_who_may_not_view(world, django_capture_on_commit_callbacks):
    url = f"/api/catalogue/{world.session.pk}/registrations/"
    with django_capture_on_commit_callbacks(execute=True):
        answers = {
            person: world.clients[person].post(url, {}, content_type="application/json")
            for person in PEOPLE
        }
    assert answers["anonymous"].status_code == 401
    for person in ("outsider", "insider"):
        if world.may_view(person):
            assert answers[person].status_code == 201, answers[person].content
        else:
            assert answers[person].status_code == 403
            assert answers[person].json()["code"] == "restricted"
            assert (
                "réservée" in answers[person].json()["detail"]
                or "mot de passe" in (answers[person].json()["detail"])
            )
            assert SESSION_TITLE not in answers[person].content.decode()
    refused = [p for p in ("outsider", "insider") if not world.may_view(p)]
    assert not Registration.objects.filter(user__in=[getattr(world, p) for p in refused]).exists()
    for person in refused:
        assert not any(SECRET_LINK in m.body for m in emails_to(getattr(world, person)))


def test_applications_page_and_api_refuse_who_may_not_view(world):
    question = world.call.questions.get()
    page_url = reverse("catalogue:apply", args=[world.call.pk])
    api_url = f"/api/catalogue/{world.call.pk}/applications/"
    assert world.clients["anonymous"].get(page_url).status_code == 302
    assert world.clients["anonymous"].post(api_url, {}).status_code == 401
    for person in ("outsider", "insider"):
        client = world.clients[person]
        page = client.get(page_url)
        posted = client.post(page_url, {str(question.pk): "Partager nos pratiques."})
        Application.objects.filter(user=getattr(world, person)).delete()
        by_api = client.post(
            api_url,
            {"answers": {str(question.pk): "Partager nos pratiques."}},
            content_type="application/json",
        )
        if world.may_view(person):
            assert (page.status_code, posted.status_code, by_api.status_code) == (200, 302, 201)
        else:
            assert (page.status_code, posted.status_code, by_api.status_code) == (403, 403, 403)
            assert by_api.json()["code"] == "restricted"
            assert CALL_TITLE not in page.content.decode()
            assert not Application.objects.filter(user=getattr(world, person)).exists()


def _waiting(world, user, position):
    return Registration.objects.create(
        session=world.session, user=user, status=RegistrationStatus.WAITING, position=position
    )


def test_the_waiting_list_passes_over_who_may_not_view(world, committed):
    # Registered before the page was restricted: the seats were all taken, both wait.
    world.session.capacity = 1
    world.session.save()
    holder = Registration.objects.create(
        session=world.session,
        user=session_member(world.session),
        status=RegistrationStatus.CONFIRMED,
        position=1,
    )
    outsider, insider = _waiting(world, world.outsider, 2), _waiting(world, world.insider, 3)

    committed(registration_cancel, registration=holder, by=holder.user)

    outsider.refresh_from_db()
    insider.refresh_from_db()
    if world.person_may_view("outsider"):
        assert (outsider.status, insider.status) == ("confirmed", "waiting")
    else:
        # The outsider keeps their place in line; the seat and its email go to the insider.
        assert (outsider.status, insider.status) == ("waiting", "confirmed")
        assert emails_to(world.outsider) == []
        assert [m.subject for m in emails_to(world.insider)] == [
            f"[Portail] Une place s'est libérée : votre inscription à « {SESSION_TITLE} » est confirmée"
        ]


def test_reminders_and_invitations_skip_who_may_not_view(world, committed):
    confirmed = {
        person: Registration.objects.create(
            session=world.session,
            user=getattr(world, person),
            status=RegistrationStatus.CONFIRMED,
            position=position,
        )
        for position, person in enumerate(("outsider", "insider"), start=1)
    }
    start = world.session.starts_at

    sent = committed(registrations_send_reminders, now=start - dt.timedelta(days=1))
    invited = {p: send_registration_email.call(r.pk, "confirmation") for p, r in confirmed.items()}

    assert sent == (2 if world.person_may_view("outsider") else 1)
    assert invited == {"outsider": world.person_may_view("outsider"), "insider": True}
    for person in ("outsider", "insider"):
        emails = emails_to(getattr(world, person))
        if world.person_may_view(person):
            assert [m.subject.split(" :")[0] for m in emails] == [
                "[Portail] Rappel",
                "[Portail] Inscription confirmée",
            ]
            assert all(SECRET_LINK in m.body for m in emails)
        else:
            assert emails == []
            ics = world.clients[person].get(
                reverse("catalogue:registration_ics", args=[confirmed[person].pk])
            )
            assert ics.status_code == 403
    assert len(mail.outbox) == sum(2 for p in ("outsider", "insider") if world.person_may_view(p))


def test_a_restriction_added_once_none_was_known_is_enforced_at_once(home_page):
    """Whether any restriction exists is cached; writing one must be seen by the next read,
    whichever the API and the registration service, and removing it too."""
    session = SessionPageFactory()
    outsider = session_member(session)
    client = Client()
    client.force_login(outsider)
    url = f"/api/catalogue/{session.pk}/"
    assert client.get(url).status_code == 200  # "no restriction anywhere" is now cached

    restriction = _restrict(session, "groups", Group.objects.create(name="Élus du bassin"))
    assert client.get(url).status_code in (403, 404)
    answer = client.post(f"{url}registrations/", {}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "restricted"

    restriction.delete()
    assert client.get(url).status_code == 200
