//! `GET /tenants`, `GET /subscriptions` and `GET /subscriptions/{id}` (any method answers as
//! GET, as before the routes had their own modules).

use super::checks::{arm_error, check_subscription, check_version, page, RESOURCES_API_VERSIONS};
use super::{Call, Caller};
use crate::http::{json_resp, Resp};
use crate::seed::example_body;
use crate::state::{Subscription, Tenant, World};
use serde_json::{json, Value};

const EX_SUBSCRIPTION: &str = include_str!("../../seed/examples/GetSubscription.json");
const EX_TENANTS: &str = include_str!("../../seed/examples/GetTenants.json");

pub async fn list_tenants(call: Call) -> Resp {
    list_visible(call, |world, caller| match world.user_by_oid(&caller.oid) {
        Some(u) => world
            .tenants
            .iter()
            .filter(|t| u.in_tenant(&t.tenant_id))
            .map(tenant_json)
            .collect(),
        None => vec![],
    })
}

pub async fn list_subscriptions(call: Call) -> Resp {
    list_visible(call, |world, caller| {
        world
            .subscriptions
            .iter()
            .filter(|s| {
                s.tenant_id.eq_ignore_ascii_case(&caller.tid)
                    && world.has_any_access_near(
                        &caller.oid,
                        &format!("/subscriptions/{}", s.subscription_id),
                    )
            })
            .map(subscription_json)
            .collect()
    })
}

/// A tenant-level list (no subscription in the path): what the caller may see, in pages.
fn list_visible(call: Call, visible: impl FnOnce(&World, &Caller) -> Vec<Value>) -> Resp {
    let Call {
        app, caller, req, ..
    } = call;
    if let Err(r) = check_version(&req, RESOURCES_API_VERSIONS, "") {
        return r;
    }
    let world = app.world();
    let items = visible(&world, &caller);
    let size = world.page_size;
    drop(world);
    page(&app, &req, items, size)
}

pub async fn get_subscription(call: Call) -> Resp {
    let Call {
        app,
        caller,
        p,
        req,
        ..
    } = call;
    if let Err(r) = check_version(&req, RESOURCES_API_VERSIONS, "") {
        return r;
    }
    let sub = &p["subscription"];
    let world = app.world();
    if let Err(r) = check_subscription(&app, &world, &caller, sub) {
        return r;
    }
    let scope = format!("/subscriptions/{sub}");
    if !world.has_any_access_near(&caller.oid, &scope) {
        return arm_error(
            404,
            "SubscriptionNotFound",
            &format!("The subscription '{sub}' could not be found."),
        );
    }
    json_resp(
        200,
        &subscription_json(world.subscription(sub).expect("checked")),
    )
}

/// Tenant JSON for `GET /tenants`, based on the official example's shape.
pub fn tenant_json(t: &Tenant) -> Value {
    let ex: Value = serde_json::from_str(EX_TENANTS).expect("bundled example parses");
    let mut v = ex["responses"]["200"]["body"]["value"][1].clone();
    v["id"] = json!(format!("/tenants/{}", t.tenant_id));
    v["tenantId"] = json!(t.tenant_id);
    v["displayName"] = json!(t.display_name);
    v["countryCode"] = json!(t.country_code);
    v["domains"] = json!([t.default_domain]);
    v["defaultDomain"] = json!(t.default_domain);
    v["tenantCategory"] = json!("Home");
    v["tenantType"] = json!("AAD");
    v
}

pub fn subscription_json(s: &Subscription) -> Value {
    let mut v = example_body(EX_SUBSCRIPTION);
    v["id"] = json!(format!("/subscriptions/{}", s.subscription_id));
    v["subscriptionId"] = json!(s.subscription_id);
    v["tenantId"] = json!(s.tenant_id);
    v["displayName"] = json!(s.display_name);
    v["state"] = json!(s.state);
    v["authorizationSource"] = json!("RoleBased");
    v["managedByTenants"] = json!([]);
    v["tags"] = json!({});
    v["subscriptionPolicies"] = json!({"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"});
    v
}
