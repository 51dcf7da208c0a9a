#!/bin/sh
# Completes oidc-provider's device flow pages as a user on another device would: enter the code,
# confirm, sign in, consent. Arguments: CA file, verification URL, user code, login name.
. "$(dirname "$0")/pages.sh"
ca="$1"; url="$2"; code="$3"; user="$4"; jar=$(mktemp)
field() { printf '%s' "$1" | tr '>' '\n' | grep "name=\"$2\"" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -1; }
page=$(web "$url") || exit 1
xsrf=$(field "$page" xsrf)
page=$(web -d "xsrf=$xsrf" --data-urlencode "user_code=$code" "$url") || exit 1
xsrf=$(field "$page" xsrf)
next=$(redirect_of -d "xsrf=$xsrf" --data-urlencode "user_code=$code" -d confirm=yes "$url") || exit 1
for step in 1 2 3 4 5 6 7 8; do
  if [ -z "$next" ]; then rm -f "$jar"; exit 0; fi
  next=$(next_page "$next")
done
rm -f "$jar"
exit 1
