//! The legend: each message kind's shape and colour with what it means, plus drop marks and twins.
//!
//! Static markup, so it is HTML text in one raw node rather than `html!`, whose element-by-element
//! construction code costs about 125 bytes of wasm per element. The text holds only our own
//! constants (no `<`, `&` or `"` in them: a test in `view::tokens` checks).

use crate::protocol::MsgKind;
use crate::view::tokens::{kind_meaning, kind_name, kind_shape};
use std::fmt::Write;
use yew::prelude::*;

const SWATCH: &str = r#"<svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">"#;

const DROP_AND_TWINS: &str = concat!(
    r#"<li><svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">"#,
    r#"<g class="drop-mark"><circle r="9"/><path d="M-5 -5L5 5M5 -5L-5 5"/></g></svg>"#,
    r#"<span><b>Dropped</b><span class="meaning"> where a message died</span></span></li>"#,
    r#"<li><svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">"#,
    r#"<g class="msg twin-sample"><path class="shape" d="M-8 -3a3 3 0 1 0 0.1 0ZM2 3a3 3 0 1 0 0.1 0Z"/></g></svg>"#,
    r#"<span><b>Twins</b><span class="meaning"> a duplicated message, on a lane beside its copy</span></span></li>"#,
    // The story's marks (view::marks), drawn as the stage draws them.
    r#"<li><svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">"#,
    r#"<rect class="quorum-halo" x="-9" y="-7" width="18" height="14" rx="4"/></svg>"#,
    r#"<span><b>Green halo</b><span class="meaning"> the acceptors whose accepts chose the value</span></span></li>"#,
    r#"<li><svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true"><g class="timer">"#,
    r#"<circle class="timer-track" r="7"/><circle class="timer-arc" r="7" pathLength="100" stroke-dasharray="60 100"/></g></svg>"#,
    r#"<span><b>Retry timer</b><span class="meaning"> empties as a proposer's timeout nears</span></span></li>"#,
    r#"<li><span class="adopt-sample" aria-hidden="true">A</span>"#,
    r#"<span><b>Adopted</b><span class="meaning"> a proposer took a promise's value, not its own</span></span></li>"#,
);

/// The legend's items as HTML.
fn items_html() -> String {
    let mut items = String::new();
    for &k in MsgKind::ALL.iter() {
        let (meaning, name, shape, title) = (kind_meaning(k), kind_name(k), kind_shape(k), k.name());
        let _ = write!(
            items,
            r#"<li title="{meaning}">{SWATCH}<g class="msg" data-kind="{name}"><path class="shape" d="{shape}"/></g></svg><span><b>{title}</b><span class="meaning"> {meaning}</span></span></li>"#,
        );
    }
    items + DROP_AND_TWINS
}

thread_local! {
    /// Built once; each render clones the `Rc` inside.
    static ITEMS: AttrValue = AttrValue::from(items_html());
}

/// A plain function rather than a component (the page calls it on every frame): the markup is
/// one raw node whose text is built once, so re-rendering it costs a string comparison.
pub fn legend() -> Html {
    let items = ITEMS.with(AttrValue::clone);
    html! { <ul class="legend" aria-label="Legend">{ Html::from_html_unchecked(items) }</ul> }
}
