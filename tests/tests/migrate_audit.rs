//! `pfrm migrate audit`: each flow fixture (standard, chat and evaluation flows; conditions;
//! fan-out and fan-in; embed + vector lookup; custom tools; variants) is read, its DAG built from
//! the references, and mapped to Agent Framework concepts as Microsoft's mapping sets out.

use std::path::{Path, PathBuf};
use std::process::Command;

use pfrm_core::migration::flow_yaml::FlowDefinition;
use pfrm_core::migration::mapping::{
    audit, EdgeKind, FlowAudit, FlowKind, NodeKind, Target, Wiring, END_ID, START_ID,
};
use pfrm_core::ErrorCode;
use pfrm_tests::pfrm_binary;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("flows")
        .join(name)
}

fn audit_of(name: &str) -> FlowAudit {
    let flow = FlowDefinition::read(&fixture(name)).unwrap();
    audit(&flow).unwrap()
}

/// The audit of the fixture `name`, which must read as a flow of `kind`.
#[track_caller]
fn audit_of_kind(name: &str, kind: FlowKind) -> FlowAudit {
    let audit = audit_of(name);
    assert_eq!(audit.kind, kind);
    audit
}

fn names(audit: &FlowAudit) -> Vec<&str> {
    audit.nodes.iter().map(|n| n.name.as_str()).collect()
}

/// A wire as the tests write it: its kind, where it starts and where it ends.
type Edge = (EdgeKind, Vec<String>, Vec<String>);

fn edge(kind: EdgeKind, sources: &[&str], targets: &[&str]) -> Edge {
    (
        kind,
        sources.iter().map(|s| (*s).to_owned()).collect(),
        targets.iter().map(|t| (*t).to_owned()).collect(),
    )
}

/// `add_edge(source, target)`.
fn single(source: &str, target: &str) -> Edge {
    edge(EdgeKind::Single, &[source], &[target])
}

/// `add_fan_out_edges(source, targets)`.
fn fan_out(source: &str, targets: &[&str]) -> Edge {
    edge(EdgeKind::FanOut, &[source], targets)
}

/// `add_fan_in_edges(sources, target)`.
fn fan_in(sources: &[&str], target: &str) -> Edge {
    edge(EdgeKind::FanIn, sources, &[target])
}

/// `edges` in one fixed order (by their Debug text), so that two lists compare as sets.
fn in_order(mut edges: Vec<Edge>) -> Vec<Edge> {
    edges.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    edges
}

fn edges(audit: &FlowAudit) -> Vec<Edge> {
    in_order(
        audit
            .wiring
            .iter()
            .map(|w: &Wiring| (w.kind, w.sources.clone(), w.targets.clone()))
            .collect(),
    )
}

/// The flow is wired exactly as `expected` says, in any order.
fn assert_wiring(audit: &FlowAudit, expected: Vec<Edge>) {
    assert_eq!(edges(audit), in_order(expected));
}

#[test]
fn standard_flow_with_variants_fans_out_and_in_in_dependency_order() {
    let audit = audit_of_kind("web-classification", FlowKind::Standard);
    // Listed convert_to_dict first; the references put it last.
    assert_eq!(
        names(&audit),
        [
            "fetch_text_content_from_url",
            "summarize_text_content",
            "prepare_examples",
            "classify_with_llm",
            "convert_to_dict"
        ]
    );
    let summarize = audit.node("summarize_text_content").unwrap();
    assert_eq!(summarize.variants, ["variant_0", "variant_1"]);
    assert_eq!(
        summarize.kind,
        NodeKind::Llm,
        "type taken from the default variant"
    );
    assert_eq!(summarize.target, Target::Agent);
    assert_eq!(summarize.depends_on, ["fetch_text_content_from_url"]);
    assert_eq!(summarize.connections, ["open_ai_connection"]);
    assert_eq!(
        audit.node("convert_to_dict").unwrap().target,
        Target::ExecutorHandler
    );
    assert_wiring(
        &audit,
        vec![
            fan_out(
                START_ID,
                &["fetch_text_content_from_url", "prepare_examples"],
            ),
            single("fetch_text_content_from_url", "summarize_text_content"),
            fan_in(
                &["prepare_examples", "summarize_text_content"],
                "classify_with_llm",
            ),
            single("classify_with_llm", "convert_to_dict"),
            single("convert_to_dict", END_ID),
        ],
    );
    let outputs: Vec<(&str, &str)> = audit
        .outputs
        .iter()
        .map(|o| (o.name.as_str(), o.from.as_str()))
        .collect();
    assert_eq!(
        outputs,
        [
            ("category", "convert_to_dict"),
            ("evidence", "convert_to_dict")
        ]
    );
    assert_eq!(audit.connections.len(), 1);
    assert_eq!(
        audit.connections[0].variables,
        ["OPEN_AI_CONNECTION_ENDPOINT", "OPEN_AI_CONNECTION_API_KEY"]
    );
    assert_eq!(
        audit.connections[0].used_by,
        ["summarize_text_content", "classify_with_llm"]
    );
    assert!(audit.gaps.is_empty(), "{:?}", audit.gaps);
    assert!(audit
        .table
        .iter()
        .any(|row| row.prompt_flow.contains("summarize_text_content")
            && row.note.contains("variant_1")));
}

#[test]
fn chat_flow_maps_embed_and_vector_lookup_to_one_context_provider() {
    let audit = audit_of_kind("chat-with-docs", FlowKind::Chat);
    assert!(audit
        .inputs
        .iter()
        .any(|i| i.name == "question" && i.is_chat_input));
    assert!(audit
        .inputs
        .iter()
        .any(|i| i.name == "chat_history" && i.is_chat_history && i.python_type == "list[Any]"));
    assert!(audit
        .outputs
        .iter()
        .any(|o| o.name == "answer" && o.is_chat_output));
    let kinds: Vec<(&str, NodeKind, Target)> = audit
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.kind, n.target))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "embed_question",
                NodeKind::Embedding,
                Target::ContextProvider
            ),
            (
                "search_docs",
                NodeKind::VectorLookup,
                Target::ContextProvider
            ),
            (
                "build_prompt_context",
                NodeKind::Python,
                Target::ExecutorHandler
            ),
            ("chat_prompt", NodeKind::Prompt, Target::ExecutorHandler),
            ("chat_with_context", NodeKind::Llm, Target::Agent),
        ]
    );
    assert_eq!(audit.context_providers.len(), 1);
    assert_eq!(
        audit.context_providers[0].embedding_node.as_deref(),
        Some("embed_question")
    );
    assert_eq!(audit.context_providers[0].lookup_node, "search_docs");
    // Connections named in the tools' inputs count too.
    let connections: Vec<(&str, Vec<&str>)> = audit
        .connections
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.used_by.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        connections,
        [
            (
                "aoai_connection",
                vec!["embed_question", "chat_with_context"]
            ),
            ("docs_search_connection", vec!["search_docs"]),
        ]
    );
    // Two outputs from unconditional nodes: the terminal executor waits for both.
    assert!(edges(&audit).contains(&fan_in(&["chat_with_context", "search_docs"], END_ID)));
    assert!(audit.table.iter().any(|row| row
        .note
        .contains("Embed Text `embed_question` + Vector Lookup `search_docs`")));
}

#[test]
fn conditions_become_conditional_edges_and_their_branches_join_with_plain_edges() {
    let audit = audit_of("support-router");
    let conditional: Vec<(String, String, String)> = audit
        .wiring
        .iter()
        .filter(|w| w.kind == EdgeKind::Conditional)
        .map(|w| {
            (
                w.sources[0].clone(),
                w.targets[0].clone(),
                w.condition.as_ref().unwrap().describe(),
            )
        })
        .collect();
    assert_eq!(
        conditional,
        [
            (
                "classify_intent".to_owned(),
                "billing_answer".to_owned(),
                "classify_intent.output == \"billing\"".to_owned()
            ),
            (
                "classify_intent".to_owned(),
                "find_kb_article".to_owned(),
                "classify_intent.output == \"technical\"".to_owned()
            ),
            (
                START_ID.to_owned(),
                "page_on_call".to_owned(),
                "inputs.priority == \"high\"".to_owned()
            ),
        ]
    );
    // Only one branch runs, so the merge is plain edges, never a fan-in.
    assert!(edges(&audit).contains(&edge(
        EdgeKind::JoinBranches,
        &["billing_answer", "technical_answer"],
        &["compose_reply"]
    )));
    assert!(!audit
        .wiring
        .iter()
        .any(|w| w.kind == EdgeKind::FanIn && w.targets == ["compose_reply"]));
    let compose = audit.node("compose_reply").unwrap();
    assert!(compose
        .notes
        .iter()
        .any(|n| n.contains("a fan-in would wait forever")));
    // technical_answer follows find_kb_article inside the "technical" branch.
    assert!(edges(&audit).contains(&single("find_kb_article", "technical_answer")));
    assert!(!audit.node("billing_answer").unwrap().condition_in_handler);
}

#[test]
fn evaluation_flow_flags_its_aggregation_with_a_route() {
    let audit = audit_of_kind("eval-groundedness", FlowKind::Evaluation);
    assert_eq!(
        names(&audit),
        ["grade_groundedness", "parse_score", "aggregate_scores"]
    );
    assert!(audit.node("aggregate_scores").unwrap().aggregation);
    assert_eq!(audit.gaps.len(), 1);
    assert_eq!(audit.gaps[0].subject, "node aggregate_scores");
    assert!(audit.gaps[0].route.contains("Azure AI Evaluation SDK"));
    assert!(edges(&audit).contains(&fan_out("parse_score", &["aggregate_scores", END_ID])));
    assert_eq!(audit.inputs.len(), 3);
    assert_eq!(audit.outputs[0].python_type, "float");
    assert_eq!(audit.connections[0].name, "judge_connection");
}

#[test]
fn independent_searches_fan_out_and_merge_with_a_fan_in() {
    let audit = audit_of("research-fanout");
    assert_wiring(
        &audit,
        vec![
            fan_out(START_ID, &["search_web", "search_wikipedia", "search_news"]),
            fan_in(
                &["search_news", "search_web", "search_wikipedia"],
                "merge_results",
            ),
            single("merge_results", "write_report"),
            fan_in(&["merge_results", "write_report"], END_ID),
        ],
    );
    let web = audit.node("search_web").unwrap();
    assert_eq!(web.kind, NodeKind::BuiltinTool);
    assert_eq!(web.target, Target::ExecutorHandler);
    assert_eq!(web.connections, ["serp_connection"]);
    assert_eq!(
        audit
            .inputs
            .iter()
            .map(|i| i.python_type.as_str())
            .collect::<Vec<_>>(),
        ["str", "int"]
    );
}

#[test]
fn custom_tool_packages_and_literal_credentials_are_flagged() {
    let audit = audit_of("custom-tools");
    let gaps: Vec<(&str, &str)> = audit
        .gaps
        .iter()
        .map(|g| (g.subject.as_str(), g.what.as_str()))
        .collect();
    assert_eq!(
        gaps,
        [
            (
                "node analyze_sentiment",
                "Custom tool package contoso_tools.sentiment.analyze"
            ),
            (
                "node translate_review",
                "Custom tool package contoso_tools.translate.TranslatorTool.translate"
            ),
            (
                "node translate_review",
                "Input 'api_key' holds a literal that looks like a credential"
            ),
        ]
    );
    assert!(audit.gaps[0].route.contains("function tool"));
    let translate = audit.node("translate_review").unwrap();
    assert_eq!(translate.target, Target::NoDirectEquivalent);
    assert_eq!(
        translate.secret_inputs[0].variable,
        "TRANSLATE_REVIEW_API_KEY"
    );
    let moderate = audit.node("moderate").unwrap();
    assert_eq!(moderate.kind, NodeKind::BuiltinTool);
    // Nothing the audit reports carries the credential.
    let json = serde_json::to_string(&audit).unwrap();
    assert!(!json.contains("CANARY"), "{json}");
}

#[test]
fn an_unreadable_flow_names_the_file_and_the_line() {
    let error = FlowDefinition::read(&fixture("broken-yaml")).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(
        error
            .message
            .contains("broken-yaml/flow.dag.yaml, line 14, column 13"),
        "{}",
        error.message
    );
}

fn pfrm(args: &[&str]) -> std::process::Output {
    Command::new(pfrm_binary())
        .args(args)
        .env("PFRM_TODAY", "2026-12-06")
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

#[test]
fn the_cli_prints_the_mapping_as_text_and_json_without_signing_in() {
    let path = fixture("support-router");
    let path = path.to_str().unwrap();
    let output = pfrm(&["migrate", "audit", path]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("retires on 2027-04-20 (in 135 days)"),
        "{stderr}"
    );
    for expected in [
        "Flow support-router (standard flow)",
        "classify_intent",
        "agent (chat client) in an Executor ClassifyIntentExecutor",
        "conditional",
        "when classify_intent.output == \"billing\"",
        "join (plain edges) billing_answer, technical_answer → compose_reply",
        "aoai_connection → AOAI_CONNECTION_ENDPOINT, AOAI_CONNECTION_API_KEY",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }

    let output = pfrm(&["--json", "migrate", "audit", path]);
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "--json prints no notice");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["kind"], "standard");
    assert_eq!(json["nodes"].as_array().unwrap().len(), 6);
    assert!(json["wiring"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "joinBranches"));

    let broken = fixture("broken-yaml");
    let output = pfrm(&["migrate", "audit", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("flow.dag.yaml, line 14, column 13"),
        "{stderr}"
    );
    assert!(stderr.contains("flow sequence at line 13"), "{stderr}");
}

#[test]
fn help_opens_with_the_retirement_and_the_days_left() {
    let output = pfrm(&["--help"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Prompt flow retires on 2027-04-20 (in 135 days)"),
        "{stdout}"
    );
    assert!(stdout.contains("migrate"), "{stdout}");
    let after = Command::new(pfrm_binary())
        .arg("--help")
        .env("PFRM_TODAY", "2027-05-01")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&after.stdout)
        .contains("Prompt flow retired on 2027-04-20 (11 days ago)"));
}
