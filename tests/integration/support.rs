//! What the integration tests share, so each area's tests say only what they prove: the sites
//! they run on (`fixture`), a real kiosk and inbox in this process (`kiosk`, `inbox`) or as
//! `prem` processes (`process`), a browser for GOV.UK form pages (`browser`) and the answers
//! it types (`answers`), reviewer keys (`keys`), a runtime serving in the background
//! (`background`), folder trees (`tree`), and a real SMTP server (`smtp`).

pub mod answers;
pub mod background;
pub mod browser;
pub mod fixture;
pub mod keys;
pub mod kiosk;
pub mod process;
pub mod smtp;
pub mod tree;
pub mod workspace;

pub use answers::{fill, Forms, MARKER};
pub use browser::{csrf, Browser};
pub use fixture::{root, Partnership};
pub use keys::PASSPHRASE;
pub use kiosk::Harness;
pub use tree::{all_bytes, contains};
