//! The server's configuration, in layers: defaults, then a TOML file, then `SEXTANT_`
//! environment variables, then command-line flags (applied by the caller). The database URL
//! may hold a password: it is kept in a [`Secret`] whose `Debug` and `Display` hide it.

use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;
use sextant_store::LoginLimits;

/// A value that must not reach logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret {
    value: String,
    /// All of it is secret (a password), not only a URL's password.
    whole: bool,
}

impl Secret {
    /// Wraps a URL whose password (if any) is secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret {
            value: s.into(),
            whole: false,
        }
    }
    /// Wraps a value that is secret as a whole (a password).
    pub fn password(s: impl Into<String>) -> Secret {
        Secret {
            value: s.into(),
            whole: true,
        }
    }
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.value
    }
    /// A database URL with any password replaced by `***`; a password as `***`.
    pub fn redacted(&self) -> String {
        if self.whole {
            return "***".into();
        }
        let s = &self.value;
        match (s.find("://"), s.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let userinfo = &s[scheme + 3..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &s[..scheme + 3], &s[at..]),
                    None => s.clone(),
                }
            }
            _ => s.clone(),
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Database URL: `sqlite://PATH` or `postgres://...`.
    pub database: Secret,
    /// The URL users reach the server at (for links printed on the console; `https://` marks
    /// cookies `Secure`). Empty: the listening address.
    pub public_url: String,
    /// How many proxies (load balancers, TLS terminators) stand between the clients and the
    /// server, each appending the address it was reached from to `X-Forwarded-For`: at most
    /// that many hops of the header are believed, from the right, each only when it came from
    /// a trusted proxy address. 0 (the default, unless addresses are listed): the header is
    /// ignored and the peer address is the client.
    pub trusted_proxies: usize,
    /// The addresses and CIDR ranges of those proxies: `X-Forwarded-For` is read only from
    /// them, so a client reaching the server directly cannot choose its address. Empty with
    /// `trusted_proxies` above 0: the loopback only (a proxy on the same host).
    pub trusted_proxy_addresses: Vec<IpNet>,
    /// The failures each key of the login limit allows in an hour before it backs off.
    pub login_limits: LoginLimits,
    /// Log format.
    pub log_format: LogFormat,
    /// The most cores one organisation's analyses hold at once; `None` (the default): half the
    /// machine's cores, at least one. The rest stays for the other organisations.
    pub cores_per_organisation: Option<u32>,
    /// The SMTP server that sends invitations and password reset links; `None`: e-mail is
    /// not set up, and only the administrator is handed links to pass on.
    pub smtp: Option<Smtp>,
    /// How many days an invitation can be accepted (1 to 90; 7 by default).
    pub invitation_days: i64,
    /// How many hours a password reset link works (1 to 168; 24 by default).
    pub reset_hours: i64,
    /// Every account signs in with a second factor (a code from an authenticator app): one
    /// without it can only set it up (false by default).
    pub require_two_factor: bool,
    /// Who the review packs say prepared them: the firm's name, colour and logo
    /// (`brand_name`, `brand_colour` as `#RRGGBB`, `brand_logo` a PNG, JPEG or SVG file).
    pub branding: sextant_pack::Branding,
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text (a relay on the same machine or network only).
    None,
    /// Plain text upgraded to TLS before anything is sent (port 587 by default); refused
    /// when the server cannot.
    #[default]
    Starttls,
    /// TLS from the start (port 465 by default).
    Tls,
}

impl SmtpSecurity {
    /// The usual port.
    pub fn port(self) -> u16 {
        match self {
            SmtpSecurity::None => 25,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
        }
    }
}

/// The SMTP server's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    /// Its host name.
    pub host: String,
    /// Its port (by default the usual one of `security`).
    pub port: u16,
    /// How the connection is secured.
    pub security: SmtpSecurity,
    /// The login at the server; empty: none.
    pub username: String,
    /// The password of the login.
    pub password: Secret,
    /// The sender: `sextant@example.com` or `Sextant <sextant@example.com>`.
    pub from: String,
}

/// The `[smtp]` table of the file, and the `SEXTANT_SMTP_` variables: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpLayer {
    host: Option<String>,
    port: Option<u16>,
    security: Option<SmtpSecurity>,
    username: Option<String>,
    password: Option<String>,
    from: Option<String>,
}

/// The file layer: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    database: Option<String>,
    public_url: Option<String>,
    behind_proxy: Option<bool>,
    trusted_proxies: Option<usize>,
    trusted_proxy_addresses: Option<Vec<String>>,
    login_failures_per_account_address: Option<i64>,
    login_failures_per_address: Option<i64>,
    login_failures_per_account: Option<i64>,
    login_failures_per_device: Option<i64>,
    log_format: Option<LogFormat>,
    cores_per_organisation: Option<u32>,
    invitation_days: Option<i64>,
    reset_hours: Option<i64>,
    require_two_factor: Option<bool>,
    brand_name: Option<String>,
    brand_colour: Option<String>,
    brand_logo: Option<String>,
    smtp: Option<SmtpLayer>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    /// The file or variable.
    pub source_name: String,
    /// What is wrong.
    pub message: String,
}

/// The default database: `sextant.db` in the user's data directory.
pub fn default_database() -> String {
    let dir = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    format!(
        "sqlite://{}",
        dir.join("sextant").join("sextant.db").display()
    )
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database: Secret::new(default_database()),
            public_url: String::new(),
            trusted_proxies: 0,
            trusted_proxy_addresses: Vec::new(),
            login_limits: LoginLimits::default(),
            log_format: LogFormat::Text,
            cores_per_organisation: None,
            smtp: None,
            invitation_days: 7,
            reset_hours: 24,
            require_two_factor: false,
            branding: sextant_pack::Branding::default(),
        }
    }
}

impl Config {
    /// Defaults, then the file (if any), then the environment (`SEXTANT_LISTEN`,
    /// `SEXTANT_DATABASE_URL`, `SEXTANT_PUBLIC_URL`, `SEXTANT_TRUSTED_PROXIES`,
    /// `SEXTANT_BEHIND_PROXY` (`true` meaning one proxy), `SEXTANT_TRUSTED_PROXY_ADDRESSES`
    /// (separated by commas), `SEXTANT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS`,
    /// `SEXTANT_LOGIN_FAILURES_PER_ADDRESS`, `SEXTANT_LOGIN_FAILURES_PER_ACCOUNT`,
    /// `SEXTANT_LOGIN_FAILURES_PER_DEVICE`, `SEXTANT_LOG_FORMAT`,
    /// `SEXTANT_CORES_PER_ORGANISATION`).
    /// E-mail: the file's `[smtp]` table (`host`, `port`, `security`, `username`, `password`,
    /// `from`) and `SEXTANT_SMTP_HOST`, `_PORT`, `_SECURITY`, `_USERNAME`, `_PASSWORD`,
    /// `_FROM`; links: `invitation_days` (`SEXTANT_INVITATION_DAYS`) and `reset_hours`
    /// (`SEXTANT_RESET_HOURS`).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        let mut smtp = SmtpLayer::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                source_name: path.display().to_string(),
                message: e.to_string(),
            })?;
            let f: FileConfig = toml::from_str(&text).map_err(|e| ConfigError {
                source_name: path.display().to_string(),
                message: e.to_string(),
            })?;
            if let Some(v) = f.listen {
                c.listen = v;
            }
            if let Some(v) = f.database {
                c.database = Secret::new(v);
            }
            if let Some(v) = f.public_url {
                c.public_url = v;
            }
            if let Some(v) = f.behind_proxy {
                c.trusted_proxies = usize::from(v);
            }
            if let Some(v) = f.trusted_proxies {
                c.trusted_proxies = v;
            }
            if let Some(v) = f.trusted_proxy_addresses {
                c.trusted_proxy_addresses = crate::proxy::parse_addresses(
                    v.iter().map(String::as_str),
                )
                .map_err(|message| ConfigError {
                    source_name: format!("{}: trusted_proxy_addresses", path.display()),
                    message,
                })?;
            }
            let source = |key: &str| format!("{}: {key}", path.display());
            for (key, value, limit) in [
                (
                    "login_failures_per_account_address",
                    f.login_failures_per_account_address,
                    &mut c.login_limits.account_address,
                ),
                (
                    "login_failures_per_address",
                    f.login_failures_per_address,
                    &mut c.login_limits.address,
                ),
                (
                    "login_failures_per_account",
                    f.login_failures_per_account,
                    &mut c.login_limits.account,
                ),
                (
                    "login_failures_per_device",
                    f.login_failures_per_device,
                    &mut c.login_limits.device,
                ),
            ] {
                if let Some(v) = value {
                    *limit = failures(&source(key), &v.to_string())?;
                }
            }
            if let Some(v) = f.log_format {
                c.log_format = v;
            }
            if let Some(v) = f.cores_per_organisation {
                c.cores_per_organisation = Some(cores(v, &path.display().to_string())?);
            }
            if let Some(v) = f.invitation_days {
                c.invitation_days = v;
            }
            if let Some(v) = f.require_two_factor {
                c.require_two_factor = v;
            }
            if let Some(v) = f.reset_hours {
                c.reset_hours = v;
            }
            brand(
                &mut c.branding,
                f.brand_name,
                f.brand_colour,
                f.brand_logo,
                &source,
            )?;
            smtp = f.smtp.unwrap_or_default();
        }
        if let Some(v) = env("SEXTANT_LISTEN") {
            c.listen = v;
        }
        if let Some(v) = env("SEXTANT_DATABASE_URL") {
            c.database = Secret::new(v);
        }
        if let Some(v) = env("SEXTANT_PUBLIC_URL") {
            c.public_url = v;
        }
        if let Some(v) = env("SEXTANT_BEHIND_PROXY") {
            c.trusted_proxies = match v.as_str() {
                "1" | "true" | "yes" => 1,
                "0" | "false" | "no" | "" => 0,
                other => {
                    return Err(ConfigError {
                        source_name: "SEXTANT_BEHIND_PROXY".into(),
                        message: format!("expected true or false, found `{other}`"),
                    });
                }
            };
        }
        if let Some(v) = env("SEXTANT_TRUSTED_PROXIES") {
            c.trusted_proxies = v.trim().parse().map_err(|_| ConfigError {
                source_name: "SEXTANT_TRUSTED_PROXIES".into(),
                message: format!(
                    "expected the number of proxies in front of the server (0, 1, 2, ...), found `{v}`"
                ),
            })?;
        }
        if let Some(v) = env("SEXTANT_CORES_PER_ORGANISATION") {
            let n = v.trim().parse().map_err(|_| ConfigError {
                source_name: "SEXTANT_CORES_PER_ORGANISATION".into(),
                message: format!("expected a number of cores (1, 2, ...), found `{v}`"),
            })?;
            c.cores_per_organisation = Some(cores(n, "SEXTANT_CORES_PER_ORGANISATION")?);
        }
        if let Some(v) = env("SEXTANT_TRUSTED_PROXY_ADDRESSES") {
            c.trusted_proxy_addresses =
                crate::proxy::parse_addresses(v.split(',')).map_err(|message| ConfigError {
                    source_name: "SEXTANT_TRUSTED_PROXY_ADDRESSES".into(),
                    message: format!("{message} (separate them with commas)"),
                })?;
        }
        for (var, limit) in [
            (
                "SEXTANT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS",
                &mut c.login_limits.account_address,
            ),
            (
                "SEXTANT_LOGIN_FAILURES_PER_ADDRESS",
                &mut c.login_limits.address,
            ),
            (
                "SEXTANT_LOGIN_FAILURES_PER_ACCOUNT",
                &mut c.login_limits.account,
            ),
            (
                "SEXTANT_LOGIN_FAILURES_PER_DEVICE",
                &mut c.login_limits.device,
            ),
        ] {
            if let Some(v) = env(var) {
                *limit = failures(var, &v)?;
            }
        }
        if let Some(v) = env("SEXTANT_LOG_FORMAT") {
            c.log_format = match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError {
                        source_name: "SEXTANT_LOG_FORMAT".into(),
                        message: format!("expected text or json, found `{other}`"),
                    });
                }
            };
        }
        let whole = |name: &str, v: String, lo: i64, hi: i64, unit: &str| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| ConfigError {
                    source_name: name.into(),
                    message: format!("expected a number of {unit} from {lo} to {hi}, found `{v}`"),
                })
        };
        if let Some(v) = env("SEXTANT_INVITATION_DAYS") {
            c.invitation_days = whole("SEXTANT_INVITATION_DAYS", v, 1, 90, "days")?;
        }
        if let Some(v) = env("SEXTANT_REQUIRE_TWO_FACTOR") {
            c.require_two_factor = match v.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" | "" => false,
                other => {
                    return Err(ConfigError {
                        source_name: "SEXTANT_REQUIRE_TWO_FACTOR".into(),
                        message: format!("expected true or false, found `{other}`"),
                    });
                }
            };
        }
        if let Some(v) = env("SEXTANT_RESET_HOURS") {
            c.reset_hours = whole("SEXTANT_RESET_HOURS", v, 1, 168, "hours")?;
        }
        for (key, lo, hi, value, unit) in [
            ("invitation_days", 1, 90, c.invitation_days, "days"),
            ("reset_hours", 1, 168, c.reset_hours, "hours"),
        ] {
            whole(key, value.to_string(), lo, hi, unit)?;
        }
        for (name, slot) in [
            ("SEXTANT_SMTP_HOST", &mut smtp.host),
            ("SEXTANT_SMTP_USERNAME", &mut smtp.username),
            ("SEXTANT_SMTP_PASSWORD", &mut smtp.password),
            ("SEXTANT_SMTP_FROM", &mut smtp.from),
        ] {
            if let Some(v) = env(name) {
                *slot = Some(v);
            }
        }
        if let Some(v) = env("SEXTANT_SMTP_PORT") {
            smtp.port = Some(v.trim().parse().map_err(|_| ConfigError {
                source_name: "SEXTANT_SMTP_PORT".into(),
                message: format!("expected a port number from 1 to 65535, found `{v}`"),
            })?);
        }
        if let Some(v) = env("SEXTANT_SMTP_SECURITY") {
            smtp.security = Some(match v.trim() {
                "none" => SmtpSecurity::None,
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                other => {
                    return Err(ConfigError {
                        source_name: "SEXTANT_SMTP_SECURITY".into(),
                        message: format!("expected none, starttls or tls, found `{other}`"),
                    });
                }
            });
        }
        brand(
            &mut c.branding,
            env("SEXTANT_BRAND_NAME"),
            env("SEXTANT_BRAND_COLOUR"),
            env("SEXTANT_BRAND_LOGO"),
            &|key: &str| format!("SEXTANT_{}", key.to_ascii_uppercase()),
        )?;
        c.smtp = smtp.resolve(&c.public_url)?;
        Ok(c)
    }
}

/// Sets the packs' branding from a layer (`source` names a key for an error): the name as
/// given, the colour checked, the logo read from its file and checked.
fn brand(
    b: &mut sextant_pack::Branding,
    name: Option<String>,
    colour: Option<String>,
    logo: Option<String>,
    source: &dyn Fn(&str) -> String,
) -> Result<(), ConfigError> {
    if let Some(n) = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        b.name = n;
    }
    if let Some(c) = colour {
        b.colour = sextant_pack::colour(&c).map_err(|message| ConfigError {
            source_name: source("brand_colour"),
            message,
        })?;
    }
    if let Some(path) = logo.filter(|p| !p.trim().is_empty()) {
        let bytes = std::fs::read(path.trim()).map_err(|e| ConfigError {
            source_name: source("brand_logo"),
            message: format!("cannot read `{}`: {e}", path.trim()),
        })?;
        b.logo = Some(
            sextant_pack::Logo::checked(bytes).map_err(|message| ConfigError {
                source_name: source("brand_logo"),
                message,
            })?,
        );
    }
    Ok(())
}

/// A number of cores per organisation: at least one.
fn cores(n: u32, source: &str) -> Result<u32, ConfigError> {
    if n == 0 {
        return Err(ConfigError {
            source_name: source.into(),
            message: "cores_per_organisation: expected a number of cores (1, 2, ...), found 0"
                .into(),
        });
    }
    Ok(n)
}

/// A login limit's allowance: a whole number from 1 up.
fn failures(source_name: &str, v: &str) -> Result<i64, ConfigError> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ConfigError {
            source_name: source_name.to_string(),
            message: format!("expected a whole number of failures from 1 up, found `{v}`"),
        })
}

impl SmtpLayer {
    /// The SMTP settings, when a host is given; every other key then checked.
    fn resolve(self, public_url: &str) -> Result<Option<Smtp>, ConfigError> {
        let bad = |key: &str, message: String| ConfigError {
            source_name: format!("smtp.{key} (SEXTANT_SMTP_{})", key.to_uppercase()),
            message,
        };
        let host = self.host.unwrap_or_default().trim().to_string();
        if host.is_empty() {
            let set: Vec<&str> = [
                ("port", self.port.is_some()),
                ("security", self.security.is_some()),
                ("username", self.username.is_some()),
                ("password", self.password.is_some()),
                ("from", self.from.is_some()),
            ]
            .iter()
            .filter(|(_, set)| *set)
            .map(|(k, _)| *k)
            .collect();
            if set.is_empty() {
                return Ok(None);
            }
            return Err(bad(
                "host",
                format!(
                    "expected the SMTP server's host name, since smtp.{} is set; found none",
                    set.join(", smtp.")
                ),
            ));
        }
        let security = self.security.unwrap_or_default();
        let port = self.port.unwrap_or(security.port());
        if port == 0 {
            return Err(bad(
                "port",
                "expected a port number from 1 to 65535, found `0`".into(),
            ));
        }
        let from = self.from.unwrap_or_default();
        if from.trim().is_empty() {
            return Err(bad(
                "from",
                "expected the address the messages come from, such as Sextant <sextant@example.com>; found none".into(),
            ));
        }
        crate::mail::mailbox(&from).map_err(|m| bad("from", m))?;
        let username = self.username.unwrap_or_default();
        let password = self.password.unwrap_or_default();
        if username.is_empty() != password.is_empty() {
            let (key, other) = if username.is_empty() {
                ("username", "password")
            } else {
                ("password", "username")
            };
            return Err(bad(
                key,
                format!("expected it with smtp.{other}, which is set; found none"),
            ));
        }
        if public_url.trim().is_empty() {
            return Err(ConfigError {
                source_name: "public_url (SEXTANT_PUBLIC_URL)".into(),
                message: "expected the address people reach the server at, such as \
                          https://plans.example.com, for the links the e-mails carry; found none"
                    .into(),
            });
        }
        Ok(Some(Smtp {
            host,
            port,
            security,
            username,
            password: Secret::password(password),
            from: from.trim().to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn secrets_do_not_show() {
        let s = Secret::new("postgres://sextant:hunter2@db:5432/sextant");
        assert_eq!(format!("{s}"), "postgres://sextant:***@db:5432/sextant");
        assert_eq!(
            format!("{s:?}"),
            "Secret(postgres://sextant:***@db:5432/sextant)"
        );
        assert_eq!(
            Secret::new("sqlite:///var/x.db").redacted(),
            "sqlite:///var/x.db"
        );
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("sextant-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sextant.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\npublic_url = \"https://plans.example.com\"\n",
        )
        .unwrap();
        let env = |k: &str| (k == "SEXTANT_LISTEN").then(|| "127.0.0.1:7000".to_string());
        let c = Config::load(Some(&file), env).unwrap();
        assert_eq!(c.listen, "127.0.0.1:7000");
        assert_eq!(c.public_url, "https://plans.example.com");
        assert!(c.database.expose().ends_with("sextant/sextant.db"));

        std::fs::write(&file, "listen = 9000\n").unwrap();
        let e = Config::load(Some(&file), |_| None).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: ", file.display())), "{e}");
        assert!(
            e.contains("invalid type: integer `9000`, expected a string"),
            "{e}"
        );
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let e = Config::load(Some(&file), |_| None).unwrap_err().to_string();
        assert!(e.contains("unknown field `lisen`"), "{e}");
        let e = Config::load(None, |k: &str| {
            (k == "SEXTANT_LOG_FORMAT").then(|| "xml".into())
        })
        .unwrap_err()
        .to_string();
        assert_eq!(e, "SEXTANT_LOG_FORMAT: expected text or json, found `xml`");
    }

    /// Every key of `pairs`, as the environment.
    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| owned.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn smtp_settings_layer_and_the_password_does_not_show() {
        let c = Config::load(None, |_| None).unwrap();
        assert_eq!(c.smtp, None);
        assert_eq!((c.invitation_days, c.reset_hours), (7, 24));
        let dir = std::env::temp_dir().join(format!("sextant-smtp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sextant.toml");
        std::fs::write(
            &file,
            "public_url = \"https://plans.example.com\"\ninvitation_days = 3\n\
             [smtp]\nhost = \"smtp.example.com\"\nusername = \"sextant\"\n\
             password = \"hunter2hunter2\"\nfrom = \"Sextant <sextant@example.com>\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), vars(&[("SEXTANT_RESET_HOURS", "48")])).unwrap();
        let smtp = c.smtp.clone().unwrap();
        assert_eq!(smtp.host, "smtp.example.com");
        assert_eq!(smtp.security, SmtpSecurity::Starttls);
        assert_eq!(smtp.port, 587);
        assert_eq!(smtp.password.expose(), "hunter2hunter2");
        assert_eq!((c.invitation_days, c.reset_hours), (3, 48));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("password: Secret(***)"), "{shown}");
        // The environment over the file.
        let c = Config::load(
            Some(&file),
            vars(&[
                ("SEXTANT_SMTP_SECURITY", "tls"),
                ("SEXTANT_SMTP_HOST", "mail.example.org"),
            ]),
        )
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail.example.org", 465));
        let c = Config::load(
            Some(&file),
            vars(&[
                ("SEXTANT_SMTP_SECURITY", "none"),
                ("SEXTANT_SMTP_PORT", "2525"),
            ]),
        )
        .unwrap();
        assert_eq!(c.smtp.unwrap().port, 2525);
    }

    #[test]
    fn a_second_factor_is_required_by_the_file_or_the_environment() {
        assert!(!Config::load(None, |_| None).unwrap().require_two_factor);
        let dir = std::env::temp_dir().join(format!("sextant-2fa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sextant.toml");
        std::fs::write(&file, "require_two_factor = true\n").unwrap();
        assert!(
            Config::load(Some(&file), |_| None)
                .unwrap()
                .require_two_factor
        );
        let c = Config::load(
            Some(&file),
            vars(&[("SEXTANT_REQUIRE_TWO_FACTOR", "false")]),
        );
        assert!(!c.unwrap().require_two_factor);
        let e = Config::load(None, vars(&[("SEXTANT_REQUIRE_TWO_FACTOR", "sometimes")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "SEXTANT_REQUIRE_TWO_FACTOR: expected true or false, found `sometimes`"
        );
    }

    #[test]
    fn the_packs_branding_is_read_and_checked() {
        let c = Config::load(None, |_| None).unwrap();
        assert_eq!(c.branding, sextant_pack::Branding::default());
        let dir = std::env::temp_dir().join(format!("sextant-brand-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let logo = dir.join("logo.svg");
        std::fs::write(&logo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
        let file = dir.join("sextant.toml");
        std::fs::write(
            &file,
            format!(
                "brand_name = \"Harbour IT\"\nbrand_colour = \"#7a1f5c\"\nbrand_logo = \"{}\"\n",
                logo.display()
            ),
        )
        .unwrap();
        let c = Config::load(Some(&file), |_| None).unwrap();
        assert_eq!(c.branding.name, "Harbour IT");
        assert_eq!(c.branding.colour, "#7A1F5C");
        assert_eq!(c.branding.logo.as_ref().map(|l| l.kind), Some("svg"));
        // The environment wins over the file.
        let c = Config::load(Some(&file), vars(&[("SEXTANT_BRAND_NAME", "Other")])).unwrap();
        assert_eq!(c.branding.name, "Other");
        let e = Config::load(None, vars(&[("SEXTANT_BRAND_COLOUR", "blue")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "SEXTANT_BRAND_COLOUR: expected a colour as #RRGGBB (e.g. #1F4E79), found `blue`"
        );
        let e = Config::load(None, vars(&[("SEXTANT_BRAND_LOGO", "/nowhere/logo.png")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("SEXTANT_BRAND_LOGO: cannot read `/nowhere/logo.png`"),
            "{e}"
        );
        let e = Config::load(
            None,
            vars(&[("SEXTANT_BRAND_LOGO", file.to_str().unwrap())]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.ends_with("expected a PNG, JPEG or SVG image"), "{e}");
    }

    #[test]
    fn smtp_settings_that_cannot_work_are_refused_by_name() {
        let url = ("SEXTANT_PUBLIC_URL", "https://plans.example.com");
        let host = ("SEXTANT_SMTP_HOST", "smtp.example.com");
        let from = ("SEXTANT_SMTP_FROM", "sextant@example.com");
        let error =
            |pairs: &[(&str, &str)]| Config::load(None, vars(pairs)).unwrap_err().to_string();
        assert!(Config::load(None, vars(&[url, host, from])).is_ok());
        assert_eq!(
            error(&[url, host]),
            "smtp.from (SEXTANT_SMTP_FROM): expected the address the messages come from, such \
             as Sextant <sextant@example.com>; found none"
        );
        assert!(
            error(&[url, host, ("SEXTANT_SMTP_FROM", "nobody")]).starts_with(
                "smtp.from (SEXTANT_SMTP_FROM): expected an address such as Sextant \
                 <sextant@example.com>, found `nobody`"
            )
        );
        assert_eq!(
            error(&[url, from]),
            "smtp.host (SEXTANT_SMTP_HOST): expected the SMTP server's host name, since \
             smtp.from is set; found none"
        );
        assert_eq!(
            error(&[url, host, from, ("SEXTANT_SMTP_USERNAME", "sextant")]),
            "smtp.password (SEXTANT_SMTP_PASSWORD): expected it with smtp.username, which is \
             set; found none"
        );
        assert_eq!(
            error(&[host, from]),
            "public_url (SEXTANT_PUBLIC_URL): expected the address people reach the server at, \
             such as https://plans.example.com, for the links the e-mails carry; found none"
        );
        assert_eq!(
            error(&[url, host, from, ("SEXTANT_SMTP_SECURITY", "ssl")]),
            "SEXTANT_SMTP_SECURITY: expected none, starttls or tls, found `ssl`"
        );
        assert_eq!(
            error(&[url, host, from, ("SEXTANT_SMTP_PORT", "smtp")]),
            "SEXTANT_SMTP_PORT: expected a port number from 1 to 65535, found `smtp`"
        );
        assert_eq!(
            error(&[("SEXTANT_INVITATION_DAYS", "365")]),
            "SEXTANT_INVITATION_DAYS: expected a number of days from 1 to 90, found `365`"
        );
        assert_eq!(
            error(&[("SEXTANT_RESET_HOURS", "0")]),
            "SEXTANT_RESET_HOURS: expected a number of hours from 1 to 168, found `0`"
        );
    }

    #[test]
    fn the_cores_of_one_organisation_are_set_or_refused() {
        let c = Config::load(None, |_| None).unwrap();
        assert_eq!(c.cores_per_organisation, None);
        let c = Config::load(None, |k: &str| {
            (k == "SEXTANT_CORES_PER_ORGANISATION").then(|| "3".into())
        })
        .unwrap();
        assert_eq!(c.cores_per_organisation, Some(3));
        for (v, want) in [
            (
                "0",
                "SEXTANT_CORES_PER_ORGANISATION: cores_per_organisation: expected a number of cores (1, 2, ...), found 0",
            ),
            (
                "all",
                "SEXTANT_CORES_PER_ORGANISATION: expected a number of cores (1, 2, ...), found `all`",
            ),
        ] {
            let e = Config::load(None, |k: &str| {
                (k == "SEXTANT_CORES_PER_ORGANISATION").then(|| v.to_string())
            })
            .unwrap_err()
            .to_string();
            assert_eq!(e, want);
        }
    }

    #[test]
    fn proxies_are_counted() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert_eq!(Config::load(None, |_| None).unwrap().trusted_proxies, 0);
        let c = Config::load(None, env(&[("SEXTANT_BEHIND_PROXY", "true")])).unwrap();
        assert_eq!(c.trusted_proxies, 1);
        let c = Config::load(None, env(&[("SEXTANT_TRUSTED_PROXIES", "2")])).unwrap();
        assert_eq!(c.trusted_proxies, 2);
        let e = Config::load(None, env(&[("SEXTANT_TRUSTED_PROXIES", "many")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "SEXTANT_TRUSTED_PROXIES: expected the number of proxies in front of the server (0, 1, 2, ...), found `many`"
        );
    }

    #[test]
    fn proxy_addresses_and_login_limits_are_read_and_checked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        let c = Config::load(None, |_| None).unwrap();
        assert!(c.trusted_proxy_addresses.is_empty());
        assert_eq!(c.login_limits, LoginLimits::default());
        let c = Config::load(
            None,
            env(&[
                ("SEXTANT_TRUSTED_PROXY_ADDRESSES", "10.0.0.2, 172.16.0.0/12"),
                ("SEXTANT_LOGIN_FAILURES_PER_ADDRESS", "100"),
                ("SEXTANT_LOGIN_FAILURES_PER_ACCOUNT", "12"),
            ]),
        )
        .unwrap();
        let nets: Vec<String> = c
            .trusted_proxy_addresses
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(nets, ["10.0.0.2/32", "172.16.0.0/12"]);
        assert_eq!(c.login_limits.address, 100);
        assert_eq!(c.login_limits.account, 12);
        assert_eq!(c.login_limits.account_address, 5);
        let e = Config::load(
            None,
            env(&[("SEXTANT_TRUSTED_PROXY_ADDRESSES", "10.0.0.2; 10.0.0.3")]),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "SEXTANT_TRUSTED_PROXY_ADDRESSES: expected IP addresses or CIDR ranges such as 10.0.0.2 or 172.16.0.0/12, found `10.0.0.2; 10.0.0.3` (separate them with commas)"
        );
        let e = Config::load(None, env(&[("SEXTANT_LOGIN_FAILURES_PER_DEVICE", "0")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "SEXTANT_LOGIN_FAILURES_PER_DEVICE: expected a whole number of failures from 1 up, found `0`"
        );

        let dir =
            std::env::temp_dir().join(format!("sextant-config-proxies-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sextant.toml");
        std::fs::write(
            &file,
            "trusted_proxies = 2\ntrusted_proxy_addresses = [\"10.0.0.0/24\", \"::1\"]\n\
             login_failures_per_account_address = 3\nlogin_failures_per_device = 8\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), |_| None).unwrap();
        assert_eq!(c.trusted_proxies, 2);
        assert_eq!(c.trusted_proxy_addresses.len(), 2);
        assert_eq!(c.login_limits.account_address, 3);
        assert_eq!(c.login_limits.device, 8);
        std::fs::write(&file, "trusted_proxy_addresses = [\"my-proxy\"]\n").unwrap();
        let e = Config::load(Some(&file), |_| None).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: trusted_proxy_addresses: expected IP addresses or CIDR ranges such as 10.0.0.2 or 172.16.0.0/12, found `my-proxy`",
                file.display()
            )
        );
        std::fs::write(&file, "login_failures_per_account = -1\n").unwrap();
        let e = Config::load(Some(&file), |_| None).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: login_failures_per_account: expected a whole number of failures from 1 up, found `-1`",
                file.display()
            )
        );
    }
}
