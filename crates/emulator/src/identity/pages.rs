//! The authority's HTML: the sign-in page, the device-code page, error pages, and redirects
//! back to the client.

use crate::http::{empty_resp, set_header, text_resp, Resp};

pub fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<style>body{{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2;margin:0}}\
main{{max-width:440px;margin:60px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}}\
h1{{font-size:24px;font-weight:600}}input[type=text]{{width:100%;padding:6px;font-size:15px;box-sizing:border-box}}\
button{{margin-top:16px;padding:6px 20px;font-size:15px}}.err{{color:#e81123}}.note{{color:#666;font-size:13px}}</style>\
</head><body><main><div class=\"note\">pfrm emulator (local sign-in, not Microsoft)</div>{body}</main></body></html>"
    )
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn sign_in_page(tenant: &str, ctx: &str, hint: &str, error: Option<&str>) -> String {
    let err = error
        .map(|e| format!("<p class=\"err\" id=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    html_page(
        "Sign in to your account",
        &format!(
            "<h1>Sign in</h1>{err}<form method=\"post\" action=\"/{}/login\" id=\"signin\">\
<input type=\"hidden\" name=\"ctx\" value=\"{}\">\
<label for=\"username\">Email, phone, or Skype</label>\
<input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\" autofocus>\
<div><button type=\"submit\" name=\"action\" value=\"signin\" id=\"signin-button\">Sign in</button> \
<button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel-button\">Cancel</button></div></form>",
            escape(tenant),
            escape(ctx),
            escape(hint)
        ),
    )
}

pub fn html_error(status: u16, code: u32, message: &str) -> Resp {
    text_resp(
        status,
        "text/html; charset=utf-8",
        html_page(
            "Sign in error",
            &format!(
                "<h1>Sorry, but we're having trouble signing you in.</h1><p class=\"err\" id=\"error\">AADSTS{code}: {}</p>",
                escape(message)
            ),
        ),
    )
}

pub fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Resp {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return html_error(400, 50011, "The redirect URI is not a valid URL."),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    let mut r = empty_resp(302);
    set_header(&mut r, "Location", url.as_str());
    set_header(&mut r, "Cache-Control", "no-store, no-cache");
    r
}

pub fn device_page(message: Option<&str>, code: &str) -> String {
    let msg = message
        .map(|m| format!("<p id=\"message\">{}</p>", escape(m)))
        .unwrap_or_default();
    html_page(
        "Enter code",
        &format!(
            "<h1>Enter code</h1>{msg}<form method=\"post\" action=\"/devicelogin\">\
<label for=\"user_code\">Code</label><input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{}\">\
<label for=\"username\">Account</label><input type=\"text\" id=\"username\" name=\"username\">\
<div><button type=\"submit\" name=\"action\" value=\"approve\">Continue</button> \
<button type=\"submit\" name=\"action\" value=\"deny\">Cancel</button></div></form>",
            escape(code)
        ),
    )
}
