"""Writes through the API (prospects, list memberships, recycle bin) and the store helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import Api, error, values

PROSPECTS = "/api/v5/objects/prospects"
MEMBERSHIPS = "/api/v5/objects/list-memberships"


def test_create_prospect(emu: PardotEmulator, api: Api) -> None:
    now = emu.clock.freeze()
    created = api.post(
        PROSPECTS, {"email": "new.person@example.com", "firstName": "Neu", "score": 5}
    )
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "email"} and body["email"] == "new.person@example.com"
    stored = emu.store.prospect(body["id"])
    assert stored is not None
    assert stored["firstName"] == "Neu" and stored["score"] == 5
    assert stored["createdAt"] == stored["updatedAt"] == now.replace(microsecond=0)
    with_fields = api.post(
        PROSPECTS, {"email": "b@example.com", "zip": "02134"}, {"fields": "id,email,zip,isDeleted"}
    )
    assert with_fields.status_code == 201
    assert set(with_fields.json()) == {"id", "email", "zip", "isDeleted"}
    assert with_fields.json()["zip"] == "02134"


def test_create_errors(api: Api) -> None:
    assert error(api.post(PROSPECTS, {"firstName": "No email"})) == (
        400,
        153,
        "Missing required property in request: email",
    )
    for field, value in (("grade", "A"), ("id", 5), ("updatedAt", "2026-01-01"), ("nope", 1)):
        status, code, message = error(api.post(PROSPECTS, {"email": "x@example.com", field: value}))
        assert (status, code, message) == (400, 154, f"Invalid property in request: {field}")
    status, code, message = error(api.post(PROSPECTS, {"email": "x@example.com", "score": "high"}))
    assert (status, code) == (400, 154) and message.startswith("Invalid property in request: score")
    bad_json = api.http.post(
        PROSPECTS, content=b"{nope", headers={**api.headers(), "Content-Type": "application/json"}
    )
    assert error(bad_json)[:2] == (400, 150)
    form = api.http.post(PROSPECTS, data={"email": "x@example.com"}, headers=api.headers())
    assert error(form)[:2] == (400, 151)
    empty = api.http.post(
        PROSPECTS, content=b"", headers={**api.headers(), "Content-Type": "application/json"}
    )
    assert error(empty)[:2] == (400, 152)
    campaign = api.post(PROSPECTS, {"email": "x@example.com", "campaignId": 1})
    assert error(campaign)[:2] == (400, 154)


def test_patch_changes_only_given_fields_and_bumps_updated_at(
    emu: PardotEmulator, api: Api
) -> None:
    prospect_id = emu.store.ids()[0]
    before = emu.store.prospect(prospect_id)
    assert before is not None
    emu.clock.advance(60)
    now = emu.clock.freeze()
    response = api.patch(
        f"{PROSPECTS}/{prospect_id}",
        {"jobTitle": "Chief Tester", "phone": None},
        {"fields": "id,jobTitle"},
    )
    assert response.status_code == 200
    assert response.json() == {"id": prospect_id, "jobTitle": "Chief Tester"}
    after = emu.store.prospect(prospect_id)
    assert after is not None
    assert after["updatedAt"] == now.replace(microsecond=0) > before["updatedAt"]
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"jobTitle", "phone", "updatedAt", "updatedById"}
    assert after["jobTitle"] == "Chief Tester" and after["phone"] is None
    assert error(api.patch(f"{PROSPECTS}/1", {"firstName": "x"})) == (
        404,
        109,
        "The requested record was not found.",
    )
    assert error(api.patch(f"{PROSPECTS}/{prospect_id}", {"isDeleted": True}))[:2] == (400, 154)


def test_delete_to_recycle_bin_and_undelete(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[1]
    deleted = api.delete(f"{PROSPECTS}/{prospect_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert error(api.get(f"{PROSPECTS}/{prospect_id}", {"fields": "id"}))[:2] == (404, 109)
    assert error(api.delete(f"{PROSPECTS}/{prospect_id}"))[:2] == (404, 109)
    assert error(api.patch(f"{PROSPECTS}/{prospect_id}", {"firstName": "x"})) == (
        400,
        219,
        "Deleted records can't be updated. Please undelete before updating.",
    )
    binned = values(api.pages("prospects", fields="id", deleted="true", limit=1000))
    assert prospect_id in {r["id"] for r in binned}
    assert prospect_id not in {r["id"] for r in values(api.pages("prospects", fields="id"))}
    undeleted = api.post(f"{PROSPECTS}/{prospect_id}/do/undelete", None, {"fields": "id,isDeleted"})
    assert undeleted.status_code == 200
    assert undeleted.json() == {"id": prospect_id, "isDeleted": False}
    assert emu.store.prospect(prospect_id)["isDeleted"] is False  # type: ignore[index]
    assert error(api.post(f"{PROSPECTS}/{prospect_id}/do/explode", None))[:2] == (400, 205)


def test_memberships_write_and_soft_delete(emu: PardotEmulator, api: Api) -> None:
    store = emu.store
    list_id = store.list_id("Partners")
    members = {
        m["prospectId"]
        for i in store.ids("list-memberships")
        if (m := store.get("list-memberships", i)) and m["listId"] == list_id
    }
    prospect_id = next(i for i in store.ids() if i not in members)
    prospect_before = store.prospect(prospect_id)
    assert prospect_before is not None
    emu.clock.advance(30)
    created = api.post(MEMBERSHIPS, {"listId": list_id, "prospectId": prospect_id})
    assert created.status_code == 201
    membership_id = created.json()["id"]
    assert created.json() == {"id": membership_id, "listId": list_id, "prospectId": prospect_id}
    duplicate = api.post(MEMBERSHIPS, {"listId": list_id, "prospectId": prospect_id})
    assert error(duplicate) == (
        400,
        58,
        "That prospect is already a member of that list. Update the membership instead.",
    )
    patched = api.patch(
        f"{MEMBERSHIPS}/{membership_id}", {"optedOut": True}, {"fields": "optedOut"}
    )
    assert patched.json() == {"optedOut": True}
    assert error(api.patch(f"{MEMBERSHIPS}/{membership_id}", {"listId": 1}))[:2] == (400, 154)
    assert api.delete(f"{MEMBERSHIPS}/{membership_id}").status_code == 204
    gone = api.query("list-memberships", fields="id", prospectId=prospect_id).json()["values"]
    assert membership_id not in {r["id"] for r in gone}
    binned = api.query(
        "list-memberships", fields="id,isDeleted", prospectId=prospect_id, deleted="all"
    ).json()["values"]
    assert {"id": membership_id, "isDeleted": True} in binned
    # membership changes leave the prospect's updatedAt alone
    assert store.prospect(prospect_id) == prospect_before
    # a removed membership does not block a new one
    assert api.post(MEMBERSHIPS, {"listId": list_id, "prospectId": prospect_id}).status_code == 201
    assert error(api.post(MEMBERSHIPS, {"listId": list_id}))[:2] == (400, 153)
    assert error(api.post(MEMBERSHIPS, {"listId": 1, "prospectId": prospect_id}))[:2] == (400, 154)


def test_read_only_collections_refuse_writes(api: Api) -> None:
    assert error(api.post("/api/v5/objects/campaigns", {"name": "x"})) == (
        405,
        60,
        "Invalid HTTP request method",
    )


def test_store_helpers(emu: PardotEmulator) -> None:
    store = emu.store
    now = emu.clock.freeze()
    first, second, third = store.ids()[:3]
    updated = store.update_prospect(first, company="Helper Inc", budget__c=12)
    assert updated["company"] == "Helper Inc" and updated["budget__c"] == 12
    assert updated["updatedAt"] == now.replace(microsecond=0)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    store.set_updated_at([second, third], when)
    assert store.prospect(second)["updatedAt"] == when  # type: ignore[index]
    store.delete_prospect(second)
    assert second in store.ids(deleted=True) and second not in store.ids()
    assert second in store.ids(deleted="all")
    store.undelete_prospect(second)
    assert second in store.ids()
    store.purge_prospect(third)
    assert store.prospect(third) is None and third not in store.ids(deleted="all")
    new_id = store.add_prospect(email="helper@example.com", updatedAt=now - timedelta(days=1))
    assert store.prospect(new_id)["updatedAt"] == (now - timedelta(days=1)).replace(microsecond=0)  # type: ignore[index]
    assert store.find("prospects", email="helper@example.com") == [new_id]
    membership = store.add_membership(store.list_id("Hot Prospects"), new_id)
    assert store.get("list-memberships", membership)["isDeleted"] is False  # type: ignore[index]
    store.delete_membership(membership)
    assert membership in store.ids("list-memberships", deleted=True)


def test_api_sees_store_changes_immediately(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[4]
    emu.store.update_prospect(prospect_id, firstName="Changed")
    read = api.get(f"{PROSPECTS}/{prospect_id}", {"fields": "firstName"})
    assert read.json() == {"firstName": "Changed"}
