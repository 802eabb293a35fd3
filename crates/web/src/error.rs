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

    /// Returns a stable code for the API envelope and the message key of the page.
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

    /// Builds the API's error envelope: `{"error": {"code": ..., "message": ...}}`.
    pub fn into_api_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// An error of the JSON API, sent as the envelope
/// `{"error": {"code": ..., "message": ..., "details": [...]}}`. `details`
/// lists one problem per line (every invalid field of a request, every
/// rejected row of an import) and is left out when empty.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: Vec::new() }
    }

    /// Creates a 400 error about one request parameter or field.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

impl From<WebError> for ApiError {
    fn from(error: WebError) -> Self {
        let message = match &error {
            WebError::Store(_) | WebError::Internal(_) => {
                tracing::error!(%error, "API request failed");
                "internal error; see the server log".to_string()
            }
            WebError::Unauthenticated => "missing or invalid API token: send the header \"Authorization: Bearer TOKEN\" with a token from `recobro token create`".to_string(),
            WebError::Forbidden => "forbidden: the caller's role does not allow this, or the customer is assigned to another collector".to_string(),
            other => other.to_string(),
        };
        Self::new(error.status(), error.code(), message)
    }
}

impl From<recobro_store::StoreError> for ApiError {
    fn from(error: recobro_store::StoreError) -> Self {
        WebError::from(error).into()
    }
}

/// The body of every API error response.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code: unauthenticated, forbidden, not-found, bad-request,
    /// unsupported-media-type, conflict, payload-too-large,
    /// import-rejected, upload-rejected or internal.
    pub code: String,
    /// Description of the failure, in English.
    pub message: String,
    /// One line per problem where an error has a list of them: every
    /// invalid field of a request, every rejected row of an import.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub details: Vec<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let envelope = ErrorEnvelope { error: ErrorBody { code: self.code.to_string(), message: self.message, details: self.details } };
        (self.status, axum::Json(envelope)).into_response()
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
