//! Rebuilds the binary when a built-in house style or example file changes:
//! `include_dir!` embeds `templates/` and `data/`, but does not tell cargo.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=data");
}
