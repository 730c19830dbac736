//! Word's built-in styles under the names people see: Word stores a built-in
//! style under its English name (`heading 1`) and shows it in the user's
//! language («Overskrift 1»); some templates store the shown name instead, and
//! Norwegian Word saves the style ids in Norwegian (`Overskrift1`). A style is
//! recognised by any of them, in Norwegian (bokmål and nynorsk), Swedish,
//! Danish, German and English.

/// The names Word shows for a built-in style (by its stored English name),
/// in nb, nn, sv, da and de; the first is what Norwegian Word shows.
fn shown(canonical: &str) -> &'static [&'static str] {
    match canonical.to_lowercase().as_str() {
        "normal" => &["Normal", "Standard"],
        "title" => &["Tittel", "Rubrik", "Titel"],
        "subtitle" => &["Undertittel", "Underrubrik", "Undertitel", "Untertitel"],
        "heading 1" => &["Overskrift 1", "Rubrik 1", "Überschrift 1"],
        "heading 2" => &["Overskrift 2", "Rubrik 2", "Überschrift 2"],
        "heading 3" => &["Overskrift 3", "Rubrik 3", "Überschrift 3"],
        "heading 4" => &["Overskrift 4", "Rubrik 4", "Überschrift 4"],
        "list bullet" => &["Punktliste", "Punktlista", "Opstilling med punkttegn", "Aufzählungszeichen"],
        "list number" => &["Nummerert liste", "Numrerad lista", "Opstilling med tal", "Listennummer"],
        "list paragraph" => &["Listeavsnitt", "Liststycke", "Listeafsnit", "Listenabsatz"],
        "table grid" => &["Tabellrutenett", "Tabellrutnät", "Tabel-Gitter", "Tabellenraster"],
        "normal table" | "table normal" => {
            &["Vanlig tabell", "Normal tabell", "Tabel - Normal", "Normale Tabelle"]
        }
        "hyperlink" => &["Hyperkobling", "Hyperkopling", "Hyperlänk", "Link"],
        "header" => &["Topptekst", "Sidhuvud", "Sidehoved", "Kopfzeile"],
        "footer" => &["Bunntekst", "Sidfot", "Sidefod", "Fußzeile"],
        _ => &[],
    }
}

/// A style name or id for comparison: no spaces, hyphens or case.
pub fn key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase()
}

/// Whether a style's name is the built-in `canonical` one as Word stores
/// it, or as Word shows it in one of the languages.
pub fn name_matches(canonical: &str, name: &str) -> bool {
    let k = key(name);
    k == key(canonical) || shown(canonical).iter().any(|s| key(s) == k)
}

/// Whether a style's id is the one Word gives the built-in `canonical`
/// style in one of the languages (`Heading1`, `Overskrift1`, `Rubrik1`).
pub fn id_matches(canonical: &str, id: &str) -> bool {
    name_matches(canonical, id)
}

/// The name Norwegian Word shows for a style (a built-in one in Norwegian,
/// any other as it is).
pub fn shown_nb(name: &str) -> String {
    shown(name).first().map(|s| s.to_string()).unwrap_or_else(|| name.to_string())
}

/// Every name under which Word may show a style called `name`: its own, and
/// for a built-in style its names in the languages above.
pub fn all_shown(name: &str) -> Vec<String> {
    let mut v = vec![name.to_string()];
    v.extend(shown(name).iter().map(|s| s.to_string()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_styles_are_known_by_their_names_in_every_language() {
        assert!(name_matches("heading 1", "Heading 1"));
        assert!(name_matches("heading 1", "Overskrift 1"));
        assert!(name_matches("heading 1", "Rubrik 1"));
        assert!(!name_matches("heading 1", "Overskrift 2"));
        assert!(name_matches("Title", "Tittel"));
        assert!(name_matches("Title", "Titel"));
        assert!(!name_matches("Title", "Rubrik 1"));
        assert!(name_matches("List Bullet", "Opstilling med punkttegn"));
        assert!(name_matches("List Paragraph", "Listeavsnitt"));
        assert!(id_matches("heading 1", "Overskrift1"));
        assert!(id_matches("List Number", "Nummerertliste"));
        assert!(id_matches("Table Grid", "TabelGitter"));
        assert_eq!(shown_nb("heading 2"), "Overskrift 2");
        assert_eq!(shown_nb("etikett"), "etikett");
    }
}
