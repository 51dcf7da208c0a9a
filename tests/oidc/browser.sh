#!/bin/sh
# Scripted browser for oidc-provider's development sign-in and consent pages, used as $BROWSER.
# OIDC_CA: CA file; OIDC_USER: login name; OIDC_LOG: where to note each URL opened.
. "$(dirname "$0")/pages.sh"
url="$1"; ca="$OIDC_CA"; user="$OIDC_USER"; jar=$(mktemp)
printf 'open %s\n' "$url" >> "$OIDC_LOG"
for step in 1 2 3 4 5 6 7 8 9 10; do
  case "$url" in http://localhost*|http://127.0.0.1*|http://\[::1\]*) curl -sS -g -o /dev/null "$url"; rm -f "$jar"; exit 0;; esac
  next=$(next_page "$url")
  [ -z "$next" ] && break
  url="$next"
done
rm -f "$jar"
exit 1
