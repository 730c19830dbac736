//! Reference data shared by every network: `data/kommuner.csv`, the
//! municipalities by kommunenummer.

use std::collections::BTreeMap;
use std::path::Path;

use super::table::{self, Column};
use crate::diag::Result;

const COLUMNS: &[Column] = &[
    Column { name: "kommunenummer", required: true },
    Column { name: "kommune", required: true },
    Column { name: "helseforetak", required: false },
    Column { name: "merknad", required: false },
];

/// Municipality names by kommunenummer, from `<data>/kommuner.csv` (empty when absent).
pub fn kommuner(data: &Path) -> Result<BTreeMap<String, String>> {
    let path = data.join("kommuner.csv");
    if !path.is_file() {
        return Ok(Default::default());
    }
    // Columns of one's own in the reference data are simply passed over.
    let t = table::read_csv(&path)?.bind(COLUMNS)?;
    Ok(t.rows().map(|r| (r.get("kommunenummer").to_string(), r.get("kommune").to_string())).collect())
}
