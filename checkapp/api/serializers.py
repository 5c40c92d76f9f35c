"""Runs, items, answers and photos as the JSON the API sends. No request in here."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from .. import verdict
from ..evidence import services as evidence
from ..inbox.services import inbox_address
from ..models import Answer, CheckItem, Photo, Run
from ..runs import services as runs


def _iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def promise_text(item: CheckItem, locale: str) -> str:
    try:
        return verdict.describe_promise(item.kind, item.expected or {}, item.unit, locale)
    except verdict.VerdictError:
        return ""


def gap_text(answer: Answer, item: CheckItem, locale: str) -> str:
    result = verdict.Verdict(answer.outcome, answer.gap, answer.detail or {})
    try:
        return verdict.describe(result, item.kind, item.expected or {}, item.unit, locale)
    except (verdict.VerdictError, KeyError, TypeError):
        return ""


def answer_json(answer: Answer, locale: str) -> dict:
    return {
        "id": answer.id,
        "client_uuid": answer.client_uuid,
        "run_id": answer.run_id,
        "item_id": answer.item_id,
        "value": answer.value,
        "note": answer.note or "",
        "outcome": answer.outcome,
        "gap": answer.gap,
        "gap_text": gap_text(answer, answer.item, locale),
        "is_current": answer.is_current,
        "answered_at": _iso(answer.answered_at),
        "given_at": _iso(answer.given_at or answer.answered_at),
    }


def photo_json(photo: Photo, created: bool) -> dict:
    """A photo as the API and the item page's upload script see it (`created`: False on a replay)."""
    duplicate = evidence.duplicate_of(photo)
    return {
        "id": photo.id,
        "client_uuid": photo.client_uuid,
        "run_id": photo.run_id,
        "item_id": photo.item_id,
        "width": photo.width,
        "height": photo.height,
        "byte_size": photo.byte_size,
        "content_type": photo.content_type,
        "sha256": photo.sha256,
        "taken_at": _iso(photo.taken_at),
        "source_hint": photo.source_hint,
        "created_at": _iso(photo.created_at),
        "thumb_url": url_for("evidence.photo", photo_id=photo.id, variant="thumb", v=photo.version),
        "display_url": url_for("evidence.photo", photo_id=photo.id, variant="display", v=photo.version),
        "duplicate_of": duplicate.id if duplicate else None,
        "created": created,
    }


def problem_json(problem: runs.Problem) -> dict:
    """Why a run cannot be sent yet, for one item."""
    messages = {"unanswered": _("Not answered yet."), "photo_missing": _("A photo is required.")}
    return {"item_id": problem.item.id, "question": problem.item.question, "kind": problem.kind,
            "message": messages.get(problem.kind, "")}


def item_json(item: CheckItem, run_id: int, checklist: str, locale: str, photo_count: int) -> dict:
    return {
        "id": item.id,
        "checklist": checklist,
        "position": item.position,
        "question": item.question,
        "promise": item.promise or "",
        "promise_text": promise_text(item, locale),
        "kind": item.kind,
        "expected": item.expected or {},
        "unit": item.unit,
        "severity": item.severity,
        "stage": item.stage,
        "department": item.department,
        "required": item.required,
        "photo_required": item.photo_required,
        "help_text": item.help_text or "",
        "photo_count": photo_count,
        "url": url_for("runs.perform_item", run_id=run_id, item_id=item.id),
    }


def run_json(run: Run, locale: str) -> dict:
    answers = runs.current_answers(run)
    photos = runs.photos_by_item(run)
    items = [item_json(item, run.id, version.name, locale, len(photos.get(item.id, [])))
             for version, version_items in runs.run_items(run) for item in version_items]
    return {
        "id": run.id,
        "title": run.title,
        "brief": run.brief or "",
        "status": run.status,
        "editable": runs.is_editable(run),
        "order_reference": run.order_reference,
        "ordered_at": _iso(run.ordered_at),
        "due_date": run.due_date.isoformat() if run.due_date else None,
        "inbox_address": inbox_address(run),
        "items": items,
        "answers": [answer_json(answer, locale) for answer in answers.values()],
        "urls": {"perform": url_for("runs.start", run_id=run.id), "items": url_for("runs.perform_list", run_id=run.id),
                 "submit": url_for("runs.submit", run_id=run.id)},
    }
