"""userpools installed as a new user would: a wheel, a fresh virtualenv, ``userpools[testing]``.

Each environment gets the wheel of this tree and its dependencies from the package registry
(pip's own resolver: nothing is installed with ``--no-deps`` but the wheel's build), beside
an application's boto3: the lowest boto3 and botocore that pyproject.toml allows, an older
boto3 an application may pin (1.40.0), and the newest one the registry has. In each, the
README's pytest plugin example runs with pytest. A fourth has userpools without the extra,
where the example must fail with a message naming it. The installs mostly wait on the
network, so they run at once.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

#: Environment name -> what the application beside userpools pins.
APPLICATIONS: dict[str, list[str]] = {
    "lowest": ["boto3==1.34.0", "botocore==1.34.0"],
    "boto3-1.40": ["boto3==1.40.0"],
    "newest": [],
}
#: ``pip install userpools pytest``, without the extra: what a new user tried first.
WITHOUT_EXTRA = "without-extra"
INSTALL_TIMEOUT = 600


def run(*command: str | Path, cwd: Path | None = None, timeout: float = 120) -> str:
    """Runs ``command``; its output in the failure message when it fails."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


def pip(*arguments: str | Path, timeout: float = INSTALL_TIMEOUT) -> str:
    """This interpreter's pip (recent enough for ``--python``): the fresh venvs have none."""
    return run(sys.executable, "-m", "pip", *arguments, timeout=timeout)


def readme_plugin_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Test your own code against it") :]
    match = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert match, "README's plugin section has no python example"
    return match.group(1)


def lowest_allowed_botocore() -> Version:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (requirement,) = [d for d in pyproject["project"]["dependencies"] if d.startswith("botocore")]
    match = re.search(r">=([\d.]+)", requirement)
    assert match, requirement
    return Version(match.group(1))


def install(venv: Path, requirement: str, application: list[str]) -> Path:
    """A fresh venv holding ``requirement`` (userpools from a wheel) and ``application``."""
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    pip(
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        requirement,
        *application,
    )
    return python


@pytest.fixture(scope="module")
def environments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Future[Path]]:
    """Every environment of :data:`APPLICATIONS`, installing at once."""
    built = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--quiet", "--no-deps", "--wheel-dir", built, ROOT)
    (wheel,) = built.glob("userpools-*.whl")
    pool = ThreadPoolExecutor(max_workers=len(APPLICATIONS))
    venvs = tmp_path_factory.mktemp("venvs")
    testing = f"userpools[testing] @ {wheel.as_uri()}"
    futures = {
        name: pool.submit(install, venvs / name, testing, application)
        for name, application in APPLICATIONS.items()
    }
    plain = f"userpools @ {wheel.as_uri()}"
    futures[WITHOUT_EXTRA] = pool.submit(install, venvs / WITHOUT_EXTRA, plain, ["pytest"])
    pool.shutdown(wait=False)
    return futures


def installed(python: Path, package: str) -> Version:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    return Version(run(python, "-c", code).strip())


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_readme_plugin_example_runs_in_a_fresh_install(
    name: str, environments: dict[str, Future[Path]], tmp_path: Path
) -> None:
    python = environments[name].result(timeout=INSTALL_TIMEOUT)
    for pin in APPLICATIONS[name]:
        package, version = pin.split("==")
        assert installed(python, package) == Version(version)
    if name == "lowest":
        assert installed(python, "botocore") == lowest_allowed_botocore()
    if name == "newest":
        assert installed(python, "boto3") >= Version("1.43.11")
    (tmp_path / "test_readme.py").write_text(readme_plugin_example(), encoding="utf-8")
    output = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    assert re.search(r"^2 passed\b", output, flags=re.MULTILINE), output


def test_served_model_does_not_follow_the_installed_botocore(
    environments: dict[str, Future[Path]],
) -> None:
    """Beside botocore 1.34.0 the server still serves the shipped model: operations AWS added
    since are there (GetTokensFromRefreshToken, 2025), and all of them."""
    python = environments["lowest"].result(timeout=INSTALL_TIMEOUT)
    code = (
        "import botocore.session\n"
        "from userpools.protocol.model import service_model\n"
        "installed = botocore.session.get_session().get_service_model('cognito-idp')\n"
        "served = service_model()\n"
        "print('GetTokensFromRefreshToken' in installed.operation_names,"
        " 'GetTokensFromRefreshToken' in served.operation_names, len(served.operation_names))\n"
    )
    from userpools.protocol.model import service_model

    expected = f"False True {len(service_model().operation_names)}"
    assert run(python, "-c", code).strip() == expected


def test_without_the_extra_the_plugin_names_it(
    environments: dict[str, Future[Path]], tmp_path: Path
) -> None:
    """``pip install userpools pytest``: userpools needs no boto3, and the plugin's clients
    say which extra brings it."""
    from userpools.testing import MISSING_BOTO3

    python = environments[WITHOUT_EXTRA].result(timeout=INSTALL_TIMEOUT)
    (tmp_path / "test_readme.py").write_text(readme_plugin_example(), encoding="utf-8")
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 errors" in done.stdout
    assert f"ModuleNotFoundError: {MISSING_BOTO3}" in done.stdout
    assert "No module named 'boto3'" not in done.stdout
