//! Runtime rows: what each runtime runs on. A runtime costs nothing by itself; its instance
//! does.

use super::workspace::Stock;
use super::{CostState, ItemKind};
use crate::model::RuntimeSummary;

pub(super) fn add_rows(stock: &mut Stock, runtimes: &[RuntimeSummary]) {
    for runtime in runtimes {
        let mut item = stock.row(ItemKind::Runtime, &runtime.name);
        item.state = runtime
            .status_text
            .clone()
            .or(Some(format!("{:?}", runtime.status)));
        item.cost = CostState::NoCompute;
        item.owner = runtime.owner_name.clone();
        item.last_change = runtime.modified_on.clone();
        item.runs_on =
            runtime
                .compute_instance_name
                .as_ref()
                .map(|ci| match &runtime.custom_app_name {
                    Some(app) => format!("{ci} / {app}"),
                    None => ci.clone(),
                });
        stock.items.push(item);
    }
}
