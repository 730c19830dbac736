//! A house style's own words (`[ord]` in stil.toml): what it calls the plan's
//! levels, its members, its local groups, its document kinds, meeting kinds
//! and statuses. Templates read them as `ord.*`; letters, change notes,
//! messages and the web page use the same words, so an Ahus document never
//! says «delmål» or «ressursperson» where Ahus says «mål» and «ressurssykepleier».

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{MeetingKind, Named, Status};

/// The words of a house style; the base style (`felles`) has every one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// The plan's top level and its goals: `område`, `områder`, `mål`.
    pub omrade: String,
    pub omrader: String,
    pub mal: String,
    /// A sub-goal, its definite form and the definite plural (Ahus: mål, målet, målene).
    pub delmal: String,
    pub delmalet: String,
    pub delmalene: String,
    /// An activity under a sub-goal, the plural and the definite plural
    /// (Ahus: tiltak, tiltak, tiltakene).
    pub aktivitet: String,
    pub aktiviteter: String,
    pub aktivitetene: String,
    /// A member of the network: singular, plural and definite plural
    /// (Ahus: ressurssykepleier, ressurssykepleiere, ressurssykepleierne).
    pub ressursperson: String,
    pub ressurspersoner: String,
    pub ressurspersonene: String,
    /// A local group: singular, definite, plural and definite plural
    /// (Ahus: lokalt område, det lokale området, lokale områder, de lokale områdene).
    pub gruppe: String,
    pub gruppen: String,
    pub grupper: String,
    pub gruppene: String,
    /// A local group's meeting: plural and definite plural (Ahus: områdesamlinger).
    pub gruppemoter: String,
    pub gruppemotene: String,
    /// The group that runs the network, and its definite form (Ahus: arbeidsgruppe).
    pub driftsgruppe: String,
    pub driftsgruppen: String,
    /// The yearly survey of the members, as a name and as it reads after
    /// «svarte på» (Ahus: årsevaluering, årsevalueringen).
    pub rapportering: String,
    pub rapporteringen: String,
    /// Document kinds (`dokument` in plan.toml, and `arsrapport`) as words in a
    /// sentence, and their definite forms: `arsplan` → «årsplan», «årsplanen».
    pub dokument: BTreeMap<String, String>,
    pub dokumentet: BTreeMap<String, String>,
    /// Meeting kinds (`Type` in moter.csv) as labels: «Nettverksmøte».
    pub motetype: BTreeMap<String, String>,
    /// Statuses (`Status` in plan.csv) as labels: «Delvis gjennomført».
    pub status: BTreeMap<String, String>,
}

impl Words {
    /// What is wrong with the words: a meeting kind or status without a
    /// label, or a key no data value has (a typing error).
    pub fn problems(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut labels = |table: &str, map: &BTreeMap<String, String>, names: &[&str]| {
            for n in names {
                if !map.contains_key(*n) {
                    errors.push(format!("[ord.{table}] mangler «{n}»"));
                }
            }
            for k in map.keys().filter(|k| !names.contains(&k.as_str())) {
                errors.push(format!("[ord.{table}] har «{k}», som ikke er en av {}", names.join(", ")));
            }
        };
        let kinds: Vec<&str> = MeetingKind::ALL.iter().map(|(n, _)| *n).collect();
        let statuses: Vec<&str> = Status::ALL.iter().map(|(n, _)| *n).collect();
        labels("motetype", &self.motetype, &kinds);
        labels("status", &self.status, &statuses);
        for k in self.dokument.keys() {
            if !self.dokumentet.contains_key(k) {
                errors.push(format!("[ord.dokumentet] mangler «{k}», som [ord.dokument] har"));
            }
        }
        errors
    }

    /// A meeting kind as a label («Nettverksmøte»).
    pub fn meeting_kind(&self, kind: &str) -> String {
        self.motetype.get(kind).cloned().unwrap_or_else(|| capitalized(kind))
    }

    /// A document kind as a word in a sentence («årsplan»); an unknown kind as it is.
    pub fn document(&self, kind: &str) -> String {
        self.dokument.get(kind).cloned().unwrap_or_else(|| kind.to_string())
    }

    /// A document kind's definite form («årsplanen»).
    pub fn document_definite(&self, kind: &str) -> String {
        self.dokumentet.get(kind).cloned().unwrap_or_else(|| self.document(kind))
    }
}

/// A text with its first letter upper case, the rest as it is
/// («lokalt område» → «Lokalt område», «USHT» stays «USHT»).
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalized_keeps_the_rest() {
        assert_eq!(capitalized("lokalt område"), "Lokalt område");
        assert_eq!(capitalized("årsplan"), "Årsplan");
        assert_eq!(capitalized("USHT"), "USHT");
        assert_eq!(capitalized(""), "");
    }
}
