"""Standard fields of the Pardot v5 objects sheetsync reads, with their types.

From ``spec/pardot-v5.md`` §4 (docs tables as scraped by peers). ``score`` is typed Integer by the
docs but one peer's schema says string: readers must accept both (the transform coerces).
Relationship names say which object a dot-notation prefix reaches (``campaign.name``).
"""

from __future__ import annotations

from typing import Literal

FieldType = Literal["integer", "float", "string", "boolean", "datetime", "date", "array"]

_I: FieldType = "integer"
_S: FieldType = "string"
_B: FieldType = "boolean"
_D: FieldType = "datetime"
_F: FieldType = "float"


def _many(kind: FieldType, names: str) -> dict[str, FieldType]:
    return {name: kind for name in names.split()}


PROSPECT: dict[str, FieldType] = {
    **_many(_I, "id createdById updatedById assignedToId lifecycleStageId campaignId profileId"),
    **_many(_I, "prospectAccountId userId score"),
    **_many(_D, "createdAt updatedAt lastActivityAt firstActivityAt firstAssignedAt convertedAt"),
    **_many(_D, "emailBouncedAt salesforceLastSync"),
    **_many(_B, "isDeleted isEmailHardBounced doNotSell optedOut isDoNotCall isDoNotEmail"),
    **_many(_B, "isReviewed isStarred"),
    **_many(
        _S,
        "email firstName lastName salutation jobTitle company phone fax website addressOne "
        "addressTwo city state zip country territory industry department annualRevenue "
        "employees yearsInBusiness comments notes source grade recentInteraction "
        "emailBouncedReason firstReferrerQuery firstReferrerType firstReferrerUrl "
        "sourceParameter campaignParameter mediumParameter contentParameter termParameter "
        "salesforceId salesforceAccountId salesforceCampaignId salesforceContactId "
        "salesforceLeadId salesforceOwnerId salesforceUrl convertedFromObjectName "
        "convertedFromObjectType password",
    ),
}

CAMPAIGN: dict[str, FieldType] = {
    **_many(_I, "id folderId parentCampaignId createdById updatedById"),
    "name": _S,
    "cost": _F,
    "isDeleted": _B,
    "salesforceId": _S,
    **_many(_D, "createdAt updatedAt"),
}

USER: dict[str, FieldType] = {
    **_many(_I, "id createdById updatedById"),
    **_many(_S, "email username firstName lastName jobTitle role roleName salesforceId"),
    "tagReplacementLanguage": _S,
    "isDeleted": _B,
    **_many(_D, "createdAt updatedAt"),
}

LIST: dict[str, FieldType] = {
    **_many(_I, "id folderId campaignId createdById updatedById"),
    **_many(_S, "name title description"),
    **_many(_B, "isPublic isDynamic isDeleted isSalesforceVisible"),
    **_many(_D, "createdAt updatedAt"),
}

LIST_MEMBERSHIP: dict[str, FieldType] = {
    **_many(_I, "id listId prospectId createdById updatedById"),
    **_many(_B, "optedOut isDeleted"),
    **_many(_D, "createdAt updatedAt"),
}

PROSPECT_ACCOUNT: dict[str, FieldType] = {
    **_many(_I, "id assignedToId createdById updatedById"),
    **_many(_S, "name annualRevenue industry number phone website"),
    "isDeleted": _B,
    **_many(_D, "createdAt updatedAt"),
}

CUSTOM_FIELD: dict[str, FieldType] = {
    **_many(_I, "id createdById updatedById"),
    **_many(_S, "name fieldId apiFieldId type salesforceId"),
    **_many(_B, "isRecordMultipleResponses isUseValues isRequired isAnalyticsSynced"),
    **_many(_D, "createdAt updatedAt"),
}

# object name (URL collection) -> its standard fields
OBJECTS: dict[str, dict[str, FieldType]] = {
    "prospects": PROSPECT,
    "campaigns": CAMPAIGN,
    "users": USER,
    "lists": LIST,
    "list-memberships": LIST_MEMBERSHIP,
    "prospect-accounts": PROSPECT_ACCOUNT,
    "custom-fields": CUSTOM_FIELD,
}

# object -> relationship name -> related object (one hop; the catalogue offers these fields)
RELATIONSHIPS: dict[str, dict[str, str]] = {
    "prospects": {
        "campaign": "campaigns",
        "assignedTo": "users",
        "createdBy": "users",
        "updatedBy": "users",
        "prospectAccount": "prospect-accounts",
    },
    "campaigns": {"createdBy": "users", "updatedBy": "users", "parentCampaign": "campaigns"},
    "lists": {"campaign": "campaigns", "createdBy": "users", "updatedBy": "users"},
    "list-memberships": {
        "list": "lists",
        "prospect": "prospects",
        "createdBy": "users",
        "updatedBy": "users",
    },
    "users": {"createdBy": "users", "updatedBy": "users"},
}

# Objects that have custom fields (`<fieldId>__c`) from the custom-fields endpoint.
HAS_CUSTOM_FIELDS = frozenset({"prospects"})

# Custom field definition types (lower case, as the API answers them) -> value type.
CUSTOM_FIELD_TYPES: dict[str, FieldType] = {
    "text": _S,
    "textarea": _S,
    "hidden": _S,
    "dropdown": _S,
    "radio button": _S,
    "crm user": _S,
    "number": _F,
    "date": "date",
    "checkbox": "array",
    "multi-select": "array",
}
