//! The registry and Graph clients against the emulator over HTTPS.

mod clients_common;

use clients_common::{Env, ALICE, ALICE_OID};
use pfrm_core::azure::graph::GraphClient;
use pfrm_core::azure::registry::{RegistryClient, RUNTIME_REPOSITORY};
use pfrm_core::http::Pipeline;
use pfrm_core::model::ImageTag;
use pfrm_core::ErrorCode;

#[tokio::test]
async fn runtime_image_versions_are_listed_newest_first_across_pages() {
    let env = Env::start().await;
    let registry = RegistryClient::new(Pipeline::anonymous(&env.cloud).unwrap());
    let one_page = registry.list_tags(RUNTIME_REPOSITORY, None).await.unwrap();
    let paged = registry
        .list_tags(RUNTIME_REPOSITORY, Some(2))
        .await
        .unwrap();
    assert!(one_page.len() > 2, "{one_page:?}");
    assert_eq!(
        paged, one_page,
        "following Link gives the same tags as one page"
    );
    // Asking again revalidates with the ETag and still gives the same answer.
    assert_eq!(
        registry
            .list_tags(RUNTIME_REPOSITORY, Some(2))
            .await
            .unwrap(),
        one_page
    );

    let versions = registry.image_versions(RUNTIME_REPOSITORY).await.unwrap();
    assert!(!versions.is_empty());
    let tags: Vec<ImageTag> = versions
        .iter()
        .map(|v| ImageTag::parse(&v.tag).unwrap())
        .collect();
    assert!(
        tags.windows(2).all(|pair| pair[0] > pair[1]),
        "not newest first: {versions:?}"
    );
    assert!(versions[0]
        .image
        .ends_with(&format!("{RUNTIME_REPOSITORY}:{}", versions[0].tag)));

    let error = registry
        .list_tags("azureml/no-such-repo", None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn graph_finds_the_signed_in_user_by_id_upn_and_mail() {
    let env = Env::start().await;
    let graph = GraphClient::new(env.pipeline.clone());
    let me = graph.me().await.unwrap();
    assert_eq!(me.id, ALICE_OID);
    assert_eq!(me.user_principal_name.as_deref(), Some(ALICE));
    assert_eq!(graph.get_user(ALICE).await.unwrap().id, ALICE_OID);
    assert_eq!(
        graph
            .get_user(ALICE_OID)
            .await
            .unwrap()
            .user_principal_name
            .as_deref(),
        Some(ALICE)
    );
    let by_mail = graph.find_users_by_mail(ALICE).await.unwrap();
    assert_eq!(by_mail.len(), 1);
    assert_eq!(by_mail[0].id, ALICE_OID);
    let missing = graph
        .get_user("bob_fabrikam.com#EXT#@contoso.onmicrosoft.com")
        .await
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
}
