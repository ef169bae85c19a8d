"""Lines of the events file for error messages: where a TOML path is, where the parser stopped.

Only asked when there is a problem to report: a valid file never builds the index.
"""

from __future__ import annotations

import re


def deep_line(text: str, depth: int = 100) -> int | None:
    """The first line where brackets and braces outside strings nest ``depth`` levels deep."""
    level = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for token in re.findall(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|#.*|[\[\]{}]", line):
            if token in "[{":
                level += 1
                if level >= depth:
                    return number
            elif token in "]}":
                level = max(level - 1, 0)
    return None


def toml_error(message: str, text: str) -> tuple[str, int | None]:
    """The parser's message without its position, and the line it names; a key the parser
    shows as a Python tuple, ``('papers', 'oral')``, is shown as TOML writes it, ``papers.oral``."""
    message = re.sub(
        r"\(((?:'[^']*', ?)*'[^']*'),?\)",
        lambda match: ".".join(re.findall(r"'([^']*)'", match.group(1))),
        message,
    )
    if match := re.search(r" \(at line (\d+), column (\d+)\)$", message):
        return f"{message[: match.start()]} (column {match.group(2)})", int(match.group(1))
    if message.endswith(" (at end of document)"):
        return message.removesuffix(" (at end of document)") + " at the end of the file", text.count("\n") + (
            not text.endswith("\n")
        )
    return message, None


def _key_parts(key: str) -> list[str]:
    """'papers . "oral"' → ['papers', 'oral'] (dots inside quotes are not supported: no line)."""
    return [part.strip().strip("\"'") for part in key.split(".")]


class Locator:
    """Finds the line of a TOML path in files laid out the usual way (headers, one key per line).

    Inline tables and dotted keys are not indexed; their problems are reported without a line.
    """

    _ARRAY_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]")
    _TABLE_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]")
    _KEY = re.compile(r"\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        counts: dict[str, int] = {}
        current = ""
        in_multiline: str | None = None
        # TOML ends lines at LF only: U+2028, U+2029, U+0085 or a lone CR must not shift the count.
        for number, line in enumerate(text.split("\n"), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if match := self._ARRAY_HEADER.match(line):
                parts = _key_parts(match.group(1))
                prefix = self._resolve(parts[:-1], counts, number)
                key = f"{prefix}.{parts[-1]}" if prefix else parts[-1]
                self.lines.setdefault(key, number)
                counts[key] = counts.get(key, -1) + 1
                current = f"{key}[{counts[key]}]"
            elif match := self._TABLE_HEADER.match(line):
                parts = _key_parts(match.group(1))
                prefix = self._resolve(parts[:-1], counts, number)
                current = f"{prefix}.{parts[-1]}" if prefix else parts[-1]
            elif match := self._KEY.match(line):
                parts = _key_parts(match.group(1))
                base = current
                for part in parts:
                    base = f"{base}.{part}" if base else part
                    self.lines.setdefault(base, number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote
                continue
            else:
                continue
            self.lines.setdefault(current, number)

    def _resolve(self, parts: list[str], counts: dict[str, int], number: int) -> str:
        """The path of a header's parent tables; each one first seen here is located here."""
        path = ""
        for part in parts:
            path = f"{path}.{part}" if path else part
            if path in counts:
                path = f"{path}[{counts[path]}]"
            self.lines.setdefault(path, number)
        return path

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            parent = re.sub(r"(\.?[^.\[]+|\[\d+\])$", "", path)
            if parent == path:
                return None
            path = parent
        return None
