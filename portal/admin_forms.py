"""The Wagtail admin's login form (``WAGTAILADMIN_USER_LOGIN_FORM``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class AdminLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail redeclares the field without a label, so it read « Password » in French too.
        self.fields["password"].label = _("Password")
