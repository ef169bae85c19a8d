"""The README is executable: every ```console block is run and its output compared.

Each block runs as one bash script in a fresh temporary copy of events.toml and output/, with
this environment's ``confcal`` first on PATH and ``COLUMNS=80``. Lines starting ``$ `` are
commands (a line ending in ``\\`` continues on the next); the lines after a command, up to the
next one, are what it prints (stdout and stderr together). A line ``…`` stands for any number of
lines. An HTML comment ``<!-- setup: ... -->`` right before a block holds bash run first in the
same script, hidden from readers (it must succeed; a server it starts in the background lives as
long as the block). ```sh blocks are shown, never run.

What the block prints goes, as it is printed, to the file named by ``$README_OUTPUT``: a setup
that acts on a command still running (a request to a server, an edit it should notice, Ctrl-C)
waits there for the line that says the command is ready, never for a number of seconds, which a
loaded machine outlasts. The block starts with SIGINT at its default, as in a terminal, whatever
pytest was started with: a command run in the background by a shell (``make test &``) inherits
SIGINT ignored, and ``kill -INT`` (Ctrl-C) would then never reach a server the block started.

Only what is truly volatile is normalised: HTTP Date and Last-Modified headers, the Python
version in a Server header, and the port of a local server.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EVENTS, OUTPUT, ROOT, require

README = ROOT / "README.md"
CUT = "…"
TIMEOUT = 120

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)$")
_SETUP = re.compile(r"<!--\s*setup:(?P<script>.*)-->", re.S)
_VOLATILE = [
    (re.compile(r"^(Date|Last-Modified): .*$"), r"\1: <http-date>"),
    (re.compile(r"Python/\d+\.\d+\.\d+"), "Python/<version>"),
    (re.compile(r"(127\.0\.0\.1|localhost|\[::1\]):\d+"), r"\1:<port>"),
]


@dataclass(frozen=True)
class Command:
    text: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    line: int
    setup: str
    commands: tuple[Command, ...]

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


def fenced_blocks(text: str) -> list[tuple[int, str, list[str], str]]:
    """(line of the opening fence, info string, body lines without the fence's indent, text before)."""
    lines = text.splitlines()
    blocks: list[tuple[int, str, list[str], str]] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent = opening.group("indent")
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = [line.removeprefix(indent) for line in lines[index + 1 : end]]
        before = "\n".join(lines[:index])
        blocks.append((index + 1, opening.group("info").strip(), body, before))
        index = end + 1
    return blocks


def parse_commands(body: list[str]) -> tuple[Command, ...]:
    commands: list[Command] = []
    text: list[str] = []
    expected: list[str] = []
    lines = iter(body)
    for line in lines:
        if line.startswith("$ "):
            if text:
                commands.append(Command("\n".join(text), tuple(expected)))
            text, expected = [line[2:]], []
            while text[-1].endswith("\\"):
                text.append(next(lines))
        elif not text:
            raise ValueError(f"output before the first command: {line!r}")
        else:
            expected.append(line)
    if text:
        commands.append(Command("\n".join(text), tuple(expected)))
    return tuple(commands)


def console_blocks(text: str) -> list[Block]:
    blocks = []
    for line, info, body, before in fenced_blocks(text):
        if info != "console":
            continue
        head = before.rstrip()
        setup = _SETUP.fullmatch(head[head.rfind("<!--") :]) if head.endswith("-->") else None
        script = setup.group("script").strip() if setup else ""
        blocks.append(Block(line=line, setup=script, commands=parse_commands(body)))
    return blocks


def normalise(line: str) -> str:
    line = line.rstrip()
    for pattern, replacement in _VOLATILE:
        line = pattern.sub(replacement, line)
    return line


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, where a line ``…`` (indented or not) in ``expected`` matches any number of lines."""
    if not expected:
        return not actual
    if expected[0].strip() == CUT:
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def trimmed(lines: list[str]) -> list[str]:
    lines = [normalise(line) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"SOURCE_DATE_EPOCH", "NO_COLOR"}}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CONFCAL_REPO"] = str(ROOT)  # setups copy fixtures from here (tests/programmes/)
    env.update(COLUMNS="80", LC_ALL="C.UTF-8", TZ="UTC", PYTHONDONTWRITEBYTECODE="1")
    return env


@functools.cache
def isolation() -> tuple[str, ...]:
    """A private network and process namespace for a block, where the system allows one.

    Inside it, a server a block starts on a fixed port cannot collide with anything else on
    the machine, the network is unreachable (no example depends on it), and every process the
    block started dies with it. Elsewhere, blocks run directly.
    """
    command = ("unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child")
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return ()
    probe = subprocess.run([*command, "ip", "link", "set", "lo", "up"], capture_output=True, check=False)
    return command if probe.returncode == 0 else ()


def block_script(block: Block, *, marker: str, setup_log: Path) -> str:
    """One bash script: the hidden setup (must succeed), then each command followed by a marker line."""
    script = [
        "exec 2>&1",
        f'__mark() {{ __status=$?; printf "\\n{marker}\\n"; return $__status; }}',
    ]
    if isolation():
        script.append("ip link set lo up")
    if block.setup:
        script += [
            "(",
            "set -e",
            block.setup,
            f") > {shlex.quote(str(setup_log))} 2>&1",
            f"__status=$?; if [ $__status != 0 ]; then cat {shlex.quote(str(setup_log))}; exit 97; fi",
        ]
    for command in block.commands:
        script += [command.text, "__mark"]
    return "\n".join(script) + "\n"


def default_sigint() -> None:
    """In the block's process, before bash starts: SIGINT as a terminal's shell would have it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_block(block: Block, folder: Path) -> list[list[str]]:
    """Run the block in ``folder``; each command's output lines (stdout and stderr), in order."""
    marker = f"@@readme-{uuid.uuid4().hex}@@"
    with tempfile.TemporaryDirectory() as scratch:
        transcript = Path(scratch) / "output"
        script = block_script(block, marker=marker, setup_log=Path(scratch) / "log")
        with transcript.open("wb") as sink:
            process = subprocess.Popen(
                [*isolation(), "bash", "-c", script],
                cwd=folder,
                # what a killed serve leaves goes with scratch
                env={**environment(), "TMPDIR": scratch, "README_OUTPUT": str(transcript)},
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=default_sigint,
            )
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"{block.name}: still running after {TIMEOUT} s; it printed:\n"
                + transcript.read_text(encoding="utf-8", errors="replace")
            )
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever the block left running
            process.wait()
        stdout = transcript.read_text(encoding="utf-8")
    assert process.returncode != 97, f"{block.name}: the setup failed:\n{stdout}"
    chunks = stdout.split(f"\n{marker}\n")
    assert len(chunks) == len(block.commands) + 1, f"{block.name}: the script stopped early:\n{stdout}"
    return [chunk.splitlines() for chunk in chunks[:-1]]


BLOCKS = console_blocks(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_console_example(block: Block, tmp_path: Path) -> None:
    if not isolation() and "127.0.0.1:" in block.setup + "".join(c.text for c in block.commands):
        require("unshare (user and network namespaces) and ip", "run a README example that starts a server")
    shutil.copyfile(EVENTS, tmp_path / "events.toml")
    shutil.copytree(OUTPUT, tmp_path / "output")
    outputs = run_block(block, tmp_path)
    for command, output in zip(block.commands, outputs, strict=True):
        expected, actual = trimmed(list(command.expected)), trimmed(output)
        assert matches(expected, actual), (
            f"{block.name}: `{command.text}` printed:\n"
            + "\n".join(actual)
            + "\n\nREADME shows:\n"
            + "\n".join(expected)
        )


def test_the_readme_has_console_examples_each_with_commands() -> None:
    assert len(BLOCKS) >= 10
    assert all(block.commands for block in BLOCKS)


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a", CUT], ["a", "b", "c"], True),
        (["a", CUT], ["a"], True),
        (["{", f"    {CUT}"], ["{", "  x", "}"], True),
        (["a", CUT, "d"], ["a", "b", "c", "d"], True),
        (["a", CUT, "d"], ["a", "b", "c"], False),
        ([CUT, "c"], ["a", "b", "c"], True),
        (["a"], ["a", "b"], False),
        ([], [], True),
    ],
)
def test_cut_lines_match_any_number_of_lines(expected: list[str], actual: list[str], result: bool) -> None:
    assert matches(expected, actual) is result


def test_blocks_keep_their_setup_exit_status_and_indent(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "<!-- setup: echo hidden > note.txt -->",
            "",
            "   ```console",
            "   $ cat note.txt",
            "   hidden",
            "   $ false",
            "   $ echo $? \\",
            "   done",
            "   1 done",
            "   ```",
            "```sh",
            "$ not run",
            "```",
        ]
    )
    [block] = console_blocks(text)
    assert block.setup == "echo hidden > note.txt"
    assert [c.text for c in block.commands] == ["cat note.txt", "false", "echo $? \\\ndone"]
    assert run_block(block, tmp_path) == [["hidden"], [], ["1 done"]]


def test_volatile_values_are_normalised() -> None:
    assert normalise("Date: Sat, 28 Nov 2026 04:10:46 GMT") == "Date: <http-date>"
    assert normalise("Server: confcal-preview Python/3.11.7") == "Server: confcal-preview Python/<version>"
    assert normalise("  open:      http://127.0.0.1:8123/") == "  open:      http://127.0.0.1:<port>/"
    assert normalise("ETag: 0a76") == "ETag: 0a76"


def test_a_setup_can_wait_for_what_a_command_prints(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "<!-- setup: (",
            '  until grep -q "^ready$" "$README_OUTPUT"; do sleep 0.05; done',
            "  echo seen > seen.txt",
            ") > /dev/null 2>&1 & -->",
            "```console",
            "$ echo ready",
            "ready",
            "$ for i in $(seq 200); do [ -e seen.txt ] && break; sleep 0.05; done; cat seen.txt",
            "seen",
            "```",
        ]
    )
    [block] = console_blocks(text)
    assert run_block(block, tmp_path) == [["ready"], ["seen"]]


def test_ctrl_c_reaches_a_block_whatever_sigint_pytest_inherited(tmp_path: Path) -> None:
    """A shell starts a background job (``make test &``) with SIGINT ignored, and an ignored
    signal stays ignored through exec: ``kill -INT`` would never stop a server a block runs."""
    text = "\n".join(
        [
            "<!-- setup: ( sleep 0.5; kill -INT 0 ) > /dev/null 2>&1 & -->",
            "```console",
            "$ python -c $'import time\\ntry: time.sleep(60)\\nexcept KeyboardInterrupt: print(\"stopped\")'",
            "stopped",
            "```",
        ]
    )
    [block] = console_blocks(text)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outputs = run_block(block, tmp_path)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert outputs == [["stopped"]]
