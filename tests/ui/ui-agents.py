#!/usr/bin/python3
"""ui-agents.py: agents (issue 14) as people see them, end to end.

Started by ui-e2e.sh inside a private X server and session bus, with the
real server pointed at fake-openai.py (tests/client), a real HTTP endpoint
that streams its answer a word at a time. Alice (admin) opens Organisation,
Agents, adds "Architect" and edits its description; she adds it to "general" from the member
picker (badge and description shown there and in the member list). Bruno
types "@arch": the
completion offers the agent with its badge and description; he asks. In
both windows the answer appears with "Writing…", grows, and ends (the
writing line gone, the whole answer shown). A mention that makes the model
fail ends with the error sentence in both windows. Then Alice's window in
French: the Agents page, an answer streaming, finished and failed, and the
agent removed after a question.
Screenshots go to $CAUSERIE_ARTIFACTS (look at them).
"""
import functools, os, subprocess, sys, time

import pyatspi
import requests

from e2e_common import (APP, DATA, PASSWORD, SERVER, TMP, URL, PORT, app_of, find, free_port,
                        geometry, log, new_window, print_logs, procs, shot, showing, start,
                        start_apps_side_by_side, stop, visible_windows as windows, wait_for,
                        button as _button, clean, click as _click, key, label as _label,
                        press as _press, type_text as _type_text)

# Pages here are stacks: only what is on screen counts,
# and these windows need a little more time between steps.
label = functools.partial(_label, shown=True)
button = functools.partial(_button, shown=True)
click = functools.partial(_click, activate=True)
press = functools.partial(_press, pause=0.4)
type_text = functools.partial(_type_text, delay=12, pause=0.3)

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "client", "fake-openai.py")
ANSWER = ("The build is green on all three machines, the tests pass, "
          "and the release notes are ready for review.")
OFFSET = {"alice": 0, "bruno": 1060}
WINDOWS = {}
FAKE_PORT = free_port()


def start_services():
    start(["/usr/bin/python3", FAKE, "--port", str(FAKE_PORT), "--delay", "0.7", "--answer", ANSWER],
          "fake-openai")
    conf = os.path.join(TMP, "server.conf")
    with open(conf, "w") as f:
        f.write(f"[agents]\nendpoint = http://127.0.0.1:{FAKE_PORT}\nmodel = fake\n"
                "context_messages = 10\ntimeout_seconds = 30\ninvocations_per_minute = 0\n")
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    p = start([SERVER, "--data-dir", DATA, "--config", conf, "serve", "--listen", f"127.0.0.1:{PORT}"],
              "server")
    wait_for(lambda: requests.get(URL + "/healthz", timeout=2).status_code == 200,
             "the server to answer /healthz")
    return p


def session(user):
    s = requests.Session()
    r = s.post(URL + "/api/auth/login", json={"tenant": "demo", "email": f"{user}@demo.causerie.org",
                                             "password": PASSWORD}, timeout=10)
    r.raise_for_status()
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    return s


def start_app(user, extra_env=None, name=None):
    home = os.path.join(TMP, name or user)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    env.update(extra_env or {})
    return start([APP, "--server", URL, "--organisation", "demo",
                  "--email", f"{user}@demo.causerie.org"], name or user, env)


def labels(root):
    found = []

    def walk(n, depth=0):
        if n is None or depth > 60:
            return
        try:
            if n.getRoleName() == "label" and showing(n):
                found.append(n.name or "")
            for i in range(n.childCount):
                walk(n.getChildAtIndex(i), depth + 1)
        except Exception:
            pass
    walk(root)
    return found


def open_room(user, app, name):
    click(WINDOWS[user], label(app, name, 60))
    return composer(app)


def composer(app):
    return find(app, lambda n: n.getRoleName() == "text" and n.name in ("Message", "Message") and showing(n),
                "the composer", 20)


# The admin's Agents page ------------------------------------------------------

def close_window(app, title):
    """Its header's Close button (no window manager here to ask)."""
    frame = find(app, lambda n: n.getRoleName() in ("frame", "window", "dialog") and n.name == title,
                 f"the window {title!r}", 10)
    press(find(frame, lambda n: n.getRoleName() == "push button" and clean(n.name) in ("Close", "Fermer"),
               f"{title!r}'s Close button", 10))

def open_agents_page(user, app, fr=False):
    win = WINDOWS[user]
    click(win, button(app, "Menu principal" if fr else "Main Menu"))
    press(find(app, lambda n: n.getRoleName() in ("menu item", "push button") and
               clean(n.name) == "Organisation" and showing(n), "Organisation", 10))
    admin = new_window([], "^Organisation")
    # Tall enough to show the form and the list of agents.
    subprocess.run(["xdotool", "windowsize", admin, "760", "740"], check=False)
    title = "Ajouter un agent" if fr else "Add an Agent"
    # GTK 4.8 leaves AdwViewSwitcher's buttons out of the accessibility
    # tree: the window's Alt+3 shows the Agents page.
    key(admin, "alt+3")
    label(app, title, 10)
    return admin


def entry_row(app, title):
    """The text of an AdwEntryRow titled @title."""
    return find(app, lambda n: n.getRoleName() == "text" and showing(n) and
                (n.name == title or title in (n.name or "")), f"entry {title!r}", 10)


def add_agent(app, admin):
    for title, text in (("Handle", "architect"), ("Display Name", "Architect"),
                        ("Description", "Reviews designs")):
        click(admin, entry_row(app, title))
        type_text(text)
    # The prompt's text view, under its heading.
    heading = label(app, "System Prompt", 10)
    e = heading.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x0, y0, _, _ = geometry(admin)
    subprocess.run(["xdotool", "mousemove", str(x0 + e.x + 60), str(y0 + e.y + e.height + 40),
                    "click", "1"], check=True)
    time.sleep(0.3)
    type_text("You are a careful software architect. Answer briefly.")
    press(button(app, "Add Agent"))
    label(app, "@architect · Reviews designs", 20)
    log("Alice added the agent on the Agents page")


# Streaming answers ---------------------------------------------------------------

def agent_rows(app):
    """Accessible names of the agent's message rows ("Architect, 10:02: …")."""
    rows = []

    def walk(n, depth=0):
        if n is None or depth > 60:
            return
        try:
            if n.getRoleName() in ("panel", "grouping") and (n.name or "").startswith("Architect, "):
                rows.append(n.name)
            for i in range(n.childCount):
                walk(n.getChildAtIndex(i), depth + 1)
        except Exception:
            pass
    walk(app)
    return rows


def ask(user, app, question, pick=True):
    click(WINDOWS[user], composer(app))
    if pick:
        type_text("@Arch")
        # The completion: the agent, its badge and its description.
        label(app, "Reviews designs and release plans", 10)
        label(app, "Architect", 10)
        shot("agents-en-completion.png")
        key(WINDOWS[user], "Return")
        type_text(question)
    else:
        type_text("@architect " + question)
    key(WINDOWS[user], "Return")


def in_view(app, node):
    """@node is laid out above the composer: the view stayed at the bottom."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    c = composer(app).queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return e.y > 0 and e.y + e.height <= c.y


def partial(app, writing):
    """A label holding part of the answer while "Writing…" shows; the
    conversation, pinned to the bottom, keeps the growing answer in view."""
    texts = labels(app)
    if writing not in texts:
        return None
    for t in texts:
        if t and ANSWER.startswith(t) and len(t) < len(ANSWER) and t.count(" ") >= 2:
            # (wait_for() retries on exceptions: this is a condition.)
            shown = pyatspi.findDescendant(app, lambda n: n.getRoleName() == "label" and n.name == writing)
            return t if shown is not None and in_view(app, shown) else None
    return None


def watch_stream(apps, writing, lang):
    # Both windows show the answer growing, with "Writing…".
    seen = {}
    for user, app in apps.items():
        seen[user] = wait_for(lambda: partial(app, writing), f"{user}: a partial answer with {writing!r}, in view",
                              40, app)
        log(f"{user} sees the answer growing: {seen[user]!r}")
    shot(f"agents-{lang}-streaming.png")
    for user, app in apps.items():
        label(app, ANSWER, 60)
        wait_for(lambda: writing not in labels(app), f"{user}: {writing!r} gone", 20, app)
    log("both see the whole answer, and the writing line gone")
    time.sleep(0.5)
    shot(f"agents-{lang}-finished.png")


def watch_error(apps, lang):
    s = session("bruno")
    general = [r for r in s.get(URL + "/api/rooms", timeout=10).json()["rooms"] if r["name"] == "general"][0]

    def failed():
        msgs = s.get(f"{URL}/api/rooms/{general['id']}/messages?limit=5", timeout=10).json()["messages"]
        ends = [m for m in msgs if m.get("kind") == "agent" and m.get("agent_error") and not m.get("streaming")]
        return ends[-1] if ends else None
    m = wait_for(failed, "the failed answer on the server", 60)
    for user, app in apps.items():
        label(app, m["agent_error"], 30)
    log(f"both see the error: {m['agent_error']!r}")
    time.sleep(0.5)
    shot(f"agents-{lang}-error.png")


def main():
    start_services()
    apps = start_apps_side_by_side(OFFSET, WINDOWS, start_app)
    alice, bruno = apps["alice"], apps["bruno"]
    label(alice, "general", 60)
    label(bruno, "general", 60)

    # Alice (admin) adds the agent on the Agents page.
    admin = open_agents_page("alice", alice)
    add_agent(alice, admin)
    # Edit: the form takes the agent's fields; Save changes the row.
    press(button(alice, "Edit Architect"))
    label(alice, "Edit Architect", 10)
    click(admin, entry_row(alice, "Description"))
    key(admin, "ctrl+a")
    type_text("Reviews designs and release plans")
    press(button(alice, "Save"))
    label(alice, "Add an Agent", 10)
    label(alice, "@architect · Reviews designs and release plans", 20)
    log("Alice edited the agent")
    time.sleep(0.5)
    shot("agents-en-admin.png")
    close_window(alice, "Organisation")

    # Alice adds it to "general" from the member picker, like a person: the
    # picker shows its badge and description.
    open_room("alice", alice, "general")
    open_room("bruno", bruno, "general")
    click(WINDOWS["alice"], button(alice, "Members"))
    known = windows(".")
    press(button(alice, "Add People…"))
    picker = new_window(known, "^Add People$")
    entry = find(alice, lambda n: n.getRoleName() in ("text", "entry") and n.name == "Search people" and
                 showing(n), "the picker's search")
    click(picker, entry)
    type_text("Arch")
    label(alice, "Architect", 10)
    label(alice, "Reviews designs and release plans", 10)
    label(alice, "Agent", 10)
    time.sleep(0.5)
    shot("agents-en-picker.png")
    subprocess.run(["xdotool", "key", "Return"], check=True)
    label(alice, "Architect was added", 20)
    log("Alice added the agent to general from the picker")
    close_window(alice, "Add People")
    wait_for(lambda: picker not in windows("."), "the picker to close", 10)

    # In the member list: the badge, and its description instead of presence.
    click(WINDOWS["bruno"], button(bruno, "Members"))
    label(bruno, "Architect", 10)
    label(bruno, "Reviews designs and release plans", 10)
    label(bruno, "Agent", 10)
    time.sleep(0.5)
    shot("agents-en-members.png")
    key(WINDOWS["bruno"], "Escape")
    ask("bruno", bruno, "is the build green?")
    watch_stream(apps, "Writing…", "en")

    ask("bruno", bruno, "please fail", pick=False)
    watch_error(apps, "en")

    # French: Alice's window again, the Agents page and an answer.
    stop([p for p in procs if p.args[-1] == "alice@demo.causerie.org"][0])
    fr = {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")}
    p = start_app("alice", fr, "alicefr")
    WINDOWS["alice"] = new_window([WINDOWS["bruno"]])
    subprocess.run(["xdotool", "windowmove", WINDOWS["alice"], "0", "0"], check=True)
    alice = apps["alice"] = app_of(p.pid)
    label(alice, "general", 60)
    admin = open_agents_page("alice", alice, fr=True)
    label(alice, "Agents de l’organisation", 10)
    label(alice, "@architect · Reviews designs and release plans", 20)
    time.sleep(0.5)
    shot("agents-fr-admin.png")
    close_window(alice, "Organisation")
    time.sleep(0.5)
    click(WINDOWS["alice"], label(alice, "general", 20))
    ask("bruno", bruno, "and the release notes?", pick=False)
    seen = wait_for(lambda: partial(alice, "En train d’écrire…"), "Alice (fr): a partial answer", 40, alice)
    log(f"Alice (fr) sees the answer growing: {seen!r}")
    shot("agents-fr-streaming.png")
    label(alice, ANSWER, 60)
    wait_for(lambda: "En train d’écrire…" not in labels(alice), "the writing line gone (fr)", 20, alice)
    shot("agents-fr-finished.png")
    ask("bruno", bruno, "please fail again", pick=False)
    watch_error({"alice": alice}, "fr")

    # Removal, after a question: the agent goes from the page.
    admin = open_agents_page("alice", alice, fr=True)
    press(button(alice, "Retirer Architect"))
    label(alice, "Retirer Architect ?", 10)
    press(find(alice, lambda n: n.getRoleName() == "push button" and clean(n.name) in ("Retirer", "Retirer Retirer")
               and showing(n), "the Retirer response", 10))
    label(alice, "Aucun agent pour l’instant.", 20)
    log("Alice removed the agent")
    shot("agents-fr-removed.png")
    print("ok: agents added by the admin, offered in completion, answers streamed and failed, in two windows")


if __name__ == "__main__":
    status = 0
    try:
        main()
    except Exception as e:
        status = 1
        print(f"FAIL: {e}", flush=True)
        shot("agents-failure.png")
        print_logs(("server", "fake-openai", "alice", "bruno", "alicefr"))
    finally:
        for p in reversed(list(procs)):
            stop(p)
    sys.exit(status)
