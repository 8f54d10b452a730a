#!/usr/bin/python3
"""Writes the C program of a markdown page (its ```c block that has a main()) to a file.

    doc-snippet.py PAGE.md OUTPUT.c

So the build compiles the program exactly as the documentation shows it.
"""

import re
import sys


def main() -> int:
    page, output = sys.argv[1:3]
    with open(page, encoding="utf-8") as handle:
        text = handle.read()
    programs = [block for block in re.findall(r"^```c\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
                if re.search(r"^main \(", block, re.MULTILINE)]
    if len(programs) != 1:
        print(f"{page}: expected one C block with a main(), found {len(programs)}", file=sys.stderr)
        return 1
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(f"/* Generated from {page} by tests/doc-snippet.py. */\n\n{programs[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
