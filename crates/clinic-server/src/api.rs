//! The HTTP API (`/v1/...`, JSON). Every route but `/health`, pairing, `/v1/token` (which exchanges
//! a device's credential for a 15-minute access token and its next credential) and the API's own
//! description needs an access token; every error is a 4xx or 5xx with `{code, message}`; every answer
//! carries the server's epoch in `Clinic-Epoch` and its time (ms) in `Clinic-Time`.
//!
//! Each route is a handler annotated with `#[utoipa::path]` and registered through utoipa-axum's
//! `OpenApiRouter`, so the OpenAPI document (`/v1/openapi.json`, and the reference page made from it)
//! is generated from the same code that serves the route.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::{Json, Router};
use chrono::Utc;
use clinic_store::protocol::{
    AuditChainHead, AuditPush, ClinicAuditPage, ClinicAuditQuery, DeviceInfo, ErrorAnswer,
    PairRequest, Paired, PullAnswer, PushAnswer, PushRequest, PushResult, ReenrolRequest,
    TokenAnswer, TokenRequest, routes,
};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes as handlers;

use crate::error::{ServerError, ServerResult};
use crate::live::Live;
use crate::store::ClinicStorage;

/// The largest request body taken (a push of a few thousand changes fits well within it).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The most changes one pull answers with.
pub const MAX_PULL_PAGE: usize = 5_000;

#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn ClinicStorage>,
    pub epoch: String,
    /// Announces each push's changes to the devices listening (`/v1/events`).
    pub live: Arc<Live>,
}

/// What the document says of the API as a whole; each route adds its own part.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Clinic server",
        description = "How the computers of one clinic exchange their changes. Every answer carries \
                       the server's epoch (`Clinic-Epoch`) and its time in ms (`Clinic-Time`); every \
                       error is `{code, message}`."
    ),
    modifiers(&AccessToken)
)]
struct ApiDoc;

/// The access token `/v1/token` gives, sent as `Authorization: Bearer ...`.
struct AccessToken;

impl Modify for AccessToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The routes and the OpenAPI document generated from them.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(handlers!(health))
        .routes(handlers!(pair))
        .routes(handlers!(token))
        .routes(handlers!(reenrol))
        .routes(handlers!(push))
        .routes(handlers!(pull))
        .routes(handlers!(devices))
        .routes(handlers!(events))
        .routes(handlers!(audit_head))
        .routes(handlers!(push_audit, clinic_audit))
        .routes(handlers!(openapi_document))
        .routes(handlers!(reference))
        .split_for_parts()
}

/// The server's OpenAPI document (for the reference page, tools and tests).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api().1;
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

pub fn router(state: AppState) -> Router {
    api()
        .0
        .fallback(|| async { ServerError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// The name of the schema a body follows, as the document's components name it.
fn schema_name(content: &utoipa::openapi::Content) -> Option<String> {
    match content.schema.as_ref()? {
        utoipa::openapi::RefOr::Ref(reference) => {
            Some(reference.ref_location.rsplit('/').next()?.to_owned())
        }
        utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Array(array)) => match &array.items {
            utoipa::openapi::schema::ArrayItems::RefOrSchema(item) => match item.as_ref() {
                utoipa::openapi::RefOr::Ref(reference) => {
                    Some(format!("[{}]", reference.ref_location.rsplit('/').next()?))
                }
                utoipa::openapi::RefOr::T(_) => None,
            },
            utoipa::openapi::schema::ArrayItems::False => None,
        },
        utoipa::openapi::RefOr::T(_) => None,
    }
}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", responses(
    (status = 200, description = "The OpenAPI document of this API", content_type = "application/json"),
))]
async fn openapi_document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// The API reference, as a page to read.
#[utoipa::path(get, path = "/v1/reference", responses(
    (status = 200, description = "The API reference page", content_type = "text/html"),
))]
async fn reference() -> Html<String> {
    Html(reference_page(&openapi()))
}

/// The API reference page: every route with what it takes and answers, from the OpenAPI document.
/// Plain HTML, no scripts: the clinic's network may have no internet for a script to come from.
fn reference_page(doc: &utoipa::openapi::OpenApi) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} API</title>\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}\
         code{{background:#f3f3f3;padding:0 .2em}}h2{{margin-top:2em}}</style></head><body>\
         <h1>{title} API {version}</h1><p>{description}</p>\
         <p>The machine-readable document: <a href=\"{openapi}\">{openapi}</a>.</p>",
        title = escape(&doc.info.title),
        version = escape(&doc.info.version),
        description = escape(doc.info.description.as_deref().unwrap_or_default()),
        openapi = routes::OPENAPI,
    );
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            let Some(operation) = operation else { continue };
            let said = [&operation.summary, &operation.description]
                .into_iter()
                .flatten()
                .map(|text| escape(text))
                .collect::<Vec<_>>()
                .join(" ");
            page.push_str(&format!(
                "<h2><code>{method} {path}</code></h2><p>{said}</p>"
            ));
            if operation.security.is_some() {
                page.push_str("<p>Needs an access token.</p>");
            }
            if let Some(parameters) = &operation.parameters {
                let named = parameters
                    .iter()
                    .map(|p| {
                        let said = p.description.as_deref().map(escape).unwrap_or_default();
                        format!("<code>{}</code> {said}", escape(&p.name))
                    })
                    .collect::<Vec<_>>();
                page.push_str(&format!("<p>Query: {}</p>", named.join("; ")));
            }
            if let Some(body) = &operation.request_body {
                let takes = body
                    .content
                    .values()
                    .filter_map(schema_name)
                    .collect::<Vec<_>>();
                if !takes.is_empty() {
                    page.push_str(&format!("<p>Takes <code>{}</code>.</p>", takes.join(", ")));
                }
            }
            page.push_str("<ul>");
            for (status, response) in &operation.responses.responses {
                let (said, body) = match response {
                    utoipa::openapi::RefOr::T(response) => (
                        escape(&response.description),
                        response.content.values().find_map(schema_name),
                    ),
                    utoipa::openapi::RefOr::Ref(reference) => {
                        (escape(&reference.ref_location), None)
                    }
                };
                let body = body
                    .map(|name| format!(": <code>{name}</code>"))
                    .unwrap_or_default();
                page.push_str(&format!("<li><code>{status}</code> {said}{body}</li>"));
            }
            page.push_str("</ul>");
        }
    }
    page.push_str("</body></html>");
    page
}

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ServerResult<T> + Send + 'static,
) -> ServerResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServerError::Internal(format!("a request's work stopped: {e}")))?
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    store: &'static str,
}

/// Whether the server runs and its store answers; also how a device reads the epoch and the clinic's
/// time before a round.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, description = "Running, its store reachable", body = Health),
    (status = 503, description = "Running, its store unreachable", body = Health),
))]
async fn health(State(state): State<AppState>) -> Response {
    let reachable = blocking(move || Ok(state.storage.reachable()))
        .await
        .unwrap_or(false);
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status: if reachable { "ok" } else { "failing" },
        store: if reachable {
            "reachable"
        } else {
            "unreachable"
        },
    };
    (status, Json(body)).into_response()
}

/// Turns a one-time pairing code into a device credential and a number-series prefix. The clinic's
/// first device brings its clinic; a device of another clinic is refused. Failed codes are limited
/// per minute.
#[utoipa::path(post, path = "/v1/pair", request_body = PairRequest, responses(
    (status = 200, description = "Paired", body = Paired),
    (status = 400, description = "Not a pairing request", body = ErrorAnswer),
    (status = 409, description = "The code is unknown, used or expired, or the clinic is another", body = ErrorAnswer),
    (status = 426, description = "The device's version is too old or too new", body = ErrorAnswer),
    (status = 429, description = "Too many failed codes this minute", body = ErrorAnswer),
))]
async fn pair(
    State(state): State<AppState>,
    body: Result<Json<PairRequest>, JsonRejection>,
) -> ServerResult<Json<Paired>> {
    let Json(request) = body.map_err(bad_json)?;
    let paired = blocking(move || state.storage.pair(&request, Utc::now())).await?;
    Ok(Json(paired))
}

/// Exchanges the device's credential for a 15-minute access token and its next credential (the one
/// presented stays good until the next is used).
#[utoipa::path(post, path = "/v1/token", request_body = TokenRequest, responses(
    (status = 200, description = "An access token and the next credential", body = TokenAnswer),
    (status = 400, description = "Not a token request", body = ErrorAnswer),
    (status = 401, description = "Unknown credential, or a revoked device", body = ErrorAnswer),
))]
async fn token(
    State(state): State<AppState>,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> ServerResult<Json<TokenAnswer>> {
    let Json(request) = body.map_err(bad_json)?;
    let answer = blocking(move || state.storage.exchange(&request.credential, Utc::now())).await?;
    Ok(Json(answer))
}

/// A device restored from a backup goes on as a new device (new id and prefix); the old one is
/// revoked in the same transaction.
#[utoipa::path(post, path = "/v1/reenrol", request_body = ReenrolRequest,
    security(("access_token" = [])), responses(
    (status = 200, description = "Enrolled anew", body = Paired),
    (status = 400, description = "Not a re-enrolment", body = ErrorAnswer),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
))]
async fn reenrol(
    State(state): State<AppState>,
    Device(device): Device,
    body: Result<Json<ReenrolRequest>, JsonRejection>,
) -> ServerResult<Json<Paired>> {
    let Json(request) = body.map_err(bad_json)?;
    let paired = blocking(move || state.storage.reenrol(&device, &request, Utc::now())).await?;
    Ok(Json(paired))
}

/// Takes a batch of the device's changes in device-number order: each applied (with its place in
/// the stream), taken before, or rejected with the reason. A gap in the numbers is refused; a batch
/// sent again changes nothing.
#[utoipa::path(post, path = "/v1/push", request_body = PushRequest,
    security(("access_token" = [])), responses(
    (status = 200, description = "What became of each change", body = PushAnswer),
    (status = 400, description = "Malformed changes", body = ErrorAnswer),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
    (status = 409, description = "A gap in the device numbers, a restored device, or a clock ahead", body = ErrorAnswer),
    (status = 413, description = "Over the size limit", body = ErrorAnswer),
    (status = 426, description = "The device's version is too old or too new", body = ErrorAnswer),
))]
async fn push(
    State(state): State<AppState>,
    Device(device): Device,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> ServerResult<Json<PushAnswer>> {
    let Json(request) = body.map_err(bad_json)?;
    let storage = Arc::clone(&state.storage);
    let answer = blocking(move || storage.push(&device, &request, Utc::now())).await?;
    // Committed: the devices listening hear of it and pull.
    let newest = answer.results.iter().filter_map(|result| match result {
        PushResult::Applied { server_seq, .. } => Some(*server_seq),
        _ => None,
    });
    if let Some(newest) = newest.max() {
        state.live.announce(newest);
    }
    Ok(Json(answer))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    /// The last place in the stream the device has applied.
    after: i64,
    /// The most changes wanted (at most 5,000).
    limit: Option<usize>,
}

/// The clinic's changes after a place in the stream, in commit order, a page at a time.
#[utoipa::path(get, path = "/v1/pull", params(PullQuery),
    security(("access_token" = [])), responses(
    (status = 200, description = "A page of changes", body = PullAnswer),
    (status = 400, description = "A bad place in the stream", body = ErrorAnswer),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
))]
async fn pull(
    State(state): State<AppState>,
    Device(_): Device,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> ServerResult<Json<PullAnswer>> {
    let Query(query) = query.map_err(|e| ServerError::BadRequest(e.body_text()))?;
    if query.after < 0 {
        return Err(ServerError::BadRequest("after must be 0 or more".into()));
    }
    let limit = query.limit.unwrap_or(MAX_PULL_PAGE).clamp(1, MAX_PULL_PAGE);
    let answer = blocking(move || state.storage.pull(query.after, limit)).await?;
    Ok(Json(answer))
}

/// The clinic's devices, for the administrators' list in every device's settings. Names, number
/// series and when each was last seen: nothing of a patient's, and nothing that lets one device act as
/// another.
#[utoipa::path(get, path = "/v1/devices", security(("access_token" = [])), responses(
    (status = 200, description = "Every device, revoked ones too", body = Vec<DeviceInfo>),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
))]
async fn devices(
    State(state): State<AppState>,
    Device(_): Device,
) -> ServerResult<Json<Vec<DeviceInfo>>> {
    Ok(Json(blocking(move || state.storage.devices()).await?))
}

/// Live updates: a server-sent event `changes` whenever a push commits, its id the stream's newest place
/// and its data `{"latest": place}`; the newest place at once on connecting, unless `Last-Event-ID` says
/// the device has seen it. A comment every 15 s keeps the connection open. The changes themselves are
/// pulled from `/v1/pull`.
#[utoipa::path(get, path = "/v1/events", security(("access_token" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "The last place this device heard of")),
    responses(
    (status = 200, description = "Server-sent events (`changes`), for as long as the connection stays", content_type = "text/event-stream"),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
))]
async fn events(
    State(state): State<AppState>,
    Device(_): Device,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    Sse::new(state.live.events(seen)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// The newest entry of this device's audit chain the server holds: its next push of entries starts
/// after it.
#[utoipa::path(get, path = "/v1/audit/head", security(("access_token" = [])), responses(
    (status = 200, description = "The chain's newest entry held (seq 0 while none)", body = AuditChainHead),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
))]
async fn audit_head(
    State(state): State<AppState>,
    Device(device): Device,
) -> ServerResult<Json<AuditChainHead>> {
    Ok(Json(
        blocking(move || state.storage.audit_head(&device)).await?,
    ))
}

/// Takes this device's next audit entries. Each must continue the chain (its number next, the hash of
/// the entry before, its own content's hash): one that does not is refused with the whole push.
#[utoipa::path(post, path = "/v1/audit", request_body = AuditPush,
    security(("access_token" = [])), responses(
    (status = 200, description = "The chain's newest entry now held", body = AuditChainHead),
    (status = 400, description = "Malformed entries", body = ErrorAnswer),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
    (status = 409, description = "An entry does not continue the chain (`audit_broken`)", body = ErrorAnswer),
))]
async fn push_audit(
    State(state): State<AppState>,
    Device(device): Device,
    body: Result<Json<AuditPush>, JsonRejection>,
) -> ServerResult<Json<AuditChainHead>> {
    let Json(push) = body.map_err(bad_json)?;
    Ok(Json(
        blocking(move || state.storage.push_audit(&device, &push, Utc::now())).await?,
    ))
}

/// A page of the whole clinic's audit trail, newest first, for a user whose role may read it.
#[utoipa::path(get, path = "/v1/audit", params(ClinicAuditQuery),
    security(("access_token" = [])), responses(
    (status = 200, description = "A page of the clinic's trail", body = ClinicAuditPage),
    (status = 400, description = "A bad filter or page", body = ErrorAnswer),
    (status = 401, description = "No valid access token", body = ErrorAnswer),
    (status = 403, description = "The user may not read the audit trail", body = ErrorAnswer),
))]
async fn clinic_audit(
    State(state): State<AppState>,
    Device(_): Device,
    query: Result<Query<ClinicAuditQuery>, QueryRejection>,
) -> ServerResult<Json<ClinicAuditPage>> {
    let Query(query) = query.map_err(|e| ServerError::BadRequest(e.body_text()))?;
    Ok(Json(
        blocking(move || state.storage.clinic_audit(&query)).await?,
    ))
}

/// How often an idle live connection hears a comment (well within a device's read timeout).
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

fn bad_json(rejection: JsonRejection) -> ServerError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ServerError::TooLarge(MAX_BODY_BYTES);
    }
    ServerError::BadRequest(rejection.body_text())
}

/// The device a request comes from, proven by its access token (`Authorization: Bearer ...`).
struct Device(String);

/// Where the device of a request is noted for the request's log line.
#[derive(Clone, Default)]
struct LoggedDevice(Arc<Mutex<Option<String>>>);

impl FromRequestParts<AppState> for Device {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ServerResult<Self> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned)
            .ok_or(ServerError::Unauthorized)?;
        let storage = Arc::clone(&state.storage);
        let device = blocking(move || storage.authenticate(&token, Utc::now())).await?;
        if let Some(logged) = parts.extensions.get::<LoggedDevice>() {
            *logged.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(device.clone());
        }
        Ok(Device(device))
    }
}

/// One log line per request (never a patient's data), a request id, and the epoch and the server's
/// time on every answer.
async fn log_request(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::now_v7().to_string();
    let method = request.method().clone();
    let route = request.uri().path().to_owned();
    let device = LoggedDevice::default();
    request.extensions_mut().insert(device.clone());
    let mut response = next.run(request).await;
    let device = device
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .unwrap_or_else(|| "-".into());
    tracing::info!(
        request_id = %request_id,
        device = %device,
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&state.epoch) {
        headers.insert("clinic-epoch", value);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", value);
    }
    // The clinic's time: devices stamp their changes on it, whatever their own clocks say.
    headers.insert(
        "clinic-time",
        HeaderValue::from(chrono::Utc::now().timestamp_millis()),
    );
    response
}
