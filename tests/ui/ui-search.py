#!/usr/bin/python3
"""ui-search.py: message search, as a person uses it.

Started by ui-e2e.sh inside a private X server and session bus. Alice's
"Archive" channel holds a message about a zeppelin with more than 3,000
messages after it; her app has never loaded it. Ctrl+Shift+F searches all
rooms: the server's answer shows it with its room, and Enter opens the room
at that message with its neighbours. Then the server stops: search still
answers from the local cache (a message of a room she opened), says it is
offline, and finds nothing for what was never saved. Last, the app again in
French, offline. Screenshots in English and French go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, time
from concurrent.futures import ThreadPoolExecutor

import pyatspi

from e2e_common import (DATA, SERVER, URL, app_of, click, find, label, log, run, main_window,
                        message_row, session, shot, start_app, start_server, stop, type_text,
                        wait_for)

N_AFTER = 3000
NEEDLE = "The zeppelin landed safely in the old hangar"
BEFORE = "Just before the airship news"
AFTER = "Right after the airship news"
RECENT = "The quarterly numbers are in, see the spreadsheet"
HERE = os.path.dirname(os.path.abspath(__file__))


def seed():
    s, _ = session("alice")
    room = s.post(URL + "/api/rooms", json={"type": "channel", "name": "Archive",
                                            "description": "Old news"}, timeout=10).json()

    def post(room_id, body, session=s):
        r = session.post(f"{URL}/api/rooms/{room_id}/messages",
                         json={"txn_id": os.urandom(8).hex(), "body": body}, timeout=30)
        r.raise_for_status()

    post(room["id"], BEFORE)
    post(room["id"], NEEDLE)
    post(room["id"], AFTER)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: post(room["id"], f"Filler number {i} about nothing much"),
                      range(N_AFTER)))
    general = [x for x in s.get(URL + "/api/rooms", timeout=10).json()["rooms"] if x["name"] == "general"][0]
    post(general["id"], RECENT)
    log(f"seeded {N_AFTER + 4} messages")


def visible(node):
    return node is not None and node.getState().contains(pyatspi.STATE_VISIBLE)


def states(node):
    return [pyatspi.stateToString(s) for s in node.getState().getStates()]


def key(win, *keys):
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
    subprocess.run(["xdotool", "key", *keys], check=True)
    time.sleep(0.3)


def result_row(app, text):
    """A search result: a group named "Room, Sender, when: text"."""
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("panel", "grouping") and
        (n.name or "").endswith(": " + text) and (n.name or "").count(", ") >= 2 )


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    server = start_server("[limits]\nmessages_per_minute = 1000000\nmessage_burst = 1000000\n")
    seed()

    p = start_app("alice")
    win = main_window()
    app = app_of(p.pid)
    # The room list shows; open "general" so its newest page is saved.
    click(win, label(app, "general", 60))
    label(app, RECENT, 30)
    log("general open")

    # Search all rooms: the zeppelin is only on the server.
    key(win, "ctrl+shift+f")
    find(app, lambda n: n.getRoleName() == "entry" and n.name == "Search messages", "the search entry")
    type_text("zeppel")
    row = wait_for(lambda: result_row(app, NEEDLE), "the zeppelin among the results", 30, app)
    assert row.name.startswith("Archive, "), row.name
    log(f"result: {row.name}")
    time.sleep(0.5)
    shot("ui-search-1-results.png")

    # Enter opens the first (selected) result: the message, 3,000 back, with its neighbours.
    key(win, "Return")
    wait_for(lambda: message_row(app, NEEDLE), "the zeppelin in the conversation", 30, app)
    wait_for(lambda: message_row(app, BEFORE), "the message before it", 10, app)
    wait_for(lambda: message_row(app, AFTER), "the message after it", 10, app)
    log("the room shows the message with its neighbours")
    time.sleep(0.5)
    shot("ui-search-2-jump.png")

    # Ctrl+F from the conversation: this room only.
    key(win, "ctrl+f")
    this_room = find(app, lambda n: n.getRoleName() in ("toggle button", "push button") and
                     n.name == "This Room", "the scope buttons")
    wait_for(lambda: this_room.getState().contains(pyatspi.STATE_CHECKED) or
             this_room.getState().contains(pyatspi.STATE_PRESSED), "the room scope", 10, app)
    type_text("airship")
    wait_for(lambda: result_row(app, BEFORE) and result_row(app, AFTER), "both airship messages", 30, app)
    assert result_row(app, RECENT) is None
    log("Ctrl+F searches the room shown")
    key(win, "Escape")

    # Offline: the cache answers.
    stop(server)
    log("server stopped")
    key(win, "ctrl+shift+f")
    offline = label(app, "Offline: only messages saved on this computer are searched", 60)
    log(f"offline label states: {states(offline)}")
    wait_for(lambda: visible(offline), "the offline note", 60, app)
    type_text("quarterly numb")
    wait_for(lambda: result_row(app, RECENT), "the cached message among offline results", 30, app)
    log("offline search answers from the cache")
    time.sleep(0.5)
    shot("ui-search-3-offline.png")
    key(win, "ctrl+a")
    type_text("zeppelin")
    results = find(app, lambda n: n.getRoleName() == "list" and n.name == "Search results", "the results")
    wait_for(lambda: results.childCount == 0 and result_row(app, RECENT) is None, "no results", 30, app)
    log("offline, what was never saved is not found")

    # Escape closes search and goes back to the conversation's composer.
    key(win, "Escape")
    composer = find(app, lambda n: n.getRoleName() == "text" and n.name == "Message", "the composer")
    wait_for(lambda: composer.getState().contains(pyatspi.STATE_FOCUSED), "the composer focused", 10, app)
    log("Escape closed search")

    # In French.
    stop(p)
    p = start_app("alice", {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")})
    win = main_window()
    app = app_of(p.pid)
    time.sleep(2)
    key(win, "ctrl+shift+f")
    type_text("quarterly")
    wait_for(lambda: result_row(app, RECENT), "the cached message, in French", 30, app)
    time.sleep(0.5)
    shot("ui-search-4-fr.png")
    # The keyboard: Down to the second result, Enter opens it (from the cache).
    older = "Good morning everyone! The quarterly review is on Thursday at 10:00 in the big meeting room."
    wait_for(lambda: result_row(app, older), "the second result", 10, app)
    key(win, "Down")
    key(win, "Return")
    wait_for(lambda: message_row(app, older), "the second result opened", 30, app)
    log("Down and Enter opened the second result")
    time.sleep(0.5)
    shot("ui-search-5-fr-opened.png")
    print("ok: search online and offline, a result 3,000 messages back opened with its neighbours")


if __name__ == "__main__":
    run(main, "ui-search-failure.png", ("server", "alice"))
