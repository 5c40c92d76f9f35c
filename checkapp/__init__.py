"""CheckApp: check, as a customer would, that what a brand promises is what customers get."""
from pathlib import Path

from flask import Flask

from . import config, pagecache
from .application import CheckApp
from .database import configure_sqlite
from .extensions import babel, compress, csrf, db, fragments, limiter, login_manager, migrate, pages
from .request import Request
from .security import add_security_headers

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = CheckApp(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.request_class = Request
    app.config.from_mapping(test_config or config.from_environment(app.instance_path))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    trust_proxies(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    connect_receivers()
    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    app.after_request(add_security_headers)
    register_jobs(app)
    return app


def register_jobs(app: Flask) -> None:
    """Point the job queue at its storage and load every area's jobs (the worker runs them)."""
    from .jobs import init_queue

    init_queue(app)
    from .departments import tasks as _department_tasks  # noqa: F401
    from .evidence import tasks as _evidence_tasks  # noqa: F401
    from .insights import tasks as _insights_tasks  # noqa: F401
    from .invites import tasks as _invite_tasks  # noqa: F401
    from .mail import tasks as _mail_tasks  # noqa: F401
    from .notify import tasks as _notify_tasks  # noqa: F401
    from .privacy import tasks as _privacy_tasks  # noqa: F401
    from .programmes import tasks as _programme_tasks  # noqa: F401
    from .webhooks import tasks as _webhook_tasks  # noqa: F401


def register_template_helpers(app: Flask) -> None:
    from types import SimpleNamespace

    from . import verdict
    from .fixes.states import FixKind, FixState
    from .forms import template_csrf_token
    from .i18n import template_translations
    from .inbox.services import inbox_address
    from .navigation import template_helpers
    from .privacy.display import person_name
    from .pwa.words import words_url
    from .runs import states as run_states

    app.jinja_env.add_extension("jinja2.ext.do")
    for helpers in (template_helpers, template_translations, template_csrf_token):
        app.context_processor(helpers)
    # Templates compare states and outcomes with these, never with spelled-out strings.
    app.jinja_env.globals.update(
        RunState=run_states.RunState, run_states=run_states, FixState=FixState, FixKind=FixKind,
        Outcome=SimpleNamespace(PASS=verdict.PASS, MISMATCH=verdict.MISMATCH, NA=verdict.NA, NOTED=verdict.NOTED))
    app.add_template_global(inbox_address)
    app.add_template_filter(person_name, "person")
    app.add_template_global(words_url)


def register_converters(app: Flask) -> None:
    """Before any route exists: every `<int:...>` in a URL is a database id (past 2^63-1, a 404)."""
    from .ids import IdConverter

    app.url_map.converters["int"] = IdConverter


def trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy, take the client's address and scheme from its headers, so that
    rate limits count per client (not per proxy) and generated URLs keep https."""
    count = app.config.get("PROXIES", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        pagecache.install(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    # gzip text responses of 500 bytes or more when the client accepts it (Vary: Accept-Encoding).
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
    fragments.init_app(app)
    pages.init_app(app)

    from .auth.session import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None


def register_blueprints(app: Flask) -> None:
    from .api.routes import bp as api
    from .auth.routes import bp as auth
    from .checklists.routes import bp as checklists
    from .coverage.routes import bp as coverage
    from .departments.routes import bp as departments
    from .evidence.routes import bp as evidence
    from .fixes.routes import bp as fixes
    from .insights.routes import bp as insights
    from .invites.routes import bp as invites
    from .jobs.routes import bp as jobs
    from .mail.routes import bp as mail
    from .main.routes import bp as main
    from .privacy.routes import bp as privacy
    from .programmes.routes import bp as programmes
    from .pwa.routes import bp as pwa
    from .review.routes import bp as review
    from .runs.routes import bp as runs
    from .webhooks.routes import bp as webhooks

    for blueprint in (main, auth, checklists, runs, evidence, invites, review, fixes, departments, insights, api, pwa,
                      mail, jobs, webhooks, programmes, coverage, privacy):
        app.register_blueprint(blueprint)


def connect_receivers() -> None:
    """Effects across areas, all in one place: which area listens to which workflow signal."""
    from . import signals
    from .fixes.services import on_run_accepted
    from .invites.services import stamp_submitted
    from .notify import receivers as notify
    from .stats import services as stats
    from .webhooks import services as webhooks

    signals.run_submitted.connect(stamp_submitted)
    signals.run_accepted.connect(on_run_accepted)
    # The promise statistics the fix list and the dashboard read (checkapp/stats).
    signals.run_accepted.connect(stats.on_run_accepted)
    signals.answer_overridden.connect(stats.on_answer_overridden)
    signals.run_acceptance_undone.connect(stats.on_acceptance_undone)
    signals.run_submitted.connect(stats.on_run_submitted)
    signals.run_sent_back.connect(stats.on_run_sent_back)
    # People told by email (checkapp/notify).
    signals.run_submitted.connect(notify.on_run_submitted)
    signals.run_sent_back.connect(notify.on_run_sent_back)
    signals.fix_assigned.connect(notify.on_fix_assigned)
    signals.fix_regressed.connect(notify.on_fix_regressed)
    # Webhooks: one delivery per subscribed URL, sent once the workflow's transaction commits.
    signals.run_submitted.connect(webhooks.on_run_submitted)
    signals.run_accepted.connect(webhooks.on_run_accepted)
    signals.fix_opened.connect(webhooks.on_fix_opened)
    signals.fix_regressed.connect(webhooks.on_fix_regressed)
    signals.fix_verified.connect(webhooks.on_fix_verified)


def register_error_handlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
