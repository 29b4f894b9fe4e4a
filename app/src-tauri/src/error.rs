//! Errors as the frontend receives them: `{code, message}`. The code is stable and chosen by the
//! views (for example `store_too_new` shows the store screen); the message is for people.

use maturity_core::history::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let code = match &e {
            StoreError::TooNew { .. } => "store_too_new",
            StoreError::NotAStore { .. } => "store_not_a_store",
            StoreError::Open { .. } | StoreError::Folder { .. } => "store_unavailable",
            StoreError::Sql(_) => "store_error",
            StoreError::Unreadable(..) => "run_unreadable",
        };
        ApiError::new(code, e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
