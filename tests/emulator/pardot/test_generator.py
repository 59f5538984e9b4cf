"""The data generator: deterministic, realistic, and full of the hard cases."""

from __future__ import annotations

import time
from collections import Counter

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.emulator.pardot.generator import generate, long_comment

from .conftest import START

ANCHOR = int(START.timestamp())


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = generate(500, 7, ANCHOR)
    again = generate(500, 7, ANCHOR)
    other = generate(500, 8, ANCHOR)
    assert first.tables == again.tables and first.special == again.special
    assert first.tables["prospects"] != other.tables["prospects"]
    assert len(first.tables["prospects"]) == 500


def test_emulators_with_the_same_seed_and_start_agree() -> None:
    with PardotEmulator(prospects=80, seed=3, start=START) as a:
        b = PardotEmulator(prospects=80, seed=3, start=START)
        assert a.store.ids(deleted="all") == b.store.ids(deleted="all")
        assert all(a.store.prospect(i) == b.store.prospect(i) for i in a.store.ids(deleted="all"))


def test_reference_data() -> None:
    data = generate(200, 1, ANCHOR)
    tables = data.tables
    assert 8 <= len(tables["users"]) <= 12
    assert all("@" in u["email"] for u in tables["users"].values())
    assert 15 <= len(tables["campaigns"]) <= 25
    assert "Hot Prospects" in {lst["name"] for lst in tables["lists"].values()}
    custom = {c["fieldId"]: c for c in tables["custom-fields"].values()}
    assert {
        "biography",
        "hobby",
        "industrySegment",
        "budget",
        "languages",
        "externalId",
        "customerNo",
    } <= set(custom)
    assert custom["biography"]["id"] == 247666 and custom["hobby"]["id"] == 247672
    memberships = list(tables["list-memberships"].values())
    assert 1.0 <= len(memberships) / 200 <= 3.5
    assert any(m.get("isDeleted") for m in memberships)


def test_prospects_are_realistic_and_consistent() -> None:
    prospects = list(generate(2000, 5, ANCHOR).tables["prospects"].values())
    assert all(p["createdAt"] <= p["updatedAt"] < ANCHOR for p in prospects)
    span_days = (ANCHOR - min(p["updatedAt"] for p in prospects)) / 86_400
    assert 60 <= span_days <= 300  # spread over the months before the start
    scores = [p["score"] for p in prospects if "score" in p]
    assert all(isinstance(s, int) and 0 <= s <= 220 for s in scores)
    grades = {p["grade"] for p in prospects if "grade" in p}
    assert {"A+", "B", "C-"} <= grades
    deleted = sum(1 for p in prospects if p.get("isDeleted"))
    assert 10 <= deleted <= 100
    same_second = Counter(p["updatedAt"] for p in prospects).most_common(1)[0][1]
    assert same_second >= 300  # a bulk import: more than a page shares one second
    assert any(not p.get("phone") for p in prospects) and any(p.get("phone") for p in prospects)
    assert any(str(p.get("zip", "")).startswith("0") for p in prospects)
    assert any(any(ord(ch) > 0x3000 for ch in p["lastName"]) for p in prospects)  # Japanese


def test_hard_cases() -> None:
    data = generate(300, 7, ANCHOR)
    people = data.tables["prospects"]
    special = {name: people[pid] for name, pid in data.special.items()}
    assert special["japanese"]["firstName"] == "太郎"
    assert "é" in special["accented"]["firstName"]
    assert "🚀" in special["emoji"]["company"]
    assert "+" in special["plus_tag"]["email"].split("@")[0]
    upper, lower = special["case_dup_upper"]["email"], special["case_dup_lower"]["email"]
    assert upper != lower and upper.lower() == lower
    assert special["phone_zero"]["phone"].startswith("0")
    assert special["phone_plus"]["phone"].startswith("+")
    assert special["zip_zero"]["zip"] == "02134"
    formula = special["formula"]
    assert formula["company"] == '=HYPERLINK("http://x.example","y")'
    assert (formula["firstName"], formula["lastName"], formula["jobTitle"]) == (
        "+Plus",
        "-x-",
        "@x",
    )
    assert special["big_number"]["externalId__c"] == "123456789012345678"
    comments = special["long_comments"]["comments"]
    assert len(comments) == 60_000 and comments == long_comment()
    utf16 = comments.encode("utf-16-le")
    assert utf16[49_999 * 2 : 50_001 * 2].decode("utf-16-le") == "😀"  # straddles 50,000
    assert set(special["nulls"]) == {
        "id",
        "email",
        "createdAt",
        "updatedAt",
        "createdById",
        "updatedById",
    }
    assert special["deleted"]["isDeleted"] is True
    assert special["multi"]["languages__c"] == ["English", "日本語"]
    assert special["hobby"]["hobby__c"] == "swimming"
    assert all(not special[n].get("isDeleted") for n in special if n != "deleted")


def test_hundred_thousand_prospects() -> None:
    began = time.perf_counter()
    data = generate(100_000, 7, ANCHOR)
    print(f"generated 100,000 prospects in {time.perf_counter() - began:.2f} s")
    assert len(data.tables["prospects"]) == 100_000
    assert len(set(data.tables["prospects"])) == 100_000
