//! Builds the world from a scenario: the directory, subscriptions and role assignments here,
//! each workspace and what is in it in `workspace`. Resources start from the official
//! `x-ms-examples` responses bundled in `seed/examples/` and are given the scenario's names
//! and ids.

mod workspace;

use crate::scenario::Scenario;
use crate::state::{AuthState, RoleAssignment, World};
use anyhow::{anyhow, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The 200 response body of an official example file.
pub fn example_body(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).expect("bundled example parses");
    v["responses"]["200"]["body"].clone()
}

impl World {
    pub fn build(scenario: &Scenario, time_scale: f64, flow_endpoint: &str) -> Result<World> {
        let defaults = Scenario::defaults();
        let mut world = World {
            time_scale: if time_scale > 0.0 { time_scale } else { 1.0 },
            default_tenant_id: String::new(),
            // The directory and subscriptions as seeded, with Azure's defaults filled in.
            tenants: scenario
                .tenants
                .iter()
                .cloned()
                .map(|mut t| {
                    if t.country_code.is_empty() {
                        t.country_code = "US".into();
                    }
                    t
                })
                .collect(),
            users: scenario.users.clone(),
            clients: HashMap::new(),
            subscriptions: scenario
                .subscriptions
                .iter()
                .cloned()
                .map(|mut s| {
                    s.state.get_or_insert_with(|| "Enabled".into());
                    s
                })
                .collect(),
            workspaces: vec![],
            role_assignments: vec![],
            quotas: vec![],
            lros: HashMap::new(),
            auth: AuthState::default(),
            registry_tags: if scenario.registry_tags.is_empty() {
                defaults.registry_tags.clone()
            } else {
                scenario.registry_tags.clone()
            },
            principal_not_found: scenario.settings.principal_not_found.clone(),
            propagation_delay: Duration::ZERO,
            token_lifetime: Duration::from_secs(3600),
            page_size: 20,
            device_code_interval: 5,
            next_lro_ending: None,
            lro_records: Vec::new(),
            lro_pattern: scenario.settings.lro_pattern.unwrap_or_default(),
            device_code_lifetime: 900,
            flow_endpoint: flow_endpoint.trim_end_matches('/').to_string(),
        };
        world.registry_tags.sort();
        world.propagation_delay = world.scaled(
            scenario
                .settings
                .role_assignment_propagation_seconds
                .unwrap_or(0.0),
        );
        // The default clients first (the Azure CLI's), then the scenario's; a client without
        // redirect URIs gets the Azure CLI's loopback ones.
        let loopback = defaults
            .clients
            .first()
            .map(|c| c.redirect_uris.clone())
            .unwrap_or_default();
        for c in defaults.clients.iter().chain(&scenario.clients) {
            let uris = if c.redirect_uris.is_empty() {
                loopback.clone()
            } else {
                c.redirect_uris.clone()
            };
            world.clients.insert(c.client_id.to_ascii_lowercase(), uris);
        }
        if world.tenants.is_empty() {
            return Err(anyhow!("scenario {} has no tenants", scenario.name));
        }
        world.default_tenant_id = if scenario.default_tenant_id.is_empty() {
            world.tenants[0].tenant_id.clone()
        } else {
            scenario.default_tenant_id.clone()
        };
        for ws in &scenario.workspaces {
            let mut built = world.build_workspace(ws)?;
            crate::prerequisites::apply_to_workspace(&mut built);
            for (scope, principal, role) in crate::prerequisites::identity_assignments(&built) {
                let role = crate::rbac::role_by_name_or_id(&role)
                    .ok_or_else(|| anyhow!("unknown role {role:?} for {}'s identity", ws.name))?;
                world.role_assignments.push(RoleAssignment {
                    name: uuid::Uuid::new_v5(
                        &uuid::Uuid::NAMESPACE_URL,
                        format!("{scope}|{principal}|{}", role.id).as_bytes(),
                    )
                    .to_string(),
                    scope,
                    role_definition_guid: role.id.to_string(),
                    principal_id: principal,
                    principal_type: "ServicePrincipal".into(),
                    description: None,
                    created_on: "2024-01-10T08:00:00.0000000Z".into(),
                    created_by: String::new(),
                    effective_at: Instant::now(),
                });
            }
            world.workspaces.push(built);
        }
        world.quotas = scenario.quotas.clone();
        for ra in &scenario.role_assignments {
            let principal = world
                .user_by_name(&ra.principal)
                .map(|u| u.object_id.clone())
                .unwrap_or_else(|| ra.principal.clone());
            let role = crate::rbac::role_by_name_or_id(&ra.role)
                .ok_or_else(|| anyhow!("unknown role {:?} in scenario", ra.role))?;
            let scope = if let Some(scope) = &ra.scope {
                scope.clone()
            } else if let Some(ws_name) = &ra.workspace {
                world
                    .workspaces
                    .iter()
                    .find(|w| w.name.eq_ignore_ascii_case(ws_name))
                    .map(|w| w.id())
                    .ok_or_else(|| anyhow!("role assignment names unknown workspace {ws_name}"))?
            } else if let (Some(rg), Some(sub)) = (&ra.resource_group, &ra.subscription) {
                format!("/subscriptions/{sub}/resourceGroups/{rg}")
            } else if let Some(sub) = &ra.subscription {
                format!("/subscriptions/{sub}")
            } else {
                return Err(anyhow!("role assignment for {} has no scope", ra.principal));
            };
            let name = uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                format!("{scope}|{principal}|{}", role.id).as_bytes(),
            )
            .to_string();
            world.role_assignments.push(RoleAssignment {
                name,
                scope,
                role_definition_guid: role.id.to_string(),
                principal_id: principal,
                principal_type: "User".into(),
                description: None,
                created_on: "2024-01-15T09:00:00.0000000Z".into(),
                created_by: String::new(),
                effective_at: Instant::now(),
            });
        }
        Ok(world)
    }
}
