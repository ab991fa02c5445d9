"""Live reload: the state of the last build, Server-Sent Events to every open page, and the page script.

The server injects :func:`reload_script` into each HTML *response* (never into the files on disk, which
stay what a deploy uploads). The script opens ``/__sitepush/live``, an event stream, and:

* on ``hello`` (sent first on every connection, and again after a server restart, when the browser's
  EventSource reconnects by itself) compares the build the page came from with the current one and
  reloads if they differ — so an edit made while the page was loading is never missed;
* on ``reload`` reloads the page; on ``css`` swaps the changed stylesheets in place, without a reload;
* on ``failed`` shows the build's problems (``file:line: message``) in an overlay over the last good
  page, and on ``built`` clears it.

Several tabs are several streams; a hub wakes them all. Every wait is bounded (a keep-alive comment
every 15 s lets a stream notice a closed tab).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass

LIVE_PATH = "/__sitepush/live"
"""The event stream's path; the preview serves nothing else under ``/__sitepush/``."""

KEEP_ALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class LiveEvent:
    """One message on the stream."""

    name: str
    """``hello``, ``reload``, ``css``, ``failed`` or ``built``."""
    data: object

    def encode(self) -> bytes:
        """The event in ``text/event-stream`` framing."""
        text = json.dumps(self.data, ensure_ascii=False)
        return f"event: {self.name}\ndata: {text}\n\n".encode()


class LiveHub:
    """The current build and its problems; pages wait here for the next change."""

    def __init__(self) -> None:
        self._instance = secrets.token_hex(4)
        self._generation = 0
        self._problems: tuple[str, ...] = ()
        self._events: list[LiveEvent] = []
        self._published = 0
        self._changed = threading.Condition()

    @property
    def build_id(self) -> str:
        """Names the last good build of this server process (changes on every build and restart)."""
        with self._changed:
            return f"{self._instance}-{self._generation}"

    @property
    def problems(self) -> tuple[str, ...]:
        """The problems of the last build, if it failed (the site served is then the one before)."""
        with self._changed:
            return self._problems

    def hello(self) -> LiveEvent:
        """The first event of a stream: the build the page should show and any current failure."""
        with self._changed:
            return LiveEvent("hello", {"build": f"{self._instance}-{self._generation}",
                                       "problems": list(self._problems)})

    def built(self, changed_keys: Sequence[str]) -> None:
        """A build succeeded and changed ``changed_keys`` (empty: same bytes as before)."""
        with self._changed:
            had_problems = bool(self._problems)
            self._problems = ()
            if changed_keys:
                self._generation += 1
                build = f"{self._instance}-{self._generation}"
                if all(key.endswith(".css") for key in changed_keys):
                    event = LiveEvent("css", {"build": build, "keys": sorted(changed_keys)})
                else:
                    event = LiveEvent("reload", {"build": build})
            elif had_problems:
                event = LiveEvent("built", {"build": f"{self._instance}-{self._generation}"})
            else:
                return
            self._publish(event)

    def failed(self, problems: Sequence[str]) -> None:
        """A build failed: the last good build stays served; pages show ``problems``."""
        with self._changed:
            self._problems = tuple(problems)
            self._publish(LiveEvent("failed", {"problems": list(problems)}))

    def wake(self) -> None:
        """Wake every waiting stream without an event (a server stopping lets them see it)."""
        with self._changed:
            self._changed.notify_all()

    def _publish(self, event: LiveEvent) -> None:
        self._events.append(event)
        del self._events[:-64]  # a stream further behind than this reloads on its next hello anyway
        self._published += 1
        self._changed.notify_all()

    def position(self) -> int:
        """Where a new stream starts reading: after every event published so far."""
        with self._changed:
            return self._published

    def wait(self, position: int, timeout: float = KEEP_ALIVE_SECONDS) -> tuple[list[LiveEvent], int]:
        """Events published after ``position`` (waiting up to ``timeout`` for one), and the new position."""
        with self._changed:
            if self._published == position:
                self._changed.wait(timeout)
            missed = min(self._published - position, len(self._events))
            return (self._events[-missed:] if missed else []), self._published


def inject(page: bytes, build_id: str) -> bytes:
    """``page`` with the live-reload script before its last ``</body>`` (or at its end)."""
    script = reload_script(build_id).encode()
    lowered = page.lower()
    at = lowered.rfind(b"</body>")
    if at < 0:
        return page + script
    return page[:at] + script + page[at:]


def reload_script(build_id: str) -> str:
    """The ``<script>`` the server adds to HTML responses (see the module docstring)."""
    return _SCRIPT.replace("__BUILD__", json.dumps(build_id)).replace("__LIVE__", json.dumps(LIVE_PATH))


_SCRIPT = """<script id="sitepush-live">(function () {
  var page = __BUILD__, box = null;
  function show(problems) {
    if (!box) {
      box = document.createElement("div");
      box.id = "sitepush-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#3b0a0a;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;" +
        "white-space:pre-wrap;border-top:4px solid #ff5c5c;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "sitepush: the last edit does not build; this page is the last good build.\\n\\n" +
      problems.join("\\n");
  }
  function clear() { if (box) { box.remove(); box = null; } }
  function swapCss(keys) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]'), stamp = Date.now();
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (url.origin !== location.origin) continue;
      var key = decodeURIComponent(url.pathname.slice(1));
      if (keys.indexOf(key) < 0) continue;
      url.searchParams.set("sitepush", stamp);
      links[i].href = url.href;
    }
  }
  var source = new EventSource(__LIVE__);
  source.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);
    if (d.build !== page) { location.reload(); return; }
    if (d.problems.length) show(d.problems); else clear();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function (e) { var d = JSON.parse(e.data); page = d.build; swapCss(d.keys); });
  source.addEventListener("failed", function (e) { show(JSON.parse(e.data).problems); });
  source.addEventListener("built", function () { clear(); });
})();</script>
"""
