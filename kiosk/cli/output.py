"""One way to print a result: one line of JSON for programs (`--json`), or text for people."""

from __future__ import annotations

import json
from collections.abc import Iterable


def print_result(
    as_json: bool, data: object, lines: Iterable[str], ensure_ascii: bool = True
) -> None:
    """Print `data` as JSON, or else each of `lines` (built only when printed, if a generator).

    `ensure_ascii` (the default) escapes every character beyond ASCII, so that text from
    outside (an agency's answer) reaches no terminal raw.
    """
    if as_json:
        print(json.dumps(data, ensure_ascii=ensure_ascii))
        return
    for line in lines:
        print(line)
