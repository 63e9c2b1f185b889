"""Field values: coercing what clients send into a field's data type, and the API's UTC format."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .errors import BusinessError

INTEGER_TYPES = frozenset({"integer", "long", "short", "byte"})
NUMBER_TYPES = frozenset({"double", "decimal", "float"})
_FRACTION = re.compile(r"\.(\d+)")


def format_datetime(moment: datetime) -> str:
    """UTC with a ``Z`` and 0-3 fractional digits, trailing zeros trimmed, as the API emits."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    millis = moment.microsecond // 1000
    if millis:
        text += "." + f"{millis:03d}".rstrip("0")
    return text + "Z"


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 with or without ``Z``/offset; a naive time is taken as UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("z", "Z")):
        cleaned = cleaned[:-1] + "+00:00"
    fraction = _FRACTION.search(cleaned)
    if fraction:  # fromisoformat in 3.11 wants exactly 3 or 6 fractional digits
        digits = (fraction.group(1) + "000000")[:6]
        cleaned = f"{cleaned[:fraction.start()]}.{digits}{cleaned[fraction.end():]}"
    moment = datetime.fromisoformat(cleaned)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _fail(field: str, data_type: str, value: Any) -> BusinessError:
    return BusinessError(f"Unable to convert value '{value}' of field '{field}' to type {data_type}.")


def _integer(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _fail(field, "integer", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise _fail(field, "integer", value)


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool):
        raise _fail(field, "number", value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _fail(field, "number", value) from None
    else:
        raise _fail(field, "number", value)
    if not math.isfinite(number):
        raise _fail(field, "number", value)
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
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _fail(field, "string", value)


def _date_time(field: str, value: Any) -> str:
    if isinstance(value, str):
        try:
            return format_datetime(parse_datetime(value))
        except ValueError:
            pass
    raise _fail(field, "dateTime", value)


def _date(field: str, value: Any) -> str:
    moment = parse_datetime(_date_time(field, value))
    return format_datetime(moment.replace(hour=0, minute=0, second=0, microsecond=0))


Coercer = Callable[[str, Any], Any]
COERCERS: dict[str, Coercer] = {"boolean": _boolean, "string": _string, "dateTime": _date_time, "date": _date}
COERCERS.update(dict.fromkeys(INTEGER_TYPES, _integer))
COERCERS.update(dict.fromkeys(NUMBER_TYPES, _number))


def coerce(field: str, data_type: str, value: Any) -> Any:
    """The value as the field's type stores it; ``None`` stays ``None``."""
    if value is None:
        return None
    coercer: Coercer = COERCERS.get(data_type, _string)
    return coercer(field, value)


def comparable(data_type: str, value: Any) -> Any:
    """A key that compares like the API's SQL store: strings case-insensitively, times as times."""
    if value is None:
        return None
    if data_type in ("dateTime", "date"):
        return parse_datetime(value) if isinstance(value, str) else value
    if isinstance(value, str):
        return value.casefold()
    return value
