"""Staff type dates the French way in the page editor (14/01/2027, 14/01/2027 09:30), and pick a
session's times by the half-hour."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTimeInput
from wagtail.test.utils.form_data import inline_formset

from catalogue.models import SessionPage
from tests.catalogue.factories import CatalogueIndexPageFactory, SessionPageFactory, in_weeks
from tests.catalogue.test_admin import PUBLISH, add_url, form_errors, session_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("redaction", "redaction@example.org", "x")
    client.force_login(user)
    return client


def french(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def picker_configs(html: str) -> dict[str, dict]:
    """The configuration each date picker of an admin page starts with, by input id."""
    calls = re.findall(r'init(?:Date|Time|DateTime)Chooser\("([^"]+)", (\{.*?\})\);', html)
    # The id is escaped for JavaScript (\u002D for "-").
    return {json.loads(f'"{input_id}"'): json.loads(config) for input_id, config in calls}


def test_a_session_keeps_the_dates_staff_typed_the_french_way(staff_client):
    start = in_weeks(5, 9, 30)
    opens = in_weeks(1, 8, 30)
    deadline = timezone.localdate(start) - dt.timedelta(days=3)
    data = session_data(
        occurrences=inline_formset(
            [{"start": french(start), "end": french(start + dt.timedelta(hours=3)), "label": ""}],
            min=1,
        ),
        registration_opens_at=french(opens),
        registration_deadline=f"{deadline:%d/%m/%Y}",
    )
    catalogue = CatalogueIndexPageFactory()

    response = staff_client.post(add_url(SessionPage, catalogue), {**data, **PUBLISH})

    assert response.status_code == 302, form_errors(response)
    page = SessionPage.objects.child_of(catalogue).get()
    occurrence = page.occurrences.get()
    assert (occurrence.start, occurrence.end) == (start, start + dt.timedelta(hours=3))
    assert page.registration_opens_at == opens
    assert page.registration_deadline == deadline


def test_the_editor_shows_and_reads_dates_the_french_way_and_offers_half_hours(staff_client):
    start = in_weeks(5, 9, 30)
    session = SessionPageFactory(occurrences=[(start, start + dt.timedelta(hours=3))])

    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=(session.pk,)))

    html = response.content.decode()
    assert f'value="{french(start)}"' in html  # what the picker reads back
    configs = picker_configs(html)
    assert configs["id_occurrences-0-start"]["format"] == "d/m/Y H:i"
    assert configs["id_occurrences-0-start"]["step"] == 30
    assert configs["id_occurrences-0-end"]["step"] == 30
    assert configs["id_registration_opens_at"]["step"] == 30
    assert configs["id_registration_deadline"]["format"] == "d/m/Y"


def test_every_admin_date_widget_writes_what_the_server_reads():
    """Snippets, modeladmin forms and the page editor share Wagtail's widgets: each shows dates
    in a French format the server parses back."""
    for widget, input_formats in [
        (AdminDateInput(), "DATE_INPUT_FORMATS"),
        (AdminDateTimeInput(), "DATETIME_INPUT_FORMATS"),
        (AdminTimeInput(), "TIME_INPUT_FORMATS"),
    ]:
        assert widget.format in formats.get_format(input_formats)
    assert AdminDateInput().get_config()["format"] == "d/m/Y"
    assert AdminDateTimeInput().get_config()["format"] == "d/m/Y H:i"
