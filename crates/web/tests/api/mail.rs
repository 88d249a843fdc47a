//! E-mail through a real SMTP server: aiosmtpd (from PyPI, installed by `scripts/setup`),
//! started on a free loopback port, keeping what it receives in a maildir. The test reads the
//! message it received, follows the link in it and accepts the invitation.
//!
//! Without aiosmtpd the test is skipped with a note, except on CI (`CI=true`), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use sextant_web::config::{Secret, Smtp, SmtpSecurity};
use sextant_web::mail::Mailer;

use crate::{PASSWORD, PUBLIC_URL, call, spawn_state, token_after};

/// A running aiosmtpd and its maildir; stopped when dropped.
struct Smtpd {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// aiosmtpd on a free loopback port; `None` (the test skipped) when it is not installed,
/// except on CI.
fn smtpd() -> Option<Smtpd> {
    let installed = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "aiosmtpd is not installed (`python3 -c 'import aiosmtpd'` failed): `bash \
             scripts/setup` installs it, and on CI the e-mail test must run"
        );
        eprintln!(
            "skipping the e-mail test: aiosmtpd is not installed (bash scripts/setup installs it)"
        );
        return None;
    }
    let dir = tempfile::Builder::new()
        .prefix("sextant-smtpd-")
        .tempdir()
        .unwrap();
    let maildir = dir.path().join("maildir");
    // A port the system says is free; aiosmtpd binds it a moment later.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 starts");
    let server = Smtpd {
        child,
        port,
        maildir,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "aiosmtpd did not listen on 127.0.0.1:{port} within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(server)
}

/// The messages in a maildir's `new` folder, waiting up to 10 s for `n` of them.
fn received(maildir: &Path, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        if files.len() >= n || Instant::now() > deadline {
            files.sort();
            return files
                .iter()
                .map(|f| std::fs::read_to_string(f).unwrap())
                .collect();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A message's header `name`, unfolded.
fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    let head = message.split("\n\n").next()?;
    head.lines().find_map(|l| {
        l.strip_prefix(name)
            .and_then(|r| r.strip_prefix(':'))
            .map(str::trim)
    })
}

/// A message's body, decoded from quoted-printable when the message says it is.
fn body(message: &str) -> String {
    let message = message.replace("\r\n", "\n");
    let body = message
        .split_once("\n\n")
        .map_or("", |(_, b)| b)
        .to_string();
    if header(&message, "Content-Transfer-Encoding") != Some("quoted-printable") {
        return body;
    }
    let joined = body.replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn an_invitation_goes_through_a_real_smtp_server_and_its_link_is_accepted() {
    let Some(smtpd) = smtpd() else { return };
    let smtp = Smtp {
        host: "127.0.0.1".into(),
        port: smtpd.port,
        security: SmtpSecurity::None,
        username: String::new(),
        password: Secret::default(),
        from: "Sextant <sextant@example.com>".into(),
    };
    let mailer = Mailer::new(&smtp, PUBLIC_URL).unwrap();
    let srv = spawn_state(|s| s.mailer = Some(std::sync::Arc::new(mailer))).await;
    let login = sextant_web::demo::create(&srv.store, false).await.unwrap();
    let owner = srv.login_with(&login.email, &login.password).await;
    let (status, sent) = call(
        owner
            .put("/api/v1/orgs/corner-bookstore/members")
            .json(&json!({"email": "tom@example.com", "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{sent}");
    assert_eq!(sent["delivery"]["sent"], true, "{sent}");
    assert!(sent["invitation"].get("token").is_none(), "{sent}");

    let messages = received(&smtpd.maildir, 1);
    assert_eq!(messages.len(), 1, "aiosmtpd received {messages:?}");
    let message = &messages[0];
    assert_eq!(header(message, "To"), Some("tom@example.com"), "{message}");
    assert_eq!(
        header(message, "From"),
        Some("Sextant <sextant@example.com>"),
        "{message}"
    );
    assert_eq!(
        header(message, "Subject"),
        Some("Invitation to The Corner Bookstore on Sextant"),
        "{message}"
    );
    let text = body(message);
    let prefix = format!("{PUBLIC_URL}/invitations/accept?token=");
    let token = token_after(&text, &prefix).unwrap_or_else(|| panic!("no link in:\n{text}"));
    assert_eq!(token.len(), 4 + 64, "{text}");

    // Follow the link (on this server's own address) and accept.
    let tom = srv.anonymous();
    let page = tom
        .get(&format!("/invitations/accept?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (status, me) = call(tom.post("/api/v1/invitations/accept").json(&json!({
        "token": token, "name": "Tom", "password": PASSWORD
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let orgs = tom.ok("/api/v1/orgs").await;
    assert_eq!(orgs["items"][0]["slug"], "corner-bookstore");
    assert_eq!(orgs["items"][0]["role"], "viewer");
}
