//! The demo's business data files in `examples/corner-bookstore/` (which `sextant serve --demo`
//! loads too) are exactly what `synth::bookstore_data(7)` generates; regenerate them with
//! `UPDATE_DEMO_DATA=1 cargo test -p sextant-core --test it bookstore`. Seed 7 is the one whose
//! orders fit a sensible customer-lifetime-value model.

use std::path::PathBuf;

#[test]
fn shipped_demo_data_is_the_generated_data() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore");
    let data = sextant_core::synth::bookstore_data(7);
    let files = [
        ("orders.csv", &data.orders),
        ("marketing.csv", &data.marketing),
        ("sessions.csv", &data.sessions),
        ("surveys.csv", &data.surveys),
    ];
    if std::env::var_os("UPDATE_DEMO_DATA").is_some() {
        std::fs::create_dir_all(&dir).expect("examples/corner-bookstore");
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write demo data");
        }
    }
    for (name, text) in files {
        let shipped = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            shipped == *text,
            "{name} differs from the generator; see this file's header"
        );
    }
    // About $150,000 a year, $66,667 online (product.md).
    let (mut total, mut online) = (0.0, 0.0);
    for line in data
        .orders
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("2026"))
    {
        let f: Vec<&str> = line.split(',').collect();
        let v: f64 = f[3].parse().unwrap_or(0.0);
        total += v;
        if f[4] == "online" {
            online += v;
        }
    }
    assert!((130_000.0..170_000.0).contains(&total), "{total}");
    assert!((55_000.0..80_000.0).contains(&online), "{online}");
}
