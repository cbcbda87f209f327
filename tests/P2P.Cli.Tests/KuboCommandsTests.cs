using System.Text.Json;

namespace P2P.Cli.Tests;

/// <summary>
/// kubo's commands that p2p lacked at 44ff9cb (version, config, refs, block rm, bootstrap, dag get/stat, cat of several
/// files, shutdown): each prints the same stdout, stderr and exit code offline and through a running daemon.
/// </summary>
public sealed class KuboCommandsTests() : ProcessTestBase(TimeSpan.FromMinutes(6))
{
    private const string PeerAddress = "/ip4/127.0.0.1/udp/4999/p2p/12D3KooWLcFRz8Vrdz7tRRiy9KKTDvR8bhM44iKN9t2TfppgnyGc";

    /// <summary>A repo holding a two-file directory (pinned) and a loose raw block; returns the CIDs.</summary>
    private async Task<(string Repo, string Dir, string One, string Two, string Loose)> RepoAsync()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var tree = Dir.Combine("tree");
        Directory.CreateDirectory(tree);
        await File.WriteAllTextAsync(Path.Join(tree, "one.txt"), "one\n", Ct);
        await File.WriteAllTextAsync(Path.Join(tree, "two.txt"), "two\n", Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-r", "-q", tree);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var cids = added.StdoutLines;
        var loose = await CliRunner.RunWithInputAsync(repo, "loose block\n"u8.ToArray(), "block", "put");
        Assert.True(loose.ExitCode == 0, loose.Stderr);
        return (repo, cids[^1], cids[0], cids[1], loose.Stdout.Trim());
    }

    [Fact]
    public async Task ReadCommands_PrintTheSameOfflineAndThroughTheDaemon()
    {
        var (repo, dir, one, two, _) = await RepoAsync();
        string[][] commands =
        [
            ["version"], ["version", "--all"], ["--enc", "json", "version"],
            ["config", "Addresses.API"], ["config", "limits"], ["--enc", "json", "config", "listen"], ["config", "show"],
            ["config", "no.such.key"],
            ["refs", dir], ["refs", "-r", "--format", "<src> <dst> <linkname>", dir], ["--enc", "json", "refs", "-r", "-u", dir], ["refs", "local"],
            ["dag", "get", dir], ["dag", "get", dir + "/one.txt"], ["dag", "stat", dir], ["--enc", "json", "dag", "stat", dir, one],
            ["bootstrap", "list"], ["--enc", "json", "bootstrap"],
            ["cat", one, two], ["cat", one, two, "--offset", "2", "--length", "4"], ["cat", one, "not-a-cid"],
        ];
        var offline = new List<CliResult>();
        foreach (var args in commands)
            offline.Add(await CliRunner.RunAsync(repo, args));
        await using (var daemon = await DaemonProcess.StartAsync(repo, Ct))
        {
            for (var i = 0; i < commands.Length; i++)
            {
                var online = await CliRunner.RunAsync(repo, commands[i]);
                var what = string.Join(' ', commands[i]);
                Assert.True(offline[i].ExitCode == online.ExitCode, $"{what}: exit {offline[i].ExitCode} offline, {online.ExitCode} online: {online.Stderr}");
                Assert.True(offline[i].Stdout == online.Stdout, $"{what}:\noffline: {offline[i].Stdout}\nonline:  {online.Stdout}");
                Assert.True(offline[i].Stderr == online.Stderr, $"{what}:\noffline: {offline[i].Stderr}\nonline:  {online.Stderr}");
            }
            Assert.Equal(0, await daemon.StopAsync(Ct));
        }
        // What each prints, as kubo prints it.
        Assert.Matches(@"^p2p version \d+\.\d+\.\d+\n$", offline[0].Stdout);
        using (var version = JsonDocument.Parse(offline[2].Stdout))
        {
            foreach (var field in new[] { "Version", "Commit", "Repo", "System", "Golang" })
                Assert.True(version.RootElement.TryGetProperty(field, out _), field);
        }
        Assert.Equal("127.0.0.1:5001\n", offline[3].Stdout);
        Assert.Contains("\"maxPeers\":", offline[4].Stdout, StringComparison.Ordinal);
        Assert.Equal("{\"Key\":\"listen\",\"Value\":\"/ip4/127.0.0.1/udp/4001\"}\n", offline[5].Stdout);
        Assert.Equal(2, offline[7].ExitCode);
        Assert.Equal($"{one}\n{two}\n", offline[8].Stdout);
        Assert.Equal($"{dir} {one} one.txt\n{dir} {two} two.txt\n", offline[9].Stdout);
        Assert.Equal($"{{\"Ref\":\"{one}\",\"Err\":\"\"}}\n{{\"Ref\":\"{two}\",\"Err\":\"\"}}\n", offline[10].Stdout);
        Assert.Equal(4, offline[11].StdoutLines.Length);
        Assert.StartsWith("{\"Data\":{\"/\":{\"bytes\":\"CAE\"}},\"Links\":[{\"Hash\":{\"/\":\"" + one + "\"},\"Name\":\"one.txt\",\"Tsize\":4}", offline[12].Stdout, StringComparison.Ordinal);
        Assert.EndsWith("]}", offline[12].Stdout, StringComparison.Ordinal);
        Assert.Equal("{\"/\":{\"bytes\":\"b25lCg\"}}", offline[13].Stdout);
        Assert.Contains("\nSummary\nTotal Size: ", offline[14].Stdout, StringComparison.Ordinal);
        Assert.Contains("Unique Blocks: 3\n", offline[14].Stdout, StringComparison.Ordinal);
        using (var stat = JsonDocument.Parse(offline[15].Stdout))
        {
            Assert.Equal(3, stat.RootElement.GetProperty("UniqueBlocks").GetInt32());
            Assert.Equal(4, stat.RootElement.GetProperty("SharedSize").GetInt32());
            Assert.Equal(3, stat.RootElement.GetProperty("DagStats")[0].GetProperty("NumBlocks").GetInt32());
        }
        Assert.Equal("", offline[16].Stdout);
        Assert.Equal("{\"Peers\":[]}\n", offline[17].Stdout);
        Assert.Equal("one\ntwo\n", offline[18].Stdout);
        Assert.Equal("e\ntw", offline[19].Stdout);
        Assert.Equal(2, offline[20].ExitCode);
        Assert.Equal("", offline[20].Stdout);
    }

    [Fact]
    public async Task Changes_AreTheSameOfflineAndThroughTheDaemon()
    {
        var (repo, dir, one, _, loose) = await RepoAsync();
        var offline = await ChangesAsync(repo, dir, one, loose);
        // Undo, then the same again through a daemon.
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "config", "limits.maxPeers", "64")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunWithInputAsync(repo, "loose block\n"u8.ToArray(), "block", "put")).ExitCode);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var online = await ChangesAsync(repo, dir, one, loose);
        for (var i = 0; i < offline.Count; i++)
        {
            Assert.True(offline[i].ExitCode == online[i].ExitCode, $"step {i}: exit {offline[i].ExitCode} offline, {online[i].ExitCode} online: {online[i].Stderr}");
            Assert.True(offline[i].Stdout == online[i].Stdout, $"step {i}:\noffline: {offline[i].Stdout}\nonline:  {online[i].Stdout}");
            Assert.True(offline[i].Stderr == online[i].Stderr, $"step {i}:\noffline: {offline[i].Stderr}\nonline:  {online[i].Stderr}");
        }
        // `p2p shutdown`: the daemon stops by itself, removes its api file and releases the repo.
        var shutdown = await CliRunner.RunAsync(repo, "shutdown");
        Assert.True(shutdown.ExitCode == 0, shutdown.Stderr);
        Assert.Equal(0, await daemon.WaitForExitAsync(Ct));
        Assert.False(File.Exists(Path.Join(repo, "api")));
        Assert.Equal("77\n", (await CliRunner.RunAsync(repo, "config", "Limits.MaxPeers")).Stdout);
        Assert.Equal(1, (await CliRunner.RunAsync(repo, "shutdown")).ExitCode);

        Assert.Equal("", offline[0].Stdout);
        Assert.Equal("77\n", offline[1].Stdout);
        Assert.Equal(3, offline[2].ExitCode);
        Assert.Contains("limits.maxPeers must be at least 1", offline[2].Stderr, StringComparison.Ordinal);
        Assert.Equal(2, offline[3].ExitCode);
        Assert.Equal(["Error: config key 'limits.noSuchKey' is unknown (`p2p config show` lists the keys)"], offline[3].StderrLines);
        Assert.Equal(2, offline[4].ExitCode);
        Assert.Equal($"added {PeerAddress}\n", offline[5].Stdout);
        Assert.Equal($"{PeerAddress}\n", offline[6].Stdout);
        Assert.Equal(2, offline[7].ExitCode);
        Assert.Equal($"removed {PeerAddress}\n", offline[8].Stdout);
        Assert.Equal($"removed {loose}\n", offline[9].Stdout);
        Assert.Equal(1, offline[10].ExitCode);
        Assert.Equal([$"cannot remove {dir}: pinned: recursive", $"cannot remove {one}: pinned via {dir}", "Error: some blocks not removed"], offline[10].StderrLines);
        Assert.Equal(1, offline[11].ExitCode);
        Assert.Equal([$"cannot remove {loose}: block {loose} is not in the repo", "Error: some blocks not removed"], offline[11].StderrLines);
        Assert.Equal(0, offline[12].ExitCode);
        Assert.Equal(3, offline[13].ExitCode);
        Assert.Equal(["Error: Limits.MaxPeers takes a number: 'many' is not one"], offline[13].StderrLines);
        // The refused blocks are still there and whole.
        Assert.Equal("one\n", (await CliRunner.RunAsync(repo, "cat", one)).Stdout);
    }

    private async Task<List<CliResult>> ChangesAsync(string repo, string dir, string one, string loose) =>
    [
        await CliRunner.RunAsync(repo, "config", "limits.maxPeers", "77"),
        await CliRunner.RunAsync(repo, "config", "Limits.MaxPeers"),
        await CliRunner.RunAsync(repo, "config", "limits.maxPeers", "0"),
        await CliRunner.RunAsync(repo, "config", "limits.noSuchKey", "1"),
        await CliRunner.RunAsync(repo, "config", "discovery.mdns", "maybe", "--json"),
        await CliRunner.RunAsync(repo, "bootstrap", "add", PeerAddress),
        await CliRunner.RunAsync(repo, "bootstrap", "list"),
        await CliRunner.RunAsync(repo, "bootstrap", "add", "/ip4/127.0.0.1/udp/4999"),
        await CliRunner.RunAsync(repo, "bootstrap", "rm", "--all"),
        await CliRunner.RunAsync(repo, "block", "rm", loose),
        await CliRunner.RunAsync(repo, "block", "rm", dir, one),
        await CliRunner.RunAsync(repo, "block", "rm", loose),
        await CliRunner.RunAsync(repo, "block", "rm", "--force", "--quiet", loose),
        await CliRunner.RunAsync(repo, "config", "Limits.MaxPeers", "many"),
    ];
}
