//! Sextant's storage: accounts, organisations, each organisation's plan (one row per entity,
//! with the history of every change), its imported data sets, on SQLite or PostgreSQL.
//!
//! # Tenancy
//! Everything that belongs to an organisation is reached through a [`Scope`], which only
//! [`Store::scope`] makes, after checking that the user is a member; its fields are private,
//! so no caller can build one for an organisation it does not belong to, and every query of
//! organisation data is written with the scope's organisation in its `WHERE` clause. Writes
//! check the scope's role first ([`Scope::require`]).
//!
//! # Dialects
//! One implementation serves both databases through sqlx's `Any` driver: the SQL is the
//! subset both speak (`$1` parameters, `RETURNING`, `ON CONFLICT`), integers are 64-bit,
//! timestamps are Unix seconds, JSON is text. Migrations are kept per dialect
//! (`migrations/sqlite`, `migrations/postgres`), embedded, and run when the store opens.

mod accounts;
mod backup;
mod data;
mod files;
mod firm;
mod jobs;
mod packs;
mod plan;
mod previews;
mod text;
mod two_factor;
mod users;

use std::str::FromStr;

use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{
    ApiToken, Credential, DEVICE_SECONDS, FAILURE_WINDOW, FIRST_BACKOFF, HASHING,
    INVITATION_SECONDS, LoginError, LoginLimits, MAX_ACCOUNT_FAILURES, MAX_BACKOFF,
    MAX_CLIENT_FAILURES, MAX_DEVICE_FAILURES, MAX_FAILURES, MAX_TOKEN_DAYS, MIN_PASSWORD,
    NewSession, PENDING_SECONDS, QUEUE_SECONDS, SESSION_SECONDS, SignedOut, User, backoff,
    hash_password, verify_password,
};
pub use backup::{BackupError, TABLES};
pub use data::{Dataset, DatasetContent, Fingerprint};
pub use firm::{Consultant, HealthPoint, Operated};
pub use jobs::{Job, KEEP_SECONDS, MAX_ACTIVE_JOBS, STALE_SECONDS};
pub use packs::{KeptPack, MAX_LOGO_BYTES, OrgBrand, PACKS_PER_REVIEW};
pub use plan::{
    Assessment, Change, Entity, HistoryEntry, MAX_BESIDE, PlanRejected, Review, Section, Shape,
    canonical,
};
pub use previews::{PREVIEW_SECONDS, PREVIEWS_PER_USER, Preview};
pub use text::{MAX_NAME_CHARS, file_name, no_nul, no_nul_json};
pub use two_factor::{CHALLENGE_SECONDS, RECOVERY_CODES, STEP, Setup, TwoFactor, code_for};
pub use users::{Account, AccountMembership, Lifetimes, NewReset, RESET_SECONDS};

/// A page of a list: `items`, and the `total` before paging.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many there are in all.
    pub total: i64,
    /// The offset of the first item.
    pub offset: i64,
    /// The most items a page holds.
    pub limit: i64,
}

impl<T> Page<T> {
    /// A page of `items` out of `total`, as `paging` asked.
    pub fn new(items: Vec<T>, total: i64, paging: Paging) -> Page<T> {
        Page {
            items,
            total,
            offset: paging.offset,
            limit: paging.limit,
        }
    }
}

/// Which items of a list to return.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// Items to skip.
    pub offset: i64,
    /// Items to return at most (1 to 500).
    pub limit: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            offset: 0,
            limit: 100,
        }
    }
}

impl Paging {
    /// The paging asked for, clamped to what the store serves.
    pub fn new(offset: Option<i64>, limit: Option<i64>) -> Paging {
        Paging {
            offset: offset.unwrap_or(0).max(0),
            limit: limit.unwrap_or(100).clamp(1, 500),
        }
    }
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names no database Sextant supports.
    #[error(
        "unsupported database URL `{0}`: expected sqlite://PATH (or sqlite::memory:) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    /// The thing asked for does not exist, or is not the caller's to see.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller's role does not allow the change.
    #[error("this needs the {needed} role in the organisation; you are {actual}")]
    Forbidden {
        /// The role needed.
        needed: Role,
        /// The caller's role.
        actual: Role,
    },
    /// The request conflicts with what is stored (a taken slug or e-mail, say).
    #[error("{0}")]
    Conflict(String),
    /// A value the caller sent is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as a JSON path.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The change would leave the plan invalid; nothing was stored.
    #[error("the plan would not be valid: {0}")]
    Plan(#[from] PlanRejected),
    /// A stored value could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A member's role in an organisation, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Changes the plan and the data.
    Editor,
    /// Also manages members and the organisation itself.
    Owner,
}

impl Role {
    /// Its name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "owner" => Ok(Role::Owner),
            other => Err(format!("expected owner, editor or viewer, found `{other}`")),
        }
    }
}

/// An organisation (a client business).
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    /// Its id in the database.
    pub id: i64,
    /// Its short name in URLs.
    pub slug: String,
    /// Its display name.
    pub name: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// A user's access to one organisation. Only [`Store::scope`] makes one, after checking
/// membership; every organisation query takes one.
#[derive(Debug, Clone)]
pub struct Scope {
    org_id: i64,
    user_id: i64,
    role: Role,
    slug: String,
}

impl Scope {
    /// The organisation's slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }
    /// The member's role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The member's user id.
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    /// The organisation's id (the key its share of the server's CPU is counted under).
    pub fn org_id(&self) -> i64 {
        self.org_id
    }
    /// Refuses unless the member has at least `needed`.
    pub fn require(&self, needed: Role) -> Result<()> {
        if self.role >= needed {
            Ok(())
        } else {
            Err(StoreError::Forbidden {
                needed,
                actual: self.role,
            })
        }
    }
}

/// The file of a `sqlite://PATH` (or `sqlite:PATH`) URL, without its query; `None` for an
/// in-memory database or a URL of another kind.
pub fn sqlite_file(url: &str) -> Option<&std::path::Path> {
    let rest = url.strip_prefix("sqlite:")?;
    if rest.contains(":memory:") {
        return None;
    }
    let path = rest.trim_start_matches("//");
    Some(std::path::Path::new(path.split('?').next().unwrap_or(path)))
}

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite, one file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Store {
    /// A transaction that reads before it writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting up to the busy timeout for another writer): a deferred
    /// transaction that read first fails at its first write, without waiting, with "database
    /// is locked" when another connection wrote in between (a 500 under load). PostgreSQL's
    /// plain `BEGIN`.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        })
    }
}

/// The store: a pool of connections to one database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    limits: LoginLimits,
    lifetimes: Lifetimes,
    /// Each organisation's checked plan at the version it was checked at (see
    /// [`Store::plan`]): a plan is parsed once per change, not once per read.
    plans: std::sync::Arc<plan::Plans>,
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating if need be) the database at `url` and brings its schema up to date.
    /// `sqlite://PATH` opens a file in WAL mode (created with its directory when missing);
    /// `sqlite::memory:` a private in-memory database; `postgres://...` a PostgreSQL database.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, false).await
    }

    /// Opens the database of an installation that exists already (what `sextant backup` reads):
    /// as [`Store::open`], but a SQLite file that is missing is not created, and a database that
    /// holds no installation (no schema of Sextant's) is refused before anything is written to
    /// it. A mistyped `--database` gets an error, not a backup of a new, empty installation.
    pub async fn open_existing(url: &str) -> Result<Store> {
        Store::open_with(url, true).await
    }

    async fn open_with(url: &str, existing: bool) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if url.starts_with("sqlite:") {
            if let Some(file) = sqlite_file(url) {
                if existing && !file.is_file() {
                    return Err(StoreError::Invalid {
                        field: "database".into(),
                        message: format!(
                            "no database at {}: expected the file of an installation (check --database or SEXTANT_DATABASE_URL)",
                            file.display()
                        ),
                    });
                }
                let path = file.to_string_lossy();
                // The database and its directory private (0600, 0700) before SQLite opens it.
                let changes = files::secure(file).map_err(|e| StoreError::Invalid {
                    field: "database".into(),
                    message: format!("cannot create or secure {}: {e}", file.display()),
                })?;
                for change in changes {
                    if change.starts_with("made") {
                        tracing::warn!(%change, "the database's files were readable by others");
                    } else {
                        tracing::info!(%change, "database file");
                    }
                }
                (Dialect::Sqlite, format!("sqlite://{path}?mode=rwc"))
            } else {
                (Dialect::Sqlite, "sqlite::memory:".to_string())
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_string())
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let memory = url == "sqlite::memory:";
        let pool = AnyPoolOptions::new()
            // An in-memory SQLite database lives in its one connection.
            .max_connections(if memory { 1 } else { 16 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory {
                None
            } else {
                Some(std::time::Duration::from_secs(600))
            })
            .max_lifetime(if memory {
                None
            } else {
                Some(std::time::Duration::from_secs(1800))
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if existing {
            // The migrations' own table is the first thing an installation's schema holds.
            let tables: i64 = match dialect {
                Dialect::Sqlite => sqlx::query_scalar(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                ),
                Dialect::Postgres => sqlx::query_scalar(
                    "SELECT count(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
                ),
            }
            .fetch_one(&pool)
            .await?;
            if tables == 0 {
                pool.close().await;
                return Err(StoreError::Invalid {
                    field: "database".into(),
                    message: "the database holds no Sextant installation: expected one that \
                              `sextant serve` has used (check --database or SEXTANT_DATABASE_URL)"
                        .into(),
                });
            }
        }
        if dialect == Dialect::Sqlite && !memory {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        match dialect {
            Dialect::Sqlite => SQLITE.run(&pool).await?,
            Dialect::Postgres => POSTGRES.run(&pool).await?,
        }
        Ok(Store {
            pool,
            dialect,
            limits: LoginLimits::default(),
            lifetimes: Lifetimes::default(),
            plans: Default::default(),
        })
    }

    /// The database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The user's access to the organisation `slug`: not found (the same answer as for an
    /// organisation that does not exist) unless the user is a member.
    pub async fn scope(&self, user: &User, slug: &str) -> Result<Scope> {
        if check_slug(slug).is_err() {
            // No organisation has such a slug; PostgreSQL would refuse some (a NUL byte).
            return Err(StoreError::NotFound(format!(
                "organisation `{}`",
                slug.escape_debug()
            )));
        }
        // A member's role; a firm administrator (`sees_all`) is an owner of every organisation.
        let row: Option<(i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT o.id, m.role, u.sees_all FROM organizations o JOIN users u ON u.id = $2 \
             LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = u.id \
             WHERE o.slug = $1",
        )
        .bind(slug)
        .bind(user.id)
        .fetch_optional(&self.pool)
        .await?;
        let (org_id, role) = match row {
            Some((id, Some(role), _)) => (id, role),
            Some((id, None, 1)) => (id, "owner".to_string()),
            _ => return Err(StoreError::NotFound(format!("organisation `{slug}`"))),
        };
        Ok(Scope {
            org_id,
            user_id: user.id,
            role: role.parse().map_err(StoreError::Corrupt)?,
            slug: slug.to_string(),
        })
    }

    /// Creates an organisation with `user` as its owner. Only installation administrators
    /// may.
    pub async fn create_org(&self, user: &User, slug: &str, name: &str) -> Result<Organization> {
        if !user.is_admin {
            return Err(StoreError::Forbidden {
                needed: Role::Owner,
                actual: Role::Viewer,
            });
        }
        check_slug(slug)?;
        text::no_nul("name", name)?;
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name".into(),
                message: "expected a name, found an empty string".into(),
            });
        }
        let mut tx = self.begin_write().await?;
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM organizations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organisation with the slug `{slug}` exists already"
            )));
        }
        let now = now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(slug)
        .bind(name.trim())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')")
            .bind(id)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Organization {
            id,
            slug: slug.to_string(),
            name: name.trim().to_string(),
            created_at: rfc3339(now),
        })
    }

    /// The organisations `user` belongs to, with the role in each, by slug.
    pub async fn orgs_of(&self, user: &User, paging: Paging) -> Result<Page<(Organization, Role)>> {
        // A firm administrator (`sees_all`) is an owner of every organisation.
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM organizations o JOIN users u ON u.id = $1 \
             LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = u.id \
             WHERE m.user_id IS NOT NULL OR u.sees_all = 1",
        )
        .bind(user.id)
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT o.id, o.slug, o.name, o.created_at, COALESCE(m.role, 'owner') \
             FROM organizations o JOIN users u ON u.id = $1 \
             LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = u.id \
             WHERE m.user_id IS NOT NULL OR u.sees_all = 1 \
             ORDER BY o.slug LIMIT $2 OFFSET $3",
        )
        .bind(user.id)
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(|(id, slug, name, at, role)| {
                Ok((
                    Organization {
                        id,
                        slug,
                        name,
                        created_at: rfc3339(at),
                    },
                    role.parse().map_err(StoreError::Corrupt)?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(Page::new(items, total, paging))
    }

    /// The organisation of a scope.
    pub async fn org(&self, scope: &Scope) -> Result<Organization> {
        let (slug, name, at): (String, String, i64) =
            sqlx::query_as("SELECT slug, name, created_at FROM organizations WHERE id = $1")
                .bind(scope.org_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(Organization {
            id: scope.org_id,
            slug,
            name,
            created_at: rfc3339(at),
        })
    }

    /// Renames an organisation (owners only). The plan's own name follows when it was the
    /// organisation's (see `plan_name_follows`), in the same change.
    pub async fn rename_org(&self, scope: &Scope, name: &str) -> Result<Organization> {
        scope.require(Role::Owner)?;
        text::no_nul("name", name)?;
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                field: "name".into(),
                message: "expected a name, found an empty string".into(),
            });
        }
        let mut tx = self.begin_write().await?;
        let (old,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
            .bind(scope.org_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2")
            .bind(name.trim())
            .bind(scope.org_id)
            .execute(&mut *tx)
            .await?;
        let mut followed = None;
        if old != name.trim() {
            let before = serde_json::json!({ "name": old });
            let after = serde_json::json!({ "name": name.trim() });
            log_change(
                &mut tx,
                scope,
                "org",
                &scope.slug,
                "update",
                Some(&before),
                Some(&after),
            )
            .await?;
            followed = self
                .plan_name_follows(&mut tx, scope, &old, name.trim())
                .await?;
        }
        tx.commit().await?;
        if let Some(done) = followed {
            self.plan_changed(scope, done);
        }
        self.org(scope).await
    }

    /// Deletes an organisation with everything it holds (owners only).
    pub async fn delete_org(&self, scope: &Scope) -> Result<()> {
        scope.require(Role::Owner)?;
        let mut tx = self.pool.begin().await?;
        for table in [
            "history",
            "entities",
            "datasets",
            "memberships",
            "org_invitations",
            "jobs",
            "upload_previews",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE org_id = $1"))
                .bind(scope.org_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM organizations WHERE id = $1")
            .bind(scope.org_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members of an organisation, by e-mail address.
    pub async fn members(&self, scope: &Scope, paging: Paging) -> Result<Page<Member>> {
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1")
            .bind(scope.org_id)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, m.role FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email \
             LIMIT $2 OFFSET $3",
        )
        .bind(scope.org_id)
        .bind(paging.limit)
        .bind(paging.offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(|(user_id, email, name, role)| {
                Ok(Member {
                    user_id,
                    email,
                    name,
                    role: role.parse().map_err(StoreError::Corrupt)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page::new(items, total, paging))
    }

    /// Gives `email` the `role` in the organisation (owners only). A member's role changes at
    /// once. Anyone else, with an account or without, is sent an invitation: the token,
    /// returned once (only its digest is kept), lets the person join with that role within
    /// [`Lifetimes::invitation`]; until then they have no access. The answer is the same whether
    /// or not the address has an account, so that it tells nobody who uses the installation.
    /// Inviting the same address again re-issues the invitation (a new token and expiry; the
    /// old token dies).
    pub async fn set_member(&self, scope: &Scope, email: &str, role: Role) -> Result<MemberChange> {
        scope.require(Role::Owner)?;
        let email = accounts::check_email(email)?;
        let mut tx = self.begin_write().await?;
        let member: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND u.email = $2",
        )
        .bind(scope.org_id)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, name, previous)) = member else {
            let token = accounts::random_token("sxi_");
            let t = now();
            sqlx::query("DELETE FROM org_invitations WHERE org_id = $1 AND email = $2")
                .bind(scope.org_id)
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO org_invitations \
                 (org_id, email, role, token_hash, invited_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(scope.org_id)
            .bind(&email)
            .bind(role.as_str())
            .bind(accounts::digest(&token))
            .bind(scope.user_id)
            .bind(t)
            .bind(t + self.lifetimes.invitation)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({ "email": email, "role": role.as_str() });
            log_change(
                &mut tx,
                scope,
                "members",
                &email,
                "invite",
                None,
                Some(&after),
            )
            .await?;
            tx.commit().await?;
            return Ok(MemberChange::Invited {
                invitation: Invitation {
                    id,
                    email,
                    role,
                    created_at: rfc3339(t),
                    expires_at: rfc3339(t + self.lifetimes.invitation),
                    expired: false,
                },
                token,
            });
        };
        if user_id == scope.user_id && role < Role::Owner {
            self.keep_an_owner(&mut tx, scope.org_id, user_id).await?;
        }
        if previous != role.as_str() {
            let before = serde_json::json!({ "email": email, "role": previous });
            let after = serde_json::json!({ "email": email, "role": role.as_str() });
            log_change(
                &mut tx,
                scope,
                "members",
                &email,
                "update",
                Some(&before),
                Some(&after),
            )
            .await?;
            sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
                .bind(role.as_str())
                .bind(scope.org_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(MemberChange::Updated(Member {
            user_id,
            email,
            name,
            role,
        }))
    }

    /// The organisation's invitations not yet accepted (expired ones too, until revoked or
    /// re-issued), by e-mail address, as members are listed to every member (never their
    /// tokens).
    pub async fn invitations(&self, scope: &Scope) -> Result<Vec<Invitation>> {
        let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, email, role, created_at, expires_at FROM org_invitations \
             WHERE org_id = $1 ORDER BY email",
        )
        .bind(scope.org_id)
        .fetch_all(&self.pool)
        .await?;
        let t = now();
        rows.into_iter()
            .map(|(id, email, role, c, e)| {
                Ok(Invitation {
                    id,
                    email,
                    role: role.parse().map_err(StoreError::Corrupt)?,
                    created_at: rfc3339(c),
                    expires_at: rfc3339(e),
                    expired: e <= t,
                })
            })
            .collect()
    }

    /// Revokes an invitation (owners only): its token stops working.
    pub async fn revoke_invitation(&self, scope: &Scope, id: i64) -> Result<()> {
        scope.require(Role::Owner)?;
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT email, role FROM org_invitations WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(scope.org_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (email, role) = row.ok_or_else(|| StoreError::NotFound(format!("invitation {id}")))?;
        sqlx::query("DELETE FROM org_invitations WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(scope.org_id)
            .execute(&mut *tx)
            .await?;
        let before = serde_json::json!({ "email": email, "role": role });
        log_change(
            &mut tx,
            scope,
            "members",
            &email,
            "uninvite",
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member (owners only); the last owner stays. Any invitation of the
    /// organisation to the member's address dies with the membership.
    pub async fn remove_member(&self, scope: &Scope, user_id: i64) -> Result<()> {
        scope.require(Role::Owner)?;
        let mut tx = self.begin_write().await?;
        let member: Option<(String, String)> = sqlx::query_as(
            "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND m.user_id = $2",
        )
        .bind(scope.org_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (email, role) =
            member.ok_or_else(|| StoreError::NotFound(format!("member {user_id}")))?;
        self.keep_an_owner(&mut tx, scope.org_id, user_id).await?;
        sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(scope.org_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM org_invitations WHERE org_id = $1 AND email = $2")
            .bind(scope.org_id)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM upload_previews WHERE org_id = $1 AND user_id = $2")
            .bind(scope.org_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // No longer its consultant either (unless a firm administrator, who sees it still).
        sqlx::query(
            "UPDATE organizations SET consultant_id = NULL WHERE id = $1 AND consultant_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM users WHERE id = $2 AND sees_all = 1)",
        )
        .bind(scope.org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let before = serde_json::json!({ "email": email, "role": role });
        log_change(
            &mut tx,
            scope,
            "members",
            &email,
            "delete",
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes every invitation of the organisation expire now (for tests of expiry).
    #[doc(hidden)]
    pub async fn expire_invitations_for_tests(&self, scope: &Scope) -> Result<()> {
        sqlx::query("UPDATE org_invitations SET expires_at = $1 WHERE org_id = $2")
            .bind(now() - 1)
            .bind(scope.org_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes administration of the installation from the account `email`, if it has it (the
    /// demo's published login must never hold it).
    pub async fn revoke_admin(&self, email: &str) -> Result<bool> {
        let email = accounts::check_email(email)?;
        let done = sqlx::query("UPDATE users SET is_admin = 0 WHERE email = $1 AND is_admin <> 0")
            .bind(&email)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn keep_an_owner(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        org_id: i64,
        leaving: i64,
    ) -> Result<()> {
        let (others,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner' AND user_id <> $2",
        )
        .bind(org_id)
        .bind(leaving)
        .fetch_one(&mut **tx)
        .await?;
        if others == 0 {
            return Err(StoreError::Conflict(
                "an organisation keeps at least one owner: make someone else owner first".into(),
            ));
        }
        Ok(())
    }
}

/// A member of an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// The user's id.
    pub user_id: i64,
    /// Their e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
}

/// An invitation to join an organisation, not yet accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    /// Its id (to revoke it).
    pub id: i64,
    /// The address it was sent to.
    pub email: String,
    /// The role it gives.
    pub role: Role,
    /// When it was issued.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// It can no longer be accepted (re-issue it with the same request).
    pub expired: bool,
}

/// What giving an address a role did.
#[derive(Debug, Clone)]
pub enum MemberChange {
    /// The address was a member's: their role is set.
    Updated(Member),
    /// Anyone else was invited.
    Invited {
        /// The invitation.
        invitation: Invitation,
        /// Its token, for `POST /api/v1/invitations/accept`, shown this once.
        token: String,
    },
}

/// Records a change in the organisation's history, in the transaction that makes it.
pub(crate) async fn log_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    scope: &Scope,
    section: &str,
    key: &str,
    action: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO history (org_id, section, key, user_id, at, action, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(scope.org_id)
    .bind(section)
    .bind(key)
    .bind(scope.user_id)
    .bind(now())
    .bind(action)
    .bind(before.map(serde_json::Value::to_string))
    .bind(after.map(serde_json::Value::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn check_slug(slug: &str) -> Result<()> {
    let ok = (2..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: "slug".into(),
            message: format!(
                "expected 2 to 63 lowercase letters, digits and inner hyphens (e.g. corner-bookstore), found `{slug}`"
            ),
        })
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Unix seconds as an RFC 3339 UTC timestamp.
pub fn rfc3339(t: i64) -> String {
    let ((y, m, d), secs) = sextant_core::calendar::civil_from_seconds(t);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The hazard `begin_write` removes: on SQLite, a transaction that read before another
    /// connection wrote is refused at its own first write ("database is locked", without
    /// waiting); one begun with `begin_write` holds the lock from the start, so the other
    /// writer waits its turn and both writes land.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_then_write_transaction_waits_for_other_writers() {
        let path = std::env::temp_dir().join(format!(
            "sextant-write-lock-{}-{}.db",
            std::process::id(),
            now()
        ));
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let pool = store.pool.clone();
        sqlx::query("CREATE TABLE t (x BIGINT)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (1)")
            .execute(&pool)
            .await
            .unwrap();
        let read = "SELECT x FROM t";

        let mut deferred = pool.begin().await.unwrap();
        let _: (i64,) = sqlx::query_as(read)
            .fetch_one(&mut *deferred)
            .await
            .unwrap();
        sqlx::query("UPDATE t SET x = 2")
            .execute(&pool)
            .await
            .unwrap();
        let refused = sqlx::query("UPDATE t SET x = 3")
            .execute(&mut *deferred)
            .await;
        assert!(refused.is_err(), "a deferred read-then-write is refused");
        drop(deferred);

        let mut tx = store.begin_write().await.unwrap();
        let _: (i64,) = sqlx::query_as(read).fetch_one(&mut *tx).await.unwrap();
        let other = tokio::spawn({
            let pool = pool.clone();
            async move { sqlx::query("UPDATE t SET x = x * 10").execute(&pool).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        sqlx::query("UPDATE t SET x = 5")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        other.await.unwrap().unwrap();
        let (x,): (i64,) = sqlx::query_as(read).fetch_one(&pool).await.unwrap();
        assert_eq!(x, 50, "ours first, then the other writer's");
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    #[test]
    fn timestamps_render_as_rfc3339() {
        // 1,700,000,000 s is 2023-11-14 22:13:20 UTC (`date -u -d @1700000000`).
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2024-02-29 12:00:00 UTC is 1,709,208,000 s (`date -u -d 2024-02-29T12:00:00Z +%s`).
        assert_eq!(rfc3339(1_709_208_000), "2024-02-29T12:00:00Z");
    }

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("corner-bookstore").is_ok());
        let e = check_slug("Corner Bookstore").unwrap_err().to_string();
        assert_eq!(
            e,
            "slug: expected 2 to 63 lowercase letters, digits and inner hyphens (e.g. corner-bookstore), found `Corner Bookstore`"
        );
        assert!(check_slug("-a").is_err());
        assert!(check_slug("a").is_err());
    }

    fn mode(p: &std::path::Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).map_or(0, |m| m.permissions().mode() & 0o777)
    }

    /// SQLite created the database with the umask (0644) in a 0755 directory: any local user
    /// could read every organisation's data and the password hashes. A new database, its
    /// write-ahead log and shared memory are 0600 and its directory 0700; an existing one with
    /// wider modes is made private when the store opens it.
    #[tokio::test]
    async fn the_database_its_wal_and_its_directory_are_private() {
        let top = std::env::temp_dir().join(format!("sextant-store-modes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let db = top.join("data/sextant.db");
        let url = format!("sqlite://{}", db.display());
        let store = Store::open(&url).await.unwrap();
        store
            .create_user("a@example.com", "A", "a long enough password", true)
            .await
            .unwrap();
        let wal = top.join("data/sextant.db-wal");
        let shm = top.join("data/sextant.db-shm");
        assert!(wal.exists() && shm.exists());
        assert_eq!(
            (mode(&top.join("data")), mode(&db), mode(&wal), mode(&shm)),
            (0o700, 0o600, 0o600, 0o600)
        );
        store.close().await;
        // As an older version left it.
        use std::os::unix::fs::PermissionsExt;
        for (p, m) in [(&db, 0o644), (&top.join("data"), 0o755)] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        let store = Store::open(&url).await.unwrap();
        assert_eq!((mode(&top.join("data")), mode(&db)), (0o700, 0o600));
        store.close().await;
        let _ = std::fs::remove_dir_all(&top);
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Owner > Role::Editor && Role::Editor > Role::Viewer);
        assert_eq!("editor".parse::<Role>(), Ok(Role::Editor));
        assert_eq!(
            "admin".parse::<Role>(),
            Err("expected owner, editor or viewer, found `admin`".to_string())
        );
    }
}
