//! The exported pictures (the space-time diagram, the stage) as standalone SVG: what the page
//! draws, under a heading that says which run it is (title, seed, trace hash, step) and, for
//! the diagram, over a legend of what the colours mean. The page serializes its own SVG with
//! the computed styles inlined (`ui::share::files`); this module frames it, so a figure in a
//! report or a slide can be traced back to the exact run.

use crate::decimal::fixed;
use crate::sim::Tick;

/// Height of the heading above the picture (written out in `frame`: formatting an `f64` would
/// link the standard library's float printing into the page, about 10 KB gzip).
pub const HEAD: f64 = 40.0;
/// Height of one row of the legend.
const LEGEND_ROW: f64 = 18.0;
const LEGEND_SWATCH: f64 = 16.0;
/// About how wide a character of the legend is (11 px), to wrap its rows.
const LEGEND_CHAR: f64 = 6.4;
/// The left margin (also written out in `frame`).
const MARGIN: f64 = 8.0;

/// Which run, and the moment in it.
pub struct Caption<'a> {
    pub title: &'a str,
    pub seed: u64,
    pub hash: u64,
    pub step: u64,
    pub time: Tick,
}

impl Caption<'_> {
    /// The line under the title: "seed 7 · trace hash 0123456789abcdef · step 9 at t=12".
    pub fn facts(&self) -> String {
        format!("seed {} · trace hash {:016x} · step {} at t={}", self.seed, self.hash, self.step, self.time)
    }
}

pub use crate::scenario::text::escape;

/// Colours the frame uses: the page's background and text colours, as CSS colour values.
pub struct Colours<'a> {
    pub background: &'a str,
    pub text: &'a str,
}

/// A standalone SVG document: the caption, then `layers` (serialized SVG elements `width` x
/// `height`, drawn over each other in order), then the legend (name, colour) in rows; and its
/// height.
pub fn frame(
    c: &Caption,
    colours: &Colours,
    width: f64,
    height: f64,
    layers: &[String],
    legend: &[(&str, String)],
) -> (String, f64) {
    let rows = legend_rows(legend, width);
    let total = HEAD + height + if legend.is_empty() { 0.0 } else { rows.len() as f64 * LEGEND_ROW + MARGIN };
    let (w, h) = (fixed(width, 1), fixed(total, 1));
    let (bg, fg) = (escape(colours.background), escape(colours.text));
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"system-ui, sans-serif\"><rect width=\"100%\" height=\"100%\" fill=\"{bg}\"/>\
         <text x=\"8\" y=\"17\" font-size=\"14\" font-weight=\"700\" fill=\"{fg}\">{}</text>\
         <text x=\"8\" y=\"33\" font-size=\"11\" fill=\"{fg}\">{}</text><g transform=\"translate(0 40)\">",
        escape(c.title),
        escape(&c.facts())
    );
    for layer in layers {
        out.push_str(layer);
    }
    out.push_str("</g>");
    for (i, row) in rows.iter().enumerate() {
        let y = HEAD + height + MARGIN + i as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        for &(x, name, colour) in row {
            let (x1, x2, tx) = (fixed(x, 1), fixed(x + LEGEND_SWATCH, 1), fixed(x + LEGEND_SWATCH + 4.0, 1));
            let (y, ty) = (fixed(y, 1), fixed(y + 4.0, 1));
            out.push_str(&format!(
                "<line x1=\"{x1}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"3\"/>\
                 <text x=\"{tx}\" y=\"{ty}\" font-size=\"11\" fill=\"{fg}\">{}</text>",
                escape(colour),
                escape(name)
            ));
        }
    }
    out.push_str("</svg>");
    (out, total)
}

/// The legend's entries placed left to right, wrapped to `width`: (x, name, colour) per row.
fn legend_rows<'a>(legend: &'a [(&'a str, String)], width: f64) -> Vec<Vec<(f64, &'a str, &'a str)>> {
    let mut rows: Vec<Vec<(f64, &str, &str)>> = Vec::new();
    let mut x = f64::MAX;
    for (name, colour) in legend {
        let w = LEGEND_SWATCH + 4.0 + name.len() as f64 * LEGEND_CHAR + 12.0;
        if x + w > width - MARGIN {
            rows.push(Vec::new());
            x = MARGIN;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, name, colour.as_str()));
        }
        x += w;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption(title: &str) -> Caption<'_> {
        Caption { title, seed: 7, hash: 0xab, step: 9, time: 12 }
    }

    #[test]
    fn the_frame_names_the_run_and_escapes_what_it_quotes() {
        let colours = Colours { background: "rgb(255, 255, 255)", text: "rgb(0, 0, 0)" };
        let legend = [("Prepare", "rgb(1, 2, 3)".to_string()), ("a <b>", "red".to_string())];
        let (svg, height) =
            frame(&caption("<script>x</script> & co"), &colours, 640.0, 200.0, &["<svg id=\"in\"/>".into()], &legend);
        assert_eq!(height, 266.0);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640.0\" height=\"266.0\""), "{svg}");
        assert!(svg.contains(">&lt;script&gt;x&lt;/script&gt; &amp; co</text>"), "{svg}");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(">seed 7 · trace hash 00000000000000ab · step 9 at t=12</text>"), "{svg}");
        assert!(svg.contains("<g transform=\"translate(0 40)\"><svg id=\"in\"/></g>"), "{svg}");
        assert!(svg.contains("stroke=\"rgb(1, 2, 3)\" stroke-width=\"3\"/><text x=\"28.0\" y=\"261.0\""), "{svg}");
        assert!(svg.contains(">a &lt;b&gt;</text>"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_frame_without_a_legend_is_as_tall_as_its_picture_and_heading() {
        let colours = Colours { background: "#fff", text: "#000" };
        let (svg, height) = frame(&caption("Stage"), &colours, 300.0, 100.0, &[], &[]);
        assert_eq!(height, 140.0);
        assert!(svg.contains("height=\"140.0\""), "{svg}");
        assert!(!svg.contains("<line"));
    }

    #[test]
    fn the_legend_wraps_to_the_width() {
        let legend: Vec<(&str, String)> = (0..8).map(|_| ("Accepted", "red".to_string())).collect();
        let rows = legend_rows(&legend, 300.0);
        assert!(rows.len() >= 3, "{rows:?}");
        assert_eq!(rows.iter().map(Vec::len).sum::<usize>(), 8);
        for row in &rows {
            assert_eq!(row[0].0, MARGIN);
            let last = row.last().unwrap().0;
            assert!(last + LEGEND_SWATCH + 4.0 + 8.0 * LEGEND_CHAR <= 300.0 - MARGIN, "{row:?}");
        }
    }
}
