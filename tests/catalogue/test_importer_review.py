"""An imported draft is reviewed before it goes live: « À vérifier » must be empty to publish
(by any path), drafts still save, and programme days must be dates of the session."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import streamfield

from catalogue.importer.services import programme_import
from catalogue.models import SessionPage
from tests.catalogue.factories import CatalogueIndexPageFactory, in_weeks
from tests.catalogue.test_admin import (
    PUBLISH,
    add_url,
    assert_refused,
    form_errors,
    session_data,
    staff_client,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "home" / "demo" / "seeds"
REFUSAL = (
    "« À vérifier » contient encore du texte : reportez chaque élément dans son champ, videz "
    "« À vérifier », puis publiez."
)


@pytest.fixture
def imported():
    text = next(SEEDS.glob("000_*.txt")).read_bytes()
    return programme_import(parent=CatalogueIndexPageFactory(), data=text, name="000.txt").page


def test_publishing_a_revision_is_refused_while_to_check_holds_text(imported):
    assert "04 75 22 14 896" in imported.to_check

    with pytest.raises(ValidationError) as refused:
        imported.get_latest_revision().publish()

    assert refused.value.message_dict == {"to_check": [REFUSAL]}
    imported.refresh_from_db()
    assert not imported.live and imported.live_revision is None


def test_a_draft_with_text_to_check_still_saves_and_publishes_once_emptied(imported):
    imported.capacity = 10
    imported.save_revision()  # a draft: accepted with « À vérifier » still full

    imported.to_check = ""
    imported.save_revision().publish()

    imported.refresh_from_db()
    assert imported.live and imported.capacity == 10


def test_the_editor_refuses_to_publish_and_accepts_a_draft(staff_client, imported):  # noqa: F811
    url = reverse("wagtailadmin_pages:edit", args=[imported.pk])
    data = session_data(to_check="« 04 75 22 14 896 » : 11 chiffres")

    response = staff_client.post(url, {**data, **PUBLISH})

    assert_refused(response, "to_check", REFUSAL)
    assert not SessionPage.objects.get(pk=imported.pk).live

    assert staff_client.post(url, data).status_code == 302  # saved as a draft
    page = SessionPage.objects.get(pk=imported.pk)
    assert not page.live and page.get_latest_revision_as_object().to_check.startswith("«")

    response = staff_client.post(url, {**session_data(to_check=""), **PUBLISH})
    assert response.status_code == 302, form_errors(response)
    assert SessionPage.objects.get(pk=imported.pk).live


def test_the_editor_shows_to_check_as_a_panel(staff_client, imported):  # noqa: F811
    response = staff_client.get(reverse("wagtailadmin_pages:edit", args=[imported.pk]))

    content = response.content.decode()
    assert "À vérifier" in content and "04 75 22 14 896" in content


def day(date):
    return ("day", {"title": "Jour 1", "date": date.isoformat(), "half_days": {"count": "0"}})


def test_a_programme_day_on_no_date_of_the_session_is_refused(staff_client):  # noqa: F811
    catalogue = CatalogueIndexPageFactory()
    session_day = timezone.localdate(in_weeks(5, 14))
    wrong = session_day + dt.timedelta(days=1)

    response = staff_client.post(
        add_url(SessionPage, catalogue),
        {**session_data(programme=streamfield([day(wrong)])), **PUBLISH},
    )

    assert_refused(
        response,
        "programme",
        f"La journée « Jour 1 » est datée du {wrong:%d/%m/%Y}, qui n'est pas une date de la "
        f"session ({session_day:%d/%m/%Y}) : corrigez la journée ou les dates dans « En pratique ».",
    )
    assert not SessionPage.objects.exists()

    response = staff_client.post(
        add_url(SessionPage, catalogue),
        {**session_data(programme=streamfield([day(session_day)])), **PUBLISH},
    )
    assert response.status_code == 302, form_errors(response)
    assert SessionPage.objects.get().programme[0].value["date"] == session_day
