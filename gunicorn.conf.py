"""gunicorn settings for `make run` and production (`gunicorn -c gunicorn.conf.py "checkapp:create_app()"`)."""


def when_ready(server):
    """Once, in the master process, before any worker: what to know about the configuration."""
    from checkapp.config import startup_warnings

    for warning in startup_warnings():
        server.log.warning(warning)
