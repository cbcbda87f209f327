using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace P2P.Node.Tests.Car;

/// <summary>One CAR made by the JavaScript reference, as tests/fixtures/car/expected.json describes it.</summary>
public sealed record CarFixture(string File, string Root, int Blocks, IReadOnlyDictionary<string, CarFixtureFile> Files)
{
    public string FullPath => Path.Combine(CarFixtures.Directory, File);

    public override string ToString() => File;
}

/// <summary>A file inside a fixture's DAG: its size and SHA-256 (hex).</summary>
public sealed record CarFixtureFile(long Size, string Sha256);

/// <summary>Finds the committed fixtures and regenerates their deterministic content the way make-fixtures.mjs does.</summary>
public static class CarFixtures
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static string Directory { get; } = Find();

    public static IReadOnlyList<CarFixture> All { get; } =
        JsonSerializer.Deserialize<List<CarFixture>>(File.ReadAllText(Path.Combine(Directory, "expected.json")), Json)!;

    public static CarFixture Named(string file) => All.Single(f => f.File == file);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var f in All)
            data.Add(f.File);
        return data;
    }

    /// <summary>SHA-256("label:k") for k = 0, 1, ... concatenated and cut to <paramref name="size"/> bytes.</summary>
    public static byte[] Content(string label, int size)
    {
        var output = new byte[size];
        for (int k = 0, o = 0; o < size; k++, o += 32)
        {
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{label}:{k}"));
            digest.AsSpan(0, Math.Min(32, size - o)).CopyTo(output.AsSpan(o));
        }
        return output;
    }

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "car")))
            dir = dir.Parent;
        return dir is null
            ? throw new InvalidOperationException("tests/fixtures/car not found above the test binaries")
            : Path.Combine(dir.FullName, "tests", "fixtures", "car");
    }
}
