namespace P2P.Cli.Tests;

/// <summary>
/// `p2p files`: one script of commands (successes and kubo's errors) run on a repo without a daemon and on another
/// through a daemon gives the same stdout, stderr and exit code line for line; the MFS root survives the daemon.
/// </summary>
public sealed class FilesCliTests : ProcessTestBase
{
    public FilesCliTests()
        : base(TimeSpan.FromSeconds(240))
    {
    }

    /// <summary>The script: arguments and the exit code each must give.</summary>
    private static readonly (string[] Args, int Exit)[] Script =
    [
        (["files", "stat", "/"], 0),
        (["files", "mkdir", "/docs/deep"], 4),
        (["files", "mkdir", "-p", "/docs/deep"], 0),
        (["files", "mkdir", "/docs"], 1),
        (["files", "write", "--create", "/docs/a.txt", "@a"], 0),
        (["files", "write", "--offset", "20", "/docs/a.txt", "@b"], 0),
        (["files", "read", "/docs/a.txt"], 0),
        (["files", "read", "-o", "2", "-n", "5", "/docs/a.txt"], 0),
        (["files", "read", "-o", "999", "/docs/a.txt"], 2),
        (["files", "write", "/docs/missing.txt", "@a"], 4),
        (["files", "write", "-e", "-t", "/docs/a.txt", "@b"], 0),
        (["files", "ls", "/docs"], 0),
        (["files", "ls", "-l", "/docs"], 0),
        (["--enc", "json", "files", "ls", "-l", "/"], 0),
        (["files", "stat", "/docs/a.txt"], 0),
        (["files", "stat", "--hash", "/docs"], 0),
        (["--enc", "json", "files", "stat", "/docs"], 0),
        (["files", "stat", "--hash", "--size", "/"], 2),
        (["files", "rm", "/docs"], 2),
        (["files", "cp", "/docs/a.txt", "/copy.txt"], 0),
        (["files", "cp", "/docs/a.txt", "/copy.txt"], 1),
        (["files", "mv", "/copy.txt", "/docs/deep"], 0),
        (["files", "ls", "/docs/deep"], 0),
        (["files", "chcid", "--cid-version", "1", "/docs/deep"], 0),
        (["files", "chcid", "--cid-version", "1", "/docs/a.txt"], 2),
        (["files", "stat", "--hash", "/docs/deep"], 0),
        (["files", "rm", "-r", "/docs/deep"], 0),
        (["files", "ls", "relative"], 2),
        (["files", "flush"], 0),
        (["files", "stat", "--hash", "/"], 0),
    ];

    [Fact]
    public async Task Files_ScriptWithAndWithoutADaemon_SameOutputSameErrors()
    {
        var a = Dir.Combine("a.txt");
        var b = Dir.Combine("b.txt");
        await File.WriteAllTextAsync(a, "the first file's text\n", Ct);
        await File.WriteAllTextAsync(b, "second\n", Ct);
        string[] Resolve(string[] args) => [.. args.Select(x => x == "@a" ? a : x == "@b" ? b : x)];

        var offlineRepo = Dir.Combine("offline");
        var onlineRepo = Dir.Combine("online");
        await SwarmFixture.RunOkAsync(offlineRepo, "init");
        await SwarmFixture.RunOkAsync(onlineRepo, "init");
        var offline = new List<CliResult>();
        foreach (var (args, _) in Script)
            offline.Add(await CliRunner.RunAsync(offlineRepo, Resolve(args)));

        await using (var daemon = await DaemonProcess.StartAsync(onlineRepo, Ct))
        {
            for (var i = 0; i < Script.Length; i++)
            {
                var (args, exit) = Script[i];
                var online = await CliRunner.RunAsync(onlineRepo, Resolve(args));
                var name = string.Join(' ', args);
                Assert.True(offline[i].ExitCode == exit, $"{name} without a daemon: exit {offline[i].ExitCode}, {offline[i].Stderr}");
                Assert.True(online.ExitCode == exit, $"{name} with a daemon: exit {online.ExitCode}, {online.Stderr}");
                Assert.True(offline[i].Stdout == online.Stdout, $"{name}: stdout without a daemon '{offline[i].Stdout}', with one '{online.Stdout}'");
                Assert.True(offline[i].Stderr == online.Stderr, $"{name}: stderr without a daemon '{offline[i].Stderr}', with one '{online.Stderr}'");
            }
        }

        // What the script must have printed (so equal output cannot mean both broken).
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", offline[0].StdoutLines[0]);
        Assert.Equal("Error: file does not exist", offline[1].Stderr.Trim());
        Assert.Equal("Error: file already exists", offline[3].Stderr.Trim());
        Assert.Equal("the first file's texsecond\n", offline[6].Stdout);
        Assert.Equal("e fir", offline[7].Stdout);
        Assert.Equal("Error: offset was past end of file (999 > 27)", offline[8].Stderr.Trim());
        Assert.Equal(["a.txt", "deep"], offline[11].StdoutLines);
        Assert.Equal("Error: /docs: path is a directory, use -r to remove directories", offline[18].Stderr.Trim());
        Assert.Equal(["copy.txt"], offline[22].StdoutLines);
        Assert.StartsWith("bafy", offline[25].Stdout, StringComparison.Ordinal);
        Assert.Equal(offline[28].Stdout, offline[29].Stdout);

        // The daemon's changes are the repo's: its root is there after it stopped.
        var after = await CliRunner.RunAsync(onlineRepo, "files", "stat", "--hash", "/");
        Assert.Equal(offline[^1].Stdout, after.Stdout);
        Assert.Equal("second\n", (await CliRunner.RunAsync(onlineRepo, "files", "read", "/docs/a.txt")).Stdout);
    }

    [Fact]
    public async Task FilesWrite_FromStdin_ReadsBackTheSameBytes()
    {
        var repo = Dir.Combine("repo");
        await SwarmFixture.RunOkAsync(repo, "init");
        var data = new byte[300_000];
        new Random(19).NextBytes(data);
        var write = await CliRunner.RunWithInputAsync(repo, data, "files", "write", "-e", "-p", "/in/stdin.bin");
        Assert.True(write.ExitCode == 0, write.Stderr);
        var read = await CliRunner.RunAsync(repo, "files", "read", "/in/stdin.bin");
        Assert.Equal(data, read.StdoutBytes);
    }
}
