//! Settings the server reads from its environment, once, when it starts:
//! handlers read them from the app state, never from environment variables.

/// What `sluice serve` takes from environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// `SLUICE_ADMIN_PASSWORD`: the first `admin` account's password (else a random one, printed once).
    pub admin_password: Option<String>,
    /// `SLUICE_DEMO_PASSWORD`: the demo `analyst`'s password (`--demo`).
    pub demo_password: Option<String>,
    /// `SLUICE_ALERT_WEBHOOK`: where alerts are POSTed when `--alert-webhook` is not given.
    pub alert_webhook: Option<String>,
    /// `SLUICE_ALLOW_SELF_APPROVAL=1|true`: a deployment with a single admin may
    /// approve that admin's own changes (every use audited).
    pub allow_self_approval: bool,
    /// `--git-dir` / `SLUICE_GIT_DIR`: a bare Git repository every approved version is committed to.
    pub git_dir: Option<std::path::PathBuf>,
}

impl Config {
    pub fn from_env() -> Config {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables (tests pass a map).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Config {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        Config {
            admin_password: set("SLUICE_ADMIN_PASSWORD"),
            demo_password: set("SLUICE_DEMO_PASSWORD"),
            alert_webhook: set("SLUICE_ALERT_WEBHOOK"),
            allow_self_approval: set("SLUICE_ALLOW_SELF_APPROVAL").is_some_and(|v| v == "1" || v == "true"),
            git_dir: set("SLUICE_GIT_DIR").map(std::path::PathBuf::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn reads_each_variable_and_ignores_empty_ones() {
        let vars = [
            ("SLUICE_ADMIN_PASSWORD", "pw-1234567"),
            ("SLUICE_DEMO_PASSWORD", ""),
            ("SLUICE_ALLOW_SELF_APPROVAL", "true"),
        ];
        let c = Config::from_vars(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()));
        assert_eq!(c.admin_password.as_deref(), Some("pw-1234567"));
        assert_eq!(c.demo_password, None);
        assert!(c.allow_self_approval);
        assert!(!Config::from_vars(|n| (n == "SLUICE_ALLOW_SELF_APPROVAL").then(|| "yes".into())).allow_self_approval);
    }
}
