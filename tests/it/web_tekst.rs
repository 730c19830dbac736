//! The page's texts editor, recipient register and uploads, through the real
//! binary over HTTP: a text saved changes only its edited lines (its BOM and
//! CR LF line ends kept), unknown names and template errors are refused at
//! their line, the preview escapes what it shows; recipients added, edited,
//! marked verified and removed change only their row of mottakere.csv, a
//! bad address is refused; a logo (PNG, JPEG → PNG, SVG) and a Word template
//! are taken in, anything else refused; every form needs the CSRF token and
//! shows its result beside itself.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::common;
use crate::web::{between, project, Reply, Server};

const YEAR: &str = "/aar/stavanger/2026";

fn text_path(dir: &Path, name: &str) -> std::path::PathBuf {
    dir.join(format!("data/stavanger/2026/tekster/{name}.md"))
}

/// Writes a text of the example year as another program would, its folder made if need be.
fn write_text(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// The sha the editor page carries.
fn sha_of(page: &str) -> String {
    between(page, "name=\"sha\" value=\"", "\"").to_string()
}

/// Posts a text as the editor's form does (without script: no JSON).
fn post_text(s: &Server, name: &str, text: &str, sha: &str, action: &str, json: bool) -> Reply {
    let body = crate::web::form(&[
        ("csrf", s.csrf()),
        ("tekst", text.to_string()),
        ("sha", sha.to_string()),
        ("handling", action.to_string()),
    ]);
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if json {
        headers.push(("Accept", "application/json"));
    }
    s.request("POST", &format!("{YEAR}/tekster/{name}"), &headers, Some(&body))
}

#[test]
fn a_text_saved_from_the_page_changes_only_its_edited_lines() {
    let dir = project();
    let path = text_path(dir.path(), "innledning");
    let old = "\u{feff}Første avsnitt, om {{ år }}.\r\n\r\nAndre avsnitt.\r\nTredje linje.\r\n";
    write_text(&path, old);
    let s = Server::start(dir.path());

    // The list names it, and the texts the house style shows that are not written yet.
    let list = s.get(&format!("{YEAR}/tekster")).text();
    assert!(list.contains(&format!("{YEAR}/tekster/innledning")), "{list}");
    assert!(list.contains("veien-videre") && list.contains("ikke skrevet ennå"), "{list}");

    // The editor: the text, the names it may use (meetings by id), the preview.
    let page = s.get(&format!("{YEAR}/tekster/innledning")).text();
    assert!(page.contains("Første avsnitt, om {{ år }}."), "{page}");
    assert!(page.contains("data-navn=\"fagdag\""), "the meetings' ids are offered: {page}");
    assert!(page.contains("<p>Første avsnitt, om 2026.</p>"), "the preview shows the year: {page}");
    let sha = sha_of(&page);

    // The browser sends CR LF; one line changes.
    let new =
        "Første avsnitt, om {{ år }}.\r\n\r\nAndre avsnitt, nå om **{{ fagdag }}**.\r\nTredje linje.\r\n";
    let r = post_text(&s, "innledning", new, &sha, "lagre", false);
    assert_eq!(r.status, 303, "{}", r.text());
    let to = r.header("location").unwrap();
    assert!(to.contains("ved=lagre") && to.ends_with("#resultat"), "{to}");
    let after = std::fs::read(&path).unwrap();
    assert_eq!(
        String::from_utf8(after).unwrap(),
        "\u{feff}Første avsnitt, om {{ år }}.\r\n\r\nAndre avsnitt, nå om **{{ fagdag }}**.\r\nTredje linje.\r\n"
    );
    // The result stands under the save button, before the list of names.
    let shown = s.get(to.split('#').next().unwrap()).text().replace("&#x2f;", "/");
    let (button, result, names) = (
        shown.find("Lagre teksten").unwrap(),
        shown.find("id=\"resultat\"").unwrap(),
        shown.find("navn-tittel").unwrap(),
    );
    assert!(button < result && result < names, "{shown}");
    assert!(shown.contains("Lagret. Teksten vises i årsrapporten for 2026"), "{shown}");

    // The same page saved again with an older sha: refused, the file kept.
    let r = post_text(&s, "innledning", "Noe annet\n", &sha, "lagre", true);
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(std::fs::read_to_string(&path).unwrap().contains("**{{ fagdag }}**"));
}

#[test]
fn a_text_with_an_unknown_name_or_a_template_error_is_refused_at_its_line() {
    let dir = project();
    let path = text_path(dir.path(), "innledning");
    write_text(&path, "En\n\nTo\n");
    let s = Server::start(dir.path());
    let sha = sha_of(&s.get(&format!("{YEAR}/tekster/innledning")).text());

    let r = post_text(&s, "innledning", "En\n\nTo {{ fagdagen }}\n", &sha, "lagre", true);
    assert_eq!(r.status, 422, "{}", r.text());
    let j = r.json();
    let problem = &j["feil"][0];
    // Said as the editor names it, not as a file path.
    assert_eq!(problem["place"].as_str().unwrap(), "Teksten «Innledning», linje 3", "{j}");
    assert!(problem["message"].as_str().unwrap().contains("«fagdagen»"), "{j}");
    assert!(problem["hint"].as_str().unwrap().contains("fagdag"), "the known ids are named: {j}");

    let r = post_text(&s, "innledning", "En\n\nTo\n{% if år %}tre\n", &sha, "lagre", true);
    assert_eq!(r.status, 422, "{}", r.text());
    let j = r.json();
    assert!(j["feil"][0]["place"].as_str().unwrap().ends_with("linje 4"), "{j}");
    assert!(j["feil"][0]["message"].as_str().unwrap().contains("syntaksfeil"), "{j}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "En\n\nTo\n", "nothing written");

    // Without script: the page again, her text kept, the error beside it.
    let r = post_text(&s, "innledning", "En <b>\n\nTo {{ fagdagen }}\n", &sha, "lagre", false);
    assert_eq!(r.status, 422);
    let page = r.text();
    assert!(page.contains("En &lt;b&gt;"), "her text, escaped: {page}");
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("linje 3"), "{page}");

    // The preview escapes what the text says, and follows it without saving.
    let r = post_text(&s, "innledning", "5 < 6 & \"sitat\" **fet**\n", &sha, "vis", true);
    let j = r.json();
    assert_eq!(j["html"], "<p>5 &lt; 6 &amp; &quot;sitat&quot; <strong>fet</strong></p>", "{j}");
    // HTML in a text is refused, as the build refuses it.
    let r = post_text(&s, "innledning", "<script>x</script>\n", &sha, "vis", true);
    let j = r.json();
    assert_eq!(j["html"], "", "{j}");
    assert!(j["feil"][0]["message"].as_str().unwrap().contains("HTML er ikke tillatt"), "{j}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "En\n\nTo\n");
}

#[test]
fn a_new_text_is_written_and_bad_names_and_forms_are_refused() {
    let dir = project();
    let s = Server::start(dir.path());
    // «Ny tekst» goes to the editor of that name; a name that is no file name is refused.
    let r = s.get(&format!("{YEAR}/tekster?ny=Veien-videre"));
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location").unwrap(), format!("{YEAR}/tekster/veien-videre"));
    let r = s.get(&format!("{YEAR}/tekster?ny=..%2Fplan"));
    assert_eq!(r.status, 422);
    assert!(r.text().contains("kan ikke være navnet på en tekst"));
    assert_eq!(s.get(&format!("{YEAR}/tekster/..%2F..%2Fnettverk")).status, 404);

    let page = s.get(&format!("{YEAR}/tekster/veien-videre")).text();
    assert_eq!(sha_of(&page), "");
    let r = post_text(&s, "veien-videre", "Vi fortsetter i {{ år }}.\r\n", "", "lagre", false);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        std::fs::read(text_path(dir.path(), "veien-videre")).unwrap(),
        b"Vi fortsetter i {{ \xc3\xa5r }}.\n"
    );
    // A second «new» text of that name is not written over the first.
    let r = post_text(&s, "veien-videre", "Annet\n", "", "lagre", true);
    assert_eq!(r.status, 409);

    // No CSRF token: refused. Too large: refused. Another origin: refused.
    let body = crate::web::form(&[("tekst", "x".into()), ("sha", "".into())]);
    let r = s.request(
        "POST",
        &format!("{YEAR}/tekster/ny-tekst"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&body),
    );
    assert_eq!(r.status, 422, "a form without its token is not taken: {}", r.text());
    let big = "a ".repeat(300_000);
    let r = post_text(&s, "stor", &big, "", "lagre", true);
    assert!(r.status == 413, "{}", r.status);
    let body = crate::web::form(&[("csrf", s.csrf()), ("tekst", "x".into()), ("sha", "".into())]);
    let r = s.request(
        "POST",
        &format!("{YEAR}/tekster/fremmed"),
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "http://evil.example")],
        Some(&body),
    );
    assert_eq!(r.status, 403);
    assert!(!text_path(dir.path(), "ny-tekst").exists() && !text_path(dir.path(), "fremmed").exists());
    assert!(!text_path(dir.path(), "stor").exists());
}

fn recipients(dir: &Path) -> std::path::PathBuf {
    dir.join("data/stavanger/mottakere.csv")
}

fn post_recipient(s: &Server, fields: &[(&str, &str)]) -> Reply {
    let page = s.get("/nettverk/stavanger/mottakere").text();
    let sha = sha_of(&page);
    let mut all = vec![("csrf", s.csrf()), ("sha", sha)];
    all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    s.request(
        "POST",
        "/nettverk/stavanger/mottakere",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&crate::web::form(&all)),
    )
}

#[test]
fn recipients_are_added_edited_verified_and_removed_row_by_row() {
    let dir = project();
    let path = recipients(dir.path());
    // Windows-1252 with CR LF, as Norwegian Excel saves it.
    let original = std::fs::read(&path).unwrap();
    let text = String::from_utf8(original.clone()).unwrap().replace("\r\n", "\n").replace('\n', "\r\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(&path, &bytes).unwrap();
    let old = bytes.to_vec();
    let s = Server::start(dir.path());
    let page = s.get("/nettverk/stavanger/mottakere").text();
    assert!(page.contains("id=\"rad-2\""), "{page}");

    let r = post_recipient(
        &s,
        &[
            ("handling", "ny"),
            ("kommunenummer", "1135"),
            ("kommune", "Sauda; sør"),
            ("postmottak", "postmottak@sauda.kommune.no"),
            ("kontakt", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(r.header("location").unwrap().contains("ved=ny"));
    let added = std::fs::read(&path).unwrap();
    assert_eq!(added, [&old[..], b"1135;\"Sauda; s\xf8r\";postmottak@sauda.kommune.no;nei;\r\n"].concat());
    let last_row = String::from_utf8_lossy(&added).lines().count();

    // Marked verified: only that field.
    let r = post_recipient(&s, &[("handling", "verifiser"), ("rad", &last_row.to_string())]);
    assert_eq!(r.status, 303, "{}", r.text());
    let verified = std::fs::read(&path).unwrap();
    assert_eq!(verified, [&old[..], b"1135;\"Sauda; s\xf8r\";postmottak@sauda.kommune.no;ja;\r\n"].concat());
    // The message stands at the row.
    let to = r.header("location").unwrap().to_string();
    assert!(to.contains(&format!("ved=rad-{last_row}")), "{to}");
    let shown = s.get(to.split('#').next().unwrap()).text();
    let row_at = shown.find(&format!("id=\"rad-{last_row}\"")).unwrap_or_else(|| panic!("{shown}"));
    let result_at = shown.find("id=\"resultat\"").unwrap();
    assert!(result_at > row_at && result_at < shown.find("ny-tittel").unwrap(), "{shown}");

    // Edited: a bad address is refused and nothing changes; a good one lands in that row only.
    let row = last_row.to_string();
    let edit = |addr: &str| {
        post_recipient(
            &s,
            &[
                ("handling", "lagre"),
                ("rad", &row),
                ("kommunenummer", "1135"),
                ("kommune", "Sauda"),
                ("postmottak", addr),
                ("verifisert", "ja"),
                ("kontakt", "Ola Nordmann"),
            ],
        )
    };
    let r = edit("post mottak@sauda");
    assert_eq!(r.status, 422);
    assert!(r.text().contains("ikke en gyldig e-postadresse"), "{}", r.text());
    assert!(r.text().contains("value=\"post mottak@sauda\""), "what she typed stays: {}", r.text());
    assert_eq!(std::fs::read(&path).unwrap(), verified);
    let r = edit("post@sauda.kommune.no");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        // A field that was quoted stays quoted (only its text changes).
        [&old[..], b"1135;\"Sauda\";post@sauda.kommune.no;ja;Ola Nordmann\r\n"].concat()
    );

    // A second row for the same municipality is refused.
    let r = post_recipient(
        &s,
        &[("handling", "ny"), ("kommunenummer", "1135"), ("kommune", "Igjen"), ("postmottak", "a@b.no")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("står alt på rad"), "{}", r.text());

    // Removed: the file is as it was before.
    let r = post_recipient(&s, &[("handling", "fjern"), ("rad", &row)]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(std::fs::read(&path).unwrap(), old);

    // An old page's form (its sha) does not write over a change made since.
    let stale = sha_of(&s.get("/nettverk/stavanger/mottakere").text());
    std::fs::write(&path, [&old[..], b"1134;Suldal;post@suldal.no;nei;\r\n"].concat()).unwrap();
    let body = crate::web::form(&[
        ("csrf", s.csrf()),
        ("sha", stale),
        ("handling", "verifiser".into()),
        ("rad", "2".into()),
    ]);
    let r = s.request(
        "POST",
        "/nettverk/stavanger/mottakere",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&body),
    );
    assert_eq!(r.status, 303);
    assert!(std::fs::read(&path).unwrap().ends_with(b"1134;Suldal;post@suldal.no;nei;\r\n"));
    assert!(!String::from_utf8_lossy(&std::fs::read(&path).unwrap()).contains(";ja;"), "nothing verified");
}

/// A multipart form post with the cookie, the CSRF token and one file.
fn upload(s: &Server, path: &str, csrf: Option<&str>, file_name: &str, bytes: &[u8]) -> Reply {
    let boundary = "----arsplantest7d3f";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut stream = TcpStream::connect(s.host()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.host(),
        s.cookie(),
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A body over the limit may be cut off by the server before it is all sent.
    let _ = stream.write_all(&body);
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: all[split..].to_vec() }
}

/// A small PNG picture.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(&vec![200u8; (w * h * 3) as usize]).unwrap();
    }
    out
}

/// The message the page shows after a redirect.
fn result_after(s: &Server, r: &Reply) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    let to = r.header("location").unwrap().to_string();
    let page = s.get(to.split('#').next().unwrap()).text();
    between(&page, "id=\"resultat\"", "</div>").to_string()
}

#[test]
fn a_logo_is_taken_as_png_jpeg_or_svg_and_anything_else_is_refused() {
    let dir = project();
    let s = Server::start(dir.path());
    let csrf = s.csrf();
    let net = dir.path().join("data/stavanger");

    let picture = png(60, 20);
    let r = upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "logo.png", &picture);
    let said = result_after(&s, &r);
    assert!(said.contains("lagret som logo.png"), "{said}");
    assert_eq!(std::fs::read(net.join("logo.png")).unwrap(), picture);
    // It is shown on the page, as an image of its own kind.
    let shown = s.get("/nettverk/stavanger/logo");
    assert_eq!((shown.status, shown.header("content-type")), (200, Some("image/png")));
    assert!(s.get("/nettverk/stavanger").text().contains("src=\"/nettverk/stavanger/logo\""));

    // An SVG: stored as logo.svg, and the PNG (which it would hide) is removed.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"20\"><rect width=\"60\" height=\"20\"/></svg>";
    let said = result_after(&s, &upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "Logo.SVG", svg));
    assert!(said.contains("logo.svg") && said.contains("den gamle logo.png er fjernet"), "{said}");
    assert_eq!(std::fs::read(net.join("logo.svg")).unwrap(), svg);
    assert!(!net.join("logo.png").exists());

    // A JPEG: stored as the PNG the documents can show.
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 30, image::Rgb([10, 120, 200])))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let said = result_after(&s, &upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "logo.jpg", &jpeg));
    assert!(said.contains("lagret som logo.png"), "{said}");
    let stored = std::fs::read(net.join("logo.png")).unwrap();
    let decoded = image::load_from_memory_with_format(&stored, image::ImageFormat::Png).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (40, 30));
    assert!(!net.join("logo.svg").exists());

    // Not a picture, a broken PNG, too large, no token: refused, nothing changed.
    let said =
        result_after(&s, &upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "logo.gif", b"GIF89a...."));
    assert!(said.contains("ikke et bilde arsplan kan bruke"), "{said}");
    let said =
        result_after(&s, &upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "logo.png", &picture[..40]));
    assert!(said.contains("avkortet eller skadet") || said.contains("ikke et PNG-bilde"), "{said}");
    let big = [&picture[..], &vec![0u8; 3 * 1024 * 1024]].concat();
    let r = upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "stor.png", &big);
    assert!(r.status == 303 || r.status == 413, "{}", r.status);
    let r = upload(&s, "/nettverk/stavanger/logo", None, "logo.png", &png(5, 5));
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(std::fs::read(net.join("logo.png")).unwrap(), stored);
}

#[test]
fn a_word_template_uploaded_is_taken_into_use_as_wordmal_bruk_does() {
    let dir = project();
    let s = Server::start(dir.path());
    let csrf = s.csrf();
    let dotx = crate::wordmal::exported("felles");
    let r = upload(&s, "/nettverk/stavanger/wordmal", Some(&csrf), "Helse Stavanger mal.dotx", &dotx);
    let said = result_after(&s, &r);
    assert!(said.contains("bruker nå husstilen «stavanger»"), "{said}");
    let style = dir.path().join("data/stavanger/maler/stavanger");
    assert_eq!(std::fs::read(style.join("Helse-Stavanger-mal.dotx")).unwrap(), dotx);
    let stil = std::fs::read_to_string(style.join("stil.toml")).unwrap();
    assert!(stil.contains("word_mal = \"Helse-Stavanger-mal.dotx\""), "{stil}");
    let profile = std::fs::read_to_string(dir.path().join("data/stavanger/nettverk.toml")).unwrap();
    assert!(profile.contains("stil = \"stavanger\""), "{profile}");
    // The year builds with it.
    let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
    assert!(project.prepare("stavanger", 2026).is_ok());

    // Not a Word file: refused before anything is written.
    let said =
        result_after(&s, &upload(&s, "/nettverk/stavanger/wordmal", Some(&csrf), "mal.pdf", b"%PDF-1.7"));
    assert!(said.contains("ikke en Word-mal"), "{said}");
    let said =
        result_after(&s, &upload(&s, "/nettverk/stavanger/wordmal", Some(&csrf), "mal.dotx", b"not a zip"));
    assert!(said.contains("ikke en Word-fil"), "{said}");
}

#[test]
#[ignore = "needs chromium, chromium-driver, python3 selenium and axe-core"]
fn in_a_real_browser_texts_recipients_and_the_logo_are_edited_by_keyboard_and_pass_axe() {
    let (_one, axe) = common::browser_test("selenium", true);
    let dir = project();
    let s = Server::start(dir.path());
    let shots = common::screenshots("arsplan-nettekst-");
    let logo = dir.path().join("logo-ny.png");
    std::fs::write(&logo, png(120, 40)).unwrap();
    let out = std::process::Command::new("python3")
        .arg(common::root().join("tests/fixtures/web/nettekst.py"))
        .arg(format!("http://{}/?token={}", s.host(), s.token))
        .arg(&shots)
        .arg(&axe)
        .arg(&logo)
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // axe-core: no WCAG 2.1 A/AA violation on any page looked at.
    let axe = r["axe"].as_object().unwrap();
    assert_eq!(axe.len(), 9, "{r}");
    for (page, violations) in axe {
        assert_eq!(violations.as_array().unwrap().len(), 0, "{page}: {violations}");
    }
    // The text: the name inserted at the cursor, the preview following, an unknown name marked.
    assert_eq!(r["inserted"], "Årets fagdag er {{ fagdag }}.", "{r}");
    assert!(r["preview_follows"].as_str().unwrap().contains("12. november"), "{r}");
    assert!(r["unknown_marked"].as_str().unwrap().contains("Teksten «Innledning», linje 3"), "{r}");
    assert_eq!(r["unknown_invalid"], "true", "{r}");
    assert_eq!(r["focus_visible"], true, "{r}");
    assert!(r["text_saved"].as_str().unwrap().starts_with("Lagret. Teksten vises i"), "{r}");
    // A text written elsewhere appears in the list without a reload.
    assert_eq!(r["text_listed"], true, "{r}");
    // Changed in another tab: taken in when nothing was typed, and said.
    assert_eq!(r["text_taken_in"], "Skrevet i en annen fane.\n", "{r}");
    assert!(r["text_taken_in_said"].as_str().unwrap().contains("endret et annet sted"), "{r}");
    // Changed while she typed: her text untouched, the other version beside it, on the same page.
    assert_eq!(r["text_kept"], true, "{r}");
    assert_eq!(r["text_same_page"], true, "{r}");
    assert_eq!(r["other_shown"], "Den tredje utgaven, fra Excel-kollegaen.", "{r}");
    assert!(r["kept_saved"].as_str().unwrap().contains("i stedet for den andre versjonen"), "{r}");
    // «Keep mine»: the file holds exactly her text.
    assert_eq!(r["kept_text"], "Skrevet i en annen fane.\nMitt tillegg.", "{r}");
    assert_eq!(
        std::fs::read_to_string(text_path(dir.path(), "innledning")).unwrap(),
        "Skrevet i en annen fane.\nMitt tillegg."
    );
    // The recipient: a mistyped address marked as typed and not sent; then saved and verified.
    assert!(r["email_marked"].as_str().unwrap().contains("ikke en gyldig e-postadresse"), "{r}");
    assert_eq!(r["email_invalid"], "true", "{r}");
    assert_eq!(r["bad_email_not_sent"], true, "{r}");
    assert!(r["verified_saved"].as_str().unwrap().contains("Merket Sauda"), "{r}");
    assert_eq!(r["old_banner_gone"], true, "one banner at a time: {r}");
    // Read back with Python's csv module, not ours.
    let rows = python_csv(&dir.path().join("data/stavanger/mottakere.csv"));
    assert_eq!(
        rows[rows.len() - 3],
        ["1135", "Sauda", "postmottak@sauda.kommune.no", "ja", ""].map(String::from).to_vec()
    );
    // Rows added in the file elsewhere appear by themselves; typing in a form waits for her.
    assert_eq!(r["recipient_appeared"], true, "without a reload: {r}");
    assert!(r["recipient_appeared_said"].as_str().unwrap().contains("endret et annet sted"), "{r}");
    assert!(r["recipients_note"].as_str().unwrap().contains("mens du skrev"), "{r}");
    assert_eq!(r["recipients_waited"], true, "{r}");
    assert_eq!(r["recipients_typing_kept"], "Utsira", "{r}");
    assert_eq!(r["recipients_same_page"], true, "{r}");
    // The logo, and every result where the eye is.
    assert!(r["logo_saved"].as_str().unwrap().contains("logo.png"), "{r}");
    assert_eq!(r["logo_shown"], true, "{r}");
    for k in [
        "text_banner_in_view",
        "recipient_banner_in_view",
        "verified_banner_in_view",
        "logo_banner_in_view",
        "other_in_view",
        "recipients_note_in_view",
    ] {
        assert_eq!(r[k], true, "{k}: {r}");
    }
    for k in ["zoom_text_overflows", "zoom_recipients_overflows", "zoom_network_overflows"] {
        assert_eq!(r[k], false, "{k} at 200 %: {r}");
    }
}

/// A CSV file's rows as Python's csv module reads it (semicolons, its encoding).
pub(crate) fn python_csv(path: &Path) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\nraw = open(sys.argv[1], 'rb').read()\ntry:\n    text = raw.decode('utf-8-sig')\nexcept UnicodeDecodeError:\n    text = raw.decode('cp1252')\nprint(json.dumps(list(csv.reader(text.splitlines(), delimiter=';'))))";
    let out = std::process::Command::new("python3").args(["-c", script]).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs chromium, chromium-driver, python3 selenium and openpyxl"]
fn a_whole_year_from_the_page_alone() {
    let (_one, _) = common::browser_test("selenium, openpyxl", false);
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let shots = common::screenshots("arsplan-helt-aar-");
    let downloads = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("python3")
        .arg(common::root().join("tests/fixtures/web/helt_aar.py"))
        .arg(format!("http://{}/?token={}", s.host(), s.token))
        .arg(&shots)
        .arg(downloads.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        r["steps"],
        serde_json::json!([
            "nytt nettverk",
            "disposisjon",
            "møter",
            "tekster",
            "mottakere",
            "bygg",
            "utkast"
        ]),
        "{r}"
    );
    assert!(r["network_made"].as_str().unwrap().contains("Nettverket «fonna» er laget for 2027"), "{r}");
    assert!(r["built"].as_str().unwrap().contains("dokumentene er bygget"), "{r}");
    let data = dir.path().join("data/fonna");

    // The files on disk, read by other programs than arsplan.
    // The plan workbook: the first item's new text, and the area added at the end (openpyxl).
    let plan = openpyxl(&data.join("2027/plan.xlsx"), "Plan");
    let tekst = plan[0].iter().position(|h| h == "Tekst").unwrap();
    let texts: Vec<&str> = plan.iter().skip(1).map(|r| r[tekst].as_str()).filter(|t| !t.is_empty()).collect();
    assert_eq!(texts.first(), Some(&"Kompetanse i kommunene"), "{plan:?}");
    assert_eq!(texts.last(), Some(&"Samarbeid med fastlegene"), "{plan:?}");
    // The meetings: the example deleted, the new one there with an id made from its title.
    let moter = openpyxl(&data.join("2027/moter.xlsx"), "Møter");
    let flat = format!("{moter:?}");
    assert!(!flat.contains("nettverksmote_var\""), "{flat}");
    assert!(flat.contains("Nettverksmøte våren") && flat.contains("2027-04-14 00:00:00"), "{flat}");
    // The meetings workbook: the date typed on the page is a date cell (openpyxl).
    let cell = r["meeting_cell"].as_str().unwrap(); // c-<row>-Dato
    let row: usize = cell.split('-').nth(1).unwrap().parse().unwrap();
    let got = openpyxl(&data.join("2027/moter.xlsx"), "Møter");
    let header = &got[0];
    let dato = header.iter().position(|h| h == "Dato").unwrap();
    assert_eq!(got[row - 1][dato], "2027-03-10 00:00:00", "{got:?}");
    // The recipients workbook: the two municipalities, Etne verified.
    let got = openpyxl(&data.join("mottakere.xlsx"), "Mottakere");
    let rows: Vec<&Vec<String>> = got.iter().skip(1).filter(|r| r.iter().any(|c| !c.is_empty())).collect();
    assert_eq!(rows.len(), 2, "{got:?}");
    assert_eq!(
        rows[0][..4],
        ["4611", "Etne", "postmottak@etne.kommune.example", "ja"].map(String::from),
        "{got:?}"
    );
    assert_eq!(
        rows[1][..4],
        ["4612", "Sveio", "postmottak@sveio.kommune.example", "nei"].map(String::from),
        "{got:?}"
    );
    // The text as written, and in the plan's PDF.
    let text = std::fs::read_to_string(data.join("2027/tekster/innledning.md")).unwrap();
    assert!(text.starts_with("Nettverket i Helse Fonna planlegger {{ år }} sammen med kommunene."), "{text}");
    let docs: Vec<String> =
        r["documents"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
    assert!(
        docs.iter().any(|d| d.ends_with(".pdf")) && docs.iter().any(|d| d.ends_with(".docx")),
        "{docs:?}"
    );
    // The plan's PDF has the outline and the introduction written on the page (pdftotext).
    let pdf = dir.path().join("output/fonna/2027/arsplan-2027.pdf");
    let out = std::process::Command::new("pdftotext").args(["-raw"]).arg(&pdf).arg("-").output().unwrap();
    let pdf_text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    for want in [
        "Kompetanse i kommunene",
        "Samarbeid med fastlegene",
        "Planen beskriver arbeidet i nettverket i 2027.",
    ] {
        assert!(pdf_text.contains(want), "{want} in the PDF: {pdf_text}");
    }
    // The drafts: one for the verified municipality only.
    let drafts: Vec<String> =
        r["drafts"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
    assert!(drafts.iter().any(|d| d.contains("4611") && d.ends_with(".eml")), "{drafts:?}");
    assert!(!drafts.iter().any(|d| d.contains("4612")), "{drafts:?}");
}

/// A sheet's values as openpyxl reads them, as text (dates as Python prints them).
fn openpyxl(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let script = "import json, sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]\nprint(json.dumps([['' if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]))";
    let out =
        std::process::Command::new("python3").args(["-c", script]).arg(path).arg(sheet).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Undoes the newest entry of a scope through the year page's «Angre».
fn undo_newest(s: &Server, dir: &Path, scope: arsplan::history::Scope) -> String {
    let project = common::with_data(dir.join("data"), dir.join("output"));
    let newest = arsplan::history::list(&project, "stavanger", scope).first().unwrap().nr.to_string();
    let r = s.post(&format!("{YEAR}/angre"), &[("nr", &newest), ("omfang", scope.word())]);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = s.get(r.header("location").unwrap().split('#').next().unwrap()).text();
    between(&page, "id=\"resultat\"", "</div>").to_string()
}

#[test]
fn texts_recipients_and_logos_saved_on_the_page_can_be_undone() {
    use arsplan::history::Scope;
    let dir = project();
    let text = text_path(dir.path(), "innledning");
    write_text(&text, "En\r\nTo\r\n");
    let s = Server::start(dir.path());

    // A text: saved, then undone to its old bytes; the undo undone again.
    let sha = sha_of(&s.get(&format!("{YEAR}/tekster/innledning")).text());
    assert_eq!(post_text(&s, "innledning", "En\nTo og tre\n", &sha, "lagre", false).status, 303);
    let year_page = s.get(YEAR).text();
    assert!(year_page.contains("Teksten innledning.md"), "the history lists it: {year_page}");
    let said = undo_newest(&s, dir.path(), Scope::Year(2026));
    assert!(!said.contains("ikke angret"), "{said}");
    assert_eq!(std::fs::read(&text).unwrap(), b"En\r\nTo\r\n");
    undo_newest(&s, dir.path(), Scope::Year(2026));
    assert_eq!(std::fs::read(&text).unwrap(), b"En\r\nTo og tre\r\n");

    // A recipient added and one edited: the older edit undone although the later one is there.
    let path = recipients(dir.path());
    let old = std::fs::read(&path).unwrap();
    let r = post_recipient(
        &s,
        &[
            ("handling", "lagre"),
            ("rad", "2"),
            ("kommunenummer", "1101"),
            ("kommune", "Eigersund"),
            ("postmottak", "post@eigersund.kommune.no"),
            ("kontakt", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = post_recipient(
        &s,
        &[
            ("handling", "ny"),
            ("kommunenummer", "1135"),
            ("kommune", "Sauda"),
            ("postmottak", "post@sauda.no"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
    let entries = arsplan::history::list(&project, "stavanger", Scope::Network);
    let edit = entries.iter().find(|e| e.what.contains("Eigersund")).unwrap().nr.to_string();
    let r = s.post(&format!("{YEAR}/angre"), &[("nr", &edit), ("omfang", "nettverk")]);
    assert_eq!(r.status, 303);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [&old[..], b"1135;Sauda;post@sauda.no;nei;\n"].concat(),
        "Eigersund's address is back, Sauda stays"
    );
    // Sauda's row, added after the edit that is now undone: undone too.
    let entries = arsplan::history::list(&project, "stavanger", Scope::Network);
    let added = entries.iter().find(|e| e.what.contains("Ny mottaker Sauda")).unwrap().nr.to_string();
    let r = s.post(&format!("{YEAR}/angre"), &[("nr", &added), ("omfang", "nettverk")]);
    assert_eq!(r.status, 303);
    assert_eq!(std::fs::read(&path).unwrap(), old);
    assert!(!String::from_utf8_lossy(&std::fs::read(&path).unwrap()).contains("Sauda"));

    // A logo uploaded over none: undoing it removes it again.
    let csrf = s.csrf();
    let r = upload(&s, "/nettverk/stavanger/logo", Some(&csrf), "logo.png", &png(10, 10));
    assert_eq!(r.status, 303);
    assert!(dir.path().join("data/stavanger/logo.png").is_file());
    undo_newest(&s, dir.path(), Scope::Network);
    assert!(!dir.path().join("data/stavanger/logo.png").exists());
}

/// Every text the Tekstene page offers appears where the page says it does:
/// for each shipped house style, a marker written into each listed text
/// through the page is in the PDF of the document the page names (the plan
/// or the årsrapport), and a text the year's documents do not show is not
/// offered as one to write.
#[test]
#[ignore = "needs pdftotext (poppler-utils)"]
fn each_text_the_page_offers_is_in_the_document_it_names() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["ahus", "bergen", "stavanger"]);
    let s = Server::start(dir.path());

    // An årsplan year: the strategy's texts are not offered, and the
    // introduction says it is the report's, the plan's being in the settings.
    let list = s.get("/aar/stavanger/2026/tekster").text();
    assert!(!list.contains("tekster/fokusomrader") && !list.contains("tekster/formal"), "{list}");
    assert!(list.contains("Veien videre") && list.contains("Vises i årsrapporten for 2026"), "{list}");
    assert!(list.contains("Årsplanens innledning skrives under «Innstillinger for 2026»"), "{list}");
    let settings = s.get("/aar/stavanger/2026/innstillinger").text();
    assert!(settings.contains("(Teksten «Innledning» under «Tekstene» er årsrapportens.)"), "{settings}");

    // helse-vest (strategi), ahus (handlingsplan), helse-bergen and helse-stavanger (årsplan + rapport).
    for (network, year) in [("helse-vest", 2025), ("ahus", 2023), ("bergen", 2024), ("stavanger", 2025)] {
        let base = format!("/aar/{network}/{year}");
        let list = s.get(&format!("{base}/tekster")).text();
        let mut checked = Vec::new();
        for item in list.split("<li>").skip(1) {
            let Some(name) = item.split(&format!("{base}/tekster/")).nth(1).map(|r| between(r, "", "\""))
            else {
                continue;
            };
            let shown = item.split("<br>").find(|l| l.contains("Vises i")).unwrap_or("").to_string();
            let page = s.get(&format!("{base}/tekster/{name}")).text();
            let old =
                std::fs::read_to_string(dir.path().join(format!("data/{network}/{year}/tekster/{name}.md")))
                    .unwrap_or_default();
            let marker = format!("Merketekst{}", name.replace('-', ""));
            let body = crate::web::form(&[
                ("csrf", s.csrf()),
                ("tekst", format!("{marker}.\n\n{old}")),
                ("sha", sha_of(&page)),
                ("handling", "lagre".to_string()),
            ]);
            let r = s.request(
                "POST",
                &format!("{base}/tekster/{name}"),
                &[("Content-Type", "application/x-www-form-urlencoded")],
                Some(&body),
            );
            assert_eq!(r.status, 303, "{network} {name}: {}", r.text());
            checked.push((name.to_string(), marker, shown));
        }
        assert!(!checked.is_empty(), "{network}: {list}");
        let project = common::with_data(dir.path().join("data"), dir.path().join("output"));
        let p = project.prepare(network, year).unwrap();
        let made = project.render(&p, &[arsplan::Format::Pdf]).unwrap();
        let text_of = |report: bool| {
            made.iter()
                .find(|a| a.path.to_string_lossy().contains("rapport") == report)
                .map(|a| common::pdf_text(&a.bytes).split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        };
        let (plan, report) = (text_of(false), text_of(true));
        for (name, marker, shown) in checked {
            assert!(shown.contains("Vises i"), "{network} {name}: every offered text says where: {shown}");
            // A year without rapport.toml has no report yet («lages når året er over»).
            let in_report = shown.contains("årsrapporten") && !report.is_empty();
            let in_plan = !shown.contains("Vises i årsrapporten");
            if in_report {
                assert!(
                    report.contains(&marker),
                    "{network} {name} is said to be in the report: {shown}\n{report}"
                );
            }
            if in_plan {
                assert!(
                    plan.contains(&marker),
                    "{network} {name} is said to be in the plan: {shown}\n{plan}"
                );
            }
        }
    }
}

/// A municipality added without its number gets it from the shipped
/// kommuner.csv by its name; one the list does not know is refused with a
/// hint where the number is found; the form marks what must be filled in.
#[test]
fn a_recipient_without_a_number_gets_it_from_the_municipality_list() {
    let dir = project();
    let path = recipients(dir.path());
    let s = Server::start(dir.path());
    let page = s.get("/nettverk/stavanger/mottakere").text();
    assert!(page.contains("Kommune <span class=\"stille\">(må fylles ut)</span>"), "{page}");
    assert!(
        page.contains("1106 for Haugesund") && page.contains("aria-describedby=\"ny-knr-hjelp\""),
        "{page}"
    );

    let r = post_recipient(
        &s,
        &[
            ("handling", "ny"),
            ("kommunenummer", ""),
            ("kommune", "Bergen"),
            ("postmottak", "post@bergen.kommune.no"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_string();
    assert!(
        text.ends_with("4601;Bergen;post@bergen.kommune.no;nei;\r\n")
            || text.ends_with("4601;Bergen;post@bergen.kommune.no;nei;\n"),
        "{text}"
    );

    let before = std::fs::read(&path).unwrap();
    let r = post_recipient(
        &s,
        &[
            ("handling", "ny"),
            ("kommunenummer", ""),
            ("kommune", "Haugesund"),
            ("postmottak", "post@haugesund.kommune.no"),
        ],
    );
    let shown = if r.status == 303 {
        s.get(r.header("location").unwrap().split('#').next().unwrap()).text()
    } else {
        r.text()
    };
    assert!(shown.contains("skriv kommunenummeret (fire sifre"), "{shown}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing is written");
}

/// The data-sha a page's watched part carries.
fn watched_sha(page: &str, id: &str) -> String {
    between(page, &format!("id=\"{id}\" data-sha=\""), "\"").to_string()
}

#[test]
fn the_texts_and_recipients_fingerprints_follow_their_files() {
    use arsplan::manifest::sha256;
    let dir = project();
    let s = Server::start(dir.path());
    let fp = |path: &str| s.get(path).json();
    let texts = format!("{YEAR}/tekster/filer.json");

    // No texts yet: the list and its poll agree on an empty fingerprint.
    let none = fp(&texts);
    assert_eq!(none["tekster"], "", "{none}");
    assert_eq!(watched_sha(&s.get(&format!("{YEAR}/tekster")).text(), "tekstliste"), "");

    // A text added elsewhere: the folder's fingerprint changes, the text's sha is its bytes'.
    let path = text_path(dir.path(), "innledning");
    write_text(&path, "Første utgave.\n");
    let one = fp(&texts);
    assert_ne!(one["tekster"], "", "{one}");
    assert_eq!(one["filer"]["innledning"], sha256("Første utgave.\n".as_bytes()), "{one}");
    assert_eq!(watched_sha(&s.get(&format!("{YEAR}/tekster")).text(), "tekstliste"), one["tekster"]);
    // The editor carries the same sha as the poll gives for its text.
    assert_eq!(sha_of(&s.get(&format!("{YEAR}/tekster/innledning")).text()), one["filer"]["innledning"]);

    // Changed elsewhere: both change. Removed: gone from the list.
    std::fs::write(&path, "Andre utgave.\n").unwrap();
    let two = fp(&texts);
    assert_ne!(two["tekster"], one["tekster"], "{two}");
    assert_eq!(two["filer"]["innledning"], sha256(b"Andre utgave.\n"), "{two}");
    std::fs::write(text_path(dir.path(), "veien-videre"), "Videre.\n").unwrap();
    std::fs::remove_file(&path).unwrap();
    let three = fp(&texts);
    assert!(three["filer"].get("innledning").is_none(), "{three}");
    assert!(three["filer"].get("veien-videre").is_some(), "{three}");
    assert_ne!(three["tekster"], two["tekster"], "{three}");

    // The recipients: the page and the poll give the file's sha; a row added in Excel changes it.
    let file = recipients(dir.path());
    let page = s.get("/nettverk/stavanger/mottakere").text();
    let before = fp("/nettverk/stavanger/mottakere/filer.json");
    assert_eq!(before["mottakere"], sha256(&std::fs::read(&file).unwrap()), "{before}");
    assert_eq!(watched_sha(&page, "mottakerliste"), before["mottakere"]);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"1135;Sauda;postmottak@sauda.kommune.no;nei;\n");
    std::fs::write(&file, &bytes).unwrap();
    let after = fp("/nettverk/stavanger/mottakere/filer.json");
    assert_eq!(after["mottakere"], sha256(&bytes), "{after}");
    assert_ne!(after["mottakere"], before["mottakere"]);

    // Unknown places are not looked at.
    assert_eq!(s.get("/nettverk/fremmed/mottakere/filer.json").status, 404);
    assert_eq!(s.get("/aar/stavanger/1999/tekster/filer.json").status, 404);
}

#[test]
fn a_text_changed_elsewhere_while_she_wrote_is_hers_or_the_other_by_her_choice() {
    use arsplan::manifest::sha256;
    let dir = project();
    let path = text_path(dir.path(), "innledning");
    write_text(&path, "Første utgave.\n");
    let s = Server::start(dir.path());
    let mine = sha_of(&s.get(&format!("{YEAR}/tekster/innledning")).text());
    // Another tab saves meanwhile.
    std::fs::write(&path, "Den andre <utgaven>.\n").unwrap();

    // Her save is refused; the page keeps her text and shows the other version beside it.
    let r = post_text(&s, "innledning", "Min tekst.\n", &mine, "lagre", false);
    assert_eq!(r.status, 409, "{}", r.text());
    let page = r.text();
    let editor = between(&page, "<textarea", "</textarea>");
    assert!(editor.contains("Min tekst.") && !editor.contains("andre"), "{editor}");
    let banner = between(&page, "id=\"annen-versjon\"", "</div>\n  <p class=\"knapper\">");
    assert!(!banner.contains(" hidden"), "{banner}");
    assert!(banner.contains("Den andre &lt;utgaven&gt;."), "escaped: {banner}");
    assert!(page.contains("data-egen=\"ja\""), "her text, not the file's: {page}");
    let other = between(banner, "name=\"annen\" value=\"", "\"").to_string();
    assert_eq!(other, sha256("Den andre <utgaven>.\n".as_bytes()));
    assert!(page.contains("velg ved teksten"), "{page}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "Den andre <utgaven>.\n");

    // A page read fresh shows no such note.
    let fresh = s.get(&format!("{YEAR}/tekster/innledning")).text();
    assert!(between(&fresh, "id=\"annen-versjon\"", ">").contains("hidden"), "{fresh}");

    // «Keep mine» over a third version she has not seen: refused too.
    let keep = |annen: &str| {
        let body = crate::web::form(&[
            ("csrf", s.csrf()),
            ("tekst", "Min tekst.\r\n".to_string()),
            ("sha", mine.clone()),
            ("annen", annen.to_string()),
            ("handling", "lagre-over".to_string()),
        ]);
        s.request(
            "POST",
            &format!("{YEAR}/tekster/innledning"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(&body),
        )
    };
    assert_eq!(keep(&mine).status, 409);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "Den andre <utgaven>.\n");
    // Over the version she was shown: saved, the file holds exactly her text.
    let r = keep(&other);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "Min tekst.\n");
    let shown = s.get(r.header("location").unwrap().split('#').next().unwrap()).text();
    assert!(shown.contains("i stedet for den andre versjonen"), "{shown}");
    // The other version is one «Angre» away.
    let said = undo_newest(&s, dir.path(), arsplan::history::Scope::Year(2026));
    assert!(!said.contains("feil"), "{said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "Den andre <utgaven>.\n");
}
