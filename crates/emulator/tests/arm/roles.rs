//! RBAC: refused actions, effective permissions, role assignments (create, conflict, list,
//! delete, propagation) and role definitions.

use super::*;
use std::time::Duration;

#[tokio::test]
async fn rbac_refuses_actions_the_roles_do_not_grant() {
    let env = start("blocked", 1.0).await;
    let bob = env.token("bob@contoso.com");
    let alice = env.token(ALICE);
    let ci = format!("{}/computes/ci-bob", env.ws_path("rg-ml", "ws-open"));
    // Bob is a Reader: he may read but not stop his instance.
    let (s, _) = env.get_json(&env.arm(&format!("{ci}?{MLS_V}")), &bob).await;
    assert_eq!(s, 200);
    let (s, b, _) = env
        .send_json(
            Method::POST,
            &env.arm(&format!("{ci}/start?{MLS_V}")),
            &bob,
            &json!({}),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(b["error"]["code"], "AuthorizationFailed");
    assert!(b["error"]["message"]
        .as_str()
        .unwrap()
        .contains("workspaces/computes/start/action"));
    // Alice (Data Scientist only) cannot replace custom applications.
    let path = format!(
        "{}/computes/ci-alice-open/customServices?api-version=2024-04-01-preview",
        env.ws_path("rg-ml", "ws-open")
    );
    let (s, b, _) = env
        .send_json(Method::POST, &env.arm(&path), &alice, &json!([]))
        .await;
    assert_eq!((s, error_code(&b)), (403, Some("AuthorizationFailed")));
    // Effective permissions show the Data Scientist role's actions and notActions.
    let (s, p) = env
        .get_json(
            &env.ws_arm(
                "rg-ml",
                "ws-open",
                &format!("/providers/Microsoft.Authorization/permissions?{AUTH_V}"),
            ),
            &alice,
        )
        .await;
    assert_eq!(s, 200);
    let entry = &p["value"][0];
    assert!(entry["actions"].as_array().unwrap().contains(&json!(
        "Microsoft.MachineLearningServices/workspaces/*/read"
    )));
    assert!(entry["notActions"].as_array().unwrap().contains(&json!(
        "Microsoft.MachineLearningServices/workspaces/computes/*/write"
    )));
    let (_, p) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/resourcegroups/rg-ml/providers/Microsoft.Authorization/permissions?{AUTH_V}")), &bob).await;
    assert_eq!(p["value"][0]["actions"], json!(["*/read"]));
}

#[tokio::test]
async fn role_assignments_create_conflict_list_delete_and_propagate() {
    let env = start("returning", 1000.0).await;
    let carol = env.token("carol@contoso.com");
    let alice = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let ep_principal = {
        let (_, ep) = env
            .get_json(
                &env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint?{MLS_V}")),
                &alice,
            )
            .await;
        ep["identity"]["principalId"].as_str().unwrap().to_string()
    };
    let body = json!({"properties": {"roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": ep_principal, "principalType": "ServicePrincipal"}});
    let name = uuid::Uuid::new_v4().to_string();
    let url = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/{name}?{AUTH_V}"
    ));
    // Alice (Data Scientist) cannot assign roles.
    let (s, b, _) = env.send_json(Method::PUT, &url, &alice, &body).await;
    assert_eq!((s, error_code(&b)), (403, Some("AuthorizationFailed")));
    // Carol (Owner) can; the same principal+role+scope under another name conflicts.
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["properties"]["scope"], ws);
    let other = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}",
        uuid::Uuid::new_v4()
    ));
    let (s, b, _) = env.send_json(Method::PUT, &other, &carol, &body).await;
    assert_eq!(
        (
            s,
            b["error"]["code"].as_str(),
            b["error"]["message"].as_str()
        ),
        (
            409,
            Some("RoleAssignmentExists"),
            Some("The role assignment already exists.")
        )
    );
    let (s, b) = env.get_json(&url, &carol).await;
    assert_eq!((s, b["name"].as_str()), (200, Some(name.as_str())));
    let filter = format!("{ws}/providers/Microsoft.Authorization/roleAssignments?{AUTH_V}&$filter=principalId%20eq%20'{ep_principal}'");
    let (_, list) = env.get_json(&env.arm(&filter), &carol).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    // Bad names and unknown principals.
    let bad = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?{AUTH_V}"
    ));
    let (s, b, _) = env.send_json(Method::PUT, &bad, &carol, &body).await;
    assert_eq!((s, error_code(&b)), (400, Some("InvalidRoleAssignmentId")));
    let ghost = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": "00000000-0000-4000-8000-00000000dead"}});
    let (s, b, _) = env.send_json(Method::PUT, &other, &carol, &ghost).await;
    assert_eq!((s, error_code(&b)), (400, Some("PrincipalNotFound")));
    let (s, b, _) = env
        .send_json(
            Method::PUT,
            &other,
            &carol,
            &json!({"properties": {"principalId": ep_principal}}),
        )
        .await;
    assert_eq!((s, error_code(&b)), (400, Some("InvalidRequestContent")));
    // Delete.
    let r = env
        .http
        .delete(&url)
        .bearer_auth(&carol)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, _) = env.get_json(&url, &carol).await;
    assert_eq!(s, 404);
    // Propagation delay: Dave (Fabrikam owner) grants Alice Data Scientist on a new scope; the
    // permission counts only after the (scaled) delay.
    env.emu
        .set_role_propagation_delay(Duration::from_millis(2000));
    let bob_like = env
        .emu
        .issue_access_token("carol@contoso.com", ARM_SCOPE)
        .unwrap();
    let ci_url = env.arm(&format!("{ws}/computes?{MLS_V}"));
    let (s, _) = env.get_json(&ci_url, &bob_like).await;
    assert_eq!(s, 200, "owners read computes");
    let grant = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": "ca201000-0000-4000-8000-000000000003"}});
    let fresh = env.arm(&format!("/subscriptions/{SUB}/resourceGroups/rg-ml/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}", uuid::Uuid::new_v4()));
    let (s, _, _) = env.send_json(Method::PUT, &fresh, &carol, &grant).await;
    assert_eq!(s, 201);
    let perms = env.arm(&format!("/subscriptions/{SUB}/resourcegroups/rg-ml/providers/Microsoft.Authorization/permissions?{AUTH_V}"));
    let (_, before) = env.get_json(&perms, &carol).await;
    assert_eq!(
        before["value"].as_array().unwrap().len(),
        1,
        "only Owner so far"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (_, after) = env.get_json(&perms, &carol).await;
    assert_eq!(
        after["value"].as_array().unwrap().len(),
        2,
        "the new assignment has propagated"
    );
}

#[tokio::test]
async fn principal_not_found_can_be_forced_for_replication_delay() {
    let env = start("returning", 1.0).await;
    let carol = env.token("carol@contoso.com");
    env.emu.set_principal_not_found(vec![ALICE_OID.into()]);
    let url = env.ws_arm(
        "rg-ml",
        "ml-workspace",
        &format!(
            "/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}",
            uuid::Uuid::new_v4()
        ),
    );
    let body = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": ALICE_OID, "principalType": "User"}});
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!((s, error_code(&b)), (400, Some("PrincipalNotFound")));
    env.emu.set_principal_not_found(vec![]);
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!(
        (s, error_code(&b)),
        (409, Some("RoleAssignmentExists")),
        "Alice already has the role"
    );
}

#[tokio::test]
async fn role_definitions_include_data_scientist_with_real_actions() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let url = env.ws_arm("rg-ml", "ml-workspace", &format!("/providers/Microsoft.Authorization/roleDefinitions?{AUTH_V}&$filter=roleName%20eq%20'AzureML%20Data%20Scientist'"));
    let (s, b) = env.get_json(&url, &t).await;
    assert_eq!(s, 200);
    let role = &b["value"][0];
    assert_eq!(role["name"], DS_ROLE);
    assert_eq!(
        role["properties"]["permissions"][0]["actions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let (s, _) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}?{AUTH_V}")), &t).await;
    assert_eq!(s, 200);
}
