#!/usr/bin/python3
# A WebKitGTK browser for WebKitWebDriver whose website data lives on disk, in the directory
# PIXSTORE_WEBKIT_PROFILE names: MiniBrowser in automation mode keeps it in memory only, and the
# closed-profile scan needs files to read.
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

profile = os.environ["PIXSTORE_WEBKIT_PROFILE"]
manager = WebKit2.WebsiteDataManager(
    base_data_directory=os.path.join(profile, "data"),
    base_cache_directory=os.path.join(profile, "cache"),
)
context = WebKit2.WebContext(website_data_manager=manager)
context.set_automation_allowed("--automation" in sys.argv)


def new_view(*_):
    view = WebKit2.WebView(web_context=context, is_controlled_by_automation=True)
    window = Gtk.Window()
    window.set_default_size(1024, 768)
    window.add(view)
    window.connect("destroy", lambda *_: Gtk.main_quit() if not Gtk.Window.list_toplevels() else None)
    view.connect("close", lambda *_: window.destroy())
    window.show_all()
    return view


def automation_started(_context, session):
    info = WebKit2.ApplicationInfo()
    info.set_name("pixstore-webkit")
    info.set_version(2, 50, 0)
    session.set_application_info(info)
    session.connect("create-web-view", new_view)


context.connect("automation-started", automation_started)
Gtk.main()
