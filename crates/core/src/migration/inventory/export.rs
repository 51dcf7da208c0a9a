//! The inventory as a file: JSON (everything), CSV (one row per item, for a spreadsheet) and a
//! Markdown report (the date, the counts, what costs money now, then a table per kind).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{kind_key, CostState, Inventory, InventoryItem, ItemKind};
use crate::error::{Error, ErrorCode, Result};
use crate::migration::retirement::{format_date, Countdown, RETIREMENT_DATE};
use crate::user_files::write_under_free_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Json,
    Csv,
    Markdown,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
        }
    }
}

/// Writes the inventory to `target`: into a folder as `prompt-flow-inventory-DATE.EXT` (the
/// day it was taken), or `… (2).EXT` and on when that name is taken, so an earlier export is
/// never replaced; or to the file `target` names. Returns the path written.
pub fn save(inventory: &Inventory, format: ExportFormat, target: &Path) -> Result<PathBuf> {
    let text = render(inventory, format)?;
    if target.is_dir() {
        let stem = format!("prompt-flow-inventory-{}", inventory.taken_on);
        return write_under_free_name(target, &stem, format.extension(), text.as_bytes())
            .map_err(|error| not_written(target, &error));
    }
    std::fs::write(target, text).map_err(|error| not_written(target, &error))?;
    Ok(target.to_path_buf())
}

fn not_written(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Config,
        format!(
            "The inventory could not be written to {}: {error}.",
            path.display()
        ),
    )
    .with_remedy("Choose a folder you can write to, then export again.")
}

pub fn render(inventory: &Inventory, format: ExportFormat) -> Result<String> {
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(inventory)
            .map(|mut text| {
                text.push('\n');
                text
            })
            .map_err(|e| {
                Error::internal(format!("the inventory could not be written as JSON: {e}"))
            }),
        ExportFormat::Csv => Ok(csv(inventory)),
        ExportFormat::Markdown => Ok(markdown(inventory)),
    }
}

const COLUMNS: [&str; 15] = [
    "workspace",
    "kind",
    "name",
    "id",
    "state",
    "cost",
    "idle_shutdown_minutes",
    "size",
    "owner",
    "last_change",
    "category",
    "runs_on",
    "node_counts",
    "connections",
    "used_by",
];

fn cost_text(cost: CostState) -> &'static str {
    match cost {
        CostState::Running => "running",
        CostState::Stopped => "stopped",
        CostState::NoCompute => "no compute",
        CostState::Unknown => "unknown",
    }
}

fn counts_text(item: &InventoryItem) -> String {
    item.node_counts
        .iter()
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cells(item: &InventoryItem) -> [String; 15] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        item.workspace_name.clone(),
        item.kind.label().into(),
        item.name.clone(),
        text(&item.id),
        text(&item.state),
        cost_text(item.cost).into(),
        item.idle_shutdown_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
        text(&item.size),
        text(&item.owner),
        text(&item.last_change),
        text(&item.category),
        text(&item.runs_on),
        counts_text(item),
        item.connections.join("; "),
        item.used_by.join("; "),
    ]
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. A field a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv(inventory: &Inventory) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for item in &inventory.items {
        let row: Vec<String> = cells(item).iter().map(|c| csv_field(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The export's words for the core's countdown (the core decides; this only phrases).
fn retirement_sentence(countdown: Countdown) -> String {
    let date = format_date(RETIREMENT_DATE);
    match countdown {
        Countdown::DaysLeft { days: 1 } => format!("Prompt flow retires on {date} (1 day left)."),
        Countdown::DaysLeft { days } => {
            format!("Prompt flow retires on {date} ({days} days left).")
        }
        Countdown::RetirementDay => format!("Prompt flow retired on {date} (today)."),
        Countdown::Retired { .. } => {
            format!("Prompt flow retired on {date} (the date has passed).")
        }
    }
}

fn markdown(inventory: &Inventory) -> String {
    let mut out = String::from("# Prompt flow inventory\n\n");
    out.push_str(&format!(
        "Taken on {} for {}. {}\n\n",
        inventory.taken_on,
        if inventory.workspaces.is_empty() {
            "no workspace".to_owned()
        } else {
            inventory.workspaces.join(", ")
        },
        retirement_sentence(inventory.countdown)
    ));
    out.push_str("| What | Count |\n|---|---|\n");
    for kind in ItemKind::ALL {
        let count = inventory.counts.get(&kind_key(kind)).copied().unwrap_or(0);
        out.push_str(&format!("| {} | {count} |\n", kind.label()));
    }
    out.push_str(&format!(
        "\n**{} item(s) cost money now** (running compute, live sessions, deployed instances).\n",
        inventory.running
    ));
    for kind in ItemKind::ALL {
        let rows: Vec<&InventoryItem> = inventory.items.iter().filter(|i| i.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {} ({})\n\n",
            capitalised(kind.label()),
            rows.len()
        ));
        out.push_str("| Workspace | Name | State | Cost | Idle shutdown | Size | Owner | Last change | Type | Runs on | Nodes | Connections | Used by |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for item in rows {
            let c = cells(item);
            let idle = item
                .idle_shutdown_minutes
                .map(|m| format!("{m} min"))
                .unwrap_or_else(|| "—".into());
            let fields = [
                &c[0], &c[2], &c[4], &c[5], &idle, &c[7], &c[8], &c[9], &c[10], &c[11], &c[12],
                &c[13], &c[14],
            ];
            let line: Vec<String> = fields.iter().map(|f| md_cell(f)).collect();
            out.push_str(&format!("| {} |\n", line.join(" | ")));
        }
    }
    if !inventory.problems.is_empty() {
        out.push_str("\n## Not read\n\n");
        for problem in &inventory.problems {
            out.push_str(&format!(
                "- {} ({}): {}\n",
                md_cell(&problem.workspace_id),
                md_cell(&problem.part),
                md_cell(&problem.error.message)
            ));
        }
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn item(kind: ItemKind, name: &str) -> InventoryItem {
        InventoryItem {
            kind,
            workspace_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws".into(),
            workspace_name: "ws".into(),
            name: name.into(),
            id: None,
            state: Some("Running".into()),
            cost: CostState::Running,
            idle_shutdown_minutes: Some(60),
            size: None,
            owner: None,
            last_change: None,
            category: None,
            runs_on: None,
            node_counts: BTreeMap::from([("llm".into(), 2), ("python".into(), 1)]),
            connections: vec!["a".into(), "b".into()],
            used_by: vec![],
            note: None,
        }
    }

    fn inventory(items: Vec<InventoryItem>) -> Inventory {
        Inventory {
            taken_on: "2026-12-06".into(),
            countdown: Countdown::DaysLeft { days: 135 },
            workspaces: vec!["ws".into()],
            counts: BTreeMap::from([("flow".into(), 1), ("connection".into(), 0)]),
            running: 1,
            items,
            problems: vec![],
        }
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_defuses_formulas() {
        let text = render(
            &inventory(vec![item(ItemKind::Flow, "a, \"b\"")]),
            ExportFormat::Csv,
        )
        .unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next().unwrap().split(',').count(), 15);
        let row = lines.next().unwrap();
        assert!(row.contains("\"a, \"\"b\"\"\""), "{row}");
        assert!(row.contains("\"llm: 2, python: 1\""), "{row}");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn markdown_says_the_date_the_counts_and_escapes_pipes() {
        let text = render(
            &inventory(vec![item(ItemKind::Flow, "a|b")]),
            ExportFormat::Markdown,
        )
        .unwrap();
        assert!(text.contains(
            "Taken on 2026-12-06 for ws. Prompt flow retires on 2027-04-20 (135 days left)."
        ));
        assert!(text.contains("| flow | 1 |"));
        assert!(text.contains("## Flow (1)"));
        assert!(text.contains("a\\|b"));
        assert!(text.contains("**1 item(s) cost money now**"));
    }

    #[test]
    fn markdown_says_prompt_flow_has_retired_after_the_date() {
        let mut after = inventory(vec![]);
        after.countdown = Countdown::Retired { days: 1 };
        let text = render(&after, ExportFormat::Markdown).unwrap();
        assert!(
            text.contains("Prompt flow retired on 2027-04-20 (the date has passed)."),
            "{text}"
        );
        assert!(!text.contains("-1 days"), "{text}");
        after.countdown = Countdown::RetirementDay;
        let text = render(&after, ExportFormat::Markdown).unwrap();
        assert!(
            text.contains("Prompt flow retired on 2027-04-20 (today)."),
            "{text}"
        );
    }

    #[test]
    fn json_round_trips() {
        let original = inventory(vec![item(ItemKind::Connection, "c")]);
        let text = render(&original, ExportFormat::Json).unwrap();
        let back: Inventory = serde_json::from_str(&text).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn saving_in_a_folder_takes_the_next_free_name_and_a_file_is_written_as_named() {
        let dir = tempfile::tempdir().unwrap();
        let taken = inventory(vec![item(ItemKind::Flow, "f")]);
        let first = save(&taken, ExportFormat::Markdown, dir.path()).unwrap();
        assert_eq!(
            first,
            dir.path().join("prompt-flow-inventory-2026-12-06.md")
        );
        let second = save(&taken, ExportFormat::Markdown, dir.path()).unwrap();
        assert_eq!(
            second,
            dir.path().join("prompt-flow-inventory-2026-12-06 (2).md")
        );
        assert!(std::fs::read_to_string(&first).unwrap().contains("| f |"));

        let named = dir.path().join("mine.json");
        assert_eq!(save(&taken, ExportFormat::Json, &named).unwrap(), named);

        // A folder that is not there: what failed, and what to do.
        let error = save(
            &taken,
            ExportFormat::Csv,
            &dir.path().join("missing").join("x.csv"),
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
        assert!(
            error.message.contains("could not be written"),
            "{}",
            error.message
        );
        assert!(error.remedy.is_some());
    }
}
