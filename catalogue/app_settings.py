"""The catalogue's settings, read in one place with the ``PORTAIL_`` prefix.

``PORTAIL_CANCELLATION_CUTOFF_HOURS``  a participant may cancel until this many hours before
                                       their session starts (staff may cancel at any time)
``PORTAIL_REMINDER_DAYS_BEFORE``       the reminder email leaves this many calendar days (Paris)
                                       before the start: 2 reminds on Monday for Wednesday
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


app_settings = AppSettings()
