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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { out, drafts } => prem::cli::build(&cli.site, out, drafts),
        Command::Check { drafts } => prem::cli::check(&cli.site, drafts),
        Command::Preview { addr, out, drafts } => prem::cli::preview(&cli.site, &addr, out, drafts),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
