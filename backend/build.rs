//! The browser app is built into the binary (feature `embed`): rebuild when
//! `static/` changes, new files included (cargo scans a watched folder).
fn main() {
    println!("cargo:rerun-if-changed=../static");
}
