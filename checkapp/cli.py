"""Command-line: `flask --app checkapp create-user …`, `demo`, `worker`, `inbox`, `digest`, `tick`,
`photos migrate|sweep`, `backup`, `restore`, `privacy …` and `stats rebuild`."""
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app

from .extensions import db


def register(app: Flask) -> None:
    from .privacy.cli import register as register_privacy

    register_privacy(app)

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["manager", "staff"]), required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default="")
    def create_user(email: str, role: str, password: str, name: str) -> None:
        """Create an account (the first manager, typically)."""
        from .auth.services import AccountError
        from .auth.services import create_user as create

        if len(password) < 10:
            raise click.BadParameter("use at least 10 characters", param_hint="--password")
        try:
            user = create(email, password, role, name)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Created {user.role} {user.email}")

    @app.cli.command("demo")
    def demo() -> None:
        """Load demo data into an empty database and print the demo logins."""
        from .demo import DEMO_LOGINS, database_is_empty, load_demo

        if database_is_empty():
            load_demo()
            db.session.commit()
            click.echo("Demo data loaded.")
        else:
            click.echo("The database already has data: demo data not loaded.")
        click.echo("Demo logins:")
        for role, email, password in DEMO_LOGINS:
            click.echo(f"  {role:<8} {email}  /  {password}")
        if current_app.config.get("SMTP_URL"):
            click.echo("Emails: sent through CHECKAPP_SMTP_URL; the manager's Emails page lists them.")
        else:
            click.echo(f"Emails: no mail server is set (CHECKAPP_SMTP_URL), so each email is written to "
                       f"{current_app.config['MAIL_DIR']} as an .eml file and listed on the manager's Emails page.")

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Jobs run at the same time (threads).")
    def worker(workers: int) -> None:
        """Run the background jobs (emails, reminders) and the periodic ones, until Ctrl+C."""
        from .jobs.worker import run_worker

        run_worker(current_app._get_current_object(), workers)

    @app.cli.command("inbox")
    @click.option("--bind", default=None, help="host:port (default CHECKAPP_INBOX_BIND, 127.0.0.1:2525).")
    def inbox(bind: str | None) -> None:
        """Run the SMTP server that receives mail at the runs' own addresses, until Ctrl+C."""
        from .inbox.server import serve

        serve(current_app._get_current_object(), bind or current_app.config["INBOX_BIND"])

    @app.cli.command("digest")
    @click.option("--department", "key", default=None, help="Only this department (its key, e.g. logistics).")
    @click.option("--now", "now_text", default=None, metavar="ISO",
                  help="The moment to send as of (ISO 8601, app time unless it has an offset), e.g. 2026-12-07T07:30.")
    def digest(key: str | None, now_text: str | None) -> None:
        """Send this week's department digests now (each department at most once a week)."""
        from .database import background_writer
        from .departments import services
        from .departments.digest import send_digests, week_of
        from .models import utcnow

        if key is not None and services.get(key) is None:
            raise click.BadParameter(f"no department {key!r}", param_hint="--department")
        now = parse_moment(now_text) if now_text else utcnow()
        with background_writer():
            outcomes = send_digests(now, only=key)
            db.session.commit()
        click.echo(f"Week {week_of(now)}:")
        for outcome in outcomes:
            click.echo(f"  {outcome.department}: {describe(outcome)}")
        if any(outcome.status == "sent" for outcome in outcomes) and not current_app.config.get("QUEUE_IMMEDIATE"):
            click.echo("The emails are queued: the worker (flask --app checkapp worker) sends them; "
                       "the Emails page lists them.")

    @app.cli.command("tick")
    @click.option("--now", "now_text", default=None, metavar="2027-03-01T08:00",
                  help="Act as if it were this time (app time, CHECKAPP_TIMEZONE, unless an offset is given).")
    def tick(now_text: str | None) -> None:
        """One pass of the programmes: make due runs, queue reminders, flag overdue runs (the worker does
        it every 15 minutes; a second pass at the same time does nothing more)."""
        from .database import background_writer
        from .programmes.tick import tick as one_pass

        with background_writer():
            report = one_pass(parse_moment(now_text) if now_text else None)
            db.session.commit()
        click.echo(str(report))

    @app.cli.group("stats")
    def stats() -> None:
        """The promise statistics behind the fix list and the dashboard."""

    @stats.command("rebuild")
    def stats_rebuild() -> None:
        """Compute the statistics tables again from the answers (they are kept up to date as runs are
        reviewed: rebuild after restoring a backup or changing answers by hand)."""
        from .stats.services import rebuild, totals

        started = time.perf_counter()
        written = rebuild()
        db.session.commit()
        answers, runs = totals()
        click.echo(f"Rebuilt the statistics from {answers} counted answers of {runs} accepted runs "
                   f"in {time.perf_counter() - started:.1f} s:")
        for table, rows in written.items():
            click.echo(f"  {table:<14} {rows} rows")

    register_operations(app)


DIGEST_OUTCOMES = {
    "already_sent": "already sent this week",
    "nothing_new": "nothing open, new, back or verified: no digest",
    "no_address": "no address (add some on the Departments page)",
    "turned_off": "every address turned the digest off",
}


def describe(outcome) -> str:
    """One department's digest in a line, e.g. "sent to a@example.org (3 open, 1 new, 0 back, 1 verified)"."""
    if outcome.status != "sent":
        return DIGEST_OUTCOMES[outcome.status]
    counts = ", ".join(f"{number} {name}" for name, number in outcome.counts.items())
    return f"sent to {', '.join(outcome.recipients)} ({counts})"


def parse_moment(text: str) -> datetime:
    """A moment typed on the command line: ISO 8601, in app time unless it has an offset → naive UTC."""
    from .i18n import local_to_utc

    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 moment, e.g. 2026-12-07T07:30",
                                 param_hint="--now") from error
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else local_to_utc(moment)


def register_operations(app: Flask) -> None:
    """Past one machine: moving photos to object storage, sweeping orphan files, backup and restore."""

    @app.cli.group("photos")
    def photos_group() -> None:
        """The photo store: copy it elsewhere, sweep files no photo uses."""

    @photos_group.command("migrate")
    @click.option("--to", "target", required=True, help="The new store: s3://bucket/prefix or a directory.")
    @click.option("--from", "source", default=None, help="The store to copy (default: the configured one).")
    def photos_migrate(target: str, source: str | None) -> None:
        """Copy every photo file to another store and check each one's SHA-256 read back from there."""
        from .ops.photo_stores import migrate

        source = source or current_app.config["PHOTO_DIR"]
        click.echo(f"Copying the photos from {source} to {target}...")
        result = migrate(source, target)
        click.echo(f"{result.copied} file(s) copied ({result.bytes_copied / 1048576:.1f} MB), "
                   f"{result.already_there} already there with the same checksum.")
        if result.mismatched:
            raise click.ClickException(f"{len(result.mismatched)} file(s) read back with another checksum: "
                                       f"{', '.join(result.mismatched[:10])}. Run the command again.")
        if result.missing:
            raise click.ClickException(f"{len(result.missing)} file(s) named by photos are in neither store: "
                                       f"{', '.join(result.missing[:10])}.")
        click.echo(f"Every checksum verified. Now set CHECKAPP_PHOTO_STORE={target} on every server and restart "
                   f"them; {source} can be removed once they run." if target.startswith("s3://") else
                   f"Every checksum verified. Now set CHECKAPP_PHOTO_DIR={target} and restart.")

    @photos_group.command("sweep")
    @click.option("--older-than", "minutes", default=60, show_default=True, type=click.IntRange(min=0),
                  help="Only files older than this many minutes (an upload in progress keeps its files).")
    def photos_sweep(minutes: int) -> None:
        """Remove files no photo row names (left by an upload whose process was killed)."""
        from datetime import timedelta

        from .ops.photo_stores import sweep

        removed = sweep(current_app.config["PHOTO_DIR"], older_than=timedelta(minutes=minutes))
        click.echo(f"{len(removed)} orphan file(s) removed.")

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    def backup(file: str) -> None:
        """Write one archive: a consistent copy of the database, the photos and a manifest."""
        from .ops.backup import BackupError
        from .ops.backup import backup as make_backup

        try:
            manifest = make_backup(file, echo=click.echo)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {file}: {sum(manifest['counts'].values())} rows, "
                   f"{len(manifest['photos'])} photo file(s), schema {manifest['schema_revision']}.")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--verify", "verify_only", is_flag=True, help="Check the archive without restoring it.")
    def restore(file: str, verify_only: bool) -> None:
        """Restore an archive into an empty database and an empty photo store."""
        from .ops.backup import BackupError, verify
        from .ops.backup import restore as restore_archive

        try:
            manifest = verify(file) if verify_only else restore_archive(file, echo=click.echo)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        rows, files = sum(manifest["counts"].values()), len(manifest["photos"])
        click.echo(f"{file} is complete: {rows} rows, {files} photo file(s), every checksum verified "
                   f"(schema {manifest['schema_revision']})." if verify_only else
                   f"Restored {rows} rows and {files} photo file(s) from {file}; counts and checksums verified.")
