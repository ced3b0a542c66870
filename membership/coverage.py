"""The one answer to « is this person covered on this date, and by which cotisation? »."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import Cotisation, CotisationStatus, MemberOrganisation, RenewalRule
from .years import membership_year


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
    def is_renewing(self) -> bool:
        """Covered by last year's cotisation during its category's grace period (« en
        renouvellement »), not by one that covers this year."""
        if self.cotisation.year >= membership_year(self.on):
            return False
        rule = RenewalRule.objects.filter(category=self.cotisation.category).first()
        return not (rule and rule.covers_next_year(self.cotisation))

    @property
    def until(self) -> dt.date | None:
        if self.is_provisional:
            return self.cotisation.provisional_until
        if self.is_renewing:
            rule = RenewalRule.objects.get(category=self.cotisation.category)
            return rule.grace_end(membership_year(self.on))
        return None

    @property
    def description(self) -> str:
        through = (
            f"par la cotisation de {self.organisation.name}"
            if self.organisation
            else "par votre cotisation individuelle"
        )
        if self.is_provisional:
            return f"{through}, à titre provisoire jusqu’au {self.until:%d/%m/%Y}"
        if self.is_renewing:
            return f"{through} de l’an dernier, en renouvellement jusqu’au {self.until:%d/%m/%Y}"
        return through


def coverage_for(user, on: dt.date | None = None) -> Coverage | None:
    """Whether ``user`` is covered on ``on`` (today by default), and by which cotisation.

    Covered means: their own paid cotisation for the membership year of that date, or a paid
    cotisation of an organisation they are confirmed attached to, or a provisional one still
    running on that date, or last year's paid late enough to cover this year too, or during the
    grace period of its category (see ``CotisationQuerySet.covering``). This year's paid
    cotisation is preferred, then last year's that covers this year, a provisional one, the grace
    period; the person's own to an organisation's.
    """
    if user is None or not user.is_authenticated:
        return None
    on = on or timezone.localdate()
    candidates = [
        Coverage(cotisation=cotisation, on=on)
        for cotisation in Cotisation.objects.covering(user, on=on).select_related(
            "organisation", "user"
        )
    ]

    def preference(coverage: Coverage) -> tuple:
        cotisation = coverage.cotisation
        if coverage.is_provisional:
            rank = 2
        elif coverage.is_renewing:
            rank = 3
        else:
            rank = (
                0
                if cotisation.status == CotisationStatus.PAID
                and cotisation.year >= (membership_year(on))
                else 1
            )
        return rank, cotisation.user_id != user.pk, cotisation.pk

    return min(candidates, key=preference, default=None)
