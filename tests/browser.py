"""A headless Chromium for the browser test, driven over the DevTools protocol with the
standard library only.

`Chromium` starts the distribution's `chromium` with `--remote-debugging-pipe` (the
protocol's JSON messages, each ended by a NUL byte, on the child's file descriptors 3
and 4), a throw-away profile and its own process group, and always ends that group
on `close()`, so no renderer or zygote outlives a test. `Page.load(url)` opens a tab,
records every console message, uncaught exception, log entry and network request
while the page loads, and lets the test evaluate JavaScript in it, move the mouse
and take a screenshot. Every wait has a timeout.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The names Chromium has on Debian/Ubuntu (`chromium`, `chromium-browser`), elsewhere, and
# Debian's headless-only build as a last resort; CHECKER_CHROMIUM names another one.
NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "chromium-headless-shell",
)
FLAGS = (
    "--headless=new",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-color-profile=srgb",
    "--lang=en-US",
)


# subprocess cannot place a descriptor at a given number, so a small Python program
# does before it becomes Chromium: the two pipe ends, moved out of the way first (either
# may be 3 or 4 already), become 3 and 4.
_AT_3_AND_4 = """
import fcntl, os, sys
ends = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
for fd in sys.argv[1:3]:
    os.close(int(fd))
for at, end in zip((3, 4), ends):
    os.dup2(end, at)
    os.close(end)
os.execv(sys.argv[3], sys.argv[3:])
"""


class BrowserError(RuntimeError):
    """Chromium could not be started, or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium to use: $CHECKER_CHROMIUM, else the first of `NAMES` on PATH."""
    named = os.environ.get("CHECKER_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Loaded:
    """What a page did while it loaded: the problems a reader's console would show."""

    console: list[str] = field(default_factory=list)  # console.error/assert/warn calls
    exceptions: list[str] = field(default_factory=list)  # uncaught script errors
    log: list[str] = field(default_factory=list)  # the browser's own errors and warnings
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    failed: list[str] = field(default_factory=list)  # requests that failed

    def problems(self) -> list[str]:
        return [*self.console, *self.exceptions, *self.log, *self.failed]


class Chromium:
    """One headless browser process; use as a context manager."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory(prefix="checker-chromium-")
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self.next_id = 0
        self.stderr = tempfile.TemporaryFile()
        # two pipes: our commands go to the child's fd 3, its answers come on its fd 4
        to_child, self.commands = os.pipe()
        self.answers, from_child = os.pipe()
        flags = [*FLAGS, f"--user-data-dir={self.profile.name}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _AT_3_AND_4, str(to_child), str(from_child), binary]
                + [*flags, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                pass_fds=(to_child, from_child),
                start_new_session=True,  # its own process group, ended whole in close()
            )
        except OSError:
            for fd in (self.commands, self.answers):
                os.close(fd)
            self.stderr.close()
            self.profile.cleanup()
            raise
        finally:
            os.close(to_child)
            os.close(from_child)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        try:
            self.call("Browser.getVersion")
        except BrowserError:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self) -> None:
        """Split the answer stream into messages; `None` marks its end."""
        buffer = b""
        with os.fdopen(self.answers, "rb", buffering=0) as stream:
            while chunk := stream.read(1 << 16):
                buffer += chunk
                *whole, buffer = buffer.split(b"\0")
                for raw in whole:
                    self.messages.put(json.loads(raw))
        self.messages.put(None)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that come first are kept."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            self._send(message)
        except OSError as e:
            raise BrowserError(f"{method}: Chromium is gone ({e}){self.said()}") from e
        deadline = time.monotonic() + self.timeout
        while True:
            got = self._next(deadline, method)
            if got.get("id") == self.next_id:
                if "error" in got:
                    raise BrowserError(f"{method}: {got['error']}")
                result: dict[str, Any] = got.get("result", {})
                return result
            self.events.append(got)

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.commands, data) :]

    def wait_for(self, method: str, session: str, since: int) -> dict[str, Any]:
        """The first event `method` of `session` from the `since`-th kept on, waiting for
        it if it has not come yet."""
        deadline = time.monotonic() + self.timeout
        seen = since
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            self.events.append(self._next(deadline, method))

    def _next(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        try:
            got = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise BrowserError(f"no answer to {waiting_for} in {self.timeout:g} s") from None
        if got is None:
            self.messages.put(None)  # the stream stays ended for later calls
            raise BrowserError(f"Chromium exited while waiting for {waiting_for}{self.said()}")
        return got

    def said(self) -> str:
        """The end of what Chromium wrote on stderr, to explain a failure."""
        self.stderr.seek(0)
        text = self.stderr.read().decode(errors="replace").strip()
        return f"; Chromium said:\n{text[-2000:]}" if text else ""

    def open(self, width: int, height: int) -> Page:
        """A new tab of `width` × `height` CSS pixels, its events recorded."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        # offline, as a reader's copy may be: anything the page fetches fails and is reported
        self.call(
            "Network.emulateNetworkConditions",
            session,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        page = Page(self, session, len(self.events), width, height)
        page.resize(width, height)
        return page

    def close(self) -> None:
        """Ask Chromium to quit, then end its whole process group whatever it did."""
        if self.process.poll() is None:
            try:
                self._send({"id": 0, "method": "Browser.close"})
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        # its helpers (zygotes, renderers) have no work left once it is gone
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.close(self.commands)
        except OSError:
            pass
        self.reader.join(timeout=5)
        self.stderr.close()
        self.profile.cleanup()


class Page:
    """One tab of a `Chromium`."""

    def __init__(
        self, browser: Chromium, session: str, first_event: int, width: int, height: int
    ) -> None:
        self.browser = browser
        self.session = session
        self.first_event = first_event
        self.width, self.height = width, height

    def load(self, url: str) -> Loaded:
        """Navigate to `url`, wait for its load event, and say what went wrong on the way."""
        since = len(self.browser.events)  # not a load event of the blank page it was
        answer = self.browser.call("Page.navigate", self.session, url=url)
        if answer.get("errorText"):
            raise BrowserError(f"cannot open {url}: {answer['errorText']}")
        self.browser.wait_for("Page.loadEventFired", self.session, since)
        self.evaluate("1")  # a round trip, so the events of the load are all in
        return self.loaded()

    def loaded(self) -> Loaded:
        out = Loaded()
        for event in self.browser.events[self.first_event :]:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "assert",
                "warning",
            ):
                text = " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                out.console.append(f"console.{params['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                error = details.get("exception", {}).get("description") or details.get("text")
                out.exceptions.append(f"uncaught (line {details.get('lineNumber')}): {error}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                entry = params["entry"]
                out.log.append(f"{entry['level']} ({entry['source']}): {entry['text']}")
            elif method == "Network.requestWillBeSent":
                out.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                out.failed.append(f"failed to load: {params.get('errorText')}")
        return out

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        answer = self.browser.call(
            "Runtime.evaluate",
            self.session,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            raise BrowserError(
                f"script failed: {details.get('exception', {}).get('description') or details}"
            )
        return answer["result"].get("value")

    def hover(self, x: float, y: float) -> None:
        """Move the mouse to (x, y) in the viewport, as a reader would."""
        self.browser.call("Input.dispatchMouseEvent", self.session, type="mouseMoved", x=x, y=y)

    def screenshot(self, path: Path, *, height: int | None = None) -> tuple[int, int]:
        """A PNG of the whole page, or of its top `height` pixels; its (width, height).

        The viewport is stretched to the height shot and set back after: faster on a long
        page than asking Chromium to capture beyond the viewport."""
        width, full = self.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        tall = min(full, height or full)
        self.resize(width, tall)
        try:
            data = self.browser.call("Page.captureScreenshot", self.session, format="png")["data"]
        finally:
            self.resize(self.width, self.height)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return width, tall

    def resize(self, width: int, height: int) -> None:
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            self.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
