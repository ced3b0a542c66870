"""Who may view a page: Wagtail's page view restrictions, for every read and write, not only
the page view Wagtail guards itself.

The rules are those of ``PageViewRestriction.accept_request``, for a restriction on the page or on
any ancestor: a password restriction is passed only with the session key Wagtail's password form
sets; a login one by any signed-in person; a groups one by the members of one of its groups and
by superusers. Pages, listings, search, feeds, APIs, registrations and their emails ask here.
"""

from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import cached_property
from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

from .cache import RESTRICTIONS_VERSION_KEY, cached_value

PASSWORD_SESSION_KEY = PageViewRestriction.passed_view_restrictions_session_key

REFUSALS = {
    PageViewRestriction.PASSWORD: "Cette page est protégée par un mot de passe : ouvrez-la, "
    "saisissez son mot de passe, puis recommencez.",
    PageViewRestriction.LOGIN: "Cette page est réservée aux personnes connectées : "
    "connectez-vous, puis recommencez.",
    PageViewRestriction.GROUPS: "Cette page est réservée à certains groupes de personnes, "
    "dont votre compte ne fait pas partie.",
}
PERSON_REFUSAL = (
    "Cette personne n'a pas accès à cette page, réservée à certains groupes : "
    "ajoutez-la d'abord à l'un d'eux."
)


class _Viewer:
    """The person asking, and the password restrictions they passed; ``passwords`` is None for
    work done without their request (see ``person_can_view``)."""

    def __init__(self, user, passwords: set[int] | None):
        self.user = user
        self.passwords = passwords
        self.signed_in = user is not None and user.is_authenticated

    @cached_property
    def group_ids(self) -> set[int]:
        return set(self.user.groups.values_list("pk", flat=True))

    def accepts(self, restriction: PageViewRestriction) -> bool:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            return self.passwords is None or restriction.pk in self.passwords
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            return self.signed_in
        if restriction.restriction_type == PageViewRestriction.GROUPS:
            if not self.signed_in:
                return False
            if self.user.is_superuser:
                return True
            return any(group.pk in self.group_ids for group in restriction.groups.all())
        return True

    @classmethod
    def of(cls, request: HttpRequest | None) -> "_Viewer":
        if request is None:
            return cls(None, set())
        session = getattr(request, "session", None)
        passed = session.get(PASSWORD_SESSION_KEY, []) if session is not None else []
        return cls(getattr(request, "user", None), set(passed))

    def refused(self, page: Page) -> PageViewRestriction | None:
        """The first restriction on ``page`` or its ancestors this person does not pass."""
        if not any_restriction():
            return None
        for restriction in page.get_view_restrictions().prefetch_related("groups"):
            if not self.accepts(restriction):
                return restriction
        return None


def any_restriction() -> bool:
    """Whether any page of any site is restricted: most sites have none, and then no page needs
    its ancestors read. Kept until a restriction is written (``catalogue.cache``)."""
    return cached_value(
        "restricted",
        (),
        PageViewRestriction.objects.exists,
        timeout=3600,
        version_key=RESTRICTIONS_VERSION_KEY,
    )


def can_view(page: Page, request: HttpRequest | None) -> bool:
    """Whether the person making ``request`` may view ``page`` (None: an anonymous visitor)."""
    return _Viewer.of(request).refused(page) is None


def refusal_message(page: Page, request: HttpRequest | None) -> str | None:
    """Why the person making ``request`` may not view ``page``, in French; None if they may."""
    restriction = _Viewer.of(request).refused(page)
    return None if restriction is None else REFUSALS[restriction.restriction_type]


def person_can_view(page: Page, user) -> bool:
    """Whether ``user`` may view ``page``, for work done without their request: staff adding
    them, the waiting list, reminders and invitations.

    Login and groups restrictions are checked against the person. A password restriction cannot
    be: it is a secret shared with whoever knows it, asked by the request that registered them.
    """
    return _Viewer(user, None).refused(page) is None


def person_refusal_message(page: Page, user) -> str | None:
    """Why ``user`` may not view ``page`` (as ``person_can_view`` judges), in French; or None."""
    restriction = _Viewer(user, None).refused(page)
    return None if restriction is None else REFUSALS[restriction.restriction_type]


def viewable(queryset: PageQuerySet, request: HttpRequest | None) -> PageQuerySet:
    """The pages of ``queryset`` the person making ``request`` may view (None: anonymous).

    Costs no query when no page is restricted, nor once the restrictions are kept for the
    content version (two when they are read, three with groups; one more for the person's
    groups), whatever the number of pages; the rest is a filter on the pages' paths.
    """
    if not any_restriction():
        return queryset
    viewer = _Viewer.of(request)
    hidden = Q()
    for restriction in _every_restriction():
        if not viewer.accepts(restriction):
            hidden |= queryset.descendant_of_q(restriction.page, inclusive=True)
    return queryset.exclude(hidden) if hidden else queryset


def _every_restriction() -> list[PageViewRestriction]:
    """Every view restriction, with its page and groups, kept in the shared cache for the content
    version (their pages' paths move with the tree): adding, editing or removing one (or its
    groups) replaces the version at once."""

    def read() -> list[PageViewRestriction]:
        return list(PageViewRestriction.objects.select_related("page").prefetch_related("groups"))

    return cached_value("view-restrictions", (), read, timeout=3600)
