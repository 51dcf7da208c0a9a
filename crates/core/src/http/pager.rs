//! Paged ARM-style lists: `{"value":[...],"nextLink":"..."}`, following `nextLink` verbatim.

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use super::{ApiRequest, Pipeline};
use crate::error::{Error, ErrorCode, Result};

/// Upper bound on pages, so a service that keeps returning links cannot loop pfrm forever.
pub const MAX_PAGES: u32 = 500;

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct Page<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(default, rename = "nextLink", alias = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Walks the pages of a list. The continuation link is opaque: it is called exactly as given
/// (it already carries `api-version` and any `$skipToken`), with the first request's token
/// audience and headers, and only on the first request's origin.
pub struct Pager<T> {
    pipeline: Pipeline,
    next: Option<ApiRequest>,
    first_url: Url,
    seen: HashSet<String>,
    pages: u32,
    _items: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub fn new(pipeline: Pipeline, first: ApiRequest) -> Self {
        Pager {
            pipeline,
            first_url: first.url.clone(),
            next: Some(first),
            seen: HashSet::new(),
            pages: 0,
            _items: PhantomData,
        }
    }

    /// The next page's items, or `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        self.pages += 1;
        let page: Page<T> = self.pipeline.send_json(&request).await?;
        if let Some(link) = page.next_link.filter(|link| !link.is_empty()) {
            let url = self.first_url.join(&link).map_err(|error| {
                Error::new(
                    ErrorCode::Service,
                    format!(
                        "Azure returned an unreadable next-page link while trying to {}: {error}.",
                        request.operation
                    ),
                )
            })?;
            let same_origin = url.scheme() == self.first_url.scheme()
                && url.host_str() == self.first_url.host_str()
                && url.port_or_known_default() == self.first_url.port_or_known_default();
            if !same_origin {
                return Err(Error::new(
                    ErrorCode::Service,
                    format!(
                        "Azure returned a next-page link on another host ({}) while trying to {}; pfrm does not follow it.",
                        url.host_str().unwrap_or("?"),
                        request.operation
                    ),
                ));
            }
            if self.pages >= MAX_PAGES || !self.seen.insert(url.to_string()) {
                tracing::warn!(operation = %request.operation, "stopping a list that does not end");
            } else {
                self.next = Some(ApiRequest {
                    url,
                    query: Vec::new(),
                    body: None,
                    form: Vec::new(),
                    ..request
                });
            }
        }
        Ok(Some(page.value))
    }

    /// All items of all pages.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page);
        }
        Ok(items)
    }
}
