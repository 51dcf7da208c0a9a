//! Microsoft identity platform v2.0 behaviour over real HTTPS.

mod common;
use common::*;
use serde_json::Value;
use std::time::Duration;

const FULL_SCOPE: &str = "https://management.azure.com/.default openid profile offline_access";

#[tokio::test]
async fn auth_code_with_pkce_yields_arm_token_id_token_and_refresh_token() {
    let env = start("first-time", 1.0).await;
    let t = sign_in(&env, ALICE, FULL_SCOPE).await;
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["expires_in"].as_u64().unwrap() > 0);
    let access = claims(t["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], "https://management.azure.com");
    assert_eq!(access["oid"], ALICE_OID);
    assert_eq!(access["tid"], env.info().tenant_id.as_str());
    assert_eq!(access["scp"], "user_impersonation");
    assert_eq!(access["preferred_username"], ALICE);
    assert_eq!(access["name"], "Alice");
    assert!(access["iss"]
        .as_str()
        .unwrap()
        .starts_with(&env.info().authority_host));
    let id = claims(t["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["preferred_username"], ALICE);
    assert!(t["refresh_token"].as_str().is_some());
}

/// The tenant's OpenID configuration (no token): status and JSON.
async fn openid_configuration(env: &Env, tenant: &str) -> (u16, Value) {
    env.get_json(
        &format!(
            "{}/{tenant}/v2.0/.well-known/openid-configuration",
            env.info().authority_host
        ),
        "",
    )
    .await
}

#[tokio::test]
async fn access_token_signature_verifies_against_published_jwks() {
    let env = start("first-time", 1.0).await;
    let t = sign_in(&env, ALICE, FULL_SCOPE).await;
    let tenant = &env.info().tenant_id;
    let (status, config) = openid_configuration(&env, tenant).await;
    assert_eq!(status, 200);
    assert_eq!(
        config["issuer"],
        format!("{}/{tenant}/v2.0", env.info().authority_host)
    );
    assert!(config["device_authorization_endpoint"]
        .as_str()
        .unwrap()
        .ends_with("/oauth2/v2.0/devicecode"));
    let (_, jwks) = env.get_json(config["jwks_uri"].as_str().unwrap(), "").await;
    let key = &jwks["keys"][0];
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let n = b64.decode(key["n"].as_str().unwrap()).unwrap();
    let e = b64.decode(key["e"].as_str().unwrap()).unwrap();
    let token = t["access_token"].as_str().unwrap();
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let public = aws_lc_rs::signature::RsaPublicKeyComponents { n: &n, e: &e };
    public
        .verify(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            signed.as_bytes(),
            &b64.decode(sig).unwrap(),
        )
        .expect("signature verifies with the JWKS key");
    let mut tampered = token.to_string();
    tampered.insert(tampered.len() - 5, 'A');
    tampered.truncate(token.len());
    let r = env
        .get(&env.arm("/subscriptions?api-version=2022-12-01"), &tampered)
        .await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn authorize_requires_pkce_s256_and_reports_errors_on_the_redirect_with_state() {
    let env = start("first-time", 1.0).await;
    let redirect = "http://localhost:4000/";
    let r = authorize_code(&env, "common", redirect, ARM_SCOPE, &[("state", "s1")]).await;
    assert_eq!(r.status(), 302);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("http://localhost:4000/"));
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s1"));
    assert!(query_param(&loc, "error_description")
        .unwrap()
        .starts_with("AADSTS"));

    let (_, challenge) = pkce();
    let plain = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "plain"),
    ];
    let r = authorize_code(&env, "common", redirect, ARM_SCOPE, &plain).await;
    assert_eq!(
        query_param(r.headers()["location"].to_str().unwrap(), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn redirect_uri_must_match_host_and_path_but_any_loopback_port_works() {
    let env = start("first-time", 1.0).await;
    let (_, challenge) = pkce();
    let s256 = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (redirect, ok) in [
        ("http://localhost:1/", true),
        ("http://localhost:65000", true),
        ("http://127.0.0.1:8400/", true),
        ("http://localhost:8400/callback", false),
        ("http://evil.example:8400/", false),
        ("https://localhost:8400/", false),
    ] {
        let r = authorize_code(&env, "organizations", redirect, ARM_SCOPE, &s256).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        if ok {
            assert_eq!(status, 200, "{redirect}");
            assert!(text.contains("name=\"username\""), "{redirect}");
        } else {
            assert_eq!(status, 400, "{redirect}");
            assert!(text.contains("AADSTS50011"), "{redirect}");
        }
    }
    let r = authorize_with(
        &env,
        "organizations",
        &[
            ("client_id", "11111111-2222-3333-4444-555555555555"),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost/"),
            ("scope", ARM_SCOPE),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("AADSTS700016"));
}

/// Redeems an authorization code issued for `http://localhost:9/`.
async fn redeem_code(env: &Env, code: &str, verifier: &str) -> (u16, Value) {
    token_form(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code),
            ("redirect_uri", "http://localhost:9/"),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn cancel_and_unknown_user_and_wrong_verifier_are_refused() {
    let env = start("first-time", 1.0).await;
    let (verifier, challenge) = pkce();
    let open = || async {
        let page = authorize(&env, "http://localhost:9/", FULL_SCOPE, "xyz", &challenge).await;
        hidden_input(&page.text().await.unwrap(), "ctx")
    };
    // Cancel → access_denied with state.
    let ctx = open().await;
    let r = post_login(&env, &ctx, "", "cancel").await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(query_param(&loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz"));
    // Unknown user → the page again with an error, no redirect.
    let ctx = open().await;
    let r = post_login(&env, &ctx, "mallory@contoso.com", "signin").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("AADSTS50034"));
    // Wrong verifier → invalid_grant; the code cannot be replayed afterwards.
    let r = post_login(&env, &ctx, ALICE, "signin").await;
    let code = query_param(r.headers()["location"].to_str().unwrap(), "code").unwrap();
    let (status, body) = redeem_code(&env, &code, "not-the-verifier").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"][0], 50148);
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS50148"));
    let (status, body) = redeem_code(&env, &code, &verifier).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"][0], 54005);
}

/// Redeems the refresh token `rt` for `scope`.
async fn redeem_refresh(env: &Env, rt: &str, scope: &str) -> (u16, Value) {
    token_form(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", rt),
            ("scope", scope),
        ],
    )
    .await
}

#[tokio::test]
async fn refresh_tokens_rotate_redeem_other_resources_and_can_be_revoked() {
    let env = start("first-time", 1.0).await;
    let t = sign_in(&env, ALICE, FULL_SCOPE).await;
    let rt1 = t["refresh_token"].as_str().unwrap().to_string();
    let (status, t2) = redeem_refresh(
        &env,
        &rt1,
        "https://graph.microsoft.com/.default offline_access",
    )
    .await;
    assert_eq!(status, 200, "{t2}");
    assert_eq!(
        claims(t2["access_token"].as_str().unwrap())["aud"],
        "https://graph.microsoft.com"
    );
    let rt2 = t2["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    let (status, old) = redeem_refresh(&env, &rt1, ARM_SCOPE).await;
    assert_eq!(status, 400);
    assert_eq!(old["error"], "invalid_grant");
    assert_eq!(env.emu.revoke_refresh_tokens(ALICE).unwrap(), 1);
    let (status, revoked) = redeem_refresh(&env, &rt2, ARM_SCOPE).await;
    assert_eq!(status, 400);
    assert_eq!(revoked["error"], "invalid_grant");
    assert_eq!(revoked["error_codes"][0], 50173);
}

#[tokio::test]
async fn short_token_lifetime_makes_arm_answer_expired() {
    let env = start("first-time", 1.0).await;
    // `exp` is whole seconds from the second the token is minted in, so a lifetime of N seconds
    // leaves between N-1 and N: three keep the first request inside it on a loaded machine
    // (with one, a token minted late in a second expired before its first use).
    let lifetime = Duration::from_secs(3);
    env.emu.set_token_lifetime(lifetime);
    let minted = std::time::Instant::now();
    let token = env.token(ALICE);
    let ok = env
        .get(&env.arm("/subscriptions?api-version=2022-12-01"), &token)
        .await;
    assert_eq!(ok.status(), 200);
    let expired_by = minted + lifetime + Duration::from_millis(1100);
    tokio::time::sleep_until(expired_by.into()).await;
    let r = env
        .get(&env.arm("/subscriptions?api-version=2022-12-01"), &token)
        .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("authorization_uri="));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ExpiredAuthenticationToken");
}

/// `POST /organizations/oauth2/v2.0/devicecode` for `scope`.
async fn ask_device_code(env: &Env, scope: &str) -> reqwest::Response {
    env.http
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            env.info().authority_host
        ))
        .form(&[("client_id", CLIENT_ID), ("scope", scope)])
        .send()
        .await
        .unwrap()
}

/// One poll of the token endpoint for the device code `device_code`.
async fn poll_device(env: &Env, device_code: &str) -> (u16, Value) {
    token_form(
        env,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLIENT_ID),
            ("device_code", device_code),
        ],
    )
    .await
}

async fn start_device(env: &Env) -> Value {
    let r = ask_device_code(env, FULL_SCOPE).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn device_code_pending_slow_down_then_approved() {
    // Interval 5 s at time scale 10: polls closer than 0.5 s are too fast.
    let env = start("first-time", 10.0).await;
    let d = start_device(&env).await;
    assert_eq!(d["interval"], 5);
    assert!(d["verification_uri"]
        .as_str()
        .unwrap()
        .ends_with("/devicelogin"));
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains(d["user_code"].as_str().unwrap()));
    let dc = d["device_code"].as_str().unwrap().to_string();
    let poll = || poll_device(&env, &dc);
    let (s, b) = poll().await;
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (s, b) = poll().await;
    assert_eq!((s, b["error"].as_str()), (400, Some("slow_down")));
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The user completes the code on the device login page.
    let r = env
        .http
        .post(format!("{}/devicelogin", env.info().authority_host))
        .form(&[
            ("user_code", d["user_code"].as_str().unwrap()),
            ("username", ALICE),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("You have signed in"));
    let (s, b) = poll().await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        claims(b["access_token"].as_str().unwrap())["oid"],
        ALICE_OID
    );
}

#[tokio::test]
async fn device_code_denied_and_expired() {
    let env = start("first-time", 1.0).await;
    let d = start_device(&env).await;
    env.emu
        .deny_device_code(d["user_code"].as_str().unwrap())
        .unwrap();
    let (s, b) = poll_device(&env, d["device_code"].as_str().unwrap()).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("access_denied")));
    // 900 s at time scale 1000 expire in 0.9 s.
    let env = start("first-time", 1000.0).await;
    let d = start_device(&env).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (s, b) = poll_device(&env, d["device_code"].as_str().unwrap()).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("expired_token")));
}

#[tokio::test]
async fn scopes_for_two_resources_or_unknown_resources_are_rejected() {
    let env = start("first-time", 1.0).await;
    let r = ask_device_code(
        &env,
        "https://management.azure.com/.default https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error_codes"][0], 28000);
    let r = ask_device_code(&env, "https://unknown.example.com/.default").await;
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"], "invalid_resource");
}

/// The multi-tenant authorities publish their keys under their own name too; `common` also has
/// the instance-discovery route beside it, which must not hide the keys.
#[tokio::test]
async fn common_and_organizations_publish_their_configuration_and_keys() {
    let env = start("first-time", 1.0).await;
    for tenant in ["common", "organizations"] {
        let (status, config) = openid_configuration(&env, tenant).await;
        assert_eq!(status, 200, "{tenant}: {config}");
        let jwks_uri = config["jwks_uri"].as_str().unwrap();
        assert!(jwks_uri.ends_with(&format!("/{tenant}/discovery/v2.0/keys")));
        let (status, jwks) = env.get_json(jwks_uri, "").await;
        assert_eq!(status, 200, "{tenant}: {jwks}");
        assert_eq!(jwks["keys"][0]["kty"], "RSA");
    }
    let (status, discovery) = env
        .get_json(
            &format!(
                "{}/common/discovery/instance?api-version=1.1&authorization_endpoint={}/common/oauth2/v2.0/authorize",
                env.info().authority_host,
                env.info().authority_host
            ),
            "",
        )
        .await;
    assert_eq!(status, 200, "{discovery}");
    assert!(discovery["tenant_discovery_endpoint"]
        .as_str()
        .unwrap()
        .ends_with("/common/v2.0/.well-known/openid-configuration"));
}
