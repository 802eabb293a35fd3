//! Sign-in, sign-out and the language switch.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use recobro_store::users;
use serde::Deserialize;

use super::{PageError, PageResult, render};
use crate::AppState;
use crate::auth::{self, ClientAddress, LANGUAGE_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SignedIn};
use crate::error::WebError;
use crate::i18n::{Language, Translator};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Translator,
    csrf_token: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => "/".to_string(),
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<NextQuery>) -> PageResult {
    let tr = auth::translator_for(&headers, None);
    login_page(&state, tr, safe_next(query.next.as_deref()), String::new(), None, StatusCode::OK)
}

/// The sign-in page with a fresh double-submit CSRF token: the same random
/// value in a cookie and in the form.
fn login_page(state: &AppState, tr: Translator, next: String, username: String, error: Option<String>, status: StatusCode) -> PageResult {
    let csrf_token = auth::new_token();
    let page = LoginPage { tr, csrf_token: csrf_token.clone(), next, username, error };
    let mut response = render(tr, &page)?;
    *response.status_mut() = status;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{LOGIN_CSRF_COOKIE}={csrf_token}; Path=/login; HttpOnly; SameSite=Strict{secure}");
    response.headers_mut().append(SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
    Ok(response)
}

// A missing csrf field reads as empty, so that it fails the token check
// with the CSRF error page like a wrong token does, instead of a plain-text
// form error.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

pub async fn submit(State(state): State<AppState>, ClientAddress(client): ClientAddress, headers: HeaderMap, Form(form): Form<LoginForm>) -> PageResult {
    let tr = auth::translator_for(&headers, None);
    let next = safe_next(form.next.as_deref());
    if auth::cookie(&headers, LOGIN_CSRF_COOKIE) != Some(form.csrf.as_str()) {
        tracing::warn!("sign-in rejected: CSRF token mismatch");
        return Err(PageError::new(tr, WebError::Csrf));
    }

    let address = client.map_or_else(|| "unknown".to_string(), |address| address.to_string());
    let username = form.username.trim().to_string();
    if !state.limiter.allows(&username, &address) {
        tracing::warn!(user = %username, %address, "sign-in blocked after repeated failures");
        return login_page(&state, tr, next, username, Some(tr.t("login-too-many")), StatusCode::TOO_MANY_REQUESTS);
    }

    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(tr, error))?;
    let user = users::find_user(&mut conn, &username).await.map_err(|error| PageError::new(tr, error))?;
    drop(conn);
    let verified = user.filter(|user| user.active && auth::verify_password(&form.password, &user.password_hash));
    let Some(user) = verified else {
        state.limiter.record_failure(&username, &address);
        tracing::info!(user = %username, %address, "sign-in failed");
        return login_page(&state, tr, next, username, Some(tr.t("login-failed")), StatusCode::UNAUTHORIZED);
    };

    state.limiter.clear(&username);
    let token = auth::start_session(&state, &user).await.map_err(|error| PageError::new(tr, error))?;
    tracing::info!(user = %user.username, "signed in");
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, auth::session_cookie(&state, &token).parse().expect("cookie is ASCII"));
    // The token cookie was set for /login, and only a cookie of the same
    // path replaces it.
    let expired_token = format!("{LOGIN_CSRF_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
    headers.append(SET_COOKIE, expired_token.parse().expect("cookie is ASCII"));
    headers.insert(LOCATION, next.parse().map_err(|_| PageError::new(tr, WebError::BadRequest("invalid next path".into())))?);
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(state): State<AppState>, user: SignedIn, Form(form): Form<CsrfForm>) -> PageResult {
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(user.tr, error))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(user.tr, error))?;
    users::delete_session(&mut conn, &user.session_digest).await.map_err(|error| PageError::new(user.tr, error))?;
    tracing::info!(user = %user.actor.username, "signed out");
    Ok(redirect_with_cookie("/login", &auth::expired_cookie(SESSION_COOKIE)))
}

fn redirect_with_cookie(location: &str, cookie: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
    headers.insert(LOCATION, location.parse().expect("location is a path"));
    (StatusCode::SEE_OTHER, headers).into_response()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    language: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// Switches the signed-in user's language and remembers it in their
/// settings and a cookie.
pub async fn set_language(State(state): State<AppState>, user: SignedIn, Form(form): Form<LanguageForm>) -> PageResult {
    user.check_csrf(&form.csrf).map_err(|error| PageError::new(user.tr, error))?;
    let language = Language::parse(&form.language).ok_or_else(|| PageError::new(user.tr, WebError::BadRequest(format!("unknown language {:?}", form.language))))?;
    let mut conn = state.store.acquire().await.map_err(|error| PageError::new(user.tr, error))?;
    users::set_language(&mut conn, user.actor.user_id, language.code()).await.map_err(|error| PageError::new(user.tr, error))?;
    let cookie = format!("{LANGUAGE_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", language.code());
    Ok(redirect_with_cookie(&safe_next(form.next.as_deref()), &cookie))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/p/uci/customers?page=2")), "/p/uci/customers?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
