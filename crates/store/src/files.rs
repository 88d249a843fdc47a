//! The SQLite database's files kept private: the database, its `-wal`, `-shm` and `-journal`
//! files 0600, and its directory 0700 when the directory is the database's own.
//!
//! SQLite creates a database with the process's umask (0644 under the usual 022), so any local
//! user could read every organisation's data and the password hashes; it creates the `-wal` and
//! `-shm` files with the database file's own mode. So the database file is created here, 0600,
//! before SQLite opens it, and the files of an existing database with wider modes are made
//! private at start-up, each with a log line.
//!
//! The directory: one the store creates is created 0700 (with any missing parents). An existing
//! directory is made 0700 only when it is the database's own, that is when it holds nothing but
//! the database's files and the server's `uploads` staging directory; a directory the operator
//! shares with other things (`/tmp`, the current directory, a home directory) keeps its mode,
//! since other programs and people may rely on it, and the files in it are private anyway.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The suffixes of the files SQLite keeps beside a database.
const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// What was changed, one sentence each (for the log).
pub(crate) type Changes = Vec<String>;

/// Makes the database at `file` private, creating its directory (0700) and the file (0600)
/// when missing; what was changed.
pub(crate) fn secure(file: &Path) -> io::Result<Changes> {
    let mut changes = Vec::new();
    // A bare file name lives in the current directory, which is never the database's own.
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir
        && !dir.exists()
    {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        changes.push(format!("created {} (mode 0700)", dir.display()));
    } else if let Some(dir) = dir
        && own_directory(dir, file)?
    {
        changes.extend(tighten(dir, 0o700)?);
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => changes.push(format!("created {} (mode 0600)", file.display())),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => changes.extend(tighten(file, 0o600)?),
        Err(e) => return Err(e),
    }
    for suffix in COMPANIONS {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let companion = PathBuf::from(name);
        if companion.exists() {
            changes.extend(tighten(&companion, 0o600)?);
        }
    }
    Ok(changes)
}

/// Sets `path` to `mode` when it grants anything to the group or others.
fn tighten(path: &Path, mode: u32) -> io::Result<Option<String>> {
    let was = fs::metadata(path)?.permissions().mode() & 0o7777;
    if was & 0o077 == 0 {
        return Ok(None);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(Some(format!(
        "made {} private: mode {was:04o} is now {mode:04o}",
        path.display()
    )))
}

/// Whether `dir` holds nothing but the database `file`, its companions and the `uploads`
/// staging directory (see the module's comment).
fn own_directory(dir: &Path, file: &Path) -> io::Result<bool> {
    let Some(db) = file.file_name() else {
        return Ok(false);
    };
    // A sticky directory (`/tmp`) is shared by design.
    if fs::metadata(dir)?.permissions().mode() & 0o1000 != 0 {
        return Ok(false);
    }
    let db = db.to_string_lossy();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        let ours = name == db
            || name == "uploads"
            || COMPANIONS
                .iter()
                .any(|s| name.strip_prefix(db.as_ref()) == Some(s));
        if !ours {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).map_or(0, |m| m.permissions().mode() & 0o777)
    }

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sextant-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    /// An existing database of mode 0644 beside a `-wal` of 0644, in its own directory of
    /// 0755: all made private, each change said.
    #[test]
    fn an_existing_database_and_its_own_directory_are_made_private() {
        let dir = scratch("own");
        fs::create_dir_all(dir.join("uploads")).unwrap_or_default();
        let db = dir.join("s.db");
        let wal = dir.join("s.db-wal");
        for f in [&db, &wal] {
            fs::write(f, b"").unwrap_or_default();
            fs::set_permissions(f, fs::Permissions::from_mode(0o644)).unwrap_or_default();
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap_or_default();
        let changes = secure(&db).unwrap_or_default();
        assert_eq!(
            changes,
            vec![
                format!("made {} private: mode 0755 is now 0700", dir.display()),
                format!("made {} private: mode 0644 is now 0600", db.display()),
                format!("made {} private: mode 0644 is now 0600", wal.display()),
            ]
        );
        assert_eq!((mode(&dir), mode(&db), mode(&wal)), (0o700, 0o600, 0o600));
        // Nothing more to do the next time.
        assert_eq!(secure(&db).unwrap_or_default(), Vec::<String>::new());
        let _ = fs::remove_dir_all(&dir);
    }

    /// A directory shared with other things (as `/tmp` or the current directory are) keeps its
    /// mode; the database in it is still made private.
    #[test]
    fn a_shared_directory_keeps_its_mode() {
        let dir = scratch("shared");
        fs::create_dir_all(&dir).unwrap_or_default();
        fs::write(dir.join("notes.txt"), b"mine").unwrap_or_default();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap_or_default();
        let db = dir.join("s.db");
        let changes = secure(&db).unwrap_or_default();
        assert_eq!(
            changes,
            vec![format!("created {} (mode 0600)", db.display())]
        );
        assert_eq!((mode(&dir), mode(&db)), (0o755, 0o600));
        let _ = fs::remove_dir_all(&dir);
    }

    /// A missing directory is created 0700, with its missing parents.
    #[test]
    fn a_missing_directory_is_created_private() {
        let top = scratch("missing");
        let db = top.join("a/b/s.db");
        let changes = secure(&db).unwrap_or_default();
        assert_eq!(
            changes,
            vec![
                format!("created {} (mode 0700)", top.join("a/b").display()),
                format!("created {} (mode 0600)", db.display()),
            ]
        );
        assert_eq!(
            (mode(&top), mode(&top.join("a")), mode(&db)),
            (0o700, 0o700, 0o600)
        );
        let _ = fs::remove_dir_all(&top);
    }
}
