#!/usr/bin/python3
"""ui-layout.py: the window folds on its width alone (issue 11, defect 5).

Started by ui-e2e.sh inside a private X server and session bus, with the
real server and its demo data. Alice's app opens two rooms with different
content: at 1000 px and at 700 px both show two panes and the room list
keeps one width (it jumped between about 400 and 510 px with what the
rooms showed, and at 700 px one room folded and another did not). At
500 px the window shows one pane. Screenshots go to $CAUSERIE_ARTIFACTS.
"""
import os, subprocess, time
import pyatspi

from e2e_common import (find, label, click, new_window, APP, DATA, PASSWORD, SERVER, TMP, URL,
                        app_of, log, run, shot, start, start_server, wait_for)


def extents(node):
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return e.x, e.y, e.width, e.height


def laid_out(node):
    return node is not None and extents(node)[2] > 0


def composer(app):
    """The composer's entry, if one is laid out (GTK 4.8 does not say
    which widgets show, so: which have a size)."""
    return pyatspi.findDescendant(
        app, lambda n: n.getRoleName() == "text" and n.name == "Message" and laid_out(n))


def showing_label(app, text):
    """The leftmost label @text with a size: the room list's row, not the
    room header's title."""
    found = pyatspi.findAllDescendants(
        app, lambda n: n.getRoleName() == "label" and n.name == text and laid_out(n))
    return min(found, key=lambda n: extents(n)[0]) if found else None


def resize(win, width):
    subprocess.run(["xdotool", "windowsize", "--sync", win, str(width), "700"], check=False)
    time.sleep(1.5)


def open_room(win, app, name):
    row = wait_for(lambda: showing_label(app, name), f"room {name!r} in the list", 60, app)
    click(win, row)
    wait_for(lambda: composer(app), f"the conversation in {name}", 30, app)
    time.sleep(1.0)   # its messages laid out


def two_panes(app, room_name):
    """Both the room list (a room's name) and the composer show, side by side;
    returns the composer's x (the sidebar's width plus its separator)."""
    c = composer(app)
    row = showing_label(app, room_name)
    assert c is not None and row is not None, f"one pane only in {room_name}"
    x = extents(c)[0]
    assert x > extents(row)[0], f"the composer is not beside the room list: {extents(c)} {extents(row)}"
    return x


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    home = os.path.join(TMP, "alice")
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    p = start([APP, "--server", URL, "--organisation", "demo",
               "--email", "alice@demo.causerie.org"], "alice", env)
    win = new_window([])
    subprocess.run(["xdotool", "windowmove", win, "0", "0"], check=True)
    app = app_of(p.pid)

    rooms = ("Bruno Petit", "general")
    for width in (1000, 700):
        resize(win, width)
        xs = []
        for name in rooms:
            open_room(win, app, name)
            xs.append(two_panes(app, name))
            shot(f"ui-layout-{width}-{name.split()[0].lower()}.png")
        log(f"at {width} px the composer starts at {xs}")
        assert xs[0] == xs[1], f"the room list's width follows the room shown at {width} px: {xs}"

    # Keyboard (issue 11, defect 9): Up in the empty composer edits our
    # last message; Alt+Up / Alt+Down go to the previous / next room.
    # (GTK 4.8 does not expose the composer's text: the placeholder,
    # "Message #room", says which room the composer is in.)
    resize(win, 1000)
    open_room(win, app, "general")
    click(win, composer(app))
    body = f"Typed, then corrected ({os.getpid()})"
    subprocess.run(["xdotool", "type", "--delay", "8", body], check=True)
    subprocess.run(["xdotool", "key", "Return"], check=True)
    wait_for(lambda: pyatspi.findDescendant(
        app, lambda n: n.getRoleName() in ("panel", "grouping") and
        (n.name or "").endswith(": " + body)), "the message sent", 30, app)
    time.sleep(1.0)   # stored (the server's answer)
    subprocess.run(["xdotool", "key", "Up"], check=True)
    label(app, "Editing message", 10)
    shot("ui-layout-edit-last.png")
    subprocess.run(["xdotool", "key", "Escape"], check=True)
    order = []
    # #general has the newest message: it heads the list.
    for key in ("alt+Down", "alt+Down", "alt+Up"):
        subprocess.run(["xdotool", "key", key], check=True)
        time.sleep(1.0)
        c = composer(app)
        order.append(c.name if c else None)
        placeholder = pyatspi.findDescendant(
            app, lambda n: n.getRoleName() == "label" and (n.name or "").startswith("Message ") and laid_out(n))
        order[-1] = placeholder.name if placeholder else None
    log(f"Alt+Down, Alt+Down, Alt+Up: {order}")
    assert None not in order and "Message #general" not in order and \
        order[1] != order[0] and order[2] == order[0], f"rooms by keyboard: {order}"

    resize(win, 500)
    # Folded: the conversation takes the whole width.
    wait_for(lambda: composer(app) is not None and extents(composer(app))[0] < 100,
             "one pane at 500 px", 10, app)
    shot("ui-layout-500.png")
    print("ok: two panes at 1000 and 700 px whatever the room, one at 500 px")


if __name__ == "__main__":
    run(main, "ui-layout-failure.png", ("server", "alice"))
