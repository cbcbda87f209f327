using System.Diagnostics;
using System.Globalization;

namespace P2P.Cli.Tests;

/// <summary>
/// `p2p cat` into a pipe whose reader misbehaves, without and with a daemon. A reader that stops reading and then a
/// Ctrl-C (`p2p cat CID | less`, Ctrl-C while less holds the pipe): the copy is blocked in a write where no
/// cancellation token reaches, so the CLI's backstop must end the process promptly with 130 and one line. A reader
/// that closes the pipe (`| head`): the command must stop at once with 141 and print nothing, not fetch on.
/// </summary>
public sealed class StdoutPipeCliTests : ProcessTestBase
{
    public StdoutPipeCliTests()
        : base(TimeSpan.FromSeconds(150))
    {
    }

    [Fact]
    public async Task CatIntoAStalledPipe_CtrlC_ExitsPromptlyWith130AndOneLine_WithAndWithoutADaemon()
    {
        var (repo, cid) = await AddBigFileAsync();
        await AssertStopsAsync(repo, cid, "without a daemon", interrupt: true);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        await AssertStopsAsync(repo, cid, "with a daemon", interrupt: true);
    }

    [Fact]
    public async Task CatIntoAClosedPipe_StopsAtOnceWith141AndNothingOnStderr_WithAndWithoutADaemon()
    {
        var (repo, cid) = await AddBigFileAsync();
        await AssertStopsAsync(repo, cid, "without a daemon", interrupt: false);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        await AssertStopsAsync(repo, cid, "with a daemon", interrupt: false);
    }

    private async Task<(string Repo, string Cid)> AddBigFileAsync()
    {
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("big.bin");
        var data = new byte[16 << 20]; // far more than a pipe holds (64 KiB on Linux)
        new Random(130).NextBytes(data);
        await File.WriteAllBytesAsync(file, data, Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-Q", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        return (repo, added.Stdout.Trim());
    }

    private async Task AssertStopsAsync(string repo, string cid, string how, bool interrupt)
    {
        using var process = CliRunner.Start(repo, "cat", cid);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            // One byte read proves the copy has begun.
            var first = new byte[1];
            Assert.Equal(1, await process.StandardOutput.BaseStream.ReadAsync(first, Ct));
            if (interrupt)
            {
                // Nothing more is read, so the pipe fills and the copy blocks in its write.
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync(Ct);
            }
            else
            {
                process.StandardOutput.Close();
            }

            // The backstop is 2 s (it was 10 s, and then did not fire); a closed pipe ends the next write. 8 s leaves
            // room for a loaded machine; the rest of the 16 MiB is never read.
            using var prompt = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            prompt.CancelAfter(TimeSpan.FromSeconds(8));
            try
            {
                await process.WaitForExitAsync(prompt.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"{how}: `p2p cat` still running 8 s after its reader {(interrupt ? "stalled and SIGINT" : "closed the pipe")}");
            }
            Assert.True(process.ExitCode == (interrupt ? 130 : 141), $"{how}: exit code {process.ExitCode}, stderr '{await stderr}'");
            Assert.Equal(interrupt ? "Error: interrupted" : "", (await stderr).Trim());
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
