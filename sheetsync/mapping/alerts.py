"""The ``alerts:`` section of a mapping: rules that message Slack or Microsoft Teams. Pure.

Everything is off unless a mapping has an ``alerts:`` section. A rule has a ``name`` (the
message's title), one trigger, and ``notify`` (one or more destinations). Triggers:

- ``rises_to: T`` / ``falls_below: T`` on a numeric ``field``: the sheet showed a value below T
  (at least T) and Pardot's new value is at least T (below T);
- ``becomes: V`` (or a list) on a ``field``: Pardot's new value is V and the sheet did not show V;
- ``changes: true`` on a ``field``: its cell changed (with ``where:`` on the new record, e.g. a
  form-driven update: ``field: lastActivityAt`` + ``where: recentInteraction = Submitted form``);
- ``enters: true``: a record entered the synced set (a new row, or a marked row back in);
- ``failed_runs: N``: the Nth run in a row that did not succeed.

Field rules compare what the sheet showed before with the new value, so their ``field`` must be
the field of a column. Destinations name the setting that holds the webhook URL (a secret),
never the URL itself.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator

from sheetsync.mapping.base import Model
from sheetsync.mapping.conditions import Condition
from sheetsync.mapping.validators import field_name, non_empty, one_of
from sheetsync.mapping.values import describe, did_you_mean
from sheetsync.mapping.yamlread import KeyPath

if TYPE_CHECKING:
    from sheetsync.mapping.fields import Catalogue
    from sheetsync.mapping.models import Mapping

DestinationType = Literal["slack", "teams"]
DESTINATION_TYPES: tuple[str, ...] = get_args(DestinationType)
TRIGGERS = ("rises_to", "falls_below", "becomes", "changes", "enters", "failed_runs")
FIELD_TRIGGERS = frozenset({"rises_to", "falls_below", "becomes", "changes"})
NUMERIC_TRIGGERS = frozenset({"rises_to", "falls_below"})
DEFAULT_MAX_LISTED = 10
WEBHOOK_ENV_PREFIX = "SHEETSYNC_WEBHOOK_"
_SETTING = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_DESTINATION = re.compile(r"^[A-Za-z0-9_-]+$")
RuleValue = str | int | float | bool

Found = list[tuple[KeyPath, str]]


def _webhook_setting(value: str) -> str:
    text = value.strip()
    if "://" in text or text.lower().startswith(("http", "www.")):
        # Never echo it: it is probably the secret URL itself.
        raise ValueError(
            "a webhook URL is a secret and does not belong in a mapping: put it in the "
            f"environment variable {WEBHOOK_ENV_PREFIX}<NAME> (or {WEBHOOK_ENV_PREFIX}<NAME>_FILE)"
            " and write NAME here"
        )
    if not _SETTING.match(text):
        raise ValueError(
            f"'{value}' is not a setting name: use letters, digits and _ (e.g. SALES_SLACK, "
            f"read from {WEBHOOK_ENV_PREFIX}SALES_SLACK)"
        )
    return text.upper()


def _rule_value(value: Any) -> RuleValue:
    if isinstance(value, str | int | float | bool):
        return value
    raise ValueError(f"must be a value such as A or 100 (got {describe(value)})")


def _one_or_many(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def _true(value: Any) -> bool:
    if value is not True:
        raise ValueError(f"write true, or leave the key out (got {describe(value)})")
    return True


class Destination(Model):
    """Where a rule's messages go: a Slack or Teams incoming webhook, by setting name."""

    type: Annotated[DestinationType, BeforeValidator(one_of(DESTINATION_TYPES))]
    webhook: Annotated[str, AfterValidator(_webhook_setting)]

    @property
    def variable(self) -> str:
        """The environment variable holding the URL (``..._FILE`` also works)."""
        return WEBHOOK_ENV_PREFIX + self.webhook


class AlertRule(Model):
    name: Annotated[str, AfterValidator(non_empty)]
    notify: Annotated[
        list[Annotated[str, AfterValidator(non_empty)]],
        BeforeValidator(_one_or_many),
        Field(min_length=1),
    ]
    field: Annotated[str | None, AfterValidator(lambda v: None if v is None else field_name(v))] = (
        None
    )
    rises_to: float | None = None
    falls_below: float | None = None
    becomes: Annotated[
        list[Annotated[RuleValue, PlainValidator(_rule_value)]] | None,
        BeforeValidator(lambda v: None if v is None else _one_or_many(v)),
    ] = None
    changes: Annotated[bool | None, PlainValidator(lambda v: None if v is None else _true(v))] = (
        None
    )
    enters: Annotated[bool | None, PlainValidator(lambda v: None if v is None else _true(v))] = None
    failed_runs: Annotated[int | None, Field(ge=1)] = None
    where: Annotated[
        list[Condition], BeforeValidator(lambda v: [v] if isinstance(v, str | dict) else v)
    ] = Field(default_factory=list)

    @property
    def trigger(self) -> str:
        """The rule's trigger key (the cross checks make sure there is exactly one)."""
        return next((t for t in TRIGGERS if getattr(self, t) is not None), "")

    @property
    def watches_rows(self) -> bool:
        return self.trigger != "failed_runs"


class Alerts(Model):
    max_listed: Annotated[int, Field(ge=1, le=50)] = DEFAULT_MAX_LISTED
    destinations: dict[str, Destination] = Field(min_length=1)
    rules: Annotated[list[AlertRule], Field(min_length=1)]

    @property
    def row_rules(self) -> list[AlertRule]:
        return [r for r in self.rules if r.watches_rows]

    @property
    def failure_rules(self) -> list[AlertRule]:
        return [r for r in self.rules if r.failed_runs is not None]


def alert_fields(alerts: Alerts | None) -> list[str]:
    """Fields the rules read from Pardot (their field and their ``where`` fields)."""
    if alerts is None:
        return []
    names: list[str] = []
    for rule in alerts.rules:
        if rule.field is not None:
            names.append(rule.field)
        names += [c.field for c in rule.where]
    return names


def alert_problems(mapping: Mapping) -> Found:
    """Offline rules of the ``alerts:`` section (names, triggers, fields, destinations)."""
    alerts = mapping.alerts
    if alerts is None:
        return []
    found: Found = []
    for name in alerts.destinations:
        if not _DESTINATION.match(name):
            found.append(
                (
                    ("alerts", "destinations", name),
                    f"'{name}' is not a destination name: use letters, digits, - and _",
                )
            )
    columns = {c.field: c for c in mapping.columns}
    seen: dict[str, int] = {}
    for i, rule in enumerate(alerts.rules):
        at: KeyPath = ("alerts", "rules", i)
        first = seen.setdefault(rule.name.strip().casefold(), i)
        if first != i:
            found.append(
                ((*at, "name"), f"'{rule.name}' is already the name of alerts.rules[{first}]")
            )
        for j, target in enumerate(rule.notify):
            if target not in alerts.destinations:
                hint = did_you_mean(target, alerts.destinations)
                known = ", ".join(alerts.destinations)
                found.append(
                    ((*at, "notify", j), f"no destination '{target}'{hint} (there are: {known})")
                )
        triggers = [t for t in TRIGGERS if getattr(rule, t) is not None]
        if len(triggers) != 1:
            shown = ", ".join(triggers) if triggers else "none"
            found.append(
                (
                    at,
                    f"a rule needs exactly one of {', '.join(TRIGGERS)} (this one has {shown})",
                )
            )
            continue
        trigger = triggers[0]
        if trigger in FIELD_TRIGGERS:
            if rule.field is None:
                found.append((at, f"{trigger} needs field: (the field to watch)"))
            elif rule.field not in columns:
                hint = did_you_mean(rule.field, columns)
                found.append(
                    (
                        (*at, "field"),
                        f"'{rule.field}' is not the field of any column: alerts compare what "
                        f"the sheet showed with the new value, so the field needs a column{hint}",
                    )
                )
            elif trigger in NUMERIC_TRIGGERS and columns[rule.field].type not in (
                None,
                "number",
                "integer",
            ):
                found.append(
                    (
                        (*at, trigger),
                        f"{trigger} compares numbers; the column of '{rule.field}' is "
                        f"{columns[rule.field].type}",
                    )
                )
        elif rule.field is not None:
            found.append(((*at, "field"), f"{trigger} watches no field: remove field:"))
        if trigger == "failed_runs" and rule.where:
            found.append(((*at, "where"), "failed_runs counts runs, not records: remove where:"))
    return found


def alert_field_problems(mapping: Mapping, catalogue: Catalogue) -> Found:
    """Online: the rules' ``where`` fields exist; threshold fields are numbers in Pardot."""
    if mapping.alerts is None:
        return []
    found: Found = []
    for i, rule in enumerate(mapping.alerts.rules):
        at: KeyPath = ("alerts", "rules", i)
        for j, condition in enumerate(rule.where):
            if problem := catalogue.problem(condition.field):
                found.append(((*at, "where", j, "field"), problem))
        trigger = rule.trigger
        if trigger in NUMERIC_TRIGGERS and rule.field is not None:
            column = next((c for c in mapping.columns if c.field == rule.field), None)
            kind = catalogue.type_of(rule.field)
            numeric = kind in ("integer", "float") or (
                column is not None and column.type in ("number", "integer")
            )
            if kind is not None and not numeric:
                found.append(
                    (
                        (*at, trigger),
                        f"{trigger} compares numbers; '{rule.field}' is a {kind} field",
                    )
                )
    return found
