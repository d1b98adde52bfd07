//! The Multi-Paxos mode's exports, in a menu beside the link (a `<details>`, as in
//! single-decree's `ExportMenu`): the scenario and the trace as JSON (`view::multi::files`), the
//! clients' history as JSON Lines and as Jepsen EDN, and the history diagram as SVG and as PNG
//! (that SVG drawn on a canvas), each file named with the run's title and seed.

use super::Model;
use crate::ui::share::files;
use crate::view::multi::export::{history_edn, history_json, history_picture};
use crate::view::multi::files::{file_stem, scenario_json, trace_json};
use crate::view::spacetime::export::Colours;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub model: Model,
}

/// The page's background and text colours, for the exported picture.
fn colour(property: &str, fallback: &str) -> String {
    let body = gloo::utils::body();
    gloo::utils::window()
        .get_computed_style(&body)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value(property).ok())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.into())
}

/// The buttons: (id, label, what the file is).
const FILES: [(&str, &str, &str); 6] = [
    ("scenario", "Scenario (JSON)", "The run's configuration, seed and actions: open it again to replay it"),
    ("trace", "Trace (JSON)", "Every recorded event of the run, with the scenario and the trace hash"),
    ("history-json", "History (JSON Lines)", "The clients' operations, for paxos lincheck"),
    ("history-edn", "History (EDN, Jepsen)", "The clients' operations in the format Jepsen and Knossos read"),
    ("history-svg", "History diagram (SVG)", "The history diagram as a picture"),
    ("history-png", "History diagram (PNG)", "The history diagram as an image"),
];

#[function_component(Exports)]
pub fn exports(props: &Props) -> Html {
    let png_slot = use_mut_ref(|| None);
    let status = use_state(String::new);
    let export = |kind: &'static str| {
        let (model, png_slot, status) = (props.model.clone(), png_slot.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let p = model.playground.borrow();
            let stem = file_stem(&p);
            let (background, text) = (colour("background-color", "white"), colour("color", "black"));
            let colours = Colours { background: &background, text: &text };
            let (name, result) = match kind {
                "scenario" => {
                    let name = format!("{stem}.json");
                    (name.clone(), files::download_text(&scenario_json(&p), &name, "application/json"))
                }
                "trace" => {
                    let name = format!("{stem}-trace.json");
                    (name.clone(), files::download_text(&trace_json(&p), &name, "application/json"))
                }
                "history-json" => {
                    let name = format!("{stem}-history.jsonl");
                    (name.clone(), files::download_text(&history_json(&p), &name, "application/x-ndjson"))
                }
                "history-edn" => {
                    let name = format!("{stem}-history.edn");
                    (name.clone(), files::download_text(&history_edn(&p), &name, "application/edn"))
                }
                "history-svg" => {
                    let name = format!("{stem}-history.svg");
                    let svg = history_picture(&p, &colours).0;
                    (name.clone(), files::download_text(&svg, &name, "image/svg+xml"))
                }
                _ => {
                    let name = format!("{stem}-history.png");
                    (name.clone(), files::download_png(history_picture(&p, &colours), name, png_slot.clone()))
                }
            };
            status.set(match result {
                Ok(()) => format!("Saved {name}."),
                Err(e) => format!("Export failed: {e}"),
            });
        })
    };
    html! {
        <details id="mexport" class="export-menu">
            <summary class="btn" title="Save the run, its trace or the clients' history as a file">{ "Export…" }</summary>
            <div class="export-pop">
                <div class="row export-row">
                    { for FILES.iter().map(|&(kind, label, title)| html! {
                        <button id={format!("mexport-{kind}")} class="btn small" {title} onclick={export(kind)}>{ label }</button>
                    }) }
                </div>
                <p class="export-status" role="status">{ (*status).clone() }</p>
            </div>
        </details>
    }
}
