namespace P2P.Cli.Tests;

/// <summary>
/// `p2p add --chunker` with kubo's content-defined chunkers: the same CIDs and the same refusals (kubo's sentence,
/// exit 2) without a daemon and through one.
/// </summary>
public sealed class ChunkerCliTests : ProcessTestBase
{
    public ChunkerCliTests()
        : base(TimeSpan.FromSeconds(150))
    {
    }

    [Fact]
    public async Task AddChunker_RabinAndBuzhash_SameCidsAndErrorsWithAndWithoutADaemon()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var hello = Dir.Combine("hello.txt");
        await File.WriteAllTextAsync(hello, "Hello Worlds!\n", Ct);
        var big = Dir.Combine("big.bin");
        var data = new byte[1536 * 1024];
        new Random(31).NextBytes(data);
        await File.WriteAllBytesAsync(big, data, Ct);

        string[][] cases =
        [
            ["add", "-Q", "--cid-version", "0", "--chunker", "rabin", hello],
            ["add", "-Q", "--cid-version", "0", "--chunker", "buzhash", hello],
            ["add", "-Q", "--chunker", "rabin-4096-16384-65536", big],
            ["add", "-Q", "--chunker", "buzhash", big],
            ["add", "-Q", big],
            ["add", "-Q", "--chunker", "rabin-12-512-1024", hello],
            ["add", "-Q", "--chunker", "fastcdc", hello],
        ];
        var offline = new List<CliResult>();
        foreach (var args in cases)
            offline.Add(await CliRunner.RunAsync(repo, args));

        // kubo's t0040-add-and-cat.sh publishes this CID for hello.txt under each chunker.
        Assert.Equal("QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", offline[0].Stdout.Trim());
        Assert.Equal("QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", offline[1].Stdout.Trim());
        for (var i = 2; i <= 4; i++)
            Assert.True(offline[i].ExitCode == 0, offline[i].Stderr);
        Assert.Equal(3, new[] { offline[2].Stdout, offline[3].Stdout, offline[4].Stdout }.Distinct().Count());
        Assert.Equal(2, offline[5].ExitCode);
        Assert.Equal("Error: rabin min must be greater than 16", Assert.Single(offline[5].StderrLines));
        Assert.Equal(2, offline[6].ExitCode);
        Assert.Equal("Error: unrecognized chunker option: fastcdc", Assert.Single(offline[6].StderrLines));

        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        for (var i = 0; i < cases.Length; i++)
        {
            var online = await CliRunner.RunAsync(repo, cases[i]);
            var what = string.Join(' ', cases[i][..^1]);
            Assert.True(offline[i].ExitCode == online.ExitCode, $"{what}: exit {offline[i].ExitCode} offline, {online.ExitCode} online");
            Assert.True(offline[i].Stdout == online.Stdout, $"{what}: '{offline[i].Stdout.Trim()}' offline, '{online.Stdout.Trim()}' online");
            Assert.True(offline[i].Stderr == online.Stderr, $"{what}: '{offline[i].Stderr.Trim()}' offline, '{online.Stderr.Trim()}' online");
        }
    }
}
