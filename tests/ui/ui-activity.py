#!/usr/bin/python3
"""ui-activity.py: Activity, as a person uses it.

Started by ui-e2e.sh inside a private X server and session bus. Bruno
mentions Alice in "general" before she starts the app and once while it
runs: the Activity button says how many are unread, the list shows both,
choosing one opens the room at that message, and reading the room clears
the count (the server marks them read and says so). Bruno then invites
Alice to a room of his: after a restart the invitation is still listed,
and choosing it opens the invitation dialog. Last, the app in French.
Screenshots in English and French go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, time

import pyatspi
from gi.repository import GLib

from e2e_common import (DATA, SERVER, URL, app_of, click, find, log, run, main_window, message_row,
                        post, session, shot, start_app, start_server, stop, wait_for)

FIRST = "@alice could you look at the budget before noon?"
SECOND = "@alice the slides are ready too"


def click_fresh(win, app, label, what):
    """Clicks the row named @label. The list may be rebuilt as it catches up
    with the server, so an accessible found a moment ago can be gone: find
    it again each try."""
    for attempt in range(10):
        try:
            click(win, wait_for(lambda: row(app, label), what, 30, app))
            return
        except GLib.Error as e:
            log("%s went away before the click (%s); again" % (what, e.message))
            time.sleep(0.5)
    raise AssertionError("could not click " + what)


def activity_button(app, name_prefix):
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "push button" and (n.name or "").startswith(name_prefix))


def row(app, prefix, contains=""):
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("list item", "list box item", "panel") and
        (n.name or "").startswith(prefix) and contains in (n.name or ""))


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    server = start_server()
    bruno, _ = session("bruno")
    general = [x for x in bruno.get(URL + "/api/rooms", timeout=10).json()["rooms"] if x["name"] == "general"][0]

    p = start_app("alice")
    win = main_window()
    app = app_of(p.pid)
    # The demo's own mentions first: Mark All as Read empties the count.
    button = wait_for(lambda: activity_button(app, "Activity, "), "Activity with the demo's unread", 60, app)
    log(f"button: {button.name}")
    button.queryAction().doAction(0)
    read_all = find(app, lambda n: n.getRoleName() == "push button" and n.name == "Mark All as Read", "Mark All as Read")
    read_all.queryAction().doAction(0)
    wait_for(lambda: activity_button(app, "Activity") and activity_button(app, "Activity").name == "Activity",
             "the count gone after Mark All as Read", 30, app)
    find(app, lambda n: n.getRoleName() == "push button" and n.name == "Back to Rooms", "Back").queryAction().doAction(0)

    post(bruno, general["id"], FIRST)
    button = wait_for(lambda: activity_button(app, "Activity, 1 unread"), "Activity, 1 unread (live)", 30, app)
    post(bruno, general["id"], SECOND)
    button = wait_for(lambda: activity_button(app, "Activity, 2 unread"), "Activity, 2 unread (live)", 30, app)
    log("live mentions raised the count")

    button.queryAction().doAction(0)
    label = "Unread: Bruno Petit mentioned you in general"
    wait_for(lambda: row(app, label), "the mention rows", 30, app)
    time.sleep(0.5)
    shot("ui-activity-1-list.png")

    click_fresh(win, app, label, "the mention rows")
    wait_for(lambda: message_row(app, FIRST) or message_row(app, SECOND), "the mentioned message in its room", 30, app)
    log("the entry opened its message")
    wait_for(lambda: activity_button(app, "Activity") and activity_button(app, "Activity").name == "Activity",
             "the count cleared", 30, app)
    unread = bruno and session("alice")[0].get(URL + "/api/notifications?unread=true",
                                                                timeout=10).json()["notifications"]
    assert unread == [], unread
    log("badge cleared; the server has no unread notification left")
    time.sleep(0.5)
    shot("ui-activity-2-opened.png")

    # An invitation survives a restart.
    room = bruno.post(URL + "/api/rooms", json={"type": "group", "name": "Secret plans"}, timeout=10).json()
    r = bruno.post(f"{URL}/api/rooms/{room['id']}/invitations",
                   json={"email": "alice@demo.causerie.org", "message": "Join us for the launch"}, timeout=10)
    r.raise_for_status()
    time.sleep(1)
    stop(p)
    p = start_app("alice")
    win = main_window()
    app = app_of(p.pid)
    button = wait_for(lambda: activity_button(app, "Activity"), "the Activity button", 60, app)
    time.sleep(2)
    button.queryAction().doAction(0)
    inv = wait_for(lambda: row(app, "Bruno Petit invited you to Secret plans"), "the pending invitation", 30, app)
    log("the invitation is listed after a restart")
    time.sleep(0.5)
    shot("ui-activity-3-invitation.png")
    click_fresh(win, app, "Bruno Petit invited you to Secret plans", "the pending invitation")
    find(app, lambda n: n.getRoleName() in ("push button",) and (n.name or "").replace("_", "").startswith("Accept"),
         "the invitation dialog's Accept button", 30)
    log("choosing it opened the invitation dialog")
    stop(p)

    # In French.
    p = start_app("alice", {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")})
    win = main_window()
    app = app_of(p.pid)
    button = wait_for(lambda: activity_button(app, "Activité"), "the Activity button in French", 60, app)
    time.sleep(2)
    button.queryAction().doAction(0)
    wait_for(lambda: pyatspi.findDescendant(app, lambda n: n.getRoleName() == "label" and n.name == "Invitations"),
             "the list, in French", 30, app)
    time.sleep(0.5)
    shot("ui-activity-4-fr.png")
    print("ok: activity counts, lists, opens and clears mentions; an invitation survives a restart")


if __name__ == "__main__":
    run(main, "ui-activity-failure.png", ("server", "alice"))
