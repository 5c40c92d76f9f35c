"""Photo only: the photos are the answer; the performer says whether they show a mismatch."""
from __future__ import annotations

from ...messages import N_
from ..rules import ObservationError
from .base import FlagKind


class Photo(FlagKind):
    name = "photo"
    label = N_("Photo only")
    observed_doc = "{flag: bool}"
    photos_first = True

    def read(self, fields, expected):
        return {"flag": fields.ticked("flag")}

    def judge(self, expected, observed):
        if "flag" not in observed:
            raise ObservationError(N_("Say whether the photo shows a mismatch."))
        return self.flag_verdict(observed)

    def observed_words(self, lang, observed, unit):
        return lang._("Flagged as a mismatch") if observed.get("flag") else lang._("No mismatch flagged")

    def demo(self, expected, mismatch, rng):
        return {"flag": mismatch}
