//! The local web page (`arsplan serve`): a small server on 127.0.0.1 from
//! which a leader does the year's work in the browser: the overview of every
//! network and year, a year's meetings edited in place with a preview of the
//! documents' pages, building and downloading, and sending.
//!
//! Security (it runs on shared PCs): loopback only, on a random address of
//! 127.0.0.0/8, so its cookie is its own (cookies are bound to a host, not a
//! port: on 127.0.0.1 every local page would get it); a random token is
//! required on every request, brought by a page only this user can read
//! that posts it (never in a process argument, nor in the browser's
//! history) and then kept in an HttpOnly SameSite=Strict cookie; the Host
//! header must name the address and port (no DNS rebinding); every
//! state-changing request is a POST with a CSRF token; bodies are
//! size-limited, slow or idle connections are closed and their number is
//! limited; no path comes from a request (only network, year, row and names
//! looked up in the project, and files the build recorded); and every value
//! is escaped in HTML (minijinja's auto-escaping).
//!
//! [`site`] and [`mail`] hold what the pages show and do, testable without
//! HTTP; [`routes`] is the thin HTTP layer (with [`extract`]: axum's
//! extractors refusing in Norwegian); the templates, the stylesheet and
//! the script are files beside this one, compiled in.

mod editing;
mod extract;
pub mod files;
mod import;
pub mod mail;
mod multipart;
mod pages;
mod plan;
pub mod recipients;
mod routes;
pub mod setup;
pub mod site;
pub mod texts;
pub mod uploads;
mod watch;

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

/// What a flash message says happened; the serde names are the page's CSS
/// classes (`ok`, `advarsel`, `feil`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FlashKind {
    #[serde(rename = "ok")]
    Ok,
    #[serde(rename = "advarsel")]
    Warning,
    #[serde(rename = "feil")]
    Error,
}

impl FlashKind {
    /// Done: `Ok`, or `Warning` when there is something to heed.
    pub fn done<T>(warnings: &[T]) -> FlashKind {
        if warnings.is_empty() {
            FlashKind::Ok
        } else {
            FlashKind::Warning
        }
    }
}

/// A message for the next page (after a form was posted without script).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
    pub details: Vec<site::DiagView>,
}

/// What every request shares.
pub struct State {
    pub project: Project,
    /// The loopback address the page listens on.
    pub ip: std::net::Ipv4Addr,
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
    pub fn new(project: Project, ip: std::net::Ipv4Addr, port: u16) -> Result<State> {
        Ok(State {
            project,
            ip,
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
        format!("{}/?token={}", self.origin(), self.token)
    }

    /// `http://<address>:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}:{}", self.ip, self.port)
    }

    /// The Host headers the page answers to.
    pub fn hosts(&self) -> Vec<String> {
        let mut v = vec![format!("{}:{}", self.ip, self.port)];
        if self.ip == std::net::Ipv4Addr::LOCALHOST {
            v.push(format!("localhost:{}", self.port));
        }
        v
    }
}

/// A page only this user can read that opens the web page: it posts the
/// token (so it is in no address, no argument and no history) and is
/// removed when the server stops. Jupyter opens its page the same way.
fn opening_page(state: &State) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    // tempfile makes it readable and writable by its owner only (0600).
    let mut f = tempfile::Builder::new().prefix("arsplan-nettside-").suffix(".html").tempfile_in(dir)?;
    let action = crate::xml::escape(&format!("{}{}", state.origin(), routes::LOGIN));
    write!(
        f,
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>arsplan</title></head>\
         <body><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <p>Åpner arsplans nettside …</p><button type=\"submit\">Åpne nettsiden</button></form>\
         <script>document.forms[0].submit()</script></body></html>",
        state.token
    )?;
    f.as_file().sync_all()?;
    Ok(f)
}

/// How long a client may take to send a request's headers, and may keep a
/// connection open without sending one.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How many connections are served at once; more are closed at once.
pub const MAX_CONNECTIONS: usize = 64;

/// A random address in 127.0.0.0/8 other than 127.0.0.1 (Linux and Windows
/// answer on all of them; where binding it fails, 127.0.0.1 is used).
fn random_loopback() -> std::net::Ipv4Addr {
    let mut b = [0u8; 3];
    if getrandom::fill(&mut b).is_err() {
        return std::net::Ipv4Addr::LOCALHOST;
    }
    std::net::Ipv4Addr::new(127, b[0], b[1], b[2].clamp(2, 254))
}

/// Opens the default browser at `url`; a failure is said as a warning.
fn open_browser(url: &str) {
    match setup::opener().arg(url).spawn() {
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

/// The signals that end the server: Ctrl+C, the terminal window closed and
/// a polite kill on Unix; Ctrl+C and the console window closed on Windows.
struct Stop {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 3],
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
    #[cfg(windows)]
    close: tokio::signal::windows::CtrlClose,
}

impl Stop {
    #[cfg(unix)]
    fn new() -> std::io::Result<Stop> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Stop {
            signals: [
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
                signal(SignalKind::hangup())?,
            ],
        })
    }

    #[cfg(windows)]
    fn new() -> std::io::Result<Stop> {
        Ok(Stop { ctrl_c: tokio::signal::windows::ctrl_c()?, close: tokio::signal::windows::ctrl_close()? })
    }

    #[cfg(unix)]
    async fn recv(&mut self) {
        let [a, b, c] = &mut self.signals;
        tokio::select! {
            _ = a.recv() => {},
            _ = b.recv() => {},
            _ = c.recv() => {},
        }
    }

    #[cfg(windows)]
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.ctrl_c.recv() => {},
            _ = self.close.recv() => {},
        }
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
        let wanted = random_loopback();
        let listener = match tokio::net::TcpListener::bind((wanted, port)).await {
            Ok(l) => Ok(l),
            Err(_) => tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await,
        }
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "porten er i bruk (kanskje av en annen arsplan nettside); velg en annen med --port, eller la arsplan velge en ledig"
            } else {
                "prøv en annen port med --port, eller la arsplan velge en ledig"
            };
            Error::msg(format!("kan ikke lytte på 127.0.0.1:{port}: {}", crate::diag::io_text(&e))).with_hint(hint)
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::msg(format!("fant ikke porten: {}", crate::diag::io_text(&e))))?;
        let (ip, port) = match local.ip() {
            std::net::IpAddr::V4(ip) => (ip, local.port()),
            std::net::IpAddr::V6(_) => (std::net::Ipv4Addr::LOCALHOST, local.port()),
        };
        // Ctrl+C, closing the window (SIGHUP) and a polite kill (SIGTERM) are
        // caught from here on, before the address is printed (a handler
        // installed only when the server first polls it would let an early
        // one kill the process without its goodbye and leave the login file).
        let mut stop = Stop::new()
            .map_err(|e| Error::msg(format!("nettsiden kunne ikke startes: {}", crate::diag::io_text(&e))))?;
        // Temporary files an edit killed midway left in the data folder.
        crate::publish::clean_stale_temp_files_below(&project.data);
        let state = Arc::new(State::new(project, ip, port)?);
        let url = state.url();
        let page = opening_page(&state)
            .map_err(|e| Error::msg(format!("nettsiden kunne ikke startes: {}", crate::diag::io_text(&e))))?;
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "Nettsiden kjører på {url}\nÅpne adressen i nettleseren (bare på denne maskinen), eller filen {}. La dette vinduet stå åpent mens du bruker nettsiden; avslutt med Ctrl+C eller ved å lukke vinduet.\n",
            page.path().display()
        );
        let _ = out.flush();
        drop(out);
        if opts.open_browser {
            // The browser gets the page's file name, never the token.
            open_browser(&page.path().display().to_string());
        }
        let app = routes::router(state);
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let (stream, _) = tokio::select! {
                _ = stop.recv() => break,
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(_) => continue,
                },
            };
            // Over the limit: closed at once, so the page's own requests wait
            // only until a slot is free.
            let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
            let service = hyper_util::service::TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let mut http = hyper::server::conn::http1::Builder::new();
                http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
                let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                drop(slot);
            });
        }
        drop(listener);
        drop(page);
        // The window may be gone (SIGHUP): a goodbye nobody reads is no error.
        let _ = writeln!(std::io::stdout(), "Nettsiden er stoppet.");
        Ok(())
    })
}
