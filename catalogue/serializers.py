"""DRF serializers for snippets in Wagtail's page API v2 (``APIField(..., serializer=...)``).

Plain serializers, not ModelSerializers, so that models.py can import them without a cycle.
A speaker's or author's email and phone stay private; a page's contact shows them.
"""

from rest_framework import serializers

from .page_access import viewable


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class AudienceSerializer(ThemeSerializer):
    pass


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    job_title = serializers.CharField(read_only=True)
    organisation = OrganisationSerializer(read_only=True)
    bio = serializers.CharField(read_only=True)


class ContactSerializer(PersonSerializer):
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)


class RelatedSessionsField(serializers.Field):
    """An article's related sessions, as Wagtail lists child objects, keeping only the live
    sessions the requester may view (``page_access``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, links):
        session_model = links.model.session.field.related_model  # SessionPage, not imported
        links = list(links.all())
        sessions = session_model.objects.live().filter(pk__in=[link.session_id for link in links])
        shown = set(viewable(sessions, self.context.get("request")).values_list("pk", flat=True))
        return [
            {"id": link.pk, "meta": {"type": "catalogue.RelatedSession"}, "session_id": pk}
            for link in links
            if (pk := link.session_id) in shown
        ]
