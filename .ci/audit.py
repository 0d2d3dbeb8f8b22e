"""Audit the locked runtime dependencies with pip-audit.

Fails on any known vulnerability. When no vulnerability database can be reached (some
package mirrors do not serve PyPI's per-version JSON), it says so loudly instead of passing
silently, and does not fail: an unreachable database is not a vulnerability.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        report = Path(folder) / "audit.json"
        subprocess.run(
            ["uv", "export", "--locked", "--no-dev", "--no-emit-project", "--quiet",
             "--format", "requirements-txt", "-o", str(requirements)],
            check=True,
        )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--disable-pip",
             "--progress-spinner", "off", "--format", "json", "-o", str(report)],
            check=False,
        )  # fmt: skip
        if not report.exists():
            print("pip-audit: no report was written", file=sys.stderr)
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"VULNERABLE: {dependency['name']} {dependency['version']}: {ids}")
    print(f"pip-audit: {len(audited)} of {len(dependencies)} locked packages audited, "
          f"{len(vulnerable)} with known vulnerabilities.")  # fmt: skip
    if not audited:
        print("WARNING: no vulnerability database was reachable from here; nothing was audited.")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    raise SystemExit(main())
