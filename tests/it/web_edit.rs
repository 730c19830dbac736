//! The year page's editing beyond a meeting's cells (issue 27, part A),
//! through the real server: a meeting added and deleted, the plan's outline
//! edited, moved, added to and deleted from, each changing only its rows
//! of moter.csv / plan.csv / plan.xlsx; the history of every save with
//! «Angre» that refuses to undo what later edits built on; the files'
//! fingerprints the page polls; and, with Chromium, all of it from the
//! keyboard with axe-core's checks.

use super::*;

fn year() -> &'static str {
    "/aar/stavanger/2026"
}

fn plan(dir: &Path) -> PathBuf {
    dir.join("data/stavanger/2026/plan.csv")
}

/// Posts a form the way a browser without script does (no JSON asked for).
fn post_form(s: &Server, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", s.csrf())];
    all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    s.request("POST", path, &[("Content-Type", "application/x-www-form-urlencoded")], Some(&form(&all)))
}

/// The page a redirect after a post leads to.
fn follow(s: &Server, r: &Reply) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    s.get(r.header("location").unwrap()).text()
}

/// The message on a page (the result banner).
fn banner(page: &str) -> String {
    let b = between(page, "id=\"resultat\"", "</div>");
    b.replace(['\n'], " ")
}

fn sha_of(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The plan form's sha256 on the year page.
fn plan_sha(page: &str) -> String {
    between(page, "class=\"plan-rediger\" data-sha=\"", "\"").to_string()
}

/// Posts an outline edit with the plan's current sha256, as the page does,
/// and returns the page it leads to.
fn outline_edit(s: &Server, fields: &[(&str, &str)]) -> String {
    let sha = plan_sha(&s.get(year()).text());
    let mut all = vec![("sha", sha.as_str())];
    all.extend_from_slice(fields);
    follow(s, &post_form(s, &format!("{}/plan", year()), &all))
}

/// The lines of a text file.
fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect()
}

/// The history's newest «Angre» number on the page.
fn newest_entry(page: &str) -> String {
    let part = between(page, "id=\"historikk\"", "</section>");
    between(part, "name=\"nr\" value=\"", "\"").to_string()
}

#[test]
fn a_meeting_is_added_at_the_end_and_deleted_after_asking_and_both_are_undone() {
    let dir = project();
    let s = Server::start(dir.path());
    follow(&s, &post_form(&s, &format!("{}/bygg", year()), &[]));
    let before = std::fs::read(moter(dir.path())).unwrap();
    let sha = sha_on(&s.get(year()).text());
    let r = post_form(
        &s,
        &format!("{}/mote/ny", year()),
        &[
            ("sha", &sha),
            ("Dato", "10.09.2026"),
            ("Type", "møte"),
            ("Tittel", "Ekstra møte om rus"),
            ("Sted", "Sola"),
        ],
    );
    let page = follow(&s, &r);
    // Plain words: where the meeting appears (this plan has the groups' meeting table), and its name for texts.
    let said = banner(&page);
    assert!(said.contains("navnet «ekstra_mote_om_rus» (velg det fra listen «Sett inn»)"), "{said}");
    assert!(
        said.contains("kalenderfilen") && said.contains("i møtetabellen i årsplanen") && !said.contains("{{"),
        "{said}"
    );
    let after = std::fs::read(moter(dir.path())).unwrap();
    // Only the new row: every byte before stays, the row is in the file's own form.
    assert!(after.starts_with(&before), "the rows before changed");
    assert_eq!(
        String::from_utf8_lossy(&after[before.len()..]),
        "ekstra_mote_om_rus;10.09.2026;møte;;;Ekstra møte om rus;;Sola\n"
    );
    // The same ID is not made twice.
    let sha = sha_on(&s.get(year()).text());
    let r = post_form(
        &s,
        &format!("{}/mote/ny", year()),
        &[("sha", &sha), ("Dato", "11.09.2026"), ("Type", "møte"), ("Tittel", "Ekstra møte om rus")],
    );
    assert!(banner(&follow(&s, &r)).contains("«ekstra_mote_om_rus_2»"));
    // A bad date: refused at the form, nothing written.
    let sha = sha_on(&s.get(year()).text());
    let now = std::fs::read(moter(dir.path())).unwrap();
    let r = post_form(
        &s,
        &format!("{}/mote/ny", year()),
        &[("sha", &sha), ("Dato", "31.02.2026"), ("Type", "møte")],
    );
    let page = follow(&s, &r);
    assert!(banner(&page).contains("den dagen finnes ikke"), "{}", banner(&page));
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), now);

    // Deleting asks first; nothing changes until she says yes.
    let row = row_of(dir.path(), "fagdag");
    let sha = sha_on(&s.get(year()).text());
    let ask = post_form(&s, &format!("{}/mote/slett", year()), &[("sha", &sha), ("rad", &row.to_string())]);
    assert_eq!(ask.status, 200);
    assert!(ask.text().contains("Slette møtet «fagdag» (12.11.2026, Årlig fagdag)"), "{}", ask.text());
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), now);
    let r = post_form(
        &s,
        &format!("{}/mote/slett", year()),
        &[("sha", &sha), ("rad", &row.to_string()), ("bekreft", "ja")],
    );
    let page = follow(&s, &r);
    assert!(banner(&page).contains("«fagdag» er slettet"), "{}", banner(&page));
    let gone = lines(&moter(dir.path()));
    assert!(!gone.iter().any(|l| l.starts_with("fagdag;")));
    assert_eq!(gone.len(), lines(&moter(dir.path())).len());

    // Undo the deletion, then the two additions, newest first: the file as
    // it was, byte for byte; each message stands at the history.
    undo_all(&s);
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), before);
    // The history beside the data is no input of the build: nothing to build again.
    let page = follow(&s, &post_form(&s, &format!("{}/bygg", year()), &[]));
    assert!(banner(&page).contains("ingenting er endret siden forrige bygging"), "{}", banner(&page));
}

/// Undoes every entry of the year's history that is neither undone nor an
/// undo itself, the newest first, checking each message and where it stands.
fn undo_all(s: &Server) {
    loop {
        let page = s.get(year()).text();
        let Some(nr) = history_numbers(&page).into_iter().find(|n| !page.contains(&format!("(nr. {n})")))
        else {
            break;
        };
        let page = follow(s, &post_form(s, &format!("{}/angre", year()), &[("nr", &nr), ("omfang", "aar")]));
        assert!(banner(&page).contains("Angret:"), "{}", banner(&page));
        assert!(page.find("id=\"resultat\"").unwrap() > page.find("id=\"historikk\"").unwrap());
    }
}

/// Every «Angre» button's entry number on the page, the newest first.
pub(super) fn history_numbers(page: &str) -> Vec<String> {
    let part = between(page, "id=\"historikk\"", "</section>");
    part.split("name=\"nr\" value=\"").skip(1).map(|p| p.split('"').next().unwrap().to_string()).collect()
}

#[test]
fn an_undo_refuses_when_a_later_edit_changed_the_same_cell_and_survives_a_restart() {
    let dir = project();
    let before = std::fs::read(moter(dir.path())).unwrap();
    let row = row_of(dir.path(), "fagdag");
    let first;
    {
        let s = Server::start(dir.path());
        assert_eq!(s.edit(year(), row, "Sted", "Sola").status, 200);
        first = newest_entry(&s.get(year()).text());
        assert_eq!(s.edit(year(), row, "Sted", "Bryne").status, 200);
        // An edit of another cell in another row after it.
        assert_eq!(s.edit(year(), 2, "Sted", "Ålgård").status, 200);
    }
    // After a restart the history is still there.
    let s = Server::start(dir.path());
    let page = s.get(year()).text();
    assert!(page.contains("Møtet «Årlig fagdag» (12. november): Sted endret"), "{page}");
    let r = post_form(&s, &format!("{}/angre", year()), &[("nr", &first), ("omfang", "aar")]);
    let page = follow(&s, &r);
    let b = banner(&page);
    assert!(b.contains("ble ikke angret") && b.contains("nå «Bryne»"), "{b}");
    assert!(lines(&moter(dir.path()))[row - 1].ends_with(";Bryne"));
    // Undoing the later one first, then the first: back to what it was.
    let numbers = history_numbers(&s.get(year()).text());
    assert_eq!(numbers.len(), 3);
    for nr in &numbers[1..] {
        let r = post_form(&s, &format!("{}/angre", year()), &[("nr", nr), ("omfang", "aar")]);
        assert!(banner(&follow(&s, &r)).contains("Angret:"));
    }
    // The intro row keeps «Ålgård»: only the fagdag's cell went back.
    let want = String::from_utf8(before).unwrap().replacen(
        "\nintro;29.01.2026;introduksjonskurs;;felles;Fagdag for nye ressurspersoner og ledere;;\n",
        "\nintro;29.01.2026;introduksjonskurs;;felles;Fagdag for nye ressurspersoner og ledere;;Ålgård\n",
        1,
    );
    assert_eq!(std::fs::read_to_string(moter(dir.path())).unwrap(), want);
    assert!(dir.path().join("data/stavanger/2026/.historikk").is_dir());
}

#[test]
fn the_outline_is_edited_moved_added_to_and_deleted_from_row_by_row_and_undone() {
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let original = std::fs::read(&path).unwrap();
    let rows = lines(&path);
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let act = |fields: &[(&str, &str)]| banner(&outline_edit(&s, fields));
    // Edit a sub-goal: its text and innsatsområder; only that line changes.
    let r = row_of_text("Det gode pasientforløp;sykepleier;1.8");
    let b = act(&[
        ("handling", "endre"),
        ("rad", &r.to_string()),
        ("f_Nivå", "delmål"),
        ("f_Tekst", "Det gode pasientforløpet"),
        ("f_Gjelder", "sykepleier"),
        ("innsats", ""),
        ("innsats_1.8", "ja"),
        ("innsats_2.1", "ja"),
    ]);
    assert!(b.contains("Lagret i plan.csv"), "{b}");
    let now = lines(&path);
    assert_eq!(now[r - 1], "delmål;Det gode pasientforløpet;sykepleier;1.8, 2.1");
    let diff: Vec<usize> = (0..rows.len()).filter(|i| rows[*i] != now[*i]).collect();
    assert_eq!(diff, vec![r - 1]);

    // Move that sub-goal up: it swaps with the sub-goal before it, activities and all.
    let b = act(&[("handling", "opp"), ("rad", &r.to_string())]);
    assert!(b.contains("flyttet opp"), "{b}");
    let moved = lines(&path);
    let prev_block = r - row_of_text_in(&rows, "Styrke kompetanse om palliasjon ved rusavhengighet");
    assert_eq!(moved[r - 1 - prev_block], "delmål;Det gode pasientforløpet;sykepleier;1.8, 2.1");
    assert_eq!(moved.len(), rows.len());
    let mut a = moved.clone();
    let mut b2 = now.clone();
    a.sort();
    b2.sort();
    assert_eq!(a, b2, "a move only reorders lines");
    // And down again: the file as before the move.
    let up = row_of_text("Det gode pasientforløpet");
    let b = act(&[("handling", "ned"), ("rad", &up.to_string())]);
    assert!(b.contains("flyttet ned"), "{b}");
    assert_eq!(lines(&path), now);
    // The first sub-goal under its goal cannot go further up; said so, nothing written.
    let first = row_of_text("Styrke kompetansen i etiske og juridiske aspekter");
    let b = act(&[("handling", "opp"), ("rad", &first.to_string())]);
    assert!(b.contains("står alt øverst"), "{b}");
    assert_eq!(lines(&path), now);
    let b = act(&[("handling", "opp"), ("rad", &r.to_string())]);
    assert!(b.contains("flyttet opp"), "{b}");
    assert_eq!(lines(&path), moved);

    // Add an activity after the sub-goal (it becomes its last activity), then delete it after asking.
    let r = row_of_text("Det gode pasientforløpet");
    let b = act(&[
        ("handling", "legg_til"),
        ("rad", &r.to_string()),
        ("f_Nivå", "aktivitet"),
        ("f_Tekst", "Ny aktivitet fra nettsiden"),
        ("f_Gjelder", ""),
        ("innsats", ""),
    ]);
    assert!(b.contains("Aktiviteten «Ny aktivitet fra nettsiden» lagt til under delmål 1.3"), "{b}");
    let added = row_of_text("Ny aktivitet fra nettsiden");
    assert_eq!(lines(&path)[added - 1], "aktivitet;Ny aktivitet fra nettsiden;;");
    assert_eq!(
        lines(&path)[added],
        "delmål;Styrke kompetanse om palliasjon ved rusavhengighet;fysio/ergo;2.5"
    );
    let sha = plan_sha(&s.get(year()).text());
    let ask = post_form(
        &s,
        &format!("{}/plan", year()),
        &[("sha", &sha), ("handling", "slett"), ("rad", &added.to_string())],
    );
    assert!(follow(&s, &ask).contains("Slette «Ny aktivitet fra nettsiden» fra planen?"), "{}", ask.text());
    let b = act(&[("handling", "slett"), ("rad", &added.to_string()), ("bekreft", "ja")]);
    assert!(b.contains("Aktiviteten «Ny aktivitet fra nettsiden» under delmål 1.3"), "{b}");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("Ny aktivitet"));

    // Move an activity to another sub-goal: it goes last under it.
    let act_row = row_of_text("Kreftkoordinator deler erfaringer");
    let target = row_of_text("Økt kunnskap om palliasjon til personer med demens");
    let b = act(&[("handling", "flytt"), ("rad", &act_row.to_string()), ("til", &target.to_string())]);
    assert!(
        b.contains(
            "flyttet fra delmål 1.3 «Det gode pasientforløpet» til delmål 1.5 «Økt kunnskap om palliasjon"
        ),
        "{b}"
    );
    let now = lines(&path);
    let t = row_of_text("Økt kunnskap om palliasjon til personer med demens");
    assert_eq!(now[t + 2], "aktivitet;Kreftkoordinator deler erfaringer / case fra ulike forløp;;");
    // A wrong level or a sub-goal without text is refused with the reason.
    let b = act(&[("handling", "endre"), ("rad", &t.to_string()), ("f_Nivå", "kapittel"), ("f_Tekst", "")]);
    assert!(b.contains("«kapittel» er ikke et nivå") && b.contains("teksten mangler"), "{b}");

    // Every change undone, newest first: the file as it was, byte for byte.
    undo_all(&s);
    assert_eq!(std::fs::read(&path).unwrap(), original);
}

fn row_of_text_in(rows: &[String], t: &str) -> usize {
    rows.iter().position(|l| l.contains(t)).unwrap() + 1
}

#[test]
fn the_new_forms_need_the_csrf_token_and_the_page_sees_a_file_changed_elsewhere() {
    let dir = project();
    let s = Server::start(dir.path());
    let before = std::fs::read(moter(dir.path())).unwrap();
    for path in ["mote/ny", "mote/slett", "plan", "angre"] {
        let body = form(&[
            ("csrf", "feil".into()),
            ("rad", "2".into()),
            ("bekreft", "ja".into()),
            ("Dato", "01.01.2026".into()),
        ]);
        let r = s.request(
            "POST",
            &format!("{}/{path}", year()),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some(&body),
        );
        assert_eq!(r.status, 403, "{path}");
        // From another site: refused by the guard.
        let body = form(&[("csrf", s.csrf()), ("rad", "2".into())]);
        let r = s.request(
            "POST",
            &format!("{}/{path}", year()),
            &[("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "http://evil.example")],
            Some(&body),
        );
        assert_eq!(r.status, 403, "{path}");
    }
    assert_eq!(std::fs::read(moter(dir.path())).unwrap(), before);
    // The fingerprints the page polls follow the files.
    let f = s.get(&format!("{}/filer.json", year())).json();
    assert_eq!(f["moter"], sha_of(&moter(dir.path())));
    assert_eq!(f["plan"], sha_of(&plan(dir.path())));
    std::fs::write(
        plan(dir.path()),
        std::fs::read_to_string(plan(dir.path())).unwrap().replace("Kompetanse;", "Kompetanse i Excel;"),
    )
    .unwrap();
    let g = s.get(&format!("{}/filer.json", year())).json();
    assert_ne!(f["plan"], g["plan"]);
    assert_eq!(f["moter"], g["moter"]);
    // An edit made from a page read before the change is refused, the file kept.
    let sha = f["plan"].as_str().unwrap();
    let changed = std::fs::read(plan(dir.path())).unwrap();
    let r = post_form(&s, &format!("{}/plan", year()), &[("sha", sha), ("handling", "opp"), ("rad", "5")]);
    assert!(banner(&follow(&s, &r)).contains("endret et annet sted"));
    assert_eq!(std::fs::read(plan(dir.path())).unwrap(), changed);
    // Markup typed in a plan's text is shown as text.
    let sha = plan_sha(&s.get(year()).text());
    let r = post_form(
        &s,
        &format!("{}/plan", year()),
        &[
            ("sha", &sha),
            ("handling", "legg_til"),
            ("f_Nivå", "område"),
            ("f_Tekst", "<script>alert(1)</script>"),
        ],
    );
    let page = follow(&s, &r);
    assert!(!page.contains("<script>alert(1)"), "escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;"), "shown as text");
    // «Legg til nederst»: the last line of the file.
    assert_eq!(lines(&plan(dir.path())).last().unwrap(), "område;<script>alert(1)</script>;;");
}

/// plan.csv as a workbook (sheet «Plan», a second sheet, a validation over
/// column A and a bold header), for the row edits in a workbook.
fn plan_workbook(csv: &Path, xlsx: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let text = std::fs::read_to_string(csv).unwrap();
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("Plan").unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            if r == 0 {
                ws.write_string_with_format(r as u32, c as u16, cell, &bold).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let levels = rust_xlsxwriter::DataValidation::new()
        .allow_list_strings(&["område", "mål", "delmål", "aktivitet"])
        .unwrap();
    ws.add_data_validation(1, 0, 300, 0, &levels).unwrap();
    let notes = book.add_worksheet();
    notes.set_name("Notater").unwrap();
    notes.write_string(0, 0, "Husk møtet").unwrap();
    book.save(xlsx).unwrap();
}

#[test]
#[ignore = "needs python3 with openpyxl"]
fn the_outline_in_plan_xlsx_is_edited_row_by_row_keeping_the_rest() {
    common::need("python3", &["-c", "import openpyxl"]);
    let dir = project();
    let csv = plan(dir.path());
    let xlsx = csv.with_extension("xlsx");
    plan_workbook(&csv, &xlsx);
    let rows = lines(&csv);
    std::fs::remove_file(&csv).unwrap();
    let original = std::fs::read(&xlsx).unwrap();
    let s = Server::start(dir.path());
    let act = |fields: &[(&str, &str)]| banner(&outline_edit(&s, fields));
    let row = |t: &str| rows.iter().position(|l| l.contains(t)).unwrap() + 1;
    let r = row("Det gode pasientforløp;");
    assert!(act(&[("handling", "opp"), ("rad", &r.to_string())]).contains("flyttet opp"));
    // After the first area and all it owns.
    assert!(act(&[("handling", "legg_til"), ("rad", "2"), ("f_Nivå", "mål"), ("f_Tekst", "Et nytt mål")])
        .contains("lagt til"));
    // What openpyxl reads: the rows, the header still bold, the other sheet
    // and the validation kept (its range follows the rows).
    let read = || -> serde_json::Value {
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                "import json, sys, openpyxl\n\
                 wb = openpyxl.load_workbook(sys.argv[1])\n\
                 ws = wb['Plan']\n\
                 rows = [[c if c is not None else '' for c in r] for r in ws.iter_rows(values_only=True)]\n\
                 print(json.dumps({'rows': [';'.join(r[:4]) for r in rows], 'bold': ws['A1'].font.b, 'sheets': wb.sheetnames,\n\
                   'notes': wb['Notater']['A1'].value, 'dv': [str(d.sqref) for d in ws.data_validations.dataValidation]}))",
            )
            .arg(&xlsx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // A row inserted inside the validated range widens it by one.
    assert_eq!(read()["dv"], serde_json::json!(["A2:A302"]));
    let r = row("Tema for årlig fagdag");
    assert!(act(&[("handling", "slett"), ("rad", &r.to_string()), ("bekreft", "ja")]).contains("slettet"));
    let got = read();
    let mut want: Vec<String> = rows.clone();
    let r = row("Det gode pasientforløp;");
    let p = row("Styrke kompetanse om palliasjon ved rusavhengighet");
    // The sub-goal and its five activities go before the one before it (and its two).
    let block: Vec<String> = want.drain(r - 1..r - 1 + 6).collect();
    for (k, l) in block.into_iter().enumerate() {
        want.insert(p - 1 + k, l);
    }
    let second_area = want.iter().position(|l| l == "område;Kompetanse;;").unwrap();
    want.insert(second_area, "mål;Et nytt mål;;".into());
    let t = want.iter().position(|l| l.contains("Tema for årlig fagdag")).unwrap();
    want.remove(t);
    let got_rows: Vec<String> =
        got["rows"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(got_rows, want);
    assert_eq!(got["bold"], true);
    assert_eq!(got["sheets"], serde_json::json!(["Plan", "Notater"]));
    assert_eq!(got["notes"], "Husk møtet");
    assert_eq!(got["dv"], serde_json::json!(["A2:A301"]));
    // Undo everything: the rows as they were, every part but the sheet byte for byte as before.
    undo_all(&s);
    let back: Vec<String> =
        read()["rows"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(back, rows);
    assert_eq!(read()["dv"], serde_json::json!(["A2:A301"]));
    let zip_entries = |b: &[u8]| {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(b.to_vec())).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut v = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut v).unwrap();
                (f.name().to_string(), v)
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (zip_entries(&original), zip_entries(&std::fs::read(&xlsx).unwrap()));
    for ((na, va), (nb, vb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        if na != "xl/worksheets/sheet1.xml" {
            assert_eq!(va, vb, "{na}");
        }
    }
}

#[test]
#[ignore = "needs chromium, chromium-driver, python3 selenium and axe-core"]
fn in_a_real_browser_the_year_is_edited_by_keyboard_undone_and_follows_excel() {
    let (_one, axe) = common::browser_test("selenium", true);
    let dir = project();
    let s = Server::start(dir.path());
    let shots = tempfile::Builder::new().prefix("arsplan-nettplan-").tempdir().unwrap().keep();
    let out = Command::new("python3")
        .arg(common::root().join("tests/fixtures/web/plan_browser.py"))
        .arg(format!("http://{}/?token={}", s.host(), s.token))
        .arg(&shots)
        .arg(&axe)
        .arg(dir.path().join("data/stavanger/2026"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    let text = |k: &str| r[k].as_str().unwrap_or_else(|| panic!("{k}: {r}")).to_string();
    assert_eq!(text("new_meeting_first_field"), "ny-dato");
    assert!(text("added").contains("«ekstra_mote_om_rus»"), "{r}");
    assert!(text("confirm").contains("Slette møtet «ekstra_mote_om_rus»"), "{r}");
    assert!(text("deleted").contains("er slettet"), "{r}");
    assert_eq!(r["meeting_gone"], true);
    assert!(
        text("undone").starts_with("Angret: Møtet «Ekstra møte om rus» (10. september) lagt tilbake"),
        "{r}"
    );
    assert_eq!(r["meeting_back"], true);
    assert_eq!(r["banner_at_history"], true);
    // The coverage went up by one as the box was ticked, before saving.
    let cov = r["coverage_live"].as_array().unwrap();
    let n = |s: &str| s.split(' ').find_map(|w| w.parse::<usize>().ok()).unwrap();
    assert_eq!(n(cov[1].as_str().unwrap()), n(cov[0].as_str().unwrap()) + 1, "{r}");
    assert!(text("plan_edited").contains("Innsatsområder"), "{r}");
    assert!(text("moved").contains("flyttet opp"), "{r}");
    assert!(text("moved_down").contains("flyttet ned"), "{r}");
    // The sub-goal chosen by arrow key is the one the activity went to.
    let choice = text("move_to_choice");
    let to = choice.split_once(": ").unwrap().1.trim_end_matches(" …").to_string();
    assert!(text("moved_to").contains(" til delmål ") && text("moved_to").contains(&to[..20]), "{r}");
    assert!(
        text("added_activity").contains("Aktiviteten «Ny aktivitet fra nettsiden» lagt til under delmål"),
        "{r}"
    );
    assert!(
        text("deleted_activity").contains("Aktiviteten «Ny aktivitet fra nettsiden» under delmål"),
        "{r}"
    );
    assert!(text("refused").contains("nå «Bryne»"), "{r}");
    assert!(text("refused_kind").contains("feil"), "{r}");
    assert!(text("other_window").contains("endret utenfor denne siden"), "{r}");
    assert_eq!(r["zoom_page_overflows"], false, "{r}");
    assert_eq!(r["zoom_history_together"], true, "{r}");
    // The page light (the items' forms fetched as they open), an item's own page for no script.
    assert!(r["page_bytes"].as_u64().unwrap() < 350_000, "{r}");
    assert!(text("item_page").starts_with("Delmål"), "{r}");
    // At 1366×768 the meetings table fits its frame, as a table.
    let laptop = &r["laptop_meetings"];
    assert_eq!(laptop["inner"], 1366, "{r}");
    assert_eq!(laptop["table"], true, "{r}");
    assert!(laptop["columns"].as_u64().unwrap() >= 10, "{r}");
    assert!(laptop["scroll"].as_u64().unwrap() <= laptop["client"].as_u64().unwrap(), "{r}");
    // At 200 % each meeting is a card, every field on screen.
    let zoom = &r["zoom_meetings"];
    assert!(zoom["fields"].as_u64().unwrap() > 20, "{r}");
    assert!(zoom["scroll"].as_u64().unwrap() <= zoom["client"].as_u64().unwrap(), "{r}");
    assert_eq!(r["row_named_at_slett"], true, "{r}");
    assert_eq!(r["stale_shows_typed"], true, "{r}");
    assert_eq!(r["stale_stays_after_enter"], true, "{r}");
    assert_eq!(r["stale_not_excel_only"], true, "{r}");
    for (page, violations) in r["axe"].as_object().unwrap() {
        assert_eq!(violations.as_array().unwrap().len(), 0, "{page}: {violations}");
    }
    // The files as independent readers see them: python's csv module.
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import csv, json, sys\n\
             rows = lambda p: list(csv.reader(open(p, encoding='utf-8', newline=''), delimiter=';'))\n\
             print(json.dumps({'plan': rows(sys.argv[1]), 'moter': rows(sys.argv[2])}, ensure_ascii=False))",
        )
        .arg(plan(dir.path()))
        .arg(moter(dir.path()))
        .output()
        .unwrap();
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan_rows = files["plan"].as_array().unwrap();
    let edited = plan_rows.iter().find(|r| r[1] == "Det gode pasientforløp for alle").unwrap();
    assert_eq!(edited[0], "delmål");
    let ids = edited[3].as_str().unwrap();
    assert!(ids.contains("1.8") && ids.contains(&text("ticked")), "{edited}");
    assert!(!plan_rows.iter().any(|r| r[1] == "Ny aktivitet fra nettsiden"));
    let moter_rows = files["moter"].as_array().unwrap();
    let extra = moter_rows.iter().find(|r| r[0] == "ekstra_mote_om_rus").unwrap();
    assert_eq!(extra[1], "10.09.2026");
    assert_eq!(extra[2], "møte");
    assert_eq!(extra[5], "Ekstra møte om rus");
    for shot in r["screenshots"].as_array().unwrap() {
        let p = PathBuf::from(shot.as_str().unwrap());
        assert!(std::fs::metadata(&p).unwrap().len() > 5_000, "{}", p.display());
        println!("screenshot: {}", p.display());
    }
}

#[test]
#[ignore = "needs python3 with openpyxl"]
fn a_meeting_added_to_and_deleted_from_moter_xlsx_keeps_the_rest_of_the_workbook() {
    common::need("python3", &["-c", "import openpyxl"]);
    let dir = project();
    let csv = moter(dir.path());
    let xlsx = csv.with_extension("xlsx");
    meetings_workbook(&csv, &xlsx);
    let fagdag = row_of(dir.path(), "fagdag");
    std::fs::remove_file(&csv).unwrap();
    let s = Server::start(dir.path());
    let read = || -> serde_json::Value {
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                "import json, sys, openpyxl\n\
                 wb = openpyxl.load_workbook(sys.argv[1])\n\
                 ws = wb['Møter']\n\
                 rows = [[str(c.value) if c.value is not None else '' for c in r] for r in ws.iter_rows()]\n\
                 last = ws.max_row\n\
                 print(json.dumps({'rows': rows, 'last_date_format': ws.cell(last, 2).number_format, 'last_is_date': ws.cell(last, 2).is_date,\n\
                   'formula': wb['Notater']['A3'].value, 'dv': [str(d.sqref) for d in ws.data_validations.dataValidation]}))",
            )
            .arg(&xlsx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = read();
    let sha = sha_on(&s.get(year()).text());
    let page = follow(
        &s,
        &post_form(
            &s,
            &format!("{}/mote/ny", year()),
            &[("sha", &sha), ("Dato", "10.09.2026"), ("Type", "møte"), ("Tittel", "Ekstra møte")],
        ),
    );
    assert!(banner(&page).contains("«ekstra_mote»"), "{}", banner(&page));
    let added = read();
    let rows = added["rows"].as_array().unwrap();
    assert_eq!(rows.len(), before["rows"].as_array().unwrap().len() + 1);
    let last = rows.last().unwrap();
    assert_eq!(last[0], "ekstra_mote");
    assert_eq!(last[1], "2026-09-10 00:00:00", "a real date: {last}");
    assert_eq!(added["last_is_date"], true);
    assert_eq!(added["last_date_format"], "dd.mm.yyyy");
    assert_eq!(added["formula"], "=A2*2");
    assert_eq!(added["dv"], serde_json::json!(["C2:C502"]));
    // Deleting a row in the middle moves the rows under it up, and the validation with them.
    let sha = sha_on(&s.get(year()).text());
    let page = follow(
        &s,
        &post_form(
            &s,
            &format!("{}/mote/slett", year()),
            &[("sha", &sha), ("rad", &fagdag.to_string()), ("bekreft", "ja")],
        ),
    );
    assert!(banner(&page).contains("«fagdag» er slettet"), "{}", banner(&page));
    let deleted = read();
    let mut want = added["rows"].as_array().unwrap().clone();
    want.remove(fagdag - 1);
    assert_eq!(deleted["rows"].as_array().unwrap(), &want);
    assert_eq!(deleted["dv"], serde_json::json!(["C2:C501"]));
    undo_all(&s);
    assert_eq!(read()["rows"], before["rows"]);
}

/// An outline item's forms as «Endre eller flytt» (`endre`) or «Legg til
/// etter» (`legg_til`) loads them: the address the year page gives.
fn item_part(s: &Server, page: &str, row: usize, part: &str) -> String {
    let item = item_at(page, row);
    let end = item.find(&format!("&amp;del={part}\"")).unwrap_or_else(|| panic!("{item}"));
    let start = item[..end].rfind("data-del=\"").unwrap() + "data-del=\"".len();
    let url = item[start..end].to_string().replace("&amp;", "&").replace("&#x2f;", "/");
    let r = s.get(&format!("{url}&del={part}&bit=1"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.text()
}

/// The part of the year page that is the plan item at `row`.
fn item_at(page: &str, row: usize) -> String {
    let start = format!("<li id=\"punkt-{row}\"");
    let i = page.find(&start).unwrap_or_else(|| panic!("no item at row {row}"));
    let rest = &page[i..];
    rest[..rest.find("</li>\n").unwrap_or(rest.len())].to_string()
}

#[test]
fn an_outline_save_is_checked_at_once_its_message_stands_at_the_item_and_adding_after_offers_the_level_below()
{
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let page = s.get(year()).text();
    assert!(page.contains("Ingen feil"), "the fixture starts without errors");
    // «Legg til etter» on a goal offers a sub-goal first, chosen.
    let goal = row_of_text("mål;Bidra til at helse- og omsorgstilbudet");
    let levels =
        between(&item_part(&s, &page, goal, "legg_til"), &format!("id=\"l{goal}-niva\""), "</select>")
            .to_string();
    let first = between(&levels, "<option", "</option>");
    assert!(first.contains("value=\"delmål\" selected"), "{levels}");

    // A sub-goal made a goal: its activities stand under no sub-goal. The page
    // says so at once, at the activity, naming it.
    let sub = row_of_text("Styrke kompetansen i etiske og juridiske aspekter");
    let r = post_form(
        &s,
        &format!("{}/plan", year()),
        &[
            ("sha", &plan_sha(&page)),
            ("handling", "endre"),
            ("rad", &sub.to_string()),
            ("f_Nivå", "mål"),
            ("f_Tekst", "Styrke kompetansen i etiske og juridiske aspekter"),
            ("innsats", ""),
        ],
    );
    let page = follow(&s, &r);
    assert!(!page.contains("Ingen feil"), "the badge must not promise no errors");
    assert!(page.contains("<span class=\"merke feil\">2 feil</span>"));
    let at = item_at(&page, sub + 1);
    assert!(
        at.contains("aktiviteten «Tema for årlig fagdag» står ikke under et delmål"),
        "{at}\n{}",
        between(&page, "id=\"diagnoser\"", "</section>")
    );
    // The result banner stands at the item, where the page scrolls.
    assert!(r.header("location").unwrap().ends_with(&format!("#punkt-{sub}")));
    assert!(item_at(&page, sub).contains("id=\"resultat\""));

    // Following the help: a sub-goal added after that goal goes right under it and owns the activities.
    let r = post_form(
        &s,
        &format!("{}/plan", year()),
        &[
            ("sha", &plan_sha(&page)),
            ("handling", "legg_til"),
            ("rad", &sub.to_string()),
            ("f_Nivå", "delmål"),
            ("f_Tekst", "Nytt delmål"),
        ],
    );
    let page = follow(&s, &r);
    assert_eq!(row_of_text("Nytt delmål"), sub + 1);
    assert!(page.contains("Ingen feil"), "{}", banner(&page));
    let at = item_at(&page, sub + 1);
    assert!(
        at.contains("id=\"resultat\"")
            && at.contains("Delmålet «Nytt delmål» lagt til under mål 1.2 «Styrke kompetansen i etiske"),
        "{at}"
    );
}

#[test]
fn flytt_til_preselects_where_the_item_stands_and_moving_there_changes_nothing() {
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let page = s.get(year()).text();
    let activity = row_of_text("Kreftkoordinator deler erfaringer");
    let sub_goal = row_of_text("delmål;Det gode pasientforløp;");
    let part = item_part(&s, &page, activity, "endre");
    let select = between(&part, &format!("id=\"til-{activity}\""), "</select>").to_string();
    let chosen = between(&select, "selected>", "</option>");
    assert!(chosen.contains("Det gode pasientforløp") && chosen.contains("(der det står nå)"), "{select}");
    assert!(select.contains(&format!("value=\"{sub_goal}\" selected")), "{select}");
    let before = std::fs::read(&path).unwrap();
    let r = post_form(
        &s,
        &format!("{}/plan", year()),
        &[
            ("sha", &plan_sha(&page)),
            ("handling", "flytt"),
            ("rad", &activity.to_string()),
            ("til", &sub_goal.to_string()),
        ],
    );
    let b = banner(&follow(&s, &r));
    assert!(b.contains("ingenting er flyttet") && b.contains("Det gode pasientforløp"), "{b}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn undoing_an_added_area_that_later_items_stand_under_is_refused_and_the_history_says_what_moved() {
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let act = |fields: &[(&str, &str)]| outline_edit(&s, fields);
    let undo =
        |nr: &str| follow(&s, &post_form(&s, &format!("{}/angre", year()), &[("nr", nr), ("omfang", "aar")]));
    let original = std::fs::read(&path).unwrap();
    act(&[("handling", "legg_til"), ("f_Nivå", "område"), ("f_Tekst", "Samhandling")]);
    let area_entry = newest_entry(&s.get(year()).text());
    let area = row_of_text("område;Samhandling");
    act(&[
        ("handling", "legg_til"),
        ("rad", &area.to_string()),
        ("f_Nivå", "mål"),
        ("f_Tekst", "Bedre overganger"),
    ]);
    let goal_entry = newest_entry(&s.get(year()).text());
    let with_goal = std::fs::read(&path).unwrap();
    // Undoing the area alone would put the goal under the area before it: refused, said why.
    let page = undo(&area_entry);
    let b = banner(&page);
    assert!(b.contains("«Samhandling» har fått 1 underpunkt senere"), "{b}");
    assert_eq!(std::fs::read(&path).unwrap(), with_goal);
    // The goal first, then the area: the file as it was.
    undo(&goal_entry);
    let b = banner(&undo(&area_entry));
    assert!(b.contains("Angret: Området «Samhandling» fjernet igjen"), "{b}");
    assert_eq!(std::fs::read(&path).unwrap(), original);
    // Undoing the undo brings it back, said so.
    let page = s.get(year()).text();
    let b = banner(&undo(&newest_entry(&page)));
    assert!(
        b.contains("Gjort igjen: Området «Samhandling» lagt til") && !b.contains("Angret: Angret"),
        "{b}"
    );

    // A move says what moved and where, not row numbers.
    let sub = row_of_text("Det gode pasientforløp;");
    let page = act(&[("handling", "opp"), ("rad", &sub.to_string())]);
    let history = between(&page, "id=\"historikk\"", "</section>").to_string();
    assert!(
        history.contains("etter «Styrke kompetanse om palliasjon ved rusavhengighet»")
            && history.contains("foran «Styrke kompetanse om palliasjon ved rusavhengighet»"),
        "{history}"
    );
    assert!(!history.contains("<td>rad "), "{history}");
}

#[test]
fn the_years_settings_saved_from_the_page_are_in_the_history_and_undone() {
    let dir = project();
    let s = Server::start(dir.path());
    let toml = dir.path().join("data/stavanger/2026/plan.toml");
    let before = std::fs::read(&toml).unwrap();
    let (tittel, dato) = ("ÅRSPLAN {{ år }}", "15.01.2026");
    let r = post_form(
        &s,
        &format!("{}/innstillinger", year()),
        &[("tittel", tittel), ("dato", dato), ("innledning", "Et nytt avsnitt fra nettsiden.")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_ne!(std::fs::read(&toml).unwrap(), before);
    let page = s.get(year()).text();
    let history = between(&page, "id=\"historikk\"", "</section>").to_string();
    assert!(history.contains("Innstillinger for 2026"), "{history}");
    let b = banner(&follow(
        &s,
        &post_form(&s, &format!("{}/angre", year()), &[("nr", &newest_entry(&page)), ("omfang", "aar")]),
    ));
    assert!(b.contains("Angret: Innstillinger for 2026"), "{b}");
    assert_eq!(std::fs::read(&toml).unwrap(), before);
}

#[test]
fn a_delete_question_reached_again_by_back_or_reload_refers_to_the_same_item_or_says_it_is_gone() {
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let page = s.get(year()).text();
    let row = row_of_text("Kreftkoordinator deler erfaringer");
    let key = between(&item_at(&page, row), "name=\"punkt\" value=\"", "\"").to_string();
    assert_eq!(key.len(), 16);
    // The first post redirects to the question (a GET: Back and reload do not resubmit).
    let ask = post_form(
        &s,
        &format!("{}/plan", year()),
        &[("sha", &plan_sha(&page)), ("handling", "slett"), ("rad", &row.to_string()), ("punkt", &key)],
    );
    let question_url = ask.header("location").unwrap().to_string();
    assert!(question_url.starts_with(&format!("{}/plan/slett?", year())), "{question_url}");
    let question = s.get(&question_url).text();
    assert!(question.contains("Slette «Kreftkoordinator deler erfaringer"), "{question}");
    let confirm_fields: Vec<(String, String)> = question
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|p| {
            let name = p.split('"').next().unwrap().to_string();
            (name, between(p, "value=\"", "\"").to_string())
        })
        .filter(|(n, _)| n != "csrf")
        .collect();
    let fields: Vec<(&str, &str)> = confirm_fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let b = banner(&follow(&s, &post_form(&s, &format!("{}/plan", year()), &fields)));
    assert!(
        b.contains("Aktiviteten «Kreftkoordinator")
            && b.contains("under delmål 1.4 «Det gode pasientforløp» slettet"),
        "{b}"
    );
    let after = std::fs::read(&path).unwrap();
    // Back to the question: the row now holds another item; the page says the item is gone.
    let again = s.get(&question_url).text();
    assert!(again.contains("står ikke lenger på denne plassen") && !again.contains("Ja, slett"), "{again}");
    // And «Ja, slett» posted again from a stale page is refused, nothing deleted.
    let b = banner(&follow(&s, &post_form(&s, &format!("{}/plan", year()), &fields)));
    assert!(b.contains("står ikke lenger på denne plassen"), "{b}");
    assert_eq!(std::fs::read(&path).unwrap(), after);
}

/// The year's history table as a leader reads it: each entry's Hva, Før
/// and Etter, tags taken out, the newest first.
fn history_table(page: &str) -> Vec<[String; 3]> {
    let part = between(page, "id=\"historikk-aar\"", "</table>");
    let cell = |row: &str, name: &str| {
        let td = between(row, &format!("data-felt=\"{name}\">"), "</td>");
        let mut text = String::new();
        let mut in_tag = false;
        for c in td.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&#x2f;", "/").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    part.split("<tr id=\"endring-aar-")
        .skip(1)
        .map(|row| [cell(row, "Hva"), cell(row, "Før"), cell(row, "Etter")])
        .collect()
}

#[test]
fn the_history_says_in_plain_words_what_was_added_moved_and_deleted_and_where() {
    let dir = project();
    let s = Server::start(dir.path());
    let path = plan(dir.path());
    let row_of_text = |t: &str| lines(&path).iter().position(|l| l.contains(t)).unwrap() + 1;
    let act = |fields: &[(&str, &str)]| outline_edit(&s, fields);
    // An activity added after a sub-goal's last one, then moved to another sub-goal, then deleted.
    let sub = row_of_text("delmål;Styrke kompetanse om dyspnoe");
    act(&[
        ("handling", "legg_til"),
        ("rad", &sub.to_string()),
        ("f_Nivå", "aktivitet"),
        ("f_Tekst", "Fagdag om smerte"),
        ("f_Gjelder", "felles"),
    ]);
    let added = row_of_text("aktivitet;Fagdag om smerte");
    let target = row_of_text("delmål;Økt kunnskap om palliasjon til personer med demens");
    act(&[("handling", "flytt"), ("rad", &added.to_string()), ("til", &target.to_string())]);
    let moved = row_of_text("aktivitet;Fagdag om smerte");
    act(&[("handling", "slett"), ("rad", &moved.to_string()), ("bekreft", "ja")]);
    // A meeting added and deleted.
    let sha = sha_on(&s.get(year()).text());
    follow(
        &s,
        &post_form(
            &s,
            &format!("{}/mote/ny", year()),
            &[("sha", &sha), ("Dato", "12.03.2026"), ("Type", "møte"), ("Tittel", "Nettverksmøte vår")],
        ),
    );
    let row = row_of(dir.path(), "nettverksmote_var");
    let sha = sha_on(&s.get(year()).text());
    let page = follow(
        &s,
        &post_form(
            &s,
            &format!("{}/mote/slett", year()),
            &[("sha", &sha), ("rad", &row.to_string()), ("bekreft", "ja")],
        ),
    );
    let table = history_table(&page);
    let at = |what: &str| -> [&str; 3] {
        let r = table.iter().find(|r| r[0].starts_with(what)).unwrap_or_else(|| panic!("{what}: {table:#?}"));
        [r[0].as_str(), r[1].as_str(), r[2].as_str()]
    };
    assert_eq!(table.len(), 5, "{table:#?}");
    // No row numbers: they go wrong as soon as the plan changes.
    assert!(table.iter().all(|r| !r[0].contains("(rad ")), "{table:#?}");
    assert_eq!(
        at("Aktiviteten «Fagdag om smerte» lagt til"),
        [
            "Aktiviteten «Fagdag om smerte» lagt til under delmål 1.2 «Styrke kompetanse om dyspnoe som symptom, uavhen …» (plan.csv)",
            "(ingenting)",
            "Fagdag om smerte; Gjelder: felles"
        ]
    );
    assert_eq!(
        at("Aktiviteten «Fagdag om smerte» flyttet"),
        [
            "Aktiviteten «Fagdag om smerte» flyttet fra delmål 1.2 «Styrke kompetanse om dyspnoe som symptom, uavhen …» til delmål 1.5 «Økt kunnskap om palliasjon til personer med demens» (plan.csv)",
            "under delmål 1.2 «Styrke kompetanse om dyspnoe som symptom, uavhen …»",
            "under delmål 1.5 «Økt kunnskap om palliasjon til personer med demens»"
        ]
    );
    assert_eq!(
        at("Aktiviteten «Fagdag om smerte» under"),
        [
            "Aktiviteten «Fagdag om smerte» under delmål 1.5 «Økt kunnskap om palliasjon til personer med demens» slettet (plan.csv)",
            "Fagdag om smerte; Gjelder: felles",
            "(ingenting)"
        ]
    );
    assert_eq!(
        at("Møtet «Nettverksmøte vår» (12. mars) lagt til"),
        [
            "Møtet «Nettverksmøte vår» (12. mars) lagt til (moter.csv)",
            "(ingenting)",
            "nettverksmote_var · 12.03.2026 · møte · Nettverksmøte vår"
        ]
    );
    assert_eq!(
        at("Møtet «Nettverksmøte vår» (12. mars) slettet"),
        [
            "Møtet «Nettverksmøte vår» (12. mars) slettet (moter.csv)",
            "nettverksmote_var · 12.03.2026 · møte · Nettverksmøte vår",
            "(ingenting)"
        ]
    );
    // An undo says the same words.
    let nr = newest_entry(&page);
    let page = follow(&s, &post_form(&s, &format!("{}/angre", year()), &[("nr", &nr), ("omfang", "aar")]));
    assert!(
        history_table(&page)[0][0].starts_with("Angret: Møtet «Nettverksmøte vår» (12. mars) lagt tilbake")
    );
}

#[test]
fn the_year_page_stays_light_and_each_items_forms_come_when_opened_or_on_a_page_of_their_own() {
    let dir = project();
    let s = Server::start(dir.path());
    let page = s.get(year()).text();
    // Stavanger 2026: 89 outline items, 16 sub-goals with the strategy's 55
    // innsatsområder each. All forms inline made ~975 kB; now ~290 kB.
    let items = page.matches("<li id=\"punkt-").count();
    assert!(items > 80, "{items}");
    assert!(page.len() < 350_000, "the year page is {} bytes", page.len());
    assert!(!page.contains("fieldset class=\"innsats\""), "no item's checkboxes on the page itself");
    // A sub-goal's «Endre eller flytt»: its form with the strategy's boxes, ticked as the file has them.
    let path = plan(dir.path());
    let sub = lines(&path).iter().position(|l| l.starts_with("delmål;Det gode pasientforløp;")).unwrap() + 1;
    let part = item_part(&s, &page, sub, "endre");
    assert!(!part.contains("<html"), "a fragment, not a page");
    assert_eq!(part.matches("type=\"checkbox\"").count(), 55, "{part}");
    assert!(part.contains("name=\"innsats_1.8\" value=\"ja\" checked"), "{part}");
    assert!(part.contains(&format!("name=\"csrf\" value=\"{}\"", s.csrf())), "{part}");
    assert!(part.contains("name=\"handling\" value=\"endre\"") && part.contains("name=\"til\""), "{part}");
    let add = item_part(&s, &page, sub, "legg_til");
    assert!(
        add.contains("name=\"handling\" value=\"legg_til\"") && !add.contains("value=\"endre\""),
        "{add}"
    );
    // Without script: the link in each is the item's own page, with both forms, and they work.
    let item = item_at(&page, sub);
    let link =
        between(&item, "<div class=\"del\"><a href=\"", "\"").replace("&amp;", "&").replace("&#x2f;", "/");
    let own = s.get(&link);
    assert_eq!(own.status, 200);
    let own = own.text();
    assert!(own.contains("<h1>Delmål") && own.contains("Tilbake til planen"), "{own}");
    assert!(own.contains("value=\"endre\"") && own.contains("value=\"legg_til\""), "{own}");
    let sha = between(&own, "name=\"sha\" value=\"", "\"").to_string();
    let page = follow(
        &s,
        &post_form(
            &s,
            &format!("{}/plan", year()),
            &[
                ("sha", &sha),
                ("handling", "endre"),
                ("rad", &sub.to_string()),
                ("f_Nivå", "delmål"),
                ("f_Tekst", "Det gode pasientforløp i hele fylket"),
                ("innsats", ""),
                ("innsats_1.8", "ja"),
            ],
        ),
    );
    assert!(banner(&page).contains("endret: Tekst"), "{}", banner(&page));
    assert!(lines(&path).contains(&"delmål;Det gode pasientforløp i hele fylket;sykepleier;1.8".to_string()));
    // Asked for an item that is no longer there: said so, no form.
    let stale =
        s.get(&format!("{}/plan/punkt?rad={sub}&punkt=0000000000000000&del=endre&bit=1", year())).text();
    assert!(stale.contains("Last siden på nytt") && !stale.contains("<form"), "{stale}");
    let none = s.get(&format!("{}/plan/punkt?rad=9999", year()));
    assert_eq!(none.status, 404);
}
