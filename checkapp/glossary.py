"""Allowed values of the product's vocabulary and their labels in the user's language."""
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from .fixes.states import FixState
from .runs.states import RunState
from .verdict import MISMATCH, NA, NOTED, PASS, kinds

ROLES = {"manager": _l("Manager"), "staff": _l("Staff member")}

AREAS = {
    "order_journey": _l("Test order journey"),
    "delivery": _l("Delivery"),
    "packaging": _l("Packaging and unboxing"),
    "confirmation_email": _l("Confirmation email"),
    "contact_channel": _l("Contact channels"),
}

# In journey order: discovery first, support last.
STAGES = {
    "discovery": _l("Discovery"),
    "order": _l("Order"),
    "payment": _l("Payment"),
    "confirmation": _l("Confirmation"),
    "delivery": _l("Delivery"),
    "unboxing": _l("Unboxing"),
    "use": _l("Use"),
    "support": _l("Support"),
}

DEPARTMENTS = {
    "web": _l("Web"),
    "logistics": _l("Logistics"),
    "customer_service": _l("Customer service"),
    "billing": _l("Billing"),
    "production": _l("Production"),
    "marketing": _l("Marketing"),
}

ITEM_KINDS = {kind.name: _l(kind.label) for kind in kinds.ALL}

SEVERITIES = {
    1: _l("1 — cosmetic"),
    2: _l("2 — minor"),
    3: _l("3 — annoying"),
    4: _l("4 — serious"),
    5: _l("5 — blocks the customer"),
}

RUN_STATUSES = {
    RunState.PLANNED: _l("Planned"),
    RunState.IN_PROGRESS: _l("In progress"),
    RunState.SUBMITTED: _l("Submitted"),
    RunState.RETURNED: _l("Sent back"),
    RunState.ACCEPTED: _l("Accepted"),
}

OUTCOMES = {
    PASS: _l("Pass"),
    MISMATCH: _l("Mismatch"),
    NA: _l("Not applicable"),
    NOTED: _l("Noted"),
}

FIX_STATUSES = {
    FixState.OPEN: _l("Open"),
    FixState.IN_PROGRESS: _l("In progress"),
    FixState.DONE: _l("Done"),
    FixState.VERIFIED: _l("Verified"),
}

EFFORTS = {"small": _l("Small"), "medium": _l("Medium"), "large": _l("Large")}


def choices(mapping: dict) -> list[SelectChoice]:
    """Options for a WTForms SelectField, in the mapping's order."""
    return [SelectChoice(str(value), label) for value, label in mapping.items()]
