#!/bin/sh
# Completes oidc-provider's device flow pages as a user on another device would: enter the code,
# confirm, sign in, consent. Arguments: CA file, verification URL, user code, login name.
ca="$1"; url="$2"; code="$3"; user="$4"; jar=$(mktemp)
field() { printf '%s' "$1" | tr '>' '\n' | grep "name=\"$2\"" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -1; }
page=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" "$url") || exit 1
xsrf=$(field "$page" xsrf)
page=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" -d "xsrf=$xsrf" --data-urlencode "user_code=$code" "$url") || exit 1
xsrf=$(field "$page" xsrf)
next=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' \
  -d "xsrf=$xsrf" --data-urlencode "user_code=$code" -d confirm=yes "$url") || exit 1
for step in 1 2 3 4 5 6 7 8; do
  if [ -z "$next" ]; then rm -f "$jar"; exit 0; fi
  case "$next" in
    */interaction/*)
      page=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" "$next")
      if printf '%s' "$page" | grep -q 'value="login"'; then
        next=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' \
          -d prompt=login --data-urlencode "login=$user" -d password=any "$next")
      else
        next=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' -d prompt=consent "$next")
      fi;;
    *) next=$(curl -sS --cacert "$ca" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' "$next");;
  esac
done
rm -f "$jar"
exit 1
