//! Datastores: list (with `isDefault`, `names`, `searchText` and `count`) and get.

use super::checks::{arm_error, page};
use super::workspaces::enter;
use super::Call;
use crate::http::{json_resp, Resp};
use crate::names::is_named;
use crate::state::MLS;

pub async fn list(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/datastores/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let (req, ws, page_size) = (&call.req, &at.ws, at.page_size());
    let mut items = ws.datastores.clone();
    if let Some(flag) = req.q("isDefault") {
        let Ok(flag) = flag.to_ascii_lowercase().parse::<bool>() else {
            return arm_error(
                400,
                "InvalidQueryParameterValue",
                &format!(
                    "The value '{flag}' of query parameter 'isDefault' is not a valid boolean."
                ),
            );
        };
        items.retain(|d| d["properties"]["isDefault"].as_bool() == Some(flag));
    }
    let names: Vec<&str> = req
        .query
        .iter()
        .filter(|(k, _)| k == "names")
        .map(|(_, v)| v.as_str())
        .collect();
    if !names.is_empty() {
        items.retain(|d| {
            names.iter().any(|n| {
                d["name"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(n))
            })
        });
    }
    if let Some(text) = req.q("searchText") {
        let text = text.to_ascii_lowercase();
        items.retain(|d| {
            d["name"]
                .as_str()
                .is_some_and(|x| x.to_ascii_lowercase().contains(&text))
        });
    }
    let size = match req.q("count") {
        Some(c) => match c.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return arm_error(
                    400,
                    "InvalidQueryParameterValue",
                    &format!(
                        "The value '{c}' of query parameter 'count' is not a positive integer."
                    ),
                )
            }
        },
        None => page_size.max(1),
    };
    page(&call.app, req, items, size)
}

pub async fn get(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/datastores/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let ws = &at.ws;
    let name = &call.p["datastore"];
    match ws.datastores.iter().find(|d| is_named(d, name)) {
        Some(d) => json_resp(200, d),
        None => at.not_found("datastores", name),
    }
}
