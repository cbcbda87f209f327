using System.Text;

namespace P2P.Cli.Tests;

/// <summary>
/// Issue 14: what `p2p add` takes in (symlinks, stdin, -w), run once offline and once through a daemon on a repo of
/// its own; both must print the same stdout and stderr and exit with the same code. Before the fix the daemon
/// followed symlinks (another CID, and "Too many levels of symbolic links" on a `self -> .` link), `echo hi | p2p
/// add` was refused, `p2p add /dev/stdin` stored a symlink and `-w` was read as a path. The CIDs are kubo's: its
/// sharness tests (t0040-add-and-cat.sh, t0043-add-w.sh), its `add --help` example, or kubo's rule computed by hand
/// (a symlink is PBNode{Data: UnixFS{Type: Symlink, Data: target}}).
/// </summary>
public sealed class AddInputsCommandTests : ProcessTestBase
{
    public AddInputsCommandTests()
        : base(TimeSpan.FromMinutes(4))
    {
    }

    /// <summary>kubo's symlink nodes (CIDv0) for the targets "a.txt", "." and "/nonexistent".</summary>
    private const string LinkToAText = "QmS9U51FvTAqDDVLJ5okMzeLjsEeg8JEG1rPmSq2oPahF6";
    private const string LinkToSelf = "QmUDk5vxEHxDLi6ai8KrS9YPMtkahvgcb3mMS7YH57v26E";
    private const string LinkToNothing = "QmVV2UUDhEsurnB9joCNeEizGMryXb6efpntSBeLvRJT8K";

    [Fact]
    public async Task Symlinks_StoredAsLinksOnBothPaths_SelfLinkIncluded()
    {
        var tree = Dir.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "a.txt"), "hello\n");
        File.WriteAllText(Path.Combine(tree, "sub", "b"), "x\n");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "a.txt");
        File.CreateSymbolicLink(Path.Combine(tree, "self"), ".");
        File.CreateSymbolicLink(Path.Combine(tree, "dangling"), "/nonexistent");

        var results = await BothPathsAsync(async repo =>
        [
            await CliRunner.RunAsync(repo, "add", "-r", "--cid-version", "0", tree),
            await CliRunner.RunAsync(repo, "add", "--cid-version", "0", Path.Combine(tree, "link")),
            await CliRunner.RunAsync(repo, "add", "--cid-version", "0", "--dereference-args", Path.Combine(tree, "link")),
            await CliRunner.RunAsync(repo, "add", "--cid-version", "0", Path.Combine(tree, "self")),
        ]);

        var tree0 = results[0];
        Assert.True(tree0.ExitCode == 0, tree0.Stderr);
        Assert.Contains($"added {LinkToAText} tree/link\n", tree0.Stdout, StringComparison.Ordinal);
        Assert.Contains($"added {LinkToSelf} tree/self\n", tree0.Stdout, StringComparison.Ordinal);
        Assert.Contains($"added {LinkToNothing} tree/dangling\n", tree0.Stdout, StringComparison.Ordinal);
        Assert.Equal(7, tree0.StdoutLines.Length);
        // A symlink named on the command line is stored as a link (kubo's Lstat), unless dereferenced.
        Assert.Equal($"added {LinkToAText} link\n", results[1].Stdout);
        Assert.Equal("added QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN a.txt\n", results[2].Stdout);
        Assert.Equal($"added {LinkToSelf} self\n", results[3].Stdout);
    }

    [Fact]
    public async Task Stdin_NoPathDashAndDevStdin_AddTheBytesAsKuboDoes()
    {
        var jupiter = Encoding.UTF8.GetBytes("Hello Jupiter!\n");
        var ipfs = Encoding.UTF8.GetBytes("IPFS\n");
        var hi = Encoding.UTF8.GetBytes("hi\n");

        var results = await BothPathsAsync(async repo =>
        [
            await CliRunner.RunWithInputAsync(repo, jupiter, "add", "--cid-version", "0"),
            await CliRunner.RunWithInputAsync(repo, ipfs, "add", "--cid-version", "0", "--stdin-name", "file.txt"),
            await CliRunner.RunWithInputAsync(repo, hi, "add", "--cid-version", "0", "-"),
            await CliRunner.RunWithInputAsync(repo, hi, "add", "--cid-version", "0", "/dev/stdin"),
            await CliRunner.RunWithInputAsync(repo, hi, "add", "-Q"),
        ]);

        // t0040: an unnamed stdin is named by its own CID.
        Assert.Equal("added QmUnvPcBctVTAcJpigv6KMqDvmDewksPWrNVoy1E1WP5fh QmUnvPcBctVTAcJpigv6KMqDvmDewksPWrNVoy1E1WP5fh\n", results[0].Stdout);
        Assert.Equal("added QmdFyxZXsFiP4csgfM5uPu99AvFiKH62CSPDw5TP92nr7w file.txt\n", results[1].Stdout);
        // "hi\n" by kubo's rule: PBNode{Data: UnixFS{File, Data: "hi\n", filesize: 3}}.
        const string Hi = "QmZLRFWaz9Kypt2ACNMDzA5uzACDRiCqwdkNSP1UZsu56D";
        Assert.Equal($"added {Hi} {Hi}\n", results[2].Stdout);
        // /dev/stdin is read, not stored as a link to /proc/self/fd/0.
        Assert.Equal($"added {Hi} stdin\n", results[3].Stdout);
        Assert.Equal("bafkreiey5jxe6ilpf62lnh77tm5ejbbmhbugzjuf6p2v3remlu73ced34q\n", results[4].Stdout);
    }

    [Fact]
    public async Task Wrap_PrintsTheWrapperLastWithAnEmptyName()
    {
        var example = Dir.Combine("example.jpg");
        File.WriteAllBytes(example, []);
        var other = Dir.Combine("other.txt");
        File.WriteAllText(other, "other\n");

        var results = await BothPathsAsync(async repo =>
        [
            await CliRunner.RunAsync(repo, "add", "--cid-version", "0", "-w", example),
            await CliRunner.RunWithInputAsync(repo, Encoding.UTF8.GetBytes("IPFS\n"), "add", "--cid-version", "0", "-w", "--stdin-name", "file.txt"),
            await CliRunner.RunAsync(repo, "add", "-w", other, example),
            await CliRunner.RunAsync(repo, "add", "-Q", "--cid-version", "0", "--wrap-with-directory", example),
        ]);

        // kubo's `add --help` example: the wrapper's line has an empty name, so it ends in a space.
        Assert.Equal(
            "added QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH example.jpg\nadded QmaG4FuMqEBnQNn3C8XJ5bpW8kLs7zq2ZXgHptJHbKDDVx \n",
            results[0].Stdout);
        Assert.StartsWith("added QmdFyxZXsFiP4csgfM5uPu99AvFiKH62CSPDw5TP92nr7w file.txt\n", results[1].Stdout, StringComparison.Ordinal);
        Assert.Equal(2, results[1].StdoutLines.Length);
        // Arguments are sorted by name, as kubo sorts them, and the one wrapper holds both.
        Assert.Equal(["example.jpg", "other.txt", ""], results[2].StdoutLines.Select(l => l.Split(' ', 3)[2]).ToArray());
        Assert.Equal("QmaG4FuMqEBnQNn3C8XJ5bpW8kLs7zq2ZXgHptJHbKDDVx\n", results[3].Stdout);
    }

    [Fact]
    public async Task BadInputs_SameOneLineErrorsOnBothPaths()
    {
        var folder = Dir.Combine("folder");
        Directory.CreateDirectory(folder);
        var twin = Dir.Combine("twin");
        Directory.CreateDirectory(twin);
        File.WriteAllText(Path.Combine(twin, "f"), "1");
        File.WriteAllText(Dir.Combine("f"), "2");

        var results = await BothPathsAsync(async repo =>
        [
            await CliRunner.RunAsync(repo, "add", folder),
            await CliRunner.RunAsync(repo, "add", Dir.Combine("missing")),
            await CliRunner.RunAsync(repo, "add", "-w", Dir.Combine("f"), Path.Combine(twin, "f")),
            await CliRunner.RunAsync(repo, "add", "--wrap", Dir.Combine("f")),
        ]);

        Assert.Equal([2, 4, 2, 2], results.Select(r => r.ExitCode).ToArray());
        Assert.All(results, r => Assert.Single(r.StderrLines));
        Assert.Contains("use -r", results[0].Stderr, StringComparison.Ordinal);
        Assert.Contains("repeated under different import directories", results[2].Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown option '--wrap'", results[3].Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on a fresh repo offline, then on another fresh repo with a daemon holding it,
    /// asserts that each command printed the same and exited the same both ways, and returns the offline results.
    /// </summary>
    private async Task<IReadOnlyList<CliResult>> BothPathsAsync(Func<string, Task<CliResult[]>> scenario)
    {
        var offlineRepo = await InitAsync("offline");
        var offline = await scenario(offlineRepo);
        var daemonRepo = await InitAsync("daemon");
        CliResult[] online;
        await using (var daemon = await DaemonProcess.StartAsync(daemonRepo, Ct))
        {
            online = await scenario(daemonRepo);
            Assert.Equal(0, await daemon.StopAsync(Ct));
        }
        for (var i = 0; i < offline.Length; i++)
        {
            Assert.True(offline[i].ExitCode == online[i].ExitCode, $"command {i}: offline exited {offline[i].ExitCode} ({offline[i].Stderr}), daemon {online[i].ExitCode} ({online[i].Stderr})");
            Assert.Equal(offline[i].Stdout, online[i].Stdout);
            Assert.Equal(offline[i].Stderr, online[i].Stderr);
            Assert.DoesNotContain("   at ", online[i].Stderr, StringComparison.Ordinal);
        }
        return offline;
    }

    private async Task<string> InitAsync(string name)
    {
        var repo = Dir.Combine(name);
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return repo;
    }
}
