"""The Python snippets of the user's document (tests/fixtures/seed/python-bindings.md).

The document is the contract: its snippets are run exactly as written.
``snippets(heading)`` returns the ```python blocks under a heading (up to the
next heading of the same or a higher level).
"""

import os
import re
from typing import List

_SEED = os.path.join(os.path.dirname(__file__), "..", "fixtures", "seed", "python-bindings.md")


def snippets(heading: str, under: str = None) -> List[str]:
    """The python blocks under ``heading`` (the first one after heading ``under``, if given)."""
    with open(_SEED, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    if under is not None:
        parent = [i for i, line in enumerate(lines) if re.match(rf"^#+ {re.escape(under)}\s*$", line)]
        assert parent, f"no heading {under!r} in the seed document"
        lines = lines[parent[0] + 1:]

    blocks: List[str] = []
    level = None          # heading level of the section being collected
    fence = None          # language of the open ``` block, or None
    current: List[str] = []
    for line in lines:
        if fence is not None:
            if line.startswith("```"):
                if fence == "python" and level is not None:
                    blocks.append("\n".join(current) + "\n")
                fence, current = None, []
            else:
                current.append(line)
            continue
        if line.startswith("```"):
            fence = line[3:].strip()
            continue
        match = re.match(r"^(#+) (.*?)\s*$", line)
        if match:
            depth = len(match.group(1))
            if level is not None and depth <= level:
                break
            if level is None and match.group(2) == heading:
                level = depth
    assert level is not None, f"no heading {heading!r} in the seed document"
    assert blocks, f"no python snippet under {heading!r}"
    return blocks


def run(code: str, namespace: dict) -> dict:
    """Runs a snippet; top-level ``await`` is allowed (run under asyncio.run)."""
    if re.search(r"^\s*(async for|await) ", code, re.MULTILINE) or re.search(r"= await ", code):
        import asyncio
        import textwrap

        body = textwrap.indent(code, "    ")
        wrapper = f"async def __snippet__():\n{body}\n    return locals()\n"
        exec(compile(wrapper, "<seed snippet>", "exec"), namespace)
        namespace.update(asyncio.run(namespace["__snippet__"]()))
    else:
        exec(compile(code, "<seed snippet>", "exec"), namespace)
    return namespace
