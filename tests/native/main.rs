//! The native integration tests, compiled as one binary (`cargo test --test native`; one
//! module filters with its name, e.g. `cargo test --test native check_multi::`).

mod check;
mod check_multi;
mod cli;
mod determinism;
mod lessons;
mod lessons_checker;
mod lincheck;
mod multi;
mod multi_config_links;
mod multi_export;
mod multi_links;
mod multi_scenarios;
mod old_links;
mod pace;
mod prompts;
mod protocol_roles;
mod scenario_fuzz;
mod scenario_json;
mod scenario_link;
mod scenario_props;
mod scenarios;
mod sweep;
mod ui_layers;
