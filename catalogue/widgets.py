"""Admin widgets of the catalogue's pages."""

from wagtail.admin.widgets import AdminDateTimeInput


class HalfHourDateTimeInput(AdminDateTimeInput):
    """Wagtail's date-time picker listing every half-hour: sessions start at 9:30 as often as at
    9:00, and its default step is the hour."""

    def get_config(self):
        return {**super().get_config(), "step": 30}
