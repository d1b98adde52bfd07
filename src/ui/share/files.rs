//! Files out of and into the page: downloads through a Blob and an object URL, the space-time
//! diagram and the stage as standalone SVG (computed colours inlined, since the page's
//! stylesheet does not travel with the file; framed with the run's title, seed and trace hash,
//! and for the diagram a legend, by `view::spacetime::export`) and as PNG (that SVG drawn on a
//! canvas), and reading a chosen file with its size checked first.

use super::super::js_text;
use crate::decimal::shortest;
use crate::protocol::MsgKind;
use crate::view::spacetime::export::{frame, Caption, Colours};
use gloo::events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Element, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

/// Saves `blob` as a file called `name` (a click on a temporary download link).
pub fn download_blob(blob: &Blob, name: &str) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob).map_err(js_text)?;
    let document = gloo::utils::document();
    let a: HtmlAnchorElement = document.create_element("a").map_err(js_text)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.set_attribute("hidden", "").ok();
    let body = gloo::utils::body();
    body.append_child(&a).map_err(js_text)?;
    a.click();
    body.remove_child(&a).ok();
    Url::revoke_object_url(&url).ok();
    Ok(())
}

pub fn text_blob(text: &str, mime: &str) -> Result<Blob, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_text)
}

/// Saves `text` as a file.
pub fn download_text(text: &str, name: &str, mime: &str) -> Result<(), String> {
    download_blob(&text_blob(text, mime)?, name)
}

/// A file name from a title: lower case letters, digits and dashes.
pub fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "paxos-scenario".into()
    } else {
        stem.chars().take(60).collect()
    }
}

/// The style properties an SVG needs to look the same without the page's stylesheet.
const INLINED: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

/// A picture on the page (`stage`, or else the space-time diagram) as a standalone SVG document
/// framed with `caption`, and its size in CSS pixels.
pub fn picture(which: &str, caption: &Caption) -> Result<(String, f64, f64), String> {
    let document = gloo::utils::document();
    let stage = which == "stage";
    let ids: &[&str] = if stage { &["stage"] } else { &["spacetime", "spacetime-marks"] };
    let mut layers = Vec::new();
    let (mut w, mut h) = (1.0_f64, 1.0_f64);
    for id in ids {
        let el = document.get_element_by_id(id).ok_or("the picture is not on the page")?;
        let rect = el.get_bounding_client_rect();
        (w, h) = (w.max(rect.width()), h.max(rect.height()));
        layers.push(standalone(&el, rect.width(), rect.height())?);
    }
    let first = document.get_element_by_id(ids[0]).ok_or("the picture is not on the page")?;
    let legend: Vec<(&str, String)> = if stage {
        Vec::new()
    } else {
        let colour = |var: String| computed(&first, &var).unwrap_or_else(|| "gray".into());
        let kinds =
            MsgKind::ALL.iter().map(|&k| (k.name(), colour(format!("--st-{}", crate::view::tokens::kind_name(k)))));
        kinds.chain([("chosen", colour("--ok".into())), ("dropped, or node down", colour("--danger".into()))]).collect()
    };
    let body = gloo::utils::body();
    let background = computed(&body, "background-color").unwrap_or_else(|| "white".into());
    let text = computed(&body, "color").unwrap_or_else(|| "black".into());
    let colours = Colours { background: &background, text: &text };
    let (svg, height) = frame(caption, &colours, w, h, &layers, &legend);
    Ok((svg, w, height))
}

/// `svg` as standalone SVG text `w` x `h`, its computed styles inlined.
fn standalone(svg: &Element, w: f64, h: f64) -> Result<String, String> {
    let copy: Element = svg.clone_node_with_deep(true).map_err(js_text)?.unchecked_into();
    inline_styles(svg, &copy)?;
    let originals = svg.query_selector_all("*").map_err(js_text)?;
    let copies = copy.query_selector_all("*").map_err(js_text)?;
    for i in 0..originals.length().min(copies.length()) {
        if let (Some(o), Some(c)) = (originals.item(i), copies.item(i)) {
            inline_styles(o.unchecked_ref(), c.unchecked_ref())?;
        }
    }
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg").ok();
    copy.set_attribute("width", &shortest(w).to_string()).ok();
    copy.set_attribute("height", &shortest(h).to_string()).ok();
    web_sys::XmlSerializer::new().map_err(js_text)?.serialize_to_string(&copy).map_err(js_text)
}

fn computed(el: &Element, property: &str) -> Option<String> {
    let style = gloo::utils::window().get_computed_style(el).ok().flatten()?;
    style.get_property_value(property).ok().filter(|v| !v.is_empty())
}

fn inline_styles(original: &Element, copy: &Element) -> Result<(), String> {
    let style = gloo::utils::window().get_computed_style(original).map_err(js_text)?.ok_or("no computed style")?;
    let mut inline = String::new();
    for p in INLINED {
        if let Ok(v) = style.get_property_value(p) {
            if !v.is_empty() {
                inline.push_str(&format!("{p}:{v};"));
            }
        }
    }
    copy.set_attribute("style", &inline).map_err(js_text)
}

/// Draws a picture's SVG (`picture`) on a canvas at twice its size and saves it as PNG. The
/// image loads asynchronously; its listener lives in `slot` (owned by the component) until the
/// next export or the component goes (never dropped from inside its own callback).
pub fn download_png(
    (svg, w, h): (String, f64, f64),
    name: String,
    slot: Rc<RefCell<Option<EventListener>>>,
) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(&text_blob(&svg, "image/svg+xml")?).map_err(js_text)?;
    let image = HtmlImageElement::new().map_err(js_text)?;
    let loaded = image.clone();
    let listener = EventListener::once(&image, "load", move |_| {
        if let Err(e) = draw_and_save(&loaded, w, h, name) {
            gloo::console::warn!(format!("PNG export failed: {e}"));
        }
        Url::revoke_object_url(&loaded.src()).ok();
    });
    *slot.borrow_mut() = Some(listener);
    image.set_src(&url);
    Ok(())
}

fn draw_and_save(image: &HtmlImageElement, w: f64, h: f64, name: String) -> Result<(), String> {
    const SCALE: f64 = 2.0;
    let canvas: HtmlCanvasElement = gloo::utils::document().create_element("canvas").map_err(js_text)?.unchecked_into();
    canvas.set_width((w * SCALE) as u32);
    canvas.set_height((h * SCALE) as u32);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").map_err(js_text)?.ok_or("no 2d canvas")?.unchecked_into();
    context.scale(SCALE, SCALE).map_err(js_text)?;
    context.draw_image_with_html_image_element_and_dw_and_dh(image, 0.0, 0.0, w, h).map_err(js_text)?;
    // toBlob always calls back exactly once (with null on failure), so the closure frees itself.
    let save = wasm_bindgen::closure::Closure::once_into_js(move |blob: JsValue| match blob.dyn_into::<Blob>() {
        Ok(blob) => {
            download_blob(&blob, &name).ok();
        }
        Err(_) => gloo::console::warn!("PNG export failed: the canvas gave no image"),
    });
    canvas.to_blob(save.unchecked_ref()).map_err(js_text)
}

/// Reads a file the person chose, refusing it unread when it is over `max_bytes`. The reader
/// lives in `slot` until the next read or the component goes (dropping it would abort the read).
pub fn read_file(
    file: web_sys::File,
    max_bytes: usize,
    slot: Rc<RefCell<Option<gloo::file::callbacks::FileReader>>>,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    let size = file.size();
    if size > max_bytes as f64 {
        done(Err(format!(
            "This file is {} bytes long; a scenario file may be at most {max_bytes}, so it was not read.",
            shortest(size)
        )));
        return;
    }
    let reader = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |result| {
        done(result.map_err(|e| format!("This file could not be read: {e}.")));
    });
    *slot.borrow_mut() = Some(reader);
}
