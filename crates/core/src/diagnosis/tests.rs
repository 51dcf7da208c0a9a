use serde_json::json;

use super::*;
use crate::error::ErrorCode;

fn code_of(message: &str, codes: &[&str]) -> Option<String> {
    diagnose(message, codes).map(|diagnosis| diagnosis.code)
}

#[test]
fn the_shipped_table_parses_and_every_pattern_is_complete() {
    let specs = parse_table(PATTERNS_YAML).expect("patterns.yaml is valid");
    assert!(specs.len() >= 8, "{} patterns", specs.len());
    let mut seen = std::collections::HashSet::new();
    for spec in &specs {
        assert!(
            seen.insert(spec.code.clone()),
            "duplicate code {}",
            spec.code
        );
        assert!(
            spec.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "code {} is not kebab-case",
            spec.code
        );
        assert!(!spec.cause.trim().is_empty(), "{}: no cause", spec.code);
        assert!(!spec.remedy.trim().is_empty(), "{}: no remedy", spec.code);
        assert!(!spec.examples.is_empty(), "{}: no example", spec.code);
    }
    assert_eq!(table().len(), specs.len(), "every pattern compiles");
}

#[test]
fn every_example_is_recognised_as_its_own_pattern_and_fills_every_placeholder() {
    let specs = parse_table(PATTERNS_YAML).unwrap();
    let mut checked = 0;
    for spec in &specs {
        for example in &spec.examples {
            let diagnosis = diagnose(example.message(), &example.codes())
                .unwrap_or_else(|| panic!("{}: not recognised: {:?}", spec.code, example));
            assert_eq!(diagnosis.code, spec.code, "{:?}", example.message());
            for text in [&diagnosis.cause, &diagnosis.remedy] {
                assert!(
                    !text.contains('{') || text.contains("{\""),
                    "{}: unfilled placeholder in {text:?}",
                    spec.code
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 16, "{checked} examples");
}

#[test]
fn a_malformed_pattern_is_refused_with_its_code() {
    let broken = "- code: broken\n  when:\n    - message: '(unclosed'\n  cause: c\n  remedy: r\n  examples: [x]\n";
    let error = parse_table(broken).unwrap_err();
    assert!(error.contains("broken"), "{error}");
    let empty = "- code: empty\n  when:\n    - {}\n  cause: c\n  remedy: r\n  examples: [x]\n";
    assert!(parse_table(empty).unwrap_err().contains("empty"));
    let unknown_field = "- code: x\n  when: [{message: a}]\n  cause: c\n  remedy: r\n  examples: [a]\n  colour: red\n";
    assert!(parse_table(unknown_field).is_err());
}

// One test per row of the table users reported, with the message as they quoted it.

#[test]
fn runtime_starting_timeout_points_at_the_image_and_the_default_environment() {
    let diagnosis = diagnose("UserError: FlowRuntime test in compute instance lms-prompt-flow-gb compute is not ready: runtime starting timeout. Please try to create a new compute instance to hold runtime", &["UserError"]).unwrap();
    assert_eq!(diagnosis.code, "runtime-start-timeout");
    assert!(diagnosis.remedy.contains("prompt flow runtime image"));
    assert_eq!(
        diagnosis.action,
        Some(DiagnosisAction::UseDefaultEnvironment)
    );
}

#[test]
fn an_instance_assigned_to_someone_else_names_the_instance_and_its_assignee() {
    let diagnosis = diagnose(
        "User 0b7e5a4c-3a8d-4a32-9d0e-5b2b8f1e7c11 is not authorized to invoke this runtime as the runtime compute instance ci-alice is assigned to 9c3a1f2e-7d4b-4e8a-b1c6-2f5d8e9a0b13.",
        &[],
    )
    .unwrap();
    assert_eq!(diagnosis.code, "compute-instance-assigned-to-someone-else");
    assert!(diagnosis.cause.contains("ci-alice"), "{}", diagnosis.cause);
    assert!(
        diagnosis
            .cause
            .contains("9c3a1f2e-7d4b-4e8a-b1c6-2f5d8e9a0b13"),
        "{}",
        diagnosis.cause
    );
    assert!(diagnosis.remedy.contains("your own compute instance"));
}

#[test]
fn custom_application_failures_are_recognised_in_both_wordings() {
    for message in [
        "Failed to provision Automatic runtime, id: x, error code: ValidationError/ValidationError, message: Custom application deployment failed after retry with new compute sessionffb96d2ecd50, abort session creation for Session ID: x.",
        "UserError: Failed to submit bulk run due to Automatic runtime provision failed, please check promptflow-automatic.log under current run for details.",
    ] {
        assert_eq!(code_of(message, &[]).as_deref(), Some("custom-app-failed"), "{message}");
    }
}

#[test]
fn an_image_outside_acr_names_the_image_even_inside_a_provisioning_failure() {
    let diagnosis = diagnose("Failed to provision Automatic runtime, id: 4bdd38a0, error code: ValidationError/ValidationError, message: [docker.io/contoso/contoso-store:v20240124.1] is not a valid name for an ACR image with tag specified.", &[]).unwrap();
    assert_eq!(diagnosis.code, "image-not-in-acr");
    assert!(
        diagnosis
            .cause
            .contains("docker.io/contoso/contoso-store:v20240124.1"),
        "{}",
        diagnosis.cause
    );
}

#[test]
fn shared_key_access_disabled_is_recognised_by_message_or_code_and_opens_storage_roles() {
    let by_message = diagnose(
        "Key based authentication is not permitted on this storage account.\nRequestId:310ebc5d\nTime:2024-08-09T17:14:19Z",
        &[],
    )
    .unwrap();
    assert_eq!(by_message.code, "storage-key-access-disabled");
    assert_eq!(
        by_message.action,
        Some(DiagnosisAction::OpenPermissions {
            role: "Storage Blob Data Contributor".into(),
            scope: RoleScope::Storage
        })
    );
    assert_eq!(
        code_of(
            "This request is not authorized.",
            &["KeyBasedAuthenticationNotPermitted"]
        )
        .as_deref(),
        Some("storage-key-access-disabled")
    );
}

#[test]
fn an_unreadable_dag_yaml_grants_storage_file_data_privileged_contributor() {
    let diagnosis = diagnose("Unable to access the dag.yaml file in flow folder Users/alice/promptflow/web-classification. Please check the storage setting and make sure the file exists.", &[]).unwrap();
    assert_eq!(diagnosis.code, "storage-file-access-denied");
    assert_eq!(
        diagnosis.action,
        Some(DiagnosisAction::OpenPermissions {
            role: "Storage File Data Privileged Contributor".into(),
            scope: RoleScope::Storage
        })
    );
}

#[test]
fn quota_messages_name_the_size_and_open_the_quota_page() {
    let diagnosis = diagnose("Not enough quota available for Standard_DS3_v2 in SubscriptionId 0a1b. Current usage/limit: 0/6. Additional needed: 8", &[]).unwrap();
    assert_eq!(diagnosis.code, "vm-quota-exceeded");
    assert!(diagnosis.cause.contains("Standard_DS3_v2"));
    assert_eq!(diagnosis.action, Some(DiagnosisAction::OpenQuotaPage));
    assert_eq!(
        code_of("Operation could not be completed as it results in exceeding approved standardDASv5Family Cores quota. Additional details - Location: eastus, Current Limit: 100", &["OperationNotAllowed"]).as_deref(),
        Some("vm-quota-exceeded")
    );
}

#[test]
fn prompt_flow_not_supported_on_a_data_lake_default_datastore() {
    assert_eq!(
        code_of(
            "Prompt flow is not supported in this workspace.",
            &["UserError", "PromptFlowNotSupported"]
        )
        .as_deref(),
        Some("datalake-default-datastore")
    );
    assert_eq!(
        code_of("The workspace's default datastore 'lake' is of type AzureDataLakeGen2; prompt flow needs an Azure Blob default datastore.", &[]).as_deref(),
        Some("datalake-default-datastore")
    );
}

#[test]
fn unknown_and_ordinary_messages_are_left_undiagnosed() {
    for message in [
        "",
        "The runtime rt-1 is running.",
        "The compute instance 'ci-alice' is Stopped.",
        "The client 'alice@contoso.com' with object id 'x' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/s'.",
        "The runtime container did not become healthy: the readiness probe on port 8080 timed out.",
        "Something nobody has seen before happened (code 0xdeadbeef).",
    ] {
        assert_eq!(code_of(message, &["UserError", "RuntimeStartFailed"]), None, "{message}");
    }
}

#[test]
fn error_codes_are_read_from_outer_inner_and_detail_levels() {
    let body = json!({"error": {"code": "UserError", "message": "m",
        "innerError": {"code": "NotSupported", "innerError": {"code": "PromptFlowNotSupported"}},
        "details": [{"code": "KeyBasedAuthenticationNotPermitted", "message": "d"}]}});
    assert_eq!(
        error_codes(&body),
        [
            "UserError",
            "NotSupported",
            "PromptFlowNotSupported",
            "KeyBasedAuthenticationNotPermitted"
        ]
    );
    assert!(error_codes(&json!("text")).is_empty());
}

#[test]
fn an_attached_diagnosis_travels_in_the_error_details_and_replaces_the_generic_remedy() {
    let error = Error::new(ErrorCode::Service, "Azure refused. Azure said: Key based authentication is not permitted on this storage account.")
        .with_remedy("Read the message above.");
    let error = attach_if_known(
        error,
        "Key based authentication is not permitted on this storage account.",
        &[],
    );
    let diagnosis = of_error(&error).expect("diagnosed");
    assert_eq!(diagnosis.code, "storage-key-access-disabled");
    assert_eq!(error.remedy.as_deref(), Some(diagnosis.remedy.as_str()));
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(
        json["details"]["diagnosis"]["code"],
        "storage-key-access-disabled"
    );
    assert_eq!(
        json["details"]["diagnosis"]["action"]["type"],
        "openPermissions"
    );
    assert_eq!(json["details"]["diagnosis"]["action"]["scope"], "storage");
    // The one-error shape is unchanged: {code, message, remedy, details}.
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["code", "details", "message", "remedy"]);

    let plain = attach_if_known(
        Error::new(ErrorCode::Service, "x").with_remedy("r"),
        "x",
        &[],
    );
    assert_eq!(plain.remedy.as_deref(), Some("r"));
    assert!(of_error(&plain).is_none());
}
