"""Serializers of the organization tree (read-only) and of the organization statistics: output
serializers show a record, input serializers check the shape of a request for a service, which
applies the rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    TerritorialCenter,
    User,
)
from organizations.two_factor import api_second_factor_check

INT_MAX = 2**31 - 1  # PostgreSQL integer
YEAR_MAX = 2**15 - 1  # PostgreSQL smallint; the services check the range of years that make sense
TEXT_MAX = 10_000

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
        fields = ["id", "name", "bin", "size", "address", "center"]
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


PASSWORD_MAX = 4096  # no password is longer; hashing a megabyte on every attempt would be a denial of service


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's username and password, no longer than an account's: a longer username is refused by field
    before django-axes writes the failed attempt (its column holds 255 characters)."""

    username = serializers.CharField(
        label=AuthTokenSerializer().fields["username"].label,
        write_only=True,
        max_length=User._meta.get_field("username").max_length,
    )
    password = serializers.CharField(
        label=AuthTokenSerializer().fields["password"].label,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        max_length=PASSWORD_MAX,
    )

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=16,
        help_text=(
            "The 6-digit code of the authenticator app, or a recovery code (each works once). Required for "
            "an account with a second factor; administrators, managers and federation analysts must have "
            "one (set up in the web application)."
        ),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            api_second_factor_check(
                request=self.context["request"], user=attrs["user"], code=(attrs.get("otp") or "").strip()
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`.")
