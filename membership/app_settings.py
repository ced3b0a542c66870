"""The membership app's settings, read in one place with the ``PORTAIL_MEMBERSHIP_`` prefix.

``PORTAIL_MEMBERSHIP_YEAR_START_MONTH``   first month of a membership year (1 = calendar year)
``PORTAIL_MEMBERSHIP_REMINDER_DAYS``      days relative to the start of a membership year on
                                          which unpaid holders are reminded (negative = before)
``PORTAIL_MEMBERSHIP_INVOICE_PAYMENT_DAYS``  days an invoice gives to pay (default 30, the
                                          legal delay of public bodies)
``PORTAIL_MEMBERSHIP_INVOICE_COVER_DAYS``  days of provisional coverage an invoice grants by
                                          default (60), at most to the end of its year
``PORTAIL_MEMBERSHIP_STATEMENT_MAX_SIZE`` largest bank statement staff may upload, in bytes
                                          (default 5 MB)
``PORTAIL_SITE_URL``                      absolute base of the links in emails and of Stripe's
                                          return URLs (fallbacks: ``SITE_URL``,
                                          ``WAGTAILADMIN_BASE_URL``)
``PORTAIL_STRIPE_SECRET_KEY``             Stripe's secret key (fallback: ``STRIPE_SECRET_KEY``)
``PORTAIL_STRIPE_WEBHOOK_SECRET``         the webhook's signing secret (``STRIPE_WEBHOOK_SECRET``)
``PORTAIL_STRIPE_API_BASE``               another Stripe API address, e.g. a fake in tests
                                          (``STRIPE_API_BASE``)

Without both Stripe keys online payment is hidden and members pay offline. The bank details
(IBAN, BIC), the cheque order and address are the association's site settings, validated there.
"""

from django.conf import settings


class AppSettings:
    prefix = "PORTAIL_MEMBERSHIP_"

    def _get(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    def _first(self, *names: str, default: str = "") -> str:
        """The first of ``names`` set to a non-empty value: the prefixed name, then the old ones."""
        for name in names:
            value = getattr(settings, name, "")
            if value:
                return value
        return default

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
    def INVOICE_PAYMENT_DAYS(self) -> int:
        return int(self._get("INVOICE_PAYMENT_DAYS", 30))

    @property
    def INVOICE_COVER_DAYS(self) -> int:
        return int(self._get("INVOICE_COVER_DAYS", 60))

    @property
    def STATEMENT_MAX_SIZE(self) -> int:
        return int(self._get("STATEMENT_MAX_SIZE", 5 * 1024 * 1024))

    @property
    def SITE_URL(self) -> str:
        return self._first("PORTAIL_SITE_URL", "SITE_URL", "WAGTAILADMIN_BASE_URL").rstrip("/")

    @property
    def STRIPE_SECRET_KEY(self) -> str:
        return self._first("PORTAIL_STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY")

    @property
    def STRIPE_WEBHOOK_SECRET(self) -> str:
        return self._first("PORTAIL_STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET")

    @property
    def STRIPE_API_BASE(self) -> str:
        return self._first("PORTAIL_STRIPE_API_BASE", "STRIPE_API_BASE")


app_settings = AppSettings()
