"""The objects the emulator serves: fields and their types, relations (dot notation), filters and
sort keys. Pure data; the store and the query engine read it.

Field types: ``int``, ``float``, ``str``, ``bool``, ``datetime`` (stored as epoch seconds) and
``list`` (multi-valued custom fields, answered as JSON arrays and refused on queries).

Decisions the spec leaves open (spec §2, §4, §11):

- Sortable fields: every ``id``/``createdAt``/``updatedAt``, plus ``name`` (campaigns, lists,
  custom fields, folders, prospect accounts), ``lastActivityAt`` and ``score`` (prospects),
  ``sentAt`` (emails). Ties are always broken by ``id`` ascending.
- Filters: ``id`` operators on ids, datetime operators on datetimes, case-insensitive equality on
  ``email`` (prospects, users) and ``name`` (campaigns, lists). Prospect accounts filter by ``id``
  only (like the real API, which has no ``updatedAt`` filter there).
- Related objects not modelled as collections of their own (``lifecycleStage``, ``profile``) are
  absent: asking for them is an unknown field (51).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal["int", "float", "str", "bool", "datetime", "list"]
FilterKind = Literal["id", "datetime", "text"]

ID_OPS: tuple[str, ...] = (
    "GreaterThanOrEqualTo",
    "GreaterThan",
    "LessThanOrEqualTo",
    "LessThan",
)
DATETIME_OPS: tuple[str, ...] = ("AfterOrEqualTo", "After", "BeforeOrEqualTo", "Before")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    read_only: bool = True
    custom: bool = False

    @property
    def default(self) -> object:
        """The value of an absent key: booleans are false, everything else null."""
        return False if self.type == "bool" else None


@dataclass(frozen=True)
class Relation:
    name: str
    key: str  # the foreign-key field on this object
    target: str  # collection of the related object


@dataclass
class ObjectSchema:
    collection: str
    fields: dict[str, Field]
    relations: dict[str, Relation] = field(default_factory=dict)
    filters: dict[str, FilterKind] = field(default_factory=dict)
    sortable: frozenset[str] = frozenset({"id", "createdAt", "updatedAt"})
    recycle_bin: bool = False

    def with_custom_fields(self, custom: dict[str, Field]) -> ObjectSchema:
        merged = dict(self.fields)
        merged.update(custom)
        return ObjectSchema(
            self.collection, merged, self.relations, self.filters, self.sortable, self.recycle_bin
        )


def _fields(spec: dict[FieldType, str], editable: str = "") -> dict[str, Field]:
    writable = set(editable.split())
    out: dict[str, Field] = {}
    for kind, names in spec.items():
        for name in names.split():
            out[name] = Field(name, kind, read_only=name not in writable)
    return out


def _audit(*extra: Relation) -> dict[str, Relation]:
    rels = [
        Relation("createdBy", "createdById", "users"),
        Relation("updatedBy", "updatedById", "users"),
        *extra,
    ]
    return {r.name: r for r in rels}


_BASE_FILTERS: dict[str, FilterKind] = {
    "id": "id",
    "createdAt": "datetime",
    "updatedAt": "datetime",
}

PROSPECT_EDITABLE = """
email firstName lastName salutation jobTitle company phone fax website addressOne addressTwo city
state zip country territory industry department comments notes source salesforceId
salesforceOwnerId annualRevenue employees yearsInBusiness score optedOut isDoNotCall isDoNotEmail
isReviewed isStarred campaignId profileId prospectAccountId userId
"""

PROSPECTS = ObjectSchema(
    "prospects",
    _fields(
        {
            "int": """id createdById updatedById assignedToId lifecycleStageId campaignId profileId
                prospectAccountId userId score""",
            "datetime": """createdAt updatedAt lastActivityAt firstActivityAt firstAssignedAt
                convertedAt emailBouncedAt salesforceLastSync""",
            "bool": """isDeleted isEmailHardBounced doNotSell optedOut isDoNotCall isDoNotEmail
                isReviewed isStarred""",
            "str": """email firstName lastName salutation jobTitle company phone fax website
                addressOne addressTwo city state zip country territory industry department comments
                notes source grade recentInteraction emailBouncedReason firstReferrerQuery
                firstReferrerType firstReferrerUrl sourceParameter campaignParameter
                mediumParameter contentParameter termParameter salesforceId salesforceAccountId
                salesforceCampaignId salesforceContactId salesforceLeadId salesforceOwnerId
                salesforceUrl password convertedFromObjectName convertedFromObjectType
                annualRevenue employees yearsInBusiness""",
        },
        PROSPECT_EDITABLE,
    ),
    _audit(
        Relation("campaign", "campaignId", "campaigns"),
        Relation("assignedTo", "assignedToId", "users"),
        Relation("prospectAccount", "prospectAccountId", "prospect-accounts"),
    ),
    {
        **_BASE_FILTERS,
        "lastActivityAt": "datetime",
        "userId": "id",
        "assignedToId": "id",
        "campaignId": "id",
        "email": "text",
    },
    frozenset({"id", "createdAt", "updatedAt", "lastActivityAt", "score"}),
    recycle_bin=True,
)

USERS = ObjectSchema(
    "users",
    _fields(
        {
            "int": "id createdById updatedById",
            "datetime": "createdAt updatedAt",
            "bool": "isDeleted",
            "str": """email username firstName lastName jobTitle role roleName salesforceId
                tagReplacementLanguage""",
        }
    ),
    _audit(),
    {**_BASE_FILTERS, "email": "text"},
    recycle_bin=True,
)

CAMPAIGNS = ObjectSchema(
    "campaigns",
    _fields(
        {
            "int": "id folderId parentCampaignId createdById updatedById",
            "float": "cost",
            "datetime": "createdAt updatedAt",
            "bool": "isDeleted",
            "str": "name salesforceId",
        }
    ),
    _audit(
        Relation("folder", "folderId", "folders"),
        Relation("parentCampaign", "parentCampaignId", "campaigns"),
    ),
    {**_BASE_FILTERS, "name": "text"},
    frozenset({"id", "createdAt", "updatedAt", "name"}),
    recycle_bin=True,
)

LISTS = ObjectSchema(
    "lists",
    _fields(
        {
            "int": "id folderId campaignId createdById updatedById",
            "datetime": "createdAt updatedAt",
            "bool": "isPublic isDynamic isDeleted isSalesforceVisible",
            "str": "name title description",
        }
    ),
    _audit(
        Relation("folder", "folderId", "folders"),
        Relation("campaign", "campaignId", "campaigns"),
    ),
    {**_BASE_FILTERS, "name": "text"},
    frozenset({"id", "createdAt", "updatedAt", "name"}),
    recycle_bin=True,
)

LIST_MEMBERSHIPS = ObjectSchema(
    "list-memberships",
    _fields(
        {
            "int": "id listId prospectId createdById updatedById",
            "datetime": "createdAt updatedAt",
            "bool": "optedOut isDeleted",
        },
        "optedOut",
    ),
    _audit(
        Relation("list", "listId", "lists"),
        Relation("prospect", "prospectId", "prospects"),
    ),
    {**_BASE_FILTERS, "listId": "id", "prospectId": "id"},
    recycle_bin=True,
)

CUSTOM_FIELDS = ObjectSchema(
    "custom-fields",
    _fields(
        {
            "int": "id createdById updatedById",
            "datetime": "createdAt updatedAt",
            "bool": "isRecordMultipleResponses isUseValues isRequired isAnalyticsSynced",
            "str": "name fieldId apiFieldId type salesforceId",
        }
    ),
    _audit(),
    dict(_BASE_FILTERS),
    frozenset({"id", "createdAt", "updatedAt", "name"}),
)

EMAILS = ObjectSchema(
    "emails",
    _fields(
        {
            "int": "id prospectId listEmailId campaignId createdById",
            "datetime": "sentAt createdAt updatedAt",
            "bool": "isOperational",
            "str": "name subject clientType",
        }
    ),
    {
        "prospect": Relation("prospect", "prospectId", "prospects"),
        "campaign": Relation("campaign", "campaignId", "campaigns"),
        "createdBy": Relation("createdBy", "createdById", "users"),
    },
    {**_BASE_FILTERS, "prospectId": "id", "campaignId": "id", "sentAt": "datetime"},
    frozenset({"id", "createdAt", "updatedAt", "sentAt"}),
)

PROSPECT_ACCOUNTS = ObjectSchema(
    "prospect-accounts",
    _fields(
        {
            "int": "id createdById updatedById",
            "datetime": "createdAt updatedAt",
            "bool": "isDeleted",
            "str": "name salesforceId",
        }
    ),
    _audit(),
    {"id": "id"},
    frozenset({"id", "createdAt", "updatedAt", "name"}),
    recycle_bin=True,
)

FOLDERS = ObjectSchema(
    "folders",
    _fields(
        {
            "int": "id parentFolderId createdById updatedById",
            "datetime": "createdAt updatedAt",
            "str": "name path",
        }
    ),
    _audit(Relation("parentFolder", "parentFolderId", "folders")),
    dict(_BASE_FILTERS),
    frozenset({"id", "createdAt", "updatedAt", "name"}),
)

SCHEMAS: dict[str, ObjectSchema] = {
    s.collection: s
    for s in (
        PROSPECTS,
        USERS,
        CAMPAIGNS,
        LISTS,
        LIST_MEMBERSHIPS,
        CUSTOM_FIELDS,
        EMAILS,
        PROSPECT_ACCOUNTS,
        FOLDERS,
    )
}

# Custom field definition type -> prospect value type. Multi-valued kinds are arrays.
CUSTOM_TYPES: dict[str, FieldType] = {
    "text": "str",
    "textarea": "str",
    "radio button": "str",
    "dropdown": "str",
    "hidden": "str",
    "crm user": "str",
    "date": "str",
    "number": "float",
    "multi-select": "list",
    "checkbox": "list",
}


def custom_field_type(definition_type: str, multiple_responses: bool) -> FieldType:
    if multiple_responses:
        return "list"
    return CUSTOM_TYPES.get(definition_type, "str")
