using System.Text;

namespace P2P.Cli.Tests;

/// <summary>`p2p dag export|import` as a user meets it, on the CAR fixtures the JavaScript reference wrote.</summary>
public sealed class DagCommandTests : IDisposable
{
    private const string DirectoryRoot = "QmNwmpJyTFeRiLVa42JHcngBDQ6u1ZR5DRAb8m4hApootw";

    private readonly TempDir _dir = new();
    private readonly string _repo;

    public DagCommandTests()
    {
        _repo = _dir.Combine("repo");
    }

    public void Dispose() => _dir.Dispose();

    private static string Fixture(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "car")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("tests/fixtures/car not found"), "tests", "fixtures", "car", name);
    }

    private async Task InitAsync()
    {
        var r = await CliRunner.RunAsync(_repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    [Fact]
    public async Task Import_ReferenceCar_PinsTheRootAndServesItsFiles()
    {
        await InitAsync();
        var import = await CliRunner.RunAsync(_repo, "dag", "import", "--stats", Fixture("directory-v0.car"));
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal($"Pinned root\t{DirectoryRoot}\tsuccess\nImported 8 blocks (270565 bytes)\n", import.Stdout);
        var cat = await CliRunner.RunAsync(_repo, "cat", DirectoryRoot + "/index.html");
        Assert.Equal("<!doctype html><title>p2p</title><p>hello</p>\n", cat.Stdout);
        var pins = await CliRunner.RunAsync(_repo, "pin", "ls");
        Assert.Contains(DirectoryRoot, pins.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AfterImport_IsByteIdenticalToTheReferenceCar()
    {
        await InitAsync();
        Assert.Equal(0, (await CliRunner.RunAsync(_repo, "dag", "import", Fixture("directory-v0.car"))).ExitCode);
        var reference = await File.ReadAllBytesAsync(Fixture("directory-v0.car"));
        var stdout = await CliRunner.RunAsync(_repo, "dag", "export", DirectoryRoot);
        Assert.Equal(0, stdout.ExitCode);
        Assert.Equal(reference, stdout.StdoutBytes);
        var file = _dir.Combine("out.car");
        var toFile = await CliRunner.RunAsync(_repo, "dag", "export", DirectoryRoot, "-o", file);
        Assert.Equal(0, toFile.ExitCode);
        Assert.Equal(reference, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Import_CorruptedCar_FailsWithExitFiveAndStoresNothing()
    {
        await InitAsync();
        var car = await File.ReadAllBytesAsync(Fixture("multilevel-v1-raw.car"));
        car[^1] ^= 0xFF;
        var path = _dir.Combine("bad.car");
        await File.WriteAllBytesAsync(path, car);
        var import = await CliRunner.RunAsync(_repo, "dag", "import", path);
        Assert.Equal(5, import.ExitCode);
        Assert.Single(import.StderrLines);
        Assert.Contains("corrupted", import.Stderr, StringComparison.Ordinal);
        var stat = await CliRunner.RunAsync(_repo, "block", "stat", "bafybeicdsnbq3nkm7a2lrzeibfvinqjk7bnjwau25b7mnlmg26lduvdpge");
        Assert.Equal(4, stat.ExitCode);
    }

    [Fact]
    public async Task Import_CarMissingBlocks_ReportsThePinFailure()
    {
        await InitAsync();
        // The header and the root block only: a valid CAR whose DAG is incomplete.
        var car = await File.ReadAllBytesAsync(Fixture("multilevel-v1-raw.car"));
        var end = SkipPrefixed(car, SkipPrefixed(car, 0));
        var path = _dir.Combine("partial.car");
        await File.WriteAllBytesAsync(path, car[..end]);
        var import = await CliRunner.RunAsync(_repo, "dag", "import", path);
        Assert.Equal(4, import.ExitCode);
        Assert.StartsWith("Pinned root\tbafybeicdsnbq3nkm7a2lrzeibfvinqjk7bnjwau25b7mnlmg26lduvdpge\tFAILED:", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("unable to pin all roots: 1 out of 1 failed", import.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The offset after the varint-length-prefixed item at <paramref name="offset"/>.</summary>
    private static int SkipPrefixed(byte[] car, int offset)
    {
        var length = 0;
        var shift = 0;
        while ((car[offset] & 0x80) != 0)
        {
            length |= (car[offset++] & 0x7F) << shift;
            shift += 7;
        }
        length |= car[offset++] << shift;
        return offset + length;
    }

    [Fact]
    public async Task Import_FromStdin_WorksLikeAFile()
    {
        await InitAsync();
        var car = await File.ReadAllBytesAsync(Fixture("hello-v1-raw.car"));
        var import = await CliRunner.RunWithInputAsync(_repo, car, "dag", "import", "-");
        Assert.True(import.ExitCode == 0, import.Stderr);
        var cat = await CliRunner.RunAsync(_repo, "cat", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        Assert.Equal("hello world", Encoding.UTF8.GetString(cat.StdoutBytes));
    }
}
