#!/usr/bin/python3
"""ui-attachments.py: attachments end to end, as people send them.

Started by ui-e2e.sh inside a private X server and session bus, with the
real server. Alice and Bruno sign in (two app processes) and open their
direct room. Alice presses "Attach Files" three times; each time the file
chooser opens (GtkFileChooserNative falls back to GtkFileChooserDialog
without a portal) and she types the path of a file (Ctrl+L): two images and
a PDF wait in the tray above the composer. She writes a line and presses
Enter. Bruno sees the message with two image previews and a PDF card with
its name and size; he opens the first image in the viewer, switches to 1:1
with "1", and closes it with Escape. He opens the PDF (a stand-in default
application for PDFs copies what it is given) and saves it with Save As
(the file chooser in save mode). Then the server stops and Alice drags a
CSV from another application (dnd-source.py) onto the conversation (the
drop zone shows) and adds a photo: they wait in her outbox ("Waiting for
connection"), shown whole at the bottom of her conversation; she takes the
photo back out (Cancel Upload), and only the CSV reaches Bruno once the
server is back. Screenshots go to $CAUSERIE_ARTIFACTS (look at them).
"""
import os, re, subprocess, sys, time, traceback
import pyatspi

from e2e_common import (print_logs, find, label, button, press, visible_windows, new_window, position, click, type_text,
                        APP, PASSWORD, SERVER, TMP, URL, DATA, log, procs, shot,
                        start, start_apps_side_by_side, start_server, stop, wait_for)

OFFSET = {"alice": 0, "bruno": 1060}
WINDOWS = {}


# Test files ----------------------------------------------------------------

def minimal_pdf(title):
    """A one-page PDF with correct cross-reference offsets."""
    stream = f"BT /F1 24 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_files():
    folder = os.path.join(TMP, "files")
    os.makedirs(folder, exist_ok=True)
    wide = os.path.join(folder, "harbour-at-dusk.png")
    tall = os.path.join(folder, "poster-draft.jpg")
    pdf = os.path.join(folder, "invoice-march.pdf")
    csv = os.path.join(folder, "figures-q1.csv")
    with open(csv, "w") as f:
        f.write("month,revenue\nJanuary,1200\nFebruary,1350\nMarch,1410\n")
    subprocess.run(["convert", "-size", "1600x900", "gradient:#1c71d8-#f6d32d",
                    "-fill", "#e01b24", "-draw", "circle 1100,350 1100,470", wide], check=True)
    subprocess.run(["convert", "-size", "600x900", "gradient:#26a269-#241f31",
                    "-fill", "#ffffff", "-draw", "rectangle 120,160 480,260", tall], check=True)
    with open(pdf, "wb") as f:
        f.write(minimal_pdf("Invoice March 2026"))
    return wide, tall, pdf, csv


# Accessibility and X helpers ---------------------------------------------


def find_all(root, pred):
    return pyatspi.findAllDescendants(root, pred)


def key(*keys):
    subprocess.run(["xdotool", "key", *keys], check=True)
    time.sleep(0.2)


def composer(app):
    return find(app, lambda n: n.getRoleName() == "text" and n.name == "Message", "the composer")


def open_room(user, app, name):
    click(WINDOWS[user], label(app, name, 60))
    composer(app)


def fake_pdf_viewer(home):
    """The default application for PDFs in @home's profile: it copies the
    file it is given into TMP/opened (its name and bytes are checked)."""
    apps = os.path.join(home, "data", "applications")
    os.makedirs(apps, exist_ok=True)
    os.makedirs(os.path.join(TMP, "opened"), exist_ok=True)
    with open(os.path.join(apps, "fake-pdf-viewer.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Fake PDF Viewer\n"
                f"Exec=/bin/cp %f {os.path.join(TMP, 'opened')}/\n"
                "MimeType=application/pdf;\nNoDisplay=true\n")
    config = os.path.join(home, "config")
    os.makedirs(config, exist_ok=True)
    with open(os.path.join(config, "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\napplication/pdf=fake-pdf-viewer.desktop\n")


def start_app(user):
    home = os.path.join(TMP, user)
    fake_pdf_viewer(home)
    env = dict(os.environ,
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_CACHE_HOME=os.path.join(home, "cache"),
               CAUSERIE_DATA_DIR=os.path.join(home, "data", "causerie"),
               CAUSERIE_PASSWORD=PASSWORD)
    return start([APP, "--server", URL, "--organisation", "demo",
                  "--email", f"{user}@demo.causerie.org"], user, env)


def attach_with_chooser(app, path):
    """The attach button, then the file chooser driven from the keyboard."""
    known = visible_windows("^Attach Files$")
    press(button(app, "Attach Files"))
    dialog = new_window(known, "^Attach Files$")
    subprocess.run(["xdotool", "windowfocus", "--sync", dialog], check=False)
    time.sleep(0.5)
    key("ctrl+l")
    type_text(path)
    time.sleep(0.3)
    key("Return")
    wait_for(lambda: dialog not in visible_windows("^Attach Files$"),
             "the file chooser to close", 20)


def drag_and_drop(app, path):
    """Drags @path from a small GTK window (a stand-in file manager) onto
    Alice's conversation with the mouse."""
    known = visible_windows("^Drag Source$")
    source = start(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "dnd-source.py"),
                    path], "dnd-source")
    win = new_window(known, "^Drag Source$")
    subprocess.run(["xdotool", "windowmove", win, "1100", "560"], check=True)
    time.sleep(0.8)
    target = find(app, lambda n: n.getRoleName() in ("list", "list box", "table") and
                  n.name == "Messages", "the message list")
    e = target.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x0, y0 = position(WINDOWS["alice"])
    tx, ty = x0 + e.x + e.width // 2, y0 + e.y + e.height // 2
    subprocess.run(["xdotool", "mousemove", "1210", "605", "mousedown", "1"], check=True)
    for i in range(1, 21):
        sx = 1210 + (tx - 1210) * i // 20
        sy = 605 + (ty - 605) * i // 20
        subprocess.run(["xdotool", "mousemove", str(sx), str(sy)], check=True)
        time.sleep(0.05)
    label(app, "Drop Files to Attach Them", 10)
    shot("ui-attach-5b-drop-zone.png")
    subprocess.run(["xdotool", "mouseup", "1"], check=True)
    time.sleep(0.5)
    stop(source)


def chip(app, name):
    return find(app, lambda n: (n.name or "").startswith(f"Attached file {name}, ") and
                not (n.name or "").endswith(", "), f"the tray chip of {name}")


def image_previews(app, names):
    return [n for n in find_all(app, lambda n: n.getRoleName() == "push button" and
                                (n.name or "").startswith("Image "))
            if any((n.name or "").startswith(f"Image {name}, ") for name in names)]


def pixel(user, node, fx, fy):
    """The colour on screen at (fx, fy), fractions of @node's extents."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x0, y0 = position(WINDOWS[user])
    path = os.path.join(TMP, "probe.png")
    subprocess.run(["import", "-window", "root", path], check=True)
    out = subprocess.run(["convert", path, "-format",
                          f"%[pixel:p{{{x0 + e.x + int(e.width * fx)},{y0 + e.y + int(e.height * fy)}}}]",
                          "info:"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\((\d+),(\d+),(\d+)", out)
    return tuple(int(v) for v in m.groups()) if m else None


def thumbnails_drawn(user, previews, names):
    """The red disc of the wide image and the dark foot of the tall one are
    on screen: the thumbnails were fetched, decoded and drawn."""
    wide = [n for n in previews if (n.name or "").startswith(f"Image {names[0]}, ")][0]
    tall = [n for n in previews if (n.name or "").startswith(f"Image {names[1]}, ")][0]
    r, g, b = pixel(user, wide, 1100 / 1600, 350 / 900)
    r2, g2, b2 = pixel(user, tall, 0.5, 0.92)
    return r > 180 and g < 90 and b < 90 and max(r2, g2, b2) < 90


def inside(node, area):
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return (e.width > 0 and e.height > 0 and e.x >= area.x and e.y >= area.y and
            e.x + e.width <= area.x + area.width and e.y + e.height <= area.y + area.height)


def pending_row_in_view(app, image_name, file_name):
    """The newest preview of @image_name and the card of @file_name lie
    within the message list's visible area."""
    messages = find(app, lambda n: n.getRoleName() in ("list", "list box", "table") and
                    n.name == "Messages", "the message list")
    area = messages.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    previews = image_previews(app, [image_name])
    card = pyatspi.findDescendant(app, lambda n: n.getRoleName() in ("panel", "grouping") and
                                  (n.name or "").startswith(f"File {file_name}, "))
    if not previews or card is None:
        return False
    newest = max(previews, key=lambda n: n.queryComponent().getExtents(pyatspi.WINDOW_COORDS).y)
    return inside(newest, area) and inside(card, area)


# The scenario ---------------------------------------------------------------

def main():
    wide, tall, pdf, csv = make_files()
    names = [os.path.basename(p) for p in (wide, tall)]
    pdf_name = os.path.basename(pdf)
    pdf_size = os.path.getsize(pdf)

    subprocess.run([SERVER, "--data-dir", DATA, "demo"], check=True, stdout=subprocess.DEVNULL)
    server = start_server()
    log(f"server on {URL}")

    apps = start_apps_side_by_side(OFFSET, WINDOWS, start_app)
    alice, bruno = apps["alice"], apps["bruno"]

    open_room("alice", alice, "Bruno Petit")
    open_room("bruno", bruno, "Alice Martin")

    # 1. Three files through the attach button and the file chooser.
    for path in (wide, tall, pdf):
        attach_with_chooser(alice, path)
        chip(alice, os.path.basename(path))
        log(f"{os.path.basename(path)} waits in the tray")
    subprocess.run(["xdotool", "windowfocus", "--sync", WINDOWS["alice"]], check=False)
    time.sleep(1.0)
    shot("ui-attach-1-tray.png")

    # 2. Text and files go together.
    stamp = str(os.getpid())
    text = f"The March invoice and two photos ({stamp})"
    click(WINDOWS["alice"], composer(alice))
    type_text(text)
    key("Return")
    wait_for(lambda: pyatspi.findDescendant(
        alice, lambda n: (n.name or "").startswith("Attached file ")) is None,
        "the tray to empty once sent", 20, alice)
    log("Alice sent the files")

    # Her own row: both previews, the card; the uploads finish.
    wait_for(lambda: len(image_previews(alice, names)) == 2, "Alice's two previews", 60, alice)
    wait_for(lambda: pyatspi.findDescendant(
        alice, lambda n: n.getRoleName() == "push button" and
        (n.name or "") == f"Open {pdf_name}") is not None,
        "Alice's upload of the PDF to finish", 60, alice)
    log("Alice's uploads finished")

    # 3. Bruno sees the message live: two image previews, a PDF card.
    label(bruno, text, 60)
    previews = wait_for(lambda: (lambda found: found if len(found) == 2 else None)(
        image_previews(bruno, names)), "Bruno's two image previews", 60, bruno)
    for name in names:
        assert any((n.name or "").startswith(f"Image {name}, ") for n in previews), name
    card = find(bruno, lambda n: n.getRoleName() in ("panel", "grouping") and
                (n.name or "").startswith(f"File {pdf_name}, "), "Bruno's PDF card", 30)
    card_labels = [n.name for n in find_all(card, lambda n: n.getRoleName() == "label")]
    assert pdf_name in card_labels, f"the card shows {card_labels}"
    size_labels = [t for t in card_labels if re.fullmatch(r"[0-9.,]+\s*(bytes|kB)", t or "")]
    assert size_labels, f"no size on the card: {card_labels}"
    log(f"Bruno sees two previews and the card “{pdf_name}”, {size_labels[0]} ({pdf_size} bytes)")
    button(bruno, f"Open {pdf_name}")
    button(bruno, f"Save {pdf_name} As…")
    wait_for(lambda: thumbnails_drawn("bruno", previews, names), "Bruno's thumbnails on screen", 30)
    log("Bruno's thumbnails are drawn")
    shot("ui-attach-2-received.png")

    # Open: the default application receives the file under its own name.
    press(button(bruno, f"Open {pdf_name}"))
    opened = os.path.join(TMP, "opened", pdf_name)
    wait_for(lambda: os.path.exists(opened) and open(opened, "rb").read() == open(pdf, "rb").read(),
             "the PDF handed to the default application", 30, bruno)
    log("Open hands the PDF to the default application, named and byte for byte")

    # Save As: the file chooser in save mode, a path typed in its name entry.
    saved = os.path.join(TMP, "saved", "invoice-copy.pdf")
    os.makedirs(os.path.dirname(saved), exist_ok=True)
    known = visible_windows("^Save File$")
    press(button(bruno, f"Save {pdf_name} As…"))
    dialog = new_window(known, "^Save File$")
    subprocess.run(["xdotool", "windowfocus", "--sync", dialog], check=False)
    time.sleep(0.5)
    key("ctrl+a")
    type_text(saved)
    key("Return")
    wait_for(lambda: os.path.exists(saved) and open(saved, "rb").read() == open(pdf, "rb").read(),
             "the saved copy", 30, bruno)
    label(bruno, f"“{pdf_name}” saved", 10)
    log("Save As writes the PDF where Bruno chose, byte for byte")
    shot("ui-attach-2b-saved.png")

    # 4. The viewer: opens on click, 1:1 with "1", closes with Escape.
    first = [n for n in previews if (n.name or "").startswith(f"Image {names[0]}, ")][0]
    known = visible_windows(f"^{re.escape(names[0])}$")
    click(WINDOWS["bruno"], first)
    viewer_win = new_window(known, f"^{re.escape(names[0])}$")
    viewer = find(bruno, lambda n: n.getRoleName() in ("frame", "dialog", "window") and
                  n.name == names[0], "the image viewer")
    zoom = find(viewer, lambda n: n.getRoleName() in ("toggle button", "push button") and n.name == "Original Size",
                "the zoom button", 30)
    wait_for(lambda: zoom.getState().contains(pyatspi.STATE_SENSITIVE), "the full image", 30, viewer)
    find(viewer, lambda n: n.getRoleName() == "label" and (n.name or "").startswith("1600 × 900 · "),
         "the image's size in the viewer's title", 10)
    log("the viewer shows the full image, zoomed to fit")
    shot("ui-attach-3-viewer-fit.png")

    subprocess.run(["xdotool", "windowfocus", "--sync", viewer_win], check=False)
    key("1")
    find(viewer, lambda n: n.getRoleName() in ("toggle button", "push button") and n.name == "Fit to Window",
         "1:1 after pressing 1", 10)
    log("“1” shows the image at 1:1")
    time.sleep(1.0)   # the next frames
    shot("ui-attach-4-viewer-1to1.png")
    key("0")
    find(viewer, lambda n: n.getRoleName() in ("toggle button", "push button") and n.name == "Original Size",
         "fit after pressing 0", 10)

    key("Escape")
    wait_for(lambda: viewer_win not in visible_windows(f"^{re.escape(names[0])}$"),
             "the viewer to close on Escape", 10)
    log("Escape closes the viewer")
    shot("ui-attach-5-closed.png")

    # 5. Offline: the file waits in Alice's outbox with its message.
    stop(server)
    log("server stopped")
    csv_name = os.path.basename(csv)
    drag_and_drop(alice, csv)
    chip(alice, csv_name)
    log("a file dropped on the conversation waits in the tray")
    attach_with_chooser(alice, tall)
    chip(alice, names[1])
    offline = f"Figures, sent while offline ({stamp})"
    click(WINDOWS["alice"], composer(alice))
    type_text(offline)
    key("Return")
    find(alice, lambda n: n.getRoleName() in ("panel", "grouping") and
         (n.name or "").startswith(f"File {csv_name}, "), "Alice's pending CSV card", 30)
    wait_for(lambda: len(image_previews(alice, [names[1]])) == 2, "Alice's pending photo", 30, alice)
    label(alice, "Waiting for connection", 30)
    log("the CSV and the photo wait for the connection")
    # The view stays at the bottom as the pending row takes its full height
    # (its preview and its card are on screen, not half below the view).
    wait_for(lambda: pending_row_in_view(alice, names[1], csv_name),
             "Alice's pending photo and CSV card within the visible conversation", 10, alice)
    log("the pending message is shown whole, at the bottom of the conversation")
    time.sleep(1.0)
    shot("ui-attach-6-offline.png")
    press(button(alice, f"Cancel Upload of {names[1]}"))
    wait_for(lambda: len(image_previews(alice, [names[1]])) == 1, "the photo to leave the message", 20, alice)
    log("Alice took the photo back out of the pending message")

    server = start_server()
    log("server started again")
    label(bruno, offline, 120)
    find(bruno, lambda n: n.getRoleName() in ("panel", "grouping") and
         (n.name or "").startswith(f"File {csv_name}, "), "Bruno's CSV card", 60)
    button(alice, f"Open {csv_name}", 60)
    time.sleep(1.0)
    assert len(image_previews(bruno, [names[1]])) == 1, "the cancelled photo reached Bruno"
    log("the CSV went out once the server was back, without the cancelled photo")
    shot("ui-attach-7-back-online.png")
    print("ok: attach button and file chooser, tray, send, previews and card, viewer, offline outbox")


if __name__ == "__main__":
    status = 0
    try:
        main()
    except Exception as e:
        status = 1
        print(f"FAIL: {e!r}", flush=True)
        traceback.print_exc()
        shot("ui-attach-failure.png")
        print_logs(("server", "alice", "bruno"))
    finally:
        for p in reversed(list(procs)):
            stop(p)
        # Warnings the apps printed, for whoever reads the log.
        for name in ("alice", "bruno"):
            path = os.path.join(TMP, f"{name}.log")
            if os.path.exists(path):
                for line in open(path, errors="replace"):
                    if "CRITICAL" in line or "WARNING" in line:
                        log(f"{name}: {line.strip()}")
    sys.exit(status)
