//! Plain words for what the services name in their own terms (runtime types, cloud names,
//! role-assignment scopes), as the app says them. Human output uses these; `--json` keeps the
//! raw identifiers for scripts.

/// "compute instance" for the service's `ComputeInstance`; a type pfrm does not know, as it is.
pub fn runtime_type(raw: &str) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "computeinstance" => "compute instance".into(),
        "managedonlineendpoint" => "online endpoint".into(),
        "serverless" | "automaticruntime" => "automatic (serverless)".into(),
        _ => raw.into(),
    }
}

/// "Azure (global)" for `AzureCloud` and the like; a custom cloud keeps its own name.
pub fn cloud(raw: &str) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "azurecloud" | "public" => "Azure (global)".into(),
        "azurechinacloud" | "china" => "Azure operated by 21Vianet (China)".into(),
        "azureusgovernment" | "usgov" => "Azure Government (US)".into(),
        _ => raw.into(),
    }
}

/// Where a role assignment is made, in words: "resource group rg-ml", "subscription 3d9e…",
/// "workspace ml-workspace"; the path as it is when it is none of those.
pub fn scope(raw: &str) -> String {
    let parts: Vec<&str> = raw.split('/').filter(|part| !part.is_empty()).collect();
    let lower: Vec<String> = parts.iter().map(|part| part.to_ascii_lowercase()).collect();
    let after = |key: &str| {
        lower
            .iter()
            .position(|part| part == key)
            .and_then(|at| parts.get(at + 1))
    };
    // The most precise level named wins: a resource, then its group, then the subscription.
    if lower.len() > 4 && lower.get(2).map(String::as_str) == Some("resourcegroups") {
        if let (Some(kind), Some(name)) = (lower.get(lower.len() - 2), parts.last()) {
            let kind = match kind.as_str() {
                "workspaces" => "workspace",
                "storageaccounts" => "storage account",
                "registries" => "container registry",
                "vaults" => "key vault",
                _ => "resource",
            };
            return format!("{kind} {name}");
        }
    }
    if let Some(group) = after("resourcegroups") {
        return format!("resource group {group}");
    }
    if raw == "/" {
        return "the whole tenant".into();
    }
    match after("subscriptions") {
        Some(subscription) => format!("subscription {subscription}"),
        None => raw.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_read_as_words() {
        assert_eq!(runtime_type("ComputeInstance"), "compute instance");
        assert_eq!(runtime_type("SomethingNew"), "SomethingNew");
        assert_eq!(cloud("AzureCloud"), "Azure (global)");
        assert_eq!(cloud("AzureUSGovernment"), "Azure Government (US)");
        assert_eq!(cloud("my-stack"), "my-stack");
    }

    #[test]
    fn scopes_read_as_the_level_they_name() {
        let sub = "/subscriptions/3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01";
        assert_eq!(
            scope(sub),
            "subscription 3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01"
        );
        assert_eq!(
            scope(&format!("{sub}/resourceGroups/rg-ml")),
            "resource group rg-ml"
        );
        assert_eq!(
            scope(&format!(
                "{sub}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ml-workspace"
            )),
            "workspace ml-workspace"
        );
        assert_eq!(
            scope(&format!(
                "{sub}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml"
            )),
            "storage account stml"
        );
        assert_eq!(scope("/"), "the whole tenant");
        assert_eq!(scope("something else"), "something else");
    }
}
