from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse

from catalogue.filters import CatalogueFilterForm
from catalogue.models import CatalogueItemPage
from catalogue.queries import load_items
from catalogue.search.queries import MAX_QUERY_LENGTH, Filters, clean_query, search_catalogue

PER_PAGE = 20
FACET_LABELS = {
    "type": "Type",
    "theme": "Thème",
    "audience": "Public",
    "format": "Format",
    "when": "Période",
    "open": "Inscriptions",
    "cotisation": "Cotisation",
}
# Facet values are the API's; the form spells two of them its own way.
FORM_VALUES = {("open", "true"): "on", ("cotisation", "true"): "yes", ("cotisation", "false"): "no"}


def _filters(form: CatalogueFilterForm) -> Filters:
    """The valid filters of the form; an invalid one is reported by the form and left out."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return Filters(
        type=data.get("type") or None,
        theme=data.get("theme") or None,
        audience=data.get("audience") or None,
        format=data.get("format") or None,
        when=data.get("when") or None,
        open=True if data.get("open") else None,
        cotisation={"yes": True, "no": False}.get(data.get("cotisation") or ""),
    )


def _facet_groups(request: HttpRequest, facets: dict) -> list[dict]:
    """Each facet value with the link that selects it (or, once selected, removes it)."""
    groups = []
    for name, values in facets.items():
        links = []
        for facet in values:
            params: QueryDict = request.GET.copy()
            params.pop("page", None)
            if facet.selected:
                params.pop(name, None)
            else:
                params[name] = FORM_VALUES.get((name, facet.value), facet.value)
            links.append(
                {"facet": facet, "url": f"{reverse('search:search')}?{params.urlencode()}"}
            )
        if any(link["facet"].count or link["facet"].selected for link in links):
            groups.append({"name": name, "label": FACET_LABELS[name], "links": links})
    return groups


def search(request: HttpRequest) -> HttpResponse:
    raw_query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    form = CatalogueFilterForm(request.GET)
    filters = _filters(form)
    context = {"search_query": raw_query, "filter_form": form, "results": None, "facets": []}
    if raw_query.strip() and not clean_query(raw_query):
        context["query_error"] = (
            "Précisez votre recherche : les mots très courants comme « le » ou « des » "
            "sont ignorés."
        )
    elif clean_query(raw_query):
        outcome = search_catalogue(raw_query, filters, request=request)
        page = Paginator(outcome.ids, PER_PAGE).get_page(request.GET.get("page"))
        loaded = {
            item.pk: item
            for item in load_items(CatalogueItemPage.objects.filter(pk__in=page.object_list))
        }
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            results=page,
            items=[loaded[pk] for pk in page.object_list if pk in loaded],
            count=outcome.count,
            facets=_facet_groups(request, outcome.facets),
            page_query=params.urlencode(),
        )
    return TemplateResponse(request, "search/search.html", context)
