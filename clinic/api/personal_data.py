"""Personal data in the API's output: IIN, phone and e-mail shown as clinic.personal_data allows the
requesting user, in every serializer of a person."""

from clinic.personal_data import MASKS, shown

PERSONAL_DATA_MASKS = MASKS


def hide_personal_data(data: dict, instance, request, masks: dict) -> dict:
    """Show the personal fields named in `masks` as clinic.personal_data allows the requesting user
    (`instance.center_id` is the person's center); without a request, masked."""
    user = getattr(request, "user", None)
    for field in masks:
        if data.get(field):
            data[field] = shown(user, instance.center_id, field, data[field])
    return data


class PersonalDataMixin:
    """For serializers of a Person (or of a record whose `center_id` is the person's center): masks
    the fields in `masked_fields` unless the requesting user may see them."""

    masked_fields = PERSONAL_DATA_MASKS

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)  # type: ignore[misc]  # a mixin of serializers
        request = self.context.get("request")  # type: ignore[attr-defined]
        return hide_personal_data(data, instance, request, self.masked_fields)
