"""Fixtures of the conformance suite: the gate every call passes, and one emulator per setup.

The emulator is the binary named by SAGROAM_BIN (tests/conformance.rs passes the one cargo
built), started as `sagroam emulator --listen 127.0.0.1:0` with the demo world and its demo key.
"""

import os
import queue
import subprocess
import threading

import pytest

from gate import Gate
from sdks import SETUPS

STARTUP_SECONDS = 30
SHUTDOWN_SECONDS = 15
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
)


class EmulatorProcess:
    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "emulator", "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_emulator_environment(),
        )
        self.stdout = []
        self.stderr = []
        lines = queue.Queue()
        for stream, sink, announce in (
            (self.process.stdout, self.stdout, lines),
            (self.process.stderr, self.stderr, None),
        ):
            threading.Thread(target=_drain, args=(stream, sink, announce), daemon=True).start()

        try:
            first = lines.get(timeout=STARTUP_SECONDS)
        except queue.Empty:
            first = None
        prefix = "listening on http://"
        if not first or not first.startswith(prefix):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(
                f"the emulator did not announce its address; first line {first!r}, "
                f"stderr: {''.join(self.stderr)[-2000:]!r}"
            )
        self.host_port = first[len(prefix):].strip().rstrip("/")
        host, _, port = self.host_port.rpartition(":")
        if host != "127.0.0.1" or not port.isdigit():
            raise RuntimeError(f"the emulator listens on {self.host_port!r}, not 127.0.0.1:PORT")

    def stop(self):
        """SIGTERM, then the exit status (0 is what `sagroam emulator` promises)."""
        self.process.terminate()
        try:
            return self.process.wait(timeout=SHUTDOWN_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


def _drain(stream, sink, lines):
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        sink.append(line)
        if lines is not None:
            lines.put(line)
    stream.close()
    if lines is not None:
        lines.put(None)


def _emulator_environment():
    env = dict(os.environ)
    env.pop("SAGROAM_EMULATOR_ACCESS_KEY_SECRET", None)
    return env


@pytest.fixture(scope="session")
def gate():
    """Routes every HTTP(S) request of the SDKs through the gate for the whole session."""
    binary = os.environ.get("SAGROAM_BIN")
    if not binary:
        pytest.exit("SAGROAM_BIN is not set: run the suite with `cargo test --test conformance`", 2)

    gate = Gate()
    saved = {name: os.environ.get(name) for name in PROXY_VARIABLES + ("NO_PROXY", "no_proxy")}
    for name in PROXY_VARIABLES:
        os.environ[name] = gate.url
    # Nothing may bypass the gate, loopback included (the SDKs ignore NO_PROXY anyway).
    os.environ.pop("NO_PROXY", None)
    os.environ.pop("no_proxy", None)
    yield gate
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    gate.close()


@pytest.fixture(scope="module", params=SETUPS, ids=lambda setup: setup.name)
def sdk(request, gate):
    """One setup of the three, with an emulator of its own, so the setups are independent."""
    emulator = EmulatorProcess(os.environ["SAGROAM_BIN"])
    gate.allow(emulator.host_port)
    setup = request.param
    yield setup.connect(emulator.host_port)
    status = emulator.stop()
    stderr = "".join(emulator.stderr)[-2000:]
    assert status == 0, f"`sagroam emulator` exited with {status} on SIGTERM; stderr: {stderr!r}"


@pytest.fixture(autouse=True)
def only_the_emulator_is_reached(request, gate):
    """After each test: nothing but an emulator was asked for, the test's calls did pass the gate
    (so that check is not vacuous), and each was signed the way its setup says."""
    passed, foreign = gate.snapshot()
    yield
    assert gate.foreign_since(foreign) == [], "a request went somewhere other than the emulator"
    if "sdk" in request.fixturenames:
        passages = gate.passages_since(passed)
        assert passages, "no call of this test reached the emulator"
        expected = request.getfixturevalue("sdk").signature
        assert {p.signature for p in passages} == {expected}, passages
