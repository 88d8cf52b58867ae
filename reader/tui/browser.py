"""Opening links: `o`, a click on a link, `y` to copy one.

reader.links says which links may open; this module asks first for an internationalised
host (ConfirmOpen), never hands a URL to a shell, runs the browser off the UI thread, and
hands the terminal to a browser that runs in it (lynx, w3m) until it quits.
"""

from __future__ import annotations

import webbrowser
from functools import partial

from textual.app import SuspendNotSupported
from textual.dom import DOMNode

from reader.links import check_link, shown_url
from reader.tui.screens.confirm_open import ConfirmOpen


def copy_link(node: DOMNode, url: str) -> None:
    """Copy what `o` would open (the host in ASCII); a link of another scheme (mailto:)
    as written, saying so; nothing of a link that hides something."""
    app = node.app
    link = check_link(url)
    if link.target is not None:
        app.copy_to_clipboard(link.target)
        app.notify(shown_url(link.target), title="Copied URL", markup=False, timeout=3)
    elif link.other_scheme:
        app.copy_to_clipboard(url)
        app.notify(
            f"Copied {shown_url(url)!r}, which is not a web link: the reader does not open it.",
            severity="warning",
            markup=False,
        )
    else:
        app.notify(
            f"Not copying {shown_url(url)!r}: {link.refusal}.", severity="warning", markup=False
        )


def open_in_browser(node: DOMNode, url: str) -> None:
    """Open a web page (reader.links says which), asking first when its host is
    internationalised; the browser runs in a worker of `node`."""
    app = node.app
    link = check_link(url)
    if link.target is None:
        app.notify(
            f"Not opening {shown_url(url)!r}: {link.refusal} (only http and https links "
            "are opened, and only those that hide nothing).",
            severity="warning",
            markup=False,
        )
    elif link.idn_host is not None:
        app.push_screen(ConfirmOpen(link), partial(_open_if_confirmed, node, link.target))
    else:
        _open_target(node, link.target)


def _open_if_confirmed(node: DOMNode, target: str, confirmed: bool | None) -> None:
    if confirmed:
        _open_target(node, target)


def _open_target(node: DOMNode, target: str) -> None:
    node.app.notify(shown_url(target), title="Opening in browser", markup=False, timeout=3)
    node.run_worker(
        partial(_open_url, node, target), thread=True, group="browser", description="open URL"
    )


def _open_url(node: DOMNode, url: str) -> None:
    """In a worker: webbrowser can wait on a launcher process."""
    app = node.app
    browser = terminal_browser()
    if browser is not None:
        app.call_from_thread(_open_in_terminal_browser, node, browser, url)
    elif not webbrowser.open(url):
        app.call_from_thread(
            app.notify,
            "No web browser found to open it: y copies the URL.",
            severity="error",
            markup=False,
        )


def _open_in_terminal_browser(node: DOMNode, browser: webbrowser.BaseBrowser, url: str) -> None:
    """Hand the terminal to a browser that runs in it, and take it back when the user
    quits that browser."""
    app = node.app
    try:
        with app.suspend():
            opened = browser.open(url)
    except SuspendNotSupported:
        app.notify(
            f"Not opening {browser.name}: it needs this terminal, which cannot be handed "
            "over here. y copies the URL.",
            severity="warning",
            markup=False,
        )
        return
    if not opened:
        app.notify(f"{browser.name} could not open it.", severity="error", markup=False)


def terminal_browser() -> webbrowser.BaseBrowser | None:
    """The browser `webbrowser` would use, when it runs in this terminal and waits (lynx or
    w3m on a machine without a display, or a $BROWSER command): it must have the
    terminal to itself. None for a browser in a window of its own, or none at all."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    # A BackgroundBrowser (xdg-open, a $BROWSER that detaches) is a GenericBrowser too.
    in_terminal = isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    )
    return browser if in_terminal else None
