"""allauth adapter: people sign in with their email; Django's user model still wants a username."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        # The username is unique and unused by members; an opaque value keeps sign-ups apart.
        if hasattr(user, "username") and not user.username:
            user.username = f"membre-{uuid.uuid4().hex[:16]}"
        super().populate_username(request, user)
