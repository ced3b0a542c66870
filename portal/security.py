"""Content-Security-Policy: a strict policy for the public site, a looser one for the admins.

The public templates load only the site's own scripts and styles, so they get ``'self'`` and no
inline code. The Wagtail admin (and Django's) still relies on inline scripts and styles, and its
accessibility checker compiles templates with ``new Function``: those paths get
``settings.PORTAIL_CSP_ADMIN`` instead. Previews are served under ``/admin/``, so they follow the
admin policy too.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin_prefixes = tuple(getattr(settings, "PORTAIL_CSP_ADMIN_PREFIXES", ()))
        if (
            not report_only
            and parts.config is None
            and admin_prefixes
            and request.path_info.startswith(admin_prefixes)
        ):
            parts.config = settings.PORTAIL_CSP_ADMIN
        return parts
