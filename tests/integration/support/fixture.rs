//! The site folders tests run on. The kiosk and inbox run on [`Partnership::Harbour`], a
//! synthetic partnership in `tests/fixtures/harbour` whose forms, local authorities, reference
//! prefix, marking, deadlines and escalation route all differ from the project's; the few tests
//! that check the project's own `prem.toml`, `content/` and `forms/` use
//! [`Partnership::Project`]. The generator's tests use the `demo` and `broken` fixtures.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use prem::config::Config;
use prem::site::{BuildOptions, Site};

/// The repository: the project's own site folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The site a kiosk or inbox under test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partnership {
    /// `tests/fixtures/harbour`: the synthetic second partnership.
    Harbour,
    /// The repository's own prem.toml, content/ and forms/.
    Project,
}

impl Partnership {
    pub fn root(self) -> PathBuf {
        match self {
            Self::Harbour => fixture("harbour"),
            Self::Project => root(),
        }
    }

    /// Its prem.toml as the binary reads it, without environment overrides.
    pub fn config(self) -> Config {
        Config::load_with_env(&self.root(), std::iter::empty()).expect("config")
    }
}

/// A fixture's prem.toml with the theme folder made absolute, so that a copy of the fixture
/// elsewhere still finds the repository's themes.
pub fn toml_with_absolute_themes(fixture_root: &Path) -> String {
    std::fs::read_to_string(fixture_root.join("prem.toml"))
        .expect("prem.toml")
        .replace(
            "\"../../../themes\"",
            &format!("{:?}", root().join("themes").display().to_string()),
        )
}

/// A copy of `tests/fixtures/<name>` in a temporary folder, for tests that edit it.
pub fn copy_of(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    super::tree::copy_dir(&fixture(name), tmp.path());
    std::fs::write(
        tmp.path().join("prem.toml"),
        toml_with_absolute_themes(&fixture(name)),
    )
    .expect("write prem.toml");
    tmp
}

/// Starts the output folder `out` as a copy of one build of the harbour site made once per
/// test binary. The theme's assets and their gzip and brotli copies are most of a kiosk's
/// start-up (seconds in a debug build); the build's manifest then finds them current and keeps
/// them, renders the site's own pages and removes the seed's other pages. Nothing is assumed
/// of the copy: a build that ignored it would be slower, not wrong.
pub fn seed_output(out: &Path) {
    static SEED: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, seed) = SEED.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let site = Partnership::Harbour.root();
        let config = Partnership::Harbour.config();
        let mut opts = BuildOptions::new(&site, &config);
        opts.out = tmp.path().join("public");
        let out = opts.out.clone();
        Site::load(config, opts)
            .unwrap_or_else(|r| panic!("the harbour site has problems:\n{r}"))
            .build()
            .expect("build the seed");
        (tmp, out)
    });
    super::tree::copy_dir(seed, out);
}

/// One build of the project's own content/, shared by every test that only reads it, dated
/// as the guidance tests expect.
pub struct ProjectBuild {
    _tmp: tempfile::TempDir,
    pub out: PathBuf,
    pub built: prem::site::Built,
    pub checker: prem::checker::Checker,
}

pub fn project_build() -> &'static ProjectBuild {
    static P: OnceLock<ProjectBuild> = OnceLock::new();
    P.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = Partnership::Project.config();
        let mut o = BuildOptions::new(&root(), &config);
        o.out = tmp.path().join("public");
        o.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let site = Site::load(config, o).unwrap_or_else(|r| panic!("content has problems:\n{r}"));
        let built = site.build().expect("build");
        ProjectBuild {
            out: tmp.path().join("public"),
            _tmp: tmp,
            built,
            checker: site.checker.clone(),
        }
    })
}
