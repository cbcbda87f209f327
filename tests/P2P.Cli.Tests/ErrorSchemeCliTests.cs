using System.Text.RegularExpressions;

namespace P2P.Cli.Tests;

/// <summary>
/// One error scheme end to end: the same failing commands run without a daemon (the CLI opens the repo) and with one
/// (the CLI asks the daemon's API) print the same one-line sentence and exit with the same code, from the error
/// table; no .NET type name reaches the user either way.
/// </summary>
public sealed partial class ErrorSchemeCliTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(150));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task FailingCommands_PrintTheSameSentenceAndExitCode_WithAndWithoutADaemon()
    {
        var repo = _dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = _dir.Combine("file.txt");
        await File.WriteAllTextAsync(file, "a file, not a directory", Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-Q", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var fileCid = added.Stdout.Trim();
        var other = _dir.Combine("other.txt");
        await File.WriteAllTextAsync(other, "never stored, never pinned", Ct);
        var unknownCid = (await CliRunner.RunAsync(repo, "add", "-Q", "--only-hash", other)).Stdout.Trim();

        (string Name, string[] Args, int Exit)[] cases =
        [
            ("pin rm <unpinned>", ["pin", "rm", unknownCid], 4),
            ("ls <file>", ["ls", fileCid], 2),
            ("cat <file>/<missing>", ["cat", fileCid + "/missing"], 4),
            ("swarm connect <bad>", ["swarm", "connect", "/ip4/127.0.0.1/tcp/4001"], 2),
            ("cat <malformed CID>", ["cat", "not-a-cid"], 2),
        ];
        var offline = new List<CliResult>();
        foreach (var c in cases)
            offline.Add(await CliRunner.RunAsync(repo, c.Args));
        var offlineUnknown = await CliRunner.RunAsync(repo, "cat", unknownCid);

        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        for (var i = 0; i < cases.Length; i++)
        {
            var (name, args, exit) = cases[i];
            var online = await CliRunner.RunAsync(repo, args);
            AssertOneSentence(offline[i], exit, name + " without a daemon");
            AssertOneSentence(online, exit, name + " with a daemon");
            Assert.Equal(offline[i].StderrLines[0], online.StderrLines[0]);
        }

        // The CLI checks an address before it asks the daemon; the API, asked directly, says the same sentence.
        var port = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[^1];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var answer = await http.PostAsync("api/v0/swarm/connect?arg=" + Uri.EscapeDataString("/ip4/127.0.0.1/tcp/4001"), null, Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, answer.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        Assert.Equal(offline[3].StderrLines[0], "Error: " + body.RootElement.GetProperty("Message").GetString());
        Assert.Equal("BadInput", body.RootElement.GetProperty("Kind").GetString());

        // Without a daemon the block is simply not in the repo; the daemon also asked the swarm, and says so. The
        // kind, and so the exit code, is the same.
        // Last and alone: the daemon looks for the block in the swarm until its not-found timeout (30 s), and the CLI's
        // probe of a daemon busy starting could time out and fall back to the (locked) repo.
        var onlineUnknown = await CliRunner.RunAsync(repo, "cat", unknownCid);
        AssertOneSentence(offlineUnknown, 4, "cat <unknown> without a daemon");
        AssertOneSentence(onlineUnknown, 4, "cat <unknown> with a daemon");
        Assert.Contains(unknownCid, offlineUnknown.Stderr, StringComparison.Ordinal);
        Assert.Contains(unknownCid, onlineUnknown.Stderr, StringComparison.Ordinal);
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
