"""`make run` speaks once: the missing CHECKAPP_BASE_URL is said by the gunicorn master, not by every
worker and command that builds the app; the demo command says where the logins and emails are."""
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from checkapp import config, create_app
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
WARNING = "CHECKAPP_BASE_URL is not set"


def production_without_base_url(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CHECKAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")
    monkeypatch.setenv("CHECKAPP_PHOTO_DIR", str(tmp_path / "photos"))
    monkeypatch.delenv("CHECKAPP_BASE_URL", raising=False)


def test_the_warning_is_for_production_without_a_public_address(monkeypatch):
    assert any(WARNING in w for w in config.startup_warnings({"CHECKAPP_ENV": "production"}))
    assert config.startup_warnings({"CHECKAPP_BASE_URL": "https://check.example.org"}) == []
    assert config.startup_warnings({"CHECKAPP_ENV": "development"}) == []


def test_building_the_app_says_nothing_about_the_base_url(monkeypatch, tmp_path, caplog):
    production_without_base_url(monkeypatch, tmp_path)
    with caplog.at_level(logging.WARNING):
        create_app(config.from_environment(str(tmp_path)))
    assert WARNING not in caplog.text


def test_gunicorn_says_it_once_for_all_its_workers(monkeypatch, tmp_path):
    production_without_base_url(monkeypatch, tmp_path)
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "info", "checkapp:create_app()"],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        time.sleep(2)  # both workers have built the app by now
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert output.count("Booting worker") == 2, output
    assert output.count(WARNING) == 1, output


def test_the_demo_command_says_where_emails_go(app, db):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    assert "manager@demo.checkapp" in output
    assert f"each email is written to {app.config['MAIL_DIR']} as an .eml file" in output
