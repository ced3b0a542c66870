"""Pages around Stripe's hosted payment page: choose what to pay, come back paid or not."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from . import dues, payments, services
from .app_settings import app_settings
from .checkout import UnknownPayment, can_pay, checkout_fulfil, checkout_start
from .models import (
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    MemberOrganisation,
    PaymentStatus,
)
from .years import membership_year, year_label

OWN = "individuelle"
# Where the member was going when they were asked to pay (e.g. a registration), kept in the
# session: Stripe's return URLs stay the same for every retry of one payment.
NEXT_SESSION_KEY = "membership_after_payment"


def _remember_next(request: HttpRequest) -> None:
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = next_url


def return_urls() -> tuple[str, str]:
    """Where Stripe sends the member back; the same for the pages and the API, so that a retry
    of one payment's session sends Stripe the same parameters."""
    success = f"{app_settings.SITE_URL}{reverse('membership_checkout:checkout_success')}"
    cancel = f"{app_settings.SITE_URL}{reverse('membership_checkout:checkout_cancel')}"
    return f"{success}?session_id={{CHECKOUT_SESSION_ID}}", cancel


def open_cotisation_for(user, *, holder: str, year: int) -> Cotisation:
    """The cotisation ``user`` wants to pay: their own (``holder`` « individuelle ») or that of an
    organisation (its id) they are confirmed in; opened at the year's tariff if needed."""
    if year not in payable_years():
        raise ValidationError(f"La cotisation {year} ne peut pas être réglée en ligne.")
    if holder == OWN:
        return services.cotisation_open(user=user, year=year)
    # isdecimal(), not isdigit(): « ² » is a digit that int() refuses.
    organisation = _organisations(user).filter(pk=holder).first() if holder.isdecimal() else None
    if organisation is None:
        raise ValidationError("Vous n’êtes pas rattaché(e) à cette organisation.")
    return services.cotisation_open(organisation=organisation, year=year)


def payable_years() -> list[int]:
    """This membership year and the next one (reminders come before it starts)."""
    current = membership_year()
    return [current, current + 1]


def _organisations(user):
    return MemberOrganisation.objects.filter(
        memberships__user=user, memberships__status=AttachmentStatus.CONFIRMED
    )


@dataclass
class HolderOption:
    """One cotisation the member may pay: their own (key « individuelle ») or an organisation's."""

    key: str
    due: dues.Due

    @property
    def blocked_reason(self) -> str:
        """Why it cannot be paid online now; empty when it can."""
        if self.due.problem is not None:
            return self.due.problem.member_message
        cotisation = self.due.cotisation
        if cotisation is None or cotisation.status in {
            CotisationStatus.PENDING,
            CotisationStatus.PROVISIONAL,
        }:
            return ""
        return f"Cotisation « {cotisation.get_status_display()} » : rien à régler."


def _options(user, year: int) -> list[HolderOption]:
    return [
        HolderOption(key=str(due.organisation.pk) if due.organisation else OWN, due=due)
        for due in dues.dues_of(user, year=year)
    ]


def _year(value: str | None) -> int:
    years = payable_years()
    return int(value) if value and value.isdecimal() and int(value) in years else years[0]


@login_required
@require_http_methods(["GET", "POST"])
def checkout_start_view(request: HttpRequest) -> HttpResponse:
    """GET: what the member may pay and how much; POST: off to Stripe's payment page."""
    if request.method == "GET":
        _remember_next(request)
        year = _year(request.GET.get("annee"))
        other_year = next(y for y in payable_years() if y != year)
        enabled = payments.online_payment_enabled()
        return render(
            request,
            "membership/checkout_start.html",
            {
                "enabled": enabled,
                "ways": dues.payment_ways(services.association_identity(request), online=enabled),
                "year": year,
                "year_label": year_label(year),
                "other_year": other_year,
                "other_year_label": year_label(other_year),
                "options": _options(request.user, year),
            },
        )
    year = _year(request.POST.get("annee"))
    back = f"{reverse('membership_checkout:checkout_start')}?annee={year}"
    success_url, cancel_url = return_urls()
    try:
        cotisation = open_cotisation_for(
            request.user, holder=request.POST.get("titulaire", ""), year=year
        )
        url = checkout_start(
            cotisation=cotisation,
            user=request.user,
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    except payments.PaymentProviderError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return HttpResponseRedirect(url)


@login_required
@require_GET
def checkout_success_view(request: HttpRequest) -> HttpResponse:
    """Stripe sends the member back here: record the payment now, without waiting for the webhook."""
    session_id = request.GET.get("session_id", "")
    if not session_id.startswith("cs_"):
        raise Http404("Session de paiement inconnue.")
    try:
        payment = checkout_fulfil(session_id=session_id)
    except (UnknownPayment, payments.UnknownToStripe) as exc:
        raise Http404("Session de paiement inconnue.") from exc
    except payments.PaymentProviderError as exc:
        return render(
            request,
            "membership/checkout_success.html",
            {"unverified": True, "error": str(exc)},
            status=503,
        )
    if not can_pay(request.user, payment.cotisation):
        raise Http404("Session de paiement inconnue.")
    paid = payment.status == PaymentStatus.SUCCEEDED
    return render(
        request,
        "membership/checkout_success.html",
        {
            "payment": payment,
            "cotisation": payment.cotisation,
            "year_label": year_label(payment.cotisation.year),
            "amount": services.euros(payment.amount),
            "status": PaymentStatus(payment.status),
            "statuses": PaymentStatus,
            "next_url": request.session.pop(NEXT_SESSION_KEY, None) if paid else None,
        },
    )


@login_required
@require_GET
def checkout_cancel_view(request: HttpRequest) -> HttpResponse:
    """The member left Stripe's page without paying; nothing was taken, they may start again."""
    return render(request, "membership/checkout_cancel.html", {"year": membership_year()})
