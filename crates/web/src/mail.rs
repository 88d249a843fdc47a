//! E-mail: the invitations and password reset links the server sends through the configured
//! SMTP server (`lettre`, TLS by rustls).
//!
//! An invitation proves the address it is for only if its token reaches nobody else: with
//! e-mail set up, the token goes to the address and the inviting owner never sees it; without,
//! only the installation's administrator is handed links to pass on ([`hands_out_links`]), and
//! an owner who is not the administrator is told to ask the administrator
//! ([`not_set_up`]).
//!
//! A message is sent while the request waits, for at most [`SEND_TIMEOUT`]: a failure is told
//! to the person who asked, in words, after the invitation or link is stored (so it is never
//! lost: asking again sends a new one), and logged with the address but never the link, which
//! holds a token.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sextant_store::{Invitation, NewReset, User};

use crate::AppState;
use crate::config::{Smtp, SmtpSecurity};

/// The longest a request waits for the mail server (connecting, talking and sending).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A message as it was handed to the mail server (or kept in an [`Outbox`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Messages kept in memory instead of being sent: for tests, which read the links from them.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<Mutex<Vec<Mail>>>);

impl Outbox {
    /// The messages so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(Outbox),
}

/// Sends the server's messages.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// `host:port` of the mail server, for messages about failures.
    server: String,
    /// The server's public address, which the links in messages start with.
    base: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mailer({}, from {})", self.server, self.from)
    }
}

/// A sender's address as configured: `sextant@example.com` or `Sextant <sextant@example.com>`.
pub fn mailbox(s: &str) -> Result<Mailbox, String> {
    s.trim().parse::<Mailbox>().map_err(|e| {
        format!("expected an address such as Sextant <sextant@example.com>, found `{s}` ({e})")
    })
}

impl Mailer {
    /// A mailer through the SMTP server `smtp`; links start with `base` (the public URL).
    pub fn new(smtp: &Smtp, base: &str) -> Result<Mailer, String> {
        let builder = match smtp.security {
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            }
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                    .map_err(|e| format!("smtp.host: {e}"))?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|e| format!("smtp.host: {e}"))?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(SEND_TIMEOUT))
            .hello_name(hello(base));
        if !smtp.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                smtp.username.clone(),
                smtp.password.expose().to_string(),
            ));
        }
        Ok(Mailer {
            transport: Transport::Smtp(builder.build()),
            from: mailbox(&smtp.from).map_err(|e| format!("smtp.from: {e}"))?,
            server: format!("{}:{}", smtp.host, smtp.port),
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// A mailer that keeps its messages in the returned [`Outbox`] (tests).
    pub fn outbox(base: &str) -> (Mailer, Outbox) {
        let outbox = Outbox::default();
        let mailer = Mailer {
            transport: Transport::Outbox(outbox.clone()),
            from: Mailbox::new(
                Some("Sextant".into()),
                lettre::Address::new("sextant", "example.com")
                    .unwrap_or_else(|e| panic!("a fixed address: {e}")),
            ),
            server: "outbox".into(),
            base: base.trim_end_matches('/').to_string(),
        };
        (mailer, outbox)
    }

    /// The address links in messages start with.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a plain-text message to `to`, waiting at most [`SEND_TIMEOUT`]; the error says
    /// in words what went wrong.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let mail = Mail {
            to: to.to_string(),
            subject: one_line(subject),
            body: body.to_string(),
        };
        match &self.transport {
            Transport::Outbox(o) => {
                if let Ok(mut m) = o.0.lock() {
                    m.push(mail);
                }
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let recipient = to
                    .parse::<Mailbox>()
                    .map_err(|e| format!("`{to}` is not an address the mail server takes ({e})"))?;
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(recipient)
                    .subject(mail.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body)
                    .map_err(|e| format!("the message could not be written ({e})"))?;
                match tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await {
                    Err(_) => Err(self.silent()),
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) if e.is_timeout() => Err(self.silent()),
                    Ok(Err(e)) if e.is_permanent() || e.is_transient() => Err(format!(
                        "the mail server {} refused the message ({e})",
                        self.server
                    )),
                    Ok(Err(e)) if e.is_tls() => Err(format!(
                        "no secure connection could be made to the mail server {} ({e})",
                        self.server
                    )),
                    Ok(Err(e)) => Err(format!(
                        "the mail server {} could not be reached ({e})",
                        self.server
                    )),
                }
            }
        }
    }

    fn silent(&self) -> String {
        format!(
            "the mail server {} did not answer within {} seconds",
            self.server,
            SEND_TIMEOUT.as_secs()
        )
    }
}

/// The greeting the mail server is sent: the host of the public URL
/// (`https://plans.example.com:8443/x` -> `plans.example.com`), an address in brackets.
fn hello(url: &str) -> ClientId {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => ClientId::Ipv4(a),
        Ok(std::net::IpAddr::V6(a)) => ClientId::Ipv6(a),
        Err(_) if host.is_empty() => ClientId::Domain("localhost".into()),
        Err(_) => ClientId::Domain(host.to_string()),
    }
}

/// Text for a header: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// What became of a message the server was to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Sent by e-mail.
    Sent,
    /// E-mail is set up, but sending failed: why, in words.
    Failed(String),
    /// E-mail is not set up.
    NotSetUp,
}

impl Delivery {
    /// Whether the message went out.
    pub fn sent(&self) -> bool {
        matches!(self, Delivery::Sent)
    }
}

/// Whether `user` is handed the links the server makes (to pass on themselves): only the
/// installation's administrator, and only when e-mail did not deliver them.
pub fn hands_out_links(user: &User, delivery: &Delivery) -> bool {
    user.is_admin && !delivery.sent()
}

/// Whether `user` may invite someone who is not a member yet: with e-mail set up anyone the
/// store lets (an owner); without, only the administrator, who is handed the link.
pub fn may_invite(state: &AppState, user: &User) -> bool {
    state.mailer.is_some() || user.is_admin
}

/// Why an owner who is not the administrator cannot invite `email` without e-mail.
pub fn not_set_up(email: &str) -> String {
    format!(
        "e-mail is not set up on this installation, so Sextant cannot send {} the invitation: \
         ask the installation's administrator to set up e-mail, or to invite them",
        email.trim()
    )
}

/// "7 days", "1 day", "36 hours", "1 hour".
pub fn duration(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if seconds >= 86_400 && seconds % 86_400 == 0 {
        plural(seconds / 86_400, "day")
    } else if seconds >= 3600 {
        plural(seconds / 3600, "hour")
    } else {
        plural((seconds / 60).max(1), "minute")
    }
}

fn role_words(role: sextant_store::Role) -> &'static str {
    match role {
        sextant_store::Role::Viewer => "a viewer (you see everything and change nothing)",
        sextant_store::Role::Editor => "an editor (you change the plan and the data)",
        sextant_store::Role::Owner => "an owner (you also manage its members)",
    }
}

/// Sends the invitation `token` to the address it is for (nothing when e-mail is not set up).
pub async fn send_invitation(
    state: &AppState,
    inviter: &User,
    org_name: &str,
    invitation: &Invitation,
    token: &str,
) -> Delivery {
    let Some(mailer) = &state.mailer else {
        return Delivery::NotSetUp;
    };
    let link = format!("{}/invitations/accept?token={token}", mailer.base());
    let lasts = duration(state.store.lifetimes().invitation);
    let subject = format!("Invitation to {org_name} on Sextant");
    let body = format!(
        "{inviter} ({inviter_email}) invites you to join {org_name} on Sextant as {role}.\n\
         \n\
         To accept, open this link. It works once, for {lasts} (until {until} UTC):\n\
         \n\
         {link}\n\
         \n\
         If you have an account on this Sextant already, you will be asked for its password; \
         if not, you choose your name and a password.\n\
         \n\
         If you did not expect this invitation, ignore this message: nothing happens unless the \
         link is used.\n",
        inviter = inviter.name,
        inviter_email = inviter.email,
        role = role_words(invitation.role),
        until = invitation
            .expires_at
            .replace('T', " ")
            .trim_end_matches('Z'),
    );
    deliver(mailer, &invitation.email, &subject, &body, "invitation").await
}

/// Sends a password reset link to the account it is for (nothing when e-mail is not set up).
pub async fn send_reset(state: &AppState, reset: &NewReset) -> Delivery {
    let Some(mailer) = &state.mailer else {
        return Delivery::NotSetUp;
    };
    let link = format!("{}/reset?token={}", mailer.base(), reset.token);
    let lasts = duration(state.store.lifetimes().reset);
    let body = format!(
        "The administrator of Sextant made you a link to choose a new password for your \
         account {email}. It works once, for {lasts} (until {until} UTC):\n\
         \n\
         {link}\n\
         \n\
         Choosing a new password logs you out everywhere else and revokes your API tokens.\n\
         If you did not ask for this, tell the administrator; your password stays as it is \
         unless the link is used.\n",
        email = reset.user.email,
        until = reset.expires_at.replace('T', " ").trim_end_matches('Z'),
    );
    deliver(
        mailer,
        &reset.user.email,
        "Choose a new password for Sextant",
        &body,
        "password reset link",
    )
    .await
}

async fn deliver(mailer: &Mailer, to: &str, subject: &str, body: &str, what: &str) -> Delivery {
    match mailer.send(to, subject, body).await {
        Ok(()) => {
            tracing::info!(to = %to, what, "sent by e-mail");
            Delivery::Sent
        }
        Err(e) => {
            // The address and the reason; never the body, whose link holds a token.
            tracing::warn!(to = %to, what, error = %e, "e-mail not sent");
            Delivery::Failed(e)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(7 * 86_400), "7 days");
        assert_eq!(duration(86_400), "1 day");
        assert_eq!(duration(24 * 3600 + 3600), "25 hours");
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(0), "1 minute");
    }

    #[test]
    fn the_greeting_names_the_public_host() {
        let greet = |url: &str| hello(url).to_string();
        assert_eq!(greet("https://plans.example.com"), "plans.example.com");
        assert_eq!(
            greet("https://plans.example.com:8443/x"),
            "plans.example.com"
        );
        assert_eq!(greet("http://127.0.0.1:8080"), "[127.0.0.1]");
        assert_eq!(greet("http://[::1]:8080/"), "[IPv6:::1]");
        assert_eq!(greet(""), "localhost");
    }

    #[test]
    fn headers_hold_one_line() {
        assert_eq!(
            one_line("Acme\r\nBcc: x@example.com"),
            "Acme  Bcc: x@example.com"
        );
    }

    #[test]
    fn sender_addresses_are_checked() {
        assert!(mailbox("Sextant <sextant@example.com>").is_ok());
        assert!(mailbox("sextant@example.com").is_ok());
        let e = mailbox("not an address").unwrap_err();
        assert!(
            e.starts_with(
                "expected an address such as Sextant <sextant@example.com>, found `not an address`"
            ),
            "{e}"
        );
    }
}
