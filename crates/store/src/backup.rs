//! Backup and restore of a whole installation as JSON Lines: a header line, then one line a
//! row (`{"table": ..., "row": {...}}`). The format is the same for both dialects, so a backup
//! of an SQLite installation restores into PostgreSQL and back. A restore goes into an empty
//! database, in one transaction: all of it or nothing.
//!
//! A backup holds password hashes and token digests (a restored installation keeps its
//! logins): keep it as private as the database.

use std::io::{BufRead, Write};

use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::{Dialect, Store, StoreError};

/// The version of the tables a backup holds: 1 had invitations as accounts without a
/// password; 2 has them per organisation and address, and API tokens with an expiry.
/// 3 adds the second factor (the secret and recovery codes), the firm (firm administrators,
/// each organisation's consultant) and the clients' health scores by day. 4 adds the review
/// packs kept with their reviews and each organisation's branding of its packs.
const SCHEMA: i64 = 4;

/// The type of a column in the backup.
#[derive(Clone, Copy)]
enum Ty {
    Int,
    Text,
    Bytes,
}

/// The tables backed up, in an order that satisfies their foreign keys, with their columns.
/// (Login failures, jobs, password reset links and upload previews are transient and not
/// kept.)
pub const TABLES: [&str; 13] = [
    "users",
    "recovery_codes",
    "setup_tokens",
    "sessions",
    "api_tokens",
    "organizations",
    "memberships",
    "org_invitations",
    "entities",
    "history",
    "datasets",
    "health_scores",
    "review_packs",
];

fn columns(table: &str) -> &'static [(&'static str, Ty)] {
    use Ty::*;
    match table {
        "users" => &[
            ("id", Int),
            ("email", Text),
            ("name", Text),
            ("password_hash", Text),
            ("is_admin", Int),
            ("created_at", Int),
            ("totp_secret", Text),
            ("totp_last_step", Int),
            ("sees_all", Int),
        ],
        "recovery_codes" => &[
            ("code_hash", Text),
            ("user_id", Int),
            ("created_at", Int),
            ("used_at", Int),
        ],
        "setup_tokens" => &[("token_hash", Text), ("created_at", Int)],
        "org_invitations" => &[
            ("id", Int),
            ("org_id", Int),
            ("email", Text),
            ("role", Text),
            ("token_hash", Text),
            ("invited_by", Int),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        "sessions" => &[
            ("token_hash", Text),
            ("user_id", Int),
            ("csrf", Text),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        "api_tokens" => &[
            ("id", Int),
            ("user_id", Int),
            ("name", Text),
            ("token_hash", Text),
            ("created_at", Int),
            ("last_used_at", Int),
            ("expires_at", Int),
        ],
        "organizations" => &[
            ("id", Int),
            ("slug", Text),
            ("name", Text),
            ("plan_version", Int),
            ("created_at", Int),
            ("consultant_id", Int),
            ("brand_name", Text),
            ("brand_colour", Text),
            ("brand_logo", Bytes),
        ],
        "memberships" => &[("org_id", Int), ("user_id", Int), ("role", Text)],
        "health_scores" => &[("org_id", Int), ("day", Int), ("score", Int)],
        "entities" => &[
            ("org_id", Int),
            ("section", Text),
            ("key", Text),
            ("position", Int),
            ("body", Text),
            ("updated_at", Int),
            ("updated_by", Int),
        ],
        "history" => &[
            ("id", Int),
            ("org_id", Int),
            ("section", Text),
            ("key", Text),
            ("user_id", Int),
            ("at", Int),
            ("action", Text),
            ("before", Text),
            ("after", Text),
        ],
        "datasets" => &[
            ("id", Int),
            ("org_id", Int),
            ("kind", Text),
            ("name", Text),
            ("rows", Int),
            ("options", Text),
            ("content", Bytes),
            ("created_at", Int),
            ("created_by", Int),
        ],
        "review_packs" => &[
            ("id", Int),
            ("org_id", Int),
            ("review", Text),
            ("format", Text),
            ("name", Text),
            ("content", Bytes),
            ("created_at", Int),
            ("created_by", Int),
        ],
        _ => &[],
    }
}

/// What can go wrong in a backup or a restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading or writing the file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The backup file is not one.
    #[error("line {line}: {message}")]
    Format {
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The target database holds data already.
    #[error(
        "the database is not empty ({0} holds rows): restore into a new database, so that nothing there is overwritten"
    )]
    NotEmpty(String),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(e.into())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Store {
    /// Writes every table to `out`; the number of rows written.
    pub async fn backup(&self, out: &mut dyn Write) -> Result<u64, BackupError> {
        writeln!(
            out,
            "{}",
            json!({"sextant_backup": 1, "tables": TABLES, "schema": SCHEMA, "ends_with_count": true})
        )?;
        let mut n = 0;
        let mut tx = self.pool.begin().await?;
        for table in TABLES {
            let cols = columns(table);
            let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
            let rows = sqlx::query(&format!(
                "SELECT {} FROM {table} ORDER BY {}",
                names.join(", "),
                names[0]
            ))
            .fetch_all(&mut *tx)
            .await?;
            for row in rows {
                let mut obj = Map::new();
                for (i, (name, ty)) in cols.iter().enumerate() {
                    let v = match ty {
                        Ty::Int => row
                            .try_get::<Option<i64>, _>(i)?
                            .map_or(Value::Null, Value::from),
                        Ty::Text => row
                            .try_get::<Option<String>, _>(i)?
                            .map_or(Value::Null, Value::from),
                        Ty::Bytes => row
                            .try_get::<Option<Vec<u8>>, _>(i)?
                            .map_or(Value::Null, |b| Value::from(hex(&b))),
                    };
                    obj.insert((*name).to_string(), v);
                }
                writeln!(out, "{}", json!({"table": table, "row": obj}))?;
                n += 1;
            }
        }
        tx.commit().await?;
        // The last line says how many rows there are: a restore refuses a backup cut short.
        writeln!(out, "{}", json!({ "sextant_backup_end": n }))?;
        Ok(n)
    }

    /// Restores a backup into this (empty) database; the number of rows restored. A backup
    /// whose header promises a last line with its count of rows (every backup since that line
    /// was added) is refused, with nothing restored, when that line is missing or does not
    /// match: it was cut short.
    pub async fn restore(&self, input: &mut dyn BufRead) -> Result<u64, BackupError> {
        let mut tx = self.pool.begin().await?;
        for table in TABLES {
            let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await?;
            let count: i64 = row.try_get(0)?;
            if count > 0 && table != "setup_tokens" {
                return Err(BackupError::NotEmpty(table.into()));
            }
        }
        sqlx::query("DELETE FROM setup_tokens")
            .execute(&mut *tx)
            .await?;
        let bad = |line: usize, message: String| BackupError::Format { line, message };
        let mut n = 0;
        let mut text = String::new();
        let mut line = 0;
        let mut schema = SCHEMA;
        // Whether the header promises a last line with the count, and that line when read.
        let mut counted = false;
        let mut end: Option<(usize, Value)> = None;
        loop {
            text.clear();
            if input.read_line(&mut text)? == 0 {
                break;
            }
            line += 1;
            if text.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&text)
                .map_err(|e| bad(line, format!("expected a JSON object: {e}")))?;
            if line == 1 {
                if v.get("sextant_backup") != Some(&json!(1)) {
                    return Err(bad(
                        1,
                        "expected the header of a Sextant backup ({\"sextant_backup\": 1, ...})"
                            .into(),
                    ));
                }
                schema = v["schema"].as_i64().unwrap_or(1);
                counted = v["ends_with_count"] == json!(true);
                if !(1..=SCHEMA).contains(&schema) {
                    return Err(bad(
                        1,
                        format!(
                            "expected a backup of schema 1 to {SCHEMA}, found schema {schema}: restore it with a newer sextant"
                        ),
                    ));
                }
                continue;
            }
            // After the header (line 1 is always the header).
            if let Some((at, _)) = &end {
                return Err(bad(
                    line,
                    format!("expected nothing after the backup's last line (line {at})"),
                ));
            }
            if let Some(count) = v.get("sextant_backup_end") {
                end = Some((line, count.clone()));
                continue;
            }
            let table = v["table"].as_str().unwrap_or_default();
            if schema == 1 && table == "invitations" {
                // Schema 1's invitations made accounts without a password; they become
                // expired invitations below, which an owner re-issues.
                continue;
            }
            let cols = columns(table);
            if cols.is_empty() {
                return Err(bad(line, format!("unknown table `{table}`")));
            }
            let row = v["row"]
                .as_object()
                .ok_or_else(|| bad(line, "expected `row` to be an object".into()))?;
            let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
            let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                params.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (name, ty) in cols {
                let x = row.get(*name).unwrap_or(&Value::Null);
                q = match (ty, x) {
                    // A backup of schema 2 has no firm administrators.
                    (Ty::Int, Value::Null) if *name == "sees_all" => q.bind(0_i64),
                    (Ty::Int, Value::Null) => q.bind(None::<i64>),
                    (Ty::Text, Value::Null) => q.bind(None::<String>),
                    (Ty::Bytes, Value::Null) => q.bind(None::<Vec<u8>>),
                    (Ty::Int, Value::Number(k)) => q.bind(k.as_i64().ok_or_else(|| {
                        bad(
                            line,
                            format!("{table}.{name}: expected an integer, found {k}"),
                        )
                    })?),
                    (Ty::Text, Value::String(s)) => q.bind(s.clone()),
                    (Ty::Bytes, Value::String(s)) => q.bind(unhex(s).ok_or_else(|| {
                        bad(line, format!("{table}.{name}: expected hexadecimal bytes"))
                    })?),
                    (_, other) => {
                        return Err(bad(
                            line,
                            format!("{table}.{name}: unexpected value {other}"),
                        ));
                    }
                };
            }
            q.execute(&mut *tx).await?;
            n += 1;
        }
        if line == 0 {
            return Err(bad(1, "the file is empty".into()));
        }
        match end {
            Some((at, count)) if count != json!(n) => {
                return Err(bad(
                    at,
                    format!(
                        "the backup says it holds {count} rows, and {n} were read: it is damaged; nothing was restored"
                    ),
                ));
            }
            None if counted => {
                return Err(bad(
                    line + 1,
                    format!(
                        "the backup ends after {n} rows without its last line, which gives their count: it was cut short; nothing was restored"
                    ),
                ));
            }
            _ => {}
        }
        if schema == 1 {
            // As migration 0002 does for a database of schema 1.
            for sql in [
                "INSERT INTO org_invitations (org_id, email, role, token_hash, invited_by, created_at, expires_at) \
                 SELECT m.org_id, u.email, m.role, 'retired-' || m.org_id || '-' || u.id, NULL, u.created_at, 0 \
                 FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.password_hash IS NULL",
                "DELETE FROM memberships WHERE user_id IN (SELECT id FROM users WHERE password_hash IS NULL)",
                "DELETE FROM users WHERE password_hash IS NULL",
            ] {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
        }
        if self.dialect == Dialect::Postgres {
            for table in [
                "users",
                "api_tokens",
                "organizations",
                "history",
                "datasets",
                "org_invitations",
                "review_packs",
            ] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_go_through_hex() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
