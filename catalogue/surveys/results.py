"""Reads of the survey results: per session, template and moment, the response rate, each rated
question's average and distribution, the choices' counts and the free texts; and their rows for
a spreadsheet."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import (
    SessionPage,
    SurveyAnswer,
    SurveyInvitation,
    SurveyMoment,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    SurveyTemplate,
)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    average: Decimal | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResult:
    session: SessionPage
    template: SurveyTemplate
    moment: str
    invited: int
    responses: int
    questions: list[QuestionResult]

    @property
    def moment_label(self) -> str:
        return SurveyMoment(self.moment).label

    @property
    def response_rate(self) -> Decimal | None:
        """Percentage of invitations answered."""
        if not self.invited:
            return None
        return (Decimal(self.responses) * 100 / self.invited).quantize(Decimal("0.1"))


def session_results(session: SessionPage) -> list[SurveyResult]:
    """One result per template and moment the session's people were invited to, or answered."""
    pairs = set(
        SurveyInvitation.objects.filter(session=session).values_list("template_id", "moment")
    ) | set(SurveyResponse.objects.filter(session=session).values_list("template_id", "moment"))
    templates = SurveyTemplate.objects.in_bulk({pk for pk, _ in pairs})
    order = list(SurveyMoment.values)
    return [
        survey_result(session, templates[pk], moment)
        for pk, moment in sorted(pairs, key=lambda p: (order.index(p[1]), p[0]))
    ]


def survey_result(session: SessionPage, template: SurveyTemplate, moment: str) -> SurveyResult:
    invited = SurveyInvitation.objects.filter(
        session=session, template=template, moment=moment
    ).count()
    responses = SurveyResponse.objects.filter(session=session, template=template, moment=moment)
    answers = SurveyAnswer.objects.filter(response__in=responses).order_by(
        "response__submitted_on", "pk"
    )
    by_question: dict[int, list[SurveyAnswer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    results = []
    for question in template.questions.all():
        given = by_question.get(question.pk, [])
        result = QuestionResult(question=question, answered=len(given))
        if question.kind == SurveyQuestionKind.RATING:
            ratings = [a.rating for a in given if a.rating is not None]
            counts = Counter(ratings)
            result.distribution = [(str(n), counts.get(n, 0)) for n in range(1, 6)]
            if ratings:
                result.average = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1"))
        elif question.kind == SurveyQuestionKind.CHOICE:
            counts = Counter(a.text for a in given)
            result.distribution = [(c, counts.pop(c, 0)) for c in question.choice_list]
            result.distribution += sorted(counts.items())  # choices since removed
        else:
            result.texts = [a.text for a in given if a.text]
        results.append(result)
    return SurveyResult(
        session=session,
        template=template,
        moment=moment,
        invited=invited,
        responses=responses.count(),
        questions=results,
    )


def result_rows(result: SurveyResult) -> list[list]:
    """A spreadsheet: headings, then one row per response (its date, the respondent when the
    template is named, one column per question)."""
    questions = list(result.template.questions.all())
    named = not result.template.anonymous
    headings = ["Répondu le"] + (["Répondant"] if named else []) + [q.label for q in questions]
    responses = (
        SurveyResponse.objects.filter(
            session=result.session, template=result.template, moment=result.moment
        )
        .prefetch_related("answers")
        .order_by("submitted_on", "respondent")
    )
    rows = [headings]
    for response in responses:
        values = {
            a.question_id: (a.rating if a.rating is not None else a.text)
            for a in response.answers.all()
        }
        row = [f"{response.submitted_on:%d/%m/%Y}"]
        if named:
            row.append(response.respondent)
        row += [values.get(q.pk, "") for q in questions]
        rows.append(row)
    return rows
