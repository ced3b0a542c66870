"""The one answer to « is this person covered on this date, and by which cotisation? »."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from .models import Cotisation, CotisationStatus, MemberOrganisation


@dataclass(frozen=True)
class Coverage:
    """A cotisation that covers a person on a date, and through whom."""

    cotisation: Cotisation
    on: dt.date

    @property
    def organisation(self) -> MemberOrganisation | None:
        """The organisation whose cotisation covers the person; None for their own cotisation."""
        return self.cotisation.organisation

    @property
    def is_provisional(self) -> bool:
        return self.cotisation.status == CotisationStatus.PROVISIONAL

    @property
    def until(self) -> dt.date | None:
        return self.cotisation.provisional_until if self.is_provisional else None

    @property
    def description(self) -> str:
        through = (
            f"par la cotisation de {self.organisation.name}"
            if self.organisation
            else "par votre cotisation individuelle"
        )
        if self.is_provisional:
            return f"{through}, à titre provisoire jusqu’au {self.until:%d/%m/%Y}"
        return through


def coverage_for(user, on: dt.date | None = None) -> Coverage | None:
    """Whether ``user`` is covered on ``on`` (today by default), and by which cotisation.

    Covered means: their own paid cotisation for the membership year of that date, or a paid
    cotisation of an organisation they are confirmed attached to, or a provisional one still
    running on that date. A paid cotisation is preferred to a provisional one, the person's own to
    an organisation's.
    """
    if user is None or not user.is_authenticated:
        return None
    on = on or timezone.localdate()
    cotisation = (
        Cotisation.objects.covering(user, on=on)
        .select_related("organisation", "user")
        .order_by(
            Case(
                When(status=CotisationStatus.PAID, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            Case(When(user=user, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "pk",
        )
        .first()
    )
    return Coverage(cotisation=cotisation, on=on) if cotisation else None
