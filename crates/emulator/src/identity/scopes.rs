//! Scopes: which resource a request names, and the scopes a token for it carries.

use super::bearer::{ARM_AUDIENCES, GRAPH_AUDIENCE};

pub const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

pub struct ScopeGrant {
    pub audience: String,
    pub scp: String,
    pub granted: String,
    pub openid: bool,
    pub offline: bool,
}

pub struct ScopeError {
    pub error: &'static str,
    pub code: u32,
    pub message: String,
}

pub fn resolve_scope(scope: &str, tenant: &str) -> Result<ScopeGrant, ScopeError> {
    let mut resource: Option<String> = None;
    let mut perms: Vec<String> = vec![];
    let words: Vec<&str> = scope.split_whitespace().collect();
    if words.is_empty() {
        return Err(ScopeError {
            error: "invalid_request",
            code: 900144,
            message: "The request body must contain the following parameter: 'scope'.".into(),
        });
    }
    for w in &words {
        if OIDC_SCOPES.contains(&w.to_ascii_lowercase().as_str()) {
            continue;
        }
        let (res, perm) = if w.contains("://") {
            match w.rfind('/') {
                Some(i) if i > w.find("://").unwrap_or(0) + 2 => {
                    (w[..i].to_string(), w[i + 1..].to_string())
                }
                _ => (w.to_string(), ".default".to_string()),
            }
        } else {
            (GRAPH_AUDIENCE.to_string(), w.to_string())
        };
        if let Some(existing) = &resource {
            if !existing.eq_ignore_ascii_case(&res) {
                return Err(ScopeError {
                    error: "invalid_scope",
                    code: 28000,
                    message: format!("Provided value for the input parameter scope '{scope}' is not valid because it contains more than one resource. Scope {existing} {res} is not valid."),
                });
            }
        }
        resource = Some(res);
        perms.push(perm);
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let openid = lower.iter().any(|w| w == "openid");
    let offline = lower.iter().any(|w| w == "offline_access");
    let resource = resource.unwrap_or_else(|| GRAPH_AUDIENCE.to_string());
    let known = ARM_AUDIENCES
        .iter()
        .any(|a| a.eq_ignore_ascii_case(&resource))
        || resource
            .trim_end_matches('/')
            .eq_ignore_ascii_case(GRAPH_AUDIENCE)
        || resource
            .trim_end_matches('/')
            .eq_ignore_ascii_case("https://ml.azure.com");
    if !known {
        return Err(ScopeError {
            error: "invalid_resource",
            code: 500011,
            message: format!("The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
        });
    }
    let is_graph = resource
        .trim_end_matches('/')
        .eq_ignore_ascii_case(GRAPH_AUDIENCE);
    let scp = if is_graph {
        let named: Vec<&str> = perms
            .iter()
            .map(String::as_str)
            .filter(|p| *p != ".default")
            .collect();
        if named.is_empty() {
            "User.Read User.ReadBasic.All openid profile email".to_string()
        } else {
            let mut s = named.join(" ");
            s.push_str(" openid profile email");
            s
        }
    } else {
        "user_impersonation".to_string()
    };
    let granted = if is_graph {
        scp.split(' ')
            .filter(|s| !OIDC_SCOPES.contains(s))
            .map(|s| format!("{GRAPH_AUDIENCE}/{s}"))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("{}/user_impersonation", resource.trim_end_matches('/'))
    };
    Ok(ScopeGrant {
        audience: resource,
        scp,
        granted,
        openid,
        offline,
    })
}
