"""The catalogue's settings, read in one place with the ``PORTAIL_`` prefix.

``PORTAIL_CANCELLATION_CUTOFF_HOURS``  a participant may cancel until this many hours before
                                       their session starts (staff may cancel at any time)
``PORTAIL_REMINDER_DAYS_BEFORE``       the reminder email leaves this many calendar days (Paris)
                                       before the start: 2 reminds on Monday for Wednesday
``PORTAIL_HEADLESS_PREVIEW_URL``       a decoupled front end's preview page (fallback:
                                       ``HEADLESS_PREVIEW_URL``); editors then get a second
                                       preview mode. ``WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]``
                                       works too.
``PORTAIL_PAGE_CACHE_SECONDS``         anonymous visitors' pages and API reads are kept this long
                                       at most in the shared cache (``CACHES["default"]``), and
                                       a CDN may keep them as long; any change to what they show
                                       replaces them sooner. 0 turns the cache off. Default 60.
``PORTAIL_PAGE_CACHE_EXCLUDE``         path prefixes never cached (admin, accounts, membership,
                                       registration forms, API docs)

Links in emails start with membership's ``PORTAIL_SITE_URL``.
"""

from django.conf import settings


class AppSettings:
    prefix = "PORTAIL_"

    def _get(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def CANCELLATION_CUTOFF_HOURS(self) -> int:
        return int(self._get("CANCELLATION_CUTOFF_HOURS", 48))

    @property
    def REMINDER_DAYS_BEFORE(self) -> int:
        return int(self._get("REMINDER_DAYS_BEFORE", 2))

    @property
    def HEADLESS_PREVIEW_URL(self) -> str:
        for name in (self.prefix + "HEADLESS_PREVIEW_URL", "HEADLESS_PREVIEW_URL"):
            value = getattr(settings, name, "")
            if value:
                return value.strip()
        return ""

    @property
    def PAGE_CACHE_SECONDS(self) -> int:
        return int(self._get("PAGE_CACHE_SECONDS", 60))

    @property
    def PAGE_CACHE_EXCLUDE(self) -> tuple[str, ...]:
        return tuple(
            self._get(
                "PAGE_CACHE_EXCLUDE",
                [
                    "/admin/",
                    "/django-admin/",
                    "/comptes/",
                    "/_allauth/",
                    "/adhesion/",
                    "/inscriptions/",
                    "/membership/",
                    "/api/docs",
                ],
            )
        )

    @property
    def SITE_URL(self) -> str:
        from membership.app_settings import app_settings as membership_settings

        return membership_settings.SITE_URL


app_settings = AppSettings()
