//! The local web page (`arsplan serve`): a small server on 127.0.0.1 from
//! which a leader does the year's work in the browser: the overview of every
//! network and year, a year's meetings edited in place with a preview of the
//! documents' pages, building and downloading, and sending.
//!
//! Security (it runs on shared laptops): loopback only; a random token in
//! the printed address is required on every request (kept in an HttpOnly
//! SameSite=Strict cookie after the first); the Host header must name the
//! loopback address and port (no DNS rebinding); every state-changing request
//! is a POST with a CSRF token; bodies are size-limited; no path comes from a
//! request (only network, year, row and names looked up in the project); and
//! every value is escaped in HTML (minijinja's auto-escaping).
//!
//! [`site`] and [`mail`] hold what the pages show and do, testable without
//! HTTP; [`routes`] is the thin HTTP layer (with [`extract`]: axum's
//! extractors refusing in Norwegian); the templates, the stylesheet and
//! the script are files beside this one, compiled in.

mod extract;
pub mod mail;
mod pages;
mod routes;
pub mod setup;
pub mod site;

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::diag::{Error, Result};
use crate::project::Project;

/// How to start the server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The port; None: a free one.
    pub port: Option<u16>,
    /// Open the default browser at the address.
    pub open_browser: bool,
}

/// A message for the next page (after a form was posted without script).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Flash {
    /// `ok`, `feil` or `advarsel`.
    pub kind: &'static str,
    pub text: String,
    pub details: Vec<site::DiagView>,
}

/// What every request shares.
pub struct State {
    pub project: Project,
    pub port: u16,
    /// The secret in the printed address and the cookie.
    pub token: String,
    /// The secret every form posts back.
    pub csrf: String,
    pub previews: site::Previews,
    pub mailings: mail::Mailings,
    /// One edit or build at a time.
    pub writing: Mutex<()>,
    flashes: Mutex<(u64, std::collections::BTreeMap<u64, Flash>)>,
    templates: minijinja::Environment<'static>,
}

/// 32 random bytes from the operating system, as hex.
fn secret() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| Error::msg(format!("fikk ikke tilfeldige tall fra systemet: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

impl State {
    pub fn new(project: Project, port: u16) -> Result<State> {
        Ok(State {
            project,
            port,
            token: secret()?,
            csrf: secret()?,
            previews: Default::default(),
            mailings: Default::default(),
            writing: Mutex::new(()),
            flashes: Default::default(),
            templates: pages::templates()?,
        })
    }

    /// Keeps a message for the next page; returns its number.
    pub fn flash(&self, f: Flash) -> u64 {
        let Ok(mut g) = self.flashes.lock() else { return 0 };
        g.0 += 1;
        let id = g.0;
        // A page that is never shown does not keep its message forever.
        while g.1.len() > 50 {
            let Some(first) = g.1.keys().next().copied() else { break };
            g.1.remove(&first);
        }
        g.1.insert(id, f);
        id
    }

    /// Takes the message kept under `id`.
    pub fn take_flash(&self, id: u64) -> Option<Flash> {
        self.flashes.lock().ok()?.1.remove(&id)
    }

    /// The address with the token, as printed.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.port, self.token)
    }
}

/// Opens the default browser at `url`; a failure is said as a warning.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = cmd
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match opened {
        // Reaped when it ends, so no finished opener lingers as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!(
            "advarsel: nettleseren kunne ikke åpnes ({})\n  hjelp: åpne adressen over i nettleseren selv",
            crate::diag::io_text(&e)
        ),
    }
}

/// Runs the server until Ctrl+C: prints the address (with its token) and
/// opens the browser at it.
pub fn serve(project: Project, opts: &Options) -> Result<()> {
    // Before anything parallel: the front page's overview and the preview use
    // rayon, and whatever starts the global pool first sets its stack size;
    // builds from the page need the render workers' large stacks.
    crate::render::threads();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::msg(format!("nettsiden kunne ikke startes: {}", crate::diag::io_text(&e))))?;
    runtime.block_on(async {
        let port = opts.port.unwrap_or(0);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "porten er i bruk (kanskje av en annen arsplan nettside); velg en annen med --port, eller la arsplan velge en ledig"
            } else {
                "prøv en annen port med --port, eller la arsplan velge en ledig"
            };
            Error::msg(format!("kan ikke lytte på 127.0.0.1:{port}: {}", crate::diag::io_text(&e))).with_hint(hint)
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::msg(format!("fant ikke porten: {}", crate::diag::io_text(&e))))?
            .port();
        // Ctrl+C is caught from here on, before the address is printed (a
        // handler installed only when the server first polls it would let an
        // early Ctrl+C kill the process without its goodbye).
        let no_signal =
            |e: std::io::Error| Error::msg(format!("nettsiden kunne ikke startes: {}", crate::diag::io_text(&e)));
        #[cfg(unix)]
        let mut interrupt =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).map_err(no_signal)?;
        #[cfg(windows)]
        let mut interrupt = tokio::signal::windows::ctrl_c().map_err(no_signal)?;
        let state = Arc::new(State::new(project, port)?);
        let url = state.url();
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "Nettsiden kjører på {url}\nÅpne adressen i nettleseren (bare på denne maskinen). La dette vinduet stå åpent mens du bruker nettsiden; avslutt med Ctrl+C eller ved å lukke vinduet.\n"
        );
        let _ = out.flush();
        drop(out);
        if opts.open_browser {
            open_browser(&url);
        }
        axum::serve(listener, routes::router(state))
            .with_graceful_shutdown(async move {
                interrupt.recv().await;
            })
            .await
            .map_err(|e| Error::msg(format!("nettsiden stoppet med en feil: {}", crate::diag::io_text(&e))))?;
        println!("Nettsiden er stoppet.");
        Ok(())
    })
}
