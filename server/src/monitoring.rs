//! Monitoring: `/metrics` in the Prometheus text format and the slow-request log.
//!
//! Every request is counted and timed by the route it matched (the route's pattern, or the
//! server function's path), never by the raw address, so an attacker's made-up paths cannot
//! grow the label set. The database pool is read when scraped; the app's own counters (sign-in
//! failures, bookings) are in `app::server::telemetry`. A request slower than the threshold
//! is logged with its route, status and duration only: never parameters, bodies or health data.
//!
//! `/metrics` answers loopback callers that came straight to us (no proxy header), or anyone
//! sending `Authorization: Bearer <SYEI_METRICS_TOKEN>`; everyone else gets a 404.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use app::server::state::{AppState, ClientAddr};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

const REQUEST_SECONDS: &str = "syei_http_request_duration_seconds";

/// Where `/metrics` is open and what counts as slow.
#[derive(Debug, Clone)]
pub struct MonitoringSettings {
    /// A bearer token that opens `/metrics` from anywhere (`SYEI_METRICS_TOKEN`); without one,
    /// only loopback callers may scrape.
    pub metrics_token: Option<String>,
    /// Requests slower than this are logged and counted (`SYEI_SLOW_REQUEST_MS`, default 500).
    pub slow_request: Duration,
}

impl Default for MonitoringSettings {
    fn default() -> MonitoringSettings {
        MonitoringSettings { metrics_token: None, slow_request: Duration::from_millis(500) }
    }
}

/// The process's one recorder (metrics are global: every server in a test process shares it).
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        // Only an empty bucket list is refused; the plain builder then makes a summary instead.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_string()), &buckets)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics will stay empty");
        }
        handle
    })
}

/// Installs the recorder before the first request, so early counters are not lost.
pub fn install() {
    recorder();
}

/// The label a request is counted under: the server function's path when it names one we
/// have, else the matched route's pattern, else "/pkg/*" for the built site's files, else
/// "unmatched".
fn endpoint_label(request: &Request) -> String {
    let path = request.uri().path();
    if app::api::endpoint(path).is_some() {
        return path.to_string();
    }
    match request.extensions().get::<MatchedPath>() {
        Some(matched) if !matched.as_str().starts_with(app::model::endpoint::API_PREFIX) => {
            matched.as_str().to_string()
        }
        // The built site's files (one label, not one per hashed file name).
        _ if path.starts_with("/pkg/") => "/pkg/*".to_string(),
        _ => "unmatched".to_string(),
    }
}

/// Counts and times every request; logs the slow ones.
pub async fn track_requests(State(settings): State<Arc<MonitoringSettings>>, request: Request, next: Next) -> Response {
    let endpoint = endpoint_label(&request);
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16().to_string();
    counter!("syei_http_requests_total", "endpoint" => endpoint.clone(), "method" => method, "status" => status.clone())
        .increment(1);
    histogram!(REQUEST_SECONDS, "endpoint" => endpoint.clone(), "status" => status.clone())
        .record(elapsed.as_secs_f64());
    if elapsed >= settings.slow_request {
        counter!("syei_slow_requests_total", "endpoint" => endpoint.clone()).increment(1);
        tracing::warn!(endpoint, status, duration_ms = elapsed.as_millis() as u64, "slow request");
    }
    response
}

/// May this request read the metrics? Loopback without a proxy header, or the right token.
fn may_scrape(settings: &MonitoringSettings, client: Option<&ClientAddr>, headers: &HeaderMap) -> bool {
    let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
    let from_loopback = client.is_some_and(|ClientAddr(ip)| ip.is_loopback());
    if from_loopback && !proxied {
        return true;
    }
    let offered = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match (&settings.metrics_token, offered) {
        // Compared as digests, so the time taken says nothing about how much of it matched.
        (Some(token), Some(offered)) if !token.is_empty() => {
            Sha256::digest(token.as_bytes()) == Sha256::digest(offered.as_bytes())
        }
        _ => false,
    }
}

/// `GET /metrics`.
pub async fn scrape(
    settings: Arc<MonitoringSettings>,
    state: AppState,
    client: Option<ClientAddr>,
    headers: HeaderMap,
) -> Response {
    if !may_scrape(&settings, client.as_ref(), &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let pool = &state.pool;
    let idle = pool.num_idle() as f64;
    gauge!("syei_db_pool_connections", "state" => "idle").set(idle);
    gauge!("syei_db_pool_connections", "state" => "in_use").set(f64::from(pool.size()) - idle);
    gauge!("syei_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    let handle = recorder();
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(token: Option<&str>) -> MonitoringSettings {
        MonitoringSettings { metrics_token: token.map(str::to_string), ..MonitoringSettings::default() }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn loopback_scrapes_unless_it_is_a_proxy_forwarding_someone() {
        let local = ClientAddr("127.0.0.1".parse().unwrap());
        let remote = ClientAddr("203.0.113.7".parse().unwrap());
        assert!(may_scrape(&settings(None), Some(&local), &headers(&[])));
        assert!(!may_scrape(&settings(None), Some(&local), &headers(&[("x-forwarded-for", "203.0.113.7")])));
        assert!(!may_scrape(&settings(None), Some(&remote), &headers(&[])));
        assert!(!may_scrape(&settings(None), None, &headers(&[])));
    }

    #[test]
    fn the_token_opens_it_from_anywhere_and_only_the_exact_token() {
        let remote = ClientAddr("203.0.113.7".parse().unwrap());
        let with = |value: &str| headers(&[("authorization", value)]);
        assert!(may_scrape(&settings(Some("s3cret-token")), Some(&remote), &with("Bearer s3cret-token")));
        assert!(!may_scrape(&settings(Some("s3cret-token")), Some(&remote), &with("Bearer s3cret-toke")));
        assert!(!may_scrape(&settings(Some("s3cret-token")), Some(&remote), &with("s3cret-token")));
        assert!(!may_scrape(&settings(None), Some(&remote), &with("Bearer ")));
        assert!(!may_scrape(&settings(Some("")), Some(&remote), &with("Bearer ")));
    }
}
