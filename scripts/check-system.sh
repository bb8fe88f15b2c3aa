#!/usr/bin/env bash
# Check (and, where allowed, install) what WeasyPrint needs from the system:
# Pango, HarfBuzz's subsetter (without it every PDF with Japanese takes seconds),
# CJK fonts, and a refreshed font cache. Debian/Ubuntu package names.
#
#   scripts/check-system.sh            install what is missing when run as root with apt-get
#   READINESS_NO_INSTALL=1 scripts/... only check, and say what to install
set -euo pipefail

# poppler-utils: pdftoppm and pdftotext, used by the tests to look at PDFs.
# fonts-noto-core: Noto Sans with Vietnamese, Myanmar, Khmer and Devanagari (Nepali) for the PDFs.
# chromium: the browser the browser tests drive with Playwright (tests/browser; no download).
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-noto-cjk fonts-noto-core fonts-dejavu-core poppler-utils chromium)
missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: ok (${packages[*]})"
  exit 0
fi

echo "system packages missing: ${missing[*]}"
if [ "${READINESS_NO_INSTALL:-0}" != "1" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing them with apt-get (as root)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null
  echo "system packages: installed ${missing[*]} and refreshed the font cache"
  exit 0
fi

cat >&2 <<MSG
readiness needs these Debian packages for PDF reports (WeasyPrint) with Japanese text,
and its browser tests need chromium:
    ${missing[*]}
Install them, then refresh the font cache:
    sudo apt-get install ${missing[*]} && fc-cache -f
(On other systems: Pango >= 1.44, HarfBuzz with its subset library, and a CJK font
such as Noto Sans CJK.)
MSG
exit 1
