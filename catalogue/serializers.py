"""DRF serializers for snippets in Wagtail's page API v2 (``APIField(..., serializer=...)``).

Plain serializers, not ModelSerializers, so that models.py can import them without a cycle.
A speaker's or author's email and phone stay private; a page's contact shows them.
"""

from rest_framework import serializers


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
