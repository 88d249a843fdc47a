//! Checks on text before it reaches the database: PostgreSQL's text cannot hold a NUL byte
//! (SQLite's can), so both refuse it alike, naming the field.

use crate::{Result, StoreError};

/// Refuses a value holding a NUL byte (U+0000), naming `field`.
pub fn no_nul(field: &str, value: &str) -> Result<()> {
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

/// Refuses a JSON value with a NUL byte in any string or object key, naming its path from
/// `field` (`initiatives[2].name`).
pub fn no_nul_json(field: &str, value: &serde_json::Value) -> Result<()> {
    use serde_json::Value;
    match value {
        Value::String(s) => no_nul(field, s),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| no_nul_json(&format!("{field}[{i}]"), v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let path = if field.is_empty() {
                k.replace('\0', "\\u0000")
            } else {
                format!("{field}.{}", k.replace('\0', "\\u0000"))
            };
            no_nul(&path, k)?;
            no_nul_json(&path, v)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_refused_with_its_path() {
        let v = serde_json::json!({"goals": [{"key": "a\u{0}b"}]});
        let e = no_nul_json("", &v).unwrap_err().to_string();
        assert_eq!(
            e,
            "goals[0].key: expected text without NUL bytes, found one at character 2"
        );
        assert!(no_nul_json("", &serde_json::json!({"a": ["b", 1]})).is_ok());
    }
}
