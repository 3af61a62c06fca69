"""JupyterLab and headless Chromium for the browser tests.

The server runs on 127.0.0.1 with a random free port and a random token; its
configuration, settings, workspaces and runtime files live in a temporary folder,
so nothing a student or lecturer set up on this machine changes what the test sees,
and the test changes nothing of theirs. Autosave is off: running the notebooks in
the browser must not rewrite their committed outputs.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Where the screenshots go (``runs/`` is ignored by git).
ARTIFACTS = REPO / "runs" / "browser-test"
INSTALL_HINT = ("pip install playwright, and install Chromium from your OS packages so that "
                "/usr/bin/chromium exists (Debian: apt-get install chromium); "
                "'playwright install' is not needed")
# Without the last two flags Chromium keeps trying to reach Google's hosts, which a
# closed network refuses many times a second.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
SERVER_START_TIMEOUT_S = 90

# JupyterLab user settings, written into the temporary settings folder.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


@dataclass
class LabServer:
    url: str  # http://127.0.0.1:PORT
    token: str
    process: subprocess.Popen
    runtime_dir: Path
    log: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def wait_for_kernel(self, timeout_s: float) -> None:
        """Wait until a kernel is up, idle and connected to the page: the front end's own
        status reads 'idle' for a moment before the kernel has started, and a Run All
        clicked then does nothing."""
        deadline = time.monotonic() + timeout_s
        while not any(kernel["execution_state"] == "idle" and kernel["connections"] > 0
                      for kernel in self._kernels_or_none()):
            if time.monotonic() > deadline:
                raise AssertionError(f"no kernel was ready within {timeout_s} s:\n{self.log_tail()}")
            time.sleep(0.5)

    def _kernels_or_none(self) -> list:
        # jupyter_server answers 500 to GET /api/kernels while a kernel is half started
        # (its last_activity is not set yet); that is a moment to wait, not a failure
        try:
            return self.api("GET", "/api/kernels")
        except urllib.error.HTTPError as err:
            if err.code >= 500:
                return []
            raise

    def pids(self) -> list[int]:
        """The server and every kernel it started (kernels run in sessions of their own)."""
        return [self.process.pid, *_pids_mentioning(str(self.runtime_dir))]

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def listening_addresses(pids: list[int]) -> list[str]:
    """The local addresses on which these processes accept TCP connections (Linux /proc)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:["):-1])
        except OSError:
            continue
    addresses = []
    for table, family in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                addresses.append(_address(local, family))
    return addresses


def _address(hex_address: str, family: int) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if family == 4:
        ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:  # four little-endian 32-bit words
        ip = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
    return f"{ip}:{int(port, 16)}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pids_mentioning(text: str) -> list[int]:
    """Processes whose command line contains ``text``: the kernels, which are started
    with a connection file in our private runtime folder."""
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and int(proc.name) != os.getpid():
            pids.append(int(proc.name))
    return pids


def _wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    deadline = time.monotonic() + timeout_s
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in alive if _alive(pid)]
    return alive


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stop(server: LabServer) -> None:
    """Stop the server and its kernels: politely, then SIGTERM, then SIGKILL."""
    process = server.process
    if process.poll() is None:
        try:
            server.api("POST", "/api/shutdown")  # shuts its kernels down too
            process.wait(timeout=20)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            pass
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)  # its own process group (start_new_session)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                pass
        # kernels the server could not shut down (it was killed, or hung)
        leftovers = _pids_mentioning(str(server.runtime_dir))
        for pid in leftovers:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if process.poll() is not None and not _wait_gone(leftovers, wait_s):
            return


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LabServer:
    """A JupyterLab server rooted at the repository, on loopback only."""
    home = tmp_path_factory.mktemp("jupyterlab")
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               TF_CPP_MIN_LOG_LEVEL="2")
    token = secrets.token_hex(24)
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}",
               "--LabApp.news_url=None"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "jupyterlab.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, process, home / "runtime", log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n"
                                f"{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium driven by Playwright; skipped when either is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"the Python package playwright is not installed: {INSTALL_HINT}")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser test screenshots: {ARTIFACTS.relative_to(REPO)}/")
    return ARTIFACTS


def pytest_terminal_summary(terminalreporter):
    # pytest hides a passing test's prints; say where the screenshots are anyway
    ran = [report for key in ("passed", "failed", "error") for report in terminalreporter.stats.get(key, [])
           if getattr(report, "nodeid", "").startswith("tests/browser/")]
    if ran and ARTIFACTS.exists():
        terminalreporter.write_line(f"browser test screenshots: {ARTIFACTS.relative_to(REPO)}/")
