"""A small formula evaluator: enough to answer reads of simple formulas like Google would.

Supported: numbers, strings, TRUE/FALSE, ``+ - * / ^ & %``, comparisons, cell and range
references (same or other sheet), and a handful of functions (SUM, AVERAGE, MIN, MAX, COUNT,
COUNTA, ABS, ROUND, IF, AND, OR, NOT, CONCATENATE, CONCAT, LEN, UPPER, LOWER, TRIM, HYPERLINK,
TODAY, NOW). Anything else raises :class:`Unsupported`; the caller then shows the formula text
(the emulator's documented stand-in for Google's computed value). References move with
inserted and deleted rows and columns (see refshift and refmove).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .a1 import column_index
from .numberformat import general


@dataclass(frozen=True, slots=True)
class Formula:
    """A stored formula; ``text`` starts with ``=``."""

    text: str


@dataclass(frozen=True, slots=True)
class ErrorResult:
    """A formula error value such as ``#DIV/0!``; rendered as its code."""

    code: str
    kind: str
    message: str


class Unsupported(Exception):
    """The formula uses something this evaluator does not implement."""


class _Fail(Exception):
    def __init__(self, error: ErrorResult) -> None:
        self.error = error


DIV0 = ErrorResult("#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
VALUE = ErrorResult("#VALUE!", "VALUE", "Function expects a number value.")
PARSE = ErrorResult("#ERROR!", "ERROR", "Formula parse error.")
REF = ErrorResult("#REF!", "REF", "Circular dependency detected.")
NAME = ErrorResult("#NAME?", "NAME", "Unknown range name.")

Scalar = float | int | str | bool | ErrorResult | None


@dataclass(frozen=True)
class Ref:
    sheet: str | None
    start_row: int
    start_col: int
    end_row: int  # exclusive
    end_col: int


Node = tuple[Any, ...]

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r'|(?P<str>"(?:[^"]|"")*")'
    r"|(?P<qsheet>'(?:[^']|'')*'!)"
    r"|(?P<ref>(?:[A-Za-z_][A-Za-z0-9_]*!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><>|<=|>=|[-+*/^&%=<>(),:])"
    r")"
)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _Fail(PARSE)
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        if self.take() != ("op", value):
            raise _Fail(PARSE)

    def parse(self) -> Node:
        node = self.comparison()
        if self.peek()[0] != "end":
            raise _Fail(PARSE)
        return node

    def comparison(self) -> Node:
        node = self.concat()
        while self.peek()[0] == "op" and self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            node = ("cmp", op, node, self.concat())
        return node

    def concat(self) -> Node:
        node = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            node = ("concat", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            node = ("arith", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.power()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            op = self.take()[1]
            node = ("arith", op, node, self.power())
        return node

    def power(self) -> Node:
        node = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            node = ("arith", "^", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            operand = self.unary()
            return ("neg", operand) if op == "-" else ("pos", operand)
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("arith", "/", node, ("num", 100.0))
        return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value))
        if kind == "str":
            return ("str", value[1:-1].replace('""', '"'))
        if kind == "qsheet":
            sheet = value[1:-2].replace("''", "'")
            ref_kind, ref_text = self.take()
            if ref_kind != "ref" or "!" in ref_text:
                raise _Fail(PARSE)
            return ("ref", _ref(sheet, ref_text))
        if kind == "ref":
            sheet, _, cells = value.rpartition("!")
            return ("ref", _ref(sheet or None, cells))
        if kind == "name":
            upper = value.upper()
            if self.peek() == ("op", "("):
                self.take()
                args: list[Node] = []
                if self.peek() != ("op", ")"):
                    args.append(self.comparison())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.comparison())
                self.expect(")")
                return ("call", upper, tuple(args))
            if upper in ("TRUE", "FALSE"):
                return ("bool", upper == "TRUE")
            return ("name", value)
        if (kind, value) == ("op", "("):
            node = self.comparison()
            self.expect(")")
            return node
        raise _Fail(PARSE)


def _ref(sheet: str | None, cells: str) -> Ref:
    parts = cells.split(":")
    points = []
    for part in parts:
        match = _CELL.fullmatch(part)
        if not match:
            raise _Fail(PARSE)
        points.append((int(match.group(2)) - 1, column_index(match.group(1))))
    rows = [p[0] for p in points]
    cols = [p[1] for p in points]
    return Ref(sheet, min(rows), min(cols), max(rows) + 1, max(cols) + 1)


@lru_cache(maxsize=4096)
def parse(text: str) -> Node | ErrorResult:
    """Parse ``=...``; a syntax error is returned as the ``#ERROR!`` value."""
    try:
        return _Parser(_tokenize(text[1:])).parse()
    except _Fail as fail:
        return fail.error


# Given (sheet or None, row, col) -> the computed value of that cell.
CellLookup = Callable[[str | None, int, int], Scalar]


class Evaluator:
    def __init__(self, lookup: CellLookup, now_serial: Callable[[], float]) -> None:
        self.lookup = lookup
        self.now_serial = now_serial

    def evaluate(self, formula: Formula) -> Scalar:
        tree = parse(formula.text)
        if isinstance(tree, ErrorResult):
            return tree
        try:
            value = self._eval(tree)
        except _Fail as fail:
            return fail.error
        if isinstance(value, list):
            value = value[0] if value else None
        return _normalise(value)

    def _eval(self, node: Node) -> Any:
        kind = node[0]
        if kind in ("num", "str", "bool"):
            return node[1]
        if kind == "name":
            raise _Fail(NAME)
        if kind == "ref":
            ref: Ref = node[1]
            if ref.end_row - ref.start_row == 1 and ref.end_col - ref.start_col == 1:
                return self._cell(ref.sheet, ref.start_row, ref.start_col)
            return [
                self._cell(ref.sheet, r, c)
                for r in range(ref.start_row, ref.end_row)
                for c in range(ref.start_col, ref.end_col)
            ]
        if kind == "neg":
            return -_number(self._scalar(node[1]))
        if kind == "pos":
            return self._scalar(node[1])
        if kind == "arith":
            return _arith(node[1], _number(self._scalar(node[2])), _number(self._scalar(node[3])))
        if kind == "concat":
            return _text(self._scalar(node[1])) + _text(self._scalar(node[2]))
        if kind == "cmp":
            return _compare(node[1], self._scalar(node[2]), self._scalar(node[3]))
        if kind == "call":
            return self._call(node[1], node[2])
        raise _Fail(PARSE)

    def _cell(self, sheet: str | None, row: int, col: int) -> Scalar:
        value = self.lookup(sheet, row, col)
        if isinstance(value, ErrorResult):
            raise _Fail(value)
        return value

    def _scalar(self, node: Node) -> Scalar:
        value = self._eval(node)
        if isinstance(value, list):
            if len(value) != 1:
                raise _Fail(VALUE)
            value = value[0]
        return value  # type: ignore[no-any-return]

    def _flat(self, args: Sequence[Node]) -> list[Scalar]:
        out: list[Scalar] = []
        for arg in args:
            value = self._eval(arg)
            if isinstance(value, list):
                out.extend(value)
            else:
                out.append(value)
        return out

    def _numbers(self, args: Sequence[Node]) -> list[float]:
        # Like Sheets: numbers in ranges count, text and blanks in ranges are skipped.
        numbers: list[float] = []
        for arg in args:
            value = self._eval(arg)
            if isinstance(value, list):
                numbers.extend(
                    float(v)
                    for v in value
                    if isinstance(v, int | float) and not isinstance(v, bool)
                )
            else:
                numbers.append(_number(value))
        return numbers

    def _call(self, name: str, args: tuple[Node, ...]) -> Any:
        if name == "SUM":
            return math.fsum(self._numbers(args))
        if name in ("AVERAGE", "MIN", "MAX"):
            numbers = self._numbers(args)
            if not numbers:
                if name == "AVERAGE":
                    raise _Fail(DIV0)
                return 0.0
            if name == "AVERAGE":
                return math.fsum(numbers) / len(numbers)
            return min(numbers) if name == "MIN" else max(numbers)
        if name == "COUNT":
            return float(
                sum(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in self._flat(args)
                )
            )
        if name == "COUNTA":
            return float(sum(v is not None and v != "" for v in self._flat(args)))
        if name == "ABS" and len(args) == 1:
            return abs(_number(self._scalar(args[0])))
        if name == "ROUND" and len(args) in (1, 2):
            places = int(_number(self._scalar(args[1]))) if len(args) == 2 else 0
            value = _number(self._scalar(args[0]))
            factor = 10.0**places
            return math.floor(abs(value) * factor + 0.5) / factor * (1 if value >= 0 else -1)
        if name == "IF" and len(args) in (2, 3):
            if _truthy(self._scalar(args[0])):
                return self._eval(args[1])
            return self._eval(args[2]) if len(args) == 3 else False
        if name in ("AND", "OR"):
            flags = [_truthy(v) for v in self._flat(args) if v is not None]
            return all(flags) if name == "AND" else any(flags)
        if name == "NOT" and len(args) == 1:
            return not _truthy(self._scalar(args[0]))
        if name in ("CONCATENATE", "CONCAT"):
            return "".join(_text(v) for v in self._flat(args))
        if name in ("LEN", "UPPER", "LOWER", "TRIM") and len(args) == 1:
            text = _text(self._scalar(args[0]))
            if name == "LEN":
                return float(len(text))
            if name == "TRIM":
                return " ".join(text.split())
            return text.upper() if name == "UPPER" else text.lower()
        if name == "HYPERLINK" and len(args) in (1, 2):
            return self._scalar(args[-1])
        if name in ("TODAY", "NOW") and not args:
            serial = self.now_serial()
            return float(math.floor(serial)) if name == "TODAY" else serial
        if name in ("TRUE", "FALSE") and not args:
            return name == "TRUE"
        raise Unsupported(name)


def _normalise(value: Any) -> Scalar:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value  # type: ignore[no-any-return]


def _number(value: Scalar) -> float:
    if isinstance(value, ErrorResult):
        raise _Fail(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise _Fail(VALUE) from None


def _text(value: Scalar) -> str:
    if isinstance(value, ErrorResult):
        raise _Fail(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return general(value)
    return value


def _truthy(value: Scalar) -> bool:
    if isinstance(value, str):
        upper = value.upper()
        if upper in ("TRUE", "FALSE"):
            return upper == "TRUE"
        raise _Fail(VALUE)
    return bool(_number(value))


def _arith(op: str, left: float, right: float) -> float:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        if right == 0:
            raise _Fail(DIV0)
        return left / right
    try:
        return float(left**right)
    except (OverflowError, ZeroDivisionError, TypeError):
        raise _Fail(VALUE) from None


def _compare(op: str, left: Scalar, right: Scalar) -> bool:
    for side in (left, right):
        if isinstance(side, ErrorResult):
            raise _Fail(side)

    def key(value: Scalar) -> tuple[int, Any]:
        if value is None:
            return (0, 0.0)
        if isinstance(value, bool):
            return (2, value)
        if isinstance(value, int | float):
            return (0, float(value))
        return (1, str(value).lower())

    a, b = key(left), key(right)
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if a[0] != b[0]:
        a, b = (a[0], 0), (b[0], 0)
    if op == "<":
        return bool(a < b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a >= b)
