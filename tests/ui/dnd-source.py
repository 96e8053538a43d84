#!/usr/bin/python3
"""dnd-source.py: a small GTK 4 window that offers FILE (text/uri-list)
when dragged, like a file manager does. Used by ui-attachments.py to drop
a file on the conversation under Xvfb.
   dnd-source.py FILE
"""
import sys

import gi
gi.require_version("Gtk", "4.0")
gi.require_version("Gdk", "4.0")
from gi.repository import Gdk, Gio, GLib, Gtk  # noqa: E402

uri = Gio.File.new_for_path(sys.argv[1]).get_uri()


def prepare(source, x, y):
    return Gdk.ContentProvider.new_for_bytes("text/uri-list", GLib.Bytes.new((uri + "\r\n").encode()))


def activate(app):
    win = Gtk.ApplicationWindow(application=app, title="Drag Source")
    win.set_default_size(220, 90)
    label = Gtk.Label(label="Drag me")
    drag = Gtk.DragSource(actions=Gdk.DragAction.COPY)
    drag.connect("prepare", prepare)
    label.add_controller(drag)
    win.set_child(label)
    win.present()


app = Gtk.Application(application_id="org.causerie.TestDragSource",
                      flags=Gio.ApplicationFlags.NON_UNIQUE)
app.connect("activate", activate)
app.run([])
