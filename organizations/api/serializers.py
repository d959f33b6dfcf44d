"""Read-only serializers of the organization tree."""

from rest_framework import serializers

from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    TerritorialCenter,
)

NAMES = ["name", "name_en", "name_ru", "name_kk"]


class _NamedSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")


class TerritorialCenterSerializer(_NamedSerializer):
    class Meta:
        model = TerritorialCenter
        fields = ["id", "code", "iso_code", "kind", *NAMES]
        read_only_fields = fields


class RepresentativeOfficeSerializer(_NamedSerializer):
    class Meta:
        model = RepresentativeOffice
        fields = ["id", "code", "center", *NAMES]
        read_only_fields = fields


class BranchUnionSerializer(_NamedSerializer):
    class Meta:
        model = BranchUnion
        fields = ["id", "code", *NAMES]
        read_only_fields = fields


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name", "bin", "size", "center"]
        read_only_fields = fields


class PrimaryOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrimaryOrganization
        fields = [
            "id",
            "name",
            "center",
            "employer",
            "branch_union",
            "member_count",
            "has_collective_agreement",
            "founded_on",
        ]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`.")
