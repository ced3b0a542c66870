from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from catalogue.models import CatalogueItemPage


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = CatalogueItemPage.objects.live().search(query) if query else []
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return TemplateResponse(request, "search/search.html", {"search_query": query, "results": page})
