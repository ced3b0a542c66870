"""The catalogue's settings, read in one place with the ``PORTAIL_`` prefix.

``PORTAIL_CANCELLATION_CUTOFF_HOURS``  a participant may cancel until this many hours before
                                       their session starts (staff may cancel at any time)
``PORTAIL_REMINDER_DAYS_BEFORE``       the reminder email leaves this many calendar days (Paris)
                                       before the start: 2 reminds on Monday for Wednesday
``PORTAIL_SURVEY_LINK_DAYS``          a satisfaction survey's link works this many days (30)
``PORTAIL_SURVEY_REMINDER_DAYS``      an unanswered survey is reminded once, this many days after
                                       it was sent (7)
``PORTAIL_HEADLESS_PREVIEW_URL``       a decoupled front end's preview page (fallback:
                                       ``HEADLESS_PREVIEW_URL``); editors then get a second
                                       preview mode. ``WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]``
                                       works too.
``PORTAIL_IMPORT_MAX_BYTES``           the largest programme document staff may import
                                       (default 5 MB)
``PORTAIL_ATTENDANCE_RETENTION_YEARS``  sign-in sheets, signatures and certificates are kept this
                                       many years after the session's last date (default 6),
                                       then ``erase_expired_training_records`` erases them
``PORTAIL_SIGNING_GRACE_MINUTES``      a half-day's QR code and online signing also work this
                                       many minutes before it starts and after it ends (15)
``PORTAIL_CERTIFICATE_NATURE``         the nature of the action on certificates of completion
                                       (« Action de formation »)
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
    def ATTENDANCE_RETENTION_YEARS(self) -> int:
        return int(self._get("ATTENDANCE_RETENTION_YEARS", 6))

    @property
    def SIGNING_GRACE_MINUTES(self) -> int:
        return int(self._get("SIGNING_GRACE_MINUTES", 15))

    @property
    def CERTIFICATE_NATURE(self) -> str:
        return str(self._get("CERTIFICATE_NATURE", "Action de formation"))

    @property
    def SURVEY_LINK_DAYS(self) -> int:
        return int(self._get("SURVEY_LINK_DAYS", 30))

    @property
    def SURVEY_REMINDER_DAYS(self) -> int:
        return int(self._get("SURVEY_REMINDER_DAYS", 7))

    @property
    def HEADLESS_PREVIEW_URL(self) -> str:
        for name in (self.prefix + "HEADLESS_PREVIEW_URL", "HEADLESS_PREVIEW_URL"):
            value = getattr(settings, name, "")
            if value:
                return value.strip()
        return ""

    @property
    def IMPORT_MAX_BYTES(self) -> int:
        return int(self._get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))

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
