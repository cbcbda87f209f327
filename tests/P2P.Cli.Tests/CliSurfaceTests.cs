using System.Diagnostics;
using System.Text.Json;

namespace P2P.Cli.Tests;

/// <summary>
/// The command line as a finished tool: `--version`, shell completion, `--enc json` on the commands that print
/// data (each line one JSON object with kubo's field names), and the dotnet tool package.
/// </summary>
public sealed class CliSurfaceTests : IDisposable
{
    private static readonly string DllPath = Path.Combine(AppContext.BaseDirectory, "p2p.dll");

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Version_PrintsThePackageVersion()
    {
        var r = await CliRunner.RunAsync(_dir.Combine("repo"), "--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Stdout);
    }

    [Fact]
    public async Task Help_ListsTheExitCodes()
    {
        var r = await CliRunner.RunAsync(_dir.Combine("repo"), "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("4 not found", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("completion <shell>", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--enc <json|text>", r.Stdout, StringComparison.Ordinal);
        // One line per command: the examples stay in each command's own help.
        Assert.DoesNotContain("Examples:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OfACommandWithARequiredArgumentStillPrints()
    {
        var r = await CliRunner.RunAsync(_dir.Combine("repo"), "add", "--help");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Examples:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--cid-version", r.Stdout, StringComparison.Ordinal);
        // `add` without a path reads stdin (kubo), so `cat` stands for a command whose argument is required.
        var missing = await CliRunner.RunAsync(_dir.Combine("repo"), "cat");
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task Completion_BashScriptCompletesSubcommandsAndOptionValues()
    {
        var script = await CliRunner.RunAsync(_dir.Combine("repo"), "completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var file = _dir.Combine("complete.bash");
        await File.WriteAllTextAsync(file, script.Stdout);
        // p2p is a shell function here, standing in for the installed tool on the PATH.
        var pins = await Bash(file, "p2p pin ", "p2p", "pin", "");
        Assert.Equal(["add", "ls", "rm", "verify"], pins.Where(s => !s.StartsWith('-')).ToArray());
        Assert.DoesNotContain("/?", pins);
        var encodings = await Bash(file, "p2p --enc j", "p2p", "--enc", "j");
        Assert.Equal(["json"], encodings);
    }

    [Fact]
    public async Task Completion_RefusesAnUnknownShell()
    {
        var r = await CliRunner.RunAsync(_dir.Combine("repo"), "completion", "tcsh");
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public async Task EncJson_OfflineCommandsPrintOneObjectPerLineWithKuboNames()
    {
        var repo = _dir.Combine("repo");
        var init = Lines(await CliRunner.RunAsync(repo, "--enc", "json", "init"));
        Assert.StartsWith("12D3", init[0].GetProperty("ID").GetString(), StringComparison.Ordinal);
        Directory.CreateDirectory(_dir.Combine("site"));
        await File.WriteAllTextAsync(_dir.Combine("site", "index.html"), "<p>hello</p>");
        var added = Lines(await CliRunner.RunAsync(repo, "add", "-r", "--enc", "json", _dir.Combine("site")));
        Assert.Equal(2, added.Count);
        var root = added[^1].GetProperty("Hash").GetString()!;
        Assert.Equal("site", added[^1].GetProperty("Name").GetString());
        Assert.True(added[^1].TryGetProperty("Size", out _));

        var ls = Lines(await CliRunner.RunAsync(repo, "ls", "--enc", "json", root));
        Assert.Equal("index.html", Assert.Single(ls).GetProperty("Name").GetString());
        var pins = Lines(await CliRunner.RunAsync(repo, "pin", "ls", "--enc", "json"));
        Assert.Equal(root, Assert.Single(pins).GetProperty("Cid").GetString());
        Assert.Equal(root, Assert.Single(Lines(await CliRunner.RunAsync(repo, "block", "stat", "--enc", "json", root))).GetProperty("Key").GetString());
        Assert.Equal(2, Assert.Single(Lines(await CliRunner.RunAsync(repo, "repo", "stat", "--enc", "json"))).GetProperty("NumObjects").GetInt64());
        Assert.Equal(2, Assert.Single(Lines(await CliRunner.RunAsync(repo, "repo", "verify", "--enc", "json"))).GetProperty("Checked").GetInt64());
        Assert.Single(Lines(await CliRunner.RunAsync(repo, "id", "--enc", "json"))).GetProperty("Addresses");
        var put = Lines(await CliRunner.RunWithInputAsync(repo, "loose block"u8.ToArray(), "block", "put", "--enc", "json"));
        var loose = Assert.Single(put).GetProperty("Key").GetString();
        var gc = Lines(await CliRunner.RunAsync(repo, "repo", "gc", "--enc", "json"));
        Assert.Equal(loose, Assert.Single(gc).GetProperty("Key").GetString());
    }

    [Fact]
    public async Task EncJson_DaemonCommandsPrintOneObjectPerLine()
    {
        var repo = _dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var daemon = await DaemonProcess.StartAsync(repo, timeout.Token);
        var table = Assert.Single(Lines(await CliRunner.RunAsync(repo, "dht", "table", "--enc", "json")));
        Assert.Equal(0, table.GetProperty("Total").GetInt32());
        var stat = Assert.Single(Lines(await CliRunner.RunAsync(repo, "bitswap", "stat", "--enc", "json")));
        Assert.Equal(JsonValueKind.Array, stat.GetProperty("Ledgers").ValueKind);
        var id = Assert.Single(Lines(await CliRunner.RunAsync(repo, "id", "--enc", "json")));
        Assert.Equal(daemon.Address, id.GetProperty("Addresses")[0].GetString());
        Assert.Empty(Lines(await CliRunner.RunAsync(repo, "swarm", "peers", "--enc", "json")));
    }

    private static List<JsonElement> Lines(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }).ToList();
    }

    /// <summary>Sources the completion script and runs its function the way bash does on TAB.</summary>
    private static async Task<string[]> Bash(string script, string line, params string[] words)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("""
            p2p() { dotnet "$P2P_DLL" "$@"; }
            source "$1"; shift
            COMP_LINE="$1"; COMP_POINT=${#1}; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
            _p2p_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """);
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(line);
        foreach (var w in words)
            psi.ArgumentList.Add(w);
        psi.Environment["P2P_DLL"] = DllPath;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
