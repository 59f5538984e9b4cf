from __future__ import annotations

import pytest

from sheetsync.pardot.catalogue import CustomFieldDef, UnknownFieldError, build_catalogue

CUSTOM = [
    CustomFieldDef.from_api(
        {"id": 1, "fieldId": "Region", "apiFieldId": "Region__c", "name": "Region", "type": "text"}
    ),
    CustomFieldDef.from_api(
        {"id": 2, "fieldId": "Languages", "name": "Languages", "type": "multi-select"}
    ),
    CustomFieldDef.from_api({"id": 3, "fieldId": "hobby", "name": "Hobby", "type": "radio button"}),
]


def test_standard_custom_and_related_fields() -> None:
    catalogue = build_catalogue("prospects", CUSTOM)
    assert catalogue.type_of("score") == "integer"
    assert catalogue.type_of("updatedAt") == "datetime"
    assert catalogue.type_of("Region__c") == "string"
    assert catalogue.type_of("hobby__c") == "string"  # apiFieldId missing -> fieldId + __c
    assert catalogue.type_of("campaign.name") == "string"
    assert catalogue.type_of("assignedTo.email") == "string"
    assert catalogue.get("assignedUser.email") is None  # the v5 relation is assignedTo
    catalogue.validate(["id", "email", "campaign.name", "Region__c"])


def test_typos_get_the_closest_valid_name() -> None:
    catalogue = build_catalogue("prospects", CUSTOM)
    assert catalogue.suggest("emial") == "email"
    assert catalogue.suggest("FirstName") == "firstName"
    assert catalogue.suggest("Region") == "Region__c"
    assert catalogue.suggest("assignedUser.email") == "assignedTo.email"
    with pytest.raises(UnknownFieldError) as info:
        catalogue.validate(["email", "emial", "Region"])
    message = str(info.value)
    assert "unknown field 'emial'; did you mean 'email'?" in message
    assert "unknown field 'Region'; did you mean 'Region__c'?" in message
    assert len(info.value.problems) == 2


def test_multi_valued_custom_fields_are_rejected_with_the_reason() -> None:
    catalogue = build_catalogue("prospects", CUSTOM)
    with pytest.raises(UnknownFieldError, match="multi-valued custom field"):
        catalogue.validate(["Languages__c"])
    catalogue.validate(["Languages__c"], for_query=False)  # a single read can return arrays


def test_campaigns_have_no_custom_fields_and_unknown_objects_fail() -> None:
    catalogue = build_catalogue("campaigns", CUSTOM)
    assert "Region__c" not in catalogue
    assert catalogue.type_of("cost") == "float"
    with pytest.raises(Exception, match="unknown Pardot object 'opportunities'"):
        build_catalogue("opportunities")
