"""The catalogue's filters, shared by the catalogue pages, the API and search."""

from django import forms
from django.apps import apps
from django.utils import timezone

from .models.choices import RegistrationMode, SessionFormat
from .models.snippets import Audience, Theme

# The API's item types and their page models; the pages module shows its index page's form from
# here, so the models are looked up by name rather than imported.
ITEM_TYPE_MODELS = {
    "session": "SessionPage",
    "working_group_call": "WorkingGroupCallPage",
    "resource_article": "ResourceArticlePage",
}
ITEM_TYPE_LABELS = {
    "session": "Sessions",
    "working_group_call": "Appels à manifestation d'intérêt",
    "resource_article": "Articles et ressources",
}
WHEN_CHOICES = [("upcoming", "À venir"), ("past", "Passés")]


def item_model(name: str):
    """The page model of an item type: ``item_model("session")`` is ``SessionPage``."""
    return apps.get_model("catalogue", ITEM_TYPE_MODELS[name])


def item_types() -> dict:
    """Every item type with its page model."""
    return {name: item_model(name) for name in ITEM_TYPE_MODELS}


def item_type(page) -> str:
    for name, model in item_types().items():
        if isinstance(page, model):
            return name
    raise ValueError(f"{type(page).__name__} is not a catalogue item")


def filter_catalogue(
    items,
    *,
    type: str | None = None,
    theme: str | None = None,
    audience: str | None = None,
    format: str | None = None,
    when: str | None = None,
    open: bool | None = None,
    cotisation: bool | None = None,
    lacking_information: bool | None = None,
    now=None,
):
    """Narrow a CatalogueItemPage queryset; every argument is already validated.

    ``lacking_information`` keeps the sessions whose page misses part of the public information
    (``catalogue.information``); it is the editors' work list, offered to staff only.
    """
    now = now or timezone.now()
    if type:
        items = items.type(item_model(type))
    # Through-table subqueries, not joins: an item is never repeated, so no DISTINCT (which
    # would make the database read every row before it orders the first page).
    catalogue_item = apps.get_model("catalogue", "CatalogueItemPage")
    if theme:
        links = catalogue_item.themes.through.objects.filter(theme__slug=theme)
        items = items.filter(pk__in=links.values("catalogueitempage_id"))
    if audience:
        links = catalogue_item.audiences.through.objects.filter(audience__slug=audience)
        items = items.filter(pk__in=links.values("catalogueitempage_id"))
    if format:
        items = items.filter(sessionpage__format=format)
    if when == "upcoming":
        items = items.upcoming(now)
    elif when == "past":
        items = items.past(now)
    if open is True:
        items = items.open_for_registration(now)
    elif open is False:
        items = items.exclude(
            pk__in=apps.get_model("catalogue", "CatalogueItemPage")
            .objects.open_for_registration(now)
            .values("pk")
        )
    if cotisation is not None:
        members = {"registration_mode": RegistrationMode.MEMBERS}
        items = items.filter(**members) if cotisation else items.exclude(**members)
    if lacking_information:
        from .information import disability_referent
        from .information import lacking_information as lacking

        items = lacking(
            items.type(item_model("session")),
            prefix="sessionpage__",
            referent_named=disability_referent() is not None,
        )
    return items


def may_filter_lacking_information(user) -> bool:
    """Who may list the sessions lacking public information: the people who edit them."""
    return bool(user and user.has_perm("wagtailadmin.access_admin"))


class CatalogueFilterForm(forms.Form):
    """The filters as a GET form on the catalogue page."""

    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous")] + list(ITEM_TYPE_LABELS.items())
    )
    theme = forms.ChoiceField(label="Thème", required=False)
    audience = forms.ChoiceField(label="Public", required=False)
    format = forms.ChoiceField(
        label="Format", required=False, choices=[("", "Tous")] + list(SessionFormat.choices)
    )
    when = forms.ChoiceField(
        label="Période", required=False, choices=[("", "Toutes")] + WHEN_CHOICES
    )
    open = forms.BooleanField(label="Inscriptions ouvertes", required=False)
    cotisation = forms.ChoiceField(
        label="Cotisation",
        required=False,
        choices=[("", "Indifférent"), ("yes", "Réservé aux adhérents"), ("no", "Sans cotisation")],
    )

    lacking_information = forms.BooleanField(
        label="Information publique incomplète (équipe)", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_filter_lacking_information(user):
            del self.fields["lacking_information"]
        self.fields["theme"].choices = [("", "Tous")] + list(
            Theme.objects.values_list("slug", "name")
        )
        self.fields["audience"].choices = [("", "Tous")] + list(
            Audience.objects.values_list("slug", "name")
        )

    def apply(self, items):
        data = self.cleaned_data
        cotisation = {"yes": True, "no": False}.get(data.get("cotisation") or "")
        return filter_catalogue(
            items,
            type=data.get("type") or None,
            theme=data.get("theme") or None,
            audience=data.get("audience") or None,
            format=data.get("format") or None,
            when=data.get("when") or None,
            open=True if data.get("open") else None,
            cotisation=cotisation,
        )
