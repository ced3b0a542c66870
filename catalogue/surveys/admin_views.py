"""Staff screens of the surveys: a session's results, exported as CSV or XLSX."""

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from membership.spreadsheets import csv_lines, neutralise_formula

from ..models import SessionPage, SurveyMoment, SurveyTemplate
from .results import result_rows, session_results, survey_result

PERMISSION = "catalogue.view_surveyresponse"


class SurveyResultsView(WagtailAdminTemplateMixin, TemplateView):
    """A session's survey results: response rate, averages and distributions, free texts."""

    template_name = "catalogue/admin/survey_results.html"
    header_icon = "list-ul"

    def dispatch(self, request, *args, session_id: int, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        self.session = get_object_or_404(SessionPage, pk=session_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Enquêtes de satisfaction : {self.session.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        context["results"] = session_results(self.session)
        return context


def survey_export(request, session_id: int, template_id: int, moment: str, fmt: str):
    """One survey's responses, a row each, as CSV (French Excel) or XLSX."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if moment not in SurveyMoment.values or fmt not in ("csv", "xlsx"):
        raise Http404
    session = get_object_or_404(SessionPage, pk=session_id)
    template = get_object_or_404(SurveyTemplate, pk=template_id)
    rows = result_rows(survey_result(session, template, moment))
    filename = f"enquete-{slugify(session.title)[:50]}-{moment}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réponses"
    for row in rows:
        sheet.append([neutralise_formula(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
