"""The introspected C library, loaded once for the whole package."""

from typing import Any

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("Graphbit", "1.0")

from gi.repository import Gio, GLib  # noqa: E402
from gi.repository import Graphbit as _GraphbitModule  # noqa: E402

__all__ = ["Gio", "GLib", "Graphbit"]


class _Namespace:
    """A GI namespace whose names are looked up once each.

    With overrides loaded, PyGObject's module proxy looks every name that
    is not overridden up again on each access, through a failed attribute
    lookup (~0.6 us); the package reads some names on every call.
    """

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return repr(self._module)


Graphbit: Any = _Namespace(_GraphbitModule)
