using System.Text.RegularExpressions;

namespace P2P.Cli.Tests;

/// <summary>
/// One error scheme end to end: the same failing commands run without a daemon (the CLI opens the repo) and with one
/// (the CLI asks the daemon's API) print the same one-line sentence and exit with the same code, from the error
/// table; no .NET type name reaches the user either way.
/// </summary>
public sealed partial class ErrorSchemeCliTests : ProcessTestBase
{
    public ErrorSchemeCliTests()
        : base(TimeSpan.FromSeconds(150))
    {
    }

    [Fact]
    public async Task FailingCommands_PrintTheSameSentenceAndExitCode_WithAndWithoutADaemon()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("file.txt");
        await File.WriteAllTextAsync(file, "a file, not a directory", Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-Q", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var fileCid = added.Stdout.Trim();
        var raw = Dir.Combine("raw.bin");
        await File.WriteAllTextAsync(raw, "one raw block: a file, not a directory", Ct);
        var put = await CliRunner.RunAsync(repo, "block", "put", raw);
        Assert.True(put.ExitCode == 0, put.Stderr);
        var rawCid = put.Stdout.Trim();
        Assert.StartsWith("bafkrei", rawCid, StringComparison.Ordinal);
        var other = Dir.Combine("other.txt");
        await File.WriteAllTextAsync(other, "never stored, never pinned", Ct);
        var unknownCid = (await CliRunner.RunAsync(repo, "add", "-Q", "--only-hash", other)).Stdout.Trim();

        // swarm connect has no offline mode, but it checks the address before it needs a daemon: the usage error.
        // cat <unknown> is last: the daemon looks for the block in the swarm until its not-found timeout (30 s), and
        // the CLI's probe of a daemon still busy starting could time out and fall back to the (locked) repo.
        (string Name, string[] Args, int Exit)[] cases =
        [
            ("pin rm <unpinned>", ["pin", "rm", unknownCid], 4),
            ("ls <raw block>", ["ls", rawCid], 2),
            ("ls <file>", ["ls", fileCid], 2),
            ("cat <file>/<missing>", ["cat", fileCid + "/missing"], 4),
            ("swarm connect <bad>", ["swarm", "connect", "/ip4/127.0.0.1/tcp/4001"], 2),
            ("cat <malformed CID>", ["cat", "not-a-cid"], 2),
            ("cat <unknown>", ["cat", unknownCid], 4),
        ];
        var offline = new List<CliResult>();
        foreach (var c in cases)
            offline.Add(await CliRunner.RunAsync(repo, c.Args));

        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        for (var i = 0; i < cases.Length; i++)
        {
            var (name, args, exit) = cases[i];
            var online = await CliRunner.RunAsync(repo, args);
            AssertOneSentence(offline[i], exit, name + " without a daemon");
            AssertOneSentence(online, exit, name + " with a daemon");
            if (name == "cat <unknown>")
            {
                // The daemon asked the swarm: the same sentence, then why the swarm could not supply the block.
                Assert.StartsWith(offline[i].Stderr.TrimEnd() + ": no providers found after ", online.Stderr, StringComparison.Ordinal);
                continue;
            }
            Assert.True(offline[i].Stderr == online.Stderr,
                $"{name}: without a daemon '{offline[i].Stderr.Trim()}', with one '{online.Stderr.Trim()}'");
        }
        Assert.Contains(unknownCid, offline[^1].Stderr, StringComparison.Ordinal);

        // The CLI checks an address before it asks the daemon; the API, asked directly, says the same sentence.
        var port = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[^1];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var answer = await http.PostAsync("api/v0/swarm/connect?arg=" + Uri.EscapeDataString("/ip4/127.0.0.1/tcp/4001"), null, Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, answer.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        Assert.Equal(offline[4].StderrLines[0], "Error: " + body.RootElement.GetProperty("Message").GetString());
        Assert.Equal("BadInput", body.RootElement.GetProperty("Kind").GetString());
    }

    private static void AssertOneSentence(CliResult result, int exit, string what)
    {
        Assert.True(result.ExitCode == exit, $"{what}: exit {result.ExitCode}, expected {exit}; stderr: {result.Stderr}");
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("Error: ", line, StringComparison.Ordinal);
        Assert.DoesNotMatch(TypeName(), line);
        Assert.DoesNotContain("daemon answered", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\b\w+(Exception|Error)\b:")]
    private static partial Regex TypeName();
}
