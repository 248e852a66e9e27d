//! The `prem` command line: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "prem",
    version,
    about = "Guidance site and secure referral kiosk for exploitation and missing partnerships"
)]
struct Cli {
    /// The site folder (holding prem.toml, content/, forms/ and themes/).
    #[arg(long, global = true, default_value = ".", env = "PREM_SITE")]
    site: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the guidance site into the output folder.
    Build {
        /// Output folder (default: build.output_dir from prem.toml, "public").
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include pages marked draft.
        #[arg(long)]
        drafts: bool,
    },
    /// Check content, data and forms without writing anything.
    Check {
        #[arg(long)]
        drafts: bool,
    },
    /// Run the kiosk: the site and the referral forms, sealing every submission.
    Serve {
        /// Public address (default: kiosk.addr from prem.toml, 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
        /// Internal address for the inbox's hand-over API (off unless set).
        #[arg(long)]
        internal_addr: Option<String>,
        /// Refuse development shortcuts (also set by PREM_ENV=production).
        #[arg(long)]
        production: bool,
    },
    /// Make a reviewer key pair: NAME.pub for the kiosk, NAME.key (passphrase-wrapped) for the inbox.
    Keygen {
        #[arg(long, default_value = "reviewer")]
        name: String,
        #[arg(long, default_value = "keys")]
        out: PathBuf,
        /// Read the passphrase from this file instead of asking.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Manage the bearer tokens the inbox uses on the internal API.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Maintain the kiosk's data directory (stop the kiosk first).
    Store {
        #[command(subcommand)]
        action: StoreAction,
    },
    /// Serve the site on localhost and rebuild when content or themes change.
    Preview {
        #[arg(long, default_value = "127.0.0.1:1111")]
        addr: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a token for NAME and print it once.
    Add { name: String },
    /// Revoke NAME's token.
    Revoke { name: String },
    /// List token names.
    List,
}

#[derive(Subcommand)]
enum StoreAction {
    /// Rebuild the index from the spool files.
    Rebuild,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { out, drafts } => prem::cli::build(&cli.site, out, drafts),
        Command::Check { drafts } => prem::cli::check(&cli.site, drafts),
        Command::Preview { addr, out, drafts } => prem::cli::preview(&cli.site, &addr, out, drafts),
        Command::Serve {
            addr,
            internal_addr,
            production,
        } => prem::cli::serve(&cli.site, addr, internal_addr, production),
        Command::Keygen {
            name,
            out,
            passphrase_file,
        } => prem::cli::keygen(&cli.site, &name, &out, passphrase_file),
        Command::Token { action } => match action {
            TokenAction::Add { name } => prem::cli::token_add(&cli.site, &name),
            TokenAction::Revoke { name } => prem::cli::token_revoke(&cli.site, &name),
            TokenAction::List => prem::cli::token_list(&cli.site),
        },
        Command::Store {
            action: StoreAction::Rebuild,
        } => prem::cli::store_rebuild(&cli.site),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
