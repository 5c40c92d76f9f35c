"""Command-line: `flask --app checkapp create-user …` and `flask --app checkapp demo`."""
import click
from flask import Flask

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
        click.echo("Emails: CheckApp sends none yet. Invite and share links are shown to you to pass on "
                   "(copy, share or QR code).")
