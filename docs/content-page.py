#!/usr/bin/python3
"""Prepares docs/*.md topic pages as gi-docgen content pages.

    content-page.py OUTPUT_DIR PAGE.md...

Each page is copied to OUTPUT_DIR with a ``Title:`` header (gi-docgen's page
title) taken from its first heading. Links to other pages (``page.md``,
``page.md#part``) point to their HTML versions; links out of docs/ (source
files, the README) become their plain text, since the reference is read
without the repository.
"""

import os
import re
import sys

PAGE_LINK = re.compile(r"\]\(([A-Za-z0-9._-]+)\.md(#[^)]*)?\)")
OUTSIDE_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./|/)[^)]*\)")


def convert(text: str) -> str:
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), None)
    if title is None:
        raise SystemExit("a topic page needs a '# Title' heading")
    text = PAGE_LINK.sub(lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", text)
    text = OUTSIDE_LINK.sub(lambda m: m.group(1), text)
    return f"Title: {title}\n\n{text}"


def main() -> int:
    output_dir, pages = sys.argv[1], sys.argv[2:]
    for page in pages:
        with open(page, encoding="utf-8") as source:
            text = convert(source.read())
        with open(os.path.join(output_dir, os.path.basename(page)), "w", encoding="utf-8") as target:
            target.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
