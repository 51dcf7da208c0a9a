//! The workflow's edges: each node's incoming edges (single, conditional, fan-in, or plain
//! edges joining branches that may not run), then the single edges grouped by source into
//! fan-outs. Conditions that cannot sit on an edge are noted for the handler to check.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::dag::{Guard, Resolved};
use super::{Condition, EdgeKind, Wiring, END_ID, START_ID};

/// A node to wire (or the terminal executor): its sources, its own condition and its guards.
type WiringTarget = (String, BTreeSet<String>, Option<Condition>, BTreeSet<Guard>);

/// The edge groups, with what they mean for the nodes they lead to.
pub(super) struct Wired {
    /// In the order the workflow builder adds them: by target, then by source.
    pub wiring: Vec<Wiring>,
    /// Why a node's edges or condition are wired as they are, for its notes.
    pub join_notes: HashMap<String, String>,
    /// Nodes whose condition the handler checks, since no edge can carry it.
    pub handler_conditions: HashSet<String>,
}

/// Wires `ordered` (in dependency order) and the terminal executor, which follows
/// `end_preds`.
pub(super) fn wire(
    ordered: &[Resolved],
    guards: &HashMap<String, BTreeSet<Guard>>,
    end_preds: BTreeSet<String>,
) -> Wired {
    let mut wiring = Vec::new();
    let mut plain_by_source: Vec<(String, String)> = Vec::new();
    let mut targets: Vec<WiringTarget> = ordered
        .iter()
        .map(|r| {
            let preds = if r.deps.is_empty() {
                BTreeSet::from([START_ID.to_owned()])
            } else {
                r.deps.clone()
            };
            (
                r.node.name.clone(),
                preds,
                r.activate.clone(),
                guards.get(&r.node.name).cloned().unwrap_or_default(),
            )
        })
        .collect();
    targets.push((END_ID.to_owned(), end_preds, None, BTreeSet::new()));
    let mut join_notes: HashMap<String, String> = HashMap::new();
    let mut handler_conditions: HashSet<String> = HashSet::new();
    for (target, preds, activate, target_guards) in &targets {
        let preds: Vec<String> = preds.iter().cloned().collect();
        if preds.len() == 1 {
            let source = &preds[0];
            match activate {
                Some(condition) if condition.source == *source => wiring.push(Wiring {
                    kind: EdgeKind::Conditional,
                    sources: vec![source.clone()],
                    targets: vec![target.clone()],
                    condition: Some(condition.clone()),
                }),
                Some(condition) => {
                    handler_conditions.insert(target.clone());
                    join_notes.insert(
                        target.clone(),
                        format!(
                            "Its condition ({}) is checked in the handler: the edge comes from {source}, not from the node the condition reads.",
                            condition.describe()
                        ),
                    );
                    plain_by_source.push((source.clone(), target.clone()));
                }
                None => plain_by_source.push((source.clone(), target.clone())),
            }
            continue;
        }
        let may_not_run: Vec<&str> = preds
            .iter()
            .filter(|pred| {
                guards
                    .get(*pred)
                    .is_some_and(|g| !g.is_subset(target_guards))
            })
            .map(String::as_str)
            .collect();
        if may_not_run.is_empty() {
            wiring.push(Wiring {
                kind: EdgeKind::FanIn,
                sources: preds.clone(),
                targets: vec![target.clone()],
                condition: None,
            });
        } else {
            join_notes.insert(
                target.clone(),
                format!(
                    "Joins branches that run only under a condition ({}): wired with plain edges, because a fan-in would wait forever for a branch that did not run. The handler runs once per arriving branch.",
                    may_not_run.join(", ")
                ),
            );
            wiring.push(Wiring {
                kind: EdgeKind::JoinBranches,
                sources: preds.clone(),
                targets: vec![target.clone()],
                condition: None,
            });
        }
        if let Some(condition) = activate {
            handler_conditions.insert(target.clone());
            join_notes
                .entry(target.clone())
                .or_default()
                .push_str(&format!(
                    " Its condition ({}) is checked in the handler: a condition cannot sit on a fan-in.",
                    condition.describe()
                ));
        }
    }
    // Plain single edges, grouped by source: two or more from one source are a fan-out.
    let mut sources_in_order: Vec<String> = Vec::new();
    for (source, _) in &plain_by_source {
        if !sources_in_order.contains(source) {
            sources_in_order.push(source.clone());
        }
    }
    for source in sources_in_order {
        let outgoing: Vec<String> = plain_by_source
            .iter()
            .filter(|(s, _)| *s == source)
            .map(|(_, t)| t.clone())
            .collect();
        wiring.push(Wiring {
            kind: if outgoing.len() > 1 {
                EdgeKind::FanOut
            } else {
                EdgeKind::Single
            },
            sources: vec![source],
            targets: outgoing,
            condition: None,
        });
    }
    wiring.sort_by_key(|w| {
        let position = |name: &str| {
            if name == START_ID {
                0
            } else if name == END_ID {
                usize::MAX
            } else {
                ordered
                    .iter()
                    .position(|r| r.node.name == name)
                    .map_or(usize::MAX - 1, |p| p + 1)
            }
        };
        (
            w.targets.iter().map(|t| position(t)).min().unwrap_or(0),
            w.sources.iter().map(|s| position(s)).min().unwrap_or(0),
        )
    });
    Wired {
        wiring,
        join_notes,
        handler_conditions,
    }
}
