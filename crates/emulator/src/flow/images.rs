//! Runtime images: the default environment's image at the latest tag, or the image AzureML
//! builds for a workspace environment version.

use super::errors::user_error;
use crate::http::Resp;
use crate::state::{Workspace, World, RUNTIME_IMAGE_REPO};

/// Accepts `azureml://locations/{l}/workspaces/{id}/environments/{n}/versions/{v}`,
/// an ARM id `.../environments/{n}/versions/{v}` and `azureml:{n}:{v}`.
pub fn parse_environment_ref(env: &str) -> Option<(String, String)> {
    if let Some(rest) = env
        .strip_prefix("azureml:")
        .filter(|r| !r.starts_with("//"))
    {
        let (name, version) = rest.split_once(':')?;
        return (!name.is_empty() && !version.is_empty())
            .then(|| (name.to_string(), version.to_string()));
    }
    let parts: Vec<&str> = env.trim_end_matches('/').split('/').collect();
    let n = parts.len();
    if n >= 4
        && parts[n - 4].eq_ignore_ascii_case("environments")
        && parts[n - 2].eq_ignore_ascii_case("versions")
    {
        return Some((parts[n - 3].to_string(), parts[n - 1].to_string()));
    }
    None
}

/// The image AzureML builds for a workspace environment version.
pub fn built_env_image(ws: &Workspace, name: &str, version: &str) -> String {
    if let Some(v) = ws
        .env_versions
        .iter()
        .find(|v| v.container.eq_ignore_ascii_case(name) && v.version == version)
    {
        if let Some(image) = v.value["properties"]["image"].as_str() {
            return image.to_string();
        }
    }
    let short = ws.name.replace(['-', '_'], "").to_lowercase();
    let digest = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{}/{name}/{version}", ws.workspace_guid()).as_bytes(),
    )
    .simple()
    .to_string();
    format!("cr{short}.azurecr.io/azureml/azureml_{digest}:latest")
}

/// Resolves the runtime image: default environment (latest tag) or a workspace environment version.
pub fn resolve_image(
    world: &World,
    ws: &Workspace,
    env: Option<&str>,
) -> Result<(String, Option<String>), Resp> {
    match env.filter(|e| !e.is_empty()) {
        None => Ok((format!("{RUNTIME_IMAGE_REPO}:{}", world.latest_tag()), None)),
        Some(e) => {
            let Some((name, version)) = parse_environment_ref(e) else {
                return Err(user_error(400, "BadArgument", &format!("Environment '{e}' is not a valid environment asset id (use azureml://locations/{{location}}/workspaces/{{workspaceId}}/environments/{{name}}/versions/{{version}}).")));
            };
            if !ws
                .env_versions
                .iter()
                .any(|v| v.container.eq_ignore_ascii_case(&name) && v.version == version)
            {
                return Err(user_error(
                    400,
                    "NotFound",
                    &format!(
                        "Environment '{name}' version '{version}' was not found in workspace '{}'.",
                        ws.name
                    ),
                ));
            }
            let asset = format!(
                "azureml://locations/{}/workspaces/{}/environments/{name}/versions/{version}",
                ws.location,
                ws.workspace_guid()
            );
            Ok((built_env_image(ws, &name, &version), Some(asset)))
        }
    }
}
