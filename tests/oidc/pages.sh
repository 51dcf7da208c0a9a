# The steps through oidc-provider's development pages that the scripted browser (browser.sh)
# and the second device (device.sh) share. Sourced; the caller sets ca (CA file), jar (cookie
# jar) and user (login name).

# curl with the provider's CA and the session's cookies.
web() { curl -sS --cacert "$ca" -b "$jar" -c "$jar" "$@"; }

# Where a request redirects to (empty when it does not).
redirect_of() { web -o /dev/null -w '%{redirect_url}' "$@"; }

# One step from the page at $1: signs in as $user on the login page, consents on the consent
# page, or follows any other page's redirect. Prints where it leads.
next_page() {
  case "$1" in
    */interaction/*)
      if web "$1" | grep -q 'value="login"'; then
        redirect_of -d prompt=login --data-urlencode "login=$user" -d password=any "$1"
      else
        redirect_of -d prompt=consent "$1"
      fi;;
    *) redirect_of "$1";;
  esac
}
