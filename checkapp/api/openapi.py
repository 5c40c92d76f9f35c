"""The OpenAPI 3 document of the JSON API, kept beside the routes (a test checks they match)."""
from copy import deepcopy

from ..ids import MAX_ID
from ..runs.fields import MAX_ANNOYANCE, MAX_COMMENT, MAX_NOTE, MAX_TEXT
from ..verdict import MISMATCH, NA, NOTED, PASS, kinds


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


RUN_ID = {"name": "run_id", "in": "path", "required": True,
          "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
ITEM_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
COMMON_ERRORS = {
    "401": _error("Not signed in: no staff session and no valid invite session (an invite that lapsed "
                  "mid-test included)."),
    "404": _error("The run does not exist or is not this person's to see (never told apart)."),
}
WRITE_ERRORS = {
    "400": _error("Malformed request (not a JSON object, nested too deeply, no valid client_uuid, a given_at "
                  "that is not an ISO 8601 time), or the X-CSRFToken header is missing or expired (the "
                  "message says which)."),
    **COMMON_ERRORS,
    "413": _error("The request is larger than the server accepts; the message states the limit "
                  "(MAX_PHOTO_BYTES, 15 MB by default)."),
    "423": _error("The run has been sent (or accepted): it is locked and nothing was saved. "
                  "The API answers 423 for a locked run, never 409."),
}
NOT_ACCEPTED = ("The request is well formed but cannot be saved as it is (translated message): the item_id "
                "is not an item number, the value cannot be judged for this item's kind, a text is over "
                f"{MAX_TEXT} characters, or given_at is later than now or before the run was planned.")

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["status", "title", "message"], "properties": {
            "status": {"type": "integer"},
            "title": {"type": "string", "description": "Short, in the user's language."},
            "message": {"type": "string", "description": "What happened and what to do, in the user's language."},
        }}},
    },
    "Observed": {
        "type": "object",
        "description": "What was observed, by item kind: "
                       + "; ".join(f"{kind.name} {kind.observed_doc}" for kind in kinds.ALL)
                       + "; any kind {na: true} for not applicable.",
        "additionalProperties": True,
    },
    "Answer": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "client_uuid": {"type": "string", "format": "uuid"},
            "run_id": {"type": "integer"}, "item_id": {"type": "integer"}, "value": _ref("Observed"),
            "note": {"type": "string"}, "outcome": {"type": "string", "enum": [PASS, MISMATCH, NA, NOTED]},
            "gap": {"type": "number", "nullable": True, "description": "Signed, in the item's unit."},
            "gap_text": {"type": "string", "description": "The verdict in words, e.g. '+2 days'."},
            "is_current": {"type": "boolean"},
            "answered_at": {"type": "string", "format": "date-time", "description": "When the server received it."},
            "given_at": {"type": "string", "format": "date-time",
                         "description": "When the performer gave it (the phone's given_at, else answered_at)."},
        },
    },
    "Item": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "checklist": {"type": "string"}, "position": {"type": "integer"},
            "question": {"type": "string"}, "promise": {"type": "string"},
            "promise_text": {"type": "string", "description": "The expected value in words, e.g. '≤ 3 days'."},
            "kind": {"type": "string", "enum": list(kinds.NAMES)}, "expected": {"type": "object"},
            "unit": {"type": "string", "nullable": True},
            "severity": {"type": "integer"}, "stage": {"type": "string"}, "department": {"type": "string"},
            "required": {"type": "boolean"}, "photo_required": {"type": "boolean"},
            "help_text": {"type": "string"}, "photo_count": {"type": "integer"},
            "url": {"type": "string", "nullable": True, "description": "The HTML page to answer it."},
        },
    },
    "Run": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "brief": {"type": "string"},
            "status": {"type": "string"}, "editable": {"type": "boolean"},
            "order_reference": {"type": "string", "nullable": True},
            "ordered_at": {"type": "string", "format": "date-time", "nullable": True},
            "due_date": {"type": "string", "format": "date", "nullable": True},
            "inbox_address": {"type": "string", "format": "email", "nullable": True,
                              "description": "The run's own address (run-<token>@CHECKAPP_INBOX_DOMAIN): give it as "
                                             "the customer's email when ordering; the confirmation email sent there "
                                             "is attached to the run's email items. Null when no inbox domain is set."},
            "items": {"type": "array", "items": _ref("Item")},
            "answers": {"type": "array", "items": _ref("Answer"), "description": "Current answers only."},
            "urls": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
        },
    },
    "Photo": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "client_uuid": {"type": "string", "format": "uuid"},
            "run_id": {"type": "integer"}, "item_id": {"type": "integer"}, "width": {"type": "integer"},
            "height": {"type": "integer"}, "byte_size": {"type": "integer"},
            "content_type": {"type": "string"}, "sha256": {"type": "string"},
            "taken_at": {"type": "string", "format": "date-time", "nullable": True,
                         "description": "When it was taken: as the phone sent it, else the file's EXIF, if it says."},
            "source_hint": {"type": "string", "enum": ["camera", "gallery", "unknown"]},
            "created_at": {"type": "string", "format": "date-time"},
            "thumb_url": {"type": "string"}, "display_url": {"type": "string"},
            "duplicate_of": {"type": "integer", "nullable": True,
                             "description": "An earlier photo of the same run with the same bytes."},
            "created": {"type": "boolean", "description": "False when this client_uuid was stored before."},
        },
    },
}

GIVEN_AT = {"type": "string", "format": "date-time",
            "description": "When the answer was given (ISO 8601, UTC), if it was kept on the phone before "
                           "it was sent. Refused (422) when later than now or before the run was planned, "
                           "beyond 5 minutes of clock difference."}
ANSWER_FIELDS = {
    "client_uuid": {"type": "string", "format": "uuid"}, "item_id": ITEM_ID,
    "note": {"type": "string", "maxLength": MAX_NOTE}, "given_at": GIVEN_AT,
}

PATHS = {
    "/api/openapi.json": {"get": {
        "summary": "This document.", "security": [],
        "responses": {"200": {"description": "OpenAPI 3 document.", "content": {"application/json": {}}}},
    }},
    "/api/v1/csrf-token": {"get": {
        "summary": "A fresh CSRF token for the X-CSRFToken header (the page may come from the offline cache).",
        "responses": {"200": _json({"type": "object", "properties": {"csrf_token": {"type": "string"}}}, "The token."),
                      "401": COMMON_ERRORS["401"]},
    }},
    "/api/v1/runs/{run_id}": {"get": {
        "summary": "A run with its items (kind, expected value, promise in words) and its current answers.",
        "parameters": [RUN_ID],
        "responses": {"200": _json(_ref("Run"), "The run."), **COMMON_ERRORS},
    }},
    "/api/v1/runs/{run_id}/answers": {"post": {
        "summary": "Save one answer, exactly once per client_uuid.",
        "parameters": [RUN_ID],
        "description": "The body holds the answer form's own fields, read by the same code as the HTML "
                       "form. The earlier shape, `value` as the observed object (e.g. {\"na\": true}), is "
                       "still accepted: phones may hold answers queued in it.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
            {"type": "object", "title": "The answer form's fields", "required": ["client_uuid", "item_id"],
             "properties": {
                 **ANSWER_FIELDS,
                 "value": {"type": "string", "maxLength": MAX_TEXT, "description":
                           "yes/no: 'yes' or 'no'; number: '2,5'; time window: '14:30'; choice: the option; "
                           "rating: '1'-'5'; text: the text; duration: seconds."},
                 "na": {"type": "string", "enum": ["1"], "description": "Not applicable."},
                 "minutes": {"type": "string"}, "seconds": {"type": "string"},
                 "laps": {"type": "string", "description": "Stopwatch laps in seconds, comma-separated."},
                 "flag": {"type": "string", "enum": ["1"], "description": "Text or photo: flagged as a mismatch."},
                 "missing": {"type": "array", "items": {"type": "string"},
                             "description": "Email: each promised phrase the email does not contain."}}},
            {"type": "object", "title": "Earlier shape: the observed object",
             "required": ["client_uuid", "item_id", "value"],
             "properties": {**ANSWER_FIELDS, "value": _ref("Observed")}},
        ]}}}},
        "responses": {
            "201": _json(_ref("Answer"), "Stored."),
            "200": _json(_ref("Answer"),
                         "This client_uuid was already stored with the same content: the stored answer."),
            **WRITE_ERRORS,
            "404": _error("The run is not this person's, or the item is not part of it."),
            "409": _json({"allOf": [_ref("Error"), {"type": "object", "properties": {"answer": _ref("Answer")}}]},
                         "This client_uuid is already stored with different content: nothing changed; "
                         "the stored answer is in `answer` (only if it belongs to this run)."),
            "422": _error(NOT_ACCEPTED),
        },
    }},
    "/api/v1/runs/{run_id}/photos": {"post": {
        "summary": "Add one photo to an item, exactly once per client_uuid.",
        "parameters": [RUN_ID],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["client_uuid", "item_id", "photo"],
            "properties": {"client_uuid": {"type": "string", "format": "uuid"}, "item_id": ITEM_ID,
                           "photo": {"type": "string", "format": "binary"},
                           "taken_at": {"type": "string", "format": "date-time", "description":
                                        "When it was taken (ISO 8601), read on the phone before it shrank the "
                                        "photo (which drops EXIF). Unreadable: taken as unknown."},
                           "source": {"type": "string", "enum": ["camera", "gallery"],
                                      "description": "Which button of the form it came from; anything else "
                                                     "is taken as unknown."}},
        }}}},
        "responses": {
            "201": _json(_ref("Photo"), "Stored."),
            "200": _json(_ref("Photo"), "This client_uuid was already stored: the stored photo."),
            **WRITE_ERRORS,
            "400": _error("Not a photo we can read, no file, or a bad client_uuid (translated message)."),
            "404": _error("The run is not this person's, or the item is not part of it."),
            "409": _error("This client_uuid was already used for a photo of another item."),
            "413": _error("The photo is larger than MAX_PHOTO_BYTES (15 MB by default); the message states "
                          "the limit."),
            "422": _error("The item_id is not an item number (translated message)."),
        },
    }},
    "/api/v1/runs/{run_id}/submit": {"post": {
        "summary": "Send the run for review, exactly once per client_uuid.",
        "parameters": [RUN_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"recommend_score": {"type": "integer", "minimum": 0, "maximum": 10, "nullable": True},
                           "comment": {"type": "string", "maxLength": MAX_COMMENT},
                           "feelings": {"type": "object", "description":
                                        "How the performer felt at each journey stage the run goes through "
                                        "(1 very bad … 5 very good); a stage left out or null is skipped.",
                                        "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5,
                                                                 "nullable": True}},
                           "annoyance": {"type": "string", "maxLength": MAX_ANNOYANCE,
                                         "description": "What annoyed the performer most."},
                           "annoyance_stage": {"type": "string", "nullable": True,
                                               "description": "The journey stage it happened at."},
                           "client_uuid": {"type": "string", "format": "uuid", "description":
                                           "Made on the phone; sending it again changes nothing."}},
        }}}},
        "responses": {
            "200": _json({"type": "object", "properties": {
                "id": {"type": "integer"}, "status": {"type": "string"},
                "submitted_at": {"type": "string", "format": "date-time", "nullable": True}}},
                "Sent, or this client_uuid's submit was already recorded: the run's status."),
            **WRITE_ERRORS,
            "409": _error("This client_uuid was already used for something else."),
            "422": _json({"allOf": [_ref("Error"), {"type": "object", "properties": {"problems": {
                "type": "array", "items": {"type": "object", "properties": {
                    "item_id": {"type": "integer"}, "question": {"type": "string"},
                    "kind": {"type": "string", "enum": ["unanswered", "photo_missing"]},
                    "message": {"type": "string"}}}}}}]},
                "Items still need an answer or a photo (listed in `problems`), the score or a feeling is out "
                "of range, a feeling or the annoyance names a stage the run does not go through, or a text is "
                "too long."),
        },
    }},
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "CheckApp API", "version": "1",
        "description": "Authenticated by the session cookie (a staff member, or an outside tester who "
                       "opened their invite link). Every POST needs the X-CSRFToken header (from "
                       "<meta name=\"csrf-token\"> or GET /api/v1/csrf-token). Errors are "
                       "{error: {status, title, message}} in the user's language. Writes are idempotent "
                       "by client_uuid: resend freely after a network failure. A method a path does not "
                       "list answers 405 with an Allow header.",
    },
    "servers": [{"url": "/"}],
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
    },
    "security": [{"session": []}],
    "paths": PATHS,
}


def document() -> dict:
    return deepcopy(DOCUMENT)
