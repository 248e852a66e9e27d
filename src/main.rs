//! The `prem` command line: parses arguments and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: serving a static page spent about a sixth of its
/// time in glibc's malloc and free (consolidating freed chunks), and a build allocates millions
/// of small strings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Print how long each step of the build took.
        #[arg(long)]
        timings: bool,
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
    /// The partnership's workspace: pull referrals, work cases, people and places.
    /// (`prem inbox` is the older name and still works.)
    #[command(alias = "inbox")]
    Workspace {
        #[command(subcommand)]
        action: WorkspaceAction,
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
    Add {
        name: String,
        /// The recipient team (a `[[kiosk.recipients]]` name) whose records the token may list,
        /// fetch and acknowledge; optional when only one team is configured.
        #[arg(long)]
        team: Option<String>,
    },
    /// Revoke NAME's token.
    Revoke { name: String },
    /// List token names.
    List,
}

#[derive(Subcommand)]
enum WorkspaceAction {
    /// Serve reviewers (default 127.0.0.1:8090) and pull from the kiosks on a timer.
    Serve {
        /// Refuse development shortcuts (also set by PREM_ENV=production).
        #[arg(long)]
        production: bool,
    },
    /// Pull new sealed records from every kiosk now.
    Pull,
    /// Manage reviewer accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Check the audit trail's hash chain (exit 1 naming the first bad entry).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Delete referrals older than inbox.retention_days, auditing each.
    Purge,
    /// Records that did not open and were set aside.
    Quarantine {
        #[command(subcommand)]
        action: QuarantineAction,
    },
    /// Send one test notification to ADDR through the [notify] relay, and say how it went.
    NotifyTest { addr: String },
}

#[derive(Subcommand)]
enum QuarantineAction {
    /// List them, with why each did not open.
    List,
    /// Try to open each again with the inbox's key (after fixing the key).
    Retry,
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account and print its temporary password once.
    Add {
        name: String,
        /// reviewer, chair, business-support or admin.
        #[arg(long)]
        role: String,
        /// The local authority a business-support account works for.
        #[arg(long)]
        la: Option<String>,
        /// Where the account's notifications go (none without it).
        #[arg(long)]
        email: Option<String>,
    },
    /// Set the address an account's notifications go to, or --remove it.
    Email {
        name: String,
        #[arg(required_unless_present = "remove")]
        addr: Option<String>,
        #[arg(long, conflicts_with = "addr")]
        remove: bool,
    },
    /// Disable an account.
    Disable { name: String },
    /// New temporary password; the authenticator app must be set up again.
    Reset { name: String },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum AuditAction {
    /// Verify the hash chain.
    Verify,
}

#[derive(Subcommand)]
enum StoreAction {
    /// Rebuild the index from the spool files.
    Rebuild,
}

fn workspace(site: &std::path::Path, action: WorkspaceAction) -> anyhow::Result<ExitCode> {
    use prem::workspace::admin::Command as Admin;
    use prem::workspace::cli;
    let cmd = match action {
        WorkspaceAction::Serve { production } => return cli::serve(site, production),
        WorkspaceAction::NotifyTest { addr } => return prem::notify::notify_test(site, &addr),
        WorkspaceAction::Pull => Admin::Pull,
        WorkspaceAction::User { action } => match action {
            UserAction::Add {
                name,
                role,
                la,
                email,
            } => Admin::UserAdd {
                name,
                role,
                la,
                email,
            },
            UserAction::Email { name, addr, .. } => Admin::UserEmail { name, email: addr },
            UserAction::Disable { name } => Admin::UserDisable { name },
            UserAction::Reset { name } => Admin::UserReset { name },
            UserAction::List => Admin::UserList,
        },
        WorkspaceAction::Audit {
            action: AuditAction::Verify,
        } => Admin::AuditVerify,
        WorkspaceAction::Purge => Admin::Purge,
        WorkspaceAction::Quarantine { action } => match action {
            QuarantineAction::List => Admin::QuarantineList,
            QuarantineAction::Retry => Admin::QuarantineRetry,
        },
    };
    cli::admin(site, cmd)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            out,
            drafts,
            timings,
        } => prem::cli::build(&cli.site, out, drafts, timings),
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
            TokenAction::Add { name, team } => {
                prem::cli::token_add(&cli.site, &name, team.as_deref())
            }
            TokenAction::Revoke { name } => prem::cli::token_revoke(&cli.site, &name),
            TokenAction::List => prem::cli::token_list(&cli.site),
        },
        Command::Workspace { action } => workspace(&cli.site, action),
        Command::Store {
            action: StoreAction::Rebuild,
        } => prem::cli::store_rebuild(&cli.site),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", prem::cli::error_line(&e));
            ExitCode::FAILURE
        }
    }
}
