"""Coercion: what clients send, read into a field's data type as the API reads it (``coerce``), the order
values compare in (``comparable``), and the API's UTC datetime format, read and written."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .errors import BusinessError

# The .NET type behind each integer dataType of entityInformation/fields: integer is Int32, long Int64, short
# Int16, byte Byte (the swagger's int32/int64 formats agree). Values outside the type are refused, as .NET
# cannot hold them [INFERRED: the field's CLR type; the API's own text is unknown].
INTEGER_RANGES = {
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (0, 255),
}
INTEGER_TYPES = frozenset(INTEGER_RANGES)
NUMBER_TYPES = frozenset({"double", "decimal", "float"})
DECIMAL_MAX = 79228162514264337593543950335  # System.Decimal.MaxValue
_FRACTION = re.compile(r"\.(\d+)")
# What .NET's Int32.Parse takes with NumberStyles.Integer (Newtonsoft reads a JSON string into an int so):
# .NET white space around, one sign, ASCII digits only. Python's int() also takes other scripts' digits
# ("١٢"), underscores and Unicode spaces; the API does not.
_INTEGER_TEXT = re.compile(r"[\t\n\v\f\r ]*([+-]?)0*([0-9]+)[\t\n\v\f\r ]*")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # escapes the regex reads: no lone surrogate in the source
# The same for NumberStyles.Float: a decimal point and an exponent, ASCII only.
_NUMBER_TEXT = re.compile(r"[\t\n\v\f\r ]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[\t\n\v\f\r ]*")


def format_datetime(moment: datetime) -> str:
    """UTC with a ``Z`` and 0-3 fractional digits, trailing zeros trimmed, as the API emits."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    # Not strftime: its %Y drops the leading zeros of years before 1000 ("1-01-01"), which reads back as nothing.
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    millis = moment.microsecond // 1000
    if millis:
        text += "." + f"{millis:03d}".rstrip("0")
    return text + "Z"


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 with or without ``Z``/offset; a naive time is taken as UTC.

    An instant outside 0001-01-01..9999-12-31 once converted to UTC (``0001-01-01T00:00:00+05:00``) is a
    ``ValueError`` like any unreadable text: .NET's DateTime cannot hold it [INFERRED]."""
    cleaned = text.strip()
    if cleaned.endswith(("z", "Z")):
        cleaned = cleaned[:-1] + "+00:00"
    fraction = _FRACTION.search(cleaned)
    if fraction:  # fromisoformat in 3.11 wants exactly 3 or 6 fractional digits
        digits = (fraction.group(1) + "000000")[:6]
        cleaned = f"{cleaned[: fraction.start()]}.{digits}{cleaned[fraction.end() :]}"
    moment = datetime.fromisoformat(cleaned)
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the range of a UTC date and time") from None


Coercer = Callable[[str, Any], Any]


def now_utc() -> datetime:
    return datetime.now(UTC)


def _fail(field: str, data_type: str, value: Any) -> BusinessError:
    return BusinessError(f"Unable to convert value '{value}' of field '{field}' to type {data_type}.")


def _integer_of(data_type: str) -> Coercer:
    low, high = INTEGER_RANGES[data_type]
    most_digits = len(str(high)) + 1

    def integer(field: str, value: Any) -> int:
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and (text := _INTEGER_TEXT.fullmatch(value)):
            sign, digits = text.groups()
            number = int(sign + digits) if len(digits) <= most_digits else high + 1
        if number is None:
            raise _fail(field, data_type, value)
        if not low <= number <= high:
            raise BusinessError(
                f"Unable to convert value '{value}' of field '{field}' to type {data_type}: "
                f"it is outside the range {low} to {high}."
            )
        return number

    return integer


def _number(field: str, value: Any) -> float:
    readable = isinstance(value, int | float) or (isinstance(value, str) and _NUMBER_TEXT.fullmatch(value))
    if isinstance(value, bool) or not readable:
        raise _fail(field, "number", value)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond a double
        raise _fail(field, "number", value) from None
    if not math.isfinite(number):
        raise _fail(field, "number", value)
    return number


def _decimal(field: str, value: Any) -> float:
    number = _number(field, value)
    if abs(number) > DECIMAL_MAX:
        raise BusinessError(
            f"Unable to convert value '{value}' of field '{field}' to type decimal: "
            f"it is outside the range of a decimal."
        )
    return number


def _boolean(field: str, value: Any) -> bool:
    # The docs allow only true or false; the official create example sends "True".
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _fail(field, "boolean", value)


def _string(field: str, value: Any) -> str:
    if isinstance(value, str):
        if value.isascii():  # no surrogate in it: the usual text, seen without a search
            return value
        if surrogate := _LONE_SURROGATE.search(value):
            # Only a seed or a Python caller can hand one over (a request body's lone surrogate escapes are
            # read as U+FFFD first, as Newtonsoft reads them); stored, it would make every answer holding the
            # record unwritable as UTF-8.
            escaped = surrogate.group().encode("unicode_escape").decode("ascii")
            raise BusinessError(f"The value of field '{field}' holds a lone surrogate ({escaped}), which is not text.")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _fail(field, "string", value)


# Date and time texts as read, by the text sent: a client writes back the dates it read (a whole ticket's PUT
# holds half a dozen), and reading one costs a regex, a parse and a format. Emptied when full.
_READ_TIMES: dict[str, str] = {}
_READ_TIMES_MAX = 4096


def _date_time(field: str, value: Any) -> str:
    if isinstance(value, str):
        known = _READ_TIMES.get(value)
        if known is not None:
            return known
        try:
            text = format_datetime(parse_datetime(value))
        except ValueError:
            pass
        else:
            if len(_READ_TIMES) >= _READ_TIMES_MAX:
                _READ_TIMES.clear()
            _READ_TIMES[value] = text
            return text
    raise _fail(field, "dateTime", value)


def _date(field: str, value: Any) -> str:
    moment = parse_datetime(_date_time(field, value))
    return format_datetime(moment.replace(hour=0, minute=0, second=0, microsecond=0))


COERCERS: dict[str, Coercer] = {"boolean": _boolean, "string": _string, "dateTime": _date_time, "date": _date}
COERCERS.update({data_type: _integer_of(data_type) for data_type in INTEGER_TYPES})
COERCERS.update(dict.fromkeys(NUMBER_TYPES, _number))
COERCERS["decimal"] = _decimal


def coercer_for(data_type: str) -> Coercer:
    """What reads a value (never ``None``) as ``data_type`` stores it; an unknown type is read as a string."""
    return COERCERS.get(data_type, _string)


def coerce(field: str, data_type: str, value: Any) -> Any:
    """The value as the field's type stores it; ``None`` stays ``None``."""
    if value is None:
        return None
    return coercer_for(data_type)(field, value)


def comparable(data_type: str, value: Any) -> Any:
    """A key that compares like the API's SQL store: strings case-insensitively, times as times."""
    if value is None:
        return None
    if data_type in ("dateTime", "date"):
        return parse_datetime(value) if isinstance(value, str) else value
    if isinstance(value, str):
        return value.casefold()
    return value
