"""The alerts: section is validated like the rest of a mapping: file, line, key, suggestion."""

from __future__ import annotations

import pytest

from sheetsync.mapping import MappingError, check_fields, parse_mapping
from sheetsync.pardot.catalogue import build_catalogue

HEAD = """spreadsheet: 1SheetSyncEngineTest0000000000000000000000
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
  - field: email
  - field: score
  - field: grade
alerts:
"""


def problems(alerts: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        parse_mapping(HEAD + alerts, "mappings/hot.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_section_loads_and_changes_no_hash() -> None:
    alerts = """  destinations:
    sales: {type: Slack, webhook: sales_slack}
  rules:
    - {name: Hot, field: score, rises_to: 100, notify: sales}
    - {name: A, field: grade, becomes: [A, A+], notify: [sales]}
    - {name: New, enters: true, notify: sales}
    - {name: Failing, failed_runs: 3, notify: sales}
"""
    mapping = parse_mapping(HEAD + alerts, "mappings/hot.yaml")
    assert mapping.alerts is not None
    assert mapping.alerts.destinations["sales"].variable == "SHEETSYNC_WEBHOOK_SALES_SLACK"
    assert mapping.alerts.max_listed == 10
    assert [r.trigger for r in mapping.alerts.rules] == [
        "rises_to",
        "becomes",
        "enters",
        "failed_runs",
    ]
    plain = parse_mapping(HEAD.removesuffix("alerts:\n"), "mappings/hot.yaml")
    assert plain.hash == mapping.hash  # adding alerts forces no full run


def test_problems_name_file_line_and_key() -> None:
    found = problems(
        """  destinations:
    sales: {type: slack, webhook: SALES}
  rules:
    - name: Hot
      field: scor
      rises_to: 100
      notify: sale
    - name: hot
      enters: true
      becomes: A
      notify: sales
    - name: Runs
      failed_runs: 2
      field: score
      notify: sales
"""
    )
    assert found == [
        "mappings/hot.yaml:15: alerts.rules[0].field: 'scor' is not the field of any column: "
        "alerts compare what the sheet showed with the new value, so the field needs a column; "
        "did you mean 'score'?",
        "mappings/hot.yaml:17: alerts.rules[0].notify: no destination 'sale'; did you mean "
        "'sales'? (there are: sales)",
        "mappings/hot.yaml:18: alerts.rules[1].name: 'hot' is already the name of alerts.rules[0]",
        "mappings/hot.yaml:18: alerts.rules[1]: a rule needs exactly one of rises_to, "
        "falls_below, becomes, changes, enters, failed_runs (this one has becomes, enters)",
        "mappings/hot.yaml:24: alerts.rules[2].field: failed_runs watches no field: remove field:",
    ]


def test_a_webhook_url_in_a_mapping_is_refused_without_echoing_it() -> None:
    found = problems(
        """  destinations:
    sales: {type: slack, webhook: "https://hooks.slack.com/services/T1/B1/SeCrEt"}
  rules:
    - {name: Hot, field: score, rises_to: 100, notify: sales}
"""
    )
    assert len(found) == 1
    assert found[0].startswith("mappings/hot.yaml:12: alerts.destinations.sales.webhook: ")
    assert "SHEETSYNC_WEBHOOK_<NAME>" in found[0] and "SeCrEt" not in found[0]


def test_typed_values_and_unknown_keys() -> None:
    found = problems(
        """  max_listed: 0
  destinations:
    sales: {type: slak, webhook: SALES}
  rules:
    - {name: Hot, field: score, rises_to: lots, notify: sales, when: x}
"""
    )
    assert "mappings/hot.yaml:11: alerts.max_listed: must be at least 1 (got 0)" in found
    assert any(
        p.startswith(
            "mappings/hot.yaml:13: alerts.destinations.sales.type: must be one of "
            "slack, teams (got 'slak'); did you mean 'slack'?"
        )
        for p in found
    )
    assert any(
        p.startswith("mappings/hot.yaml:15: alerts.rules[0].rises_to: must be a number")
        for p in found
    )
    assert any(
        p.startswith("mappings/hot.yaml:15: alerts.rules[0].when: unknown key") for p in found
    )


def test_online_checks_use_the_catalogue() -> None:
    mapping = parse_mapping(
        HEAD
        + """  destinations:
    sales: {type: teams, webhook: SALES}
  rules:
    - name: Form
      field: email
      changes: true
      where: recentInteracton = Submitted form
      notify: sales
    - {name: Grade up, field: grade, rises_to: 3, notify: sales}
""",
        "mappings/hot.yaml",
    )
    assert "recentInteracton" in mapping.fields_to_read
    with pytest.raises(MappingError) as caught:
        check_fields(mapping, build_catalogue("prospects"))
    assert [str(p) for p in caught.value.problems] == [
        "mappings/hot.yaml:17: alerts.rules[0].where: unknown field "
        "'recentInteracton'; did you mean 'recentInteraction'?",
        "mappings/hot.yaml:19: alerts.rules[1].rises_to: rises_to compares numbers; 'grade' "
        "is a string field",
    ]
