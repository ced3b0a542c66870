"""Staff manage participants and applications in the Wagtail admin."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalogue.models import (
    Application,
    ApplicationStatus,
    AttendanceMode,
    Registration,
    RegistrationStatus,
)
from catalogue.registrations.services import application_submit, registration_create
from tests.catalogue.factories import (
    SessionPageFactory,
    WorkingGroupCallPageFactory,
    in_weeks,
    paris,
)
from tests.catalogue.registration_helpers import emails_to, member, session_member
from tests.membership.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def year_of(session):
    return timezone.localdate(session.starts_at).year


def test_participants_list_filtered_by_session_and_exported(admin_client):
    session = SessionPageFactory(capacity=1)
    other = SessionPageFactory()
    seat = registration_create(session=session, user=member(year_of(session)))
    waiting = registration_create(session=session, user=member(year_of(session)))
    elsewhere = registration_create(session=other, user=member(year_of(other)))
    index = reverse("catalogue_registration_modeladmin_index")

    html = admin_client.get(f"{index}?session__id__exact={session.pk}").content.decode()
    assert seat.user.email in html and waiting.user.email in html
    assert elsewhere.user.email not in html

    csv = admin_client.get(f"{index}?session__id__exact={session.pk}&export=csv")
    assert csv.status_code == 200
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert len(rows) == 3 and "Liste d'attente" in rows[2]

    xlsx = admin_client.get(f"{index}?session__id__exact={session.pk}&export=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    emails = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(emails) == sorted([seat.user.email, waiting.user.email])


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_participants_export_gives_paris_time(admin_client, export_format):
    session = SessionPageFactory()
    registration = registration_create(session=session, user=member(year_of(session)))
    # 23:30 in Paris is 22:30 in UTC, the clock the database keeps.
    Registration.objects.filter(pk=registration.pk).update(created_at=paris(2025, 1, 31, 23, 30))
    response = admin_client.get(
        reverse("catalogue_registration_modeladmin_index"), {"export": export_format}
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        row = content.decode().splitlines()[1]
        assert row.endswith(";31/01/2025 23:30")
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        headings = [cell.value for cell in sheet[1]]
        created = dict(zip(headings, sheet[2], strict=True))["Inscrite le"]
        assert created.value == dt.datetime(2025, 1, 31, 23, 30)
        assert created.number_format == "dd/mm/yyyy hh:mm"


def test_participants_csv_neutralises_what_people_typed(admin_client):
    session = SessionPageFactory()
    person = member(year_of(session), first_name="@SUM(A1:A2)", last_name="Dupont")
    registration = registration_create(session=session, user=person)
    Registration.objects.filter(pk=registration.pk).update(organisation="=cmd|' /C calc'!A0")
    response = admin_client.get(
        reverse("catalogue_registration_modeladmin_index"), {"export": "csv"}
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    [row] = csv.DictReader(io.StringIO(content), delimiter=";")
    assert row["Structure"] == "'=cmd|' /C calc'!A0"
    assert row["Personne"] == "'@SUM(A1:A2) Dupont"


def test_staff_add_a_person_beyond_capacity(admin_client, staff):
    session = SessionPageFactory(capacity=1)
    registration_create(session=session, user=member(year_of(session)))
    newcomer = UserFactory()
    add = reverse("catalogue_registration_modeladmin_create")
    response = admin_client.get(f"{add}?session={session.pk}")
    assert response.status_code == 302
    response = admin_client.post(
        reverse("catalogue_registration_add"),
        {"session": session.pk, "email": newcomer.email.upper(), "override_capacity": "on"},
    )
    assert response.status_code == 302
    added = Registration.objects.get(user=newcomer)
    assert added.is_confirmed and added.added_by == staff

    unknown = admin_client.post(
        reverse("catalogue_registration_add"),
        {"session": session.pk, "email": "personne@exemple.fr"},
    )
    assert "Aucun compte" in unknown.content.decode()


def test_staff_remove_a_participant_promotes_the_next(
    admin_client, django_capture_on_commit_callbacks
):
    session = SessionPageFactory(capacity=1)
    seat = registration_create(session=session, user=member(year_of(session)))
    waiting = registration_create(session=session, user=member(year_of(session)))
    url = reverse("catalogue_registration_action", args=[seat.pk, "retirer"])
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED and waiting.is_confirmed
    assert "place s'est libérée" in emails_to(waiting.user)[0].subject


def test_staff_move_to_another_date(admin_client):
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        occurrences=[(in_weeks(3, 9), in_weeks(3, 12)), (in_weeks(5, 9), in_weeks(5, 12))],
    )
    first, second = session.sorted_occurrences
    registration = registration_create(
        session=session, user=member(year_of(session)), occurrence=first
    )
    admin_client.post(
        reverse("catalogue_registration_move", args=[registration.pk]), {"occurrence": second.pk}
    )
    registration.refresh_from_db()
    assert registration.occurrence == second


def test_non_staff_cannot_use_the_actions():
    session = SessionPageFactory()
    registration = registration_create(session=session, user=member(year_of(session)))
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        reverse("catalogue_registration_action", args=[registration.pk, "retirer"])
    )
    assert response.status_code in (302, 403)
    registration.refresh_from_db()
    assert registration.is_confirmed


def test_review_applications_one_by_one_and_in_a_batch(
    admin_client, django_capture_on_commit_callbacks
):
    call = WorkingGroupCallPageFactory()
    question = str(call.questions.get().pk)
    people = [UserFactory() for _ in range(3)]
    applications = [
        application_submit(call=call, user=p, answers={question: f"Réponse {i}"})
        for i, p in enumerate(people)
    ]
    index = reverse("catalogue_application_modeladmin_index")
    html = admin_client.get(f"{index}?call__id__exact={call.pk}").content.decode()
    assert all(p.email in html for p in people)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("catalogue_application_decide", args=[applications[0].pk]),
            {"decision": ApplicationStatus.SELECTED, "note": "Bienvenue dans le groupe."},
        )
        admin_client.post(
            reverse("catalogue_application_batch", args=[call.pk]),
            {
                "applications": [applications[1].pk, applications[2].pk],
                "decision": ApplicationStatus.DECLINED,
                "note": "Le groupe est complet.",
            },
        )
    statuses = [Application.objects.get(pk=a.pk).status for a in applications]
    assert statuses == ["selected", "declined", "declined"]
    assert "Bienvenue dans le groupe." in emails_to(people[0])[0].body
    assert all("Le groupe est complet." in emails_to(p)[0].body for p in people[1:])

    export = admin_client.get(f"{index}?export=csv")
    assert "Réponse 2" in b"".join(export.streaming_content).decode()


def test_staff_inspect_an_application_and_read_the_applicants_answers(admin_client):
    call = WorkingGroupCallPageFactory(
        questions=["Qu'attendez-vous de ce groupe ?", "Quelle est votre structure ?"]
    )
    first, second = (str(q.pk) for q in call.questions.order_by("sort_order"))
    applicant = UserFactory(first_name="Inès", last_name="Moreau")
    application = application_submit(
        call=call,
        user=applicant,
        answers={first: "Échanger entre pairs\net <b>apprendre</b>", second: "Commune de Guéret"},
    )

    response = admin_client.get(
        reverse("catalogue_application_modeladmin_inspect", args=[application.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert call.title in html and applicant.email in html
    assert "Qu&#x27;attendez-vous de ce groupe ?" in html
    assert "Échanger entre pairs<br>et &lt;b&gt;apprendre&lt;/b&gt;" in html  # typed, not HTML
    assert "Quelle est votre structure ?" in html and "Commune de Guéret" in html
    assert "Reçue" in html


def test_staff_of_a_wagtail_group_act_without_the_django_admin_flag(
    django_capture_on_commit_callbacks,
):
    from django.contrib.auth.models import Group, Permission

    # Staff created in Wagtail's user admin get their rights from groups, not from is_staff.
    team = Group.objects.create(name="Équipe inscriptions")
    team.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["catalogue", "wagtailadmin"],
            codename__in=[
                "access_admin",
                "view_registration",
                "change_registration",
                "view_application",
                "change_application",
            ],
        )
    )
    clerk = UserFactory(is_staff=False)
    clerk.groups.add(team)
    client = Client()
    client.force_login(clerk)
    session = SessionPageFactory()
    registration = registration_create(session=session, user=member(year_of(session)))
    call = WorkingGroupCallPageFactory()
    question = str(call.questions.get().pk)
    application = application_submit(call=call, user=UserFactory(), answers={question: "Oui"})

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(
            reverse("catalogue_registration_action", args=[registration.pk, "retirer"])
        )
        decided = client.post(
            reverse("catalogue_application_decide", args=[application.pk]),
            {"decision": ApplicationStatus.SELECTED, "note": ""},
        )

    assert removed.status_code == 302 and decided.status_code == 302
    registration.refresh_from_db()
    application.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert application.status == ApplicationStatus.SELECTED


def test_moving_a_participant_to_a_full_date_is_refused_unless_capacity_is_overridden(
    admin_client,
):
    session = SessionPageFactory(
        attendance_mode=AttendanceMode.ONE_DATE,
        capacity=1,
        occurrences=[(in_weeks(3, 9), in_weeks(3, 12)), (in_weeks(5, 9), in_weeks(5, 12))],
    )
    first, second = session.sorted_occurrences
    moving = registration_create(session=session, user=session_member(session), occurrence=first)
    registration_create(session=session, user=session_member(session), occurrence=second)
    url = reverse("catalogue_registration_move", args=[moving.pk])

    refused = admin_client.post(url, {"occurrence": second.pk})
    assert refused.status_code == 200
    assert "est complet : cette personne y perdrait sa place confirmée" in (
        refused.content.decode()
    )
    moving.refresh_from_db()
    assert moving.occurrence == first and moving.is_confirmed

    admin_client.post(url, {"occurrence": second.pk, "override_capacity": "on"})
    moving.refresh_from_db()
    assert moving.occurrence == second and moving.is_confirmed


def test_publishing_more_seats_confirms_the_people_waiting(
    admin_client, django_capture_on_commit_callbacks
):
    from wagtail.test.utils.form_data import inline_formset

    from catalogue.models import SessionPage
    from tests.catalogue.factories import CatalogueIndexPageFactory
    from tests.catalogue.test_admin import PUBLISH, add_url, admin_datetime, session_data

    catalogue = CatalogueIndexPageFactory()
    created = admin_client.post(
        add_url(SessionPage, catalogue), {**session_data(capacity="1"), **PUBLISH}
    )
    assert created.status_code == 302
    session = SessionPage.objects.child_of(catalogue).get()
    year = year_of(session)
    registration_create(session=session, user=member(year))
    waiting = [registration_create(session=session, user=member(year)) for _ in range(2)]
    occurrence = session.sorted_occurrences[0]
    more_seats = session_data(
        capacity="2",
        occurrences=inline_formset(
            [
                {
                    "id": str(occurrence.pk),
                    "start": admin_datetime(occurrence.start),
                    "end": admin_datetime(occurrence.end),
                    "label": "",
                }
            ],
            initial=1,
            min=1,
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        edited = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=[session.pk]), {**more_seats, **PUBLISH}
        )

    assert edited.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    assert "place s'est libérée" in emails_to(waiting[0].user)[0].subject
    assert emails_to(waiting[1].user) == []
