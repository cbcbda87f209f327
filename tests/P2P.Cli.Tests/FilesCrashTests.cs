namespace P2P.Cli.Tests;

/// <summary>
/// The MFS root under SIGKILL: a loop of `p2p files write` processes, each killed at a seeded random moment (after a
/// random share of its blocks reached the pack, or a random number of polls after it took the repo lock). After
/// every kill the stored root is the one before the write or the one after it, `files stat /` works, and every
/// block under the root is present (`refs -r` reads them all).
/// </summary>
[Trait("Category", "Long")]
public sealed class FilesCrashTests : ProcessTestBase
{
    private const int Rounds = 10;

    public FilesCrashTests()
        : base(TimeSpan.FromSeconds(300))
    {
    }

    [Fact]
    public async Task FilesWrite_KilledAtRandomMoments_RootIsOldOrNewAndComplete()
    {
        var repo = Dir.Combine("repo");
        await SwarmFixture.RunOkAsync(repo, "init");
        var random = new Random(20);
        var input = Dir.Combine("input.bin");
        var data = new byte[12 << 20];
        random.NextBytes(data);
        await File.WriteAllBytesAsync(input, data, Ct);
        var lockFile = Path.Combine(repo, "repo.lock");
        var root = await SwarmFixture.RunOkAsync(repo, "files", "stat", "--hash", "/");
        var kills = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var path = $"/r{round % 3}/file{round}.bin";
            var before = CrashSafetyProcess.PackBytes(repo);
            var byPack = random.Next(2) == 0;
            var threshold = random.NextInt64(0, data.Length);
            var polls = random.Next(0, 12);
            var seen = 0;
            bool Moment(System.Diagnostics.Process p) => byPack
                ? CrashSafetyProcess.PackBytes(repo) > before + threshold
                : CrashSafetyProcess.Holds(p, lockFile) && seen++ >= polls;
            if (await CrashSafetyProcess.KillWhenAsync(repo, Moment, Ct, "files", "write", "-e", "-p", "-t", path, input))
                kills++;

            var now = await SwarmFixture.RunOkAsync(repo, "files", "stat", "--hash", "/");
            // The next command swept any temp file the killed root write left.
            Assert.Empty(Directory.GetFiles(Path.Combine(repo, "mfs"), "*.tmp"));
            var written = await CliRunner.RunAsync(repo, "files", "read", path);
            if (now == root)
            {
                Assert.NotEqual(0, written.ExitCode);
            }
            else
            {
                // The new root: the whole file is in it.
                Assert.True(written.ExitCode == 0, written.Stderr);
                Assert.Equal(data.Length, written.StdoutBytes.Length);
                Assert.True(data.AsSpan().SequenceEqual(written.StdoutBytes), $"round {round}: the file read back differs");
            }
            // Every block under the root is present.
            await SwarmFixture.RunOkAsync(repo, "refs", "-r", now);
            root = now;
            // Leave no file behind for the next round to find: a later round starts from a root without it.
            await SwarmFixture.RunOkAsync(repo, "files", "rm", "--force", path);
            root = await SwarmFixture.RunOkAsync(repo, "files", "stat", "--hash", "/");
        }
        // A write that finished before its moment came is fine (its root must then be the new one, checked above).
        Assert.True(kills >= Rounds / 3, $"only {kills} of {Rounds} writes were killed mid-way");
    }
}
