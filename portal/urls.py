from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from membership.webhooks import stripe_webhook
from portal.api import api
from portal.api_v2 import api_router

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/", api.urls),
    path("comptes/", include("allauth.urls")),
    path("_allauth/", include("membership.headless_urls")),
    path("recherche/", include("search.urls")),
    path("membership/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("adhesion/paiement/", include("membership.checkout_urls")),
    path("inscriptions/", include("catalogue.urls")),
    path("adhesion/", include("membership.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
