//! The server's configuration, in layers: defaults, then a TOML file, then `SEXTANT_`
//! environment variables, then command-line flags (applied by the caller). The database URL
//! may hold a password: it is kept in a [`Secret`] whose `Debug` and `Display` hide it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A value that must not reach logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// A database URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let s = &self.0;
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
    /// server, each appending the address it was reached from to `X-Forwarded-For`: the
    /// client is the hop that many places from the right, the right-most one no trusted proxy
    /// wrote. 0 (the default): `X-Forwarded-For` is ignored and the peer address is the client.
    pub trusted_proxies: usize,
    /// Log format.
    pub log_format: LogFormat,
    /// The most cores one organisation's analyses hold at once; `None` (the default): half the
    /// machine's cores, at least one. The rest stays for the other organisations.
    pub cores_per_organisation: Option<u32>,
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
    log_format: Option<LogFormat>,
    cores_per_organisation: Option<u32>,
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
            log_format: LogFormat::Text,
            cores_per_organisation: None,
        }
    }
}

impl Config {
    /// Defaults, then the file (if any), then the environment (`SEXTANT_LISTEN`,
    /// `SEXTANT_DATABASE_URL`, `SEXTANT_PUBLIC_URL`, `SEXTANT_TRUSTED_PROXIES`,
    /// `SEXTANT_BEHIND_PROXY` (`true` meaning one proxy), `SEXTANT_LOG_FORMAT`, `SEXTANT_CORES_PER_ORGANISATION`).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut c = Config::default();
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
            if let Some(v) = f.log_format {
                c.log_format = v;
            }
            if let Some(v) = f.cores_per_organisation {
                c.cores_per_organisation = Some(cores(v, &path.display().to_string())?);
            }
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
        Ok(c)
    }
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
}
