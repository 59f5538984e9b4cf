"""Deterministic, realistic demo data: users, folders, campaigns, lists, custom fields, prospect
accounts, prospects, list memberships and emails.

The same ``(prospects, seed, anchor)`` always gives the same data. ``anchor`` is the epoch second
the data is "as of" (the emulator clock's start): every timestamp lies before it, ``updatedAt``
spread over the ~9 months before it, ``createdAt <= updatedAt``.

Besides ordinary records, named hard cases (``GeneratedData.special``: name -> prospect id) land on
seed-chosen prospects when there are enough of them (>= 40): Japanese, accented and emoji names,
``+tag`` e-mails, one address in two letter cases, phones and zip codes with leading ``0``/``+``,
formula-like text, an 18-digit number and leading-zero text in custom fields, a 60,000-character
``comments`` (an emoji straddles the 50,000th UTF-16 unit), a prospect with only an e-mail, a
deleted one, multi-valued custom fields. About 2% of prospects are in the recycle bin, and a bulk
of prospects (``BULK_SHARE``, >= 1000 when there are enough) share one ``updatedAt`` second.
"""

from __future__ import annotations

import random
from typing import Any

from .pools import (
    BIOGRAPHIES,
    CAMPAIGN_NAMES,
    COMPANIES,
    DOMAINS,
    EMPLOYEES,
    EVENTS,
    FIRST_NAMES,
    GRADES,
    HOBBIES,
    INDUSTRIES,
    INTERACTIONS,
    JOB_TITLES,
    LANGUAGES,
    LAST_NAMES,
    LIST_NAMES,
    PLACES,
    REVENUES,
    SEGMENTS,
    SOURCES,
    TOPICS,
)
from .store import GeneratedData, Record

DAY = 86_400
FIRST_PROSPECT_ID = 55_389_571
FIRST_MEMBERSHIP_ID = 140_000_001
INTEGRATION_USER_ID = 1_000_001

# (fieldId, name, type, isRecordMultipleResponses)
CUSTOM_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("biography", "Biography", "text", False),
    ("hobby", "Hobby", "radio button", False),
    ("industrySegment", "Industry Segment", "dropdown", False),
    ("budget", "Budget", "number", False),
    ("languages", "Languages", "multi-select", False),
    ("externalId", "External ID", "text", False),
    ("customerNo", "Customer No", "text", False),
    ("newsletterTopics", "Newsletter Topics", "checkbox", False),
    ("eventsAttended", "Events Attended", "text", True),
)

SPECIAL_CASES = (
    "japanese", "accented", "emoji", "plus_tag", "case_dup_upper", "case_dup_lower",
    "phone_zero", "phone_plus", "zip_zero", "formula", "big_number", "long_comments", "nulls",
    "deleted", "multi", "hobby",
)  # fmt: skip

BULK_SHARE = 0.03  # share of prospects that share one updatedAt second


def long_comment() -> str:
    """60,000 characters; an emoji (two UTF-16 units) sits on UTF-16 units 49,999-50,000."""
    head = ("Lorem ipsum dolor sit amet, " * 2000)[:49_999]
    tail = "😀" + ("consectetur adipiscing elit, " * 400)
    return (head + tail)[:60_000]


def generate(prospects: int, seed: int, anchor: int) -> GeneratedData:
    rng = random.Random(seed)  # nosec B311  # seeded fake data: same seed, same data
    tables: dict[str, dict[int, Record]] = {}
    users = _users(rng, anchor)
    user_ids = list(users)
    folders = _folders(anchor)
    campaigns = _campaigns(rng, anchor, user_ids, list(folders))
    lists = _lists(rng, anchor, user_ids, list(campaigns), list(folders))
    custom = _custom_fields(anchor)
    accounts = _accounts(rng, anchor, user_ids)
    people, special = _prospects(rng, prospects, anchor, user_ids, list(campaigns), list(accounts))
    memberships = _memberships(rng, people, list(lists), user_ids, anchor)
    tables["users"] = users
    tables["folders"] = folders
    tables["campaigns"] = campaigns
    tables["lists"] = lists
    tables["custom-fields"] = custom
    tables["prospect-accounts"] = accounts
    tables["prospects"] = people
    tables["list-memberships"] = memberships
    tables["emails"] = _emails(rng, anchor, list(people), list(campaigns), user_ids)
    return GeneratedData(tables, special)


def _stamp(rng: random.Random, anchor: int, max_days: float) -> tuple[int, int]:
    updated = anchor - 60 - int(rng.random() * max_days * DAY)
    created = updated - int(rng.random() * 400 * DAY)
    return created, updated


def _users(rng: random.Random, anchor: int) -> dict[int, Record]:
    people = (
        ("Integration", "User", "Administrator"), ("Alice", "Nakamura", "Administrator"),
        ("Bob", "Martínez", "Marketing"), ("Chloé", "Dupont", "Marketing"),
        ("David", "Kim", "Sales"), ("Eve", "O'Neil", "Sales"), ("Frank", "Müller", "Sales"),
        ("Grace", "Hopper", "Sales Manager"), ("Hana", "田中", "Sales"),
        ("Ivan", "Petrov", "Sales"),
    )  # fmt: skip
    out: dict[int, Record] = {}
    for i, (first, last, role) in enumerate(people):
        uid = INTEGRATION_USER_ID + i
        created, updated = _stamp(rng, anchor, 700)
        slug = "integration" if i == 0 else f"user{i}"
        rec: Record = {
            "id": uid,
            "email": f"{slug}@sheetsync.example",
            "username": f"{slug}@sheetsync.example",
            "firstName": first,
            "lastName": last,
            "role": role,
            "roleName": role,
            "tagReplacementLanguage": "English",
            "createdAt": created,
            "updatedAt": updated,
            "createdById": INTEGRATION_USER_ID,
            "updatedById": INTEGRATION_USER_ID,
        }
        if i:
            rec["jobTitle"] = role
            rec["salesforceId"] = f"0055e00000{i:08d}"
        if i == 9:
            rec["isDeleted"] = True
        out[uid] = rec
    return out


def _folders(anchor: int) -> dict[int, Record]:
    spec = ((3001, "Campaigns", None), (3002, "2026", 3001), (3003, "Lists", None))
    out: dict[int, Record] = {}
    for fid, name, parent in spec:
        path = "/" + name if parent is None else f"/Campaigns/{name}"
        rec: Record = {
            "id": fid,
            "name": name,
            "path": path,
            "createdAt": anchor - 800 * DAY,
            "updatedAt": anchor - 800 * DAY,
            "createdById": INTEGRATION_USER_ID,
            "updatedById": INTEGRATION_USER_ID,
        }
        if parent is not None:
            rec["parentFolderId"] = parent
        out[fid] = rec
    return out


def _campaigns(
    rng: random.Random, anchor: int, users: list[int], folders: list[int]
) -> dict[int, Record]:
    out: dict[int, Record] = {}
    for i, name in enumerate(CAMPAIGN_NAMES):
        cid = 10_001 + i
        created, updated = _stamp(rng, anchor, 500)
        rec: Record = {
            "id": cid,
            "name": name,
            "folderId": folders[i % 2],
            "createdAt": created,
            "updatedAt": updated,
            "createdById": rng.choice(users[:4]),
            "updatedById": rng.choice(users[:4]),
        }
        if i % 3:
            rec["cost"] = round(rng.uniform(100, 25_000), 2)
        if i >= 15:
            rec["parentCampaignId"] = 10_001 + i % 5
        if i % 4 == 0:
            rec["salesforceId"] = f"7015e00000{cid:08d}"
        if i == 19:
            rec["isDeleted"] = True
        out[cid] = rec
    return out


def _lists(
    rng: random.Random, anchor: int, users: list[int], campaigns: list[int], folders: list[int]
) -> dict[int, Record]:
    out: dict[int, Record] = {}
    for i, name in enumerate(LIST_NAMES):
        lid = 20_001 + i
        created, updated = _stamp(rng, anchor, 300)
        rec: Record = {
            "id": lid,
            "name": name,
            "title": name if i % 2 == 0 else None,
            "description": f"{name} (managed by marketing ops)" if i < 4 else None,
            "isPublic": i % 2 == 0,
            "isDynamic": name in ("Hot Prospects", "Dormant"),
            "isSalesforceVisible": i < 3,
            "folderId": folders[2],
            "campaignId": campaigns[i],
            "createdAt": created,
            "updatedAt": updated,
            "createdById": users[1],
            "updatedById": users[1],
        }
        out[lid] = {k: v for k, v in rec.items() if v is not None and v is not False}
    return out


def _custom_fields(anchor: int) -> dict[int, Record]:
    out: dict[int, Record] = {}
    for i, (field_id, name, kind, multiple) in enumerate(CUSTOM_FIELDS):
        cid = 247_666 + 6 * i
        rec: Record = {
            "id": cid,
            "name": name,
            "fieldId": field_id,
            "apiFieldId": f"{field_id}__c",
            "type": kind,
            "isRecordMultipleResponses": multiple,
            "isUseValues": kind in ("radio button", "dropdown", "multi-select", "checkbox"),
            "isRequired": False,
            "isAnalyticsSynced": i < 2,
            "createdAt": anchor - (900 - i) * DAY,
            "updatedAt": anchor - (300 - i) * DAY,
            "createdById": INTEGRATION_USER_ID,
            "updatedById": INTEGRATION_USER_ID,
        }
        if i < 3:
            rec["salesforceId"] = f"{field_id}__c"
        out[cid] = {k: v for k, v in rec.items() if v is not False}
    return out


def _accounts(rng: random.Random, anchor: int, users: list[int]) -> dict[int, Record]:
    out: dict[int, Record] = {}
    for i in range(40):
        aid = 40_001 + i
        created, updated = _stamp(rng, anchor, 400)
        out[aid] = {
            "id": aid,
            "name": f"{COMPANIES[i % len(COMPANIES)]} #{i + 1}",
            "createdAt": created,
            "updatedAt": updated,
            "createdById": users[1],
            "updatedById": users[1],
        }
    return out


def _phone(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"+1 415 555 {rng.randrange(10_000):04d}"
    if kind == 1:
        return f"03-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"
    if kind == 2:
        return f"+81 3 {rng.randrange(10_000):04d} {rng.randrange(10_000):04d}"
    return f"020 7946 {rng.randrange(10_000):04d}"


def _prospects(
    rng: random.Random,
    count: int,
    anchor: int,
    users: list[int],
    campaigns: list[int],
    accounts: list[int],
) -> tuple[dict[int, Record], dict[str, int]]:
    rnd = rng.random
    out: dict[int, Record] = {}
    ids: list[int] = []
    pid = FIRST_PROSPECT_ID
    assignable = users[1:9]
    for i in range(count):
        if i:
            pid += 1 + int(rnd() * 3)  # gaps, as after purges
        first, first_ascii = FIRST_NAMES[int(rnd() * len(FIRST_NAMES))]
        last, last_ascii = LAST_NAMES[int(rnd() * len(LAST_NAMES))]
        updated = anchor - 60 - int(rnd() * rnd() * 270 * DAY)
        created = updated - int(rnd() * rnd() * 3 * 365 * DAY)
        rec: Record = {
            "id": pid,
            "email": f"{first_ascii}.{last_ascii}{i}@{DOMAINS[int(rnd() * len(DOMAINS))]}",
            "firstName": first,
            "lastName": last,
            "score": int(rnd() * rnd() * 220),
            "createdAt": created,
            "updatedAt": updated,
            "createdById": users[int(rnd() * 4)],
            "updatedById": users[int(rnd() * 4)],
        }
        r = rnd()
        if r < 0.85:
            rec["company"] = COMPANIES[int(rnd() * len(COMPANIES))]
        if r < 0.75:
            rec["jobTitle"] = JOB_TITLES[int(rnd() * len(JOB_TITLES))]
        if rnd() < 0.7:
            rec["phone"] = _phone(rng)
        if rnd() < 0.8:
            city, state, zip_code, country = PLACES[int(rnd() * len(PLACES))]
            rec["city"] = city
            if state is not None:
                rec["state"] = state
            rec["zip"] = zip_code
            rec["country"] = country
        if rnd() < 0.6:
            rec["grade"] = GRADES[int(rnd() * len(GRADES))]
            rec["industry"] = INDUSTRIES[int(rnd() * len(INDUSTRIES))]
        if rnd() < 0.5:
            rec["source"] = SOURCES[int(rnd() * len(SOURCES))]
        if rnd() < 0.25:
            rec["annualRevenue"] = REVENUES[int(rnd() * len(REVENUES))]
            rec["employees"] = EMPLOYEES[int(rnd() * len(EMPLOYEES))]
            rec["website"] = f"https://www.{DOMAINS[int(rnd() * len(DOMAINS))]}/"
        if rnd() < 0.8:
            rec["campaignId"] = campaigns[int(rnd() * len(campaigns))]
        if rnd() < 0.5:
            owner = assignable[int(rnd() * len(assignable))]
            rec["assignedToId"] = owner
            rec["userId"] = owner
            rec["firstAssignedAt"] = created + int(rnd() * (updated - created))
        if rnd() < 0.4:
            rec["prospectAccountId"] = accounts[int(rnd() * len(accounts))]
            rec["salesforceId"] = f"00Q5e00000{i:08d}"
            rec["salesforceLeadId"] = rec["salesforceId"]
            rec["salesforceUrl"] = f"https://example.my.salesforce.com/{rec['salesforceId']}"
        if rnd() < 0.6:
            last_activity = created + int(rnd() * (updated - created))
            rec["lastActivityAt"] = last_activity
            rec["firstActivityAt"] = created + int(rnd() * (last_activity - created))
            rec["recentInteraction"] = INTERACTIONS[int(rnd() * len(INTERACTIONS))]
        if rnd() < 0.05:
            rec["optedOut"] = True
        if rnd() < 0.03:
            rec["isDoNotEmail"] = True
        if rnd() < 0.03:
            rec["isEmailHardBounced"] = True
            rec["emailBouncedAt"] = updated
            rec["emailBouncedReason"] = "550 mailbox unavailable"
        _custom_values(rng, rec, i)
        if rnd() < 0.02:
            rec["isDeleted"] = True
        out[pid] = rec
        ids.append(pid)
    special = _special_cases(rng, out, ids, anchor)
    _bulk_second(rng, out, ids, anchor)
    return out, special


def _custom_values(rng: random.Random, rec: Record, i: int) -> None:
    rnd = rng.random
    if rnd() < 0.2:
        rec["biography__c"] = BIOGRAPHIES[int(rnd() * len(BIOGRAPHIES))]
    if rnd() < 0.4:
        rec["hobby__c"] = HOBBIES[int(rnd() * len(HOBBIES))]
    if rnd() < 0.5:
        rec["industrySegment__c"] = SEGMENTS[int(rnd() * len(SEGMENTS))]
    if rnd() < 0.3:
        rec["budget__c"] = int(rnd() * 200) * 500 if rnd() < 0.5 else round(rnd() * 90_000, 2)
    if rnd() < 0.3:
        rec["languages__c"] = rng.sample(LANGUAGES, 1 + int(rnd() * 3))
    if rnd() < 0.5:
        rec["externalId__c"] = str(rng.randrange(10**17, 10**18))
        rec["customerNo__c"] = f"{i % 9_999_999:07d}"
    if rnd() < 0.15:
        rec["newsletterTopics__c"] = rng.sample(TOPICS, 1 + int(rnd() * 2))
    if rnd() < 0.1:
        rec["eventsAttended__c"] = rng.sample(EVENTS, 1 + int(rnd() * 2))


def _special_cases(
    rng: random.Random, out: dict[int, Record], ids: list[int], anchor: int
) -> dict[str, int]:
    if len(ids) < 40:
        return {}
    chosen = rng.sample(ids, len(SPECIAL_CASES))
    special = dict(zip(SPECIAL_CASES, chosen, strict=True))
    changes: dict[str, dict[str, Any]] = {
        "japanese": {
            "firstName": "太郎",
            "lastName": "山田",
            "company": "株式会社サンプル",
            "city": "東京",
            "email": "taro.yamada@mail.example.jp",
        },
        "accented": {
            "firstName": "José",
            "lastName": "Núñez-Müller",
            "company": "Café Olé S.A.",
            "city": "Zürich",
        },
        "emoji": {
            "firstName": "Ana 🚀",
            "company": "Rocket 🚀 Labs",
            "comments": "Loves ☕ and 🎉 — ask about 🐍",
        },
        "plus_tag": {"email": "jane.doe+newsletter@example.com"},
        "case_dup_upper": {"email": "Sam.Lee@Example.com", "firstName": "Sam", "lastName": "Lee"},
        "case_dup_lower": {"email": "sam.lee@example.com", "firstName": "Sam", "lastName": "Lee"},
        "phone_zero": {"phone": "0312345678"},
        "phone_plus": {"phone": "+81 3-1234-5678"},
        "zip_zero": {"zip": "02134", "city": "Boston", "state": "MA", "country": "USA"},
        "formula": {
            "company": '=HYPERLINK("http://x.example","y")',
            "firstName": "+Plus",
            "lastName": "-x-",
            "jobTitle": "@x",
            "notes": "=1+1",
        },
        "big_number": {"externalId__c": "123456789012345678", "customerNo__c": "000123"},
        "long_comments": {"comments": long_comment()},
        "deleted": {"isDeleted": True},
        "multi": {
            "languages__c": ["English", "日本語"],
            "newsletterTopics__c": ["Events"],
            "eventsAttended__c": ["Dreamforce 2025", "Tokyo meetup"],
        },
        "hobby": {"hobby__c": "swimming", "biography__c": BIOGRAPHIES[0]},
    }
    for name, values in changes.items():
        rec = out[special[name]]
        if name != "deleted":
            rec.pop("isDeleted", None)
        rec.update(values)
    keep = ("id", "email", "createdAt", "updatedAt", "createdById", "updatedById")
    bare = out[special["nulls"]]
    for key in [k for k in bare if k not in keep]:
        del bare[key]
    return special


def _bulk_second(rng: random.Random, out: dict[int, Record], ids: list[int], anchor: int) -> None:
    """Many prospects updated in the same second (a bulk import)."""
    share = min(len(ids) // 4, max(300, int(len(ids) * BULK_SHARE)))
    second = anchor - 30 * DAY - 7 * 3600
    for pid in rng.sample(ids, share):
        rec = out[pid]
        rec["updatedAt"] = second
        rec["createdAt"] = min(rec["createdAt"], second)
        for key in ("lastActivityAt", "firstActivityAt", "firstAssignedAt", "emailBouncedAt"):
            if key in rec:
                rec[key] = min(rec[key], second)


def _memberships(
    rng: random.Random,
    prospects: dict[int, Record],
    lists: list[int],
    users: list[int],
    anchor: int,
) -> dict[int, Record]:
    rnd = rng.random
    out: dict[int, Record] = {}
    mid = FIRST_MEMBERSHIP_ID
    weights = (0.15, 0.4, 0.7, 0.9)  # cumulative: 0..4 lists, about 1.85 on average
    hot = lists[0]
    for pid, prospect in prospects.items():
        r = rnd()
        k = 0
        while k < 4 and r >= weights[k]:
            k += 1
        chosen = rng.sample(lists, k) if k else []
        if prospect.get("score", 0) >= 150 and hot not in chosen:
            chosen.append(hot)
        base = prospect["createdAt"]
        for list_id in chosen:
            created = base + int(rnd() * (anchor - 60 - base))
            rec: Record = {
                "id": mid,
                "listId": list_id,
                "prospectId": pid,
                "createdAt": created,
                "updatedAt": created + int(rnd() * (anchor - 60 - created)),
                "createdById": users[int(rnd() * 3)],
                "updatedById": users[int(rnd() * 3)],
            }
            if rnd() < 0.03:
                rec["optedOut"] = True
            if rnd() < 0.05:
                rec["isDeleted"] = True
            out[mid] = rec
            mid += 1
    return out


def _emails(
    rng: random.Random, anchor: int, prospects: list[int], campaigns: list[int], users: list[int]
) -> dict[int, Record]:
    subjects = (
        ("Sending first email ever", "Few Moments Later"),
        ("Second email, on the roll", "Second email, unbelievable"),
        ("Welcome series 1", "Welcome to Acme!"),
        ("Webinar invite", "Join us: Spring Webinar 2026"),
        ("Japan newsletter", "ニュースレター 11月号"),
        ("Renewal reminder", "Your renewal is coming up 🔔"),
    )
    out: dict[int, Record] = {}
    eid = 34_277_860
    for i in range(30):
        name, subject = subjects[i % len(subjects)]
        created, updated = _stamp(rng, anchor, 200)
        rec: Record = {
            "id": eid,
            "name": name if i < len(subjects) else f"{name} #{i}",
            "subject": subject,
            "clientType": "Web" if i < 2 else ("Web", "Builder", "Outlook", "Gmail")[i % 4],
            "createdAt": created,
            "updatedAt": updated,
            "sentAt": updated,
            "createdById": users[i % 3],
        }
        if i >= 2 and prospects:
            rec["prospectId"] = prospects[int(rng.random() * len(prospects))]
        if i % 5 == 3:
            rec["listEmailId"] = 9_100_000 + i
            rec["campaignId"] = campaigns[i % len(campaigns)]
        if i % 7 == 6:
            rec["isOperational"] = True
        out[eid] = rec
        eid += 3
    return out
