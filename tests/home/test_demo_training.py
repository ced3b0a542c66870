"""The demo's ended training shows every attendance screen filled."""

import datetime as dt

import pytest

from catalogue.models import Certificate, Signature
from home.demo.training import load_ended_training
from tests.catalogue.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db


def test_an_ended_session_with_signed_half_days_and_certificates(
    django_capture_on_commit_callbacks,
):
    catalogue = CatalogueIndexPageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        session = load_ended_training(catalogue, today=dt.date(2026, 12, 7))  # a Monday
    assert session.live and session.ends_at.date() == dt.date(2026, 11, 30)
    assert [h.period for h in session.half_days] == ["matin", "apres-midi"]
    participants = Signature.objects.effective().participants()
    assert participants.filter(method="qr").count() == 7
    assert participants.filter(method="paper").count() == 1
    assert Signature.objects.effective().trainers().count() == 2
    assert Certificate.objects.filter(registration__session=session).count() == 4
    assert session.registrations.filter(attended=False).count() == 1
    assert load_ended_training(catalogue, today=dt.date(2026, 12, 7)) is None
