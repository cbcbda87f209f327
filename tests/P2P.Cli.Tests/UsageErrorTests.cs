namespace P2P.Cli.Tests;

/// <summary>
/// A mistyped command line gets one line on stderr and exit 2, the same with a daemon running; an option-like word
/// is never taken for a path or a CID; a missing repo is one line and exit 3. No stack trace in any of them.
/// </summary>
public sealed class UsageErrorTests : ProcessTestBase
{
    private const string Cid = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";

    public UsageErrorTests()
        : base(TimeSpan.FromSeconds(90))
    {
    }

    private static void AssertOneLine(CliResult r, int code, string expected)
    {
        Assert.Equal(code, r.ExitCode);
        Assert.Equal([expected], r.StderrLines);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(r.StdoutBytes);
    }

    private static async Task AssertMistakesAsync(string repo, string file)
    {
        AssertOneLine(await CliRunner.RunAsync(repo, "add", "-x", file), 2, "Error: unknown option '-x'");
        AssertOneLine(await CliRunner.RunAsync(repo, "cat", "--frob", Cid), 2, "Error: unknown option '--frob'");
        AssertOneLine(await CliRunner.RunAsync(repo, "frob"), 2, "Error: unknown command 'frob': run 'p2p --help' for the list");
        AssertOneLine(await CliRunner.RunAsync(repo, "ad", file), 2, "Error: unknown command 'ad': did you mean 'p2p add'?");
        AssertOneLine(await CliRunner.RunAsync(repo, "pin", "lss"), 2, "Error: unknown command 'lss': did you mean 'p2p pin ls'?");
        AssertOneLine(await CliRunner.RunAsync(repo, "pin"), 2, "Error: 'p2p pin' needs a command: add, rm, ls, verify");
    }

    [Fact]
    public async Task Mistakes_OneLineExit2_OfflineAndThroughADaemon()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("f.txt");
        File.WriteAllText(file, "hello");
        await AssertMistakesAsync(repo, file);
        await using (var daemon = await DaemonProcess.StartAsync(repo, Ct))
            await AssertMistakesAsync(repo, file);
    }

    [Fact]
    public async Task AWordAfterDoubleDash_IsAPathEvenWhenItLooksLikeAnOption()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        // No file "-x" where the test runs: the error names the path, so it was read as one and not as an option.
        var r = await CliRunner.RunAsync(repo, "add", "-Q", "--", "-x");
        Assert.Equal(["Error: no such file: -x"], r.StderrLines);
        var dashed = Dir.Combine("-x");
        File.WriteAllText(dashed, "hello");
        var added = await CliRunner.RunAsync(repo, "add", "-Q", dashed);
        Assert.True(added.ExitCode == 0, added.Stderr);
    }

    [Fact]
    public async Task MissingRepo_OneLineExit3()
    {
        var nowhere = Dir.Combine("nothing-here");
        AssertOneLine(await CliRunner.RunAsync(nowhere, "cat", Cid), 3, $"Error: no p2p repo at {nowhere}: run `p2p init`");
        AssertOneLine(await CliRunner.RunAsync(nowhere, "daemon"), 3, $"Error: no p2p repo at {nowhere}: run `p2p init`");
        Assert.False(Directory.Exists(nowhere), "a command created the missing repo");
    }
}
