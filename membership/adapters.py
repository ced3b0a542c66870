"""allauth adapter: people sign in with their email; Django's user model still wants a username.

The username is opaque, so allauth names people by their name or email (``user_display``), and
its emails speak in the association's name (site settings) rather than the request's host.
"""

import uuid

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site

from .models import MemberProfile
from .services import association_identity, email_sender, email_subject


def user_display(user) -> str:
    """How allauth names a person in its messages and emails (``ACCOUNT_USER_DISPLAY``)."""
    profile = MemberProfile.objects.filter(user=user).first() if user.pk else None
    return (profile and profile.full_name) or user.email


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        # The username is unique and unused by members; an opaque value keeps sign-ups apart.
        if hasattr(user, "username") and not user.username:
            user.username = f"membre-{uuid.uuid4().hex[:16]}"
        super().populate_username(request, user)

    def current_site(self):
        """The request's site (its domain for links), named after the association."""
        site = get_current_site(context.request)
        site.name = association_identity(context.request).name
        return site

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": self.current_site(), **context})

    def format_email_subject(self, subject: str) -> str:
        if account_settings.EMAIL_SUBJECT_PREFIX is not None:
            return super().format_email_subject(subject)
        return email_subject(subject, context.request)

    def get_from_email(self) -> str:
        return email_sender(context.request)
