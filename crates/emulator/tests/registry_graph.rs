//! Container registry tag listing and Microsoft Graph user lookup.

mod common;
use common::*;
use serde_json::{json, Value};

const TAGS: &str = "/v2/azureml/promptflow/promptflow-runtime-stable/tags/list";

#[tokio::test]
async fn tags_page_with_link_headers_in_lexical_order() {
    let env = start("first-time", 1.0).await;
    let base = env.info().registry_endpoint.clone();
    let mut url = format!("{base}{TAGS}?n=3");
    let mut all: Vec<String> = vec![];
    let mut pages = 0;
    loop {
        let r = env.http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        pages += 1;
        let link = r
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["name"], "azureml/promptflow/promptflow-runtime-stable");
        let tags: Vec<String> = b["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        assert!(tags.len() <= 3);
        all.extend(tags);
        match link {
            Some(l) => {
                assert!(l.ends_with("; rel=\"next\""));
                let path = l.trim_start_matches('<').split('>').next().unwrap();
                url = format!("{base}{path}");
            }
            None => break,
        }
    }
    assert!(pages > 3);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "lexical order");
    assert!(all.contains(&"latest".to_string()));
    let v9 = all.iter().position(|t| t == "20251211.v9").unwrap();
    let v12 = all.iter().position(|t| t == "20251211.v12").unwrap();
    assert!(
        v12 < v9,
        "lexical order puts v12 before v9: clients must sort by (date, N)"
    );
}

#[tokio::test]
async fn etag_and_errors() {
    let env = start("first-time", 1.0).await;
    let url = format!("{}{TAGS}", env.info().registry_endpoint);
    let r = env.http.get(&url).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(r.headers().get("link").is_none());
    let r = env
        .http
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = env
        .http
        .get(format!(
            "{}/v2/azureml/nothing/tags/list",
            env.info().registry_endpoint
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["code"],
        "NAME_UNKNOWN"
    );
    let r = env.http.get(format!("{url}?n=zero")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn graph_me_users_and_mail_filter() {
    let env = start("returning", 1.0).await;
    let g = env
        .emu
        .issue_access_token(ALICE, "https://graph.microsoft.com/User.Read")
        .unwrap();
    assert_eq!(claims(&g)["aud"], "https://graph.microsoft.com");
    let base = env.info().graph_endpoint.clone();
    let (s, me) = env.get_json(&format!("{base}/v1.0/me"), &g).await;
    assert_eq!(s, 200);
    assert_eq!(me["id"], ALICE_OID);
    assert_eq!(me["userPrincipalName"], ALICE);
    let (s, carol) = env
        .get_json(
            &format!("{base}/v1.0/users/carol@contoso.com?$select=id,displayName"),
            &g,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(carol["displayName"], "Carol");
    assert!(carol.get("mail").is_none(), "$select limits fields");
    let (s, by_id) = env
        .get_json(
            &format!("{base}/v1.0/users/{}", carol["id"].as_str().unwrap()),
            &g,
        )
        .await;
    assert_eq!(
        (s, by_id["userPrincipalName"].as_str()),
        (200, Some("carol@contoso.com"))
    );
    let (s, missing) = env
        .get_json(&format!("{base}/v1.0/users/nobody@contoso.com"), &g)
        .await;
    assert_eq!(
        (s, missing["error"]["code"].as_str()),
        (404, Some("Request_ResourceNotFound"))
    );
    // Dave lives in another tenant: not visible from Contoso.
    let (s, _) = env
        .get_json(&format!("{base}/v1.0/users/dave@fabrikam.com"), &g)
        .await;
    assert_eq!(s, 404);
    let (s, found) = env
        .get_json(
            &format!("{base}/v1.0/users?$filter=mail eq 'carol.admin@contoso.com'"),
            &g,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(found["value"].as_array().unwrap().len(), 1);
    assert_eq!(found["value"][0]["userPrincipalName"], "carol@contoso.com");
    let arm = env.token(ALICE);
    let (s, b) = env.get_json(&format!("{base}/v1.0/me"), &arm).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (401, Some("InvalidAuthenticationToken"))
    );
    assert_eq!(json!(s), json!(401));
}

/// The registry's token for `scope`, by the exchange of an ARM token (Azure/acr AAD-OAuth.md).
async fn acr_token(env: &Env, server: &str, arm_token: &str, scope: &str) -> String {
    let base = format!("{}/{server}", env.info().acr_endpoint);
    let r = env
        .http
        .post(format!("{base}/oauth2/exchange"))
        .form(&[
            ("grant_type", "access_token"),
            ("service", server),
            ("tenant", "6f1a8e3c-2d4b-4c5e-9a7f-1b2c3d4e5f60"),
            ("access_token", arm_token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let refresh: Value = r.json().await.unwrap();
    let r = env
        .http
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("service", server),
            ("scope", scope),
            ("refresh_token", refresh["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let access: Value = r.json().await.unwrap();
    access["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_workspace_registry_challenges_exchanges_an_arm_token_and_serves_only_pushed_tags() {
    let env = start("troubled", 1000.0).await;
    let server = "crwsimagenotpullable.azurecr.io";
    let repo = "flows/contoso-runtime";
    let manifest = |server: &str, tag: &str| {
        format!(
            "{}/{server}/v2/{repo}/manifests/{tag}",
            env.info().acr_endpoint
        )
    };
    let head = |url: String, token: Option<String>| {
        let mut request = env.http.head(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };

    // Without a token: the challenge names where to get one, for what.
    let r = head(manifest(server, "20240429.v8"), None).await.unwrap();
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert_eq!(
        challenge,
        format!(
            "Bearer realm=\"{}/{server}/oauth2/token\",service=\"{server}\",scope=\"repository:{repo}:pull\"",
            env.info().acr_endpoint
        )
    );
    // An ARM token is not a registry token.
    let r = head(manifest(server, "20240429.v8"), Some(env.token(ALICE)))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Alice (Reader on the subscription) may pull: the pushed tag is there, another is not.
    let scope = format!("repository:{repo}:pull");
    let token = acr_token(&env, server, &env.token(ALICE), &scope).await;
    let r = head(manifest(server, "20240429.v8"), Some(token.clone()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["docker-content-digest"]
        .to_str()
        .unwrap()
        .starts_with("sha256:"));
    let r = head(manifest(server, "20990101.v1"), Some(token.clone()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A token for one registry opens no other.
    let missing = "crwsimagetagmissing.azurecr.io";
    let r = head(manifest(missing, "20240601.v1"), Some(token))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // The environment registered with a tag never pushed: its registry does not have it.
    let token = acr_token(&env, missing, &env.token(ALICE), &scope).await;
    let r = env
        .http
        .get(manifest(missing, "20240601.v1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "MANIFEST_UNKNOWN");

    // Bob has no role on the registry: he signs in to it, but his token does not pull.
    let token = acr_token(&env, server, &env.token("bob@contoso.com"), &scope).await;
    let r = head(manifest(server, "20240429.v8"), Some(token))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // A token that is not a valid Azure AD token is refused at the exchange.
    let r = env
        .http
        .post(format!(
            "{}/{server}/oauth2/exchange",
            env.info().acr_endpoint
        ))
        .form(&[
            ("grant_type", "access_token"),
            ("service", server),
            ("access_token", "not-a-token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED");

    // Each token endpoint serves its own grant type, for this registry only.
    for (endpoint, grant_type, service, code) in [
        ("exchange", "refresh_token", server, "UNSUPPORTED"),
        ("token", "access_token", server, "UNSUPPORTED"),
        ("exchange", "access_token", "other.azurecr.io", "DENIED"),
        ("token", "refresh_token", "other.azurecr.io", "DENIED"),
    ] {
        let r = env
            .http
            .post(format!(
                "{}/{server}/oauth2/{endpoint}",
                env.info().acr_endpoint
            ))
            .form(&[("grant_type", grant_type), ("service", service)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{endpoint} {grant_type} {service}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], code, "{endpoint} {grant_type}");
    }
}
