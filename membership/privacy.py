"""What the portal holds about a person, as JSON they can download."""

import datetime as dt
from typing import Any

from django.utils import timezone

from . import signals
from .models import Cotisation, MemberProfile, OrganisationMembership, Payment, Receipt, Reminder


def iso(value) -> str | None:
    """A date, or a time in Europe/Paris (the site's time zone), in ISO 8601."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.isoformat() if value else None


def personal_data(user) -> dict[str, Any]:
    """Everything about ``user``: account, profile, attachments, own cotisations, payments,
    receipts and reminders, API tokens, plus what other apps add through the
    ``personal_data_requested`` signal."""
    from allauth.account.models import EmailAddress
    from wagtail.models import APIToken

    profile = MemberProfile.objects.filter(user=user).first()
    cotisations = Cotisation.objects.filter(user=user).order_by("year", "pk")
    data: dict[str, Any] = {
        "exported_at": iso(timezone.now()),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
        },
        "profile": (
            {
                "first_name": profile.first_name,
                "last_name": profile.last_name,
                "phone": profile.phone,
                "job_title": profile.job_title,
                "category": profile.category,
                "address": profile.address,
                "created_at": iso(profile.created_at),
            }
            if profile
            else None
        ),
        "organisations": [
            {
                "organisation": attachment.organisation.name,
                "status": attachment.status,
                "is_referent": attachment.is_referent,
                "requested_at": iso(attachment.requested_at),
                "decided_at": iso(attachment.decided_at),
            }
            for attachment in OrganisationMembership.objects.filter(user=user).select_related(
                "organisation"
            )
        ],
        "cotisations": [
            {
                "year": cotisation.year,
                "category": cotisation.category,
                "amount": str(cotisation.amount),
                "status": cotisation.status,
                "paid_at": iso(cotisation.paid_at),
                "provisional_until": iso(cotisation.provisional_until),
                "created_at": iso(cotisation.created_at),
            }
            for cotisation in cotisations
        ],
        "payments": [
            {
                "year": payment.cotisation.year,
                "method": payment.method,
                "amount": str(payment.amount),
                "status": payment.status,
                "amount_refunded": str(payment.amount_refunded),
                "reference": payment.reference,
                "received_on": iso(payment.received_on),
                "created_at": iso(payment.created_at),
                "succeeded_at": iso(payment.succeeded_at),
            }
            for payment in Payment.objects.filter(cotisation__in=cotisations).select_related(
                "cotisation"
            )
        ],
        "receipts": [
            {
                "number": receipt.display_number,
                "kind": receipt.kind,
                "amount": str(receipt.amount),
                "issued_at": iso(receipt.issued_at),
                "holder_name": receipt.holder_name,
                "holder_address": receipt.holder_address,
            }
            for receipt in Receipt.objects.filter(cotisation__in=cotisations).order_by(
                "series", "number"
            )
        ],
        "reminders": [
            {"year": reminder.year, "sent_at": iso(reminder.sent_at), "to": reminder.recipients}
            for reminder in Reminder.objects.filter(user=user).order_by("year")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "created": iso(token.created),
                "last_used_at": iso(token.last_used_at),
                "revoked_at": iso(token.revoked_at),
            }
            for token in APIToken.objects.filter(user=user).order_by("created")
        ],
    }
    for _receiver, response in signals.personal_data_requested.send(sender=type(user), user=user):
        if response:
            key, value = response
            data[key] = value
    return data
