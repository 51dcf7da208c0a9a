//! Requests and responses as the emulated services see them: a request fully read with its query
//! decoded, and a response body that fault injection can cut short.

use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Method, Response, StatusCode};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Largest request body accepted (ARM's own limit is 4 MiB).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// A request as the emulated services see it: fully read, query decoded.
#[derive(Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub body_too_large: bool,
}

impl Req {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

pub fn form_get<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Response body: whole, or cut short (fault injection) and then failed.
pub struct EmuBody {
    pub(crate) data: Option<Bytes>,
    pub(crate) fail_after: bool,
}

impl EmuBody {
    /// The whole body, unless it is to be cut short.
    pub fn bytes(&self) -> Option<&Bytes> {
        self.data.as_ref().filter(|_| !self.fail_after)
    }
}

impl hyper::body::Body for EmuBody {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(data) = self.data.take() {
            if !data.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
        }
        if self.fail_after {
            self.fail_after = false;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected truncated body",
            ))));
        }
        Poll::Ready(None)
    }
    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail_after
    }
    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.fail_after) {
            (Some(d), false) => SizeHint::with_exact(d.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

pub type Resp = Response<EmuBody>;

pub fn body(bytes: impl Into<Bytes>) -> EmuBody {
    EmuBody {
        data: Some(bytes.into()),
        fail_after: false,
    }
}

pub fn json_resp(status: u16, value: &serde_json::Value) -> Resp {
    let mut r = Response::new(body(value.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

pub fn text_resp(status: u16, content_type: &'static str, text: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(body(text));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

pub fn empty_resp(status: u16) -> Resp {
    let mut r = Response::new(body(Bytes::new()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r
}

pub fn set_header(r: &mut Resp, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        r.headers_mut().insert(n, v);
    }
}
