//! `sextant serve`, `sextant backup` and `sextant restore`: the server and its installation.

use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use sextant_web::config::{Config, LogFormat, Secret};

/// Where the installation is: flags over `SEXTANT_` variables over the file over defaults.
#[derive(Args, Clone)]
pub struct ConfigArgs {
    /// Database URL: `sqlite://PATH` (default: sextant.db in the user's data directory) or
    /// `postgres://USER:PASSWORD@HOST/DB`. Also SEXTANT_DATABASE_URL.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// A TOML configuration file (keys: listen, database, public_url, trusted_proxies,
    /// trusted_proxy_addresses, behind_proxy, login_failures_per_account_address,
    /// login_failures_per_address, login_failures_per_account, login_failures_per_device,
    /// log_format, cores_per_organisation, invitation_days, reset_hours, and an `[smtp]` table:
    /// host, port, security, username, password, from). Also SEXTANT_CONFIG.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl ConfigArgs {
    fn load(&self) -> anyhow::Result<Config> {
        let file = self
            .config
            .clone()
            .or_else(|| std::env::var_os("SEXTANT_CONFIG").map(PathBuf::from));
        let mut c = Config::load(file.as_deref(), |k| std::env::var(k).ok())?;
        if let Some(d) = &self.database {
            c.database = Secret::new(d.clone());
        }
        Ok(c)
    }
}

/// `sextant serve` arguments.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Address to listen on (default 127.0.0.1:8080). Also SEXTANT_LISTEN.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Create the Corner Bookstore organisation with its plan and generated data, and print
    /// its login.
    #[arg(long)]
    demo: bool,
    /// With --demo on an installation that has users already: add the demo's login (whose
    /// password is published) anyway. It is a member of the demo organisation only.
    #[arg(long, requires = "demo")]
    force_demo: bool,
}

/// `sextant backup` arguments.
#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The backup file to write (JSON Lines); `-` writes standard output.
    #[arg(long, short)]
    output: PathBuf,
}

/// `sextant restore` arguments.
#[derive(Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The backup file to read.
    input: PathBuf,
}

/// `sextant account` arguments.
#[derive(Args)]
pub struct AccountArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// The account's e-mail address.
    email: String,
    /// Turn its second factor off (a lost phone and lost recovery codes): it signs in with its
    /// password alone until it sets up a new one.
    #[arg(long)]
    two_factor_off: bool,
    /// Make it a firm administrator, who sees every organisation as its owner (`true`), or no
    /// longer (`false`).
    #[arg(long, value_name = "true|false")]
    sees_all: Option<bool>,
}

/// Runs `sextant account`: the installation's operator's changes to an account, for when no
/// administrator can sign in (their phone lost); prints the account as it is after.
pub fn account(args: AccountArgs) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let line = runtime()?.block_on(async {
        let store = open_existing(config.database.expose()).await?;
        let a = store
            .operate_account(&args.email, args.two_factor_off, args.sees_all)
            .await
            .map_err(|e| match e {
                sextant_store::StoreError::NotFound(m) => anyhow::Error::new(crate::InvalidInput(
                    format!("{m} not found: expected the e-mail address of an account of this installation\n"),
                )),
                other => other.into(),
            })?;
        anyhow::Ok(format!(
            "{} ({}): second factor {}, {}",
            a.email,
            a.name,
            if a.two_factor { "on" } else { "off" },
            if a.sees_all {
                "firm administrator (sees every organisation)"
            } else {
                "sees the organisations it is a member of"
            }
        ))
    })?;
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SEXTANT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

/// Runs `sextant serve`.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args.config.load()?;
    if let Some(l) = args.listen {
        config.listen = l;
    }
    init_logs(config.log_format);
    // An installation's own table of ends of support is read before anything is served: one
    // it cannot read stops the start, rather than every asset being judged by another.
    sextant_web::assets::check_end_of_support().map_err(crate::InvalidInput)?;
    let rt = runtime()?;
    let served = rt.block_on(sextant_web::serve(config, args.demo, args.force_demo));
    // A computation that cannot be interrupted (a solver's time slice) does not hold the
    // process: the server has stopped answering, so the rest is let go.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `sextant backup`.
pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let rows = runtime()?.block_on(async {
        let store = open_existing(config.database.expose()).await?;
        let mut out: Box<dyn Write> = if args.output.as_os_str() == "-" {
            Box::new(std::io::stdout().lock())
        } else {
            let file = create_private(&args.output)?;
            Box::new(std::io::BufWriter::new(file))
        };
        let n = store.backup(&mut out).await?;
        out.flush()?;
        anyhow::Ok(n)
    })?;
    eprintln!("backed up {rows} rows to {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}

/// The database of an installation that exists already: a missing file or a database without
/// Sextant's schema is the caller's mistake (exit 2), never a new, empty installation.
async fn open_existing(url: &str) -> anyhow::Result<sextant_store::Store> {
    sextant_store::Store::open_existing(url)
        .await
        .map_err(|e| match e {
            e @ sextant_store::StoreError::Invalid { .. } => {
                anyhow::Error::new(crate::InvalidInput(format!("{e}\n")))
            }
            e => e.into(),
        })
}

/// A new file only its owner can read (a backup holds password hashes).
fn create_private(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Runs `sextant restore`.
pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let rows = runtime()?.block_on(async {
        let store = sextant_store::Store::open(config.database.expose()).await?;
        let n = store
            .restore(&mut BufReader::new(file))
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;
        anyhow::Ok(n)
    })?;
    eprintln!(
        "restored {rows} rows from {} into {}",
        args.input.display(),
        config.database.redacted()
    );
    Ok(ExitCode::SUCCESS)
}
