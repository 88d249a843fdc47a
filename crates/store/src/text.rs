//! Checks on text before it reaches the database: PostgreSQL's text cannot hold a NUL byte
//! (SQLite's can), so both refuse it alike, naming the field.

use crate::{Result, StoreError};

/// Refuses a value holding a NUL byte (U+0000), naming `field`.
pub(crate) fn no_nul(field: &str, value: &str) -> Result<()> {
    match value.find('\0') {
        None => Ok(()),
        Some(at) => Err(StoreError::Invalid {
            field: field.into(),
            message: format!(
                "expected text without NUL bytes, found one at character {}",
                value[..at].chars().count() + 1
            ),
        }),
    }
}
