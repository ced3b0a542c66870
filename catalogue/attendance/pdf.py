"""Sign-in sheets (feuilles d'émargement) and certificates of completion as PDF, in the layout
of the membership receipts."""

from decimal import Decimal

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from membership.pdf import (
    BODY,
    HEADING,
    SMALL,
    TITLE,
    _Build,
    _date,
    _document,
    _identity_block,
    _table,
    _text,
)

from ..models import Certificate, HalfDay, Registration, SessionPage, Signature
from . import services


def hours_label(hours: Decimal) -> str:
    """« 7 h 30 » for 7.5 hours."""
    minutes = int((hours * 60).quantize(Decimal("1")))
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def _signed_label(signature: Signature) -> str:
    at = timezone.localtime(signature.signed_at)
    if signature.method == "paper":
        return f"signé sur papier (saisi le {at:%d/%m/%Y} à {at:%H:%M})"
    how = "par code QR" if signature.method == "qr" else "en ligne"
    return f"signé {how} le {at:%d/%m/%Y} à {at:%H:%M}"


def _grid(rows: list[list], widths: list[float], height: float) -> Table:
    table = Table(rows, colWidths=widths, rowHeights=[None] + [height] * (len(rows) - 1))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def sign_in_sheet_pdf(session: SessionPage, half_day: HalfDay, *, identity) -> bytes:
    """One half-day's sheet: a line per confirmed participant, a box per trainer; signatures
    already given online are printed in their box."""
    title = "Feuille d'émargement"
    build = _Build(f"{title} — {session.title} — {half_day.label}", identity.name)
    story = build.story
    story += _identity_block(identity)
    story += [Spacer(1, 8 * mm), Paragraph(_text(title), TITLE), Spacer(1, 2 * mm)]
    trainers = services.trainers(session)
    rows = [
        ("Action de formation", session.title),
        ("Date et demi-journée", half_day.label),
        ("Lieu", session.place_label or "—"),
        ("Formateur(s)", ", ".join(p.full_name for p in trainers) or "—"),
    ]
    story += [_table(rows), Spacer(1, 6 * mm), Paragraph("Participants", HEADING)]
    signatures = {
        s.registration_id: s
        for s in Signature.objects.filter(session=session)
        .effective()
        .participants()
        .for_half_day(half_day)
    }
    registrations = [
        r
        for r in Registration.objects.confirmed()
        .filter(session=session)
        .select_related("user", "user__member_profile", "occurrence")
        if half_day.key in {h.key for h in r.half_days}
    ]
    registrations.sort(key=lambda r: services.person_name(r.user).lower())
    header = ["Nom", "Structure", "Signature"]
    lines = [[Paragraph(f"<b>{label}</b>", BODY) for label in header]]
    for registration in registrations:
        signature = signatures.get(registration.pk)
        name = signature.signer_name if signature else services.person_name(registration.user)
        lines.append(
            [
                Paragraph(_text(name), BODY),
                Paragraph(_text(registration.organisation), SMALL),
                Paragraph(_text(_signed_label(signature)), SMALL) if signature else "",
            ]
        )
    if len(lines) == 1:
        lines.append([Paragraph("Aucun participant confirmé.", BODY), "", ""])
    story += [_grid(lines, [60 * mm, 50 * mm, 60 * mm], 14 * mm), Spacer(1, 6 * mm)]
    story.append(Paragraph("Formateur(s)", HEADING))
    countersigned = list(
        Signature.objects.filter(session=session).effective().trainers().for_half_day(half_day)
    )
    boxes = [[Paragraph("<b>Nom</b>", BODY), Paragraph("<b>Signature</b>", BODY)]]
    for person in trainers:
        boxes.append([Paragraph(_text(person.full_name), BODY), ""])
    for signature in countersigned:
        boxes.append(
            [
                Paragraph(_text(signature.signer_name), BODY),
                Paragraph(_text(_signed_label(signature)), SMALL),
            ]
        )
    if len(boxes) == 1:
        boxes.append(["", ""])
    story += [_grid(boxes, [80 * mm, 90 * mm], 18 * mm), Spacer(1, 6 * mm)]
    story.append(
        Paragraph(
            _text(
                "Émargement par demi-journée (article R6332-26 du Code du travail). Une signature "
                "en ligne est horodatée et liée au compte de la personne."
            ),
            SMALL,
        )
    )
    return _document(build)


def certificate_pdf(certificate: Certificate, *, identity) -> bytes:
    """The certificate of completion, with the fields of the Ministry of Labour's model."""
    title = "Certificat de réalisation"
    build = _Build(f"{title} n° {certificate.display_number}", identity.name)
    story = build.story
    story += _identity_block(identity)
    story += [Spacer(1, 10 * mm), Paragraph(_text(title), TITLE), Spacer(1, 2 * mm)]
    story.append(Paragraph(_text(f"N° {certificate.display_number}"), BODY))
    body = (
        f"Je soussigné·e, représentant·e légal·e de {identity.name}"
        + (f" (SIRET {identity.siret})" if identity.siret else "")
        + ", organisme dispensateur de l'action, atteste que :"
    )
    story += [Spacer(1, 6 * mm), Paragraph(_text(body), BODY), Spacer(1, 4 * mm)]
    dates = (
        f"le {_date(certificate.first_day)}"
        if certificate.first_day == certificate.last_day
        else f"du {_date(certificate.first_day)} au {_date(certificate.last_day)}"
    )
    rows = [
        ("Bénéficiaire", certificate.participant_name),
        *(
            [("Structure", certificate.participant_organisation)]
            if certificate.participant_organisation
            else []
        ),
        ("Intitulé de l'action", certificate.session_title),
        ("Nature de l'action", certificate.nature),
        ("Dates", dates),
        (
            "Durée suivie",
            f"{hours_label(certificate.hours_attended)} sur {hours_label(certificate.hours_planned)}"
            f" prévues ({certificate.half_days_attended} demi-journée(s) sur "
            f"{certificate.half_days_planned})",
        ),
    ]
    story += [_table(rows), Spacer(1, 8 * mm)]
    story.append(
        Paragraph(
            _text(
                "a suivi cette action, l'assiduité étant établie par les feuilles d'émargement "
                "signées par demi-journée. Sans préjudice des délais imposés par les règles "
                "fiscales, comptables ou commerciales, je m'engage à conserver l'ensemble des "
                "pièces justificatives qui ont permis d'établir le présent certificat."
            ),
            BODY,
        )
    )
    story += [
        Spacer(1, 8 * mm),
        Paragraph(_text(f"Fait le {_date(certificate.issued_at)}, pour {identity.name}."), BODY),
        Spacer(1, 12 * mm),
        Paragraph(
            _text(
                f"Document numéroté dans la série {certificate.series}, sans rupture ni "
                "réutilisation."
            ),
            SMALL,
        ),
    ]
    return _document(build)
