//! Stage 3, compose: render a document kind's minijinja template against the
//! records, then parse the resulting Markdown into a [`Document`].
//!
//! Text from data is escaped by the engine (a formatter), never by templates:
//! `{{ x }}` always prints x's characters. Text cells in the data are small
//! templates themselves, so `{{ fagdag }}` in an activity prints the date of the
//! meeting with id `fagdag` in the house style's text format.

mod context;
pub use context::outline_problems;
pub mod env;
pub mod markdown;

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::Environment;

use crate::diag::{Error, Location, Result, Sink};
use crate::doc::{Document, Meta, Origins};
use crate::model::*;
use crate::report::Figures;
use crate::theme::Theme;
pub use context::one_line;
pub use env::TextRenderer;

/// Composes the documents of one plan year: the context and the template
/// environment are built once and shared by the plan, the report and letters.
pub struct Composer<'a> {
    year: &'a PlanYear,
    theme: Arc<Theme>,
    texts: TextRenderer,
    env: Environment<'static>,
    context: Value,
    meta: Meta,
    /// Where the year's data texts stand (see [`data_origins`]).
    origins: Origins,
}

impl<'a> Composer<'a> {
    pub fn new(year: &'a PlanYear, theme: &Arc<Theme>, strategy: Option<&Strategy>) -> Result<Composer<'a>> {
        let texts = TextRenderer::new(theme, year.year, &year.meetings);
        let (context, meta) = context::build(year, theme, &texts, strategy)?;
        let env = env::documents(theme)?;
        Ok(Composer { year, theme: theme.clone(), texts, env, context, meta, origins: data_origins(year) })
    }

    /// The plan: the template named by `dokument` in plan.toml.
    pub fn plan(&self) -> Result<Document> {
        self.check_blocks()?;
        let (blocks, origins) =
            self.render(&format!("{}.md.j2", self.year.meta.kind), self.context.clone())?;
        Ok(Document { meta: self.meta.clone(), blocks, origins })
    }

    /// The årsrapport of a year that has a `rapport.toml`: the plan's context
    /// plus `rapport` (meta, and every figure in `figures`).
    pub fn report(&self, figures: &Figures) -> Result<Document> {
        let py = self.year;
        let Some(data) = &py.report else {
            return Err(Error::msg(format!("{} {} har ingen rapport.toml", py.network, py.year)));
        };
        let loc = Location::file(&py.year_dir.join("rapport.toml"));
        let mut sink = Sink::default();
        let mut r = |t: &str| {
            self.texts.render(t, &loc).unwrap_or_else(|e| {
                sink.extend(e);
                String::new()
            })
        };
        let title = r(&data.meta.title);
        let signatur = data.meta.signature.as_deref().map(&mut r);
        let signatarer: Vec<String> = data.meta.signatories.iter().map(|s| r(s)).collect();
        // Names of the prize draw's candidates only when the style or network opts in.
        let named = py.prize_names(self.theme.prize_names);
        let mut figures = figures.clone();
        if !named {
            figures.prize_list.clear();
        }
        let rapport = minijinja::context! {
            tittel => title.clone(),
            dato => data.date.format("%Y-%m-%d").to_string(),
            signatur => signatur,
            signatarer => signatarer,
            premieliste_med_navn => named,
            tall => context::ser(&figures),
        };
        sink.finish()?;
        let ctx = minijinja::context! { rapport => rapport, ..self.context.clone() };
        let (blocks, origins) = self.render("arsrapport.md.j2", ctx)?;
        let mut meta = self.meta.clone();
        meta.title = context::document_title(&title, None, &context::names(&py.profile));
        meta.date = data.date;
        meta.keywords = vec!["årsrapport".into(), py.year.to_string(), py.profile.trust.clone()];
        Ok(Document { meta, blocks, origins })
    }

    /// Another document of the year (a cover letter, ...): the plan's context
    /// plus `key` = `value`, rendered with `file` of the house style.
    pub fn document(&self, file: &str, (key, value): (&str, Value), title: &str) -> Result<Document> {
        let extra = Value::from(BTreeMap::from([(key.to_string(), value)]));
        let ctx = minijinja::context! { ..extra, ..self.context.clone() };
        let (blocks, origins) = self.render(file, ctx)?;
        let mut meta = self.meta.clone();
        meta.title = one_line(title);
        Ok(Document { meta, blocks, origins })
    }

    /// Renders one line of wording from stil.toml (`[tekster]`) with `ctx`,
    /// as plain text (a mail subject: nothing escaped for Markdown).
    pub fn wording(&self, template: &str, ctx: Value) -> Result<String> {
        let path = self.theme.find_file("stil.toml").unwrap_or_default();
        env::wording(&self.theme)
            .render_str(template, ctx)
            .map(|s| one_line(&s))
            .map_err(|e| env::template_error(&self.theme, &path, &e))
    }

    /// Renders a template of the house style to Markdown and parses it;
    /// with where its text came from: the year's data, then the template's lines.
    fn render(&self, file: &str, ctx: Value) -> Result<(Vec<crate::doc::Block>, Origins)> {
        let theme = &self.theme;
        let name = theme.template_name(file).ok_or_else(|| {
            Error::msg(format!("husstilen «{}» har ingen mal {file}", theme.name)).with_hint(
                "legg malen i templates/<stil>/, eller la stilen arve (arv = ...) fra en stil som har den",
            )
        })?;
        let path = theme.sources.find(&name).unwrap_or_else(|| name.clone().into());
        let text = self
            .env
            .get_template(&name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| env::template_error(theme, &path, &e))?;
        let blocks = markdown::parse(&text)
            .map_err(|m| Error::at(Location::file(&path), format!("malen gir ugyldig markering: {m}")))?;
        let source = theme
            .sources
            .read(&name)
            .and_then(|r| r.ok())
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned());
        Ok((blocks, self.origins.clone().with(&template_origins(&path, source.as_deref().unwrap_or("")))))
    }

    /// Every `blokk` row of the plan must name a block the house style has.
    fn check_blocks(&self) -> Result<()> {
        let mut sink = Sink::default();
        for row in self.year.outline.iter().filter(|r| r.level == Level::Block) {
            let file = format!("blokk-{}.md.j2", row.text.trim());
            if self.theme.template_name(&file).is_none() {
                let known: Vec<String> = self
                    .theme
                    .file_names()
                    .iter()
                    .filter_map(|n| n.strip_prefix("blokk-").and_then(|n| n.strip_suffix(".md.j2")))
                    .map(str::to_string)
                    .collect();
                sink.error(
                    row.loc.clone(),
                    format!("husstilen har ingen blokk som heter «{}»", row.text.trim()),
                    format!("blokkene er: {}", known.join(", ")),
                );
            }
        }
        sink.finish().map(|_| ())
    }
}

/// Where the year's data texts stand: the plan's rows, every cell of its
/// other tables, every line of its prose files.
fn data_origins(py: &PlanYear) -> Origins {
    let mut v: Vec<(String, Location)> = py.outline.iter().map(|r| (r.text.clone(), r.loc.clone())).collect();
    for (_, t) in &py.tables {
        for r in &t.rows {
            for (i, c) in r.cells.iter().enumerate() {
                let header = t.headers.get(i).map(String::as_str).unwrap_or("");
                v.push((c.clone(), Location::cell(&t.path, r.number, i, header)));
            }
        }
    }
    for f in &py.texts {
        for (i, line) in f.text.lines().enumerate() {
            v.push((line.to_string(), Location::row(&f.path, i + 1)));
        }
    }
    v.retain(|(t, _)| !t.trim().is_empty());
    Origins(v)
}

/// Where a template's own words stand: the text of each line outside its
/// `{{ … }}`, `{% … %}` and `{# … #}` tags, by line.
fn template_origins(path: &std::path::Path, source: &str) -> Origins {
    let mut v = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let mut rest = line;
        let mut words = String::new();
        while let Some(start) = rest.find(['{']) {
            let tag = &rest[start..];
            let close = match tag.get(..2) {
                Some("{{") => "}}",
                Some("{%") => "%}",
                Some("{#") => "#}",
                _ => {
                    words.push_str(&rest[..=start]);
                    rest = &rest[start + 1..];
                    continue;
                }
            };
            words.push_str(&rest[..start]);
            words.push(' ');
            rest = tag.find(close).map(|e| &tag[e + 2..]).unwrap_or("");
        }
        words.push_str(rest);
        let words = words.trim();
        if words.chars().filter(|c| c.is_alphanumeric()).count() >= 4 {
            v.push((words.to_string(), Location::row(path, i + 1)));
        }
    }
    Origins(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_templates_own_words_are_found_by_line() {
        let path = std::path::Path::new("maler/arsplan.md.j2");
        let o = template_origins(path, "# {{ tittel }}\n\nMøtene i {{ år }} holdes {% if x %}på Sola{% endif %}.\n{# en kommentar #}\n{{ a }} {b}\n");
        let found: Vec<(&str, Option<usize>)> = o.0.iter().map(|(t, l)| (t.as_str(), l.row)).collect();
        assert_eq!(found, [("Møtene i   holdes  på Sola .", Some(3))]);
        // Words of the data between the template's own are not the template's.
        assert_eq!(o.find("Møtene i 2026 holdes på Sola").and_then(|l| l.row), None);
        assert_eq!(o.find("holdes på Sola").and_then(|l| l.row), Some(3));
    }
}
