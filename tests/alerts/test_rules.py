"""The pure rule evaluation: old cells from the sheet, new values from Pardot."""

from __future__ import annotations

from typing import Any

from sheetsync.alerts.rules import RecordChange, evaluate, evaluate_failures, new_side_holds
from sheetsync.mapping.alerts import AlertRule


def rule(**fields: Any) -> AlertRule:
    return AlertRule.model_validate({"name": "r", "notify": "sales", **fields})


def change(pid: int, old: dict[str, Any], new: dict[str, Any], entered: bool = False) -> Any:
    return RecordChange(pid, f"p{pid}@example.com", pid + 1, entered, old, new)


def shown_as_is(field: str, value: Any) -> Any:
    return value


def fired(r: AlertRule, *changes: RecordChange, shown: Any = shown_as_is) -> list[int]:
    events = evaluate([r], list(changes), shown)
    return [h.record_id for e in events for h in e.hits]


def test_rises_to_fires_only_when_crossing() -> None:
    r = rule(field="score", rises_to=100)
    assert fired(
        r,
        change(1, {"score": 99}, {"score": 100}),  # crosses
        change(2, {"score": 100}, {"score": 150}),  # was already there
        change(3, {"score": 50}, {"score": 99}),  # stays below
        change(4, {"score": None}, {"score": 120}),  # nothing shown before: no crossing
        change(5, {"score": "80"}, {"score": "120"}),  # numeric text on both sides counts
        change(6, {}, {"score": 120}),  # the score cell did not change
    ) == [1, 5]


def test_falls_below() -> None:
    r = rule(field="score", falls_below=50)
    assert fired(
        r, change(1, {"score": 50}, {"score": 49}), change(2, {"score": 40}, {"score": 30})
    ) == [1]


def test_becomes_compares_pardot_values_and_what_the_sheet_showed() -> None:
    r = rule(field="grade", becomes=["A", "A+"])
    # The column maps A and A+ to "Hot": the sheet showing Hot already means no news.
    hot = {"A": "Hot", "A+": "Hot", "B": "Warm"}

    def shown(field: str, value: Any) -> Any:
        return hot.get(value, value)

    assert fired(
        r,
        change(1, {"grade": "Warm"}, {"grade": "A"}),
        change(2, {"grade": "Warm"}, {"grade": "B+"}),
        change(3, {"grade": "Cold"}, {"grade": "A+"}),
        shown=shown,
    ) == [1, 3]


def test_enters_and_where() -> None:
    r = rule(enters=True, where=["country = France"])
    assert fired(
        r,
        change(1, {}, {"country": "France"}, entered=True),
        change(2, {}, {"country": "Spain"}, entered=True),
        change(3, {"score": 1}, {"country": "France"}),
    ) == [1]


def test_changes_with_where_is_a_form_driven_update() -> None:
    r = rule(field="lastActivityAt", changes=True, where="recentInteraction = Submitted form")
    assert new_side_holds(r, {"recentInteraction": "Submitted form"})
    assert fired(
        r,
        change(1, {"lastActivityAt": 1.5}, {"recentInteraction": "Submitted form"}),
        change(2, {"lastActivityAt": 1.5}, {"recentInteraction": "Opened email"}),
        change(3, {}, {"recentInteraction": "Submitted form"}),
    ) == [1]


def test_one_event_per_rule_listing_every_record() -> None:
    rules = [rule(field="score", rises_to=100), rule(name="other", field="grade", becomes="A")]
    events = evaluate(
        rules,
        [change(i, {"score": 10}, {"score": 200}) for i in range(1, 4)],
        shown_as_is,
    )
    assert [(e.rule, len(e.hits)) for e in events] == [("r", 3)]


def test_failed_runs_fire_on_the_nth_failure_only() -> None:
    r = rule(failed_runs=3)
    assert [len(evaluate_failures([r], n, "boom")) for n in range(1, 6)] == [0, 0, 1, 0, 0]
    assert "boom" in evaluate_failures([r], 3, "boom")[0].text
