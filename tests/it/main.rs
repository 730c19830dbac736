//! The integration tests, one crate (every extra test crate would link all
//! of Typst again): one module per area.

mod alene;
mod bad_input;
mod changes;
mod cli;
mod common;
mod edits;
mod escaping;
mod faults;
mod fuzz;
mod hjemme;
mod import;
mod innhold;
mod inputs;
mod layout;
mod new_network;
mod quality;
mod report;
mod rettelse;
mod seeds;
mod send;
mod speed;
mod strategy;
mod trekk;
mod web;
mod web_tekst;
mod wordmal;
mod wordmal_layout;
