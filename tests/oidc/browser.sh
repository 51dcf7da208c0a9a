#!/bin/sh
# Scripted browser for oidc-provider's development sign-in and consent pages, used as $BROWSER.
# OIDC_CA: CA file; OIDC_USER: login name; OIDC_LOG: where to note each URL opened.
url="$1"; jar=$(mktemp)
printf 'open %s\n' "$url" >> "$OIDC_LOG"
for step in 1 2 3 4 5 6 7 8 9 10; do
  case "$url" in http://localhost*|http://127.0.0.1*|http://\[::1\]*) curl -sS -g -o /dev/null "$url"; rm -f "$jar"; exit 0;; esac
  case "$url" in
    */interaction/*)
      page=$(curl -sS --cacert "$OIDC_CA" -b "$jar" -c "$jar" "$url")
      if printf '%s' "$page" | grep -q 'value="login"'; then
        next=$(curl -sS --cacert "$OIDC_CA" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' \
          -d prompt=login --data-urlencode "login=$OIDC_USER" -d password=any "$url")
      else
        next=$(curl -sS --cacert "$OIDC_CA" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' -d prompt=consent "$url")
      fi;;
    *) next=$(curl -sS --cacert "$OIDC_CA" -b "$jar" -c "$jar" -o /dev/null -w '%{redirect_url}' "$url");;
  esac
  [ -z "$next" ] && break
  url="$next"
done
rm -f "$jar"
exit 1
