"""The French-aware mapper: an ``Outline`` becomes the fields of a session or a call.

Sections are found by their words (« Pourquoi… », « … pour qui ? », « En pratique »…) on a line
of their own, not by exact strings; inside them, facts are read from French phrasing. What
cannot be placed goes to ``Draft.to_check`` with where it came from, never dropped.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .french import (
    EMAIL,
    MONTH_YEAR,
    MONTHS,
    PHONE,
    URL,
    capitalise,
    find_dates,
    find_ranges,
    fold,
    looks_like_name,
    phone_doubt,
    sentence_case,
    split_name,
)
from .outline import Line, Outline

PARIS = ZoneInfo("Europe/Paris")

SESSION, CALL = "session", "call"

SECTIONS = [
    ("why_take_part", r"^pourquoi (participer|candidater|rejoindre)"),
    ("rationale", r"^pourquoi (cette|ce|cet|un|une|la|le|les)\b|^(contexte|enjeux)$"),
    ("audience", r"pour qui\b|^publics?( vises| concernes)?$|^a qui s'adresse"),
    ("objectives", r"^(les )?objectifs?\b"),
    ("programme", r"^(le )?(programme|deroule|deroulement|contenu)( de la session| detaille)?$"),
    (
        "method",
        r"^(l'animation|methodes?( d'animation| pedagogiques?)?|pedagogie|modalites pedagogiques)$",
    ),
    ("case_study", r"^(le )?(cas etudie|etude de cas|cas pratique)s?$"),
    (
        "speakers",
        r"^(les )?(intervenant|intervenante|formateur|formatrice|animateur|animatrice)s?$|^avec la participation",
    ),
    ("practical", r"^(en pratique|infos? pratiques?|informations pratiques|modalites pratiques)$"),
    ("how_it_works", r"^comment .*fonctionn|^fonctionnement"),
    ("apply", r"s'inscrire|candidat|^qui peut|^comment participer|^modalites d'inscription"),
    ("contact", r"^(pour en savoir plus|contacts?|renseignements|pour tout renseignement)$"),
]
ROLE_LABEL = re.compile(
    r"^(animation|animateurs?|animatrices?|contributions?|contributeurs?|temoignages?|"
    r"interventions?|intervenants?)$"
)
KINDS = [
    ("exploration", r"^session d'exploration"),
    ("webconference", r"^webconferences?$"),
    ("workshop_2d", r"^atelier de deux jours|^atelier sur deux jours"),
    ("workshop_1d", r"^atelier( d'une journee)?$"),
    ("meeting", r"^rencontres?$"),
    ("training", r"^formations?$"),
]
NOTICE = re.compile(
    r"\b(aura lieu|se tiendra|se deroulera)\s+(sous forme|en ligne|a distance)|\b(reportee?|annulee?)\b"
)
METHOD = re.compile(
    r"privilegiera|a partir de l'expose|a partir des experiences|apports d'outils|alternera|"
    r"alternance (de|d'|entre)|methodes? d'animation|pedagogi"
)
CASE_STUDY = re.compile(
    r"decryptage de la dynamique|etude de cas|cas concret|cas pratique|a travers l'exemple"
)
SCOPE = re.compile(r"s'inscrit|sous l'angle|en complement|articul")
DAY = re.compile(
    r"^(?:(\d)\s*(?:ere|er|re|e|eme|nde|nd)?\s+journee|journee\s*(\d)|jour\s*(\d))\b|"
    r"^(premiere|deuxieme|seconde|troisieme) journee"
)
HALF_DAY = re.compile(r"^(matinee|matin|apres-midi|apres midi|soiree|soir)\b")
ONLINE = re.compile(r"webconference|en ligne|visio|a distance|distanciel|zoom|teams")
IN_PERSON = re.compile(r"presentiel|en salle")
ROLES = {"anim": "animation", "contrib": "contribution", "temoi": "testimony"}


@dataclass
class PersonSpec:
    first_name: str
    last_name: str
    job_title: str = ""
    organisation: str = ""
    organisation_description: str = ""
    email: str = ""
    phone: str = ""

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Draft:
    """What the document says, field by field, before any row is written."""

    page_type: str
    fields: dict = field(default_factory=dict)
    occurrences: list = field(default_factory=list)  # (start, end) aware datetimes
    speakers: list = field(default_factory=list)  # (PersonSpec, role)
    contact: PersonSpec | None = None
    audience_words: str = ""
    to_check: list[str] = field(default_factory=list)


def section_of(line: Line) -> str | None:
    if line.is_item or len(line.text) > 90:
        return None
    text = fold(line.text).strip(" →>-–•*:?!").strip()
    for key, pattern in SECTIONS:
        if re.search(pattern, text):
            return key
    return None


def heading_like(line: Line) -> bool:
    """A line that titles what follows: a heading, or short, of its own, not a sentence."""
    if line.kind == "heading":
        return True
    if line.is_item or len(line.text) > 110:
        return False
    text = line.text.strip()
    return not (text.endswith((".", ":", ";", ",")) or re.search(r"[.!?] \w", text))


def strip_marker(text: str) -> str:
    return re.sub(r"^[→>➜➔▶►]\s*", "", text).strip()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÝÉ«])", text.strip()) if s]


def list_html(items: list[tuple[int, str]]) -> str:
    """Nested <ul> from (depth, html) pairs; a depth may rise by one level at a time."""
    out, open_depth = [], -1
    for depth, markup in items:
        depth = min(depth, open_depth + 1)
        if depth > open_depth:
            out.append("<ul>")
            open_depth = depth
        else:
            out.append("</li>")
            while open_depth > depth:
                out.append("</ul></li>")
                open_depth -= 1
        out.append(f"<li>{markup}")
    if items:
        out.append("</li>")
        while open_depth > 0:
            out.append("</ul></li>")
            open_depth -= 1
        out.append("</ul>")
    return "".join(out)


def render(lines: list[Line]) -> str:
    """Rich text of lines: paragraphs, headings and nested lists as the document had them."""
    parts, items = [], []
    for line in lines:
        if line.is_item:
            items.append((line.level, strip_marker_html(line.html)))
            continue
        if items:
            parts.append(list_html(items))
            items = []
        tag = "h3" if line.kind == "heading" else "p"
        parts.append(f"<{tag}>{strip_marker_html(line.html)}</{tag}>")
    if items:
        parts.append(list_html(items))
    return "".join(parts)


def strip_marker_html(markup: str) -> str:
    return re.sub(r"^(<b>)?[→>➜➔▶►]\s*", r"\1", markup)


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


class Mapper:
    def __init__(self, outline: Outline, *, page_type: str | None = None, today: dt.date):
        self.outline = outline
        self.today = today
        self.sections: list[tuple[str | None, Line | None, list[Line]]] = []
        self._split()
        self.page_type = page_type or self.guess_type()
        self.draft = Draft(self.page_type)

    # ------------------------------------------------------------------ structure

    def _split(self):
        header: list[Line] = []
        current = None
        for line in self.outline.lines:
            key = section_of(line)
            if key and not (
                current
                and current[0] == "speakers"
                and ROLE_LABEL.match(fold(line.text).strip(" :"))
            ):
                current = (key, line, [])
                self.sections.append(current)
            elif current is not None and self.ends_section(current[1], line):
                current = (None, line, [])
                self.sections.append(current)
            elif current is None:
                header.append(line)
            else:
                current[2].append(line)
        self.header = header

    @staticmethod
    def ends_section(heading: Line, line: Line) -> bool:
        """A heading styled like the section's own, and not a day of the programme, starts a
        section the mapper does not know (its text then goes to « À vérifier »)."""
        if heading.kind != "heading" or line.kind != "heading" or line.level > heading.level:
            return False
        folded = fold(strip_marker(line.text)).strip()
        return not (DAY.match(folded) or HALF_DAY.match(folded))

    def guess_type(self) -> str:
        text = fold(" ".join(line.text for line in self.outline.lines[:6]))
        keys = {key for key, _, _ in self.sections}
        if re.search(r"appel a (manifestation|candidature|participation)", text) or (
            keys & {"why_take_part", "how_it_works"}
        ):
            return CALL
        return SESSION

    def doubt(self, line: Line | None, text: str, reason: str, heading: Line | None = None):
        where = []
        if heading is not None:
            where.append(f"partie « {heading.text.strip(' :')} »")
        if line is not None and line.source:
            where.append(line.source)
        place = f" ({', '.join(where)})" if where else ""
        piece = f"« {text} »{place} : {reason}"
        if piece not in self.draft.to_check:
            self.draft.to_check.append(piece)

    def unplaced(self, line: Line, heading: Line | None = None):
        self.doubt(line, line.text, "pas de champ trouvé pour ce texte", heading)

    # ------------------------------------------------------------------ entry point

    def run(self) -> Draft:
        self.read_header()
        handlers = self.call_handlers() if self.page_type == CALL else self.session_handlers()
        for key, heading, lines in self.sections:
            handler = handlers.get(key)
            if handler is None:
                for line in [heading, *lines]:
                    self.unplaced(line, heading)
                continue
            handler(heading, lines)
        self.finish()
        return self.draft

    def read_header(self):
        fields = self.draft.fields
        title_lines, kicker = [], []
        for line in self.header:
            text = fold(line.text).strip()
            if self.page_type == CALL and re.match(r"appel a ", text):
                kicker.append(line.text)
                continue
            if self.page_type == CALL and MONTH_YEAR.match(text):
                month, year = MONTH_YEAR.match(text).groups()
                fields["call_date"] = dt.date(int(year), MONTHS[month], 1)
                continue
            kind = next((k for k, pattern in KINDS if re.match(pattern, text)), None)
            if kind and self.page_type == SESSION and "kind" not in fields:
                fields["kind"] = kind
                continue
            title_lines.append(line)
        if kicker:
            fields["kicker"] = " ".join(kicker)
        if title_lines:
            fields["title"] = sentence_case(strip_marker(title_lines[0].text))
            for line in title_lines[1:]:
                self.unplaced(line)
        else:
            stem = self.outline.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            fields["title"] = capitalise(re.sub(r"[_-]+", " ", stem)) or "Programme importé"
            self.doubt(
                None,
                fields["title"],
                "le document ne donne pas de titre ; celui-ci reprend le nom du fichier",
            )

    # ------------------------------------------------------------------ shared pieces

    def pull_paragraphs(self, lines: list[Line]) -> list[Line]:
        """Take out of a session's section the paragraphs that describe its method or its case
        study, and the sentences that announce a change (notices)."""
        if self.page_type != SESSION:
            return lines
        kept = []
        for line in lines:
            folded = fold(line.text)
            if heading_like(line) and len(line.text) < 80:
                kept.append(line)  # a title such as « Étude de cas en sous-groupes »
                continue
            if line.kind == "paragraph" and CASE_STUDY.search(folded):
                self.draft.fields["case_study"] = self.draft.fields.get("case_study", "") + render(
                    [line]
                )
                continue
            if line.kind == "paragraph" and METHOD.search(folded):
                self.draft.fields["teaching_method"] = self.draft.fields.get(
                    "teaching_method", ""
                ) + render([line])
                continue
            if line.kind == "paragraph" and NOTICE.search(folded):
                parts = sentences(line.text)
                notices = [s for s in parts if NOTICE.search(fold(s))]
                rest = [s for s in parts if s not in notices]
                for text in notices:
                    self.draft.fields.setdefault("notices", []).append(
                        {"type": "notice", "value": {"level": "warning", "text": text}}
                    )
                if rest:
                    kept.append(
                        Line(
                            " ".join(rest),
                            html.escape(" ".join(rest), quote=False),
                            source=line.source,
                        )
                    )
                continue
            kept.append(line)
        return kept

    def rich(self, name: str):
        def handler(heading, lines):
            lines = self.pull_paragraphs(lines)
            if lines:
                self.draft.fields[name] = self.draft.fields.get(name, "") + render(lines)

        return handler

    def parse_person(self, text: str, line: Line, heading: Line | None) -> list[PersonSpec]:
        """« Nom de Structure, présentation », « Nom, fonction, Structure », « A et B de S »."""
        text = re.sub(r"^(contacts?|avec)\s*:?\s*", "", text.strip(), flags=re.IGNORECASE)
        emails = EMAIL.findall(text)
        phones = PHONE.findall(text)
        for found in emails + phones:
            text = text.replace(found, "")
        parts = [p.strip(" .") for p in re.split(r",|\s[-–]\s", text) if p.strip(" .")]
        if not parts:
            return []
        head, rest = parts[0], parts[1:]
        organisation, description = "", ""
        named = re.match(r"^(.+?)\s+(?:de|du|d'|de la)\s+([A-ZÀ-Ý].+)$", head)
        if named and looks_like_name(named.group(1).split(" et ")[-1]):
            names, organisation = named.group(1), named.group(2)
            description = ", ".join(rest)
            job_title = ""
        else:
            names = head
            job_title = rest[0] if rest else ""
            if len(rest) >= 2:
                organisation = rest[-1]
                if len(rest) > 2:
                    job_title = ", ".join(rest[:-1])
            elif job_title:
                at = re.match(r"^(.+?)\s+à\s+([A-ZÀ-Ý][^,]+)$", job_title)
                if at:
                    job_title, organisation = at.groups()
        people = []
        for name in re.split(r"\s+et\s+", names):
            name = name.strip()
            if not looks_like_name(name) and not re.search(r"[A-Z]{2,}", name):
                self.doubt(line, text.strip(), "nom de personne non reconnu", heading)
                return []
            first, last = split_name(name)
            people.append(PersonSpec(first, last, job_title, organisation, description))
        if people:
            people[-1].email = emails[0] if emails else ""
            people[-1].phone = phones[0].strip() if phones else ""
            if phones and (reason := phone_doubt(phones[0])):
                self.doubt(
                    line, phones[0].strip(), f"numéro de téléphone douteux ({reason})", heading
                )
        return people

    def contact(self, heading, lines):
        for line in lines:
            if EMAIL.search(line.text) or PHONE.search(line.text):
                people = self.parse_person(line.text, line, heading)
                if people and self.draft.contact is None:
                    self.draft.contact = people[0]
                    continue
            self.unplaced(line, heading)

    def occurrences_from(self, text: str, line: Line, heading) -> bool:
        """Dates and hours of a clause into occurrences; False when it has no date."""
        dates = find_dates(text)
        if not dates:
            return False
        ranges = find_ranges(text)
        known_years = [d[2] for d in dates if d[2]]
        for index, (day, month, year, start, _end) in enumerate(dates):
            next_start = dates[index + 1][3] if index + 1 < len(dates) else len(text)
            own = [r for r in ranges if start <= r[2] < next_start] or (
                ranges if len(dates) == 1 or len({(r[0], r[1]) for r in ranges}) == 1 else []
            )
            if year is None:
                later = [d[2] for d in dates if d[2] and d[3] > start]
                year = later[0] if later else (known_years[0] if known_years else None)
            if year is None:
                year = self.guess_year(day, month, line, text, heading)
            try:
                day_date = dt.date(year, month, day)
            except ValueError:
                self.doubt(line, text, "date impossible", heading)
                continue
            times = (own[0][0], own[-1][1]) if own else None
            self.draft.occurrences.append([day_date, times, line, text])
        return True

    def guess_year(self, day: int, month: int, line: Line, text: str, heading) -> int:
        """A date written without its year: the next such date from today, flagged."""
        year = self.today.year
        try:
            if dt.date(year, month, day) < self.today:
                year += 1
        except ValueError:  # 29 February
            year += 1
        self.doubt(line, text, f"date sans année : {year} supposé", heading)
        return year

    # ------------------------------------------------------------------ sessions

    def session_handlers(self):
        return {
            "rationale": self.rich("rationale"),
            "audience": self.audience,
            "objectives": self.rich("objectives"),
            "programme": self.programme,
            "method": self.rich("teaching_method"),
            "case_study": self.rich("case_study"),
            "speakers": self.speakers,
            "practical": self.practical,
            "contact": self.contact,
            "apply": self.practical,
        }

    def audience(self, heading, lines):
        lines = self.pull_paragraphs(lines)
        self.draft.fields["audience_text"] = render(lines)
        self.draft.audience_words += " " + " ".join(line.text for line in lines)

    def programme(self, heading, lines):
        blocks, day, half_day, section = [], None, None, None
        for line in self.pull_paragraphs(lines):
            folded = fold(strip_marker(line.text)).strip()
            ranges = find_ranges(line.text)
            if not line.is_item and DAY.match(folded):
                day = {
                    "title": strip_marker(line.text),
                    "date": None,
                    "half_days": [],
                    "ranges": ranges,
                    "line": line,
                }
                blocks.append({"type": "day", "value": day})
                half_day, section = None, None
                continue
            if not line.is_item and HALF_DAY.match(folded) and len(line.text) < 60:
                period = {"mat": "matin", "apr": "apres-midi", "soi": "soiree"}[folded[:3]]
                if day is None:
                    day = {
                        "title": "Journée",
                        "date": None,
                        "half_days": [],
                        "ranges": [],
                        "line": line,
                    }
                    blocks.append({"type": "day", "value": day})
                if not ranges and day["ranges"]:
                    position = {"matin": 0, "apres-midi": 1, "soiree": 2}[period]
                    if position < len(day["ranges"]):
                        ranges = [day["ranges"][position]]
                half_day = {
                    "period": period,
                    "start_time": ranges[0][0] if ranges else None,
                    "end_time": ranges[0][1] if ranges else None,
                    "sections": [],
                }
                day["half_days"].append(half_day)
                section = None
                continue
            if not line.is_item and heading_like(line):
                title = strip_marker(line.text)
                start_time = end_time = None
                timed = re.match(
                    r"^\s*(\d{1,2})\s*h\s*(\d{2})?\s*(?:[-–à]\s*(\d{1,2})\s*h\s*(\d{2})?)?\s*[:–-]?\s*",
                    title,
                )
                if timed and timed.group(1):
                    try:
                        start_time = dt.time(int(timed.group(1)), int(timed.group(2) or 0))
                        if timed.group(3):
                            end_time = dt.time(int(timed.group(3)), int(timed.group(4) or 0))
                        title = title[timed.end() :].strip() or title
                    except ValueError:  # « 25h » is not an hour: the line stays as written
                        start_time = end_time = None
                section = {
                    "title": title,
                    "start_time": start_time,
                    "end_time": end_time,
                    "lines": [],
                }
                if half_day is None and day is not None:
                    # A day without half-day headings: its parts go by the clock.
                    period = "apres-midi" if start_time and start_time.hour >= 12 else "matin"
                    if not day["half_days"] or day["half_days"][-1]["period"] != period:
                        day["half_days"].append(
                            {"period": period, "start_time": None, "end_time": None, "sections": []}
                        )
                    day["half_days"][-1]["sections"].append(section)
                elif half_day is not None:
                    half_day["sections"].append(section)
                else:
                    blocks.append({"type": "section", "value": section})
                continue
            if section is not None:
                section["lines"].append(line)
            else:
                blocks.append({"type": "paragraph", "value": [line]})
        self.draft.fields["programme_blocks"] = blocks

    def speakers(self, heading, lines):
        role = "speaker"
        for line in lines:
            label = fold(line.text).strip(" :")
            if ROLE_LABEL.match(label):
                role = next((v for k, v in ROLES.items() if label.startswith(k)), "speaker")
                continue
            flagged = len(self.draft.to_check)
            people = self.parse_person(line.text, line, heading)
            if not people and len(self.draft.to_check) == flagged:
                self.unplaced(line, heading)
            for person in people:
                self.draft.speakers.append((person, role))

    def practical(self, heading, lines):
        for line in lines:
            for clause in re.split(r"\s;\s|\s;$", line.text):
                clause = clause.strip()
                if clause and not self.practical_clause(clause, line, heading):
                    self.doubt(line, clause, "pas de champ trouvé pour ce texte", heading)

    def practical_clause(self, clause: str, line: Line, heading) -> bool:
        fields = self.draft.fields
        folded = fold(clause)
        if re.match(r"^contacts?\b", folded) or EMAIL.search(clause):
            people = self.parse_person(clause, line, heading)
            if people:
                self.draft.contact = people[0]
                return True
            return False
        placed = False
        deadline = re.search(
            r"(avant le|jusqu'au|au plus tard le|date limite( d'inscription)?\s*:?)\s+", folded
        )
        if deadline:
            dates = find_dates(clause[deadline.end() :])
            if dates:
                day, month, year, _, end = dates[0]
                year = year or self.guess_year(day, month, line, clause, heading)
                fields["registration_deadline"] = dt.date(year, month, day)
                folded = folded[: deadline.start()] + folded[deadline.end() + end :]
                placed = True
        capacity = re.search(
            r"(\d+)\s+(participants|places|personnes|stagiaires)\s*(maximum|max\b)|"
            r"(maximum|max\.?|limitee? a|dans la limite de)\s+(\d+)\s+(participants|places|personnes)",
            folded,
        )
        if capacity:
            fields["capacity"] = int(capacity.group(1) or capacity.group(5))
            placed = True
        if "cotisation" in folded:
            if re.search(r"non soumise|sans cotisation|pas soumise", folded):
                fields["fee_note"] = "Participation non soumise à cotisation"
                fields.setdefault(
                    "registration_mode", "account" if self.page_type == SESSION else ""
                )
            else:
                fields["registration_mode"] = "members"
            return True
        if re.search(r"gratuit|€|euros?\b|tarif|prix|a la charge|frais", folded) and not capacity:
            fields["fee_note"] = capitalise(clause)
            return True
        if re.match(r"^(lieu|adresse)\s*:", folded):
            value = clause.split(":", 1)[1].strip()
            parts = [p.strip() for p in value.split(",")]
            fields["venue_name"] = parts[0]
            if len(parts) > 1:
                fields["venue_town"] = parts[-1]
                fields["venue_address"] = ", ".join(parts[1:-1])
            fields["format_words"] = fields.get("format_words", "") + " presentiel"
            return True
        if ONLINE.search(folded) or IN_PERSON.search(folded):
            fields["format_words"] = fields.get("format_words", "") + " " + folded
        if re.search(r"inscriptions? (en ligne|obligatoire|sur le site)", folded):
            fields.setdefault("registration_mode", "account")
            placed = True
        if not deadline and self.occurrences_from(clause, line, heading):
            return True
        if ONLINE.search(folded) and len(re.sub(r"\W+", "", folded)) < 40:
            return True
        return placed

    # ------------------------------------------------------------------ calls

    def call_handlers(self):
        return {
            "rationale": self.rich("rationale"),
            "objectives": self.rich("objectives"),
            "why_take_part": self.why_take_part,
            "how_it_works": self.how_it_works,
            "apply": self.apply,
            "contact": self.contact,
            "practical": self.apply,
            "audience": self.apply,
        }

    def why_take_part(self, heading, lines):
        why, scope = [], []
        for line in lines:
            if line.kind == "paragraph" and SCOPE.search(fold(line.text)):
                scope.append(line)
                self.links_in(line.text)
            else:
                why.append(line)
        self.draft.fields["why_take_part"] = render(why)
        if scope:
            self.draft.fields["scope"] = self.draft.fields.get("scope", "") + render(scope)

    def links_in(self, text: str):
        for url in URL.findall(text):
            address = url if url.startswith("http") else f"https://{url}"
            links = self.draft.fields.setdefault("related_links", [])
            if all(link["value"]["url"] != address for link in links):
                links.append(
                    {
                        "type": "link",
                        "value": {"title": url, "url": address, "page": None, "description": ""},
                    }
                )

    def how_it_works(self, heading, lines):
        fields, kept = self.draft.fields, []
        for line in lines:
            folded = fold(line.text)
            if re.search(r"premiere reunion", folded) and find_dates(line.text):
                day, month, year, _, end = find_dates(line.text)[0]
                year = year or self.guess_year(day, month, line, line.text, heading)
                fields["first_meeting"] = dt.date(year, month, day)
                note = capitalise(line.text[end:])
                if note:
                    fields["first_meeting_note"] = note
                continue
            if line.is_item:
                kept.append(line)
                continue
            rest = []
            for sentence in sentences(line.text):
                s = fold(sentence)
                place = re.match(r"^le lieu (?:de rencontre|des reunions|de reunion) sera (.*)$", s)
                if place:
                    fields["meeting_place"] = capitalise(sentence[place.start(1) :])
                    continue
                led = re.search(r"(?:conduites?|assurees?|portees?|animee?s?) par ([^.,;(]+)", s)
                if led and ("coordination" in s or "animation" in s):
                    fields["coordination"] = sentence[led.start(1) : led.end(1)].strip()
                meetings = re.search(r"(\d+)\s*(?:a|-)\s*(\d+)\s*reunions", s) or re.search(
                    r"(\d+)\s*reunions", s
                )
                if meetings:
                    fields["meetings_per_year_min"] = int(meetings.group(1))
                    fields["meetings_per_year_max"] = int(meetings.groups()[-1])
                rest.append(sentence)
            if rest:
                kept.append(
                    Line(
                        " ".join(rest), html.escape(" ".join(rest), quote=False), source=line.source
                    )
                )
        if kept:
            fields["how_it_works"] = render(kept)

    def apply(self, heading, lines):
        fields = self.draft.fields
        for index, line in enumerate(lines):
            folded = fold(line.text)
            if line.is_item:
                if line.level == 0:
                    fields.setdefault("profiles", []).append(
                        {"type": "profile", "value": strip_marker(line.text)}
                    )
                else:
                    fields["profiles"][-1]["value"] += " " + line.text
                continue
            if line.text.endswith(":") and index + 1 < len(lines) and lines[index + 1].is_item:
                continue  # « Vous êtes : » introduces the profiles
            if "cotisation" in folded:
                self.practical_clause(line.text, line, heading)
                continue
            if re.search(r"selectionne|formulaire|candidature", folded):
                for sentence in sentences(line.text):
                    if "selectionne" in fold(sentence):
                        fields["selection_note"] = sentence.strip()
                fields["registration_mode"] = "application"
                continue
            if EMAIL.search(line.text):
                self.contact(heading, [line])
                continue
            self.unplaced(line, heading)

    # ------------------------------------------------------------------ last touches

    def finish(self):
        fields = self.draft.fields
        # The lead is the rationale's first sentence (of its first paragraph).
        rationale = re.sub(r"<[^>]+>", " ", fields.get("rationale", "").split("</p>")[0])
        first = sentences(html.unescape(re.sub(r"\s+", " ", rationale)).strip())
        lead = first[0] if first else fields["title"]
        if len(lead) > 250:
            lead = lead[:247].rsplit(" ", 1)[0] + "…"
        fields["lead"] = lead
        if self.page_type == SESSION:
            self.finish_session()
        fields.pop("format_words", None)

    def finish_session(self):
        fields = self.draft.fields
        blocks = fields.pop("programme_blocks", [])
        days = [b["value"] for b in blocks if b["type"] == "day"]
        # Dates without hours take the hours of the programme's days, in order.
        for index, occurrence in enumerate(self.draft.occurrences):
            if occurrence[1] is None and index < len(days) and days[index]["ranges"]:
                ranges = days[index]["ranges"]
                occurrence[1] = (ranges[0][0], ranges[-1][1])
        occurrences = []
        for day_date, times, line, text in self.draft.occurrences:
            if times is None:
                self.doubt(line, text, "heures non trouvées : 9h-17h supposé")
                times = (dt.time(9), dt.time(17))
            start = dt.datetime.combine(day_date, times[0], tzinfo=PARIS)
            end = dt.datetime.combine(day_date, times[1], tzinfo=PARIS)
            occurrences.append((start, end))
        self.draft.occurrences = occurrences
        dates = sorted({start.date() for start, _ in occurrences})
        if days and len(days) != len(dates):
            self.doubt(
                days[0]["line"],
                days[0]["title"],
                f"le programme compte {len(days)} journée(s) et « En pratique » {len(dates)} "
                "date(s) : datez les journées",
            )
        for index, day in enumerate(days):
            if index < len(dates) and len(days) == len(dates):
                day["date"] = dates[index]
        fields["programme"] = [self.block_value(block) for block in blocks]
        if "kind" not in fields:
            practical = fold(" ".join(line.text for line in self.outline.lines))
            if len(days) >= 2:
                fields["kind"] = "workshop_2d"
            elif re.search(r"\bcette webconference\b|^webconference", practical) or (
                len(days) == 0
                and ONLINE.search(fold(fields.get("format_words", "")))
                and "webconference" in fold(fields.get("format_words", ""))
            ):
                fields["kind"] = "webconference"
            elif days:
                fields["kind"] = "workshop_1d"
        words = fold(fields.get("format_words", ""))
        online, in_person = bool(ONLINE.search(words)), bool(IN_PERSON.search(words))
        fields["format"] = "hybrid" if online and in_person else "online" if online else "in_person"
        if online:
            fields["meeting_url_sent_later"] = True
        if fields["format"] != "online" and not fields.get("venue_name"):
            self.doubt(
                None, "Lieu", "le document n'indique pas de lieu : complétez « Format et lieu »"
            )
        if not occurrences:
            self.doubt(None, "Dates", "aucune date trouvée dans « En pratique »")

    def block_value(self, block):
        if block["type"] == "paragraph":
            return {"type": "paragraph", "value": render(block["value"])}
        if block["type"] == "section":
            return {"type": "section", "value": self.section_value(block["value"])}
        day = block["value"]
        return {
            "type": "day",
            "value": {
                "title": day["title"],
                "date": day["date"],
                "half_days": [
                    {
                        "period": half["period"],
                        "start_time": half["start_time"],
                        "end_time": half["end_time"],
                        "sections": [self.section_value(s) for s in half["sections"]],
                    }
                    for half in day["half_days"]
                ],
            },
        }

    @staticmethod
    def section_value(section):
        return {
            "title": section["title"],
            "start_time": section["start_time"],
            "end_time": section["end_time"],
            "body": render(section["lines"]),
        }


def map_outline(outline: Outline, *, page_type: str | None = None, today: dt.date) -> Draft:
    """The draft's fields read from ``outline``; ``page_type`` is guessed when not given."""
    return Mapper(outline, page_type=page_type, today=today).run()
