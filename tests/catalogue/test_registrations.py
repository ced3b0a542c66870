"""Registering for a session: the cotisation gate, seats, the waiting list, deadlines, emails."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from catalogue.models import (
    AttendanceMode,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionFormat,
    SessionPage,
)
from catalogue.registrations.services import (
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_fill_free_seats,
    registration_move,
    registration_opening_error,
    registrations_send_reminders,
)
from membership.models import CotisationStatus
from tests.catalogue.factories import SessionPageFactory, in_weeks, paris
from tests.catalogue.registration_helpers import (
    emails_to,
    member,
    organisation_member,
    provisional_member,
    session_member,
)
from tests.membership.factories import CotisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def session_year(session):
    return timezone.localdate(session.starts_at).year


def refusal_code(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code


# --------------------------------------------------------------------------- the gate


class TestCotisationGate:
    def test_covered_by_own_paid_cotisation(self):
        session = SessionPageFactory()
        user = member(session_year(session))
        registration = registration_create(session=session, user=user)
        assert registration.status == RegistrationStatus.CONFIRMED

    def test_covered_through_organisation_records_it(self):
        session = SessionPageFactory()
        user = organisation_member(session_year(session))
        registration = registration_create(session=session, user=user)
        assert registration.status == RegistrationStatus.CONFIRMED
        assert registration.organisation == user.organisation_memberships.get().organisation.name

    def test_covered_provisionally_until_the_session(self):
        session = SessionPageFactory()
        user = provisional_member(
            session_year(session), until=timezone.localdate(session.starts_at)
        )
        assert registration_create(session=session, user=user).is_confirmed

    def test_provisional_coverage_expired_before_the_session(self):
        session = SessionPageFactory()
        day = timezone.localdate(session.starts_at)
        user = provisional_member(session_year(session), until=day - dt.timedelta(days=1))
        code = refusal_code(lambda: registration_create(session=session, user=user))
        assert code == "not_covered"
        assert not Registration.objects.exists()

    def test_not_covered_without_cotisation(self):
        session = SessionPageFactory()
        with pytest.raises(ValidationError) as caught:
            registration_create(session=session, user=UserFactory())
        assert caught.value.code == "not_covered"
        assert "cotisation" in caught.value.message

    def test_pending_or_refunded_cotisation_does_not_cover(self):
        session = SessionPageFactory()
        pending, refunded = UserFactory(), UserFactory()
        CotisationFactory(user=pending, year=session_year(session))
        CotisationFactory(
            user=refunded, year=session_year(session), status=CotisationStatus.REFUNDED
        )
        for user in (pending, refunded):
            assert refusal_code(lambda u=user: registration_create(session=session, user=u)) == (
                "not_covered"
            )

    def test_cotisation_of_another_year_does_not_cover(self):
        next_year = timezone.localdate().year + 1
        session = SessionPageFactory(
            occurrences=[(paris(next_year, 1, 20, 10), paris(next_year, 1, 20, 12))]
        )
        user = member(next_year - 1)
        assert refusal_code(lambda: registration_create(session=session, user=user)) == (
            "not_covered"
        )
        assert registration_create(session=session, user=member(next_year)).is_confirmed

    def test_pick_one_gate_looks_at_the_chosen_date(self):
        year = timezone.localdate().year + 1  # next New Year's Eve is always ahead
        session = SessionPageFactory(
            attendance_mode=AttendanceMode.ONE_DATE,
            occurrences=[
                (paris(year, 12, 29, 10), paris(year, 12, 29, 12)),
                (paris(year + 1, 1, 12, 10), paris(year + 1, 1, 12, 12)),
            ],
        )
        december, january = session.sorted_occurrences
        user = member(year)
        assert refusal_code(
            lambda: registration_create(session=session, user=user, occurrence=january)
        ) == ("not_covered")
        assert registration_create(session=session, user=user, occurrence=december).is_confirmed

    def test_session_open_to_any_account_needs_no_cotisation(self):
        session = SessionPageFactory(registration_mode=RegistrationMode.ACCOUNT)
        assert registration_create(session=session, user=UserFactory()).is_confirmed

    @pytest.mark.parametrize(
        ("mode", "code"),
        [
            (RegistrationMode.NONE, "registration_unavailable"),
            (RegistrationMode.EXTERNAL, "registration_external"),
        ],
    )
    def test_sessions_without_online_registration_refuse(self, mode, code):
        session = SessionPageFactory(
            registration_mode=mode, registration_url="https://exemple.fr/inscription"
        )
        user = member(session_year(session))
        assert refusal_code(lambda: registration_create(session=session, user=user)) == code


# --------------------------------------------------------------------------- rules


def test_one_registration_per_person_and_session():
    session = SessionPageFactory()
    user = member(session_year(session))
    registration_create(session=session, user=user)
    assert refusal_code(lambda: registration_create(session=session, user=user)) == (
        "already_registered"
    )
    assert Registration.objects.count() == 1


def test_registering_again_after_cancelling_makes_a_new_registration():
    session = SessionPageFactory()
    user = member(session_year(session))
    first = registration_create(session=session, user=user)
    registration_cancel(registration=first, by=user)
    second = registration_create(session=session, user=user)
    assert second.pk != first.pk and second.is_confirmed
    assert Registration.objects.filter(session=session, user=user).count() == 2


def test_database_refuses_two_live_registrations():
    from django.db import IntegrityError, transaction

    session = SessionPageFactory()
    user = member(session_year(session))
    registration_create(session=session, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, user=user, position=99)


def test_full_session_fills_an_ordered_waiting_list(committed):
    session = SessionPageFactory(capacity=2)
    year = session_year(session)
    people = [member(year) for _ in range(5)]
    registrations = [committed(registration_create, session=session, user=p) for p in people]
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waiting"] * 3
    assert [r.waiting_rank() for r in registrations[2:]] == [1, 2, 3]
    assert "liste d'attente" in emails_to(people[3])[0].subject.lower()
    fresh = SessionPage.objects.get(pk=session.pk)
    assert fresh.seats_left() == 0 and fresh.registration_state() == "full"


def test_cancellation_promotes_the_first_waiting_and_emails_them(committed):
    session = SessionPageFactory(capacity=1)
    year = session_year(session)
    first, second, third = member(year), member(year), member(year)
    seat = committed(registration_create, session=session, user=first)
    waiting_second = committed(registration_create, session=session, user=second)
    waiting_third = committed(registration_create, session=session, user=third)
    mail.outbox.clear()

    committed(registration_cancel, registration=seat, by=first)

    waiting_second.refresh_from_db()
    waiting_third.refresh_from_db()
    assert waiting_second.status == RegistrationStatus.CONFIRMED
    assert waiting_second.promoted_at is not None
    assert waiting_third.status == RegistrationStatus.WAITING
    assert waiting_third.waiting_rank() == 1
    promotion = emails_to(second)
    assert len(promotion) == 1 and "place s'est libérée" in promotion[0].subject
    assert [a[0] for a in promotion[0].attachments] == ["invitation.ics"]
    assert "annulée" in emails_to(first)[0].subject
    assert emails_to(third) == []


def test_cancelling_a_waiting_registration_promotes_nobody():
    session = SessionPageFactory(capacity=1)
    year = session_year(session)
    seat_holder, waiting = member(year), member(year)
    registration_create(session=session, user=seat_holder)
    waiting_registration = registration_create(session=session, user=waiting)
    registration_cancel(registration=waiting_registration, by=waiting)
    assert list(Registration.objects.values_list("status", flat=True).order_by("position")) == [
        "confirmed",
        "cancelled",
    ]


def test_cancellation_cut_off(settings):
    settings.PORTAIL_CANCELLATION_CUTOFF_HOURS = 48
    soon = timezone.localtime() + dt.timedelta(hours=30)
    session = SessionPageFactory(occurrences=[(soon, soon + dt.timedelta(hours=2))])
    user = member(session_year(session))
    registration = registration_create(session=session, user=user)
    assert refusal_code(lambda: registration_cancel(registration=registration, by=user)) == (
        "cancellation_closed"
    )
    settings.PORTAIL_CANCELLATION_CUTOFF_HOURS = 24
    registration_cancel(registration=registration, by=user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_staff_cancel_after_the_cut_off_but_nobody_cancels_for_someone_else(staff):
    from django.core.exceptions import PermissionDenied

    soon = timezone.localtime() + dt.timedelta(hours=3)
    session = SessionPageFactory(occurrences=[(soon, soon + dt.timedelta(hours=2))])
    user = member(session_year(session))
    registration = registration_create(session=session, user=user)
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, by=UserFactory())
    registration_cancel(registration=registration, by=staff)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


class TestPickOneDate:
    def make_session(self, capacity=2):
        return SessionPageFactory(
            attendance_mode=AttendanceMode.ONE_DATE,
            capacity=capacity,
            occurrences=[
                (in_weeks(3, 9), in_weeks(3, 12)),
                (in_weeks(5, 9), in_weeks(5, 12)),
            ],
        )

    def test_capacity_counts_per_date(self):
        session = self.make_session(capacity=2)
        first_date, second_date = session.sorted_occurrences
        statuses = [
            registration_create(
                session=session, user=session_member(session), occurrence=first_date
            ).status
            for _ in range(3)
        ]
        assert statuses == ["confirmed", "confirmed", "waiting"]
        other = registration_create(
            session=session, user=session_member(session), occurrence=second_date
        )
        assert other.is_confirmed
        fresh = SessionPage.objects.get(pk=session.pk)
        assert fresh.seats_left() == 1 and fresh.registration_state() == "open"

    def test_a_date_is_required_and_must_be_the_sessions(self):
        session = self.make_session()
        other_session = self.make_session()
        user = session_member(session)
        assert refusal_code(lambda: registration_create(session=session, user=user)) == (
            "date_required"
        )
        foreign = other_session.sorted_occurrences[0]
        assert refusal_code(
            lambda: registration_create(session=session, user=user, occurrence=foreign)
        ) == ("invalid_date")

    def test_cancellation_promotes_on_the_same_date_only(self):
        session = self.make_session(capacity=1)
        first_date, second_date = session.sorted_occurrences
        seat = registration_create(
            session=session, user=session_member(session), occurrence=first_date
        )
        other_date_waiting = registration_create(
            session=session, user=session_member(session), occurrence=second_date
        )
        registration_create(session=session, user=session_member(session), occurrence=second_date)
        same_date_waiting = registration_create(
            session=session, user=session_member(session), occurrence=first_date
        )
        registration_cancel(registration=seat, by=seat.user)
        same_date_waiting.refresh_from_db()
        other_date_waiting.refresh_from_db()
        assert same_date_waiting.is_confirmed
        assert other_date_waiting.is_confirmed  # it held the second date's only seat already

    def test_staff_move_frees_the_old_seat(self, staff, committed):
        session = self.make_session(capacity=1)
        first_date, second_date = session.sorted_occurrences
        moving = registration_create(
            session=session, user=session_member(session), occurrence=first_date
        )
        waiting = registration_create(
            session=session, user=session_member(session), occurrence=first_date
        )
        mail.outbox.clear()
        moved = committed(registration_move, registration=moving, occurrence=second_date, by=staff)
        waiting.refresh_from_db()
        assert moved.occurrence == second_date and moved.is_confirmed
        assert waiting.is_confirmed
        assert len(emails_to(moving.user)) == 1 and len(emails_to(waiting.user)) == 1

    def test_moved_participant_is_told_the_new_date_and_the_invitation_replaces_the_old(
        self, staff, committed
    ):
        from icalendar import Calendar

        session = self.make_session(capacity=1)
        first_date, second_date = session.sorted_occurrences
        user = session_member(session)
        registration = committed(
            registration_create, session=session, user=user, occurrence=first_date
        )
        committed(registration_move, registration=registration, occurrence=second_date, by=staff)

        confirmation, moved = emails_to(user)
        assert moved.subject == f"[Portail] Changement de date : {session.title}"
        assert "L'équipe a changé la date de votre inscription" in moved.body
        assert "confirmée" in moved.body
        old_event, new_event = (
            Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
            for message in (confirmation, moved)
        )
        # Same event, newer version, new date: calendars update it rather than add a second one.
        assert new_event["UID"] == old_event["UID"]
        assert new_event["SEQUENCE"] >= old_event["SEQUENCE"]
        assert new_event.decoded("DTSTART") == second_date.start

    def test_a_person_waiting_moved_to_a_full_date_waits_there(self, staff, committed):
        session = self.make_session(capacity=1)
        first_date, second_date = session.sorted_occurrences
        registration_create(session=session, user=session_member(session), occurrence=first_date)
        registration_create(session=session, user=session_member(session), occurrence=second_date)
        user = session_member(session)
        waiting = registration_create(session=session, user=user, occurrence=first_date)
        moved = committed(registration_move, registration=waiting, occurrence=second_date, by=staff)
        assert moved.status == RegistrationStatus.WAITING and moved.waiting_rank() == 1
        [message] = emails_to(user)
        assert "vous êtes sur sa liste d'attente (position 1)" in message.body
        assert message.attachments == []


def test_staff_adding_someone_already_registered_are_told_so_in_the_third_person(staff):
    session = SessionPageFactory()
    user = member(session_year(session))
    registration_create(session=session, user=user)
    with pytest.raises(ValidationError) as caught:
        registration_create(session=session, user=user, by=staff)
    assert caught.value.message == "Cette personne est déjà inscrite à cette session."


def test_removal_by_staff_says_the_team_cancelled(staff, committed):
    from tests.catalogue.factories import PersonFactory

    contact = PersonFactory(email="formation@exemple.fr")
    session = SessionPageFactory(contact=contact)
    user = member(session_year(session))
    registration = registration_create(session=session, user=user)
    committed(registration_cancel, registration=registration, by=staff)
    [message] = emails_to(user)
    assert message.subject == f"[Portail] Inscription annulée : {session.title}"
    assert "L'équipe a annulé votre inscription" in message.body
    assert "formation@exemple.fr" in message.body
    assert "formation@exemple.fr" in message.alternatives[0].content


def test_after_the_cut_off_the_refusal_names_the_contact(settings):
    from tests.catalogue.factories import PersonFactory

    settings.PORTAIL_CANCELLATION_CUTOFF_HOURS = 48
    soon = timezone.localtime() + dt.timedelta(hours=30)
    session = SessionPageFactory(
        occurrences=[(soon, soon + dt.timedelta(hours=2))],
        contact=PersonFactory(email="formation@exemple.fr"),
    )
    user = member(session_year(session))
    registration = registration_create(session=session, user=user)
    with pytest.raises(ValidationError) as caught:
        registration_cancel(registration=registration, by=user)
    assert caught.value.message.endswith(": écrivez à formation@exemple.fr.")


def test_removing_someone_after_the_session_promotes_nobody(staff, committed):
    session = SessionPageFactory(capacity=1)
    year = session_year(session)
    seat = registration_create(session=session, user=member(year))
    waiting = registration_create(session=session, user=member(year))
    started = timezone.now() - dt.timedelta(hours=1)
    session.occurrences.update(start=started, end=started + dt.timedelta(hours=2))
    mail.outbox.clear()
    committed(registration_cancel, registration=seat, by=staff)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING
    assert emails_to(waiting.user) == []


def test_staff_add_beyond_capacity_and_confirm_from_the_waiting_list(staff):
    session = SessionPageFactory(capacity=1)
    year = session_year(session)
    registration_create(session=session, user=member(year))
    waiting = registration_create(session=session, user=member(year))
    assert waiting.status == RegistrationStatus.WAITING
    # Staff add a person who is not even a member, beyond the capacity, on purpose.
    added = registration_create(
        session=session, user=UserFactory(), by=staff, override_capacity=True
    )
    assert added.is_confirmed and added.added_by == staff
    registration_confirm(registration=waiting, by=staff)
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    assert session.registrations.confirmed().count() == 3


def test_raising_the_capacity_fills_the_new_seats_in_order(staff):
    session = SessionPageFactory(capacity=1)
    year = session_year(session)
    registrations = [registration_create(session=session, user=member(year)) for _ in range(4)]
    SessionPage.objects.filter(pk=session.pk).update(capacity=3)
    promoted = registration_fill_free_seats(session=session, by=staff)
    assert [r.pk for r in promoted] == [registrations[1].pk, registrations[2].pk]


# --------------------------------------------------------------------------- deadlines


class TestDeadlineInParis:
    """A deadline date stays open until 23:59:59 that day, Paris time, whatever UTC says."""

    def make_session(self):
        return SessionPageFactory(
            registration_deadline=dt.date(2030, 1, 10),
            occurrences=[(paris(2030, 1, 20, 10), paris(2030, 1, 20, 12))],
        )

    def test_open_one_minute_before_midnight_paris(self):
        session = self.make_session()
        assert registration_opening_error(session, now=paris(2030, 1, 10, 23, 59)) is None

    def test_closed_just_after_midnight_paris_although_utc_is_still_on_the_deadline(self):
        session = self.make_session()
        just_after = paris(2030, 1, 11, 0, 30)
        assert just_after.astimezone(dt.UTC).date() == dt.date(2030, 1, 10)
        refusal = registration_opening_error(session, now=just_after)
        assert refusal.code == "closed"
        # It closed at the end of the 10th, not "since the 10th".
        assert refusal.message.endswith("la date limite était le 10/01/2030.")

    def test_open_early_on_the_deadline_day_although_utc_is_still_the_day_before(self):
        session = self.make_session()
        early = paris(2030, 1, 10, 0, 30)
        assert early.astimezone(dt.UTC).date() == dt.date(2030, 1, 9)
        assert registration_opening_error(session, now=early) is None

    def test_deadline_passed_refuses_registration(self):
        session = SessionPageFactory(
            registration_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
        user = member(session_year(session))
        assert refusal_code(lambda: registration_create(session=session, user=user)) == "closed"

    def test_deadline_today_accepts_registration(self):
        session = SessionPageFactory(registration_deadline=timezone.localdate())
        user = member(session_year(session))
        assert registration_create(session=session, user=user).is_confirmed

    def test_not_yet_open_and_already_started(self):
        session = SessionPageFactory(registration_opens_at=timezone.now() + dt.timedelta(days=1))
        user = member(session_year(session))
        with pytest.raises(ValidationError) as caught:
            registration_create(session=session, user=user)
        assert caught.value.code == "closed" and "ouvriront" in caught.value.message
        started = timezone.now() - dt.timedelta(minutes=5)
        running = SessionPageFactory(occurrences=[(started, started + dt.timedelta(hours=2))])
        assert refusal_code(lambda: registration_create(session=running, user=user)) == "closed"


# --------------------------------------------------------------------------- emails


def online_session(**fields):
    return SessionPageFactory(
        format=SessionFormat.ONLINE,
        meeting_url="https://visio.exemple.fr/salle-secrete-42",
        **fields,
    )


def test_confirmation_email_carries_the_meeting_link_and_a_parsable_invitation(committed):
    session = online_session()
    user = member(session_year(session))
    committed(registration_create, session=session, user=user)
    [message] = emails_to(user)
    assert "confirmée" in message.subject
    assert session.meeting_url in message.body
    assert session.meeting_url in message.alternatives[0].content
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert event["SUMMARY"] == session.title


def test_emails_and_invitations_link_to_the_portal_address(committed, settings):
    """Every link in a registration email starts with SITE_URL, not the Wagtail Site's host."""
    settings.SITE_URL = "https://portail.example.org"
    session = SessionPageFactory()
    user = member(session_year(session))
    committed(registration_create, session=session, user=user)
    [message] = emails_to(user)
    page = f"https://portail.example.org{session.url}"
    assert f"Programme : {page}" in message.body
    assert f'href="{page}"' in message.alternatives[0].content
    [event] = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert str(event["URL"]) == page
    assert str(event["UID"]).endswith("@portail.example.org")


def test_meeting_link_never_reaches_people_who_are_not_confirmed(committed):
    session = online_session(capacity=1)
    year = session_year(session)
    confirmed, waiting = member(year), member(year)
    seat = committed(registration_create, session=session, user=confirmed)
    committed(registration_create, session=session, user=waiting)
    committed(registration_cancel, registration=seat, by=confirmed)
    # waiting was promoted: their promotion email carries the link; the others do not.
    waiting_emails = emails_to(waiting)
    assert [session.meeting_url in m.body for m in waiting_emails] == [False, True]
    cancelled_email = emails_to(confirmed)[-1]
    assert "annulée" in cancelled_email.subject
    assert session.meeting_url not in cancelled_email.body
    assert session.meeting_url not in cancelled_email.alternatives[0].content


def test_reminder_sent_once_with_the_meeting_link(committed, settings):
    settings.PORTAIL_REMINDER_DAYS_BEFORE = 3
    soon = timezone.localtime() + dt.timedelta(days=2)
    session = online_session(occurrences=[(soon, soon + dt.timedelta(hours=2))], capacity=1)
    later = online_session()
    year = session_year(session)
    participant, waiting = member(year), member(year)
    committed(registration_create, session=session, user=participant)
    committed(registration_create, session=session, user=waiting)
    committed(registration_create, session=later, user=member(session_year(later)))
    mail.outbox.clear()

    with_callbacks = committed
    with_callbacks(call_command, command_name="send_session_reminders")
    with_callbacks(call_command, command_name="send_session_reminders")

    assert [m.subject for m in mail.outbox] == [f"[Portail] Rappel : {session.title} approche"]
    assert mail.outbox[0].to == [participant.email]
    assert session.meeting_url in mail.outbox[0].body


def test_invitation_is_one_text_calendar_part_with_a_single_charset(committed):
    session = SessionPageFactory()
    user = member(session_year(session))
    committed(registration_create, session=session, user=user)
    [message] = emails_to(user)
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_params() == [("text/calendar", ""), ("method", "PUBLISH"), ("charset", "utf-8")]


def test_a_daily_run_reminds_sessions_up_to_the_configured_day(settings, committed):
    """Run each morning at 7:00, a two-day setting reminds the sessions of the next two days,
    whatever their hour: not only those starting before 7:00 two days later."""
    settings.PORTAIL_REMINDER_DAYS_BEFORE = 2
    session = SessionPageFactory(occurrences=[(in_weeks(3, 9, 30), in_weeks(3, 12))])
    user = member(session_year(session))
    committed(registration_create, session=session, user=user)
    mail.outbox.clear()
    day = timezone.localdate(session.starts_at)

    def morning(days_before):
        return paris(day.year, day.month, day.day, 7) - dt.timedelta(days=days_before)

    assert registrations_send_reminders(now=morning(3)) == 0
    assert committed(registrations_send_reminders, now=morning(2)) == 1
    assert registrations_send_reminders(now=morning(1)) == 0
    assert [m.subject for m in emails_to(user)] == [f"[Portail] Rappel : {session.title} approche"]


def test_listings_count_confirmed_seats_in_one_query(django_assert_num_queries):
    full = SessionPageFactory(capacity=1)
    roomy = SessionPageFactory(capacity=5, parent=full.get_parent())
    year = session_year(full)
    for session in (full, full, roomy):
        registration_create(session=session, user=member(year))
    with django_assert_num_queries(1):
        counted = {
            page.pk: page.confirmed_count
            for page in SessionPage.objects.filter(
                pk__in=[full.pk, roomy.pk]
            ).with_confirmed_count()
        }
    assert counted == {full.pk: 1, roomy.pk: 1}
    assert SessionPage.objects.get(pk=full.pk).confirmed_count == 1
