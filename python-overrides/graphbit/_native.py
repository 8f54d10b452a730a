"""The introspected C library, loaded once for the whole package."""

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("Graphbit", "1.0")

from gi.repository import Gio, GLib, Graphbit  # noqa: E402

__all__ = ["Gio", "GLib", "Graphbit"]
