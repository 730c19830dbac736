//! The local web page (`arsplan serve`), through the real binary on a free
//! port and plain HTTP over a socket (so a test can send any Host header):
//! the token, the Host check and the CSRF token; a date moved on the page
//! written back to moter.csv (Windows-1252, CRLF, semicolons kept byte for
//! byte) and to moter.xlsx (other sheets and formatting kept), then built;
//! a bad value refused at its cell; a file changed on disk meanwhile left
//! alone; markup in a title shown as text; the preview following an edit;
//! the sending page's overview and drafts; and, with Chromium, the whole
//! thing in a real browser.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `arsplan serve` on a project folder.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// The loopback address it listens on (a random one of 127.0.0.0/8).
    pub(crate) ip: String,
    pub(crate) port: u16,
    pub(crate) token: String,
    pub(crate) dir: PathBuf,
}

impl Server {
    pub(crate) fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[], Stdio::null())
    }

    /// With environment variables, and stderr where asked.
    fn start_with(dir: &Path, env: &[(&str, &str)], stderr: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .envs(env.iter().copied())
            .current_dir(dir)
            .envs(env.iter().copied())
            .arg("--maler")
            .arg(common::root().join("templates"))
            .args(["serve", "--port", "0", "--ingen-nettleser"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        // Keep reading what it prints, so it never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = line.trim().strip_prefix("Nettsiden kjører på ").unwrap_or_else(|| panic!("{line}"));
        let rest = url.strip_prefix("http://").unwrap();
        let (addr, token) = rest.split_once("/?token=").unwrap();
        let (ip, port) = addr.split_once(':').unwrap();
        Server {
            child,
            ip: ip.to_string(),
            port: port.parse().unwrap(),
            token: token.to_string(),
            dir: dir.to_path_buf(),
        }
    }

    pub(crate) fn host(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }

    pub(crate) fn cookie(&self) -> String {
        format!("arsplan_{}={}", self.port, self.token)
    }

    /// A request with the cookie and the right Host, plus `extra` headers.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut headers = vec![("Host".to_string(), self.host()), ("Cookie".to_string(), self.cookie())];
        for (k, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            headers.push((k.to_string(), v.to_string()));
        }
        raw(&self.host(), method, path, &headers, body)
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], None)
    }

    /// The CSRF token the pages carry.
    pub(crate) fn csrf(&self) -> String {
        let page = self.get("/").text();
        between(&page, "<meta name=\"csrf\" content=\"", "\"").to_string()
    }

    /// Posts a form with the CSRF token, asking for JSON.
    pub(crate) fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let body = form(&all);
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            Some(&body),
        )
    }

    /// Moves a meeting cell through the page, as read from the year page.
    fn edit(&self, year_path: &str, row: usize, column: &str, value: &str) -> Reply {
        let sha = sha_on(&self.get(year_path).text());
        self.post(
            &format!("{year_path}/mote"),
            &[("rad", &row.to_string()), ("kolonne", column), ("verdi", value), ("sha", &sha)],
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

pub(crate) fn form(fields: &[(&str, String)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// One HTTP/1.1 request over a fresh connection, exactly these headers.
pub(crate) fn raw(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or("");
    req.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = all[split..].to_vec();
    if headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + n]);
            rest = &rest[end + 2 + n + 2..];
        }
        body = out;
    }
    Reply { status, headers, body }
}

pub(crate) fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s.find(start).unwrap_or_else(|| panic!("«{start}» in page")) + start.len();
    let j = s[i..].find(end).unwrap() + i;
    &s[i..j]
}

/// The sha256 of the meetings file the year page was made from.
fn sha_on(page: &str) -> String {
    between(page, "name=\"sha\" value=\"", "\"").to_string()
}

/// A project with the Stavanger example (and what it follows).
pub(crate) fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    dir
}

fn moter(dir: &Path) -> PathBuf {
    dir.join("data/stavanger/2026/moter.csv")
}

/// The spreadsheet row of a meeting in moter.csv (header = row 1).
fn row_of(dir: &Path, id: &str) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(moter(dir)).unwrap()).to_string();
    text.lines().position(|l| l.starts_with(&format!("{id};"))).unwrap() + 1
}

#[test]
fn the_token_is_required_and_then_kept_in_a_strict_cookie() {
    let dir = project();
    let s = Server::start(dir.path());
    let host = vec![("Host".to_string(), s.host())];
    let none = raw(&s.host(), "GET", "/", &host, None);
    assert_eq!(none.status, 403);
    assert!(none.text().contains("Ingen tilgang"), "{}", none.text());
    assert!(!none.text().contains("stavanger"), "{}", none.text());
    assert_eq!(raw(&s.host(), "GET", "/aar/stavanger/2026", &host, None).status, 403);
    assert_eq!(raw(&s.host(), "GET", "/static/app.js", &host, None).status, 403);
    assert_eq!(raw(&s.host(), "GET", "/?token=0123", &host, None).status, 403);
    let wrong_cookie =
        vec![("Host".to_string(), s.host()), ("Cookie".to_string(), format!("arsplan_{}=abc", s.port))];
    assert_eq!(raw(&s.host(), "GET", "/", &wrong_cookie, None).status, 403);
    // The printed address sets the cookie and drops the token from the address.
    let first = raw(&s.host(), "GET", &format!("/?token={}", s.token), &host, None);
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location"), Some("/"));
    let cookie = first.header("set-cookie").unwrap();
    assert!(cookie.starts_with(&s.cookie()), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Nettverk og år") && page.text().contains("/aar/stavanger/2026"),
        "{}",
        page.text()
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(s.get("/aar/finnesikke/2026").status, 404);
    assert_eq!(s.get("/aar/stavanger/1999").status, 404);
}

#[test]
fn another_host_is_refused() {
    let dir = project();
    let s = Server::start(dir.path());
    for host in [
        "evil.example",
        "evil.example:80",
        &format!("attacker.test:{}", s.port),
        &format!("127.0.0.1:{}", s.port + 1),
    ] {
        let r = s.request("GET", "/", &[("Host", host)], None);
        assert_eq!(r.status, 403, "Host {host}");
        assert!(!r.text().contains("stavanger"), "{}", r.text());
    }
    // Its own address, not 127.0.0.1 or localhost: its cookie is its own.
    assert!(s.ip.starts_with("127.") && s.ip != "127.0.0.1", "{}", s.ip);
    for other in [format!("localhost:{}", s.port), format!("127.0.0.1:{}", s.port)] {
        assert_eq!(s.request("GET", "/", &[("Host", &other)], None).status, 403, "{other}");
    }
    assert_eq!(s.request("GET", "/", &[], None).status, 200);
}

#[test]
fn a_post_needs_the_csrf_token_and_this_origin() {
    let dir = project();
    let s = Server::start(dir.path());
    let before = std::fs::read(moter(dir.path())).unwrap();
    let year = "/aar/stavanger/2026";
    let sha = sha_on(&s.get(year).text());
    let row = row_of(dir.path(), "fagdag").to_string();
    let fields = |csrf: &str| {
        form(&[
            ("csrf", csrf.to_string()),
            ("rad", row.clone()),
            ("kolonne", "Dato".into()),
            ("verdi", "19.11.2026".into()),
            ("sha", sha.clone()),
        ])
    };
    let ct = ("Content-Type", "application/x-www-form-urlencoded");
    let without = form(&[
        ("rad", row.clone()),
        ("kolonne", "Dato".into()),
        ("verdi", "19.11.2026".into()),
        ("sha", sha.clone()),
    ]);
    let r = s.request("POST", &format!("{year}/mote"), &[ct], Some(&without));
    assert!(r.status >= 400, "{}", r.status);
    let r = s.request("POST", &format!("{year}/mote"), &[ct], Some(&fields("feil")));
    assert_eq!(r.status, 403, "{}", r.text());
    let r = s.request("POST", &format!("{year}/bygg"), &[ct], Some("csrf=feil"));
    assert_eq!(r.status, 403);
    // The right token from another site's page is still refused.
    let csrf = s.csrf();
    let r = s.request(
        "POST",
        &format!("{year}/mote"),
        &[ct, ("Origin", "http://evil.example")],
        Some(&fields(&csrf)),
    );
    assert_eq!(r.status, 403);
    let r = s.request(
        "POST",
        &format!("{year}/mote"),
        &[ct, ("Sec-Fetch-Site", "cross-site")],
        Some(&fields(&csrf)),
    );
    assert_eq!(r.status, 403);
    // A body over the limit is not read.
    let big = format!("csrf={csrf}&verdi={}", "x".repeat(40_000));
    let r = s.request("POST", &format!("{year}/mote"), &[ct], Some(&big));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(!Path::new(&dir.path().join("output/stavanger/2026/manifest.json")).exists());
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), before, "nothing was written");
    // A GET changes nothing either.
    assert_eq!(s.get(&format!("{year}/mote")).status, 405);
}

/// Windows-1252 with CRLF line endings, as Norwegian Excel saves CSV.
fn as_excel_csv(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap().replace('\n', "\r\n");
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad);
    std::fs::write(path, &bytes).unwrap();
    bytes.into_owned()
}

#[test]
fn a_date_moved_on_the_page_is_written_back_to_moter_csv_and_built() {
    let dir = project();
    let original = as_excel_csv(&moter(dir.path()));
    let s = Server::start(dir.path());
    let row = row_of(dir.path(), "fagdag");
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "19.11.2026");
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["verdi"], "19.11.2026");
    // Exactly the date's bytes changed: encoding, delimiter and CRLF kept.
    let now = std::fs::read(moter(dir.path())).unwrap();
    let find = |b: &[u8], what: &[u8]| b.windows(what.len()).position(|w| w == what).unwrap();
    let at = find(&original, b"fagdag;12.11.2026");
    let mut expected = original.clone();
    expected[at..at + 17].copy_from_slice(b"fagdag;19.11.2026");
    assert_eq!(now, expected);
    assert!(now.contains(&0xE5), "still Windows-1252 (å)");
    assert_eq!(j["sha256"], arsplan::manifest::sha256(&now));
    // The page shows the new value and the change since the last build.
    let page = s.get("/aar/stavanger/2026").text();
    assert!(page.contains("value=\"19.11.2026\""), "{page}");
    // Build from the page: the documents follow the file.
    let r = s.post("/aar/stavanger/2026/bygg", &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("output/stavanger/2026/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["hendelser"]["fagdag"]["dato"], "2026-11-19");
    let docx = std::fs::read(dir.path().join("output/stavanger/2026/arsplan-2026.docx")).unwrap();
    let text = common::docx_text(&docx);
    assert!(text.contains("Årlig fagdag arrangeres 19. november"), "{text}");
    // The download is what the build wrote.
    let pdf = s.get("/aar/stavanger/2026/fil/arsplan-2026.pdf");
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.body, std::fs::read(dir.path().join("output/stavanger/2026/arsplan-2026.pdf")).unwrap());
    let zip = s.get("/aar/stavanger/2026/dokumenter.zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    let mut names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().to_string()).collect();
    names.sort();
    assert_eq!(names, ["arsplan-2026.docx", "arsplan-2026.pdf"]);
    // Names that are not the year's files are not served.
    for bad in ["manifest.json", "..%2F..%2Fdata%2Fkommuner.csv", "%2Fetc%2Fpasswd"] {
        assert_eq!(s.get(&format!("/aar/stavanger/2026/fil/{bad}")).status, 404, "{bad}");
    }
}

#[test]
fn a_bad_value_is_shown_at_its_cell_and_nothing_is_written() {
    let dir = project();
    let before = std::fs::read(moter(dir.path())).unwrap();
    let s = Server::start(dir.path());
    let row = row_of(dir.path(), "fagdag");
    for (value, says) in [
        ("31.02.2026", "den dagen finnes ikke"),
        ("12.11.2027", "ligger utenfor planåret 2026"),
        ("neste torsdag", "er ingen dato"),
    ] {
        let r = s.edit("/aar/stavanger/2026", row, "Dato", value);
        assert_eq!(r.status, 422, "{value}: {}", r.text());
        let j = r.json();
        assert_eq!(j["ok"], false);
        let first = &j["feil"][0];
        assert!(first["message"].as_str().unwrap().contains(says), "{value}: {j}");
        assert!(first["place"].as_str().unwrap().ends_with(&format!("rad {row}, kolonne B (Dato)")), "{j}");
    }
    // A group's second meeting on a day is refused where the checker says it.
    let r = s.edit("/aar/stavanger/2026", row_of(dir.path(), "sandnes_host"), "Dato", "16.04.2026");
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("har to møter"), "{}", r.text());
    let r = s.edit("/aar/stavanger/2026", row, "Start", "25:00");
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), before);
    // Without the script the same post comes back to the page with the error at the row.
    let sha = sha_on(&s.get("/aar/stavanger/2026").text());
    let body = form(&[
        ("csrf", s.csrf()),
        ("rad", row.to_string()),
        ("kolonne", "Dato".into()),
        ("verdi", "31.02.2026".into()),
        ("sha", sha),
    ]);
    let r = s.request(
        "POST",
        "/aar/stavanger/2026/mote",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&body),
    );
    assert_eq!(r.status, 303);
    let to = r.header("location").unwrap().to_string();
    assert!(to.starts_with("/aar/stavanger/2026?melding=") && to.ends_with(&format!("#rad-{row}")), "{to}");
    let page = s.get(to.split('#').next().unwrap()).text();
    assert!(page.contains("«31.02.2026» er ingen gyldig dato"), "{page}");
    // A warning is said, and the date saved: 25 December is a holiday.
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "2026-12-25");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["verdi"], "25.12.2026");
    assert!(r.text().contains("1. juledag"), "{}", r.text());
}

#[test]
fn errors_and_warnings_are_shown_at_their_rows_and_cells() {
    let dir = project();
    let path = moter(dir.path());
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replace("intro;29.01.2026", "intro;31.01.2026")).unwrap();
    let s = Server::start(dir.path());
    let fagdag = row_of(dir.path(), "fagdag");
    let intro = row_of(dir.path(), "intro");
    // A warning (31 January 2026 is a Saturday) at its cell, not marked invalid.
    let page = s.get("/aar/stavanger/2026").text();
    let cell = between(&page, &format!("id=\"c-{intro}-Dato\""), ">");
    assert!(!cell.contains("aria-invalid") && cell.contains("aria-describedby"), "{cell}");
    let described = between(&page, &format!("<div class=\"celle-diag\" id=\"d-{intro}-Dato\">"), "</div>");
    assert!(described.contains("Advarsel:") && described.contains("31.01.2026 er en lørdag"), "{described}");
    assert!(s.get("/").text().contains("1 advarsel</span>"));
    // An error at its cell: the field marked invalid and described by the message.
    std::fs::write(&path, original.replace("fagdag;12.11.2026", "fagdag;31.11.2026")).unwrap();
    let index = s.get("/").text();
    assert!(index.contains("<span class=\"merke feil\">1 feil</span>"), "{index}");
    let page = s.get("/aar/stavanger/2026").text();
    let cell = between(&page, &format!("id=\"c-{fagdag}-Dato\""), ">");
    assert!(
        cell.contains("aria-invalid=\"true\"")
            && cell.contains(&format!("aria-describedby=\"d-{fagdag}-Dato\"")),
        "{cell}"
    );
    let described = between(&page, &format!("<div class=\"celle-diag\" id=\"d-{fagdag}-Dato\">"), "</div>");
    assert!(described.contains("«31.11.2026» er ingen gyldig dato"), "{described}");
    // And in the list at the top, linked to the row.
    let link = format!(
        "<a href=\"#rad-{fagdag}\">data/stavanger/2026/moter.csv, rad {fagdag}, kolonne B (Dato)</a>"
    );
    assert!(page.replace("&#x2f;", "/").contains(&link), "{page}");
    // The preview says why it cannot be made.
    let info = s.request("GET", "/aar/stavanger/2026/forhandsvisning.json", &[], None).json();
    assert!(info["feil"][0]["message"].as_str().unwrap().contains("31.11.2026"), "{info}");
}

#[test]
fn two_edits_in_a_row_with_the_returned_sha_both_land() {
    let dir = project();
    let s = Server::start(dir.path());
    let sha = sha_on(&s.get("/aar/stavanger/2026").text());
    let row = row_of(dir.path(), "fagdag").to_string();
    let save = |row: &str, value: &str, sha: &str| {
        s.post(
            "/aar/stavanger/2026/mote",
            &[("rad", row), ("kolonne", "Sted"), ("verdi", value), ("sha", sha)],
        )
    };
    // The page's script sends the second with the sha256 the first answered.
    let first = save(&row, "Sola kulturhus", &sha);
    assert_eq!(first.status, 200, "{}", first.text());
    let next = first.json()["sha256"].as_str().unwrap().to_string();
    let second = save("2", "Stavanger konserthus", &next);
    assert_eq!(second.status, 200, "{}", second.text());
    let csv = std::fs::read_to_string(moter(dir.path())).unwrap();
    assert!(csv.contains("Sola kulturhus") && csv.contains("Stavanger konserthus"), "{csv}");
    // The whole-file check stays: the page's first sha is out of date now.
    let stale = save("3", "Et annet sted", &sha);
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert!(!std::fs::read_to_string(moter(dir.path())).unwrap().contains("Et annet sted"));
}

#[test]
fn a_malformed_address_or_form_is_refused_in_norwegian_with_the_same_status() {
    let dir = project();
    let s = Server::start(dir.path());
    let english = ["Invalid URL", "Cannot parse", "Failed to deserialize", "Form requests must"];
    let norwegian = |r: &Reply, status: u16, said: &[&str]| {
        let t = r.text();
        assert_eq!(r.status, status, "{t}");
        assert!(said.iter().all(|w| t.contains(w)), "{said:?} in {t}");
        assert!(!english.iter().any(|w| t.contains(w)), "{t}");
    };
    let page = |r: &Reply| assert!(r.header("content-type").unwrap().starts_with("text/html"));
    // A year that is not a number (too big for one).
    let r = s.get("/aar/stavanger/99999999999");
    norwegian(&r, 400, &["Adressen er ikke gyldig", "«99999999999» i adressen er ikke et årstall"]);
    page(&r);
    let r = s.get("/aar/stavanger/2026/side/0/en");
    norwegian(&r, 400, &["«en» i adressen er ikke et gyldig nummer"]);
    // What comes from the address is escaped on the page.
    let r = s.get("/utsending/stavanger/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    norwegian(&r, 400, &["«&lt;script&gt;alert(1)&lt;"]);
    assert!(!r.text().contains("<script>alert"), "{}", r.text());
    let r = s.get("/?melding=mange");
    norwegian(&r, 400, &["Delen av adressen etter «?» kan ikke leses"]);
    // A form with a number too big for its field: 422, as before, in Norwegian.
    let huge = "9".repeat(40);
    let r = s.request(
        "POST",
        "/utsending/stavanger/2026/send",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&form(&[
            ("csrf", s.csrf()),
            ("versjon", "x".into()),
            ("antall", huge.clone()),
            ("tjener", "localhost".into()),
            ("sikkerhet", "ingen".into()),
        ])),
    );
    norwegian(&r, 422, &["Skjemaet ble ikke tatt imot", "et tall som er for stort", "ingenting er endret"]);
    page(&r);
    // Not a form at all: 415.
    let r = s.request("POST", "/aar/stavanger/2026/bygg", &[("Content-Type", "text/plain")], Some("x"));
    norwegian(&r, 415, &["Skjemaet kom ikke som et vanlig nettskjema"]);
    // The page's script (JSON) gets the message as JSON.
    let r = s.post(
        "/aar/stavanger/2026/mote",
        &[("rad", &huge), ("kolonne", "Dato"), ("verdi", "1"), ("sha", "x")],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let j = r.json();
    assert_eq!(j["ok"], false);
    assert!(j["melding"].as_str().unwrap().starts_with("Skjemaet ble ikke tatt imot:"), "{j}");
}

#[test]
fn a_file_changed_on_disk_meanwhile_is_not_overwritten() {
    let dir = project();
    let s = Server::start(dir.path());
    let page = s.get("/aar/stavanger/2026").text();
    let sha = sha_on(&page);
    // The leader saves the file in Excel meanwhile.
    let path = moter(dir.path());
    let theirs =
        std::fs::read_to_string(&path).unwrap().replace("Årlig fagdag;", "Årlig fagdag i Stavanger;");
    std::fs::write(&path, &theirs).unwrap();
    let row = row_of(dir.path(), "fagdag");
    let r = s.post(
        "/aar/stavanger/2026/mote",
        &[("rad", &row.to_string()), ("kolonne", "Dato"), ("verdi", "19.11.2026"), ("sha", &sha)],
    );
    assert_eq!(r.status, 409, "{}", r.text());
    let j = r.json();
    assert_eq!(j["last_pa_nytt"], true);
    assert!(j["melding"].as_str().unwrap().contains("endret et annet sted"), "{j}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs, "the file as the leader saved it");
}

#[test]
fn markup_in_a_title_shows_as_text() {
    let dir = project();
    let path = moter(dir.path());
    let text = std::fs::read_to_string(&path).unwrap().replace("Årlig fagdag;", "<script>alert(1)</script>;");
    std::fs::write(&path, text).unwrap();
    let s = Server::start(dir.path());
    let page = s.get("/aar/stavanger/2026").text();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    // Typed on the page, the same: saved as text, shown as text.
    let row = row_of(dir.path(), "intro");
    let r = s.edit("/aar/stavanger/2026", row, "Tittel", "\"><img src=x onerror=alert(2)>");
    assert_eq!(r.status, 200, "{}", r.text());
    let page = s.get("/aar/stavanger/2026").text();
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), "{page}");
    let index = s.get("/").text();
    assert!(!index.contains("<script>alert"), "{index}");
}

/// A workbook as a leader keeps it: the meetings with a bold, filled header,
/// dates as dates, widths, and a second sheet of their own.
fn meetings_workbook(csv: &Path, xlsx: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let text = std::fs::read_to_string(csv).unwrap();
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#FFD966");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let ws = book.add_worksheet();
    ws.set_name("Møter").unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (r, c) = (r as u32, c as u16);
            if r == 0 {
                ws.write_string_with_format(r, c, cell, &header).unwrap();
            } else if c == 1 {
                let d = chrono::NaiveDate::parse_from_str(cell, "%d.%m.%Y").unwrap();
                use chrono::Datelike;
                let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap();
                ws.write_datetime_with_format(r, c, &when, &date).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
    ws.set_column_width(7, 42).unwrap();
    ws.set_freeze_panes(1, 0).unwrap();
    let kinds = rust_xlsxwriter::DataValidation::new()
        .allow_list_strings(&["nettverksmøte", "samling", "fagdag", "introduksjonskurs", "kurs", "møte"])
        .unwrap();
    ws.add_data_validation(1, 2, 500, 2, &kinds).unwrap();
    let notes = book.add_worksheet();
    notes.set_name("Notater").unwrap();
    notes.write_string(0, 0, "Husk å bestille lokale til fagdagen").unwrap();
    notes.write_number(1, 0, 1234.5).unwrap();
    notes.write_formula(2, 0, "=A2*2").unwrap();
    book.save(xlsx).unwrap();
}

#[test]
fn a_file_open_in_libreoffice_or_excel_is_not_written() {
    let dir = project();
    let year = dir.path().join("data/stavanger/2026");
    let csv = moter(dir.path());
    let row = row_of(dir.path(), "fagdag");
    let s = Server::start(dir.path());
    let refused = |lock: &str, program: &str, file: &Path| {
        let before = std::fs::read(file).unwrap();
        let lock = year.join(lock);
        std::fs::write(&lock, b"x").unwrap();
        let r = s.edit("/aar/stavanger/2026", row, "Dato", "19.11.2026");
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(r.status, 422, "{}", r.text());
        let t = r.text();
        assert!(t.contains(&format!("{name} er åpen i {program}")), "{t}");
        assert!(t.contains("lukk filen i LibreOffice eller Excel først"), "{t}");
        // A lock left behind by a crash: the message says which file to delete.
        let lock_name = lock.file_name().unwrap().to_string_lossy().to_string();
        assert!(t.contains(&format!("slett låsefilen {lock_name}")), "{t}");
        assert_eq!(std::fs::read(file).unwrap(), before, "{name} untouched");
        std::fs::remove_file(&lock).unwrap();
    };
    refused(".~lock.moter.csv#", "LibreOffice", &csv);
    refused("~$moter.csv", "Excel", &csv);
    // Closed again: saved.
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "19.11.2026");
    assert_eq!(r.status, 200, "{}", r.text());
    // A workbook LibreOffice has open.
    let xlsx = year.join("moter.xlsx");
    meetings_workbook(&csv, &xlsx);
    std::fs::remove_file(&csv).unwrap();
    refused(".~lock.moter.xlsx#", "LibreOffice", &xlsx);
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "26.11.2026");
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn a_date_moved_on_the_page_is_written_into_moter_xlsx_keeping_the_rest() {
    use calamine::{Data, Reader};
    let dir = project();
    let csv = moter(dir.path());
    let xlsx = dir.path().join("data/stavanger/2026/moter.xlsx");
    meetings_workbook(&csv, &xlsx);
    let original = std::fs::read(&xlsx).unwrap();
    let row = row_of(dir.path(), "fagdag");
    std::fs::remove_file(&csv).unwrap();
    let s = Server::start(dir.path());
    let page = s.get("/aar/stavanger/2026").text();
    assert!(page.contains("arket «Møter»") && page.contains("value=\"12.11.2026\""), "{page}");
    // Excel has the workbook open: not written.
    let lock = dir.path().join("data/stavanger/2026/~$moter.xlsx");
    std::fs::write(&lock, b"x").unwrap();
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "19.11.2026");
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("er åpen i Excel"), "{}", r.text());
    std::fs::remove_file(&lock).unwrap();
    let r = s.edit("/aar/stavanger/2026", row, "Dato", "19.11.2026");
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.edit("/aar/stavanger/2026", row, "Sted", "Clarion Hotel Energy");
    assert_eq!(r.status, 200, "{}", r.text());
    // Read back independently: calamine for values, the zip for the rest.
    let mut book = calamine::open_workbook::<calamine::Xlsx<_>, _>(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["Møter", "Notater"]);
    let m = book.worksheet_range("Møter").unwrap();
    let cell = m.get_value((row as u32 - 1, 1)).unwrap();
    match cell {
        Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().date().to_string(), "2026-11-19"),
        other => panic!("the date is a date cell: {other:?}"),
    }
    let intro = m.get_value((1, 1)).unwrap();
    assert!(
        matches!(intro, Data::DateTime(d) if d.as_datetime().unwrap().date().to_string() == "2026-01-29"),
        "{intro:?}"
    );
    assert_eq!(m.get_value((row as u32 - 1, 7)), Some(&Data::String("Clarion Hotel Energy".into())));
    assert_eq!(m.get_value((row as u32 - 1, 5)), Some(&Data::String("Årlig fagdag".into())));
    let n = book.worksheet_range("Notater").unwrap();
    assert_eq!(n.get_value((0, 0)), Some(&Data::String("Husk å bestille lokale til fagdagen".into())));
    assert_eq!(n.get_value((1, 0)), Some(&Data::Float(1234.5)));
    let formulas = book.worksheet_formula("Notater").unwrap();
    assert_eq!(formulas.get_value((2, 0)).map(String::as_str), Some("A2*2"));
    // Every part but the sheet is the original's, byte for byte (styles
    // included: the column already had a date format).
    let parts = |bytes: &[u8]| {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut v = Vec::new();
                f.read_to_end(&mut v).unwrap();
                (f.name().to_string(), v)
            })
            .collect::<Vec<_>>()
    };
    let (before, after) = (parts(&original), parts(&std::fs::read(&xlsx).unwrap()));
    assert_eq!(before.len(), after.len());
    for ((n, b), (m, a)) in before.iter().zip(&after) {
        assert_eq!(n, m);
        if n != "xl/worksheets/sheet1.xml" {
            assert!(a == b, "{n} changed");
        }
    }
    // The drop-down list and the frozen header row are still there.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    z.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(sheet.contains("<dataValidation ") && sheet.contains("nettverksmøte"), "{sheet}");
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    // The next build shows the new date.
    let r = s.post("/aar/stavanger/2026/bygg", &[]);
    assert_eq!(r.status, 303);
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("output/stavanger/2026/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["hendelser"]["fagdag"]["dato"], "2026-11-19");
    assert_eq!(m["hendelser"]["fagdag"]["sted"], "Clarion Hotel Energy");
}

#[test]
fn the_preview_follows_an_edit() {
    let dir = project();
    let s = Server::start(dir.path());
    let info = s
        .request("GET", "/aar/stavanger/2026/forhandsvisning.json", &[("Accept", "application/json")], None)
        .json();
    let pages = info["docs"][0]["pages"].as_array().unwrap().clone();
    assert!(pages.len() >= 3, "{info}");
    assert!(info["docs"][0]["title"].as_str().unwrap().starts_with("Årsplan 2026"), "{info}");
    let png = s.get(&format!("/aar/stavanger/2026/side/0/1?v={}", pages[0].as_str().unwrap()));
    assert_eq!(png.status, 200);
    assert!(png.body.starts_with(b"\x89PNG"), "a PNG");
    assert!(png.header("cache-control").unwrap().contains("max-age"));
    assert_eq!(s.get("/aar/stavanger/2026/side/0/99").status, 404);
    // Each edit: post, ask for the preview, fetch the pages that changed.
    let row = row_of(dir.path(), "fagdag");
    let mut times = Vec::new();
    let mut last = pages.clone();
    for (i, day) in ["19.11.2026", "26.11.2026", "18.11.2026", "25.11.2026", "12.11.2026"].iter().enumerate()
    {
        let sha = sha_on(&s.get("/aar/stavanger/2026").text());
        let started = Instant::now();
        let r = s.post(
            "/aar/stavanger/2026/mote",
            &[("rad", &row.to_string()), ("kolonne", "Dato"), ("verdi", day), ("sha", &sha)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let info = s.request("GET", "/aar/stavanger/2026/forhandsvisning.json", &[], None).json();
        let now = info["docs"][0]["pages"].as_array().unwrap().clone();
        let changed: Vec<usize> = (0..now.len()).filter(|p| last.get(*p) != Some(&now[*p])).collect();
        assert!(!changed.is_empty(), "edit {i}: a page of the plan changed");
        for p in &changed {
            let page =
                s.get(&format!("/aar/stavanger/2026/side/0/{}?v={}", p + 1, now[*p].as_str().unwrap()));
            assert!(page.body.starts_with(b"\x89PNG"));
        }
        times.push(started.elapsed());
        last = now;
    }
    times.sort();
    println!(
        "edit → new preview pages over HTTP (debug build): median {:?}, all {:?}",
        times[times.len() / 2],
        times
    );
}

#[test]
fn the_sending_page_shows_who_gets_what_and_gives_drafts() {
    let dir = project();
    // Two verified recipients, the rest unverified.
    let p = dir.path().join("data/stavanger/mottakere.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for l in lines.iter_mut().skip(1).take(2) {
        *l = l.replace(";nei;", ";ja;");
    }
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let s = Server::start(dir.path());
    let page = s.get("/utsending/stavanger/2026").text();
    assert!(page.contains("Lag oversikten (prøvekjøring)"), "{page}");
    let r = s.post("/utsending/stavanger/2026/oversikt", &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = s.get(r.header("location").unwrap()).text();
    assert!(page.contains("<strong>2</strong> kommuner får e-post"), "{page}");
    assert!(page.contains("Nei, ikke verifisert"), "{page}");
    assert!(page.contains("Send 2 e-poster"), "{page}");
    assert!(page.contains("Emne</dt><dd>"), "{page}");
    assert!(dir.path().join("output/stavanger/2026/utsending/oversikt.csv").is_file(), "the dry run's files");
    let first = between(&page, "?vis=", "#").to_string();
    let letter = s.get(&format!("/utsending/stavanger/2026/brev/{first}"));
    assert!(letter.body.starts_with(b"%PDF"), "{}", letter.status);
    // Sending needs the explicit confirmation.
    let version = between(&page, "name=\"versjon\" value=\"", "\"").to_string();
    let r = s.post(
        "/utsending/stavanger/2026/send",
        &[
            ("versjon", &version),
            ("antall", "2"),
            ("tjener", "localhost"),
            ("sikkerhet", "ingen"),
            ("port", "1"),
        ],
    );
    assert_eq!(r.status, 303);
    let back = s.get(r.header("location").unwrap()).text();
    assert!(back.contains("Kryss av for at du vil sende; ingenting er sendt."), "{back}");
    // Drafts: a zip of .eml files marked unsent, recorded as drafts only.
    // Before the download, the page already holds the confirm button (shown
    // by the script as the download starts) and, without script, a way to it.
    let before = s.get("/utsending/stavanger/2026").text();
    assert!(before.contains("data-utkast=\"utkast-etter-nedlasting\""), "{before}");
    assert!(before.contains("<div id=\"utkast-etter-nedlasting\" hidden>"), "{before}");
    assert!(before.contains("id=\"utkast-uten-skript\""), "{before}");
    let r = s.post("/utsending/stavanger/2026/utkast", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-disposition").unwrap().contains("utkast-stavanger-2026.zip"));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
    assert_eq!(z.len(), 2);
    // Each draft is named by its municipality, as the recipients list has it.
    let names: Vec<String> = z.file_names().map(str::to_string).collect();
    let register = std::fs::read_to_string(dir.path().join("data/stavanger/mottakere.csv")).unwrap();
    for name in &names {
        let (number, town) =
            name.strip_suffix(".eml").unwrap().split_once(' ').unwrap_or_else(|| panic!("{name}"));
        assert!(register.contains(&format!("{number};{town};")), "{name} in {register}");
    }
    let after = s.get("/utsending/stavanger/2026").text();
    assert!(after.contains("Utkast som venter") && !after.contains("utkast-uten-skript"), "{after}");
    let mut eml = String::new();
    z.by_index(0).unwrap().read_to_string(&mut eml).unwrap();
    assert!(eml.contains("X-Unsent: 1"), "{eml}");
    let ledger: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("output/stavanger/2026/utsending/sendelogg.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(ledger["utkast"].as_array().unwrap().len(), 2);
    assert!(ledger["sendt"].as_array().unwrap().is_empty());
    let _ = &s.dir;
}

/// The test SMTP server on loopback, storing into `maildir`; and its port.
fn smtp_server(maildir: &Path) -> (Child, String) {
    let mut smtp = Command::new("python3")
        .arg(common::root().join("tests/fixtures/smtp_server.py"))
        .arg(maildir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(smtp.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("READY ").unwrap().to_string();
    (smtp, port)
}

/// Keeps the first three recipients, all verified.
fn three_verified(dir: &Path) {
    let p = dir.join("data/stavanger/mottakere.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.truncate(4);
    for l in lines.iter_mut().skip(1) {
        *l = l.replace(";nei;", ";ja;");
    }
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
}

/// The recipients (To:) of the messages the test SMTP server stored.
fn stored_to(maildir: &Path) -> Vec<String> {
    let mut to: Vec<String> = std::fs::read_dir(maildir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let m = std::fs::read_to_string(p).unwrap();
            m.lines().find(|l| l.starts_with("To: ")).unwrap_or_default().to_string()
        })
        .collect();
    to.sort();
    to
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn two_clicks_and_a_terminal_sending_at_once_send_each_municipality_once() {
    common::need("python3", &["-c", "import aiosmtpd"]);
    let dir = project();
    three_verified(dir.path());
    let maildir = tempfile::tempdir().unwrap();
    let (mut smtp, smtp_port) = smtp_server(maildir.path());
    let s = Server::start(dir.path());
    let r = s.post("/utsending/stavanger/2026/oversikt", &[]);
    let page = s.get(r.header("location").unwrap()).text();
    let version = between(&page, "name=\"versjon\" value=\"", "\"").to_string();
    assert_eq!(between(&page, "name=\"antall\" value=\"", "\""), "3");
    // The send button pressed twice, and `arsplan send` in a terminal, at once.
    let (flashes, terminal) = std::thread::scope(|t| {
        let click = || {
            let r = s.post(
                "/utsending/stavanger/2026/send",
                &[
                    ("versjon", &version),
                    ("antall", "3"),
                    ("tjener", "localhost"),
                    ("sikkerhet", "ingen"),
                    ("port", &smtp_port),
                    ("bekreft", "ja"),
                ],
            );
            assert_eq!(r.status, 303, "{}", r.text());
            let page = s.get(r.header("location").unwrap()).text();
            between(&page, "<div class=\"melding", "</div>").to_string()
        };
        let clicks = [t.spawn(click), t.spawn(click)];
        let terminal = t.spawn(|| {
            Command::new(env!("CARGO_BIN_EXE_arsplan"))
                .current_dir(dir.path())
                .arg("--maler")
                .arg(common::root().join("templates"))
                .args(["send", "--network", "stavanger", "--year", "2026", "--send", "--ja"])
                .args(["--smtp-server", "127.0.0.1", "--smtp-port", &smtp_port, "--sikkerhet", "ingen"])
                .output()
                .unwrap()
        });
        let flashes: Vec<String> = clicks.into_iter().map(|c| c.join().unwrap()).collect();
        (flashes, terminal.join().unwrap())
    });
    // The second click finds the first's send registered, whatever it is doing.
    let refused = flashes.iter().filter(|f| f.contains("En sending pågår allerede")).count();
    assert_eq!(refused, 1, "{flashes:?}");
    let t0 = Instant::now();
    let progress = loop {
        let p = s.request("GET", "/utsending/stavanger/2026/fremdrift.json", &[], None);
        if p.status == 404 || p.json()["done"] == true {
            break p.text();
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "{}", p.text());
        std::thread::sleep(Duration::from_millis(200));
    };
    let said = String::from_utf8_lossy(&terminal.stdout).to_string();
    assert!(terminal.status.success(), "{said}{}", String::from_utf8_lossy(&terminal.stderr));
    let to = stored_to(maildir.path());
    let mut unique = to.clone();
    unique.dedup();
    assert_eq!(to.len(), 3, "each of the three exactly once: {to:?}\n{flashes:?}\n{progress}\n{said}");
    assert_eq!(unique.len(), 3, "{to:?}");
    let _ = smtp.stdin.take().map(|mut i| i.write_all(b""));
    let _ = smtp.kill();
    let _ = smtp.wait();
}

#[test]
#[ignore = "needs python3 with aiosmtpd"]
fn sending_from_the_page_follows_the_ledger_exactly_once() {
    common::need("python3", &["-c", "import aiosmtpd"]);
    let dir = project();
    three_verified(dir.path());
    let maildir = tempfile::tempdir().unwrap();
    let (mut smtp, smtp_port) = smtp_server(maildir.path());
    let s = Server::start(dir.path());
    let send = |s: &Server| {
        let r = s.post("/utsending/stavanger/2026/oversikt", &[]);
        let page = s.get(r.header("location").unwrap()).text();
        let version = between(&page, "name=\"versjon\" value=\"", "\"").to_string();
        let count = between(&page, "name=\"antall\" value=\"", "\"").to_string();
        s.post(
            "/utsending/stavanger/2026/send",
            &[
                ("versjon", &version),
                ("antall", &count),
                ("tjener", "localhost"),
                ("sikkerhet", "ingen"),
                ("port", &smtp_port),
                ("bekreft", "ja"),
            ],
        )
    };
    let r = send(&s);
    assert_eq!(r.status, 303);
    let started = Instant::now();
    let progress = loop {
        let p = s.request("GET", "/utsending/stavanger/2026/fremdrift.json", &[], None).json();
        if p["done"] == true {
            break p;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{p}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(progress["ok"], true, "{progress}");
    assert_eq!(progress["sent"], 3);
    let sent = || {
        std::fs::read_dir(maildir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "eml"))
            .count()
    };
    assert_eq!(sent(), 3);
    // The page's old confirmation does not send again, nor does a new overview.
    let page = s.get("/utsending/stavanger/2026").text();
    assert!(page.contains("Ferdig: 3 av 3 e-poster er sendt."), "{page}");
    let r = s.post("/utsending/stavanger/2026/oversikt", &[]);
    let page = s.get(r.header("location").unwrap()).text();
    assert!(page.contains("Ingenting å sende"), "{page}");
    assert_eq!(sent(), 3);
    let _ = smtp.stdin.take().map(|mut i| i.write_all(b""));
    let _ = smtp.kill();
    let _ = smtp.wait();
}

/// Linux: the render workers' stacks are 64 MiB each (`render::threads`),
/// reserved as anonymous read-write mappings of that size; the default
/// 2 MiB stacks are far smaller.
#[test]
#[cfg(target_os = "linux")]
fn the_page_starts_the_render_workers_with_their_large_stacks() {
    let dir = project();
    let s = Server::start(dir.path());
    // The front page's overview is the first parallel work the server does.
    assert_eq!(s.get("/").status, 200);
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", s.child.id())).unwrap();
    let big_stacks = maps
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let Some((a, b)) = f[0].split_once('-') else { return false };
            let size = u64::from_str_radix(b, 16).unwrap() - u64::from_str_radix(a, 16).unwrap();
            f.len() == 5 && f[1] == "rw-p" && size >= 64 << 20
        })
        .count();
    assert!(big_stacks >= 1, "no 64 MiB worker stack in the server:\n{maps}");
}

#[test]
fn serve_has_norwegian_help_and_its_alias() {
    let o = Command::new(env!("CARGO_BIN_EXE_arsplan")).args(["nettside", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(text.contains("--ingen-nettleser") && text.contains("Porten nettsiden lytter på"), "{text}");
}

#[test]
#[ignore = "needs chromium, chromium-driver, python3 selenium and axe-core"]
fn in_a_real_browser_a_moved_date_changes_the_preview_and_the_pdf() {
    let (_one, axe) = common::browser_test("selenium", true);
    let dir = project();
    let s = Server::start(dir.path());
    let shots = tempfile::Builder::new().prefix("arsplan-nettside-").tempdir().unwrap().keep();
    let out = Command::new("python3")
        .arg(common::root().join("tests/fixtures/web/browser.py"))
        .arg(format!("http://{}/?token={}", s.host(), s.token))
        .arg(&shots)
        .arg(row_of(dir.path(), "fagdag").to_string())
        .arg(&axe)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    println!("{}", serde_json::to_string_pretty(&result).unwrap());
    assert_eq!(result["saved"], "19.11.2026", "{result}");
    assert!(result["preview_changed"].as_bool().unwrap(), "{result}");
    assert!(result["pdf_changed"].as_bool().unwrap(), "{result}");
    assert!(result["pdf_new_has_date"].as_bool().unwrap(), "{result}");
    let times: Vec<f64> =
        result["preview_ms"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!("edit → new preview in Chromium: median {} ms of {times:?}", sorted[sorted.len() / 2]);
    for shot in result["screenshots"].as_array().unwrap() {
        let p = PathBuf::from(shot.as_str().unwrap());
        assert!(std::fs::metadata(&p).unwrap().len() > 10_000, "{}", p.display());
        println!("screenshot: {}", p.display());
    }
    assert_eq!(result["outline_followed"], true, "{result}");
    // axe-core finds no WCAG 2.1 A/AA violation on any page looked at.
    let axe = result["axe"].as_object().unwrap();
    assert_eq!(axe.len(), 8, "{result}");
    for (page, violations) in axe {
        assert_eq!(violations.as_array().unwrap().len(), 0, "{page}: {violations}");
    }
    assert_eq!(result["bad_value_marked"], true, "{result}");
    assert_eq!(result["focus_visible"], true, "{result}");
    assert_eq!(result["zoom_page_overflows"], false, "at 200 % only the table scrolls sideways: {result}");
    assert_eq!(result["send_overview"], true, "{result}");
    assert_eq!(
        result["drafts_confirm_at_once"], true,
        "the drafts' confirm button shows as the zip downloads: {result}"
    );
    // After «Bygg dokumentene» the result is in view, not scrolled away.
    assert_eq!(result["banner_in_view"], serde_json::json!([true, true]), "{result}");
    // Two quick edits: both saved, one after the other, none refused.
    let quick = &result["quick_edits"];
    assert_eq!(quick["saved"], serde_json::json!(["Sola kulturhus", "Stavanger konserthus"]), "{result}");
    assert_eq!(quick["invalid"], serde_json::json!([null, null]), "{result}");
    assert!(quick["status"].as_str().unwrap().starts_with("Lagret:"), "{result}");
    // The file on disk has the date and the places the browser typed.
    let csv = std::fs::read_to_string(moter(dir.path())).unwrap();
    assert!(csv.contains("fagdag;19.11.2026"), "{csv}");
    assert!(csv.contains("Sola kulturhus") && csv.contains("Stavanger konserthus"), "{csv}");
}

#[test]
fn the_pages_logic_works_without_http() {
    use arsplan::edit::{self, Refused};
    use arsplan::web::site;
    let dir = project();
    let p = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let view = site::year_view(&p, "stavanger", 2026).unwrap();
    let table = view.table.as_ref().unwrap();
    assert_eq!(table.file, "data/stavanger/2026/moter.csv");
    let fagdag = table.rows.iter().find(|r| r.id == "fagdag").unwrap();
    let date = fagdag.cells.iter().find(|c| c.column == "Dato").unwrap();
    assert_eq!(
        (date.value.as_str(), date.editable, date.kind),
        ("12.11.2026", true, arsplan::web::site::FieldKind::Date)
    );
    assert!(!fagdag.cells.iter().find(|c| c.column == "ID").unwrap().editable);
    assert!(view.outline.iter().any(|o| o.label == "område 1"), "{:?}", view.outline);
    // The outline's small templates are filled in.
    assert!(view.outline.iter().all(|o| !o.text.contains("{{")), "{:?}", view.outline);
    assert!(view.built.is_none() && view.documents.is_empty());
    // The preview is laid out once and kept while nothing changes.
    let previews = site::Previews::default();
    let first = previews.current(&p, "stavanger", 2026).unwrap();
    let again = previews.current(&p, "stavanger", 2026).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    let (_, png) = previews.page(&p, "stavanger", 2026, 0, 0).unwrap().unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // An edit: a stale hash is refused, a good value written, and the preview follows.
    let refused = edit::meeting(&p, "stavanger", 2026, fagdag.number, "Dato", "19.11.2026", "0000");
    assert!(matches!(refused, Err(Refused::Stale(_))), "{refused:?}");
    let edited =
        edit::meeting(&p, "stavanger", 2026, fagdag.number, "Dato", "19.11.2026", &table.sha256).unwrap();
    assert_eq!(edited.value, "19.11.2026");
    let invalid = edit::meeting(&p, "stavanger", 2026, fagdag.number, "ID", "x", &edited.sha256);
    assert!(matches!(invalid, Err(Refused::Failed(_))), "only the editable columns: {invalid:?}");
    let after = previews.current(&p, "stavanger", 2026).unwrap();
    assert_ne!(after.key, first.key);
    let changed = first.docs[0].keys.iter().zip(&after.docs[0].keys).filter(|(a, b)| a != b).count();
    assert!(
        changed >= 1 && changed < after.docs[0].keys.len(),
        "only the pages that show the date change: {changed}"
    );
    // Building from the page is the command line's build.
    let built = site::build_year(&p, "stavanger", 2026).unwrap();
    assert!(built.written > 0 && !built.unchanged);
    let again = site::build_year(&p, "stavanger", 2026).unwrap();
    assert!(again.unchanged);
    assert_eq!(site::built_documents(&p, "stavanger", 2026).len(), 2);
    assert!(site::built_file(&p, "stavanger", 2026, "manifest.json").is_none());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_and_a_missing_browser_is_only_a_warning() {
    let dir = project();
    // No xdg-open on the PATH: the browser cannot be opened.
    let empty = tempfile::tempdir().unwrap();
    // Ctrl+C at once after the address is printed, and after a request; the
    // window closed (SIGHUP) and a polite kill (SIGTERM) stop it as well, and
    // every way leaves no login file behind.
    for (signal, at_once) in
        [(libc::SIGINT, true), (libc::SIGINT, false), (libc::SIGTERM, true), (libc::SIGHUP, false)]
    {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(dir.path())
            .env("PATH", empty.path())
            .arg("--maler")
            .arg(common::root().join("templates"))
            .args(["nettside", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        out.read_line(&mut line).unwrap();
        let addr = between(&line, "http://", "/").to_string();
        let login = PathBuf::from(between(&line, "eller filen ", ". La dette"));
        assert!(login.is_file(), "{line}");
        if !at_once {
            let host = vec![("Host".to_string(), addr.clone())];
            assert_eq!(raw(&addr, "GET", "/", &host, None).status, 403, "it runs");
        }
        // SAFETY: sending a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the server stops on Ctrl+C");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "signal {signal}, at once: {at_once}; {status:?}");
        assert!(!login.exists(), "signal {signal}: {} left behind", login.display());
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("Nettsiden er stoppet."), "{rest}");
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(err.contains("advarsel: nettleseren kunne ikke åpnes"), "{err}");
        assert!(TcpStream::connect(&addr).is_err(), "the port is free again");
    }
}

#[test]
fn every_example_year_has_its_page_and_preview() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger", "bergen", "ahus"]);
    let s = Server::start(dir.path());
    let index = s.get("/").text();
    let years: Vec<String> = index
        .split("<h3><a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
        .collect();
    assert_eq!(years.len(), 7, "{years:?}");
    for y in &years {
        let page = s.get(y);
        assert_eq!(page.status, 200, "{y}");
        assert!(page.text().contains("Ingen feil"), "{y}: {}", page.text());
        let info = s.request("GET", &format!("{y}/forhandsvisning.json"), &[], None).json();
        let docs = info["docs"].as_array().unwrap_or_else(|| panic!("{y}: {info}"));
        assert!(!docs.is_empty(), "{y}");
        // A year with a report previews it too.
        if y.ends_with("/2025") && y.contains("stavanger") {
            assert_eq!(docs.len(), 2, "{info}");
            assert!(docs[1]["title"].as_str().unwrap().starts_with("Årsrapport"), "{info}");
        }
        let send = s.get(&y.replace("/aar/", "/utsending/"));
        assert_eq!(send.status, 200, "{y}");
    }
}

#[cfg(unix)]
#[test]
fn the_page_opens_through_a_private_file_and_the_token_is_in_no_argument() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    // A browser that records what it was asked to open.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let fake = bin.path().join("xdg-open");
    std::fs::write(&fake, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> {}\n", opened.display())).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .env("PATH", format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap()))
        .arg("--maler")
        .arg(common::root().join("templates"))
        .args(["serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = between(&line, "http://", "/").to_string();
    let token = between(&line, "?token=", "\n").to_string();
    out.read_line(&mut line).unwrap();
    let file = PathBuf::from(between(&line, "eller filen ", ". La dette").to_string());
    let started = Instant::now();
    // Until the fake browser has written its whole line.
    while !std::fs::read_to_string(&opened).is_ok_and(|t| t.ends_with('\n'))
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let args = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(args.trim(), file.display().to_string(), "the browser gets the file, not the token");
    assert!(!args.contains(&token));
    // Only this user can read the file; it posts the token to the page.
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(
        html.contains(&format!("action=\"http://{addr}/inngang\"")) && html.contains("method=\"post\""),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{token}\"")), "{html}");
    // The post from the file (Origin: null) sets the cookie; a wrong token does not.
    let host = vec![("Host".to_string(), addr.clone()), ("Origin".to_string(), "null".to_string())];
    let ct = ("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string());
    let with = |t: &str| {
        let mut h = host.clone();
        h.push(ct.clone());
        raw(&addr, "POST", "/inngang", &h, Some(&format!("token={t}")))
    };
    assert_eq!(with("feil").status, 403);
    let r = with(&token);
    assert_eq!(r.status, 200, "{}", r.text());
    let cookie = r.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains(&token) && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(r.text().contains("http-equiv=\"refresh\" content=\"0;url=/\""), "{}", r.text());
    // The cookie alone opens the page; a second cookie of the same name
    // planted by another page does not lock the leader out.
    let name = cookie.split('=').next().unwrap().to_string();
    let cookies = format!("{name}=planted; {name}={token}; {name}=x");
    let page = raw(&addr, "GET", "/", &[("Host".into(), addr.clone()), ("Cookie".into(), cookies)], None);
    assert_eq!(page.status, 200, "{}", page.text());
    // SAFETY: Ctrl+C to the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    assert!(!file.exists(), "the file goes when the page stops");
}

#[cfg(target_os = "linux")]
#[test]
fn slow_and_idle_connections_are_closed_and_their_number_is_limited() {
    let dir = project();
    let s = Server::start(dir.path());
    let fds = || std::fs::read_dir(format!("/proc/{}/fd", s.child.id())).unwrap().count();
    let before = fds();
    // 300 connections that never finish their headers.
    let mut slow: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut c = TcpStream::connect(s.host()).unwrap();
            let _ = c.write_all(b"GET / HTTP/1.1\r\nHost: x");
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = fds();
    assert!(during <= before + 64 + 8, "{before} → {during} open files");
    // Within the header timeout (10 s) every slow connection is closed.
    let started = Instant::now();
    for c in &mut slow {
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut buf = [0u8; 512];
        let closed = matches!(c.read(&mut buf), Ok(0) | Ok(_) | Err(_));
        assert!(closed);
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(16), "closed after {took:?}");
    // An idle connection is closed too, and the page answers again.
    let mut idle = TcpStream::connect(s.host()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 16];
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);
    assert!(
        t.elapsed() >= Duration::from_secs(8) && t.elapsed() < Duration::from_secs(15),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn downloads_give_only_files_the_build_wrote_inside_the_years_folder() {
    let dir = project();
    let outside = dir.path().join("hemmelig.txt");
    std::fs::write(&outside, "hemmelig").unwrap();
    let p = common::with_data(dir.path().join("data"), dir.path().join("output"));
    arsplan::web::site::build_year(&p, "stavanger", 2026).unwrap();
    let year = dir.path().join("output/stavanger/2026");
    let mpath = year.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    let sha = arsplan::manifest::sha256(b"hemmelig");
    for name in ["../../../hemmelig.txt", "lenke.pdf"] {
        m["laget"].as_array_mut().unwrap().push(name.into());
        m["utdata"][name] = sha.clone().into();
    }
    std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, year.join("lenke.pdf")).unwrap();
    let s = Server::start(dir.path());
    for name in ["..%2F..%2F..%2Fhemmelig.txt", "lenke.pdf"] {
        let r = s.get(&format!("/aar/stavanger/2026/fil/{name}"));
        assert_eq!(r.status, 404, "{name}");
        assert!(!r.text().contains("hemmelig"), "{name}");
    }
    // A document changed on disk since the build is not what it wrote.
    let pdf = s.get("/aar/stavanger/2026/fil/arsplan-2026.pdf");
    assert_eq!(pdf.status, 200);
    std::fs::write(year.join("arsplan-2026.docx"), b"changed").unwrap();
    assert_eq!(s.get("/aar/stavanger/2026/fil/arsplan-2026.docx").status, 404);
    // The zip holds plain names only.
    let zip = s.get("/aar/stavanger/2026/dokumenter.zip");
    assert_eq!(zip.status, 200);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().to_string()).collect();
    assert_eq!(names, ["arsplan-2026.pdf"], "{names:?}");
    assert!(arsplan::web::site::zip_of(&[("../../ute/x.pdf".into(), b"x".to_vec())])
        .map(|b| {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
            let n = z.by_index(0).unwrap().name().to_string();
            n == "x.pdf"
        })
        .unwrap());
}

/// Chromium opens the page's file (as the browser does that arsplan starts)
/// and lands on the front page, logged in by the posted token.
const OPEN_FILE_IN_CHROMIUM: &str = r#"
import sys, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
opts = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]:
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    d.get("file://" + sys.argv[1])
    end = time.time() + 60
    while time.time() < end and "Nettverk og år" not in d.page_source:
        time.sleep(0.2)
    print(d.current_url)
    print("Nettverk og år" in d.page_source)
finally:
    d.quit()
"#;

#[cfg(unix)]
#[test]
#[ignore = "needs chromium, chromium-driver and python3 selenium"]
fn in_a_real_browser_the_opening_file_logs_in_without_the_token_in_the_address() {
    let (_one, _) = common::browser_test("selenium", false);
    let dir = project();
    let mut child = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .arg("--maler")
        .arg(common::root().join("templates"))
        .args(["serve", "--port", "0", "--ingen-nettleser"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    out.read_line(&mut line).unwrap();
    let addr = between(&line, "http://", "/").to_string();
    let file = between(&line, "eller filen ", ". La dette").to_string();
    let o = Command::new("python3").args(["-c", OPEN_FILE_IN_CHROMIUM]).arg(&file).output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, [format!("http://{addr}/").as_str(), "True"], "{text}");
}

#[test]
fn an_edit_killed_at_every_step_leaves_moter_csv_old_or_new_and_no_temporary_file() {
    for step in ["edit:start", "edit:staged", "edit:swapped", "edit:done"] {
        let dir = project();
        let csv = moter(dir.path());
        let before = std::fs::read(&csv).unwrap();
        let after =
            String::from_utf8(before.clone()).unwrap().replace("fagdag;12.11.2026", "fagdag;19.11.2026");
        assert_ne!(after.as_bytes(), before);
        let row = row_of(dir.path(), "fagdag");
        let mut s = Server::start_with(dir.path(), &[("ARSPLAN_TEST_STOP", step)], Stdio::piped());
        let stderr = s.child.stderr.take().unwrap();
        let sha = sha_on(&s.get("/aar/stavanger/2026").text());
        let body = form(&[
            ("csrf", s.csrf()),
            ("rad", row.to_string()),
            ("kolonne", "Dato".into()),
            ("verdi", "19.11.2026".into()),
            ("sha", sha),
        ]);
        // Sent, never answered: the server is killed at the step.
        let mut pending = TcpStream::connect(s.host()).unwrap();
        let request = format!(
            "POST /aar/stavanger/2026/mote HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            s.host(),
            s.cookie(),
            body.len()
        );
        pending.write_all(request.as_bytes()).unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let reached = lines.any(|l| l.is_ok_and(|l| l.contains(&format!("arsplan-test-stop: {step}"))));
        assert!(reached, "{step} was reached");
        let _ = s.child.kill();
        let _ = s.child.wait();
        let now = std::fs::read(&csv).unwrap();
        assert!(now == before || now == after.as_bytes(), "{step}: moter.csv is whole, old or new");
        // The page started again removes the killed edit's temporary file,
        // and the next edit works.
        let s = Server::start(dir.path());
        let left: Vec<String> = std::fs::read_dir(csv.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".arsplan-"))
            .collect();
        assert!(left.is_empty(), "{step}: at start {left:?}");
        let r = s.edit("/aar/stavanger/2026", row, "Sted", "Sola kulturhus");
        assert_eq!(r.status, 200, "{step}: {}", r.text());
        let left: Vec<String> = std::fs::read_dir(csv.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".arsplan-"))
            .collect();
        assert!(left.is_empty(), "{step}: {left:?}");
        eprintln!("{step}: moter.csv {}", if now == before { "old" } else { "new" });
    }
}

#[test]
fn the_sending_page_names_the_plan_the_report_and_the_recipients_file_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger", "ahus"]);
    // Stavanger keeps its recipients in a workbook and has no report for 2026 yet.
    let csv = dir.path().join("data/stavanger/mottakere.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Mottakere").unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(dir.path().join("data/stavanger/mottakere.xlsx")).unwrap();
    std::fs::remove_file(&csv).unwrap();
    std::fs::remove_file(dir.path().join("data/stavanger/2025/rapport.toml")).unwrap();
    let s = Server::start(dir.path());
    let page = s.get("/utsending/stavanger/2026").text();
    let ingress = between(&page, "<p class=\"ingress\">", "</p>");
    assert!(ingress.starts_with("Årsplanen («Årsplan 2026"), "{ingress}");
    assert!(
        ingress.contains("<code>mottakere.xlsx</code>") && !ingress.contains("mottakere.csv"),
        "{ingress}"
    );
    assert!(!ingress.contains("årsrapport"), "no report to send: {ingress}");
    let page = s.get("/utsending/ahus/2024").text();
    let ingress = between(&page, "<p class=\"ingress\">", "</p>");
    assert!(ingress.starts_with("Handlingsplanen («Handlingsplan for Kompetansenettverk"), "{ingress}");
    assert!(
        ingress.contains("og årsrapporten for 2023") && ingress.contains("<code>mottakere.csv</code>"),
        "{ingress}"
    );
}

/// The fields of the new-network form, with a sender.
fn new_network_fields(sender: &str) -> Vec<(&'static str, String)> {
    vec![
        ("helseforetak", "Helse Fonna".into()),
        ("stil", "felles".into()),
        ("navn", String::new()),
        ("mappe", String::new()),
        ("aar", "2027".into()),
        ("grupper", "Haugesund\nStord".into()),
        ("avsender", sender.into()),
        ("signatarer", "Kari Nordmann, leder av driftsgruppen".into()),
    ]
}

fn post_owned(s: &Server, path: &str, fields: &[(&'static str, String)]) -> Reply {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.post(path, &f)
}

#[test]
fn a_network_is_made_and_set_up_from_the_page_without_touching_toml() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let front = s.get("/").text();
    assert!(front.contains("<h1>Kom i gang</h1>") && front.contains("action=\"/nytt-nettverk\""), "{front}");
    // A wrong value is shown at its field, with what she typed kept; nothing is made.
    let r = post_owned(&s, "/nytt-nettverk", &new_network_fields("driftsgruppen"));
    assert_eq!(r.status, 422, "{}", r.text());
    let page = r.text();
    assert!(
        page.contains("id=\"e-avsender\"") && page.contains("«driftsgruppen» er ikke en e-postadresse"),
        "{page}"
    );
    assert!(page.contains("value=\"Helse Fonna\"") && page.contains("aria-invalid=\"true\""), "{page}");
    assert!(!dir.path().join("data/fonna").exists());
    // Made: the year's page, with the result under the buttons.
    let r =
        post_owned(&s, "/nytt-nettverk", &new_network_fields("Driftsgruppen <nettverk@helse-fonna.example>"));
    assert_eq!(r.status, 303, "{}", r.text());
    let to = r.header("location").unwrap().to_string();
    assert!(to.starts_with("/aar/fonna/2027?melding=") && to.ends_with("#resultat"), "{to}");
    let page = s.get(&to).text();
    assert!(page.contains("Nettverket «fonna» er laget for 2027"), "{page}");
    // A short sentence, not a list of file paths.
    let said = between(&page, "id=\"resultat\"", "</div>");
    assert!(!said.contains("moter.xlsx") && !said.contains("nettverk.toml") && said.len() < 600, "{said}");
    // A warning about a setting names the field of the settings form, not a TOML row.
    assert!(
        page.contains("Innstillinger for 2027 → «Innledning»:</span>")
            && page.contains("innledningen er tom"),
        "{page}"
    );
    assert!(!page.contains("plan.toml, rad"), "{page}");
    let (buttons, banner, diagnostics) = (
        page.find("class=\"knapper\"").unwrap(),
        page.find("id=\"resultat\"").unwrap(),
        page.find("id=\"diagnoser\"").unwrap(),
    );
    assert!(buttons < banner && banner < diagnostics, "the result where the eye is");
    let toml_path = dir.path().join("data/fonna/nettverk.toml");
    let profile: toml::Table = toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap();
    assert_eq!(profile["avsender"].as_str(), Some("Driftsgruppen <nettverk@helse-fonna.example>"));
    // The settings form has every field of nettverk.toml, and saves them in place.
    let net = s.get("/nettverk/fonna").text();
    for f in arsplan::settings::NETWORK_FIELDS {
        assert!(net.contains(&format!("name=\"{}\"", f.key)), "{} in the form: {net}", f.key);
    }
    let before = std::fs::read_to_string(&toml_path).unwrap();
    std::fs::write(
        &toml_path,
        before.replace("malsetting = \"\"", "malsetting = \"\"   # skriv målsettingen her"),
    )
    .unwrap();
    let mut fields: Vec<(&'static str, String)> =
        arsplan::settings::NETWORK_FIELDS.iter().map(|f| (f.key, String::new())).collect();
    let set = |fields: &mut Vec<(&'static str, String)>, k: &str, v: &str| {
        fields.iter_mut().find(|(x, _)| *x == k).unwrap().1 = v.to_string();
    };
    set(&mut fields, "navn", "Nettverk i Fonna");
    set(&mut fields, "helseforetak", "Helse Fonna");
    set(&mut fields, "stil", "helse-nord");
    set(&mut fields, "grupper", "Haugesund\r\nStord\r\nOdda");
    set(&mut fields, "malsetting", "Trygghet for «alle», også \"de\" som bor alene.");
    let r = post_owned(&s, "/nettverk/fonna/innstillinger", &fields);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("husstilen «helse-nord» finnes ikke"), "{}", r.text());
    set(&mut fields, "stil", "felles");
    let r = post_owned(&s, "/nettverk/fonna/innstillinger", &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    let after = std::fs::read_to_string(&toml_path).unwrap();
    assert!(after.contains("grupper = [\"Haugesund\", \"Stord\", \"Odda\"]"), "{after}");
    assert!(
        after.contains(
            "malsetting = \"Trygghet for «alle», også \\\"de\\\" som bor alene.\"   # skriv målsettingen her"
        ),
        "{after}"
    );
    // The sender left empty: its line a comment again, under its explanation.
    assert!(after.contains("# Avsenderen når planen sendes til kommunene (arsplan send).\n# avsender = \"Driftsgruppen <nettverk@helse-fonna.example>\""), "{after}");
    // Without a sender, the sending page says so before she starts, and where to write it.
    let send = s.get("/utsending/fonna/2027").text();
    assert!(
        send.contains("ingen avsender for e-postene ennå") && send.contains("/nettverk/fonna#f-avsender"),
        "{send}"
    );
    let page = s.get(r.header("location").unwrap()).text().replace("&#x2f;", "/");
    assert!(
        page.contains(
            "Innstillingene for fonna er lagret i data/fonna/nettverk.toml, data/fonna/2027/moter.xlsx"
        ),
        "{page}"
    );
    // The settings save is in the history, and undone from the year's page
    // (nettverk.toml only: the workbook's group list follows at the next save).
    let year_page = s.get("/aar/fonna/2027").text();
    let at = year_page.find("Innstillingene for nettverket").expect("the save in the history");
    let row = &year_page[year_page[..at].rfind("<tr id=\"endring-nettverk-").expect("a network entry")..];
    let nr: String =
        row["<tr id=\"endring-nettverk-".len()..].chars().take_while(char::is_ascii_digit).collect();
    let r = s.post("/aar/fonna/2027/angre", &[("nr", nr.as_str()), ("omfang", "nettverk")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        std::fs::read_to_string(&toml_path).unwrap(),
        before.replace("malsetting = \"\"", "malsetting = \"\"   # skriv målsettingen her")
    );
    let r = s.post(
        "/aar/fonna/2027/angre",
        &[("nr", &(nr.parse::<u32>().unwrap() + 1).to_string()), ("omfang", "nettverk")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(std::fs::read_to_string(&toml_path).unwrap(), after, "undoing the undo brings the save back");
    // A year's settings, and a new year.
    let r = s.post(
        "/aar/fonna/2027/innstillinger",
        &[
            ("tittel", "ÅRSPLAN {{ år }}"),
            ("dato", "20.01.2027"),
            ("innledning", "Første avsnitt.\nAndre avsnitt."),
            ("signatur", "Driftsgruppen"),
            ("signatarer", "Kari Nordmann"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let plan: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.path().join("data/fonna/2027/plan.toml")).unwrap())
            .unwrap();
    assert_eq!(plan["dato"].to_string(), "2027-01-20");
    assert_eq!(plan["innledning"].as_array().unwrap().len(), 2);
    let r = s.post("/nettverk/fonna/nytt-aar", &[("aar", "2028")]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(r.header("location").unwrap().starts_with("/aar/fonna/2028"));
    assert!(dir.path().join("data/fonna/2028/moter.xlsx").is_file());
    let r = s.post("/nettverk/fonna/nytt-aar", &[("aar", "2028")]);
    let page = s.get(r.header("location").unwrap()).text();
    assert!(
        page.contains("fonna 2028 ble ikke laget; ingenting er endret")
            && page.contains("2028 finnes allerede"),
        "{page}"
    );
}

#[test]
fn the_result_of_a_build_is_shown_under_the_button() {
    let dir = project();
    let s = Server::start(dir.path());
    let r = s.post("/aar/stavanger/2026/bygg", &[]);
    assert_eq!(r.status, 303);
    let to = r.header("location").unwrap();
    assert!(to.ends_with("#resultat"), "{to}");
    let page = s.get(to).text();
    let (buttons, banner, documents) = (
        page.find("class=\"knapper\"").unwrap(),
        page.find("id=\"resultat\"").unwrap(),
        page.find("id=\"dokumenter\"").unwrap(),
    );
    assert!(buttons < banner && banner < documents, "the banner under the buttons, above the documents");
    assert!(page.contains("stavanger 2026: dokumentene er bygget"), "{page}");
}

#[test]
fn the_sending_page_speaks_of_the_files_she_has_and_confirms_drafts_sent_from_outlook() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let r =
        post_owned(&s, "/nytt-nettverk", &new_network_fields("Driftsgruppen <nettverk@helse-fonna.example>"));
    assert_eq!(r.status, 303, "{}", r.text());
    // Her recipients, in the workbook arsplan made (as Excel would save it).
    let path = dir.path().join("data/fonna/mottakere.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Mottakere").unwrap();
    for (r, row) in [
        ["Kommunenummer", "Kommune", "Postmottak", "Verifisert"],
        ["1106", "Haugesund", "postmottak@haugesund.kommune.example", "ja"],
        ["4614", "Stord", "postmottak@stord.kommune.example", "ja"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let page = s.get("/utsending/fonna/2027").text();
    assert!(
        page.contains("Årsplanen («Årsplan 2027")
            && page.contains("sendes med et følgebrev")
            && page.contains("<code>mottakere.xlsx</code>"),
        "{page}"
    );
    assert!(!page.contains("årsrapport") && !page.contains("mottakere.csv"), "only files she has: {page}");
    let r = s.post("/utsending/fonna/2027/utkast", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = s.get("/utsending/fonna/2027").text();
    assert!(page.contains("Utkast som venter") && page.contains("1106, 4614"), "{page}");
    let r = s.post("/utsending/fonna/2027/utkast-sendt", &[]);
    assert_eq!(r.status, 303);
    let page = s.get(r.header("location").unwrap()).text();
    assert!(
        page.contains(
            "fonna 2027: 2 utkast ført som sendt fra Outlook (arsplan-2027.pdf og kalender-2027.ics)"
        ),
        "{page}"
    );
    assert!(!page.contains("Utkast som venter"), "{page}");
    let ledger: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("output/fonna/2027/utsending/sendelogg.json")).unwrap(),
    )
    .unwrap();
    let sent = ledger["sendt"].as_array().unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|e| e["fra_utkast"] == true), "{ledger}");
}

#[test]
fn the_page_opens_her_workbooks_and_folders_found_in_the_project() {
    let dir = tempfile::tempdir().unwrap();
    // No program to open anything with here (PATH is empty): the answer still names the whole path.
    let s = Server::start_with(dir.path(), &[("PATH", "")], Stdio::null());
    let r = post_owned(&s, "/nytt-nettverk", &new_network_fields("nettverk@helse-fonna.example"));
    assert_eq!(r.status, 303, "{}", r.text());
    let page = s.get("/aar/fonna/2027").text();
    for button in ["Planen i Excel", "Møtene i Excel", "Mottakerne i Excel", "Årets mappe"] {
        assert!(page.contains(button), "{button}: {page}");
    }
    let folder = std::fs::canonicalize(dir.path().join("data/fonna/2027")).unwrap();
    assert!(page.replace("&#x2f;", "/").contains(&folder.display().to_string()), "the whole path shown");
    let r = s.post("/aar/fonna/2027/apne", &[("fil", "plan")]);
    assert_eq!(r.status, 303);
    let page = s.get(r.header("location").unwrap()).text().replace("&#x2f;", "/");
    assert!(page.contains(&format!("Kunne ikke åpne {}", folder.join("plan.xlsx").display())), "{page}");
    // Only what the project has: any other name opens nothing.
    let r = s.post("/aar/fonna/2027/apne", &[("fil", "../../../etc/passwd")]);
    let page = s.get(r.header("location").unwrap()).text();
    assert!(page.contains("Filen finnes ikke (ennå)."), "{page}");
}

#[path = "web_edit.rs"]
mod web_edit;
