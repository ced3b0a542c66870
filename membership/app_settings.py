"""The membership app's settings, read in one place with the ``PORTAIL_MEMBERSHIP_`` prefix.

``PORTAIL_MEMBERSHIP_YEAR_START_MONTH``   first month of a membership year (1 = calendar year)
``PORTAIL_MEMBERSHIP_REMINDER_DAYS``      days relative to the start of a membership year on
                                          which unpaid holders are reminded (negative = before)
``PORTAIL_MEMBERSHIP_BANK_DETAILS``       IBAN / BIC printed on the membership form for transfers
``PORTAIL_MEMBERSHIP_CHEQUE_PAYEE``       payee printed on the form for cheques (default: the
                                          association's name from its site settings)
"""

from django.conf import settings


class AppSettings:
    prefix = "PORTAIL_MEMBERSHIP_"

    def _get(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def YEAR_START_MONTH(self) -> int:
        month = int(self._get("YEAR_START_MONTH", 1))
        if not 1 <= month <= 12:
            raise ValueError("PORTAIL_MEMBERSHIP_YEAR_START_MONTH doit être entre 1 et 12.")
        return month

    @property
    def REMINDER_DAYS(self) -> list[int]:
        return [int(day) for day in self._get("REMINDER_DAYS", [-30])]

    @property
    def BANK_DETAILS(self) -> str:
        return self._get("BANK_DETAILS", "")

    @property
    def CHEQUE_PAYEE(self) -> str:
        return self._get("CHEQUE_PAYEE", "")


app_settings = AppSettings()
