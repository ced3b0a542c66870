"""StreamField blocks of the catalogue: programmes, notices, links, article bodies."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

LIST_FEATURES = ["bold", "italic", "ul", "ol", "link", "document-link"]
TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ul", "ol", "link", "document-link", "blockquote"]


class ProgrammeSectionBlock(blocks.StructBlock):
    """A titled part of a programme, optionally timed, whose body may hold nested lists."""

    title = blocks.CharBlock(label="titre", help_text="Par exemple « De quoi parlons-nous ? »")
    start_time = blocks.TimeBlock(label="début", required=False)
    end_time = blocks.TimeBlock(label="fin", required=False)
    body = blocks.RichTextBlock(
        label="contenu",
        features=LIST_FEATURES,
        required=False,
        help_text="Les listes peuvent être imbriquées (touche Tab dans une liste).",
    )

    class Meta:
        icon = "list-ul"
        label = "partie du programme"
        template = "catalogue/blocks/programme_section_block.html"


class HalfDayBlock(blocks.StructBlock):
    """A morning, afternoon or evening of a day, with its hours and its parts."""

    period = blocks.ChoiceBlock(
        label="demi-journée",
        choices=[("matin", "Matin"), ("apres-midi", "Après-midi"), ("soiree", "Soirée")],
    )
    start_time = blocks.TimeBlock(label="début", required=False)
    end_time = blocks.TimeBlock(label="fin", required=False)
    sections = blocks.ListBlock(ProgrammeSectionBlock(), label="parties")

    class Meta:
        icon = "time"
        label = "demi-journée"
        template = "catalogue/blocks/half_day_block.html"


class DayBlock(blocks.StructBlock):
    """One day of a multi-day programme."""

    title = blocks.CharBlock(label="titre", help_text="Par exemple « Jour 1 »")
    date = blocks.DateBlock(label="date", required=False)
    half_days = blocks.ListBlock(HalfDayBlock(), label="demi-journées")

    class Meta:
        icon = "date"
        label = "journée"
        template = "catalogue/blocks/day_block.html"


class ProgrammeBlock(blocks.StreamBlock):
    section = ProgrammeSectionBlock()
    day = DayBlock()
    paragraph = blocks.RichTextBlock(label="paragraphe", features=LIST_FEATURES)

    class Meta:
        label = "programme"


class NoticeBlock(blocks.StructBlock):
    """A notice shown prominently on the page, e.g. a change of format."""

    level = blocks.ChoiceBlock(
        label="niveau",
        choices=[("info", "Information"), ("warning", "Avertissement")],
        default="info",
    )
    text = blocks.TextBlock(label="texte")

    class Meta:
        icon = "warning"
        label = "avis"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="intitulé")
    url = blocks.URLBlock(label="adresse", required=False)
    page = blocks.PageChooserBlock(label="ou page du site", required=False)
    description = blocks.CharBlock(label="précision", required=False)

    class Meta:
        icon = "link"
        label = "lien"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("url") and not value.get("page"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": blocks.BlockValidationError("Indiquez une adresse ou une page.")
                }
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="document")
    title = blocks.CharBlock(label="intitulé", required=False)

    class Meta:
        icon = "doc-full"
        label = "document"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="citation")
    source = blocks.CharBlock(label="source", required=False)

    class Meta:
        icon = "openquote"
        label = "citation"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="intertitre", form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(label="paragraphe", features=TEXT_FEATURES)
    image = ImageChooserBlock(label="image")
    quote = QuoteBlock()
    document = DocumentBlock()

    class Meta:
        label = "contenu"
