//! Zed extension that runs the docksense language server for Dockerfiles.
//!
//! Command: `lsp.docksense.binary` (path, arguments, env) from Zed's settings if set, else
//! `docksense serve` found on the worktree's PATH.
//! Settings: `lsp.docksense.settings` is the `docksense` section (with or without a
//! `"docksense"` wrapper). It is the answer to workspace/configuration and, unless
//! `lsp.docksense.initialization_options` is set, is also sent as initializationOptions
//! (`{"docksense": ...}`).

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "docksense";

struct DocksenseExtension;

impl DocksenseExtension {
    fn lsp_settings(worktree: &zed::Worktree) -> LspSettings {
        LspSettings::for_worktree(SERVER, worktree).unwrap_or_default()
    }

    /// The `docksense` section from `lsp.docksense.settings`.
    fn section(settings: &LspSettings) -> serde_json::Value {
        match &settings.settings {
            Some(value) => match value.get(SERVER) {
                Some(inner) => inner.clone(),
                None => value.clone(),
            },
            None => serde_json::json!({}),
        }
    }
}

impl zed::Extension for DocksenseExtension {
    fn new() -> Self {
        DocksenseExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let settings = Self::lsp_settings(worktree);
        let mut env = worktree.shell_env();
        let binary = settings.binary.unwrap_or_default();
        if let Some(extra) = binary.env {
            env.extend(extra);
        }
        let command = match binary.path {
            Some(path) => path,
            None => worktree.which(SERVER).ok_or_else(|| {
                "docksense was not found on PATH. Install it (pipx install docksense, Python 3.10+) \
                 or set lsp.docksense.binary.path in Zed's settings \
                 (for a Python: \"path\": \"python3\", \"arguments\": [\"-m\", \"docksense\", \"serve\"])."
                    .to_string()
            })?,
        };
        let args = binary
            .arguments
            .unwrap_or_else(|| vec!["serve".to_string()]);
        Ok(zed::Command { command, args, env })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        let settings = Self::lsp_settings(worktree);
        if let Some(options) = settings.initialization_options.clone() {
            return Ok(Some(options));
        }
        Ok(Some(
            serde_json::json!({ SERVER: Self::section(&settings) }),
        ))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        // Zed answers workspace/configuration for a section with this object's member of
        // that name.
        let settings = Self::lsp_settings(worktree);
        Ok(Some(
            serde_json::json!({ SERVER: Self::section(&settings) }),
        ))
    }
}

zed::register_extension!(DocksenseExtension);
