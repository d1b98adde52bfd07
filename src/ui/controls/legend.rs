//! The legend: each message kind's shape and colour with what it means, plus drop marks and twins.

use crate::protocol::MsgKind;
use crate::view::tokens::{kind_meaning, kind_name, kind_shape};
use yew::prelude::*;

#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            { for MsgKind::ALL.iter().map(|&k| html! {
                <li title={kind_meaning(k)}>
                    <svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">
                        <g class="msg" data-kind={kind_name(k)}><path class="shape" d={kind_shape(k)} /></g>
                    </svg>
                    <span><b>{ k.name() }</b><span class="meaning">{ format!(" {}", kind_meaning(k)) }</span></span>
                </li>
            }) }
            <li>
                <svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">
                    <g class="drop-mark"><circle r="9" /><path d="M-5 -5L5 5M5 -5L-5 5" /></g>
                </svg>
                <span><b>{ "Dropped" }</b><span class="meaning">{ " where a message died" }</span></span>
            </li>
            <li>
                <svg viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">
                    <g class="msg twin-sample"><path class="shape" d="M-8 -3a3 3 0 1 0 0.1 0ZM2 3a3 3 0 1 0 0.1 0Z" /></g>
                </svg>
                <span><b>{ "Twins" }</b><span class="meaning">{ " a duplicated message, on a lane beside its copy" }</span></span>
            </li>
        </ul>
    }
}
