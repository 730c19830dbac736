//! Word templates as house styles: `arsplan wordmal` writes a real .dotx;
//! a template made elsewhere (LibreOffice, python-docx, or arsplan's own
//! after a round trip), changed with python-docx, is followed by the DOCX
//! (read back with python-docx) and the PDF (read back with pdfplumber);
//! the house style's own stil.toml wins over the template, the template over
//! the parent style; bad templates stop the build with a Norwegian message.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arsplan::render::{self, Format};
use arsplan::templates::Sources;
use arsplan::theme::Theme;

use crate::common;

/// The repository's house styles.
pub(crate) fn sources() -> Sources {
    Sources::new(vec![common::root().join("templates")])
}

/// A house style written as a Word template by arsplan itself.
pub(crate) fn exported(style: &str) -> Vec<u8> {
    let theme = Theme::load(&sources(), style).unwrap();
    render::docx::template(&theme, &Default::default()).unwrap()
}

pub(crate) fn parts(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().to_string(), b)
        })
        .collect()
}

pub(crate) fn part(zip: &[u8], name: &str) -> String {
    let p = parts(zip).into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(p.1).unwrap()
}

pub(crate) fn zip_of(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in parts {
        w.start_file(n.as_str(), o).unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A template with parts edited: `f` gets every part and returns the new list.
pub(crate) fn edited(zip: &[u8], f: impl Fn(Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)>) -> Vec<u8> {
    zip_of(&f(parts(zip)))
}

pub(crate) fn replace_in(parts: &mut [(String, Vec<u8>)], name: &str, from: &str, to: &str) {
    let p = parts.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name} missing"));
    let text = String::from_utf8(p.1.clone()).unwrap();
    assert!(text.contains(from), "{name} has «{from}»");
    p.1 = text.replacen(from, to, 1).into_bytes();
}

/// A copy of the Stavanger example whose network uses its own house style
/// `husmal` (`arv = "helse-stavanger"`) with a Word template, and an earlier output.
pub(crate) struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    pub(crate) fn new(file: &str, template: &[u8], own: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        common::copy_examples(&dir.path().join("data"), &["stavanger"]);
        let style = dir.path().join("data/stavanger/maler/husmal");
        std::fs::create_dir_all(&style).unwrap();
        std::fs::write(style.join(file), template).unwrap();
        std::fs::write(
            style.join("stil.toml"),
            format!("arv = \"helse-stavanger\"\nnavn = \"Husmal\"\nword_mal = \"{file}\"\n{own}"),
        )
        .unwrap();
        let profile = dir.path().join("data/stavanger/nettverk.toml");
        let text = std::fs::read_to_string(&profile)
            .unwrap()
            .replace("stil = \"helse-stavanger\"", "stil = \"husmal\"");
        std::fs::write(&profile, text).unwrap();
        let out = dir.path().join("output/stavanger/2026");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("arsplan-2026.pdf"), b"earlier pdf").unwrap();
        std::fs::write(out.join("arsplan-2026.docx"), b"earlier docx").unwrap();
        Case { dir }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(self.dir.path())
            .arg("--maler")
            .arg(common::root().join("templates"))
            .args(args)
            .output()
            .unwrap()
    }

    pub(crate) fn build(&self) -> String {
        let out = self.run(&["build", "--network", "stavanger", "--year", "2026"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "build failed:\n{stderr}");
        stderr
    }

    /// Runs the build; it must fail with exit 1 and leave the earlier output as it was.
    pub(crate) fn build_fails(&self) -> String {
        let out = self.run(&["build", "--network", "stavanger", "--year", "2026"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let dir = self.path("output/stavanger/2026");
        assert_eq!(std::fs::read(dir.join("arsplan-2026.pdf")).unwrap(), b"earlier pdf");
        assert_eq!(std::fs::read(dir.join("arsplan-2026.docx")).unwrap(), b"earlier docx");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "no other file in {}", dir.display());
        stderr
    }

    pub(crate) fn output(&self, ext: &str) -> Vec<u8> {
        std::fs::read(self.path(&format!("output/stavanger/2026/arsplan-2026.{ext}"))).unwrap()
    }

    pub(crate) fn theme(&self) -> Theme {
        let roots = vec![self.path("data/stavanger/maler"), common::root().join("templates")];
        Theme::load(&Sources::new(roots), "husmal").unwrap()
    }
}

pub(crate) fn assert_has(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "expected «{p}» in:\n{text}");
    }
}

#[test]
fn wordmal_writes_a_real_word_template_with_every_style_the_documents_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .arg("--maler")
        .arg(common::root().join("templates"))
        .args(["wordmal", "--stil", "helse-stavanger", "--ut", "mal.dotx"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The hint names the one command that takes the template into use.
    assert_has(
        &String::from_utf8_lossy(&out.stdout),
        &["mal.dotx", "arsplan wordmal bruk mal.dotx --nettverk"],
    );
    let dotx = std::fs::read(dir.path().join("mal.dotx")).unwrap();
    let ct = part(&dotx, "[Content_Types].xml");
    assert_has(
        &ct,
        &[
            r#"PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml""#,
        ],
    );
    let styles = part(&dotx, "word/styles.xml");
    let theme = Theme::load(&sources(), "helse-stavanger").unwrap();
    let mut names: Vec<String> = [
        "Normal",
        "Title",
        "heading 1",
        "heading 2",
        "heading 3",
        "List Bullet",
        "List Number",
        "Table Grid",
        "Hyperlink",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.extend(theme.classes.keys().filter(|c| *c != "tittel").cloned());
    for n in names {
        assert!(styles.contains(&format!("<w:name w:val=\"{n}\"/>")), "style «{n}» in the template");
    }
    assert!(!parts(&dotx).iter().any(|(n, _)| n.contains("vbaProject")));
    // The trust's mark; a network's partner (Stavanger's Kreftomsorg Rogaland) is no part of the style.
    let header = part(&dotx, "word/header1.xml");
    assert_has(&header, &["Helse Stavanger"]);
    assert!(!header.contains("Kreftomsorg"), "{header}");
    assert_has(&part(&dotx, "word/footer1.xml"), &["PAGE", "NUMPAGES"]);
    // Anything but a .dotx is refused, and nothing is written.
    let out = Command::new(env!("CARGO_BIN_EXE_arsplan"))
        .current_dir(dir.path())
        .args(["--maler"])
        .arg(common::root().join("templates"))
        .args(["wordmal", "--stil", "helse-stavanger", "--ut", "mal.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_has(&String::from_utf8_lossy(&out.stderr), &["mal.txt", "endelsen .dotx"]);
    assert!(!dir.path().join("mal.txt").exists());
}

#[test]
fn a_round_trip_through_wordmal_gives_the_same_house_style() {
    let original = Theme::load(&sources(), "helse-stavanger").unwrap();
    let case = Case::new("mal.dotx", &exported("helse-stavanger"), "");
    // The template stands in for everything its parent (and helse-stavanger's own values) said.
    let t = case.theme();
    assert!(t.warnings.is_empty(), "a template from arsplan has every style: {:?}", t.warnings);
    assert_eq!((t.font.as_str(), t.word_font_name().as_str(), t.font_size), ("Carlito", "Calibri", 11.0));
    let (a, b) = (&original.page, &t.page);
    for (x, y) in [
        (a.margin_top_mm, b.margin_top_mm),
        (a.margin_bottom_mm, b.margin_bottom_mm),
        (a.margin_left_mm, b.margin_left_mm),
        (a.margin_right_mm, b.margin_right_mm),
    ] {
        assert!((x - y).abs() < 0.05, "margins {x} {y}");
    }
    assert_eq!(a.landscape, b.landscape);
    let size = |t: &Theme| t.page.size_mm();
    assert!((size(&original).0 - size(&t).0).abs() < 0.05 && (size(&original).1 - size(&t).1).abs() < 0.05);
    for name in ["tekst", "tabellhode", "tabellhode_tekst", "linje"] {
        assert_eq!(original.color(name), t.color(name), "colour {name}");
    }
    let look = |th: &Theme, st: &arsplan::theme::ParaStyle| {
        (
            st.size.unwrap_or(th.font_size),
            st.bold,
            st.italic,
            th.color(st.color.as_deref().unwrap_or("tekst")),
            st.align(),
            st.space_before_pt.unwrap_or(0.0),
        )
    };
    for level in 1..=3 {
        assert_eq!(look(&original, &original.heading(level)), look(&t, &t.heading(level)), "heading {level}");
    }
    for (name, st) in &original.classes {
        assert_eq!(look(&original, st), look(&t, &t.classes[name]), "class {name}");
    }
    let sp = (&original.spacing, &t.spacing);
    assert_eq!(
        (sp.0.line, sp.0.paragraph_pt, sp.0.cell_v_pt, sp.0.cell_h_pt),
        (sp.1.line, sp.1.paragraph_pt, sp.1.cell_v_pt, sp.1.cell_h_pt)
    );
    // The template's header (the trust's mark) is used as it is.
    let (header, _) = t.word_header().expect("the template's header");
    assert_has(&header.text(), &["Helse Stavanger"]);
    // Built through the binary: the same words as with the style itself, and no warning.
    let stderr = case.build();
    assert!(!stderr.contains("advarsel"), "{stderr}");
    let docx = case.output("docx");
    let out = tempfile::tempdir().unwrap();
    let project = common::project(out.path());
    let p = project.prepare("stavanger", 2026).unwrap();
    let plain = project.render(&p, &[arsplan::Format::Docx]).unwrap().remove(0).bytes;
    assert_eq!(common::docx_text(&plain), common::docx_text(&docx));
}

#[test]
fn the_styles_own_values_win_over_the_template_and_the_template_over_the_parent() {
    // Ahus's look (Arial, 10 pt, landscape, its blue) as a Word template under
    // a style that inherits Helse Stavanger and sets its own size and left margin.
    let own = "skriftstorrelse = 12\n[side]\nmarg_venstre_mm = 33\n[klasser.tittel]\nfarge = \"#123456\"\n";
    let case = Case::new("ahus.dotx", &exported("ahus"), own);
    let t = case.theme();
    assert_eq!(t.font_size, 12.0, "the style's own stil.toml wins");
    assert_eq!(t.page.margin_left_mm, 33.0, "the style's own stil.toml wins");
    assert_eq!(t.color(t.classes["tittel"].color.as_deref().unwrap()), "123456");
    assert_eq!(
        (t.font.as_str(), t.word_font_name().as_str()),
        ("Liberation Sans", "Arial"),
        "the template wins over the parent"
    );
    assert!(t.page.landscape, "the template's page");
    assert!(
        (t.page.margin_right_mm - 20.0).abs() < 0.05,
        "the template's margin: {}",
        t.page.margin_right_mm
    );
    assert_eq!(
        t.color(t.heading(1).color.as_deref().unwrap()),
        "00558c",
        "Ahus's heading colour, not Stavanger's"
    );
    assert_eq!(
        t.date_formats["tekst"], "d. MMMM",
        "what the template does not hold still comes from the parent"
    );
    // A style that inherits this one inherits its template too (the path stays the parent's).
    let child = case.path("data/stavanger/maler/barn");
    std::fs::create_dir_all(&child).unwrap();
    std::fs::write(child.join("stil.toml"), "arv = \"husmal\"\nnavn = \"Barn\"\n").unwrap();
    let roots = vec![case.path("data/stavanger/maler"), common::root().join("templates")];
    let c = Theme::load(&Sources::new(roots), "barn").unwrap();
    assert!(c.word_template.as_ref().is_some_and(|w| w.path.ends_with("husmal/ahus.dotx")));
    assert_eq!((c.font.as_str(), c.font_size, c.page.landscape), ("Liberation Sans", 12.0, true));
    // The DOCX follows the same values: Normal 12 pt, Arial, landscape, the title in the style's colour.
    case.build();
    let docx = case.output("docx");
    let styles = part(&docx, "word/styles.xml");
    let normal = &styles[styles.find("w:styleId=\"Normal\"").unwrap()..];
    let normal = &normal[..normal.find("</w:style>").unwrap()];
    assert_has(normal, &["<w:sz w:val=\"24\"/>"]);
    let title = &styles[styles.find("w:styleId=\"Title\"").unwrap()..];
    assert_has(&title[..title.find("</w:style>").unwrap()], &["<w:color w:val=\"123456\"/>"]);
    let left = format!("w:left=\"{}\"", (33.0f32 * 56.692_913).round());
    assert_has(&part(&docx, "word/document.xml"), &["w:orient=\"landscape\"", left.as_str()]);
    // The same bytes on a second build.
    let (d1, p1) = (docx, case.output("pdf"));
    let out = case.run(&["--utdata", "output2", "build", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success());
    assert!(std::fs::read(case.path("output2/stavanger/2026/arsplan-2026.docx")).unwrap() == d1);
    assert!(std::fs::read(case.path("output2/stavanger/2026/arsplan-2026.pdf")).unwrap() == p1);
}

#[test]
fn a_template_lacking_styles_gets_ours_with_one_warning_for_the_build() {
    // Without Heading 2 and the «etikett» style: both are added, and one warning
    // names both, once for a build of every year the style serves.
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        // A style of its own (a built-in one is known by its id too).
        replace_in(
            &mut p,
            "word/styles.xml",
            "w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>",
            "w:styleId=\"Egen2\"><w:name w:val=\"Overskrift to\"/>",
        );
        replace_in(
            &mut p,
            "word/styles.xml",
            "<w:name w:val=\"etikett\"/>",
            "<w:name w:val=\"annen etikett\"/>",
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let out = case.run(&["build", "--network", "stavanger"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(case.path("output/stavanger/2025/arsplan-2025.docx").is_file(), "two years were built");
    // Named as Norwegian Word shows them.
    let warning =
        "Word-malen mangler stilene «Overskrift 2» og «etikett»; arsplan bruker husstilens utseende for dem";
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    assert_eq!(stderr.matches("mangler stil").count(), 1, "{stderr}");
    assert_has(&stderr, &["advarsel: ", "mal.dotx", "arsplan wordmal"]);
    let styles = part(&case.output("docx"), "word/styles.xml");
    assert_eq!(styles.matches("<w:name w:val=\"heading 2\"/>").count(), 1, "our Heading 2 is added");
    assert_eq!(styles.matches("<w:name w:val=\"etikett\"/>").count(), 1, "our etikett is added");
    assert!(styles.contains("w:styleId=\"Heading2\""));
}

#[test]
fn norwegian_style_ids_are_found_by_the_built_in_names() {
    // Norwegian Word saves Heading 1 as id «Overskrift1», name «heading 1»;
    // the body uses the template's ids and adds no second Heading 1.
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        for (from, to) in [("Heading1", "Overskrift1"), ("Title", "Tittel"), ("ListBullet", "Punktliste")] {
            let styles = p.iter_mut().find(|(n, _)| n == "word/styles.xml").unwrap();
            let text = String::from_utf8(styles.1.clone()).unwrap();
            let text = text.replace(&format!("w:styleId=\"{from}\""), &format!("w:styleId=\"{to}\""));
            styles.1 = text.into_bytes();
        }
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let stderr = case.build();
    assert!(!stderr.contains("mangler stil"), "{stderr}");
    let docx = case.output("docx");
    let doc = part(&docx, "word/document.xml");
    assert_has(
        &doc,
        &[
            "<w:pStyle w:val=\"Overskrift1\"/>",
            "<w:pStyle w:val=\"Tittel\"/>",
            "<w:pStyle w:val=\"Punktliste\"/>",
        ],
    );
    assert!(!doc.contains("w:val=\"Heading1\""));
    let styles = part(&docx, "word/styles.xml");
    assert_eq!(styles.matches("<w:name w:val=\"heading 1\"/>").count(), 1);
    assert!(!styles.contains("w:styleId=\"Heading1\""));
}

#[test]
fn a_first_page_of_its_own_is_kept_in_both_formats() {
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        let header = part(&zip_of(&p), "word/header1.xml");
        let first = header.replacen("<w:p>", "<w:p><w:r><w:t>Forsidetopp</w:t></w:r></w:p><w:p>", 1);
        p.push(("word/header9.xml".into(), first.into_bytes()));
        replace_in(
            &mut p,
            "word/_rels/document.xml.rels",
            "</Relationships>",
            r#"<Relationship Id="rIdForside" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header9.xml"/></Relationships>"#,
        );
        replace_in(
            &mut p,
            "word/document.xml",
            "<w:sectPr>",
            r#"<w:sectPr><w:headerReference w:type="first" r:id="rIdForside"/>"#,
        );
        replace_in(&mut p, "word/document.xml", "</w:sectPr>", "<w:titlePg/></w:sectPr>");
        replace_in(
            &mut p,
            "[Content_Types].xml",
            "</Types>",
            r#"<Override PartName="/word/header9.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>"#,
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    case.build();
    let doc = part(&case.output("docx"), "word/document.xml");
    assert_has(&doc, &["w:type=\"first\"", "<w:titlePg/>"]);
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(case.path("data"), out.path().to_path_buf());
    let p = project.prepare("stavanger", 2026).unwrap();
    let d = project.documents(&p).unwrap().remove(0).document;
    let fitted = render::fit(&d, &p.theme, &p.assets).unwrap();
    let runs = render::pages::runs(&fitted.pages, &fitted.theme);
    let header = |page: usize| -> String {
        runs.iter()
            .filter(|r| r.page == page && !r.body)
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(header(0).contains("Forsidetopp"), "{}", header(0));
    assert!(!header(1).contains("Forsidetopp") && header(1).contains("Helse Stavanger"), "{}", header(1));
}

#[test]
fn a_font_arsplan_lacks_is_named_with_its_substitute() {
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        replace_in(
            &mut p,
            "word/styles.xml",
            "w:ascii=\"Calibri\" w:hAnsi=\"Calibri\"",
            "w:ascii=\"Georgia\" w:hAnsi=\"Georgia\"",
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let stderr = case.build();
    assert_has(
        &stderr,
        &["advarsel: ", "mal.dotx", "«Georgia»", "PDF-en bruker «Caladea»", "Word-filen beholder «Georgia»"],
    );
    let t = case.theme();
    assert_eq!((t.font.as_str(), t.word_font_name().as_str()), ("Caladea", "Georgia"));
    assert_has(&part(&case.output("docx"), "word/styles.xml"), &["w:ascii=\"Georgia\""]);
}

#[test]
fn a_file_that_is_no_zip_is_refused() {
    let case = Case::new("mal.dotx", b"Dette er ingen Word-fil.", "");
    assert_has(&case.build_fails(), &["feil: ", "mal.dotx", "er ikke en Word-fil", "hjelp:"]);
}

#[test]
fn a_zip_that_is_no_word_document_is_refused() {
    let zip = zip_of(&[("mimetype".into(), b"application/vnd.oasis.opendocument.text".to_vec())]);
    let case = Case::new("mal.dotx", &zip, "");
    assert_has(&case.build_fails(), &["mal.dotx", "zip-pakke, men ikke et Word-dokument"]);
}

#[test]
fn templates_with_macros_are_refused() {
    // A .docm by its name, whatever it holds.
    let case = Case::new("mal.docm", &exported("felles"), "");
    assert_has(&case.build_fails(), &["mal.docm", "makroer"]);
    // A .dotx with a macro project inside.
    let tpl = edited(&exported("felles"), |mut p| {
        p.push(("word/vbaProject.bin".into(), b"\xd0\xcf\x11\xe0 macros".to_vec()));
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    assert_has(&case.build_fails(), &["mal.dotx", "makroer"]);
    // A macro-enabled template saved as .dotx.
    let tpl = edited(&exported("felles"), |mut p| {
        replace_in(
            &mut p,
            "[Content_Types].xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
            "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    assert_has(&case.build_fails(), &["mal.dotx", "makroer"]);
}

#[test]
fn a_template_without_styles_is_refused() {
    let tpl =
        edited(&exported("felles"), |p| p.into_iter().filter(|(n, _)| n != "word/styles.xml").collect());
    let case = Case::new("mal.dotx", &tpl, "");
    assert_has(&case.build_fails(), &["mal.dotx", "har ingen stiler", "word/styles.xml"]);
}

#[test]
fn a_huge_picture_is_refused() {
    // 30.7 MB, as file sizes are shown (the message used to say «21 MB»: the
    // bytes read up to the limit, in MiB).
    let tpl = edited(&exported("felles"), |mut p| {
        p.push(("word/media/stort.png".into(), vec![0u8; 30_700_000]));
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    assert_has(&case.build_fails(), &["mal.dotx", "word/media/stort.png", "er 30,7 MB", "inntil 20 MB"]);
}

#[test]
fn a_password_protected_template_is_refused() {
    // Word saves an encrypted document as an OLE compound file.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 4096));
    let case = Case::new("mal.dotx", &ole, "");
    assert_has(&case.build_fails(), &["mal.dotx", "passordbeskyttet", "Krypter med passord"]);
}

#[test]
fn outside_links_and_active_content_are_dropped_with_a_warning_and_never_fetched() {
    // A picture linked from a server, an attached template on a share, and an
    // OLE object in the header: none of it reaches the output.
    let url = "http://mal.helse-testfjord.example/logo.png";
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        replace_in(
            &mut p,
            "word/header1.xml",
            "</w:p>",
            r#"<w:r><w:drawing><wp:inline><wp:extent cx="360000" cy="360000"/><wp:docPr id="77" name="Lenket"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:link="rIdUte"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" r:id="rIdOle"/></w:object></w:r></w:p>"#,
        );
        let rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdUte" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{url}" TargetMode="External"/><Relationship Id="rIdOle" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="embeddings/oleObject1.bin"/></Relationships>"#
        );
        p.retain(|(n, _)| n != "word/_rels/header1.xml.rels");
        p.push(("word/_rels/header1.xml.rels".into(), rels.into_bytes()));
        p.push(("word/embeddings/oleObject1.bin".into(), b"\xd0\xcf\x11\xe0 ole".to_vec()));
        replace_in(&mut p, "word/settings.xml", "<w:zoom", r#"<w:attachedTemplate r:id="rIdMal"/><w:zoom"#);
        replace_in(
            &mut p,
            "word/settings.xml",
            "<w:settings ",
            r#"<w:settings xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
        );
        p.push((
            "word/_rels/settings.xml.rels".into(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdMal" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///\\fellesdisk\maler\Normal.dotm" TargetMode="External"/></Relationships>"#.to_vec(),
        ));
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let stderr = case.build();
    assert_has(&stderr, &["advarsel: ", "mal.dotx", url, "henter det ikke", "Normal.dotm", "OLE"]);
    let docx = case.output("docx");
    for (name, bytes) in parts(&docx) {
        let text = String::from_utf8_lossy(&bytes);
        for gone in [
            "mal.helse-testfjord",
            "Normal.dotm",
            "OLEObject",
            "w:object",
            "oleObject",
            "attachedTemplate",
            "rIdUte",
        ] {
            assert!(!text.contains(gone), "{name} still has {gone}");
        }
        assert!(!name.contains("embeddings"), "{name}");
    }
}

#[test]
fn the_body_joins_the_template_header_and_section_without_clashes() {
    // The template's header shows a picture with drawing id 7, and its section
    // numbers pages in roman numerals on a line grid: the report's charts get
    // drawing ids after 7, and the section keeps what docx-rs cannot write.
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        replace_in(
            &mut p,
            "word/header1.xml",
            "</w:p>",
            r#"<w:r><w:drawing><wp:inline><wp:extent cx="360000" cy="360000"/><wp:docPr id="7" name="Logo"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
        );
        p.retain(|(n, _)| n != "word/_rels/header1.xml.rels");
        p.push((
            "word/_rels/header1.xml.rels".into(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/logo.png"/></Relationships>"#.to_vec(),
        ));
        p.push(("word/media/logo.png".into(), logo.clone()));
        replace_in(
            &mut p,
            "word/document.xml",
            "</w:sectPr>",
            r#"<w:pgNumType w:fmt="lowerRoman"/><w:docGrid w:linePitch="360"/></w:sectPr>"#,
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let out = case.run(&["build", "--network", "stavanger", "--year", "2025"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docx = std::fs::read(case.path("output/stavanger/2025/arsrapport-2025.docx")).unwrap();
    let ids = |xml: &str| -> Vec<u32> {
        xml.match_indices("<wp:docPr id=\"")
            .map(|(i, _)| xml[i + 14..].split('"').next().unwrap().parse().unwrap())
            .collect()
    };
    let header = part(&docx, "word/header1.xml");
    assert_eq!(ids(&header), [7], "{header}");
    let doc = part(&docx, "word/document.xml");
    let body = ids(&doc);
    assert_eq!(body, [8, 9], "the two charts, after the header's picture");
    assert_eq!(doc.matches("descr=\"Liggende søylediagram").count(), 2, "the docPr of both (Word) charts");
    let sect = &doc[doc.find("<w:sectPr>").unwrap()..];
    let order: Vec<usize> = [
        "<w:headerReference",
        "<w:pgSz",
        "<w:pgMar",
        "<w:pgNumType w:fmt=\"lowerRoman\"/>",
        "<w:docGrid w:linePitch=\"360\"/>",
    ]
    .iter()
    .map(|e| sect.find(e).unwrap_or_else(|| panic!("{e} in {sect}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "schema order: {sect}");
    assert!(
        parts(&docx).iter().any(|(n, b)| n.starts_with("word/media/") && *b == logo),
        "the header's picture"
    );
}

#[test]
fn with_a_template_docx_and_pdf_are_the_same_bytes_on_every_build() {
    let case = Case::new("mal.dotx", &exported("ahus"), "");
    let t = case.theme();
    let out = tempfile::tempdir().unwrap();
    let project = common::with_data(case.path("data"), out.path().to_path_buf());
    let p = project.prepare("stavanger", 2026).unwrap();
    assert!(p.theme.word_template.is_some() && t.word_template.is_some());
    let doc = project.documents(&p).unwrap().remove(0).document;
    let a = render::render(&doc, &p.theme, &p.assets, &[Format::Docx, Format::Pdf]).unwrap();
    let b = render::render(&doc, &p.theme, &p.assets, &[Format::Docx, Format::Pdf]).unwrap();
    assert!(a == b);
}

// ---------------------------------------------------------------------------
// Templates made elsewhere, changed with python-docx, followed by both formats.
// ---------------------------------------------------------------------------

pub(crate) fn python(script: &str, args: &[&Path]) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(common::root().join("tests/fixtures/wordmal").join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// Changes a template with python-docx (Heading 1 colour and size, Normal's
/// size, the margins), builds with it, and reads both outputs back.
fn followed(made: &Path, file: &str, header_text: &str, heading_font: &str) {
    common::need("python3", &["-c", "import docx, pdfplumber"]);
    common::need("openxml-audit", &["--help"]);
    common::need("soffice", &["--version"]);
    let case = Case::new(file, b"", "");
    let changed = case.path(&format!("data/stavanger/maler/husmal/{file}"));
    let page = python("endre_mal.py", &[made, &changed]);
    let (page_w, page_h) = (page["page_w_mm"].as_f64().unwrap(), page["page_h_mm"].as_f64().unwrap());
    let stderr = case.build();
    assert!(!stderr.contains("feil"), "{stderr}");
    let docx_path = case.path("output/stavanger/2026/arsplan-2026.docx");
    let pdf_path = case.path("output/stavanger/2026/arsplan-2026.pdf");
    let close = |a: f64, b: f64, tol: f64, what: &str| assert!((a - b).abs() <= tol, "{what}: {a} vs {b}");

    // The DOCX, read back with python-docx.
    let d = python("les_docx.py", &[&docx_path]);
    assert_eq!(d["h1_size"].as_f64(), Some(19.0), "{d}");
    assert_eq!(d["h1_color"].as_str(), Some("8B1A4A"), "{d}");
    assert_eq!(d["h1_theme_color"].as_bool(), Some(false), "no theme colour hides it: {d}");
    assert!(d["h1_paragraphs"].as_u64().unwrap() >= 3, "the areas are Heading 1: {d}");
    assert_eq!(d["normal_size"].as_f64(), Some(12.0), "{d}");
    // Whatever made the template, Normal is the default paragraph style, and
    // every paragraph (table cells too) has a style python-docx finds.
    assert_eq!(d["default_para"].as_str(), Some("Normal"), "{d}");
    assert!(d["cell_paragraphs"].as_u64().unwrap() > 0 && d["paragraphs_styled"] == true, "{d}");
    let m: Vec<f64> = d["margins_mm"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    for (got, want, what) in
        [(m[0], 28.0, "top"), (m[1], 26.0, "bottom"), (m[2], 31.0, "left"), (m[3], 17.0, "right")]
    {
        close(got, want, 0.1, what);
    }
    close(d["page_mm"][0].as_f64().unwrap(), page_w, 0.1, "DOCX page width");
    close(d["page_mm"][1].as_f64().unwrap(), page_h, 0.1, "DOCX page height");
    assert!(d["header"].as_str().unwrap().contains(header_text), "{d}");

    // The PDF, read back with pdfplumber.
    let p = python("les_pdf.py", &[&pdf_path, Path::new("pårørendearbeid"), Path::new("satsningsområdene")]);
    close(p["page_pt"][0].as_f64().unwrap(), page_w / 25.4 * 72.0, 0.5, "PDF page width");
    close(p["page_pt"][1].as_f64().unwrap(), page_h / 25.4 * 72.0, 0.5, "PDF page height");
    let h = &p["heading"];
    close(h["size"].as_f64().unwrap(), 19.0, 0.05, "heading size in the PDF");
    assert!(h["font"].as_str().unwrap().contains(heading_font), "the heading's font: {h}");
    let rgb: Vec<f64> =
        h["color"].as_array().expect("heading colour").iter().map(|v| v.as_f64().unwrap()).collect();
    for (got, want) in rgb.iter().zip([0x8B, 0x1A, 0x4A]) {
        close(*got, f64::from(want) / 255.0, 0.01, "heading colour in the PDF");
    }
    close(p["body"]["size"].as_f64().unwrap(), 12.0, 0.05, "body text size in the PDF");
    assert!(p["first_page_text"].as_str().unwrap().contains(header_text), "{p}");

    // Valid OOXML, and LibreOffice reads the same words.
    let audit = Command::new("openxml-audit").args(["-m", "0"]).arg(&docx_path).output().unwrap();
    let report = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success() && report.contains("Errors: 0"), "{report}");
    let lo = case.path("lo");
    let profile = format!("-env:UserInstallation=file://{}/profile", lo.display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(&lo)
        .arg(&docx_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(lo.join("arsplan-2026.txt")).unwrap();
    let (recall, _) = common::fidelity(&common::docx_text(&case.output("docx")), &text);
    assert!(recall > 0.98, "LibreOffice read {:.1} % of the words", recall * 100.0);

    // The same bytes again.
    let (d1, p1) = (case.output("docx"), case.output("pdf"));
    let out = case.run(&["--utdata", "output2", "build", "--network", "stavanger", "--year", "2026"]);
    assert!(out.status.success());
    assert!(std::fs::read(case.path("output2/stavanger/2026/arsplan-2026.docx")).unwrap() == d1);
    assert!(std::fs::read(case.path("output2/stavanger/2026/arsplan-2026.pdf")).unwrap() == p1);
}

#[test]
#[ignore = "needs soffice (LibreOffice), python-docx, pdfplumber and openxml-audit"]
fn a_libreoffice_template_changed_in_python_docx_is_followed_by_docx_and_pdf() {
    common::need("soffice", &["--version"]);
    let dir = tempfile::tempdir().unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "dotx", "--outdir"])
        .arg(dir.path())
        .arg(common::root().join("tests/fixtures/wordmal/lo-mal.fodt"))
        .output()
        .unwrap();
    let made = dir.path().join("lo-mal.dotx");
    assert!(made.is_file(), "LibreOffice made no template: {}", String::from_utf8_lossy(&out.stderr));
    // Its headings are in Cambria: the PDF embeds Caladea, Cambria's metric twin.
    followed(&made, "mal.dotx", "Helse Testfjord HF", "Caladea");
}

#[test]
#[ignore = "needs python-docx, pdfplumber, soffice (LibreOffice) and openxml-audit"]
fn a_python_docx_template_changed_again_is_followed_by_docx_and_pdf() {
    common::need("python3", &["-c", "import docx"]);
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("py-mal.docx");
    python("lag_mal.py", &[&made, &common::root().join("tests/fixtures/logo-eksempel.png")]);
    // python-docx names Cambria beside the theme's heading font, which Word (and arsplan) takes: Calibri.
    followed(&made, "mal.docx", "Helse Pythonfjord HF", "Carlito");
}

#[test]
#[ignore = "needs python-docx, pdfplumber, soffice (LibreOffice) and openxml-audit"]
fn a_wordmal_template_changed_in_python_docx_is_followed_by_docx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("arsplan-mal.dotx");
    std::fs::write(&made, exported("helse-stavanger")).unwrap();
    followed(&made, "mal.dotx", "Helse Stavanger", "Carlito");
}

#[test]
fn a_template_outside_the_style_folder_is_refused() {
    // The build records and watch follows the style's folder; a template
    // elsewhere could change without the documents following it.
    let case = Case::new("mal.dotx", &exported("felles"), "");
    std::fs::copy(case.path("data/stavanger/maler/husmal/mal.dotx"), case.path("data/stavanger/mal.dotx"))
        .unwrap();
    for outside in ["../mal.dotx", "/tmp/mal.dotx", "C:\\\\Maler\\\\mal.dotx"] {
        let toml = case.path("data/stavanger/maler/husmal/stil.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        let text = text.lines().filter(|l| !l.starts_with("word_mal")).collect::<Vec<_>>().join("\n");
        std::fs::write(&toml, format!("{text}\nword_mal = \"{outside}\"\n")).unwrap();
        let e = case.build_fails();
        assert_has(&e, &["stil.toml", "peker ut av husstilens mappe", "hjelp: kopier Word-malen inn i"]);
    }
}

/// Adds a part, or replaces it.
pub(crate) fn put(parts: &mut Vec<(String, Vec<u8>)>, name: &str, bytes: impl Into<Vec<u8>>) {
    parts.retain(|(n, _)| n != name);
    parts.push((name.to_string(), bytes.into()));
}

const IMAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="TARGET"/></Relationships>"#;

/// Every `r:id`/`r:embed` in every XML part of a package names a
/// relationship of that part, and every internal target is in the package.
fn no_dangling_references(docx: &[u8]) {
    let all = parts(docx);
    let names: BTreeSet<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for (name, bytes) in &all {
        if !name.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let (dir, file) = name.rsplit_once('/').unwrap_or(("", name));
        let rels_name =
            if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let rels =
            all.iter().find(|(n, _)| *n == rels_name).map(|(_, b)| String::from_utf8_lossy(b).to_string());
        for attr in ["r:id=\"", "r:embed=\"", "r:link=\""] {
            for piece in text.split(attr).skip(1) {
                let id = &piece[..piece.find('"').unwrap()];
                let rels =
                    rels.as_deref().unwrap_or_else(|| panic!("{name} refers to {id} but has no {rels_name}"));
                assert!(rels.contains(&format!("Id=\"{id}\"")), "{name}: {id} is not in {rels_name}");
            }
        }
        if let Some(rels) = &rels {
            for piece in rels.split("Target=\"").skip(1) {
                let target = &piece[..piece.find('"').unwrap()];
                if rels.contains("TargetMode=\"External\"") || target.starts_with("http") {
                    continue;
                }
                let mut path: Vec<&str> = if target.starts_with('/') {
                    vec![]
                } else {
                    dir.split('/').filter(|s| !s.is_empty()).collect()
                };
                for seg in target.trim_start_matches('/').split('/') {
                    match seg {
                        ".." => {
                            path.pop();
                        }
                        s => path.push(s),
                    }
                }
                let full = path.join("/");
                assert!(names.contains(full.as_str()), "{rels_name} points at {full}, which is missing");
            }
        }
    }
}

#[test]
fn picture_bullets_and_a_theme_with_pictures_do_not_leave_references_dangling() {
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    let tpl = edited(&exported("felles"), |mut p| {
        let bullet = r##"<w:numPicBullet w:numPicBulletId="0"><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="_x0000_i1025" type="#_x0000_t75" style="width:9pt;height:9pt"><v:imagedata xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></v:shape></w:pict></w:numPicBullet>"##;
        let ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">";
        replace_in(&mut p, "word/numbering.xml", ns, &format!("{ns}{bullet}"));
        replace_in(
            &mut p,
            "word/numbering.xml",
            "<w:lvlJc w:val=\"left\"/>",
            "<w:lvlPicBulletId w:val=\"0\"/><w:lvlJc w:val=\"left\"/>",
        );
        put(&mut p, "word/_rels/numbering.xml.rels", IMAGE_RELS.replace("TARGET", "media/kule.png"));
        let fill = r#"<a:bgFillStyleLst><a:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></a:blipFill>"#;
        replace_in(&mut p, "word/theme/theme1.xml", "<a:bgFillStyleLst>", fill);
        put(&mut p, "word/theme/_rels/theme1.xml.rels", IMAGE_RELS.replace("TARGET", "../media/tema.png"));
        put(&mut p, "word/media/kule.png", logo.clone());
        put(&mut p, "word/media/tema.png", logo.clone());
        replace_in(
            &mut p,
            "[Content_Types].xml",
            "<Default Extension=\"xml\"",
            "<Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"xml\"",
        );
        p
    });
    // The edited template is itself whole: the check below would see a break.
    no_dangling_references(&tpl);
    let case = Case::new("mal.dotx", &tpl, "");
    case.build();
    let docx = case.output("docx");
    no_dangling_references(&docx);
    let numbering = parts(&docx).into_iter().find(|(n, _)| n == "word/numbering.xml").unwrap().1;
    let numbering = String::from_utf8(numbering).unwrap();
    assert!(!numbering.contains("numPicBullet") && !numbering.contains("lvlPicBulletId"), "{numbering}");
    assert!(numbering.contains("w:lvlText"), "the levels keep their text bullets");
}

#[test]
fn ids_at_the_top_of_their_range_in_a_template_are_refused_not_overflowed() {
    let first_id = |p: &mut Vec<(String, Vec<u8>)>, part: &str, attr: &str, to: &str| {
        let text = String::from_utf8(p.iter().find(|(n, _)| n == part).unwrap().1.clone()).unwrap();
        let start = text.find(attr).unwrap() + attr.len();
        let end = start + text[start..].find('"').unwrap();
        let new = format!("{}{to}{}", &text[..start], &text[end..]);
        put(p, part, new);
    };
    for (attr, value) in [("w:abstractNumId=\"", "4294967295"), ("w:numId=\"", "4294967294")] {
        let tpl = edited(&exported("felles"), |mut p| {
            first_id(&mut p, "word/numbering.xml", attr, value);
            p
        });
        let e = Case::new("mal.dotx", &tpl, "").build_fails();
        assert_has(&e, &["mal.dotx", "Word-malen har et nummer som er for stort", value, "hjelp:"]);
    }
    // A picture in the template's header with the largest drawing id there is.
    let logo = std::fs::read(common::root().join("tests/fixtures/logo-eksempel.png")).unwrap();
    let tpl = edited(&exported("felles"), |mut p| {
        let drawing = r#"<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="4294967295" name="Bilde"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="0" name="b.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#;
        replace_in(&mut p, "word/header1.xml", "</w:p></w:hdr>", &format!("{drawing}</w:p></w:hdr>"));
        put(&mut p, "word/_rels/header1.xml.rels", IMAGE_RELS.replace("TARGET", "media/logo.png"));
        put(&mut p, "word/media/logo.png", logo.clone());
        replace_in(
            &mut p,
            "[Content_Types].xml",
            "<Default Extension=\"xml\"",
            "<Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"xml\"",
        );
        p
    });
    let e = Case::new("mal.dotx", &tpl, "").build_fails();
    assert_has(&e, &["Word-malen har et nummer som er for stort", "4294967295", "topp- eller bunnteksten"]);
}

#[test]
fn a_document_named_as_a_template_is_used_with_a_remark() {
    // Last year's plan saved as mal.dotx: a document, not a template.
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        replace_in(
            &mut p,
            "[Content_Types].xml",
            "wordprocessingml.template.main+xml",
            "wordprocessingml.document.main+xml",
        );
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let stderr = case.build();
    assert_has(
        &stderr,
        &[
            "advarsel: ",
            "«mal.dotx» er et Word-dokument (.docx) med navnet til en Word-mal",
            "ser bort fra teksten i dokumentet",
            "Word-mal (.dotx)",
        ],
    );
    // Its text stays out of the documents.
    assert!(!common::docx_text(&case.output("docx")).contains("Teksten her brukes ikke"));
    // The same file named .docx is what it says it is: no remark.
    let case = Case::new("mal.docx", &tpl, "");
    assert!(!case.build().contains("Word-dokument (.docx) med navnet"));
}

#[test]
fn every_style_property_the_pdf_does_not_draw_is_named_once_with_its_style() {
    // The Title with a rule under it, widened letters and kerning (as
    // Word 2010's Title has them), Heading 1 underlined and justified body text.
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        let styles = part(&zip_of(&p), "word/styles.xml");
        let title_at = styles.find("<w:name w:val=\"Title\"/>").unwrap();
        let ppr = styles[title_at..].find("<w:pPr>").unwrap() + title_at;
        let mut new = styles.clone();
        new.replace_range(
            ppr..ppr + "<w:pPr>".len(),
            "<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"4\" w:color=\"4F81BD\"/></w:pBdr>",
        );
        let rpr = new[title_at..].find("<w:rPr>").unwrap() + title_at;
        new.replace_range(
            rpr..rpr + "<w:rPr>".len(),
            "<w:rPr><w:spacing w:val=\"5\"/><w:kern w:val=\"28\"/>",
        );
        let h1_at = new.find("<w:name w:val=\"heading 1\"/>").unwrap();
        let rpr = new[h1_at..].find("<w:rPr>").unwrap() + h1_at;
        new.replace_range(rpr..rpr + "<w:rPr>".len(), "<w:rPr><w:u w:val=\"single\"/>");
        p.retain(|(n, _)| n != "word/styles.xml");
        p.push(("word/styles.xml".into(), new.into_bytes()));
        p
    });
    let case = Case::new("mal.dotx", &tpl, "");
    let stderr = case.build();
    for (style, what) in [
        ("Tittel", "kantlinjer"),
        ("Tittel", "tegnavstand (utvidet eller komprimert)"),
        ("Tittel", "kerning (tegnknipning)"),
        ("Overskrift 1", "understreking"),
    ] {
        let warning = format!("stilen «{style}» i Word-malen har {what}, som PDF-en ikke viser");
        assert_eq!(stderr.matches(&warning).count(), 1, "«{warning}» once in:\n{stderr}");
    }
    // Heading 2 inherits Heading 1's underlining only if it is based on it: it is not.
    assert!(!stderr.contains("«Overskrift 2» i Word-malen har"), "{stderr}");
    // The DOCX keeps them.
    let styles = part(&case.output("docx"), "word/styles.xml");
    assert_has(&styles, &["<w:kern w:val=\"28\"/>", "<w:u w:val=\"single\"/>", "<w:pBdr>"]);
}

#[test]
fn wordmal_bruk_gives_the_network_a_style_of_its_own_with_the_template() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_examples(&dir.path().join("data"), &["stavanger"]);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_arsplan"))
            .current_dir(dir.path())
            .arg("--maler")
            .arg(common::root().join("templates"))
            .args(args)
            .output()
            .unwrap()
    };
    let profile = dir.path().join("data/stavanger/nettverk.toml");
    let before = std::fs::read_to_string(&profile).unwrap();
    // The communication department's template: Helse Stavanger's, its Heading 1 in #8B1A4A.
    let tpl = edited(&exported("helse-stavanger"), |mut p| {
        let styles = part(&zip_of(&p), "word/styles.xml");
        let at = styles.find("<w:name w:val=\"heading 1\"/>").unwrap();
        let color = styles[at..].find("<w:color w:val=\"").unwrap() + at + "<w:color w:val=\"".len();
        let mut new = styles.clone();
        new.replace_range(color..color + 6, "8B1A4A");
        p.retain(|(n, _)| n != "word/styles.xml");
        p.push(("word/styles.xml".into(), new.into_bytes()));
        p
    });
    std::fs::write(dir.path().join("Helse Stavanger mal.dotx"), &tpl).unwrap();

    // Bad input first: nothing is written.
    std::fs::write(dir.path().join("tull.dotx"), b"ingen Word-fil").unwrap();
    let out = run(&["wordmal", "bruk", "tull.dotx", "--nettverk", "stavanger"]);
    assert_eq!(out.status.code(), Some(1));
    assert_has(&String::from_utf8_lossy(&out.stderr), &["tull.dotx", "er ikke en Word-fil"]);
    let out = run(&["wordmal", "bruk", "Helse Stavanger mal.dotx", "--nettverk", "finnesikke"]);
    assert_eq!(out.status.code(), Some(1));
    assert_has(&String::from_utf8_lossy(&out.stderr), &["nettverket «finnesikke» finnes ikke"]);
    assert!(!dir.path().join("data/stavanger/maler").exists());
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), before);

    let out = run(&["wordmal", "bruk", "Helse Stavanger mal.dotx", "--nettverk", "stavanger"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_has(
        &stdout,
        &["ny husstil «stavanger» som arver «helse-stavanger»", "arsplan build --nettverk stavanger"],
    );
    let style = dir.path().join("data/stavanger/maler/stavanger");
    assert_eq!(
        std::fs::read(style.join("Helse Stavanger mal.dotx")).unwrap(),
        tpl,
        "the template, copied in"
    );
    let stil = std::fs::read_to_string(style.join("stil.toml")).unwrap();
    assert_has(&stil, &["arv = \"helse-stavanger\"", "word_mal = \"Helse Stavanger mal.dotx\""]);
    // nettverk.toml: the one line, nothing else.
    let after = std::fs::read_to_string(&profile).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed, [("stil = \"helse-stavanger\"", "stil = \"stavanger\"")]);
    assert_eq!(before.lines().count(), after.lines().count());

    // The documents follow the template, without a warning.
    let out = run(&["build", "--nettverk", "stavanger", "--år", "2026"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("advarsel"), "{stderr}");
    let docx = std::fs::read(dir.path().join("output/stavanger/2026/arsplan-2026.docx")).unwrap();
    assert_has(&part(&docx, "word/styles.xml"), &["<w:color w:val=\"8B1A4A\"/>"]);
    assert_has(&part(&docx, "word/header1.xml"), &["Helse Stavanger"]);

    // Again, with a template of another name: only word_mal changes, in the network's own style.
    std::fs::write(dir.path().join("ny.dotx"), &tpl).unwrap();
    let out = run(&["wordmal", "bruk", "ny.dotx", "--nettverk", "stavanger"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stil2 = std::fs::read_to_string(style.join("stil.toml")).unwrap();
    let changed: Vec<(&str, &str)> = stil.lines().zip(stil2.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed, [("word_mal = \"Helse Stavanger mal.dotx\"", "word_mal = \"ny.dotx\"")]);
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), after);
}
