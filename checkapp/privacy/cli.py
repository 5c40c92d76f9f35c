"""`flask --app checkapp privacy export EMAIL FILE.zip` and `flask --app checkapp privacy erase EMAIL [--yes]`."""
from __future__ import annotations

import getpass

import click
from flask import Flask

from ..database import background_writer
from ..extensions import db
from . import person as people
from . import services


def who() -> str:
    """The privacy log's "who" for a command: there is no account, so the system user who ran it."""
    try:
        return f"command line ({getpass.getuser()})"
    except Exception:  # no user name in this environment
        return "command line"


def _echo_counts(title: str, counts: dict) -> None:
    click.echo(title)
    for kind, count in counts.items():
        click.echo(f"  {kind:<16} {count}")


def address(_ctx, _param, value: str) -> str:
    if "@" not in value:
        raise click.BadParameter("give the person's email address")
    return value


def register(app: Flask) -> None:
    @app.cli.group("privacy")
    def privacy() -> None:
        """Personal data: export or erase what CheckApp holds about one person."""

    @privacy.command("export")
    @click.argument("email", callback=address)
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    def export_command(email: str, file: str) -> None:
        """Write everything held about EMAIL to FILE (a ZIP: data.json and the files)."""
        with background_writer():
            with open(file, "wb") as out:
                contents = services.export_person(email, out, actor_label=who())
            db.session.commit()
        _echo_counts(f"Wrote {file}:", contents)

    @privacy.command("erase")
    @click.argument("email", callback=address)
    @click.option("--yes", is_flag=True, help="Erase without asking first.")
    @click.option("--photos", type=click.Choice(["remove", "keep-redacted"]), default="remove", show_default=True,
                  help="Their photos: all removed, or those already redacted kept.")
    def erase_command(email: str, yes: bool, photos: str) -> None:
        """Erase everything that identifies EMAIL: name and address replaced; words, raw emails, photos removed."""
        with background_writer():
            person = people.find(email)
            if not person.found:
                click.echo(f"No account or invite has {person.email}; its mentions in texts are erased all the same.")
            else:
                _echo_counts(f"Held about {person.email}:", people.held(person))
            if not yes:
                click.confirm("Erase this person? This cannot be undone", abort=True)
            counts = services.erase_person(email, photos=photos.replace("-", "_"), actor_label=who())
            db.session.commit()
        _echo_counts("Erased:", counts)
