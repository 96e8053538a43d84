#!/usr/bin/python3
"""ui-retention.py: retention (issue 17), as an administrator and a reader
see it.

Started by ui-e2e.sh inside a private X server and session bus, with a
server that looks for expired messages every second. Alice (an admin)
opens Organisation, Users: under the people, Message Retention. She turns
on Remove Old Messages (365 days) and saves: the server has it. She turns
on Legal Hold and saves: the server has that too. Then the test, as the
clock, makes general's oldest message 400 days old: under the hold it
stays in her open timeline; once she lifts the hold it leaves her timeline
(the messages.expired event) and her offline cache. Screenshots go to
$CAUSERIE_ARTIFACTS.
"""
import glob, re, sqlite3, subprocess, time

import pyatspi

from e2e_common import (DATA, SERVER, URL, app_of, click, find, log, main_window, message_row, session, shot,
                        start_app, start_server, wait_for)

CONFIG = "[retention]\ninterval_seconds = 1\nbatch_messages = 50\n"


def clean(name):
    return (name or "").replace("_", "")


def showing(n):
    return n.getState().contains(pyatspi.STATE_SHOWING)


def control(app, roles, name, timeout=30):
    return find(app, lambda n: n.getRoleName() in roles and clean(n.name) in (name, f"{name} {name}"),
                f"{roles[0]} {name!r}", timeout)


def is_on(node):
    state = node.getState()
    return state.contains(pyatspi.STATE_CHECKED) or state.contains(pyatspi.STATE_PRESSED)


def geometry(win):
    out = subprocess.run(["xdotool", "getwindowgeometry", win], capture_output=True, text=True).stdout
    x, y = map(int, re.search(r"Position: (-?\d+),(-?\d+)", out).groups())
    w, h = map(int, re.search(r"Geometry: (\d+)x(\d+)", out).groups())
    return x, y, w, h


def setting(alice):
    return alice.get(URL + "/api/admin/retention", timeout=10).json()


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server(CONFIG)
    alice, _ = session("alice")
    general = [r for r in alice.get(URL + "/api/rooms", timeout=10).json()["rooms"] if r["name"] == "general"][0]
    page = alice.get(f"{URL}/api/rooms/{general['id']}/messages?limit=100", timeout=10).json()["messages"]

    p = start_app("alice")
    win = main_window()
    app = app_of(p.pid)
    # Organisation, Users page.
    # Two buttons are called Main Menu (the sidebar's and the room's): the
    # one whose menu has Organisation.
    menus = pyatspi.findAllDescendants(app, lambda n: n.getRoleName() in ("toggle button", "push button") and
                                       clean(n.name) in ("Main Menu", "Main Menu Main Menu"))
    for menu in reversed(menus):
        click(win, menu)
        try:
            item = wait_for(lambda: pyatspi.findDescendant(
                app, lambda n: n.getRoleName() in ("menu item", "push button") and clean(n.name) == "Organisation"),
                "Organisation in the menu", 5)
            break
        except AssertionError:
            items = pyatspi.findAllDescendants(app, lambda n: n.getRoleName() in ("menu item", "check menu item"))
            log("menu items after a click on %r at %r: %r" % (menu.name, menu.queryComponent().getExtents(
                pyatspi.WINDOW_COORDS), [i.name for i in items]))
        subprocess.run(["xdotool", "key", "Escape"], check=False)
        time.sleep(0.3)
    item.queryAction().doAction(0)
    admin = wait_for(lambda: (subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Organisation"],
                                             capture_output=True, text=True).stdout.split() or [None])[-1],
                     "the Organisation window", 30)
    subprocess.run(["xdotool", "windowsize", admin, "760", "740"], check=False)
    time.sleep(0.5)
    # GTK 4.8 leaves AdwViewSwitcher's buttons out of the accessibility
    # tree: click along the header until the Users page shows.
    x, y, w, _ = geometry(admin)
    for dx in (0, -20, 20, -40, 40):
        subprocess.run(["xdotool", "mousemove", str(x + w // 2 + dx), str(y + 27), "click", "1"], check=True)
        time.sleep(0.6)
        if pyatspi.findDescendant(app, lambda n: n.getRoleName() == "label" and n.name == "Message Retention" and
                                  showing(n)):
            break
    remove = control(app, ("switch", "toggle button", "check box"), "Remove Old Messages")
    hold = control(app, ("switch", "toggle button", "check box"), "Legal Hold")
    save = control(app, ("push button",), "Save")
    assert not is_on(remove) and not is_on(hold), "a new organisation removes nothing"
    assert setting(alice)["message_days"] is None

    remove.queryAction().doAction(0)
    wait_for(lambda: is_on(remove) and save.getState().contains(pyatspi.STATE_SENSITIVE), "Save enabled", 10, app)
    hold.queryAction().doAction(0)
    save.queryAction().doAction(0)
    wait_for(lambda: setting(alice)["message_days"] == 365 and setting(alice)["legal_hold"] is True,
             "the server to have 365 days under a legal hold", 30)
    find(app, lambda n: n.getRoleName() == "label" and (n.name or "").startswith("Saved. The legal hold is on"),
         "the saved sentence", 10)
    log("saved: %r" % setting(alice))
    # The section, scrolled into view, for the screenshot.
    x, y, w, h = geometry(admin)
    subprocess.run(["xdotool", "mousemove", str(x + w // 2), str(y + h // 2)], check=True)
    for _ in range(15):
        subprocess.run(["xdotool", "click", "5"], check=True)
    time.sleep(0.8)
    shot("ui-retention-1-admin.png")
    # Closed with its header's button (no window manager here).
    frame = find(app, lambda n: n.getRoleName() in ("frame", "window", "dialog") and n.name == "Organisation",
                 "the Organisation window", 10)
    find(frame, lambda n: n.getRoleName() == "push button" and clean(n.name) == "Close",
         "its Close button", 10).queryAction().doAction(0)
    wait_for(lambda: not subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Organisation"],
                                        capture_output=True, text=True).stdout.split(),
             "the Organisation window closed", 10)

    # general open: its oldest message in the timeline.
    row = find(app, lambda n: n.getRoleName() in ("panel", "grouping") and (n.name or "").startswith("general"),
               "general in the room list", 60)
    click(win, row)
    # The oldest of general's messages the timeline shows (its rows are
    # built for what is near the view).
    def shown():
        rows = [m for m in page if m.get("body") and message_row(app, m["body"]) is not None]
        return rows[0] if rows else None
    oldest = wait_for(shown, "general's messages shown", 30, app)
    log("the oldest one shown: %r (seq %d)" % (oldest["body"], oldest["seq"]))

    # The test is the clock: general's oldest message is 400 days old.
    db = sqlite3.connect(glob.glob(DATA + "/**/causerie.db", recursive=True)[0], timeout=10)
    db.execute("UPDATE messages SET created_at = created_at - 400 * 86400000 WHERE room_id = ? AND seq <= ?",
               (general["id"], oldest["seq"]))
    db.commit()
    db.close()
    # Under the hold, three passes of the job go by and it stays.
    time.sleep(3)
    assert message_row(app, oldest["body"]) is not None, "removed under a legal hold"
    n = len(alice.get(f"{URL}/api/rooms/{general['id']}/messages?limit=100", timeout=10).json()["messages"])
    assert n == len(page), (n, len(page))
    shot("ui-retention-2-held.png")

    # Hold lifted: it leaves the server and her open timeline.
    r = alice.put(URL + "/api/admin/retention", json={"message_days": 365, "legal_hold": False}, timeout=10)
    r.raise_for_status()
    wait_for(lambda: message_row(app, oldest["body"]) is None, "the expired message gone from the timeline", 30)
    left = alice.get(f"{URL}/api/rooms/{general['id']}/messages?limit=100", timeout=10).json()["messages"]
    assert all(m["seq"] > oldest["seq"] for m in left), left
    log("the expired message left the server and the open timeline")
    time.sleep(0.5)
    shot("ui-retention-3-expired.png")
    log("PASS")


if __name__ == "__main__":
    main()
