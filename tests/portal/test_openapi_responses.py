"""The API's answers are what its OpenAPI document says they are.

A client generated from ``/api/openapi.json`` trusts its schemas. Each GET route is read with real
rows behind it (every item type, speakers and a contact from partner organisations, a member
attached to an organisation, with a paid cotisation, its receipt, a registration and an
application) and each JSON answer is validated against the schema the document gives for its
status, with ``$ref`` resolved in the document's own components.
"""

import typing
from decimal import Decimal

import pytest
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from pydantic import BaseModel

from catalogue.models import RegistrationMode, RelatedSession, SpeakerRole
from catalogue.registrations import services as catalogue_services
from membership.models import CotisationStatus, PaymentMethod
from membership.services import offline_payment_record
from membership.years import membership_year
from portal.api import api
from tests.catalogue.factories import (
    AudienceFactory,
    OrganisationFactory,
    PersonFactory,
    ResourceArticlePageFactory,
    SessionPageFactory,
    ThemeFactory,
    WorkingGroupCallPageFactory,
)
from tests.membership.factories import (
    AttachmentFactory,
    CotisationFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    theme, audience = ThemeFactory(), AudienceFactory()
    speaker = PersonFactory(organisation=OrganisationFactory(name="Cap Rural"))
    contact = PersonFactory(organisation=OrganisationFactory(name="Pays du Diois"))
    session = SessionPageFactory(
        registration_mode=RegistrationMode.MEMBERS,
        speakers=[(speaker, SpeakerRole.ANIMATION)],
        contact=contact,
        themes=[theme],
        audiences=[audience],
    )
    call = WorkingGroupCallPageFactory(contact=contact, themes=[theme])
    article = ResourceArticlePageFactory(author=speaker, contact=contact)
    RelatedSession.objects.create(article=article, session=session, sort_order=0)
    return {"session": session, "call": call, "article": article}


@pytest.fixture
def member(client, catalogue):
    """Signed in, attached to an organisation, covered, registered and applying."""
    user = ProfileFactory().user
    AttachmentFactory(user=user, is_referent=True)
    session, call = catalogue["session"], catalogue["call"]
    # The year the session falls in: in late December, four weeks ahead is next year.
    year = membership_year(timezone.localdate(session.starts_at))
    TariffFactory(year=year, amount=Decimal("45.00"))
    cotisation = CotisationFactory(user=user, year=year, status=CotisationStatus.PENDING)
    offline_payment_record(
        cotisation=cotisation,
        method=PaymentMethod.TRANSFER,
        amount=cotisation.amount,
        reference="VIR-0001",
        received_on=timezone.localdate(),
        recorded_by=UserFactory(is_staff=True),
    )
    registration = catalogue_services.registration_create(
        session=session, user=user, occurrence=None
    )
    question = call.questions.get()
    catalogue_services.application_submit(
        call=call, user=user, answers={str(question.pk): "Partager nos pratiques."}
    )
    client.force_login(user)
    return {"user": user, "receipt": cotisation.receipts.get(), "registration": registration}


def requests(catalogue, member) -> list[tuple[str, str, dict, int]]:
    """(document path, URL, query, expected status) for every GET route, with what it reads."""
    session, call, article = catalogue["session"], catalogue["call"], catalogue["article"]
    preview = session.create_page_preview()
    items = [session, call, article]
    return [
        ("/api/catalogue/", "/api/catalogue/", {}, 200),
        *[
            ("/api/catalogue/", "/api/catalogue/", {"type": kind}, 200)
            for kind in ("session", "working_group_call", "resource_article")
        ],
        ("/api/catalogue/", "/api/catalogue/", {"limit": "0"}, 422),
        *[("/api/catalogue/{item_id}/", f"/api/catalogue/{item.pk}/", {}, 200) for item in items],
        ("/api/catalogue/{item_id}/", "/api/catalogue/999999/", {}, 404),
        *[
            ("/api/catalogue/by-path/", "/api/catalogue/by-path/", {"path": item.url}, 200)
            for item in items
        ],
        ("/api/catalogue/by-path/", "/api/catalogue/by-path/", {"path": "/nulle-part/"}, 404),
        (
            "/api/catalogue/preview/",
            "/api/catalogue/preview/",
            {"content_type": session.get_content_type_str(), "token": preview.token},
            200,
        ),
        ("/api/catalogue/preview/", "/api/catalogue/preview/", {"content_type": "x"}, 422),
        ("/api/calendar.ics", "/api/calendar.ics", {}, 200),
        (
            "/api/catalogue/{item_id}/calendar.ics",
            f"/api/catalogue/{session.pk}/calendar.ics",
            {},
            200,
        ),
        ("/api/search/", "/api/search/", {"q": session.title}, 200),
        ("/api/search/", "/api/search/", {"q": "session", "type": "session"}, 200),
        ("/api/search/autocomplete/", "/api/search/autocomplete/", {"q": "Sess"}, 200),
        ("/api/me/", "/api/me/", {}, 200),
        ("/api/membership/tariffs/", "/api/membership/tariffs/", {}, 200),
        ("/api/me/", "/api/me/", {"on": "pas une date"}, 422),
        ("/api/me/registrations/", "/api/me/registrations/", {}, 200),
        ("/api/me/applications/", "/api/me/applications/", {}, 200),
        (
            "/api/me/registrations/{registration_id}/certificate.pdf",
            f"/api/me/registrations/{member['registration'].pk}/certificate.pdf",
            {},
            409,  # the session is weeks ahead
        ),
        ("/api/me/cotisations/", "/api/me/cotisations/", {}, 200),
        (
            "/api/me/receipts/{receipt_id}.pdf",
            f"/api/me/receipts/{member['receipt'].pk}.pdf",
            {},
            200,
        ),
    ]


def schema_errors(document: dict, schema: dict, instance) -> list[str]:
    validator = OAS31Validator(
        {**schema, "components": document["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(racine)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def test_every_get_answer_matches_its_schema_in_the_document(client, catalogue, member):
    document = client.get("/api/openapi.json").json()
    table = requests(catalogue, member)
    failures = []
    for path, url, query, status in table:
        response = client.get(url, query)
        where = f"GET {url} {query}"
        if response.status_code != status:
            failures.append(f"{where}: {response.status_code}, attendu {status}")
            continue
        documented = document["paths"][path]["get"]["responses"].get(str(status))
        if documented is None:
            failures.append(f"{where}: le document ne décrit pas la réponse {status}")
            continue
        content_type = response["Content-Type"].split(";")[0]
        if content_type not in documented["content"]:
            failures.append(f"{where}: {content_type} hors de {list(documented['content'])}")
        elif content_type == "application/json":
            schema = documented["content"][content_type]["schema"]
            body = response.json()
            if isinstance(body, dict) and "items" in body:
                assert body["items"], f"{where}: an empty list proves nothing"
            failures += [f"{where}: {error}" for error in schema_errors(document, schema, body)]
    assert not failures, "\n".join(failures)

    get_routes = {path for path, operations in document["paths"].items() if "get" in operations}
    assert get_routes == {path for path, *_ in table}, "a GET route is missing from the table"


def test_partner_and_member_organisations_are_two_components(client):
    components = client.get("/api/openapi.json").json()["components"]["schemas"]

    def referenced(schema: dict) -> dict:
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
        if ref is None:
            ref = next(option["$ref"] for option in schema["anyOf"] if "$ref" in option)
        return components[ref.rsplit("/", 1)[1]]

    partner = referenced(components["PersonOut"]["properties"]["organisation"])
    member = referenced(components["MeOut"]["properties"]["organisations"])
    assert set(partner["properties"]) == {"name", "description", "website"}
    assert {"attachment_status", "is_referent"} <= set(member["properties"])


def schema_models(annotation) -> typing.Iterator[type[BaseModel]]:
    """The pydantic models an annotation names, however deeply (lists, unions, fields)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from schema_models(field.annotation)
    for argument in typing.get_args(annotation):
        yield from schema_models(argument)


def test_no_two_models_share_a_name_in_the_document():
    """The document names a component after its class: two classes of one name, and one of
    them describes the other's answers (the catalogue's and membership's OrganisationOut)."""
    classes: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    for found in schema_models(model):
                        if found.__module__ != "abc":  # ninja's per-operation wrappers
                            classes.setdefault(found.__name__, set()).add(
                                f"{found.__module__}.{found.__qualname__}"
                            )
    assert {"CatalogueItemDetailOut", "PersonOut", "MeOut"} <= set(classes)
    shared = {name: sorted(paths) for name, paths in classes.items() if len(paths) > 1}
    assert not shared, shared
