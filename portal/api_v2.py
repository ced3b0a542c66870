"""Wagtail's stable page API (v2) for generic Wagtail front ends.

Its endpoints hand some query parameters to the database unchecked: a NUL character (which
PostgreSQL refuses), an offset past the integer range, a date filter that is not a date, an
unknown search operator. Each was a server error; ``CheckedQueryMixin`` answers them with a 400
and a French message, the way the portal's own API does.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from taggit.managers import TaggableManager
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.fields import StreamField
from wagtail.images.api.v2.views import ImagesAPIViewSet

from catalogue.api import MAX_OFFSET

# The databases' 64-bit integers: a larger id is refused by SQLite's driver (OverflowError).
INTEGER_RANGE = range(-(2**63), 2**63)
SEARCH_OPERATORS = ("and", "or")


class CheckedQueryMixin:
    """Refuse, with a 400, the query parameters Wagtail would let fail in the database."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequestError(
                    f"Le paramètre « {name.replace(chr(0), '')} » contient un caractère nul "
                    "(0x00), refusé."
                )
        for name in ("offset", "limit"):
            value = request.GET.get(name)
            if value is not None and not (value.isdigit() and int(value) <= MAX_OFFSET):
                raise BadRequestError(
                    f"« {name} » : indiquez un nombre entier entre 0 et {MAX_OFFSET}."
                )
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise BadRequestError("« search_operator » : indiquez and ou or.")

    def filter_queryset(self, queryset):
        self.check_field_filters(queryset.model)
        return super().filter_queryset(queryset)

    def check_field_filters(self, model) -> None:
        """Each ``?field=value`` filter holds a value of its field's type (Wagtail's own
        FieldsFilter converts only booleans, integers and foreign keys, and not their range)."""
        fields = set(self.get_available_fields(model, db_fields_only=True)) - {"locale"}
        for name, value in self.request.GET.items():
            if name not in fields:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, TaggableManager | models.BooleanField | StreamField):
                continue  # tag names are text; Wagtail parses booleans itself; blocks are JSON
            if field.is_relation:
                field = field.target_field
            try:
                python_value = field.to_python(value)
            except ValidationError as error:
                raise BadRequestError(f"« {name} » : {' '.join(error.messages)}") from error
            if isinstance(python_value, int) and python_value not in INTEGER_RANGE:
                raise BadRequestError(f"« {name} » : ce nombre est hors des bornes.")

    def find_object(self, queryset, request):
        if "id" in request.GET and not request.GET["id"].isdigit():
            raise BadRequestError("« id » : indiquez un nombre entier positif.")
        return super().find_object(queryset, request)


class CheckedPagesAPIViewSet(CheckedQueryMixin, PagesAPIViewSet):
    pass


class CheckedImagesAPIViewSet(CheckedQueryMixin, ImagesAPIViewSet):
    pass


class CheckedDocumentsAPIViewSet(CheckedQueryMixin, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CheckedPagesAPIViewSet)
api_router.register_endpoint("images", CheckedImagesAPIViewSet)
api_router.register_endpoint("documents", CheckedDocumentsAPIViewSet)
