"""Known vulnerabilities in the installed Python packages (``make audit``), with pip-audit.

Exit codes: 0 when every package was checked and none has a known vulnerability; 1 when
one has; 2 when the check could not be made (the vulnerability service cannot be reached,
or it knows too few of the packages), which this script says plainly instead of letting
"No known vulnerabilities found" stand for packages nobody looked at.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = str(Path(sys.executable).parent / "pip-audit")
#: The project itself is not on PyPI; everything else must be checked.
OWN = {"readiness"}


def main() -> int:
    done = subprocess.run(  # noqa: S603 - our own pip-audit, fixed arguments
        [PIP_AUDIT, "--format", "json", "--progress-spinner", "off", *sys.argv[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"audit NOT DONE: pip-audit could not reach its vulnerability service ({reason})")
        return 2
    packages = [d for d in report.get("dependencies", []) if d["name"] not in OWN]
    skipped = [d for d in packages if "skip_reason" in d]
    vulnerable = [d for d in packages if d.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} ({fixed})")
    checked = len(packages) - len(skipped)
    print(f"{checked} of {len(packages)} installed packages checked; {len(vulnerable)} vulnerable")
    if vulnerable:
        return 1
    if skipped:
        print(
            f"audit NOT COMPLETE: {len(skipped)} packages could not be checked, e.g. "
            f"{skipped[0]['name']}: {skipped[0]['skip_reason']}\n"
            "(the package index here may be a mirror without vulnerability data; "
            "run `make audit` where pypi.org is reachable)"
        )
        return 2
    print("no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
