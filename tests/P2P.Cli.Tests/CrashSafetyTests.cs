using System.Security.Cryptography;

namespace P2P.Cli.Tests;

/// <summary>
/// Offline `p2p add`, `get`, `pin add` and `repo gc` processes SIGKILLed in the middle of their work (the kill is
/// triggered by the operation's own progress: a pack segment or temp file growing, the repo lock held), then the
/// repo is checked: `repo verify` clean, pins as before or as completed, no temp files in the repo, and the
/// operation run again completes with the right bytes.
/// </summary>
public sealed class CrashSafetyTests : ProcessTestBase
{
    private const int Attempts = 4;
    private readonly string _repo;

    public CrashSafetyTests()
        : base(TimeSpan.FromMinutes(3))
    {
        _repo = Dir.Combine("repo");
    }

    private async Task InitAsync() => await SwarmFixture.RunOkAsync(_repo, "init");

    private (string Path, string Sha) WriteFile(string name, int mib, int seed)
    {
        var data = new byte[mib << 20];
        new Random(seed).NextBytes(data);
        var path = Dir.Combine(name);
        File.WriteAllBytes(path, data);
        return (path, Convert.ToHexString(SHA256.HashData(data)));
    }

    private async Task AssertRepoCleanAsync()
    {
        var verify = await CliRunner.RunAsync(_repo, "repo", "verify");
        Assert.True(verify.ExitCode == 0, $"repo verify exited {verify.ExitCode}: {verify.Stdout}{verify.Stderr}");
        Assert.Empty(CrashSafetyProcess.TempFiles(_repo));
    }

    private async Task<string> PinsAsync() => await SwarmFixture.RunOkAsync(_repo, "pin", "ls");

    [Fact]
    public async Task Add_KilledMidWay_RepoVerifiesAndAddCompletesAfterwards()
    {
        await InitAsync();
        var kills = 0;
        var (file, cid) = ("", "");
        for (var i = 0; i < Attempts && kills == 0; i++)
        {
            // A new file each attempt: an add that finished before the kill stored its blocks, so adding the same
            // bytes again would write nothing and never be caught mid-way.
            (file, _) = WriteFile($"data{i}.bin", 64, seed: 11 + i);
            cid = await SwarmFixture.RunOkAsync(_repo, "add", "-Q", "--only-hash", file);
            var before = CrashSafetyProcess.PackBytes(_repo);
            if (await CrashSafetyProcess.KillWhenAsync(_repo, _ => CrashSafetyProcess.PackBytes(_repo) > before + (4 << 20), Ct, "add", "-Q", file))
            {
                kills++;
                await AssertRepoCleanAsync();
                Assert.DoesNotContain(cid, await PinsAsync());
            }
        }
        Assert.True(kills > 0, $"no kill landed inside the add in {Attempts} attempts");

        Assert.Equal(cid, await SwarmFixture.RunOkAsync(_repo, "add", "-Q", file));
        await AssertRepoCleanAsync();
        Assert.Contains(cid, await PinsAsync());
    }

    [Fact]
    public async Task Get_KilledMidWay_NoPartialOutputAndRerunIsByteIdentical()
    {
        await InitAsync();
        var (file, sha) = WriteFile("data.bin", 64, seed: 12);
        var cid = await SwarmFixture.RunOkAsync(_repo, "add", "-Q", file);
        var outDir = Directory.CreateDirectory(Dir.Combine("out")).FullName;
        var output = Path.Combine(outDir, "got.bin");
        bool Growing(System.Diagnostics.Process _) =>
            Directory.EnumerateFiles(outDir, ".got.bin.p2p-*.tmp").Any(f => new FileInfo(f).Length > 4 << 20);
        var kills = 0;
        for (var i = 0; i < Attempts && kills == 0; i++)
        {
            File.Delete(output);
            if (await CrashSafetyProcess.KillWhenAsync(_repo, Growing, Ct, "get", cid, "-o", output))
                kills++;
        }
        Assert.True(kills > 0, $"no kill landed inside the get in {Attempts} attempts");
        // The killed get never wrote the final name: a partial file is never mistaken for the content.
        Assert.False(File.Exists(output));
        await AssertRepoCleanAsync();

        await SwarmFixture.RunOkAsync(_repo, "get", cid, "-o", output);
        Assert.Equal(sha, SwarmFixture.Sha(output));
    }

    [Fact]
    public async Task PinAdd_KilledMidWay_PinsAreAsBeforeOrAsCompleted()
    {
        await InitAsync();
        var (keptFile, _) = WriteFile("kept.bin", 2, seed: 13);
        var kept = await SwarmFixture.RunOkAsync(_repo, "add", "-Q", keptFile);
        var (file, _) = WriteFile("data.bin", 64, seed: 14);
        var cid = await SwarmFixture.RunOkAsync(_repo, "add", "-Q", "--pin=false", file);
        var lockFile = Path.Combine(_repo, "repo.lock");
        for (var i = 0; i < Attempts; i++)
        {
            var killed = await CrashSafetyProcess.KillWhenAsync(_repo, p => CrashSafetyProcess.Holds(p, lockFile), Ct, "pin", "add", cid);
            await AssertRepoCleanAsync();
            var pins = await PinsAsync();
            Assert.Contains(kept, pins);
            if (!killed)
                Assert.Contains(cid, pins);
            if (pins.Contains(cid, StringComparison.Ordinal))
                break;
        }

        await SwarmFixture.RunOkAsync(_repo, "pin", "add", cid);
        Assert.Contains(cid, await PinsAsync());
        await AssertRepoCleanAsync();
    }

    [Fact]
    public async Task RepoGc_KilledMidWay_PinnedContentSurvivesAndGcCompletesAfterwards()
    {
        await InitAsync();
        var (keptFile, keptSha) = WriteFile("kept.bin", 8, seed: 15);
        var kept = await SwarmFixture.RunOkAsync(_repo, "add", "-Q", keptFile);
        var kills = 0;
        for (var i = 0; i < 3; i++)
        {
            var (garbage, _) = WriteFile($"garbage{i}.bin", 24, seed: 16 + i);
            await SwarmFixture.RunOkAsync(_repo, "add", "-Q", "--pin=false", garbage);
            // gc appends tombstones, then compacts into a new segment: the pack changing is the sign it is deleting.
            var before = CrashSafetyProcess.PackBytes(_repo);
            if (await CrashSafetyProcess.KillWhenAsync(_repo, _ => CrashSafetyProcess.PackBytes(_repo) != before, Ct, "repo", "gc"))
                kills++;
            await AssertRepoCleanAsync();
            Assert.Contains(kept, await PinsAsync());
        }
        Assert.True(kills > 0, "no kill landed inside gc in 3 attempts");

        await SwarmFixture.RunOkAsync(_repo, "repo", "gc");
        await AssertRepoCleanAsync();
        var output = Dir.Combine("kept.out");
        await SwarmFixture.RunOkAsync(_repo, "get", kept, "-o", output);
        Assert.Equal(keptSha, SwarmFixture.Sha(output));
        // Only the pinned file is left: the garbage is gone once gc ran to the end.
        Assert.InRange(CrashSafetyProcess.PackBytes(_repo), 8 << 20, 12 << 20);
    }
}
