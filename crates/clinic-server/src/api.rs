//! The HTTP API (`/v1/...`, JSON). Every route but `/health`, pairing and `/v1/token` (which exchanges
//! a device's credential for a 15-minute access token and its next credential) needs an access token;
//! every error is a 4xx or 5xx with `{code, message}`; every answer carries the server's epoch in
//! `Clinic-Epoch` and its time (ms) in `Clinic-Time`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use clinic_store::protocol::{
    DeviceInfo, PairRequest, Paired, PullAnswer, PushAnswer, PushRequest, ReenrolRequest,
    TokenAnswer, TokenRequest,
};
use serde::{Deserialize, Serialize};

use crate::error::{ServerError, ServerResult};
use crate::store::ClinicStorage;

/// The largest request body taken (a push of a few thousand changes fits well within it).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The most changes one pull answers with.
pub const MAX_PULL_PAGE: usize = 5_000;

#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn ClinicStorage>,
    pub epoch: String,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/pair", post(pair))
        .route("/v1/token", post(token))
        .route("/v1/reenrol", post(reenrol))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/devices", get(devices))
        .fallback(|| async { ServerError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ServerResult<T> + Send + 'static,
) -> ServerResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServerError::Internal(format!("a request's work stopped: {e}")))?
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    store: &'static str,
}

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

async fn pair(
    State(state): State<AppState>,
    body: Result<Json<PairRequest>, JsonRejection>,
) -> ServerResult<Json<Paired>> {
    let Json(request) = body.map_err(bad_json)?;
    let paired = blocking(move || state.storage.pair(&request, Utc::now())).await?;
    Ok(Json(paired))
}

async fn token(
    State(state): State<AppState>,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> ServerResult<Json<TokenAnswer>> {
    let Json(request) = body.map_err(bad_json)?;
    let answer = blocking(move || state.storage.exchange(&request.credential, Utc::now())).await?;
    Ok(Json(answer))
}

async fn reenrol(
    State(state): State<AppState>,
    Device(device): Device,
    body: Result<Json<ReenrolRequest>, JsonRejection>,
) -> ServerResult<Json<Paired>> {
    let Json(request) = body.map_err(bad_json)?;
    let paired = blocking(move || state.storage.reenrol(&device, &request, Utc::now())).await?;
    Ok(Json(paired))
}

async fn push(
    State(state): State<AppState>,
    Device(device): Device,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> ServerResult<Json<PushAnswer>> {
    let Json(request) = body.map_err(bad_json)?;
    let answer = blocking(move || state.storage.push(&device, &request, Utc::now())).await?;
    Ok(Json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    after: i64,
    limit: Option<usize>,
}

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
async fn devices(
    State(state): State<AppState>,
    Device(_): Device,
) -> ServerResult<Json<Vec<DeviceInfo>>> {
    Ok(Json(blocking(move || state.storage.devices()).await?))
}

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
