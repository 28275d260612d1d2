"""Settings: nested, dotted or prefixed; partial merges with defaults; bad values warn and keep
defaults; and both delivery paths (initializationOptions, workspace/configuration) end to end."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from docksense.settings import Settings, parse_settings, to_json

from .lsp_helpers import SERVER, next_diagnostics, open_doc, push_only_capabilities


def parse(raw):
    warnings: list[str] = []
    return parse_settings(raw, warnings.append), warnings


def test_defaults():
    settings, warnings = parse(None)
    assert settings == Settings() and warnings == []
    assert to_json(settings)["diagnostics"] == {"enable": True, "debounceMs": 50}


def test_feature_switches_inlay_hints_formatting_shellcheck_and_limits():
    settings, warnings = parse({
        "features.completion": False,
        "features": {"rename": False},
        "inlayHints": {"stageIndexes": False},
        "formatting.keywordCase": "lower",
        "shellcheck": {"enable": False, "path": "/usr/bin/shellcheck"},
        "limits": {"maxDocumentBytes": 5000, "requestBudgetMs": 500},
    })
    assert warnings == []
    assert (settings.features.completion, settings.features.rename, settings.features.formatting) == (False, False, True)
    assert (settings.inlay_hints.stage_indexes, settings.inlay_hints.variable_values) == (False, True)
    assert settings.formatting.keyword_case == "lower"
    assert (settings.shellcheck.enable, settings.shellcheck.path) == (False, "/usr/bin/shellcheck")
    assert (settings.limits.max_document_bytes, settings.limits.request_budget_ms) == (5000, 500)


def test_bad_limits_and_keyword_case_keep_their_defaults():
    settings, warnings = parse({"limits": {"maxDocumentBytes": 0, "requestBudgetMs": 10},
                                "formatting": {"keywordCase": "shouting"}, "features": {"nope": True}})
    assert settings.limits == Settings().limits and settings.formatting == Settings().formatting
    assert len(warnings) == 4


def test_nested_dotted_and_prefixed_forms_agree():
    nested, _ = parse({"rules": {"severity": {"DL3008": "off"}}, "hover": {"detail": "concise"}})
    dotted, _ = parse({"rules.severity": {"DL3008": "off"}, "hover.detail": "concise"})
    prefixed, _ = parse({"docksense": {"rules": {"severity": {"DL3008": "off"}}, "hover.detail": "concise"}})
    flat_prefixed, _ = parse({"docksense.rules.severity": {"DL3008": "off"}, "docksense.hover.detail": "concise"})
    assert nested == dotted == prefixed == flat_prefixed
    assert nested.rules.severity == {"DL3008": "off"} and nested.hover.detail == "concise"


def test_partial_settings_merge_with_defaults():
    settings, _ = parse({"rules": {"families": {"eol": False}}})
    assert settings.rules.families == {"syntax": True, "buildkit": True, "practice": True, "shellcheck": True, "eol": False}
    assert settings.diagnostics.enable is True


def test_bad_values_warn_and_keep_defaults():
    settings, warnings = parse({"diagnostics": {"debounceMs": 500, "enable": "yes please"},
                                "hover": {"detail": "everything"}, "rules": {"severity": {"A": "loud", "B": "hint"}},
                                "bogus": 1})
    assert settings.diagnostics.debounce_ms == 50
    assert settings.hover.detail == "full"
    assert settings.rules.severity == {"B": "hint"}
    assert len(warnings) >= 4
    settings, warnings = parse(["not", "an", "object"])
    assert settings == Settings() and warnings


@pytest_lsp.fixture(config=SERVER)
async def init_options_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=push_only_capabilities(),
        initialization_options={"docksense": {"rules": {"severity": {"MissingValue": "off"}},
                                              "diagnostics": {"debounceMs": 0}}},
    ))
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options_reach_the_server(init_options_client: LanguageClient):
    uri = "file:///tmp/settings/Dockerfile"
    open_doc(init_options_client, uri, "FROM example.com/base:1.0\nENV ONLYKEY\nFORM x\n")
    params = await next_diagnostics(init_options_client, uri)
    codes = [d.code for d in params.diagnostics]
    assert "MissingValue" not in codes and "UnknownInstruction" in codes


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER.server_command))
async def configuration_client(lsp_client: LanguageClient):
    caps = push_only_capabilities()
    caps.workspace = types.WorkspaceClientCapabilities(configuration=True)
    lsp_client.set_configuration({"rules.severity": {"UnknownInstruction": "off"}}, section="docksense")
    await lsp_client.initialize_session(types.InitializeParams(capabilities=caps))
    yield
    await lsp_client.shutdown_session()


async def test_workspace_configuration_reaches_the_server(configuration_client: LanguageClient):
    uri = "file:///tmp/settings2/Dockerfile"
    open_doc(configuration_client, uri, "FROM example.com/base:1.0\nFORM x\n")
    codes = []
    for _ in range(3):  # the first push may come before the configuration answer
        params = await next_diagnostics(configuration_client, uri)
        codes = [d.code for d in params.diagnostics]
        if "UnknownInstruction" not in codes:
            break
        configuration_client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2 + _),
            [types.TextDocumentContentChangeWholeDocument(text="FROM example.com/base:1.0\nFORM x\n")]))
    assert "UnknownInstruction" not in codes
