//! Uploads to a customer's file: the multipart form that the page and the
//! API both read, the body limit of their routes, and the headers of a
//! download.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use recobro_core::customer_file::DEFAULT_MAX_UPLOAD_BYTES;

/// The largest document accepted, in bytes.
pub const MAX_UPLOAD_BYTES: u64 = DEFAULT_MAX_UPLOAD_BYTES;

/// The body limit of the upload routes: the largest document plus 256 KiB
/// for the other fields and the multipart boundaries. A larger body is cut
/// off while it is read. A document over [`MAX_UPLOAD_BYTES`] that fits
/// under this limit is rejected by the size check, which names its size.
pub const BODY_LIMIT: usize = (DEFAULT_MAX_UPLOAD_BYTES + 256 * 1024) as usize;

/// The form field of the document itself.
pub const FILE_FIELD: &str = "file";

/// The maximum length of a text field, in bytes.
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// A document as uploaded: the name the client gave and the content.
pub struct UploadedFile {
    pub name: String,
    pub content: Vec<u8>,
}

/// The fields of an upload form.
#[derive(Default)]
pub struct FileForm {
    pub file: Option<UploadedFile>,
    texts: HashMap<String, String>,
}

impl FileForm {
    /// Returns the trimmed value of a text field, or `None` when it is absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(|value| value.trim()).filter(|value| !value.is_empty())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("the request body is larger than {BODY_LIMIT} bytes")]
    TooLarge,
    #[error("invalid multipart form: {0}")]
    Malformed(String),
}

impl FormError {
    fn from_multipart(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { FormError::TooLarge } else { FormError::Malformed(error.body_text()) }
    }
}

/// Reads every field of the form into memory. The route's body limit
/// bounds what this can hold.
pub async fn read_form(mut multipart: Multipart) -> Result<FileForm, FormError> {
    let mut form = FileForm::default();
    while let Some(mut field) = multipart.next_field().await.map_err(FormError::from_multipart)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(FormError::from_multipart)? {
            if name != FILE_FIELD && content.len() + chunk.len() > MAX_TEXT_BYTES {
                return Err(FormError::Malformed(format!("the field {name:?} is longer than {MAX_TEXT_BYTES} bytes")));
            }
            content.extend_from_slice(&chunk);
        }
        if name == FILE_FIELD {
            // A browser sends a file input left empty as a part with an
            // empty file name and no content.
            let file_name = file_name.unwrap_or_default();
            if !(file_name.is_empty() && content.is_empty()) {
                form.file = Some(UploadedFile { name: file_name, content });
            }
        } else {
            let text = String::from_utf8(content).map_err(|_| FormError::Malformed(format!("the field {name:?} is not UTF-8 text")))?;
            form.texts.insert(name, text);
        }
    }
    Ok(form)
}

/// Builds a download response that the browser saves as `file_name`.
pub fn attachment(content_type: &str, file_name: &str, content: Vec<u8>) -> Response {
    let content_type = HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(file_name)).unwrap_or(HeaderValue::from_static("attachment"));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], content).into_response()
}

/// Builds the `Content-Disposition` value of an attachment: an ASCII name
/// for every client and the exact UTF-8 name in `filename*` (RFC 6266).
fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_keeps_names_safe() {
        assert_eq!(content_disposition("referral-3-C-1.zip"), "attachment; filename=\"referral-3-C-1.zip\"; filename*=UTF-8''referral-3-C-1.zip");
        assert_eq!(content_disposition("pagaré \"1\".pdf"), "attachment; filename=\"pagar___1_.pdf\"; filename*=UTF-8''pagar%C3%A9%20%221%22.pdf");
    }
}
