using System.Globalization;
using System.Text.RegularExpressions;

namespace P2P.Cli.Tests;

/// <summary>
/// Progress and fetch failures as a user sees them, with real processes: `get --progress` with stderr redirected
/// prints docs/PROGRESS.md's plain lines (offline and through a daemon), a get whose only provider is killed
/// halfway fails with the reason and exit 1 (and the daemon logs no stack trace), and `--timeout` says it timed out.
/// </summary>
public sealed partial class ProgressCliTests
{
    /// <summary>2 MB/s: a 16 MiB fetch from one provider takes about eight seconds, time enough to act mid-fetch.</summary>
    private const long SlowUpload = 2_000_000;

    [Fact]
    [Trait("Category", "Long")]
    public async Task GetProgress_StderrRedirected_PrintsPlainLinesToTheExactTotal()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var (file, sha) = swarm.WriteFile("data.bin", 16, seed: 7);
        var seed = await swarm.InitAsync("seed", SlowUpload * 4);
        await swarm.StartAsync(seed);
        var cid = await SwarmFixture.RunOkAsync(seed, "add", "-Q", file);
        var fetcher = await swarm.InitAsync("fetcher");
        await swarm.StartAsync(fetcher);
        await swarm.WaitForProvidersAsync(fetcher, cid, 1);

        var output = Path.Combine(swarm.Root, "out.bin");
        var online = await CliRunner.RunAsync(fetcher, "get", "--progress", cid, "-o", output);
        Assert.True(online.ExitCode == 0, online.Stderr);
        Assert.Equal(sha, SwarmFixture.Sha(output));
        AssertPlainProgress(online.Stderr, "fetching", "16.0 MiB");

        // Offline, from a repo that holds the file: the same form.
        var local = Path.Combine(swarm.Root, "local");
        Assert.Equal(0, (await CliRunner.RunAsync(local, "init")).ExitCode);
        await SwarmFixture.RunOkAsync(local, "add", "-Q", file);
        var offline = await CliRunner.RunAsync(local, "get", "--progress", cid, "-o", Path.Combine(swarm.Root, "offline.bin"));
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        AssertPlainProgress(offline.Stderr, "fetching", "16.0 MiB");
    }

    [Fact]
    public async Task AddProgress_TwoFilesOfflineAndThroughADaemon_PlainLinesEndAtTheExactTotal()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(2));
        var (a, _) = swarm.WriteFile("a.bin", 6, seed: 3);
        var (b, _) = swarm.WriteFile("b.bin", 2, seed: 4);
        var repo = await swarm.InitAsync("repo");

        // Two inputs, each reporting its own running total: the old bar summed those totals past 100%.
        var offline = await CliRunner.RunAsync(repo, "add", "--progress", a, b);
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        AssertPlainProgress(offline.Stderr, "adding", "8.0 MiB");

        await swarm.StartAsync(repo);
        var online = await CliRunner.RunAsync(repo, "add", "--progress", "--pin=false", a, b);
        Assert.True(online.ExitCode == 0, online.Stderr);
        AssertPlainProgress(online.Stderr, "adding", "8.0 MiB");
        Assert.Equal(offline.Stdout, online.Stdout);
        // One file is read by the daemon from the descriptor passed on its local channel, its counts coming back as
        // frames: the same plain lines, ending at the file's exact size, and the same result line.
        var single = await CliRunner.RunAsync(repo, "add", "--progress", "--pin=false", a);
        Assert.True(single.ExitCode == 0, single.Stderr);
        AssertPlainProgress(single.Stderr, "adding", "6.0 MiB");
        Assert.Equal([offline.StdoutLines[0]], single.StdoutLines);

        // pin add through the daemon streams kubo's {"Progress": blocks} and the CLI shows the count.
        var cid = offline.StdoutLines[0].Split(' ')[1];
        var pin = await CliRunner.RunAsync(repo, "pin", "add", "--progress", cid);
        Assert.True(pin.ExitCode == 0, pin.Stderr);
        Assert.Matches(@"^pinning \d+ blocks ", pin.StderrLines[^1]);
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_OnlyProviderKilledHalfway_SaysWhichBlockWasOutstandingAndExits1()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var (file, _) = swarm.WriteFile("data.bin", 16, seed: 8);
        var seed = await swarm.InitAsync("seed", SlowUpload);
        var victim = await swarm.StartAsync(seed);
        var cid = await SwarmFixture.RunOkAsync(seed, "add", "-Q", file);
        var fetcher = await swarm.InitAsync("fetcher");
        var fetcherDaemon = await swarm.StartAsync(fetcher);
        await swarm.WaitForProvidersAsync(fetcher, cid, 1);

        var output = Path.Combine(swarm.Root, "out.bin");
        var get = CliRunner.RunAsync(fetcher, "get", "--progress", cid, "-o", output);
        await swarm.WaitUntilAsync(async () => await swarm.LedgerAsync(fetcher, SwarmFixture.PeerOf(victim)) is { } l
                && l.GetProperty("BlocksReceived").GetInt64() >= 8,
            () => "the provider never served a block");
        await victim.KillAsync(swarm.Ct);

        var result = await get;
        Assert.Equal(1, result.ExitCode);
        var error = result.StderrLines[^1];
        Assert.True(error.StartsWith("Error: block ", StringComparison.Ordinal), $"{result.Stderr}\n--- daemon:\n{fetcherDaemon.Output}");
        // A killed peer stops answering before its session times out: either is said, naming it and the block it owed.
        Assert.Matches($"provider {SwarmFixture.PeerOf(victim)} (went away|stopped answering) while block \\w+ was outstanding", error);
        Assert.Contains("run the command again to resume", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "no partial file");
        // The bar went on while waiting for another provider, and said so.
        Assert.Contains("looking for providers", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ResponseEnded", result.Stderr, StringComparison.Ordinal);
        // The daemon logged the early end in one line: no Kestrel "unhandled exception" with its stack.
        Assert.Contains("ended early: block ", fetcherDaemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("unhandled exception", fetcherDaemon.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("failed after its answer began", fetcherDaemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_Timeout_SaysItTimedOutAndThatRunningAgainResumes()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(2));
        var repo = await swarm.InitAsync("alone");
        await swarm.StartAsync(repo);
        const string nobodyHasIt = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

        var result = await CliRunner.RunAsync(repo, "--timeout", "3s", "get", "--progress", nobodyHasIt, "-o", Path.Combine(swarm.Root, "x"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: timed out after 3s; the blocks fetched so far are kept: run the command again to resume", result.StderrLines[^1]);
        Assert.Contains("looking for providers… 0 found", result.Stderr, StringComparison.Ordinal);
        var bad = await CliRunner.RunAsync(repo, "--timeout", "soon", "cat", nobodyHasIt);
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public void Docs_PlainCapture_ParsesAsThePlainForm()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "P2P.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "PROGRESS.md"));
        var section = doc[doc.IndexOf("### The same `get` with stderr redirected", StringComparison.Ordinal)..];
        var start = section.IndexOf("```\n", StringComparison.Ordinal) + 4;
        var block = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        AssertPlainProgress(block, "fetching", "100.0 MiB");
    }

    /// <summary>Every line is docs/PROGRESS.md's plain form; bytes never go back, the total is exact, the last line is 100%.</summary>
    internal static void AssertPlainProgress(string stderr, string label, string total)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith(label + " ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.DoesNotContain('\r', stderr);
        var last = -1.0;
        var percent = -1;
        foreach (var line in lines)
        {
            var m = PlainLine().Match(line);
            Assert.True(m.Success, $"not the plain form: '{line}'");
            Assert.Equal(total, m.Groups["total"].Value);
            var done = Bytes(m.Groups["done"].Value);
            Assert.True(done >= last, $"bytes went back: '{line}'");
            last = done;
            percent = int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture);
        }
        Assert.Equal(100, percent);
        Assert.Equal(Bytes(total), last);
    }

    private static double Bytes(string text)
    {
        var parts = text.Split(' ');
        var n = double.Parse(parts[0], CultureInfo.InvariantCulture);
        return parts[1] switch { "KiB" => n * 1024, "MiB" => n * 1024 * 1024, "GiB" => n * 1024 * 1024 * 1024, _ => n };
    }

    [GeneratedRegex(@"^(?<label>\w+) (?<done>[\d.]+ [KMGT]?i?B) / (?<total>[\d.]+ [KMGT]?i?B) \((?<percent>\d+)%\) (?<rate>[\d.]+ [KMGT]?i?B)/s ETA (?<eta>\S+)(  (?<extra>.*))?$")]
    private static partial Regex PlainLine();
}
