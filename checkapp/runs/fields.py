"""What a performer sends, cleaned and bounded the same way whether it came from the HTML form
or the JSON API: NUL characters removed (PostgreSQL text cannot hold them), lengths capped with
a message that names the limit, nesting and numbers kept to what the database can store."""
from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import datetime

from werkzeug.datastructures import MultiDict

from ..i18n import utc_from_iso
from ..ids import parse_id
from ..messages import N_, UserError
from ..photos import SOURCES

MAX_TEXT = 5000      # an answer's text (and any other string in it)
MAX_NOTE = 5000      # the note beside an answer
MAX_COMMENT = 5000   # the comment sent with the run
MAX_ANNOYANCE = 5000  # what annoyed the performer most, sent with the run
MAX_NESTING = 8      # an observed value is a flat object with at most a list inside

NOT_AN_OBJECT = N_("Send the request body as a JSON object.")


def _clean(value, depth: int = 0):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(N_("Numbers must be finite."), status=422)
    if isinstance(value, (list, dict)) and depth >= MAX_NESTING:
        raise UserError(N_("The answer is nested too deeply to be read."), status=400)
    if isinstance(value, list):
        return [_clean(part, depth + 1) for part in value]
    if isinstance(value, dict):
        return {_clean(key, depth + 1): _clean(part, depth + 1) for key, part in value.items()}
    return value


def cleaned(fields: Mapping) -> Mapping:
    """The submitted fields without NUL characters; a form's repeated fields stay repeated."""
    if isinstance(fields, MultiDict):
        return MultiDict([(key, _clean(value)) for key, value in fields.items(multi=True)])
    if not isinstance(fields, Mapping):
        raise UserError(NOT_AN_OBJECT, status=400)
    return _clean(dict(fields))


def client_uuid(fields: Mapping) -> str:
    """The UUID the phone (or the page) made for this write: what makes a retry harmless."""
    try:
        return str(uuid.UUID(str(fields.get("client_uuid") or "").strip()))
    except ValueError:
        raise UserError(N_("This has no valid client_uuid (a UUID made on the phone)."), status=400) from None


def optional_client_uuid(fields: Mapping) -> str | None:
    """The client UUID of a write that may come without one (a run sent from its page): None then."""
    return client_uuid(fields) if fields.get("client_uuid") not in (None, "") else None


def client_uuids(fields: Mapping, count: int) -> list[str]:
    """One UUID per file sent together: the form's for one file, derived from it for several."""
    base = client_uuid(fields)
    if count == 1:
        return [base]
    return [str(uuid.uuid5(uuid.UUID(base), str(index))) for index in range(count)]


def item_id(value: object) -> int:
    found = parse_id(value)
    if found is None:
        raise UserError(N_("The item_id is not an item number. Reload the run and try again."), status=422)
    return found


def text(value: object, limit: int, too_long: str) -> str:
    """A free text of at most `limit` characters (`too_long` is the msgid that says so)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UserError(N_("Write this as text."), status=422)
    value = value.strip()
    if len(value) > limit:
        raise UserError(too_long, {"num": limit}, status=422)
    return value


def note(fields: Mapping) -> str:
    return text(fields.get("note"), MAX_NOTE, N_("The note is too long: keep it under %(num)s characters."))


def comment(fields: Mapping) -> str:
    return text(fields.get("comment"), MAX_COMMENT,
                N_("The comment is too long: keep it under %(num)s characters."))


def check_observed_length(observed: dict) -> dict:
    """Every text inside an observation (the answer's words, a chosen option) within MAX_TEXT."""
    strings = [value for value in observed.values() if isinstance(value, str)]
    strings += [part for value in observed.values() if isinstance(value, list)
                for part in value if isinstance(part, str)]
    if any(len(value) > MAX_TEXT for value in strings):
        raise UserError(N_("The answer is too long: keep it under %(num)s characters."), {"num": MAX_TEXT},
                        status=422)
    return observed


def given_at(fields: Mapping) -> datetime | None:
    """When the answer was given by the phone's clock (naive UTC), if it was kept there before it
    was sent; None when not said. Whether that time can be true is the run's rule (services)."""
    try:
        return utc_from_iso(fields.get("given_at"))
    except ValueError:
        raise UserError(N_("The time the answer was given is not readable (ISO 8601 expected)."),
                        status=400) from None


def taken_times(fields: Mapping, count: int) -> list[datetime | None]:
    """The capture time the phone read from each of `count` photos (``taken_at``, one per file, in
    order), before shrinking them dropped their EXIF. Not one per file, or unreadable: unknown (None),
    and the server reads what the file still holds."""
    sent = fields.getlist("taken_at") if hasattr(fields, "getlist") else [fields.get("taken_at")]
    if len(sent) != count:
        return [None] * count
    return [_time_or_none(text) for text in sent]


def _time_or_none(text: object) -> datetime | None:
    try:
        return utc_from_iso(text)
    except ValueError:
        return None


def source(fields: Mapping) -> str | None:
    """Which button of the photo form the photos came from (camera | gallery); None if not said."""
    value = fields.get("source")
    return value if value in SOURCES else None


def recommend_score(fields: Mapping) -> int | None:
    score = fields.get("recommend_score")
    valid = score is None or (isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 10)
    if not valid:
        raise UserError(N_("Choose a score from 0 to 10, or leave it empty."), status=422)
    return score


def feelings(fields: Mapping) -> dict[str, int]:
    """`feelings`: {journey stage: 1 to 5}, a stage left out or null being skipped. Whether the run
    goes through those stages is the run's rule (runs.feelings.check)."""
    sent = fields.get("feelings")
    if sent is None:
        return {}
    if not isinstance(sent, Mapping):
        raise UserError(N_("Send the feelings as an object: each journey stage with a score from 1 to 5."),
                        status=422)
    result = {}
    for stage, score in sent.items():
        if score is None:
            continue
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise UserError(N_("Choose a feeling from 1 to 5 for each stage, or skip it."), status=422)
        result[str(stage)] = score
    return result


def annoyance(fields: Mapping) -> str:
    return text(fields.get("annoyance"), MAX_ANNOYANCE,
                N_("What annoyed you is too long: keep it under %(num)s characters."))


def annoyance_stage(fields: Mapping) -> str | None:
    stage = fields.get("annoyance_stage")
    if stage in (None, ""):
        return None
    if not isinstance(stage, str):
        raise UserError(N_("Write this as text."), status=422)
    return stage
