#!/usr/bin/python3
"""ui-account.py: the account's own data and the organisation admin, as
people use them (issue 11, surfaces 5 and 6).

Started by ui-e2e.sh inside a private X server and session bus. Bruno (a
member) finds no "Organisation" in the main menu; he exports his data
through the file chooser (the file is valid JSON holding his message),
then deletes his account: a wrong password keeps the dialog with the
server's sentence, the right one ends on the sign-in view and the server
refuses his old token. Alice (an admin) opens Organisation: the audit log
shows entries, and filtering by "auth.login" shows only those. Last, the
same window in French. Screenshots go to $CAUSERIE_ARTIFACTS.
"""
import glob, json, os, re, subprocess, sys, time

import pyatspi
import requests

from e2e_common import (APP, DATA, PASSWORD, SERVER, TMP, URL, app_of, click, find, label, log,
                        print_logs, procs, shot, start, start_server, stop, wait_for)

BRUNO = "bruno@demo.causerie.org"
ALICE = "alice@demo.causerie.org"
WORDS = "Bruno's words that the export keeps"


def login(email):
    r = requests.post(URL + "/api/auth/login", json={"tenant": "demo", "email": email,
                                                    "password": PASSWORD}, timeout=10)
    r.raise_for_status()
    return r.json()["token"]


def start_app(name, email, extra_env=None, cwd=None):
    home = os.path.join(TMP, name)
    os.makedirs(cwd or home, exist_ok=True)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    env.update(extra_env or {})
    out = open(os.path.join(TMP, f"{name}.log"), "ab")
    p = subprocess.Popen([APP, "--server", URL, "--organisation", "demo", "--email", email],
                         stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd or home)
    procs.append(p)
    return p


def window(name="^Causerie"):
    def look():
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.split()[-1] if out.stdout.split() else None
    return wait_for(look, f"a window {name}", 30)


def key(win, *keys):
    subprocess.run(["xdotool", "windowactivate", "--sync", win], check=False)
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=False)
    subprocess.run(["xdotool", "key", *keys], check=True)
    time.sleep(0.4)


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "15", text], check=True)
    time.sleep(0.3)


def clean(name):
    return (name or "").replace("_", "")


def by_role(app, roles, name, timeout=30):
    return find(app, lambda n: n.getRoleName() in roles and
                clean(n.name) in (name, f"{name} {name}"), f"{roles[0]} {name!r}", timeout)


def press(node):
    node.queryAction().doAction(0)
    time.sleep(0.5)


def menu_items(app):
    found = []
    def walk(n, depth=0):
        if n is None or depth > 40:
            return
        try:
            if n.getRoleName() in ("menu item", "check menu item", "push button") and \
               n.getState().contains(pyatspi.STATE_VISIBLE):
                found.append(clean(n.name))
            for i in range(n.childCount):
                walk(n.getChildAtIndex(i), depth + 1)
        except Exception:
            pass
    walk(app)
    return found


def open_main_menu(win, app, name="Main Menu"):
    click(win, by_role(app, ("toggle button", "push button"), name))
    return by_role(app, ("menu item", "push button"), "Sign Out" if name == "Main Menu" else "Se déconnecter", 10)


def switch_page(win, side):
    # GTK 4.8 leaves AdwViewSwitcher's buttons out of the accessibility
    # tree: the window's Alt+1… shortcuts show the pages (Audit Log, Users,
    # Agents, Contact Policy).
    key(win, "alt+2" if side > 0 else "alt+1")
    time.sleep(0.5)


def close_menu(win):
    key(win, "Escape")


def member_part():
    token = login(BRUNO)
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + token
    general = [x for x in s.get(URL + "/api/rooms", timeout=10).json()["rooms"] if x["name"] == "general"][0]
    s.post(f"{URL}/api/rooms/{general['id']}/messages",
           json={"txn_id": os.urandom(8).hex(), "body": WORDS}, timeout=10).raise_for_status()

    export_dir = os.path.join(TMP, "exports")
    p = start_app("bruno", BRUNO, cwd=export_dir)
    win = window()
    app = app_of(p.pid)
    label(app, "general", 60)

    open_main_menu(win, app)
    items = menu_items(app)
    log(f"member's menu: {items}")
    assert "Organisation" not in items, items
    assert "Export My Data…" in items and "Delete Account…" in items, items
    shot("account-en-menu.png")

    # Export: the save dialog suggests a name in the current folder.
    press(by_role(app, ("menu item", "push button"), "Export My Data…"))
    chooser = window("^Export My Data")
    time.sleep(1.0)
    shot("account-en-export-chooser.png")
    key(chooser, "Return")
    path = wait_for(lambda: (glob.glob(os.path.join(export_dir, "causerie-export-*.json")) or [None])[0],
                    "the export file", 30)
    wait_for(lambda: not glob.glob(os.path.join(export_dir, "*.part")), "the export to finish", 30)
    data = json.load(open(path))
    assert WORDS in json.dumps(data), "the export lacks Bruno's message"
    log(f"exported {path} ({os.path.getsize(path)} bytes)")

    # Delete: a wrong password keeps the dialog and says why.
    open_main_menu(win, app)
    press(by_role(app, ("menu item", "push button"), "Delete Account…"))
    dialog = window("^Delete Your Account")
    find(app, lambda n: n.getRoleName() == "password text", "the password entry")
    key(dialog, "ctrl+a")
    type_text("not my password")
    key(dialog, "Return")
    label(app, "The password is not right; the account was not deleted.", 20)
    shot("account-en-delete-wrong.png")
    log("a wrong password keeps the dialog")
    type_text(PASSWORD)
    key(dialog, "Return")
    # Back to the sign-in view, and the old token is refused.
    by_role(app, ("push button",), "Sign In", 30)
    time.sleep(0.5)
    shot("account-en-signed-out.png")
    r = requests.get(URL + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=10)
    assert r.status_code == 401, r.status_code
    data_dir = os.path.join(TMP, "bruno", "data", "causerie")
    wait_for(lambda: not glob.glob(os.path.join(data_dir, "*.db*")) and
             not glob.glob(os.path.join(data_dir, "*.outbox")), "the local cache and outbox to go", 20)
    log("deleted: sign-in view, old token refused, local data removed")
    stop(p)


def admin_part(lang=None):
    extra = {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")} if lang else {}
    p = start_app("alice" + (lang or ""), ALICE, extra)
    win = window()
    app = app_of(p.pid)
    label(app, "general", 60)
    org = "Organisation"
    click(win, by_role(app, ("toggle button", "push button"), "Menu principal" if lang else "Main Menu"))
    item = by_role(app, ("menu item", "push button"), org, 10)
    press(item)
    admin = window("^Organisation")
    # Entries, newest first, with names.
    find(app, lambda n: n.getRoleName() == "label" and (n.name or "").startswith("auth.login  ·"),
         "an auth.login entry", 30)
    time.sleep(0.5)
    shot(f"account-{lang or 'en'}-audit.png")
    # The users: each with a role to change, and a form to add one.
    switch_page(admin, +1)
    find(app, lambda n: (n.name or "") == "bruno@demo.causerie.org" or
         (n.name or "").startswith("Chloé Durand"), "a user row", 15)
    time.sleep(0.5)
    shot(f"account-{lang or 'en'}-users.png")
    if lang:
        stop(p)
        return
    switch_page(admin, -1)
    # Filter by action: only auth.login remains.
    combo = find(app, lambda n: n.getRoleName() == "combo box" and n.name == "Action", "the action filter")
    click(admin, combo)
    # The drop-down's popover lists the actions; choose with the keyboard.
    rows = wait_for(lambda: [n for n in [pyatspi.findDescendant(app, lambda n: n.getRoleName() == "label"
                                                                and n.name == "auth.login_failed")] if n],
                    "the action list", 10, app)
    key(admin, "Down", "Return")
    time.sleep(1.5)

    def only_logins():
        names = []
        def walk(n, d=0):
            if n is None or d > 40:
                return
            if n.getRoleName() == "label" and "  ·  " in (n.name or ""):
                names.append(n.name)
            for i in range(n.childCount):
                walk(n.getChildAtIndex(i), d + 1)
        walk(app)
        return names and all(x.startswith("auth.login  ·") for x in names)
    wait_for(only_logins, "only auth.login entries", 20, app)
    shot("account-en-audit-filtered.png")
    log("the audit log filters by action")
    stop(p)


def main():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    start_server()
    try:
        member_part()
        admin_part()
        admin_part("fr")
    except Exception:
        print_logs(["server", "bruno", "alice", "alicefr"])
        raise
    finally:
        for p in reversed(procs[:]):
            stop(p)
    log("ok")


if __name__ == "__main__":
    main()
