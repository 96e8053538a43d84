#!/usr/bin/python3
"""ui-activation.py: a notification activated after the app has quit opens
it on that room (issue 16): D-Bus activation.

Started by ui-e2e.sh inside a private X server and session bus. Alice's app
(the single instance, on the session bus as org.causerie.Causerie) signs
in, then quits. The D-Bus service file that data/meson.build installs
(data/org.causerie.Causerie.service.in), naming this build's binary, goes in the session bus's runtime service directory and
the bus reloads its configuration. Then what the desktop does when a
notification is clicked (its default action is app.open-room with the
room's id) is done with gdbus: org.freedesktop.Application.ActivateAction.
The bus starts the app, which signs in from the keyring and shows the room
"Website relaunch" (the composer's placeholder names it), though nothing
else would open it: settings are in memory, so there is no last room.
"""
import os, subprocess, sys, time

import pyatspi

from e2e_common import (APP, PASSWORD, SERVER, DATA, URL, app_of, find, log, print_logs, procs,
                        session, shot, start, start_server, stop, visible_windows, wait_for)

NAME = "org.causerie.Causerie"
ROOM = "Website relaunch"


def bus_call(*args):
    return subprocess.run(["gdbus", "call", "--session", *args], capture_output=True, text=True,
                          timeout=60)


def name_owner_pid():
    r = bus_call("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
                 "--method", "org.freedesktop.DBus.GetConnectionUnixProcessID", NAME)
    if r.returncode != 0:
        return None
    return int(r.stdout.strip().strip("(),").split()[-1].rstrip(","))


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    alice_s, _ = session("alice")
    rooms = alice_s.get(URL + "/api/rooms", timeout=10).json()["rooms"]
    room_id = [r["id"] for r in rooms if r["name"] == ROOM][0]

    # Alice signs in once as the single instance, then quits.
    env = dict(os.environ, CAUSERIE_PASSWORD=PASSWORD)
    env.pop("CAUSERIE_DATA_DIR", None)
    p = start([APP, "--server", URL, "--organisation", "demo", "--email", "alice@demo.causerie.org"],
              "alice", env)
    app = app_of(p.pid)
    find(app, lambda n: n.getRoleName() == "label" and n.name == ROOM, "the room list", 60)
    wait_for(lambda: name_owner_pid() == p.pid, f"{NAME} on the session bus", 30)
    stop(p)
    wait_for(lambda: name_owner_pid() is None and not visible_windows("^Causerie"), "the app to quit", 30)
    log("signed in, then quit")

    # The service file, as installed, and the bus reads it.
    services = os.path.join(os.environ["XDG_RUNTIME_DIR"], "dbus-1", "services")
    os.makedirs(services, exist_ok=True)
    shipped = open(os.environ["CAUSERIE_SERVICE_IN"]).read()
    assert f"Name={NAME}\n" in shipped and "Exec=@bindir@/causerie " in shipped, shipped
    with open(os.path.join(services, NAME + ".service"), "w") as f:
        f.write(shipped.replace("@bindir@/causerie", APP))
    r = bus_call("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
                 "--method", "org.freedesktop.DBus.ReloadConfig")
    assert r.returncode == 0, r.stderr

    # What the desktop does when the notification is clicked.
    r = bus_call("--dest", NAME, "--object-path", "/org/causerie/Causerie",
                 "--method", "org.freedesktop.Application.ActivateAction",
                 "open-room", f"[<'{room_id}'>]", "{}")
    assert r.returncode == 0, f"ActivateAction failed: {r.stderr}"
    pid = wait_for(name_owner_pid, "the bus to start the app", 30)
    log(f"the bus started the app (pid {pid})")
    try:
        app = app_of(pid)
        find(app, lambda n: n.getRoleName() == "label" and n.name == f"Message #{ROOM}",
             f"the conversation of {ROOM}", 60)
        wait_for(lambda: visible_windows("^Causerie"), "the window", 30)
        log(f"the app opened on {ROOM}")
        time.sleep(1)
        shot("ui-activation-open-room.png")
    finally:
        os.kill(pid, 15)
        wait_for(lambda: name_owner_pid() is None, "the activated app to quit", 30)
    print("ok: ActivateAction open-room starts the app on that room")


if __name__ == "__main__":
    status = 0
    try:
        main()
    except BaseException as e:
        status = 1
        print(f"FAIL: {e!r}", flush=True)
        shot("ui-activation-failure.png")
        print_logs(["server", "alice"])
    finally:
        for p in reversed(list(procs)):
            stop(p)
    sys.exit(status)
