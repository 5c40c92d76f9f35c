from sqlalchemy import select

from checkapp.models import User


def test_create_user_command_makes_the_first_manager(app, db):
    result = app.test_cli_runner().invoke(args=["create-user", "boss@example.org", "--role", "manager",
                                                "--password", "very-secret-1", "--name", "Boss"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "manager" and user.check_password("very-secret-1")


def test_create_user_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user", "b@example.org", "--role", "staff", "--password", "short"])
    assert result.exit_code != 0 and "10 characters" in result.output


def test_demo_loads_once_and_prints_the_logins(app, db, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert "Demo data loaded." in first.output and "manager@demo.checkapp" in first.output
    users = db.session.query(User).count()  # the two logins, and a colleague in a programme's rotation
    second = runner.invoke(args=["demo"])
    assert "not loaded" in second.output
    assert db.session.query(User).count() == users == 3
    response = client.post("/login", data={"email": "manager@demo.checkapp", "password": "demo-manager-2026"})
    assert response.status_code == 302
