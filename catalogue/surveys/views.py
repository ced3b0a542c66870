"""The public page where a participant or an intervenant answers a survey, from the emailed
link, without signing in."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ..models import SurveyQuestionKind, SurveyTemplate
from . import services

RATINGS = [
    ("1", "1 — pas du tout satisfait·e"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 — tout à fait satisfait·e"),
]
UNAVAILABLE = {
    "invalid": (
        404,
        "Ce lien ne correspond à aucun questionnaire. Vérifiez qu'il est complet : copiez-le "
        "depuis le courriel reçu.",
    ),
    "expired": (
        410,
        "Ce questionnaire n'est plus ouvert : son lien était valable {days} jours. Merci "
        "de votre intérêt.",
    ),
    "used": (409, "Vous avez déjà répondu à ce questionnaire avec ce lien. Merci de votre avis !"),
}


class SurveyForm(forms.Form):
    """The questions of a template as form fields ``q<id>``; the service checks the answers."""

    def __init__(self, *args, template: SurveyTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        for question in template.questions.all():
            if question.kind == SurveyQuestionKind.RATING:
                field = forms.ChoiceField(choices=RATINGS, widget=forms.RadioSelect)
            elif question.kind == SurveyQuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
            field.label = question.label
            field.required = question.required
            if not question.required:
                field.label_suffix = " (facultatif)"
            self.fields[f"q{question.pk}"] = field

    def clean(self):
        # Every rule lives in the service; the form only renders and carries its messages.
        return self.cleaned_data


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except services.InvalidLink as refused:
        from ..app_settings import app_settings

        status, message = UNAVAILABLE[refused.reason]
        return render(
            request,
            "catalogue/surveys/unavailable.html",
            {"message": message.format(days=app_settings.SURVEY_LINK_DAYS)},
            status=status,
        )
    template = invitation.template
    form = SurveyForm(request.POST or None, template=template)
    if request.method == "POST":
        form.is_valid()
        try:
            services.survey_submit(token=token, data=request.POST)
        except services.InvalidLink as refused:
            status, message = UNAVAILABLE[refused.reason]
            return render(
                request, "catalogue/surveys/unavailable.html", {"message": message}, status=status
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                form.errors[key] = form.error_class(messages)
        else:
            return render(request, "catalogue/surveys/thanks.html", {"session": invitation.session})
    return render(
        request,
        "catalogue/surveys/answer.html",
        {
            "invitation": invitation,
            "session": invitation.session,
            "template": template,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
