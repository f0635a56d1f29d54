#!/usr/bin/env bash
# Install what the browser test and the report need from Debian's packages, once:
#   chromium        the headless browser tests/test_browser.py drives through Playwright
#                   (Playwright downloads no browser of its own here);
#   fonts-noto-cjk  the CJK font the report's charts measure and set Chinese text with.
# Nothing is installed when both are already there. Not root: uses sudo.
#
#   scripts/system-deps.sh [--dry-run] [chromium] [fonts]
#
# With no names it checks both. --dry-run prints what it would run and runs nothing.
# GDINDEX_CHROMIUM and GDINDEX_CJK_FONT name other places to look (tests use them too).
set -euo pipefail

DRY=0
WANT=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY=1 ;;
    chromium|fonts) WANT+=("$arg") ;;
    *) echo "usage: $0 [--dry-run] [chromium] [fonts]" >&2; exit 2 ;;
  esac
done
[ ${#WANT[@]} -eq 0 ] && WANT=(chromium fonts)

CHROMIUM="${GDINDEX_CHROMIUM:-/usr/bin/chromium}"
CJK_FONT="${GDINDEX_CJK_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"

missing=()
for want in "${WANT[@]}"; do
  case "$want" in
    chromium) [ -x "$CHROMIUM" ] || missing+=(chromium) ;;
    fonts) [ -f "$CJK_FONT" ] || missing+=(fonts-noto-cjk) ;;
  esac
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: already there (${WANT[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
run() {
  echo "+ $*"
  if [ "$DRY" -eq 0 ]; then "$@"; fi
}
echo "system packages: installing ${missing[*]} from Debian (apt-get)"
run $SUDO apt-get update -qq
run $SUDO env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
