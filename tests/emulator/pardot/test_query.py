"""Queries: fields, nulls, dot notation, multi-valued fields, filters, orderBy, limit, deleted."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import START, Api, error, values

LA = ZoneInfo("America/Los_Angeles")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def one(api: Api, prospect_id: int, fields: str) -> dict[str, Any]:
    response = api.query("prospects", fields=fields, id=prospect_id, deleted="all")
    assert response.status_code == 200, response.text
    (record,) = response.json()["values"]
    assert isinstance(record, dict)
    return record


def test_only_requested_fields_and_nulls(emu: PardotEmulator, api: Api) -> None:
    bare = emu.store.special["nulls"]
    record = one(api, bare, "email,company,phone,hobby__c,isDoNotCall,score,id")
    assert list(record) == ["id", "company", "email", "isDoNotCall", "phone", "score", "hobby__c"]
    assert record["company"] is None and record["phone"] is None and record["hobby__c"] is None
    assert record["score"] is None
    assert record["isDoNotCall"] is False
    without_id = one(api, bare, "email")
    assert list(without_id) == ["email"]  # id only when requested


def test_types_follow_the_schema(emu: PardotEmulator, api: Api) -> None:
    fields = "id,score,optedOut,createdAt,campaignId,budget__c,externalId__c,customerNo__c"
    records = values(api.pages("prospects", fields=fields, limit=1000))
    assert all(isinstance(r["score"], int) for r in records if r["score"] is not None)
    assert all(isinstance(r["optedOut"], bool) for r in records)
    assert all(isinstance(r["budget__c"], int | float) for r in records if r["budget__c"])
    big = next(r for r in records if r["id"] == emu.store.special["big_number"])
    assert big["externalId__c"] == "123456789012345678"
    assert big["customerNo__c"] == "000123"


def test_datetimes_carry_the_account_offset(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[0]
    record = one(api, prospect_id, "id,createdAt,updatedAt,lastActivityAt")
    stored = emu.store.prospect(prospect_id)
    assert stored is not None
    for key in ("createdAt", "updatedAt"):
        text = record[key]
        assert DATETIME.match(text), text
        parsed = datetime.fromisoformat(text)
        assert parsed == stored[key]
        assert parsed.utcoffset() == stored[key].astimezone(LA).utcoffset()
        assert not text.endswith("Z")


def test_dot_notation_answers_nested_objects(emu: PardotEmulator, api: Api) -> None:
    fields = (
        "id,campaign.name,campaign.createdBy.email,campaign.folder.parentFolder.name,"
        "assignedTo.email,prospectAccount.name"
    )
    records = values(api.pages("prospects", fields=fields, limit=1000))
    store = emu.store
    with_campaign = [r for r in records if r["campaign"] is not None]
    assert with_campaign and any(r["campaign"] is None for r in records)
    assert any(r["assignedTo"] is None for r in records)
    for record in with_campaign[:50]:
        prospect = store.prospect(record["id"])
        assert prospect is not None
        campaign = store.get("campaigns", prospect["campaignId"])
        assert campaign is not None
        assert list(record["campaign"]) == ["createdBy", "folder", "name"]
        assert record["campaign"]["name"] == campaign["name"]
        creator = store.get("users", campaign["createdById"])
        assert creator is not None
        assert record["campaign"]["createdBy"] == {"email": creator["email"]}
        folder = store.get("folders", campaign["folderId"])
        assert folder is not None
        parent = (
            store.get("folders", folder["parentFolderId"]) if folder["parentFolderId"] else None
        )
        expected = None if parent is None else {"name": parent["name"]}
        assert record["campaign"]["folder"] == {"parentFolder": expected}


def test_list_membership_relations(emu: PardotEmulator, api: Api) -> None:
    response = api.query("list-memberships", fields="id,list.name,prospect.email", limit=5)
    for record in response.json()["values"]:
        membership = emu.store.get("list-memberships", record["id"])
        assert membership is not None
        prospect = emu.store.prospect(membership["prospectId"])
        assert prospect is not None
        assert record["prospect"] == {"email": prospect["email"]}
        assert set(record["list"]) == {"name"}


def test_unknown_fields_bare_relations_and_too_many_hops(api: Api) -> None:
    for bad in ("nope", "campaign", "campaign.nope", "createdBy.createdBy.createdBy.createdBy.id"):
        status, code, message = error(api.query("prospects", fields=f"id,{bad}"))
        assert (status, code) == (400, 51)
        assert (
            message == f"Invalid parameter: fields. It contains an invalid or unknown field: {bad}."
        )
    three_hops = api.query("prospects", fields="id,createdBy.createdBy.createdBy.email", limit=1)
    assert three_hops.status_code == 200


def test_multi_valued_custom_fields_only_on_single_read(emu: PardotEmulator, api: Api) -> None:
    for name in ("languages__c", "newsletterTopics__c", "eventsAttended__c"):
        status, code, message = error(api.query("prospects", fields=f"id,{name}"))
        assert (status, code) == (400, 224)
        assert message.startswith("Invalid fields for request type") and name in message
    via_relation = api.query("list-memberships", fields="id,prospect.languages__c")
    assert error(via_relation)[1] == 224
    multi = emu.store.special["multi"]
    read = api.get(f"/api/v5/objects/prospects/{multi}", {"fields": "id,languages__c"})
    assert read.status_code == 200
    assert read.json() == {"id": multi, "languages__c": ["English", "日本語"]}


def test_id_and_datetime_filters(emu: PardotEmulator, api: Api) -> None:
    ids = emu.store.ids()
    pivot = ids[100]
    above = values(api.pages("prospects", fields="id", idGreaterThan=pivot, limit=1000))
    assert [r["id"] for r in above] == ids[101:]
    at_or_below = values(api.pages("prospects", fields="id", idLessThanOrEqualTo=pivot))
    assert [r["id"] for r in at_or_below] == ids[:101]
    stored = emu.store.prospect(pivot)
    assert stored is not None
    since = stored["updatedAt"].astimezone(LA).isoformat()
    newer = values(
        api.pages("prospects", fields="id,updatedAt", updatedAtAfterOrEqualTo=since, limit=1000)
    )
    expected = {
        i for i in ids if (p := emu.store.prospect(i)) and p["updatedAt"] >= stored["updatedAt"]
    }
    assert {r["id"] for r in newer} == expected
    utc_z = stored["updatedAt"].strftime("%Y-%m-%dT%H:%M:%SZ")
    strictly = values(api.pages("prospects", fields="id", updatedAtAfter=utc_z, limit=1000))
    assert pivot not in {r["id"] for r in strictly}
    assert {r["id"] for r in strictly} < expected


def test_datetime_filters_need_an_offset(api: Api) -> None:
    for bad in ("2026-10-01T00:00:00", "2026-10-01", "yesterday", "2026-10-01T00:00:00 05:00"):
        status, code, message = error(api.query("prospects", fields="id", updatedAtAfter=bad))
        assert (status, code) == (400, 51), bad
        assert message.startswith("Invalid parameter: updatedAtAfter.")
    plus = api.query("prospects", fields="id", updatedAtAfter="2026-10-01T00:00:00+05:00")
    assert plus.status_code == 200
    assert "%2B" in str(plus.request.url)


def test_email_filter_is_case_insensitive(emu: PardotEmulator, api: Api) -> None:
    response = api.query("prospects", fields="id,email", email="SAM.LEE@example.COM")
    found = {r["id"] for r in response.json()["values"]}
    assert found == {emu.store.special["case_dup_upper"], emu.store.special["case_dup_lower"]}
    users = api.query("users", fields="id", email="INTEGRATION@sheetsync.example")
    assert len(users.json()["values"]) == 1


def test_name_and_membership_filters(emu: PardotEmulator, api: Api) -> None:
    hot = api.query("lists", fields="id,name", name="hot prospects").json()["values"]
    assert [r["name"] for r in hot] == ["Hot Prospects"]
    list_id = hot[0]["id"]
    members = values(api.pages("list-memberships", fields="id,listId", listId=list_id, limit=1000))
    assert members and all(m["listId"] == list_id for m in members)
    expected = [
        i
        for i in emu.store.ids("list-memberships")
        if (m := emu.store.get("list-memberships", i)) and m["listId"] == list_id
    ]
    assert sorted(m["id"] for m in members) == expected


def test_membership_filters_can_be_switched_off(pardot_emulator: Any) -> None:
    """``membership_filters=False``: listId and prospectId (with their operators) are unknown
    filters of list-memberships, refused like any other (51); its other filters still work."""
    emu = pardot_emulator(prospects=100, seed=7, start=START, membership_filters=False)
    api = Api(emu)
    list_id = emu.store.list_id("Hot Prospects")
    prospect_id = emu.store.ids()[0]
    for name, value in (
        ("listId", list_id),
        ("prospectId", prospect_id),
        ("listIdGreaterThan", 0),
    ):
        status, code, message = error(api.query("list-memberships", fields="id", **{name: value}))
        assert (status, code) == (400, 51), name
        assert message.startswith(f"Invalid parameter: {name}."), message
    every = values(api.pages("list-memberships", fields="id", idGreaterThan=0, limit=1000))
    assert sorted(m["id"] for m in every) == emu.store.ids("list-memberships")
    # Only list-memberships lost them: prospects still filter by id.
    assert api.query("prospects", fields="id", id=prospect_id).status_code == 200
    api.close()


def test_at_most_three_filtered_fields(api: Api) -> None:
    three = api.query(
        "prospects",
        fields="id",
        idGreaterThan=1,
        idLessThan=10**9,  # same field: counts once
        updatedAtAfter="2020-01-01T00:00:00Z",
        createdAtAfter="2020-01-01T00:00:00Z",
    )
    assert three.status_code == 200
    four = api.query(
        "prospects",
        fields="id",
        idGreaterThan=1,
        updatedAtAfter="2020-01-01T00:00:00Z",
        createdAtAfter="2020-01-01T00:00:00Z",
        userId=5,
    )
    status, code, message = error(four)
    assert (status, code) == (400, 209)
    assert message == (
        "Too many fields have filters: The max number of 3 distinct fields with filters was "
        "exceeded for this query."
    )


def test_order_by_with_id_tie_break(emu: PardotEmulator, api: Api) -> None:
    records = values(api.pages("prospects", fields="id,updatedAt", orderBy="updatedAt DESC"))
    keys = [(datetime.fromisoformat(r["updatedAt"]), r["id"]) for r in records]
    assert keys == sorted(keys, key=lambda k: (-k[0].timestamp(), k[1]))
    assert len(keys) == emu.store.count()
    ascending = values(api.pages("prospects", fields="id,updatedAt", orderBy="updatedAt asc"))
    keys_up = [(datetime.fromisoformat(r["updatedAt"]), r["id"]) for r in ascending]
    assert keys_up == sorted(keys_up)
    campaigns = api.query("campaigns", fields="id,name", orderBy="name").json()["values"]
    names = [c["name"].casefold() for c in campaigns]
    assert names == sorted(names)


def test_order_by_errors(api: Api) -> None:
    for bad in ("nope", "email", "updatedAt SIDEWAYS", "updatedAt ASC extra"):
        status, code, message = error(api.query("prospects", fields="id", orderBy=bad))
        assert (status, code) == (400, 51), bad
        assert message.startswith("Invalid parameter: orderBy.")


def test_limit_bounds_and_default(api: Api) -> None:
    assert len(api.query("prospects", fields="id").json()["values"]) == 200
    assert len(api.query("prospects", fields="id", limit=7).json()["values"]) == 7
    for bad in (0, 1001):
        assert error(api.query("prospects", fields="id", limit=bad))[:2] == (400, 52)
    assert error(api.query("prospects", fields="id", limit="ten"))[:2] == (400, 51)


def test_deleted_parameter(emu: PardotEmulator, api: Api) -> None:
    live = {r["id"] for r in values(api.pages("prospects", fields="id", limit=1000))}
    binned = values(api.pages("prospects", fields="id,isDeleted", deleted="true", limit=1000))
    both = {r["id"] for r in values(api.pages("prospects", fields="id", deleted="all"))}
    assert live == set(emu.store.ids())
    assert {r["id"] for r in binned} == set(emu.store.ids(deleted=True))
    assert binned and all(r["isDeleted"] for r in binned)
    assert emu.store.special["deleted"] in {r["id"] for r in binned}
    assert both == live | {r["id"] for r in binned}
    assert error(api.query("prospects", fields="id", deleted="maybe"))[:2] == (400, 51)


def test_unknown_parameters_are_refused(api: Api) -> None:
    status, code, message = error(api.query("prospects", fields="id", colour="red"))
    assert (status, code) == (400, 51)
    assert message.startswith("Invalid parameter: colour.")
    # an operator that does not fit the field's kind is no filter either
    assert error(api.query("prospects", fields="id", emailGreaterThan="a"))[:2] == (400, 51)
    assert error(api.query("prospects", fields="id", idAfter="1"))[:2] == (400, 51)


def test_single_read(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[3]
    response = api.get(f"/api/v5/objects/prospects/{prospect_id}", {"fields": "id,email"})
    assert response.status_code == 200
    stored = emu.store.prospect(prospect_id)
    assert stored is not None
    assert response.json() == {"id": prospect_id, "email": stored["email"]}
    assert error(api.get("/api/v5/objects/prospects/1", {"fields": "id"})) == (
        404,
        109,
        "The requested record was not found.",
    )
    assert error(api.get(f"/api/v5/objects/prospects/{prospect_id}"))[:2] == (400, 13)
    deleted = emu.store.special["deleted"]
    path = f"/api/v5/objects/prospects/{deleted}"
    assert error(api.get(path, {"fields": "id"}))[:2] == (404, 109)
    for flag in ("true", "all"):
        binned = api.get(path, {"fields": "id,isDeleted", "deleted": flag})
        assert binned.json() == {"id": deleted, "isDeleted": True}


def test_other_collections_answer(api: Api) -> None:
    for collection, fields in {
        "users": "id,email,username,role,isDeleted,createdAt",
        "campaigns": "id,name,cost,parentCampaign.name,folder.path",
        "lists": "id,name,title,isDynamic,campaign.name",
        "emails": "id,name,subject,clientType,prospectId,listEmailId,updatedAt",
        "prospect-accounts": "id,name",
        "custom-fields": (
            "id,name,fieldId,apiFieldId,type,isRecordMultipleResponses,isUseValues,isRequired,"
            "isAnalyticsSynced,salesforceId,createdAt,updatedAt,createdById,updatedById"
        ),
    }.items():
        response = api.query(collection, fields=fields, limit=1000)
        assert response.status_code == 200, (collection, response.text)
        body = response.json()
        assert body["values"], collection
        top = {f.split(".")[0] for f in fields.split(",")}
        assert all(set(r) == top for r in body["values"]), collection
    custom = api.query("custom-fields", fields="fieldId,type").json()["values"]
    types = {c["fieldId"]: c["type"] for c in custom}
    assert types["biography"] == "text" and types["hobby"] == "radio button"
    assert types["industrySegment"] == "dropdown" and types["budget"] == "number"
    assert types["languages"] == "multi-select" and types["newsletterTopics"] == "checkbox"
    assert types["externalId"] == "text" and types["customerNo"] == "text"
    unknown = api.query("widgets", fields="id")
    assert error(unknown)[:2] == (404, 198)
