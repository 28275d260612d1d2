"""Windows containers (issue 9, item 5): cmd and PowerShell bodies are explained as what they
are, never read as POSIX sh."""

from __future__ import annotations

from docksense.analysis import Analysis
from docksense.analysis.windows_shell import parse_cmd, parse_powershell, shell_kind
from docksense.features import markdown as md
from docksense.features.explain.line import iter_lines
from docksense.knowledge import KnowledgeBase

KB = KnowledgeBase()

POWERSHELL = """\
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\\tool; `
    Remove-Item -Force tool.zip; `
    [Environment]::SetEnvironmentVariable('PATH', $env:PATH + ';C:\\tool', [EnvironmentVariableTarget]::Machine)
RUN $env:TOOL_HOME = 'C:\\tool'; Write-Host $env:TOOL_HOME
USER ContainerAdministrator
"""


def explain(text: str) -> dict[int, tuple[str, str]]:
    return {line.line: (md.plain(line.purpose).replace("\\", ""), md.plain(line.why).replace("\\", ""))
            for _, line in iter_lines(Analysis(text), KB)}


def test_windows_base_image_defaults_to_cmd():
    purpose, why = explain(POWERSHELL)[2]
    assert "Windows Server Core" in purpose
    assert "shell-form lines run under cmd /S /C until a SHELL switches to PowerShell" in why


def test_shell_instruction_switching_to_powershell():
    purpose, why = explain(POWERSHELL)[3]
    assert purpose.startswith("Makes PowerShell")
    assert "makes every error stop the script" in purpose and "turns off progress bars" in purpose
    assert "$ErrorActionPreference = 'Stop' makes a failing cmdlet fail the build" in why


def test_powershell_body_is_read_as_cmdlets():
    purpose, why = explain(POWERSHELL)[4]
    assert purpose.startswith("Downloads https://example.com/tool.zip to tool.zip, extracts the zip archive tool.zip "
                              "into C:tool".replace("C:tool", "C:tool"))
    assert "deletes tool.zip" in purpose
    assert "sets environment variable PATH machine-wide, so it persists in the image" in purpose
    assert "The download is deleted in the same RUN" in why
    assert "SetEnvironmentVariable(..., Machine) stores the value" in why


def test_env_drive_assignment_lasts_for_the_run_only():
    purpose, _ = explain(POWERSHELL)[8]
    assert "Sets environment variable TOOL_HOME for this PowerShell session only" in purpose


def test_container_administrator_is_not_called_non_root():
    _, why = explain(POWERSHELL)[9]
    assert "administrator" in why and "non-root" not in why


def test_cmd_body_with_nested_powershell_and_setx():
    text = ("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
            "RUN mkdir C:\\app && set MODE=prod && echo ready > C:\\app\\state.txt\n"
            'RUN powershell -Command "Invoke-WebRequest -Uri https://x.test/a.zip -OutFile a.zip"\n'
            'RUN setx /M PATH "%PATH%;C:\\app"\n'
            "RUN dotnet restore\n")
    lines = explain(text)
    assert lines[2][0] == ("Creates directory C:app, sets MODE to prod for the rest of this command, "
                           "then prints ready into C:appstate.txt.")
    assert lines[3][0] == "Downloads https://x.test/a.zip to a.zip."
    assert "PATH to %PATH%;C:app permanently machine-wide" in lines[4][0]
    assert "setx stores the variable in the registry" in lines[4][1]
    assert lines[5][0].startswith("Restores the NuGet packages")


def test_powershell_is_not_read_as_sh():
    # read as sh, `$ErrorActionPreference` would be a variable and `-Uri` an option of nothing
    analysis = Analysis(POWERSHELL)
    run = analysis.tree.instructions[2]
    assert analysis.commands(run) == []


def test_parser_offsets_point_into_the_document():
    text = "$a = 1; Invoke-WebRequest -Uri 'https://x' -OutFile f.zip | Out-Null"
    statements = parse_powershell(text, base=100)
    assert [s.kind for s in statements] == ["assignment", "command", "command"]
    uri = statements[1].words[2]
    assert (uri.text, text[uri.start - 100:uri.end - 100]) == ("https://x", "'https://x'")
    cmd = parse_cmd('cmd /S /C "copy a b && del a"')
    assert [s.words[0].text for s in cmd] == ["copy", "del"]
    assert shell_kind(["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"]) == "powershell"
    assert shell_kind(["/bin/sh", "-c"]) is None


def test_unbalanced_input_does_not_break_the_reader():
    for text in ['"unterminated', "(((", "`", "[x]::y(", "& ", "if ("]:
        parse_powershell(text)
        parse_cmd(text)
