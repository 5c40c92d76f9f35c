"""Command-line: `flask --app checkapp create-user …`, `demo`, `worker` and `inbox`."""
import click
from flask import Flask, current_app

from .extensions import db


def register(app: Flask) -> None:
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
