//! Word templates as the pages show them: a template's header and footer
//! (logos inside mc:AlternateContent, text at tab stops, pictures anchored to
//! the page or the margin, the header distance, a tall first-page logo), laid
//! out by the PDF as LibreOffice lays out the DOCX made with the same template
//! (read back with pdfplumber, positions within 1 pt); templates in Norwegian
//! Word's names, broken and odd templates, the logo of a house style, and
//! `arsplan wordmal bruk`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common;
use crate::wordmal::{assert_has, part, parts, python, Case};

const PT_PER_MM: f64 = 72.0 / 25.4;

fn need_tools() {
    common::need("soffice", &["--version"]);
    common::need("python3", &["-c", "import docx, pdfplumber"]);
}

/// Makes a template from a `.fodt` with LibreOffice (`dotx`), after filling in `fill`.
fn libreoffice_template(fodt: &str, fill: &[(&str, &str)], dir: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(common::root().join("tests/fixtures/wordmal").join(fodt)).unwrap();
    for (k, v) in fill {
        text = text.replace(k, v);
    }
    let src = dir.join("mal.fodt");
    std::fs::write(&src, text).unwrap();
    convert(&src, "dotx", dir);
    let made = dir.join("mal.dotx");
    assert!(made.is_file(), "LibreOffice made no template from {fodt}");
    made
}

/// Converts a file with LibreOffice (headless, a profile of its own) into `dir`.
fn convert(file: &Path, to: &str, dir: &Path) {
    let profile = format!("-env:UserInstallation=file://{}/lo-profil", dir.display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
}

/// The first pages of a PDF as pdfplumber reads them.
fn pages(pdf: &Path, n: usize) -> Vec<Value> {
    let v = python("les_sider.py", &[pdf, Path::new(&n.to_string())]);
    v["pages"].as_array().unwrap().clone()
}

/// The PDF arsplan made and the PDF LibreOffice makes of the DOCX arsplan made.
fn both_pdfs(case: &Case) -> (PathBuf, PathBuf) {
    let docx = case.path("output/stavanger/2026/arsplan-2026.docx");
    let lo = case.path("lo");
    std::fs::create_dir_all(&lo).unwrap();
    convert(&docx, "pdf", &lo);
    (case.path("output/stavanger/2026/arsplan-2026.pdf"), lo.join("arsplan-2026.pdf"))
}

/// The words of a page above `top` or below `bottom` (points from the page's
/// top): the header's and the footer's.
fn margin_words(page: &Value, top: f64, bottom: f64) -> Vec<(String, f64, f64)> {
    page["words"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            let b = w["baseline"].as_f64().unwrap();
            b < top || b > bottom
        })
        .map(|w| {
            (
                w["text"].as_str().unwrap().to_string(),
                w["x0"].as_f64().unwrap(),
                w["baseline"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn boxes(page: &Value) -> Vec<[f64; 4]> {
    let mut v: Vec<[f64; 4]> = page["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| ["x0", "top", "width", "height"].map(|k| i[k].as_f64().unwrap()))
        .collect();
    v.sort_by(|a, b| (a[1], a[0]).partial_cmp(&(b[1], b[0])).unwrap());
    v
}

/// The header and footer of page `i` stand alike in both PDFs: the same
/// words, each within 1 pt of the other's left edge and baseline, and the
/// same pictures, each box within 1 pt.
fn alike(ours: &[Value], lo: &[Value], i: usize, top: f64, bottom: f64, what: &str) {
    let (a, b) = (margin_words(&ours[i], top, bottom), margin_words(&lo[i], top, bottom));
    let text = |v: &[(String, f64, f64)]| v.iter().map(|w| w.0.clone()).collect::<Vec<_>>().join(" ");
    assert_eq!(text(&a), text(&b), "{what}, page {}: the header's and footer's words", i + 1);
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x.1 - y.1).abs() <= 1.0 && (x.2 - y.2).abs() <= 1.0,
            "{what}, page {}: «{}» at x {:.1}, baseline {:.1} in the PDF, at {:.1}, {:.1} as LibreOffice lays out the DOCX",
            i + 1,
            x.0,
            x.1,
            x.2,
            y.1,
            y.2
        );
    }
    let (pa, pb) = (boxes(&ours[i]), boxes(&lo[i]));
    assert_eq!(
        pa.len(),
        pb.len(),
        "{what}, page {}: pictures {pa:?} in the PDF, {pb:?} by LibreOffice",
        i + 1
    );
    for (x, y) in pa.iter().zip(&pb) {
        assert!(
            x.iter().zip(y).all(|(p, q)| (p - q).abs() <= 1.0),
            "{what}, page {}: picture at {x:?} (x, top, width, height) in the PDF, {y:?} by LibreOffice",
            i + 1
        );
    }
}

#[test]
#[ignore = "needs soffice (LibreOffice) and python3 with pdfplumber"]
fn a_libreoffice_logo_and_tab_stops_stand_where_libreoffice_puts_them() {
    need_tools();
    // The logo is a shape filled with the picture, anchored to the page:
    // LibreOffice writes it inside mc:AlternateContent. The header's text
    // stands at the left, a centre tab stop and a right tab stop.
    for (distance, logo_y) in [("1.25cm", "1.25cm"), ("3cm", "2.2cm")] {
        let dir = tempfile::tempdir().unwrap();
        let made = libreoffice_template(
            "lo-topptekst.fodt",
            &[("@TOPP@", distance), ("@LOGOX@", "11cm"), ("@LOGOY@", logo_y)],
            dir.path(),
        );
        let bytes = std::fs::read(&made).unwrap();
        assert!(
            part(&bytes, "word/header1.xml").contains("mc:AlternateContent"),
            "the logo as LibreOffice writes it"
        );
        let case = Case::new("mal.dotx", &bytes, "");
        case.build();
        let (ours, lo) = both_pdfs(&case);
        let (a, b) = (pages(&ours, 2), pages(&lo, 2));
        let h = a[0]["height"].as_f64().unwrap();
        // The body starts below the header; the footer is in the bottom 2 cm.
        let top = a[0]["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["baseline"].as_f64().unwrap())
            .fold(h, f64::min)
            + 5.0;
        for i in 0..2 {
            alike(&a, &b, i, top, h - 20.0 * PT_PER_MM, &format!("header {distance} from the top"));
        }
        // The logo is where its anchor says: 11 cm from the page's left edge.
        let logo = boxes(&a[0]);
        assert_eq!(logo.len(), 1, "{logo:?}");
        assert!((logo[0][0] - 110.0 * PT_PER_MM).abs() < 0.5, "{logo:?}");
    }
}

#[test]
#[ignore = "needs python-docx, pdfplumber and soffice (LibreOffice)"]
fn a_word_header_with_tabs_a_shape_logo_and_a_tall_first_page_logo_stands_where_libreoffice_puts_it() {
    need_tools();
    let logo = common::root().join("tests/fixtures/logo-eksempel.png");
    for distance in [12.5, 30.0] {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("mal.docx");
        python("lag_topptekst.py", &[&made, &logo, Path::new(&distance.to_string())]);
        let case = Case::new("mal.docx", &std::fs::read(&made).unwrap(), "");
        case.build();
        let docx = case.output("docx");
        let doc = part(&docx, "word/document.xml");
        let twips = (distance * 56.692_913f64).round() as i64;
        assert_has(&doc, &[&format!("w:header=\"{twips}\"")]);
        let (ours, lo) = both_pdfs(&case);
        let (a, b) = (pages(&ours, 2), pages(&lo, 2));
        let h = a[0]["height"].as_f64().unwrap();
        // Page 1: the tall logo reaches below the top margin; its header
        // ends where the logo's line does. Page 2: the 25 mm margin.
        let logo_bottom = boxes(&a[0]).iter().map(|b| b[1] + b[3]).fold(0.0, f64::max);
        alike(
            &a,
            &b,
            0,
            logo_bottom + 3.0,
            h - 20.0 * PT_PER_MM,
            &format!("first page, header at {distance} mm"),
        );
        let line_bottom = boxes(&a[1]).iter().map(|b| b[1] + b[3]).fold(25.0 * PT_PER_MM, f64::max);
        alike(&a, &b, 1, line_bottom + 3.0, h - 20.0 * PT_PER_MM, &format!("header at {distance} mm"));
        // The logo in the line starts at the header distance; the shape's at
        // 5 mm from the top, at the right margin.
        let first = boxes(&a[0]);
        assert!((first[0][1] - distance * PT_PER_MM).abs() < 0.5, "{first:?}");
        let second = boxes(&a[1]);
        let shape = second.iter().find(|b| (b[1] - 5.0 * PT_PER_MM).abs() < 0.5).expect("the shape's logo");
        assert!((shape[0] + shape[2] - (210.0 - 20.0) * PT_PER_MM).abs() < 0.5, "{second:?}");
        // The body of page 1 starts below the tall logo, not under it (a
        // letter reaches some 0.8 of its size above its baseline).
        let body_top = a[0]["words"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["baseline"].as_f64().unwrap() > logo_bottom + 3.0)
            .map(|w| w["baseline"].as_f64().unwrap() - 0.8 * w["size"].as_f64().unwrap())
            .fold(h, f64::min);
        assert!(body_top >= logo_bottom, "the body ({body_top:.1}) under the logo ({logo_bottom:.1})");
    }
}

/// The names Word shows for the styles of a styles part: no two alike (in
/// any of the languages Word shows built-in styles in).
fn shown_names_unique(styles: &str) {
    use arsplan::wordmal::names;
    let mut seen: Vec<(String, String)> = Vec::new();
    for piece in styles.split("<w:name w:val=\"").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        let mut keys: Vec<String> = names::all_shown(name).iter().map(|n| names::key(n)).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            if let Some((other, _)) = seen.iter().find(|(_, k)| *k == key) {
                panic!("Word shows «{name}» and «{other}» under one name («{key}»)");
            }
            seen.push((name.to_string(), key));
        }
    }
}

#[test]
#[ignore = "needs python-docx and pdfplumber"]
fn styles_named_in_norwegian_are_the_documents_styles_in_both_formats() {
    common::need("python3", &["-c", "import docx, pdfplumber"]);
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("norsk.dotx");
    python("lag_norsk_mal.py", &[&made]);
    let case = Case::new("mal.dotx", &std::fs::read(&made).unwrap(), "");
    let stderr = case.build();
    // Overskrift 1-3, Tittel and the lists (Listeavsnitt) are the template's own.
    for name in ["Overskrift", "Tittel", "Punktliste", "Nummerert liste", "heading", "Title", "List"] {
        assert!(!stderr.contains(&format!("mangler stilene «{name}")), "{stderr}");
        assert!(!stderr.contains(&format!(", «{name}")), "{stderr}");
    }
    let docx = case.output("docx");
    let doc = part(&docx, "word/document.xml");
    assert_has(&doc, &["<w:pStyle w:val=\"Overskrift1\"/>", "<w:pStyle w:val=\"Tittel\"/>"]);
    let styles = part(&docx, "word/styles.xml");
    shown_names_unique(&styles);
    // The lists' styles are added, based on the template's Listeavsnitt.
    let bullet = &styles[styles.find("<w:name w:val=\"List Bullet\"/>").expect("List Bullet added")..];
    assert_has(&bullet[..bullet.find("</w:style>").unwrap()], &["<w:basedOn w:val=\"Listeavsnitt\"/>"]);
    // The PDF has the template's look: Overskrift 1 in 17 pt #8B1A4A, the title in 20 pt #0B5D3B.
    let pdf = case.path("output/stavanger/2026/arsplan-2026.pdf");
    let p = python("les_pdf.py", &[&pdf, Path::new("pårørendearbeid"), Path::new("ÅRSPLAN")]);
    let color = |v: &Value| -> Vec<i64> {
        v["color"].as_array().unwrap().iter().map(|c| (c.as_f64().unwrap() * 255.0).round() as i64).collect()
    };
    assert_eq!(p["heading"]["size"].as_f64().map(|s| s.round()), Some(17.0), "{p}");
    assert_eq!(color(&p["heading"]), [0x8B, 0x1A, 0x4A], "{p}");
    assert_eq!(p["body"]["size"].as_f64().map(|s| s.round()), Some(20.0), "the title: {p}");
    assert_eq!(color(&p["body"]), [0x0B, 0x5D, 0x3B], "the title: {p}");
}

#[test]
#[ignore = "needs python-docx"]
fn a_style_based_on_a_missing_style_is_warned_about_and_mended() {
    common::need("python3", &["-c", "import docx"]);
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("brutt.dotx");
    python("lag_norsk_mal.py", &[&made, Path::new("brutt")]);
    let case = Case::new("mal.dotx", &std::fs::read(&made).unwrap(), "");
    let stderr = case.build();
    assert_has(
        &stderr,
        &[
            "advarsel: ",
            "mal.dotx",
            "stilen «Overskrift 2» i Word-malen bygger på «Finnesikke», som ikke finnes i malen",
            "arsplan lar den bygge på «Normal»",
        ],
    );
    // Every style the DOCX bases a style on is in it.
    let styles = part(&case.output("docx"), "word/styles.xml");
    assert!(!styles.contains("Finnesikke"), "the broken reference is gone");
    for piece in styles.split("<w:basedOn w:val=\"").skip(1) {
        let id = &piece[..piece.find('"').unwrap()];
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "based on «{id}», which is missing");
    }
}

/// A copy of the Stavanger example whose network uses a house style of its
/// own, `husstil` (`arv = "helse-stavanger"` and `own`), with `files` in its
/// folder (and, for `data/…` names, in the data).
fn own_style(own: &str, files: &[(&str, &Path)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    let style = dir.path().join("data/stavanger/maler/husstil");
    std::fs::create_dir_all(&style).unwrap();
    std::fs::write(style.join("stil.toml"), format!("arv = \"helse-stavanger\"\nnavn = \"Husstil\"\n{own}"))
        .unwrap();
    for (name, from) in files {
        let to = match name.strip_prefix("data/") {
            Some(rest) => dir.path().join("data").join(rest),
            None => style.join(name),
        };
        std::fs::copy(from, to).unwrap();
    }
    let profile = dir.path().join("data/stavanger/nettverk.toml");
    let text = std::fs::read_to_string(&profile)
        .unwrap()
        .replace("stil = \"helse-stavanger\"", "stil = \"husstil\"");
    std::fs::write(&profile, text).unwrap();
    dir
}

fn arsplan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir)
        .arg("--maler")
        .arg(common::root().join("templates"))
        .args(args)
        .output()
        .unwrap()
}

fn built(dir: &Path) {
    let out = arsplan(dir, &["build", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
#[ignore = "needs python3 with pdfplumber"]
fn an_svg_logo_is_vector_in_the_pdf_and_a_picture_in_the_docx() {
    common::need("python3", &["-c", "import pdfplumber"]);
    let svg_file = common::root().join("tests/fixtures/logo-eksempel.svg");
    let dir = own_style("logo = \"logo.svg\"\nlogo_bredde_mm = 60\n", &[("logo.svg", &svg_file)]);
    built(dir.path());
    let out = dir.path().join("output/stavanger/2026");
    let page = &pages(&out.join("arsplan-2026.pdf"), 1)[0];
    // No picture: the logo's shapes are drawn in the header (above the 25 mm margin).
    assert!(page["images"].as_array().unwrap().is_empty(), "{}", page["images"]);
    let header_paths = page["path_tops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t.as_f64().unwrap() < 25.0 * PT_PER_MM)
        .count();
    assert!(header_paths >= 3, "the logo's rectangles and cross in the header: {header_paths}");
    // The mark gives way to the logo.
    let words: Vec<&str> =
        page["words"].as_array().unwrap().iter().map(|w| w["text"].as_str().unwrap()).collect();
    assert!(!words.starts_with(&["Helse", "Stavanger"]), "{words:?}");
    // The DOCX shows it as Word keeps an SVG picture, 60 mm wide: the drawing
    // (asvg:svgBlip) beside a PNG for older readers.
    let docx = std::fs::read(out.join("arsplan-2026.docx")).unwrap();
    let header = part(&docx, "word/header1.xml");
    assert_has(&header, &["<a:blip r:embed=", "<asvg:svgBlip", &format!("cx=\"{}\"", 60 * 36_000)]);
    let rels = part(&docx, "word/_rels/header1.xml.rels");
    let after =
        |text: &str, from: &str| text.split(from).nth(1).unwrap().split('"').next().unwrap().to_string();
    let svg_id = after(header.split("<asvg:svgBlip").nth(1).unwrap(), "r:embed=\"");
    let target = after(rels.split(&format!("Id=\"{svg_id}\"")).nth(1).unwrap(), "Target=\"");
    let all = parts(&docx);
    let svg = all.iter().find(|(n, _)| *n == format!("word/{target}")).expect("the SVG part");
    assert_eq!(svg.1, std::fs::read(&svg_file).unwrap(), "the drawing as it is");
    assert!(all.iter().any(|(n, b)| n.starts_with("word/media/") && b.starts_with(b"\x89PNG")));
    assert_has(&part(&docx, "[Content_Types].xml"), &["Extension=\"svg\" ContentType=\"image/svg+xml\""]);
}

#[test]
#[ignore = "needs soffice (LibreOffice) and python3 with pdfplumber"]
fn the_logo_stands_where_the_style_puts_it_in_both_formats() {
    need_tools();
    let png = common::root().join("tests/fixtures/logo-eksempel.png");
    // The network's own logo, at the right, 40 mm wide; the header 15 mm below the page's top.
    let own = "logo_plass = \"høyre\"\nlogo_bredde_mm = 40\n[side]\ntopptekst_mm = 15\n";
    let dir = own_style(own, &[("data/stavanger/logo.png", &png)]);
    built(dir.path());
    let out = dir.path().join("output/stavanger/2026");
    let lo = dir.path().join("lo");
    std::fs::create_dir_all(&lo).unwrap();
    convert(&out.join("arsplan-2026.docx"), "pdf", &lo);
    let (a, b) = (pages(&out.join("arsplan-2026.pdf"), 2), pages(&lo.join("arsplan-2026.pdf"), 2));
    let h = a[0]["height"].as_f64().unwrap();
    for i in 0..2 {
        alike(&a, &b, i, 25.0 * PT_PER_MM, h - 22.0 * PT_PER_MM, "a logo at the right");
    }
    let logo = boxes(&a[0]);
    assert_eq!(logo.len(), 1);
    let [x, top, w, _] = logo[0];
    assert!((x + w - (210.0 - 25.0) * PT_PER_MM).abs() < 0.5, "at the right margin: {logo:?}");
    assert!((w - 40.0 * PT_PER_MM).abs() < 0.5 && (top - 15.0 * PT_PER_MM).abs() < 0.5, "{logo:?}");
    let doc = part(&std::fs::read(out.join("arsplan-2026.docx")).unwrap(), "word/document.xml");
    assert_has(&doc, &[&format!("w:header=\"{}\"", (15.0f64 * 56.692_913).round())]);
}

#[test]
fn kreftomsorg_rogaland_is_stavangers_not_helse_stavangers() {
    // A new network on Helse Stavanger's style.
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    let fonna = dir.path().join("data/fonna");
    std::fs::create_dir_all(&fonna).unwrap();
    let profile = std::fs::read_to_string(dir.path().join("data/stavanger/nettverk.toml")).unwrap();
    let profile: String = profile
        .lines()
        .filter(|l| !l.starts_with("merke_hoyre") && !l.starts_with("strategi"))
        .map(|l| if l.starts_with("helseforetak") { "helseforetak = \"Helse Fonna\"" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(fonna.join("nettverk.toml"), profile).unwrap();
    let header = |network: &str| {
        let out = arsplan(
            dir.path(),
            &["wordmal", "--stil", "helse-stavanger", "--ut", "x.dotx", "--network", network],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        part(&std::fs::read(dir.path().join("x.dotx")).unwrap(), "word/header1.xml")
    };
    let fonna = header("fonna");
    assert!(fonna.contains("Helse Fonna") && !fonna.contains("Kreftomsorg"), "{fonna}");
    let stavanger = header("stavanger");
    assert_has(&stavanger, &["Helse Stavanger", "Kreftomsorg Rogaland"]);
}

/// A project made of the examples, where `network` uses the house style
/// `style`, or, with `round_trip`, a style of its own that inherits `style`
/// and takes `style`'s own Word template, exported by arsplan and unchanged.
fn round_trip_project(dir: &Path, network: &str, style: &str, round_trip: bool) -> arsplan::Project {
    let data = dir.join("data");
    common::copy_examples(&data, &[network]);
    let profile = data.join(network).join("nettverk.toml");
    let set_style = |s: &str| {
        let text = std::fs::read_to_string(&profile).unwrap();
        let text: Vec<String> = text
            .lines()
            .map(|l| if l.starts_with("stil =") { format!("stil = \"{s}\"") } else { l.to_string() })
            .collect();
        std::fs::write(&profile, text.join("\n") + "\n").unwrap();
    };
    set_style(style);
    let project = common::with_data(data.clone(), dir.join("output"));
    if round_trip {
        let exported = project.word_template(style, Some(network)).unwrap();
        let own = data.join(network).join("maler/rundtur");
        std::fs::create_dir_all(&own).unwrap();
        std::fs::write(own.join("mal.dotx"), &exported.bytes).unwrap();
        std::fs::write(
            own.join("stil.toml"),
            format!("arv = \"{style}\"\nnavn = \"Rundtur\"\nword_mal = \"mal.dotx\"\n"),
        )
        .unwrap();
        set_style("rundtur");
    }
    project
}

#[test]
fn building_with_a_house_styles_unchanged_template_gives_the_same_pages() {
    // Every built-in house style, exported as a Word template and taken back
    // unchanged: the PDF's pages are the same, every run of text where it was.
    for (network, style) in [
        ("stavanger", "helse-stavanger"),
        ("stavanger", "felles"),
        ("bergen", "helse-bergen"),
        ("ahus", "ahus"),
        ("helse-vest", "helse-vest"),
    ] {
        let laid_out = |round_trip: bool| {
            let dir = tempfile::tempdir().unwrap();
            let project = round_trip_project(dir.path(), network, style, round_trip);
            let years: Vec<i32> = std::fs::read_dir(project.data.join(network))
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect();
            let mut out = Vec::new();
            for year in years.iter().copied().collect::<std::collections::BTreeSet<i32>>() {
                let p = project.prepare(network, year).unwrap();
                assert!(p.warnings.is_empty(), "{network} {year} in {style}: {:?}", p.warnings);
                for d in project.documents(&p).unwrap() {
                    let fitted = arsplan::render::fit(&d.document, &p.theme, &p.assets).unwrap();
                    let runs = arsplan::render::pages::runs(&fitted.pages, &fitted.theme);
                    out.push((
                        d.stem.clone(),
                        runs.into_iter()
                            .map(|r| {
                                (r.page, (r.x * 100.0).round() as i64, (r.y * 100.0).round() as i64, r.text)
                            })
                            .collect::<Vec<_>>(),
                    ));
                }
            }
            out
        };
        let (without, with) = (laid_out(false), laid_out(true));
        assert_eq!(without.len(), with.len());
        for ((stem, a), (_, b)) in without.iter().zip(&with) {
            let first = a.iter().zip(b).find(|(x, y)| x != y);
            assert!(
                a.len() == b.len() && first.is_none(),
                "{style}: {stem} differs with its own template: {first:?} ({} and {} runs)",
                a.len(),
                b.len()
            );
        }
    }
}

#[test]
#[ignore = "needs soffice (LibreOffice) and python3 with pdfplumber"]
fn a_docx_made_with_a_house_styles_unchanged_template_is_laid_out_alike() {
    need_tools();
    // The DOCX as LibreOffice lays it out, with and without the template: every
    // word where it was (within 0.5 pt), for one document of every style.
    for (network, style, year) in [
        ("stavanger", "helse-stavanger", 2026),
        ("stavanger", "felles", 2026),
        ("bergen", "helse-bergen", 2025),
        ("ahus", "ahus", 2024),
        ("helse-vest", "helse-vest", 2025),
    ] {
        let words = |round_trip: bool| {
            let dir = tempfile::tempdir().unwrap();
            let project = round_trip_project(dir.path(), network, style, round_trip);
            let p = project.prepare(network, year).unwrap();
            let made = project.render(&p, &[arsplan::Format::Docx]).unwrap().remove(0);
            let docx = dir.path().join("dokument.docx");
            std::fs::write(&docx, &made.bytes).unwrap();
            convert(&docx, "pdf", dir.path());
            let pages = pages(&dir.path().join("dokument.pdf"), 99);
            let words: Vec<(usize, String, f64, f64)> = pages
                .iter()
                .enumerate()
                .flat_map(|(i, pg)| {
                    pg["words"].as_array().unwrap().iter().map(move |w| {
                        (
                            i,
                            w["text"].as_str().unwrap().to_string(),
                            w["x0"].as_f64().unwrap(),
                            w["baseline"].as_f64().unwrap(),
                        )
                    })
                })
                .collect();
            words
        };
        let (a, b) = (words(false), words(true));
        assert_eq!(a.len(), b.len(), "{style}: words");
        for (x, y) in a.iter().zip(&b) {
            assert!(
                x.0 == y.0 && x.1 == y.1 && (x.2 - y.2).abs() <= 0.5 && (x.3 - y.3).abs() <= 0.5,
                "{style}: {x:?} without the template, {y:?} with it"
            );
        }
    }
}

/// On a laid-out document: the distances between the first bullets' baselines
/// on page 1, and from the first area heading («… pårørendearbeid») to the
/// next line, in points.
fn list_and_heading_pitch(pages: &[Value]) -> (Vec<f64>, f64) {
    let words = |p: &Value| p["words"].as_array().unwrap().clone();
    let bullets: Vec<f64> = words(&pages[0])
        .iter()
        .filter(|w| w["text"].as_str().unwrap().starts_with('•'))
        .map(|w| w["baseline"].as_f64().unwrap())
        .collect();
    let pitch: Vec<f64> = bullets.windows(2).skip(1).take(3).map(|w| w[1] - w[0]).collect();
    for p in pages {
        let ws = words(p);
        let Some(h) = ws.iter().find(|w| w["text"].as_str().unwrap().contains("pårørendearbeid")) else {
            continue;
        };
        let h = h["baseline"].as_f64().unwrap();
        let next = ws
            .iter()
            .map(|w| w["baseline"].as_f64().unwrap())
            .filter(|b| *b > h + 0.5)
            .fold(f64::MAX, f64::min);
        return (pitch, next - h);
    }
    panic!("no area heading");
}

#[test]
#[ignore = "needs soffice (LibreOffice), python-docx and pdfplumber"]
fn lists_and_headings_are_spaced_as_word_spaces_them_whatever_the_line_spacing() {
    need_tools();
    // Body text at 1.15 and 1.5 lines (and, without a template, 1.2), lists
    // with or without contextual spacing, Heading 1 with less space after
    // than Normal: the PDF spaces them as LibreOffice spaces the DOCX.
    let mut cases: Vec<(String, tempfile::TempDir)> = Vec::new();
    for line in ["1.15", "1.5"] {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("mal.docx");
        python("lag_avstand.py", &[&made, Path::new(line)]);
        let case = own_style("word_mal = \"mal.docx\"\n", &[("mal.docx", &made)]);
        cases.push((format!("python-docx, {line} lines"), case));
        let lo = libreoffice_template(
            "lo-avstand.fodt",
            &[("@LINJE@", &format!("{}%", (line.parse::<f64>().unwrap() * 100.0).round()))],
            dir.path(),
        );
        let case = own_style("word_mal = \"mal.dotx\"\n", &[("mal.dotx", &lo)]);
        cases.push((format!("LibreOffice, {line} lines"), case));
    }
    cases.push(("stil.toml, 1.2 lines".into(), own_style("[avstand]\nlinje = 1.2\n", &[])));
    for (what, dir) in &cases {
        built(dir.path());
        let out = dir.path().join("output/stavanger/2026");
        let lo = dir.path().join("lo");
        std::fs::create_dir_all(&lo).unwrap();
        convert(&out.join("arsplan-2026.docx"), "pdf", &lo);
        let (ours, theirs) =
            (pages(&out.join("arsplan-2026.pdf"), 4), pages(&lo.join("arsplan-2026.pdf"), 4));
        let ((a, ha), (b, hb)) = (list_and_heading_pitch(&ours), list_and_heading_pitch(&theirs));
        assert_eq!(a.len(), 3, "{what}: {a:?}");
        for (x, y) in a.iter().zip(&b) {
            assert!(
                (x - y).abs() <= 1.0,
                "{what}: list items {a:?} pt apart in the PDF, {b:?} by LibreOffice"
            );
        }
        assert!(
            (ha - hb).abs() <= 1.0,
            "{what}: heading to text {ha:.1} pt in the PDF, {hb:.1} by LibreOffice"
        );
    }
}
