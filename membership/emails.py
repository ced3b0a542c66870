"""Emails about money, sent in the background (django-tasks), as the catalogue's are.

Tasks take primary keys and re-read the rows, so an email says what is true when it leaves.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .app_settings import app_settings
from .formats import euros
from .identity import association_identity, email_sender, email_subject
from .models import AttachmentStatus, MemberOrganisation, Receipt, ReceiptKind
from .pdf import receipt_pdf
from .years import year_label


def holder_recipients(*, user=None, organisation: MemberOrganisation | None = None) -> list[str]:
    """Who hears about a holder's cotisation: the person; for an organisation, its billing email
    and its confirmed, active referents."""
    if user is not None:
        return [user.email] if user.email and user.is_active else []
    referents = organisation.memberships.filter(
        status=AttachmentStatus.CONFIRMED, is_referent=True, user__is_active=True
    ).values_list("user__email", flat=True)
    emails = [organisation.billing_email, *referents]
    return list(dict.fromkeys(email for email in emails if email))


@task()
def send_receipt_email(receipt_id: int) -> bool:
    """Email the holder their receipt, the PDF attached; False when there is nobody to write to."""
    receipt = (
        Receipt.objects.select_related(
            "cotisation", "cotisation__organisation", "cotisation__user", "payment"
        )
        .filter(pk=receipt_id, kind=ReceiptKind.RECEIPT)
        .first()
    )
    if receipt is None:
        return False
    cotisation = receipt.cotisation
    recipients = holder_recipients(user=cotisation.user, organisation=cotisation.organisation)
    if not recipients:
        return False
    identity = association_identity()
    context = {
        "association": identity,
        "receipt": receipt,
        "holder_name": receipt.holder_name,
        "year_label": year_label(cotisation.year),
        "amount": euros(receipt.amount),
        "method": receipt.payment.get_method_display(),
        "account_url": app_settings.SITE_URL + reverse("membership:account"),
    }
    with translation.override("fr"):
        subject = " ".join(
            render_to_string("membership/emails/receipt_subject.txt", context).split()
        )
        body = render_to_string("membership/emails/receipt.txt", context)
    message = EmailMessage(
        subject=email_subject(subject), body=body, from_email=email_sender(), to=recipients
    )
    message.attach(
        f"recu-{receipt.display_number}.pdf",
        receipt_pdf(receipt, identity=identity),
        "application/pdf",
    )
    message.send()
    return True
