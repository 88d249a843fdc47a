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

/// The longest name of a data set, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// Refuses a file's name (a data set's) holding a control character (NUL, a tab, a line break,
/// U+0001...; they break file names and headers) or longer than [`MAX_NAME_CHARS`], naming
/// `field`.
pub fn file_name(field: &str, value: &str) -> Result<()> {
    no_nul(field, value)?;
    let invalid = |message: String| {
        Err(StoreError::Invalid {
            field: field.into(),
            message,
        })
    };
    if let Some((at, c)) = value.chars().enumerate().find(|(_, c)| c.is_control()) {
        return invalid(format!(
            "expected a name without control characters, found U+{:04X} at character {}",
            u32::from(c),
            at + 1
        ));
    }
    let n = value.chars().count();
    if n > MAX_NAME_CHARS {
        return invalid(format!(
            "expected a name of at most {MAX_NAME_CHARS} characters, found {n}"
        ));
    }
    if value.trim().is_empty() {
        return invalid("expected a name, found an empty one".into());
    }
    Ok(())
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
    fn a_file_name_with_a_control_character_is_refused() {
        assert_eq!(
            file_name("name", "orders\u{1}.csv")
                .unwrap_err()
                .to_string(),
            "name: expected a name without control characters, found U+0001 at character 7"
        );
        assert_eq!(
            file_name("name", "a\nb").unwrap_err().to_string(),
            "name: expected a name without control characters, found U+000A at character 2"
        );
        assert_eq!(
            file_name("name", &"x".repeat(256)).unwrap_err().to_string(),
            "name: expected a name of at most 255 characters, found 256"
        );
        assert!(file_name("name", "Ventes été 2027 (v2).xlsx").is_ok());
    }

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
