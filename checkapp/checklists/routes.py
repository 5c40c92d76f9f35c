"""The checklist editor (managers only): list, details, items, versions, library, import/export."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.utils import secure_filename

from .. import glossary, verdict
from ..extensions import db
from ..forms import ButtonForm
from ..models import Checklist
from ..navigation import current_locale
from ..permissions import manager_required
from . import library, services, transfer
from .forms import ChecklistForm, ImportForm, ItemForm

bp = Blueprint("checklists", __name__, url_prefix="/checklists")


def locale() -> str:
    return current_locale()


def promise_text(kind: str, expected: dict, unit: str | None) -> str:
    try:
        return verdict.describe_promise(kind, expected or {}, unit, locale())
    except verdict.PromiseError:
        return ""


def get_checklist_or_404(checklist_id: int) -> Checklist:
    return db.get_or_404(Checklist, checklist_id)


def saved(checklist: Checklist, number_before: int, message: str) -> None:
    """Commit the edit and say so, and say when it started a new version."""
    db.session.commit()
    number = checklist.current_version.number
    if number != number_before:
        message += " " + _("Runs already used version %(old)s, so your change is in version %(new)s; "
                           "those runs keep theirs.", old=number_before, new=number)
    flash(message, "success")


def editor_url(checklist: Checklist, item_key: str | None = None) -> str:
    anchor = f"item-{item_key}" if item_key else None
    return url_for("checklists.edit", checklist_id=checklist.id, _anchor=anchor)


# --- list and details -------------------------------------------------------------------------

@bp.get("/")
@manager_required
def index():
    area = request.args.get("area")
    area = area if area in glossary.AREAS else None
    archived = request.args.get("archived") == "1"
    page, counts = services.list_page(request.args.get("page", 1, type=int), area=area, archived=archived)
    return render_template("checklists/index.html", page=page, counts=counts, area=area, archived=archived,
                           area_counts=services.area_counts(archived=archived))


@bp.route("/new", methods=["GET", "POST"])
@manager_required
def new():
    form = ChecklistForm(area=request.args.get("area"))
    if form.validate_on_submit():
        checklist = services.create_checklist(current_user, name=form.name.data, area=form.area.data,
                                              description=form.description.data)
        db.session.commit()
        flash(_("Checklist created. Now add its items."), "success")
        return redirect(url_for("checklists.new_item", checklist_id=checklist.id))
    return render_template("checklists/new.html", form=form)


@bp.route("/<int:checklist_id>", methods=["GET", "POST"])
@manager_required
def edit(checklist_id: int):
    checklist = get_checklist_or_404(checklist_id)
    version = checklist.current_version
    form = ChecklistForm(obj=version) if request.method == "GET" else ChecklistForm()
    if request.method == "GET":
        form.area.data = checklist.area
    if form.validate_on_submit():
        services.update_details(checklist, current_user, name=form.name.data, area=form.area.data,
                                description=form.description.data)
        saved(checklist, version.number, _("Checklist saved."))
        return redirect(editor_url(checklist))
    return render_template("checklists/edit.html", checklist=checklist, version=version, form=form,
                           used=services.version_is_used(version), button=ButtonForm(), promise_text=promise_text)


# --- items ------------------------------------------------------------------------------------

def item_page(checklist: Checklist, form: ItemForm, item=None):
    return render_template("checklists/item.html", checklist=checklist, version=checklist.current_version,
                           form=form, item=item, used=services.version_is_used(checklist.current_version))


@bp.route("/<int:checklist_id>/items/new", methods=["GET", "POST"])
@manager_required
def new_item(checklist_id: int):
    checklist = get_checklist_or_404(checklist_id)
    form = ItemForm()
    if request.method == "GET":
        form.stage.data = request.args.get("stage")
    if form.show_kind.data:
        return item_page(checklist, form)
    if form.validate_on_submit():
        number = checklist.current_version.number
        item = services.add_item(checklist, current_user, form.item_fields())
        saved(checklist, number, _("Item added."))
        if request.form.get("then") == "another":
            return redirect(url_for("checklists.new_item", checklist_id=checklist.id, stage=item.stage))
        return redirect(editor_url(checklist, item.item_key))
    return item_page(checklist, form)


@bp.route("/<int:checklist_id>/items/<item_key>", methods=["GET", "POST"])
@manager_required
def edit_item(checklist_id: int, item_key: str):
    checklist = get_checklist_or_404(checklist_id)
    item = services.find_item(checklist.current_version, item_key)
    if item is None:
        flash(_("This item is no longer in the checklist."), "warning")
        return redirect(editor_url(checklist))
    form = ItemForm()
    if request.method == "GET":
        form.fill_from(item)
    if form.show_kind.data:
        return item_page(checklist, form, item)
    if form.validate_on_submit():
        number = checklist.current_version.number
        services.update_item(checklist, current_user, item_key, form.item_fields())
        saved(checklist, number, _("Item saved."))
        return redirect(editor_url(checklist, item_key))
    return item_page(checklist, form, item)


@bp.post("/<int:checklist_id>/items/<item_key>/move/<any(up, down):direction>")
@manager_required
def move_item(checklist_id: int, item_key: str, direction: str):
    ButtonForm().validate_on_submit()
    checklist = get_checklist_or_404(checklist_id)
    number = checklist.current_version.number
    if services.move_item(checklist, current_user, item_key, -1 if direction == "up" else 1):
        saved(checklist, number, _("Item moved up.") if direction == "up" else _("Item moved down."))
    return redirect(editor_url(checklist, item_key))


@bp.post("/<int:checklist_id>/items/<item_key>/delete")
@manager_required
def delete_item(checklist_id: int, item_key: str):
    ButtonForm().validate_on_submit()
    checklist = get_checklist_or_404(checklist_id)
    number = checklist.current_version.number
    if services.delete_item(checklist, current_user, item_key):
        saved(checklist, number, _("Item removed."))
    return redirect(editor_url(checklist))


# --- archive and delete -----------------------------------------------------------------------

@bp.post("/<int:checklist_id>/archive")
@manager_required
def archive(checklist_id: int):
    ButtonForm().validate_on_submit()
    checklist = get_checklist_or_404(checklist_id)
    services.set_archived(checklist, not checklist.archived)
    db.session.commit()
    flash(_("Checklist archived: it is hidden from the list and from new runs; past runs keep it.")
          if checklist.archived else _("Checklist restored."), "success")
    return redirect(editor_url(checklist))


@bp.route("/<int:checklist_id>/delete", methods=["GET", "POST"])
@manager_required
def delete(checklist_id: int):
    checklist = get_checklist_or_404(checklist_id)
    if services.checklist_is_used(checklist):
        flash(_("Runs used this checklist, so it cannot be deleted. Archive it to hide it."), "error")
        return redirect(editor_url(checklist))
    form = ButtonForm()
    if form.validate_on_submit():
        name = checklist.current_version.name
        services.delete_checklist(checklist)
        db.session.commit()
        flash(_("Checklist «%(name)s» deleted.", name=name), "success")
        return redirect(url_for("checklists.index"))
    return render_template("checklists/delete.html", checklist=checklist, version=checklist.current_version,
                           form=form)


# --- import, export, library -----------------------------------------------------------------

def refusal(error: transfer.ImportRefused) -> str:
    problem = _(error.message) % error.params
    if error.item:
        return _("Item %(number)s: %(problem)s", number=error.item, problem=problem)
    if error.item == 0:
        return _("Checklist: %(problem)s", problem=problem)
    return problem


@bp.get("/<int:checklist_id>/export")
@manager_required
def export(checklist_id: int):
    version = get_checklist_or_404(checklist_id).current_version
    filename = (secure_filename(version.name) or "checklist").lower() + ".json"
    return Response(transfer.export_json(version), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/import", methods=["GET", "POST"])
@manager_required
def import_():
    form = ImportForm()
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(transfer.MAX_BYTES + 1) if getattr(upload, "filename", "") else form.text.data or ""
        try:
            if not raw.strip():
                raise transfer.ImportRefused(transfer.N_("Choose a file, or paste the JSON of a checklist."))
            content = transfer.parse(raw)
        except transfer.ImportRefused as error:
            problem = refusal(error)
        else:
            checklist = transfer.import_checklist(content, current_user)
            db.session.commit()
            flash(ngettext("Checklist imported with %(num)s item. Check it, then use it in a run.",
                           "Checklist imported with %(num)s items. Check it, then use it in a run.",
                           len(content["items"])), "success")
            return redirect(editor_url(checklist))
    return render_template("checklists/import.html", form=form, problem=problem,
                           max_items=transfer.MAX_ITEMS), 200 if problem is None else 400


@bp.get("/library", endpoint="library")
@manager_required
def library_page():
    return render_template("checklists/library.html", entries=library.entries(locale()),
                           language=locale() if locale() in library.LANGUAGES else "en", button=ButtonForm(),
                           promise_text=promise_text)


@bp.post("/library/<area>/<language>/use")
@manager_required
def use_library(area: str, language: str):
    ButtonForm().validate_on_submit()
    content = library.entry(area, language)
    if content is None:
        flash(_("This ready-made checklist does not exist. Pick one from the library."), "error")
        return redirect(url_for("checklists.library"))
    if not request.form.get("again") and library.copies_of(content):
        return redirect(url_for("checklists.library_copied", area=area, language=language))
    checklist = library.make_copy(content, current_user)
    db.session.commit()
    flash(_("«%(name)s» is now one of your checklists. Adapt its promises to your brand.",
            name=checklist.current_version.name), "success")
    return redirect(editor_url(checklist))


@bp.get("/library/<area>/<language>/copied")
@manager_required
def library_copied(area: str, language: str):
    """Asked before a second copy: open the copy you have, or make another on purpose."""
    content = library.entry(area, language)
    copies = library.copies_of(content) if content else []
    if not copies:
        return redirect(url_for("checklists.library"))
    return render_template("checklists/library_copied.html", content=content, copies=copies, area=area,
                           language=language, next_name=library.free_name(content["name"]))
