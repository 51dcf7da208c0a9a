//! `pfrm migrate scaffold`: every flow fixture becomes an Agent Framework project whose
//! `build_workflow()` is built with the REAL framework (`agent-framework-core` from PyPI, in a
//! virtual environment in the build cache), with the executors and edges the audit planned.
//! No generated file carries a credential from the flow folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pfrm_core::migration::flow_yaml::FlowDefinition;
use pfrm_core::migration::mapping::{audit, EdgeKind, FlowAudit, END_ID, START_ID};
use pfrm_tests::{agent_framework_python, pfrm_binary};

const FLOWS: &[&str] = &[
    "web-classification",
    "chat-with-docs",
    "support-router",
    "eval-groundedness",
    "research-fanout",
    "custom-tools",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("flows")
        .join(name)
}

fn scaffold(flow: &str, out: &Path) {
    let output = Command::new(pfrm_binary())
        .args(["migrate", "scaffold"])
        .arg(fixture(flow))
        .arg("--out")
        .arg(out)
        .env("HOME", out.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn files_of(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_skeleton_has_its_files_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    for flow in FLOWS {
        let out = dir.path().join(flow);
        scaffold(flow, &out);
        let files = files_of(&out);
        assert_eq!(
            files.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                ".env.example",
                "README.md",
                "executors.py",
                "requirements.txt",
                "run.py",
                "validate.py",
                "workflow.py"
            ],
            "{flow}"
        );
        for (name, text) in &files {
            assert!(
                !text.contains("CANARY"),
                "{flow}/{name} carries a credential from the flow folder:\n{text}"
            );
        }
        assert!(files["workflow.py"].contains("def build_workflow() -> Workflow:"));
        assert!(files["requirements.txt"].contains("agent-framework-core==1.26.0"));
        assert!(files["README.md"].contains("SimilarityEvaluator"));
        assert!(files["README.md"].contains("**3.5** of 5"));
        assert!(files["README.md"].contains("| prompt flow | Agent Framework | note |"));
        // .env.example: names only.
        for line in files[".env.example"].lines() {
            if !line.starts_with('#') && !line.is_empty() {
                assert!(
                    line.ends_with('='),
                    "{flow}: a value in .env.example: {line}"
                );
            }
        }
    }
    // Carried over for the developer: a node's prompt and code.
    let classify = files_of(&dir.path().join("web-classification"));
    assert!(classify["executors.py"].contains("Your task is to classify a given url"));
    assert!(classify["executors.py"].contains("def convert_to_dict(input_str: str):"));
    assert!(classify["requirements.txt"].contains("\nbs4\n"));
    assert!(!classify["requirements.txt"].contains("promptflow[azure]"));
    let custom = files_of(&dir.path().join("custom-tools"));
    assert!(custom[".env.example"].contains("CONTOSO_CONNECTION_API_KEY="));
    assert!(custom[".env.example"].contains("TRANSLATE_REVIEW_API_KEY="));
    assert!(custom["executors.py"].contains("os.environ.get(\"TRANSLATE_REVIEW_API_KEY\", \"\")"));
    assert!(custom["requirements.txt"].contains("contoso-tools==2.3.1"));
    assert!(!custom["requirements.txt"].contains("extra-index-url"));
    assert!(custom["README.md"].contains("## No direct equivalent"));

    // A second scaffold into the same folder never overwrites a project.
    let again = Command::new(pfrm_binary())
        .args(["migrate", "scaffold"])
        .arg(fixture("custom-tools"))
        .arg("--out")
        .arg(dir.path().join("custom-tools"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(6));
}

/// Builds the workflow with the real framework and describes what it built.
const DESCRIBE: &str = r#"
import json, sys
sys.path.insert(0, sys.argv[1])
from workflow import build_workflow
workflow = build_workflow()
groups = []
for group in workflow.to_dict()["edge_groups"]:
    if group["type"] == "InternalEdgeGroup":
        continue
    groups.append({
        "type": group["type"],
        "edges": sorted([e["source_id"], e["target_id"], bool(e.get("condition_name"))] for e in group["edges"]),
    })
print(json.dumps({
    "executors": sorted(workflow.executors),
    "start": workflow.start_executor_id,
    "groups": sorted(groups, key=json.dumps),
}))
"#;

/// The edge groups the audit planned, in the framework's terms.
fn planned_groups(audit: &FlowAudit) -> Vec<serde_json::Value> {
    let mut groups = Vec::new();
    for wiring in &audit.wiring {
        let conditional = wiring.kind == EdgeKind::Conditional;
        let edges = |pairs: Vec<(String, String)>| {
            let mut edges: Vec<serde_json::Value> = pairs
                .into_iter()
                .map(|(s, t)| serde_json::json!([s, t, conditional]))
                .collect();
            edges.sort_by_key(|e| e.to_string());
            edges
        };
        match wiring.kind {
            EdgeKind::Single | EdgeKind::Conditional => groups.push(serde_json::json!({
                "type": "SingleEdgeGroup",
                "edges": edges(vec![(wiring.sources[0].clone(), wiring.targets[0].clone())]),
            })),
            EdgeKind::FanOut => groups.push(serde_json::json!({
                "type": "FanOutEdgeGroup",
                "edges": edges(wiring.targets.iter().map(|t| (wiring.sources[0].clone(), t.clone())).collect()),
            })),
            EdgeKind::FanIn => groups.push(serde_json::json!({
                "type": "FanInEdgeGroup",
                "edges": edges(wiring.sources.iter().map(|s| (s.clone(), wiring.targets[0].clone())).collect()),
            })),
            EdgeKind::JoinBranches => {
                for source in &wiring.sources {
                    groups.push(serde_json::json!({
                        "type": "SingleEdgeGroup",
                        "edges": edges(vec![(source.clone(), wiring.targets[0].clone())]),
                    }));
                }
            }
        }
    }
    groups.sort_by_key(|g| g.to_string());
    groups
}

#[test]
fn every_skeleton_builds_with_the_real_agent_framework() {
    let python = match agent_framework_python() {
        Ok(python) => python,
        Err(reason) => {
            eprintln!("SKIPPED: the skeletons were not built with agent-framework-core: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    for flow in FLOWS {
        let out = dir.path().join(flow);
        scaffold(flow, &out);
        // No network or credentials involved: an empty home, no proxy, no Azure variables.
        let output = Command::new(&python)
            .args(["-c", DESCRIBE])
            .arg(&out)
            .env_clear()
            .env("HOME", dir.path())
            .env("PATH", "/usr/bin:/bin")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{flow}: build_workflow() failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let built: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let audit = audit(&FlowDefinition::read(&fixture(flow)).unwrap()).unwrap();
        let mut executors: Vec<String> = audit.nodes.iter().map(|n| n.name.clone()).collect();
        executors.push(START_ID.into());
        executors.push(END_ID.into());
        executors.sort();
        assert_eq!(built["executors"], serde_json::json!(executors), "{flow}");
        assert_eq!(built["start"], START_ID, "{flow}");
        let mut groups = built["groups"].as_array().unwrap().clone();
        groups.sort_by_key(|g| g.to_string());
        assert_eq!(
            groups,
            planned_groups(&audit),
            "{flow}: the framework built other edges than the audit planned"
        );
    }
    eprintln!(
        "built {} skeletons with the real framework in {:.1} s",
        FLOWS.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_conditional_branches_merge_with_plain_edges_in_the_built_workflow() {
    let python = match agent_framework_python() {
        Ok(python) => python,
        Err(reason) => {
            eprintln!("SKIPPED: the skeleton was not built with agent-framework-core: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("support-router");
    scaffold("support-router", &out);
    let output = Command::new(&python)
        .args(["-c", DESCRIBE])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let built: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let groups = built["groups"].as_array().unwrap();
    let into_compose: Vec<&serde_json::Value> = groups
        .iter()
        .filter(|g| {
            g["edges"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e[1] == "compose_reply")
        })
        .collect();
    assert_eq!(into_compose.len(), 2, "{into_compose:?}");
    assert!(into_compose.iter().all(|g| g["type"] == "SingleEdgeGroup"));
    let conditional: Vec<(String, String)> = groups
        .iter()
        .flat_map(|g| g["edges"].as_array().unwrap().clone())
        .filter(|e| e[2] == true)
        .map(|e| {
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        conditional,
        [
            ("classify_intent".to_owned(), "billing_answer".to_owned()),
            ("classify_intent".to_owned(), "find_kb_article".to_owned()),
            (START_ID.to_owned(), "page_on_call".to_owned()),
        ]
    );
}
