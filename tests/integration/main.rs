//! Every integration test of prem, in one test binary: the scaffolding in `support` is compiled
//! once, and the tests of every area run side by side in one process. Each area is a module
//! below; a new test goes in the module of the behaviour it proves. The kiosk and inbox run on
//! a synthetic partnership (`tests/fixtures/harbour`); `project` checks the project's own files.

mod support;

// The project's own prem.toml, content/ and forms/, each checked once.
mod project;
// A second partnership runs its own workflow from its own files, with no Rust change.
mod partnership;

// The tracker of people and places: matches, repeats, hotspots, search, who sees what.
mod casework;
// The static-site generator: fixture sites built into temp folders, `prem check`, preview.
mod site;
// Roadshow decks: images, layouts and their build errors.
mod decks;
// The render cache: what a rebuild reads again, and what it must never reuse.
mod rebuild;
// A large site's search index in parts: an edit rewrites one part.
mod search_index;
// The project's own guidance, read as a practitioner would.
mod guidance;
// The kiosk: validation, add another, changes, the sealed store, headers and error pages.
mod kiosk;
// Request hardening on the kiosk and the inbox: cookies, cross-site posts, rate limits.
mod requests;
// How `prem serve` sends the built site: compression, page weight, reload on SIGHUP.
mod serve;
// `prem serve` refusing to start on a broken installation, in one line; its logs.
mod startup;
// SIGKILL under load: every acknowledged submission survives.
mod crash;
// The inbox end to end: pull, sign in, decide, correct, export, audit, retention.
mod workspace_flow;
// Pulling through a broken network, damaged and foreign records, two teams.
mod workspace_pull;
// Roles and a business-support account's one local authority.
mod workspace_roles;
// Signing in: lockout, the temporary password, TOTP enrolment.
mod workspace_signin;
// `prem inbox ...` as a process: passphrase, audit verify, SIGTERM, admin commands.
mod workspace_cli;
// Content-free email through a real SMTP server; the accounts' addresses.
mod notify;
// The meeting cycle through the pages: listing, agendas, actions, minutes, extraordinary.
mod meetings;
