"""Named signals of the run and fix workflows: effects across areas go through these.

Sent by the workflow services once the move is flushed, inside the request's transaction:
receivers flush their own changes and the view commits everything once. The sender is the
run or the fix; keyword arguments say who did it and why. Receivers are connected in one place,
`checkapp.connect_receivers`, when the app is created.
"""
from blinker import Namespace

_signals = Namespace()

run_submitted = _signals.signal("run-submitted", doc="""A run was (re)submitted by its performer.

sender: the Run; actor: the User who sent it (None for an outside tester); actor_label: the
tester's name ("" for staff); resubmitted: True when the run had been sent back.""")

run_sent_back = _signals.signal("run-sent-back", doc="""A reviewer sent a run back to its performer.

sender: the Run; actor: the reviewing User; comment: what to look at again; item_ids: the
items it concerns.""")

run_accepted = _signals.signal("run-accepted", doc="""A reviewer accepted a run.

sender: the Run; actor: the reviewing User.""")

fix_opened = _signals.signal("fix-opened", doc="""A fix was opened.

sender: the Fix; run: the accepted Run whose mismatch opened it (None for an idea or a fix the
manager opened); actor: the User who accepted the run or opened it (None when unknown).""")

fix_assigned = _signals.signal("fix-assigned", doc="""A fix got an owner: opened with one, or the manager changed it.

sender: the Fix (its `owner` is the new one, never empty); actor: the User who assigned it (None
when unknown); previous_owner: the owner before ("" when it had none).""")

fix_verified = _signals.signal("fix-verified", doc="""A later run passed the promise of a fix marked done.

sender: the Fix; run: the accepted Run that verified it; actor: the User who accepted that run.""")

fix_regressed = _signals.signal("fix-regressed", doc="""A later run failed the promise of a fix marked done or verified.

sender: the Fix; run: the accepted Run that reopened it; actor: the User who accepted that run.""")

fix_responded = _signals.signal("fix-responded", doc="""A department answered about a fix through its share link.

sender: the Fix; link: the ShareLink it came through; name: the name the person typed; comment:
what they wrote ("" for none); status: the status they moved it to (None when it did not move).""")

answer_overridden = _signals.signal("answer-overridden", doc="""A reviewer marked a mismatch as not a mismatch.

sender: the Answer (its override_reason now set); actor: the reviewing User; reason: why.""")

run_acceptance_undone = _signals.signal("run-acceptance-undone", doc="""A reviewer undid the acceptance of a run.

sender: the Run, back in the review queue (submitted); actor: the reviewing User; reason: why. Its
answers leave the fix list and the dashboard until it is accepted again; the fixes its acceptance
opened, verified or reopened stay as they are.""")
