#!/usr/bin/python3
"""ui-e2e.py: two people, two app processes, one real server.

Started by ui-e2e.sh inside a private X server and session bus. Alice and
Bruno sign in (CAUSERIE_PASSWORD), open their direct room and talk: Alice
sends, Bruno sees it live and answers, Alice sees the answer and the ✓✓
(Bruno read her message). Then the server stops, Bruno sends a message that
waits in his outbox (shown as "Sending"), the server comes back on the same
data directory and port, and the message reaches Alice exactly once.

Waits are bounded and fail with the accessibility tree printed; nothing is
timed. Screenshots go to $CAUSERIE_ARTIFACTS (look at them).
"""
import json, os, subprocess, time, urllib.request
import pyatspi

from e2e_common import (APP, DATA, PASSWORD, SERVER, TMP, URL, app_of, log, run, shot, start,
                        start_server, stop, wait_for)

WIDTH = 1000           # the apps' default window width
OFFSET = {"alice": 0, "bruno": 1060}


def start_app(user):
    home = os.path.join(TMP, user)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    return start([APP, "--server", URL, "--organisation", "demo",
                  "--email", f"{user}@demo.causerie.org"], user, env)


# Accessibility helpers ----------------------------------------------------


def label(root, text, timeout=30):
    return wait_for(lambda: pyatspi.findDescendant(
        root, lambda n: n.getRoleName() == "label" and n.name == text),
        f"label {text!r}", timeout, root)


def message_row(root, text):
    """The message row (a group named "Sender, 12:00: text")."""
    return pyatspi.findDescendant(
        root, lambda n: n.getRoleName() in ("panel", "grouping") and
        (n.name or "").endswith(": " + text))


def state_of(root, text):
    """The accessible name of the tick beside our message @text."""
    row = message_row(root, text)
    if row is None:
        return None
    icon = pyatspi.findDescendant(
        row, lambda n: n.getRoleName() in ("image", "icon") and
        n.name in ("Sending", "Sent", "Read"))
    return icon.name if icon is not None else None


def reconnect_button(app):
    """The offline banner's "Reconnect Now", while it is laid out."""
    def look():
        b = pyatspi.findDescendant(
            app, lambda n: n.getRoleName() == "push button" and
            "Reconnect Now" in (n.name or "").replace("_", ""))
        if b is not None and b.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width > 0:
            return b
    try:
        return wait_for(look, "Reconnect Now", 10)
    except AssertionError:
        return None


def new_window(known):
    """The app window that is not in @known (apps start one at a time)."""
    def look():
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Causerie"],
                             capture_output=True, text=True, timeout=10)
        fresh = [w for w in out.stdout.split() if w not in known]
        return fresh[-1] if fresh else None
    return wait_for(look, "a new Causerie window", 30)


def click(user, node, button=1):
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x = OFFSET[user] + e.x + e.width // 2
    y = e.y + e.height // 2
    subprocess.run(["xdotool", "windowfocus", "--sync", WINDOWS[user]], check=True)
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", str(button)], check=True)
    time.sleep(0.2)


def say(user, app, text):
    entry = wait_for(lambda: pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "text" and n.name == "Message"),
        "the composer", 20, app)
    click(user, entry)
    subprocess.run(["xdotool", "type", "--delay", "8", text], check=True)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def open_room(user, app, name):
    row = label(app, name, 60)
    click(user, row)
    wait_for(lambda: pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "text" and n.name == "Message"),
        f"{user}'s conversation with {name}", 20, app)


def count_on_server(body):
    """How many messages with @body Alice's direct room holds on the server."""
    req = urllib.request.Request(URL + "/api/auth/login", method="POST",
                                 data=json.dumps({"tenant": "demo",
                                                  "email": "alice@demo.causerie.org",
                                                  "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        token = json.load(r)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    with urllib.request.urlopen(urllib.request.Request(URL + "/api/rooms", headers=auth),
                                timeout=10) as r:
        rooms = json.load(r)["rooms"]
    n = 0
    for room in rooms:
        if room["type"] != "direct":
            continue
        with urllib.request.urlopen(urllib.request.Request(
                f"{URL}/api/rooms/{room['id']}/messages?limit=100", headers=auth),
                timeout=10) as r:
            n += sum(1 for m in json.load(r)["messages"] if m["body"] == body)
    return n


# The scenario ---------------------------------------------------------------

WINDOWS = {}


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True,
                   stdout=subprocess.DEVNULL)
    server = start_server()
    log(f"server on {URL}")

    apps = {}
    for user in ("alice", "bruno"):
        p = start_app(user)
        WINDOWS[user] = new_window(list(WINDOWS.values()))
        subprocess.run(["xdotool", "windowmove", WINDOWS[user], str(OFFSET[user]), "0"],
                       check=True)
        apps[user] = app_of(p.pid)
    alice, bruno = apps["alice"], apps["bruno"]

    open_room("alice", alice, "Bruno Petit")
    open_room("bruno", bruno, "Alice Martin")

    stamp = str(os.getpid())
    hello = f"Hello Bruno, the invoices are out ({stamp})"
    say("alice", alice, hello)
    wait_for(lambda: state_of(alice, hello) in ("Sent", "Read"), "Alice's ✓", 30, alice)
    label(bruno, hello)
    log("Bruno sees Alice's message live")

    # Bruno's window is focused: he reads, then answers.
    answer = f"Great, thanks Alice ({stamp})"
    say("bruno", bruno, answer)
    label(alice, answer)
    log("Alice sees Bruno's answer")
    wait_for(lambda: state_of(alice, hello) == "Read", "Alice's ✓✓ (read by Bruno)", 30, alice)
    log("Alice sees ✓✓")
    shot("ui-e2e-1-live.png")

    # Offline: the server stops, Bruno sends into his outbox.
    stop(server)
    log("server stopped")
    offline = f"Sent while the server was down ({stamp})"
    say("bruno", bruno, offline)
    wait_for(lambda: state_of(bruno, offline) == "Sending", "Bruno's pending message", 30, bruno)
    log("Bruno's message waits in the outbox")
    reconnect_button(bruno)
    shot("ui-e2e-2-offline.png")

    server = start_server()
    log("server started again")
    # The offline banner's "Reconnect Now" connects at once; without it the
    # backoff (at most 15 s between tries) gets there by itself.
    for user, app in (("bruno", bruno), ("alice", alice)):
        now = reconnect_button(app)
        if now is not None:
            now.queryAction().doAction(0)
            log(f"{user} pressed Reconnect Now")
    label(alice, offline, timeout=40)
    wait_for(lambda: state_of(bruno, offline) in ("Sent", "Read"),
             "Bruno's message stored", 120, bruno)
    assert count_on_server(offline) == 1, "the offline message is not stored exactly once"
    # Message rows, not labels: the room list's excerpt says it too.
    shown = pyatspi.findAllDescendants(
        alice, lambda n: n.getRoleName() in ("panel", "grouping") and
        (n.name or "").endswith(": " + offline))
    assert len(shown) == 1, f"Alice's conversation shows the offline message {len(shown)} times"
    log("the offline message arrived once")
    shot("ui-e2e-3-back-online.png")
    print("ok: live conversation, ✓✓, and the offline outbox delivered once")


if __name__ == "__main__":
    run(main, "ui-e2e-failure.png", ("server", "alice", "bruno"))
