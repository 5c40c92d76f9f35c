"""The app the multi-server test serves on server A: checkapp's own, plus one hook for the fault
"a worker killed in the middle of a photo upload". While the file named by MULTISERVER_PAUSE_FILE
exists, a worker that has just put a photo's first file in the object store writes its pid beside
that file and waits there, to be killed by the test before the thumbnail and the row are written."""
import os
import time
from pathlib import Path

from checkapp import create_app as checkapp_app
from checkapp import photostore

_put = photostore.S3Store.put


def _put_then_pause(self, name: str, data: bytes) -> None:
    _put(self, name, data)
    pause = os.environ.get("MULTISERVER_PAUSE_FILE")
    if pause and Path(pause).exists() and not name.endswith("_thumb.jpg"):
        Path(f"{pause}.pid").write_text(str(os.getpid()))
        time.sleep(120)


def create_app():
    photostore.S3Store.put = _put_then_pause
    return checkapp_app()
