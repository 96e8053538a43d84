#!/usr/bin/python3
"""ui-policy.py: the contact policy (issue 17) as people see it, end to end.

Started by ui-e2e.sh inside a private X server and session bus, with the
real server's demo organisation. Alice (admin) is ranked Employee, Bruno
CEO, Chloé Director, David has no rank; Employees may not message the CEO.
Alice opens Organisation, Contact Policy: the ranks and the grid of check
buttons ("Employee may message Director"…) are there; she unticks
"Employee may message Director", the server has it, and the box is still
unticked when the window is opened again. In New Direct Message, Bruno and
Chloé cannot be chosen and say why; David can. The policy then changes
behind her back (David made a Contractor, whom Employees may not reach):
choosing David answers with the server's sentence, and his row then says
why. Screenshots go to $CAUSERIE_ARTIFACTS (look at them).
"""
import functools, os, subprocess, time

import pyatspi
import requests

from e2e_common import (DATA, SERVER, URL, PORT, app_of, find, log, new_window,
                        run, session, shot, showing, start, start_app, stop,
                        visible_windows as windows, wait_for, button as _button, clean,
                        click as _click, key, label as _label, press as _press,
                        type_text as _type_text)

# Pages here are stacks: only what is on screen counts,
# and these windows need a little more time between steps.
label = functools.partial(_label, shown=True)
button = functools.partial(_button, shown=True)
click = functools.partial(_click, activate=True)
press = functools.partial(_press, pause=0.4)
type_text = functools.partial(_type_text, delay=12, pause=0.3)

RANKS = ["CEO", "Director", "Employee", "Contractor"]


def start_services():
    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    p = start([SERVER, "--data-dir", DATA, "serve", "--listen", f"127.0.0.1:{PORT}"], "server")
    wait_for(lambda: requests.get(URL + "/healthz", timeout=2).status_code == 200,
             "the server to answer /healthz")
    return p


def check_box(root, name, timeout=20):
    return find(root, lambda n: n.getRoleName() == "check box" and n.name == name and showing(n),
                f"check box {name!r}", timeout)


def checked(node):
    return node.getState().contains(pyatspi.STATE_CHECKED)


def sensitive(node):
    """Whether @node can be used: it and every container up to its window
    (GTK 4.8 marks only the widget made insensitive, not its children)."""
    while node is not None and node.getRoleName() not in ("frame", "window", "dialog", "application"):
        if not node.getState().contains(pyatspi.STATE_SENSITIVE):
            return False
        node = node.parent
    return True


def close_window(app, title):
    frame = find(app, lambda n: n.getRoleName() in ("frame", "window", "dialog") and n.name == title,
                 f"the window {title!r}", 10)
    press(find(frame, lambda n: n.getRoleName() == "push button" and clean(n.name) in ("Close", "Fermer"),
               f"{title!r}'s Close button", 10))


def open_policy_page(main, app, heading="Who May Message Whom", menu="Main Menu"):
    click(main, button(app, menu))
    press(find(app, lambda n: n.getRoleName() in ("menu item", "push button") and
               clean(n.name) == "Organisation" and showing(n), "Organisation", 10))
    admin = new_window([], "^Organisation")
    subprocess.run(["xdotool", "windowsize", admin, "900", "760"], check=False)
    time.sleep(0.5)
    # GTK 4.8 leaves AdwViewSwitcher's buttons out of the accessibility
    # tree: the window's Alt+4 shows the Contact Policy page.
    key(admin, "alt+4")
    label(app, heading, 10)
    return admin


def policy(admin_s):
    r = admin_s.get(URL + "/api/admin/contact-policy", timeout=10)
    r.raise_for_status()
    return r.json()


def main():
    start_services()
    alice_s, alice_u = session("alice")
    ids = {u: session(u)[1]["id"] for u in ("bruno", "chloe", "david")}
    allow = [[f, t] for f in RANKS for t in RANKS if not (f == "Employee" and t == "CEO")]
    r = alice_s.put(URL + "/api/admin/contact-policy", json={"ranks": RANKS, "allow": allow}, timeout=10)
    r.raise_for_status()
    for uid, rank in ((alice_u["id"], "Employee"), (ids["bruno"], "CEO"), (ids["chloe"], "Director")):
        alice_s.patch(f"{URL}/api/admin/users/{uid}", json={"rank": rank}, timeout=10).raise_for_status()
    log("policy set over the API: Employees may not message the CEO")

    p = start_app("alice")
    main_win = new_window([])
    subprocess.run(["xdotool", "windowmove", main_win, "0", "0"], check=True)
    app = app_of(p.pid)
    label(app, "general", 60)

    # The admin page: ranks, the grid, people's ranks.
    admin = open_policy_page(main_win, app)
    for r_name in RANKS:
        find(app, lambda n: n.getRoleName() == "push button" and n.name == f"Remove {r_name}" and showing(n),
             f"the row of {r_name}", 10)
    for f in RANKS:
        for t in RANKS:
            box = check_box(app, f"{f} may message {t}")
            assert checked(box) == (not (f == "Employee" and t == "CEO")), f"{f} -> {t} shown wrong"
    log("the grid shows the policy, one named check box per pair of ranks")
    time.sleep(0.5)
    shot("policy-en-admin.png")

    # Untick a cell: the server has it.
    click(admin, check_box(app, "Employee may message Director"))
    wait_for(lambda: ["Employee", "Director"] not in policy(alice_s)["allow"],
             "the server to store Employee -> Director as not allowed", 20)
    assert ["Employee", "Employee"] in policy(alice_s)["allow"], "another cell changed"
    log("unticking Employee may message Director saved it")
    close_window(app, "Organisation")
    wait_for(lambda: admin not in windows("."), "the Organisation window to close", 10)
    admin = open_policy_page(main_win, app)
    box = check_box(app, "Employee may message Director")
    wait_for(lambda: not checked(check_box(app, "Employee may message Director")),
             "the cell to stay unticked in a new window", 10)
    assert checked(check_box(app, "Employee may message Employee"))
    log("the cell is still unticked when the window opens again")
    time.sleep(0.3)
    shot("policy-en-admin-saved.png")

    # A new rank reaches, and is reached by, everyone; removing it asks first.
    entry = find(app, lambda n: n.getRoleName() in ("text", "entry") and n.name == "New rank" and showing(n),
                 "the new rank entry", 10)
    click(admin, entry)
    type_text("Intern")
    press(button(app, "Add Rank"))
    wait_for(lambda: "Intern" in policy(alice_s)["ranks"], "the server to have the rank Intern", 20)
    stored = policy(alice_s)
    assert ["Intern", "CEO"] in stored["allow"] and ["CEO", "Intern"] in stored["allow"], stored
    assert ["Employee", "Director"] not in stored["allow"], "adding a rank changed another cell"
    assert checked(check_box(app, "Intern may message CEO"))
    log("a new rank is saved, allowed both ways")
    press(button(app, "Remove Intern"))
    label(app, "Remove the Rank “Intern”?", 10)
    press(find(app, lambda n: n.getRoleName() == "push button" and clean(n.name) in ("Remove", "Remove Remove")
               and showing(n), "the Remove response", 10))
    wait_for(lambda: "Intern" not in policy(alice_s)["ranks"], "the server to drop the rank Intern", 20)
    wait_for(lambda: pyatspi.findDescendant(app, lambda n: n.getRoleName() == "check box" and
                                            n.name == "Intern may message CEO") is None,
             "the grid without Intern", 10)
    log("removing a rank asks, then saves")
    close_window(app, "Organisation")
    wait_for(lambda: admin not in windows("."), "the Organisation window to close", 10)

    # New Direct Message: who cannot be reached, and why, before trying.
    known = windows(".")
    key(main_win, "ctrl+n")
    picker = new_window(known, "^New Direct Message$")
    ceo_reason = ("Your organisation’s contact policy does not let people ranked “Employee” "
                  "open a direct conversation with people ranked “CEO”.")
    dir_reason = ceo_reason.replace("“CEO”", "“Director”")
    for reason in (ceo_reason, dir_reason):
        lab = label(app, reason, 20)
        assert not sensitive(lab), "an unreachable person's row is insensitive"
    david = label(app, "David Lambert", 10)
    assert sensitive(david), "David (no rank) can be chosen"
    log("the picker says who cannot be messaged and why")
    time.sleep(0.5)
    shot("policy-en-picker.png")

    # The policy changes behind her back: choosing David, shown reachable a
    # moment ago, answers with the server's sentence, and his row then says why.
    entry = find(app, lambda n: n.getRoleName() in ("text", "entry") and n.name == "Search people" and
                 showing(n), "the picker's search")
    click(picker, entry)
    type_text("David")
    wait_for(lambda: pyatspi.findDescendant(app, lambda n: n.getRoleName() == "label" and showing(n) and
                                            n.name == dir_reason) is None, "the search to show David alone", 10)
    assert sensitive(label(app, "David Lambert", 10))
    alice_s.patch(f"{URL}/api/admin/users/{ids['david']}", json={"rank": "Contractor"},
                  timeout=10).raise_for_status()
    p2 = policy(alice_s)
    p2["allow"] = [pair for pair in p2["allow"] if pair != ["Employee", "Contractor"]]
    alice_s.put(URL + "/api/admin/contact-policy", json=p2, timeout=10).raise_for_status()
    key(picker, "Return")
    sentence = ("Your organisation's contact policy does not let people ranked “Employee” "
                "open a direct conversation with people ranked “Contractor”.")
    label(app, sentence, 20)
    log("choosing David shows the server's sentence")
    time.sleep(0.3)
    shot("policy-en-refused.png")
    label(app, ceo_reason.replace("“CEO”", "“Contractor”"), 20)
    log("David's row now says why")
    audit = alice_s.get(URL + "/api/admin/audit?action=forbidden_attempt", timeout=10).json()["entries"]
    assert audit and audit[0]["details"]["reason"] == sentence, audit[:1]
    # French: the page and the picker in the reader's language.
    stop(p)
    fr = {"LANGUAGE": "fr", "CAUSERIE_LOCALEDIR": os.environ.get("CAUSERIE_LOCALEDIR", "")}
    p = start_app("alice", fr)
    main_win = new_window([])
    subprocess.run(["xdotool", "windowmove", main_win, "0", "0"], check=True)
    app = app_of(p.pid)
    label(app, "general", 60)
    admin = open_policy_page(main_win, app, "Qui peut écrire à qui", "Menu principal")
    assert not checked(check_box(app, "Employee peut écrire à Director"))
    assert checked(check_box(app, "CEO peut écrire à Employee"))
    time.sleep(0.5)
    shot("policy-fr-admin.png")
    close_window(app, "Organisation")
    wait_for(lambda: admin not in windows("."), "the Organisation window to close", 10)
    known = windows(".")
    key(main_win, "ctrl+n")
    new_window(known, "^Nouveau message direct$")
    label(app, "La politique de contact de votre organisation ne permet pas aux personnes de rang "
               "«\u00a0Employee\u00a0» d’ouvrir une conversation directe avec les personnes de rang "
               "«\u00a0CEO\u00a0».", 20)
    log("the page and the reasons in French")
    time.sleep(0.5)
    shot("policy-fr-picker.png")
    print("ok: the admin's matrix saves and persists; the picker explains the policy; a 403 shows its sentence")


if __name__ == "__main__":
    run(main, "policy-failure.png", ("server", "alice"))
