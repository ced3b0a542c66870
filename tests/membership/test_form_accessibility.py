"""The member's forms tell screen readers which help text and which error belong to a field."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element's attributes and the text inside each element that has an id."""

    def __init__(self):
        super().__init__()
        self.described: dict[str, list[str]] = {}  # field name → ids it is described by
        self.text_by_id: dict[str, str] = {}
        self.open_ids: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("aria-describedby") and attrs.get("name"):
            self.described[attrs["name"]] = attrs["aria-describedby"].split()
        if attrs.get("id"):
            self.text_by_id.setdefault(attrs["id"], "")
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self.open_ids.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in {"input", "br", "img", "meta", "link", "hr"} and self.open_ids:
            self.open_ids.pop()

    def handle_data(self, data):
        for element_id in self.open_ids:
            if element_id:
                self.text_by_id[element_id] += data

    def description_of(self, name: str) -> str:
        return " ".join(self.text_by_id[i].strip() for i in self.described.get(name, []))


def parsed(response) -> Elements:
    elements = Elements()
    elements.feed(response.content.decode())
    return elements


def test_the_profile_forms_help_texts_describe_their_fields(client):
    client.force_login(UserFactory())
    page = parsed(client.get(reverse("membership:profile")))

    assert page.described, "aucun champ n'est relié à une aide"
    for name, ids in page.described.items():
        missing = [i for i in ids if i not in page.text_by_id]
        assert not missing, f"{name} : aria-describedby nomme {missing}, absents de la page"
    assert page.description_of("category") == "Détermine le tarif de votre cotisation individuelle."
    assert page.description_of("address") == "Imprimée sur vos reçus."


def test_a_refused_profile_field_is_described_by_its_help_and_its_error(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("membership:profile"), {"first_name": "J", "last_name": "D", "category": "commune"}
    )
    page = parsed(response)

    description = page.description_of("category")
    assert description.startswith("Détermine le tarif de votre cotisation individuelle.")
    assert "Sélectionnez un choix valide" in description
