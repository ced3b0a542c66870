"""The association's identity (site settings), and how its emails are signed."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from wagtail.models import Site

from .models import AssociationSettings


def association_identity(request=None) -> AssociationSettings:
    """The association's identity (site settings) for the request's site, or the default site."""
    if request is not None:
        return AssociationSettings.for_request(request)
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return AssociationSettings.for_site(site)


def email_subject(subject: str, request=None) -> str:
    """A subject prefixed with the association's name, « [Cap Rural] … », as every email's is."""
    return f"[{association_identity(request).name}] {subject}"


def email_sender(request=None) -> str:
    """``DEFAULT_FROM_EMAIL``'s address under the association's name (staff edit it, not settings)."""
    address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    return formataddr((association_identity(request).name, address))
