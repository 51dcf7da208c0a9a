//! Online endpoint rows and the rows of their deployments that serve a flow; endpoints that
//! serve no flow are left out.

use futures::stream::{self, StreamExt};

use super::workspace::Stock;
use super::{CostState, ItemKind};
use crate::azure::arm::{ArmClient, OnlineDeploymentDto, OnlineEndpointDto};
use crate::azure::WorkspaceRef;
use crate::error::Result;

/// Reads the deployments of `endpoints` (at most `max_parallel` at a time) and adds the rows.
pub(super) async fn add_rows(
    stock: &mut Stock,
    arm: &ArmClient,
    reference: &WorkspaceRef,
    endpoints: &[OnlineEndpointDto],
    max_parallel: usize,
) {
    let names: Vec<String> = endpoints.iter().map(|e| e.name.clone()).collect();
    let listed: Vec<(String, Result<Vec<OnlineDeploymentDto>>)> = stream::iter(names)
        .map(|endpoint| async move {
            let result = arm.list_online_deployments(reference, &endpoint).await;
            (endpoint, result)
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
    for (endpoint, result) in listed {
        let deployments = match result {
            Ok(list) => list,
            Err(error) => {
                stock.problem(&format!("deployments of {endpoint}"), error);
                continue;
            }
        };
        let flow_deployments: Vec<_> = deployments
            .iter()
            .filter(|d| d.serves_prompt_flow())
            .collect();
        if flow_deployments.is_empty() {
            continue;
        }
        let mut live_total = 0;
        for deployment in &flow_deployments {
            let count = deployment.instance_count().unwrap_or(0);
            live_total += count;
            let mut row = stock.row(ItemKind::OnlineDeployment, &deployment.name);
            row.id = Some(deployment.id.clone());
            row.state = deployment.properties["provisioningState"]
                .as_str()
                .map(str::to_owned);
            row.cost = CostState::billed_if(count > 0);
            row.size = deployment.properties["instanceType"]
                .as_str()
                .map(|t| format!("{t} × {count}"));
            row.runs_on = Some(endpoint.clone());
            row.used_by = deployment.properties["properties"]
                ["azureml.promptflow.source_flow_name"]
                .as_str()
                .map(|f| vec![f.to_owned()])
                .unwrap_or_default();
            stock.items.push(row);
        }
        let mut row = stock.row(ItemKind::OnlineEndpoint, &endpoint);
        row.cost = CostState::billed_if(live_total > 0);
        row.state = Some(format!("{} flow deployment(s)", flow_deployments.len()));
        row.used_by = flow_deployments.iter().map(|d| d.name.clone()).collect();
        stock.items.push(row);
    }
}
