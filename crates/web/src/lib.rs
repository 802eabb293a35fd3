//! Recobro's web application: server-rendered pages in Spanish and English
//! for collection managers and collectors, and the JSON API.

pub mod actions;
pub mod api;
pub mod auth;
pub mod authz;
pub mod documents;
pub mod error;
pub mod file_uploads;
pub mod i18n;
pub mod imports;
pub mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use recobro_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limiter: Arc<auth::LoginLimiter>,
    /// Whether session cookies carry the Secure attribute.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store, secure_cookies: bool) -> Self {
        Self { store, limiter: Arc::new(auth::LoginLimiter::default()), secure_cookies }
    }
}

/// All routes, with security headers on every response.
pub fn router(state: AppState) -> Router {
    pages::routes()
        .merge(api::routes())
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}

/// Opens the listening socket, so that a busy port fails before any other
/// work.
pub async fn listen(address: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(address).await.map_err(|error| {
        anyhow::anyhow!("cannot listen on {address}: {error}; stop the program that uses it or choose another address with --addr")
    })
}

/// Serves the application on an open listener until the process is stopped.
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    // A plain-HTTP server on a loopback address is a developer's or the
    // demo's; anywhere else it is expected behind HTTPS, so cookies are
    // marked Secure.
    let secure_cookies = !address.ip().is_loopback();
    let app = router(AppState::new(store, secure_cookies));
    tracing::info!(%address, "web server listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
