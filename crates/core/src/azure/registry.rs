//! The container registry (MCR, Docker Registry HTTP API v2): runtime image tags. Anonymous.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use url::Url;

use super::url_with_segments;
use crate::cloud::Audience;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{ApiRequest, ApiResponse, Pipeline};
use crate::model::{ImageTag, ImageVersion};

/// The repository of the prompt flow runtime image.
pub const RUNTIME_REPOSITORY: &str = "azureml/promptflow/promptflow-runtime-stable";

/// Upper bound on pages of one tag list.
const MAX_PAGES: usize = 200;

#[derive(Debug, Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
struct CachedPage {
    etag: String,
    tags: Vec<String>,
    next: Option<Url>,
}

/// Client for the registry. Remembers each page's ETag and revalidates with `If-None-Match`,
/// so a repeated check costs a 304. Cheap to clone (the cache is shared).
#[derive(Debug, Clone)]
pub struct RegistryClient {
    pipeline: Pipeline,
    cache: Arc<Mutex<HashMap<String, CachedPage>>>,
}

/// `Link: <url>; rel="next"` → the next page's URL, resolved against the current one.
fn next_link(response: &ApiResponse) -> Option<Url> {
    let values = response
        .headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok());
    next_link_in(values, &response.url)
}

/// The `rel="next"` target among `Link` header values, resolved against `base`. Pages are
/// followed on the same origin only: a target on another host, or on plain HTTP, or the page
/// itself, is no next page.
pub(crate) fn next_link_in<'a>(
    values: impl IntoIterator<Item = &'a str>,
    base: &Url,
) -> Option<Url> {
    for value in values {
        for link in value.split(',') {
            let mut parts = link.split(';');
            let target = parts.next()?.trim();
            let is_next = parts.any(|param| {
                let param = param.trim().to_ascii_lowercase();
                param == "rel=\"next\"" || param == "rel=next"
            });
            if is_next {
                let target = target.trim_start_matches('<').trim_end_matches('>');
                return base
                    .join(target)
                    .ok()
                    .filter(|next| next.origin() == base.origin() && next != base);
            }
        }
    }
    None
}

impl RegistryClient {
    /// The pipeline should be anonymous ([`Pipeline::anonymous`]); no token is requested anyway.
    pub fn new(pipeline: Pipeline) -> Self {
        RegistryClient {
            pipeline,
            cache: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// All tags of `repository` (for example [`RUNTIME_REPOSITORY`]), in the registry's order.
    /// `page_size` asks for pages of that many tags (`n`); links are followed either way.
    pub async fn list_tags(&self, repository: &str, page_size: Option<u32>) -> Result<Vec<String>> {
        let base = &self.pipeline.cloud().registry_endpoint;
        let segments = std::iter::once("v2")
            .chain(repository.split('/').filter(|s| !s.is_empty()))
            .chain(["tags", "list"]);
        let mut url = url_with_segments(base, segments)?;
        if let Some(n) = page_size {
            url.query_pairs_mut().append_pair("n", &n.to_string());
        }
        let mut tags = Vec::new();
        let mut next = Some(url);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                break;
            }
            let (page_tags, page_next) = self.fetch_page(repository, url.clone()).await?;
            tags.extend(page_tags);
            next = page_next;
        }
        Ok(tags)
    }

    async fn fetch_page(&self, repository: &str, url: Url) -> Result<(Vec<String>, Option<Url>)> {
        let key = url.to_string();
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned());
        let mut request = ApiRequest::get(
            url,
            Audience::None,
            format!("list the versions of image {repository}"),
        )
        .accept(304);
        if let Some(cached) = &cached {
            request = request.header("If-None-Match", cached.etag.clone());
        }
        let response = self.pipeline.send(&request).await?;
        if response.status == 304 {
            if let Some(cached) = cached {
                return Ok((cached.tags, cached.next));
            }
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "The registry answered 'not modified' for {repository} without a cached copy."
                ),
            ));
        }
        let list: TagList = response.json(&request.operation)?;
        let tags = list.tags.unwrap_or_default();
        let next = next_link(&response);
        if let Some(etag) = response.header("etag") {
            if let Ok(mut cache) = self.cache.lock() {
                cache.insert(
                    key,
                    CachedPage {
                        etag: etag.to_owned(),
                        tags: tags.clone(),
                        next: next.clone(),
                    },
                );
            }
        }
        Ok((tags, next))
    }

    /// The runtime image versions in the `YYYYMMDD.vN` scheme, newest first (other tags such as
    /// `latest` are ignored).
    pub async fn image_versions(&self, repository: &str) -> Result<Vec<ImageVersion>> {
        let tags = self.list_tags(repository, None).await?;
        let host = &self.pipeline.cloud().registry_host;
        Ok(ImageTag::newest_first(tags.iter().map(String::as_str))
            .iter()
            .map(|tag| ImageVersion::new(host, repository, tag))
            .collect())
    }
}
