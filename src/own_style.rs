//! A trust's Word template taken into use for a network (`arsplan wordmal
//! bruk`): the network gets a house style of its own that inherits the one it
//! has (`arv`), the template is copied into that style's folder and named in
//! its `word_mal`, and the network's `stil` points at it. And a house style
//! written out as a Word template to edit (`arsplan wordmal`).
//!
//! Everything is checked before anything is written: the template is read as
//! a build would read it, in the style it will serve. Files the leader keeps
//! (`nettverk.toml`, a `stil.toml` of her own) change in the one line asked
//! for and nowhere else.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error, Location, Result};
use crate::model::Profile;
use crate::project::Project;
use crate::templates::Sources;
use crate::theme::Theme;

/// A house style written as a Word template.
pub struct Exported {
    pub bytes: Vec<u8>,
    /// The style's name (`navn`).
    pub name: String,
    pub warnings: Vec<Diagnostic>,
}

/// The house style `style` (with `network`: the network's own styles, its
/// name, marks and logos) as a Word template (.dotx).
pub fn export(project: &Project, style: &str, network: Option<&str>) -> Result<Exported> {
    let mut roots = Vec::new();
    let mut profile: Option<Profile> = None;
    if let Some(n) = network {
        let dir = project.data.join(n);
        profile = Some(crate::load::read_toml(&dir.join("nettverk.toml"))?);
        roots.push(dir.join("maler"));
    }
    roots.push(project.templates.clone());
    let mut theme = Theme::load(&Sources::new(roots), style)?;
    if let Some(p) = &profile {
        theme.mark.get_or_insert_with(|| p.trust.clone());
        if let Some(m) = &p.mark_right {
            theme.mark_right = Some(m.clone());
        }
    }
    let dir = network.map(|n| project.data.join(n));
    let assets = crate::build::logos(&theme, dir.as_deref())?;
    let bytes = crate::render::docx::template(&theme, &assets)?;
    Ok(Exported { bytes, name: theme.name.clone(), warnings: theme.warnings.clone() })
}

/// What taking a template into use did.
#[derive(Debug)]
pub struct Adopted {
    /// The network's own house style, which now has the template.
    pub style: String,
    /// The style it inherits from.
    pub inherits: String,
    /// Files made or changed, each with what happened to it (Norwegian).
    pub files: Vec<(PathBuf, String)>,
    pub warnings: Vec<Diagnostic>,
}

/// A value as a TOML basic string.
fn toml_str(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

/// `text` with the value of the top-level key `key` set to `value` (a TOML
/// value as written): the key's line is changed, or a line is added after
/// `after`'s line (or first, after the leading comments); nothing else moves.
fn set_key(text: &str, key: &str, value: &str, after: Option<&str>) -> String {
    let is_key = |line: &str, k: &str| {
        let t = line.trim_start();
        t.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Only keys before the first table header are top-level.
    let top = lines.iter().position(|l| l.trim_start().starts_with('[')).unwrap_or(lines.len());
    if let Some(i) = lines[..top].iter().position(|l| is_key(l, key)) {
        // The old value goes; what stands before and after it (an end-of-line comment) stays.
        let line = lines[i].clone();
        let eq = line.find('=').unwrap_or(0) + 1;
        let start = eq + (line[eq..].len() - line[eq..].trim_start().len());
        let rest = &line[start..];
        let end = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut escaped = false;
                rest.char_indices()
                    .skip(1)
                    .find(|(_, c)| {
                        let close = *c == q && !escaped;
                        escaped = q == '"' && *c == '\\' && !escaped;
                        close
                    })
                    .map(|(j, _)| j + 1)
                    .unwrap_or(rest.len())
            }
            _ => rest.find('#').map(|j| rest[..j].trim_end().len()).unwrap_or(rest.trim_end().len()),
        };
        lines[i] = format!("{}{value}{}", &line[..start], &rest[end..]);
    } else {
        let at =
            after.and_then(|a| lines[..top].iter().position(|l| is_key(l, a)).map(|i| i + 1)).unwrap_or_else(
                || lines[..top].iter().position(|l| !l.trim_start().starts_with('#')).unwrap_or(top),
            );
        lines.insert(at, format!("{key} = {value}"));
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') || text.is_empty() {
        out.push('\n');
    }
    out
}

/// Takes a Word template into use for a network (see the module).
pub fn adopt(project: &Project, file: &Path, network: &str) -> Result<Adopted> {
    let at =
        |p: &Path, msg: String, hint: &str| Error::at(Location::file(p), msg).with_hint(hint.to_string());
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !matches!(ext.as_str(), "dotx" | "docx" | "dotm" | "docm") {
        return Err(at(
            file,
            "filen er ikke en Word-mal (.dotx) eller et Word-dokument (.docx)".into(),
            "velg Word-malen fra kommunikasjonsavdelingen, for eksempel mal.dotx",
        ));
    }
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.') && !n.contains(['/', '\\', ':']))
        .ok_or_else(|| {
            at(file, "filnavnet kan ikke brukes".into(), "gi malen et enkelt navn, for eksempel mal.dotx")
        })?
        .to_string();
    let bytes = std::fs::read(file).map_err(|e| {
        at(file, format!("kan ikke lese Word-malen: {}", crate::diag::io_text(&e)), "sjekk stien til filen")
    })?;
    let dir = project.data.join(network);
    let profile_path = dir.join("nettverk.toml");
    if !profile_path.is_file() {
        return Err(Error::msg(format!("nettverket «{network}» finnes ikke i {}", project.data.display()))
            .with_hint("skriv navnet på nettverkets mappe i data/, for eksempel --nettverk stavanger"));
    }
    let profile: Profile = crate::load::read_toml(&profile_path)?;
    let maler = dir.join("maler");
    let sources = Sources::new(vec![maler.clone(), project.templates.clone()]);
    // The network's own style, if it has one; else one is made that inherits its style.
    let own_dir = maler.join(&profile.style);
    let (style, inherits, existing) = if own_dir.join("stil.toml").is_file() {
        let text = std::fs::read_to_string(own_dir.join("stil.toml")).map_err(|e| {
            at(
                &own_dir.join("stil.toml"),
                format!("kan ikke lese husstilen: {}", crate::diag::io_text(&e)),
                "",
            )
        })?;
        let table: toml::Table = crate::load::parse_toml(&own_dir.join("stil.toml"), text.as_bytes())?;
        let parent = table.get("arv").and_then(|v| v.as_str()).unwrap_or("felles").to_string();
        (profile.style.clone(), parent, Some(text))
    } else {
        let base = crate::model::slug(network);
        let name = [base.clone(), format!("{base}-husstil")]
            .into_iter()
            .find(|n| !sources.has_style(n))
            .ok_or_else(|| {
                Error::msg(format!("det finnes alt husstiler som heter «{base}» og «{base}-husstil»"))
                    .with_hint("gi nettverket en egen stil for hånd: se «Nytt nettverk» i README")
            })?;
        (name, profile.style.clone(), None)
    };
    let style_dir = maler.join(&style);
    let parent = Theme::load(&sources, &inherits)?;
    let stil_text = match &existing {
        Some(text) => set_key(text, "word_mal", &toml_str(&file_name), Some("arv")),
        None => format!(
            "# {network}s egen husstil: som «{inherits}», med helseforetakets Word-mal.\n# Laget av «arsplan wordmal bruk». Det som står her, går foran malen og «{inherits}».\narv = {}\nnavn = {}\nword_mal = {}\n",
            toml_str(&inherits),
            toml_str(&parent.name),
            toml_str(&file_name)
        ),
    };
    // Read it all as a build would, in a copy, before anything is written.
    let trial =
        tempfile::tempdir().map_err(|e| Error::msg(format!("kan ikke lage en midlertidig mappe: {e}")))?;
    let trial_style = trial.path().join(&style);
    std::fs::create_dir_all(&trial_style)
        .and_then(|_| std::fs::write(trial_style.join("stil.toml"), &stil_text))
        .and_then(|_| std::fs::write(trial_style.join(&file_name), &bytes))
        .map_err(|e| Error::msg(format!("kan ikke prøve malen: {}", crate::diag::io_text(&e))))?;
    let trial_sources =
        Sources::new(vec![trial.path().to_path_buf(), maler.clone(), project.templates.clone()]);
    let theme = Theme::load(&trial_sources, &style).map_err(|mut e| {
        // Name the file the leader gave, not the trial copy.
        for d in &mut e.0 {
            if let Some(loc) = &mut d.location {
                if loc.file.starts_with(trial.path()) {
                    loc.file = file.to_path_buf();
                }
            }
        }
        e
    })?;
    let warnings: Vec<Diagnostic> = theme
        .warnings
        .iter()
        .cloned()
        .map(|mut d| {
            if let Some(loc) = &mut d.location {
                if loc.file.starts_with(trial.path()) {
                    loc.file = style_dir.join(&file_name);
                }
            }
            d
        })
        .collect();

    let mut files = Vec::new();
    let template_path = style_dir.join(&file_name);
    std::fs::create_dir_all(&style_dir)
        .map_err(|e| at(&style_dir, format!("kan ikke lage mappen: {}", crate::diag::io_text(&e)), ""))?;
    crate::publish::write_atomic(&template_path, &bytes)?;
    files.push((template_path, "Word-malen, kopiert inn".to_string()));
    let stil_path = style_dir.join("stil.toml");
    crate::publish::write_atomic(&stil_path, stil_text.as_bytes())?;
    files.push((
        stil_path,
        match existing {
            Some(_) => format!("word_mal = {}", toml_str(&file_name)),
            None => format!(
                "ny husstil «{style}» som arver «{inherits}», med word_mal = {}",
                toml_str(&file_name)
            ),
        },
    ));
    if profile.style != style {
        let text = std::fs::read_to_string(&profile_path).map_err(|e| {
            at(&profile_path, format!("kan ikke lese filen: {}", crate::diag::io_text(&e)), "")
        })?;
        crate::publish::write_atomic(
            &profile_path,
            set_key(&text, "stil", &toml_str(&style), None).as_bytes(),
        )?;
        files.push((profile_path, format!("stil = {}", toml_str(&style))));
    }
    Ok(Adopted { style, inherits, files, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_changes_and_nothing_else() {
        let text = "# Nettverket\nnavn = \"N\"\nstil = \"helse-stavanger\"   # husstilen\n\n[ekstra]\nstil = \"x\"\n";
        assert_eq!(
            set_key(text, "stil", "\"fonna\"", None),
            "# Nettverket\nnavn = \"N\"\nstil = \"fonna\"   # husstilen\n\n[ekstra]\nstil = \"x\"\n"
        );
        let own = "# Min stil\narv = \"helse-fonna\"\nnavn = \"F\"\n[farger]\nprimar = \"#123456\"\n";
        assert_eq!(
            set_key(own, "word_mal", "\"mal.dotx\"", Some("arv")),
            "# Min stil\narv = \"helse-fonna\"\nword_mal = \"mal.dotx\"\nnavn = \"F\"\n[farger]\nprimar = \"#123456\"\n"
        );
        assert_eq!(
            set_key("navn = \"F\"", "word_mal", "\"m.dotx\"", None),
            "word_mal = \"m.dotx\"\nnavn = \"F\""
        );
    }
}
