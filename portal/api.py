"""The portal's API: one NinjaAPI object, so there is one OpenAPI document.

Each app contributes routers from its own ``api.py``; they are added here, before
the URLs are first read.
"""

from ninja import NinjaAPI

from catalogue.api import router as catalogue_router

api = NinjaAPI(
    title="Portail API",
    version="1.0.0",
    description=(
        "Catalogue des sessions, appels à manifestation d'intérêt et ressources ; "
        "espace adhérent (profil, cotisation, inscriptions)."
    ),
    urls_namespace="api",
)

api.add_router("/", catalogue_router)
