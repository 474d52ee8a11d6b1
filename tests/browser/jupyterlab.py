"""A private JupyterLab server for the browser tests, and what the tests do with its pages.

`LabServer.start()` copies the committed notebooks into a temporary root, starts
`python -m jupyterlab` on 127.0.0.1 with a random token and a free port, in its own
process group and with private Jupyter settings/data/runtime folders, and waits until
`/api/status` answers. `stop()` asks it to shut down (SIGTERM: it stops its kernels),
then kills what is left: its process group, and any process (kernels run in their own
sessions) whose environment carries this server's marker.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
MARKER = "GANLAB_BROWSER_TEST_SERVER"

# What the page must never show: a widget front end that does not match the kernel's
# ipywidgets, or a widget that never finished loading.
WIDGET_PROBLEMS = ("Error displaying widget", "model not found", "Loading widget...")

# JupyterLab user settings for the tests: render every cell (JupyterLab 4 otherwise
# skips or detaches off-screen cells, and their images), and nothing that reaches out
# to the internet (news, update checks, the extension manager's PyPI search).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
}


def committed_notebooks() -> list[Path]:
    """The notebooks git knows in notebooks/ (all *.ipynb there outside a git checkout)."""
    try:
        listed = subprocess.run(["git", "ls-files", "--", "notebooks/*.ipynb"], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = []
    paths = [REPO / name for name in listed if (REPO / name).is_file()]
    return sorted(paths or NOTEBOOKS.glob("*.ipynb"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LabServer:
    home: Path  # a temporary folder this server owns
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def root(self) -> Path:
        return self.home / "root"

    @property
    def log_path(self) -> Path:
        return self.home / "jupyterlab.log"

    def url(self, path: str) -> str:
        """An address on this server, token included."""
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{separator}token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def start(self, timeout_s: float = 90) -> None:
        (self.root / "notebooks").mkdir(parents=True)
        for notebook in committed_notebooks():
            shutil.copy2(notebook, self.root / "notebooks" / notebook.name)
        for name, values in SETTINGS.items():
            path = self.home / "settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        for private in ("config", "data", "runtime", "workspaces", "ipython"):
            (self.home / private).mkdir(exist_ok=True)
        env.update({
            "JUPYTER_CONFIG_DIR": str(self.home / "config"),  # no user config or kernels
            "JUPYTER_DATA_DIR": str(self.home / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(self.home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
            "IPYTHONDIR": str(self.home / "ipython"),
            MARKER: self.token,
        })
        # The kernel should run as it does for a learner: not in pytest's mode, nor with
        # a plot backend forced on it.
        for variable in ("PYTEST_CURRENT_TEST", "MPLBACKEND", "JUPYTER_PATH"):
            env.pop(variable, None)
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                   "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer /api/status in {timeout_s:.0f} s:\n{self.log_tail()}")
            time.sleep(0.5)

    def shutdown_kernels(self) -> None:
        """Stop every kernel (opening a notebook starts one), to keep the 2 cores free."""
        try:
            for kernel in self.api("kernels"):
                self.api(f"kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, OSError, ValueError):
            pass

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)  # the server shuts its kernels down
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process is not None:
            _signal_group(self.process.pid, signal.SIGKILL)  # anything left in its group
        leftovers = _processes_with_marker(self.token)
        for pid in leftovers:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.2)
            leftovers = _processes_with_marker(self.token)
        for pid in leftovers:
            _signal(pid, signal.SIGKILL)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if pytest itself is killed (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _processes_with_marker(token: str) -> list[int]:
    """Processes (Linux /proc) whose environment has MARKER=token: the server's kernels."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0") and int(entry.name) != os.getpid():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


# ----------------------------------------------------------------------------- pages


def open_notebook(page, lab: LabServer, notebook: Path, workspace: str):
    """Open notebooks/<name> in a workspace of its own; wait until every cell is there and the kernel idles."""
    from playwright.sync_api import expect

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    page.goto(lab.url(f"lab/workspaces/{workspace}/tree/notebooks/{notebook.name}"))
    panel = page.locator(".jp-NotebookPanel")  # a fresh workspace: the only open document
    expect(panel).to_have_count(1, timeout=60_000)
    expect(panel.locator(".jp-Cell")).to_have_count(len(cells), timeout=60_000)
    wait_for_kernel_idle(page)
    collapse_left_sidebar(page)
    return panel


def wait_for_kernel_idle(page, timeout_ms: int = 60_000) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".jp-StatusBar-Widget").get_by_text("Idle", exact=False).first).to_be_visible(
        timeout=timeout_ms)


def collapse_left_sidebar(page) -> None:
    """Click the open side-panel's tab, as a person would, so the notebook gets the page's width."""
    if page.locator("#jp-left-stack").is_visible():
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        page.locator("#jp-left-stack").wait_for(state="hidden", timeout=10_000)


def widget_problems(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [problem for problem in WIDGET_PROBLEMS if problem in text]


def widget_console_errors(page) -> list[str]:
    """Console errors about widgets: how a front end that does not match ipywidgets shows itself."""
    return [message for message in page.console_errors if "widget" in message.lower()]


def error_outputs(page) -> list[str]:
    """Texts of outputs that show an error: tracebacks and stderr that mentions an error."""
    shown = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [text for text in shown if "Traceback" in text or "Error" in text]


def full_page_screenshot(page, path: Path, max_height: int = 30_000) -> None:
    """The whole notebook in one picture: JupyterLab scrolls inside its panel, so grow the window to fit."""
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    # the cells' height (scrollHeight also counts the blank "scroll past the end" space)
    content, visible = scroller.evaluate("""node => {
        const cells = node.querySelectorAll('.jp-Cell');
        const last = cells[cells.length - 1].getBoundingClientRect();
        return [last.bottom - node.getBoundingClientRect().top + node.scrollTop + 40, node.clientHeight];
    }""")
    viewport = page.viewport_size
    height = int(min(viewport["height"] + max(content - visible, 0), max_height))
    page.set_viewport_size({"width": viewport["width"], "height": height})
    page.wait_for_timeout(500)  # let JupyterLab lay itself out again
    scroller.evaluate("node => { node.scrollTop = 0; }")
    page.wait_for_timeout(200)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
