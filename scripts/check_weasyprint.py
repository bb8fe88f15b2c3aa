"""Render a small Japanese and Vietnamese PDF to prove WeasyPrint and its fonts work here.

Run by ``make`` after installing the Python packages. Fails with a clear
message when Pango or a CJK font is missing, or when rendering is slow
(usually HarfBuzz's subset library is missing, so fonts are embedded whole).
"""

from __future__ import annotations

import sys
import time

SAMPLE = """<html lang="ja"><body style="font-family: 'Noto Sans CJK JP', sans-serif">
<h1>起業準備チェック</h1><p>Chuẩn bị khởi nghiệp — Siap memulai usaha — Ready to start</p>
</body></html>"""


def main() -> int:
    try:
        import weasyprint
    except OSError as exc:  # Pango or its friends are missing
        print(
            f"WeasyPrint cannot load its system libraries: {exc}\n"
            "Run scripts/check-system.sh (as root it installs them).",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    pdf = weasyprint.HTML(string=SAMPLE).write_pdf(uncompressed_pdf=True)
    seconds = time.perf_counter() - started
    if b"NotoSansCJK" not in pdf and b"Noto Sans CJK" not in pdf:
        print(
            "The PDF has no Noto Sans CJK font embedded: install fonts-noto-cjk and run "
            "fc-cache -f.",
            file=sys.stderr,
        )
        return 1
    print(
        f"weasyprint {weasyprint.__version__}: Japanese sample PDF rendered in {seconds:.2f} s "
        f"({len(pdf):,} bytes)"
    )
    if seconds > 5:
        print(
            "Rendering took over 5 s: HarfBuzz's subset library (libharfbuzz-subset0) is "
            "probably missing, so whole fonts are embedded.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
