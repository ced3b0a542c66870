"""The catalogue's pages: the index, sessions, working-group calls and resource articles."""

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from ..blocks import ArticleBodyBlock, DocumentBlock, LinkBlock, NoticeBlock, ProgrammeBlock
from ..cache import cached_value
from ..filters import CatalogueFilterForm
from ..forms import SessionPageForm, WorkingGroupCallPageForm
from ..page_access import viewable
from ..panels import InlinePanel, PublicInformationPanel
from ..preview import HEADLESS_MODE, HEADLESS_MODE_LABEL, client_root_url, headless_preview_enabled
from ..serializers import (
    AudienceSerializer,
    ContactSerializer,
    PersonSerializer,
    RelatedSessionsField,
    ThemeSerializer,
)
from ..widgets import HalfHourDateTimeInput
from .choices import (
    AttendanceMode,
    QuestionKind,
    RegistrationMode,
    RegistrationStatus,
    SessionFormat,
    SessionKind,
    SpeakerRole,
)
from .halfdays import session_half_days
from .snippets import Audience, Person, Theme

TO_CHECK_REFUSAL = (
    "« À vérifier » contient encore du texte : reportez chaque élément dans son champ, videz "
    "« À vérifier », puis publiez."
)
TO_CHECK_PANEL = MultiFieldPanel(
    [FieldPanel("to_check", heading="Éléments à vérifier avant publication")],
    heading="À vérifier",
)

# Days after a session's end its « à froid » survey leaves, unless the session says otherwise.
COLD_SURVEY_DEFAULT_DAYS = 60


def event_day_key():
    """The event day with undated items after every date: the ascending order's first key and
    its index's (``catalogue_item_day``), so that a lower bound is a range of that index."""
    return Coalesce("event_day", Value(dt.date.max), output_field=models.DateField())


def paris_tz():
    return timezone.get_default_timezone()


def deadline_end(deadline: dt.date | None) -> dt.datetime | None:
    """End of a deadline day, Europe/Paris."""
    if deadline is None:
        return None
    return timezone.make_aware(dt.datetime.combine(deadline, dt.time(23, 59, 59)), paris_tz())


# The registration states of cards and pages, from an item's values: pages call them with their
# fields, the API's listing with its rows (``catalogue.queries.listing_rows``).


def session_registration_state(
    *,
    now: dt.datetime,
    mode: str,
    opens_at: dt.datetime | None,
    deadline: dt.date | None,
    ends_at: dt.datetime | None,
    last_start: dt.datetime | None,
    seats_left,
) -> str:
    """One of: past, none, external, not_open, closed, full, open. ``seats_left`` is called
    only when the seats decide."""
    if ends_at is not None and ends_at < now:
        return "past"
    if mode == RegistrationMode.NONE:
        return "none"
    if opens_at and now < opens_at:
        return "not_open"
    closes_at = deadline_end(deadline)
    if (closes_at and now > closes_at) or (last_start and now >= last_start):
        return "closed"
    if mode == RegistrationMode.EXTERNAL:
        return "external"
    if seats_left() == 0:
        return "full"
    return "open"


def fee_rule(mode: str, fee_note: str) -> str:
    """What taking part costs, as a card says it."""
    if mode == RegistrationMode.MEMBERS:
        return "Participation soumise à la cotisation annuelle"
    if mode == RegistrationMode.NONE:
        return fee_note
    return fee_note or "Participation non soumise à cotisation"


def place_label(format: str, *, venue_name: str, venue_town: str) -> str:
    """Where a session takes place, as a card says it."""
    if format == SessionFormat.ONLINE:
        return "En ligne"
    place = ", ".join(part for part in (venue_name, venue_town) if part)
    if format == SessionFormat.HYBRID:
        return f"{place} et en ligne" if place else "Hybride"
    return place


def session_seats_left(*, capacity: int, attendance_mode: str, dates: int, confirmed: int) -> int:
    """Seats left of a session with a capacity: pick-one sessions offer it on each date."""
    dates = dates if attendance_mode == AttendanceMode.ONE_DATE else 1
    return max(capacity * max(dates, 1) - confirmed, 0)


def call_is_past(now: dt.datetime, *, deadline: dt.date | None, first_meeting: dt.date | None):
    dates = [d for d in (deadline, first_meeting) if d]
    return bool(dates) and max(dates) < timezone.localdate(now)


def call_registration_state(
    *,
    now: dt.datetime,
    mode: str,
    opens_at: dt.datetime | None,
    deadline: dt.date | None,
    first_meeting: dt.date | None,
) -> str:
    """A call's state: as a session's, without seats; closed after its first meeting."""
    if call_is_past(now, deadline=deadline, first_meeting=first_meeting):
        return "past"
    if mode == RegistrationMode.NONE:
        return "none"
    if opens_at and now < opens_at:
        return "not_open"
    closes_at = deadline_end(deadline)
    if closes_at and now > closes_at:
        return "closed"
    if first_meeting and timezone.localdate(now) > first_meeting:
        return "closed"
    if mode == RegistrationMode.EXTERNAL:
        return "external"
    return "open"


class CatalogueItemQuerySet(PageQuerySet):
    def refresh_listing_keys(self) -> int:
        """Store the listings' sort keys of these items from their dates, as they are saved now:
        a session's first start and last end, the API's reference date and the catalogue
        page's event day. Publishing calls it (``catalogue.signal_handlers``): a page's dates
        are written after its row, so they cannot be read when the row is saved. Returns the
        number of items updated, in one query for the dates and one per 100 items."""
        items = self
        if self.model is not CatalogueItemPage:
            items = CatalogueItemPage.objects.filter(pk__in=self.values("pk"))
        spans = {
            row["session_id"]: (row["first"], row["last"])
            for row in SessionOccurrence.objects.filter(session_id__in=items.values("pk"))
            .order_by()
            .values("session_id")
            .annotate(first=Min("start"), last=Max("end"))
        }
        rows = items.order_by().values_list(
            "pk",
            "workinggroupcallpage",
            "registration_deadline",
            "workinggroupcallpage__first_meeting",
            "resourcearticlepage__date",
        )
        keys = []
        for pk, call, deadline, first_meeting, article_date in rows:
            first_start, last_end = spans.get(pk, (None, None))
            sort_date, event_day = listing_days(
                first_start=first_start,
                is_call=call is not None,
                deadline=deadline,
                first_meeting=first_meeting,
                article_date=article_date,
            )
            keys.append(
                CatalogueItemPage(
                    pk=pk,
                    first_start=first_start,
                    last_end=last_end,
                    sort_date=sort_date,
                    event_day=event_day,
                )
            )
        return CatalogueItemPage.objects.bulk_update(
            keys, ["first_start", "last_end", "sort_date", "event_day"], batch_size=100
        )

    def _session_path(self):
        return "" if issubclass(self.model, SessionPage) else "sessionpage__"

    def _upcoming_q(self, now):
        today = timezone.localdate(now)
        upcoming = Q(last_end__gte=now)
        if not issubclass(self.model, SessionPage):
            upcoming |= (
                Q(workinggroupcallpage__first_meeting__gte=today)
                | Q(workinggroupcallpage__isnull=False, registration_deadline__gte=today)
                | Q(
                    workinggroupcallpage__isnull=False,
                    workinggroupcallpage__first_meeting__isnull=True,
                    registration_deadline__isnull=True,
                )
            )
        return upcoming

    def upcoming(self, now=None):
        """Items still ahead: sessions not ended, calls whose deadline or first meeting is ahead.

        A call with neither date has no end in sight: it stays ahead, as ``is_past`` says.
        """
        return self.filter(self._upcoming_q(now or timezone.now()))

    def past(self, now=None):
        """Items behind us: sessions whose every occurrence has ended, calls whose date passed."""
        return self.filter(self._past_q(now or timezone.now()))

    def not_past(self, now=None):
        """Items not behind us: sessions not ended or undated, calls ahead, articles."""
        return self.exclude(self._past_q(now or timezone.now()))

    def _past_q(self, now):
        today = timezone.localdate(now)
        past = Q(last_end__lt=now)
        if not issubclass(self.model, SessionPage):
            first_meeting = "workinggroupcallpage__first_meeting"
            call_past = Q(workinggroupcallpage__isnull=False) & (
                Q(**{f"{first_meeting}__lt": today})
                & (Q(registration_deadline__isnull=True) | Q(registration_deadline__lt=today))
                | Q(**{f"{first_meeting}__isnull": True}) & Q(registration_deadline__lt=today)
            )
            past |= call_past
        return past

    def open_for_registration(self, now=None):
        """Items whose registration (or application) can be made now, as their pages say
        (``registration_state``): a session until its first date starts (a pick-one session
        until its last date starts), a call until its first meeting."""
        return self.filter(self._open_q(now or timezone.now()))

    def _open_q(self, now):
        today = timezone.localdate(now)
        prefix = self._session_path()
        # A session opens until its first date starts; a pick-one session until its last.
        later_date = SessionOccurrence.objects.filter(session_id=OuterRef("pk"), start__gt=now)
        session_open = Q(first_start__gt=now) | (
            Q(**{f"{prefix}attendance_mode": AttendanceMode.ONE_DATE}) & Exists(later_date)
        )
        if not issubclass(self.model, SessionPage):
            session_open |= Q(workinggroupcallpage__isnull=False) & (
                Q(workinggroupcallpage__first_meeting__isnull=True)
                | Q(workinggroupcallpage__first_meeting__gte=today)
            )
        return (
            Q(registration_mode__in=RegistrationMode.taking_registrations())
            & (Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
            & (Q(registration_deadline__isnull=True) | Q(registration_deadline__gte=today))
            & session_open
        )

    def for_cards(self):
        return self.order_by("first_start", "pk")

    def with_confirmed_count(self):
        """Annotate ``confirmed_count`` (confirmed registrations; 0 for non-sessions) in one query."""
        confirmed = (
            _registrations()
            .filter(session_id=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
            .order_by()
            .values("session_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(confirmed_count=Coalesce(Subquery(confirmed), 0))


CatalogueItemManager = PageManager.from_queryset(CatalogueItemQuerySet)


# --------------------------------------------------------------------------- pages


class CatalogueIndexPage(Page):
    """A catalogue: lists its sessions, calls and articles with filters."""

    lead = models.TextField("chapô", blank=True)
    body = RichTextField("présentation", blank=True)

    content_panels = Page.content_panels + [FieldPanel("lead"), FieldPanel("body")]
    api_fields = [APIField("lead"), APIField("body")]
    subpage_types = [
        "catalogue.SessionPage",
        "catalogue.WorkingGroupCallPage",
        "catalogue.ResourceArticlePage",
    ]
    search_fields = Page.search_fields + [index.SearchField("lead")]

    # 24 cards fill whole rows at one, two or three columns; three is one row of each preview.
    per_page = 24
    preview_size = 3

    class Meta:
        verbose_name = "catalogue"

    def get_context(self, request, *args, **kwargs):
        """One list is paginated: the past items with « Période : passés », the articles with
        « Type : articles et ressources », else the items ahead; on the first page of the
        latter, a row of the newest articles and one of the latest past items, each with a link
        to its own list, follow them."""
        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None, user=getattr(request, "user", None))
        items = viewable_items(request, CatalogueItemPage.objects.child_of(self))
        filters = {}
        if form.is_valid():
            items, filters = form.apply(items), form.cleaned_data
        now = timezone.now()
        sections = catalogue_sections(items, now=now)
        if filters.get("when") == "past":
            listing = "past"
        elif filters.get("type") == "resource_article":
            listing = "resources"
        else:
            listing = "upcoming"
        # With « Passés » or « Articles et ressources » chosen, the other two lists are empty.
        names = [listing] + (["resources", "past"] if listing == "upcoming" else [])
        summary = section_summary(items, sections, names, now=now)
        upcoming = sections["upcoming"]
        if summary["first_day"] is not None:
            # No item ahead starts earlier: the page is read from the index from there on.
            sections["upcoming"] = upcoming.alias(day=event_day_key()).filter(
                day__gte=summary["first_day"]
            )

        paginator = Paginator(sections[listing].values_list("pk", flat=True), self.per_page)
        paginator.count = summary["counts"][listing]
        page_obj = paginator.get_page(request.GET.get("page"))
        shown = {listing: page_obj.object_list}
        counts = {name: summary["counts"][name] for name in names}
        for name in names[1:]:
            if page_obj.number == 1 and counts[name]:
                shown[name] = sections[name].values_list("pk", flat=True)[: self.preview_size]

        context.update(
            filter_form=form,
            listing=listing,
            cards=load_cards(shown),
            counts=counts,
            result_count=sum(counts.values()),
            paginator=paginator,
            page_obj=page_obj,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        )
        return context


class CatalogueItemPage(HeadlessPreviewMixin, Page):
    """What every catalogue item shares: summary, themes, audiences, contact, registration."""

    lead = models.TextField(
        "chapô", help_text="Résumé en une ou deux phrases, affiché dans les listes et la recherche."
    )
    themes = ParentalManyToManyField(Theme, verbose_name="thèmes", blank=True)
    audiences = ParentalManyToManyField(Audience, verbose_name="publics", blank=True)
    contact = models.ForeignKey(
        Person,
        verbose_name="contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registration_mode = models.CharField(
        "mode d'inscription",
        max_length=20,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_url = models.URLField(
        "lien d'inscription externe", blank=True, help_text="Pour le mode « lien externe »."
    )
    registration_opens_at = models.DateTimeField(
        "ouverture des inscriptions", null=True, blank=True, help_text="Vide : dès la publication."
    )
    registration_deadline = models.DateField(
        "date limite d'inscription",
        null=True,
        blank=True,
        help_text="Les inscriptions restent ouvertes jusqu'à 23 h 59 ce jour-là (heure de Paris).",
    )
    fee_note = models.CharField(
        "conditions tarifaires",
        max_length=255,
        blank=True,
        help_text="Précision sur le coût, par exemple « Gratuit » ou « Repas à la charge des participants ».",
    )

    to_check = models.TextField(
        "à vérifier",
        blank=True,
        help_text="Ce que l'import du programme n'a pas su placer ou a lu avec un doute, avec "
        "l'endroit du document d'où il vient. Reportez chaque élément dans son champ puis videz "
        "ce champ : la page ne peut pas être publiée tant qu'il contient du texte.",
    )
    # The listings' sort keys, stored so that a page of a listing is read from an index
    # whatever the catalogue's size; kept by ``CatalogueItemQuerySet.refresh_listing_keys()``.
    first_start = models.DateTimeField(null=True, editable=False)
    last_end = models.DateTimeField(null=True, editable=False)
    sort_date = models.DateField(
        null=True,
        editable=False,
        help_text="Date de référence de l'API : premier jour d'une session, première réunion "
        "(sinon date limite) d'un appel, date d'un article.",
    )
    event_day = models.DateField(
        null=True,
        editable=False,
        help_text="Jour du catalogue : premier jour d'une session, la première échéance d'un "
        "appel (date limite ou première réunion), date d'un article.",
    )

    objects = CatalogueItemManager()

    is_creatable = False
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.FilterField("registration_mode"),
        index.RelatedFields("themes", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "élément du catalogue"
        verbose_name_plural = "éléments du catalogue"
        # The ascending orders of each listing (see catalogue.queries.ORDERINGS and
        # by_event_day), so that the database reads the first rows of a page from an index;
        # the descending ones, undated items last, are PostgreSQL's own (migration 0006).
        indexes = [
            models.Index(fields=["sort_date", "first_start"], name="catalogue_item_date"),
            models.Index(
                event_day_key(), F("first_start"), F("page_ptr"), name="catalogue_item_day"
            ),
            models.Index(fields=["last_end"], name="catalogue_item_last_end"),
        ]

    @property
    def preview_modes(self):
        """The portal's own page first (the default); a decoupled front end's when one is set."""
        modes = super().preview_modes
        if headless_preview_enabled():
            modes = [*modes, (HEADLESS_MODE, HEADLESS_MODE_LABEL)]
        return modes

    def get_client_root_url(self, request):
        return client_root_url(request) or super().get_client_root_url(request)

    def serve_preview(self, request, mode_name):
        if mode_name == HEADLESS_MODE and headless_preview_enabled():
            # HeadlessPreviewMixin: store the draft as a PagePreview, frame the front end's page.
            return super().serve_preview(request, mode_name)
        return Page.serve_preview(self, request, mode_name)

    @property
    def cotisation_required(self):
        return self.registration_mode == RegistrationMode.MEMBERS

    @property
    def fee_rule(self):
        return fee_rule(self.registration_mode, self.fee_note)

    @property
    def kind_label(self):
        """What the item is, capitalised, for a kicker or a front end: « Appel à manifestation… »."""
        label = str(self._meta.verbose_name)
        return label[:1].upper() + label[1:]

    def clean(self):
        super().clean()
        # A live page is validated on every save, drafts only here: publishing (whatever the
        # path: editor, workflow, scheduled, code) saves the page live and is refused.
        if self.live and self.to_check.strip():
            raise ValidationError({"to_check": TO_CHECK_REFUSAL})

    def registration_closes_at(self):
        """End of the deadline day, Europe/Paris."""
        return deadline_end(self.registration_deadline)


class SessionPage(CatalogueItemPage):
    """A training session, session d'exploration, webconference or workshop."""

    kind = models.CharField(
        "type de session", max_length=20, choices=SessionKind.choices, default=SessionKind.TRAINING
    )
    rationale = RichTextField("pourquoi cette session ?", blank=True)
    objectives = RichTextField("objectifs", blank=True)
    audience_text = RichTextField(
        "une session pour qui ?", blank=True, help_text="Le public visé, en toutes lettres."
    )
    programme = StreamField(ProgrammeBlock(), verbose_name="programme", blank=True)
    # Not « method »: a form control with that name hides the form's own method attribute from
    # the admin's script, and autosave stopped sending its request.
    teaching_method = RichTextField(
        "méthode d'animation", blank=True, help_text="Comment la session se déroule."
    )
    case_study = RichTextField("cas étudié", blank=True)
    notices = StreamField(
        [("notice", NoticeBlock())],
        verbose_name="avis",
        blank=True,
        help_text="Par exemple un changement de format dû à des contraintes sanitaires.",
    )

    attendance_mode = models.CharField(
        "participation aux dates",
        max_length=3,
        choices=AttendanceMode.choices,
        default=AttendanceMode.ALL_DATES,
    )
    format = models.CharField(
        "format", max_length=20, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    venue_name = models.CharField("lieu", max_length=200, blank=True)
    venue_address = models.TextField("adresse du lieu", blank=True)
    venue_town = models.CharField("commune", max_length=100, blank=True)
    meeting_url = models.URLField(
        "lien de connexion",
        blank=True,
        help_text="Communiqué uniquement aux participants confirmés, jamais affiché publiquement.",
    )
    meeting_url_sent_later = models.BooleanField(
        "lien envoyé ultérieurement",
        default=False,
        help_text="Cochez si le lien de connexion sera communiqué plus tard aux participants.",
    )
    capacity = models.PositiveIntegerField(
        "nombre de places",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Le nombre de places doit être d'au moins 1.")],
        help_text="Nombre maximum de participants (par date si l'on choisit une date). "
        "Vide : sans limite.",
    )
    documents = StreamField([("document", DocumentBlock())], verbose_name="documents", blank=True)

    # Public information a Qualiopi-certified body gives on every training (indicator 1).
    prerequisites = RichTextField(
        "prérequis", blank=True, help_text="Écrivez « Aucun prérequis » s'il n'y en a pas."
    )
    assessment = RichTextField(
        "évaluation des acquis",
        blank=True,
        help_text="Comment les participants vérifient ce qu'ils ont appris (quiz, mise en "
        "situation, auto-évaluation…).",
    )
    accessibility = RichTextField(
        "accessibilité aux personnes en situation de handicap",
        blank=True,
        help_text="Accès du lieu, supports adaptés ; le référent handicap est indiqué à côté.",
    )
    price = models.DecimalField(
        "prix (€)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Le prix ne peut pas être négatif.")],
        help_text="Par participant ; 0 pour une session gratuite. Sans objet pour une session "
        "réservée aux adhérents : elle est incluse dans la cotisation.",
    )

    # Satisfaction surveys (indicator 30).
    hot_survey = models.ForeignKey(
        "catalogue.SurveyTemplate",
        verbose_name="enquête à chaud",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Envoyée aux participants présents à la fin de la session.",
    )
    cold_survey = models.ForeignKey(
        "catalogue.SurveyTemplate",
        verbose_name="enquête à froid",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cold_survey_delay_days = models.PositiveSmallIntegerField(
        "délai de l'enquête à froid (jours)",
        null=True,
        blank=True,
        default=COLD_SURVEY_DEFAULT_DAYS,
        validators=[MinValueValidator(1, "Le délai doit être d'au moins un jour.")],
        help_text=f"Nombre de jours après la fin de la session ; vide : {COLD_SURVEY_DEFAULT_DAYS}.",
    )
    trainer_survey = models.ForeignKey(
        "catalogue.SurveyTemplate",
        verbose_name="retour des intervenants",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Envoyé aux intervenants (avec un courriel) à la fin de la session.",
    )

    objects = CatalogueItemManager()
    base_form_class = SessionPageForm
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        TO_CHECK_PANEL,
        FieldPanel("kind"),
        FieldPanel("lead"),
        FieldPanel("notices"),
        FieldPanel("rationale"),
        FieldPanel("objectives"),
        MultiFieldPanel([FieldPanel("audience_text"), FieldPanel("audiences")], heading="Public"),
        FieldPanel("programme"),
        FieldPanel("prerequisites"),
        FieldPanel("teaching_method"),
        FieldPanel("assessment"),
        FieldPanel("case_study"),
        InlinePanel(
            "speakers",
            label="intervenant",
            heading="Intervenants",
            add_label="Ajouter un intervenant",
        ),
        FieldPanel("themes"),
        FieldPanel("documents"),
    ]
    practical_panels = [
        InlinePanel(
            "occurrences",
            label="date",
            heading="Dates",
            add_label="Ajouter une date",
            min_num=1,
            help_text="Chaque créneau, heure de Paris.",
        ),
        FieldPanel("attendance_mode"),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("venue_town"),
                FieldPanel("meeting_url"),
                FieldPanel("meeting_url_sent_later"),
            ],
            heading="Format et lieu",
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_mode"),
                FieldPanel("registration_url"),
                FieldPanel("capacity"),
                FieldRowPanel(
                    [
                        FieldPanel("registration_opens_at", widget=HalfHourDateTimeInput),
                        FieldPanel("registration_deadline"),
                    ]
                ),
                FieldPanel("price"),
                FieldPanel("fee_note"),
            ],
            heading="Inscriptions",
        ),
        FieldPanel("accessibility"),
        FieldPanel("contact"),
    ]
    quality_panels = [
        PublicInformationPanel(heading="Information publique (Qualiopi, indicateur 1)"),
        MultiFieldPanel(
            [
                FieldPanel("hot_survey"),
                FieldRowPanel([FieldPanel("cold_survey"), FieldPanel("cold_survey_delay_days")]),
                FieldPanel("trainer_survey"),
            ],
            heading="Enquêtes de satisfaction",
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Contenu"),
            ObjectList(practical_panels, heading="En pratique"),
            ObjectList(quality_panels, heading="Qualité"),
            ObjectList(Page.promote_panels, heading="Référencement"),
            ObjectList(Page.settings_panels, heading="Paramètres"),
        ]
    )

    search_fields = CatalogueItemPage.search_fields + [
        index.SearchField("rationale"),
        index.SearchField("objectives"),
        index.SearchField("audience_text"),
        index.SearchField("programme"),
        index.SearchField("teaching_method"),
        index.SearchField("case_study"),
        index.FilterField("format"),
        index.FilterField("kind"),
        index.RelatedFields(
            "speakers",
            [
                index.RelatedFields(
                    "person",
                    [
                        index.SearchField("first_name"),
                        index.SearchField("last_name"),
                        index.RelatedFields("organisation", [index.SearchField("name")]),
                    ],
                )
            ],
        ),
    ]

    api_fields = [
        APIField("kind"),
        APIField("lead"),
        APIField("rationale"),
        APIField("objectives"),
        APIField("audience_text"),
        APIField("audiences", serializer=AudienceSerializer(many=True)),
        APIField("programme"),
        APIField("teaching_method"),
        APIField("case_study"),
        APIField("notices"),
        APIField("speakers"),
        APIField("occurrences"),
        APIField("attendance_mode"),
        APIField("format"),
        APIField("venue_name"),
        APIField("venue_address"),
        APIField("venue_town"),
        APIField("capacity"),
        APIField("registration_mode"),
        APIField("registration_url"),
        APIField("registration_opens_at"),
        APIField("registration_deadline"),
        APIField("fee_note"),
        APIField("themes", serializer=ThemeSerializer(many=True)),
        APIField("contact", serializer=ContactSerializer()),
        APIField("documents"),
        APIField("prerequisites"),
        APIField("assessment"),
        APIField("accessibility"),
        APIField("price"),
    ]

    class Meta:
        verbose_name = "session"

    @property
    def kind_label(self):
        return self.get_kind_display()

    def get_context(self, request, *args, **kwargs):
        """The public information computed from the page: duration, access, price, referent."""
        from ..information import access_text, disability_referent, duration_hours, price_label

        context = super().get_context(request, *args, **kwargs)
        context.update(
            duration_hours=duration_hours(self),
            access_text=access_text(self),
            price_label=price_label(self),
            disability_referent=disability_referent(request),
        )
        return context

    @cached_property
    def sorted_occurrences(self):
        return sorted(self.occurrences.all(), key=lambda o: o.start)

    @property
    def starts_at(self):
        occurrences = self.sorted_occurrences
        return occurrences[0].start if occurrences else None

    @property
    def ends_at(self):
        occurrences = self.sorted_occurrences
        return max(o.end for o in occurrences) if occurrences else None

    def is_past(self, now=None):
        ends_at = self.ends_at
        return ends_at is not None and ends_at < (now or timezone.now())

    @cached_property
    def half_days(self):
        """Every half-day of the session, in time order (see ``halfdays``)."""
        return session_half_days(self)

    def half_day(self, key: str):
        """The half-day named ``key`` (``2026-11-27-matin``), or None."""
        return next((h for h in self.half_days if h.key == key), None)

    @property
    def last_registration_start(self):
        """Registration stops when the session starts; a pick-one session takes people for its
        later dates until the last one starts."""
        occurrences = self.sorted_occurrences
        if not occurrences:
            return None
        return occurrences[-1 if self.attendance_mode == AttendanceMode.ONE_DATE else 0].start

    @property
    def is_online(self):
        return self.format in (SessionFormat.ONLINE, SessionFormat.HYBRID)

    @property
    def place_label(self):
        return place_label(self.format, venue_name=self.venue_name, venue_town=self.venue_town)

    @cached_property
    def confirmed_count(self):
        """Confirmed participants; listings set it with ``with_confirmed_count()``."""
        if self.pk is None:  # an unsaved page shown in the admin preview
            return 0
        return self.registrations.confirmed().count()

    def seats_left(self):
        if self.capacity is None:
            return None
        return session_seats_left(
            capacity=self.capacity,
            attendance_mode=self.attendance_mode,
            dates=len(self.sorted_occurrences),
            confirmed=self.confirmed_count,
        )

    def registration_state(self, now=None):
        """One of: past, none, external, not_open, closed, full, open."""
        return session_registration_state(
            now=now or timezone.now(),
            mode=self.registration_mode,
            opens_at=self.registration_opens_at,
            deadline=self.registration_deadline,
            ends_at=self.ends_at,
            last_start=self.last_registration_start,
            seats_left=self.seats_left,
        )


class SessionOccurrence(Orderable):
    """One dated slot of a session, Europe/Paris."""

    session = ParentalKey(SessionPage, related_name="occurrences", on_delete=models.CASCADE)
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    label = models.CharField(
        "précision", max_length=200, blank=True, help_text="Par exemple « 1re webconférence »."
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("start", widget=HalfHourDateTimeInput),
                FieldPanel("end", widget=HalfHourDateTimeInput),
            ]
        ),
        FieldPanel("label"),
    ]
    api_fields = [APIField("start"), APIField("end"), APIField("label")]

    class Meta(Orderable.Meta):
        verbose_name = "date"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="occurrence_ends_after_start"
            )
        ]

    def __str__(self):
        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "La fin doit être postérieure au début."})


class SessionSpeaker(Orderable):
    """A person speaking at a session, with their role in it."""

    session = ParentalKey(SessionPage, related_name="speakers", on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.PROTECT, related_name="session_roles"
    )
    role = models.CharField(
        "rôle", max_length=20, choices=SpeakerRole.choices, default=SpeakerRole.SPEAKER
    )
    note = models.CharField(
        "précision",
        max_length=255,
        blank=True,
        help_text="Par exemple « en présentiel ou à distance ».",
    )

    panels = [FieldRowPanel([FieldPanel("person"), FieldPanel("role")]), FieldPanel("note")]
    api_fields = [
        APIField("person", serializer=PersonSerializer()),
        APIField("role"),
        APIField("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "intervenant"


class WorkingGroupCallPage(CatalogueItemPage):
    """A call for expressions of interest to join a working group (appel à manifestation d'intérêt)."""

    kicker = models.CharField(
        "surtitre",
        max_length=255,
        default="Appel à manifestation d'intérêt",
        help_text="Par exemple « Appel à manifestation d'intérêt pour participer au groupe de "
        "travail régional ».",
    )
    call_date = models.DateField(
        "date de l'appel",
        null=True,
        blank=True,
        help_text="Affichée sous la forme « janvier 2022 ».",
    )
    rationale = RichTextField("pourquoi un groupe de travail ?", blank=True)
    objectives = RichTextField("objectifs du groupe", blank=True)
    why_take_part = RichTextField("pourquoi participer ?", blank=True)
    scope = RichTextField(
        "cadre et articulations",
        blank=True,
        help_text="L'angle retenu et les travaux avec lesquels le groupe s'articule.",
    )
    coordination = models.CharField(
        "animation et coordination", max_length=255, blank=True, help_text="Qui anime le groupe."
    )
    meetings_per_year_min = models.PositiveSmallIntegerField(
        "réunions par an (minimum)", null=True, blank=True
    )
    meetings_per_year_max = models.PositiveSmallIntegerField(
        "réunions par an (maximum)", null=True, blank=True
    )
    how_it_works = RichTextField("fonctionnement du groupe", blank=True)
    meeting_place = models.CharField("lieu des réunions", max_length=255, blank=True)
    first_meeting = models.DateField("première réunion", null=True, blank=True)
    first_meeting_note = models.CharField(
        "précision sur la première réunion",
        max_length=255,
        blank=True,
        help_text="Par exemple « en présentiel ou distanciel selon les conditions sanitaires ».",
    )
    profiles = StreamField(
        [("profile", blocks.CharBlock(label="profil"))],
        verbose_name="profils attendus",
        blank=True,
    )
    selection_note = models.CharField(
        "modalités de sélection",
        max_length=255,
        blank=True,
        default="Les participants seront sélectionnés sur la base de leur réponse.",
    )
    related_links = StreamField(
        [("link", LinkBlock())], verbose_name="pour en savoir plus", blank=True
    )

    objects = CatalogueItemManager()
    base_form_class = WorkingGroupCallPageForm
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        TO_CHECK_PANEL,
        FieldPanel("kicker"),
        FieldPanel("call_date"),
        FieldPanel("lead"),
        FieldPanel("rationale"),
        FieldPanel("objectives"),
        FieldPanel("why_take_part"),
        FieldPanel("scope"),
        FieldPanel("themes"),
        FieldPanel("related_links"),
    ]
    group_panels = [
        FieldPanel("coordination"),
        FieldRowPanel([FieldPanel("meetings_per_year_min"), FieldPanel("meetings_per_year_max")]),
        FieldPanel("how_it_works"),
        FieldPanel("meeting_place"),
        FieldRowPanel([FieldPanel("first_meeting"), FieldPanel("first_meeting_note")]),
    ]
    application_panels = [
        MultiFieldPanel(
            [FieldPanel("profiles"), FieldPanel("audiences")], heading="Qui peut candidater"
        ),
        InlinePanel(
            "questions",
            label="question",
            heading="Questions posées aux candidats",
            add_label="Ajouter une question",
        ),
        FieldPanel("registration_mode"),
        FieldPanel("registration_url"),
        FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_deadline")]),
        FieldPanel("selection_note"),
        FieldPanel("fee_note"),
        FieldPanel("contact"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Contenu"),
            ObjectList(group_panels, heading="Fonctionnement"),
            ObjectList(application_panels, heading="Candidatures"),
            ObjectList(Page.promote_panels, heading="Référencement"),
            ObjectList(Page.settings_panels, heading="Paramètres"),
        ]
    )

    search_fields = CatalogueItemPage.search_fields + [
        index.SearchField("rationale"),
        index.SearchField("objectives"),
        index.SearchField("why_take_part"),
        index.SearchField("how_it_works"),
        index.SearchField("profiles"),
    ]
    api_fields = [
        APIField("kicker"),
        APIField("call_date"),
        APIField("lead"),
        APIField("rationale"),
        APIField("objectives"),
        APIField("why_take_part"),
        APIField("scope"),
        APIField("coordination"),
        APIField("meetings_per_year_min"),
        APIField("meetings_per_year_max"),
        APIField("how_it_works"),
        APIField("meeting_place"),
        APIField("first_meeting"),
        APIField("first_meeting_note"),
        APIField("profiles"),
        APIField("audiences", serializer=AudienceSerializer(many=True)),
        APIField("questions"),
        APIField("registration_mode"),
        APIField("registration_deadline"),
        APIField("selection_note"),
        APIField("fee_note"),
        APIField("themes", serializer=ThemeSerializer(many=True)),
        APIField("contact", serializer=ContactSerializer()),
        APIField("related_links"),
    ]

    class Meta:
        verbose_name = "appel à manifestation d'intérêt"
        verbose_name_plural = "appels à manifestation d'intérêt"

    def is_past(self, now=None):
        return call_is_past(
            now or timezone.now(),
            deadline=self.registration_deadline,
            first_meeting=self.first_meeting,
        )

    def registration_state(self, now=None):
        return call_registration_state(
            now=now or timezone.now(),
            mode=self.registration_mode,
            opens_at=self.registration_opens_at,
            deadline=self.registration_deadline,
            first_meeting=self.first_meeting,
        )


class ApplicationQuestion(Orderable):
    """A question applicants answer when applying to a working-group call."""

    call = ParentalKey(WorkingGroupCallPage, related_name="questions", on_delete=models.CASCADE)
    label = models.CharField("question", max_length=255)
    help_text = models.CharField("aide", max_length=255, blank=True)
    kind = models.CharField(
        "type de réponse",
        max_length=20,
        choices=QuestionKind.choices,
        default=QuestionKind.LONG_TEXT,
    )
    choices = models.TextField(
        "choix proposés", blank=True, help_text="Un choix par ligne, pour les questions à choix."
    )
    required = models.BooleanField("réponse obligatoire", default=True)

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("choices"),
    ]
    api_fields = [
        APIField("label"),
        APIField("help_text"),
        APIField("kind"),
        APIField("choice_list"),
        APIField("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "question"

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == QuestionKind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": "Indiquez au moins deux choix, un par ligne."})


class ResourceArticlePage(CatalogueItemPage):
    """An article or resource: survey results, a method sheet, a report."""

    date = models.DateField("date de publication", default=dt.date.today)
    author = models.ForeignKey(
        Person,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    author_name = models.CharField(
        "ou nom de l'auteur",
        max_length=200,
        blank=True,
        help_text="Si l'auteur n'est pas une fiche.",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name="contenu", blank=True)
    documents = StreamField([("document", DocumentBlock())], verbose_name="documents", blank=True)

    objects = CatalogueItemManager()
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("author"), FieldPanel("author_name")]),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("documents"),
        FieldPanel("themes"),
        FieldPanel("audiences"),
        InlinePanel(
            "related_sessions",
            label="session liée",
            heading="Sessions liées",
            add_label="Ajouter une session liée",
        ),
        FieldPanel("contact"),
    ]
    search_fields = CatalogueItemPage.search_fields + [
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    api_fields = [
        APIField("date"),
        APIField("author", serializer=PersonSerializer()),
        APIField("author_name"),
        APIField("lead"),
        APIField("body"),
        APIField("documents"),
        APIField("themes", serializer=ThemeSerializer(many=True)),
        APIField("audiences", serializer=AudienceSerializer(many=True)),
        APIField("related_sessions", serializer=RelatedSessionsField()),
        APIField("contact", serializer=ContactSerializer()),
    ]

    class Meta:
        verbose_name = "article ou ressource"
        verbose_name_plural = "articles et ressources"

    @property
    def author_label(self):
        return self.author.full_name if self.author else self.author_name

    def get_context(self, request, *args, **kwargs):
        """The related sessions the reader may view, in the editor's order."""
        context = super().get_context(request, *args, **kwargs)
        # In memory, not a query on the links: a preview's links are not saved yet.
        order = [link.session_id for link in self.related_sessions.all()]
        sessions = viewable(SessionPage.objects.live().filter(pk__in=order), request)
        by_pk = {session.pk: session for session in sessions.prefetch_related("occurrences")}
        context["related_sessions"] = [by_pk[pk] for pk in order if pk in by_pk]
        return context

    def is_past(self, now=None):
        return False

    def registration_state(self, now=None):
        return "none"


class RelatedSession(Orderable):
    article = ParentalKey(
        ResourceArticlePage, related_name="related_sessions", on_delete=models.CASCADE
    )
    session = models.ForeignKey(
        SessionPage, verbose_name="session", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("session")]
    api_fields = [APIField("session_id")]

    class Meta(Orderable.Meta):
        verbose_name = "session liée"


# --------------------------------------------------------------------------- reads for listings


def _registrations():
    """Registrations' manager: their module imports this one, so it is looked up, not imported."""
    return apps.get_model("catalogue", "Registration").objects


def viewable_items(request: HttpRequest | None, queryset: QuerySet | None = None) -> QuerySet:
    """Live catalogue items the person making ``request`` may view (None: anyone)."""
    queryset = CatalogueItemPage.objects.all() if queryset is None else queryset
    return viewable(queryset.live(), request)


def public_items(queryset: QuerySet | None = None) -> QuerySet:
    """Live catalogue items anyone may view (no view restriction)."""
    return viewable_items(None, queryset)


def listing_days(
    *,
    first_start: dt.datetime | None,
    is_call: bool,
    deadline: dt.date | None,
    first_meeting: dt.date | None,
    article_date: dt.date | None,
) -> tuple[dt.date | None, dt.date | None]:
    """An item's ``sort_date`` (the API's reference date) and ``event_day`` (the catalogue
    page's): a session's first day in Paris for both; for a call, its first meeting (else its
    deadline) and the earlier of the two (what a visitor must act on first); an article's date."""
    if first_start is not None:
        day = timezone.localdate(first_start)
        return day, day
    if is_call:
        days = [d for d in (deadline, first_meeting) if d]
        return first_meeting or deadline, min(days, default=None)
    return article_date, article_date


def by_event_day(queryset: QuerySet, *, latest_first: bool = False) -> QuerySet:
    """Order items by their event day, then start time, then id; undated items last.

    Ties end on the id, never on the title, so SQLite and PostgreSQL (whose collations sort
    accents and capitals differently) give the same order.
    """
    if latest_first:
        return queryset.order_by(
            F("event_day").desc(nulls_last=True), F("first_start").desc(nulls_last=True), "-pk"
        )
    return queryset.order_by(event_day_key().asc(), F("first_start").asc(nulls_last=True), "pk")


def section_summary(
    items: QuerySet, sections: dict[str, QuerySet], names: list[str], *, now
) -> dict:
    """The counts of the catalogue page's ``sections`` named, and the first event day of the
    upcoming items (None when there is none), read once and kept in the shared cache.

    They change with the content (the cache's version), with the items and filters asked (the
    SQL of ``items``, which holds the viewer's view restrictions), with the day (calls pass at
    midnight) and when the next session ends (it moves from the upcoming list to the past one):
    the key holds the end of the soonest session still on, found by one read of an index.
    """
    next_end = (
        CatalogueItemPage.objects.filter(last_end__gte=now)
        .order_by("last_end")
        .values_list("last_end", flat=True)
        .first()
    )
    parts = (str(items.query), tuple(names), timezone.localdate(now), next_end)

    def compute() -> dict:
        first_day = sections["upcoming"].aggregate(day=Min("event_day"))["day"]
        return {"counts": {name: sections[name].count() for name in names}, "first_day": first_day}

    return cached_value("catalogue-page", parts, compute, timeout=24 * 3600)


def catalogue_sections(queryset: QuerySet, *, now=None) -> dict[str, QuerySet]:
    """Split items into the catalogue page's sections, each in reading order: ``upcoming``
    (sessions and calls not over, soonest first), ``resources`` (articles, newest first) and
    ``past`` (sessions and calls over, latest first). Every item falls in exactly one."""
    return {
        "upcoming": by_event_day(queryset.not_type(ResourceArticlePage).not_past(now)),
        "resources": by_event_day(queryset.type(ResourceArticlePage), latest_first=True),
        # A past item's day is today at the latest: the latest-first index is read from there.
        "past": by_event_day(
            queryset.past(now).filter(event_day__lte=timezone.localdate(now)), latest_first=True
        ),
    }


def prefetch_cards(items: Iterable[CatalogueItemPage]) -> list[CatalogueItemPage]:
    """The items as a list, with session dates, seats and authors fetched once for all cards."""
    items = list(items)
    sessions = [item for item in items if isinstance(item, SessionPage)]
    prefetch_related_objects(sessions, "occurrences")
    prefetch_related_objects([i for i in items if isinstance(i, ResourceArticlePage)], "author")
    uncounted = [s for s in sessions if "confirmed_count" not in s.__dict__]
    if uncounted:
        counts = dict(
            _registrations()
            .confirmed()
            .filter(session__in=uncounted)
            .values_list("session_id")
            .annotate(n=Count("pk"))
        )
        for session in uncounted:
            # Fills the cached property, so seats_left() asks no more queries.
            session.confirmed_count = counts.get(session.pk, 0)
    return items


def load_cards(listings: dict[str, Iterable[int]]) -> dict[str, list[CatalogueItemPage]]:
    """The specific pages of several lists of ids, in their order, ready for their cards.

    The lists are fetched together: the cost depends on the page types present, not on how
    many items or lists there are.
    """
    ids = {name: list(pks) for name, pks in listings.items()}
    every_id = [pk for pks in ids.values() for pk in pks]
    pages = CatalogueItemPage.objects.filter(pk__in=every_id).specific(defer=False)
    by_pk = {page.pk: page for page in prefetch_cards(pages)}
    return {name: [by_pk[pk] for pk in pks if pk in by_pk] for name, pks in ids.items()}
