//! Connection rows, with the flows that use them: an unused one is a candidate for removal.

use std::collections::BTreeMap;

use super::workspace::Stock;
use super::{CostState, ItemKind};
use crate::azure::arm::ConnectionDto;

/// `connection_users`: connection (lower case) → the flows that use it.
pub(super) fn add_rows(
    stock: &mut Stock,
    connections: Vec<ConnectionDto>,
    connection_users: &BTreeMap<String, Vec<String>>,
) {
    for connection in connections {
        let mut row = stock.row(ItemKind::Connection, &connection.name);
        row.id = Some(connection.id.clone());
        row.cost = CostState::NoCompute;
        row.category = connection.properties.category.clone();
        row.runs_on = connection.properties.target.clone();
        row.used_by = connection_users
            .get(&connection.name.to_lowercase())
            .cloned()
            .unwrap_or_default();
        // Flows are read in parallel: the order they finish in is not an order.
        row.used_by.sort_by_key(|f| f.to_lowercase());
        stock.items.push(row);
    }
}
