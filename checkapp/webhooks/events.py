"""The events a webhook can subscribe to: their names are part of the payload, keep them stable."""
from flask_babel import lazy_gettext as _l

EVENTS = {
    "run.submitted": _l("A run is submitted"),
    "run.accepted": _l("A run is accepted"),
    "fix.opened": _l("A fix is opened"),
    "fix.regressed": _l("A fix fails again in a later run (regression)"),
    "fix.verified": _l("A later run verifies a fix"),
}
# Sent by the "Send a test event" button only, whatever the webhook subscribes to.
TEST_EVENT = "webhook.test"
LABELS = {**EVENTS, TEST_EVENT: _l("Test event")}
