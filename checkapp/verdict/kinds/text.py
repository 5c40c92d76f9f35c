"""Free text: what the performer saw, which they may flag as a mismatch."""
from __future__ import annotations

from ...messages import N_
from ..rules import ObservationError
from .base import FlagKind
from .fields import AnswerRejected

WRITE = N_("Write what you observed.")


class Text(FlagKind):
    name = "text"
    label = N_("Free text")
    observed_doc = "{value: string, flag: bool}"
    free_text = True

    def read(self, fields, expected):
        value = fields.text("value")
        if not value:
            raise AnswerRejected(WRITE)
        return {"value": value, "flag": fields.ticked("flag")}

    def judge(self, expected, observed):
        value = observed.get("value")
        if not isinstance(value, str) or not value.strip():
            raise ObservationError(WRITE)
        return self.flag_verdict(observed)

    def demo(self, expected, mismatch, rng):
        return {"value": "Livraison annoncée pour mardi, comme sur la page de paiement.", "flag": mismatch}
