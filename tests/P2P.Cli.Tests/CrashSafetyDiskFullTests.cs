using System.Diagnostics;

namespace P2P.Cli.Tests;

/// <summary>
/// A repo on a small tmpfs the test mounts (8 MiB): adding a larger file fails with one clear line and a non-zero
/// exit, `repo verify` stays clean, and a small add succeeds afterwards. Mounting needs root; where it is refused
/// the test fails and says so, rather than passing without having run.
/// </summary>
public sealed class CrashSafetyDiskFullTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _mount;
    private bool _mounted;

    public CrashSafetyDiskFullTests()
    {
        _mount = Directory.CreateDirectory(_dir.Combine("tmpfs")).FullName;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim());
    }

    [Fact]
    public async Task Add_DiskFills_OneClearErrorAndRepoStaysIntact()
    {
        var (_, uid) = await RunAsync("id", "-u");
        var (code, why) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _mount);
        Assert.True(code == 0, $"this test needs to mount a tmpfs (uid {uid}); mount refused: {why}. Run the tests as root (CI does).");
        _mounted = true;

        var repo = Path.Combine(_mount, "repo");
        await SwarmFixture.RunOkAsync(repo, "init");
        var big = new byte[16 << 20];
        new Random(21).NextBytes(big);
        var bigFile = _dir.Combine("big.bin");
        await File.WriteAllBytesAsync(bigFile, big);

        var add = await CliRunner.RunAsync(repo, "add", "-Q", bigFile);

        Assert.NotEqual(0, add.ExitCode);
        Assert.Single(add.StderrLines);
        Assert.Contains("disk is full", add.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", add.Stderr, StringComparison.Ordinal);
        var verify = await CliRunner.RunAsync(repo, "repo", "verify");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Empty(CrashSafetyProcess.TempFiles(repo));

        await SwarmFixture.RunOkAsync(repo, "repo", "gc");
        var small = _dir.Combine("small.bin");
        await File.WriteAllBytesAsync(small, big.AsMemory(0, 256 << 10));
        var cid = await SwarmFixture.RunOkAsync(repo, "add", "-Q", small);
        var output = _dir.Combine("small.out");
        await SwarmFixture.RunOkAsync(repo, "get", cid, "-o", output);
        Assert.Equal(SwarmFixture.Sha(small), SwarmFixture.Sha(output));
        verify = await CliRunner.RunAsync(repo, "repo", "verify");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            using var umount = Process.Start("umount", ["-l", _mount]);
            umount.WaitForExit(TimeSpan.FromSeconds(30));
        }
        _dir.Dispose();
    }
}
