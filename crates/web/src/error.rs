//! Errors at the web edge: one HTML error page for the pages, one JSON
//! envelope for the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid or missing CSRF token")]
    Csrf,
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("too many failed sign-ins")]
    TooManyAttempts,
    #[error(transparent)]
    Store(#[from] recobro_store::StoreError),
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for the API envelope and the message key of the page.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::NotFound => "not-found",
            WebError::Csrf => "csrf",
            WebError::BadRequest(_) => "bad-request",
            WebError::TooManyAttempts => "too-many-attempts",
            WebError::Store(_) | WebError::Internal(_) => "internal",
        }
    }

    /// The API's error envelope: `{"error": {"code": ..., "message": ...}}`.
    pub fn into_api_response(self) -> Response {
        if matches!(self, WebError::Store(_) | WebError::Internal(_)) {
            tracing::error!(error = %self, "API request failed");
        }
        let message = match &self {
            WebError::Store(_) | WebError::Internal(_) => "internal error; see the server log".to_string(),
            other => other.to_string(),
        };
        let body = serde_json::json!({ "error": { "code": self.code(), "message": message } });
        (self.status(), axum::Json(body)).into_response()
    }
}

/// Errors of page handlers render as a page in the user's language; the
/// page layer wraps them with the translator before they get here, so this
/// plain form is the fallback.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if matches!(self, WebError::Store(_) | WebError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        (self.status(), self.to_string()).into_response()
    }
}
