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
