"""The portal's API: one NinjaAPI object, so there is one OpenAPI document.

Each app contributes routers from its own ``api.py``; they are added here, before
the URLs are first read.
"""

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from catalogue.api import router as catalogue_router
from catalogue.registrations.api import router as registration_router
from catalogue.search.api import router as search_router
from membership.api import public_router as membership_public_router
from membership.api import router as membership_router

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
api.add_router("/", registration_router)
api.add_router("/search/", search_router)
api.add_router("/me/", membership_router)
api.add_router("/membership/", membership_public_router)


# --------------------------------------------------------------------------- French errors

# Pydantic's error types, in French; ``{…}`` are filled from the error's context.
VALIDATION_MESSAGES = {
    "missing": "Ce paramètre est obligatoire.",
    "literal_error": "Valeur inconnue. Valeurs possibles : {expected}.",
    "enum": "Valeur inconnue. Valeurs possibles : {expected}.",
    "bool_parsing": "Indiquez un booléen : true ou false.",
    "bool_type": "Indiquez un booléen : true ou false.",
    "int_parsing": "Indiquez un nombre entier.",
    "int_type": "Indiquez un nombre entier.",
    "int_from_float": "Indiquez un nombre entier.",
    "float_parsing": "Indiquez un nombre.",
    "decimal_parsing": "Indiquez un nombre.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "string_type": "Indiquez un texte.",
    "string_too_short": "Le texte doit compter au moins {min_length} caractère(s).",
    "string_too_long": "Le texte doit compter au plus {max_length} caractères.",
    "date_parsing": "Indiquez une date au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Indiquez une date au format AAAA-MM-JJ.",
    "datetime_parsing": "Indiquez une date et une heure au format ISO 8601.",
    "datetime_from_date_parsing": "Indiquez une date et une heure au format ISO 8601.",
    "uuid_parsing": "Indiquez un identifiant UUID.",
    "url_parsing": "Indiquez une adresse web valide.",
    "json_invalid": "Le corps de la requête n'est pas du JSON valide.",
    "model_attributes_type": "Le corps de la requête doit être un objet JSON.",
    "dict_type": "Le corps de la requête doit être un objet JSON.",
    "list_type": "Indiquez une liste.",
    "extra_forbidden": "Ce champ n'est pas accepté.",
}


def french_validation_message(error: dict) -> str:
    """One validation error as a French sentence; messages we raise ourselves are kept."""
    template = VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        message = str(error.get("msg", "Valeur invalide."))
        # ValueError raised in a validator: pydantic prefixes the (French) message.
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace("'", "").replace(" or ", ", ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split(" {")[0]


def _parameter(error: dict) -> str:
    loc = list(error.get("loc", ()))
    if loc and loc[0] in ("query", "path", "body", "form", "header", "cookie", "file"):
        loc = loc[1:]
    return ".".join(str(part) for part in loc) or "requête"


@api.exception_handler(ValidationError)
def french_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {
            **error,
            "msg": french_validation_message(error),
            # A validator's exception may sit in the context; JSON needs plain text.
            **({"ctx": {k: str(v) for k, v in error["ctx"].items()}} if error.get("ctx") else {}),
        }
        for error in exc.errors
        if isinstance(error, dict)
    ]
    message = " ; ".join(
        f"« {_parameter(error)} » : {error['msg'].rstrip('.')}" for error in detail
    )
    return api.create_response(
        request, {"message": f"{message or 'Requête invalide'}.", "detail": detail}, status=422
    )


@api.exception_handler(Http404)
def french_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)


@api.exception_handler(AuthenticationError)
def french_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentification requise : connectez-vous ou utilisez un jeton d'API."},
        status=401,
    )


@api.exception_handler(HttpError)
def french_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):  # django-ninja's own words
        message = "Le corps de la requête n'est pas du JSON valide."
    elif message == "CSRF check Failed":
        message = (
            "Jeton CSRF manquant ou invalide : envoyez l'en-tête X-CSRFToken avec la valeur "
            "du cookie csrftoken, ou utilisez un jeton d'API."
        )
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(OverflowError)
def id_out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id in the path beyond SQLite's 64-bit integers: no such row, not a server error.
    return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)


@api.exception_handler(DataError)
def nul_character(request: HttpRequest, exc: DataError) -> HttpResponse:
    # PostgreSQL stores no NUL character: psycopg refuses such a parameter before sending it.
    if "NUL" not in str(exc):
        raise exc
    message = "Le texte envoyé contient un caractère nul (0x00), refusé."
    detail = [{"type": "nul_character", "loc": ["requête"], "msg": message}]
    return api.create_response(request, {"message": message, "detail": detail}, status=422)


# --------------------------------------------------------------------------- documented errors

# The handlers above answer for every operation; the OpenAPI document says so, so that a client
# generated from it (and schemathesis) expects these answers. ``{"detail": ...}`` is ErrorOut,
# the 422 body is ValidationErrorOut.
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
VALIDATION_REF = {"$ref": "#/components/schemas/ValidationErrorOut"}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_error_answers(schema: dict) -> dict:
    """Add the 401, 404 and 422 answers of the handlers above to every operation that can get them."""
    from catalogue.schemas import ErrorOut, ValidationErrorOut

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        components.setdefault(model.__name__, model.model_json_schema())
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if operation.get("security"):
                responses.setdefault(
                    401, _json("Authentification requise (session ou jeton).", ERROR_REF)
                )
            if any(p.get("in") == "path" for p in parameters):
                responses.setdefault(404, _json("Ressource introuvable.", ERROR_REF))
            if operation.get("requestBody"):
                _add_answer(responses, 400, ERROR_REF, "ErrorOut", "Corps de requête illisible.")
            if parameters or operation.get("requestBody"):
                _add_answer(
                    responses,
                    422,
                    VALIDATION_REF,
                    "ValidationErrorOut",
                    "Paramètres invalides, expliqués en français.",
                )
    return schema


def _add_answer(responses: dict, status: int, ref: dict, name: str, description: str) -> None:
    """Document ``ref`` for ``status``, beside the operation's own answer for it if it has one."""
    documented = responses.get(status) or responses.get(str(status))
    if documented is None:
        responses[status] = _json(description, ref)
    elif name not in str(documented):
        content = documented["content"]["application/json"]
        content["schema"] = {"anyOf": [content["schema"], ref]}


def _openapi_schema(*, path_prefix: str | None = None, path_params: dict | None = None):
    schema = NinjaAPI.get_openapi_schema(api, path_prefix=path_prefix, path_params=path_params)
    return document_error_answers(schema)


api.get_openapi_schema = _openapi_schema
