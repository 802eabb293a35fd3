//! Authentication: argon2 password hashes, session cookies with a CSRF
//! token per session, bearer API tokens, and a limit on failed sign-ins.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use rand::RngCore;
use recobro_store::users::{self, User};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::authz::{Actor, Role};
use crate::error::WebError;
use crate::i18n::{Language, Translator};

pub const SESSION_COOKIE: &str = "recobro_session";
pub const LANGUAGE_COOKIE: &str = "recobro_lang";
pub const LOGIN_CSRF_COOKIE: &str = "recobro_login_csrf";
const SESSION_HOURS: i64 = 12;

/// Hashes a password with argon2id and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| WebError::Internal(format!("password hashing failed: {error}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// Generates a random token of 32 bytes as 64 hexadecimal characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Computes the digest under which a session or API token is stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for `user`. Returns the token for the cookie.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, WebError> {
    let token = new_token();
    let csrf = new_token();
    let expires_at = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339();
    let mut conn = state.store.acquire().await?;
    users::insert_session(&mut conn, &token_digest(&token), user.id, &csrf, &expires_at).await?;
    Ok(token)
}

/// Builds the `Set-Cookie` value of a session cookie: HttpOnly, SameSite=Lax, and
/// Secure unless the server runs on a loopback address over plain HTTP.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", SESSION_HOURS * 3600)
}

pub fn expired_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Returns the value of a cookie in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn actor_of(user: &User) -> Result<Actor, WebError> {
    let role = Role::parse(&user.role).ok_or_else(|| WebError::Internal(format!("user {} has an unknown role {:?}", user.username, user.role)))?;
    Ok(Actor { user_id: user.id, username: user.username.clone(), role })
}

/// Picks the translator for a request: the user's language, else the language
/// cookie, else the browser's `Accept-Language`, else Spanish.
pub fn translator_for(headers: &HeaderMap, user: Option<&User>) -> Translator {
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let language = Language::negotiate(user.and_then(|user| user.language.as_deref()), cookie(headers, LANGUAGE_COOKIE), accept);
    Translator::new(language)
}

/// A signed-in user of the pages, from the session cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub csrf_token: String,
    pub tr: Translator,
    pub session_digest: String,
    /// The path and query of the request, where the language switch of
    /// the page returns to.
    pub page_path: String,
}

impl SignedIn {
    /// Rejects a form whose CSRF token is not the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        let expected = self.csrf_token.as_bytes();
        let matches = expected.len() == submitted.len() && expected.iter().zip(submitted.as_bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0;
        if matches {
            Ok(())
        } else {
            tracing::warn!(user = %self.actor.username, "form rejected: CSRF token mismatch");
            Err(WebError::Csrf)
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = crate::pages::PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthenticated = || crate::pages::PageRejection::SignIn(parts.uri.path_and_query().map_or("/".to_string(), |path| path.to_string()));
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(unauthenticated()) };
        let digest = token_digest(token);
        let now = chrono::Utc::now().to_rfc3339();

        let mut conn = state.store.acquire().await.map_err(|error| crate::pages::PageRejection::Error(error.into()))?;
        let session = users::find_session(&mut conn, &digest, &now).await.map_err(|error| crate::pages::PageRejection::Error(error.into()))?;
        let Some(session) = session else { return Err(unauthenticated()) };

        let actor = actor_of(&session.user).map_err(crate::pages::PageRejection::Error)?;
        let page_path = parts.uri.path_and_query().map_or("/".to_string(), |path| path.to_string());
        Ok(SignedIn { actor, csrf_token: session.csrf_token, tr: translator_for(&parts.headers, Some(&session.user)), session_digest: digest, page_path })
    }
}

/// An API caller, from an `Authorization: Bearer TOKEN` header.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub actor: Actor,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let reject = |error: WebError| error.into_api_response();
        let header = parts.headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok());
        let Some(token) = header.and_then(|value| value.strip_prefix("Bearer ")) else {
            return Err(reject(WebError::Unauthenticated));
        };
        let mut conn = state.store.acquire().await.map_err(|error| reject(error.into()))?;
        let user = users::find_api_token_user(&mut conn, &token_digest(token.trim())).await.map_err(|error| reject(error.into()))?;
        let Some(user) = user else { return Err(reject(WebError::Unauthenticated)) };
        Ok(ApiCaller { actor: actor_of(&user).map_err(reject)? })
    }
}

/// The client's address, when the server has it (tests that call the
/// router directly have none).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddress(info.map(|axum::extract::ConnectInfo(address)| address.ip())))
    }
}

/// Counts failed sign-ins per username and per client address over a
/// sliding window, and blocks further attempts past the limits.
#[derive(Debug)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    window: Duration,
    max_per_user: usize,
    max_per_address: usize,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self { failures: Mutex::new(HashMap::new()), window: Duration::from_secs(15 * 60), max_per_user: 5, max_per_address: 20 }
    }
}

impl LoginLimiter {
    fn keys(username: &str, address: &str) -> [String; 2] {
        [format!("user:{}", username.to_lowercase()), format!("address:{address}")]
    }

    /// Checks whether another attempt for this username from this address is allowed.
    pub fn allows(&self, username: &str, address: &str) -> bool {
        let mut failures = self.failures.lock().expect("login limiter lock poisoned");
        let now = Instant::now();
        let [user_key, address_key] = Self::keys(username, address);
        let mut recent = |key: &str| {
            let entries = failures.entry(key.to_string()).or_default();
            while entries.front().is_some_and(|at| now.duration_since(*at) > self.window) {
                entries.pop_front();
            }
            entries.len()
        };
        recent(&user_key) < self.max_per_user && recent(&address_key) < self.max_per_address
    }

    pub fn record_failure(&self, username: &str, address: &str) {
        let mut failures = self.failures.lock().expect("login limiter lock poisoned");
        for key in Self::keys(username, address) {
            failures.entry(key).or_default().push_back(Instant::now());
        }
    }

    pub fn clear(&self, username: &str) {
        let mut failures = self.failures.lock().expect("login limiter lock poisoned");
        failures.remove(&format!("user:{}", username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn limiter_blocks_after_five_failures() {
        let limiter = LoginLimiter::default();
        for _ in 0..5 {
            assert!(limiter.allows("ana", "127.0.0.1"));
            limiter.record_failure("Ana", "127.0.0.1");
        }
        assert!(!limiter.allows("ana", "127.0.0.1"));
        assert!(limiter.allows("luis", "127.0.0.1"));
        limiter.clear("ana");
        assert!(limiter.allows("ana", "127.0.0.1"));
    }

    #[test]
    fn tokens_are_random_hex() {
        let first = new_token();
        assert_eq!(first.len(), 64);
        assert_ne!(first, new_token());
        assert_eq!(token_digest("abc").len(), 64);
    }
}
